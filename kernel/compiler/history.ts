/**
 * Declarations carried from cell to cell. After a cell runs, its top-level declarations
 * (from TypeScript's declaration emit) and its imports become global declarations in one
 * virtual module, `declare global { ... }`, that every later cell is checked against.
 *
 * A cell is checked as a module, so its own declarations shadow the globals: re-running a
 * cell that redeclares `const x` is not a conflict. Recording a cell replaces every earlier
 * declaration of the names it declares (Python's rebinding, not TypeScript's merging).
 */
import ts from "typescript";
import { declaredNames } from "./cell-source";

interface ImportEntry {
  /** Module-level line importing the user's names under private aliases. */
  line: string;
  /** Declarations inside `declare global`, keyed by the user's name. */
  globals: Map<string, string>;
}

/** What the history held when its text was last given to a type checker. */
export interface HistorySnapshot {
  version: number;
  importsVersion: number;
  declarations: Map<string, string>;
}

export class DeclarationHistory {
  /** name → declaration texts inside `declare global` (several for function overloads). */
  private readonly declarations = new Map<string, string[]>();
  private readonly imports: ImportEntry[] = [];
  private aliasCounter = 0;
  private readonly deleted = new Set<string>();
  private cachedText: string | undefined;
  private importsVersion = 0;
  version = 0;

  /** Every name visible to later cells. */
  names(): string[] {
    const out = new Set(this.declarations.keys());
    for (const imp of this.imports) for (const n of imp.globals.keys()) out.add(n);
    return [...out];
  }

  has(name: string): boolean {
    return this.declarations.has(name) || this.imports.some((i) => i.globals.has(name));
  }

  /**
   * Forgets names the user's `del("x")` removed. A later cell's top-level `x = ...` declares
   * such a name again (cell-source.ts), as Python binds a deleted name again.
   */
  forget(names: Iterable<string>): void {
    let added = false;
    for (const n of names) {
      added ||= !this.deleted.has(n);
      this.deleted.add(n);
    }
    this.remove(names);
    if (added) this.touch();
  }

  /** Names `del` removed that no cell has declared since. */
  deletedNames(): ReadonlySet<string> {
    return this.deleted;
  }

  /** Removes names' declarations. */
  remove(names: Iterable<string>): void {
    let changed = false;
    for (const n of names) {
      if (this.declarations.delete(n)) changed = true;
      for (const imp of this.imports) {
        if (imp.globals.delete(n)) {
          changed = true;
          this.importsVersion++;
        }
      }
    }
    if (changed) this.touch();
  }

  clear(): void {
    this.deleted.clear();
    this.declarations.clear();
    this.imports.length = 0;
    this.importsVersion++;
    this.touch();
  }

  snapshot(): HistorySnapshot {
    const declarations = new Map<string, string>();
    for (const [name, texts] of this.declarations) declarations.set(name, texts.join("\n"));
    return { version: this.version, importsVersion: this.importsVersion, declarations };
  }

  /**
   * The declarations recorded since `snap` (name → texts, as inside `declare global`), or
   * undefined when the difference is not only new or changed declarations: a name was
   * removed, or an import was recorded or removed.
   */
  changesSince(snap: HistorySnapshot): Map<string, string[]> | undefined {
    const out = new Map<string, string[]>();
    if (snap.version === this.version) return out;
    if (snap.importsVersion !== this.importsVersion) return undefined;
    for (const name of snap.declarations.keys()) if (!this.declarations.has(name)) return undefined;
    for (const [name, texts] of this.declarations) {
      if (snap.declarations.get(name) !== texts.join("\n")) out.set(name, texts);
    }
    return out;
  }

  /**
   * Records a cell that ran. `dts` is the declaration emit of the checked cell text;
   * `cell` and `checker` come from the same program, for the imports; `declared` are the
   * names the user's text declares (the checked text may hold other declarations after it).
   */
  record(cell: ts.SourceFile, dts: string, checker: ts.TypeChecker, declared: ReadonlySet<string>): void {
    if (declared.size === 0) return;
    for (const n of declared) this.deleted.delete(n);
    this.remove(declared);

    const d = ts.createSourceFile("cell.d.ts", dts, ts.ScriptTarget.ES2022, true);
    for (const stmt of d.statements) {
      if (ts.isImportDeclaration(stmt) || ts.isExportDeclaration(stmt) || ts.isExportAssignment(stmt)) continue;
      if (ts.isVariableStatement(stmt)) {
        const kw = stmt.declarationList.flags & ts.NodeFlags.Const ? "const" : stmt.declarationList.flags & ts.NodeFlags.Let ? "let" : "var";
        // `/** doc */ const x = ...` keeps its TSDoc (inspect shows it); with several names it is the statement's, not each one's.
        const doc = stmt.declarationList.declarations.length === 1 ? leadingDoc(stmt, d) : "";
        for (const decl of stmt.declarationList.declarations) {
          if (ts.isIdentifier(decl.name) && declared.has(decl.name.text)) this.add(decl.name.text, `${doc ? doc + "\n" : ""}${kw} ${decl.getText(d)};`);
        }
        continue;
      }
      // The emit may also describe names the cell only referred to (not exported): skip them.
      const names = declaredNames(stmt);
      if (!names || !declared.has(names[0])) continue;
      this.add(names[0], stripModifiers(stmt, d));
    }
    for (const imp of cell.statements.filter(ts.isImportDeclaration)) {
      this.recordImport(imp, cell, checker);
      this.importsVersion++;
    }
    this.touch();
  }

  /** The virtual module's text; stable (and cached) until the history changes. */
  text(): string {
    if (this.cachedText !== undefined) return this.cachedText;
    const lines: string[] = this.imports.filter((i) => i.globals.size > 0).map((i) => i.line);
    lines.push("export {};", "declare global {");
    for (const imp of this.imports) for (const g of imp.globals.values()) lines.push("  " + g);
    for (const texts of this.declarations.values()) for (const t of texts) lines.push("  " + t.replace(/\n/g, "\n  "));
    lines.push("}");
    this.cachedText = lines.join("\n") + "\n";
    return this.cachedText;
  }

  private add(name: string, text: string): void {
    const list = this.declarations.get(name);
    if (list) list.push(text);
    else this.declarations.set(name, [text]);
  }

  private touch(): void {
    this.cachedText = undefined;
    this.version++;
  }

  private recordImport(imp: ts.ImportDeclaration, cell: ts.SourceFile, checker: ts.TypeChecker): void {
    const clause = imp.importClause;
    if (!clause) return;
    const spec = imp.moduleSpecifier.getText(cell);
    const id = ++this.aliasCounter;
    const alias = (name: string) => `__lz${id}_${name}`;
    const globals = new Map<string, string>();
    const parts: string[] = [];
    const describe = (local: ts.Identifier) => {
      const name = local.text;
      const sym = checker.getSymbolAtLocation(local);
      const target = sym && sym.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(sym) : sym;
      const flags = target?.flags ?? ts.SymbolFlags.Value;
      if (flags & (ts.SymbolFlags.NamespaceModule | ts.SymbolFlags.ValueModule)) {
        globals.set(name, `export import ${name} = ${alias(name)};`);
        return;
      }
      const decls: string[] = [];
      if (flags & ts.SymbolFlags.Value && !clause.isTypeOnly) decls.push(`const ${name}: typeof ${alias(name)};`);
      if (flags & ts.SymbolFlags.Type) {
        const params = typeParameterNames(target);
        const p = params.length ? `<${params.map((t) => `${t} = any`).join(", ")}>` : "";
        const a = params.length ? `<${params.join(", ")}>` : "";
        decls.push(`type ${name}${p} = ${alias(name)}${a};`);
      }
      if (decls.length) globals.set(name, decls.join(" "));
    };
    if (clause.name) {
      parts.push(alias(clause.name.text));
      describe(clause.name);
    }
    const nb = clause.namedBindings;
    if (nb && ts.isNamespaceImport(nb)) {
      parts.push(`* as ${alias(nb.name.text)}`);
      describe(nb.name);
    } else if (nb) {
      const specs = nb.elements.map((s) => {
        describe(s.name);
        const imported = (s.propertyName ?? s.name).getText(cell);
        return `${s.isTypeOnly ? "type " : ""}${imported} as ${alias(s.name.text)}`;
      });
      parts.push(`{ ${specs.join(", ")} }`);
    }
    this.imports.push({ line: `import ${clause.isTypeOnly ? "type " : ""}${parts.join(", ")} from ${spec};`, globals });
  }
}

function typeParameterNames(sym: ts.Symbol | undefined): string[] {
  const decl = sym?.declarations?.find((d) => ts.isInterfaceDeclaration(d) || ts.isTypeAliasDeclaration(d) || ts.isClassDeclaration(d));
  if (!decl) return [];
  return (ts.getEffectiveTypeParameterDeclarations(decl as ts.DeclarationWithTypeParameters) ?? []).map((p) => p.name.text);
}

/** `export declare class C {}` → `class C {}`: inside `declare global` both are implied. TSDoc is kept. */
function stripModifiers(stmt: ts.Statement, sf: ts.SourceFile): string {
  const mods = ts.canHaveModifiers(stmt) ? (ts.getModifiers(stmt) ?? []) : [];
  let start = stmt.getStart(sf);
  for (const m of mods) {
    if (m.kind === ts.SyntaxKind.ExportKeyword || m.kind === ts.SyntaxKind.DeclareKeyword || m.kind === ts.SyntaxKind.DefaultKeyword) {
      start = Math.max(start, m.getEnd());
    }
  }
  const doc = leadingDoc(stmt, sf);
  const body = sf.text.slice(start, stmt.end).trim();
  return doc ? `${doc}\n${body}` : body;
}

/** The comments before a statement (its TSDoc, in a declaration emit). */
function leadingDoc(stmt: ts.Statement, sf: ts.SourceFile): string {
  return sf.text.slice(stmt.pos, stmt.getStart(sf)).trim();
}
