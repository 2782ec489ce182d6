/**
 * Diagonals and triangles of matrices (NumPy's twodim_base and `diagonal`/`trace`):
 * `np.diagonal` is a read-only view whose one stride steps along both axes at once (NumPy's
 * since 1.9), `np.diag` builds a matrix from a vector or views a matrix's diagonal, `np.trace`
 * sums a diagonal, `np.tril`/`np.triu` copy a matrix with one triangle zeroed.
 */
import { allocate, checkDType, type DType } from "./dtype";
import { asArrayArg, array, zeros } from "./creation";
import { NDArray, NestedList } from "./ndarray";
import { pythonTypeName, ValueError } from "./errors";
import { namedAxis } from "./shaping";
import { assign } from "./ufunc";
import { sum } from "./reduce";

/** Options of {@link diagonal}. */
export interface DiagonalOptions {
  /** The diagonal: 0 the main one, positive above it (along axis2), negative below. */
  offset?: number;
  /** The axes of the 2-D sub-arrays whose diagonals are taken (0 and 1 by default). */
  axis1?: number;
  axis2?: number;
}

/** Options of {@link trace}. */
export interface TraceOptions extends DiagonalOptions {
  /** The dtype of the sums (NumPy's default: int64 for smaller integers and bool, uint64 for unsigned ones). */
  dtype?: DType;
}

/** A Python int argument: NumPy's TypeError (`message`) for anything else. */
function intArg(v: unknown, message = `'${pythonTypeName(v)}' object cannot be interpreted as an integer`): number {
  if (typeof v === "number" && Number.isInteger(v)) return v;
  throw new TypeError(message);
}

/** The (offset, axis1, axis2) arguments given positionally or as an options object. */
function diagonalArgs<O extends DiagonalOptions>(offset: number | O | undefined, axis1: number | undefined, axis2: number | undefined): O & { offset: number; axis1: number; axis2: number } {
  const o = (typeof offset === "object" && offset !== null ? offset : { offset }) as O;
  return { ...o, offset: o.offset ?? 0, axis1: o.axis1 ?? axis1 ?? 0, axis2: o.axis2 ?? axis2 ?? 1 };
}

/** The diagonal view, offset already checked an integer. */
function diagonalView(x: NDArray, offset: number, axis1: number, axis2: number): NDArray {
  if (x.ndim < 2) throw new ValueError("diag requires an array of at least two dimensions");
  const i = namedAxis(axis1, x.ndim, "axis1");
  const j = namedAxis(axis2, x.ndim, "axis2");
  if (i === j) throw new ValueError("axis1 and axis2 cannot be the same");
  const { shape, stride } = x.nd;
  // NumPy's PyArray_Diagonal: start `offset` along axis2 (or -offset along axis1).
  const [along, start] = offset >= 0 ? [j, offset] : [i, -offset];
  const rest = offset >= 0 ? shape[i] : shape[j];
  const length = Math.max(0, Math.min(shape[along] - start, rest));
  const keep = shape.map((_, d) => d).filter((d) => d !== i && d !== j);
  const view = new NDArray(x.nd.data, [...keep.map((d) => shape[d]), length], x.dtype, x, [...keep.map((d) => stride[d]), stride[i] + stride[j]], x.nd.offset + (length > 0 ? start * stride[along] : 0));
  view.setWriteable(false);
  return view;
}

/**
 * `np.diagonal(a, offset=0, axis1=0, axis2=1)`: the diagonal of `a` (of each 2-D sub-array over
 * `axis1` and `axis2`, along a new last axis). A read-only view, as NumPy's. Also the method
 * `a.diagonal()`. Arguments positional or as options.
 * @example np.diagonal(np.arange(9).reshape(3, 3))        // array([0, 4, 8])
 * np.diagonal(np.arange(9).reshape(3, 3), 1)               // array([1, 5])
 * np.diagonal(a, { offset: -1, axis1: 1, axis2: 2 })
 */
export function diagonal(a: NDArray | NestedList, offset: number | DiagonalOptions = 0, axis1?: number, axis2?: number): NDArray {
  const o = diagonalArgs(offset, axis1, axis2);
  return diagonalView(asArrayArg(a, "diagonal: a"), intArg(o.offset), o.axis1, o.axis2);
}

/**
 * `np.trace(a, offset=0, axis1=0, axis2=1, dtype=None)`: the sum of the diagonal: a number for a
 * 2-D array, an array of the sums of each 2-D sub-array otherwise; the dtype is sum's (int64
 * for smaller integers and bool) or `dtype`. Also the method `a.trace()`.
 * @example np.trace(np.eye(3))                          // 3
 * np.trace(np.arange(8).reshape(2, 2, 2))                // array([6, 8])
 */
export function trace(a: NDArray | NestedList, offset: number | TraceOptions = 0, axis1?: number, axis2?: number): NDArray | number | boolean {
  const o = diagonalArgs(offset, axis1, axis2);
  const d = diagonalView(asArrayArg(a, "trace: a"), intArg(o.offset, "integer argument expected, got float"), o.axis1, o.axis2);
  if (o.dtype === undefined) return sum(d, { axis: -1 });
  // add.reduce in `dtype`: the elements cast to it, summed (wrapping as its own adds would), the sums cast to it.
  const dt = checkDType(o.dtype, "trace");
  const s = sum(d.astype(dt), { axis: -1 });
  if (typeof s !== "number") return s.dtype === dt ? s : s.astype(dt);
  const v = array(s, { dtype: dt }).item();
  return dt === "bool" ? v !== 0 : v;
}

/** The k of diag, tril and triu: a number or `{ k }`. */
function kArg(options: { k?: number } | number): number {
  return typeof options === "number" ? options : (options.k ?? 0);
}

/**
 * `np.diag(v, k=0)`: for a 1-D `v`, a new square array with `v` on its k-th diagonal (0 the
 * main one, positive above, negative below) and zeros elsewhere; for a 2-D `v`, its k-th
 * diagonal as a read-only view (`np.diagonal`). NumPy's ValueError for other dimensions.
 * @example np.diag(np.array([1, 2]))                  // array([[1, 0], [0, 2]])
 * np.diag(np.arange(9).reshape(3, 3), { k: -1 })        // array([3, 7])
 */
export function diag(v: NDArray | NestedList, options: { k?: number } | number = {}): NDArray {
  const x = asArrayArg(v, "diag: v");
  const k = intArg(kArg(options));
  if (x.ndim === 2) return diagonalView(x, k, 0, 1);
  if (x.ndim !== 1) throw new ValueError("Input must be 1- or 2-d.");
  const m = x.nd.shape[0];
  const n = m + Math.abs(k);
  const out = zeros([n, n], { dtype: x.dtype });
  const src = x.nd.data;
  const dst = out.nd.data;
  // Element e sits at row e (column e + k) for k >= 0, at row e - k (column e) below.
  const first = k >= 0 ? k : -k * n;
  for (let e = 0; e < m; e++) dst[first + e * (n + 1)] = src[x.nd.offset + e * x.nd.stride[0]];
  return out;
}

/**
 * A copy of `m` (as (n, n) for a 1-D m, its rows repeated) with the elements outside the
 * triangle zeroed: NumPy's `where(tri(*m.shape[-2:], k), m, 0)`, `tri` keeping (i, j) where
 * i >= column j of `arange(-k, M - k)` (j - k for an integer k).
 */
function triangle(m: NDArray | NestedList, k: number, lower: boolean, what: string): NDArray {
  const x = asArrayArg(m, `${what}: m`);
  if (x.ndim === 0) throw new TypeError("tri() missing 1 required positional argument: 'N'");
  if (typeof k !== "number") throw new TypeError(`${what}: k must be a number, got ${k === null ? "null" : typeof k}`);
  const shape = x.ndim === 1 ? [x.shape[0], x.shape[0]] : x.shape;
  const size = shape.reduce((p, q) => p * q, 1);
  const out = new NDArray(allocate(x.dtype, size, true), shape, x.dtype);
  assign(out, x);
  const rows = shape[shape.length - 2];
  const cols = shape[shape.length - 1];
  // tri's columns are arange(-kk, M - kk) in a small integer dtype: its first two values
  // truncated to integers, the rest stepping by their difference (a fractional k too).
  const kk = lower ? k : k - 1;
  const first = Math.trunc(-kk);
  const step = Math.trunc(-kk + 1) - first;
  const d = out.nd.data;
  for (let at = 0; at < size; at += rows * cols) {
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        const inTri = i >= first + j * step;
        if (inTri !== lower) d[at + i * cols + j] = 0;
      }
    }
  }
  return out;
}

/**
 * `np.tril(m, k=0)`: a copy of `m` with the elements above the k-th diagonal zeroed (of its
 * last two axes; a 1-D m is taken as the rows of a square matrix).
 * @example np.tril(np.ones([3, 3]))               // ones on and below the diagonal
 * np.tril(np.ones([3, 3]), { k: -1 })               // strictly below
 */
export function tril(m: NDArray | NestedList, options: { k?: number } | number = {}): NDArray {
  return triangle(m, kArg(options), true, "tril");
}

/**
 * `np.triu(m, k=0)`: a copy of `m` with the elements below the k-th diagonal zeroed (of its
 * last two axes; a 1-D m is taken as the rows of a square matrix).
 * @example np.triu(np.ones([3, 3]), 1)   // ones strictly above the diagonal
 */
export function triu(m: NDArray | NestedList, options: { k?: number } | number = {}): NDArray {
  return triangle(m, kArg(options), false, "triu");
}
