/**
 * Lean Node types (kernel/compiler/node-types.ts): cells that import nothing are checked against
 * the part of @types/node the global scope reaches. Compared here with a compiler that always
 * has the full types: every global's type, what cells compile to and the errors they get,
 * completion and inspect; the switch to the full types for imports and getBuiltinModule; lean
 * texts that no longer match their key are not used; the build's check catches a missing
 * declaration.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import ts from "typescript";
import { verifyLeanProgram } from "../kernel/compiler/lean-node-types";
import { isNodeTypesFile, LEAN_NODE_TYPES_FILE, type LeanNodeTypesFile } from "../kernel/compiler/node-types";
import { CellCompiler } from "../kernel/compiler/service";

const dir = mkdtempSync(path.join(os.tmpdir(), "lazylab-node-types-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const leanFile: LeanNodeTypesFile = JSON.parse(readFileSync(LEAN_NODE_TYPES_FILE, "utf8"));

/** Every global value and type with its members' types, three levels deep, as text. */
function globalTypes(c: CellCompiler): string[] {
  const program = c.languageServiceProgram();
  const checker = program.getTypeChecker();
  const flags = ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseFullyQualifiedType;
  const lines: string[] = [];
  const seen = new Set<ts.Type>();
  const members = (t: ts.Type, prefix: string, depth: number) => {
    if (depth > 3) return;
    for (const m of checker.getPropertiesOfType(t)) {
      const decl = m.valueDeclaration ?? m.declarations?.[0];
      const mt = decl ? checker.getTypeOfSymbolAtLocation(m, decl) : checker.getTypeOfSymbol(m);
      lines.push(`${prefix}.${m.name}: ${checker.typeToString(mt, undefined, flags)}`);
      if (!seen.has(mt)) seen.add(mt), members(mt, `${prefix}.${m.name}`, depth + 1);
    }
    for (const kind of [ts.SignatureKind.Call, ts.SignatureKind.Construct]) {
      for (const sig of checker.getSignaturesOfType(t, kind)) {
        lines.push(`${prefix}(): ${checker.signatureToString(sig, undefined, flags)}`);
        const r = checker.getReturnTypeOfSignature(sig);
        if (!seen.has(r)) seen.add(r), members(r, `${prefix}()`, depth + 1);
      }
    }
  };
  const scope = checker.getSymbolsInScope(program.getSourceFile(c.cellPath)!, ts.SymbolFlags.Value | ts.SymbolFlags.Type | ts.SymbolFlags.Namespace);
  for (const s of scope.filter((s) => !s.name.startsWith('"')).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (s.flags & ts.SymbolFlags.Value) {
      const t = checker.getTypeOfSymbol(s);
      lines.push(`${s.name}: ${checker.typeToString(t, undefined, flags)}`);
      members(t, s.name, 0);
    }
    if (s.flags & ts.SymbolFlags.Type) {
      const t = checker.getDeclaredTypeOfSymbol(s);
      lines.push(`type ${s.name}: ${checker.typeToString(t, undefined, flags)}`);
      members(t, `type ${s.name}`, 1);
    }
  }
  // Symbol ids (`__@iterator@123`) differ between programs.
  return lines.map((l) => l.replace(/@\d+/g, "@N"));
}

const nodeCount = (c: CellCompiler) =>
  c.languageServiceProgram().getSourceFiles().filter((sf) => isNodeTypesFile(sf.fileName)).reduce((n, sf) => n + (sf as ts.SourceFile & { nodeCount: number }).nodeCount, 0);

test("the build's lean texts are used, and hold well under the full types", () => {
  const lean = new CellCompiler(dir);
  const full = new CellCompiler(dir, { leanNodeTypes: false });
  assert.equal(lean.nodeTypesMode, "lean");
  lean.languageServiceProgram();
  assert.equal(lean.nodeTypesMode, "lean", "the key matched");
  assert.equal(full.nodeTypesMode, "full");
  const [l, f] = [nodeCount(lean), nodeCount(full)];
  assert.ok(l < 0.6 * f, `lean ${l} nodes, full ${f}`);
});

test("every global has the same type (three levels of members deep) with the lean Node types", () => {
  const lean = globalTypes(new CellCompiler(dir));
  const full = globalTypes(new CellCompiler(dir, { leanNodeTypes: false }));
  assert.ok(full.length > 15_000, `${full.length} lines`);
  // getBuiltinModule names every module: a cell that names it gets the full types (next test).
  const comparable = (lines: string[]) => lines.filter((l) => !/\.getBuiltinModule\b/.test(l));
  assert.equal(lean.length, full.length);
  assert.deepEqual(comparable(lean), comparable(full));
});

const CELLS = [
  "process.stdout.write('x'); process.memoryUsage().rss + process.hrtime.bigint().toString().length",
  "const b = Buffer.from('abc'); b.toString('hex') + b.readUInt8(0)",
  "setTimeout(() => 1, 1).unref(); setImmediate(() => 1); queueMicrotask(() => undefined)",
  "const u = new URL('http://a/b?c=1'); u.searchParams.get('c')",
  "const r = await fetch('http://127.0.0.1:1').catch((e: Error) => e); r instanceof Response",
  "new TextEncoder().encode('a').byteLength + structuredClone({ a: 1 }).a + performance.now()",
  "const ch = new MessageChannel(); ch.port1.close(); new BroadcastChannel('x').name",
  "crypto.randomUUID().length + AbortSignal.timeout(1).aborted.toString()",
  "const s = new ReadableStream<number>(); s.getReader()",
  "require('node:fs').readFileSync; module.exports; __dirname.length",
  "class E extends EventTarget {}; new E().dispatchEvent(new Event('x'))",
  "process.stdout.writ('x')",
  "Buffer.from(1, 2, 3, 4)",
  "const t: NodeJS.Timeout = setTimeout(() => 1); t.hasRef(); const p: NodeJS.Process = process",
];

test("cells compile to the same script and errors with the lean Node types", () => {
  const lean = new CellCompiler(dir);
  const full = new CellCompiler(dir, { leanNodeTypes: false });
  for (const code of CELLS) {
    const [l, f] = [lean.compile(code, "In[1]"), full.compile(code, "In[1]")];
    assert.equal(l.ok, f.ok, code);
    if (l.ok && f.ok) assert.equal(l.js, f.js, code);
    else assert.deepEqual(l, f, code);
    if (l.ok && f.ok) lean.record(l.id), full.record(f.id);
  }
  assert.equal(lean.history.text(), full.history.text(), "the declarations recorded");
  assert.equal(lean.nodeTypesMode, "lean");
  for (const [code, pos] of [["process.stdout.", 15], ["Buffer.from('a').", 17], ["b.", 2], ["new URL('a').", 13]] as const) {
    assert.deepEqual(lean.complete(code, pos), full.complete(code, pos), code);
  }
  for (const [code, pos] of [["process.stdout.write", 17], ["setTimeout", 3], ["fetch", 2], ["t.hasRef", 4]] as const) {
    assert.equal(lean.inspect(code, pos), full.inspect(code, pos), code);
  }
  assert.equal(lean.nodeTypesMode, "lean");
});

test("an import or getBuiltinModule switches to the full types, a restart back to the lean ones", () => {
  const lean = new CellCompiler(dir);
  const full = new CellCompiler(dir, { leanNodeTypes: false });
  const both = (code: string) => {
    const [l, f] = [lean.compile(code, "In[1]"), full.compile(code, "In[1]")];
    assert.deepEqual({ ok: l.ok, js: l.ok && l.js, err: !l.ok && l.error }, { ok: f.ok, js: f.ok && f.js, err: !f.ok && f.error }, code);
    return l;
  };
  assert.equal(both("process.getBuiltinModule('node:fs').readFileSync('x', 'utf8').length").ok, true);
  assert.equal(lean.nodeTypesMode, "full");
  assert.equal(both("process.getBuiltinModule('node:zlib').gzipSynk").ok, false);
  lean.reset();
  full.reset();
  assert.equal(lean.nodeTypesMode, "lean");
  assert.equal(both("import { readFileSync } from 'node:fs'; readFileSync('x', 'utf8').length").ok, true);
  assert.equal(lean.nodeTypesMode, "full");
  lean.reset();
  assert.ok(lean.complete("import { gzip } from 'node:zlib'; gzi", 37).matches.includes("gzip"));
  assert.equal(lean.nodeTypesMode, "full", "completion of a text that imports");
});

test("lean texts that were computed for other files are not used", () => {
  const stale = path.join(dir, "stale.json");
  writeFileSync(stale, JSON.stringify({ ...leanFile, key: "0".repeat(40) }));
  const c = new CellCompiler(dir, { leanNodeTypes: stale });
  assert.equal(c.nodeTypesMode, "lean");
  c.languageServiceProgram();
  assert.equal(c.nodeTypesMode, "full");
  assert.equal(nodeCount(c), nodeCount(new CellCompiler(dir, { leanNodeTypes: false })));
  assert.equal(new CellCompiler(dir, { leanNodeTypes: path.join(dir, "missing.json") }).nodeTypesMode, "full");
});

test("the build's check finds a declaration the lean texts lack", () => {
  const tty = Object.keys(leanFile.files).find((f) => f.endsWith(`@types${path.sep}node${path.sep}tty.d.ts`))!;
  const broken = { ...leanFile, files: { ...leanFile.files, [tty]: leanFile.files[tty].replace(/class WriteStream\b/, "class WriteStreamGone") } };
  assert.notEqual(broken.files[tty], leanFile.files[tty]);
  const file = path.join(dir, "broken.json");
  writeFileSync(file, JSON.stringify(broken));
  // The key covers the full texts, which did not change: the compiler takes these texts.
  const problems = verifyLeanProgram(new CellCompiler(dir, { leanNodeTypes: file, checkLibFiles: true }).languageServiceProgram());
  assert.ok(problems.some((p) => /WriteStream/.test(p)), problems.join("\n"));
  assert.deepEqual(verifyLeanProgram(new CellCompiler(dir, { checkLibFiles: true }).languageServiceProgram()), []);
});
