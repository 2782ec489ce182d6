/**
 * Chunk normalisation (one function, as in Dask's `normalize_chunks`): every way a user can
 * say "chunks" becomes per-dimension chunk sizes, e.g. shape (1000, 1000) with chunks
 * (300, 500) → [[300, 300, 300, 100], [500, 500]].
 */
import { DType, itemsize } from "../np/dtype";

/** Per-dimension chunk sizes, as Dask's `.chunks` reports them. */
export type Chunks = number[][];

/** What users may pass as `chunks`. */
export type ChunksSpec = number | "auto" | readonly (number | "auto" | readonly number[])[];

/** Dask's default chunk byte limit for "auto" (`array.chunk-size`: 128 MiB). */
export const AUTO_CHUNK_BYTES = 128 * 2 ** 20;

function regular(n: number, size: number): number[] {
  if (n === 0) return [0];
  const out: number[] = [];
  for (let s = 0; s < n; s += size) out.push(Math.min(size, n - s));
  return out;
}

/**
 * Normalises `chunks` for `shape`. A number applies to every dimension; -1 or null means the
 * whole dimension; "auto" picks equal-ish chunks under {@link AUTO_CHUNK_BYTES}.
 */
export function normalizeChunks(spec: ChunksSpec | undefined, shape: readonly number[], dtype: DType): Chunks {
  const s = spec ?? "auto";
  const perDim = typeof s === "number" || s === "auto" ? shape.map(() => s) : [...s];
  if (perDim.length !== shape.length) {
    throw new RangeError(`chunks ${JSON.stringify(spec)} have ${perDim.length} dimensions, but the array has ${shape.length} (shape ${JSON.stringify(shape)})`);
  }
  const autoDims = perDim.map((c, d) => (c === "auto" ? d : -1)).filter((d) => d >= 0);
  const out: Chunks = perDim.map((c, d) => {
    const n = shape[d];
    if (c === "auto") return [];
    if (Array.isArray(c)) {
      const sizes = [...(c as number[])];
      if (sizes.some((x) => !Number.isInteger(x) || x < 0) || sizes.reduce((a, b) => a + b, 0) !== n) {
        throw new RangeError(`chunks for dimension ${d} ${JSON.stringify(c)} must be non-negative integers adding up to its length ${n}`);
      }
      return sizes.length ? sizes : [0];
    }
    const size = c as number;
    if (size === -1 || (size as unknown) === null) return [n];
    if (!Number.isInteger(size) || size <= 0) throw new RangeError(`chunk size for dimension ${d} must be a positive integer (or -1 for the whole dimension), got ${size}`);
    return regular(n, Math.min(size, Math.max(n, 1)));
  });
  if (autoDims.length) {
    // Dask's auto_chunks: fixed dimensions count with their largest chunk; the auto ones share
    // the rest of the budget equally, and an auto dimension shorter than its share takes its
    // whole length, leaving the others more.
    let auto = autoDims;
    for (;;) {
      let fixed = itemsize(dtype);
      perDim.forEach((_, d) => {
        if (!auto.includes(d)) fixed *= Math.max(...out[d], 1);
      });
      const side = Math.pow(AUTO_CHUNK_BYTES / fixed, 1 / auto.length);
      const small = auto.filter((d) => shape[d] < side);
      if (small.length) {
        for (const d of small) out[d] = regular(shape[d], Math.max(shape[d], 1));
        auto = auto.filter((d) => !small.includes(d));
        if (auto.length) continue;
        break;
      }
      const size = Math.max(1, Math.floor(side));
      for (const d of auto) out[d] = regular(shape[d], size);
      break;
    }
  }
  return out;
}

/** Starting offsets of each chunk along one dimension, plus the total at the end. */
export function boundaries(sizes: readonly number[]): number[] {
  const b = [0];
  for (const s of sizes) b.push(b[b.length - 1] + s);
  return b;
}

/** The common refinement of two chunkings of one dimension (for aligning operands). */
export function unifyDim(a: readonly number[], b: readonly number[]): number[] {
  const cuts = new Set([...boundaries(a), ...boundaries(b)]);
  const sorted = [...cuts].sort((x, y) => x - y);
  const out: number[] = [];
  for (let i = 1; i < sorted.length; i++) out.push(sorted[i] - sorted[i - 1]);
  return out.length ? out : [0];
}

/** Dask's `chunksize`: the largest chunk along each dimension. */
export function chunksize(chunks: Chunks): number[] {
  return chunks.map((c) => Math.max(...c));
}

/** All block indices of a chunk grid, in C order. */
export function* blockIndices(numblocks: readonly number[]): Generator<number[]> {
  const n = numblocks.reduce((a, b) => a * b, 1);
  if (n === 0) return;
  const idx = numblocks.map(() => 0);
  for (let k = 0; k < n; k++) {
    yield idx.slice();
    for (let d = idx.length - 1; d >= 0; d--) {
      if (++idx[d] < numblocks[d]) break;
      idx[d] = 0;
    }
  }
}
