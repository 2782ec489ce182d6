/**
 * Whole-array comparisons: `np.isclose`, `np.allclose` (equal within a tolerance) and
 * `np.array_equal` (same shape, same elements).
 */
import { allocateShaped, DType } from "./dtype";
import { resultType } from "./casting";
import { broadcastStrides, forEachLine } from "./iterate";
import { broadcastTogether } from "./errors";
import { NDArray, NestedList, Operand } from "./ndarray";
import { array, asArrayArg } from "./creation";

/** Options of {@link isclose} and {@link allclose}. */
export interface CloseOptions {
  /** Relative tolerance (1e-5, NumPy's default), scaled by |b|. */
  rtol?: number;
  /** Absolute tolerance (1e-8, NumPy's default). */
  atol?: number;
  /** Count NaN as equal to NaN (false by default). */
  equalNan?: boolean;
}

function operandArray(x: Operand | NestedList, what: string): NDArray {
  return typeof x === "number" || typeof x === "boolean" ? array(x) : asArrayArg(x, what);
}

/**
 * `np.isclose(a, b)`: a bool array, true where `|a - b| <= atol + rtol * |b|` (not symmetric:
 * `b` is the reference), infinities equal only to themselves, NaN only with `equalNan`.
 * @example np.isclose(np.array([1, 1.000001]), 1)   // array([ True,  True])
 */
export function isclose(a: Operand | NestedList, b: Operand | NestedList, options: CloseOptions = {}): NDArray {
  const rtol = options.rtol ?? 1e-5;
  const atol = options.atol ?? 1e-8;
  for (const [k, v] of [["rtol", rtol], ["atol", atol]] as const) {
    if (typeof v !== "number" || Number.isNaN(v)) throw new TypeError(`isclose: ${k} must be a number, got ${String(v)}`);
  }
  const x = operandArray(a, "isclose: a");
  const y = operandArray(b, "isclose: b");
  // NumPy: y becomes float (result_type(y, 1.0)), and the test runs in the dtype of x - y: float32 stays float32.
  const yt: DType = y.dtype === "float32" ? "float32" : "float64";
  const work = resultType({ dtype: x.dtype }, { dtype: yt }, rtol, atol);
  const r = work === "float32" ? Math.fround : (v: number) => v;
  const equalNan = !!options.equalNan;
  const shape = broadcastTogether(x.shape, y.shape);
  const out = new NDArray(allocateShaped("bool", shape), shape, "bool");
  const xd = x.nd.data, yd = y.nd.data, od = out.nd.data;
  const rt = r(rtol), at = r(atol);
  forEachLine(shape, [{ stride: broadcastStrides(x.shape, x.nd.stride, shape), offset: x.nd.offset }, { stride: broadcastStrides(y.shape, y.nd.stride, shape), offset: y.nd.offset }, { stride: out.nd.stride, offset: 0 }], (off, n, st) => {
    for (let i = 0; i < n; i++) {
      const u = xd[off[0] + i * st[0]];
      const v = yd[off[1] + i * st[1]];
      let close: boolean;
      if (Number.isFinite(u) && Number.isFinite(v)) close = r(Math.abs(r(u - v))) <= r(at + r(rt * Math.abs(v)));
      else close = u === v || (equalNan && u !== u && v !== v);
      od[off[2] + i * st[2]] = close ? 1 : 0;
    }
  });
  return out;
}

/**
 * `np.allclose(a, b)`: true when every pair is {@link isclose} (rtol 1e-5, atol 1e-8;
 * `equalNan` to let NaN match NaN). Shapes must broadcast.
 * @example np.allclose(x.sum({ axis: 0 }), expected)                 // true or false
 * np.allclose(a, b, { rtol: 0, atol: 1e-12, equalNan: true })
 */
export function allclose(a: Operand | NestedList, b: Operand | NestedList, options: CloseOptions = {}): boolean {
  return isclose(a, b, options).all() as boolean;
}

/**
 * `np.array_equal(a1, a2)`: true when both have the same shape and equal elements (any
 * dtypes); NaN never equals NaN unless `equalNan`.
 * @example np.arrayEqual(np.array([1, 2]), [1, 2])   // true
 * np.arrayEqual(np.zeros(3), np.zeros([1, 3]))      // false: shapes differ
 */
export function arrayEqual(a1: Operand | NestedList, a2: Operand | NestedList, options: { equalNan?: boolean } = {}): boolean {
  const x = operandArray(a1, "arrayEqual: a1");
  const y = operandArray(a2, "arrayEqual: a2");
  if (x.ndim !== y.ndim || x.shape.some((n, i) => n !== y.shape[i])) return false;
  const equalNan = !!options.equalNan;
  let equal = true;
  const xd = x.nd.data, yd = y.nd.data;
  forEachLine(x.shape, [{ stride: x.nd.stride, offset: x.nd.offset }, { stride: y.nd.stride, offset: y.nd.offset }], (off, n, st) => {
    for (let i = 0; i < n && equal; i++) {
      const u = xd[off[0] + i * st[0]];
      const v = yd[off[1] + i * st[1]];
      if (u !== v && !(equalNan && u !== u && v !== v)) equal = false;
    }
  });
  return equal;
}
