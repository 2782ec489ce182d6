/**
 * `np.copyto`: assignment under one of NumPy's casting rules, with broadcasting and a `where`
 * mask, as NumPy 1.24's PyArray_AssignArray and PyArray_AssignRawScalar check it
 * (numpy/core/src/multiarray/array_assign_array.c, array_assign_scalar.c): the same checks
 * in the same order, so the same error wins when several apply.
 */
import { allocateShaped, DType, Storage } from "./dtype";
import { canCastSafely, canCastSameKind, isUnsigned, minScalarType, scalarDType } from "./casting";
import { array } from "./creation";
import { pythonTypeName, tightShape, ValueError } from "./errors";
import { broadcastStrides, forEachLine } from "./iterate";
import { NDArray, NestedList, Operand } from "./ndarray";
import { assign } from "./ufunc";

/** NumPy's casting rules, from strictest to none: `"same_kind"` is copyto's default. */
export type Casting = "no" | "equiv" | "safe" | "same_kind" | "unsafe";

const CASTINGS: readonly string[] = ["no", "equiv", "safe", "same_kind", "unsafe"];

/** Options of {@link copyto}. */
export interface CopytoOptions {
  /** Which conversions are allowed (NumPy's `casting`, `"same_kind"` by default). */
  casting?: Casting;
  /** Where to copy: a bool array (or list, or boolean) broadcast to dst's shape; elsewhere dst keeps its values. */
  where?: NDArray | NestedList;
}

/** `np.can_cast(from, to, casting)` for dtypes (`"no"` and `"equiv"` are the same for native byte order). */
function canCastType(from: DType, to: DType, casting: Casting): boolean {
  switch (casting) {
    case "no":
    case "equiv": return from === to;
    case "safe": return canCastSafely(from, to);
    case "same_kind": return canCastSameKind({ dtype: from }, to);
    default: return true;
  }
}

const FLOATS: readonly DType[] = ["float32", "float64"];

/**
 * NumPy's can_cast_scalar_to: a scalar's dtype may fail the rule while its value passes, judged
 * by the smallest dtype holding it (a small unsigned value as its signed twin unless `to` is
 * unsigned): `np.copyto(uint8_array, 300)` passes same_kind (and wraps), `-1` does not.
 */
function canCastScalar(from: DType, value: number, to: DType, casting: Casting): boolean {
  if (from === to || casting === "unsafe" || canCastType(from, to, casting)) return true;
  if (from === "bool") return false;
  // A float's smallest type is float16 while finite and in float16's range; float32 stands in
  // for it here (both cast safely to float32 and float64 only, and by kind alike).
  const m = FLOATS.includes(from) ? { dtype: (from === "float32" || !Number.isFinite(value) || Math.abs(value) < 3.4e38 ? "float32" : "float64") as DType, smallUnsigned: false } : minScalarType(value);
  const signed: Record<string, DType> = { uint8: "int8", uint16: "int16", uint32: "int32", uint64: "int64" };
  const dtype = m.smallUnsigned && !isUnsigned(to) ? signed[m.dtype] : m.dtype;
  return canCastType(dtype, to, casting);
}

function castError(from: DType, to: DType, casting: Casting, scalar: boolean): TypeError {
  return new TypeError(`Cannot cast ${scalar ? "scalar" : "array data"} from dtype('${from}') to dtype('${to}') according to the rule '${casting}'`);
}

/**
 * NumPy's broadcast_strides check: `from` fits into `into` when, aligned at the right, each of
 * its axes has the same length or length 1, and it has no more axes.
 */
function checkBroadcast(from: readonly number[], into: readonly number[], what: string): void {
  const fits = from.length <= into.length && from.every((n, k) => n === 1 || n === into[into.length - from.length + k]);
  if (!fits) throw new ValueError(`could not broadcast ${what} from shape ${tightShape(from)} into shape ${tightShape(into)}`);
}

/** The where mask as NumPy converts it: lists and booleans by truth value, arrays only from bool (the safe rule). */
function whereMask(where: NDArray | NestedList): NDArray {
  if (where instanceof NDArray) {
    if (where.dtype !== "bool") throw castError(where.dtype, "bool", "safe", where.ndim === 0);
    return where;
  }
  return array(where, { dtype: "bool" });
}

function maskedLine(off: number[], n: number, st: number[], s: { o: Storage; v: Storage; m: Storage }): void {
  for (let i = 0; i < n; i++) if (s.m[off[2] + i * st[2]] !== 0) s.o[off[0] + i * st[0]] = s.v[off[1] + i * st[1]];
}

/**
 * `np.copyto(dst, src, casting="same_kind", where=True)`: copies `src` (broadcast to dst's
 * shape) into `dst`, converting to dst's dtype, where `where` is true. A conversion the casting
 * rule forbids raises NumPy's TypeError before anything is written (`Cannot cast array data from
 * dtype('float64') to dtype('int64') according to the rule 'same_kind'`); a scalar (a number,
 * a boolean or a 0-d array) is judged by its value, as by NumPy (`"scalar"` in the message).
 * @example const d = np.zeros([2, 3], { dtype: "int64" });
 * np.copyto(d, np.array([1, 2, 3]), { where: [true, false, true] });   // d: [[1, 0, 3], [1, 0, 3]]
 * np.copyto(d, 1.5);   // TypeError: Cannot cast scalar from dtype('float64') to dtype('int64') according to the rule 'same_kind'
 */
export function copyto(dst: NDArray, src: Operand | NestedList, options: CopytoOptions = {}): void {
  if (!(dst instanceof NDArray)) throw new TypeError(`copyto() argument 1 must be numpy.ndarray, not ${pythonTypeName(dst)}`);
  const source = typeof src === "number" || typeof src === "boolean" || src instanceof NDArray ? src : array(src);
  const casting = options.casting ?? "same_kind";
  if (typeof casting !== "string") throw new TypeError(`casting must be str, not ${pythonTypeName(casting)}`);
  if (!CASTINGS.includes(casting)) throw new ValueError(`casting must be one of 'no', 'equiv', 'safe', 'same_kind', or 'unsafe' (got '${casting}')`);
  const mask = options.where === undefined ? undefined : whereMask(options.where);

  const scalar = !(source instanceof NDArray) || source.ndim === 0;
  if (source instanceof NDArray && !scalar && source.nd.data === dst.nd.data && source.dtype === dst.dtype && source.nd.offset === dst.nd.offset &&
    source.ndim === dst.ndim && source.shape.every((n, k) => n === dst.shape[k]) && source.nd.stride.every((s, k) => s === dst.nd.stride[k])) {
    return; // NumPy skips copying an array onto itself, before it checks anything else
  }
  if (!dst.writeable) throw new ValueError("assignment destination is read-only");
  let value: NDArray | number;
  if (scalar) {
    const from = source instanceof NDArray ? source.dtype : scalarDType(source);
    const v = source instanceof NDArray ? source.flatAt(0) : typeof source === "boolean" ? +source : source;
    if (!canCastScalar(from, v, dst.dtype, casting)) throw castError(from, dst.dtype, casting, true);
    value = source instanceof NDArray ? source : v;
  } else {
    const s = source as NDArray;
    if (!canCastType(s.dtype, dst.dtype, casting)) throw castError(s.dtype, dst.dtype, casting, false);
    // NumPy drops the source's leading length-1 axes beyond dst's before broadcasting.
    let shape = s.shape;
    while (shape.length > dst.ndim && shape[0] === 1) shape = shape.slice(1);
    checkBroadcast(shape, dst.shape, "input array");
    value = shape.length === s.ndim ? s : s.reshape(shape);
  }
  if (mask === undefined || (mask.ndim === 0 && mask.flatAt(0) !== 0)) {
    assign(dst, value);
    return;
  }
  if (mask.ndim === 0) return; // where=False copies nothing
  checkBroadcast(mask.shape, dst.shape, "where mask");
  // The converted values in a new array of dst's dtype, copied where the mask is true.
  const converted = new NDArray(allocateShaped(dst.dtype, dst.shape), dst.shape, dst.dtype);
  assign(converted, value);
  const ops = [
    { stride: dst.nd.stride, offset: dst.nd.offset },
    { stride: converted.nd.stride, offset: 0 },
    { stride: broadcastStrides(mask.shape, mask.nd.stride, dst.shape), offset: mask.nd.offset },
  ];
  forEachLine(dst.shape, ops, maskedLine, { o: dst.nd.data, v: converted.nd.data, m: mask.nd.data });
}
