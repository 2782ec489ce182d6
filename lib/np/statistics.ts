/**
 * Order statistics: `median`, `quantile`, `percentile`, their NaN-ignoring twins,
 * `countNonzero` and `ptp` (histograms are in histogram.ts, weighted means in average.ts).
 *
 * Each follows NumPy 1.24's Python code step for step (numpy/lib/function_base.py,
 * nanfunctions.py), because the bits of the results depend on it: a median is NumPy's `mean`
 * of the middle one or two (a sum from +0, so `(0 + lo + hi) / 2`: -0.0 gives 0.0), a quantile
 * interpolates with `_lerp`'s two formulas, nanmedian takes NumPy's two paths (a masked median
 * below 600 elements per slice, np.median of the non-NaNs above). The arithmetic on q (virtual
 * indexes, gamma) runs through the ufuncs, so its dtypes follow NumPy 1.24's value-based casting
 * as NumPy's do (a float32 array's interpolated quantile is float64, a `lower` one float32).
 * Selection is NumPy's own introselect (partition.ts).
 */
import { allocate, allocateShaped, coerce, DType, isIntegral, Storage } from "./dtype";
import { NDArray, NestedList } from "./ndarray";
import { array, asArrayArg } from "./creation";
import { add, ceil, div, floor, ge, isnan, lt, mul, ne, sub } from "./ufunc";
import { max, min, sum } from "./reduce";
import { nanmean } from "./nan";
import { forEachLine } from "./iterate";
import { checkAxis, runtimeWarning, ValueError } from "./errors";
import { partitionLines, prepareKth } from "./partition";

/** Options of {@link median}, {@link nanmedian}, {@link countNonzero} and {@link ptp}. */
export interface StatOptions {
  /** Axis or axes to reduce (negative counts from the end); all of them when omitted or null. */
  axis?: number | readonly number[] | null;
  /** Keep the reduced axes, with length 1. */
  keepdims?: boolean;
}

/** NumPy's quantile methods (`method=`), spelled as NumPy spells them. */
export type QuantileMethod =
  | "inverted_cdf" | "averaged_inverted_cdf" | "closest_observation" | "interpolated_inverted_cdf" | "hazen" | "weibull"
  | "linear" | "median_unbiased" | "normal_unbiased" | "lower" | "higher" | "midpoint" | "nearest";

/** Options of {@link quantile}, {@link percentile} and their NaN-ignoring twins. */
export interface QuantileOptions extends StatOptions {
  /** How to pick or interpolate between the neighbouring order statistics ("linear" by default). */
  method?: QuantileMethod;
}

/** q of the quantile functions: a number, a list of them, or an array. */
export type Quantiles = number | boolean | NestedList | NDArray;

const BOOL_SUBTRACT = "numpy boolean subtract, the `-` operator, is not supported, use the bitwise_xor, the `^` operator, or the logical_xor function instead.";

function optionsOf<T extends StatOptions>(options: T | number | undefined): T {
  return typeof options === "number" ? ({ axis: options } as T) : (options ?? ({} as T));
}

/** NumPy's normalize_axis_tuple: AxisError out of range, ValueError(`repeated`) on a repeat; null for all axes. */
function normaliseAxes(axis: StatOptions["axis"], ndim: number, repeated: string): number[] | null {
  if (axis === undefined || axis === null) return null;
  const axes = (typeof axis === "number" ? [axis] : [...axis]).map((a) => checkAxis(a, ndim, "axis"));
  if (new Set(axes).size !== axes.length) throw new ValueError(repeated);
  return axes;
}

/** x's elements as contiguous lines of n, one per output element, and the output's (kept) shape. */
interface Lines {
  data: Storage;
  kept: number[];
  n: number;
  count: number;
}

/**
 * x copied into lines as NumPy's `_ureduce` hands them on: the kept axes first, then one
 * reduced axis, or several merged in the order its `swapaxes` calls leave them (for axes
 * (0, 1) of a 3-D array, axis 1 then axis 0). The order within a line decides which of equal
 * elements a partition moves where (partition.ts).
 */
function toLines(x: NDArray, axes: number[] | null): Lines {
  const nd = x.ndim;
  const keep = axes === null ? [] : [...Array(nd).keys()].filter((d) => !axes.includes(d));
  let perm = [...Array(nd).keys()];
  if (axes !== null && axes.length === 1) perm = [...keep, axes[0]];
  else keep.forEach((s, i) => ([perm[i], perm[s]] = [perm[s], perm[i]]));
  const shape = x.shape;
  const kept = perm.slice(0, keep.length).map((d) => shape[d]);
  const n = perm.slice(keep.length).reduce((p, d) => p * shape[d], 1);
  return { data: x.transpose(perm).copy().nd.data, kept, n, count: kept.reduce((p, m) => p * m, 1) };
}

/**
 * `_ureduce`'s ending. With keepdims the reduced axes come back as 1s among the trailing (kept)
 * axes of r; otherwise a 0-d result is a number (a boolean for bool), as NumPy's scalar.
 */
function finish(r: NDArray, nd: number, axes: number[] | null, keepdims: boolean): NDArray | number | boolean {
  if (keepdims) {
    const nk = axes === null ? 0 : nd - axes.length;
    const tail = r.shape.slice(r.ndim - nk);
    let t = 0;
    const dims = [...Array(nd).keys()].map((d) => (axes === null || axes.includes(d) ? 1 : tail[t++]));
    return r.reshape([...r.shape.slice(0, r.ndim - nk), ...dims]);
  }
  if (r.ndim === 0) return r.dtype === "bool" ? r.item() !== 0 : r.item();
  return r;
}

function newArray(dtype: DType, shape: readonly number[]): NDArray {
  return new NDArray(allocateShaped(dtype, shape, true), shape, dtype);
}

/**
 * NumPy's mean of empty slices (n elements each): "Mean of empty slice." and then 0/0's
 * warning, from a scalar or an array division, the latter only when there is something to divide.
 */
function warnEmptyMean(n: number, scalar: boolean, outputs: number): void {
  if (n !== 0) return;
  runtimeWarning("Mean of empty slice.");
  if (scalar) runtimeWarning("invalid value encountered in scalar divide");
  else if (outputs > 0) runtimeWarning("invalid value encountered in divide");
}

// ---- median ---------------------------------------------------------------------------

/** np.mean of the middle one or two of a partitioned line: a sum from +0 divided by the count (float32 in float32). */
function middle(d: Storage, off: number, n: number, f32: boolean): number {
  const h = Math.floor(n / 2);
  if (n % 2 === 1) return 0 + d[off + h];
  const s = 0 + d[off + h - 1] + d[off + h];
  return f32 ? Math.fround(Math.fround(s) / 2) : s / 2;
}

/**
 * np.median's `_median` on lines: partition at the middle (and, for floats, at the end, where
 * a NaN would go), the middle's mean, NaN for a line holding one. float32 stays float32.
 */
function mediansOf(lines: Lines, dtype: DType, scalar: boolean): NDArray {
  const { data: d, kept, n, count } = lines;
  const inexact = !isIntegral(dtype);
  const dt: DType = dtype === "float32" ? "float32" : "float64";
  const out = newArray(dt, kept);
  const o = out.nd.data;
  if (n === 0) {
    warnEmptyMean(n, scalar, count);
    o.fill(NaN);
    return out;
  }
  const h = Math.floor(n / 2);
  const kth = n % 2 === 1 ? [h] : [h - 1, h];
  if (inexact) kth.push(-1);
  partitionLines(d, count, n, prepareKth(kth, n, false), inexact);
  for (let j = 0; j < count; j++) {
    const last = d[j * n + n - 1];
    o[j] = last !== last ? NaN : middle(d, j * n, n, dt === "float32");
  }
  return out;
}

/**
 * `np.median(a, axis=None, keepdims=False)`: the middle value of the sorted elements (the mean
 * of the two middle ones for an even count), along `axis` (an axis, a list, or all). float64
 * for integer and bool input, float32 for float32; NaN where a slice holds a NaN (NumPy 1.24).
 * @example np.median(np.array([[10, 7, 4], [3, 2, 1]]))              // 3.5
 * np.median(np.array([[10, 7, 4], [3, 2, 1]]), { axis: 0 })          // array([6.5, 4.5, 2.5])
 */
export function median(a: NDArray | NestedList, options?: StatOptions | number): NDArray | number {
  const o = optionsOf(options);
  const x = asArrayArg(a, "median: a");
  const axes = normaliseAxes(o.axis, x.ndim, "repeated axis");
  const lines = toLines(x, axes);
  return finish(mediansOf(lines, x.dtype, lines.kept.length === 0), x.ndim, axes, !!o.keepdims) as NDArray | number;
}

// ---- quantile and percentile ------------------------------------------------------------

interface MethodRule {
  /** `get_virtual_index(n, quantiles)`: where in the sorted line each quantile lies. */
  index(n: number, q: NDArray): NDArray;
  /** `fix_gamma(gamma, index)`, for the methods that change the interpolation weights. */
  gamma?(gamma: NDArray, index: NDArray): NDArray;
}

/** `_compute_virtual_index`: n·q + (alpha + q·(1 - alpha - beta)) - 1. */
const virtualIndex = (alpha: number, beta: number) => (n: number, q: NDArray) => sub(add(mul(n, q), add(alpha, mul(q, 1 - alpha - beta))), 1);

/** An int64 array of `shape` holding f(v) for each element of x (C order). */
function mapToIntp(x: NDArray, f: (v: number) => number): NDArray {
  const out = newArray("int64", x.shape);
  for (let i = 0; i < x.size; i++) out.nd.data[i] = coerce("int64", f(x.flatAt(i)));
  return out;
}

/** `_discret_interpolation_to_boundaries`: floor(index) where cond(gamma, index), else floor + 1; then ≥ 0. */
function discrete(index: NDArray, cond: (gamma: number, index: number) => boolean): NDArray {
  const out = newArray("int64", index.shape);
  for (let i = 0; i < index.size; i++) {
    const v = index.flatAt(i);
    const previous = Math.floor(v);
    out.nd.data[i] = Math.max(0, Math.trunc(cond(v - previous, v) ? previous : coerce(index.dtype, previous + 1)));
  }
  return out;
}

/** `_get_gamma_mask`: a float64 array of `where`'s shape, `yes` where it holds, else `no`. */
function gammaMask(like: NDArray, where: (v: number) => boolean, yes: number, no: number): NDArray {
  const out = newArray("float64", like.shape);
  for (let i = 0; i < like.size; i++) out.nd.data[i] = where(like.flatAt(i)) ? yes : no;
  return out;
}

/** Round half to even (np.around). */
function rint(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** NumPy's `_QuantileMethods` table, in its order (which its error message lists). */
const METHODS: Record<QuantileMethod, MethodRule> = {
  inverted_cdf: { index: (n, q) => discrete(sub(mul(n, q), 1), (g) => g === 0) },
  averaged_inverted_cdf: { index: (n, q) => sub(mul(n, q), 1), gamma: (g) => gammaMask(g, (v) => v === 0, 0.5, 1) },
  closest_observation: { index: (n, q) => discrete(sub(sub(mul(n, q), 1), 0.5), (g, v) => g === 0 && Math.floor(v) % 2 === 0) },
  interpolated_inverted_cdf: { index: virtualIndex(0, 1) },
  hazen: { index: virtualIndex(0.5, 0.5) },
  weibull: { index: virtualIndex(0, 0) },
  // NumPy's note: (n - 1) * q rather than the equivalent virtual index, to avoid rounding.
  linear: { index: (n, q) => mul(n - 1, q) },
  median_unbiased: { index: virtualIndex(1 / 3, 1 / 3) },
  normal_unbiased: { index: virtualIndex(3 / 8, 3 / 8) },
  lower: { index: (n, q) => mapToIntp(mul(n - 1, q), Math.floor) },
  higher: { index: (n, q) => mapToIntp(mul(n - 1, q), Math.ceil) },
  midpoint: {
    index: (n, q) => {
      const t = mul(n - 1, q);
      return mul(0.5, add(floor(t), ceil(t)));
    },
    gamma: (_, index) => gammaMask(index, (v) => v % 1 === 0, 0, 0.5),
  },
  nearest: { index: (n, q) => mapToIntp(mul(n - 1, q), rint) },
};

function methodRule(method: string): MethodRule {
  if (!Object.prototype.hasOwnProperty.call(METHODS, method)) {
    const names = Object.keys(METHODS).map((m) => `'${m}'`).join(", ");
    throw new ValueError(`'${method}' is not a valid method. Use one of: dict_keys([${names}])`);
  }
  return METHODS[method as QuantileMethod];
}

/** `np.take(arr, idx, axis=0)` with the lines as arr's last axis: shape idxShape + kept, arr's dtype. */
function takeLines(lines: Lines, dtype: DType, idx: readonly number[], idxShape: readonly number[]): NDArray {
  const { data: d, kept, n, count } = lines;
  if (n === 0 && idx.length > 0) throw new RangeError("cannot do a non-empty take from an empty axes.");
  const out = newArray(dtype, [...idxShape, ...kept]);
  const o = out.nd.data;
  for (let i = 0; i < idx.length; i++) {
    const k = idx[i];
    if (k < -n || k >= n) throw new RangeError(`index ${k} is out of bounds for axis 0 with size ${n}`);
    const at = k < 0 ? k + n : k;
    for (let j = 0; j < count; j++) o[i * count + j] = d[j * n + at];
  }
  return out;
}

/** For float lines (partitioned at n - 1): which end in a NaN. */
function nanLines(lines: Lines): boolean[] {
  const { data: d, n, count } = lines;
  const nans: boolean[] = [];
  for (let j = 0; j < count; j++) nans.push(d[j * n + n - 1] !== d[j * n + n - 1]);
  return nans;
}

/**
 * NumPy's `_lerp`: a + (b - a)·t, except b - (b - a)·(1 - t) where t >= 0.5 (so t = 1 gives b
 * exactly). t's shape is a's leading axes followed by 1s.
 */
function lerp(a: NDArray, b: NDArray, t: NDArray): NDArray {
  if (a.dtype === "bool") throw new TypeError(BOOL_SUBTRACT);
  const diffBA = sub(b, a);
  const res = add(a, mul(diffBA, t));
  const alt = sub(b, mul(diffBA, sub(1, t)));
  const per = t.size === 0 ? 0 : res.size / t.size;
  const tv = t.toContiguous();
  const r = res.nd.data;
  const s = alt.nd.data;
  for (let i = 0; i < res.size; i++) if (tv[Math.floor(i / per)] >= 0.5) r[i] = coerce(res.dtype, s[i]);
  return res;
}

/**
 * NumPy's `_quantile` (after `_ureduce` and `_quantile_ureduce_func`): the result with q's
 * axes first, then the kept ones; 0-d for a scalar q over all axes.
 */
function quantileOf(x: NDArray, q: NDArray, axes: number[] | null, method: string): NDArray {
  if (q.ndim > 2) throw new ValueError("q must be a scalar or 1d");
  const lines = toLines(x, axes);
  const { data: d, kept, n, count } = lines;
  const rule = methodRule(method);
  const vi = rule.index(n, q);
  const inexact = !isIntegral(x.dtype);
  const empty = n * count === 0;
  let res: NDArray;
  let nans: boolean[] = [];
  if (isIntegral(vi.dtype) && vi.dtype !== "bool") {
    // Integer indexes: no interpolation, the elements themselves (x's dtype).
    const idx = Array.from(vi.toContiguous());
    partitionLines(d, count, n, prepareKth(inexact ? [...idx, -1] : idx, n, empty), inexact);
    if (inexact) {
      if (n === 0) throw new RangeError("index -1 is out of bounds for axis 0 with size 0");
      nans = nanLines(lines);
    }
    res = takeLines(lines, x.dtype, idx, vi.shape);
  } else {
    // _get_indexes: the neighbours of each virtual index, clamped to the first and last element.
    const below = floor(vi);
    const above = ge(vi, n - 1);
    const under = lt(vi, 0);
    const nan = isnan(vi);
    const prev: number[] = [];
    const next: number[] = [];
    for (let i = 0; i < vi.size; i++) {
      const f = below.flatAt(i);
      const edge = nan.flatAt(i) && inexact ? -1 : under.flatAt(i) ? 0 : above.flatAt(i) ? -1 : null;
      prev.push(edge ?? Math.trunc(f));
      next.push(edge ?? Math.trunc(coerce(below.dtype, f + 1)));
    }
    const kth = [...new Set([0, -1, ...prev, ...next])].sort((p, r) => p - r);
    partitionLines(d, count, n, prepareKth(kth, n, empty), inexact);
    if (inexact) {
      if (n === 0) throw new RangeError("cannot do a non-empty take from an empty axes.");
      nans = nanLines(lines);
    }
    const previous = takeLines(lines, x.dtype, prev, vi.shape);
    const following = takeLines(lines, x.dtype, next, vi.shape);
    const prevIdx = newArray("int64", vi.shape);
    prevIdx.nd.data.set(prev);
    let gamma = sub(vi, prevIdx);
    if (rule.gamma) gamma = rule.gamma(gamma, vi);
    res = lerp(previous, following, gamma.reshape([...vi.shape, ...kept.map(() => 1)]));
  }
  if (nans.includes(true)) {
    if (res.ndim === 0) return newArray(x.dtype, []).fill(NaN);
    const r = res.nd.data;
    for (let k = 0; k < vi.size; k++) for (let j = 0; j < count; j++) if (nans[j]) r[k * count + j] = NaN;
  }
  return res;
}

/** q as NumPy's `asanyarray` makes it (integral numbers are Python ints: int64). */
function quantiles(q: Quantiles): NDArray {
  return q instanceof NDArray ? q : array(q);
}

/**
 * q as a quantile in [0, 1], checked (`_quantile_is_valid`; NaN is not valid): a percentile
 * (q in [0, 100]) is divided by 100 first, as NumPy's percentile functions do.
 */
function validQuantiles(q: Quantiles, percent: boolean): NDArray {
  const v = percent ? div(quantiles(q), 100) : quantiles(q);
  for (let i = 0; i < v.size; i++) {
    const x = v.flatAt(i);
    if (!(x >= 0 && x <= 1)) throw new ValueError(percent ? "Percentiles must be in the range [0, 100]" : "Quantiles must be in the range [0, 1]");
  }
  return v;
}

function quantileReduce(x: NDArray, q: NDArray, o: QuantileOptions): NDArray | number | boolean {
  const axes = normaliseAxes(o.axis, x.ndim, "repeated axis");
  return finish(quantileOf(x, q, axes, o.method ?? "linear"), x.ndim, axes, !!o.keepdims);
}

/**
 * `np.quantile(a, q, axis=None, method="linear", keepdims=False)`: the q-th quantiles
 * (q in [0, 1]; a number, a list or an array) along `axis`. q's axes come first in the result.
 * Integral q (`1`, `[0, 1]`) are Python ints as elsewhere in lazylab: with NumPy they pick
 * elements without interpolating, so `np.quantile(i, 1)` of an int64 array is int64.
 * @example np.quantile(np.array([1, 2, 3, 4]), 0.5)                      // 2.5
 * np.quantile(x, [0.25, 0.75], { axis: 0, method: "nearest" })
 */
export function quantile(a: NDArray | NestedList, q: Quantiles, options?: QuantileOptions | number): NDArray | number | boolean {
  const x = asArrayArg(a, "quantile: a");
  return quantileReduce(x, validQuantiles(q, false), optionsOf(options));
}

/**
 * `np.percentile(a, q, axis=None, method="linear", keepdims=False)`: {@link quantile} with q
 * in [0, 100] (divided by 100 first, as NumPy does).
 * @example np.percentile(np.array([1, 2, 3, 4]), [25, 50])              // array([1.75, 2.5 ])
 */
export function percentile(a: NDArray | NestedList, q: Quantiles, options?: QuantileOptions | number): NDArray | number | boolean {
  const x = asArrayArg(a, "percentile: a");
  return quantileReduce(x, validQuantiles(q, true), optionsOf(options));
}

// ---- NaN-ignoring versions --------------------------------------------------------------

/** NumPy's answer for an empty array: np.nanmean over the axes (np.mean for integers, with its warnings). */
function emptyNanMean(x: NDArray, o: StatOptions): NDArray | number {
  const axes = normaliseAxes(o.axis, x.ndim, "duplicate value in 'axis'");
  if (!isIntegral(x.dtype)) return nanmean(x, { axis: axes, keepdims: !!o.keepdims });
  const all = axes === null || axes.length === x.ndim;
  const shape = x.shape.map((m, d) => (axes === null || axes.includes(d) ? 1 : m));
  const out = newArray("float64", o.keepdims ? shape : x.shape.filter((_, d) => !(axes === null || axes.includes(d)))).fill(NaN);
  const n = axes === null ? x.size : axes.reduce((p, d) => p * x.shape[d], 1);
  warnEmptyMean(n, all && !o.keepdims, out.size);
  return all && !o.keepdims ? NaN : out;
}

/**
 * `_remove_nan_1d`: the line without its NaNs, in NumPy's order (the non-NaNs among the last
 * positions fill the NaNs' places), as a new 1-D array; null when all are NaN.
 */
function withoutNaN(d: Storage, off: number, n: number, dtype: DType): NDArray | null {
  const nanAt: number[] = [];
  for (let i = 0; i < n; i++) if (d[off + i] !== d[off + i]) nanAt.push(i);
  if (nanAt.length === n) {
    runtimeWarning("All-NaN slice encountered");
    return null;
  }
  const m = n - nanAt.length;
  const out = newArray(dtype, [m]);
  const o = out.nd.data;
  for (let i = 0; i < m; i++) o[i] = d[off + i];
  let k = 0;
  for (let i = m; i < n; i++) if (d[off + i] === d[off + i]) o[nanAt[k++]] = d[off + i];
  return out;
}

/** `_nanquantile_1d`: the quantiles of one line without its NaNs; NaN (x's dtype) if nothing is left. */
function nanQuantile1d(d: Storage, off: number, n: number, dtype: DType, q: NDArray, method: string): NDArray {
  const line = withoutNaN(d, off, n, dtype);
  return line ? quantileOf(line, q, null, method) : newArray(dtype, q.shape).fill(NaN);
}

function nanQuantileReduce(x: NDArray, q: NDArray, o: QuantileOptions): NDArray | number | boolean {
  if (x.size === 0) return emptyNanMean(x, o);
  const axes = normaliseAxes(o.axis, x.ndim, "repeated axis");
  const lines = toLines(x, axes);
  const { data: d, kept, n, count } = lines;
  const method = o.method ?? "linear";
  if (kept.length === 0) return finish(nanQuantile1d(d, 0, n, x.dtype, q, method), x.ndim, axes, !!o.keepdims);
  // np.apply_along_axis: the first line's result sets the dtype; q's axes go where the reduced
  // axis was, and the first of them then moves to the front.
  let r: NDArray | null = null;
  for (let j = 0; j < count; j++) {
    const rj = nanQuantile1d(d, j * n, n, x.dtype, q, method);
    r ??= newArray(rj.dtype, [...kept, ...rj.shape]);
    for (let i = 0; i < rj.size; i++) r.nd.data[j * rj.size + i] = coerce(r.dtype, rj.flatAt(i));
  }
  const nk = kept.length;
  const nb = axes !== null && axes.length === 1 ? axes[0] : nk;
  const order = [...Array(nb).keys(), ...[...Array(q.ndim).keys()].map((i) => nk + i), ...[...Array(nk - nb).keys()].map((i) => nb + i)];
  if (q.ndim > 0) order.unshift(...order.splice(nb, 1));
  return finish(r!.transpose(order).copy(), x.ndim, axes, !!o.keepdims);
}

/**
 * `np.nanquantile(a, q, axis=None, method="linear", keepdims=False)`: {@link quantile} of the
 * non-NaN elements. An all-NaN slice gives NaN and NumPy's `RuntimeWarning: All-NaN slice encountered`.
 * @example np.nanquantile(np.array([1, NaN, 3]), 0.5)                   // 2
 */
export function nanquantile(a: NDArray | NestedList, q: Quantiles, options?: QuantileOptions | number): NDArray | number | boolean {
  const x = asArrayArg(a, "nanquantile: a");
  return nanQuantileReduce(x, validQuantiles(q, false), optionsOf(options));
}

/**
 * `np.nanpercentile(a, q, axis=None, method="linear", keepdims=False)`: {@link percentile} of
 * the non-NaN elements (q in [0, 100]).
 * @example np.nanpercentile(np.array([[1, NaN], [3, 4]]), 50, { axis: 0 })   // array([2., 4.])
 */
export function nanpercentile(a: NDArray | NestedList, q: Quantiles, options?: QuantileOptions | number): NDArray | number | boolean {
  const x = asArrayArg(a, "nanpercentile: a");
  return nanQuantileReduce(x, validQuantiles(q, true), optionsOf(options));
}

/**
 * NumPy's nanmedian below 600 elements per slice (`_nanmedian_small`, a masked median): the
 * sorted non-NaN values' middle pair summed from +0 and halved, the middle one taken twice for
 * an odd count (so 1e308 overflows to inf, as there); integers as the masked mean (lo + hi) / 2.
 */
function maskedMedian(d: Storage, off: number, n: number, inexact: boolean, f32: boolean, scratch: Float64Array): number | null {
  let k = 0;
  for (let i = 0; i < n; i++) if (d[off + i] === d[off + i]) scratch[k++] = d[off + i];
  if (k === 0) return null;
  const s = scratch.subarray(0, k).sort();
  const h = Math.floor(k / 2);
  const lo = s[k % 2 === 1 ? h : h - 1];
  const hi = s[h];
  if (!inexact) return (lo + hi) / 2;
  const sum2 = 0 + lo + hi;
  return f32 ? Math.fround(Math.fround(sum2) / 2) : sum2 / 2;
}

/**
 * `np.nanmedian(a, axis=None, keepdims=False)`: {@link median} of the non-NaN elements. An
 * all-NaN slice gives NaN and NumPy's `RuntimeWarning: All-NaN slice encountered`.
 * @example np.nanmedian(np.array([[10, NaN, 4], [3, 2, 1]]), { axis: 1 })   // array([7., 2.])
 */
export function nanmedian(a: NDArray | NestedList, options?: StatOptions | number): NDArray | number {
  const o = optionsOf(options);
  const x = asArrayArg(a, "nanmedian: a");
  if (x.size === 0) return emptyNanMean(x, o);
  const axes = normaliseAxes(o.axis, x.ndim, "repeated axis");
  const lines = toLines(x, axes);
  const { data: d, kept, n, count } = lines;
  const dt: DType = x.dtype === "float32" ? "float32" : "float64";
  const out = newArray(dt, kept);
  const inexact = !isIntegral(x.dtype);
  const scratch = kept.length > 0 && n < 600 ? (allocate("float64", n) as Float64Array) : null;
  let allNaN = false;
  for (let j = 0; j < count; j++) {
    if (scratch) {
      const m = maskedMedian(d, j * n, n, inexact, dt === "float32", scratch);
      allNaN ||= m === null;
      out.nd.data[j] = m ?? NaN;
      continue;
    }
    // _nanmedian1d: np.median of the line without its NaNs.
    const line = withoutNaN(d, j * n, n, x.dtype);
    out.nd.data[j] = line ? (mediansOf({ data: line.nd.data, kept: [], n: line.size, count: 1 }, x.dtype, true).item()) : NaN;
  }
  if (allNaN) runtimeWarning("All-NaN slice encountered");
  return finish(out, x.ndim, axes, !!o.keepdims) as NDArray | number;
}

// ---- count_nonzero and ptp --------------------------------------------------------------

function countLine(off: number[], n: number, st: number[], s: { data: Storage; count: number }): void {
  const d = s.data;
  let c = 0;
  for (let i = 0, at = off[0]; i < n; i++, at += st[0]) if (d[at] !== 0) c++;
  s.count += c;
}

/**
 * `np.count_nonzero(a, axis=None, keepdims=False)`: how many elements are not zero (NaN
 * counts), as int64 per slice along `axis`, or a number over all of them.
 * @example np.countNonzero(np.array([[0, 1, 7], [3, 0, 0]]))                 // 3
 * np.countNonzero(np.array([[0, 1, 7], [3, 0, 0]]), { axis: 0 })             // array([1, 1, 1])
 */
export function countNonzero(a: NDArray | NestedList, options?: StatOptions | number): NDArray | number {
  const o = optionsOf(options);
  const x = asArrayArg(a, "countNonzero: a");
  if ((o.axis === undefined || o.axis === null) && !o.keepdims) {
    const state = { data: x.nd.data, count: 0 };
    forEachLine(x.shape, [{ stride: x.nd.stride, offset: x.nd.offset }], countLine, state);
    return state.count;
  }
  // NumPy: a.astype(bool).sum(axis, dtype=intp, keepdims).
  const axes = normaliseAxes(o.axis, x.ndim, "duplicate value in 'axis'");
  return sum(ne(x, 0), { axis: axes, keepdims: !!o.keepdims });
}

/**
 * `np.ptp(a, axis=None, keepdims=False)`: max - min ("peak to peak") along `axis`, in a's
 * dtype (integers wrap as NumPy's do: int8 [127, -128] gives -1). NaN propagates.
 * @example np.ptp(np.array([[4, 9, 2], [10, 6, 9]]), { axis: 1 })              // array([7, 4])
 */
export function ptp(a: NDArray | NestedList, options?: StatOptions | number): NDArray | number {
  const o = optionsOf(options);
  const x = asArrayArg(a, "ptp: a");
  const axes = normaliseAxes(o.axis, x.ndim, "duplicate value in 'axis'");
  const reduced = axes === null ? x.size : axes.reduce((p, d) => p * x.shape[d], 1);
  if (reduced === 0) throw new ValueError("zero-size array to reduction operation maximum which has no identity");
  if (x.dtype === "bool") throw new TypeError(BOOL_SUBTRACT);
  const opts = { axis: axes, keepdims: !!o.keepdims };
  const hi = max(x, opts);
  const lo = min(x, opts);
  if (typeof hi === "number") return coerce(x.dtype, hi - (lo as number));
  return sub(hi, lo as NDArray, hi);
}
