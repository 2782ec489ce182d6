/**
 * Running totals along an axis: `np.cumsum` and `np.cumprod` (NumPy's `add.accumulate` and
 * `multiply.accumulate`): each output element is the previous one combined with the next input,
 * in order, stored in the result dtype at every step (so float32 rounds and small integers wrap
 * as NumPy's do).
 */
import { allocateShaped, checkDType, DType, isIntegral } from "./dtype";
import { canCastSafely, isUnsigned } from "./casting";
import { forEachLine } from "./iterate";
import { NDArray, NestedList } from "./ndarray";
import { asArrayArg } from "./creation";
import { checkAxis } from "./errors";

/** Options of {@link cumsum} and {@link cumprod}. */
export interface CumulativeOptions {
  /** The axis to accumulate along; the flattened array when omitted or null. */
  axis?: number | null;
  /** The result dtype (and the dtype the accumulation runs in). */
  dtype?: DType;
}

/** NumPy's accumulate dtype: the platform integer for integers and bool, its unsigned twin for unsigned ones. */
function accumulateDType(d: DType): DType {
  return d === "bool" ? "int64" : isUnsigned(d) ? "uint64" : isIntegral(d) ? "int64" : d;
}

function accumulate(a: NDArray | NestedList, options: CumulativeOptions | number | undefined, what: string, step: (acc: number, v: number) => number): NDArray {
  const o = typeof options === "number" ? { axis: options } : (options ?? {});
  let x = asArrayArg(a, `${what}: a`);
  if (o.axis === undefined || o.axis === null) x = x.ravel();
  else if (x.ndim === 0) x = x.reshape(1);
  const axis = o.axis === undefined || o.axis === null ? 0 : checkAxis(o.axis, x.ndim, what);
  const dtype = o.dtype === undefined ? accumulateDType(x.dtype) : checkDType(o.dtype, `${what}: dtype`);
  // Inputs are cast to the accumulation dtype first (floats truncate for an integer dtype).
  if (!canCastSafely(x.dtype, dtype)) x = x.astype(dtype);
  const out = new NDArray(allocateShaped(dtype, x.shape, true), x.shape, dtype);
  const n = x.shape[axis];
  if (x.size === 0) return out;
  const outer = x.shape.filter((_, d) => d !== axis);
  const xs = x.nd.stride.filter((_, d) => d !== axis);
  const os = out.nd.stride.filter((_, d) => d !== axis);
  const xa = x.nd.stride[axis];
  const oa = out.nd.stride[axis];
  const xd = x.nd.data;
  const od = out.nd.data;
  // Adding -0 changes no double but -0 itself; adding 0 makes a -0 (a negative running product
  // times 0) the integer 0 that int64 and uint64, stored as doubles, must hold.
  const z = isIntegral(dtype) ? 0 : -0;
  forEachLine(outer.length ? outer : [1], [{ stride: outer.length ? xs : [0], offset: x.nd.offset }, { stride: outer.length ? os : [0], offset: 0 }], (off, m, st) => {
    for (let j = 0; j < m; j++) {
      let xi = off[0] + j * st[0];
      let oi = off[1] + j * st[1];
      od[oi] = xd[xi];
      // Read back what the store kept: float32 rounding and integer wrap-around, step by step.
      let acc = od[oi];
      for (let k = 1; k < n; k++) {
        xi += xa;
        oi += oa;
        od[oi] = step(acc, xd[xi]) + z;
        acc = od[oi];
      }
    }
  });
  return out;
}

/**
 * `np.cumsum(a, axis?, dtype?)`: running sums along `axis` (of the flattened array without
 * one). Integers and bool accumulate in int64 (unsigned in uint64), as NumPy. Also `a.cumsum()`.
 * @example np.cumsum(np.array([[1, 2], [3, 4]]), { axis: 0 })   // array([[1, 2], [4, 6]])
 */
export function cumsum(a: NDArray | NestedList, options?: CumulativeOptions | number): NDArray {
  return accumulate(a, options, "cumsum", (acc, v) => acc + v);
}

/**
 * `np.cumprod(a, axis?, dtype?)`: running products, with the dtypes of {@link cumsum}.
 * @example np.cumprod(np.array([1, 2, 3, 4]))   // array([ 1,  2,  6, 24])
 */
export function cumprod(a: NDArray | NestedList, options?: CumulativeOptions | number): NDArray {
  return accumulate(a, options, "cumprod", (acc, v) => acc * v);
}
