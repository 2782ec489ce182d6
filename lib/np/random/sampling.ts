/**
 * Sampling from a population: NumPy's `choice`, `shuffle` and `permutation`, the
 * Generator's algorithms (numpy/random/_generator.pyx) and the pieces RandomState's share
 * with them (the cdf search for `p`, the redraw loop without replacement). Generator's
 * differ from RandomState's: Lemire's bounded integers instead of masked ones, Floyd's
 * algorithm or a partial shuffle for samples without replacement, and `axis`.
 */
import { array } from "../creation";
import { allocate } from "../dtype";
import { AxisError, checkAxis, ValueError } from "../errors";
import { NDArray, NestedList } from "../ndarray";
import type { PcgDraws } from "./draws";
import type { Generator as RawGenerator } from "./generator";

/** Nested arrays of `T`, as `choice` returns a sample of a list of strings. */
export type Nested<T> = T[] | Nested<T>[];

/** NumPy's kahan_sum, as both APIs sum `p`. */
export function kahanSum(v: Float64Array): number {
  if (v.length === 0) return 0;
  let sum = v[0];
  let c = 0;
  for (let i = 1; i < v.length; i++) {
    const y = v[i] - c;
    const t = sum + y;
    c = t - sum - y;
    sum = t;
  }
  return sum;
}

/** `cumsum(p) / cumsum(p)[-1]`, then `searchsorted(cdf, u, side='right')` for each u. */
export function sampleCdf(p: Float64Array, u: Float64Array, out: Float64Array): void {
  const cdf = new Float64Array(p.length);
  let acc = 0;
  for (let i = 0; i < p.length; i++) cdf[i] = acc += p[i];
  const total = cdf[cdf.length - 1];
  for (let i = 0; i < cdf.length; i++) cdf[i] /= total;
  for (let k = 0; k < u.length; k++) {
    let lo = 0;
    let hi = cdf.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid] <= u[k]) lo = mid + 1;
      else hi = mid;
    }
    out[k] = lo;
  }
}

/**
 * choice without replacement with `p`, both APIs' loop: draw `uniforms(k)` for the k indices
 * still missing, zero the found ones' weights, keep the distinct new picks in first-seen order.
 */
export function sampleUnique(p: Float64Array, out: Float64Array, uniforms: (k: number) => Float64Array): void {
  if (p.filter((v) => v > 0).length < out.length) throw new ValueError("Fewer non-zero entries in p than size");
  const weights = p.slice();
  let found = 0;
  while (found < out.length) {
    const u = uniforms(out.length - found);
    for (let k = 0; k < found; k++) weights[out[k]] = 0;
    const picks = new Float64Array(u.length);
    sampleCdf(weights, u, picks);
    // np.unique(new, return_index=True), indices sorted: the distinct picks in first-seen order
    for (const v of new Set(picks)) out[found++] = v;
  }
}

/** `a[idx]` for each index, nested into `shape` (choice from a list of strings or objects). */
export function nest<T>(items: readonly T[], idx: Float64Array, shape: readonly number[]): Nested<T> {
  let k = 0;
  const build = (d: number): Nested<T> => (d === shape.length - 1 ? Array.from({ length: shape[d] }, () => items[idx[k++]]) : Array.from({ length: shape[d] }, () => build(d + 1) as T[]));
  return shape.length === 0 ? [items[idx[0]]] : build(0);
}

/** Whether a list holds numbers (an array to NumPy) rather than strings or objects. */
export function isNumericList(a: readonly unknown[]): boolean {
  return a.every((v) => typeof v === "number" || typeof v === "boolean" || (Array.isArray(v) && isNumericList(v)));
}

/** `_shuffle_int`: Fisher-Yates over data[first … n) from the end, on Lemire's bounded integers. */
function shuffleInt(d: PcgDraws, data: Float64Array, n: number, first: number): void {
  for (let i = n - 1; i >= first; i--) {
    const j = d.bounded(i);
    const t = data[j];
    data[j] = data[i];
    data[i] = t;
  }
}

/**
 * `size` distinct indices of [0, pop): a partial shuffle of arange(pop) when the sample is
 * a large part of a large population, else Floyd's algorithm (then shuffled, with `shuffle`).
 */
function sampleWithoutReplacement(d: PcgDraws, pop: number, size: number, shuffle: boolean): Float64Array {
  const cutoff = shuffle ? 50 : 20;
  if (pop > 10000 && size > Math.floor(pop / cutoff)) {
    const idx = allocate("int64", pop, true) as Float64Array;
    for (let i = 0; i < pop; i++) idx[i] = i;
    shuffleInt(d, idx, pop, Math.max(pop - size, 1));
    return idx.slice(pop - size);
  }
  // Floyd: for each j, a new value in [0, j], or j itself when that value is taken
  const idx = allocate("int64", size, true) as Float64Array;
  const taken = new Set<number>();
  for (let j = pop - size, k = 0; j < pop; j++, k++) {
    const v = d.bounded(j);
    const pick = taken.has(v) ? j : v;
    taken.add(pick);
    idx[k] = pick;
  }
  if (shuffle) shuffleInt(d, idx, size, 1);
  return idx;
}

/** The keywords of Generator's `choice`. */
export interface GeneratorChoiceKeywords {
  size?: number | readonly number[] | null;
  replace?: boolean;
  /** Probabilities of the entries of `a` along `axis`; uniform without. */
  p?: NDArray | readonly number[] | null;
  axis?: number;
  /** Whether a sample without replacement is shuffled (else Floyd's order). */
  shuffle?: boolean;
}

/** Generator's checks of `p`, in its order and words. */
function generatorProbabilities(p: unknown, popSize: number): Float64Array {
  if (typeof p === "number") throw new TypeError("object of type 'float' has no len()");
  const arr = p instanceof NDArray ? p : array(p as NestedList);
  let atol = Math.sqrt(2 ** -52);
  if (p instanceof NDArray && p.dtype === "float32") atol = Math.max(atol, Math.sqrt(2 ** -23));
  if (arr.ndim !== 1) throw new ValueError("p must be 1-dimensional");
  if (arr.size !== popSize) throw new ValueError("a and p must have same size");
  const out = Float64Array.from({ length: arr.size }, (_, i) => arr.flatAt(i));
  const sum = kahanSum(out);
  if (Number.isNaN(sum)) throw new ValueError("probabilities contain NaN");
  if (out.some((v) => v < 0)) throw new ValueError("probabilities are not non-negative");
  if (Math.abs(sum - 1) > atol) throw new ValueError("probabilities do not sum to 1");
  return out;
}

/**
 * Generator.choice: the sampled indices (or `a`'s entries along `axis`), drawn as NumPy's.
 * `shape` is null for size=None (one sample, unwrapped).
 */
export function generatorChoice(
  rng: RawGenerator,
  draws: PcgDraws,
  a: unknown,
  shape: number[] | null,
  replace: boolean,
  p: unknown,
  axis: number,
  shuffle: boolean,
): unknown {
  const n = shape === null ? 1 : shape.reduce((x, y) => x * y, 1);
  let popSize: number;
  let items: NDArray | readonly unknown[] | null = null;
  if (typeof a === "number" || typeof a === "bigint" || (a instanceof NDArray && a.ndim === 0)) {
    const v = a instanceof NDArray ? a.item() : Number(a);
    if (!Number.isInteger(v) || (a instanceof NDArray && !a.dtype.includes("int"))) {
      throw new ValueError(`a must be a sequence or an integer, not <class '${a instanceof NDArray ? "numpy.ndarray" : "float"}'>`);
    }
    popSize = v;
    if (popSize <= 0 && n !== 0) throw new ValueError("a must be a positive integer unless no samples are taken");
  } else {
    if (a instanceof NDArray) items = a;
    else if (Array.isArray(a)) items = isNumericList(a) ? array(a as NestedList) : a;
    else throw new TypeError(`choice: a must be an integer, a list or an array, got ${String(a)}`);
    const ndim = items instanceof NDArray ? items.ndim : 1;
    // NumPy reads a.shape[axis]: Python's indexing of a tuple, negative axes included
    const ax = Number.isInteger(axis) && axis < 0 ? axis + ndim : axis;
    if (!Number.isInteger(ax) || ax < 0 || ax >= ndim) throw new RangeError("tuple index out of range");
    popSize = items instanceof NDArray ? items.shape[ax] : items.length;
    axis = ax;
    if (popSize === 0 && n !== 0) throw new ValueError("a cannot be empty unless no samples are taken");
  }
  const probs = p === null || p === undefined ? null : generatorProbabilities(p, popSize);
  let idx: Float64Array;
  if (replace) {
    idx = allocate("int64", n, true) as Float64Array;
    if (probs !== null) sampleCdf(probs, rng.fillRandom(new Float64Array(n)), idx);
    else rng.fillIntegers(idx, 0, popSize);
  } else {
    if (n > popSize) throw new ValueError("Cannot take a larger sample than population when replace is False");
    if (probs !== null) {
      idx = allocate("int64", n, true) as Float64Array;
      sampleUnique(probs, idx, (k) => rng.fillRandom(new Float64Array(k)));
    } else {
      draws.begin(n);
      try {
        idx = sampleWithoutReplacement(draws, popSize, n, shuffle);
      } finally {
        draws.finish();
      }
    }
  }
  if (items === null) return shape === null ? idx[0] : new NDArray(idx, shape, "int64");
  if (!(items instanceof NDArray)) return shape === null ? items[idx[0]] : nest(items, idx, shape);
  const lead = new Array<string>(axis).fill(":");
  if (shape === null) return items.ndim === 1 ? items.at(idx[0]) : items.get(...lead, idx[0]).copy();
  return items.get(...lead, new NDArray(idx, shape, "int64"));
}

/**
 * Generator.shuffle along `axis` (NumPy's random_interval draws, from the end): an array in
 * place (its sub-arrays along the axis swapped), or a list.
 */
export function generatorShuffle(draws: PcgDraws, x: NDArray | unknown[], axis: number): void {
  if (Array.isArray(x)) {
    if (axis !== 0) throw new Error("Axis argument is only supported on ndarray objects");
    draws.begin(x.length);
    try {
      for (let i = x.length - 1; i > 0; i--) {
        const j = draws.interval(i);
        [x[i], x[j]] = [x[j], x[i]];
      }
    } finally {
      draws.finish();
    }
    return;
  }
  if (!(x instanceof NDArray)) throw new TypeError(`shuffle: expected an array or a list, got ${String(x)}`);
  if (x.ndim === 0) throw new TypeError("len() of unsized object");
  if (!x.writeable) throw new ValueError("array is read-only");
  const ax = checkAxis(axis, x.ndim, "shuffle");
  if (x.size === 0) return;
  const { shape, stride, offset } = x.geometry();
  const data = x.data;
  // element offsets of one sub-array across the other axes
  let inner = [0];
  for (let d = 0; d < shape.length; d++) {
    if (d !== ax) inner = inner.flatMap((o) => Array.from({ length: shape[d] }, (_, k) => o + k * stride[d]));
  }
  draws.begin(shape[ax]);
  try {
    for (let i = shape[ax] - 1; i > 0; i--) {
      const j = draws.interval(i);
      if (i === j) continue;
      const a = offset + i * stride[ax];
      const b = offset + j * stride[ax];
      for (const o of inner) {
        const t = data[a + o];
        data[a + o] = data[b + o];
        data[b + o] = t;
      }
    }
  } finally {
    draws.finish();
  }
}

/** Generator.permutation: a shuffled arange(x), or a shuffled copy of `x` along `axis`. */
export function generatorPermutation(draws: PcgDraws, x: unknown, axis: number): unknown {
  if (typeof x === "number" && Number.isInteger(x)) {
    const n = Math.max(x, 0);
    const out = allocate("int64", n, true) as Float64Array;
    for (let i = 0; i < n; i++) out[i] = i;
    const arr = new NDArray(out, [n], "int64");
    generatorShuffle(draws, arr, 0);
    return arr;
  }
  if (Array.isArray(x) && !isNumericList(x)) {
    if (axis !== 0) checkAxis(axis, 1, "permutation");
    const copy = [...x];
    generatorShuffle(draws, copy, 0);
    return copy;
  }
  const arr = x instanceof NDArray ? x : typeof x === "number" ? new NDArray(Float64Array.of(x), [], "float64") : array(x as NestedList);
  if (arr.ndim === 0) throw new AxisError(`axis ${axis} is out of bounds for array of dimension 0`);
  const ax = checkAxis(axis, arr.ndim, "permutation");
  if (arr.ndim === 1) {
    const copy = arr.copy();
    generatorShuffle(draws, copy, 0);
    return copy;
  }
  const n = arr.shape[ax];
  const idx = allocate("int64", n, true) as Float64Array;
  for (let i = 0; i < n; i++) idx[i] = i;
  generatorShuffle(draws, new NDArray(idx, [n], "int64"), 0);
  return arr.get(...new Array<string>(ax).fill(":"), new NDArray(idx, [n], "int64"));
}
