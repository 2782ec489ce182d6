/**
 * `np.histogram` and `np.histogramBinEdges`, as NumPy 1.24 computes them (numpy/lib/histograms.py),
 * so that the counts are NumPy's also for values on or within an ulp of a bin edge: the outer
 * edges from `range` or the data, the edges from linspace in NumPy's `bin_type`, each value's
 * bin from `(x - first) * norm` in the dtypes NumPy's value-based casting gives those operations
 * (float32 for float32 data), then NumPy's two corrections against the edges. Given edges are
 * searched in the sorted data, the last edge inclusive, as NumPy does. A number of bins may
 * come from an estimator's name ("auto", "fd", ...: histogram-bins.ts) as in `_get_bin_edges`.
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
import { BinEstimator, binWidth, isBinEstimator } from "./histogram-bins";

export type { BinEstimator } from "./histogram-bins";

/** `bins`: a number of equal bins, an estimator's name that picks that number, or the edges (increasing). */
export type HistogramBins = number | BinEstimator | NDArray | readonly number[];

/** `range`: `[lo, hi]`, the outer edges of the bins. */
type Range = readonly [number, number] | null | undefined;

/** Options of {@link histogram}. */
export interface HistogramOptions {
  /** The bins, when not given as the second argument (10 by default): see {@link HistogramBins}. */
  bins?: HistogramBins;
  /** `[lo, hi]`: the outer edges of the bins ([min, max] of `a` by default); values outside are not counted. Ignored when `bins` gives the edges. */
  range?: readonly [number, number] | null;
  /** Return the probability density (count / bin width / total count, float64) instead of the counts. */
  density?: boolean;
}

/** Options of {@link histogramBinEdges}. */
export interface HistogramBinEdgesOptions {
  /** The bins, when not given as the second argument (10 by default): see {@link HistogramBins}. */
  bins?: HistogramBins;
  /** `[lo, hi]`: the outer edges ([min, max] of `a` by default); an estimator sees only the values inside. */
  range?: readonly [number, number] | null;
  /** Weights of a's elements (a's shape). They do not move the edges; with an estimator's name NumPy refuses them. */
  weights?: NDArray | NestedList | null;
}

/** A Python or NumPy scalar: its dtype (a Python int is int64, a float float64) and value. */
type Scalar = { dtype: DType; scalar: number };

/** Equal bins: NumPy's `uniform_bins`, what its fast path needs besides the edges. */
interface Uniform {
  first: Scalar;
  last: Scalar;
  bins: number;
}

/** The rounding to a float dtype (none for float64 and the integer dtypes, exact here). */
function roundTo(dtype: DType): (v: number) => number {
  return dtype === "float32" ? Math.fround : (v) => v;
}

/**
 * NumPy's `_get_outer_edges`: `range` (checked) or the data's min and max (an empty array
 * gives 0 and 1), widened by 0.5 each way when they are equal.
 */
function outerEdges(x: NDArray, range: Range): [Scalar, Scalar] {
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
  return [first, last];
}

/** NumPy's `_unsigned_subtract(last, first)`: in the scalars' common dtype, exact for integers. */
function unsignedSubtract(last: Scalar, first: Scalar): number {
  const dtype = resultType(first, last);
  return isIntegral(dtype) ? last.scalar - first.scalar : roundTo(dtype)(last.scalar - first.scalar);
}

/** The outer edges as x's values are compared with them (`a >= first_edge`: in float32 for float32 data and a float edge). */
function bounds(x: NDArray, first: Scalar, last: Scalar): { lo: number; hi: number } {
  return { lo: roundTo(resultType({ dtype: x.dtype }, first))(first.scalar), hi: roundTo(resultType({ dtype: x.dtype }, last))(last.scalar) };
}

/** The edges of `bins` equal bins: linspace in NumPy's `bin_type` (float64 for integer data). */
function equalEdges(x: NDArray, first: Scalar, last: Scalar, bins: number): NDArray {
  let binType = resultType(first, last, { dtype: x.dtype });
  if (isIntegral(binType)) binType = "float64";
  return linspace(first.scalar, last.scalar, bins + 1, { dtype: binType });
}

/**
 * The counts for equal bins, as NumPy's fast path computes them (histograms.py): each
 * value's bin index from `(x - first) * norm` in NumPy's dtypes, corrected by one against the edges.
 */
function equalCounts(x: NDArray, { first, last, bins }: Uniform, edges: NDArray): NDArray {
  const norm = bins / unsignedSubtract(last, first);
  const binType = edges.dtype;
  const subType = resultType({ dtype: binType }, first);
  const mulType = resultType({ dtype: subType }, { dtype: "float64", scalar: norm });
  const counts = new NDArray(allocate("int64", bins), [bins], "int64");
  const state: HistState = {
    counts: counts.nd.data as Float64Array, edges: edges.nd.data, bins, data: x.nd.data, ...bounds(x, first, last),
    toBin: roundTo(binType), toSub: roundTo(subType), toMul: roundTo(mulType), first: roundTo(subType)(first.scalar), norm: roundTo(mulType)(norm),
  };
  forEachLine(x.shape, [{ stride: x.nd.stride, offset: x.nd.offset }], binLine, state);
  return counts;
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

/** The values of x within the outer edges, in order: NumPy's `a[keep]` before an estimator sees them. */
function within(x: NDArray, first: Scalar, last: Scalar): NDArray {
  const { lo, hi } = bounds(x, first, last);
  const v = x.toContiguous();
  let n = 0;
  for (let i = 0; i < v.length; i++) if (v[i] >= lo && v[i] <= hi) n++;
  if (n === v.length) return x;
  const kept = new NDArray(allocate(x.dtype, n), [n], x.dtype);
  const k = kept.nd.data;
  for (let i = 0, j = 0; i < v.length; i++) if (v[i] >= lo && v[i] <= hi) k[j++] = v[i];
  return kept;
}

/**
 * The number of equal bins an estimator picks (`_get_bin_edges`): its width for the values
 * within `range`, then ceil(span / width) over the whole span; one bin when no value is
 * within or the width is 0.
 */
function estimatedBins(x: NDArray, estimator: BinEstimator, first: Scalar, last: Scalar, trim: boolean): number {
  const values = trim ? within(x, first, last) : x;
  if (values.size === 0) return 1;
  const width = binWidth(estimator, values, (bins) => equalCounts(values, { first, last, bins }, equalEdges(values, first, last, bins)));
  // Python's `if width:`, for which NaN is true.
  return width !== 0 ? Math.ceil(unsignedSubtract(last, first) / width) : 1;
}

/** A string as Python's repr writes it: in single quotes, unless it holds one and no double quote. */
function pyRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  const escaped = s.replace(/\\/g, "\\\\").replaceAll(quote, `\\${quote}`).replace(/\n/g, "\\n").replace(/\r/g, "\\r").replace(/\t/g, "\\t");
  return `${quote}${escaped}${quote}`;
}

/**
 * `bins` as NumPy's `_get_bin_edges` reads it: the edges, and for equal bins (a number of
 * them, or an estimator's) what the fast path needs besides. `weighted`: whether weights were given.
 */
function binEdges(x: NDArray, bins: HistogramBins, range: Range, weighted: boolean): { edges: NDArray; uniform: Uniform | null } {
  if (typeof bins === "string") {
    if (!isBinEstimator(bins)) throw new ValueError(`${pyRepr(bins)} is not a valid estimator for \`bins\``);
    if (weighted) throw new TypeError("Automated estimation of the number of bins is not supported for weighted data");
    const [first, last] = outerEdges(x, range);
    const uniform = { first, last, bins: estimatedBins(x, bins, first, last, !!range) };
    return { edges: equalEdges(x, first, last, uniform.bins), uniform };
  }
  if (typeof bins === "number" || (bins instanceof NDArray && bins.ndim === 0)) {
    const nb = typeof bins === "number" ? bins : bins.item();
    if (!Number.isInteger(nb) || (bins instanceof NDArray && (!isIntegral(bins.dtype) || bins.dtype === "bool"))) throw new TypeError("`bins` must be an integer, a string, or an array");
    if (nb < 1) throw new ValueError("`bins` must be positive, when an integer");
    const [first, last] = outerEdges(x, range);
    return { edges: equalEdges(x, first, last, nb), uniform: { first, last, bins: nb } };
  }
  const edges = asarray(bins as NDArray | NestedList);
  if (edges.ndim !== 1) throw new ValueError("`bins` must be 1d, when an array");
  for (let k = 0; k + 1 < edges.size; k++) if (edges.flatAt(k) > edges.flatAt(k + 1)) throw new ValueError("`bins` must increase monotonically, when an array");
  return { edges, uniform: null };
}

/** Whether the second argument is the options object (`np.histogram(x, { bins: "auto" })`) rather than the bins. */
function isOptions(v: unknown): v is { bins?: HistogramBins } {
  return typeof v === "object" && v !== null && !(v instanceof NDArray) && !Array.isArray(v) && !ArrayBuffer.isView(v);
}

/** The bins and the options, from `(bins, options)` or `(options)`; 10 bins by default, as NumPy's. */
function binsAndOptions<O extends { bins?: HistogramBins }>(what: string, second: HistogramBins | O | undefined, third: O | undefined): [HistogramBins, O] {
  if (isOptions(second)) {
    if (third !== undefined) throw new TypeError(`${what}: the options come once, after the bins or in their place`);
    return [second.bins ?? 10, second];
  }
  const options = third ?? ({} as O);
  if (second !== undefined && options.bins !== undefined) throw new TypeError(`${what}() got multiple values for argument 'bins'`);
  return [second ?? options.bins ?? 10, options];
}

/** `a` as an array, bool converted to uint8 with NumPy's warning (`_ravel_and_check_weights`), not yet flattened. */
function histogramInput(a: NDArray | NestedList, what: string): NDArray {
  const x = asArrayArg(a, what);
  if (x.dtype !== "bool") return x;
  runtimeWarning("Converting input from bool to <class 'numpy.uint8'> for compatibility.");
  return x.astype("uint8");
}

/**
 * `np.histogram(a, bins=10, range=None, density=None)`: `[counts, edges]`, the counts (int64)
 * of the flattened `a` in `bins` equal bins between the edges (float64, float32 for float32
 * data) from `range` or the data's min and max, the last bin including its right edge. `bins`
 * may instead name an estimator of the number of bins ("auto", "fd", "doane", "scott",
 * "stone", "rice", "sturges", "sqrt", which see only the values within `range`), or be the
 * edges (an increasing list or array). `density: true` gives float64 densities. The bins may
 * come second or among the options. The same counts and edges as NumPy's, also for values on
 * or within an ulp of an edge.
 * @example const [counts, edges] = np.histogram(np.array([1, 2, 1]), 2)   // [array([2, 1]), array([1. , 1.5, 2. ])]
 * np.histogram(x, 5, { range: [0, 1] })
 * np.histogram(x, "auto")                       // or np.histogram(x, { bins: "auto" })
 */
export function histogram(a: NDArray | NestedList, options?: HistogramOptions): [NDArray, NDArray];
export function histogram(a: NDArray | NestedList, bins?: HistogramBins, options?: Omit<HistogramOptions, "bins">): [NDArray, NDArray];
export function histogram(a: NDArray | NestedList, second?: HistogramBins | HistogramOptions, third?: HistogramOptions): [NDArray, NDArray] {
  const [bins, options] = binsAndOptions("histogram", second, third);
  const x = histogramInput(a, "histogram: a").ravel();
  const { edges, uniform } = binEdges(x, bins, options.range, false);
  const counts = uniform ? equalCounts(x, uniform, edges) : edgeBins(x, edges);
  if (!options.density) return [counts, edges];
  const total = sum(counts) as number;
  return [div(div(counts, diff(edges).astype("float64")), total), edges];
}

/**
 * `np.histogram_bin_edges(a, bins=10, range=None, weights=None)`: the edges {@link histogram}
 * would count `a` in, the same `bins` (a number, an estimator's name, or the edges) and
 * `range`. Weights must have a's shape; they do not change the edges, and with an
 * estimator's name NumPy refuses them (TypeError), as here.
 * @example np.histogramBinEdges(np.array([0, 0, 0, 1, 2, 3, 3, 4, 5]), "auto")   // array([0., 1., 2., 3., 4., 5.])
 * np.histogramBinEdges(x, { bins: "fd", range: [0, 1] })
 */
export function histogramBinEdges(a: NDArray | NestedList, options?: HistogramBinEdgesOptions): NDArray;
export function histogramBinEdges(a: NDArray | NestedList, bins?: HistogramBins, options?: Omit<HistogramBinEdgesOptions, "bins">): NDArray;
export function histogramBinEdges(a: NDArray | NestedList, second?: HistogramBins | HistogramBinEdgesOptions, third?: HistogramBinEdgesOptions): NDArray {
  const [bins, options] = binsAndOptions("histogram_bin_edges", second, third);
  const x = histogramInput(a, "histogramBinEdges: a");
  const weights = options.weights ?? null;
  if (weights !== null) {
    const w = asArrayArg(weights, "histogramBinEdges: weights");
    if (w.ndim !== x.ndim || w.shape.some((n, d) => n !== x.shape[d])) throw new ValueError("weights should have the same shape as a.");
  }
  return binEdges(x.ravel(), bins, options.range, weights !== null).edges;
}
