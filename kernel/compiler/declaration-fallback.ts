/**
 * What the compiler does when TypeScript cannot write a declaring cell's declarations (it then
 * writes none: kernel/compiler/service.ts, degradedDeclarations): where each diagnostic points,
 * what to annotate `: any` or leave out, and the warnings the user reads.
 */
import ts from "typescript";
import { declaredNames } from "./cell-source";

/**
 * What degradedDeclarations does about one declaration diagnostic: insert `: any` at `at` (the
 * declaration the diagnostic names has no type of its own to write; `subject`: what becomes
 * `any`, with its verb), or leave a top-level statement out (nothing there can be annotated).
 */
export type DeclarationFix =
  | { at: number; subject: string; example: string }
  | { drop: ts.Statement; names: string[] };

/**
 * The fix for a declaration diagnostic at `pos` of a cell: declaration emit reports at the name
 * of the declaration whose inferred type it cannot write (a variable, a parameter, a property,
 * or a function or method for its return type). Undefined outside the user's text (`userEnd`).
 */
export function declarationFix(sf: ts.SourceFile, pos: number, userEnd: number): DeclarationFix | undefined {
  const chain: ts.Node[] = [];
  for (let node: ts.Node | undefined = sf; node; node = ts.forEachChild(node, (c) => (c.getStart(sf) <= pos && pos < c.end ? c : undefined))) chain.push(node);
  const stmt = chain[1];
  if (!stmt || !ts.isStatement(stmt) || stmt.end > userEnd) return undefined;
  const owner = (declaredNames(stmt) ?? []).map((n) => `'${n}'`).join(", ");
  const on = (name: ts.Node) => name.getStart(sf) <= pos && pos < name.end;
  for (const n of chain.slice(1).reverse()) {
    if ((ts.isVariableDeclaration(n) || ts.isParameter(n) || ts.isPropertyDeclaration(n)) && !n.type && on(n.name)) {
      const token = ts.isVariableDeclaration(n) ? n.exclamationToken : ts.isParameter(n) ? n.questionToken : (n.questionToken ?? n.exclamationToken);
      const at = (token ?? n.name).end;
      const name = n.name.getText(sf);
      if (ts.isVariableDeclaration(n)) {
        const kw = n.parent.flags & ts.NodeFlags.Const ? "const" : "let";
        return { at, subject: ts.isIdentifier(n.name) ? `'${name}' is` : `${owner} are`, example: `${kw} ${name}: SomeType = ...` };
      }
      return { at, subject: `${ts.isParameter(n) ? "parameter" : "property"} '${name}' of ${owner} is`, example: `${name}: SomeType` };
    }
    // A return type is reported at the function's name, or at the whole function (TS 6).
    if ((ts.isFunctionDeclaration(n) || ts.isMethodDeclaration(n) || ts.isGetAccessorDeclaration(n)) && !n.type && n.body && n.name && pos < n.body.getStart(sf)) {
      return { at: n.body.getStart(sf), subject: `the return type of ${ts.isFunctionDeclaration(n) ? owner : `'${n.name.getText(sf)}' of ${owner}`} is`, example: `${n.name.getText(sf)}(...): SomeType { ... }` };
    }
  }
  return { drop: stmt, names: declaredNames(stmt) ?? [] };
}

/** A diagnostic as a warning gives it: `TS4023: Exported variable 'proc' has ...`. */
export function reason(d: ts.Diagnostic): string {
  return `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, " ").replace(/\.$/, "")}`;
}

/** The warning when a cell's declarations could not be written at all: its names are not carried. */
export function notCarried(declared: ReadonlySet<string>, diagnostics: readonly ts.Diagnostic[], error?: string): string {
  const why = error ?? [...new Set(diagnostics.map(reason))].join("; ");
  const names = [...declared].map((n) => `'${n}'`).join(", ");
  return `Warning: ${names} ${declared.size > 1 ? "are" : "is"} not carried to later cells: TypeScript could not write the cell's declarations (${why}).`;
}
