/**
 * Reductions over axes: sum, mean, min, max, std, var, prod, argmin, argmax, any, all.
 *
 * Float sums, means, variances and products follow NumPy's order, so results match its bits
 * on views too (test/np-sum-order.test.ts): the axes in NumPy's iteration order (order.ts);
 * reduced axes innermost in that order are summed pairwise in 8-wide blocks, a buffer of 8192
 * elements at a time; otherwise whole slices are added in sequence (floatSum).
 */
import { allocate, DType, isIntegral } from "./dtype";
import { isUnsigned } from "./casting";
import { forEachLine } from "./iterate";
import { emptyLikeKeepOrder, iterationOrder } from "./order";
import { BUFSIZE, floatSum, pairwiseSumFor, sumOrder } from "./float-sum";
import { isCContiguous, NDArray, normaliseAxis, ReduceOptions } from "./ndarray";
import { native, NATIVE_MIN } from "./native";
import { ExactAcc, exactProdLineFor, exactSumLineFor, exactValue } from "./int-exact";
import { assign } from "./ufunc";

function parseOptions(x: NDArray, options: ReduceOptions | number | undefined, what: string): { axes: number[]; keepdims: boolean; all: boolean } {
  const o: ReduceOptions = typeof options === "number" ? { axis: options } : (options ?? {});
  const ndim = x.ndim;
  if (o.axis === undefined || o.axis === null) return { axes: [...Array(ndim).keys()], keepdims: !!o.keepdims, all: true };
  const list = typeof o.axis === "number" ? [o.axis] : [...o.axis];
  const axes = list.map((a) => normaliseAxis(a, ndim, what));
  if (new Set(axes).size !== axes.length) throw new RangeError(`${what}: duplicate value in axis ${JSON.stringify(o.axis)}`);
  return { axes: axes.sort((a, b) => a - b), keepdims: !!o.keepdims, all: axes.length === ndim };
}

/** The reduced shape, with or without the reduced axes kept as 1. */
function reducedShape(shape: readonly number[], axes: readonly number[], keepdims: boolean): number[] {
  const out: number[] = [];
  shape.forEach((n, d) => {
    if (!axes.includes(d)) out.push(n);
    else if (keepdims) out.push(1);
  });
  return out;
}

/** A view with the kept axes first and the reduced axes last. */
function moveReducedLast(x: NDArray, axes: readonly number[]): NDArray {
  const kept = [...Array(x.ndim).keys()].filter((d) => !axes.includes(d));
  return x.transpose([...kept, ...axes]);
}

type LineReducer<A = number> = (data: ArrayLike<number>, off: number, n: number, st: number, acc: A) => A;

/**
 * Generic reduction: for each output position, folds the reduced block line by line with
 * `line` (which gets the running accumulator). Returns a flat Float64Array of results.
 */
function foldBlocks<A = number>(x: NDArray, axes: readonly number[], init: A, line: LineReducer<A>, value?: (acc: A) => number): { values: Float64Array; outShape: number[] } {
  const v = moveReducedLast(x, axes);
  const k = x.ndim - axes.length;
  const outShape = v.shape.slice(0, k);
  const inner = v.shape.slice(k);
  const innerStride = v.nd.stride.slice(k);
  const outerStride = v.nd.stride.slice(0, k);
  const nOut = outShape.reduce((a, b) => a * b, 1);
  const values = new Float64Array(nOut);
  const data = v.nd.data;
  let idx = 0;
  forEachLine(outShape.length ? outShape : [1], [{ stride: outShape.length ? outerStride : [0], offset: v.nd.offset }], (off, n, st) => {
    for (let j = 0; j < n; j++) {
      let acc = init;
      forEachLine(inner, [{ stride: innerStride, offset: off[0] + j * st[0] }], (o2, m, s2) => {
        acc = line(data, o2[0], m, s2[0], acc);
      });
      values[idx++] = value ? value(acc) : (acc as number);
    }
  });
  return { values, outShape };
}

function finish(values: Float64Array, outShape: number[], dtype: DType, x: NDArray, axes: readonly number[], opts: { keepdims: boolean; all: boolean }): NDArray | number {
  if (dtype === "uint64") values = values.map((v) => (v < 0 ? v + 2 ** 64 : v)); // int-exact.ts wraps as int64
  if (opts.all && !opts.keepdims) return values[0];
  const shape = reducedShape(x.shape, axes, opts.keepdims);
  const out = new NDArray(allocate(dtype, values.length), shape, dtype);
  out.nd.data.set(dtype === "bool" ? values.map((v) => (v !== 0 ? 1 : 0)) : values);
  void outShape;
  return out;
}

/** NumPy's sum and prod dtype: the platform integer for integers, its unsigned twin for unsigned ones. */
function sumDType(d: DType): DType {
  return isUnsigned(d) ? "uint64" : isIntegral(d) ? "int64" : d;
}

/** Sum over axes, NumPy's summation order. */
export function sum(x: NDArray, options?: ReduceOptions | number): NDArray | number {
  const opts = parseOptions(x, options, "sum");
  const dtype = sumDType(x.dtype);
  return sumAs(x, opts, dtype);
}

function sumAs(x: NDArray, opts: { axes: number[]; keepdims: boolean; all: boolean }, dtype: DType): NDArray | number {
  const axes = opts.axes;
  if (isIntegral(x.dtype)) {
    // Integers add exactly, wrapping like int64 (int-exact.ts); the order does not matter.
    const sumLine = exactSumLineFor(x.nd.data);
    if (native && x.nd.data instanceof Uint8Array) {
      // bool and uint8: the C byte sums (exact in 64 bits), one call per run of lines.
      const flat = opts.all && x.isContiguous;
      const values = lineReduce<Uint8Array>(x, flat ? [0] : axes, flat, (data, off, lines, m, st, vals, idx) => native!.sumBytesLines(data, off, lines, m, st, vals, idx), (data, off, m) => exactValue(sumLine(data, off, m, 1, 0)));
      if (values) return finish(values, [], dtype, x, axes, opts);
    }
    const { values, outShape } = foldBlocks<ExactAcc>(x, axes, 0, sumLine, exactValue);
    return finish(values, outShape, dtype, x, axes, opts);
  }
  const float64 = x.dtype === "float64" && native && x.size > 0;
  // A C-contiguous array summed whole: its one line, before the order of the general case is
  // worked out (which cost `m.sum()` of 20x30 as much as the sum, and 13 ms of compiling).
  if (float64 && opts.all && x.isContiguous) return finish(nativeSum(x, [0], true)!, [], dtype, x, axes, opts);
  const order = sumOrder(x, axes);
  if (float64) {
    // The C loops where each output's elements are one contiguous line (or, for an outer
    // axis of a C-contiguous array, rows added in sequence): the same order as floatSum.
    const lines = order.inner.length === order.reduced ? nativeSum(x, axes, false) : null;
    if (lines) return finish(lines, [], dtype, x, axes, opts);
    if (order.inner.length === 0 && axes.length === 1) {
      const rows = rowReduce(x, axes[0], 0, (data, off, r, m, st, values, idx) => native!.addRows(data, off, r, m, st, values, idx));
      if (rows) return finish(rows, [], dtype, x, axes, opts);
    }
  }
  return finishArray(floatSum(x, axes, order), x, axes, opts);
}

/**
 * Float64 sums in the C loops (native.ts) when the reduced axes form one contiguous block
 * per output element; null otherwise. Same order as the JavaScript path: blocks of BUFSIZE
 * summed pairwise, added to the accumulator in sequence.
 */
function nativeSum(x: NDArray, axes: readonly number[], flat: boolean): Float64Array | null {
  const pw = pairwiseSumFor(x.nd.data);
  return lineReduce(x, axes, flat, (data, off, lines, m, st, values, idx) => native!.sumLines(data, off, lines, m, st, values, idx), (data, off, m) => {
    let acc = 0;
    for (let s = 0; s < m; s += BUFSIZE) acc += pw(data, off + s, Math.min(BUFSIZE, m - s), 1);
    return acc;
  });
}

type LinesCall<D = Float64Array> = (data: D, off: number, lines: number, m: number, stride: number, values: Float64Array, idx: number) => void;

/**
 * A float64 reduction whose reduced axes form one contiguous line of m elements per output:
 * runs of such lines (a constant stride apart) go to `nativeLines` in one call, short ones to
 * `jsLine`. Returns the outputs in C order, or null when the reduced elements are not one
 * contiguous line per output.
 */
function lineReduce<D extends Float64Array | Uint8Array = Float64Array>(x: NDArray, axes: readonly number[], flat: boolean, nativeLines: LinesCall<D>, jsLine: (data: D, off: number, m: number) => number): Float64Array | null {
  if (flat) {
    // A C-contiguous array reduced whole (callers pass `flat` for no other): one line of all its
    // elements, the call the general path below makes for it, without its views and walk
    // (`m.sum()` of 20x30 took 4.5 µs, NumPy's 1.6).
    const m = x.size, data = x.nd.data as D, values = new Float64Array(1);
    if (m >= NATIVE_MIN) nativeLines(data, x.nd.offset, 1, m, 0, values, 0);
    else values[0] = jsLine(data, x.nd.offset, m);
    return values;
  }
  const v = moveReducedLast(x, axes);
  const k = v.ndim - axes.length;
  const inner = v.shape.slice(k);
  if (!isCContiguous(inner, v.nd.stride.slice(k))) return null;
  const m = inner.reduce((a, b) => a * b, 1);
  const outShape = v.shape.slice(0, k);
  const values = new Float64Array(outShape.reduce((a, b) => a * b, 1));
  const data = v.nd.data as D;
  let idx = 0;
  forEachLine(outShape.length ? outShape : [1], [{ stride: outShape.length ? v.nd.stride.slice(0, k) : [0], offset: v.nd.offset }], (off, n, st) => {
    if (st[0] >= 0 && n * m >= NATIVE_MIN) {
      nativeLines(data, off[0], n, m, st[0], values, idx);
      idx += n;
      return;
    }
    for (let j = 0; j < n; j++) values[idx++] = jsLine(data, off[0] + j * st[0], m);
  });
  return values;
}

/**
 * A reduction over one outer axis of a C-contiguous float64 array, row by row as NumPy does
 * it: for each block before the axis, `rows` rows of `inner` elements folded into the outputs
 * in order by the C loop `foldRows` (outputs start at `init`). Null when x is not
 * C-contiguous or too small for the C loops to pay.
 */
function rowReduce(x: NDArray, axis: number, init: number, foldRows: LinesCall): Float64Array | null {
  if (!native || x.dtype !== "float64" || !x.isContiguous || x.size < NATIVE_MIN) return null;
  const outer = x.shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const rows = x.shape[axis];
  const inner = x.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const values = new Float64Array(outer * inner);
  if (init !== 0) values.fill(init);
  for (let o = 0; o < outer; o++) foldRows(x.nd.data as Float64Array, x.nd.offset + o * rows * inner, rows, inner, inner, values, o * inner);
  return values;
}

function finishArray(acc: NDArray, x: NDArray, axes: readonly number[], opts: { keepdims: boolean; all: boolean }): NDArray | number {
  if (opts.all && !opts.keepdims) return acc.item();
  return opts.keepdims ? acc.reshape(reducedShape(x.shape, axes, true)) : acc;
}

function count(x: NDArray, axes: readonly number[]): number {
  return axes.reduce((p, a) => p * x.shape[a], 1);
}

/**
 * The divisor NumPy's `mean` and `var` use for an array result: `true_divide(sum, n)` with n
 * an integer scalar runs the loop of the sum's dtype, so float32 divides by float32(n).
 * A scalar result divides in float64 and rounds back (`ret.dtype.type(ret / rcount)`).
 */
function divisor(dtype: DType, n: number): number {
  return dtype === "float32" ? Math.fround(n) : n;
}

/** A scalar of `dtype` (float32 results are rounded to float32, as NumPy returns them). */
function scalarOf(dtype: DType, v: number): number {
  return dtype === "float32" ? Math.fround(v) : v;
}

/**
 * The float array mean and var sum: x itself, or for integers a float64 copy in x's iteration
 * order (order.ts), which NumPy's casting reduction walks in the same order as x.
 */
function floatSource(x: NDArray): NDArray {
  if (!isIntegral(x.dtype)) return x;
  const f = emptyLikeKeepOrder(x, "float64");
  assign(f, x);
  return f;
}

/** Arithmetic mean (float64 for integer input, like NumPy; float32 sums in float32). */
export function mean(x: NDArray, options?: ReduceOptions | number): NDArray | number {
  const opts = parseOptions(x, options, "mean");
  const n = count(x, opts.axes);
  const src = floatSource(x);
  const s = sumAs(src, opts, src.dtype);
  if (typeof s === "number") return scalarOf(src.dtype, s / n);
  return s.div(divisor(s.dtype, n), s);
}

/**
 * Variance with `ddof`: NumPy's two-pass formula, step for step (numpy/core/_methods.py
 * `_var`): the mean with keepdims, `x - mean` into an array laid out in x's iteration order
 * (order.ts), squared in place, summed in that array's order, divided by max(n - ddof, 0).
 */
export function variance(x: NDArray, options?: (ReduceOptions & { ddof?: number }) | number): NDArray | number {
  const o = typeof options === "number" ? { axis: options } : (options ?? {});
  const opts = parseOptions(x, o, "var");
  const n = count(x, opts.axes);
  const src = floatSource(x);
  const m = sumAs(src, { ...opts, keepdims: true, all: false }, src.dtype) as NDArray;
  m.div(divisor(m.dtype, n), m);
  const fused = deviationSums(src, opts, m);
  let s: NDArray | number;
  if (fused) s = finish(fused, [], "float64", src, opts.axes, opts);
  else {
    const d = src.sub(m, emptyLikeKeepOrder(src));
    d.mul(d, d);
    s = sumAs(d, opts, d.dtype);
  }
  const div = Math.max(n - (o.ddof ?? 0), 0);
  if (typeof s === "number") return scalarOf(src.dtype, s / div);
  return s.div(divisor(s.dtype, div), s);
}

/**
 * var's sums of squared deviations in one pass over x, without the array `x - mean` (the C
 * loop computes each deviation and its square in registers: native/np_reduce.c,
 * deviationSumLines), where that array's sum would have been one C-ordered line per output:
 * x C-contiguous float64 reduced over all axes or over its last ones. The same operations in
 * the same order, so the same bits as the three passes; null elsewhere (the three passes run).
 */
function deviationSums(x: NDArray, opts: { axes: number[]; all: boolean }, means: NDArray): Float64Array | null {
  if (!native || x.dtype !== "float64" || !x.isContiguous || x.size < NATIVE_MIN) return null;
  const k = opts.axes.length;
  if (!opts.all && opts.axes.some((a, i) => a !== x.ndim - k + i)) return null;
  const n = opts.axes.reduce((p, a) => p * x.shape[a], 1);
  const lines = x.size / n;
  const values = new Float64Array(lines);
  native.deviationSumLines(x.nd.data as Float64Array, x.nd.offset, lines, n, n, means.nd.data as Float64Array, means.nd.offset, values, 0);
  return values;
}

/** Standard deviation: the square root of `var`. */
export function std(x: NDArray, options?: (ReduceOptions & { ddof?: number }) | number): NDArray | number {
  const v = variance(x, options);
  return typeof v === "number" ? scalarOf(x.dtype === "float32" ? "float32" : "float64", Math.sqrt(v)) : v.sqrt(v);
}

function checkNonEmpty(x: NDArray, axes: readonly number[], what: string): void {
  if (count(x, axes) === 0) throw new RangeError(`zero-size array to reduction operation ${what} which has no identity`);
}

/** Minimum (NaN propagates). */
export function min(x: NDArray, options?: ReduceOptions | number): NDArray | number {
  return minMax(x, options, false);
}

/** Maximum (NaN propagates). */
export function max(x: NDArray, options?: ReduceOptions | number): NDArray | number {
  return minMax(x, options, true);
}

/**
 * min/max: the first NaN wins, and of equal values the first is kept (as NumPy's sequential
 * loops; it decides between -0.0 and 0.0). Float64 lines and rows go to the C loops, which
 * give the same results (native/np_reduce.c).
 */
function minMax(x: NDArray, options: ReduceOptions | number | undefined, isMax: boolean): NDArray | number {
  const what = isMax ? "max" : "min";
  const opts = parseOptions(x, options, what);
  checkNonEmpty(x, opts.axes, isMax ? "maximum" : "minimum");
  const init = isMax ? -Infinity : Infinity;
  const better = isMax ? (v: number, acc: number) => !(v <= acc) : (v: number, acc: number) => !(v >= acc);
  const line: LineReducer = (a, off, n, st, acc) => {
    if (acc !== acc) return acc; // a NaN from an earlier line of the same output stays
    for (let i = 0; i < n; i++) {
      const v = a[off + i * st];
      if (better(v, acc)) acc = v;
      if (acc !== acc) return acc;
    }
    return acc;
  };
  if (x.dtype === "float64" && native) {
    const flat = opts.all && x.isContiguous;
    const values =
      lineReduce(x, flat ? [0] : opts.axes, flat, (data, off, lines, m, st, vals, idx) => native!.minMaxLines(isMax, data, off, lines, m, st, vals, idx), (data, off, m) => line(data, off, m, 1, init)) ??
      (opts.axes.length === 1 ? rowReduce(x, opts.axes[0], init, (data, off, r, m, st, vals, idx) => native!.minMaxRows(isMax, data, off, r, m, st, vals, idx)) : null);
    if (values) return finish(values, [], x.dtype, x, opts.axes, opts);
  }
  const { values, outShape } = foldBlocks(x, opts.axes, init, line);
  return finish(values, outShape, x.dtype, x, opts.axes, opts);
}

/** Product. */
export function prod(x: NDArray, options?: ReduceOptions | number): NDArray | number {
  const opts = parseOptions(x, options, "prod");
  // Floats multiply one by one in NumPy's iteration order (order.ts), float32 in float32.
  const f32 = x.dtype === "float32";
  const { values, outShape } = isIntegral(x.dtype)
    ? foldBlocks<ExactAcc>(x, opts.axes, 1, exactProdLineFor(x.nd.data), exactValue)
    : foldBlocks(x, iterationOrder(x.shape, [x.nd.stride]).filter((d) => opts.axes.includes(d)), 1, (a, off, n, st, acc) => {
        if (f32) for (let i = 0; i < n; i++) acc = Math.fround(acc * a[off + i * st]);
        else for (let i = 0; i < n; i++) acc *= a[off + i * st];
        return acc;
      });
  return finish(values, outShape, sumDType(x.dtype), x, opts.axes, opts);
}

/** True where any element is non-zero. */
export function any(x: NDArray, options?: ReduceOptions | number): NDArray | boolean {
  const opts = parseOptions(x, options, "any");
  const { values, outShape } = foldBlocks(x, opts.axes, 0, (a, off, n, st, acc) => {
    if (acc) return acc;
    for (let i = 0; i < n; i++) if (a[off + i * st] !== 0) return 1;
    return 0;
  });
  const r = finish(values, outShape, "bool", x, opts.axes, opts);
  return typeof r === "number" ? r !== 0 : r;
}

/** True where every element is non-zero. */
export function all(x: NDArray, options?: ReduceOptions | number): NDArray | boolean {
  const opts = parseOptions(x, options, "all");
  const { values, outShape } = foldBlocks(x, opts.axes, 1, (a, off, n, st, acc) => {
    if (!acc) return acc;
    for (let i = 0; i < n; i++) if (a[off + i * st] === 0) return 0;
    return 1;
  });
  const r = finish(values, outShape, "bool", x, opts.axes, opts);
  return typeof r === "number" ? r !== 0 : r;
}

function argReduce(x: NDArray, options: { axis?: number } | number | undefined, what: string, better: (v: number, best: number) => boolean): NDArray | number {
  const axis = typeof options === "number" ? options : options?.axis;
  const src = axis === undefined ? x.ravel() : x;
  const ax = axis === undefined ? 0 : normaliseAxis(axis, x.ndim, what);
  if (src.shape[ax] === 0) throw new RangeError(`attempt to get ${what} of an empty sequence`);
  const v = moveReducedLast(src, [ax]);
  const k = v.ndim - 1;
  const outShape = v.shape.slice(0, k);
  const n = v.shape[k];
  const st = v.nd.stride[k];
  const res = new Float64Array(outShape.reduce((a, b) => a * b, 1));
  let idx = 0;
  const data = v.nd.data;
  const c = native && x.dtype === "float64" && st === 1 ? native : null;
  forEachLine(outShape.length ? outShape : [1], [{ stride: outShape.length ? v.nd.stride.slice(0, k) : [0], offset: v.nd.offset }], (off, m, s) => {
    if (c && m * n >= NATIVE_MIN && s[0] >= 0) {
      // Contiguous float64 lines: the C loop (native/np_reduce.c), same first-index rule.
      c.argLines(what === "argmax", data as Float64Array, off[0], m, n, s[0], res, idx);
      idx += m;
      return;
    }
    for (let j = 0; j < m; j++) {
      const base = off[0] + j * s[0];
      let best = data[base];
      let at = 0;
      if (best === best) {
        for (let i = 1; i < n; i++) {
          const val = data[base + i * st];
          if (val !== val) { at = i; break; }
          if (better(val, best)) { best = val; at = i; }
        }
      }
      res[idx++] = at;
    }
  });
  if (axis === undefined) return res[0];
  const out = new NDArray(allocate("int64", res.length), outShape, "int64");
  out.nd.data.set(res);
  return out;
}

/** Index of the (first) minimum; NaN counts as the minimum. */
export function argmin(x: NDArray, options?: { axis?: number } | number): NDArray | number {
  return argReduce(x, options, "argmin", (v, b) => v < b);
}

/** Index of the (first) maximum; NaN counts as the maximum. */
export function argmax(x: NDArray, options?: { axis?: number } | number): NDArray | number {
  return argReduce(x, options, "argmax", (v, b) => v > b);
}
