/**
 * Elementwise operations ("ufuncs") with NumPy's broadcasting, type promotion and `out`
 * arrays. Each operation is one expression; its loops are generated once per expression
 * (contiguous, scalar and strided variants) so the hot paths are plain typed-array loops.
 */
import { allocate, allocateShaped, DType, isIntegral, SHARED_MIN_BYTES, Storage } from "./dtype";
import { canCastSameKind, floatLoopType, linearSearchType, resultType, scalarDType, TypeOperand } from "./casting";
import { broadcastShapes, broadcastStrides, forEachLine, mergeAxes, type Strided } from "./iterate";
import { fmtShape, isCContiguous, NDArray, NestedList, Operand } from "./ndarray";
import { array } from "./creation";
import { storageKey } from "./specialise";
import { compareCode, native, NATIVE_MIN, nativeCode } from "./native";
import { broadcastTogether, tightShape, ValueError } from "./errors";

/**
 * A number operand of the binary loops (and a number assigned), in a buffer kept for the
 * purpose: the loops are synchronous and never nested, so one cell a role suffices.
 * `Float64Array.of(x)` made a typed array inside V8's heap per call, which the addon's call
 * then moved out to a buffer of its own (a malloc and a free a call): `v * 2` of 100 elements
 * took 0.93 µs, now 0.71-0.76 (NumPy 0.73).
 */
const SCALAR_LEFT = new Float64Array(new ArrayBuffer(8));
const SCALAR_RIGHT = new Float64Array(new ArrayBuffer(8));
const SCALAR_ASSIGNED = new Float64Array(new ArrayBuffer(8));
function scalarIn(cell: Float64Array, v: number): Float64Array {
  cell[0] = v;
  return cell;
}

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

/**
 * glibc 2.36's hypot (sysdeps/ieee754/dbl-64/e_hypot.c, the kernel without FMA, which Debian's
 * x86-64 libm runs), which NumPy's float64 hypot calls: only IEEE operations and a square
 * root, so the same bits here (V8's Math.hypot scales by the larger operand and differed in
 * the last two bits of 1.7 % of 200,000 random pairs; this in none).
 */
function npHypot(x: number, y: number): number {
  if (!Number.isFinite(x) || !Number.isFinite(y)) return x === Infinity || x === -Infinity || y === Infinity || y === -Infinity ? Infinity : x + y;
  x = Math.abs(x);
  y = Math.abs(y);
  const ax = x < y ? y : x;
  const ay = x < y ? x : y;
  if (ax > 2 ** 511) return ay <= ax * 2 ** -54 ? ax + ay : hypotKernel(ax * 2 ** -600, ay * 2 ** -600) / 2 ** -600;
  if (ay < 2 ** -511) return ax >= ay / 2 ** -54 ? ax + ay : hypotKernel(ax / 2 ** -600, ay / 2 ** -600) * 2 ** -600;
  if (ay <= ax * 2 ** -54) return ax + ay;
  return hypotKernel(ax, ay);
}

/** glibc's hypot kernel: sqrt(ax² + ay²) corrected by one Newton step on the rounding error (ax >= ay). */
function hypotKernel(ax: number, ay: number): number {
  let h = Math.sqrt(ax * ax + ay * ay);
  let t1: number;
  let t2: number;
  if (h <= 2 * ay) {
    const delta = h - ay;
    t1 = ax * (2 * delta - ax);
    t2 = (delta - 2 * (ax - ay)) * delta;
  } else {
    const delta = h - ax;
    t1 = 2 * delta * (ax - 2 * ay);
    t2 = (4 * delta - ay) * ay + delta * delta;
  }
  h -= (t1 + t2) / (2 * h);
  return h;
}

/**
 * Functions a generated loop may call by name, for an operation too long for one expression.
 * Only kernels whose expression names one are compiled with them in scope.
 */
const KERNEL_HELPERS: Record<string, (...args: number[]) => number> = { npHypot };

function compileKernel(params: string[], body: string, expr: string): unknown {
  const names = Object.keys(KERNEL_HELPERS).filter((h) => expr.includes(h));
  if (names.length === 0) return new Function(...params, body);
  return new Function(...names, `return function (${params.join(", ")}) {${body}};`)(...names.map((h) => KERNEL_HELPERS[h]));
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
  k = compileKernel(["a", "ao", "as", "b", "bo", "bs", "o", "oo", "os", "n"], body, expr) as BinaryKernel;
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
  k = compileKernel(["a", "ao", "as", "o", "oo", "os", "n"], body, expr) as UnaryKernel;
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
  /** The name NumPy's messages give the ufunc, where it is not `name` (lib/da keys its task names by `name`). */
  ufunc?: string;
  /** The expression over x and y (doubles); see {@link binaryExpr} for integer results. */
  expr: string;
  /** The expression for a result dtype, where it differs from `expr` (integer wrap-around). */
  exprFor?(result: DType): string | undefined;
  /** Result dtype from the promoted operand dtype. */
  result(promoted: DType): DType;
  /** NumPy resolves this ufunc's loop by its default linear search (casting.ts), not by `result_type`. */
  linear?: boolean;
  /** NumPy has float loops only (arctan2, hypot): the first of them every operand casts to safely ({@link floatLoopType}). */
  float?: boolean;
  /** Throws for operand dtypes NumPy refuses (`result`: the result dtype). */
  check?(a: DType, b: DType, bScalar: number | undefined, result: DType): void;
}

const same = (d: DType) => d;
const toBool = () => "bool" as DType;
const toFloat = (d: DType): DType => (d === "float32" ? "float32" : "float64");
/** Ufuncs without a bool loop (power, remainder, floor_divide) run bool operands as int8. */
const noBool = (d: DType): DType => (d === "bool" ? "int8" : d);

/**
 * What lazylab gives where NumPy's float-only ufuncs pick their float16 loop (bool, int8 and
 * uint8 operands: `np.tan(u8)` is float16 there). Node 20 has no Float16Array; float64 is what
 * sqrt, exp, log, sin and cos already give for those inputs (docs/porting.md, "Casting").
 */
const HALF_STAND_IN: DType = "float64";

/** The dtype of a ufunc with float loops only ({@link floatLoopType}), float16 replaced by its stand-in. */
function floatLoop(...operands: TypeOperand[]): DType {
  const t = floatLoopType(...operands);
  return t === "float16" ? HALF_STAND_IN : t;
}

/** A unary float-only ufunc's result dtype: int16 and uint16 give float32, as NumPy's linear search does. */
const toFloatLoop = (d: DType): DType => floatLoop({ dtype: d });

/** NumPy's maximum: NaN if either is NaN, else the larger; of equal values (0 and -0) the second, as NumPy's loops give. */
const MAXIMUM = "(x !== x ? x : x > y ? x : y)";
const MINIMUM = "(x !== x ? x : x < y ? x : y)";
/** NumPy's fmax: a NaN is ignored (NaN only when both are); of equal values the second. */
const FMAX = "(y !== y ? x : x > y ? x : y)";
const FMIN = "(y !== y ? x : x < y ? x : y)";
const HYPOT32 = "(x === Infinity || x === -Infinity || y === Infinity || y === -Infinity ? Infinity : Math.sqrt(x * x + y * y))";

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
      if (a === "bool" && b === "bool") throw new TypeError("numpy boolean subtract, the `-` operator, is not supported, use the bitwise_xor, the `^` operator, or the logical_xor function instead.");
    },
  },
  mul: { name: "multiply", expr: "x * y", result: same, exprFor: (d: DType) => (is64(d) ? exact64("*", d) : isSmallInt(d) ? "Math.imul(x, y)" : undefined) },
  // NumPy 1.24's true_divide is its divide, named "divide" in its errors.
  div: { name: "true_divide", ufunc: "divide", expr: "x / y", result: toFloat },
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
  // NumPy casts both operands to their result_type, then tests each against zero (NaN is true).
  logicalAnd: { name: "logical_and", expr: "x !== 0 && y !== 0 ? 1 : 0", result: toBool },
  logicalOr: { name: "logical_or", expr: "x !== 0 || y !== 0 ? 1 : 0", result: toBool },
  logicalXor: { name: "logical_xor", expr: "(x !== 0) !== (y !== 0) ? 1 : 0", result: toBool },
  maximum: { name: "maximum", expr: MAXIMUM, result: same },
  minimum: { name: "minimum", expr: MINIMUM, result: same },
  fmax: { name: "fmax", expr: FMAX, result: same },
  fmin: { name: "fmin", expr: FMIN, result: same },
  arctan2: { name: "arctan2", expr: "Math.atan2(x, y)", result: same, float: true },
  // float32: glibc's hypotf, the double square root of the (exact) squares' sum, rounded once more on store.
  hypot: { name: "hypot", expr: "npHypot(x, y)", result: same, float: true, exprFor: (d: DType) => (d === "float32" ? HYPOT32 : undefined) },
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
  /** Throws for an operand dtype NumPy has no loop for. */
  check?(d: DType): void;
}

/**
 * NumPy's rint: the nearest integer, halves to even. Math.round rounds halves up (and keeps
 * -0 and the sign of results that round to zero, as rint does); a half it rounded up to an
 * odd number goes back down.
 */
const RINT = "(Math.round(x) - x === 0.5 && Math.round(x) % 2 !== 0 ? Math.round(x) - 1 : Math.round(x))";
/** NumPy's sign: -1, 0 or 1 (0 for -0), NaN for NaN. */
const SIGN = "(x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : x)";
/**
 * deg2rad and rad2deg multiply by one constant: float64's `NPY_PI/180.0`; float32's is computed
 * in float (`NPY_PIf/180.0f`, `180.0f/NPY_PIf`), and the float32 product of two floats is the
 * double product rounded once, as the float32 result array stores it.
 */
const PI32 = Math.fround(Math.PI);
const angle = (f64: number, f32: number) => (d: DType) => (d === "float32" ? `x * ${jsLiteral(f32)}` : `x * ${jsLiteral(f64)}`);

/** A check for a ufunc without a bool loop (sign, positive): NumPy's UFuncTypeError. */
const noBoolLoop = (ufunc: string) => (d: DType): void => {
  if (d === "bool") throw new TypeError(`ufunc '${ufunc}' did not contain a loop with signature matching types <class 'numpy.dtype[bool_]'> -> None`);
};

/** The expression `op` runs for a result of `dtype`. */
export function unaryExpr(op: UnaryOp, dtype: DType): string {
  return op.exprFor?.(dtype) ?? op.expr;
}

export const UNARY = {
  // For int64/uint64 (doubles), 0 - x: -x of 0 is -0.
  neg: { name: "negative", expr: "-x", result: same, exprFor: (d: DType) => (is64(d) ? "0 - x" : undefined) },
  abs: { name: "absolute", expr: "Math.abs(x)", result: same },
  sqrt: { name: "sqrt", expr: "Math.sqrt(x)", result: toFloatLoop },
  exp: { name: "exp", expr: "Math.exp(x)", result: toFloatLoop },
  log: { name: "log", expr: "Math.log(x)", result: toFloatLoop },
  square: {
    name: "square", expr: "x * x", result: same,
    exprFor: (d: DType) => (isSmallInt(d) ? "Math.imul(x, x)" : is64(d) ? exact64("*", d).replace(/\by\b/g, "x") : undefined),
  },
  reciprocal: { name: "reciprocal", expr: "1 / x", result: same },
  copy: { name: "positive", expr: "x", result: same },
  positive: { name: "positive", expr: "x", result: same, check: noBoolLoop("positive") },
  // fabs, cbrt and exp2 have float loops only (e, f, d): integers give floats, as for trunc.
  fabs: { name: "fabs", expr: "Math.abs(x)", result: toFloatLoop },
  cbrt: { name: "cbrt", expr: "Math.cbrt(x)", result: toFloatLoop },
  exp2: { name: "exp2", expr: "Math.pow(2, x)", result: toFloatLoop },
  sin: { name: "sin", expr: "Math.sin(x)", result: toFloatLoop },
  cos: { name: "cos", expr: "Math.cos(x)", result: toFloatLoop },
  // NumPy 1.24 has float loops only: integers give floats.
  floor: { name: "floor", expr: "Math.floor(x)", result: toFloatLoop },
  ceil: { name: "ceil", expr: "Math.ceil(x)", result: toFloatLoop },
  isnan: { name: "isnan", expr: "x !== x ? 1 : 0", result: toBool },
  not: { name: "logical_not", expr: "x === 0 ? 1 : 0", result: toBool },
  sign: { name: "sign", expr: SIGN, result: same, check: noBoolLoop("sign") },
  isinf: { name: "isinf", expr: "Math.abs(x) === Infinity ? 1 : 0", result: toBool },
  isfinite: { name: "isfinite", expr: "x - x === 0 ? 1 : 0", result: toBool },
  trunc: { name: "trunc", expr: "Math.trunc(x)", result: toFloatLoop },
  rint: { name: "rint", expr: RINT, result: toFloatLoop },
  log10: { name: "log10", expr: "Math.log10(x)", result: toFloatLoop },
  log2: { name: "log2", expr: "Math.log2(x)", result: toFloatLoop },
  log1p: { name: "log1p", expr: "Math.log1p(x)", result: toFloatLoop },
  expm1: { name: "expm1", expr: "Math.expm1(x)", result: toFloatLoop },
  tan: { name: "tan", expr: "Math.tan(x)", result: toFloatLoop },
  arcsin: { name: "arcsin", expr: "Math.asin(x)", result: toFloatLoop },
  arccos: { name: "arccos", expr: "Math.acos(x)", result: toFloatLoop },
  arctan: { name: "arctan", expr: "Math.atan(x)", result: toFloatLoop },
  sinh: { name: "sinh", expr: "Math.sinh(x)", result: toFloatLoop },
  cosh: { name: "cosh", expr: "Math.cosh(x)", result: toFloatLoop },
  tanh: { name: "tanh", expr: "Math.tanh(x)", result: toFloatLoop },
  deg2rad: { name: "deg2rad", expr: `x * ${jsLiteral(Math.PI / 180)}`, exprFor: angle(Math.PI / 180, Math.fround(PI32 / 180)), result: toFloatLoop },
  rad2deg: { name: "rad2deg", expr: `x * ${jsLiteral(180 / Math.PI)}`, exprFor: angle(180 / Math.PI, Math.fround(180 / PI32)), result: toFloatLoop },
} satisfies Record<string, UnaryOp>;

/** Turns an operand into an array or a scalar. */
function operand(x: Operand | NestedList, what: string): NDArray | number {
  if (x instanceof NDArray) return x;
  if (typeof x === "number") return x;
  if (typeof x === "boolean") return x ? 1 : 0;
  if (Array.isArray(x)) return array(x);
  throw new TypeError(`${what}: unsupported operand ${String(x)}; expected an array, a number or a boolean`);
}

function checkOut(out: NDArray, shape: readonly number[], what: string, dtype: DType): void {
  if (!(out instanceof NDArray)) throw new TypeError(`${what}: out must be an array`);
  if (!out.writeable) throw new ValueError("output array is read-only");
  if (out.ndim !== shape.length || out.shape.some((n, i) => n !== shape[i])) {
    throw new RangeError(`${what}: out has shape ${fmtShape(out.shape)}, but the result has shape ${fmtShape(shape)}`);
  }
  // NumPy casts the result into out only by its default rule, same_kind (UFuncTypeError).
  if (!canCastSameKind({ dtype }, out.dtype)) {
    throw new TypeError(`Cannot cast ufunc '${what}' output from dtype('${dtype}') to dtype('${out.dtype}') with casting rule 'same_kind'`);
  }
}

/**
 * The result dtype of a binary operation on operands given as dtypes (arrays) or JS scalars,
 * with NumPy 1.24's promotion (value-based for scalars, casting.ts). Used by lazy arrays to
 * type a graph without data.
 */
export function binaryResultDType(op: BinaryOp, a: DType | number | boolean, b: DType | number | boolean): DType {
  const t = (v: DType | number | boolean): TypeOperand => (typeof v === "string" ? { dtype: v } : v);
  return op.result(loopType(op, t(a), t(b)));
}

/** The dtype of the loop NumPy 1.24 runs `op` in for these operands. */
function loopType(op: BinaryOp, a: TypeOperand, b: TypeOperand): DType {
  if (op.float) return floatLoop(a, b);
  return (op.linear ? linearSearchType : resultType)(a, b);
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
  const fast = sameShapeFloat64(op, left, right, out);
  if (fast) return fast;
  let a = operand(left, op.name);
  let b = operand(right, op.name);
  const aDt = typeof a === "number" ? scalarDType(typeof left === "boolean" ? left : a) : a.dtype;
  const bDt = typeof b === "number" ? scalarDType(typeof right === "boolean" ? right : b) : b.dtype;
  const promoted = loopType(op, typeOperand(left, a), typeOperand(right, b));
  // NumPy casts each operand to the loop's dtype: a float64 0-d array in a float32 loop is
  // rounded to float32 first, as a JS number is below.
  if (promoted === "float32" && typeof a !== "number" && a.ndim === 0 && a.dtype === "float64") a = a.flatAt(0);
  if (promoted === "float32" && typeof b !== "number" && b.ndim === 0 && b.dtype === "float64") b = b.flatAt(0);
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
  const shape = broadcastTogether(aShape, bShape);
  if (out) checkOut(out, shape, op.ufunc ?? op.name, dtype);
  const target = out && out.dtype === dtype ? out : new NDArray(allocateShaped(dtype, shape, true), shape, dtype);
  // A scalar is cast to the loop's dtype first, as NumPy does: 1e20 beside float32 is float32's 1e20.
  const scalarData = (cell: Float64Array, v: number) => scalarIn(cell, promoted === "float32" ? Math.fround(v) : v);
  const aData = typeof a === "number" ? scalarData(SCALAR_LEFT, a) : a.nd.data;
  const bData = typeof b === "number" ? scalarData(SCALAR_RIGHT, b) : b.nd.data;
  const kernel = binaryKernel(binaryExpr(op, dtype), castOf(dtype), storageKey(aData, bData, target.nd.data));
  const aOp = typeof a === "number" ? { stride: shape.map(() => 0), offset: 0 } : { stride: broadcastStrides(a.shape, a.nd.stride, shape), offset: a.nd.offset };
  const bOp = typeof b === "number" ? { stride: shape.map(() => 0), offset: 0 } : { stride: broadcastStrides(b.shape, b.nd.stride, shape), offset: b.nd.offset };
  const tOp = { stride: target.nd.stride, offset: target.nd.offset };
  if (target === out && (laidOverAnother(aData, aOp, target) || laidOverAnother(bData, bOp, target))) {
    // An operand overlapping `out` other than element for element (np.add(c[1:], c[:-1],
    // out=c[1:])): NumPy computes as if they did not overlap, so the loop writes a new array,
    // which is then copied in (the loop read what it had just written).
    const fresh = new NDArray(allocateShaped(dtype, shape, true), shape, dtype);
    forEachLine(shape, [aOp, bOp, { stride: fresh.nd.stride, offset: 0 }], binaryLine, { kernel, a: aData, b: bData, o: fresh.nd.data });
    assign(out, fresh);
    return out;
  }
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

/** The four arithmetic operations, whose float64 loops are the same for every pair of float64 operands. */
const ARITHMETIC: ReadonlySet<BinaryOp> = new Set([OPS.add, OPS.sub, OPS.mul, OPS.div]);

/** A float64 array in C order, ready for one flat loop. */
function flatFloat64(x: unknown): x is NDArray {
  return x instanceof NDArray && x.dtype === "float64" && x.ndim > 0 && x.isContiguous;
}

/**
 * The commonest call at NumPy's per-call cost: +, -, * or / of two C-ordered float64 arrays of
 * one shape, or of one and a number, into a new array or a C-ordered float64 `out` of that
 * shape (not overlapping an operand other than exactly). One flat loop, the kernel the general
 * path would choose (float64 in, float64 out, the same bits); the promotion and broadcasting
 * machinery cost ~2.5 µs a call, `x * 2` of 1,000 elements 4.9 µs against NumPy's 0.8.
 * Undefined for anything else.
 */
function sameShapeFloat64(op: BinaryOp, left: unknown, right: unknown, out: NDArray | undefined): NDArray | undefined {
  if (!ARITHMETIC.has(op)) return undefined;
  const la = flatFloat64(left), ra = flatFloat64(right);
  if (!(la && (ra || typeof right === "number")) && !(ra && typeof left === "number")) return undefined;
  const shaped = (la ? left : right) as NDArray;
  const shape = shaped.nd.shape;
  if (la && ra && !sameDims((right as NDArray).nd.shape, shape)) return undefined;
  if (out) {
    if (!flatFloat64(out) || !sameDims(out.nd.shape, shape)) return undefined;
    if (la && laidOverAnother((left as NDArray).nd.data, (left as NDArray).nd, out)) return undefined;
    if (ra && laidOverAnother((right as NDArray).nd.data, (right as NDArray).nd, out)) return undefined;
    // NumPy's checks of `out` (read-only, shape), as the general path makes them.
    checkOut(out, [...shape], op.ufunc ?? op.name, "float64");
  }
  const target = out ?? new NDArray(allocateShaped("float64", shape, true), [...shape], "float64");
  let kernel = float64Kernels.get(op);
  if (!kernel) float64Kernels.set(op, (kernel = binaryKernel(op.expr, "none", "Float64Array,Float64Array,Float64Array,")));
  const aData = la ? (left as NDArray).nd.data : scalarIn(SCALAR_LEFT, left as number);
  const bData = ra ? (right as NDArray).nd.data : scalarIn(SCALAR_RIGHT, right as number);
  kernel(aData, la ? (left as NDArray).nd.offset : 0, la ? 1 : 0, bData, ra ? (right as NDArray).nd.offset : 0, ra ? 1 : 0, target.nd.data, target.nd.offset, 1, shaped.size);
  return target;
}

/**
 * Whether an operand (its buffer, and offset and strides over the result's shape) lies in the
 * buffer of `target` other than element for element: the loop could then read an element it
 * has already written. Conservative (two disjoint views of one buffer count): it only costs a copy.
 */
function laidOverAnother(data: Storage, op: Strided, target: NDArray): boolean {
  if (data.buffer !== target.nd.data.buffer) return false;
  return op.offset !== target.nd.offset || !sameDims(op.stride, target.nd.stride);
}

/** The float64 loops of {@link ARITHMETIC}, by operation. */
const float64Kernels = new Map<BinaryOp, BinaryKernel>();

function sameDims(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let d = 0; d < a.length; d++) if (a[d] !== b[d]) return false;
  return true;
}

function binaryLine(off: number[], n: number, st: number[], s: { kernel: BinaryKernel; a: Storage; b: Storage; o: Storage }): void {
  s.kernel(s.a, off[0], st[0], s.b, off[1], st[1], s.o, off[2], st[2], n);
}

function unaryInto(op: UnaryOp, a: NDArray, dtype: DType, out?: NDArray): NDArray {
  const shape = a.shape;
  if (out) checkOut(out, shape, op.name, dtype);
  const target = out && out.dtype === dtype ? out : new NDArray(allocateShaped(dtype, shape, true), shape, dtype);
  const src = a.nd.data;
  const o = target.nd.data;
  const kernel = unaryKernel(unaryExpr(op, dtype), castOf(dtype), storageKey(src, o));
  const aOp = { stride: a.nd.stride, offset: a.nd.offset };
  if (target === out && laidOverAnother(src, aOp, target)) {
    // As in binary(): NumPy's result as if the input did not overlap `out`.
    const fresh = new NDArray(allocateShaped(dtype, shape, true), shape, dtype);
    forEachLine(shape, [aOp, { stride: fresh.nd.stride, offset: 0 }], unaryLine, { kernel, a: src, o: fresh.nd.data });
    assign(out, fresh);
    return out;
  }
  forEachLine(shape, [aOp, { stride: target.nd.stride, offset: target.nd.offset }], unaryLine, { kernel, a: src, o });
  if (out && target !== out) assign(out, target);
  return out ?? target;
}

/** Applies a unary operation elementwise. */
export function unary(op: UnaryOp, x: Operand | NestedList, out?: NDArray): NDArray {
  const a = operand(x, op.name);
  const arr = typeof a === "number" ? array(a) : a;
  op.check?.(arr.dtype);
  if (op === UNARY.neg && arr.dtype === "bool") throw new TypeError("The numpy boolean negative, the `-` operator, is not supported, use the `~` operator or the logical_not function instead.");
  return unaryInto(op, arr, op.result(arr.dtype), out);
}

/**
 * Elements of a slab from which a 3-D strided copy goes to C slab by slab. A choice, not a
 * measured crossover: a call costs about half a microsecond (the addon's argument checks) and
 * lib/np's loop 8-11 ns an element on such copies, so C wins well below it; stacks of tiny
 * slabs stay in one JavaScript loop rather than one call each.
 */
const NATIVE_SLAB_MIN = 1024;

/** Copies `value` (broadcast) into `target`, converting to target's dtype. */
export function assign(target: NDArray, value: Operand | NestedList): void {
  if (!target.writeable) throw new ValueError("assignment destination is read-only");
  const v = operand(value, "assign");
  const o = target.nd.data;
  if (typeof v === "number") {
    const src = scalarIn(SCALAR_ASSIGNED, v);
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
  const n = target.size;
  if (n > 0 && src.dtype === target.dtype && s.constructor === o.constructor && n * o.BYTES_PER_ELEMENT < SHARED_MIN_BYTES && sameDims(src.nd.shape, target.nd.shape) && isCContiguous(src.nd.shape, src.nd.stride) && isCContiguous(target.nd.shape, target.nd.stride)) {
    // The same elements in the same order, both laid out in C order: one memmove, bit for bit
    // as NumPy's copy. A 20x30 copy took 4-5 µs through the loops' dispatch, NumPy's 0.46.
    // Large ones keep the C loops, which fault a fresh output in piece by piece
    // (native/np_elementwise.c).
    o.set(s.subarray(src.nd.offset, src.nd.offset + n), target.nd.offset);
    return;
  }
  const ops = [{ stride: broadcastStrides(src.shape, src.nd.stride, shape), offset: src.nd.offset }, { stride: target.nd.stride, offset: target.nd.offset }];
  const expr = castExpr(src.dtype, target.dtype);
  // float64, int64 and uint64 share Float64Array storage: only a same-dtype copy (or one that
  // converts nothing) may skip the cast.
  const plain = src.dtype === target.dtype || (expr === "x" && castOf(target.dtype) === "none");
  const sameFloats = (s instanceof Float64Array && o instanceof Float64Array) || (s instanceof Float32Array && o instanceof Float32Array);
  if (native && plain && sameFloats && n >= NATIVE_MIN) {
    // A float64 or float32 copy whose source steps along the inner axis, merged to at most three
    // axes, goes to the C loop (tiles; a transpose in register blocks): one line with a step
    // (`x[:, ::2]` of a C-ordered x), a 2-D copy (`x.T`), or a stack of them
    // (`a.transpose(0, 2, 1)`), one call per slab. Missing axes count 1 element with stride 0.
    const { dims, strides } = mergeAxes(shape, ops);
    const inner = strides[0][0];
    if (dims.length >= 1 && dims.length <= 3 && inner !== 1 && inner !== 0 && (dims.length < 3 || dims[0] * dims[1] >= NATIVE_SLAB_MIN)) {
      const extent = (d: number) => dims[d] ?? 1;
      const step = (op: number, d: number) => strides[op][d] ?? 0;
      for (let k = 0; k < extent(2); k++) {
        native.copy2d(s, src.nd.offset + k * step(0, 2), extent(1), extent(0), step(0, 1), inner, o, target.nd.offset + k * step(1, 2), step(1, 1), step(1, 0));
      }
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
/** `np.divide(a, b, out?)` (also `np.trueDivide`): a / b elementwise, float for integer input (NumPy's `/`). Method: `a.div(b)`. */
export const div = (a: Operand, b: Operand, out?: Out) => binary(OPS.div, a, b, out);
/**
 * `np.floor_divide(a, b, out?)`: the floor of a / b elementwise (Python's `//`; 0 for an
 * integer division by zero, as NumPy). Method: `a.floordiv(b)`.
 * @example np.array([7, -7]).floordiv(2)   // array([ 3, -4])
 */
export const floordiv = (a: Operand, b: Operand, out?: Out) => binary(OPS.floordiv, a, b, out);
/**
 * `np.power(a, b, out?)`: a ** b elementwise; `x ** 2` runs as a square and `x ** 0.5` as a
 * square root, as NumPy's `**` operator does. Method: `a.pow(b)`. NumPy's `np.power` function
 * runs its pow loop instead (SVML's on AVX-512 CPUs), so for float operands its results can
 * differ in the last bit, and `np.power(-0.0, 0.5)` is 0.0 and `np.power(-inf, 0.5)` inf there.
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
/**
 * `np.positive(a, out?)`: +a elementwise, a copy in a's dtype (-0.0 stays -0.0). Bool arrays
 * are refused, as in NumPy 1.24.
 * @example np.positive(np.array([-1, 2]))   // array([-1,  2])
 */
export const positive = (a: Operand | NestedList, out?: Out) => unary(UNARY.positive, a, out);
/** `np.abs(a, out?)`: the absolute value elementwise. Method: `a.abs()`. */
export const abs = (a: Operand, out?: Out) => unary(UNARY.abs, a, out);
/**
 * `np.fabs(a, out?)`: the absolute value as a float. Float loops only (dtypes as {@link trunc}:
 * int16 gives float32, int32 and int64 float64; bool, int8 and uint8 float64 where NumPy gives
 * float16). NumPy's bits; NumPy refuses only complex input, which lazylab does not have.
 * @example np.fabs(np.array([-2, 3]))   // array([2., 3.])
 */
export const fabs = (a: Operand | NestedList, out?: Out) => unary(UNARY.fabs, a, out);
/** `np.sqrt(a, out?)`: the square root elementwise (NaN below zero). Method: `a.sqrt()`. */
export const sqrt = (a: Operand, out?: Out) => unary(UNARY.sqrt, a, out);
/**
 * `np.cbrt(a, out?)`: the real cube root elementwise (negative for negative input; ±0, ±inf and
 * NaN as they are). Float only (dtypes as {@link trunc}). Values are V8's `Math.cbrt` (float32:
 * of the float64 value, rounded once); NumPy 1.24 runs SVML's vector cbrt on AVX-512 CPUs, whose
 * last bits differ (in a third of the values): within 2 ulps of NumPy's, float64 and float32,
 * the largest difference over 3,000,000 random inputs per dtype (test/np-numpy-names.test.ts
 * holds the bounds and prints what it measures).
 * @example np.cbrt(np.array([27, -8, 2]))   // array([ 3.        , -2.        ,  1.25992105])
 */
export const cbrt = (a: Operand | NestedList, out?: Out) => unary(UNARY.cbrt, a, out);
/** `np.exp(a, out?)`: e ** a elementwise (float64 values are the C library's, as NumPy's). */
export const exp = (a: Operand, out?: Out) => unary(UNARY.exp, a, out);
/**
 * `np.exp2(a, out?)`: 2 ** a elementwise (exact at integers; inf from 1024 up, 0 from -1075 down).
 * Float only (dtypes as {@link trunc}). Values are V8's `Math.pow(2, a)` (float32: of the
 * float64 value, rounded once); NumPy 1.24 runs SVML's vector exp2 on AVX-512 CPUs: within
 * 1 ulp of NumPy's float64 results and 3 of its float32 ones (measured as for {@link cbrt}).
 * @example np.exp2(np.array([3, 0.5]))   // array([8.        , 1.41421356])
 */
export const exp2 = (a: Operand | NestedList, out?: Out) => unary(UNARY.exp2, a, out);
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
/**
 * `np.logical_and(a, b, out?)`: a bool array, true where both are non-zero (NaN counts as
 * true). Broadcasts; the operands are first cast to their `np.result_type`, as NumPy does (a
 * scalar 1e-50 beside a float32 array is float32's 0, so false).
 * @example np.logicalAnd(np.array([0, 1, 2]), np.array([true, true, false]))   // array([False,  True, False])
 */
export const logicalAnd = (a: Operand | NestedList, b: Operand | NestedList, out?: Out) => binary(OPS.logicalAnd, a, b, out);
/**
 * `np.logical_or(a, b, out?)`: a bool array, true where either is non-zero (as {@link logicalAnd}).
 * @example np.logicalOr(np.array([0, 0, 3]), 0)   // array([False, False,  True])
 */
export const logicalOr = (a: Operand | NestedList, b: Operand | NestedList, out?: Out) => binary(OPS.logicalOr, a, b, out);
/**
 * `np.logical_xor(a, b, out?)`: a bool array, true where exactly one is non-zero (as {@link logicalAnd}).
 * @example np.logicalXor(np.array([0, 1, 2]), 1)   // array([ True, False, False])
 */
export const logicalXor = (a: Operand | NestedList, b: Operand | NestedList, out?: Out) => binary(OPS.logicalXor, a, b, out);
/**
 * `np.maximum(a, b, out?)`: the larger of a and b elementwise, NaN where either is NaN (NumPy's
 * rule; `fmax` ignores NaN instead). Broadcasts; dtype by `np.result_type`, value-based for
 * scalars (`np.maximum(u8, 300)` is uint16).
 * @example np.maximum(np.array([1, 5, NaN]), 2)   // array([ 2.,  5., nan])
 */
export const maximum = (a: Operand | NestedList, b: Operand | NestedList, out?: Out) => binary(OPS.maximum, a, b, out);
/**
 * `np.minimum(a, b, out?)`: the smaller of a and b elementwise, NaN where either is NaN.
 * @example np.minimum(np.arange(4), 2)   // array([0, 1, 2, 2])
 */
export const minimum = (a: Operand | NestedList, b: Operand | NestedList, out?: Out) => binary(OPS.minimum, a, b, out);
/**
 * `np.fmax(a, b, out?)`: the larger of a and b elementwise, ignoring a NaN (NaN only where
 * both are).
 * @example np.fmax(np.array([1, NaN]), np.array([NaN, NaN]))   // array([ 1., nan])
 */
export const fmax = (a: Operand | NestedList, b: Operand | NestedList, out?: Out) => binary(OPS.fmax, a, b, out);
/**
 * `np.fmin(a, b, out?)`: the smaller of a and b elementwise, ignoring a NaN.
 * @example np.fmin(np.array([3, NaN]), 1)   // array([1., 1.])
 */
export const fmin = (a: Operand | NestedList, b: Operand | NestedList, out?: Out) => binary(OPS.fmin, a, b, out);
/**
 * `np.arctan2(y, x, out?)`: the angle of the point (x, y) in radians, in [-π, π], with
 * NumPy's signed zeros and infinities. Float only: int16/uint16 operands give float32, wider
 * integers float64; bool, int8 and uint8 give float64 where NumPy gives float16. Values are
 * V8's `Math.atan2`: within 2 ulps of NumPy's float64 results and 3 of its float32 ones
 * (precision as {@link log10}).
 * @example np.arctan2(1, np.array([1, -1]))   // array([0.78539816, 2.35619449])
 */
export const arctan2 = (y: Operand | NestedList, x: Operand | NestedList, out?: Out) => binary(OPS.arctan2, y, x, out);
/**
 * `np.hypot(a, b, out?)`: sqrt(a² + b²) elementwise without overflow. Float only (dtypes as
 * {@link arctan2}); glibc's algorithm, which NumPy calls: NumPy's bits in both float dtypes.
 * @example np.hypot(3, np.array([4, 0]))   // array([5., 3.])
 */
export const hypot = (a: Operand | NestedList, b: Operand | NestedList, out?: Out) => binary(OPS.hypot, a, b, out);
/**
 * `np.sign(a, out?)`: -1, 0 or 1 elementwise in a's dtype (0 for -0.0, NaN for NaN). Bool
 * arrays are refused, as in NumPy.
 * @example np.sign(np.array([-2.5, 0, 3]))   // array([-1.,  0.,  1.])
 */
export const sign = (a: Operand | NestedList, out?: Out) => unary(UNARY.sign, a, out);
/**
 * `np.isinf(a)`: a bool array, true where an element is +inf or -inf (never for integers).
 * @example np.isinf(np.array([1, Infinity, NaN]))   // array([False,  True, False])
 */
export const isinf = (a: Operand | NestedList, out?: Out) => unary(UNARY.isinf, a, out);
/**
 * `np.isfinite(a)`: a bool array, true where an element is neither infinite nor NaN.
 * @example np.isfinite(np.array([1, Infinity, NaN]))   // array([ True, False, False])
 */
export const isfinite = (a: Operand | NestedList, out?: Out) => unary(UNARY.isfinite, a, out);
/**
 * `np.trunc(a, out?)`: each element rounded toward zero. A float ufunc in NumPy 1.24, so
 * integer input gives floats (int16 → float32, int64 → float64).
 * @example np.trunc(np.array([-1.7, 1.7]))   // array([-1.,  1.])
 */
export const trunc = (a: Operand | NestedList, out?: Out) => unary(UNARY.trunc, a, out);
/**
 * `np.rint(a, out?)`: each element rounded to the nearest integer, halves to the even one
 * (dtypes as {@link trunc}). Exact: NumPy's bits.
 * @example np.rint(np.array([0.5, 1.5, 2.5, -0.5]))   // array([ 0.,  2.,  2., -0.])
 */
export const rint = (a: Operand | NestedList, out?: Out) => unary(UNARY.rint, a, out);
/**
 * `np.log10(a, out?)`: the base-10 logarithm elementwise. Float only (dtypes as {@link trunc}).
 * Values are V8's `Math.log10` (float32: of the float64 value, rounded once). On AVX-512 CPUs
 * NumPy 1.24 runs SVML's vector code for this and for log2, log1p, expm1, tan, arcsin, arccos,
 * arctan, sinh, cosh and arctan2 (its own for tanh), whose bits no JavaScript function
 * reproduces; the results differ in the last bits: here within 2 ulps of NumPy's, float64 and
 * float32. Each function's bound is the largest difference measured over 1,000,000 random
 * inputs per dtype against Debian's NumPy on such a CPU; test/np-more-functions.test.ts holds
 * the bounds and prints what it measures. Special values (0, ±inf, NaN) are NumPy's.
 * @example np.log10(np.array([1, 10, 1000]))   // array([0., 1., 3.])
 */
export const log10 = (a: Operand | NestedList, out?: Out) => unary(UNARY.log10, a, out);
/**
 * `np.log2(a, out?)`: the base-2 logarithm elementwise (within 2 ulps of NumPy's, float64 and
 * float32; as {@link log10}).
 * @example np.log2(np.array([1, 8]))   // array([0., 3.])
 */
export const log2 = (a: Operand | NestedList, out?: Out) => unary(UNARY.log2, a, out);
/**
 * `np.log1p(a, out?)`: log(1 + a), accurate near zero (within 2 ulps of NumPy's, float64 and
 * float32; as {@link log10}).
 * @example np.log1p(np.array([0, 1e-10]))   // array([0.e+00, 1.e-10])
 */
export const log1p = (a: Operand | NestedList, out?: Out) => unary(UNARY.log1p, a, out);
/**
 * `np.expm1(a, out?)`: exp(a) - 1, accurate near zero (within 2 ulps of NumPy's, float64 and
 * float32; as {@link log10}).
 * @example np.expm1(np.array([0, 1e-10]))   // array([0.e+00, 1.e-10])
 */
export const expm1 = (a: Operand | NestedList, out?: Out) => unary(UNARY.expm1, a, out);
/**
 * `np.tan(a, out?)`: the tangent elementwise, in radians (within 3 ulps of NumPy's, float64 and
 * float32; as {@link log10}).
 * @example np.tan(np.array([0, np.pi / 4]))   // array([0., 1.])
 */
export const tan = (a: Operand | NestedList, out?: Out) => unary(UNARY.tan, a, out);
/**
 * `np.arcsin(a, out?)`: the inverse sine in [-π/2, π/2] (NaN outside [-1, 1]; within 2 ulps of
 * NumPy's float64 results, 3 of float32's; as {@link log10}).
 * @example np.arcsin(np.array([0, 1]))   // array([0.        , 1.57079633])
 */
export const arcsin = (a: Operand | NestedList, out?: Out) => unary(UNARY.arcsin, a, out);
/**
 * `np.arccos(a, out?)`: the inverse cosine in [0, π] (NaN outside [-1, 1]; within 2 ulps of
 * NumPy's, float64 and float32; as {@link log10}).
 * @example np.arccos(np.array([1, -1]))   // array([0.        , 3.14159265])
 */
export const arccos = (a: Operand | NestedList, out?: Out) => unary(UNARY.arccos, a, out);
/**
 * `np.arctan(a, out?)`: the inverse tangent in (-π/2, π/2) (within 2 ulps of NumPy's, float64 and
 * float32; as {@link log10}).
 * @example np.arctan(np.array([0, Infinity]))   // array([0.        , 1.57079633])
 */
export const arctan = (a: Operand | NestedList, out?: Out) => unary(UNARY.arctan, a, out);
/**
 * `np.sinh(a, out?)`: the hyperbolic sine elementwise (within 3 ulps of NumPy's float64 results,
 * 1 of float32's; as {@link log10}).
 * @example np.sinh(np.array([0, 1]))   // array([0.        , 1.17520119])
 */
export const sinh = (a: Operand | NestedList, out?: Out) => unary(UNARY.sinh, a, out);
/**
 * `np.cosh(a, out?)`: the hyperbolic cosine elementwise (within 2 ulps of NumPy's, float64 and
 * float32; as {@link log10}).
 * @example np.cosh(np.array([0, 1]))   // array([1.        , 1.54308063])
 */
export const cosh = (a: Operand | NestedList, out?: Out) => unary(UNARY.cosh, a, out);
/**
 * `np.tanh(a, out?)`: the hyperbolic tangent elementwise (within 3 ulps of NumPy's float64
 * results, 1 of float32's; as {@link log10}).
 * @example np.tanh(np.array([0, Infinity]))   // array([0., 1.])
 */
export const tanh = (a: Operand | NestedList, out?: Out) => unary(UNARY.tanh, a, out);
/**
 * `np.deg2rad(a, out?)` (also NumPy's `radians`): degrees to radians, a · (π/180) with
 * NumPy's constant, so NumPy's bits. Float only (dtypes as {@link trunc}).
 * @example np.deg2rad(np.array([180, 90]))   // array([3.14159265, 1.57079633])
 */
export const deg2rad = (a: Operand | NestedList, out?: Out) => unary(UNARY.deg2rad, a, out);
/**
 * `np.rad2deg(a, out?)` (also NumPy's `degrees`): radians to degrees, a · (180/π), NumPy's bits.
 * @example np.rad2deg(np.array([np.pi]))   // array([180.])
 */
export const rad2deg = (a: Operand | NestedList, out?: Out) => unary(UNARY.rad2deg, a, out);

/** Options of {@link round}. */
export interface RoundOptions {
  /** Decimal places to keep; negative rounds to tens, hundreds, ... (0 by default). */
  decimals?: number;
  /** An array to write the result into (returned). */
  out?: NDArray;
}

/** NumPy's power_of_ten (calculation.c): a table to 1e8, then repeated multiplication by 10. */
function powerOfTen(n: number): number {
  if (n < 9) return 10 ** n;
  let r = 1e9;
  while (n-- > 9) r *= 10;
  return r;
}

/**
 * `np.round(a, decimals=0, out=None)` (also `np.around`): each element rounded to `decimals`
 * places, halves to even, with NumPy's algorithm (PyArray_Round): `rint(a · 10**decimals) /
 * 10**decimals`, and for negative decimals `rint(a / 10**-d) · 10**-d`, in a's float dtype. So
 * the bits are NumPy's, including what binary fractions do to halves (0.285 · 100 is
 * 28.499999999999996, so `np.round(0.285, 2)` is 0.28).
 * Integer arrays with decimals >= 0 are returned as they are (the same array, as NumPy's);
 * with negative decimals they are rounded in float64 and cast back. Bool arrays round to
 * float64 at decimals 0 (NumPy: float16) and are refused otherwise, as by NumPy.
 * @example np.round(np.array([1.25, 2.35, 2.5]), 1)   // array([1.2, 2.4, 2.5])
 * np.round(np.array([1234, 1250]), -2)                   // array([1200, 1200])
 */
export function round(a: Operand | NestedList, decimals: number | RoundOptions = 0, out?: NDArray): NDArray {
  const o = typeof decimals === "number" ? { decimals, out } : { out, ...decimals };
  const d = o.decimals ?? 0;
  if (typeof d !== "number" || !Number.isInteger(d)) throw new TypeError(`'${typeof d === "number" ? "float" : typeof d}' object cannot be interpreted as an integer`);
  const x = operand(a, "round");
  const arr = typeof x === "number" ? array(x) : x;
  const target = o.out;
  if (target !== undefined) {
    if (!(target instanceof NDArray)) throw new TypeError("round: out must be an array");
    if (!target.writeable) throw new ValueError("output array is read-only");
    if (target.size !== arr.size) throw new ValueError("invalid output shape");
  }
  const integer = isIntegral(arr.dtype) && arr.dtype !== "bool";
  if (d >= 0 && integer) {
    if (!target) return arr;
    assign(target, arr);
    return target;
  }
  if (d === 0) return unary(UNARY.rint, arr, target);
  // A Python float, as NumPy passes it: a float64 0-d array is judged by value (float32 arrays
  // stay float32 while 10**d fits float32) and rounded to the loop's dtype.
  const f = array(powerOfTen(Math.abs(d)), { dtype: "float64" });
  const [first, second] = d > 0 ? [OPS.mul, OPS.div] : [OPS.div, OPS.mul];
  const result = target ?? new NDArray(allocateShaped(integer ? "float64" : arr.dtype, arr.shape, true), arr.shape, integer ? "float64" : arr.dtype);
  if (isIntegral(result.dtype)) {
    const loop = arr.dtype === "float32" && f.flatAt(0) < 3.4e38 ? "float32" : "float64";
    throw new TypeError(`Cannot cast ufunc '${first === OPS.mul ? "multiply" : "divide"}' output from dtype('${loop}') to dtype('${result.dtype}') with casting rule 'same_kind'`);
  }
  binary(first, arr, f, result);
  unary(UNARY.rint, result, result);
  binary(second, result, f, result);
  return integer && !target ? result.astype(arr.dtype) : result;
}

/** `np.around`: the same function as {@link round}. */
export const around = round;
