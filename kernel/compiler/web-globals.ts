/**
 * Globals Node gives a cell that @types/node leaves to the DOM library (which a notebook must
 * not get whole: `window`, `document` do not exist in Node). `WebAssembly` is taken from
 * TypeScript's own lib.dom.d.ts (the namespace alone, as written there); the web classes
 * Node exposes as globals get their constructors typed from Node's own types.
 * `test/compiler.test.ts` checks every name on the executor's globalThis against what a cell
 * can name.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";

/** Statements for inside `declare global { ... }`. */
export function webGlobalsText(): string {
  const dom = path.join(path.dirname(ts.getDefaultLibFilePath({})), "lib.dom.d.ts");
  const sf = ts.createSourceFile(dom, readFileSync(dom, "utf8"), ts.ScriptTarget.Latest, false);
  const wasm = sf.statements.find((s) => ts.isModuleDeclaration(s) && s.name.getText(sf) === "WebAssembly");
  const lines: string[] = [];
  if (wasm) lines.push(wasm.getText(sf).replace(/^declare\s+/, ""));
  lines.push(
    "  var Performance: { prototype: typeof performance; new (): never };",
    "  var Crypto: { prototype: typeof crypto; new (): never };",
    "  var SubtleCrypto: { prototype: typeof crypto.subtle; new (): never };",
    "  var CryptoKey: { prototype: import(\"crypto\").webcrypto.CryptoKey; new (): never };",
  );
  return lines.join("\n");
}
