import { broadcastShapes } from "./iterate";

/**
 * NumPy's exception types, under NumPy's names so a traceback reads as Python's would:
 * `ValueError: shapes (2,3) and (2,3) not aligned: 3 (dim 1) != 2 (dim 0)`.
 */

/** A value NumPy refuses (mismatched shapes, a bound missing, …): NumPy's `ValueError`. */
export class ValueError extends Error {
  override name = "ValueError";
}

/** Python's NotImplementedError: what NumPy, Dask or xarray does not implement either (xr's `sel` with a method and a range, Dask's `choice` without replacement over several chunks). */
export class NotImplementedError extends Error {
  override name = "NotImplementedError";
}

/** Python's name for the type of a value that is not an array, as its TypeErrors give it (`'float' object cannot be interpreted as an integer`, `not NoneType`). */
export function pythonTypeName(v: unknown): string {
  if (Array.isArray(v)) return "list";
  if (typeof v === "number") return Number.isInteger(v) ? "int" : "float";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "string") return "str";
  if (v === null || v === undefined) return "NoneType";
  return typeof v;
}

/** Python's `RuntimeError` (np.cov's for weights it cannot use: more than 1-D, or of the wrong length). */
export class RuntimeError extends Error {
  override name = "RuntimeError";
}

/**
 * An axis out of range or repeated: NumPy's `numpy.AxisError` (a ValueError there too).
 * @example np.squeeze(np.zeros([2, 1]), { axis: 2 })   // AxisError: axis 2 is out of bounds for array of dimension 2
 */
export class AxisError extends ValueError {
  override name = "AxisError";
}

/** Checks an axis against `ndim` and makes it non-negative, with NumPy's AxisError message. */
export function checkAxis(axis: number, ndim: number, what: string): number {
  if (typeof axis !== "number" || !Number.isInteger(axis)) throw new TypeError(`${what}: axis must be an integer, got ${String(axis)}`);
  const a = axis < 0 ? axis + ndim : axis;
  if (a < 0 || a >= ndim) throw new AxisError(`axis ${axis} is out of bounds for array of dimension ${ndim}`);
  return a;
}

/** A shape as NumPy's broadcasting messages print it: `(4,5)`, `(3,)`, `()`. */
export function tightShape(s: readonly number[]): string {
  return `(${s.join(",")}${s.length === 1 ? "," : ""})`;
}

/**
 * NumPy's broadcasting of operand shapes, failing with NumPy's ValueError and message
 * (`operands could not be broadcast together with shapes (4,5) (3,) `, trailing space included).
 */
export function broadcastTogether(...shapes: (readonly number[])[]): number[] {
  try {
    return broadcastShapes(...shapes);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    throw new ValueError(`operands could not be broadcast together with shapes ${shapes.map(tightShape).join(" ")} `);
  }
}

/**
 * NumPy's `RuntimeWarning`s (e.g. "Mean of empty slice"): printed on stderr as Python prints
 * them, and kept in {@link runtimeWarnings} for tests. Python's default filter shows a warning
 * once per source line; lazylab cannot see the caller's line, so it shows a message once per
 * turn of the event loop: a loop in one cell warns once, the next cell warns again.
 */
export const runtimeWarnings: string[] = [];
const shownThisTurn = new Set<string>();

/** Prints `RuntimeWarning: message` on stderr (once per turn of the event loop). */
export function runtimeWarning(message: string): void {
  runtimeWarnings.push(message);
  if (shownThisTurn.has(message)) return;
  if (shownThisTurn.size === 0) setImmediate(() => shownThisTurn.clear()).unref();
  shownThisTurn.add(message);
  console.warn(`RuntimeWarning: ${message}`);
}
