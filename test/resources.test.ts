/**
 * A cell's `using` resources (kernel/executor/resources.ts) against TypeScript's own lowering of
 * the same declarations in a block, run here: the order of disposals, what each disposal's
 * result does (awaited for `[Symbol.asyncDispose]`, not for a `[Symbol.dispose]` under
 * `await using`), and the error a failing disposal raises, a SuppressedError's `error` and
 * `suppressed` included. test/python/test_behaviour.py runs such cells in a kernel.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import vm from "node:vm";
import ts from "typescript";
import { CellResources } from "../kernel/executor/resources";

interface Outcome {
  log: string[];
  error?: { name: string; message: string; error?: string; suppressed?: string };
}

/** A scenario: `decls` are [isAwait, the resource's source] in order, then the body (may throw). */
interface Scenario {
  name: string;
  decls: [boolean, string][];
  body: string;
}

const SCENARIOS: Scenario[] = [
  { name: "two, last first", decls: [[false, `{ [Symbol.dispose]() { log.push("a") } }`], [false, `{ [Symbol.dispose]() { log.push("b") } }`]], body: `log.push("body")` },
  { name: "a throwing body", decls: [[false, `{ [Symbol.dispose]() { log.push("a") } }`]], body: `throw new Error("body")` },
  { name: "two failing disposals over a failing body", decls: [[false, `{ [Symbol.dispose]() { throw new Error("first") } }`], [false, `{ [Symbol.dispose]() { throw new Error("second") } }`]], body: `throw new Error("body")` },
  {
    name: "await using: async disposal awaited, a sync one's promise not",
    decls: [
      [true, `{ async [Symbol.asyncDispose]() { await tick(2); log.push("async") } }`],
      // Disposed before the one above, its promise settling later: awaited, it would log first.
      [true, `{ [Symbol.dispose]() { return tick(20).then(() => log.push("sync's promise")) } }`],
      [true, `null`],
    ],
    body: `log.push("body")`,
  },
  { name: "a rejecting async disposal", decls: [[true, `{ async [Symbol.asyncDispose]() { throw new RangeError("async") } }`]], body: `log.push("body")` },
];

const describe = (e: unknown): Outcome["error"] => {
  const x = e as { name: string; message: string; error?: Error; suppressed?: Error };
  return { name: x.name, message: x.message, ...(x.error ? { error: x.error.message } : {}), ...(x.suppressed ? { suppressed: x.suppressed.message } : {}) };
};

const context = () => {
  const log: string[] = [];
  const tick = (ms = 2) => new Promise((r) => setTimeout(r, ms));
  return { log, tick };
};

/** TypeScript's lowering of the declarations in a block (for Node 20), run in this process. */
async function lowered(s: Scenario): Promise<Outcome> {
  const decls = s.decls.map(([isAwait, src], i) => `${isAwait ? "await using" : "using"} r${i} = ${src};`).join("\n");
  const js = ts.transpileModule(`export {}; (async () => { { ${decls}\n${s.body}; } })()`, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS },
  }).outputText;
  const c = context();
  try {
    await vm.runInNewContext(js, { ...c, exports: {}, Symbol, Promise, Error, RangeError, TypeError, setTimeout });
  } catch (e) {
    return { log: c.log, error: describe(e) };
  }
  await c.tick(40);
  return { log: c.log };
}

/** The same through CellResources, as a compiled cell uses it. */
async function cell(s: Scenario): Promise<Outcome> {
  const c = context();
  const resources = new CellResources();
  const values = s.decls.map(([, src]) => vm.runInNewContext(`(${src})`, { ...c, Symbol }) as unknown);
  try {
    try {
      s.decls.forEach(([isAwait], i) => resources.use(values[i], isAwait));
      vm.runInNewContext(s.body, { ...c, Error });
    } catch (e) {
      resources.fail(e);
    } finally {
      const d = resources.dispose();
      if (d) await d;
    }
  } catch (e) {
    return { log: c.log, error: describe(e) };
  }
  await c.tick(40);
  return { log: c.log };
}

for (const s of SCENARIOS) {
  test(`a cell's using resources dispose as TypeScript's lowering does: ${s.name}`, async () => {
    const expected = await lowered(s);
    assert.deepEqual(await cell(s), expected);
  });
}

test("a using declaration's bad value is refused, naming the declaration", () => {
  const r = new CellResources();
  assert.throws(() => r.use(5, false), { name: "TypeError", message: "using: the value must be an object with a [Symbol.dispose]() method, not a number" });
  assert.throws(() => r.use({}, true), { name: "TypeError", message: "await using: the value (Object) has no [Symbol.asyncDispose]() method nor [Symbol.dispose]()" });
  assert.equal(r.use(null, false), null);
});
