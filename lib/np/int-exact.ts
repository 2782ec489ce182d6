/**
 * Exact integer reductions with NumPy's int64 wrap-around, over int64 arrays stored as
 * Float64Array (dtype.ts).
 *
 * Every stored element is an integral double, so its value is exact even past 2**53; only
 * the running sum or product can lose digits when it is kept as a double. The accumulator
 * here stays a double (full speed, one extra comparison per element) while every partial
 * result is below 2**53 in magnitude, where double arithmetic on integers is exact, and
 * switches to BigInt for the rest of the reduction once a partial result gets there (~50×
 * slower per element, only for sums that large). The final value is taken modulo 2**64 as
 * a signed integer — NumPy's int64 overflow — and rounded once to the nearest double, which
 * is exact whenever NumPy's result is within ±2**53 and otherwise the double nearest to it.
 */
import { perStorage } from "./specialise";

/** A running integer result: a double while exact, a BigInt after. */
export type ExactAcc = number | bigint;

const SAFE = 2 ** 53;

/** Adds `n` elements of `a` (from `off`, step `st`) to `acc` exactly. */
export function exactSumLine(a: ArrayLike<number>, off: number, n: number, st: number, acc: ExactAcc): ExactAcc {
  let i = 0;
  if (typeof acc === "number") {
    // Four partial sums (four independent add chains run ~3× faster than one); integer
    // addition below 2**53 is exact, so their order cannot change the result. If any partial
    // result gets to 2**53, the line starts over below.
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    const m = n - (n % 4);
    for (; i < m; i += 4) {
      const p = off + i * st;
      s0 += a[p];
      s1 += a[p + st];
      s2 += a[p + 2 * st];
      s3 += a[p + 3 * st];
      if (!(s0 < SAFE && s0 > -SAFE && s1 < SAFE && s1 > -SAFE && s2 < SAFE && s2 > -SAFE && s3 < SAFE && s3 > -SAFE)) break;
    }
    if (i === m) {
      const lo = s0 + s1, hi = s2 + s3, all = lo + hi, total = acc + all;
      if (lo < SAFE && lo > -SAFE && hi < SAFE && hi > -SAFE && all < SAFE && all > -SAFE && total < SAFE && total > -SAFE) {
        let d = total;
        for (; i < n; i++) {
          const s = d + a[off + i * st];
          if (!(s < SAFE && s > -SAFE)) break;
          d = s;
        }
        if (i === n) return d;
      }
    }
    // The exact path from the start of the line: first the elements one by one while the
    // running sum stays a safe integer, then BigInt.
    let d = acc;
    for (i = 0; i < n; i++) {
      const s = d + a[off + i * st];
      if (!(s < SAFE && s > -SAFE)) break;
      d = s;
    }
    if (i === n) return d;
    // NaN or ±Infinity (left by float→int64 casts of those) cannot become BigInts.
    for (let j = i; j < n; j++) {
      if (!Number.isInteger(a[off + j * st])) {
        for (; i < n; i++) d += a[off + i * st];
        return d;
      }
    }
    acc = d;
  }
  let big = typeof acc === "number" ? BigInt(acc) : acc;
  for (; i < n; i++) big += BigInt(a[off + i * st]);
  return big;
}

/** Multiplies `acc` by `n` elements of `a` exactly, modulo 2**64. */
export function exactProdLine(a: ArrayLike<number>, off: number, n: number, st: number, acc: ExactAcc): ExactAcc {
  let i = 0;
  if (typeof acc === "number") {
    let d = acc;
    for (; i < n; i++) {
      const p = d * a[off + i * st];
      if (!(p < SAFE && p > -SAFE)) break;
      d = p;
    }
    if (i === n) return d;
    for (let j = i; j < n; j++) {
      if (!Number.isInteger(a[off + j * st])) {
        for (; i < n; i++) d *= a[off + i * st];
        return d;
      }
    }
    acc = d;
  }
  let big = typeof acc === "number" ? BigInt(acc) : acc;
  for (; i < n; i++) {
    // Wrapping at every step keeps the BigInt at 64 bits; 0 stays 0.
    big = BigInt.asIntN(64, big * BigInt(a[off + i * st]));
    if (big === 0n) return 0n;
  }
  return big;
}

/** The accumulator as int64 (wrapped modulo 2**64) in a double. */
export function exactValue(acc: ExactAcc): number {
  // + 0: a product through a negative and a zero is -0 as a double, 0 as an integer.
  return typeof acc === "number" ? acc + 0 : Number(BigInt.asIntN(64, acc));
}

/** Copies of the line reducers per storage class (specialise.ts), so each stays monomorphic. */
export const exactSumLineFor = perStorage(exactSumLine, { SAFE: 2 ** 53 });
export const exactProdLineFor = perStorage(exactProdLine, { SAFE: 2 ** 53 });
