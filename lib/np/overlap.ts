/**
 * Whether two arrays' elements overlap in memory: NumPy's `shares_memory` (exact) and
 * `may_share_memory` (the bounds of each array's bytes only).
 *
 * Exactly as NumPy decides it (numpy/core/src/common/mem_overlap.c): two strided arrays over
 * one buffer share a byte when
 *
 *     lowA + Σ |strideA_d|·i_d + u  =  lowB + Σ |strideB_d|·j_d + v
 *
 * for some indices 0 ≤ i_d < shapeA_d, 0 ≤ j_d < shapeB_d and bytes 0 ≤ u < itemsizeA,
 * 0 ≤ v < itemsizeB (`low` the lowest byte each array reaches). Writing B's terms from its
 * highest byte down (j' = shape - 1 - j, v' = itemsize - 1 - v) leaves only positive
 * coefficients: a bounded linear Diophantine equation Σ c_k·x_k = highB - lowA,
 * 0 ≤ x_k ≤ u_k, solved here by a depth-first search over the terms from the largest
 * coefficient down, each term's candidates restricted to those the remaining terms' common
 * divisor and total reach allow. `a[::2]` and `a[1::2]` fall within each other's bounds and
 * share nothing: `mayShareMemory` says true, `sharesMemory` false, as NumPy's.
 */
import type { NDArray } from "./ndarray";

/** NumPy's `numpy.exceptions.TooHardError`: the exact overlap problem took more than the work allowed. */
export class TooHardError extends Error {
  override name = "TooHardError";
}

/** Candidates the search may try before giving up (NumPy's exact mode has no limit and may run for hours). */
const MAX_WORK = 5_000_000;

interface Extent {
  /** The lowest and highest byte any element reaches, in the buffer. */
  low: number;
  high: number;
  /** One term per axis of length > 1 (byte stride, last index) and one for the element's bytes. */
  terms: [number, number][];
}

function extent(x: NDArray): Extent | null {
  if (x.size === 0) return null;
  const item = x.itemsize;
  let low = x.nd.data.byteOffset + x.nd.offset * item;
  let high = low + item - 1;
  const terms: [number, number][] = [];
  x.nd.shape.forEach((n, d) => {
    if (n <= 1) return;
    const s = x.nd.stride[d] * item;
    if (s < 0) low += s * (n - 1);
    else high += s * (n - 1);
    if (s !== 0) terms.push([Math.abs(s), n - 1]);
  });
  if (item > 1) terms.push([1, item - 1]);
  return { low, high, terms };
}

/** `np.may_share_memory(a, b)`: whether the two arrays' byte ranges overlap (NumPy's default, bounds only). */
export function mayShareMemory(a: NDArray, b: NDArray): boolean {
  if (a.nd.data.buffer !== b.nd.data.buffer) return false;
  const ea = extent(a);
  const eb = extent(b);
  return ea !== null && eb !== null && ea.low <= eb.high && eb.low <= ea.high;
}

/**
 * `np.shares_memory(a, b)`: whether some byte belongs to an element of both, decided exactly.
 * Throws {@link TooHardError} past {@link MAX_WORK} candidates (arrays with many long axes
 * whose strides share few divisors; NumPy's exact mode would search on).
 */
export function sharesMemory(a: NDArray, b: NDArray): boolean {
  if (!mayShareMemory(a, b)) return false;
  const ea = extent(a) as Extent;
  const eb = extent(b) as Extent;
  return solvable([...ea.terms, ...eb.terms], eb.high - ea.low);
}

function gcd(x: bigint, y: bigint): bigint {
  while (y) [x, y] = [y, x % y];
  return x;
}

/** x with a·x ≡ 1 (mod m), for a and m coprime (m ≥ 1). */
function inverse(a: bigint, m: bigint): bigint {
  let [r0, r1, s0, s1] = [a % m, m, 1n, 0n];
  while (r1) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return ((s0 % m) + m) % m;
}

/** Whether Σ c_k·x_k = rhs has a solution with 0 ≤ x_k ≤ u_k (c_k > 0); BigInt, as c·x may pass 2^53. */
function solvable(terms: [number, number][], rhs: number): boolean {
  if (rhs < 0) return false;
  // Equal coefficients add their ranges.
  const merged = new Map<number, number>();
  for (const [c, u] of terms) merged.set(c, (merged.get(c) ?? 0) + u);
  const t = [...merged].sort((p, q) => q[0] - p[0]).map(([c, u]) => [BigInt(c), BigInt(u)] as const);
  const n = t.length;
  // What the terms from k on can reach: their sum at the bounds, and their common divisor.
  const reach = new Array<bigint>(n + 1).fill(0n);
  const divisor = new Array<bigint>(n + 1).fill(0n);
  for (let k = n - 1; k >= 0; k--) {
    reach[k] = reach[k + 1] + t[k][0] * t[k][1];
    divisor[k] = gcd(t[k][0], divisor[k + 1]);
  }
  let work = 0;
  const search = (k: number, r: bigint): boolean => {
    if (r === 0n) return true;
    if (k === n || r > reach[k] || r % divisor[k] !== 0n) return false;
    const [c, u] = t[k];
    const rest = divisor[k + 1];
    let lo = r > reach[k + 1] ? (r - reach[k + 1] + c - 1n) / c : 0n;
    const hi = u < r / c ? u : r / c;
    if (lo > hi) return false;
    if (rest === 0n) return r % c === 0n && r / c >= lo && r / c <= hi;
    // c·x ≡ r (mod rest): x ≡ x0 (mod step); r is a multiple of gcd(c, rest) (checked above).
    const g = gcd(c, rest);
    const step = rest / g;
    const x0 = step === 1n ? 0n : ((r / g) % step) * inverse((c / g) % step, step) % step;
    lo += (((x0 - lo) % step) + step) % step;
    for (let x = lo; x <= hi; x += step) {
      if (++work > MAX_WORK) throw new TooHardError(`Exceeded max_work: deciding whether the arrays share memory took more than ${MAX_WORK} steps`);
      if (search(k + 1, r - c * x)) return true;
    }
    return false;
  };
  return search(0, BigInt(rhs));
}
