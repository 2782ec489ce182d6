/**
 * `import` in cells, resolved like Node resolves from a file in the notebook's folder
 * (the kernel's cwd): relative paths, npm packages (CommonJS and ESM-only), node builtins.
 * `lazylab` is the already-loaded library itself, so globals and imports are one object.
 * The notebook's own .ts files load through require (local-modules.ts); its own .js files
 * are imported again when their mtime changed, as an edited helper.ts is.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { builtinModules, createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { LOCAL_EXTENSIONS, type LocalModules } from "./local-modules";

export class ModuleNotFound extends Error {
  override name = "ModuleNotFound";
}

// A real dynamic import() must come from a module compiled by Node, not from TypeScript's
// CommonJS output (which turns import() into require()).
const dynamicImport = new Function("s", "return import(s)") as (s: string) => Promise<Record<string, unknown>>;

export function createLoader(cwd: string, library: Record<string, unknown>, local: LocalModules) {
  const req = createRequire(path.join(cwd, "__lazylab_notebook.js"));
  const libraryModule = { ...library, default: library };
  const jsVersions = new Map<string, number>();
  return async function importModule(specifier: string): Promise<Record<string, unknown>> {
    if (specifier === "lazylab") return libraryModule;
    if (specifier.startsWith("node:") || builtinModules.includes(specifier)) return dynamicImport(specifier);
    const file = resolve(specifier, cwd, req);
    if (LOCAL_EXTENSIONS.includes(path.extname(file)) && local.has(file)) {
      const exports = req(file) as Record<string, unknown>;
      return exports.__esModule ? exports : { ...exports, default: exports };
    }
    if (file.split(path.sep).includes("node_modules")) return dynamicImport(pathToFileURL(file).href);
    // The notebook's own JavaScript: a new URL (and no cached CommonJS copy) once it changed.
    const mtime = statSync(file).mtimeMs;
    const seen = jsVersions.get(file);
    if (seen !== undefined && seen !== mtime) delete req.cache[file];
    jsVersions.set(file, mtime);
    return dynamicImport(`${pathToFileURL(file).href}?mtime=${mtime}`);
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
