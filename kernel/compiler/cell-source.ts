/**
 * What a cell declares at its top level, read from its syntax alone.
 *
 * Cells are type-checked as modules (so top-level `await` works and a cell may shadow an
 * earlier cell's names) with `export ` inserted before each top-level declaration, so that
 * TypeScript's declaration emit describes all of them for later cells. Magics (`%%time`, ...)
 * are blanked and the code that times the statements inserted (magics.ts); a top-level
 * `x = ...` of a name `del` removed becomes `export let x = ...` (Python binds it again). The
 * insertions are recorded so positions in diagnostics and source maps map back to what the
 * user typed.
 */
import ts from "typescript";
import { findMagics, planMagics, MagicUsageError } from "./magics";

const EXPORT = "export ";
const EXPORT_LET = "export let ";

/** Text inserted into the user's text: at `at` (an offset of the user's text), `length` characters. */
export type Insertion = [at: number, length: number];

export interface CellSource {
  /** The text given to the type checker: the user's text with insertions, plus a module marker. */
  checkedText: string;
  /** Names this cell declares at top level (variables, functions, classes, types, imports). */
  declared: Set<string>;
  /** Where text was inserted (in the user's text), in order. */
  insertions: Insertion[];
  /** Top-level `import` declarations of the user's text, as written. */
  imports: ts.ImportDeclaration[];
}

function bindingNames(name: ts.BindingName, out: Set<string>): void {
  if (ts.isIdentifier(name)) out.add(name.text);
  else for (const el of name.elements) if (!ts.isOmittedExpression(el)) bindingNames(el.name, out);
}

function hasModifier(node: ts.Node, kind: ts.SyntaxKind): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === kind);
}

/**
 * `using x = ...` or `await using x = ...` at a cell's top level: the cell's own, disposed when
 * it ends, declaring nothing for later cells (kernel/executor/resources.ts).
 */
export function usingKind(stmt: ts.Statement): "using" | "await using" | undefined {
  if (!ts.isVariableStatement(stmt)) return undefined;
  const kind = stmt.declarationList.flags & ts.NodeFlags.BlockScoped;
  return kind === ts.NodeFlags.AwaitUsing ? "await using" : kind === ts.NodeFlags.Using ? "using" : undefined;
}

/** Names a top-level statement declares for later cells, or undefined if it declares none. */
export function declaredNames(stmt: ts.Statement): string[] | undefined {
  const out = new Set<string>();
  if (usingKind(stmt)) return undefined;
  if (ts.isVariableStatement(stmt)) {
    for (const d of stmt.declarationList.declarations) bindingNames(d.name, out);
  } else if (
    ts.isFunctionDeclaration(stmt) ||
    ts.isClassDeclaration(stmt) ||
    ts.isInterfaceDeclaration(stmt) ||
    ts.isTypeAliasDeclaration(stmt) ||
    ts.isEnumDeclaration(stmt)
  ) {
    if (stmt.name) out.add(stmt.name.text);
  } else if (ts.isModuleDeclaration(stmt) && ts.isIdentifier(stmt.name) && !(stmt.flags & ts.NodeFlags.GlobalAugmentation)) {
    // A namespace; not `declare global { ... }`, whose name is the keyword.
    out.add(stmt.name.text);
  } else if (ts.isImportDeclaration(stmt) && stmt.importClause) {
    const c = stmt.importClause;
    if (c.name) out.add(c.name.text);
    if (c.namedBindings) {
      if (ts.isNamespaceImport(c.namedBindings)) out.add(c.namedBindings.name.text);
      else for (const s of c.namedBindings.elements) out.add(s.name.text);
    }
  } else if (ts.isImportEqualsDeclaration(stmt)) {
    out.add(stmt.name.text);
  }
  return out.size ? [...out] : undefined;
}

function wantsExport(stmt: ts.Statement): boolean {
  if (hasModifier(stmt, ts.SyntaxKind.ExportKeyword)) return false;
  if (ts.isImportDeclaration(stmt) || ts.isImportEqualsDeclaration(stmt)) return false;
  if (ts.isModuleDeclaration(stmt) && !ts.isIdentifier(stmt.name)) return false; // declare module "x"
  if (ts.isFunctionDeclaration(stmt) && !stmt.name) return false;
  return declaredNames(stmt) !== undefined;
}

export function parseCell(text: string, fileName: string): ts.SourceFile {
  return ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
}

/**
 * A cell's checked text and what it declares. `rebindable`: names `del` removed, which a
 * top-level assignment declares again. Throws MagicUsageError for a bad magic.
 */
export function analyseCell(text: string, fileName: string, rebindable: ReadonlySet<string> = new Set()): CellSource {
  const magics = findMagics(text);
  const sf = parseCell(magics.clean, fileName);
  const plan = magics.found.length ? planMagics(sf, magics) : undefined;
  const isLocal = (s: ts.Statement) => plan?.local.some(([a, b]) => s.getStart(sf) >= a && s.end <= b) ?? false;
  const declared = new Set<string>();
  const edits: Array<{ at: number; text: string; order: number }> = [];
  const imports: ts.ImportDeclaration[] = [];
  for (const stmt of sf.statements) {
    if (isLocal(stmt)) continue;
    for (const n of declaredNames(stmt) ?? []) declared.add(n);
    if (ts.isImportDeclaration(stmt)) imports.push(stmt);
    if (wantsExport(stmt)) edits.push({ at: stmt.getStart(sf), text: EXPORT, order: 1 });
  }
  for (const stmt of sf.statements) {
    const name = rebinding(stmt);
    if (!name || !rebindable.has(name) || declared.has(name) || isLocal(stmt) || plan?.wrapped.has(stmt)) continue;
    declared.add(name);
    edits.push({ at: stmt.getStart(sf), text: EXPORT_LET, order: 1 });
  }
  for (const i of plan?.insertions ?? []) edits.push({ at: i.at, text: i.text, order: i.first ? 0 : 2 });
  edits.sort((a, b) => a.at - b.at || a.order - b.order);
  let checkedText = "";
  let last = 0;
  for (const e of edits) {
    checkedText += magics.clean.slice(last, e.at) + e.text;
    last = e.at;
  }
  checkedText += magics.clean.slice(last) + "\nexport {};\n";
  return { checkedText, declared, insertions: edits.map((e): Insertion => [e.at, e.text.length]), imports };
}

/** `x = ...` as a statement: the name it assigns. */
function rebinding(stmt: ts.Statement): string | undefined {
  if (!ts.isExpressionStatement(stmt)) return undefined;
  const e = stmt.expression;
  if (!ts.isBinaryExpression(e) || e.operatorToken.kind !== ts.SyntaxKind.EqualsToken || !ts.isIdentifier(e.left)) return undefined;
  return e.left.text;
}

/**
 * The user's text as completion and inspection read it: magics blanked (same offsets), even a
 * misspelt one, so the code after it still completes.
 */
export function withoutMagics(text: string): string {
  try {
    return findMagics(text).clean;
  } catch (e) {
    if (!(e instanceof MagicUsageError)) throw e;
    return text.replace(/^([ \t]*)(%%?\w*)/gm, (_, indent: string, magic: string) => indent + " ".repeat(magic.length));
  }
}

export { MagicUsageError };

/** Maps an offset in the checked text back to the user's text. */
export function toUserOffset(cell: Pick<CellSource, "insertions">, checkedOffset: number): number {
  let shift = 0;
  for (const [at, length] of cell.insertions) {
    if (at + shift + length <= checkedOffset) shift += length;
    else if (at + shift <= checkedOffset) return at; // inside inserted text
    else break;
  }
  return checkedOffset - shift;
}

/** Line (0-based) and column (0-based, UTF-16) of an offset. */
export function lineCol(text: string, offset: number): { line: number; col: number } {
  let line = 0;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return { line, col: offset - start };
}

/** Offset of a 0-based line/column. */
export function offsetOf(text: string, line: number, col: number): number {
  let l = 0;
  let i = 0;
  while (l < line && i < text.length) {
    if (text.charCodeAt(i) === 10) l++;
    i++;
  }
  return i + col;
}
