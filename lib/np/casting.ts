/**
 * NumPy 1.24's type promotion: `np.promote_types` for two dtypes, `np.min_scalar_type` for a
 * Python scalar, and `np.result_type`'s value-based casting, which decides the dtype of every
 * ufunc result (numpy/core/src/multiarray/convert_datatype.c).
 *
 * Value-based casting: when an operation mixes arrays with scalars (JS numbers and booleans,
 * like Python's, and 0-d arrays), and no scalar is of a higher kind (bool < integer < float)
 * than every array, each scalar counts as the smallest dtype that holds its value: uint8
 * array + 300 is uint16, uint8 array + (-1) is int16, int32 array + 2**40 is int64. A scalar
 * of a higher kind keeps its own dtype (int8 array + 2.5 is float64). NumPy 2 (NEP 50)
 * dropped this for "weak" scalars; lazylab follows the installed NumPy 1.24.
 */
import type { DType } from "./dtype";

type Kind = "b" | "u" | "i" | "f";

interface Info {
  kind: Kind;
  bytes: number;
}

const INFO: Record<DType, Info> = {
  bool: { kind: "b", bytes: 1 },
  uint8: { kind: "u", bytes: 1 }, uint16: { kind: "u", bytes: 2 }, uint32: { kind: "u", bytes: 4 }, uint64: { kind: "u", bytes: 8 },
  int8: { kind: "i", bytes: 1 }, int16: { kind: "i", bytes: 2 }, int32: { kind: "i", bytes: 4 }, int64: { kind: "i", bytes: 8 },
  float32: { kind: "f", bytes: 4 }, float64: { kind: "f", bytes: 8 },
};

const SIGNED: Record<number, DType> = { 1: "int8", 2: "int16", 4: "int32", 8: "int64" };
const UNSIGNED: Record<number, DType> = { 1: "uint8", 2: "uint16", 4: "uint32", 8: "uint64" };

/** True for the unsigned integer dtypes. */
export function isUnsigned(d: DType): boolean {
  return INFO[d].kind === "u";
}

/** True for the signed integer dtypes. */
export function isSigned(d: DType): boolean {
  return INFO[d].kind === "i";
}

/** The smallest float dtype that holds every value of an integer of `bytes` bytes (NumPy's table; no float16 here). */
function floatFor(bytes: number): DType {
  return bytes <= 2 ? "float32" : "float64";
}

/**
 * `np.promote_types(a, b)`: the smallest dtype both cast to safely.
 * @example promoteTypes("uint8", "int8")   // "int16"
 */
export function promoteTypes(a: DType, b: DType): DType {
  if (a === b) return a;
  const x = INFO[a];
  const y = INFO[b];
  if (x.kind === "b") return b;
  if (y.kind === "b") return a;
  if (x.kind === y.kind) return x.bytes >= y.bytes ? a : b;
  if (x.kind === "f" || y.kind === "f") {
    const [f, n] = x.kind === "f" ? [x, y] : [y, x];
    // float16 would hold int8/uint8; float32 is the smallest float lazylab has.
    return f.bytes === 8 ? "float64" : floatFor(n.bytes) === "float32" ? "float32" : "float64";
  }
  const [s, u] = x.kind === "i" ? [x, y] : [y, x];
  if (u.bytes < s.bytes) return SIGNED[s.bytes];
  return u.bytes === 8 ? "float64" : SIGNED[u.bytes * 2];
}

/** A scalar's smallest dtype, and NumPy's "small unsigned" flag (a non-negative int that also fits the signed type of that size). */
interface ScalarType {
  dtype: DType;
  smallUnsigned: boolean;
}

/**
 * A float scalar's smallest type: NumPy checks only the range, not the precision (nan and
 * ±inf fit float16). float16 counts as float32 here: a float scalar's smallest type only
 * matters beside float arrays (beside integer or bool arrays it is of a higher kind and stays
 * float64), and with float32 and float64 float16 promotes as float32 does.
 */
function minFloatType(v: number): ScalarType {
  const fits32 = !Number.isFinite(v) || (v > -3.4e38 && v < 3.4e38);
  return { dtype: fits32 ? "float32" : "float64", smallUnsigned: false };
}

/**
 * The dtype NumPy gives a Python scalar of this value (`np.asarray(v).dtype`): bool, int64
 * for integers in int64's range, uint64 up to 2**64, float64 otherwise. JS numbers do not say
 * whether they were written as an int or a float; integral values are taken as Python ints,
 * except past uint64's range, where Python would make an object array: there they are floats.
 */
export function scalarDType(s: number | boolean): DType {
  if (typeof s === "boolean") return "bool";
  if (!Number.isInteger(s)) return "float64";
  if (s >= -(2 ** 63) && s < 2 ** 63) return "int64";
  if (s >= 0 && s < 2 ** 64) return "uint64";
  return "float64";
}

/** `np.min_scalar_type(v)` with NumPy's small-unsigned flag (min_scalar_type_num). */
export function minScalarType(s: number | boolean): ScalarType {
  const dt = scalarDType(s);
  if (dt === "bool") return { dtype: "bool", smallUnsigned: false };
  const v = s as number;
  if (dt === "float64") return minFloatType(v);
  if (v >= 0) {
    for (const bytes of [1, 2, 4, 8]) {
      if (v < 2 ** (8 * bytes)) return { dtype: UNSIGNED[bytes], smallUnsigned: v < 2 ** (8 * bytes - 1) };
    }
  }
  for (const bytes of [1, 2, 4, 8]) {
    if (v >= -(2 ** (8 * bytes - 1))) return { dtype: SIGNED[bytes], smallUnsigned: false };
  }
  return { dtype: "float64", smallUnsigned: false };
}

/** NumPy's promote_types with the small-unsigned rule: such a scalar promotes as its signed twin with a signed or float dtype. */
function promoteScalarType(s: ScalarType, d: DType): DType {
  if (s.smallUnsigned && (isSigned(d) || INFO[d].kind === "f")) return promoteTypes(SIGNED[INFO[s.dtype].bytes], d);
  return promoteTypes(s.dtype, d);
}

function kindOrder(d: DType): number {
  const k = INFO[d].kind;
  return k === "b" ? 0 : k === "f" ? 2 : 1;
}

/** An operand of {@link resultType}: an array's dtype, or a scalar (a JS value, or a 0-d array's dtype and value). */
export type TypeOperand = { dtype: DType; scalar?: number | boolean } | number | boolean;

/** A scalar operand: its dtype (a JS value's inferred one, or a 0-d array's) and its value. */
interface ScalarOperand { dtype: DType; value: number | boolean }

/**
 * The operands split into arrays and scalars, and whether the scalars are judged by value
 * (NumPy 1.24: when some array is of a kind at least as high as every scalar's).
 */
function splitOperands(operands: TypeOperand[]): { arrays: DType[]; scalars: ScalarOperand[]; useMin: boolean } {
  const arrays: DType[] = [];
  const scalars: ScalarOperand[] = [];
  for (const o of operands) {
    if (typeof o === "number" || typeof o === "boolean") scalars.push({ dtype: scalarDType(o), value: o });
    else if (o.scalar !== undefined) scalars.push({ dtype: o.dtype, value: o.scalar });
    else arrays.push(o.dtype);
  }
  const maxArrayKind = Math.max(-1, ...arrays.map(kindOrder));
  const maxScalarKind = Math.max(-1, ...scalars.map((s) => kindOrder(s.dtype)));
  return { arrays, scalars, useMin: arrays.length > 0 && maxArrayKind >= maxScalarKind };
}

/** The smallest type a scalar operand's value needs (a 0-d array's own dtype bounds it: a float32 0-d array stays float32-sized). */
function minTypeOf(s: ScalarOperand): ScalarType {
  return typeof s.value === "boolean" ? { dtype: "bool", smallUnsigned: false } : minScalarOf(s.dtype, s.value);
}

/**
 * `np.result_type(*operands)` as NumPy 1.24 computes it, value-based for scalars.
 * @example resultType({ dtype: "uint8" }, 300)   // "uint16"
 */
export function resultType(...operands: TypeOperand[]): DType {
  const { arrays, scalars, useMin } = splitOperands(operands);
  if (!useMin) return [...arrays, ...scalars.map((s) => s.dtype)].reduce(promoteTypes);
  let result = arrays.reduce(promoteTypes);
  for (const s of scalars) result = promoteScalarType(minTypeOf(s), result);
  return result;
}

function minScalarOf(dtype: DType, value: number): ScalarType {
  if (dtype === "bool") return { dtype: "bool", smallUnsigned: false };
  if (INFO[dtype].kind === "f") return minFloatType(value);
  return minScalarType(value);
}

/** The loops of NumPy's integer-and-float ufuncs, in the order its type resolver tries them (no float16 here). */
const LOOP_ORDER: readonly DType[] = ["int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64", "float32", "float64"];

/** `np.can_cast(from, to, "safe")`. */
export function canCastSafely(from: DType, to: DType): boolean {
  return promoteTypes(from, to) === to;
}

/**
 * The loop dtype NumPy 1.24's default ufunc type resolver picks: the first loop every operand
 * casts to safely, scalars judged by value (a small unsigned scalar as its signed twin for a
 * signed loop). floor_divide, remainder and power resolve so; add, subtract, multiply and the
 * comparisons use {@link resultType}, which differs for unsigned arrays with positive scalars
 * past their range: uint8 // 300 is int16, uint8 + 300 is uint16.
 * @example linearSearchType({ dtype: "uint8" }, 300)   // "int16"
 */
export function linearSearchType(...operands: TypeOperand[]): DType {
  return LOOP_ORDER.find(loopFits(operands)) ?? "float64";
}

/** Whether every operand casts safely to a loop of dtype `t`, scalars judged by value as NumPy's type resolver does. */
function loopFits(operands: TypeOperand[]): (t: DType | "float16") => boolean {
  const { arrays, scalars, useMin } = splitOperands(operands);
  // float16 (which lazylab lacks) holds bool, int8 and uint8 exactly, nothing wider.
  const safe = (from: DType, t: DType | "float16"): boolean => (t === "float16" ? INFO[from].bytes === 1 && INFO[from].kind !== "f" : canCastSafely(from, t));
  return (t) =>
    arrays.every((d) => safe(d, t)) &&
    scalars.every((s) => {
      if (!useMin) return safe(s.dtype, t);
      const m = minTypeOf(s);
      const from = m.smallUnsigned && (t === "float16" || !isUnsigned(t)) ? SIGNED[INFO[m.dtype].bytes] : m.dtype;
      return safe(from, t);
    });
}

/**
 * The loop NumPy 1.24's default type resolver picks for a ufunc with float loops only (`e`,
 * `f`, `d`: arctan2, hypot, deg2rad, and the unary tan, log10, rint, ...): "float16" when
 * every operand casts safely to half precision (bool, int8, uint8, and scalars judged by value
 * that fit them), else float32 when all cast to it (int16, uint16, float32), else float64.
 * lazylab has no float16: the caller substitutes its stand-in.
 * @example floatLoopType({ dtype: "int16" }, 4)   // "float32"
 */
export function floatLoopType(...operands: TypeOperand[]): DType | "float16" {
  const fits = loopFits(operands);
  return (["float16", "float32", "float64"] as const).find(fits) ?? "float64";
}

const KIND_RANK: Record<Kind, number> = { b: 0, u: 1, i: 2, f: 3 };

/**
 * `np.can_cast(from, to, "same_kind")`, the rule ufuncs apply to a `dtype=` argument: safe
 * casts, and casts to a dtype of the same or a higher kind (bool < unsigned < signed < float):
 * float64 → float32 and int64 → int8 pass, float64 → int64 and int64 → uint8 do not. A
 * scalar is judged by its value (`0` casts to uint8, `-1` does not).
 */
export function canCastSameKind(from: TypeOperand, to: DType): boolean {
  const dt = typeof from === "number" || typeof from === "boolean" ? minScalarType(from).dtype : from.dtype;
  return canCastSafely(dt, to) || KIND_RANK[INFO[dt].kind] <= KIND_RANK[INFO[to].kind];
}
