/**
 * Dot products in the order NumPy's BLAS adds them, so that `np.convolve`, `np.correlate`,
 * `np.inner` of vectors and `np.cov` give NumPy's bits: Debian's NumPy 1.24 calls OpenBLAS
 * 0.3.21, which on AVX-512 CPUs runs its SkylakeX kernels (kernel/x86_64/ddot.c, sdot.c with
 * their `*_microk_skylakex-2.c`, and level 3's dsyrk). Those kernels keep several vector
 * accumulators, fuse each multiply with its add (fma.ts), and fold the lanes in a fixed
 * pattern; each function here writes that pattern out.
 *
 * Measured against Debian's NumPy on this project's machines (test/np-sets-search.test.ts):
 * the ddot and sdot orders bit for bit, and dgemm's small-matrix kernels; dsyrk's (a K-blocked
 * chain of fused multiply-adds per element) bit for bit up to 11 rows and for 16, 24, 32, 40.
 * Not reproduced, and within the rounding of any summation order: OpenBLAS's threaded
 * ddot/sdot past 10,000 elements (partial sums per thread), and its dgemm kernel's 4-row tail
 * under dsyrk (12 to 15 rows, 20 to 23, …: even and odd k in two chains, then added).
 */
import { Storage } from "./dtype";
import { fma, fmaf } from "./fma";

const f32 = Math.fround;

/** The AVX-512 kernel of ddot over n (a multiple of 16) contiguous elements: 4 × 8 lanes, folded to 4 × 4, then reduced. */
function ddotKernel(x: Storage, xo: number, y: Storage, yo: number, n: number): number {
  const n32 = n & ~31;
  const wide = new Float64Array(32);
  let i = 0;
  for (; i < n32; i += 32) for (let l = 0; l < 32; l++) wide[l] = fma(x[xo + i + l], y[yo + i + l], wide[l]);
  // Accumulator r, lane l (of 4): the low and high halves of the 512-bit one added.
  const acc = new Float64Array(16);
  for (let r = 0; r < 4; r++) for (let l = 0; l < 4; l++) acc[r * 4 + l] = wide[r * 8 + l] + wide[r * 8 + l + 4];
  for (; i < n; i += 16) for (let l = 0; l < 16; l++) acc[l] = fma(x[xo + i + l], y[yo + i + l], acc[l]);
  const s = [0, 1, 2, 3].map((l) => acc[l] + acc[4 + l] + acc[8 + l] + acc[12 + l]);
  return (s[0] + s[2]) + (s[1] + s[3]);
}

/**
 * OpenBLAS's `ddot(n, x, incx, y, incy)` (element strides), single-threaded as it runs up to
 * 10,000 elements. Contiguous: the kernel over the first multiple of 16, then a chain of
 * fused multiply-adds; strided: two running sums over groups of four, each adding
 * `fma(x0, y0, x2·y2)` (GCC's contraction of `m1 + m3`).
 */
export function ddot(x: Storage, xo: number, xs: number, y: Storage, yo: number, ys: number, n: number): number {
  if (n <= 0) return 0;
  if (xs === 1 && ys === 1) {
    const n1 = n & -16;
    let dot = n1 ? ddotKernel(x, xo, y, yo, n1) : 0;
    for (let i = n1; i < n; i++) dot = fma(y[yo + i], x[xo + i], dot);
    return dot;
  }
  let t1 = 0;
  let t2 = 0;
  const n1 = n & -4;
  let i = 0;
  for (; i < n1; i += 4) {
    const a = xo + i * xs;
    const b = yo + i * ys;
    t1 += fma(y[b], x[a], y[b + 2 * ys] * x[a + 2 * xs]);
    t2 += fma(y[b + ys], x[a + xs], y[b + 3 * ys] * x[a + 3 * xs]);
  }
  for (; i < n; i++) t1 = fma(y[yo + i * ys], x[xo + i * xs], t1);
  return t1 + t2;
}

/** sdot's AVX-512 kernel over n (a multiple of 32) contiguous float32 elements, in float32: 4 × 16 lanes, folded to 4 × 8, reduced. */
function sdotKernel(x: Storage, xo: number, y: Storage, yo: number, n: number): number {
  const n64 = n & ~63;
  const wide = new Float32Array(64);
  let i = 0;
  for (; i < n64; i += 64) for (let l = 0; l < 64; l++) wide[l] = fmaf(x[xo + i + l], y[yo + i + l], wide[l]);
  const acc = new Float32Array(32);
  for (let r = 0; r < 4; r++) for (let l = 0; l < 8; l++) acc[r * 8 + l] = wide[r * 16 + l] + wide[r * 16 + l + 8];
  for (; i < n; i += 32) for (let l = 0; l < 32; l++) acc[l] = fmaf(x[xo + i + l], y[yo + i + l], acc[l]);
  const s = [0, 1, 2, 3, 4, 5, 6, 7].map((l) => f32(f32(f32(acc[l] + acc[8 + l]) + acc[16 + l]) + acc[24 + l]));
  const h = [0, 1, 2, 3].map((l) => f32(s[l] + s[l + 4]));
  return f32(f32(h[0] + h[1]) + f32(h[2] + h[3]));
}

/**
 * OpenBLAS's `sdot` for float32 elements: the float32 kernel over the first multiple of 32
 * and the rest added in a double (float32 products, unfused), or, strided, pairs
 * `fmaf(x0, y0, x1·y1)` added in a double; rounded to float32 at the end.
 */
export function sdot(x: Storage, xo: number, xs: number, y: Storage, yo: number, ys: number, n: number): number {
  if (n <= 0) return 0;
  let dot = 0;
  let i = 0;
  if (xs === 1 && ys === 1) {
    const n1 = n & -32;
    const kernel = n1 ? sdotKernel(x, xo, y, yo, n1) : 0;
    for (i = n1; i < n; i++) dot += f32(y[yo + i] * x[xo + i]);
    return f32(dot + kernel);
  }
  const n1 = n & -2;
  for (; i < n1; i += 2) dot += fmaf(y[yo + i * ys], x[xo + i * xs], f32(y[yo + (i + 1) * ys] * x[xo + (i + 1) * xs]));
  for (; i < n; i++) dot += f32(y[yo + i * ys] * x[xo + i * xs]);
  return f32(dot);
}

/**
 * NumPy's `dotfunc` for float64 and float32 (arraytypes.c.src): the BLAS dot added to a double
 * 0, so a -0 comes back as 0; float32 rounded back.
 */
export function blasDot(x: Storage, xo: number, xs: number, y: Storage, yo: number, ys: number, n: number, float32: boolean): number {
  return 0 + (float32 ? sdot(x, xo, xs, y, yo, ys, n) : ddot(x, xo, xs, y, yo, ys, n));
}

/** DGEMM_DEFAULT_Q of OpenBLAS's SkylakeX build: the depth of one block of a level-3 product. */
const GEMM_Q = 384;

/** level3_syrk.c's blocks of the summed axis: Q at a time, the last stretch under 2Q halved. */
function depthBlocks(k: number): number[] {
  const ends: number[] = [];
  for (let ls = 0; ls < k;) {
    let len = k - ls;
    if (len >= 2 * GEMM_Q) len = GEMM_Q;
    else if (len > GEMM_Q) len = Math.floor((len + 1) / 2);
    ls += len;
    ends.push(ls);
  }
  return ends;
}

/**
 * `X · Xᵀ` for float64 rows (n rows of k, element strides rs between rows and cs along them)
 * as NumPy's `dot(X, X.T)` computes it with OpenBLAS's dsyrk: each element of the upper
 * triangle a chain of fused multiply-adds per block of the summed axis, the blocks added in
 * sequence, then mirrored. Returns the n×n result, C order.
 */
export function syrk(data: Storage, off: number, rs: number, cs: number, n: number, k: number): Float64Array {
  const out = new Float64Array(n * n);
  const ends = depthBlocks(k);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let c = 0;
      let start = 0;
      for (const end of ends) {
        let acc = 0;
        for (let p = start; p < end; p++) acc = fma(data[off + i * rs + p * cs], data[off + j * rs + p * cs], acc);
        c += acc;
        start = end;
      }
      out[i * n + j] = c;
      out[j * n + i] = c;
    }
  }
  return out;
}

/** A strided float64 matrix: element (r, p) at data[off + r * rs + p * cs]. */
export interface Rows {
  data: Storage;
  off: number;
  rs: number;
  cs: number;
}

/** gemm's blocks of the summed axis (level3.c): Q at a time; a stretch under 2Q halved, rounded up to 16 (DGEMM_UNROLL_M). */
function gemmDepthBlocks(k: number): number[] {
  const ends: number[] = [];
  for (let ls = 0; ls < k;) {
    let len = k - ls;
    if (len >= 2 * GEMM_Q) len = GEMM_Q;
    else if (len > GEMM_Q) len = Math.floor((Math.floor(len / 2) + 15) / 16) * 16;
    ls += len;
    ends.push(ls);
  }
  return ends;
}

/** Sum over p of a's row r times b's row c, in `lanes` (8) interleaved chains of fused multiply-adds, the lanes zero-padded to a multiple of 8. */
function laneSums(a: Rows, r: number, b: Rows, c: number, k: number): Float64Array {
  const acc = new Float64Array(8);
  const padded = (k + 7) & ~7;
  for (let p = 0; p < padded; p++) {
    const l = p & 7;
    acc[l] = p < k ? fma(a.data[a.off + r * a.rs + p * a.cs], b.data[b.off + c * b.rs + p * b.cs], acc[l]) : fma(0, 0, acc[l]);
  }
  return acc;
}

/**
 * `A · Bᵀ` for float64 A (n×k) and B (m×k) as NumPy's `dot(A, B.T)` computes it with
 * OpenBLAS's dgemm when B is another buffer (dsyrk serves `dot(X, X.T)`). NumPy's row-major
 * call is a column-major "TN" product when A is C-contiguous (`layout` "tn"), "NT" when A is
 * Fortran-ordered and B's transpose C-contiguous ("nt"). OpenBLAS hands small products to its
 * AVX-512 kernels (dgemm_small_kernel_{tn,nt}_skylakex.c): TN's when k ≥ 32, m·n ≤ 1200 and
 * m·n·k ≤ 10⁶, eight lanes of fused multiply-adds per element folded as its REDUCE_4 (an
 * element in a block of four rows or columns) or `_mm512_reduce_add_pd` (the others) does;
 * NT's when m·n·k ≤ 10⁶, one chain over the whole summed axis. Otherwise the blocked kernel:
 * a chain per block of the summed axis, as {@link syrk}. Returns the n×m result, C order.
 */
export function gemmNT(a: Rows, n: number, b: Rows, m: number, k: number, layout: "tn" | "nt"): Float64Array {
  const out = new Float64Array(n * m);
  const fits = n * m * k <= 1e6;
  const lanes = layout === "tn" && fits && k >= 32 && n * m <= 1200;
  const ends = lanes ? [] : layout === "nt" && fits ? [k] : gemmDepthBlocks(k);
  // Column-major, OpenBLAS's rows i are NumPy's columns c (from 0 to m4 in blocks of four), its columns NumPy's rows r.
  const m4 = m & ~3;
  const n4 = n & ~3;
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < m; c++) {
      let v = 0;
      if (lanes) {
        const s = laneSums(b, c, a, r, k);
        v = c < m4 || r < n4 ? ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7])) : ((s[0] + s[4]) + (s[2] + s[6])) + ((s[1] + s[5]) + (s[3] + s[7]));
      } else {
        let start = 0;
        for (const end of ends) {
          let acc = 0;
          for (let p = start; p < end; p++) acc = fma(a.data[a.off + r * a.rs + p * a.cs], b.data[b.off + c * b.rs + p * b.cs], acc);
          v += acc;
          start = end;
        }
      }
      out[r * m + c] = v;
    }
  }
  return out;
}
