/**
 * `np.convolve` and `np.correlate`, as NumPy 1.24's `_pyarray_correlate`
 * (multiarray/multiarraymodule.c) computes them: one dot product per output element, the
 * longer array sliding under the shorter; the overhanging ends (modes "same" and "full") and
 * kernels longer than 11 through the dtype's `dotfunc` (OpenBLAS's ddot/sdot for floats,
 * blas-order.ts), the middle of a kernel of at most 11 floats through `small_correlate`, a
 * plain running sum. So the floats are NumPy's bits; integers wrap as NumPy's int64 sums do,
 * then as the result dtype.
 */
import { allocate, coerce, DType, Storage } from "./dtype";
import { promoteTypes, scalarDType } from "./casting";
import { NDArray, NestedList } from "./ndarray";
import { array, asArrayArg } from "./creation";
import { blasDot } from "./blas-order";
import { byFirstLetter } from "./searching";
import { ValueError } from "./errors";

/** How much of the sliding product to return: NumPy's names, or its numbers 0, 1, 2. */
export type ConvolveMode = "valid" | "same" | "full" | 0 | 1 | 2;

/** An operand as an array (a JS number or boolean as NumPy makes a Python scalar one). */
function operand(x: NDArray | NestedList, what: string): NDArray {
  return typeof x === "number" || typeof x === "boolean" ? array(x, { dtype: scalarDType(x) }) : asArrayArg(x, what);
}

/** NumPy's PyArray_CorrelatemodeConverter: a name (by its first letter, as NumPy's parser), or 0, 1, 2. */
function modeNumber(mode: unknown): 0 | 1 | 2 {
  if (typeof mode === "string") return byFirstLetter(mode, ["valid", "same", "full"], "mode must be one of 'valid', 'same', or 'full'") as 0 | 1 | 2;
  if (typeof mode !== "number" || !Number.isInteger(mode)) throw new TypeError("convolve/correlate mode not understood");
  if (mode < 0 || mode > 2) throw new ValueError("integer convolve/correlate mode must be 0, 1, or 2");
  return mode as 0 | 1 | 2;
}

/** The common dtype of the operands (PyArray_ObjectType: promotion, not value-based) and both as 1-D C-ordered copies in it. */
function commonVectors(a: NDArray, v: NDArray): [NDArray, NDArray] {
  const dtype = promoteTypes(a.dtype, v.dtype);
  return [a, v].map((x) => {
    if (x.ndim < 1) throw new ValueError("object of too small depth for desired array");
    if (x.ndim > 1) throw new ValueError("object too deep for desired array");
    return array(x, { dtype });
  }) as [NDArray, NDArray];
}

/** The dtype's dotfunc over n elements of x from xo and y from yo (both contiguous). */
function dotFunc(dtype: DType, x: Storage, xo: number, y: Storage, yo: number, n: number): number {
  if (dtype === "float64" || dtype === "float32") return blasDot(x, xo, 1, y, yo, 1, n, dtype === "float32");
  if (dtype === "bool") {
    for (let i = 0; i < n; i++) if (x[xo + i] && y[yo + i]) return 1;
    return 0;
  }
  let exact = 0;
  let bound = 0;
  for (let i = 0; i < n; i++) bound += Math.abs(x[xo + i] * y[yo + i]);
  if (bound < 2 ** 53) {
    for (let i = 0; i < n; i++) exact += x[xo + i] * y[yo + i];
    return coerce(dtype, exact);
  }
  // Past 2**53 in BigInt, wrapped to 64 bits as NumPy's npy_long (npy_ulong) sum is.
  let big = 0n;
  for (let i = 0; i < n; i++) big += BigInt(x[xo + i]) * BigInt(y[yo + i]);
  return coerce(dtype, Number(dtype === "uint64" ? BigInt.asUintN(64, big) : BigInt.asIntN(64, big)));
}

/**
 * `_pyarray_correlate(ap1, ap2, mode)` for n1 ≥ n2: out[i] = Σ a1[i + j - left] · a2[j] over
 * the overlap, NumPy's loops (the left overhang, the middle, the right overhang).
 */
function slide(a1: NDArray, a2: NDArray, mode: 0 | 1 | 2): NDArray {
  const dtype = a1.dtype;
  const n1 = a1.size;
  const n2 = a2.size;
  let length = n1;
  let left = 0;
  let right = 0;
  if (mode === 0) length = n1 - n2 + 1;
  else if (mode === 1) {
    left = Math.floor(n2 / 2);
    right = n2 - left - 1;
  } else {
    left = right = n2 - 1;
    length = n1 + n2 - 1;
  }
  const out = new NDArray(allocate(dtype, length), [length], dtype);
  const o = out.nd.data;
  const d1 = a1.nd.data;
  const d2 = a2.nd.data;
  let op = 0;
  let ip1 = 0;
  let ip2 = left;
  let n = n2 - left;
  for (let i = 0; i < left; i++) {
    o[op++] = dotFunc(dtype, d1, ip1, d2, ip2, n);
    n++;
    ip2--;
  }
  const middle = n1 - n2 + 1;
  if (n <= 11 && (dtype === "float64" || dtype === "float32")) {
    // small_correlate: a plain running sum from 0, in float32 for float32.
    const r = dtype === "float32" ? Math.fround : (v: number) => v;
    for (let i = 0; i < middle; i++) {
      let s = 0;
      for (let k = 0; k < n; k++) s = r(s + r(d1[ip1 + i + k] * d2[ip2 + k]));
      o[op++] = s;
    }
    ip1 += middle;
  } else {
    for (let i = 0; i < middle; i++) o[op++] = dotFunc(dtype, d1, ip1++, d2, ip2, n);
  }
  for (let i = 0; i < right; i++) {
    n--;
    o[op++] = dotFunc(dtype, d1, ip1++, d2, ip2, n);
  }
  return out;
}

/**
 * `np.correlate(a, v, mode='valid')`: the cross-correlation of two 1-D sequences,
 * `c[k] = Σₙ a[n + k] · v[n]`, over the full overlap ("valid", the default), a's length
 * ("same") or every partial overlap ("full"). The dtype the two promote to (bool: any of the
 * ands; integers wrap as NumPy's). NumPy's errors for empty or non-1-D inputs. The same bits
 * as NumPy's (see the module's note).
 * @example np.correlate([1, 2, 3], [0, 1, 0.5])            // array([3.5])
 * np.correlate([1, 2, 3], [0, 1, 0.5], "full")              // array([0.5, 2. , 3.5, 3. , 0. ])
 */
export function correlate(a: NDArray | NestedList, v: NDArray | NestedList, mode: ConvolveMode | { mode?: ConvolveMode } = "valid"): NDArray {
  const m = modeNumber(typeof mode === "object" && mode !== null ? (mode.mode ?? "valid") : mode);
  const [x, y] = commonVectors(operand(a, "correlate: a"), operand(v, "correlate: v"));
  if (x.size === 0) throw new ValueError("first array argument cannot be empty");
  if (y.size === 0) throw new ValueError("second array argument cannot be empty");
  if (x.size >= y.size) return slide(x, y, m);
  // NumPy correlates the other way round and reverses the result.
  const out = slide(y, x, m);
  out.nd.data.reverse();
  return out;
}

/**
 * `np.convolve(a, v, mode='full')`: the discrete linear convolution of two 1-D sequences,
 * `c[k] = Σₙ a[n] · v[k - n]`, over every partial overlap ("full", the default), the longer
 * one's length ("same") or the full overlap ("valid"). The dtype the two promote to. NumPy's
 * order of operations (np.correlate of the longer with the shorter reversed), hence its bits.
 * @example np.convolve([1, 2, 3], [0, 1, 0.5])           // array([0. , 1. , 2.5, 4. , 1.5])
 * np.convolve([1, 2, 3], [0, 1, 0.5], "same")             // array([1. , 2.5, 4. ])
 */
export function convolve(a: NDArray | NestedList, v: NDArray | NestedList, mode: ConvolveMode | { mode?: ConvolveMode } = "full"): NDArray {
  let x = operand(a, "convolve: a");
  let y = operand(v, "convolve: v");
  if (x.ndim === 0) x = x.reshape(1);
  if (y.ndim === 0) y = y.reshape(1);
  if (y.shape[0] > x.shape[0]) [x, y] = [y, x];
  if (x.shape[0] === 0) throw new ValueError("a cannot be empty");
  if (y.shape[0] === 0) throw new ValueError("v cannot be empty");
  const m = modeNumber(typeof mode === "object" && mode !== null ? (mode.mode ?? "full") : mode);
  const [p, q] = commonVectors(x, y.ndim === 1 ? y.get("::-1") : y);
  return slide(p, q, m);
}
