/**
 * NumPy's exception types, under NumPy's names so a traceback reads as Python's would:
 * `ValueError: shapes (2,3) and (2,3) not aligned: 3 (dim 1) != 2 (dim 0)`.
 */

/** A value NumPy refuses (mismatched shapes, a bound missing, …): NumPy's `ValueError`. */
export class ValueError extends Error {
  override name = "ValueError";
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

/**
 * NumPy's `RuntimeWarning`s (e.g. "Mean of empty slice"): printed on stderr as Python prints
 * them, and kept in {@link runtimeWarnings} for tests. Python's default filter shows a warning
 * once per source line; lazylab cannot see the caller's line, so it leaves out a repeat of the
 * same message within a second instead: a loop does not flood the output.
 */
export const runtimeWarnings: string[] = [];
let lastWarning = "";
let lastWarningAt = -Infinity;

/** Prints `RuntimeWarning: message` (not twice within the same second for the same message). */
export function runtimeWarning(message: string): void {
  runtimeWarnings.push(message);
  const now = Date.now();
  if (message === lastWarning && now - lastWarningAt < 1000) return;
  lastWarning = message;
  lastWarningAt = now;
  console.warn(`RuntimeWarning: ${message}`);
}
