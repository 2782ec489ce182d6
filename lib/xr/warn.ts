/**
 * The warning a wasteful compute gives: when the chunks a compute loaded are many times what
 * it returns, the chunking does not fit the selection (the lesson of the tutorial: taking
 * one depth level out of chunks spanning 25 levels loads and caches 25 times the result).
 * It names the variable, its chunking, and the `chunks` option that would fit.
 */
import type { NDArray } from "../np/ndarray";
import { LazyArray } from "../da/array";
import { walk, type LazyRef } from "../da/graph";

/** Loaded/returned ratio above which a compute warns. */
export const WASTE_RATIO = 4;
/** Computes loading less than this never warn (small files, coordinates). */
export const WASTE_MIN_BYTES = 4 * 2 ** 20;

/** What a file-backed leaf is: the variable, its dimension names. */
export interface LeafInfo {
  variable: string;
  dims: readonly string[];
}
const leaves = new WeakMap<object, LeafInfo>();

/** Marks `x` as loading variable `info.variable` (for the warning's advice). */
export function registerLeaf(x: LazyArray, info: LeafInfo): void {
  leaves.set(x, info);
}

/** Warnings given, for tests. */
export const warnings: string[] = [];

function leafUnder(r: LazyRef): LeafInfo | undefined {
  for (const n of walk([r])) {
    const info = leaves.get(n);
    if (info) return info;
  }
  return undefined;
}

/** The advice: for each selection narrower than its chunks, the chunk size that fits. */
export function betterChunks(x: LazyRef): { variable: string; dims: readonly string[]; chunks: readonly number[]; suggest: Record<string, number> } | undefined {
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
    if (Object.keys(suggest).length) return { variable: info.variable, dims: info.dims, chunks, suggest };
  }
  return undefined;
}

/** Warns (on stderr) when `loaded` bytes of chunks were many times the `out` returned. */
export function checkReadRatio(x: LazyArray, out: NDArray, loaded: number): void {
  const returned = out.nd.data.byteLength;
  if (loaded < WASTE_MIN_BYTES || loaded < WASTE_RATIO * Math.max(returned, 1)) return;
  const mb = (b: number) => `${(b / 2 ** 20).toFixed(1)} MB`;
  let msg = `xr: this compute loaded ${mb(loaded)} of chunks to return ${mb(returned)} (${(loaded / Math.max(returned, 1)).toFixed(1)}×)`;
  const advice = betterChunks(x);
  if (advice) {
    const chunking = advice.dims.map((d, i) => `${d}: ${advice.chunks[i]}`).join(", ");
    const opt = Object.entries(advice.suggest).map(([d, n]) => `${d}: ${n}`).join(", ");
    msg += `: ${advice.variable} is chunked {${chunking}} and the selection uses a fraction of each chunk. The loaded chunks stay in the chunk cache (xr.cacheInfo()); open with { chunks: { ${opt} } } to load only what is selected, or xr.clearCache() to let them go.`;
  } else {
    msg += "; the loaded chunks stay in the chunk cache (xr.cacheInfo(), xr.clearCache()).";
  }
  warnings.push(msg);
  console.warn(msg);
}
