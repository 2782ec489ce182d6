/**
 * What a cell declares at its top level, read from its syntax alone.
 *
 * Cells are type-checked as modules (so top-level `await` works and a cell may shadow an
 * earlier cell's names) with `export ` inserted before each top-level declaration, so that
 * TypeScript's declaration emit describes all of them for later cells. The insertions are
 * recorded so positions in diagnostics and source maps map back to what the user typed.
 */
import ts from "typescript";

const EXPORT = "export ";

export interface CellSource {
  /** The text given to the type checker: the user's text with insertions, plus a module marker. */
  checkedText: string;
  /** Names this cell declares at top level (variables, functions, classes, types, imports). */
  declared: Set<string>;
  /** Offsets (in the user's text) where "export " was inserted. */
  insertions: number[];
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

/** Names a top-level statement declares, or undefined if it declares none. */
export function declaredNames(stmt: ts.Statement): string[] | undefined {
  const out = new Set<string>();
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
  } else if (ts.isModuleDeclaration(stmt) && ts.isIdentifier(stmt.name)) {
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
  if (ts.isModuleDeclaration(stmt) && !ts.isIdentifier(stmt.name)) return false; // declare global / declare module "x"
  if (ts.isFunctionDeclaration(stmt) && !stmt.name) return false;
  return declaredNames(stmt) !== undefined;
}

export function parseCell(text: string, fileName: string): ts.SourceFile {
  return ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
}

export function analyseCell(text: string, fileName: string): CellSource {
  const sf = parseCell(text, fileName);
  const declared = new Set<string>();
  const insertions: number[] = [];
  const imports: ts.ImportDeclaration[] = [];
  for (const stmt of sf.statements) {
    for (const n of declaredNames(stmt) ?? []) declared.add(n);
    if (ts.isImportDeclaration(stmt)) imports.push(stmt);
    if (wantsExport(stmt)) insertions.push(stmt.getStart(sf));
  }
  let checkedText = "";
  let last = 0;
  for (const at of insertions) {
    checkedText += text.slice(last, at) + EXPORT;
    last = at;
  }
  checkedText += text.slice(last) + "\nexport {};\n";
  return { checkedText, declared, insertions, imports };
}

/** Maps an offset in the checked text back to the user's text. */
export function toUserOffset(cell: Pick<CellSource, "insertions">, checkedOffset: number): number {
  let shift = 0;
  for (const at of cell.insertions) {
    if (at + shift + EXPORT.length <= checkedOffset) shift += EXPORT.length;
    else if (at + shift <= checkedOffset) return at; // inside an inserted "export "
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
