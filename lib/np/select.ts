/**
 * Choosing elements: `np.where` (from two arrays by a condition, or the indices of the true
 * elements) and `np.clip` (bounded to an interval), with NumPy 1.24's broadcasting and dtypes.
 */
import { allocate, allocateShaped, DType, Storage } from "./dtype";
import { canCastSameKind, resultType, TypeOperand } from "./casting";
import { broadcastStrides, forEachLine, Strided } from "./iterate";
import { NDArray, NestedList, Operand } from "./ndarray";
import { array, asArrayArg } from "./creation";
import { broadcastTogether, ValueError } from "./errors";

/** An operand as an array, and what NumPy 1.24's promotion sees of it (a scalar's value, an array's dtype). */
function typed(x: Operand | NestedList, what: string): { arr: NDArray; type: TypeOperand } {
  if (typeof x === "number" || typeof x === "boolean") return { arr: array(x), type: x };
  const arr = asArrayArg(x, what);
  if (arr.ndim === 0) return { arr, type: { dtype: arr.dtype, scalar: arr.dtype === "bool" ? arr.flatAt(0) !== 0 : arr.flatAt(0) } };
  return { arr, type: { dtype: arr.dtype } };
}

function strided(x: NDArray, shape: readonly number[]): Strided {
  return { stride: broadcastStrides(x.shape, x.nd.stride, shape), offset: x.nd.offset };
}

/**
 * `np.where(condition, x, y)`: elements of `x` where `condition` is true, of `y` elsewhere,
 * all three broadcast together; the dtype is NumPy 1.24's `result_type(x, y)` (value-based for
 * scalars: a uint8 array with 300 gives uint16). With only `condition`, the indices of its
 * true (non-zero) elements, one int64 array per dimension (`np.nonzero`).
 * @example np.where(x.gt(0), x, 0)            // negatives replaced by 0
 * const [rows, cols] = np.where(m.gt(0.5))   // positions of the large elements
 */
export function where(condition: Operand | NestedList): NDArray[];
/**
 * `np.where(condition, x, y)`: elements of `x` where `condition` is true, of `y` elsewhere
 * (broadcast together; dtype NumPy 1.24's value-based `result_type(x, y)`). With only
 * `condition`: the indices of its true elements, one int64 array per dimension.
 * @example np.where(x.gt(0), x, 0)   // negatives replaced by 0
 */
export function where(condition: Operand | NestedList, x: Operand | NestedList, y: Operand | NestedList): NDArray;
export function where(condition: Operand | NestedList, x?: Operand | NestedList, y?: Operand | NestedList): NDArray | NDArray[] {
  if (x === undefined && y === undefined) return nonzero(condition);
  if (x === undefined || y === undefined) throw new ValueError("either both or neither of x and y should be given");
  const c = typed(condition, "where: condition").arr;
  const a = typed(x, "where: x");
  const b = typed(y, "where: y");
  const dtype = resultType(a.type, b.type);
  const shape = broadcastTogether(c.shape, a.arr.shape, b.arr.shape);
  // whereLine writes every element of the broadcast shape.
  const out = new NDArray(allocateShaped(dtype, shape, true), shape, dtype);
  const cd = c.nd.data, ad = a.arr.nd.data, bd = b.arr.nd.data, od = out.nd.data;
  // A float scalar beside float32 counts as float32 (value-based): stored through od, it rounds as NumPy's cast does.
  forEachLine(shape, [strided(c, shape), strided(a.arr, shape), strided(b.arr, shape), { stride: out.nd.stride, offset: 0 }], whereLine, { cd, ad, bd, od });
  return out;
}

/*
 * The lines of where and clip: module-level functions given their buffers as state, not
 * closures over them, so a dropped result dies at the next minor collection
 * (iterate.ts, forEachLine).
 */
function whereLine(off: number[], n: number, st: number[], s: { cd: Storage; ad: Storage; bd: Storage; od: Storage }): void {
  const { cd, ad, bd, od } = s;
  // NaN is true, as bool(nan) in Python.
  for (let i = 0; i < n; i++) od[off[3] + i * st[3]] = cd[off[0] + i * st[0]] !== 0 ? ad[off[1] + i * st[1]] : bd[off[2] + i * st[2]];
}

interface ClipState {
  xd: Storage;
  ld: Storage;
  hd: Storage;
  od: Storage;
  isFloat: boolean;
  round: (v: number) => number;
}

function clipLine(off: number[], n: number, st: number[], s: ClipState): void {
  const { xd, ld, hd, od, isFloat, round } = s;
  for (let i = 0; i < n; i++) {
    // NumPy's _NPY_CLIP: min(max(x, lo), hi), where a NaN on either side wins for floats.
    let v = round(xd[off[0] + i * st[0]]);
    const lv = round(ld[off[1] + i * st[1]]);
    const hv = round(hd[off[2] + i * st[2]]);
    if (isFloat) {
      if (v === v) v = v > lv ? v : lv;
      if (v === v) v = v < hv ? v : hv;
    } else v = Math.min(Math.max(v, lv), hv);
    od[off[3] + i * st[3]] = v;
  }
}

/**
 * `np.nonzero(a)`: the indices of the non-zero (true) elements, one int64 array per
 * dimension, in C order. A 0-d array counts as 1-d, as NumPy 1.24 does (with a warning there).
 * @example np.nonzero(np.array([0, 3, 0, 4]))   // [array([1, 3])]
 */
export function nonzero(a: Operand | NestedList): NDArray[] {
  let x = typed(a, "nonzero: a").arr;
  if (x.ndim === 0) x = x.reshape(1);
  const shape = x.shape;
  const hits: number[] = [];
  const d = x.nd.data;
  let flat = 0;
  forEachLine(shape, [{ stride: x.nd.stride, offset: x.nd.offset }], (off, n, st) => {
    for (let i = 0; i < n; i++, flat++) {
      const v = d[off[0] + i * st[0]];
      // NaN is non-zero, as in NumPy.
      if (v !== 0) hits.push(flat);
    }
  });
  // forEachLine skips length-1 axes and merges contiguous ones, but always walks in C order.
  const outs = shape.map(() => new NDArray(allocate("int64", hits.length), [hits.length], "int64"));
  hits.forEach((f, k) => {
    for (let dim = shape.length - 1; dim >= 0; dim--) {
      outs[dim].nd.data[k] = f % shape[dim];
      f = Math.floor(f / shape[dim]);
    }
  });
  return outs;
}

/**
 * `np.argwhere(a)`: the indices of the non-zero (true) elements, one row of `a.ndim` int64
 * indices per element, in C order: NumPy's `transpose(nonzero(a))`, so a view (Fortran order)
 * of the (ndim, N) array of `nonzero`'s results. A 0-d `a` gives shape (N, 0), N 0 or 1.
 * @example np.argwhere(np.array([[0, 1], [2, 0]]))   // array([[0, 1], [1, 0]])
 */
export function argwhere(a: Operand | NestedList): NDArray {
  const x = typed(a, "argwhere: a").arr;
  // NumPy: argwhere(atleast_1d(a))[:, :0].
  if (x.ndim === 0) return argwhere(x.reshape(1)).get(":, :0");
  const idx = nonzero(x);
  const n = idx[0].size;
  const rows = new NDArray(allocate("int64", x.ndim * n, true), [x.ndim, n], "int64");
  idx.forEach((col, d) => rows.nd.data.set(col.nd.data.subarray(0, n), d * n));
  return rows.transpose();
}

/** Options of {@link clip}. */
export interface ClipOptions {
  /** Computes and returns in this dtype; the inputs must cast to it with NumPy's "same_kind" rule. */
  dtype?: DType;
  /** Writes the result here (its shape must be the result's). */
  out?: NDArray;
}

/**
 * `np.clip(a, min, max)`: each element bounded to [min, max] (min then max applied, so
 * max wins where min > max). Either bound may be null (not both); bounds broadcast. The dtype
 * is NumPy 1.24's `result_type(a, min, max)` (value-based: uint8 clipped to 300 is uint16),
 * or `dtype`. NaN elements stay NaN; a NaN bound given as an array propagates, a scalar NaN
 * bound is ignored, as NumPy 1.24's clip does. Also `a.clip(min, max)`.
 * @example np.clip(np.array([-2, 5, 12]), 0, 10)    // array([ 0,  5, 10])
 * np.clip(x, null, 1)                               // only an upper bound
 */
export function clip(a: Operand | NestedList, min: Operand | NestedList | null, max: Operand | NestedList | null, options: ClipOptions = {}): NDArray {
  if ((min === null || min === undefined) && (max === null || max === undefined)) throw new ValueError("One of max or min must be given");
  const x = typed(a, "clip: a");
  const lo = min === null || min === undefined ? null : typed(min, "clip: min");
  const hi = max === null || max === undefined ? null : typed(max, "clip: max");
  const ops = [x, lo, hi];
  let dtype: DType;
  if (options.dtype !== undefined) {
    dtype = options.dtype;
    ops.forEach((o, i) => {
      if (o && !canCastSameKind(o.type, dtype)) {
        const from = typeof o.type === "object" ? o.type.dtype : typeof o.type === "boolean" ? "bool" : Number.isInteger(o.type) ? "int64" : "float64";
        throw new TypeError(`Cannot cast ufunc 'clip' input ${i} from dtype('${from}') to dtype('${dtype}') with casting rule 'same_kind'`);
      }
    });
  } else dtype = resultType(...ops.filter((o) => o !== null).map((o) => o!.type));
  const isFloat = dtype === "float64" || dtype === "float32";
  const round = dtype === "float32" ? Math.fround : (v: number) => v;
  // NumPy 1.24's clip loop with a constant bound skips a NaN one (measured: np.clip(x, None, nan) is x).
  const bound = (o: typeof lo, none: number): NDArray => {
    if (o === null) return array(none);
    if (o.arr.ndim === 0 && Number.isNaN(o.arr.flatAt(0))) return array(none);
    return o.arr;
  };
  const l = bound(lo, -Infinity);
  const h = bound(hi, Infinity);
  const shape = broadcastTogether(...[x, lo, hi].flatMap((o) => (o ? [o.arr.shape] : [])));
  // clipLine writes every element of the broadcast shape.
  const out = new NDArray(allocateShaped(dtype, shape, true), shape, dtype);
  const xd = x.arr.nd.data, ld = l.nd.data, hd = h.nd.data, od = out.nd.data;
  forEachLine(shape, [strided(x.arr, shape), strided(l, shape), strided(h, shape), { stride: out.nd.stride, offset: 0 }], clipLine, { xd, ld, hd, od, isFloat, round });
  if (options.out) {
    const o = options.out;
    if (!(o instanceof NDArray)) throw new TypeError("clip: out must be an array");
    if (!o.writeable) throw new ValueError("output array is read-only");
    if (o.ndim !== shape.length || o.shape.some((n, i) => n !== shape[i])) throw new ValueError(`clip: out has shape (${o.shape.join(", ")}), but the result has shape (${shape.join(", ")})`);
    o.set("...", out);
    return o;
  }
  return out;
}
