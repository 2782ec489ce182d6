/**
 * Decimal digit generation for float64 and float32, with the results of NumPy's Dragon4
 * (numpy/core/src/multiarray/dragon4.c): `format_float_positional` and
 * `format_float_scientific` with their `precision`, `min_digits`, `unique`, `trim`, `sign`,
 * `pad_left`, `pad_right` and `exp_digits` options.
 *
 * Two digit generators give the same digits:
 *  - {@link dragon4Digits}, the Dragon4 algorithm itself on exact BigInt arithmetic: used
 *    for float32 (small integers, so cheap) and for float64 powers of two, where the
 *    unequal margins make Dragon4's last-digit rounding differ from round-to-nearest;
 *  - a float64 fast path: JavaScript's shortest round-trip digits (Number#toString is
 *    specified to give the shortest digits that round-trip, the closest of them, ties to
 *    even, which is what Dragon4's unique mode gives) and, when `precision` cuts the
 *    digits short or `min_digits` asks for more, the exact value rounded half-to-even at
 *    that digit (one BigInt division). Both are proved equal to Dragon4 when the two
 *    margins are equal; the test suite checks it on random values.
 */

/** How trailing zeros and the decimal point are trimmed, as NumPy's `trim` argument. */
export type Trim = "k" | "." | "0" | "-";

/** Options of {@link formatFloatPositional} and {@link formatFloatScientific}. */
export interface FloatFormatOptions {
  /** Maximum digits after the point (positional, fractional) or after the first digit (scientific); -1: none. */
  precision?: number;
  /** Minimum digits, same counting as `precision`; only used when `unique`. -1: none. */
  minDigits?: number;
  /** Shortest digits that identify the value in its type (true) or exact digits (false). */
  unique?: boolean;
  /** Trailing zeros / point trimming; NumPy's default for these functions is "k". */
  trim?: Trim;
  /** Always print the sign. */
  sign?: boolean;
  /** Pad with spaces until this many characters left of the point; -1: none. */
  padLeft?: number;
  /** Pad with spaces until this many characters right of the point (positional); -1: none. */
  padRight?: number;
  /** Minimum exponent digits (scientific); -1 means 2. */
  expDigits?: number;
}

/** The significand and binary exponent of a finite value, as Dragon4 receives them. */
interface Decomposed {
  mantissa: number; // integer, < 2^53
  exponent: number; // value = mantissa * 2^exponent
  mantissaBit: number; // index of the highest set bit of mantissa
  unequalMargins: boolean; // the gap below is half the gap above (a power of two)
  negative: boolean;
}

const f64 = new Float64Array(1);
const u32of64 = new Uint32Array(f64.buffer);
const f32 = new Float32Array(1);
const u32of32 = new Uint32Array(f32.buffer);
const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function log2Floor(n: number): number {
  // n is a positive integer < 2^53; Math.log2 may be off by one next to a power of two
  let b = Math.floor(Math.log2(n));
  if (2 ** b > n) b--;
  else if (2 ** (b + 1) <= n) b++;
  return b;
}

function decompose(x: number, isF32: boolean): Decomposed {
  if (isF32) {
    f32[0] = x;
    const bits = u32of32[0];
    const negative = bits >>> 31 === 1;
    const e = (bits >>> 23) & 0xff;
    const f = bits & 0x7fffff;
    if (e !== 0) {
      return { mantissa: f + 0x800000, exponent: e - 150, mantissaBit: 23, unequalMargins: e !== 1 && f === 0, negative };
    }
    return { mantissa: f, exponent: -149, mantissaBit: f === 0 ? 0 : log2Floor(f), unequalMargins: false, negative };
  }
  f64[0] = x;
  const hi = u32of64[LITTLE ? 1 : 0];
  const lo = u32of64[LITTLE ? 0 : 1];
  const negative = hi >>> 31 === 1;
  const e = (hi >>> 20) & 0x7ff;
  const f = (hi & 0xfffff) * 4294967296 + lo;
  if (e !== 0) {
    return { mantissa: f + 4503599627370496, exponent: e - 1075, mantissaBit: 52, unequalMargins: e !== 1 && f === 0, negative };
  }
  return { mantissa: f, exponent: -1074, mantissaBit: f === 0 ? 0 : log2Floor(f), unequalMargins: false, negative };
}

const POW10: bigint[] = [1n];
function pow10(n: number): bigint {
  while (POW10.length <= n) POW10.push(POW10[POW10.length - 1] * 10n);
  return POW10[n];
}

/** Digits (possibly with trailing zeros) and the decimal exponent of the first one. */
export interface Digits {
  digits: string;
  exponent: number;
}

/**
 * Dragon4 (Steele & White, as in Ryan Juckett's implementation that NumPy adapted) on exact
 * BigInt arithmetic, for a finite non-negative value given as mantissa·2^exponent.
 *
 * @param totalLength cutoffs count significant digits (true) or digits after the point (false)
 * @param cutoffMax   maximum digits (-1: none)
 * @param cutoffMin   minimum digits (-1: none); only in unique mode
 * @param unique      shortest unique digits (true) or exact digits (false)
 */
function dragon4Core(
  d: Decomposed,
  unique: boolean,
  totalLength: boolean,
  cutoffMax: number,
  cutoffMin: number,
): Digits {
  if (d.mantissa === 0) return { digits: "0", exponent: 0 };
  const isEven = d.mantissa % 2 === 0;
  const m = BigInt(d.mantissa);
  const exponent = d.exponent;
  let scale: bigint, value: bigint, marginLow: bigint;
  let marginHigh: bigint | null = null; // null: equal to marginLow
  if (d.unequalMargins) {
    if (exponent > 0) {
      value = m << BigInt(exponent + 2);
      scale = 4n;
      marginLow = 1n << BigInt(exponent);
    } else {
      value = m << 2n;
      scale = 1n << BigInt(-exponent + 2);
      marginLow = 1n;
    }
    marginHigh = marginLow * 2n;
  } else {
    if (exponent > 0) {
      value = m << BigInt(exponent + 1);
      scale = 2n;
      marginLow = 1n << BigInt(exponent);
    } else {
      value = m << 1n;
      scale = 1n << BigInt(-exponent + 1);
      marginLow = 1n;
    }
  }
  const log10_2 = 0.30102999566398119521373889472449;
  let digitExponent = Math.ceil((d.mantissaBit + exponent) * log10_2 - 0.69);
  if (cutoffMax >= 0 && !totalLength && digitExponent <= -cutoffMax) digitExponent = -cutoffMax + 1;
  if (digitExponent > 0) {
    scale *= pow10(digitExponent);
  } else if (digitExponent < 0) {
    const p = pow10(-digitExponent);
    value *= p;
    marginLow *= p;
    if (marginHigh !== null) marginHigh = marginLow * 2n;
  }
  if (value >= scale) {
    digitExponent += 1;
  } else {
    value *= 10n;
    marginLow *= 10n;
    if (marginHigh !== null) marginHigh = marginLow * 2n;
  }
  const bufferSize = 16384;
  let cutoffMaxExp = digitExponent - bufferSize;
  if (cutoffMax >= 0) {
    const desired = totalLength ? digitExponent - cutoffMax : -cutoffMax;
    if (desired > cutoffMaxExp) cutoffMaxExp = desired;
  }
  let cutoffMinExp = digitExponent;
  if (cutoffMin >= 0) {
    const desired = totalLength ? digitExponent - cutoffMin : -cutoffMin;
    if (desired < cutoffMinExp) cutoffMinExp = desired;
  }
  const outExponent = digitExponent - 1;
  const out: number[] = [];
  let low = false;
  let high = false;
  let digit: number;
  if (unique) {
    for (;;) {
      digitExponent -= 1;
      const q = value / scale;
      value -= q * scale;
      digit = Number(q);
      const mh = marginHigh ?? marginLow;
      const cmpLow = value < marginLow ? -1 : value > marginLow ? 1 : 0;
      low = isEven ? cmpLow <= 0 : cmpLow < 0;
      const vh = value + mh;
      const cmpHigh = vh < scale ? -1 : vh > scale ? 1 : 0;
      high = isEven ? cmpHigh >= 0 : cmpHigh > 0;
      if (((low || high) && digitExponent <= cutoffMinExp) || digitExponent === cutoffMaxExp) break;
      out.push(digit);
      value *= 10n;
      marginLow *= 10n;
      if (marginHigh !== null) marginHigh = marginLow * 2n;
    }
  } else {
    for (;;) {
      digitExponent -= 1;
      const q = value / scale;
      value -= q * scale;
      digit = Number(q);
      if (value === 0n || digitExponent === cutoffMaxExp) break;
      out.push(digit);
      value *= 10n;
    }
  }
  let roundDown = low;
  if (low === high) {
    const twice = value * 2n;
    roundDown = twice < scale;
    if (twice === scale) roundDown = (digit & 1) === 0;
  }
  let exp = outExponent;
  if (roundDown) {
    out.push(digit);
  } else if (digit === 9) {
    for (;;) {
      if (out.length === 0) {
        out.push(1);
        exp += 1;
        break;
      }
      const last = out.pop()!;
      if (last !== 9) {
        out.push(last + 1);
        break;
      }
    }
  } else {
    out.push(digit + 1);
  }
  return { digits: out.join(""), exponent: exp };
}

/** Shortest round-trip digits of a positive finite float64, from JavaScript's Number#toString. */
function shortest64(x: number): Digits {
  const s = String(x);
  const ePos = s.indexOf("e");
  const mant = ePos < 0 ? s : s.slice(0, ePos);
  const exp10 = ePos < 0 ? 0 : Number(s.slice(ePos + 1));
  const dot = mant.indexOf(".");
  const intPart = dot < 0 ? mant : mant.slice(0, dot);
  const all = dot < 0 ? mant : intPart + mant.slice(dot + 1);
  let k = 0;
  while (k < all.length - 1 && all.charCodeAt(k) === 48) k++;
  let end = all.length;
  while (end > k + 1 && all.charCodeAt(end - 1) === 48) end--;
  return { digits: all.slice(k, end), exponent: intPart.length - k + exp10 - 1 };
}

/**
 * mantissa·2^exponent divided by 10^pos, rounded half to even, as Dragon4 leaves it: a
 * round-up increments the last digit that is not a 9 and drops the 9s after it, so a carry
 * leaves no trailing zeros ("16699|8" cut at 5 digits is "167"); a round-down keeps the
 * truncated digits, zeros included.
 */
function roundExactAt(d: Decomposed, pos: number): Digits {
  let num = BigInt(d.mantissa);
  let den = 1n;
  if (d.exponent >= 0) num <<= BigInt(d.exponent);
  else den <<= BigInt(-d.exponent);
  if (pos <= 0) num *= pow10(-pos);
  else den *= pow10(pos);
  const q = num / den;
  const r2 = (num - q * den) * 2n;
  if (r2 > den || (r2 === den && (q & 1n) === 1n)) {
    const s = (q + 1n).toString();
    let end = s.length;
    while (end > 1 && s.charCodeAt(end - 1) === 48) end--;
    return { digits: s.slice(0, end), exponent: pos + s.length - 1 };
  }
  const s = q.toString();
  return { digits: s, exponent: pos + s.length - 1 };
}

/**
 * The digits Dragon4 produces for |x| (x finite), for float32 (`isF32`) or float64.
 * `totalLength`, `cutoffMax` and `cutoffMin` as in NumPy's Dragon4 (cutoffs are -1 when absent).
 */
export function dragon4Digits(
  x: number,
  isF32: boolean,
  unique: boolean,
  totalLength: boolean,
  cutoffMax: number,
  cutoffMin: number,
): Digits {
  const d = decompose(x, isF32);
  if (isF32 || !unique || d.unequalMargins || d.mantissa === 0) {
    return dragon4Core(d, unique, totalLength, cutoffMax, cutoffMin);
  }
  const sh = shortest64(Math.abs(x));
  const E = sh.exponent;
  if (!totalLength && cutoffMax >= 0 && E < -cutoffMax) {
    return dragon4Core(d, unique, totalLength, cutoffMax, cutoffMin);
  }
  const uniquePos = E - sh.digits.length + 1;
  let minPos = E + 1;
  if (cutoffMin >= 0) minPos = Math.min(minPos, totalLength ? E + 1 - cutoffMin : -cutoffMin);
  let stop = Math.min(uniquePos, minPos);
  if (cutoffMax >= 0) stop = Math.max(stop, totalLength ? E + 1 - cutoffMax : -cutoffMax);
  if (stop === uniquePos) return sh;
  return roundExactAt(d, stop);
}

/** Exposed for tests: the BigInt Dragon4 without the float64 fast path. */
export function dragon4DigitsReference(
  x: number,
  isF32: boolean,
  unique: boolean,
  totalLength: boolean,
  cutoffMax: number,
  cutoffMin: number,
): Digits {
  return dragon4Core(decompose(x, isF32), unique, totalLength, cutoffMax, cutoffMin);
}

function signOf(x: number, forceSign: boolean): string {
  if (x < 0 || Object.is(x, -0)) return "-";
  return forceSign ? "+" : "";
}

/**
 * NumPy's `trim` applied to digits with `numFractionDigits` after the point, as both of its
 * Dragon4 formatters do: the point is written unless trim is "-" and there is no fraction;
 * "k" pads with zeros to `want` fraction digits, "0" keeps at least one; "0", "." and "-" strip
 * trailing zeros, after which "0" puts one zero back behind a bare point and, in positional
 * notation only (`dropBarePoint`), "-" removes that point.
 */
function applyTrim(
  text: string,
  numFractionDigits: number,
  want: number,
  trim: Trim,
  dropBarePoint: boolean,
): { text: string; numFractionDigits: number } {
  if (trim !== "-" && numFractionDigits === 0) text += ".";
  if (trim === "0") {
    if (numFractionDigits === 0) {
      text += "0";
      numFractionDigits++;
    }
  } else if (trim === "k" && want > numFractionDigits) {
    text += "0".repeat(want - numFractionDigits);
    numFractionDigits = want;
  }
  if (trim !== "k" && numFractionDigits > 0) {
    let end = text.length;
    while (text.charCodeAt(end - 1) === 48) {
      end--;
      numFractionDigits--;
    }
    text = text.slice(0, end);
    if (text.endsWith(".")) {
      if (trim === "0") {
        text += "0";
        numFractionDigits++;
      } else if (trim === "-" && dropBarePoint) {
        text = text.slice(0, -1);
      }
    }
  }
  return { text, numFractionDigits };
}

/**
 * NumPy's `format_float_positional` for a finite value: Dragon4 in positional notation.
 * Defaults are NumPy's (`unique=True`, `fractional=True`, `trim='k'`, no padding).
 * `fractional=false` counts `precision`/`minDigits` as significant digits.
 */
export function formatFloatPositional(
  x: number,
  isF32: boolean,
  opts: FloatFormatOptions & { fractional?: boolean } = {},
): string {
  const precision = opts.precision ?? -1;
  const minDigits = opts.minDigits ?? -1;
  const unique = opts.unique ?? true;
  const trim = opts.trim ?? "k";
  const totalLength = !(opts.fractional ?? true);
  const padLeft = opts.padLeft ?? -1;
  const padRight = opts.padRight ?? -1;
  const sign = signOf(x, opts.sign ?? false);
  const { digits, exponent } = dragon4Digits(x, isF32, unique, totalLength, precision, unique ? minDigits : -1);
  const numDigits = digits.length;
  let body: string;
  let numWholeDigits: number;
  let numFractionDigits = 0;
  if (exponent >= 0) {
    numWholeDigits = exponent + 1;
    if (numDigits <= numWholeDigits) {
      body = digits + "0".repeat(numWholeDigits - numDigits);
    } else {
      body = digits.slice(0, numWholeDigits) + "." + digits.slice(numWholeDigits);
      numFractionDigits = numDigits - numWholeDigits;
    }
  } else {
    const zeros = -(exponent + 1);
    body = "0." + "0".repeat(zeros) + digits;
    numFractionDigits = zeros + numDigits;
    numWholeDigits = 1;
  }
  const addDigits = unique ? minDigits : precision;
  let desired = addDigits < 0 ? 0 : addDigits;
  if (totalLength) desired = addDigits - numWholeDigits;
  ({ text: body, numFractionDigits } = applyTrim(body, numFractionDigits, desired, trim, true));
  if (padRight >= numFractionDigits) {
    if (trim === "-" && numFractionDigits === 0) body += " ";
    body += " ".repeat(padRight - numFractionDigits);
  }
  let out = sign + body;
  const hasSign = sign ? 1 : 0;
  if (padLeft > numWholeDigits + hasSign) out = " ".repeat(padLeft - numWholeDigits - hasSign) + out;
  return out;
}

/**
 * NumPy's `format_float_scientific` for a finite value: Dragon4 in scientific notation.
 * Defaults are NumPy's (`unique=True`, `trim='k'`, exponent of at least two digits).
 */
export function formatFloatScientific(x: number, isF32: boolean, opts: FloatFormatOptions = {}): string {
  const precision = opts.precision ?? -1;
  const minDigits = opts.minDigits ?? -1;
  const unique = opts.unique ?? true;
  const trim = opts.trim ?? "k";
  const padLeft = opts.padLeft ?? -1;
  let expDigits = opts.expDigits ?? -1;
  const sign = signOf(x, opts.sign ?? false);
  const leftChars = 1 + (sign ? 1 : 0);
  let out = padLeft > leftChars ? " ".repeat(padLeft - leftChars) : "";
  out += sign;
  const { digits, exponent } = dragon4Digits(
    x,
    isF32,
    unique,
    true,
    precision < 0 ? -1 : precision + 1,
    unique && minDigits >= 0 ? minDigits + 1 : -1,
  );
  let mant = digits[0];
  let numFractionDigits = digits.length - 1;
  if (numFractionDigits > 0) mant += "." + digits.slice(1);
  const addDigits = unique ? minDigits : precision;
  ({ text: mant, numFractionDigits } = applyTrim(mant, numFractionDigits, addDigits < 0 ? 0 : addDigits, trim, false));
  if (expDigits > 5) expDigits = 5;
  if (expDigits < 0) expDigits = 2;
  // as NumPy: at least expDigits digits, and none at all for a zero exponent with expDigits 0
  const e = Math.abs(exponent);
  const es = e === 0 ? "" : String(e);
  return out + mant + "e" + (exponent >= 0 ? "+" : "-") + es.padStart(expDigits, "0");
}
