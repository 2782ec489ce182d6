/**
 * The notebook's own TypeScript files at run time. The compiler sends each cell's local
 * modules compiled to CommonJS (compiler/local-modules.ts); this installs them as Node
 * modules: `.ts`, `.mts`, `.cts` and `.tsx` become extensions Node's require resolves
 * (`./helper` finds helper.ts, and helper.ts's own `./other` finds other.ts), loaded from the
 * compiled text. When a file's version changes, every local module is dropped from require's
 * cache, so the importing cell's re-run loads the edited file and whatever imported it
 * (importlib.reload, by mtime). Errors inside them are mapped back to the file's lines.
 */
import { readFileSync } from "node:fs";
import Module from "node:module";
import path from "node:path";
import type { LocalModule } from "../compiler/local-modules";
import { decodeMappings, originalPosition, type DecodedMap } from "./sourcemap";

export const LOCAL_EXTENSIONS = [".ts", ".mts", ".cts", ".tsx"];

/** A local TypeScript file the compiler did not send (imported by a computed name, say). */
export class LocalModuleNotCompiled extends Error {
  override name = "LocalModuleNotCompiled";
  constructor(readonly file: string) {
    super(`${file} was not compiled: local TypeScript modules are compiled when a cell imports them with a literal relative path`);
  }
}

interface Installed extends LocalModule {
  decoded?: DecodedMap;
}

type CompileFn = (code: string, filename: string) => unknown;
const extensions = (Module as unknown as { _extensions: Record<string, (m: Module, f: string) => void> })._extensions;
const requireCache = (Module as unknown as { _cache: Record<string, unknown> })._cache;

export class LocalModules {
  private readonly modules = new Map<string, Installed>();

  constructor() {
    for (const ext of LOCAL_EXTENSIONS) {
      extensions[ext] = (module, filename) => {
        const m = this.modules.get(filename);
        if (!m) throw new LocalModuleNotCompiled(filename);
        (module as unknown as { _compile: CompileFn })._compile(m.js, filename);
      };
    }
  }

  /** Takes a cell's modules; any changed one drops every local module from require's cache. */
  update(modules: readonly LocalModule[]): void {
    let changed = false;
    for (const m of modules) {
      if (this.modules.get(m.file)?.version === m.version) continue;
      this.modules.set(m.file, { ...m });
      changed = true;
    }
    if (!changed) return;
    // Importers hold the old module's exports: they are reloaded with it.
    for (const file of this.modules.keys()) delete requireCache[file];
  }

  has(file: string): boolean {
    return this.modules.has(file);
  }

  /** A generated line:column in a local module → its own 1-based line and column. */
  locate(file: string, line: number, column: number): { file: string; line: number; col: number } | undefined {
    const m = this.modules.get(file);
    if (!m) return undefined;
    m.decoded ??= decodeMappings(mappingsOf(m.map));
    const pos = originalPosition(m.decoded, line, column);
    return pos && { file, line: pos.line + 1, col: pos.col + 1 };
  }

  /** Lines around `line` of the file as it was compiled, for a traceback. */
  snippet(file: string, line: number, cwd: string): string {
    let text = "";
    try {
      text = readFileSync(file, "utf8");
    } catch {
      /* deleted since: no snippet lines */
    }
    const lines = text.split("\n");
    const out = [`File ${path.relative(cwd, file) || file}, line ${line}`];
    for (let i = Math.max(1, line - 2); i <= Math.min(lines.length, line + 2); i++) {
      out.push(`${i === line ? "---->" : "     "} ${String(i).padStart(3)} | ${lines[i - 1]}`);
    }
    return out.join("\n");
  }
}

function mappingsOf(map: string): string {
  try {
    return (JSON.parse(map) as { mappings: string }).mappings;
  } catch {
    return "";
  }
}
