/**
 * NumPy's MemoryError for an array it cannot allocate (numpy/core/_exceptions.py,
 * `_ArrayMemoryError`): `Unable to allocate 36.5 GiB for an array with shape (70000, 70000)
 * and data type float64`, the size written as NumPy writes it (binary units, three significant
 * figures with Python's `{:#.3g}`, rounded half to even on the exact value).
 */
import { totalmem } from "node:os";
import type { DType } from "./dtype";

/** Python's MemoryError, as NumPy raises it when an array's memory cannot be had. */
export class MemoryError extends Error {
  override name = "MemoryError";
}

const UNITS = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];

/** num / den rounded to an integer, half to even (num, den > 0). */
function roundHalfEven(num: bigint, den: bigint): bigint {
  const q = num / den;
  const r2 = 2n * (num % den);
  if (r2 > den || (r2 === den && q % 2n === 1n)) return q + 1n;
  return q;
}

/** Python's `'{:#.3g}'.format(value)` and `'{:#.0f}'` for value = num / 2**shift, exactly. */
function formatExact(num: bigint, shift: bigint, digits: number): string {
  const den = 1n << shift;
  if (digits === 0) return `${roundHalfEven(num, den)}.`;
  // The decimal exponent e with 10**e <= value < 10**(e + 1), then `digits` significant figures.
  let e = (num / den).toString().length - 1;
  if (num < den) for (e = -1; num * 10n ** BigInt(-e) < den; e--);
  const scaled = (k: number) => (k >= 0 ? roundHalfEven(num * 10n ** BigInt(k), den) : roundHalfEven(num, den * 10n ** BigInt(-k)));
  let m = scaled(digits - 1 - e);
  if (m.toString().length > digits) {
    e += 1;
    m = scaled(digits - 1 - e);
  }
  const s = m.toString();
  if (e < -4 || e >= digits) return `${s[0]}.${s.slice(1)}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
  if (e >= digits - 1) return `${s}${"0".repeat(e - digits + 1)}.`;
  if (e >= 0) return `${s.slice(0, e + 1)}.${s.slice(e + 1)}`;
  return `0.${"0".repeat(-e - 1)}${s}`;
}

/** NumPy's `_size_to_string`: `36.5 GiB`, `119. GiB`, `1000. KiB`, `512 bytes`. */
export function sizeToString(bytes: number): string {
  const n = BigInt(Math.round(bytes));
  let unit = Math.floor(Math.max(n.toString(2).length - 1, 1) / 10);
  let shift = BigInt(unit * 10);
  // round(n_units) == 1024: the next unit.
  if (roundHalfEven(n, 1n << shift) === 1024n) {
    unit += 1;
    shift += 10n;
  }
  if (unit >= UNITS.length) {
    shift -= BigInt((unit - (UNITS.length - 1)) * 10);
    unit = UNITS.length - 1;
  }
  if (unit === 0) return `${n} bytes`;
  const rounded = roundHalfEven(n, 1n << shift);
  return `${formatExact(n, shift, rounded < 1000n ? 3 : 0)} ${UNITS[unit]}`;
}

/** Python's repr of a shape tuple: `(70000, 70000)`, `(5,)`, `()`. */
function shapeRepr(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
}

/**
 * NumPy's MemoryError for an array of `shape` and `dtype` (`itemsize` bytes an element). `why`,
 * when given, follows NumPy's message: the reason is lazylab's, not the machine's.
 */
export function arrayMemoryError(shape: readonly number[], dtype: DType, itemsize: number, why?: string): MemoryError {
  const bytes = shape.reduce((a, b) => a * b, itemsize);
  return new MemoryError(`Unable to allocate ${sizeToString(bytes)} for an array with shape ${shapeRepr(shape)} and data type ${dtype}${why ? ` (${why})` : ""}`);
}

/**
 * NumPy's MemoryError for an array past the 2**32 elements one array holds here, saying so
 * when NumPy itself could have had the memory (the machine holds that many bytes).
 */
export function tooLargeError(shape: readonly number[], dtype: DType, itemsize: number): MemoryError {
  const bytes = shape.reduce((a, b) => a * b, itemsize);
  return arrayMemoryError(shape, dtype, itemsize, bytes <= totalmem() ? "lazylab's arrays hold at most 2**32 elements" : undefined);
}
