/**
 * Fused multiply-add, a·b + c rounded once, which JavaScript lacks. Needed because the
 * glibc that NumPy calls on x86-64 selects an FMA build of log1p at run time (see
 * log1p.ts), and a fused step rounds differently from a multiply then an add.
 *
 * Fast path: error-free product and sum in doubles (Dekker, Knuth), accepted when the
 * exact result is provably not near a rounding boundary; otherwise exact BigInt
 * arithmetic. Finite inputs with a normal result only (all that log1p needs).
 */

const SPLIT = 134217729; // 2**27 + 1

const word = new Float64Array(1);
const words = new Uint32Array(word.buffer);

/** Half an ulp above and below |r| (below is a quarter ulp when |r| is a power of two). */
function halfUlps(r: number): { above: number; below: number } {
  word[0] = r;
  const exponent = (words[1] >>> 20) & 0x7ff;
  const ulp = 2 ** (exponent - 1075);
  const powerOfTwo = (words[1] & 0xfffff) === 0 && words[0] === 0;
  return { above: ulp / 2, below: powerOfTwo ? ulp / 4 : ulp / 2 };
}

/**
 * a·b + c with a single rounding.
 *
 * @example
 * fma(0.1, 10, -1); // 5.551115123125783e-17, where 0.1 * 10 - 1 gives 0
 */
export function fma(a: number, b: number, c: number): number {
  // p = a·b exactly as ph + pl
  const ph = a * b;
  let t = SPLIT * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b);
  const bl = b - bh;
  const pl = al * bl - (((ph - ah * bh) - al * bh) - ah * bl);
  // ph + c exactly as sh + sl
  const sh = ph + c;
  const bv = sh - ph;
  const sl = (ph - (sh - bv)) + (c - bv);
  // the exact result is sh + sl + pl; round it with one remaining inexact add
  const lo = sl + pl;
  const r = sh + lo;
  const bv2 = r - sh;
  const e = (sh - (r - bv2)) + (lo - bv2); // r + e = sh + lo exactly
  const loErr = Math.abs(lo) * 1.1102230246251565e-16; // |exact lo - fl(lo)| ≤ this
  if (r !== 0 && Number.isFinite(r)) {
    const h = halfUlps(r);
    const above = r > 0 ? h.above : h.below;
    const below = r > 0 ? h.below : h.above;
    if (e + loErr < above && e - loErr > -below) return r;
  }
  return exactFma(a, b, c);
}

const view = new DataView(new ArrayBuffer(8));

function parts(x: number): { m: bigint; e: number } {
  if (x === 0) return { m: 0n, e: 0 };
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const exp = (hi >>> 20) & 0x7ff;
  const frac = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  const m = exp === 0 ? frac : frac | (1n << 52n);
  return { m: x < 0 ? -m : m, e: (exp === 0 ? 1 : exp) - 1075 };
}

function exactFma(a: number, b: number, c: number): number {
  const pa = parts(a), pb = parts(b), pc = parts(c);
  let pm = pa.m * pb.m;
  let pe = pa.e + pb.e;
  let cm = pc.m;
  let ce = pc.e;
  const e = Math.min(pe, ce);
  pm <<= BigInt(pe - e);
  cm <<= BigInt(ce - e);
  pe = ce = e;
  let s = pm + cm;
  if (s === 0n) return a * b + c; // exact zero: let IEEE pick the sign
  const neg = s < 0n;
  if (neg) s = -s;
  // keep 64 significant bits plus a sticky bit, so Number() rounds exactly once
  let exp = e;
  const extra = s.toString(2).length - 64;
  if (extra > 0) {
    const sticky = (s & ((1n << BigInt(extra)) - 1n)) !== 0n ? 1n : 0n;
    s = (s >> BigInt(extra)) | sticky;
    exp += extra;
  }
  const half = Math.trunc(exp / 2);
  const r = Number(s) * 2 ** half * 2 ** (exp - half);
  return neg ? -r : r;
}
