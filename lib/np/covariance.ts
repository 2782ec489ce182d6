/**
 * `np.cov` and `np.corrcoef` as NumPy 1.24's lib/function_base.py computes them, so that the
 * bits are NumPy's: the variables as float64 rows, centred by np.average (average.ts, NumPy's
 * bits), `dot(X, X_T.conj())` in the order OpenBLAS adds it (blas-order.ts: dsyrk for X·Xᵀ,
 * dgemm with weights, ddot for one variable), times `1 / fact`; corrcoef divides by the
 * outer standard deviations, rows then columns, and clips to [-1, 1].
 */
import { NDArray, NestedList } from "./ndarray";
import { array, asArrayArg, vstack } from "./creation";
import { clip } from "./select";
import { assign, div, mul, sqrt, sub } from "./ufunc";
import { emptyLikeKeepOrder } from "./order";
import { any, sum } from "./reduce";
import { average } from "./average";
import { isKeywords } from "./keywords";
import { blasDot, gemmNT, syrk } from "./blas-order";
import { RuntimeError, runtimeWarning, ValueError } from "./errors";

/** Options of {@link cov}. */
export interface CovOptions {
  /** Each row is a variable, each column an observation (true, the default); false: the transpose. */
  rowvar?: boolean;
  /** Normalise by N (true) instead of N - 1 (false, the default). Overridden by `ddof`. */
  bias?: boolean;
  /** Delta degrees of freedom: normalise by N - ddof (an integer). */
  ddof?: number | null;
  /** How many times each observation occurs (integers ≥ 0, one per observation). */
  fweights?: NDArray | NestedList | null;
  /** A weight per observation (≥ 0), relative importance. */
  aweights?: NDArray | NestedList | null;
}

/** Options of {@link corrcoef}. */
export interface CorrcoefOptions {
  /** Each row is a variable (true, the default); false: each column. */
  rowvar?: boolean;
}

/**
 * `np.array(a, ndmin=2, dtype=float64)`: a float64 copy laid out as `a` is (NumPy's order="K":
 * the transpose of a C-ordered array stays Fortran-ordered, which decides the order of the
 * averages' sums and of BLAS's), with leading axes of length 1 up to 2-D.
 */
function rows(a: NDArray): NDArray {
  const x = emptyLikeKeepOrder(a, "float64");
  assign(x, a);
  return x.ndim >= 2 ? x : x.reshape(x.ndim === 0 ? [1, 1] : [1, x.size]);
}

/** fweights or aweights checked as np.cov checks them, as float64. */
function observationWeights(given: NDArray | NestedList, n: number, name: "fweights" | "aweights"): NDArray {
  const w = array(asArrayArg(given, `cov: ${name}`), { dtype: "float64" });
  if (name === "fweights" && !Array.from(w.toContiguous()).every((v) => Number.isInteger(v) || v === Infinity || v === -Infinity)) throw new TypeError("fweights must be integer");
  if (w.ndim > 1) throw new RuntimeError(`cannot handle multidimensional ${name}`);
  if (w.ndim === 0) throw new RangeError("tuple index out of range");
  if (w.shape[0] !== n) throw new RuntimeError(`incompatible numbers of samples and ${name}`);
  if (any(w.lt(0))) throw new ValueError(`${name} cannot be negative`);
  return w;
}

/** The rows of a 2-D array as blas-order.ts reads them. */
function rowsOf(x: NDArray) {
  return { data: x.nd.data, off: x.nd.offset, rs: x.nd.stride[0], cs: x.nd.stride[1] };
}

/**
 * `dot(X, Y.T)` for float64 X, Y (k×n) as NumPy's cblas_matrixproduct runs it: a vector dot
 * for one row, dsyrk when Y is X itself, dgemm otherwise (X is C-ordered, or, with
 * `rowvar: false`, the transpose of a C-ordered copy).
 */
function productWithTranspose(x: NDArray, y: NDArray): NDArray {
  const [k, n] = x.shape;
  const out = new NDArray(new Float64Array(k * k), [k, k], "float64");
  if (k === 1) out.nd.data[0] = blasDot(x.nd.data, x.nd.offset, x.nd.stride[1], y.nd.data, y.nd.offset, y.nd.stride[1], n, false);
  else if (y === x) out.nd.data.set(syrk(x.nd.data, x.nd.offset, x.nd.stride[0], x.nd.stride[1], k, n));
  else out.nd.data.set(gemmNT(rowsOf(x), k, rowsOf(y), k, n, x.isContiguous ? "tn" : "nt"));
  return out;
}

/**
 * `np.cov(m, y=None, rowvar=True, bias=False, ddof=None, fweights=None, aweights=None)`: the
 * covariance matrix of the variables in the rows of `m` (its columns with `rowvar: false`),
 * `y`'s variables appended; normalised by N - 1 (N with `bias`, N - ddof with `ddof`), with
 * frequency and/or analytic weights per observation. float64; a 0-d array for one variable,
 * as NumPy's. The same bits as NumPy's on this project's machines (see blas-order.ts).
 * @example np.cov([1, 2, 4])                                   // array(2.33333333)
 * np.cov(np.array([[0, 1, 2], [2, 1, 0]]))                    // array([[ 1., -1.], [-1.,  1.]])
 * np.cov(x, y, { bias: true, aweights: w })
 */
export function cov(m: NDArray | NestedList, options?: CovOptions): NDArray;
export function cov(m: NDArray | NestedList, y?: NDArray | NestedList | null, options?: CovOptions): NDArray;
export function cov(m: NDArray | NestedList, second?: NDArray | NestedList | CovOptions | null, third?: CovOptions): NDArray {
  const [given, o] = isKeywords(second) ? [null, second as CovOptions] : [(second ?? null) as NDArray | NestedList | null, third ?? {}];
  const rowvar = o.rowvar ?? true;
  let ddof = o.ddof ?? null;
  if (ddof !== null && ddof !== Math.trunc(ddof)) throw new ValueError("ddof must be integer");
  const mm = asArrayArg(m, "cov: m");
  if (mm.ndim > 2) throw new ValueError("m has more than 2 dimensions");
  const yy = given === null ? null : asArrayArg(given, "cov: y");
  if (yy && yy.ndim > 2) throw new ValueError("y has more than 2 dimensions");
  let x = rows(mm);
  if (!rowvar && x.shape[0] !== 1) x = x.T;
  if (x.shape[0] === 0) return new NDArray(new Float64Array(0), [0, 0], "float64");
  if (yy) {
    let yr = rows(yy);
    if (!rowvar && yr.shape[0] !== 1) yr = yr.T;
    x = vstack([x, yr]);
  }
  ddof ??= o.bias ? 0 : 1;
  const n = x.shape[1];
  let w: NDArray | null = null;
  const fweights = o.fweights === undefined || o.fweights === null ? null : observationWeights(o.fweights, n, "fweights");
  const aweights = o.aweights === undefined || o.aweights === null ? null : observationWeights(o.aweights, n, "aweights");
  if (fweights) w = fweights;
  if (aweights) w = w ? mul(w, aweights) : aweights;
  const [avg, wSum] = average(x, { axis: 1, weights: w, returned: true }) as [NDArray, NDArray];
  const ws = wSum.flatAt(0);
  let fact: number;
  if (w === null) fact = n - ddof;
  else if (ddof === 0) fact = ws;
  else if (aweights === null) fact = ws - ddof;
  else fact = ws - (ddof * (sum(mul(w, aweights)) as number)) / ws;
  if (fact <= 0) {
    runtimeWarning("Degrees of freedom <= 0 for slice");
    fact = 0;
  }
  sub(x, avg.reshape(avg.size, 1), x);
  const c = productWithTranspose(x, w === null ? x : mul(x, w));
  if (fact === 0) runtimeWarning("divide by zero encountered in divide");
  mul(c, 1 / fact, c);
  return c.squeeze();
}

/**
 * `np.corrcoef(x, y=None, rowvar=True)`: Pearson's correlation coefficients, `cov / outer(σ, σ)`,
 * of the variables in the rows of `x` (columns with `rowvar: false`) and `y`; clipped to
 * [-1, 1]. float64; a number (1, or NaN for a constant) for a single variable, as NumPy's
 * scalar. NumPy's bits: its covariance, divided by σ along rows then along columns.
 * @example np.corrcoef([1, 2, 4], [2, 1, 0])   // array([[ 1.        , -0.98198051], [-0.98198051,  1.        ]])
 */
export function corrcoef(x: NDArray | NestedList, options?: CorrcoefOptions): NDArray | number;
export function corrcoef(x: NDArray | NestedList, y?: NDArray | NestedList | null, options?: CorrcoefOptions): NDArray | number;
export function corrcoef(x: NDArray | NestedList, second?: NDArray | NestedList | CorrcoefOptions | null, third?: CorrcoefOptions): NDArray | number {
  const [y, o] = isKeywords(second) ? [null, second as CorrcoefOptions] : [(second ?? null) as NDArray | NestedList | null, third ?? {}];
  const c = cov(x, y, { rowvar: o.rowvar ?? true });
  if (c.ndim === 0) return c.flatAt(0) / c.flatAt(0);
  const k = c.shape[0];
  const d = new NDArray(new Float64Array(k), [k], "float64");
  for (let i = 0; i < k; i++) d.nd.data[i] = c.at(i, i);
  const stddev = sqrt(d);
  div(c, stddev.reshape(k, 1), c);
  div(c, stddev.reshape(1, k), c);
  return clip(c, -1, 1);
}
