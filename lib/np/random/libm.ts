/**
 * The C library's `log`, `exp` and `pow`, as NumPy's distributions call them
 * (numpy/random/src/distributions/*.c). glibc's are not correctly rounded, and V8's Math
 * functions differ from them in the last bit on some inputs (log on ~1 input in 1200):
 * where a sample is `exp(normal)`, or a rejection test compares `log(u)` with a bound, that
 * bit decides the number NumPy returns. So they are the addon's calls into the C library
 * (native/np_random.c, `libm`), and Math's only when the addon is missing or built before
 * it had them, where some draws then differ from NumPy's in their last bit.
 *
 * `log1p` is ./log1p.ts's port of glibc's, exact without the addon too.
 */
import { native } from "../native";

/** The addon's entry points for these (native/np_random.c); absent from an addon built before them. */
interface LibmCalls {
  /** op 0 log(x), 1 exp(x), 2 pow(x, y), 3 log1p(x), 4 expm1(x). */
  libm?(op: number, x: number, y?: number): number;
  /** out[i] = libm(op, x[i], y) for i < n. */
  libmFill?(op: number, x: Float64Array, out: Float64Array, n: number, y?: number): void;
}

const addon = native as LibmCalls | null;
const call = typeof addon?.libm === "function" ? addon.libm : null;
const fill = typeof addon?.libmFill === "function" ? addon.libmFill : null;

/** Whether these are the C library's functions (false: Math's fallback). */
export const HAS_LIBM = call !== null;

const LOG = 0;
const EXP = 1;
const POW = 2;

/** The C library's log(x). */
export const log: (x: number) => number = call ? (x) => call(LOG, x) : Math.log;

/** The C library's exp(x). */
export const exp: (x: number) => number = call ? (x) => call(EXP, x) : Math.exp;

/** The C library's pow(x, y). */
export const pow: (x: number, y: number) => number = call ? (x, y) => call(POW, x, y) : Math.pow;

/** out[i] = exp(x[i]) for all of `x` (one call into the addon for the whole array). */
export function expInPlace(x: Float64Array): void {
  if (fill) fill(EXP, x, x, x.length);
  else for (let i = 0; i < x.length; i++) x[i] = Math.exp(x[i]);
}
