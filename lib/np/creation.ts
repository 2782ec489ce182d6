/**
 * Making arrays: from nested lists (with NumPy's dtype inference), filled shapes, ranges,
 * identity matrices and grids (`eye`, `meshgrid`), by joining arrays (`append`,
 * `concatenate`, `stack`, `hstack`, `vstack`), repeating them (`tile`, `repeat`) or
 * differencing (`diff`).
 */
import { allocate, allocateShaped, checkDType, DType, itemsize, Storage } from "./dtype";
import { promoteTypes as promote, scalarDType } from "./casting";
import { tooLargeError } from "./memory-error";
import { checkShape, contiguousStrides, fmtShape, NDArray, NestedList, normaliseAxis, plainCopy } from "./ndarray";
import { assign, pow, sub } from "./ufunc";
import { checkAxis, pythonTypeName, ValueError } from "./errors";

/** Options shared by the creation functions. */
export interface DTypeOption {
  /** Element type; inferred from the values when omitted. */
  dtype?: DType;
}

/** Walks a nested list: its shape (checked rectangular) and inferred dtype. */
function inspectNested(value: NestedList): { shape: number[]; dtype: DType; flat: number[] } {
  const shape: number[] = [];
  let v: NestedList = value;
  while (Array.isArray(v)) {
    shape.push(v.length);
    if (v.length === 0) break;
    v = v[0];
  }
  const flat: number[] = [];
  let dtype: DType | undefined;
  const walk = (x: NestedList, d: number, path: string): void => {
    if (d === shape.length) {
      if (Array.isArray(x)) throw new RangeError(`array: the nested lists are not rectangular: ${path} has more levels than the first element`);
      if (typeof x === "boolean") {
        dtype = dtype ? promote(dtype, "bool") : "bool";
        flat.push(x ? 1 : 0);
      } else if (typeof x === "number") {
        const dt = scalarDType(x);
        dtype = dtype ? promote(dtype, dt) : dt;
        flat.push(x);
      } else if ((x as unknown) instanceof NDArray) {
        throw new TypeError(`array: ${path} is an array inside a list; use np.stack to join arrays`);
      } else {
        throw new TypeError(`array: ${path} is ${x === null ? "null" : typeof x}, not a number or boolean`);
      }
      return;
    }
    if (!Array.isArray(x) || x.length !== shape[d]) {
      const got = Array.isArray(x) ? `length ${x.length}` : "a scalar";
      throw new RangeError(`array: the nested lists are not rectangular: ${path} has ${got}, expected length ${shape[d]} (shape so far ${fmtShape(shape.slice(0, d + 1))})`);
    }
    x.forEach((y, i) => walk(y, d + 1, `${path}[${i}]`));
  };
  walk(value, 0, "value");
  return { shape, dtype: dtype ?? "float64", flat };
}

/** `np.array(values)`: a new array from nested lists, an array (copied) or a scalar. */
export function array(values: NestedList | NDArray | ArrayLike<number>, options: DTypeOption = {}): NDArray {
  const want = options.dtype === undefined ? undefined : checkDType(options.dtype);
  if (values instanceof NDArray) return plainCopy(values, want ?? values.dtype);
  if (ArrayBuffer.isView(values)) {
    const src = values as unknown as ArrayLike<number>;
    const dt = want ?? typedDType(values);
    const out = new NDArray(allocate(dt, src.length, true), [src.length], dt);
    assign(out, new NDArray(Float64Array.from(src), [src.length], "float64"));
    return out;
  }
  const { shape, dtype, flat } = inspectNested(values as NestedList);
  const dt = want ?? dtype;
  const src = new NDArray(Float64Array.from(flat), shape, "float64");
  const out = new NDArray(allocate(dt, flat.length, true), shape, dt);
  assign(out, src);
  return out;
}

function typedDType(v: ArrayBufferView): DType {
  if (v instanceof Float32Array) return "float32";
  if (v instanceof Int8Array) return "int8";
  if (v instanceof Int16Array) return "int16";
  if (v instanceof Int32Array) return "int32";
  if (v instanceof Uint8Array || v instanceof Uint8ClampedArray) return "uint8";
  if (v instanceof Uint16Array) return "uint16";
  if (v instanceof Uint32Array) return "uint32";
  return "float64";
}

/** `np.asarray(x)`: `x` itself if it is already an array (of that dtype), else a new one. */
export function asarray(values: NestedList | NDArray | ArrayLike<number>, options: DTypeOption = {}): NDArray {
  if (values instanceof NDArray && (options.dtype === undefined || options.dtype === values.dtype)) return values;
  return array(values, options);
}

/** A new array of `shape`, every element `value`. */
export function full(shape: number | readonly number[], value: number | boolean, options: DTypeOption = {}): NDArray {
  return filled(shape, value, options, "full");
}

/** A shape for a new array of `dtype`: checkShape's checks, and NumPy's MemoryError past the 2**32 elements one array holds here. */
function checkCreatable(shape: number | readonly number[], dtype: DType, what: string): number[] {
  return checkShape(shape, what, (dims) => tooLargeError(dims, dtype, itemsize(dtype)));
}

/**
 * full() under the name the user called (errors name it). Memory as NumPy's: `zeros` and `empty`
 * leave their pages unwritten (held only once written; lib/psutil counts them so), `full` and
 * `ones` write every element (NumPy's full is empty + copyto: np.full(shape, 0) holds its pages).
 * NumPy advises huge pages for an empty array from 4 MiB, not for zeros (calloc'd).
 */
function filled(shape: number | readonly number[], value: number | boolean, options: DTypeOption, what: "full" | "zeros" | "ones" | "empty"): NDArray {
  const dt = options.dtype === undefined ? scalarDType(value) : checkDType(options.dtype);
  const dims = checkCreatable(shape, dt, what);
  if (what === "zeros" || what === "empty") return new NDArray(allocateShaped(dt, dims, false, what === "empty"), dims, dt);
  const out = new NDArray(allocateShaped(dt, dims, true), dims, dt);
  assign(out, typeof value === "boolean" ? (value ? 1 : 0) : value);
  return out;
}

/** Zeros (float64 by default). */
export function zeros(shape: number | readonly number[], options: DTypeOption = {}): NDArray {
  return filled(shape, 0, { dtype: options.dtype ?? "float64" }, "zeros");
}

/** Ones (float64 by default). */
export function ones(shape: number | readonly number[], options: DTypeOption = {}): NDArray {
  return filled(shape, 1, { dtype: options.dtype ?? "float64" }, "ones");
}

/** An array to be filled (zeroed here: JavaScript buffers always are). */
export function empty(shape: number | readonly number[], options: DTypeOption = {}): NDArray {
  return filled(shape, 0, { dtype: options.dtype ?? "float64" }, "empty");
}

/** Zeros with the shape and dtype of `x`. */
export function zerosLike(x: NDArray, options: DTypeOption = {}): NDArray {
  return zeros(x.shape, { dtype: options.dtype ?? x.dtype });
}

/** Ones with the shape and dtype of `x`. */
export function onesLike(x: NDArray, options: DTypeOption = {}): NDArray {
  return ones(x.shape, { dtype: options.dtype ?? x.dtype });
}

/**
 * `np.arange(stop)`, `np.arange(start, stop, step?)`: evenly spaced values in [start, stop).
 * int64 when all arguments are integers, else float64; the options may follow any of them, as
 * NumPy's `dtype=` keyword: `np.arange(6, { dtype: "float32" })`.
 */
export function arange(stop: number, options?: DTypeOption): NDArray;
export function arange(start: number, stop: number, options?: DTypeOption): NDArray;
export function arange(start: number, stop?: number, step?: number, options?: DTypeOption): NDArray;
export function arange(start: number, stop?: number | DTypeOption, step?: number | DTypeOption, options: DTypeOption = {}): NDArray {
  if (typeof stop === "object" && stop !== null) return arange(start, undefined, undefined, stop);
  if (typeof step === "object" && step !== null) return arange(start, stop, undefined, step);
  if (stop === undefined) [start, stop] = [0, start];
  step ??= 1;
  for (const [name, v] of [["start", start], ["stop", stop], ["step", step]] as const) {
    if (typeof v !== "number" || !Number.isFinite(v)) throw new RangeError(`arange: ${name} must be a finite number, got ${v}`);
  }
  if (step === 0) throw new RangeError("arange: step must not be zero");
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const inferred: DType = [start, stop, step].every(Number.isInteger) ? "int64" : "float64";
  const dt = options.dtype === undefined ? inferred : checkDType(options.dtype);
  // Past 2**32 elements (or what the machine gives), NumPy's MemoryError (np/dtype.ts).
  const out = new NDArray(allocateShaped(dt, [n], true), [n], dt);
  const d = out.nd.data;
  // NumPy fills from the first two values: x[i] = start + i*delta, delta = (start+step) - start.
  const delta = start + step - start;
  for (let i = 0; i < n; i++) d[i] = start + i * delta;
  return out;
}

/** `np.linspace(start, stop, num=50, endpoint=true)`: `num` evenly spaced float64 values. */
export function linspace(start: number, stop: number, num = 50, options: DTypeOption & { endpoint?: boolean } = {}): NDArray {
  if (!Number.isInteger(num) || num < 0) throw new RangeError(`linspace: num must be a non-negative integer, got ${num}`);
  if (!Number.isFinite(start) || !Number.isFinite(stop)) throw new RangeError(`linspace: start and stop must be finite, got ${start}, ${stop}`);
  const endpoint = options.endpoint ?? true;
  const div = endpoint ? num - 1 : num;
  const out = new NDArray(allocate("float64", num, true), [num], "float64");
  const d = out.nd.data;
  const delta = stop - start;
  const step = div > 0 ? delta / div : NaN;
  // NumPy: y = arange(num) * step + start (or / div * delta when step underflows to 0).
  for (let i = 0; i < num; i++) d[i] = div > 0 ? (step === 0 ? (i / div) * delta + start : i * step + start) : i * delta + start;
  if (endpoint && num > 1) d[num - 1] = stop;
  return options.dtype && options.dtype !== "float64" ? out.astype(options.dtype) : out;
}

/**
 * `np.logspace(start, stop, num=50, endpoint=True, base=10.0, dtype=None)`: `base` to the powers
 * of `np.linspace(start, stop, num)`, float64 (NumPy's `power(base, y)`), or converted to `dtype`.
 * @example np.logspace(0, 3, 4)                                   // array([   1.,   10.,  100., 1000.])
 * np.logspace(0, 4, 5, { base: 2, endpoint: false, dtype: "int32" })   // powers of 2 from 1
 */
export function logspace(start: number, stop: number, num = 50, options: DTypeOption & { endpoint?: boolean; base?: number } = {}): NDArray {
  if (typeof num !== "number" || !Number.isInteger(num)) throw new TypeError(`'${typeof num === "number" ? "float" : typeof num}' object cannot be interpreted as an integer`);
  if (num < 0) throw new ValueError(`Number of samples, ${num}, must be non-negative.`);
  const y = linspace(start, stop, num, { endpoint: options.endpoint ?? true });
  const p = pow(options.base ?? 10, y);
  return options.dtype === undefined ? p : p.astype(checkDType(options.dtype));
}

/** `np.copy(x)`: a new array (plain, also for a memmap, as NumPy's). */
export function copy(x: NDArray): NDArray {
  return plainCopy(x);
}

/** An array argument: an array as is, a nested list or a scalar made into one (NumPy's array_like). */
export function asArrayArg(x: NDArray | NestedList, what: string): NDArray {
  if (x instanceof NDArray) return x;
  if (typeof x === "number" || typeof x === "boolean" || Array.isArray(x)) return array(x);
  throw new TypeError(`${what}: expected an array, a list or a number, got ${x === null ? "null" : typeof x}`);
}

/** `np.concatenate(arrays, axis=0)`: joins arrays along an existing axis. */
export function concatenate(arrays: readonly (NDArray | NestedList)[], options: { axis?: number | null } | number = {}): NDArray {
  const axisOpt = typeof options === "number" ? options : options.axis;
  if (!Array.isArray(arrays) || arrays.length === 0) throw new RangeError("concatenate: need at least one array to concatenate");
  let xs = arrays.map((a, i) => asArrayArg(a, `concatenate: arrays[${i}]`));
  if (axisOpt === null) xs = xs.map((x) => x.ravel());
  const ndim = xs[0].ndim;
  if (ndim === 0) throw new RangeError("concatenate: zero-dimensional arrays cannot be concatenated");
  const axis = normaliseAxis(axisOpt ?? 0, ndim, "concatenate");
  checkJoinable(xs, axis, (m) => new RangeError(`concatenate: ${m}`));
  return joinAlong(xs, axis);
}

/** The shape checks of np.concatenate, with NumPy's messages; `fail` makes the error. */
export function checkJoinable(xs: readonly NDArray[], axis: number, fail: (message: string) => Error): void {
  const ndim = xs[0].ndim;
  xs.forEach((x, i) => {
    if (x.ndim !== ndim) {
      throw fail(`all the input arrays must have same number of dimensions, but the array at index 0 has ${ndim} dimension(s) and the array at index ${i} has ${x.ndim} dimension(s)`);
    }
    for (let d = 0; d < ndim; d++) {
      if (d !== axis && x.shape[d] !== xs[0].shape[d]) {
        throw fail(`all the input array dimensions except for the concatenation axis must match exactly, but along dimension ${d}, the array at index 0 has size ${xs[0].shape[d]} and the array at index ${i} has size ${x.shape[d]}`);
      }
    }
  });
}

/** Checked arrays joined along `axis` into a new array of their promoted dtype. */
export function joinAlong(xs: readonly NDArray[], axis: number): NDArray {
  const dtype = xs.map((x) => x.dtype).reduce(promote);
  const shape = xs[0].shape;
  shape[axis] = xs.reduce((s, x) => s + x.shape[axis], 0);
  // The slices [at, at + n) along `axis` tile the output, each assigned in full.
  const out = new NDArray(allocateShaped(dtype, shape, true), shape, dtype);
  let at = 0;
  for (const x of xs) {
    const n = x.shape[axis];
    const idx = shape.map((_, d) => (d === axis ? `${at}:${at + n}` : ":")).join(",");
    assign(out.get(idx), x);
    at += n;
  }
  return out;
}

/** `np.stack(arrays, axis=0)`: joins same-shaped arrays along a new axis. */
export function stack(arrays: readonly (NDArray | NestedList)[], options: { axis?: number } | number = {}): NDArray {
  const axisOpt = typeof options === "number" ? options : (options.axis ?? 0);
  if (!Array.isArray(arrays) || arrays.length === 0) throw new RangeError("stack: need at least one array to stack");
  const xs = arrays.map((a, i) => asArrayArg(a, `stack: arrays[${i}]`));
  const shape = xs[0].shape;
  xs.forEach((x) => {
    if (x.ndim !== shape.length || x.shape.some((n, d) => n !== shape[d])) {
      throw new RangeError(`stack: all input arrays must have the same shape; got ${xs.map((y) => fmtShape(y.shape)).join(" and ")}`);
    }
  });
  const axis = normaliseAxis(axisOpt, shape.length + 1, "stack");
  const expanded = xs.map((x) => {
    const s = x.shape;
    s.splice(axis, 0, 1);
    return x.reshape(s);
  });
  return concatenate(expanded, { axis });
}

/**
 * `np.append(arr, values, axis?)`: a new array with `values` at the end. Without `axis`
 * both are flattened first, like NumPy.
 */
export function append(arr: NDArray | NestedList, values: NDArray | NestedList, options: { axis?: number } | number = {}): NDArray {
  const axis = typeof options === "number" ? options : options.axis;
  const a = asArrayArg(arr, "append: arr");
  const v = asArrayArg(values, "append: values");
  if (axis === undefined) return concatenate([a.ravel(), v.ravel()]);
  return concatenate([a, v], { axis });
}

/** `np.diff(a, n=1, axis=-1)`: differences between consecutive elements, `n` times. */
export function diff(a: NDArray | NestedList, options: { n?: number; axis?: number } | number = {}): NDArray {
  const o = typeof options === "number" ? { n: options } : options;
  const n = o.n ?? 1;
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`diff: order n must be a non-negative integer, got ${n}`);
  let x = asArrayArg(a, "diff: a");
  if (x.ndim === 0) throw new RangeError("diff requires input that is at least one dimensional");
  const axis = normaliseAxis(o.axis ?? -1, x.ndim, "diff");
  for (let k = 0; k < n; k++) {
    const hi = x.shape.map((_, d) => (d === axis ? "1:" : ":")).join(",");
    const lo = x.shape.map((_, d) => (d === axis ? ":-1" : ":")).join(",");
    x = x.dtype === "bool" ? x.get(hi).ne(x.get(lo)) : sub(x.get(hi), x.get(lo));
  }
  return x;
}

/** An integer argument, or NumPy's TypeError for anything else (`np.eye(2.5)`). */
function integerArg(v: unknown): number {
  if (typeof v === "number" && Number.isInteger(v)) return v;
  if (typeof v === "boolean") throw new TypeError("an integer is required");
  throw new TypeError(`'${pythonTypeName(v)}' object cannot be interpreted as an integer`);
}

/** Options of {@link eye}. */
export interface EyeOptions extends DTypeOption {
  /** The diagonal: 0 the main one, positive above it, negative below. */
  k?: number;
}

/**
 * `np.eye(N, M=None, k=0, dtype=float)`: an N×M array (N×N without M) with ones on the k-th
 * diagonal and zeros elsewhere. The options may come second: `np.eye(3, { k: 1 })`.
 * @example np.eye(2)                              // array([[1., 0.], [0., 1.]])
 * np.eye(2, 3, { k: 1, dtype: "int32" })           // array([[0, 1, 0], [0, 0, 1]], dtype=int32)
 */
export function eye(N: number, M?: number | null | EyeOptions, options: EyeOptions = {}): NDArray {
  if (typeof M === "object" && M !== null) [M, options] = [undefined, M];
  const rows = integerArg(N);
  const cols = M === undefined || M === null ? rows : integerArg(M);
  const k = integerArg(options.k ?? 0);
  if (rows < 0 || cols < 0) throw new ValueError("negative dimensions are not allowed");
  const out = zeros([rows, cols], { dtype: options.dtype ?? "float64" });
  const d = out.nd.data;
  for (let i = Math.max(0, -k); i < rows && i + k < cols; i++) d[i * cols + i + k] = 1;
  return out;
}

/**
 * `np.identity(n, dtype=float)`: the n×n identity matrix.
 * @example np.identity(3, { dtype: "bool" })   // ones on the diagonal as True
 */
export function identity(n: number, options: DTypeOption = {}): NDArray {
  return eye(n, null, { dtype: options.dtype });
}

/**
 * `np.full_like(a, fill_value, dtype=None)`: a new array with a's shape and dtype (or
 * `dtype`), every element `value` converted as NumPy's unsafe cast does (2.7 in an int64 array
 * is 2, -1 in a uint8 one 255). C order (NumPy keeps a transposed a's layout; the values and
 * repr are the same).
 * @example np.fullLike(np.arange(3), 7)   // array([7, 7, 7])
 */
export function fullLike(a: NDArray | NestedList, value: number | boolean, options: DTypeOption = {}): NDArray {
  const x = asArrayArg(a, "fullLike: a");
  return full(x.shape, value, { dtype: options.dtype ?? x.dtype });
}

/**
 * `np.empty_like(a, dtype=None)`: a new array with a's shape and dtype (or `dtype`), zero-filled
 * (JavaScript buffers always are; NumPy's holds whatever memory it got).
 * @example np.emptyLike(np.zeros([2, 3])).shape   // [2, 3]
 */
export function emptyLike(a: NDArray | NestedList, options: DTypeOption = {}): NDArray {
  const x = asArrayArg(a, "emptyLike: a");
  return empty(x.shape, { dtype: options.dtype ?? x.dtype });
}

/** NumPy's atleast_1d / atleast_2d of one argument: a view with leading axes of length 1 added. */
function atLeast(x: NDArray, ndim: number): NDArray {
  if (x.ndim >= ndim) return x;
  if (x.ndim === 0) return x.reshape(new Array<number>(ndim).fill(1));
  return x.reshape([1, ...x.shape]);
}

/**
 * `np.hstack(arrays)`: joins arrays column-wise: along the first axis for 1-D arrays (and
 * scalars), along the second otherwise. NumPy's ValueErrors for mismatched shapes.
 * @example np.hstack([np.array([1, 2]), np.array([3])])   // array([1, 2, 3])
 */
export function hstack(arrays: readonly (NDArray | NestedList)[]): NDArray {
  const xs = stackArgs(arrays, "hstack").map((x) => atLeast(x, 1));
  const axis = xs[0].ndim === 1 ? 0 : 1;
  checkJoinable(xs, axis, (m) => new ValueError(m));
  return joinAlong(xs, axis);
}

/**
 * `np.vstack(arrays)`: joins arrays row-wise, 1-D arrays (and scalars) as rows of one.
 * @example np.vstack([np.array([1, 2]), np.array([3, 4])])   // array([[1, 2], [3, 4]])
 */
export function vstack(arrays: readonly (NDArray | NestedList)[]): NDArray {
  const xs = stackArgs(arrays, "vstack").map((x) => atLeast(x, 2));
  checkJoinable(xs, 0, (m) => new ValueError(m));
  return joinAlong(xs, 0);
}

function stackArgs(arrays: readonly (NDArray | NestedList)[], what: string): NDArray[] {
  if (!Array.isArray(arrays)) throw new TypeError(`${what}: expected a list of arrays, got ${arrays === null ? "null" : typeof arrays}`);
  if (arrays.length === 0) throw new ValueError("need at least one array to concatenate");
  return arrays.map((a, i) => asArrayArg(a, `${what}: arrays[${i}]`));
}

/** Options of {@link meshgrid}. */
export interface MeshgridOptions {
  /** "xy" (Cartesian, the default: the first two axes swapped) or "ij" (matrix indexing). */
  indexing?: "xy" | "ij";
  /** Arrays with length-1 axes instead of full grids (they broadcast to the grid). */
  sparse?: boolean;
}

/**
 * `np.meshgrid(*xi, indexing='xy', sparse=False)`: coordinate arrays for a grid over the
 * given vectors (each flattened first), one per vector, each a new array (NumPy's copy=True)
 * of its vector's dtype. With "xy" indexing (the default) the grid's shape is (len(y),
 * len(x), ...); with "ij" it is (len(x), len(y), ...). A list, NumPy's tuple; the options last.
 * @example const [X, Y] = np.meshgrid(np.arange(3), np.arange(2));   // X: array([[0, 1, 2], [0, 1, 2]])
 * np.meshgrid(x, y, { indexing: "ij" })
 */
export function meshgrid(...xs: (NDArray | NestedList)[]): NDArray[];
export function meshgrid(...args: [...xs: (NDArray | NestedList)[], options: MeshgridOptions]): NDArray[];
export function meshgrid(...args: unknown[]): NDArray[] {
  const last = args[args.length - 1];
  const hasOptions = args.length > 0 && typeof last === "object" && last !== null && !Array.isArray(last) && !(last instanceof NDArray);
  const options = (hasOptions ? last : {}) as MeshgridOptions;
  const xs = (hasOptions ? args.slice(0, -1) : args).map((x, i) => asArrayArg(x as NDArray | NestedList, `meshgrid: xi[${i}]`).ravel());
  const indexing = options.indexing ?? "xy";
  if (indexing !== "xy" && indexing !== "ij") throw new ValueError("Valid values for `indexing` are 'xy' and 'ij'.");
  const lengths = xs.map((x) => x.size);
  // Where each vector's values run: axis i, except that "xy" swaps the first two.
  const axisOf = (i: number) => (indexing === "xy" && xs.length > 1 && i < 2 ? 1 - i : i);
  const gridShape = lengths.map((_, d) => lengths[axisOf(d)]);
  return xs.map((x, i) => {
    const shape = xs.map((_, d) => (d === axisOf(i) ? x.size : 1));
    const line = x.reshape(shape);
    const outShape = options.sparse ? shape : gridShape;
    const out = new NDArray(allocateShaped(x.dtype, outShape, true), outShape, x.dtype);
    assign(out, line);
    return out;
  });
}

/**
 * `np.tile(a, reps)`: a repeated `reps` times along each axis; with more reps than a has
 * axes, a gets leading axes of length 1 first, with fewer the reps apply to its last axes.
 * Always a new array.
 * @example np.tile(np.array([1, 2]), 2)         // array([1, 2, 1, 2])
 * np.tile(np.array([1, 2]), [2, 1]).shape        // [2, 2]
 */
export function tile(a: NDArray | NestedList, reps: number | readonly number[]): NDArray {
  const x = asArrayArg(a, "tile: a");
  const given = (typeof reps === "number" ? [reps] : [...reps]).map(integerArg);
  const ndim = Math.max(x.ndim, given.length);
  const tup = [...new Array<number>(ndim - given.length).fill(1), ...given];
  const inShape = [...new Array<number>(ndim - x.ndim).fill(1), ...x.shape];
  const inStride = [...new Array<number>(ndim - x.ndim).fill(0), ...x.nd.stride];
  const shape = inShape.map((n, d) => n * tup[d] + 0);
  if (shape.some((n) => n < 0)) throw new ValueError("negative dimensions are not allowed");
  const size = shape.reduce((p, n) => p * n, 1);
  const out = new NDArray(allocateShaped(x.dtype, shape, true), shape, x.dtype);
  if (size === 0) return out;
  // The output as (reps, length) pairs of axes, C order: element (r, i) of a pair is r·n + i.
  const pairs = inShape.flatMap((n, d) => [tup[d], n]);
  const target = new NDArray(out.nd.data, pairs, x.dtype, out, contiguousStrides(pairs), 0);
  // a with a length-1 axis before each of its own, which broadcasts over the repeats.
  const source = new NDArray(x.nd.data, inShape.flatMap((n) => [1, n]), x.dtype, x.base ?? x, inStride.flatMap((s) => [0, s]), x.nd.offset);
  assign(target, source);
  return out;
}

/**
 * `np.repeat(a, repeats, axis=None)`: each element repeated: `repeats` times, or `repeats[i]`
 * times for element i along the axis (a list as long as the axis, or of length 1). Without
 * `axis` a is flattened first. NumPy's errors for negative counts and mismatched lengths.
 * @example np.repeat(np.array([1, 2]), 2)                                   // array([1, 1, 2, 2])
 * np.repeat(np.array([[1, 2], [3, 4]]), [1, 2], { axis: 0 })               // array([[1, 2], [3, 4], [3, 4]])
 */
export function repeat(a: NDArray | NestedList, repeats: number | boolean | readonly number[] | NDArray, options: { axis?: number | null } | number = {}): NDArray {
  const axisOpt = typeof options === "number" ? options : options.axis;
  let x = asArrayArg(a, "repeat: a");
  if (axisOpt === undefined || axisOpt === null) x = x.ravel();
  else if (x.ndim === 0) x = x.reshape(1);
  const axis = checkAxis(axisOpt ?? 0, x.ndim, "repeat");
  const n = x.shape[axis];
  const counts = repeatCounts(repeats, n);
  const shape = x.shape;
  const outer = shape.slice(0, axis).reduce((p, q) => p * q, 1);
  const inner = shape.slice(axis + 1).reduce((p, q) => p * q, 1);
  shape[axis] = counts.reduce((p, q) => p + q, 0);
  const out = new NDArray(allocateShaped(x.dtype, shape, true), shape, x.dtype);
  const src = x.isContiguous ? x : x.copy();
  repeatBlocks(src.nd.data, src.nd.offset, out.nd.data, outer, n, inner, counts);
  return out;
}

/** The count for each of `n` elements, checked as NumPy checks them (fractions truncated, as its cast to intp). */
function repeatCounts(repeats: number | boolean | readonly number[] | NDArray, n: number): number[] {
  let list: number[];
  if (typeof repeats === "number" || typeof repeats === "boolean") list = [Number(repeats)];
  else {
    const r = repeats instanceof NDArray ? repeats : asArrayArg(repeats as NestedList, "repeat: repeats");
    if (r.ndim > 1) throw new ValueError("object too deep for desired array");
    list = r.ndim === 0 ? [r.item()] : (r.tolist() as (number | boolean)[]).map(Number);
  }
  list = list.map((c) => Math.trunc(c) + 0);
  if (list.length === 1) {
    if (list[0] < 0) throw new ValueError("negative dimensions are not allowed");
    return new Array<number>(n).fill(list[0]);
  }
  if (list.length !== n) throw new ValueError(`operands could not be broadcast together with shape (${n},) (${list.length},)`);
  if (list.some((c) => c < 0)) throw new ValueError("repeats may not contain negative values.");
  return list;
}

/**
 * Writes each of the `n` blocks of `inner` elements of every one of `outer` rows `counts[i]`
 * times, in order (a plain loop over the contiguous source and the new array).
 */
function repeatBlocks(src: Storage, off: number, dst: Storage, outer: number, n: number, inner: number, counts: readonly number[]): void {
  let o = 0;
  for (let p = 0; p < outer; p++) {
    for (let i = 0; i < n; i++) {
      const s = off + (p * n + i) * inner;
      for (let r = 0; r < counts[i]; r++) {
        if (inner < 16) for (let j = 0; j < inner; j++) dst[o++] = src[s + j];
        else {
          dst.set(src.subarray(s, s + inner), o);
          o += inner;
        }
      }
    }
  }
}
