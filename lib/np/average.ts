/**
 * `np.average`, the weighted mean, as NumPy 1.24 computes it (numpy/lib/function_base.py), so
 * that its bits are NumPy's: `np.multiply(a, wgt, dtype=result_dtype).sum(axis) / scl` with
 * `scl = wgt.sum(axis, dtype=result_dtype)`. The sums are lazylab's, which add in NumPy's order
 * (reduce.ts); what decides that order besides is the layout NumPy gives the product (the
 * operands' iteration order, order.ts) and the float copy a casting sum walks, both made here
 * as NumPy makes them. Without weights it is `mean`.
 */
import { DType, isIntegral } from "./dtype";
import { promoteTypes } from "./casting";
import { NDArray, NestedList } from "./ndarray";
import { asArrayArg, full } from "./creation";
import { assign, div, mul } from "./ufunc";
import { mean, sum } from "./reduce";
import { broadcastTo } from "./shaping";
import { emptyInIterationOrder, emptyLikeKeepOrder } from "./order";
import { checkAxis, ValueError } from "./errors";

/**
 * Python's `ZeroDivisionError`, which np.average raises when weights sum to zero (and Python's
 * own division by a zero count raises for an empty result).
 * @example np.average(np.array([1, 2]), { weights: [1, -1] })   // ZeroDivisionError: Weights sum to zero, can't be normalized
 */
export class ZeroDivisionError extends Error {
  override name = "ZeroDivisionError";
}

/** Options of {@link average}. */
export interface AverageOptions {
  /** Axis or axes to average over (negative counts from the end); all of them when omitted or null. */
  axis?: number | readonly number[] | null;
  /** A weight per element of `a` (its shape), or 1-D along `axis` (its length). Equal weights without. */
  weights?: NDArray | NestedList | null;
  /** Also return the sum of the weights, as `[average, sumOfWeights]` (the element count without weights). */
  returned?: boolean;
  /** Keep the averaged axes, with length 1. */
  keepdims?: boolean;
}

/** An average or a sum of weights: a number for a 0-d result, as NumPy's scalar. */
type Result = NDArray | number;

/** NumPy's normalize_axis_tuple for the reductions: AxisError out of range, ValueError on a repeat; null for all axes. */
function normaliseAxes(axis: AverageOptions["axis"], ndim: number): number[] | null {
  if (axis === undefined || axis === null) return null;
  const axes = (typeof axis === "number" ? [axis] : [...axis]).map((a) => checkAxis(a, ndim, "axis"));
  if (new Set(axes).size !== axes.length) throw new ValueError("duplicate value in 'axis'");
  return axes;
}

/** NumPy's `a.shape == wgt.shape`, which decides whether weights are elementwise or along an axis. */
function sameShape(a: NDArray, b: NDArray): boolean {
  return a.ndim === b.ndim && a.shape.every((n, d) => n === b.shape[d]);
}

/** `avg.dtype.type(a.size / avg.size)`: the count behind each mean, a Python float division first. */
function unweighted(x: NDArray, axes: number[] | null, keepdims: boolean): [Result, Result] {
  const avg = mean(x, { axis: axes, keepdims });
  const size = typeof avg === "number" ? 1 : avg.size;
  if (size === 0) throw new ZeroDivisionError("division by zero");
  const dtype: DType = typeof avg === "number" ? (x.dtype === "float32" ? "float32" : "float64") : avg.dtype;
  const count = dtype === "float32" ? Math.fround(x.size / size) : x.size / size;
  return [avg, typeof avg === "number" ? count : full(avg.shape, count, { dtype })];
}

/**
 * 1-D weights for `axis` of x, checked in NumPy's order with its errors (`a.shape[axis]` is
 * Python's tuple indexing, hence its IndexError and TypeError), as the view NumPy makes of
 * them: `broadcast_to(wgt, (1,) * (ndim - 1) + wgt.shape).swapaxes(-1, axis)`, their length
 * along `axis` and 1 elsewhere.
 */
function alongAxis(x: NDArray, w: NDArray, axis: AverageOptions["axis"]): NDArray {
  if (axis === undefined || axis === null) throw new TypeError("Axis must be specified when shapes of a and weights differ.");
  if (w.ndim !== 1) throw new TypeError("1D weights expected when shapes of a and weights differ.");
  if (typeof axis !== "number") throw new TypeError("tuple indices must be integers or slices, not tuple");
  if (!Number.isInteger(axis)) throw new TypeError("tuple indices must be integers or slices, not float");
  if (axis >= x.ndim || axis < -x.ndim) throw new RangeError("tuple index out of range");
  const ax = axis < 0 ? axis + x.ndim : axis;
  if (w.shape[0] !== x.shape[ax]) throw new ValueError("Length of weights not compatible with specified axis.");
  return w.reshape(x.shape.map((_, d) => (d === ax ? w.shape[0] : 1)));
}

/**
 * The array NumPy's `np.multiply(a, wgt)` allocates: contiguous in the two operands' iteration
 * order (order.ts; weights broadcast along their length-1 axes), which the sum then follows.
 */
function productTarget(x: NDArray, w: NDArray, dtype: DType): NDArray {
  const wStride = w.shape.map((n, d) => (n === 1 ? 0 : w.nd.stride[d]));
  return emptyInIterationOrder(x.shape, [x.nd.stride, wStride], dtype);
}

/** x in `dtype`: itself, or a copy laid out in x's iteration order, the order a casting reduction walks it in. */
function castKeepOrder(x: NDArray, dtype: DType): NDArray {
  if (x.dtype === dtype) return x;
  const out = emptyLikeKeepOrder(x, dtype);
  assign(out, x);
  return out;
}

/**
 * NumPy's weighted branch. The result dtype is `result_type(a, weights)`, float64 at least
 * for integer and bool `a`; the weights' sum in it, refused when any is 0; the products in
 * it, summed, divided by that sum (a float32 scalar divides in float32).
 */
function weighted(x: NDArray, weights: NDArray, axis: AverageOptions["axis"], keepdims: boolean): [Result, Result] {
  const dtype = isIntegral(x.dtype) ? promoteTypes(promoteTypes(x.dtype, weights.dtype), "float64") : promoteTypes(x.dtype, weights.dtype);
  const w = sameShape(x, weights) ? weights : alongAxis(x, weights, axis);
  const axes = normaliseAxes(axis, x.ndim);
  const wc = castKeepOrder(w, dtype);
  const scl = sum(wc, { axis: axes, keepdims });
  const zero = typeof scl === "number" ? scl === 0 : Array.from(scl.toContiguous()).includes(0);
  if (zero) throw new ZeroDivisionError("Weights sum to zero, can't be normalized");
  const product = productTarget(x, w, dtype);
  mul(castKeepOrder(x, dtype), wc, product);
  const total = sum(product, { axis: axes, keepdims });
  if (typeof total === "number") {
    const avg = total / (scl as number);
    return [dtype === "float32" ? Math.fround(avg) : avg, scl];
  }
  return [div(total, scl as NDArray), scl];
}

/**
 * `np.average(a, axis=None, weights=None, returned=False, keepdims=False)`: the weighted mean
 * along `axis` (an axis, a list, or all), `sum(a * weights) / sum(weights)`; without weights
 * the mean. Weights have a's shape, or are 1-D along a single `axis`. float64 for integer and
 * bool `a`, else the dtype of `a` and the weights together (float32 for float32 both). With
 * `returned: true` it gives `[average, sumOfWeights]`, the second broadcast to the first's
 * shape. NumPy's errors: TypeError for other weight shapes, ValueError for a length that does
 * not match, ZeroDivisionError when weights sum to zero. The same bits as NumPy's.
 * @example np.average(np.array([1, 2, 3, 4]), { weights: [4, 3, 2, 1] })   // 2
 * np.average(np.array([[1, 2, 3], [4, 5, 6]]), { axis: 1, weights: [1, 0, 1], returned: true })   // [array([2., 5.]), array([2., 2.])]
 */
export function average(a: NDArray | NestedList, options: AverageOptions & { returned: true }): [Result, Result];
export function average(a: NDArray | NestedList, options?: (AverageOptions & { returned?: false }) | number): Result;
export function average(a: NDArray | NestedList, options: AverageOptions): Result | [Result, Result];
export function average(a: NDArray | NestedList, options?: AverageOptions | number): Result | [Result, Result] {
  const o: AverageOptions = typeof options === "number" ? { axis: options } : (options ?? {});
  const x = asArrayArg(a, "average: a");
  const keepdims = !!o.keepdims;
  const weights = o.weights ?? null;
  const [avg, scl] = weights === null ? unweighted(x, normaliseAxes(o.axis, x.ndim), keepdims) : weighted(x, asArrayArg(weights, "average: weights"), o.axis, keepdims);
  if (!o.returned) return avg;
  if (typeof avg === "number" || typeof scl === "number" || sameShape(avg, scl)) return [avg, scl];
  return [avg, broadcastTo(scl, avg.shape).copy()];
}
