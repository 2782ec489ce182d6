/** `jupyter nbconvert --execute` (Debian's nbconvert and nbclient) runs the example notebooks. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");
const OUT = path.join(ROOT, "test-output", "nbconvert");
const JUPYTER = process.env.LAZYLAB_JUPYTER ?? "/usr/bin/jupyter";

interface Output { output_type: string; text?: string | string[]; data?: Record<string, string | string[]> }
const joined = (t: string | string[] | undefined) => (Array.isArray(t) ? t.join("") : (t ?? ""));

function execute(name: string): Array<{ source: string; outputs: Output[] }> {
  mkdirSync(OUT, { recursive: true });
  execFileSync(JUPYTER, ["nbconvert", "--to", "notebook", "--execute", path.join(ROOT, "examples", name), "--output-dir", OUT], {
    stdio: "pipe",
    timeout: 180_000,
  });
  const nb = JSON.parse(readFileSync(path.join(OUT, name), "utf8")) as { cells: Array<{ cell_type: string; source: string | string[]; outputs?: Output[] }> };
  return nb.cells.filter((c) => c.cell_type === "code").map((c) => ({ source: joined(c.source), outputs: c.outputs ?? [] }));
}

test("nbconvert --to notebook --execute examples/hello.ipynb", { timeout: 200_000 }, () => {
  const cells = execute("hello.ipynb");
  const text = (i: number) => cells[i].outputs.map((o) => joined(o.text) + joined(o.data?.["text/plain"])).join("\n");
  assert.equal(text(0), "hello, world\n");
  assert.equal(text(1), "'HELLO'");
  assert.equal(text(3), "'hello hello hello'");
  assert.equal(text(4), "timer 10 ms\ntimer 20 ms\ntimer 30 ms\n\n'done'");
  assert.equal(joined(cells[5].outputs[0].data?.["text/html"]), "<b>bold</b> from TypeScript");
  assert.ok(cells.every((c) => c.outputs.every((o) => o.output_type !== "error")), "no cell failed");
});

test("nbconvert --to notebook --execute examples/memory-management.ipynb: the port runs without errors", { timeout: 200_000 }, () => {
  const cells = execute("memory-management.ipynb");
  assert.equal(cells.length, 26);
  assert.ok(cells.every((c) => c.outputs.every((o) => o.output_type !== "error")), "no cell failed");
  const all = cells.map((c) => c.outputs.map((o) => joined(o.text) + joined(o.data?.["text/plain"])).join("")).join("\n");
  assert.match(all, /Change in available memory: {2}-7\.6\d+ {2}MB/);
  assert.match(all, /dask|array\(\[\[/);
});

test("nbconvert --to html --execute examples/memory-management.ipynb keeps the rich outputs", { timeout: 200_000 }, () => {
  mkdirSync(OUT, { recursive: true });
  execFileSync(JUPYTER, ["nbconvert", "--to", "html", "--execute", path.join(ROOT, "examples", "memory-management.ipynb"), "--output-dir", OUT], { stdio: "pipe", timeout: 180_000 });
  const html = readFileSync(path.join(OUT, "memory-management.html"), "utf8");
  assert.match(html, /svmem\(total=\d+/);
  assert.match(html, /<table/, "arrays show their HTML table");
  assert.ok(!html.includes("Traceback"), "no traceback in the page");
});
