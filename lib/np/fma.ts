/**
 * The fused multiply-add, `a * b + c` rounded once, which JavaScript lacks (no `Math.fma`) and
 * NumPy's BLAS uses in every dot product (OpenBLAS's AVX-512 kernels, blas-order.ts).
 *
 * The fast path is Boldo and Melquiond's emulation ("Emulation of FMA and correctly rounded
 * sums: proved algorithms using rounding to odd", IEEE Trans. Computers 57(4), 2008): the
 * product split exactly into `p + e` (Dekker), `c + p` split exactly into `th + tl` (Knuth's
 * TwoSum), the small parts added with rounding to odd, and the whole rounded once to nearest.
 * It is exact while no part under- or overflows; outside those ranges the sum is formed
 * exactly in BigInt and rounded there (rare: magnitudes past 2**995 or products below 2**-969).
 */

const F64 = new Float64Array(1);
/** F64's two halves (little-endian, as every platform Node runs on): [0] low word, [1] high. */
const U32 = new Uint32Array(F64.buffer);
/** Veltkamp's splitter for doubles, 2**27 + 1. */
const SPLITTER = 134217729;
const BIG = 2 ** 995;
const TINY = 2 ** -969;
const HUGE = 2 ** 1020;

/** `s` moved one ulp toward `direction` when its last bit is even: rounding to odd, given `s` = RN(x) and `direction` = x - s ≠ 0. */
function toOdd(s: number, direction: number): number {
  F64[0] = s;
  if ((U32[0] & 1) !== 0) return s;
  if (direction > 0 === s > 0) U32[0] += 1; // away from zero: the low word is even, no carry
  else if (U32[0] === 0) {
    U32[0] = 0xffffffff;
    U32[1] -= 1;
  } else U32[0] -= 1;
  return F64[0];
}

/**
 * `a * b + c` with one rounding, to nearest even (C's `fma`), with IEEE's results for
 * infinities, NaN and signed zeros.
 * @example fma(0.1, 10, -1)   // 5.551115123125783e-17, where 0.1 * 10 - 1 is 0
 */
export function fma(a: number, b: number, c: number): number {
  const p = a * b;
  if (!Number.isFinite(c)) return Number.isFinite(a) && Number.isFinite(b) ? c : p + c;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return p + c;
  // An exact product of zero adds signed zeros as IEEE does; a product that underflowed to
  // zero keeps its sign beside a zero c (the exact sum is not zero).
  if (a === 0 || b === 0) return p + c;
  if (c === 0) return p === 0 ? p : p + c;
  const ap = Math.abs(p);
  if (!(ap >= TINY && ap < HUGE && Math.abs(a) < BIG && Math.abs(b) < BIG && Math.abs(c) < HUGE)) return exactFma(a, b, c);
  // p + e = a * b exactly (Dekker's product with Veltkamp's split).
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  const e = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
  // th + tl = c + p exactly.
  const th = c + p;
  let v = th - c;
  const tl = (c - (th - v)) + (p - v);
  // s = RO(tl + e).
  const s = tl + e;
  v = s - tl;
  const err = (tl - (s - v)) + (e - v);
  return th + (err === 0 ? s : toOdd(s, err));
}

/**
 * `a * b + c` with one rounding to float32 (C's `fmaf`), for float32 operands: the product is
 * exact in a double, the sum rounded to odd in 53 bits, then to nearest in 24, which is
 * rounding the exact sum once (53 ≥ 24 + 2).
 */
export function fmaf(a: number, b: number, c: number): number {
  const p = a * b;
  const s = p + c;
  if (!Number.isFinite(s) || c === 0 || p === 0) return Math.fround(s);
  const v = s - p;
  const err = (p - (s - v)) + (c - v);
  return Math.fround(err === 0 ? s : toOdd(s, err));
}

/** A finite double as m · 2**e (m a BigInt). */
function decompose(x: number): [bigint, number] {
  F64[0] = x;
  const hi = U32[1];
  const exp = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(U32[0]);
  if (exp !== 0) m |= 1n << 52n;
  return [hi >>> 31 ? -m : m, (exp === 0 ? 1 : exp) - 1075];
}

/** m · 2**e rounded to the nearest double (ties to even), +0 for an exact zero. */
function roundToDouble(m: bigint, e: number): number {
  if (m === 0n) return 0;
  const negative = m < 0n;
  let q = negative ? -m : m;
  const shift = Math.max(q.toString(2).length - 53, -1074 - e);
  if (shift > 0) {
    const s = BigInt(shift);
    const rest = q - ((q >> s) << s);
    const half = 1n << (s - 1n);
    q >>= s;
    if (rest > half || (rest === half && (q & 1n) === 1n)) q += 1n;
    e += shift;
  }
  // q < 2**54: exact as a number; two exact scalings keep the intermediate normal.
  const e1 = Math.trunc(e / 2);
  const r = Number(q) * 2 ** e1 * 2 ** (e - e1);
  return negative ? -r : r;
}

/** fma by exact integer arithmetic, for the magnitudes the fast path cannot split exactly. */
function exactFma(a: number, b: number, c: number): number {
  const [ma, ea] = decompose(a);
  const [mb, eb] = decompose(b);
  const [mc, ec] = decompose(c);
  const ep = ea + eb;
  const e = Math.min(ep, ec);
  return roundToDouble(((ma * mb) << BigInt(ep - e)) + (mc << BigInt(ec - e)), e);
}
