/**
 * lib/gc outside the kernel: `import { gc } from "lazylab"` in a Node process started without
 * --expose-gc (a script's), against Python's gc module. In cells, gc is Node's function with
 * these added (test_library_in_kernel's gc test).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { pythonJson } from "./oracle";

const LIB = path.join(__dirname, "..", "lib", "index.js");

/** Runs `body` in a fresh Node process without flags, with `gc` imported from the library; its stdout as JSON. */
function inScript<T>(body: string): T {
  const code = `const { gc } = require(${JSON.stringify(LIB)});\n${body}`;
  return JSON.parse(execFileSync(process.execPath, ["-e", code], { encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "" } })) as T;
}

test("gc.collect() frees what nothing references, for every generation, without --expose-gc", () => {
  const r = inScript<{ exposed: string; freed: number[]; results: string[]; enabled: boolean }>(`
    const exposed = typeof globalThis.gc;
    const freed = [], results = [];
    for (const generation of [undefined, 2]) {
      let holder = { a: new Float64Array(4e6) };
      const ab0 = process.memoryUsage().arrayBuffers; holder = null;
      results.push(String(gc.collect(generation)));
      freed.push((ab0 - process.memoryUsage().arrayBuffers) / 2 ** 20);
    }
    for (const generation of [0, 1]) results.push(String(gc.collect(generation)));
    console.log(JSON.stringify({ exposed, freed, results, enabled: gc.isenabled() }));`);
  assert.equal(r.exposed, "undefined", "the script had --expose-gc: the test would not test the fallback");
  for (const mb of r.freed) assert.ok(Math.abs(mb - 30.52) < 0.01, `freed ${mb} MB of a 30.52 MB buffer`);
  assert.deepEqual(r.results, ["undefined", "undefined", "undefined", "undefined"]);
  assert.equal(r.enabled, pythonJson<boolean>("import gc, json; print(json.dumps(gc.isenabled()))"));
});

test("gc.collect() refuses a generation Python's gc does not have, with Python's error", () => {
  const python = pythonJson<string[]>(`
import gc, json
out = []
for g in (3, -1):
    try:
        gc.collect(g)
    except ValueError as e:
        out.append(f"ValueError: {e}")
print(json.dumps(out))`);
  const ours = inScript<string[]>(`
    const out = [];
    for (const g of [3, -1]) { try { gc.collect(g); out.push("no error"); } catch (e) { out.push(e.name + ": " + e.message); } }
    console.log(JSON.stringify(out));`);
  assert.deepEqual(ours, python);
});
