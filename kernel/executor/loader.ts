/**
 * `import` in cells, static and `import()`, resolved like Node resolves from a file in the
 * notebook's folder (the kernel's cwd): relative paths, npm packages (CommonJS and ESM-only),
 * node builtins. `lazylab` is the already-loaded library itself, so globals and imports are
 * one object. The notebook's own .ts files load through require (local-modules.ts); its own
 * .js files are imported again when their mtime changed, as an edited helper.ts is.
 *
 * Cells also get what Node's types declare for every script and a cell could not otherwise
 * use (the checker accepted `require("fs")`, and it failed with "require is not defined"):
 * `require`, `module` and `exports` as Node's REPL gives them (a module in the notebook's
 * folder), `__dirname` the notebook's folder and `__filename` the notebook's file; and
 * `import.meta`, which a script cannot have, is that file's.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import Module, { builtinModules, createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { LOCAL_EXTENSIONS, LocalModuleNotCompiled, type LocalModules } from "./local-modules";

export class ModuleNotFound extends Error {
  override name = "ModuleNotFound";
}

// A real dynamic import() must come from a module compiled by Node, not from TypeScript's
// CommonJS output (which turns import() into require()).
// `import(s, options)`: the options (import attributes, `{ with: { type: "json" } }`) go with it.
const dynamicImport = new Function("s", "o", "return o === undefined ? import(s) : import(s, o)") as (s: string, o?: unknown) => Promise<Record<string, unknown>>;

/** `node:x`, or a builtin module's bare name (`fs`). */
const isBuiltin = (specifier: string) => specifier.startsWith("node:") || builtinModules.includes(specifier);

/** A require that resolves as one in a file of the notebook's folder does. */
function notebookRequire(cwd: string): NodeRequire {
  return createRequire(path.join(cwd, "__lazylab_notebook.js"));
}

export function createLoader(cwd: string, library: Record<string, unknown>, local: LocalModules) {
  const req = notebookRequire(cwd);
  const libraryModule = { ...library, default: library };
  const jsVersions = new Map<string, number>();
  // `import(x)` converts x to a string, as the language does; `options` are import()'s second argument.
  return async function importModule(name: unknown, options?: unknown): Promise<Record<string, unknown>> {
    const specifier = String(name);
    if (specifier === "lazylab") return libraryModule;
    if (isBuiltin(specifier)) return dynamicImport(specifier, options);
    const file = resolve(specifier, cwd, req);
    const inPackage = file.split(path.sep).includes("node_modules");
    if (LOCAL_EXTENSIONS.includes(path.extname(file)) && !inPackage) {
      // The compiler sends the notebook's .ts files a cell names with a literal path; another
      // (`import(name)` of a computed one) is an error that says so, not Node's "unknown extension".
      if (!local.has(file)) throw new LocalModuleNotCompiled(file);
      const exports = req(file) as Record<string, unknown>;
      return exports.__esModule ? exports : { ...exports, default: exports };
    }
    if (inPackage) return dynamicImport(pathToFileURL(file).href, options);
    // The notebook's own JavaScript: a new URL (and no cached CommonJS copy) once it changed.
    const mtime = statSync(file).mtimeMs;
    const seen = jsVersions.get(file);
    if (seen !== undefined && seen !== mtime) delete req.cache[file];
    jsVersions.set(file, mtime);
    return dynamicImport(`${pathToFileURL(file).href}?mtime=${mtime}`, options);
  };
}

/**
 * The notebook's file: the one jupyter_server names in JPY_SESSION_NAME (the path of the
 * notebook that started the kernel, relative to the server's root; the kernel runs in its
 * folder), else `<notebook>` in the kernel's folder (as Node's REPL names its module `<repl>`).
 */
export function notebookFile(cwd: string, env: NodeJS.ProcessEnv): string {
  const session = env.JPY_SESSION_NAME;
  return path.join(cwd, session ? path.basename(session) : "<notebook>");
}

/**
 * `require`, `module`, `exports`, `__filename` and `__dirname` for cells: a CommonJS module of
 * the notebook's folder, whose require resolves as the REPL's does from there (npm packages of
 * the notebook's folder and above, node builtins, the notebook's compiled .ts files) and gives
 * the loaded library for "lazylab".
 */
export function notebookModuleGlobals(cwd: string, env: NodeJS.ProcessEnv, library: Record<string, unknown>): Record<string, unknown> {
  const filename = notebookFile(cwd, env);
  const base = notebookRequire(cwd);
  const require = Object.assign((id: string) => (id === "lazylab" ? library : base(id)), {
    resolve: base.resolve,
    cache: base.cache,
    extensions: base.extensions,
    main: base.main,
  }) as NodeRequire;
  const module = new Module(filename);
  Object.assign(module, {
    filename,
    loaded: true,
    paths: (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(cwd),
    require,
  });
  return { require, module, exports: module.exports, __filename: filename, __dirname: cwd };
}

type ImportMeta = { url: string; filename: string; dirname: string; resolve(specifier: string): string };
const importMetas = new Map<string, ImportMeta>();

/**
 * `import.meta` of an ES module at `filename`, as Node gives it: url, filename, dirname, resolve
 * (from its folder). One object per file, so `import.meta === import.meta` holds as in Node.
 */
export function importMetaOf(filename: string): ImportMeta {
  let meta = importMetas.get(filename);
  if (!meta) importMetas.set(filename, (meta = makeImportMeta(filename)));
  return meta;
}

function makeImportMeta(filename: string): ImportMeta {
  const dirname = path.dirname(filename);
  let req: NodeRequire | undefined;
  return {
    url: pathToFileURL(filename).href,
    filename,
    dirname,
    resolve(specifier: string): string {
      specifier = String(specifier);
      if (isBuiltin(specifier)) return specifier.startsWith("node:") ? specifier : `node:${specifier}`;
      return pathToFileURL(resolve(specifier, dirname, (req ??= createRequire(filename)))).href;
    },
  };
}

function resolve(specifier: string, cwd: string, req: NodeRequire): string {
  try {
    return req.resolve(specifier);
  } catch (e) {
    const esm = resolveEsmOnly(specifier, cwd);
    if (esm) return esm;
    throw new ModuleNotFound(`cannot find module '${specifier}' from ${cwd} (${(e as Error).message.split("\n")[0]})`);
  }
}

/** Packages whose `exports` offer only an "import" condition, which require.resolve refuses. */
function resolveEsmOnly(specifier: string, cwd: string): string | undefined {
  const parts = specifier.split("/");
  const name = specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
  const sub = "." + specifier.slice(name.length);
  for (let dir = cwd; ; dir = path.dirname(dir)) {
    const pkgDir = path.join(dir, "node_modules", name);
    const pkgJson = path.join(pkgDir, "package.json");
    if (existsSync(pkgJson)) {
      const pkg = JSON.parse(readFileSync(pkgJson, "utf8")) as { exports?: unknown; module?: string; main?: string };
      const target = pickExport(pkg.exports, sub) ?? (sub === "." ? (pkg.module ?? pkg.main) : sub);
      return target ? path.join(pkgDir, target) : undefined;
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

function pickExport(exports: unknown, sub: string): string | undefined {
  if (!exports) return undefined;
  if (typeof exports === "string") return sub === "." ? exports : undefined;
  const e = exports as Record<string, unknown>;
  const entry = Object.keys(e).some((k) => k.startsWith(".")) ? e[sub] : sub === "." ? e : undefined;
  return pickCondition(entry);
}

function pickCondition(entry: unknown): string | undefined {
  if (typeof entry === "string") return entry;
  if (Array.isArray(entry)) return entry.map(pickCondition).find((x) => x);
  if (entry && typeof entry === "object") {
    const e = entry as Record<string, unknown>;
    for (const c of ["node", "import", "default"]) if (c in e) return pickCondition(e[c]);
  }
  return undefined;
}
