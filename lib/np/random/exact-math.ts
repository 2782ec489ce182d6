/**
 * Correctly rounded `exp` and `log` for building tables at load time.
 *
 * V8's Math.exp/Math.log are within 1 ulp but not always the nearest double, and the
 * ziggurat recursion (ziggurat.ts) amplifies a 1-ulp difference into different tables.
 * These evaluate in 256-bit fixed point with BigInt and round once; slow (~µs per call),
 * so they are for tables only, never for sampling.
 */

const P = 256n;
const ONE = 1n << P;

/** ln 2 in fixed point: Σ 1/(n·2**n). */
const LN2 = (() => {
  let sum = 0n;
  for (let n = 1n; n < P + 16n; n++) sum += ONE / (n << n);
  return sum;
})();

const bits = new DataView(new ArrayBuffer(8));

/** x = m · 2**e exactly, with m a 53-bit integer (x finite, non-zero, normal). */
function decompose(x: number): { m: bigint; e: number } {
  bits.setFloat64(0, x);
  const hi = bits.getUint32(0);
  const lo = bits.getUint32(4);
  const exp = (hi >>> 20) & 0x7ff;
  const m = (BigInt((hi & 0xfffff) | 0x100000) << 32n) | BigInt(lo);
  return { m: x < 0 ? -m : m, e: exp - 1075 };
}

/** The fixed-point value v / 2**P, rounded once to the nearest double. */
function toDouble(v: bigint, scale = 0): number {
  return Number(v) * 2 ** (scale - Number(P));
}

function fixedFromDouble(x: number): bigint {
  if (x === 0) return 0n;
  const { m, e } = decompose(x);
  const shift = BigInt(e) + P;
  return shift >= 0n ? m << shift : m >> -shift; // tiny |x| < 2**-203 would lose bits; unused here
}

/** e**t for a fixed-point t as `sum · 2**k`: t = k·ln2 + r with |r| ≤ ln2/2, e**r by its series. */
function expParts(t: bigint): { sum: bigint; k: bigint } {
  let k = t / LN2;
  let r = t - k * LN2;
  if (r > LN2 / 2n) { r -= LN2; k += 1n; }
  if (r < -LN2 / 2n) { r += LN2; k -= 1n; }
  let term = ONE;
  let sum = ONE;
  for (let n = 1n; term !== 0n; n++) {
    term = (term * r) / (ONE * n);
    sum += term;
  }
  return { sum, k };
}

/** log(mant · 2**e) in fixed point, for a fixed-point mant in [1, 2): 2·atanh((mant-1)/(mant+1)) + e·ln2. */
function logOf(mant: bigint, e: bigint): bigint {
  const s = ((mant - ONE) << P) / (mant + ONE);
  const s2 = (s * s) >> P;
  let power = s;
  let sum = 0n;
  for (let k = 1n; power !== 0n; k += 2n) {
    sum += power / k;
    power = (power * s2) >> P;
  }
  return 2n * sum + e * LN2;
}

/** exp(x) correctly rounded (for |x| < 700, the range tables need). */
export function exactExp(x: number): number {
  if (x === 0) return 1;
  const { sum, k } = expParts(fixedFromDouble(x));
  // Rounded once from sum · 2**k (fixedExp's shift would truncate first).
  return toDouble(sum, Number(k));
}

/** log(x) correctly rounded, for finite x > 0. */
export function exactLog(x: number): number {
  const { m, e } = decompose(x);
  // x = (m / 2**52) · 2**(e + 52), with m / 2**52 in [1, 2)
  return toDouble(logOf(m << (P - 52n), BigInt(e + 52)));
}

/**
 * Fixed-point (value · 2**-FIXED_BITS as a bigint) exp and log, for tables whose defining
 * recursion must run in more precision than a double (ziggurat-exp.ts): no rounding until
 * the caller's last step, ~77 significant digits throughout.
 */
export const FIXED_BITS = P;

/** e**t for a fixed-point t (|t| < 700). */
export function fixedExp(t: bigint): bigint {
  const { sum, k } = expParts(t);
  return k >= 0n ? sum << k : sum >> -k;
}

/** log(t) for a fixed-point t > 0. */
export function fixedLog(t: bigint): bigint {
  // t = m · 2**e with m in [1, 2)
  const e = BigInt(t.toString(2).length) - 1n - P;
  return logOf(e >= 0n ? t >> e : t << -e, e);
}

/** A fixed-point value rounded once to the nearest double. */
export function fixedToDouble(v: bigint): number {
  return toDouble(v);
}

/** A decimal literal ("7.697…") exactly in fixed point (truncated below 2**-FIXED_BITS). */
export function fixedFromDecimal(s: string): bigint {
  const [whole, frac = ""] = s.split(".");
  return (BigInt(whole + frac) << P) / 10n ** BigInt(frac.length);
}
