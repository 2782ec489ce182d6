/**
 * `np.histogram`, as NumPy 1.24 computes it (numpy/lib/histograms.py), so that the counts are
 * NumPy's also for values on or within an ulp of a bin edge: the outer edges from `range` or
 * the data, the edges from linspace in NumPy's `bin_type`, each value's bin from
 * `(x - first) * norm` in the dtypes NumPy's value-based casting gives those operations
 * (float32 for float32 data), then NumPy's two corrections against the edges. Given edges are
 * searched in the sorted data, the last edge inclusive, as NumPy does.
 */
import { allocate, DType, isIntegral, Storage } from "./dtype";
import { resultType, scalarDType } from "./casting";
import { NDArray, NestedList } from "./ndarray";
import { asArrayArg, asarray, diff, linspace } from "./creation";
import { div } from "./ufunc";
import { max, min, sum } from "./reduce";
import { forEachLine } from "./iterate";
import { runtimeWarning, ValueError } from "./errors";
import { scalarStr } from "./format";

/** Options of {@link histogram}. */
export interface HistogramOptions {
  /** `[lo, hi]`: the outer edges of the bins ([min, max] of `a` by default); values outside are not counted. Ignored when `bins` gives the edges. */
  range?: readonly [number, number] | null;
  /** Return the probability density (count / bin width / total count, float64) instead of the counts. */
  density?: boolean;
}

/** A Python or NumPy scalar: its dtype (a Python int is int64, a float float64) and value. */
type Scalar = { dtype: DType; scalar: number };

/** The rounding to a float dtype (none for float64 and the integer dtypes, exact here). */
function roundTo(dtype: DType): (v: number) => number {
  return dtype === "float32" ? Math.fround : (v) => v;
}

/**
 * The counts for `bins` equal bins, as NumPy's fast path computes them (histograms.py):
 * outer edges from `range` or the data, edges from linspace in `bin_type`, each value's bin
 * index from `(x - first) * norm` in NumPy's dtypes, corrected by one against the edges.
 */
function equalBins(x: NDArray, bins: number, range: readonly [number, number] | null | undefined): [NDArray, NDArray] {
  let first: Scalar;
  let last: Scalar;
  if (range) {
    const [lo, hi] = range;
    if (lo > hi) throw new ValueError("max must be larger than min in range parameter.");
    if (!Number.isFinite(lo) || !Number.isFinite(hi)) {
      throw new ValueError(`supplied range of [${scalarStr(lo, scalarDType(lo))}, ${scalarStr(hi, scalarDType(hi))}] is not finite`);
    }
    [first, last] = [{ dtype: scalarDType(lo), scalar: lo }, { dtype: scalarDType(hi), scalar: hi }];
  } else if (x.size === 0) {
    [first, last] = [{ dtype: "int64", scalar: 0 }, { dtype: "int64", scalar: 1 }];
  } else {
    const lo = min(x) as number;
    const hi = max(x) as number;
    if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw new ValueError(`autodetected range of [${scalarStr(lo, x.dtype)}, ${scalarStr(hi, x.dtype)}] is not finite`);
    [first, last] = [{ dtype: x.dtype, scalar: lo }, { dtype: x.dtype, scalar: hi }];
  }
  if (first.scalar === last.scalar) {
    // A scalar minus 0.5 is a float64 scalar, whatever its dtype was (NumPy 1.24).
    [first, last] = [{ dtype: "float64", scalar: first.scalar - 0.5 }, { dtype: "float64", scalar: last.scalar + 0.5 }];
  }
  let binType = resultType(first, last, { dtype: x.dtype });
  if (isIntegral(binType)) binType = "float64";
  const edges = linspace(first.scalar, last.scalar, bins + 1, { dtype: binType });
  // _unsigned_subtract(last, first): in the scalars' common dtype, exact for integers.
  const spanType = resultType(first, last);
  const norm = bins / (isIntegral(spanType) ? last.scalar - first.scalar : roundTo(spanType)(last.scalar - first.scalar));
  const subType = resultType({ dtype: binType }, first);
  const mulType = resultType({ dtype: subType }, { dtype: "float64", scalar: norm });
  const counts = new NDArray(allocate("int64", bins), [bins], "int64");
  const state: HistState = {
    counts: counts.nd.data as Float64Array, edges: edges.nd.data, bins, data: x.nd.data,
    lo: roundTo(resultType({ dtype: x.dtype }, first))(first.scalar), hi: roundTo(resultType({ dtype: x.dtype }, last))(last.scalar),
    toBin: roundTo(binType), toSub: roundTo(subType), toMul: roundTo(mulType), first: roundTo(subType)(first.scalar), norm: roundTo(mulType)(norm),
  };
  forEachLine(x.shape, [{ stride: x.nd.stride, offset: x.nd.offset }], binLine, state);
  return [counts, edges];
}

interface HistState {
  counts: Float64Array;
  edges: Storage;
  bins: number;
  data: Storage;
  lo: number;
  hi: number;
  first: number;
  norm: number;
  toBin: (v: number) => number;
  toSub: (v: number) => number;
  toMul: (v: number) => number;
}

/** One line of x into the counts (module-level, given its buffers as state: iterate.ts, forEachLine). */
function binLine(off: number[], n: number, st: number[], s: HistState): void {
  const { counts, edges, bins, data } = s;
  for (let i = 0, at = off[0]; i < n; i++, at += st[0]) {
    const v = data[at];
    if (!(v >= s.lo && v <= s.hi)) continue;
    const xb = s.toBin(v);
    let k = Math.trunc(s.toMul(s.toSub(xb - s.first) * s.norm));
    if (k === bins) k--;
    // NumPy's corrections: the index may be off by one within ~1 ulp of an edge.
    if (xb < edges[k]) k--;
    if (xb >= edges[k + 1] && k !== bins - 1) k++;
    counts[k]++;
  }
}

/** NumPy's searchsorted comparison: NaN sorts last. */
function lessNaN(a: number, b: number): boolean {
  return a < b || (b !== b && a === a);
}

/** How many of the sorted values come before v (side "left"), or are not after it ("right"). */
function searchSorted(sorted: Storage, v: number, right: boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (right ? !lessNaN(v, sorted[mid]) : lessNaN(sorted[mid], v)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The counts between given edges, NumPy's way: the sorted values searched for each edge, the last edge inclusive. */
function edgeBins(x: NDArray, edges: NDArray): NDArray {
  // A sorted copy in x's own storage (typed arrays sort numerically, NaN last, as NumPy's sort).
  const sorted = allocate(x.dtype, x.size, true);
  sorted.set(x.toContiguous() as never);
  sorted.sort();
  const m = edges.size;
  const cum: number[] = [];
  for (let k = 0; k < m; k++) cum.push(searchSorted(sorted, edges.flatAt(k), k === m - 1));
  const counts = new NDArray(allocate("int64", Math.max(0, m - 1)), [Math.max(0, m - 1)], "int64");
  for (let k = 0; k + 1 < m; k++) counts.nd.data[k] = cum[k + 1] - cum[k];
  return counts;
}

/**
 * `np.histogram(a, bins=10, range=None, density=None)`: `[counts, edges]`, the counts (int64)
 * of the flattened `a` in `bins` equal bins between the edges (float64, float32 for float32
 * data) from `range` or the data's min and max, the last bin including its right edge. `bins`
 * may instead be the edges (an increasing list or array). `density: true` gives float64
 * densities. The same counts as NumPy's, also for values on or within an ulp of an edge.
 * @example const [counts, edges] = np.histogram(np.array([1, 2, 1]), 2)   // [array([2, 1]), array([1. , 1.5, 2. ])]
 * np.histogram(x, 5, { range: [0, 1] })
 */
export function histogram(a: NDArray | NestedList, bins: number | NDArray | readonly number[] = 10, options: HistogramOptions = {}): [NDArray, NDArray] {
  let x = asArrayArg(a, "histogram: a");
  if (x.dtype === "bool") {
    runtimeWarning("Converting input from bool to <class 'numpy.uint8'> for compatibility.");
    x = x.astype("uint8");
  }
  x = x.ravel();
  let counts: NDArray;
  let edges: NDArray;
  if (typeof bins === "string") throw new TypeError(`histogram: bin estimators such as '${bins}' are not supported; pass a number of bins or the edges`);
  if (typeof bins === "number" || (bins instanceof NDArray && bins.ndim === 0)) {
    const nb = typeof bins === "number" ? bins : bins.item();
    if (!Number.isInteger(nb) || (bins instanceof NDArray && (!isIntegral(bins.dtype) || bins.dtype === "bool"))) throw new TypeError("`bins` must be an integer, a string, or an array");
    if (nb < 1) throw new ValueError("`bins` must be positive, when an integer");
    [counts, edges] = equalBins(x, nb, options.range);
  } else {
    edges = asarray(bins as NDArray | NestedList);
    if (edges.ndim !== 1) throw new ValueError("`bins` must be 1d, when an array");
    for (let k = 0; k + 1 < edges.size; k++) if (edges.flatAt(k) > edges.flatAt(k + 1)) throw new ValueError("`bins` must increase monotonically, when an array");
    counts = edgeBins(x, edges);
  }
  if (!options.density) return [counts, edges];
  const total = sum(counts) as number;
  return [div(div(counts, diff(edges).astype("float64")), total), edges];
}
