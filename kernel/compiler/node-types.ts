/**
 * Node's types for the cell compiler: lean while no cell imports a module, full after.
 *
 * @types/node and undici-types are 2.3 MB of declarations (100 files), and parsing and binding
 * them was the largest part of the compiler thread's heap (48 MB of program, bench/HISTORY.md).
 * A cell that imports nothing reaches only what the global scope reaches (`process`, `Buffer`,
 * `console`, timers, `fetch`, web streams...): ~40 % of that text. The build computes that part
 * (lean-node-types.ts) into dist/node-types-lean.json; the compiler gives TypeScript those
 * texts under the same file names, and the full ones from the first cell, completion or
 * inspect whose text may reach further (an import, a module declaration, a reference
 * directive, or `getBuiltinModule`, whose type names every module), until the kernel restarts.
 * Every global's type is the same either way (test/node-types.test.ts compares them).
 *
 * The lean texts carry a key of what they were computed from (every file of the program but
 * the cells, Node's in full); a compiler whose program does not match it uses the full types.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import type ts from "typescript";
import { DEPENDENCIES_ROOT, PACKAGE_ROOT } from "./options";

export const LEAN_NODE_TYPES_FILE = path.join(PACKAGE_ROOT, "dist", "node-types-lean.json");

/**
 * A bundled file's name wherever lazylab is installed (the lean texts are computed in a clone
 * and used in installs from the npm tarball too, where the dependencies sit beside the package):
 * `node_modules/...` for a dependency's file, `dist/...` for the package's own; undefined for
 * other files.
 */
export function portableName(fileName: string): string | undefined {
  const dist = path.relative(path.join(PACKAGE_ROOT, "dist"), fileName);
  if (!dist.startsWith("..") && !path.isAbsolute(dist)) return path.join("dist", dist);
  const dep = path.relative(DEPENDENCIES_ROOT, fileName);
  if (!dep.startsWith("..") && !path.isAbsolute(dep)) return path.join("node_modules", dep);
  return undefined;
}

/** The file a portableName names here. */
export function fromPortableName(name: string): string {
  const [top, ...rest] = name.split(/[\\/]/);
  return top === "node_modules" ? path.join(DEPENDENCIES_ROOT, ...rest) : path.join(PACKAGE_ROOT, name);
}

/** A file of Node's types (what the lean texts replace). */
export function isNodeTypesFile(fileName: string): boolean {
  return /[\\/]node_modules[\\/](?:@types[\\/]node|undici-types)[\\/]/.test(fileName);
}

/**
 * Node's types as the executor has them. @types/node declares `gc` as `GCFunction | undefined`
 * (it exists only with `--expose-gc`); the executor always runs with that flag, so in a cell
 * `gc` is the function, and `gc()` or `gc.collect()` (lib/gc) need no check for undefined.
 * Any other text is returned as it is.
 */
export function executorNodeTypes(fileName: string, text: string): string {
  if (!/[\\/]@types[\\/]node[\\/]globals\.d\.ts$/.test(fileName)) return text;
  return text.replace(GC_DECLARATION, "declare var gc: NodeJS.GCFunction;");
}
const GC_DECLARATION = "declare var gc: NodeJS.GCFunction | undefined;";

/** Whether a cell's (or completion's, inspect's) text may use more of Node's types than the lean ones hold. */
export function needsFullNodeTypes(text: string): boolean {
  return /\bimport\b|\bdeclare\s+module\b|\/\/\/\s*<reference\b|\bgetBuiltinModule\b|\bBuiltInModule\b/.test(text);
}

/** dist/node-types-lean.json: texts by path relative to the package root. */
export interface LeanNodeTypesFile {
  key: string;
  files: Record<string, string>;
}

/**
 * What lean texts were computed from: every file of `program` but Node's and those `isCell`
 * names (by name and text), and the full
 * text of each of Node's files in `nodeFiles` (those a lean program does not load are still
 * named: which files a program loads depends on the texts).
 */
export function leanKey(program: ts.Program, isCell: (fileName: string) => boolean, nodeFiles: Iterable<string>): string {
  // Bundled files by their place in the package, the compiler's own (the globals) by their
  // base name, and in the order of those names: absolute paths sort differently in a clone
  // (<root>/dist < <root>/node_modules) and in an install (node_modules/@types < node_modules/lazylab).
  const name = (fileName: string) => portableName(fileName) ?? path.basename(fileName);
  const byName = (a: [string, string], b: [string, string]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
  const others = program.getSourceFiles().filter((sf) => !isCell(sf.fileName) && !isNodeTypesFile(sf.fileName));
  const hash = createHash("sha1");
  for (const files of [others.map((sf): [string, string] => [name(sf.fileName), sf.text]), [...nodeFiles].map((f): [string, string] => [name(f), readFileSync(f, "utf8")])]) {
    for (const [n, text] of files.sort(byName)) hash.update(n).update("\0").update(text).update("\0");
  }
  return hash.digest("hex");
}

/** Which texts of Node's types the compiler's language service is given. */
export class NodeTypes {
  private lean: { key: string; texts: Map<string, string> } | undefined;
  private verified = false;
  mode: "lean" | "full";

  /** `file`: the lean texts (null: full types only). */
  constructor(file: string | null) {
    this.lean = file === null ? undefined : readLean(file);
    this.mode = this.lean ? "lean" : "full";
  }

  /** The text to give TypeScript for `fileName` now, if it is one of Node's and lean. */
  text(fileName: string): string | undefined {
    return this.mode === "lean" && isNodeTypesFile(fileName) ? this.lean!.texts.get(fileName) : undefined;
  }

  /** The script version of `fileName`, if it is one of Node's (it changes with the mode). */
  version(fileName: string): string | undefined {
    return isNodeTypesFile(fileName) ? this.mode : undefined;
  }

  /** Full types from now on if `text` needs them; whether the mode changed. */
  forText(text: string): boolean {
    if (this.mode === "full" || !needsFullNodeTypes(text)) return false;
    this.mode = "full";
    return true;
  }

  /** Back to the lean types (a restart: no cell has imported anything); whether the mode changed. */
  restart(): boolean {
    if (this.mode === "lean" || !this.lean) return false;
    this.mode = "lean";
    return true;
  }

  /**
   * Checks the first lean program against the key the lean texts were computed for; on a
   * mismatch (files changed since the build) drops them. Whether the mode changed.
   */
  verify(program: ts.Program, isCell: (fileName: string) => boolean): boolean {
    if (this.verified || this.mode !== "lean") return false;
    this.verified = true;
    let key: string | undefined;
    try {
      key = leanKey(program, isCell, this.lean!.texts.keys());
    } catch {
      // a file the lean texts name is gone: they are stale
    }
    if (key === this.lean!.key) return false;
    this.lean = undefined;
    this.mode = "full";
    return true;
  }
}

function readLean(file: string): { key: string; texts: Map<string, string> } | undefined {
  try {
    const data = JSON.parse(readFileSync(file, "utf8")) as LeanNodeTypesFile;
    if (typeof data.key !== "string" || typeof data.files !== "object") return undefined;
    return { key: data.key, texts: new Map(Object.entries(data.files).map(([rel, text]) => [fromPortableName(rel), text])) };
  } catch {
    return undefined;
  }
}
