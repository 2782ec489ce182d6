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
  const wasm = declarationText(readFileSync(domLibFile(), "utf8"), "declare namespace WebAssembly {");
  const lines: string[] = [];
  if (wasm) lines.push(wasm.replace(/^declare\s+/, ""));
  lines.push(
    "  var Performance: { prototype: typeof performance; new (): never };",
    "  var Crypto: { prototype: typeof crypto; new (): never };",
    "  var SubtleCrypto: { prototype: typeof crypto.subtle; new (): never };",
    "  var CryptoKey: { prototype: import(\"crypto\").webcrypto.CryptoKey; new (): never };",
  );
  return lines.join("\n");
}

export function domLibFile(): string {
  return path.join(path.dirname(ts.getDefaultLibFilePath({})), "lib.dom.d.ts");
}

/**
 * The text of the top-level declaration of `lib` that starts with `head` (through its closing
 * brace), as the parser's node.getText() gives it, found with the scanner from there: parsing
 * the whole of lib.dom.d.ts (2.3 MB) for it cost a fresh compiler thread ~0.3 s before its first
 * check (docs/kernel.md, "Start"). Undefined if `head` is not at the start of a line.
 */
export function declarationText(lib: string, head: string): string | undefined {
  const at = lib.startsWith(head) ? 0 : lib.indexOf(`\n${head}`) + 1;
  if (at === 0 && !lib.startsWith(head)) return undefined;
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, ts.LanguageVariant.Standard, lib);
  scanner.resetTokenState(at);
  let depth = 0;
  for (let token = scanner.scan(); token !== ts.SyntaxKind.EndOfFileToken; token = scanner.scan()) {
    if (token === ts.SyntaxKind.OpenBraceToken) depth++;
    else if (token === ts.SyntaxKind.CloseBraceToken && --depth === 0) return lib.slice(at, scanner.getTokenEnd());
  }
  return undefined;
}
