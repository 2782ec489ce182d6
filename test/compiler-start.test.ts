/**
 * A fresh compiler's first cells (docs/kernel.md, "Start"): a cell checked on a program of its
 * own gives exactly what the full program gives, and cells that could depend on anything else
 * are left to the full program; the WebAssembly globals found by scanning lib.dom.d.ts are the
 * parser's.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import os from "node:os";
import ts from "typescript";
import { CellCompiler, type CompileResult } from "../kernel/compiler/service";
import { declarationText, domLibFile } from "../kernel/compiler/web-globals";

const full = new CellCompiler(os.tmpdir());
full.warmUpCheck();

/** A result without what differs by when and how a cell was compiled: its id, its file's number, the standalone mark. */
function comparable(r: CompileResult | undefined): unknown {
  if (!r) return r;
  const { id: _id, standalone: _standalone, ...rest } = r as CompileResult & { id?: number; standalone?: true };
  return JSON.parse(JSON.stringify(rest).replace(/__lazylab_cell_\d+/g, "__lazylab_cell_N"));
}

const STANDALONE = [
  "1+1",
  "const x: string = 1",
  "let a = 3; a * 2",
  "`${1 + 1} apples`",
  "'a' < 1",
  "const s = 'x';\ns + 1",
  "1 +",
  "-2 ** 2",
  "let n: number | null = null; n ?? 4",
  "true ? 1 : 'b'",
  "let k = 1; k += 2; k++; k",
  "const c = 1; c = 2",
];
const FULL_ONLY = [
  "np.arange(3)", "console.log(1)", "[1, 2]", "Math.max(1, 2)", "import fs from 'fs'", "foo + 1", "undefined",
  "NaN", "%%time\n1+1", "typeof 1", "({ a: 1 })", "1n + 2n", "/a/.test('a')", "const f = () => 1", "'abc'.length",
  "let q: Array<number> = []", "const process = 1",
];

test("a first cell checked on a program of its own gives what the full program gives", () => {
  const fresh = new CellCompiler(os.tmpdir());
  for (const code of STANDALONE) {
    fresh.reset();
    const alone = fresh.compileStandalone(code, "In[1]");
    assert.notEqual(alone, undefined, `${JSON.stringify(code)} should be checked on its own`);
    assert.deepEqual(comparable(alone), comparable(full.compile(code, "In[1]")), code);
  }
  // Both kinds of answer came up: results and type errors.
  assert.ok(STANDALONE.some((c) => full.compile(c, "In[1]").ok) && STANDALONE.some((c) => !full.compile(c, "In[1]").ok));
});

test("a cell that names anything outside itself waits for the full program", () => {
  const fresh = new CellCompiler(os.tmpdir());
  for (const code of FULL_ONLY) assert.equal(fresh.compileStandalone(code, "In[1]"), undefined, code);
});

test("first cells answered while the full program is read and bound are the same as after it, and their declarations reach later cells", () => {
  const early = new CellCompiler(os.tmpdir());
  const answers = new Map<number, CompileResult | undefined>();
  const cells = new Map([[50, "2 ** 10"], [300, "const first: number = 1 + 1"], [310, "const y: string = 2"]]);
  let calls = 0;
  early.whileLoading = () => {
    const code = cells.get(++calls);
    if (code) answers.set(calls, early.compileStandalone(code, "In[1]"));
  };
  early.warmUpCheck();
  early.whileLoading = undefined;
  // ~240 files read, then as many bound: call 300 comes while binding.
  assert.ok(calls > 310, `the first program gave only ${calls} calls`);
  const reference = new CellCompiler(os.tmpdir());
  reference.warmUpCheck();
  assert.deepEqual(comparable(answers.get(50)), comparable(reference.compile("2 ** 10", "In[1]")));
  const first = answers.get(300);
  const expected = reference.compile("const first: number = 1 + 1", "In[1]");
  assert.deepEqual(comparable(first), comparable(expected));
  // A name was declared (not yet recorded): the next cell is not checked on its own.
  assert.equal(answers.get(310), undefined);
  assert.ok(first?.ok && expected.ok);
  early.record(first.id);
  reference.record(expected.id);
  assert.deepEqual(comparable(early.compile("first * 2", "In[2]")), comparable(reference.compile("first * 2", "In[2]")));
  assert.deepEqual(early.history.names(), ["first"]);
  assert.deepEqual(comparable(early.compile("const first = 'again'", "In[3]")), comparable(reference.compile("const first = 'again'", "In[3]")));
});

test("the WebAssembly namespace found by scanning lib.dom.d.ts is the one the parser finds", () => {
  const text = readFileSync(domLibFile(), "utf8");
  const sf = ts.createSourceFile(domLibFile(), text, ts.ScriptTarget.Latest, false);
  const parsed = sf.statements.find((s) => ts.isModuleDeclaration(s) && s.name.getText(sf) === "WebAssembly");
  assert.ok(parsed);
  assert.equal(declarationText(text, "declare namespace WebAssembly {"), parsed.getText(sf));
  assert.equal(declarationText(text, "declare namespace NoSuchThing {"), undefined);
});
