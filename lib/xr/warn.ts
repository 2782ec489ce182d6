/**
 * The warning a wasteful compute gives: when the chunks a compute loaded are many times what
 * it returns, the chunking does not fit the selection (the lesson of the tutorial: taking
 * one depth level out of chunks spanning 25 levels loads and caches 25 times the result).
 * It names the variable, its chunking, and the `chunks` option that would fit.
 *
 * As Python's default warning filter shows a warning once per location, it is printed once
 * per variable and selection: a loop computing the same selection of many files warns at the
 * first. `setWarnings(false)` silences it (Python's `warnings.simplefilter("ignore")`).
 */
import type { NDArray } from "../np/ndarray";
import { LazyArray } from "../da/array";
import { walk, type LazyRef } from "../da/graph";

/** Loaded/returned ratio above which a compute warns. */
export const WASTE_RATIO = 4;
/** Computes loading less than this never warn (small files, coordinates). */
export const WASTE_MIN_BYTES = 4 * 2 ** 20;

/** What a file-backed leaf is: the variable, its dimension names, the file it reads. */
export interface LeafInfo {
  variable: string;
  dims: readonly string[];
  /** The file, reopened before a compute if it was closed (./netcdf). */
  file?: { ensureOpen(): void };
}
const leaves = new WeakMap<object, LeafInfo>();

/** Marks `x` as loading variable `info.variable` (for the warning's advice). */
export function registerLeaf(x: LazyArray, info: LeafInfo): void {
  leaves.set(x, info);
}

/** Warnings printed, for tests. */
export const warnings: string[] = [];

/** Whether warnings are printed (setWarnings), and the (variable, selection) keys already warned about. */
let enabled = true;
const shown = new Set<string>();

/**
 * Turns xr's warnings off (`false`: Python's `warnings.simplefilter("ignore")`) or back on
 * (`true`, the default: each warning once per variable and selection). Either call forgets
 * which warnings were shown, as changing Python's filters does, so they can show again.
 * @example
 * xr.setWarnings(false);   // no "this compute loaded ... of chunks" warnings
 * for (const f of files) await (await xr.openDataset(f)).THETA.isel({ k: 0 }).compute();
 * xr.setWarnings(true);
 */
export function setWarnings(on: boolean): void {
  if (typeof on !== "boolean") throw new TypeError(`setWarnings: expected true or false, got ${JSON.stringify(on)}`);
  enabled = on;
  shown.clear();
}

/** Reopens the closed files the leaves under `x` read, before a compute (fails at once if one is gone). */
export function reopenFiles(x: LazyRef): void {
  for (const n of walk([x])) leaves.get(n)?.file?.ensureOpen();
}

function leafUnder(r: LazyRef): LeafInfo | undefined {
  for (const n of walk([r])) {
    const info = leaves.get(n);
    if (info) return info;
  }
  return undefined;
}

/** The advice: for each selection narrower than its chunks, the chunk size that fits; `selection` names it. */
export function betterChunks(x: LazyRef): { variable: string; dims: readonly string[]; chunks: readonly number[]; suggest: Record<string, number>; selection: string } | undefined {
  for (const node of walk([x])) {
    if (node.node.kind !== "getitem") continue;
    const input = node.node.input;
    const info = leafUnder(input);
    if (!info) continue;
    const suggest: Record<string, number> = {};
    const chunks = input.chunks.map((c) => Math.max(...c));
    for (const gd of node.node.dims) {
      if (gd.inputDim < 0) continue;
      const size = chunks[gd.inputDim];
      const used = gd.drop ? 1 : Math.min(gd.length * Math.abs(gd.step), size);
      if (used < size) suggest[info.dims[gd.inputDim]] = gd.drop || gd.step !== 1 ? 1 : gd.length;
    }
    const selection = node.node.dims
      .filter((gd) => gd.inputDim >= 0)
      .map((gd) => `${info.dims[gd.inputDim]}=${gd.drop ? gd.start : `${gd.start}:${gd.start + gd.length * gd.step}:${gd.step}`}`)
      .join(",");
    if (Object.keys(suggest).length) return { variable: info.variable, dims: info.dims, chunks, suggest, selection };
  }
  return undefined;
}

/** Warns (on stderr) when `loaded` bytes of chunks were many times the `out` returned. */
export function checkReadRatio(x: LazyArray, out: NDArray, loaded: number): void {
  const returned = out.nd.data.byteLength;
  if (!enabled || loaded < WASTE_MIN_BYTES || loaded < WASTE_RATIO * Math.max(returned, 1)) return;
  const advice = betterChunks(x);
  // Once per location, as Python's default filter: here the variable and the selection.
  const where = advice ? `${advice.variable}[${advice.selection}]` : (leafUnder(x)?.variable ?? "?");
  if (shown.has(where)) return;
  shown.add(where);
  const mb = (b: number) => `${(b / 2 ** 20).toFixed(1)} MB`;
  let msg = `xr: this compute loaded ${mb(loaded)} of chunks to return ${mb(returned)} (${(loaded / Math.max(returned, 1)).toFixed(1)}×)`;
  if (advice) {
    const chunking = advice.dims.map((d, i) => `${d}: ${advice.chunks[i]}`).join(", ");
    const opt = Object.entries(advice.suggest).map(([d, n]) => `${d}: ${n}`).join(", ");
    msg += `: ${advice.variable} is chunked {${chunking}} and the selection uses a fraction of each chunk. The loaded chunks stay in the chunk cache (xr.cacheInfo()); open with { chunks: { ${opt} } } to load only what is selected, or xr.clearCache() to let them go.`;
  } else {
    msg += "; the loaded chunks stay in the chunk cache (xr.cacheInfo(), xr.clearCache()).";
  }
  msg += " (Shown once per variable and selection; xr.setWarnings(false) silences it.)";
  warnings.push(msg);
  console.warn(msg);
}
