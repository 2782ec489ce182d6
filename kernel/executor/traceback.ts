/**
 * Errors as the user sees them: stack frames of cell code point at cell line numbers
 * ("Cell In[3], line 2"), frames inside Node's internals and the executor are dropped, and
 * the failing line is shown with an arrow, as IPython does.
 */
import path from "node:path";
import { inspect } from "node:util";
import { decodeMappings, originalPosition, type DecodedMap } from "./sourcemap";
import type { ErrorInfo } from "./ipc";
import type { LocalModules } from "./local-modules";
import type { Insertion } from "../compiler/cell-source";

interface CellRecord {
  cellName: string;
  source: string;
  mappings: string;
  decoded?: DecodedMap;
  /** [line, col, length] (0-based, user text) of each text the compiler inserted ("export ", a magic's calls), in order. */
  insertAt: Array<[number, number, number]>;
}

const MAX_CELLS = 500;

export class CellRegistry {
  private readonly cells = new Map<string, CellRecord>();

  /** `local`: the notebook's own TypeScript modules, whose frames map to their files' lines. */
  constructor(readonly local?: LocalModules, readonly cwd = process.cwd()) {}

  add(fileName: string, cellName: string, source: string, map: string, insertions: readonly Insertion[]): void {
    let mappings = "";
    try {
      mappings = (JSON.parse(map) as { mappings: string }).mappings;
    } catch {
      /* no map: frames show generated positions */
    }
    const insertAt = insertions.map(([off, length]): [number, number, number] => {
      const before = source.slice(0, off);
      const line = before.split("\n").length - 1;
      return [line, off - (before.lastIndexOf("\n") + 1), length];
    });
    this.cells.set(fileName, { cellName, source, mappings, insertAt });
    if (this.cells.size > MAX_CELLS) this.cells.delete(this.cells.keys().next().value!);
  }

  /** Maps a generated position in a cell script to the user's 1-based line and column. */
  locate(fileName: string, line: number, column: number): { cell: CellRecord; line: number; col: number } | undefined {
    const cell = this.cells.get(fileName);
    if (!cell) return undefined;
    cell.decoded ??= decodeMappings(cell.mappings);
    const pos = originalPosition(cell.decoded, line, column);
    if (!pos) return undefined;
    let shift = 0;
    for (const [l, c, length] of cell.insertAt) {
      if (l !== pos.line) continue;
      if (c + shift + length <= pos.col) shift += length;
      else if (c + shift <= pos.col) return { cell, line: pos.line + 1, col: c + 1 }; // in inserted code: where it was inserted
      else break;
    }
    return { cell, line: pos.line + 1, col: pos.col - shift + 1 };
  }
}

// "at async f (file:1:2)": a frame an await resumed (V8's async stack traces).
const FRAME = /^\s*at (?:async )?(?:(.*?) \()?(.*?):(\d+):(\d+)\)?$/;
/** The cell's own wrapper call has no source position: not a frame the user wrote. */
const CELL_FILE = /^lazylab-cell-\d+\.js$/;
const INTERNAL = /^(node:|internal\/|.*\/kernel\/executor\/)/;

/** A stack's frames as the user sees them, and the code snippet of the first frame the user wrote. */
interface MappedStack {
  frames: string[];
  snippet?: string[];
}

/**
 * Maps raw stack lines ("    at f (file:line:col)"): frames of cells read "Cell In[n], line
 * L:C", frames of the notebook's modules their file's lines; frames of the executor and of
 * Node's internals, and lines without a position, are left out.
 */
function mapStack(lines: readonly string[], registry: CellRegistry): MappedStack {
  const frames: string[] = [];
  let snippet: string[] | undefined;
  for (const raw of lines) {
    const m = FRAME.exec(raw);
    if (!m) continue;
    const [, fn, file, l, c] = m;
    const where = registry.locate(file, Number(l), Number(c));
    if (where) {
      const name = fn && !fn.startsWith("Object.<anonymous>") && fn !== "<anonymous>" ? fn : undefined;
      frames.push(`    at ${name ? `${name} (` : ""}Cell ${where.cell.cellName}, line ${where.line}:${where.col}${name ? ")" : ""}`);
      snippet ??= codeSnippet(where.cell, where.line);
    } else if (registry.local?.has(file)) {
      const at = registry.local.locate(file, Number(l), Number(c));
      const shown = `${path.relative(registry.cwd, file) || file}:${at ? `${at.line}:${at.col}` : `${l}:${c}`}`;
      frames.push(`    at ${fn ? `${fn} (${shown})` : shown}`);
      if (at) snippet ??= [registry.local.snippet(file, at.line, registry.cwd)];
    } else if (!INTERNAL.test(file) && !file.startsWith("evalmachine") && !CELL_FILE.test(file)) {
      frames.push(raw.replace(/^\s*/, "    "));
    }
  }
  return { frames, snippet };
}

/** The mapped stacks of errors made in this thread since installStackFormat. */
const mappedStacks = new WeakMap<object, MappedStack>();

/** Error.prototype.toString, as V8's default stack starts, without letting a throwing getter escape. */
function stackHeader(err: unknown): string {
  try {
    return Error.prototype.toString.call(err);
  } catch {
    return "Error";
  }
}

/**
 * Makes every error's `stack` in this thread read as a traceback does: an error printed with
 * `console.log(e)`, shown as a cell's value or read as `e.stack` showed the compiled cell's
 * file and positions (`lazylab-cell-11.js:4:24`) and the executor's own frames (`at run
 * (/…/kernel/executor/main.js:212:86)`). V8 calls Error.prepareStackTrace once, when a stack
 * is first read; Node's default does the same with the default format, which is kept for every
 * frame that is not a cell's, a notebook module's or an internal one.
 */
export function installStackFormat(registry: CellRegistry): void {
  Error.prepareStackTrace = (err: Error, sites: NodeJS.CallSite[]) => {
    const mapped = mapStack(sites.map((site) => `    at ${site}`), registry);
    if (typeof err === "object" && err !== null) mappedStacks.set(err, mapped);
    return [stackHeader(err), ...mapped.frames].join("\n");
  };
}

export function errorInfo(err: unknown, registry: CellRegistry): ErrorInfo {
  if (!(err instanceof Error)) {
    return { ename: "Uncaught", evalue: inspect(err, { colors: false }), traceback: [`Uncaught ${inspect(err, { colors: false })}`] };
  }
  const ename = err.name || err.constructor?.name || "Error";
  const evalue = err.message;
  // Reading the stack maps it (installStackFormat) unless another thread or context made it.
  const stack = err.stack ?? "";
  const { frames, snippet } = mappedStacks.get(err) ?? mapStack(stack.split("\n").slice(1), registry);
  const header = `${ename}: ${evalue}`;
  return { ename, evalue, traceback: [...(snippet ?? []), header, ...frames] };
}

function codeSnippet(cell: CellRecord, line: number): string[] {
  const lines = cell.source.split("\n");
  const out = [`Cell ${cell.cellName}, line ${line}`];
  for (let i = Math.max(1, line - 2); i <= Math.min(lines.length, line + 2); i++) {
    out.push(`${i === line ? "---->" : "     "} ${String(i).padStart(3)} | ${lines[i - 1]}`);
  }
  return [out.join("\n")];
}
