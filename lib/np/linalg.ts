/**
 * Matrix products: `np.dot`, `np.matmul` (`@`), `np.outer` and `np.inner`, with NumPy's shape rules and messages.
 *
 * Float products run a blocked i-k-j loop in float64 (float32 results are rounded once at the
 * end). NumPy calls BLAS, which adds the k products of each element in another order (SIMD
 * lanes, blocks, fused multiply-adds), so float results agree with NumPy's within the forward
 * error bound of any summation order, `k·2⁻⁵³·Σ|aᵢₚ·bₚⱼ|` per element (k·2⁻²⁴ for float32),
 * not bit for bit. Integer products are exact and wrap within the result dtype as NumPy's
 * (int8..int32 in 32-bit integer arithmetic; int64 in doubles while every partial sum is
 * below 2**53, else in BigInt); bool products are "any of the ands".
 */
import { allocate, allocateShaped, DType, Storage } from "./dtype";
import { promoteTypes } from "./casting";
import { NDArray, NestedList, Operand } from "./ndarray";
import { array, asArrayArg } from "./creation";
import { mul } from "./ufunc";
import { broadcastTogether, ValueError } from "./errors";
import { blasDot } from "./blas-order";

/** A strided 2-D operand. */
interface Mat {
  data: Storage;
  off: number;
  /** Element steps between rows and between columns. */
  rs: number;
  cs: number;
}

/** Columns of C updated together: one block of B's row and C's row stay in L1. */
const BLOCK_J = 256;
/** Rows of B per block: the block (BLOCK_P × BLOCK_J doubles, 512 KiB) stays in L2 across rows of A. */
const BLOCK_P = 256;

/** C (n×m, contiguous float64, zeroed) += A (n×k) · B (k×m), i-k-j order, blocked over j and p. */
function gemmFloat(A: Mat, B: Mat, C: Float64Array, n: number, k: number, m: number): void {
  // B's rows are walked contiguously: copy B first when they are not (e.g. a transposed view).
  let b: ArrayLike<number> = B.data;
  let bo = B.off;
  let brs = B.rs;
  if (B.cs !== 1 && m > 1) {
    const copy = new Float64Array(k * m);
    for (let p = 0; p < k; p++) for (let j = 0; j < m; j++) copy[p * m + j] = B.data[B.off + p * B.rs + j * B.cs];
    b = copy;
    bo = 0;
    brs = m;
  }
  const a = A.data;
  for (let j0 = 0; j0 < m; j0 += BLOCK_J) {
    const j1 = Math.min(m, j0 + BLOCK_J);
    for (let p0 = 0; p0 < k; p0 += BLOCK_P) {
      const p1 = Math.min(k, p0 + BLOCK_P);
      for (let i = 0; i < n; i++) {
        const ci = i * m;
        const ai = A.off + i * A.rs;
        for (let p = p0; p < p1; p++) {
          const aip = a[ai + p * A.cs];
          const bp = bo + p * brs;
          for (let j = j0; j < j1; j++) C[ci + j] += aip * b[bp + j];
        }
      }
    }
  }
}

/** The same for integers of at most 32 bits: products and sums wrap modulo 2**32, exactly as NumPy's narrower loops do modulo their width. */
function gemmInt32(A: Mat, B: Mat, C: Int32Array, n: number, k: number, m: number): void {
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < k; p++) {
      const aip = A.data[A.off + i * A.rs + p * A.cs];
      const bp = B.off + p * B.rs;
      for (let j = 0; j < m; j++) C[i * m + j] = (C[i * m + j] + Math.imul(aip, B.data[bp + j * B.cs])) | 0;
    }
  }
}

/** int64/uint64 elements in BigInt, wrapped to 64 bits (used when doubles could lose digits). */
function gemmBig(A: Mat, B: Mat, out: Storage, n: number, k: number, m: number, unsigned: boolean): void {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let acc = 0n;
      for (let p = 0; p < k; p++) acc += BigInt(A.data[A.off + i * A.rs + p * A.cs]) * BigInt(B.data[B.off + p * B.rs + j * B.cs]);
      out[i * m + j] = Number(unsigned ? BigInt.asUintN(64, acc) : BigInt.asIntN(64, acc));
    }
  }
}

function maxAbs(M: Mat, rows: number, cols: number): number {
  let mx = 0;
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) mx = Math.max(mx, Math.abs(M.data[M.off + i * M.rs + j * M.cs]));
  return mx;
}

/** A (n×k) · B (k×m) into a new contiguous n×m array of `dtype`. */
function matmul2d(A: Mat, B: Mat, n: number, k: number, m: number, dtype: DType): NDArray {
  const out = new NDArray(allocateShaped(dtype, [n, m]), [n, m], dtype);
  const o = out.nd.data;
  if (dtype === "int8" || dtype === "int16" || dtype === "int32" || dtype === "uint8" || dtype === "uint16" || dtype === "uint32") {
    const C = new Int32Array(n * m);
    gemmInt32(A, B, C, n, k, m);
    // The typed array's store wraps to the narrower width, as NumPy's loop would have.
    o.set(dtype === "uint32" ? new Uint32Array(C.buffer) : C);
    return out;
  }
  if ((dtype === "int64" || dtype === "uint64") && maxAbs(A, n, k) * maxAbs(B, k, m) * k >= 2 ** 53) {
    gemmBig(A, B, o, n, k, m, dtype === "uint64");
    return out;
  }
  const C = new Float64Array(n * m);
  gemmFloat(A, B, C, n, k, m);
  if (dtype === "bool") for (let i = 0; i < C.length; i++) o[i] = C[i] !== 0 ? 1 : 0;
  else o.set(C);
  return out;
}

function mat(x: NDArray): Mat {
  return { data: x.nd.data, off: x.nd.offset, rs: x.nd.stride[0], cs: x.nd.stride[1] };
}

/** A shape as NumPy's dot error prints it: `(2,3)`, `(3,)`. */
function tight(shape: readonly number[]): string {
  return `(${shape.join(",")}${shape.length === 1 ? "," : ""})`;
}

function operandArray(x: Operand | NestedList, what: string): NDArray {
  return typeof x === "number" || typeof x === "boolean" ? array(x) : asArrayArg(x, what);
}

/** A 0-d result as NumPy's scalar: a number, or a boolean for bool. */
function scalarOf(x: NDArray): number | boolean {
  const v = x.flatAt(0);
  return x.dtype === "bool" ? v !== 0 : v;
}

/**
 * `np.dot(a, b)`: for 1-D arrays the inner product (a number), for 2-D the matrix product,
 * for 2-D·1-D the matrix-vector product; a scalar operand multiplies; for N-D a sum over the
 * last axis of `a` and the second-to-last of `b`. The dtype is `np.promote_types` of the two.
 * Mismatched shapes raise NumPy's `ValueError: shapes (2,3) and (2,3) not aligned: 3 (dim 1)
 * != 2 (dim 0)`. Floats agree with NumPy's BLAS within rounding (see the module's note);
 * integers exactly. Also `a.dot(b)`.
 * @example np.dot(np.array([1, 2, 3]), np.array([4, 5, 6]))   // 32
 * np.dot(m, v)                                              // matrix · vector
 */
export function dot(a: Operand | NestedList, b: Operand | NestedList): NDArray | number | boolean {
  const x = operandArray(a, "dot: a");
  const y = operandArray(b, "dot: b");
  if (x.ndim === 0 || y.ndim === 0) {
    const r = mul(x, y);
    return r.ndim === 0 ? scalarOf(r) : r;
  }
  const dtype = promoteTypes(x.dtype, y.dtype);
  const xk = x.ndim - 1;
  const yk = y.ndim === 1 ? 0 : y.ndim - 2;
  const k = x.shape[xk];
  if (y.shape[yk] !== k) throw new ValueError(`shapes ${tight(x.shape)} and ${tight(y.shape)} not aligned: ${k} (dim ${xk}) != ${y.shape[yk]} (dim ${yk})`);
  // a as (P, k); b with its summed axis first as (k, Q); the product reshaped to NumPy's result shape.
  const P = x.shape.slice(0, -1).reduce((p, q) => p * q, 1);
  const Q = y.shape.filter((_, d) => d !== yk).reduce((p, q) => p * q, 1);
  const A = x.reshape(P, k);
  const B = y.transpose(y.ndim === 1 ? [0] : [yk, ...[...Array(y.ndim).keys()].filter((d) => d !== yk)]).reshape(k, Q);
  const C = matmul2d(mat(A), mat(B), P, k, Q, dtype);
  const shape = [...x.shape.slice(0, -1), ...y.shape.filter((_, d) => d !== yk)];
  return shape.length === 0 ? scalarOf(C) : C.reshape(shape);
}

/**
 * `np.outer(a, b, out=None)`: the outer product, `a.ravel()[i] * b.ravel()[j]` at [i, j], of
 * shape (a.size, b.size), each flattened first; dtype as multiply's for the two arrays (not
 * value-based: NumPy makes both arrays first). Exact: one product per element, NumPy's bits.
 * @example np.outer(np.array([1, 2]), np.array([1, 10, 100]))   // array([[  1,  10, 100], [  2,  20, 200]])
 */
export function outer(a: Operand | NestedList, b: Operand | NestedList, out?: NDArray): NDArray {
  const x = operandArray(a, "outer: a").ravel();
  const y = operandArray(b, "outer: b").ravel();
  return mul(x.reshape(x.size, 1), y.reshape(1, y.size), out);
}

/**
 * `np.inner(a, b)`: the sum of products over the last axes of a and b, of shape
 * `a.shape[:-1] + b.shape[:-1]` (a scalar operand multiplies). NumPy's dot of a with b's last
 * two axes swapped, in the dtype the two promote to (not value-based: NumPy makes both arrays
 * first). Two float vectors give NumPy's bits (OpenBLAS's ddot/sdot order, blas-order.ts);
 * larger float operands agree within rounding, as {@link dot}.
 * @example np.inner(np.array([1, 2, 3]), np.array([0, 1, 0]))        // 2
 * np.inner(np.ones([2, 3]), np.ones([4, 3])).shape                   // [2, 4]
 */
export function inner(a: Operand | NestedList, b: Operand | NestedList): NDArray | number | boolean {
  let x = operandArray(a, "inner: a");
  let y = operandArray(b, "inner: b");
  const dtype = promoteTypes(x.dtype, y.dtype);
  if (x.dtype !== dtype) x = x.astype(dtype);
  if (y.dtype !== dtype) y = y.astype(dtype);
  if (x.ndim === 1 && y.ndim === 1 && x.size === y.size && x.size > 0 && (dtype === "float64" || dtype === "float32")) {
    // NumPy copies vectors with negative strides first; positive ones go to BLAS as they are.
    const [u, v] = [x, y].map((w) => (w.nd.stride[0] > 0 ? w : w.copy()));
    return blasDot(u.nd.data, u.nd.offset, u.nd.stride[0], v.nd.data, v.nd.offset, v.nd.stride[0], u.size, dtype === "float32");
  }
  if (x.ndim >= 1 && y.ndim >= 2) y = y.transpose([...Array(y.ndim - 2).keys(), y.ndim - 1, y.ndim - 2]);
  return dot(x, y);
}

const SIGNATURE = "(n?,k),(k,m?)->(n?,m?)";

/**
 * `np.matmul(a, b)` (Python's `a @ b`): the matrix product of the last two axes, broadcast
 * over the others (a stack of matrices); a 1-D operand is a row (first) or a column (second)
 * vector whose axis is dropped from the result, so 1-D·1-D is a number. Scalars are refused,
 * as in NumPy. Precision as {@link dot}.
 * @example np.matmul(np.ones([2, 3]), np.ones([3, 4])).shape   // [2, 4]
 */
export function matmul(a: Operand | NestedList, b: Operand | NestedList): NDArray | number | boolean {
  const x = operandArray(a, "matmul: a");
  const y = operandArray(b, "matmul: b");
  [x, y].forEach((o, i) => {
    if (o.ndim === 0) throw new ValueError(`matmul: Input operand ${i} does not have enough dimensions (has 0, gufunc core with signature ${SIGNATURE} requires 1)`);
  });
  const dtype = promoteTypes(x.dtype, y.dtype);
  const x2 = x.ndim === 1 ? x.reshape(1, x.size) : x;
  const y2 = y.ndim === 1 ? y.reshape(y.size, 1) : y;
  const n = x2.shape[x2.ndim - 2];
  const k = x2.shape[x2.ndim - 1];
  const m = y2.shape[y2.ndim - 1];
  if (y2.shape[y2.ndim - 2] !== k) {
    throw new ValueError(`matmul: Input operand 1 has a mismatch in its core dimension 0, with gufunc signature ${SIGNATURE} (size ${y2.shape[y2.ndim - 2]} is different from ${k})`);
  }
  const xb = x2.shape.slice(0, -2);
  const yb = y2.shape.slice(0, -2);
  const batch = broadcastTogether(xb, yb);
  const nb = batch.reduce((p, q) => p * q, 1);
  const out = new NDArray(allocateShaped(dtype, [...batch, n, m]), [...batch, n, m], dtype);
  const index = (shape: readonly number[], flat: number): number[] => {
    // The batch position in `shape` (broadcast axes of length 1 stay at 0).
    const idx = new Array<number>(batch.length).fill(0);
    for (let d = batch.length - 1; d >= 0; d--) {
      idx[d] = flat % batch[d];
      flat = Math.floor(flat / batch[d]);
    }
    return idx.slice(batch.length - shape.length).map((v, d) => (shape[d] === 1 ? 0 : v));
  };
  for (let t = 0; t < nb; t++) {
    const xs = xb.length ? x2.get(index(xb, t)) : x2;
    const ys = yb.length ? y2.get(index(yb, t)) : y2;
    out.nd.data.set(matmul2d(mat(xs), mat(ys), n, k, m, dtype).nd.data, t * n * m);
  }
  const shape = [...batch, ...(x.ndim === 1 ? [] : [n]), ...(y.ndim === 1 ? [] : [m])];
  return shape.length === 0 ? scalarOf(out) : out.reshape(shape);
}

