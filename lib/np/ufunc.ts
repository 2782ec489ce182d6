/**
 * Elementwise operations ("ufuncs") with NumPy's broadcasting, type promotion and `out`
 * arrays. Each operation is one expression; its loops are generated once per expression
 * (contiguous, scalar and strided variants) so the hot paths are plain typed-array loops.
 */
import { allocate, DType, isIntegral, Storage } from "./dtype";
import { linearSearchType, resultType, scalarDType, TypeOperand } from "./casting";
import { broadcastShapes, broadcastStrides, forEachLine, mergeAxes } from "./iterate";
import { fmtShape, NDArray, NestedList, Operand } from "./ndarray";
import { array } from "./creation";
import { storageKey } from "./specialise";
import { compareCode, native, NATIVE_MIN, nativeCode } from "./native";
import { tightShape, ValueError } from "./errors";

type BinaryKernel = (a: Storage, ao: number, as: number, b: Storage, bo: number, bs: number, o: Storage, oo: number, os: number, n: number) => void;
type UnaryKernel = (a: Storage, ao: number, as: number, o: Storage, oo: number, os: number, n: number) => void;

/**
 * How a result is stored: as is, as a 0/1 truth value, or as an integer of the result dtype,
 * truncated and wrapped as NumPy's integer overflow and casts wrap ("trunc" is int64). The
 * typed arrays of the small integers wrap on store too; the explicit wrap keeps the fused
 * expressions of lib/da, which never store intermediate values, right.
 */
type Cast = "none" | "trunc" | "bool" | "i8" | "u8" | "i16" | "u16" | "i32" | "u32" | "u64";

const CASTS: Partial<Record<DType, Cast>> = {
  bool: "bool", int64: "trunc", uint64: "u64", int8: "i8", uint8: "u8", int16: "i16", uint16: "u16", int32: "i32", uint32: "u32",
};

function castOf(dtype: DType): Cast {
  return CASTS[dtype] ?? "none";
}

function wrap(expr: string, cast: Cast): string {
  switch (cast) {
    case "bool": return `((${expr}) !== 0 ? 1 : 0)`;
    // int64/uint64 operations wrap in their own expressions (exact64, intPow, floordiv64) and
    // casts between the two in castExpr: a wrap test here would cost every int64 loop (7x measured).
    case "trunc": return `Math.trunc(${expr})`;
    case "u64": return `Math.trunc(${expr})`;
    case "i8": return `((${expr}) << 24 >> 24)`;
    case "u8": return `((${expr}) & 255)`;
    case "i16": return `((${expr}) << 16 >> 16)`;
    case "u16": return `((${expr}) & 65535)`;
    case "i32": return `((${expr}) | 0)`;
    case "u32": return `((${expr}) >>> 0)`;
    default: return expr;
  }
}

/** Integers of at most 32 bits: their products wrap exactly with Math.imul. */
function isSmallInt(d: DType): boolean {
  return d === "int8" || d === "uint8" || d === "int16" || d === "uint16" || d === "int32" || d === "uint32";
}

function is64(d: DType): boolean {
  return d === "int64" || d === "uint64";
}

/**
 * `x op y` for int64/uint64 results: the double result while it is below 2**53 (exact), else
 * the exact result in BigInt, wrapped to 64 bits, as the nearest double.
 */
function exact64(op: "+" | "-" | "*", d: DType): string {
  const as = d === "uint64" ? "asUintN" : "asIntN";
  // x op y twice rather than a closure per element: V8 folds the repeat, and allocates the
  // closure (measured 8x slower); Math.abs beats two comparisons.
  const safe = d === "uint64" ? `x ${op} y >= 0 && x ${op} y < 9007199254740992` : `Math.abs(x ${op} y) < 9007199254740992`;
  // A product of a negative and a zero is -0 in doubles, never in integers ("+ 0" makes it 0:
  // int64 and uint64 live in Float64Arrays, where a -0 would show, e.g. as -inf from 1 / x).
  return `(${safe} ? x ${op} y${op === "*" ? " + 0" : ""} : Number(BigInt.${as}(64, BigInt(x) ${op} BigInt(y))))`;
}

/**
 * The expression converting a value of dtype `from` to `to` (astype, assignment): int64 and
 * uint64 wrap into each other (both are doubles, dtype.ts); other conversions are the cast's.
 */
export function castExpr(from: DType, to: DType): string {
  if (from === "uint64" && (to === "int64")) return "(x >= 9223372036854775808 ? x - 18446744073709551616 : x)";
  // A float in (-1, 0] truncates to -0 in doubles; int64 and uint64 keep doubles, so 0 here.
  if ((from === "float64" || from === "float32") && is64(to)) return "(x > -1 && x <= 0 ? 0 : x)";
  if ((from === "int64" || from === "int32" || from === "int16" || from === "int8") && to === "uint64") return "(x < 0 ? x + 18446744073709551616 : x)";
  return "x";
}

/** Integer `x ** y` by squaring, wrapping as NumPy's integer power does (y >= 0). */
function intPow(d: DType): string {
  if (isSmallInt(d)) {
    return "((b, e) => { let r = 1; while (e > 0) { if (e % 2 === 1) r = Math.imul(r, b); b = Math.imul(b, b); e = Math.floor(e / 2); } return r; })(x, y)";
  }
  const as = d === "uint64" ? "asUintN" : "asIntN";
  // Doubles while every partial result is below 2**53, then BigInt from the start.
  return `((b, e) => { let r = 1, p = b, k = e; while (k > 0) { if (k % 2 === 1) r *= p; k = Math.floor(k / 2); if (k > 0) p *= p; if (!(Math.abs(r) < 9007199254740992 && Math.abs(p) < 9007199254740992)) { let R = 1n, P = BigInt(b), K = BigInt(e); while (K > 0n) { if (K & 1n) R = BigInt.${as}(64, R * P); P = BigInt.${as}(64, P * P); K >>= 1n; } return Number(R); } } return r; })(x, y)`;
}

const binaryCache = new Map<string, BinaryKernel>();
const unaryCache = new Map<string, UnaryKernel>();

/**
 * Loops for `o = f(x, y)`, where `expr` is f written over x and y; `storage` names the typed
 * array classes they will run on (specialise.ts: one copy per combination keeps them fast).
 */
export function binaryKernel(expr: string, cast: Cast = "none", storage = ""): BinaryKernel {
  const key = `${cast}|${storage}|${expr}`;
  let k = binaryCache.get(key);
  if (k) return k;
  const e = wrap(expr, cast);
  const body = `
    if (os === 1 && as === 1 && bs === 1) { for (let i = 0; i < n; i++) { const x = a[ao + i], y = b[bo + i]; o[oo + i] = ${e}; } return; }
    if (os === 1 && as === 1 && bs === 0) { const y = b[bo]; for (let i = 0; i < n; i++) { const x = a[ao + i]; o[oo + i] = ${e}; } return; }
    if (os === 1 && as === 0 && bs === 1) { const x = a[ao]; for (let i = 0; i < n; i++) { const y = b[bo + i]; o[oo + i] = ${e}; } return; }
    for (let i = 0; i < n; i++) { const x = a[ao + i * as], y = b[bo + i * bs]; o[oo + i * os] = ${e}; }`;
  k = new Function("a", "ao", "as", "b", "bo", "bs", "o", "oo", "os", "n", body) as BinaryKernel;
  const code = nativeCode(expr, cast, storage);
  const compare = compareCode(expr, cast, storage);
  if (code >= 0 || compare >= 0) {
    // Long contiguous (or scalar-broadcast) float64 lines go to the C loops (native.ts).
    const js = k;
    const c = native!;
    k = (a, ao, as, b, bo, bs, o, oo, os, n) => {
      if (n >= NATIVE_MIN && os === 1 && (as === 1 || as === 0) && (bs === 1 || bs === 0) && as + bs > 0) {
        if (code >= 0) c.elementwise(code, a as Float64Array, ao, as, b as Float64Array, bo, bs, o as Float64Array, oo, n);
        else c.compare(compare, a as Float64Array, ao, as, b as Float64Array, bo, bs, o as Uint8Array, oo, n);
      } else js(a, ao, as, b, bo, bs, o, oo, os, n);
    };
  }
  binaryCache.set(key, k);
  return k;
}

/** Loops for `o = f(x)`, one copy per `storage` (see {@link binaryKernel}). */
export function unaryKernel(expr: string, cast: Cast = "none", storage = ""): UnaryKernel {
  const key = `${cast}|${storage}|${expr}`;
  let k = unaryCache.get(key);
  if (k) return k;
  const e = wrap(expr, cast);
  const body = `
    if (os === 1 && as === 1) { for (let i = 0; i < n; i++) { const x = a[ao + i]; o[oo + i] = ${e}; } return; }
    if (os === 1 && as === 0) { const x = a[ao]; o.fill(${e}, oo, oo + n); return; }
    for (let i = 0; i < n; i++) { const x = a[ao + i * as]; o[oo + i * os] = ${e}; }`;
  k = new Function("a", "ao", "as", "o", "oo", "os", "n", body) as UnaryKernel;
  if (native && expr === "x" && cast === "none" && (storage === "Float64Array,Float32Array," || storage === "Float32Array,Float64Array,")) {
    // astype between float64 and float32: the C conversion (the same rounding as Float32Array's).
    const js = k;
    const c = native;
    k = (a, ao, as, o, oo, os, n) => {
      if (n >= NATIVE_MIN && as === 1 && os === 1) c.castFloat(a as Float64Array, ao, o as Float32Array, oo, n);
      else js(a, ao, as, o, oo, os, n);
    };
    unaryCache.set(key, k);
    return k;
  }
  const code = nativeCode(expr, cast, storage);
  if (code >= 0) {
    const js = k;
    const c = native!;
    const one = new Float64Array(1);
    k = (a, ao, as, o, oo, os, n) => {
      if (n >= NATIVE_MIN && os === 1 && as === 1) c.elementwise(code, a as Float64Array, ao, 1, a as Float64Array, ao, 1, o as Float64Array, oo, n);
      else if (n >= NATIVE_MIN && os === 1 && as === 0) {
        // A broadcast scalar (fill, assign): f(x) once, then the C fill (streaming stores when large).
        js(a, ao, 0, one, 0, 1, 1);
        c.fill(o as Float64Array, oo, n, one[0]);
      } else js(a, ao, as, o, oo, os, n);
    };
  }
  unaryCache.set(key, k);
  return k;
}

/** A binary operation: its expression and the rule for its result dtype. */
export interface BinaryOp {
  name: string;
  /** The expression over x and y (doubles); see {@link binaryExpr} for integer results. */
  expr: string;
  /** The expression for a result dtype, where it differs from `expr` (integer wrap-around). */
  exprFor?(result: DType): string | undefined;
  /** Result dtype from the promoted operand dtype. */
  result(promoted: DType): DType;
  /** NumPy resolves this ufunc's loop by its default linear search (casting.ts), not by `result_type`. */
  linear?: boolean;
  /** Throws for operand dtypes NumPy refuses (`result`: the result dtype). */
  check?(a: DType, b: DType, bScalar: number | undefined, result: DType): void;
}

const same = (d: DType) => d;
const toBool = () => "bool" as DType;
const toFloat = (d: DType): DType => (d === "float32" ? "float32" : "float64");
/** Ufuncs without a bool loop (power, remainder, floor_divide) run bool operands as int8. */
const noBool = (d: DType): DType => (d === "bool" ? "int8" : d);

/** NumPy's float remainder (npy_divmod): the sign of the divisor, a zero signed like it. */
const FLOAT_MOD = "((r) => r !== 0 ? ((y < 0) !== (r < 0) ? r + y : r) : (y < 0 ? -0 : 0))(x % y)";
/** Integer remainder: the sign of the divisor; 0 for a zero divisor, as NumPy (which warns). */
const INT_MOD = "(y === 0 ? 0 : ((r) => r !== 0 && (r < 0) !== (y < 0) ? r + y : r + 0)(x % y))";
/** NumPy's float floor division (npy_floor_divide): from the remainder, so that x == q*y + x % y. */
const FLOAT_FLOORDIV = "(y === 0 ? x / y : ((m) => { let d = (x - m) / y; if (m !== 0 && (y < 0) !== (m < 0)) d -= 1; if (d === 0) { const q = x / y; return q < 0 || Object.is(q, -0) ? -0 : 0; } const f = Math.floor(d); return d - f > 0.5 ? f + 1 : f; })(x % y))";
const INT_FLOORDIV = "(y === 0 ? 0 : Math.floor(x / y) + 0)";
/** 64-bit floor division: the quotient of doubles is exact below 2**53, BigInt's above (wrapping MIN // -1 as NumPy). */
const floordiv64 = (d: DType) =>
  `(y === 0 ? 0 : x < 9007199254740992 && x > -9007199254740992 ? Math.floor(x / y) + 0 : ((X, Y) => { let q = X / Y; if (X % Y !== 0n && (X < 0n) !== (Y < 0n)) q -= 1n; return Number(BigInt.${d === "uint64" ? "asUintN" : "asIntN"}(64, q)); })(BigInt(x), BigInt(y)))`;

export const OPS = {
  add: { name: "add", expr: "x + y", result: same, exprFor: (d: DType) => (is64(d) ? exact64("+", d) : undefined) },
  sub: {
    name: "subtract", expr: "x - y", result: same, exprFor: (d: DType) => (is64(d) ? exact64("-", d) : undefined),
    check(a: DType, b: DType) {
      if (a === "bool" && b === "bool") throw new TypeError("numpy boolean subtract, the `-` operator, is not supported; use logical xor (ne) instead");
    },
  },
  mul: { name: "multiply", expr: "x * y", result: same, exprFor: (d: DType) => (is64(d) ? exact64("*", d) : isSmallInt(d) ? "Math.imul(x, y)" : undefined) },
  div: { name: "true_divide", expr: "x / y", result: toFloat },
  floordiv: { name: "floor_divide", expr: FLOAT_FLOORDIV, result: noBool, linear: true, exprFor: (d: DType) => (is64(d) ? floordiv64(d) : isIntegral(d) ? INT_FLOORDIV : undefined) },
  pow: {
    name: "power", expr: "Math.pow(x, y)", result: noBool, linear: true, exprFor: (d: DType) => (isIntegral(d) ? intPow(d) : undefined),
    check(a: DType, b: DType, s: number | undefined, result: DType) {
      if (isIntegral(result) && s !== undefined && s < 0) throw new RangeError("Integers to negative integer powers are not allowed.");
    },
  },
  mod: { name: "remainder", expr: FLOAT_MOD, result: noBool, linear: true, exprFor: (d: DType) => (isIntegral(d) ? INT_MOD : undefined) },
  eq: { name: "equal", expr: "x === y ? 1 : 0", result: toBool },
  ne: { name: "not_equal", expr: "x !== y ? 1 : 0", result: toBool },
  lt: { name: "less", expr: "x < y ? 1 : 0", result: toBool },
  le: { name: "less_equal", expr: "x <= y ? 1 : 0", result: toBool },
  gt: { name: "greater", expr: "x > y ? 1 : 0", result: toBool },
  ge: { name: "greater_equal", expr: "x >= y ? 1 : 0", result: toBool },
} satisfies Record<string, BinaryOp>;

/** The expression `op` runs for a result of `dtype`. */
export function binaryExpr(op: BinaryOp, dtype: DType): string {
  return op.exprFor?.(dtype) ?? op.expr;
}

/** A unary operation. */
export interface UnaryOp {
  name: string;
  expr: string;
  /** The expression for a result dtype, where it differs from `expr`. */
  exprFor?(result: DType): string | undefined;
  result(d: DType): DType;
}

/** The expression `op` runs for a result of `dtype`. */
export function unaryExpr(op: UnaryOp, dtype: DType): string {
  return op.exprFor?.(dtype) ?? op.expr;
}

export const UNARY = {
  // For int64/uint64 (doubles), 0 - x: -x of 0 is -0.
  neg: { name: "negative", expr: "-x", result: same, exprFor: (d: DType) => (is64(d) ? "0 - x" : undefined) },
  abs: { name: "absolute", expr: "Math.abs(x)", result: same },
  sqrt: { name: "sqrt", expr: "Math.sqrt(x)", result: toFloat },
  exp: { name: "exp", expr: "Math.exp(x)", result: toFloat },
  log: { name: "log", expr: "Math.log(x)", result: toFloat },
  square: {
    name: "square", expr: "x * x", result: same,
    exprFor: (d: DType) => (isSmallInt(d) ? "Math.imul(x, x)" : is64(d) ? exact64("*", d).replace(/\by\b/g, "x") : undefined),
  },
  reciprocal: { name: "reciprocal", expr: "1 / x", result: same },
  copy: { name: "positive", expr: "x", result: same },
  sin: { name: "sin", expr: "Math.sin(x)", result: toFloat },
  cos: { name: "cos", expr: "Math.cos(x)", result: toFloat },
  floor: { name: "floor", expr: "Math.floor(x)", result: same },
  ceil: { name: "ceil", expr: "Math.ceil(x)", result: same },
  isnan: { name: "isnan", expr: "x !== x ? 1 : 0", result: toBool },
  not: { name: "logical_not", expr: "x === 0 ? 1 : 0", result: toBool },
} satisfies Record<string, UnaryOp>;

/** Turns an operand into an array or a scalar. */
function operand(x: Operand | NestedList, what: string): NDArray | number {
  if (x instanceof NDArray) return x;
  if (typeof x === "number") return x;
  if (typeof x === "boolean") return x ? 1 : 0;
  if (Array.isArray(x)) return array(x);
  throw new TypeError(`${what}: unsupported operand ${String(x)}; expected an array, a number or a boolean`);
}

function checkOut(out: NDArray, shape: readonly number[], what: string): void {
  if (!(out instanceof NDArray)) throw new TypeError(`${what}: out must be an array`);
  if (out.ndim !== shape.length || out.shape.some((n, i) => n !== shape[i])) {
    throw new RangeError(`${what}: out has shape ${fmtShape(out.shape)}, but the result has shape ${fmtShape(shape)}`);
  }
}

/**
 * The result dtype of a binary operation on operands given as dtypes (arrays) or JS scalars,
 * with NumPy 1.24's promotion (value-based for scalars, casting.ts). Used by lazy arrays to
 * type a graph without data.
 */
export function binaryResultDType(op: BinaryOp, a: DType | number | boolean, b: DType | number | boolean): DType {
  const t = (v: DType | number | boolean): TypeOperand => (typeof v === "string" ? { dtype: v } : v);
  return op.result((op.linear ? linearSearchType : resultType)(t(a), t(b)));
}

/** Expression of `x ** y` for a scalar exponent, with NumPy's fast cases (x**2 is x*x). */
export function powExpression(exponent: number, integral: boolean): string {
  if (exponent === 2) return "x * x";
  if (exponent === 1) return "x";
  if (exponent === 0.5 && !integral) return "Math.sqrt(x)";
  if (exponent === -1 && !integral) return "1 / x";
  return `Math.pow(x, ${jsLiteral(exponent)})`;
}

/** A number as JavaScript source, exactly. */
export function jsLiteral(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "Infinity";
  if (v === -Infinity) return "(-Infinity)";
  if (Object.is(v, -0)) return "(-0)";
  return v < 0 ? `(${v})` : String(v);
}

export { castOf, wrap };

/** Applies a binary operation elementwise with broadcasting. */
export function binary(op: BinaryOp, left: Operand | NestedList, right: Operand | NestedList, out?: NDArray): NDArray {
  const a = operand(left, op.name);
  const b = operand(right, op.name);
  const aDt = typeof a === "number" ? scalarDType(typeof left === "boolean" ? left : a) : a.dtype;
  const bDt = typeof b === "number" ? scalarDType(typeof right === "boolean" ? right : b) : b.dtype;
  const promoted = (op.linear ? linearSearchType : resultType)(typeOperand(left, a), typeOperand(right, b));
  const dtype = op.result(promoted);
  op.check?.(aDt, bDt, typeof b === "number" ? b : undefined, dtype);
  if (op === OPS.pow && typeof b !== "number" && isIntegral(dtype) && b.size > 0 && (b.min() as number) < 0) {
    throw new RangeError("Integers to negative integer powers are not allowed.");
  }

  // NumPy's fast scalar powers: x**2 is a square, x**0.5 a square root, ...
  if (op === OPS.pow && typeof b === "number" && typeof a !== "number") {
    const fast = b === 2 ? UNARY.square : b === 0.5 && !isIntegral(dtype) ? UNARY.sqrt : b === 1 ? UNARY.copy : b === -1 && !isIntegral(dtype) ? UNARY.reciprocal : undefined;
    if (fast) return unaryInto(fast, a, dtype, out);
  }

  const aShape = typeof a === "number" ? [] : a.shape;
  const bShape = typeof b === "number" ? [] : b.shape;
  const shape = broadcastShapes(aShape, bShape);
  if (out) checkOut(out, shape, op.name);
  const target = out && out.dtype === dtype ? out : new NDArray(allocate(dtype, shape.reduce((p, n) => p * n, 1), true), shape, dtype);
  // A scalar is cast to the loop's dtype first, as NumPy does: 1e20 beside float32 is float32's 1e20.
  const scalarData = (v: number) => Float64Array.of(promoted === "float32" ? Math.fround(v) : v);
  const aData = typeof a === "number" ? scalarData(a) : a.nd.data;
  const bData = typeof b === "number" ? scalarData(b) : b.nd.data;
  const kernel = binaryKernel(binaryExpr(op, dtype), castOf(dtype), storageKey(aData, bData, target.nd.data));
  const aOp = typeof a === "number" ? { stride: shape.map(() => 0), offset: 0 } : { stride: broadcastStrides(a.shape, a.nd.stride, shape), offset: a.nd.offset };
  const bOp = typeof b === "number" ? { stride: shape.map(() => 0), offset: 0 } : { stride: broadcastStrides(b.shape, b.nd.stride, shape), offset: b.nd.offset };
  const tOp = { stride: target.nd.stride, offset: target.nd.offset };
  const o = target.nd.data;
  forEachLine(shape, [aOp, bOp, tOp], binaryLine, { kernel, a: aData, b: bData, o });
  if (out && target !== out) assign(out, target);
  return out ?? target;
}

/** What NumPy 1.24's promotion sees of an operand: a scalar's value (also a 0-d array's), an array's dtype. */
function typeOperand(given: Operand | NestedList, x: NDArray | number): TypeOperand {
  if (typeof x === "number") return typeof given === "boolean" ? given : x;
  if (x.ndim === 0) return { dtype: x.dtype, scalar: x.dtype === "bool" ? x.flatAt(0) !== 0 : x.flatAt(0) };
  return { dtype: x.dtype };
}

/*
 * The lines of elementwise operations: module-level functions given their buffers as state,
 * not closures over them (iterate.ts, forEachLine: a closure kept a dropped result alive
 * until the next full collection).
 */
function unaryLine(off: number[], n: number, st: number[], s: { kernel: UnaryKernel; a: Storage; o: Storage }): void {
  s.kernel(s.a, off[0], st[0], s.o, off[1], st[1], n);
}

function binaryLine(off: number[], n: number, st: number[], s: { kernel: BinaryKernel; a: Storage; b: Storage; o: Storage }): void {
  s.kernel(s.a, off[0], st[0], s.b, off[1], st[1], s.o, off[2], st[2], n);
}

function unaryInto(op: UnaryOp, a: NDArray, dtype: DType, out?: NDArray): NDArray {
  const shape = a.shape;
  if (out) checkOut(out, shape, op.name);
  const target = out && out.dtype === dtype ? out : new NDArray(allocate(dtype, a.size, true), shape, dtype);
  const src = a.nd.data;
  const o = target.nd.data;
  const kernel = unaryKernel(unaryExpr(op, dtype), castOf(dtype), storageKey(src, o));
  forEachLine(shape, [{ stride: a.nd.stride, offset: a.nd.offset }, { stride: target.nd.stride, offset: target.nd.offset }], unaryLine, { kernel, a: src, o });
  if (out && target !== out) assign(out, target);
  return out ?? target;
}

/** Applies a unary operation elementwise. */
export function unary(op: UnaryOp, x: Operand | NestedList, out?: NDArray): NDArray {
  const a = operand(x, op.name);
  const arr = typeof a === "number" ? array(a) : a;
  if (op === UNARY.neg && arr.dtype === "bool") throw new TypeError("The numpy boolean negative, the `-` operator, is not supported, use the `~` operator or the logical_not function instead.");
  return unaryInto(op, arr, op.result(arr.dtype), out);
}

/** Copies `value` (broadcast) into `target`, converting to target's dtype. */
export function assign(target: NDArray, value: Operand | NestedList): void {
  const v = operand(value, "assign");
  const o = target.nd.data;
  if (typeof v === "number") {
    const src = Float64Array.of(v);
    const kernel = unaryKernel("x", castOf(target.dtype), storageKey(src, o));
    forEachLine(target.shape, [{ stride: target.shape.map(() => 0), offset: 0 }, { stride: target.nd.stride, offset: target.nd.offset }], unaryLine, { kernel, a: src, o });
    return;
  }
  let shape: number[] | undefined;
  try {
    shape = broadcastShapes(v.shape, target.shape);
  } catch { /* NumPy's message below */ }
  if (!shape || shape.length !== target.ndim || shape.some((n, i) => n !== target.shape[i])) {
    throw new ValueError(`could not broadcast input array from shape ${tightShape(v.shape)} into shape ${tightShape(target.shape)}`);
  }
  // Writing an array into an overlapping view of itself: copy the source first.
  const src = v.nd.data === o && v !== target ? v.copy() : v;
  const s = src.nd.data;
  const ops = [{ stride: broadcastStrides(src.shape, src.nd.stride, shape), offset: src.nd.offset }, { stride: target.nd.stride, offset: target.nd.offset }];
  const expr = castExpr(src.dtype, target.dtype);
  // float64, int64 and uint64 share Float64Array storage: only a same-dtype copy (or one that
  // converts nothing) may skip the cast.
  const plain = src.dtype === target.dtype || (expr === "x" && castOf(target.dtype) === "none");
  if (native && plain && s instanceof Float64Array && o instanceof Float64Array && target.size >= NATIVE_MIN) {
    // A strided 2-D float64 copy (e.g. a transposed view): the C loop copies it in tiles.
    const { dims, strides } = mergeAxes(shape, ops);
    if (dims.length === 2 && strides[0][0] !== 1 && strides[0][0] !== 0) {
      native.copy2d(s, src.nd.offset, dims[1], dims[0], strides[0][1], strides[0][0], o, target.nd.offset, strides[1][1], strides[1][0]);
      return;
    }
  }
  const kernel = unaryKernel(expr, castOf(target.dtype), storageKey(s, o));
  forEachLine(shape, ops, unaryLine, { kernel, a: s, o });
}

type Out = NDArray | undefined;

/**
 * `np.add(a, b, out?)`: a + b elementwise, with NumPy's broadcasting and type promotion;
 * written into `out` when given (which is returned). Also the method `a.add(b)`.
 * @example np.add(np.arange(3), 10)   // array([10, 11, 12])
 */
export const add = (a: Operand, b: Operand, out?: Out) => binary(OPS.add, a, b, out);
/** `np.subtract(a, b, out?)`: a - b elementwise (broadcasting, `out` as in {@link add}). Method: `a.sub(b)`. */
export const sub = (a: Operand, b: Operand, out?: Out) => binary(OPS.sub, a, b, out);
/** `np.multiply(a, b, out?)`: a * b elementwise (broadcasting, `out` as in {@link add}). Method: `a.mul(b)`. */
export const mul = (a: Operand, b: Operand, out?: Out) => binary(OPS.mul, a, b, out);
/** `np.true_divide(a, b, out?)`: a / b elementwise, float for integer input (NumPy's `/`). Method: `a.div(b)`. */
export const div = (a: Operand, b: Operand, out?: Out) => binary(OPS.div, a, b, out);
/**
 * `np.floor_divide(a, b, out?)`: the floor of a / b elementwise (Python's `//`; 0 for an
 * integer division by zero, as NumPy). Method: `a.floordiv(b)`.
 * @example np.array([7, -7]).floordiv(2)   // array([ 3, -4])
 */
export const floordiv = (a: Operand, b: Operand, out?: Out) => binary(OPS.floordiv, a, b, out);
/**
 * `np.power(a, b, out?)`: a ** b elementwise; `x ** 2` runs as a square and `x ** 0.5` as a
 * square root, as in NumPy. Method: `a.pow(b)`.
 * @example np.arange(4).pow(2)   // array([0, 1, 4, 9])
 */
export const pow = (a: Operand, b: Operand, out?: Out) => binary(OPS.pow, a, b, out);
/** `np.remainder(a, b, out?)` (Python's `%`: the sign of b). Method: `a.mod(b)`. */
export const mod = (a: Operand, b: Operand, out?: Out) => binary(OPS.mod, a, b, out);
/** `np.equal(a, b)`: a bool array, a == b elementwise. Method: `a.eq(b)`. */
export const eq = (a: Operand, b: Operand, out?: Out) => binary(OPS.eq, a, b, out);
/** `np.not_equal(a, b)`: a bool array, a != b elementwise (true where either is NaN). Method: `a.ne(b)`. */
export const ne = (a: Operand, b: Operand, out?: Out) => binary(OPS.ne, a, b, out);
/** `np.less(a, b)`: a bool array, a < b elementwise. Method: `a.lt(b)`. */
export const lt = (a: Operand, b: Operand, out?: Out) => binary(OPS.lt, a, b, out);
/** `np.less_equal(a, b)`: a bool array, a <= b elementwise. Method: `a.le(b)`. */
export const le = (a: Operand, b: Operand, out?: Out) => binary(OPS.le, a, b, out);
/**
 * `np.greater(a, b)`: a bool array, a > b elementwise. Method: `a.gt(b)`.
 * @example np.array([1, 5, 2]).gt(2)   // array([False,  True, False])
 */
export const gt = (a: Operand, b: Operand, out?: Out) => binary(OPS.gt, a, b, out);
/** `np.greater_equal(a, b)`: a bool array, a >= b elementwise. Method: `a.ge(b)`. */
export const ge = (a: Operand, b: Operand, out?: Out) => binary(OPS.ge, a, b, out);
/** `np.negative(a, out?)`: -a elementwise (not for bool arrays, as in NumPy). */
export const neg = (a: Operand, out?: Out) => unary(UNARY.neg, a, out);
/** `np.abs(a, out?)`: the absolute value elementwise. Method: `a.abs()`. */
export const abs = (a: Operand, out?: Out) => unary(UNARY.abs, a, out);
/** `np.sqrt(a, out?)`: the square root elementwise (NaN below zero). Method: `a.sqrt()`. */
export const sqrt = (a: Operand, out?: Out) => unary(UNARY.sqrt, a, out);
/** `np.exp(a, out?)`: e ** a elementwise (float64 values are the C library's, as NumPy's). */
export const exp = (a: Operand, out?: Out) => unary(UNARY.exp, a, out);
/** `np.log(a, out?)`: the natural logarithm elementwise (-inf at 0, NaN below). */
export const log = (a: Operand, out?: Out) => unary(UNARY.log, a, out);
/** `np.square(a, out?)`: a * a elementwise (what NumPy runs for `a ** 2`). */
export const square = (a: Operand, out?: Out) => unary(UNARY.square, a, out);
/** `np.sin(a, out?)`: the sine elementwise, in radians. */
export const sin = (a: Operand, out?: Out) => unary(UNARY.sin, a, out);
/** `np.cos(a, out?)`: the cosine elementwise, in radians. */
export const cos = (a: Operand, out?: Out) => unary(UNARY.cos, a, out);
/** `np.floor(a, out?)`: the largest integer not above each element (integers stay as they are). */
export const floor = (a: Operand, out?: Out) => unary(UNARY.floor, a, out);
/** `np.ceil(a, out?)`: the smallest integer not below each element. */
export const ceil = (a: Operand, out?: Out) => unary(UNARY.ceil, a, out);
/** `np.reciprocal(a, out?)`: 1 / a elementwise (integer dtypes keep their dtype, as in NumPy). */
export const reciprocal = (a: Operand, out?: Out) => unary(UNARY.reciprocal, a, out);
/** `np.isnan(a)`: a bool array, true where an element is NaN. */
export const isnan = (a: Operand, out?: Out) => unary(UNARY.isnan, a, out);
/** `np.logical_not(a)`: a bool array, true where an element is zero (or false). */
export const logicalNot = (a: Operand, out?: Out) => unary(UNARY.not, a, out);
