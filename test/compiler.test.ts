/** The cell compiler: declarations carried across cells, redeclaring, errors at cell lines. */
import { test } from "node:test";
import assert from "node:assert/strict";
import vm from "node:vm";
import os from "node:os";
import path from "node:path";
import ts from "typescript";
import { cellCompilerOptions } from "../kernel/compiler/options";
import { inspectText } from "../kernel/compiler/quick-info";
import { CellCompiler, isComplete } from "../kernel/compiler/service";
import { CellRegistry, errorInfo } from "../kernel/executor/traceback";
import { np } from "../lib/index";

const compiler = new CellCompiler(os.tmpdir());
const registry = new CellRegistry();
let n = 0;

async function run(code: string): Promise<unknown> {
  const r = compiler.compile(code, `In[${++n}]`);
  if (!r.ok) throw Object.assign(new Error(r.error.evalue), { info: r.error });
  const file = `lazylab-cell-${n}.js`;
  registry.add(file, `In[${n}]`, code, r.map, r.insertions);
  try {
    return await (new vm.Script(r.js, { filename: file }).runInThisContext() as Promise<unknown>);
  } finally {
    compiler.record(r.id);
  }
}

function compileError(code: string) {
  const r = compiler.compile(code, `In[${++n}]`);
  assert.equal(r.ok, false, `expected ${JSON.stringify(code)} not to compile`);
  return (r as { error: { ename: string; evalue: string; traceback: string[] } }).error;
}

test("declarations of every kind carry to later cells", async () => {
  await run("const c1 = 2\nlet l1 = 3\nfunction f1(x: number) { return x * c1 }\nclass K1 { constructor(public v: number) {} }\ninterface I1 { v: number }\ntype T1 = { w: string }\nenum E1 { A, B }");
  assert.equal(await run("const k: I1 = new K1(f1(l1)); const t: T1 = { w: 'x' }; k.v + E1.B"), 7);
});

test("re-running a cell that redeclares const, let, function, class, interface works", async () => {
  for (const v of [1, 2]) {
    assert.equal(await run(`const rx = ${v}\nlet ry = ${v}\nfunction rf() { return ${v} }\nclass RC { v = ${v} }\ninterface RI { v: number }\nrx + ry + rf() + new RC().v`), 4 * v);
  }
  assert.equal(await run("const ri: RI = { v: 5 }; ri.v"), 5);
});

test("a redeclaration may change the type, and later cells see the new type", async () => {
  await run("const changes = 1");
  await run('const changes = "now a string"');
  assert.equal(await run("changes.toUpperCase()"), "NOW A STRING");
  const e = compileError("const m: number = changes");
  assert.equal(e.ename, "TS2322");
});

test("type errors are reported with the cell line and do not run", () => {
  (globalThis as Record<string, unknown>).sideEffect = 0;
  const e = compileError("\n\nconst bad: number = 'x'");
  assert.equal(e.ename, "TS2322");
  assert.match(e.evalue, /line 3/);
  assert.match(e.traceback.join("\n"), /line 3, column 7/);
});

test("syntax errors are TS1xxx errors", () => {
  assert.match(compileError("const = 1").ename, /^TS1\d{3}$/);
});

test("runtime errors map to cell lines through the source map, past inserted exports", async () => {
  await run("const pad = 1\nfunction boom(): never {\n  throw new TypeError('bad')\n}");
  try {
    await run("\n\nboom()");
    assert.fail("expected a throw");
  } catch (e) {
    const info = errorInfo(e, registry);
    assert.equal(info.ename, "TypeError");
    const tb = info.traceback.join("\n");
    assert.match(tb, /at boom \(Cell In\[\d+\], line 3:9\)/);
    assert.match(tb, /Cell In\[\d+\], line 3:1/);
  }
});

test("statements in frames of their own keep the cell's meaning: hoisting, var in blocks, this, await, the value", async () => {
  assert.equal(await run("const early = hoisted(2);\nfunction hoisted(x: number) { return x * 3 }\nearly"), 6);
  assert.equal(await run("for (var vi = 0, vn = 3; vi < vn; vi++) {}\nvi + vn"), 6);
  assert.equal(await run("for (var [vk, vv] of [[1, 2]]) { if (vk) { var vz = vk + vv } }\nvk! + vv! + vz!"), 6);
  assert.equal(await run("const fns: Array<() => number> = [];\nfor (var vc of [1, 2]) fns.push(() => vc);\nfns[0]() + fns[1]()"), 4);
  assert.equal(await run("this === undefined"), true);
  assert.equal(await run("const w1 = await Promise.resolve(1);\nlet w2 = 0;\nfor await (const x of [Promise.resolve(2)]) w2 += x;\nw1 + w2"), 3);
  assert.deepEqual(await run("({ o: 1 })"), { o: 1 });
  assert.equal(await run("outer: for (const a of [1, 2]) { for (const b of [1]) { if (a === 2) break outer; } }\n7"), 7);
});

test("errors after an await in the cell point at cell lines, with no wrapper frames", async () => {
  await run("async function laterBoom(): Promise<never> {\n  await null;\n  throw new RangeError('later')\n}");
  try {
    await run("1;\nawait null;\nawait laterBoom()");
    assert.fail("expected a throw");
  } catch (e) {
    const tb = errorInfo(e, registry).traceback.join("\n");
    assert.match(tb, /at laterBoom \(Cell In\[\d+\], line 3:9\)/);
    assert.match(tb, /at Cell In\[\d+\], line 3:1/);
    assert.doesNotMatch(tb, /lazylab-cell/);
  }
});

test("top-level await, the last expression as value, undefined for declarations", async () => {
  assert.equal(await run("await Promise.resolve(41) + 1"), 42);
  assert.equal(await run("const ignored = 5"), undefined);
});

test("destructuring declarations become globals", async () => {
  await run("const { da1, db1: [dc1, ...drest] } = { da1: 1, db1: [2, 3, 4] }");
  assert.deepEqual(await run("[da1, dc1, drest]"), [1, 2, [3, 4]]);
});

test("Node's own globals cannot be redeclared at top level", () => {
  assert.equal(compileError("const process = 1").ename, "ReservedNameError");
});

test("console.log type-checks without anything installed beside the notebook", async () => {
  assert.equal(await run("typeof console.log"), "function");
});

test("completion sees earlier declarations and members", async () => {
  await run("const zebraCount = 3");
  assert.ok(compiler.complete("zebraC", 6).matches.includes("zebraCount"));
  assert.ok(compiler.complete("Math.flo", 8).matches.includes("floor"));
});

test("inspect shows the signature and TSDoc", async () => {
  await run("/** Doubles a number. */\nfunction documented(x: number) { return 2 * x }");
  const text = compiler.inspect("documented(1)", 3) ?? "";
  assert.match(text, /function documented\(x: number\): number/);
  assert.match(text, /Doubles a number/);
});

test("inspect on the shared checker shows what the language service shows, at every position, with no new checker", async () => {
  (globalThis as Record<string, unknown>).np = np; // what the executor preloads
  await run("/** A point the notebook made. */\ninterface InsP { /** Across. */ x: number; y?: string }\n/**\n * Scales a point.\n * @param k the factor\n * @returns a new point\n */\nfunction insScale(p: InsP, k = 2): InsP { return { x: p.x * k } }\nclass InsBox<T> { /** Made with a value. */ constructor(public value: T) {} get twice() { return [this.value, this.value] } }");
  compiler.prepare(); // the declarations above are now in the checker's history file
  await run("/** Declared just now, not yet in the history file. */\nconst insRecent = insScale({ x: 1 }, 3)");
  const cells = [
    "insScale({ x: 2, y: 'a' }).x + insRecent.x",
    "new InsBox(np.zeros([2])).twice.length",
    "const local = np.arange(5); local.reshape([5, 1]).sum()",
    "Math.floor(console.log.length); this",
    "[1, 2].map((v) => v.toFixed(1)).join(`${insRecent.y}`)",
  ];
  let compared = 0;
  for (const code of cells) {
    for (let pos = 0; pos <= code.length; pos++) {
      const shared = compiler.inspect(code, pos);
      assert.equal(shared, compiler.inspect(code, pos, "service"), `${code} at ${pos}`);
      if (shared) compared++;
    }
  }
  assert.ok(compared > 100, `only ${compared} positions had something to show`);
  // The language service's answers above built programs of their own; shared ones build none.
  compiler.prepare();
  await run("const insAfter = 1");
  const before = compiler.checkersBuilt;
  for (const code of [...cells, "insAfter"]) for (let pos = 0; pos <= code.length; pos += 3) compiler.inspect(code, pos);
  assert.equal(compiler.checkersBuilt, before, "a shared inspect built a checker");
  // What a user sees: a user function's signature and each TSDoc part, a recent declaration's doc,
  // a library function's TSDoc.
  const scale = compiler.inspect("insScale", 3) ?? "";
  assert.match(scale, /^function insScale\(p: InsP, k\?: number\): InsP$/m);
  assert.match(scale, /Scales a point\./);
  assert.match(scale, /@param k the factor/);
  assert.match(scale, /@returns a new point/);
  assert.match(compiler.inspect("insRecent", 2) ?? "", /const insRecent: InsP[\s\S]*Declared just now/);
  assert.match(compiler.inspect("np.arange", 6) ?? "", /^function arange\(/m);
});

test("TSDoc of the standard library and Node's types (parsed without it) reads as TypeScript's own quick info gives it", () => {
  const code = "console.log(Math.floor(1)); setTimeout(() => 1).unref(); Buffer.from('a'); [1].map(String); process.memoryUsage(); new URL('a').host; performance.now()\nconst t = setTimeout; JSON.stringify({}); new Map<string, number>().get('a'); Promise.all([]); structuredClone(1); new Date().getTime()";
  // The reference: a plain language service over the same options, every TSDoc parsed.
  const options = cellCompilerOptions();
  const file = path.join(os.tmpdir(), "reference.ts");
  const text = code + "\nexport {};\n";
  const reference = ts.createLanguageService({
    getCompilationSettings: () => options,
    getScriptFileNames: () => [file],
    getScriptVersion: () => "1",
    getScriptSnapshot: (f) => (f === file ? ts.ScriptSnapshot.fromString(text) : ts.sys.fileExists(f) ? ts.ScriptSnapshot.fromString(ts.sys.readFile(f)!) : undefined),
    getCurrentDirectory: () => os.tmpdir(),
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: ts.sys.fileExists,
    readFile: ts.sys.readFile,
  });
  let documented = 0;
  for (const m of code.matchAll(/[A-Za-z]+/g)) {
    const pos = m.index! + 1;
    const q = reference.getQuickInfoAtPosition(file, pos);
    if (!q) continue;
    const expected = inspectText(q);
    if (q.documentation?.length) documented++;
    assert.equal(compiler.inspect(code, pos), expected, `${m[0]} at ${pos}`);
    assert.equal(compiler.inspect(code, pos, "service"), expected, `${m[0]} at ${pos}, through the language service`);
  }
  assert.ok(documented >= 10, `only ${documented} names had TSDoc`);
});

test("new cells, declaring or not, are checked by the same checker (no new Program per cell)", async () => {
  await run("const fp0 = 1");
  compiler.prepare(); // what the compiler thread does when idle: the history is now in the checker's globals
  const before = compiler.checkersBuilt;
  for (let i = 1; i <= 10; i++) {
    assert.equal(await run(`const fp${i} = fp${i - 1} + 1`), undefined);
    assert.equal(await run(`fp${i} * 2`), 2 * (i + 1));
  }
  // A declaration naming another recent one brings it along.
  await run("type RecentT = { a: number }");
  await run("const recentObj: RecentT = { a: 7 }");
  assert.equal(await run("recentObj.a"), 7);
  assert.equal(compiler.checkersBuilt, before, "a new checker was built for a new cell");
  // Completion sees every declaration.
  assert.ok(compiler.complete("fp1", 3).matches.includes("fp10"));
  assert.equal(compiler.checkersBuilt, before, "completion built a new checker");
});

test("on the shared checker, type errors (also against just-declared names) stop the cell before it runs", async () => {
  const g = globalThis as Record<string, unknown>;
  await run('const recentStr = "s"');
  g.ranAnyway = 0;
  await assert.rejects(run("(globalThis as any).ranAnyway = 1\nconst rn: number = recentStr"), /not assignable to type 'number'/);
  assert.equal(g.ranAnyway, 0);
  const e = compileError("\nrecentStr.notAMethod()");
  assert.equal(e.ename, "TS2339");
  assert.match(e.traceback.join("\n"), /line 2, column 11/);
  assert.equal(compileError("undeclaredName + 1").ename, "TS2304");
});

test("re-running declaring cells right after each other rebinds with the new types", async () => {
  await run("const rr = 1\nfunction rrf(): number { return rr }");
  await run('const rr = "now text"\nfunction rrf(): string { return rr }');
  assert.equal(await run("rr.toUpperCase() + rrf().length"), "NOW TEXT8");
  assert.equal(compileError("const rrn: number = rrf()").ename, "TS2322");
});

test("a cell redeclaring a type that recent declarations refer to keeps their meaning", async () => {
  await run("interface Shape1 { a: number }");
  await run("const sh1: Shape1 = { a: 1 }");
  // sh1 is typed by the earlier Shape1 (as in a re-run notebook); the cell's own Shape1 is new.
  assert.equal(await run("interface Shape1 { b: string }\nconst s2: Shape1 = { b: 'x' }\nsh1.a + s2.b"), "1x");
});

test("del-ed names are gone for the next cell; ts-ignore and ts-expect-error work in new cells", async () => {
  await run("const goneSoon = 1");
  compiler.forget(["goneSoon"]);
  assert.equal(compileError("goneSoon").ename, "TS2304");
  assert.equal(await run("// @ts-ignore\nconst ig: number = 'x'\n3"), 3);
  assert.equal(await run("// @ts-expect-error\nconst ex: number = 'x'\n4"), 4);
  assert.equal(compileError("// @ts-expect-error\nconst fine: number = 1").ename, "TS2578");
});

test("library-typed declarations reach the next cell and completion on the same checker, named as users know them", async () => {
  (globalThis as Record<string, unknown>).np = np; // what the executor preloads
  compiler.prepare();
  const before = compiler.checkersBuilt;
  await run("const npa = np.zeros([2, 3])");
  assert.deepEqual(await run("npa.shape"), [2, 3]);
  const c = compiler.complete("npa.resh", 8);
  assert.ok(c.matches.includes("reshape"));
  assert.equal(compiler.checkersBuilt, before, "a new checker was built");
  const e = compileError("const wrong: string = npa");
  assert.match(e.evalue, /'NDArray' is not assignable to type 'string'/);
  assert.doesNotMatch(e.evalue, /__lazylab|import\(/);
  assert.match(compiler.inspect("npa", 1) ?? "", /^const npa: NDArray$/m);
});

test("a declaration whose type needs a module (import type) still reaches completion and later cells", () => {
  // A file module (resolved through the program), unlike Node's ambient `declare module "fs"`.
  const r = compiler.compile('let typedX: import("lazylab").np.NDArray | undefined', "In[x]");
  assert.ok(r.ok);
  compiler.record(r.id);
  assert.ok(compiler.complete("typedX!.resh", 12).matches.includes("reshape"));
  assert.equal(compiler.compile("typedX?.reshape(-1)", "In[y]").ok, true);
});

test("is_complete: complete, incomplete with indent, invalid", () => {
  assert.deepEqual(isComplete("1 + 1"), { status: "complete" });
  assert.deepEqual(isComplete("function f() {"), { status: "incomplete", indent: "    " });
  assert.equal(isComplete("const const = 1").status, "invalid");
});

test("a cell that declares nothing is emitted without declarations, and the next declaring cell's are recorded", async () => {
  const c = new CellCompiler(os.tmpdir());
  const plain = c.compile("1 + 41", "In[1]");
  assert.ok(plain.ok);
  assert.equal(c["options"].declaration, true, "the compiler's options are restored after the emit");
  assert.match(plain.js, /return 1 \+ 41;/);
  assert.match(plain.map, /"mappings":"[^"]+"/);
  const decl = c.compile("const fortyTwo: number = 42;", "In[2]");
  assert.ok(decl.ok);
  c.record(decl.id);
  assert.match(c.history.text(), /fortyTwo: number/);
  const use = c.compile("fortyTwo.toFixed(1)", "In[3]");
  assert.ok(use.ok, JSON.stringify(use));
});
