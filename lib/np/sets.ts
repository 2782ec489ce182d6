/**
 * Set operations on arrays: `np.isin`, `np.in1d`, `np.intersect1d`, `np.union1d`,
 * `np.setdiff1d`, `np.setxor1d`, step for step as NumPy 1.24's lib/arraysetops.py: unique
 * values sorted (sorting.ts), arrays joined with concatenate's dtype, and in1d's three
 * methods (a table for integers, a loop of `==` for a short second array, a sort otherwise)
 * chosen by NumPy's rules, since they differ where NumPy's results do: the loop compares in
 * the dtype value-based casting gives each scalar (a float32 array against 0.1 finds
 * float32's 0.1), the sort in the arrays' common dtype, and `assumeUnique` given for arrays
 * that are not unique changes the sort's answers. NaN is never in an array (NaN != NaN).
 */
import { allocate, DType, isIntegral, Storage } from "./dtype";
import { NDArray, NestedList } from "./ndarray";
import { asArrayArg, concatenate } from "./creation";
import { eq } from "./ufunc";
import { argsort, sort, unique } from "./sorting";
import { max, min } from "./reduce";

/** Options of {@link isin} and {@link in1d}. */
export interface IsinOptions {
  /** Both inputs hold each value once: skips making them unique (wrong answers if they do not). */
  assumeUnique?: boolean;
  /** True where the element is *not* among the test elements. */
  invert?: boolean;
}

/** Options of {@link intersect1d}. */
export interface Intersect1dOptions {
  /** Both inputs hold each value once: skips making them unique. */
  assumeUnique?: boolean;
  /** Also return the indices of the common values' first occurrences in each input: `[values, indices1, indices2]`. */
  returnIndices?: boolean;
}

/** Options of {@link setdiff1d} and {@link setxor1d}. */
export interface SetOptions {
  /** The inputs hold each value once: skips making them unique. */
  assumeUnique?: boolean;
}

function bools(n: number, value: boolean): NDArray {
  const out = new NDArray(allocate("bool", n), [n], "bool");
  if (value) out.nd.data.fill(1);
  return out;
}

/** NumPy's `np.iinfo(dtype)` bounds (bool as uint8, as in1d converts it). */
function intRange(dtype: DType): [number, number] {
  if (dtype === "bool") return [0, 255];
  if (dtype.startsWith("uint")) return [0, 2 ** Number(dtype.slice(4)) - 1];
  const bits = Number(dtype.slice(3));
  return [-(2 ** (bits - 1)), 2 ** (bits - 1) - 1];
}

/** in1d's table method applies: integer (or bool) arrays whose range is small and safe from overflow (NumPy's conditions). */
function tableApplies(ar1: NDArray, ar2: NDArray): boolean {
  const lo2 = min(ar2) as number;
  const hi2 = max(ar2) as number;
  const range = hi2 - lo2;
  let safe = range <= intRange(ar2.dtype)[1];
  if (ar1.size > 0) {
    const upper = Math.min(max(ar1) as number, hi2);
    const lower = Math.max(min(ar1) as number, lo2);
    const [lo1, hi1] = intRange(ar1.dtype);
    safe &&= upper - lo2 <= hi1 && lower - lo2 >= lo1;
  }
  return safe && range <= 6 * (ar1.size + ar2.size);
}

/** The elements of a 1-D array in order, contiguous. */
function values(x: NDArray): Storage {
  return x.toContiguous();
}

/**
 * `np.in1d(ar1, ar2, assume_unique=False, invert=False)`: a bool array as long as the
 * flattened `ar1`, true where its element is in `ar2` (false with `invert`). NumPy recommends
 * {@link isin}, which keeps ar1's shape.
 * @example np.in1d(np.array([0, 1, 2, 5]), [1, 5])   // array([False,  True, False,  True])
 */
export function in1d(ar1: NDArray | NestedList, ar2: NDArray | NestedList, options: IsinOptions = {}): NDArray {
  const a = asArrayArg(ar1, "in1d: ar1").ravel();
  const b = asArrayArg(ar2, "in1d: ar2").ravel();
  const invert = !!options.invert;
  if (isIntegral(a.dtype) && isIntegral(b.dtype)) {
    if (b.size === 0) return bools(a.size, invert);
    if (tableApplies(a, b)) {
      const members = new Set(values(b));
      const av = values(a);
      const out = bools(a.size, false);
      for (let i = 0; i < av.length; i++) out.nd.data[i] = members.has(av[i]) !== invert ? 1 : 0;
      return out;
    }
  }
  if (b.size < 10 * a.size ** 0.145) {
    // NumPy's loop: ar1 == each element of ar2, a NumPy scalar (value-based casting).
    const out = bools(a.size, invert);
    const o = out.nd.data;
    for (let k = 0; k < b.size; k++) {
      const hit = eq(a, b.get(k)).nd.data;
      for (let i = 0; i < o.length; i++) if (hit[i]) o[i] = invert ? 0 : 1;
    }
    return out;
  }
  let u1 = a;
  let u2 = b;
  let inverse: NDArray | null = null;
  if (!options.assumeUnique) {
    [u1, inverse] = unique(a, { returnInverse: true });
    u2 = unique(b);
  }
  const joined = concatenate([u1, u2]);
  const perm = argsort(joined);
  const order = values(perm);
  const sorted = values(joined.get(perm));
  const n = joined.size;
  const ret = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const flag = i + 1 < n ? (sorted[i + 1] === sorted[i]) !== invert : invert;
    ret[order[i]] = flag ? 1 : 0;
  }
  const out = bools(a.size, false);
  if (inverse === null) out.nd.data.set(ret.subarray(0, a.size));
  else {
    const inv = values(inverse);
    for (let i = 0; i < a.size; i++) out.nd.data[i] = ret[inv[i]];
  }
  return out;
}

/**
 * `np.isin(element, test_elements, assume_unique=False, invert=False)`: a bool array of
 * element's shape, true where the element is among `testElements` (any shape); false with
 * `invert`. NaN is never found.
 * @example np.isin(np.array([[1, 2], [3, 4]]), [2, 3])   // array([[False,  True], [ True, False]])
 * np.isin(x, [0, 1], { invert: true })                     // true where x is neither 0 nor 1
 */
export function isin(element: NDArray | NestedList, testElements: NDArray | NestedList, options: IsinOptions = {}): NDArray {
  const e = asArrayArg(element, "isin: element");
  return in1d(e, testElements, options).reshape(e.shape);
}

/** Two inputs made unique (sorted, 1-D) or, assumed unique, flattened. */
function uniques(ar1: NDArray | NestedList, ar2: NDArray | NestedList, assumeUnique: boolean, what: string): [NDArray, NDArray] {
  const a = asArrayArg(ar1, `${what}: ar1`);
  const b = asArrayArg(ar2, `${what}: ar2`);
  return assumeUnique ? [a.ravel(), b.ravel()] : [unique(a), unique(b)];
}

/** Positions i (of the n - 1 neighbouring pairs) where sorted[i + 1] equals sorted[i]. */
function equalNeighbours(sorted: Storage): number[] {
  const at: number[] = [];
  for (let i = 0; i + 1 < sorted.length; i++) if (sorted[i + 1] === sorted[i]) at.push(i);
  return at;
}

function take(x: Storage, at: readonly number[], dtype: DType, shift = 0): NDArray {
  const out = new NDArray(allocate(dtype, at.length), [at.length], dtype);
  at.forEach((i, k) => (out.nd.data[k] = x[i + shift]));
  return out;
}

/**
 * `np.intersect1d(ar1, ar2, assume_unique=False, return_indices=False)`: the sorted unique
 * values found in both (flattened) arrays, of their common dtype. With `returnIndices`,
 * `[values, indices1, indices2]`: where each value first occurs in ar1 and in ar2 (int64).
 * @example np.intersect1d([1, 3, 4, 3], [3, 1, 2, 1])                                    // array([1, 3])
 * const [common, i1, i2] = np.intersect1d(a, b, { returnIndices: true })
 */
export function intersect1d(ar1: NDArray | NestedList, ar2: NDArray | NestedList, options?: Intersect1dOptions & { returnIndices?: false }): NDArray;
export function intersect1d(ar1: NDArray | NestedList, ar2: NDArray | NestedList, options: Intersect1dOptions & { returnIndices: true }): [NDArray, NDArray, NDArray];
export function intersect1d(ar1: NDArray | NestedList, ar2: NDArray | NestedList, options: Intersect1dOptions = {}): NDArray | [NDArray, NDArray, NDArray] {
  const assumeUnique = !!options.assumeUnique;
  if (!options.returnIndices) {
    const [a, b] = uniques(ar1, ar2, assumeUnique, "intersect1d");
    const aux = sort(concatenate([a, b]));
    const sorted = values(aux);
    return take(sorted, equalNeighbours(sorted), aux.dtype);
  }
  let a = asArrayArg(ar1, "intersect1d: ar1");
  let b = asArrayArg(ar2, "intersect1d: ar2");
  let ind1: NDArray | null = null;
  let ind2: NDArray | null = null;
  if (assumeUnique) [a, b] = [a.ravel(), b.ravel()];
  else {
    [a, ind1] = unique(a, { returnIndex: true });
    [b, ind2] = unique(b, { returnIndex: true });
  }
  const joined = concatenate([a, b]);
  const order = argsort(joined);
  const aux = joined.get(order);
  const sorted = values(aux);
  const at = equalNeighbours(sorted);
  const perm = values(order);
  const i1 = take(perm, at, "int64");
  const i2 = take(perm, at, "int64", 1);
  for (let k = 0; k < at.length; k++) i2.nd.data[k] -= a.size;
  return [take(sorted, at, aux.dtype), ind1 ? ind1.get(i1) : i1, ind2 ? ind2.get(i2) : i2];
}

/**
 * `np.union1d(ar1, ar2)`: the sorted unique values in either array (both flattened), of their
 * common dtype.
 * @example np.union1d([-1, 0, 1], [-2, 0, 2])   // array([-2, -1,  0,  1,  2])
 */
export function union1d(ar1: NDArray | NestedList, ar2: NDArray | NestedList): NDArray {
  return unique(concatenate([ar1, ar2], { axis: null }));
}

/**
 * `np.setdiff1d(ar1, ar2, assume_unique=False)`: the unique values of ar1 not in ar2, sorted
 * (with `assumeUnique`, in ar1's order), of ar1's dtype.
 * @example np.setdiff1d([1, 2, 3, 2, 4, 1], [3, 4, 5, 6])   // array([1, 2])
 */
export function setdiff1d(ar1: NDArray | NestedList, ar2: NDArray | NestedList, options: SetOptions = {}): NDArray {
  let a: NDArray;
  let b: NDArray | NestedList = ar2;
  if (options.assumeUnique) a = asArrayArg(ar1, "setdiff1d: ar1").ravel();
  else [a, b] = uniques(ar1, ar2, false, "setdiff1d");
  return a.get(in1d(a, b, { assumeUnique: true, invert: true }));
}

/**
 * `np.setxor1d(ar1, ar2, assume_unique=False)`: the sorted unique values in exactly one of
 * the two arrays, of their common dtype.
 * @example np.setxor1d([1, 2, 3, 2, 4], [2, 3, 5, 7, 5])   // array([1, 4, 5, 7])
 */
export function setxor1d(ar1: NDArray | NestedList, ar2: NDArray | NestedList, options: SetOptions = {}): NDArray {
  const [a, b] = uniques(ar1, ar2, !!options.assumeUnique, "setxor1d");
  const joined = concatenate([a, b]);
  if (joined.size === 0) return joined;
  const aux = sort(joined);
  const s = values(aux);
  const n = s.length;
  // Kept where the value differs from both neighbours (the ends count as differing).
  const keep: number[] = [];
  for (let i = 0; i < n; i++) if ((i === 0 || s[i] !== s[i - 1]) && (i === n - 1 || s[i + 1] !== s[i])) keep.push(i);
  return take(s, keep, aux.dtype);
}
