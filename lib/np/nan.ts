/**
 * NaN-ignoring reductions, as NumPy writes them (numpy/lib/nanfunctions.py): NaNs are replaced
 * by 0 in a copy, which is then summed by the ordinary `sum` (so the float results are NumPy's
 * bit for bit), and `nanmean` divides by the count of non-NaN elements. Integer and bool
 * arrays hold no NaN: for them these are `sum` and `mean`. `nanmin` and `nanmax` of an array
 * are NumPy's `fmin.reduce` and `fmax.reduce`, in the order NumPy's loops compare (below).
 */
import { allocate, isIntegral, Storage } from "./dtype";
import { NDArray, NestedList, ReduceOptions } from "./ndarray";
import { asArrayArg } from "./creation";
import { max, mean, min, sum } from "./reduce";
import { checkAxis, runtimeWarning, ValueError } from "./errors";
import { forEachLine, mergeAxes } from "./iterate";
import { BUFSIZE, sumOrder } from "./float-sum";

/** A float copy with NaN replaced by 0, and the not-NaN mask as 0/1 float64 (summed for the count). */
function replaceNaN(x: NDArray): { zeroed: NDArray; valid: NDArray } {
  const zeroed = x.copy();
  const d = zeroed.nd.data;
  const valid = new NDArray(new Float64Array(d.length), x.shape, "float64");
  const v = valid.nd.data;
  for (let i = 0; i < d.length; i++) {
    if (d[i] !== d[i]) d[i] = 0;
    else v[i] = 1;
  }
  return { zeroed, valid };
}

/**
 * `np.nansum(a, axis?)`: the sum treating NaN as zero (0 for an all-NaN slice).
 * @example np.nansum(np.array([1, NaN, 2]))   // 3
 */
export function nansum(a: NDArray | NestedList, options?: ReduceOptions | number): NDArray | number {
  const x = asArrayArg(a, "nansum: a");
  if (isIntegral(x.dtype)) return sum(x, options);
  return sum(replaceNaN(x).zeroed, options);
}

/**
 * `np.nanmean(a, axis?)`: the mean of the non-NaN elements. An all-NaN slice gives NaN and
 * prints NumPy's `RuntimeWarning: Mean of empty slice`.
 * @example np.nanmean(np.array([[1, NaN], [3, 4]]), { axis: 0 })   // array([2., 4.])
 */
export function nanmean(a: NDArray | NestedList, options?: ReduceOptions | number): NDArray | number {
  const x = asArrayArg(a, "nanmean: a");
  if (isIntegral(x.dtype)) return mean(x, options);
  const { zeroed, valid } = replaceNaN(x);
  const tot = sum(zeroed, options);
  const cnt = sum(valid, options);
  const f32 = x.dtype === "float32";
  if (typeof tot === "number") {
    if (cnt === 0) runtimeWarning("Mean of empty slice");
    const m = tot / (cnt as number);
    return f32 ? Math.fround(m) : m;
  }
  const c = cnt as NDArray;
  if (c.eq(0).any()) runtimeWarning("Mean of empty slice");
  // NumPy divides into the sum's own array (float32 stays float32), unsafe casting.
  const out = tot.copy();
  const od = out.nd.data;
  const cd = c.nd.data;
  for (let i = 0; i < od.length; i++) od[i] = od[i] / cd[i];
  return out;
}

/*
 * nanmin and nanmax. For an array NumPy runs fmin.reduce (fmax.reduce): its result differs
 * from a plain minimum only in which of 0.0 and -0.0 wins a tie, and that depends on the order
 * of the comparisons, which lazylab follows as NumPy 1.24 runs them on AVX-512 CPUs
 * (numpy/core/src/umath/loops_minmax.dispatch.c.src; the reduction's iteration as for sums,
 * float-sum.ts): a contiguous line in 8 (float32: 16) lanes, 8 vectors a step, then one
 * vector a step, the lanes folded in GCC's _mm512_reduce_min_pd order, the rest one by one; a
 * strided line in 8 scalar accumulators, folded as a tree; a kept innermost axis elementwise.
 * Vector lanes keep the second of equal values (vminpd). The scalar steps are C's fmin, whose
 * choice between equal values C leaves open: Debian's build of NumPy 1.24.2 keeps the first in
 * the contiguous loop's last elements, in the strided loop's accumulators and in some of its
 * tree steps (FIRST_* below), the second elsewhere. That was measured with a tie at each step;
 * test/np-numpy-names.test.ts checks it, on lines of every length to 300 and on views.
 */

type Pick = (a: number, b: number) => number;

/** The second of equal values, and the non-NaN one: a vector lane's (vminpd), and fmin(a, b)'s. */
const LATER: Record<"min" | "max", Pick> = {
  min: (a, b) => (b !== b ? a : a < b ? a : b),
  max: (a, b) => (b !== b ? a : a > b ? a : b),
};
/** The first of equal values, and the non-NaN one: fmin(b, a). */
const EARLIER: Record<"min" | "max", Pick> = {
  min: (a, b) => (b !== b ? a : a !== a ? b : b < a ? b : a),
  max: (a, b) => (b !== b ? a : a !== a ? b : b > a ? b : a),
};

/** Which of the strided loop's seven tree steps (m0∘m1, m2∘m3, m4∘m5, m6∘m7, m0∘m2, m4∘m6, m0∘m4) keep the first of equal values. */
const FIRST_F64 = [true, true, true, true, false, false, false];
const FIRST_F32 = [false, false, false, true, false, false, false];

/**
 * GCC's _mm512_reduce_min_pd (_ps) on NaN-free lanes, vminpd keeping the second of equal
 * values: the high half against the low twice (8 → 4 → 2 lanes; float32 16 → 8 → 4, then
 * lanes 0 and 1 against 2 and 3), then lane 0 against lane 1.
 */
function foldLanes(v: Float64Array, isMax: boolean): number {
  const vm = isMax ? (a: number, b: number) => (a > b ? a : b) : (a: number, b: number) => (a < b ? a : b);
  const t = Float64Array.from(v);
  let n = t.length;
  for (let h = 0; h < 2; h++) {
    n /= 2;
    for (let k = 0; k < n; k++) t[k] = vm(t[n + k], t[k]);
  }
  if (n === 4) [t[0], t[1]] = [vm(t[0], t[2]), vm(t[1], t[3])];
  return vm(t[0], t[1]);
}

/** npyv_reduce_minp: lane 0 when every lane is NaN, else the NaN lanes as +inf (-inf) folded. */
function reduceLanes(acc: Float64Array, isMax: boolean): number {
  if (acc.every((v) => v !== v)) return acc[0];
  const fill = isMax ? -Infinity : Infinity;
  return foldLanes(acc.map((v) => (v !== v ? fill : v)), isMax);
}

/** NumPy's simd_reduce_c: `out` folded with the n contiguous elements from `off`. */
function contiguousLine(a: Storage, off: number, n: number, out: number, isMax: boolean, lanes: number): number {
  if (n < 1) return out;
  const v = LATER[isMax ? "max" : "min"];
  const acc = new Float64Array(lanes).fill(out);
  let i = 0;
  for (; n - i >= 8 * lanes; i += 8 * lanes) {
    for (let k = 0; k < lanes; k++) {
      const p = off + i + k;
      const r01 = v(a[p], a[p + lanes]);
      const r23 = v(a[p + 2 * lanes], a[p + 3 * lanes]);
      const r45 = v(a[p + 4 * lanes], a[p + 5 * lanes]);
      const r67 = v(a[p + 6 * lanes], a[p + 7 * lanes]);
      acc[k] = v(acc[k], v(v(r01, r23), v(r45, r67)));
    }
  }
  for (; n - i >= lanes; i += lanes) for (let k = 0; k < lanes; k++) acc[k] = v(acc[k], a[off + i + k]);
  let r = reduceLanes(acc, isMax);
  const first = EARLIER[isMax ? "max" : "min"];
  for (; i < n; i++) r = first(r, a[off + i]);
  return r;
}

/** NumPy's scalar reduce loop for strided input: 8 accumulators from 8 elements on, folded as a tree, then one by one. */
function stridedLine(a: Storage, off: number, n: number, st: number, out: number, isMax: boolean, f32: boolean): number {
  const later = LATER[isMax ? "max" : "min"];
  const first = EARLIER[isMax ? "max" : "min"];
  let i = 0;
  if (n >= 8) {
    const m = new Float64Array(8);
    for (let k = 0; k < 8; k++) m[k] = a[off + k * st];
    for (i = 8; i + 8 <= n; i += 8) for (let k = 0; k < 8; k++) m[k] = first(m[k], a[off + (i + k) * st]);
    const tie = f32 ? FIRST_F32 : FIRST_F64;
    const step = (s: number, x: number, y: number) => (tie[s] ? first : later)(x, y);
    m[0] = step(0, m[0], m[1]);
    m[2] = step(1, m[2], m[3]);
    m[4] = step(2, m[4], m[5]);
    m[6] = step(3, m[6], m[7]);
    m[0] = step(4, m[0], m[2]);
    m[4] = step(5, m[4], m[6]);
    m[0] = step(6, m[0], m[4]);
    out = later(out, m[0]);
  }
  for (; i < n; i++) out = later(out, a[off + i * st]);
  return out;
}

/**
 * fmin.reduce (fmax.reduce) of a float array over `axes`: each output in the kept axes' C order.
 * Each output starts as its first element (NumPy copies it, having no identity), and the first
 * visit to it skips that element.
 */
function fminReduce(x: NDArray, axes: readonly number[], isMax: boolean): Float64Array {
  const kept = [...Array(x.ndim).keys()].filter((d) => !axes.includes(d));
  const values = new Float64Array(kept.reduce((p, d) => p * x.shape[d], 1));
  if (x.size === 0) return values;
  const outStride = new Array<number>(x.ndim).fill(0);
  for (let k = kept.length - 1, step = 1; k >= 0; step *= x.shape[kept[k]], k--) outStride[kept[k]] = step;
  const seen = new Uint8Array(values.length);
  const data = x.nd.data;
  const f32 = x.dtype === "float32";
  const later = LATER[isMax ? "max" : "min"];
  const order = sumOrder(x, axes);
  const outer = order.outer;
  const ops = [
    { stride: outer.map((d) => x.nd.stride[d]), offset: x.nd.offset },
    { stride: outer.map((d) => outStride[d]), offset: 0 },
  ];
  if (order.inner.length === 0) {
    // The innermost axis is kept: NumPy's loop is elementwise, out = fmin(out, slice).
    forEachLine(outer.map((d) => x.shape[d]), ops, (offs, n, st) => {
      for (let j = 0; j < n; j++) {
        const k = offs[1] + j * st[1];
        const v = data[offs[0] + j * st[0]];
        if (seen[k]) values[k] = later(values[k], v);
        else [values[k], seen[k]] = [v, 1];
      }
    });
    return values;
  }
  const { dims, strides } = mergeAxes(order.inner.map((d) => x.shape[d]), [{ stride: order.inner.map((d) => x.nd.stride[d]), offset: 0 }]);
  const n = dims.reduce((p, m) => p * m, 1);
  const lanes = f32 ? 16 : 8;
  // The offset of the block's element i (dims and strides innermost first).
  const offsetOf = (off: number, i: number) => {
    for (let d = 0; d < dims.length; d++) {
      off += (i % dims[d]) * strides[0][d];
      i = Math.floor(i / dims[d]);
    }
    return off;
  };
  const line = dims[0];
  const lineStride = strides[0][0];
  const buf = allocate(x.dtype, Math.min(BUFSIZE, n));
  // NumPy's buffered iterator takes each output's block in pieces of BUFSIZE elements from its
  // start. A piece within one line is reduced where it lies (the contiguous loop for stride 1,
  // else the strided one); a piece across lines is copied into the buffer (nditer_api.c,
  // npyiter_copy_to_buffers: "is_onestride") and reduced there by the contiguous loop.
  const block = (off: number, k: number) => {
    let start = 0;
    if (!seen[k]) [values[k], seen[k], start] = [data[off], 1, 1];
    for (let s = 0; s < n; s += BUFSIZE) {
      const end = Math.min(s + BUFSIZE, n);
      const from = Math.max(s, start);
      if ((s % line) + (end - s) <= line) {
        if (end > from) {
          const o = offsetOf(off, from);
          values[k] = lineStride === 1 ? contiguousLine(data, o, end - from, values[k], isMax, lanes) : stridedLine(data, o, end - from, lineStride, values[k], isMax, f32);
        }
        continue;
      }
      for (let i = s; i < end; i++) buf[i - s] = data[offsetOf(off, i)];
      values[k] = contiguousLine(buf, from - s, end - from, values[k], isMax, lanes);
    }
  };
  forEachLine(outer.map((d) => x.shape[d]), ops, (offs, m, st) => {
    for (let j = 0; j < m; j++) block(offs[0] + j * st[0], offs[1] + j * st[1]);
  });
  return values;
}

/** NumPy's normalize_axis_tuple for nanmin/nanmax: AxisError out of range, TypeError for a non-integer, ValueError on a repeat. */
function reducedAxes(axis: ReduceOptions["axis"], ndim: number): number[] {
  if (axis === undefined || axis === null) return [...Array(ndim).keys()];
  const list = typeof axis === "number" ? [axis] : [...axis];
  const axes = list.map((a) => {
    if (typeof a !== "number" || !Number.isInteger(a)) throw new TypeError(`'${typeof a === "number" ? "float" : typeof a}' object cannot be interpreted as an integer`);
    return checkAxis(a, ndim, "axis");
  });
  if (new Set(axes).size !== axes.length) throw new ValueError("duplicate value in 'axis'");
  return axes.sort((p, q) => p - q);
}

/** A bool array's scalar result as a boolean (NumPy's `np.True_`), as `any` and `all` give. */
function boolScalar(x: NDArray, r: NDArray | number): NDArray | number | boolean {
  return typeof r === "number" && x.dtype === "bool" ? r !== 0 : r;
}

function nanExtreme(a: NDArray | NestedList, options: ReduceOptions | number | undefined, isMax: boolean): NDArray | number | boolean {
  const o: ReduceOptions = typeof options === "number" ? { axis: options } : (options ?? {});
  const x = asArrayArg(a, isMax ? "nanmax: a" : "nanmin: a");
  const axes = reducedAxes(o.axis, x.ndim);
  const keepdims = !!o.keepdims;
  if (!(a instanceof NDArray)) return nanExtremeOfList(x, axes, keepdims, isMax);
  if (axes.some((d) => x.shape[d] === 0)) throw new ValueError(`zero-size array to reduction operation ${isMax ? "fmax" : "fmin"} which has no identity`);
  // Integers and bools hold no NaN, and their equal values are alike: the plain reduction.
  if (isIntegral(x.dtype)) return boolScalar(x, (isMax ? max : min)(x, { axis: axes, keepdims }));
  const values = fminReduce(x, axes, isMax);
  if (values.some((v) => v !== v)) runtimeWarning("All-NaN slice encountered");
  if (axes.length === x.ndim && !keepdims) return values[0];
  const shape = x.shape.map((n, d) => (axes.includes(d) ? 1 : n)).filter((_, d) => keepdims || !axes.includes(d));
  const out = new NDArray(allocate(x.dtype, values.length), shape, x.dtype);
  out.nd.data.set(values);
  return out;
}

/**
 * NumPy's nanmin/nanmax of what is not an array (a list, a number): NaN replaced by +inf
 * (-inf), `amin` (`amax`), and NaN put back where a slice was all NaN, with NumPy's other
 * warning for this path, "All-NaN axis encountered".
 */
function nanExtremeOfList(x: NDArray, axes: number[], keepdims: boolean, isMax: boolean): NDArray | number | boolean {
  if (axes.some((d) => x.shape[d] === 0)) throw new ValueError(`zero-size array to reduction operation ${isMax ? "maximum" : "minimum"} which has no identity`);
  const opts = { axis: axes, keepdims };
  if (isIntegral(x.dtype)) return boolScalar(x, (isMax ? max : min)(x, opts));
  const nan = x.copy();
  const d = nan.nd.data;
  const mask = new NDArray(new Uint8Array(d.length), x.shape, "bool");
  for (let i = 0; i < d.length; i++) {
    if (d[i] !== d[i]) [d[i], mask.nd.data[i]] = [isMax ? -Infinity : Infinity, 1];
  }
  const res = (isMax ? max : min)(nan, opts);
  const allNaN = mask.all(opts);
  if (typeof allNaN === "boolean") {
    if (!allNaN) return res;
    runtimeWarning("All-NaN axis encountered");
    return NaN;
  }
  if (!allNaN.any()) return res;
  const r = res as NDArray;
  const m = allNaN.nd.data;
  for (let i = 0; i < m.length; i++) if (m[i]) r.nd.data[i] = NaN;
  runtimeWarning("All-NaN axis encountered");
  return r;
}

/**
 * `np.nanmin(a, axis?)`: the minimum ignoring NaN (`{ axis, keepdims }` as for `min`). An
 * all-NaN slice gives NaN and prints NumPy's `RuntimeWarning: All-NaN slice encountered`
 * ("All-NaN axis encountered" for a list, as NumPy words it there).
 * Integer and bool arrays are `min` (a bool array's scalar result a boolean, as NumPy's
 * `np.True_`). Which of 0.0 and -0.0 a tie gives is NumPy's too (above).
 * @example np.nanmin(np.array([[1, NaN], [NaN, NaN]]), { axis: 1 })   // array([ 1., nan]), and the warning
 */
export function nanmin(a: NDArray | NestedList, options?: ReduceOptions | number): NDArray | number | boolean {
  return nanExtreme(a, options, false);
}

/**
 * `np.nanmax(a, axis?)`: the maximum ignoring NaN (as {@link nanmin}).
 * @example np.nanmax(np.array([3, NaN, 5]))   // 5
 */
export function nanmax(a: NDArray | NestedList, options?: ReduceOptions | number): NDArray | number | boolean {
  return nanExtreme(a, options, true);
}
