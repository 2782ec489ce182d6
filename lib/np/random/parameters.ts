/**
 * NumPy's `cont` and `disc` (numpy/random/_common.pyx): how a distribution's parameters are
 * checked, broadcast against each other and against `size`, and drawn into an array, shared
 * by Generator (lib/np/rng.ts) and RandomState (lib/np/legacy-random.ts). The checks and
 * their messages are NumPy's word for word; scalar and array parameters word some of them
 * differently ("lam < 0 or lam is NaN" against "… contains NaNs"), as NumPy does.
 */
import { array } from "../creation";
import { allocateShaped } from "../dtype";
import { ValueError } from "../errors";
import { checkLazyShape, fmtShape, NDArray, NestedList } from "../ndarray";

/** A distribution's parameter as users pass it: a number, a (nested) list or an array. */
export type Param = number | NDArray | NestedList;

/** `size=...`: a length or a shape. */
export type Size = number | readonly number[];

/** NumPy's constraint types (CONS_*) of the parameters these distributions take. */
export type Constraint = "none" | "nonNegative" | "positive" | "bounded01" | "poisson";

/** NumPy's POISSON_LAM_MAX (also the legacy one, C's long being int64 here). */
export const POISSON_LAM_MAX = 2 ** 63 - Math.sqrt(2 ** 63) * 10;

/** One parameter: its value, its name in messages, its constraint, whether NumPy takes it as int64. */
export interface ParamSpec {
  value: unknown;
  name: string;
  constraint: Constraint;
  int64?: boolean;
}

/** A shape from `size`, with the errors `np.empty(size)` gives; null for a scalar (size=None). */
export function shapeOf(size: unknown, what: string): number[] | null {
  if (size === undefined || size === null) return null;
  const dims = typeof size === "number" ? [size] : Array.isArray(size) ? (size as unknown[]) : null;
  if (dims === null) throw new TypeError(`'${typeof size}' object cannot be interpreted as an integer`);
  for (const d of dims) {
    if (typeof d !== "number") throw new TypeError(`'${Array.isArray(d) ? "list" : typeof d}' object cannot be interpreted as an integer`);
    if (!Number.isInteger(d)) throw new TypeError("'float' object cannot be interpreted as an integer");
    if (d < 0) throw new ValueError("negative dimensions are not allowed");
  }
  // Past the 2**32 elements one array holds, the allocation raises NumPy's MemoryError (np/dtype.ts).
  return checkLazyShape(dims as number[], what);
}

/** check_constraint: a scalar parameter. */
function checkScalar(v: number, name: string, c: Constraint): void {
  if (c === "nonNegative") {
    if (!Number.isNaN(v) && (v < 0 || Object.is(v, -0))) throw new ValueError(`${name} < 0`);
  } else if (c === "positive") {
    if (v <= 0) throw new ValueError(`${name} <= 0`);
  } else if (c === "bounded01") {
    if (!(v >= 0) || !(v <= 1)) throw new ValueError(`${name} < 0, ${name} > 1 or ${name} is NaN`);
  } else if (c === "poisson") {
    if (!(v >= 0)) throw new ValueError(`${name} < 0 or ${name} is NaN`);
    if (!(v <= POISSON_LAM_MAX)) throw new ValueError(`${name} value too large`);
  }
}

/** check_array_constraint: an array parameter (a 0-d one too, when another is an array). */
function checkArray(v: Float64Array, name: string, c: Constraint): void {
  if (c === "nonNegative") {
    if (v.some((x) => !Number.isNaN(x) && (x < 0 || Object.is(x, -0)))) throw new ValueError(`${name} < 0`);
  } else if (c === "positive") {
    if (v.some((x) => x <= 0)) throw new ValueError(`${name} <= 0`);
  } else if (c === "bounded01") {
    if (v.some((x) => !(x >= 0) || !(x <= 1))) throw new ValueError(`${name} < 0, ${name} > 1 or ${name} contains NaNs`);
  } else if (c === "poisson") {
    // NaN fails the first test: NumPy calls an array holding NaN "too large"
    if (!v.every((x) => x <= POISSON_LAM_MAX)) throw new ValueError(`${name} value too large`);
    if (!v.every((x) => x >= 0)) throw new ValueError(`${name} < 0 or ${name} contains NaNs`);
  }
}

/** A parameter as NumPy's PyArray_FROM_OTF sees it: values in C order (float64, or truncated for int64) and a shape. */
interface Operand {
  values: Float64Array;
  shape: number[];
}

function operand(spec: ParamSpec, what: string): Operand {
  const v = spec.value;
  let arr: NDArray;
  if (typeof v === "number" || typeof v === "boolean") arr = new NDArray(Float64Array.of(Number(v)), [], "float64");
  else if (typeof v === "bigint") arr = new NDArray(Float64Array.of(Number(v)), [], "float64");
  else if (v instanceof NDArray) arr = v;
  else if (Array.isArray(v)) arr = array(v as NestedList);
  else throw new TypeError(`${what}: ${spec.name} must be a number, a list or an array, got ${String(v)}`);
  const values = Float64Array.from({ length: arr.size }, (_, i) => {
    const x = Number(arr.flatAt(i));
    return spec.int64 ? Math.trunc(x) : x;
  });
  return { values, shape: arr.shape };
}

/**
 * NumPy's broadcasting of several shapes (PyArray_MultiIterNew), failing with its message,
 * which names the first two arguments that disagree.
 */
function broadcast(shapes: readonly (readonly number[])[]): number[] {
  const nd = Math.max(0, ...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let i = 0; i < nd; i++) {
    let dim = 1;
    let from = -1;
    shapes.forEach((s, j) => {
      const k = i + s.length - nd;
      if (k < 0 || s[k] === 1) return;
      if (dim === 1) {
        dim = s[k];
        from = j;
      } else if (s[k] !== dim) {
        throw new ValueError(
          `shape mismatch: objects cannot be broadcast to a single shape.  Mismatch is between arg ${from} with shape ${fmtShape(shapes[from])} and arg ${j} with shape ${fmtShape(s)}.`,
        );
      }
    });
    out.push(dim);
  }
  return out;
}

/**
 * Draws one sample per element: a number when every parameter is a scalar and `size` is
 * None, else an array of shape `size` (or the parameters' broadcast shape), float64 or
 * int64. `start(n)` is called once the checks have passed, with the number of samples,
 * and returns the sampler of one sample from the parameters' values (in `specs`' order);
 * `fillScalar`, if given, may fill a whole array of scalar parameters instead (a faster path
 * drawing the same numbers, e.g. the addon's: distribution-fill.ts), returning false when it
 * did not, and the samples are then drawn one by one.
 */
export function sample(
  what: string,
  specs: readonly ParamSpec[],
  size: unknown,
  dtype: "float64" | "int64",
  start: (n: number) => (a: number, b: number) => number,
  fillScalar?: (out: Float64Array, a: number, b: number) => boolean,
): NDArray | number {
  const ops = specs.map((s) => operand(s, what));
  const scalar = ops.every((o) => o.shape.length === 0);
  if (scalar) {
    specs.forEach((s, i) => s.constraint !== "none" && checkScalar(ops[i].values[0], s.name, s.constraint));
    const a = ops[0]?.values[0] ?? 0;
    const b = ops[1]?.values[0] ?? 0;
    const shape = shapeOf(size, what);
    if (shape === null) return start(1)(a, b);
    const n = shape.reduce((x, y) => x * y, 1);
    const out = allocateShaped(dtype, shape, true) as Float64Array;
    if (!fillScalar?.(out, a, b)) {
      const draw = start(n);
      for (let i = 0; i < n; i++) out[i] = draw(a, b);
    }
    return new NDArray(out, shape, dtype);
  }
  specs.forEach((s, i) => s.constraint !== "none" && checkArray(ops[i].values, s.name, s.constraint));
  const requested = shapeOf(size, what);
  const shape = requested ?? broadcast(ops.map((o) => o.shape));
  const joint = broadcast([shape, ...ops.map((o) => o.shape)]);
  if (joint.length !== shape.length || joint.some((d, i) => d !== shape[i])) {
    throw new ValueError(`Output size ${fmtShape(shape)} is not compatible with broadcast dimensions of inputs ${fmtShape(joint)}.`);
  }
  const n = shape.reduce((x, y) => x * y, 1);
  const out = allocateShaped(dtype, shape, true) as Float64Array;
  if (n === 0) return new NDArray(out, shape, dtype);
  // Each parameter's element strides along the output's axes (0 where it is broadcast).
  const nd = shape.length;
  const strides = ops.map((o) => {
    const st = new Array<number>(nd).fill(0);
    let step = 1;
    for (let k = o.shape.length - 1; k >= 0; k--) {
      const d = k + nd - o.shape.length;
      st[d] = o.shape[k] === 1 ? 0 : step;
      step *= o.shape[k];
    }
    return st;
  });
  const a = ops[0].values;
  const b = ops[1]?.values ?? new Float64Array(1);
  const sa = strides[0];
  const sb = strides[1] ?? new Array<number>(nd).fill(0);
  const idx = new Array<number>(nd).fill(0);
  let oa = 0;
  let ob = 0;
  const draw = start(n);
  for (let i = 0; i < n; i++) {
    out[i] = draw(a[oa], b[ob]);
    for (let d = nd - 1; d >= 0; d--) {
      oa += sa[d];
      ob += sb[d];
      if (++idx[d] < shape[d]) break;
      oa -= sa[d] * shape[d];
      ob -= sb[d] * shape[d];
      idx[d] = 0;
    }
  }
  return new NDArray(out, shape, dtype);
}

/**
 * Python's int() of an integer draw's bound (randint's, integers'): truncates, refuses NaN and
 * infinities with Python's errors; `what` names the method in the TypeError for a non-number.
 */
export function boundToBigInt(v: unknown, what: string, name: string): bigint {
  if (typeof v === "bigint") return v;
  if (typeof v !== "number") throw new TypeError(`${what}: ${name} must be a number or bigint, got ${v instanceof NDArray ? "an array (not supported)" : String(v)}`);
  if (Number.isNaN(v)) throw new ValueError("cannot convert float NaN to integer");
  if (!Number.isFinite(v)) throw new RangeError("cannot convert float infinity to integer");
  return BigInt(Math.trunc(v));
}

/** A bigint as a number when exact, else left a bigint (the integer fills take either). */
export function exactNumber(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}
