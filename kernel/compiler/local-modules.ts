/**
 * The notebook's own TypeScript files (`import { f } from "./helper"` with helper.ts beside
 * the notebook): found from a cell's relative imports, followed through their own relative
 * imports, type-checked in the cell's program (so with the notebook's compiler options), and
 * compiled to CommonJS here, on the compiler thread, so the executor never loads TypeScript.
 * The executor installs them (executor/local-modules.ts); a changed file gets a new version
 * (its mtime and size), which is how an edited helper.ts is picked up when the importing
 * cell is re-run, as `importlib.reload` would.
 */
import { statSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import type { CellError } from "./diagnostics";
import { importMetaToCommonJS, isImportCall } from "./transform";

/** A local module as the executor needs it. */
export interface LocalModule {
  /** Absolute path of the .ts/.mts/.cts/.tsx file. */
  file: string;
  /** Its mtime and size: the executor reloads a module whose version changed. */
  version: string;
  /** CommonJS JavaScript, its imports still relative to `file`. */
  js: string;
  /** Source map (v3 JSON) of `js` to `file`. */
  map: string;
}

const SOURCE = /\.(?:ts|mts|cts|tsx)$/;

/** A TypeScript source of the user's: not a declaration file, not a package's. */
export function isLocalSource(file: string): boolean {
  return SOURCE.test(file) && !file.endsWith(".d.ts") && !/\.d\.[mc]ts$/.test(file) && !file.split(/[\\/]/).includes("node_modules");
}

/** The file's version as the language service and the executor see it: mtime and size. */
export function fileVersion(file: string): string | undefined {
  try {
    const s = statSync(file);
    return `${s.mtimeMs}:${s.size}`;
  } catch {
    return undefined;
  }
}

/** Relative module specifiers a file names (imports, re-exports, `import x = require(...)`, `import("...")`). */
function relativeSpecifiers(sf: ts.SourceFile): string[] {
  const out: string[] = [];
  const add = (e: ts.Expression | undefined) => {
    if (e && ts.isStringLiteral(e) && /^\.{1,2}(?:[\\/]|$)/.test(e.text)) out.push(e.text);
  };
  for (const s of sf.statements) {
    if (ts.isImportDeclaration(s) && !s.importClause?.isTypeOnly) add(s.moduleSpecifier);
    else if (ts.isExportDeclaration(s) && !s.isTypeOnly) add(s.moduleSpecifier);
    else if (ts.isImportEqualsDeclaration(s) && ts.isExternalModuleReference(s.moduleReference)) add(s.moduleReference.expression);
  }
  // `import("./helper")` with a literal path, wherever it is (a function's body included).
  if (/\bimport\s*\(/.test(sf.text)) {
    const visit = (node: ts.Node): void => {
      if (isImportCall(node)) add(node.arguments[0]);
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return out;
}

/** The local modules `sf` reaches through relative imports, dependencies first. */
export function localModulesOf(program: ts.Program, sf: ts.SourceFile): ts.SourceFile[] {
  const options = program.getCompilerOptions();
  const found: ts.SourceFile[] = [];
  const seen = new Set<string>();
  const visit = (from: ts.SourceFile) => {
    for (const spec of relativeSpecifiers(from)) {
      const resolved = ts.resolveModuleName(spec, from.fileName, options, ts.sys).resolvedModule?.resolvedFileName;
      if (!resolved || !isLocalSource(resolved) || seen.has(resolved)) continue;
      seen.add(resolved);
      const dep = program.getSourceFile(resolved);
      if (!dep) continue;
      visit(dep);
      found.push(dep);
    }
  };
  visit(sf);
  return found;
}

/** Errors in local modules, as a cell error naming each file and line (relative to `cwd`). */
export function localModuleErrors(program: ts.Program, modules: ts.SourceFile[], tolerated: ReadonlySet<number>, cwd: string, cellName: string): CellError | undefined {
  const traceback: string[] = [];
  let first: { code: string; message: string; where: string } | undefined;
  let count = 0;
  for (const sf of modules) {
    const syntactic = program.getSyntacticDiagnostics(sf);
    const diags = (syntactic.length ? syntactic : program.getSemanticDiagnostics(sf))
      .filter((d) => d.category === ts.DiagnosticCategory.Error && !tolerated.has(d.code))
      .map((d) => ({ start: d.start ?? 0, code: `TS${d.code}`, message: ts.flattenDiagnosticMessageText(d.messageText, "\n") }));
    if (!syntactic.length) diags.push(...topLevelAwaits(sf).map((at) => ({ start: at.getStart(sf), code: "LocalModuleAwait", message: TOP_LEVEL_AWAIT })));
    const name = path.relative(cwd, sf.fileName) || sf.fileName;
    const lines = sf.text.split("\n");
    for (const { start, code, message } of diags) {
      const { line, character } = sf.getLineAndCharacterOfPosition(start);
      traceback.push(
        `File ${name}, line ${line + 1}, column ${character + 1} (imported by Cell ${cellName})`,
        `--> ${String(line + 1).padStart(3)} | ${lines[line] ?? ""}`,
        `          ${" ".repeat(character)}^`,
        `${code}: ${message}`,
      );
      first ??= { code, message, where: `${name}:${line + 1}` };
      count++;
    }
  }
  if (!first) return undefined;
  const more = count > 1 ? ` (and ${count - 1} more)` : "";
  return { ename: first.code, evalue: `${first.message} (${first.where})${more}`, traceback };
}

const TOP_LEVEL_AWAIT =
  "top-level await is not available in the notebook's own modules: they are loaded as CommonJS, so that an edited file is reloaded when the cell runs again; await inside a function, or in the cell";

/**
 * The top-level `await`s of a module (`for await` included). Its CommonJS emit keeps them, and
 * Node then refused the file with "require() cannot be used on an ESM graph with top-level
 * await", naming neither the line nor the reason.
 */
function topLevelAwaits(sf: ts.SourceFile): ts.Node[] {
  if (!/\bawait\b/.test(sf.text)) return [];
  const found: ts.Node[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) || ts.isClassStaticBlockDeclaration(node)) return;
    if (ts.isAwaitExpression(node) || (ts.isForOfStatement(node) && node.awaitModifier)) found.push(node);
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

const emitted = new Map<string, LocalModule>();

/**
 * `sf` compiled to CommonJS with a source map, with the notebook's options otherwise (target,
 * strictness, decorators...). CommonJS because the executor loads it through Node's require,
 * whose cache can be dropped when the file changes (an ES module cannot be unloaded).
 */
export function emitLocalModule(sf: ts.SourceFile, options: ts.CompilerOptions): LocalModule {
  const version = fileVersion(sf.fileName) ?? "gone";
  const hit = emitted.get(sf.fileName);
  if (hit && hit.version === version) return hit;
  const out = ts.transpileModule(sf.text, {
    fileName: sf.fileName,
    compilerOptions: {
      ...options, module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10, sourceMap: true, inlineSourceMap: false,
      declaration: false, paths: undefined, noEmit: false, verbatimModuleSyntax: false, isolatedModules: false,
    },
    transformers: { before: [importMetaToCommonJS] },
  });
  const js = out.outputText.replace(/\n\/\/# sourceMappingURL=.*\s*$/, "\n");
  const mod = { file: sf.fileName, version, js, map: out.sourceMapText ?? "" };
  emitted.set(sf.fileName, mod);
  return mod;
}
