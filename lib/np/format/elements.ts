/**
 * Element formatters, NumPy's FloatingFormat, IntegerFormat and BoolFormat
 * (numpy/core/arrayprint.py) with the default print options: precision 8,
 * floatmode 'maxprec', suppress False, sign '-', nanstr 'nan', infstr 'inf', legacy False.
 *
 * A formatter is built from the elements that will be printed (all of them, or only the
 * edges of a summarised array) and pads every element to a common width.
 */
import { formatFloatPositional, formatFloatScientific } from "./dragon4";

/** NumPy's default `precision` print option. */
export const PRECISION = 8;

/** Formats one element as NumPy's per-dtype format function does. */
export type ElementFormatter = (x: number) => string;

/**
 * The decimal string of an integral number as Python's `str(int)` gives it: every digit of
 * the exact value, never exponent notation. JavaScript's String() is exact only up to 2**53:
 * beyond, it prints the shortest round-trip digits (2**60 → "1152921504606847000").
 */
export function intToString(x: number): string {
  if (Object.is(x, -0)) return "0";
  return Math.abs(x) <= Number.MAX_SAFE_INTEGER ? String(x) : BigInt(x).toString();
}

/** NumPy's IntegerFormat: right-aligned to the widest of str(max) and str(min). */
export function integerFormatter(values: ArrayLike<number>): ElementFormatter {
  let max = -Infinity;
  let min = Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v > max) max = v;
    if (v < min) min = v;
  }
  const width = values.length > 0 ? Math.max(intToString(max).length, intToString(min).length) : 0;
  return (x) => intToString(x).padStart(width, " ");
}

/** NumPy's BoolFormat: " True" and "False" line up, except in a 0-d array. */
export function boolFormatter(zeroD: boolean): ElementFormatter {
  const t = zeroD ? "True" : " True";
  return (x) => (x ? t : "False");
}

/**
 * NumPy's FloatingFormat with the default print options. The choice between positional
 * and scientific notation, the digits after the point and the paddings are decided from
 * `values`, the finite elements that will be printed.
 *
 * @param isF32 the values are float32: Dragon4 digits are float32's, and the ratio
 *   max/min that selects scientific notation is a float32 division, as NumPy computes it.
 */
export function floatFormatter(values: ArrayLike<number>, isF32: boolean): ElementFormatter {
  let maxAbs = -Infinity;
  let minAbs = Infinity;
  let anyNonzero = false;
  let anyFinite = false;
  let nonFinite = false;
  let negInf = false;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) {
      anyFinite = true;
      if (v !== 0) {
        anyNonzero = true;
        const a = Math.abs(v);
        if (a > maxAbs) maxAbs = a;
        if (a < minAbs) minAbs = a;
      }
    } else {
      nonFinite = true;
      if (v === -Infinity) negInf = true;
    }
  }
  let expFormat = false;
  if (anyNonzero) {
    // NumPy 1.x: np.float32 / np.float32 is a float32 division; comparisons with the
    // Python floats 1e8 and 1e-4 promote to float64.
    const ratio = isF32 ? Math.fround(maxAbs / minAbs) : maxAbs / minAbs;
    expFormat = maxAbs >= 1e8 || minAbs < 0.0001 || ratio > 1000;
  }
  let padLeft = 0;
  let padRight = 0;
  let precision = PRECISION;
  let expSize = -1;
  if (anyFinite) {
    if (expFormat) {
      let maxExp = 0;
      let maxFrac = 0;
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        if (!Number.isFinite(v)) continue;
        const s = formatFloatScientific(v, isF32, { precision: PRECISION, unique: true, trim: "." });
        const e = s.indexOf("e");
        const dot = s.indexOf(".");
        if (s.length - e > maxExp) maxExp = s.length - e; // "e+05" → 4
        if (e - dot - 1 > maxFrac) maxFrac = e - dot - 1;
        if (dot > padLeft) padLeft = dot;
      }
      expSize = maxExp - 2;
      precision = maxFrac;
      padRight = expSize + 2 + precision;
    } else {
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        if (!Number.isFinite(v)) continue;
        const s = formatFloatPositional(v, isF32, { precision: PRECISION, unique: true, fractional: true, trim: "." });
        const dot = s.indexOf(".");
        if (dot > padLeft) padLeft = dot;
        if (s.length - dot - 1 > padRight) padRight = s.length - dot - 1;
      }
    }
  }
  if (nonFinite) {
    const offset = padRight + 1;
    padLeft = Math.max(padLeft, 3 - offset, 3 + (negInf ? 1 : 0) - offset);
  }
  const width = padLeft + padRight + 1;
  if (expFormat) {
    const opts = { precision, minDigits: precision, unique: true, trim: "k" as const, padLeft, expDigits: expSize };
    return (x) => (Number.isFinite(x) ? formatFloatScientific(x, isF32, opts) : nonFiniteString(x, width));
  }
  const opts = { precision: PRECISION, minDigits: 0, unique: true, fractional: true, trim: "." as const, padLeft, padRight };
  return (x) => (Number.isFinite(x) ? formatFloatPositional(x, isF32, opts) : nonFiniteString(x, width));
}

function nonFiniteString(x: number, width: number): string {
  const s = Number.isNaN(x) ? "nan" : x < 0 ? "-inf" : "inf";
  return s.padStart(width, " ");
}
