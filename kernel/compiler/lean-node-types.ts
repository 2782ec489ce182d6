/**
 * Computes the lean version of Node's types (node-types.ts says what it is for): of each file of
 * @types/node and undici-types, the statements the global scope can reach, verbatim. Run by
 * the build (scripts/build-kernel-caches.js) on a program with the full types.
 *
 * A statement is kept when anything kept names it: starting from every file that is not Node's
 * (the standard library, lazylab's own types, the globals file) and from everything Node's files
 * declare globally, each identifier is resolved by the checker and the statements declaring
 * what it resolves to (every declaration of it, so merged interfaces and overloads stay whole)
 * are kept in turn. Imports are followed link by link to what they import, with the modules
 * they name and those modules' `export =`. A namespace or module used as a whole (`typeof ns`,
 * `typeof import("m")`, `export = ns`) is kept whole; one only qualified (`ns.T`) keeps just
 * its header. Every `export * from` and every ambient module's header is kept, so names and
 * modules resolve as before. The one exception: `BuiltInModule`, whose entries name every
 * module (`typeof import("fs")`, for `process.getBuiltinModule`), keeps its entries but not
 * the modules: a cell that names it gets the full types (needsFullNodeTypes).
 *
 * verifyLeanProgram then checks the lean files with skipLibCheck off: a name the shaking left
 * unresolved would be an error there.
 */
import { renameSync, unlinkSync, writeFileSync } from "node:fs";
import ts from "typescript";
import { isNodeTypesFile, leanKey, portableName, type LeanNodeTypesFile } from "./node-types";
import { CellCompiler, isCellFile } from "./service";

/** file name → lean text, for every file of Node's types in `program`. */
export function leanNodeTypeTexts(program: ts.Program): Map<string, string> {
  const checker = program.getTypeChecker();
  const kept = new Set<ts.Statement>();
  const whole = new Set<ts.Statement>();
  const queue: ts.Node[] = [];
  const modulesFollowed = new Set<ts.Node>();

  const keep = (stmt: ts.Statement) => {
    if (kept.has(stmt)) return;
    kept.add(stmt);
    queue.push(stmt);
  };
  const keepWhole = (stmt: ts.Statement) => {
    if (whole.has(stmt)) return;
    whole.add(stmt);
    keep(stmt);
    const body = moduleBlock(stmt);
    for (const s of body?.statements ?? []) (ts.isModuleDeclaration(s) ? keepWhole : keep)(s);
  };
  const resolve = (node: ts.Node) => {
    try {
      return checker.getSymbolAtLocation(node);
    } catch {
      return undefined;
    }
  };
  /** Keeps what a reference to `sym` needs; `asWhole`: it uses a namespace or module as a whole. */
  const keepSymbol = (sym: ts.Symbol | undefined, asWhole: boolean) => {
    const seen = new Set<ts.Symbol>();
    while (sym && !seen.has(sym)) {
      seen.add(sym);
      for (const d of sym.declarations ?? []) {
        const spec = importedModule(d);
        if (spec && !modulesFollowed.has(spec)) {
          modulesFollowed.add(spec);
          keepSymbol(resolve(spec), false);
        }
        if (!isNodeTypesFile(d.getSourceFile().fileName) || ts.isSourceFile(d)) continue;
        const unit = unitOf(d);
        if (ts.isModuleDeclaration(d) && asWhole) keepWhole(unit);
        else keep(unit);
      }
      const exportEquals = sym.exports?.get("export=" as ts.__String);
      if (exportEquals && exportEquals !== sym) sym = exportEquals;
      else if (sym.flags & ts.SymbolFlags.Alias) sym = immediateAlias(checker, sym);
      else break;
    }
  };
  const visit = (n: ts.Node): void => {
    if (ts.isImportTypeNode(n)) {
      if (inBuiltInModule(n)) return;
      let sym = ts.isLiteralTypeNode(n.argument) ? resolve(n.argument.literal) : undefined;
      const parts = qualifierParts(n.qualifier);
      keepSymbol(sym, parts.length === 0);
      parts.forEach((part, i) => {
        const target = sym && sym.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(sym) : sym;
        sym = target && exportsOf(checker, target).find((e) => e.escapedName === part.escapedText);
        keepSymbol(sym, i === parts.length - 1);
      });
      n.typeArguments?.forEach(visit);
      return;
    }
    if (ts.isIdentifier(n) && !isDeclarationName(n)) keepSymbol(resolve(n), !isQualifying(n));
    ts.forEachChild(n, visit);
  };

  for (const sf of program.getSourceFiles()) {
    if (!isNodeTypesFile(sf.fileName)) {
      queue.push(sf);
      continue;
    }
    const roots = (n: ts.Node): void => {
      if (ts.isModuleDeclaration(n) && n.flags & ts.NodeFlags.GlobalAugmentation) return keepWhole(n);
      if (ts.isExportDeclaration(n) && !n.exportClause && n.moduleSpecifier) keep(n);
      ts.forEachChild(n, roots);
    };
    // A file that is not a module declares globals with each statement but its ambient modules.
    if (ts.isExternalModule(sf)) roots(sf);
    else for (const s of sf.statements) (ts.isModuleDeclaration(s) && ts.isStringLiteral(s.name) ? roots(s) : keepWhole(s));
  }
  while (queue.length) visit(queue.pop()!);

  const out = new Map<string, string>();
  for (const sf of program.getSourceFiles()) {
    if (!isNodeTypesFile(sf.fileName)) continue;
    const text = sf.text;
    const first = sf.statements[0];
    const emit = (stmts: readonly ts.Statement[]): string => {
      let s = "";
      for (const st of stmts) {
        // From the end of the previous statement: a statement's TSDoc comes with it.
        const start = st === first ? st.getStart(sf) : st.pos;
        const body = whole.has(st) ? undefined : moduleBlock(st);
        if (body) {
          const inner = emit(body.statements);
          if (inner.trim() || kept.has(st) || ts.isStringLiteral((st as ts.ModuleDeclaration).name)) {
            s += text.slice(start, body.statements.pos) + inner + text.slice(body.statements.end, st.end);
          }
        } else if (kept.has(st)) s += text.slice(start, st.end);
      }
      return s;
    };
    // The header (license, reference directives) always; a module emptied stays a module.
    let lean = (first ? text.slice(0, first.getStart(sf)) : text) + emit(sf.statements).replace(/^\s+/, "") + "\n";
    if (ts.isExternalModule(sf) && !ts.isExternalModule(ts.createSourceFile(sf.fileName, lean, ts.ScriptTarget.Latest))) lean += "export {};\n";
    out.set(sf.fileName, lean);
  }
  return out;
}

/**
 * Problems of a program built with the lean texts, checked with skipLibCheck off: errors in
 * Node's files other than an import naming what the shaking left out (TS2305, TS2614, TS2724 at
 * an import or export specifier: nothing kept uses that name, or it would have been kept).
 * Empty when the lean texts resolve every name they use.
 */
export function verifyLeanProgram(program: ts.Program): string[] {
  const problems: string[] = [];
  for (const sf of program.getSourceFiles()) {
    if (!isNodeTypesFile(sf.fileName)) continue;
    for (const d of program.getSemanticDiagnostics(sf)) {
      const at = d.start === undefined ? undefined : tokenAt(sf, d.start);
      const unusedImport = [2305, 2614, 2724].includes(d.code) && at && ts.findAncestor(at, (a) => ts.isImportSpecifier(a) || ts.isExportSpecifier(a));
      if (!unusedImport) problems.push(`${sf.fileName}: TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`);
    }
  }
  return problems;
}

function tokenAt(sf: ts.SourceFile, pos: number): ts.Node {
  return (ts as unknown as { getTokenAtPosition(sf: ts.SourceFile, pos: number): ts.Node }).getTokenAtPosition(sf, pos);
}

/** The statement a declaration belongs to: the one in a file or a module block. */
function unitOf(n: ts.Node): ts.Statement {
  while (n.parent && !ts.isSourceFile(n.parent) && !ts.isModuleBlock(n.parent)) n = n.parent;
  return n as ts.Statement;
}

/** The block of `namespace a.b.c { ... }` or `declare module "m" { ... }`. */
function moduleBlock(stmt: ts.Statement): ts.ModuleBlock | undefined {
  let m: ts.Node | undefined = stmt;
  while (m && ts.isModuleDeclaration(m)) m = m.body;
  return m && ts.isModuleBlock(m) ? m : undefined;
}

/** The module specifier of an import or re-export a declaration belongs to. */
function importedModule(d: ts.Declaration): ts.Expression | undefined {
  if (ts.isImportEqualsDeclaration(d)) return ts.isExternalModuleReference(d.moduleReference) ? d.moduleReference.expression : undefined;
  const decl = ts.findAncestor(d, (a) => ts.isImportDeclaration(a) || ts.isExportDeclaration(a)) as ts.ImportDeclaration | ts.ExportDeclaration | undefined;
  return decl?.moduleSpecifier;
}

function immediateAlias(checker: ts.TypeChecker, sym: ts.Symbol): ts.Symbol | undefined {
  try {
    return checker.getImmediateAliasedSymbol(sym);
  } catch {
    return undefined;
  }
}

function exportsOf(checker: ts.TypeChecker, sym: ts.Symbol): ts.Symbol[] {
  try {
    return checker.getExportsOfModule(sym);
  } catch {
    return [...((sym.exports?.values() as Iterable<ts.Symbol> | undefined) ?? [])];
  }
}

function qualifierParts(q: ts.EntityName | undefined): ts.Identifier[] {
  const parts: ts.Identifier[] = [];
  for (let n = q; n; n = ts.isQualifiedName(n) ? n.left : undefined) parts.unshift(ts.isQualifiedName(n) ? n.right : n);
  return parts;
}

/** `ns` in `ns.T` or `ns.x`: only qualifies a name, so does not need all of `ns`. */
function isQualifying(n: ts.Identifier): boolean {
  const p = n.parent;
  return (ts.isQualifiedName(p) && p.left === n) || (ts.isPropertyAccessExpression(p) && p.expression === n);
}

function isDeclarationName(n: ts.Identifier): boolean {
  return (ts as unknown as { isDeclarationName(n: ts.Node): boolean }).isDeclarationName(n);
}

function inBuiltInModule(n: ts.Node): boolean {
  return !!ts.findAncestor(n, (a) => ts.isInterfaceDeclaration(a) && a.name.text === "BuiltInModule");
}

/**
 * Computes the lean texts for the kernel's program, checks them (verifyLeanProgram, and that a
 * compiler accepts their key) and writes them to `outFile`; returns the problems found, in
 * which case nothing is written and the kernel uses the full types.
 */
export function writeLeanNodeTypes(cwd: string, outFile: string): string[] {
  const full = new CellCompiler(cwd, { leanNodeTypes: false }).languageServiceProgram();
  const nodeFiles = full.getSourceFiles().map((sf) => sf.fileName).filter(isNodeTypesFile);
  const lean: LeanNodeTypesFile = {
    key: leanKey(full, isCellFile, nodeFiles),
    files: Object.fromEntries([...leanNodeTypeTexts(full)].map(([f, text]) => [portableName(f) ?? f, text])),
  };
  const tmp = `${outFile}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(lean));
  const checking = new CellCompiler(cwd, { leanNodeTypes: tmp, checkLibFiles: true });
  const problems = verifyLeanProgram(checking.languageServiceProgram());
  if (checking.nodeTypesMode !== "lean") problems.push("a compiler refused the key of the texts just computed");
  if (problems.length) unlinkSync(tmp);
  else renameSync(tmp, outFile);
  return problems;
}
