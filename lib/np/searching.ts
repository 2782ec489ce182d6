/**
 * Searching in sorted data and counting: `np.searchsorted`, `np.bincount` and `np.interp`, as
 * NumPy 1.24's C computes them (numpy/core/src/npysort/binsearch.cpp, multiarray/
 * compiled_base.c): the same bisections, with the guesses they start from, so that the
 * indices are NumPy's also for unsorted input and NaN (which sorts last, as in np.sort), and
 * the same float64 arithmetic, so that interpolated values are NumPy's bits.
 */
import { allocate, allocateShaped, DType, isIntegral } from "./dtype";
import { NDArray, NestedList } from "./ndarray";
import { asArrayArg, concatenate } from "./creation";
import { mod } from "./ufunc";
import { argsort } from "./sorting";
import { pythonTypeName, ValueError } from "./errors";

/** @internal Python's repr of a str, as NumPy's messages quote one (searchsorted's side, convolve's mode). */
export function pyRepr(s: unknown): string {
  const t = String(s);
  if (t.includes("'") && !t.includes('"')) return `"${t}"`;
  return `'${t.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

/**
 * @internal NumPy's parsers of `side` and `mode` strings: the choice whose first letter the
 * string starts with, either case (NumPy deprecates all but the exact names, but accepts
 * them), else ValueError `${message} (got ${repr})`.
 */
export function byFirstLetter(value: unknown, choices: readonly string[], message: string): number {
  if (typeof value !== "string") throw new TypeError(`${message.split(" must")[0]} must be str, not ${pythonTypeName(value)}`);
  const i = choices.findIndex((c) => value.length > 0 && value[0].toLowerCase() === c[0]);
  if (i < 0) throw new ValueError(`${message} (got ${pyRepr(value)})`);
  return i;
}

/** NumPy's depth check of a 1-D argument (PyArray_FromAny with depth 1..1), by its messages. */
function oneD(x: NDArray): NDArray {
  if (x.ndim < 1) throw new ValueError("object of too small depth for desired array");
  if (x.ndim > 1) throw new ValueError("object too deep for desired array");
  return x;
}

/** x's elements in C order, contiguous (x's own buffer when it can be). */
function elements(x: NDArray): { d: ArrayLike<number>; o: number } {
  return x.isContiguous ? { d: x.nd.data, o: x.nd.offset } : { d: x.copy().nd.data, o: 0 };
}

function int64(shape: readonly number[]): NDArray {
  return new NDArray(allocateShaped("int64", shape), shape, "int64");
}

/** NumPy's sort order: a before b, NaN after every number. */
function less(a: number, b: number): boolean {
  return a < b || (b !== b && a === a);
}

/** Options of {@link searchsorted}. */
export interface SearchsortedOptions {
  /** "left" (default): the first index where v could go; "right": the last. */
  side?: "left" | "right";
  /** Indices (integers) that sort `a`, as `np.argsort(a)` gives them; `a` itself is then not sorted. */
  sorter?: NDArray | NestedList | null;
}

/**
 * `np.searchsorted(a, v, side='left', sorter=None)`: for each value of `v`, the index in the
 * sorted 1-D `a` where inserting it keeps `a` sorted: the first such index (`side: "left"`) or
 * the last ("right"). NaN sorts after every number, as in np.sort. int64 indices of v's
 * shape, a number for a scalar `v`. With `sorter` (the indices that sort `a`) `a` need not be
 * sorted. Also `a.searchsorted(v)`.
 * @example np.searchsorted(np.array([1, 2, 3, 5]), 3)                     // 2
 * np.searchsorted(np.array([1, 2, 3, 5]), [3, 4], "right")                 // array([3, 3])
 * np.searchsorted(np.array([3, 1, 2]), 2, { sorter: np.argsort(np.array([3, 1, 2])) })   // 1
 */
export function searchsorted(a: NDArray | NestedList, v: NDArray | NestedList, options?: SearchsortedOptions | "left" | "right"): NDArray | number {
  const o: SearchsortedOptions = typeof options === "string" ? { side: options } : (options ?? {});
  const side = byFirstLetter(o.side ?? "left", ["left", "right"], "search side must be 'left' or 'right'");
  const keys = asArrayArg(v, "searchsorted: v");
  const hay = oneD(asArrayArg(a, "searchsorted: a"));
  const sorter = o.sorter === undefined || o.sorter === null ? null : sorterOf(o.sorter, hay.size);
  const out = int64(keys.shape);
  const { d: kd, o: ko } = elements(keys);
  const cmp = side === 0 ? less : (p: number, q: number) => !less(q, p);
  // binsearch.cpp: each search starts from the last one's bounds when the keys ascend.
  const n = hay.size;
  const hd = hay.nd.data;
  const ho = hay.nd.offset;
  const hs = hay.nd.stride[0];
  const od = out.nd.data;
  let lo = 0;
  let hi = n;
  let last = keys.size > 0 ? kd[ko] : 0;
  for (let k = 0; k < keys.size; k++) {
    const key = kd[ko + k];
    if (cmp(last, key)) hi = n;
    else {
      lo = 0;
      hi = hi < n ? hi + 1 : n;
    }
    last = key;
    while (lo < hi) {
      const mid = lo + ((hi - lo) >> 1);
      let at = mid;
      if (sorter) {
        at = sorter[mid];
        if (at < 0 || at >= n) throw new ValueError("Sorter index out of range.");
      }
      if (cmp(hd[ho + at * hs], key)) lo = mid + 1;
      else hi = mid;
    }
    od[k] = lo;
  }
  return keys.ndim === 0 ? od[0] : out;
}

/** searchsorted's sorter checked as NumPy checks it: 1-D, integers, a's size. */
function sorterOf(s: NDArray | NestedList, n: number): ArrayLike<number> {
  const x = asArrayArg(s, "searchsorted: sorter");
  if (x.ndim !== 1) throw new TypeError("could not parse sorter argument");
  if (!isIntegral(x.dtype) || x.dtype === "bool") throw new TypeError("sorter must only contain integers");
  if (x.size !== n) throw new ValueError("sorter.size must equal a.size");
  return Array.from(x.toContiguous());
}

/** Options of {@link bincount}. */
export interface BincountOptions {
  /** A weight per element of x (same length): the counts become sums of weights (float64). */
  weights?: NDArray | NestedList | null;
  /** At least this many bins (0 by default). */
  minlength?: number | null;
}

/** The dtypes NumPy casts to its int64 index type safely. */
const INDEX_SAFE: readonly DType[] = ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32"];

/**
 * `np.bincount(x, weights=None, minlength=0)`: how many times each value 0, 1, …, max(x)
 * occurs in the non-negative integers `x` (1-D), int64; with `weights`, the sum of the weights
 * of each value's occurrences (float64, added in x's order). At least `minlength` bins.
 * NumPy's errors: ValueError for negative values or a non-1-D x, TypeError for values that do
 * not cast safely to int64 (floats, uint64).
 * @example np.bincount(np.array([0, 1, 1, 3]))                                  // array([1, 2, 0, 1])
 * np.bincount(np.array([0, 1, 1]), { weights: [0.5, 0.25, 0.25], minlength: 3 })   // array([0.5, 0.5, 0. ])
 */
export function bincount(x: NDArray | NestedList, options: BincountOptions = {}): NDArray {
  // A list is made an int64 array directly, as Python's int() makes each number (NumPy's
  // PyArray_ContiguousFromAny): 1.5 counts as 1; an array must cast to int64 safely.
  const given = asArrayArg(x, "bincount: x");
  if (Array.isArray(x) && given.toContiguous().some((v) => v !== v)) throw new ValueError("cannot convert float NaN to integer");
  const list = Array.isArray(x) && !isIntegral(given.dtype) ? given.astype("int64") : given;
  oneD(list);
  if (!INDEX_SAFE.includes(list.dtype)) throw new TypeError(`Cannot cast array data from dtype('${list.dtype}') to dtype('int64') according to the rule 'safe'`);
  let minlength = 0;
  // null is NumPy's deprecated None: 0.
  if (options.minlength !== undefined && options.minlength !== null) {
    if (!Number.isInteger(options.minlength)) throw new TypeError(`'${typeof options.minlength === "number" ? "float" : typeof options.minlength}' object cannot be interpreted as an integer`);
    minlength = options.minlength;
  }
  if (minlength < 0) throw new ValueError("'minlength' must not be negative");
  const n = list.size;
  if (n === 0) return int64([minlength]);
  const { d, o } = elements(list);
  let mn = d[o];
  let mx = d[o];
  for (let i = 1; i < n; i++) {
    const val = d[o + i];
    if (val < mn) mn = val;
    else if (val > mx) mx = val;
  }
  if (mn < 0) throw new ValueError("'list' argument must have no negative elements");
  const size = Math.max(mx + 1, minlength);
  if (options.weights === undefined || options.weights === null) {
    const out = int64([size]);
    for (let i = 0; i < n; i++) out.nd.data[d[o + i]] += 1;
    return out;
  }
  const w = oneD(asArrayArg(options.weights, "bincount: weights"));
  if (w.size !== n) throw new ValueError("The weights and list don't have the same length.");
  const { d: wd, o: wo } = elements(w);
  const out = new NDArray(allocate("float64", size), [size], "float64");
  for (let i = 0; i < n; i++) out.nd.data[d[o + i]] += wd[wo + i];
  return out;
}

/** Options of {@link interp}. */
export interface InterpOptions {
  /** The value below xp[0] (fp[0] by default). */
  left?: number | null;
  /** The value above xp[-1] (fp[-1] by default). */
  right?: number | null;
  /** The period of the x-coordinates: xp is then taken modulo it and need not be sorted; left and right are ignored. */
  period?: number | null;
}

/**
 * compiled_base.c's binary_search_with_guess: i with arr[i] <= key < arr[i + 1], -1 below
 * arr[0], len above arr[len-1] (len - 1 on it); the guess (the last index) is tried first.
 */
function searchWithGuess(key: number, arr: Float64Array, len: number, guess: number): number {
  let imin = 0;
  let imax = len;
  if (key > arr[len - 1]) return len;
  if (key < arr[0]) return -1;
  if (len <= 4) {
    let i = 1;
    while (i < len && key >= arr[i]) i++;
    return i - 1;
  }
  guess = Math.max(1, Math.min(guess, len - 3));
  if (key < arr[guess]) {
    if (key >= arr[guess - 1]) return guess - 1;
    imax = guess - 1;
    if (guess > 8 && key >= arr[guess - 8]) imin = guess - 8;
  } else {
    if (key < arr[guess + 1]) return guess;
    if (key < arr[guess + 2]) return guess + 1;
    imin = guess + 2;
    if (guess < len - 9 && key < arr[guess + 8]) imax = guess + 8;
  }
  while (imin < imax) {
    const imid = imin + ((imax - imin) >> 1);
    if (key >= arr[imid]) imin = imid + 1;
    else imax = imid;
  }
  return imin - 1;
}

/** A float64 copy of x's elements in C order. */
function float64s(x: NDArray): Float64Array {
  const { d, o } = elements(x);
  const out = new Float64Array(x.size);
  for (let i = 0; i < out.length; i++) out[i] = d[o + i];
  return out;
}

/**
 * `np.interp(x, xp, fp, left=None, right=None, period=None)`: the piecewise-linear
 * interpolant through the points (xp, fp) (xp increasing), at x; `left`/`right` (default
 * fp[0], fp[-1]) outside. float64, x's shape (a number for a scalar x). NumPy's arithmetic:
 * slope `(fp[j+1] - fp[j]) / (xp[j+1] - xp[j])`, value `slope * (x - xp[j]) + fp[j]`,
 * recomputed from the right end when that is NaN; so the bits are NumPy's.
 * @example np.interp(2.5, [1, 2, 3], [3, 2, 0])                                  // 1
 * np.interp(np.array([-1, 0.5]), [0, 1], [10, 20], { left: 0 })                  // array([ 0., 15.])
 * np.interp(370, [0, 90, 180, 270], [0, 1, 2, 3], { period: 360 })              // 0.1111111111111111
 */
export function interp(x: NDArray | NestedList, xp: NDArray | NestedList, fp: NDArray | NestedList, options: InterpOptions = {}): NDArray | number {
  let xs = asArrayArg(x, "interp: x");
  let xps = asArrayArg(xp, "interp: xp");
  let fps = asArrayArg(fp, "interp: fp");
  let left = options.left ?? null;
  let right = options.right ?? null;
  const period = options.period ?? null;
  if (period !== null) {
    if (period === 0) throw new ValueError("period must be a non-zero value");
    const p = Math.abs(period);
    left = right = null;
    if (xps.ndim !== 1 || fps.ndim !== 1) throw new ValueError("Data points must be 1-D sequences");
    if (xps.shape[0] !== fps.shape[0]) throw new ValueError("fp and xp are not of the same length");
    xs = mod(xs.astype("float64"), p);
    const xpm = mod(xps.astype("float64"), p);
    const order = argsort(xpm);
    const sx = xpm.get(order);
    const sf = fps.astype("float64").get(order);
    xps = concatenate([sx.get("-1:").sub(p), sx, sx.get("0:1").add(p)]);
    fps = concatenate([sf.get("-1:"), sf, sf.get("0:1")]);
  }
  const dy = float64s(oneD(fps));
  const dx = float64s(oneD(xps));
  const lenxp = dx.length;
  if (lenxp === 0) throw new ValueError("array of sample points is empty");
  if (dy.length !== lenxp) throw new ValueError("fp and xp are not of the same length.");
  const out = new NDArray(allocateShaped("float64", xs.shape), xs.shape, "float64");
  const dz = float64s(xs);
  const res = out.nd.data;
  const lval = left ?? dy[0];
  const rval = right ?? dy[lenxp - 1];
  if (lenxp === 1) {
    for (let i = 0; i < dz.length; i++) res[i] = dz[i] < dx[0] ? lval : dz[i] > dx[0] ? rval : dy[0];
  } else {
    let j = 0;
    for (let i = 0; i < dz.length; i++) {
      const xv = dz[i];
      if (xv !== xv) {
        res[i] = xv;
        continue;
      }
      j = searchWithGuess(xv, dx, lenxp, j);
      if (j === -1) res[i] = lval;
      else if (j === lenxp) res[i] = rval;
      else if (j === lenxp - 1 || dx[j] === xv) res[i] = dy[j];
      else {
        const slope = (dy[j + 1] - dy[j]) / (dx[j + 1] - dx[j]);
        let r = slope * (xv - dx[j]) + dy[j];
        if (r !== r) {
          r = slope * (xv - dx[j + 1]) + dy[j + 1];
          if (r !== r && dy[j] === dy[j + 1]) r = dy[j];
        }
        res[i] = r;
      }
    }
  }
  return xs.ndim === 0 ? res[0] : out;
}
