/**
 * Chunk-preserving reshape, planned as Dask plans it (`reshape_rechunk` in dask/array/reshape.py,
 * followed here so that chunks match Dask's): walking the dimensions from the last, a dimension
 * that keeps its length keeps its chunks; dimensions merged into one (`(4, 4, 4) -> (64,)`) or
 * one split into several (`(64,) -> (4, 4, 4)`) get input chunks for which every block reshapes
 * on its own, and output block k is input block k (C order) reshaped.
 */
import type { Chunks } from "./chunks";

/** Python's `seq[i]` (negative indices count from the end), for reading. */
function at<T>(xs: readonly T[], i: number): T | undefined {
  return xs[i < 0 ? xs.length + i : i];
}

/** Python's `seq[i] = v`. */
function put<T>(xs: T[], i: number, v: T): void {
  xs[i < 0 ? xs.length + i : i] = v;
}

const product = (xs: readonly number[]) => xs.reduce((a, b) => a * b, 1);

/** Splits each chunk into about `factor` parts (at least 1 element each). */
function expand(chunks: readonly number[], factor: number): number[] {
  if (factor === 1) return [...chunks];
  const out: number[] = [];
  for (const c of chunks) {
    let x = c;
    const part = Math.max(c / factor, 1);
    while (x >= 2 * part) {
      out.push(Math.trunc(part));
      x -= Math.trunc(part);
    }
    if (x) out.push(x);
  }
  return out;
}

/** Chunks that are multiples of `factor`, merging neighbours as needed. */
function contract(chunks: readonly number[], factor: number): number[] {
  const out: number[] = [];
  let residual = 0;
  for (const c0 of chunks) {
    const c = c0 + residual;
    const good = factor * Math.floor(c / factor);
    residual = c % factor;
    if (good) out.push(good);
  }
  return out;
}

/**
 * The input chunks to rechunk to and the output chunks of reshaping `inshape` (chunked
 * `inchunks`) to `outshape`; undefined where Dask's reshape is not supported (dimensions that
 * do not merge or split evenly).
 */
export function reshapeChunks(inshape: readonly number[], outshape: readonly number[], inchunks: Chunks): { inchunks: Chunks; outchunks: Chunks } | undefined {
  let ii = inshape.length - 1;
  let oi = outshape.length - 1;
  const rin: (number[] | undefined)[] = inshape.map(() => undefined);
  const rout: (number[] | undefined)[] = outshape.map(() => undefined);
  while (ii >= 0 || oi >= 0) {
    const din = at(inshape, ii)!;
    const dout = at(outshape, oi)!;
    if (din === dout) {
      put(rin, ii, [...at(inchunks, ii)!]);
      put(rout, oi, [...at(inchunks, ii)!]);
      ii--;
      oi--;
    } else if (din === 1) {
      put(rin, ii, [1]);
      ii--;
    } else if (dout === 1) {
      put(rout, oi, [1]);
      oi--;
    } else if (din < dout) {
      // Several input dimensions merge into output dimension oi.
      let left = ii - 1;
      while (left >= 0 && product(inshape.slice(left, ii + 1)) < dout) left--;
      if (left < 0 || product(inshape.slice(left, ii + 1)) !== dout) return undefined;
      if (inchunks.slice(0, ii).every((c, i) => c.length === inshape[i])) {
        // Every lower dimension in chunks of 1: blocks just move.
        for (let i = 0; i <= ii; i++) rin[i] = [...inchunks[i]];
        const reps = product(inchunks.slice(left, ii).map((c) => c.length));
        put(rout, oi, Array.from({ length: reps }, () => inchunks[ii]).flat());
      } else {
        for (let i = left + 1; i <= ii; i++) rin[i] = [inshape[i]];
        const reduction = product(inchunks.slice(left + 1, ii + 1).map((c) => c.length));
        rin[left] = expand(inchunks[left], reduction);
        const inner = product(inshape.slice(left + 1, ii + 1));
        put(rout, oi, rin[left]!.map((c) => inner * c));
      }
      oi--;
      ii = left - 1;
    } else {
      // Input dimension ii splits into several output dimensions.
      let left = oi - 1;
      while (left >= 0 && product(outshape.slice(left, oi + 1)) < din) left--;
      if (left < 0 || product(outshape.slice(left, oi + 1)) !== din) return undefined;
      const cs = product(outshape.slice(left + 1, oi + 1));
      const contracted = contract(at(inchunks, ii)!, cs);
      put(rin, ii, contracted);
      for (let i = left + 1; i <= oi; i++) rout[i] = [outshape[i]];
      rout[left] = contracted.map((c) => c / cs);
      oi = left - 1;
      ii--;
    }
  }
  if (rin.some((c) => !c) || rout.some((c) => !c)) return undefined;
  return { inchunks: rin as Chunks, outchunks: rout as Chunks };
}
