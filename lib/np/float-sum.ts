/**
 * NumPy's float summation, in its order: the pairwise sum (numpy/core/src/umath/
 * loops_utils.h.src, float32 in float32) and the order in which a reduction feeds it
 * (floatSum: the iteration order of order.ts, buffer-sized pieces, slices added in sequence).
 * reduce.ts builds sum, mean and var on it.
 */
import { allocate, allocateShaped, Storage } from "./dtype";
import { forEachLine, mergeAxes } from "./iterate";
import { iterationOrder } from "./order";
import { NDArray } from "./ndarray";
import { native, NATIVE_MIN } from "./native";
import { binaryKernel } from "./ufunc";
import { perStorage, storageKey } from "./specialise";

const PW_BLOCKSIZE = 128;

/** NumPy's pairwise summation of n elements of `a` from `off` with stride `st`. */
export function pairwiseSum(a: ArrayLike<number>, off: number, n: number, st: number): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[off + i * st];
    return res;
  }
  if (n <= PW_BLOCKSIZE) {
    let r0 = a[off], r1 = a[off + st], r2 = a[off + 2 * st], r3 = a[off + 3 * st];
    let r4 = a[off + 4 * st], r5 = a[off + 5 * st], r6 = a[off + 6 * st], r7 = a[off + 7 * st];
    const m = n - (n % 8);
    let i = 8;
    if (st === 1) {
      for (; i < m; i += 8) {
        const p = off + i;
        r0 += a[p]; r1 += a[p + 1]; r2 += a[p + 2]; r3 += a[p + 3];
        r4 += a[p + 4]; r5 += a[p + 5]; r6 += a[p + 6]; r7 += a[p + 7];
      }
    } else {
      for (; i < m; i += 8) {
        const p = off + i * st;
        r0 += a[p]; r1 += a[p + st]; r2 += a[p + 2 * st]; r3 += a[p + 3 * st];
        r4 += a[p + 4 * st]; r5 += a[p + 5 * st]; r6 += a[p + 6 * st]; r7 += a[p + 7 * st];
      }
    }
    let res = (r0 + r1 + (r2 + r3)) + (r4 + r5 + (r6 + r7));
    for (; i < n; i++) res += a[off + i * st];
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, off, n2, st) + pairwiseSum(a, off + n2 * st, n - n2, st);
}

/** The same in float32 arithmetic (NumPy sums float32 arrays in float32). */
export function pairwiseSumF32(a: ArrayLike<number>, off: number, n: number, st: number): number {
  const f = Math.fround;
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res = f(res + a[off + i * st]);
    return res;
  }
  if (n <= PW_BLOCKSIZE) {
    const r = new Array<number>(8);
    for (let j = 0; j < 8; j++) r[j] = a[off + j * st];
    const m = n - (n % 8);
    let i = 8;
    for (; i < m; i += 8) for (let j = 0; j < 8; j++) r[j] = f(r[j] + a[off + (i + j) * st]);
    let res = f(f(f(r[0] + r[1]) + f(r[2] + r[3])) + f(f(r[4] + r[5]) + f(r[6] + r[7])));
    for (; i < n; i++) res = f(res + a[off + i * st]);
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return f(pairwiseSumF32(a, off, n2, st) + pairwiseSumF32(a, off + n2 * st, n - n2, st));
}

/** Copies of the pairwise sums per storage class (specialise.ts). */
export const pairwiseSumFor = perStorage(pairwiseSum, { PW_BLOCKSIZE });
export const pairwiseSumF32For = perStorage(pairwiseSumF32, { PW_BLOCKSIZE });

/** NumPy processes long reductions in buffer-sized blocks of this many elements. */
export const BUFSIZE = 8192;

/**
 * How NumPy's reduction iterator walks x (see order.ts): `outer` are the axes longer than 1
 * outside `inner`, outermost first, and `inner` the run of reduced axes innermost in the
 * iteration order (empty when the innermost axis is a kept one); `reduced` counts the
 * reduced axes longer than 1.
 */
export interface SumOrder {
  outer: number[];
  inner: number[];
  reduced: number;
}

export function sumOrder(x: NDArray, axes: readonly number[]): SumOrder {
  const order = iterationOrder(x.shape, [x.nd.stride]).filter((d) => x.shape[d] > 1);
  let k = order.length;
  while (k > 0 && axes.includes(order[k - 1])) k--;
  return { outer: order.slice(0, k), inner: order.slice(k), reduced: order.filter((d) => axes.includes(d)).length };
}

/**
 * The pairwise sum of one piece (at most BUFSIZE elements): pieces of contiguous elements
 * long enough to pay for the call run in the C loop (native/np_reduce.c; its `0 + pairwise`
 * differs from the pairwise sum only by turning -0 into +0, which the caller's `acc +` does
 * anyway: acc starts at +0 and a sum from +0 never becomes -0).
 */
function pieceSum(data: Storage, f32: boolean): (a: Storage, off: number, n: number, st: number) => number {
  const js = (f32 ? pairwiseSumF32For : pairwiseSumFor)(data);
  const c = native;
  if (!c || !(data instanceof Float64Array || data instanceof Float32Array)) return js;
  const one = new Float64Array(1);
  return (a, off, n, st) => {
    if (st !== 1 || n < NATIVE_MIN) return js(a, off, n, st);
    if (f32) c.sumLinesF32(a as Float32Array, off, 1, n, 0, one, 0);
    else c.sumLines(a as Float64Array, off, 1, n, 0, one, 0);
    return one[0];
  };
}

/**
 * A float sum over `axes` in NumPy 1.24's order, into a new array of the kept axes (C order)
 * in x's dtype (float32 sums add in float32, as NumPy's).
 *
 * When the innermost axes of the iteration are reduced (`inner`), NumPy's inner loop is its
 * pairwise sum over each output's block of those axes, taken in buffer-sized pieces of
 * BUFSIZE elements from the block's start (the buffered iterator's "reduce inner size",
 * nditer_api.c `npyiter_checkreducesize`): acc += pairwise(piece). A block that is not one
 * strided line (its axes do not coalesce) is copied into the buffer a piece at a time, so
 * pieces run across its lines. The remaining reduced axes (in `outer`) repeat that, in the
 * iteration's order. When the innermost axis is kept, the inner loop is an elementwise
 * `out += slice`, so each output adds its elements one by one in the iteration's order.
 */
export function floatSum(x: NDArray, axes: readonly number[], order: SumOrder): NDArray {
  const kept = [...Array(x.ndim).keys()].filter((d) => !axes.includes(d));
  const outShape = kept.map((d) => x.shape[d]);
  const out = new NDArray(allocateShaped(x.dtype, outShape), outShape, x.dtype);
  if (x.size === 0) return out;
  const outStride = (d: number) => (axes.includes(d) ? 0 : out.nd.stride[kept.indexOf(d)]);
  const outer = order.outer;
  const ops = [
    { stride: outer.map((d) => x.nd.stride[d]), offset: x.nd.offset },
    { stride: outer.map(outStride), offset: 0 },
  ];
  const o = out.nd.data;
  const data = x.nd.data;
  if (order.inner.length === 0) {
    const add = binaryKernel("x + y", "none", storageKey(o, data, o));
    forEachLine(outer.map((d) => x.shape[d]), ops, (offs, n, st) => add(o, offs[1], st[1], data, offs[0], st[0], o, offs[1], st[1], n));
    return out;
  }
  const f32 = x.dtype === "float32";
  const pw = pieceSum(data, f32);
  const { dims, strides } = mergeAxes(order.inner.map((d) => x.shape[d]), [{ stride: order.inner.map((d) => x.nd.stride[d]), offset: 0 }]);
  const n = dims.reduce((a, b) => a * b, 1);
  let block: (off: number, acc: number) => number;
  if (dims.length === 1) {
    const st = strides[0][0];
    block = (off, acc) => {
      for (let s = 0; s < n; s += BUFSIZE) {
        const p = pw(data, off + s * st, Math.min(BUFSIZE, n - s), st);
        acc = f32 ? Math.fround(acc + p) : acc + p;
      }
      return acc;
    };
  } else {
    // Not one line: gather BUFSIZE elements at a time, as NumPy copies them into its buffer.
    const buf = allocate(x.dtype, Math.min(BUFSIZE, n));
    const pwBuf = pieceSum(buf, f32);
    const shape = [...dims].reverse();
    const stride = [...strides[0]].reverse();
    block = (off, acc) => {
      let fill = 0;
      forEachLine(shape, [{ stride, offset: off }], (o2, m, s2) => {
        for (let i = 0; i < m; ) {
          const take = Math.min(m - i, BUFSIZE - fill);
          const from = o2[0] + i * s2[0];
          if (s2[0] === 1 && take >= 64) buf.set(data.subarray(from, from + take), fill);
          else for (let k = 0; k < take; k++) buf[fill + k] = data[from + k * s2[0]];
          fill += take;
          i += take;
          if (fill === BUFSIZE) {
            acc = f32 ? Math.fround(acc + pwBuf(buf, 0, fill, 1)) : acc + pwBuf(buf, 0, fill, 1);
            fill = 0;
          }
        }
      });
      if (fill > 0) acc = f32 ? Math.fround(acc + pwBuf(buf, 0, fill, 1)) : acc + pwBuf(buf, 0, fill, 1);
      return acc;
    };
  }
  forEachLine(outer.map((d) => x.shape[d]), ops, (offs, m, st) => {
    for (let j = 0; j < m; j++) {
      const k = offs[1] + j * st[1];
      o[k] = block(offs[0] + j * st[0], o[k]);
    }
  });
  return out;
}
