/**
 * Making arrays: from nested lists (with NumPy's dtype inference), filled shapes, ranges,
 * and by joining arrays (`append`, `concatenate`, `stack`) or differencing (`diff`).
 */
import { allocate, checkDType, DType, promote, scalarDType } from "./dtype";
import { checkShape, fmtShape, NDArray, NestedList, normaliseAxis } from "./ndarray";
import { assign, sub } from "./ufunc";

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
  if (values instanceof NDArray) return want && want !== values.dtype ? values.astype(want) : values.copy();
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

/** full() under the name the user called (errors name it). */
function filled(shape: number | readonly number[], value: number | boolean, options: DTypeOption, what: string): NDArray {
  const dims = checkShape(shape, what);
  const dt = options.dtype === undefined ? scalarDType(value) : checkDType(options.dtype);
  // Zeros need zeroed memory; any other value is written to every element.
  const written = value !== 0 && value !== false;
  const out = new NDArray(allocate(dt, dims.reduce((a, b) => a * b, 1), written), dims, dt);
  if (written) assign(out, typeof value === "boolean" ? (value ? 1 : 0) : value);
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
 * int64 when all arguments are integers, else float64.
 */
export function arange(start: number, stop?: number, step?: number, options: DTypeOption = {}): NDArray {
  if (stop === undefined) [start, stop] = [0, start];
  step ??= 1;
  for (const [name, v] of [["start", start], ["stop", stop], ["step", step]] as const) {
    if (typeof v !== "number" || !Number.isFinite(v)) throw new RangeError(`arange: ${name} must be a finite number, got ${v}`);
  }
  if (step === 0) throw new RangeError("arange: step must not be zero");
  const n = Math.max(0, Math.ceil((stop - start) / step));
  checkShape([n], "arange");
  const inferred: DType = [start, stop, step].every(Number.isInteger) ? "int64" : "float64";
  const dt = options.dtype === undefined ? inferred : checkDType(options.dtype);
  const out = new NDArray(allocate(dt, n, true), [n], dt);
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
  const out = new NDArray(new Float64Array(num), [num], "float64");
  const d = out.nd.data;
  const delta = stop - start;
  const step = div > 0 ? delta / div : NaN;
  // NumPy: y = arange(num) * step + start (or / div * delta when step underflows to 0).
  for (let i = 0; i < num; i++) d[i] = div > 0 ? (step === 0 ? (i / div) * delta + start : i * step + start) : i * delta + start;
  if (endpoint && num > 1) d[num - 1] = stop;
  return options.dtype && options.dtype !== "float64" ? out.astype(options.dtype) : out;
}

/** `np.copy(x)`. */
export function copy(x: NDArray): NDArray {
  return x.copy();
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
  xs.forEach((x, i) => {
    if (x.ndim !== ndim) {
      throw new RangeError(`concatenate: all the input arrays must have same number of dimensions, but the array at index 0 has ${ndim} dimension(s) and the array at index ${i} has ${x.ndim} dimension(s)`);
    }
    for (let d = 0; d < ndim; d++) {
      if (d !== axis && x.shape[d] !== xs[0].shape[d]) {
        throw new RangeError(`concatenate: all the input array dimensions except for the concatenation axis must match exactly, but along dimension ${d}, the array at index 0 has size ${xs[0].shape[d]} and the array at index ${i} has size ${x.shape[d]}`);
      }
    }
  });
  const dtype = xs.map((x) => x.dtype).reduce(promote);
  const shape = xs[0].shape;
  shape[axis] = xs.reduce((s, x) => s + x.shape[axis], 0);
  // The slices [at, at + n) along `axis` tile the output, each assigned in full.
  const out = new NDArray(allocate(dtype, shape.reduce((a, b) => a * b, 1), true), shape, dtype);
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
