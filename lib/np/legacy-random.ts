/**
 * NumPy's legacy random API: `RandomState` and the module functions that share one global
 * instance (`np.random.seed(42); np.random.rand(3, 3)`), bit-identical to NumPy's
 * (MT19937, polar-method normals, masked integers: ./random/mt19937.ts). This module gives
 * the streams NumPy's arguments, shapes, dtypes and errors.
 *
 * Python's keyword arguments are a trailing options object, as elsewhere in lib/np:
 * `randint(0, 10, size=5)` is `randint(0, 10, { size: 5 })` (or `randint(0, 10, 5)`).
 */
import { array } from "./creation";
import { allocate, checkDType, DType, Storage } from "./dtype";
import { ValueError } from "./errors";
import { bindArguments } from "./keywords";
import { NDArray, NestedList } from "./ndarray";
import * as dist from "./random/distributions";
import { DistFill, mtDistFill } from "./random/distribution-fill";
import { LegacyDraws } from "./random/draws";
import { exp, expInPlace } from "./random/libm";
import { LegacySeed, MT19937, MT19937State } from "./random/mt19937";
import { boundToBigInt, exactNumber, Param, ParamSpec, sample, shapeOf } from "./random/parameters";
import { kahanSum, Nested, nest, sampleCdf, sampleUnique } from "./random/sampling";
import type { Size } from "./rng";
import { pythonClass, PythonClass } from "../python-class";

export type { LegacySeed, MT19937State } from "./random/mt19937";

/** `size=...` as a keyword: `{ size: [2, 3] }`. */
export interface SizeKeyword {
  size: Size;
}
/** The keywords of `randint`. */
export interface RandintKeywords {
  high?: number | bigint | null;
  size?: Size | null;
  /** An integer dtype or "bool"; int64 (NumPy's `int`) by default. */
  dtype?: DType;
}
/** The keywords of `choice`. */
export interface ChoiceKeywords {
  size?: Size | null;
  replace?: boolean;
  /** Probabilities of the entries of `a`; uniform without. */
  p?: NDArray | readonly number[] | null;
}
export type { Nested } from "./random/sampling";

/** Python's binding of a NumPy (Cython) method's arguments: ./keywords.ts. */
function bind(what: string, names: readonly string[], args: readonly unknown[]): unknown[] {
  return bindArguments(what, names, [], args, "cython");
}

/** Where arrays of draws are allocated while {@link drawingInto} runs; np's allocation otherwise. */
let drawTarget: ((dtype: DType, n: number) => Storage) | null = null;

/**
 * Runs `f` with the arrays of draws it makes (random_sample, standard_normal, normal, uniform,
 * randint) allocated by `alloc` (contents unspecified: every element is drawn): Dask's blocks
 * take their buffers from lib/da's pool, which reuses them from one compute to the next.
 * @internal
 */
export function drawingInto<T>(alloc: (dtype: DType, n: number) => Storage, f: () => T): T {
  const before = drawTarget;
  drawTarget = alloc;
  try {
    return f();
  } finally {
    drawTarget = before;
  }
}

/** A buffer for `n` draws of `dtype`, every element of which the caller writes. */
function drawBuffer(dtype: DType, n: number, shape?: readonly number[]): Storage {
  return drawTarget ? drawTarget(dtype, n) : allocate(dtype, n, true, true, shape);
}

/** A fill of float64 draws: one number without a shape, else an array of that shape. */
function draw(shape: number[] | null, fill: (out: Float64Array) => void): NDArray | number {
  const out = shape === null ? new Float64Array(1) : (drawBuffer("float64", shape.reduce((a, b) => a * b, 1), shape) as Float64Array);
  fill(out);
  return shape === null ? out[0] : new NDArray(out, shape, "float64");
}

/** The dtypes `randint` draws: bounds, and the bits of each masked try (NumPy's `_rand_{dtype}`). */
const INTEGER_TYPES: Partial<Record<DType, [lo: bigint, hi: bigint, width: 1 | 8 | 16 | 32 | 64]>> = {
  int64: [-(2n ** 63n), 2n ** 63n - 1n, 64],
  int32: [-(2n ** 31n), 2n ** 31n - 1n, 32],
  int16: [-32768n, 32767n, 16],
  int8: [-128n, 127n, 8],
  uint64: [0n, 2n ** 64n - 1n, 64],
  uint32: [0n, 2n ** 32n - 1n, 32],
  uint16: [0n, 65535n, 16],
  uint8: [0n, 255n, 8],
  bool: [0n, 1n, 1],
};

/** `p` for `choice`, checked as NumPy checks it, as float64. */
function probabilities(p: unknown, popSize: number): Float64Array {
  const arr = p instanceof NDArray ? p : array(p as NestedList);
  if (arr.ndim !== 1) throw new ValueError("'p' must be 1-dimensional");
  if (arr.size !== popSize) throw new ValueError("'a' and 'p' must have same size");
  const out = Float64Array.from({ length: arr.size }, (_, i) => arr.flatAt(i));
  const sum = kahanSum(out); // as mtrand.pyx sums them
  if (Number.isNaN(sum)) throw new ValueError("probabilities contain NaN");
  if (out.some((v) => v < 0)) throw new ValueError("probabilities are not non-negative");
  // sqrt(eps) of float64, or of float32 for a float32 array
  const atol = arr.dtype === "float32" ? Math.sqrt(2 ** -23) : Math.sqrt(2 ** -52);
  if (Math.abs(sum - 1) > atol) throw new ValueError("probabilities do not sum to 1");
  return out;
}

/**
 * NumPy's legacy `RandomState` over MT19937: the same numbers as
 * `np.random.RandomState(seed)` for the same calls.
 *
 * @example
 * const rs = np.random.RandomState(0);       // rs = np.random.RandomState(0) (or with `new`)
 * rs.rand(2, 3);                              // rs.rand(2, 3)
 * rs.randint(0, 10, { size: 5 });             // rs.randint(0, 10, size=5)
 */
class RandomStateObject {
  /** The bit generator and the normals' cache. */
  private readonly mt: MT19937;
  /** The legacy distributions' draws on `mt`. */
  private readonly draws: LegacyDraws;
  /** The binomial's setup for the last (n, p) (NumPy's `self._binomial`). */
  private readonly binomialCache = new dist.BinomialCache();

  /** `RandomState(seed)`: an integer in [0, 2**32) or a list of them; fresh OS entropy without. */
  constructor(seed?: LegacySeed | null) {
    this.mt = new MT19937(seed);
    this.draws = new LegacyDraws(this.mt);
  }

  /**
   * Reseeds in place (NumPy's `seed`), clearing the cached normal.
   * @example rs.seed(42)   // rs.seed(42)
   */
  seed(seed?: LegacySeed | null): void {
    this.mt.seed(seed);
  }

  /**
   * The state, as NumPy's `get_state()` (key, pos, has_gauss, cached_gaussian).
   * @example const s = rs.getState(); rs.rand(3); rs.setState(s); rs.rand(3)   // the same draws again
   */
  getState(): MT19937State {
    return this.mt.state;
  }

  /** Restores a state from `getState()` (NumPy's `set_state`). */
  setState(state: MT19937State): void {
    this.mt.state = state;
  }

  /**
   * Uniform floats in [0, 1): a number without `size`, else a float64 array.
   * @example rs.randomSample([2, 2])   // rs.random_sample((2, 2))
   */
  randomSample(size?: null | { size?: null }): number;
  randomSample(size: Size | SizeKeyword): NDArray;
  randomSample(...args: unknown[]): NDArray | number {
    const [size] = bind("random_sample", ["size"], args);
    return draw(shapeOf(size, "random_sample"), (o) => this.mt.fillDoubles(o));
  }

  /**
   * `random(size)`: the same as `randomSample`.
   * @example rs.random(5)   // rs.random(5)
   */
  random(size?: null | { size?: null }): number;
  random(size: Size | SizeKeyword): NDArray;
  random(...args: unknown[]): NDArray | number {
    const [size] = bind("random", ["size"], args);
    return draw(shapeOf(size, "random"), (o) => this.mt.fillDoubles(o));
  }

  /**
   * Uniform floats in [0, 1) of shape (d0, d1, …); one number without dimensions.
   * @example rs.rand(3, 3)   // rs.rand(3, 3)
   */
  rand(): number;
  rand(d0: number, ...dims: number[]): NDArray;
  rand(...dims: number[]): NDArray | number {
    return draw(dims.length === 0 ? null : shapeOf(dims, "rand"), (o) => this.mt.fillDoubles(o));
  }

  /**
   * Standard normal floats of shape (d0, d1, …), by the legacy polar method (each pair's
   * second value is kept for the next draw, across calls); one number without dimensions.
   * @example rs.randn(1000)   // rs.randn(1000)
   */
  randn(): number;
  randn(d0: number, ...dims: number[]): NDArray;
  randn(...dims: number[]): NDArray | number {
    return draw(dims.length === 0 ? null : shapeOf(dims, "randn"), (o) => this.mt.fillGauss(o));
  }

  /**
   * Standard normal floats (mean 0, sd 1), as `randn` but with a size.
   * @example rs.standardNormal([2, 3])   // rs.standard_normal((2, 3))
   */
  standardNormal(size?: null | { size?: null }): number;
  standardNormal(size: Size | SizeKeyword): NDArray;
  standardNormal(...args: unknown[]): NDArray | number {
    const [size] = bind("standard_normal", ["size"], args);
    return draw(shapeOf(size, "standard_normal"), (o) => this.mt.fillGauss(o));
  }

  /**
   * Normal floats `loc + scale · z`.
   * @throws ValueError "scale < 0" (also for -0, as NumPy)
   * @example rs.normal(0, 1, [2, 2])   // rs.normal(0, 1, (2, 2))
   * @example rs.normal({ size: 5 })    // rs.normal(size=5)
   */
  normal(loc?: number, scale?: number): number;
  normal(loc: number, scale: number, size: Size | SizeKeyword): NDArray;
  normal(keywords: { loc?: number; scale?: number } & SizeKeyword): NDArray;
  normal(loc: number, keywords: { scale?: number } & SizeKeyword): NDArray;
  normal(...args: (number | Size | null | { loc?: number; scale?: number; size?: Size | null })[]): NDArray | number;
  normal(...args: unknown[]): NDArray | number {
    const [loc = 0, scale = 1, size] = bind("normal", ["loc", "scale", "size"], args) as [number?, number?, unknown?];
    if (typeof loc !== "number" || typeof scale !== "number") throw new TypeError("normal: loc and scale must be numbers (arrays are not supported)");
    if (scale < 0 || Object.is(scale, -0)) throw new ValueError("scale < 0");
    return draw(shapeOf(size, "normal"), (o) => {
      this.mt.fillGauss(o);
      for (let i = 0; i < o.length; i++) o[i] = loc + scale * o[i];
    });
  }

  /**
   * Uniform floats `low + (high - low) · u` (high < low is allowed, as NumPy).
   * @throws RangeError "Range exceeds valid bounds" (NumPy's OverflowError) when high - low is not finite
   * @example rs.uniform(-1, 1, 10)   // rs.uniform(-1, 1, 10)
   */
  uniform(low?: number, high?: number): number;
  uniform(low: number, high: number, size: Size | SizeKeyword): NDArray;
  uniform(keywords: { low?: number; high?: number } & SizeKeyword): NDArray;
  uniform(low: number, keywords: { high?: number } & SizeKeyword): NDArray;
  uniform(...args: (number | Size | null | { low?: number; high?: number; size?: Size | null })[]): NDArray | number;
  uniform(...args: unknown[]): NDArray | number {
    const [low = 0, high = 1, size] = bind("uniform", ["low", "high", "size"], args) as [number?, number?, unknown?];
    if (typeof low !== "number" || typeof high !== "number") throw new TypeError("uniform: low and high must be numbers (arrays are not supported)");
    const range = high - low;
    if (!Number.isFinite(range)) throw new RangeError("Range exceeds valid bounds");
    return draw(shapeOf(size, "uniform"), (o) => {
      this.mt.fillDoubles(o);
      for (let i = 0; i < o.length; i++) o[i] = low + range * o[i];
    });
  }

  /**
   * Random integers in [low, high), or [0, low) without `high`: int64 by default (bigints
   * for bounds past 2**53), by NumPy's masked rejection sampling.
   * @throws ValueError "high <= 0", "low >= high", "low is out of bounds for int8", …
   * @example rs.randint(0, 10, { size: 5 })   // rs.randint(0, 10, size=5)
   * @example rs.randint(256, { size: [2, 2], dtype: "uint8" })   // rs.randint(256, size=(2, 2), dtype=np.uint8)
   */
  randint(low: number | bigint, high?: number | bigint | null, size?: null, keywords?: { dtype?: DType }): number;
  randint(low: number | bigint, high: number | bigint | null | undefined, size: Size, keywords?: { dtype?: DType }): NDArray;
  randint(low: number | bigint, keywords: RandintKeywords & SizeKeyword): NDArray;
  randint(low: number | bigint, high: number | bigint | null, keywords: { dtype?: DType } & SizeKeyword): NDArray;
  randint(...args: (number | bigint | Size | null | RandintKeywords)[]): NDArray | number | boolean;
  randint(...args: unknown[]): NDArray | number | boolean {
    const [first, second, size, dtypeArg] = bind("randint", ["low", "high", "size", "dtype"], args);
    const [low, high] = second === undefined || second === null ? [0, first] : [first, second];
    const dtype = dtypeArg === undefined ? "int64" : checkDType(dtypeArg);
    const type = INTEGER_TYPES[dtype];
    if (type === undefined) throw new TypeError(`Unsupported dtype dtype('${dtype}') for randint`);
    const [lb, ub, width] = type;
    const shape = shapeOf(size, "randint");
    const n = shape === null ? 1 : shape.reduce((a, b) => a * b, 1);
    if (n === 0) return new NDArray(allocate(dtype, 0), shape!, dtype); // before the bounds, as NumPy
    const lo = boundToBigInt(low, "randint", "low");
    const hi = boundToBigInt(high, "randint", "high") - 1n; // the draws are on the closed [low, high - 1]
    if (lo < lb) throw new ValueError(`low is out of bounds for ${dtype}`);
    if (hi > ub) throw new ValueError(`high is out of bounds for ${dtype}`);
    if (lo > hi) throw new ValueError(lo === 0n ? "high <= 0" : "low >= high");
    const out = shape === null ? allocate(dtype, 1) : drawBuffer(dtype, n, shape);
    this.mt.fillMasked(out, exactNumber(lo), exactNumber(hi - lo), width);
    if (shape !== null) return new NDArray(out, shape, dtype);
    return dtype === "bool" ? out[0] !== 0 : out[0];
  }

  /**
   * A random sample from `a` (a list or 1-d array, or `arange(a)` for an integer): with
   * replacement by default, optionally with probabilities `p`.
   * @throws ValueError with NumPy's messages for an empty or n-d `a`, a bad `p`, or more
   *   samples than `a` holds without replacement
   * @example rs.choice(5, 3)                               // rs.choice(5, 3)
   * @example rs.choice(["a", "b", "c"], { size: 2, p: [0.5, 0.25, 0.25] })   // rs.choice(['a', 'b', 'c'], size=2, p=[0.5, 0.25, 0.25])
   * @example rs.choice(10, 4, { replace: false })          // rs.choice(10, 4, replace=False)
   */
  choice(a: number | NDArray | readonly number[], size?: null, replace?: boolean, p?: ChoiceKeywords["p"]): number;
  choice(a: number | NDArray | readonly number[], size: Size, replace?: boolean, p?: ChoiceKeywords["p"]): NDArray;
  choice(a: number | NDArray | readonly number[], keywords: ChoiceKeywords & SizeKeyword): NDArray;
  choice(a: number | NDArray | readonly number[], size: Size, keywords: Omit<ChoiceKeywords, "size">): NDArray;
  choice(a: number | NDArray | readonly number[], keywords: ChoiceKeywords & { size?: null }): number;
  choice<T extends string | boolean | object>(a: readonly T[], size?: null | (ChoiceKeywords & { size?: null })): T;
  choice<T extends string | boolean | object>(a: readonly T[], size: Size | (ChoiceKeywords & SizeKeyword), keywords?: Omit<ChoiceKeywords, "size">): Nested<T>;
  choice(...args: unknown[]): unknown {
    const [a, size, replace = true, p = null] = bind("choice", ["a", "size", "replace", "p"], args);
    const shape = shapeOf(size, "choice");
    const n = shape === null ? 1 : shape.reduce((x, y) => x * y, 1);
    let popSize: number;
    let items: NDArray | readonly unknown[] | null = null;
    if (typeof a === "number" || typeof a === "bigint" || (a instanceof NDArray && a.ndim === 0)) {
      const v = a instanceof NDArray ? a.item() : Number(a);
      if (!Number.isInteger(v) || (a instanceof NDArray && !a.dtype.includes("int"))) throw new ValueError("a must be 1-dimensional or an integer");
      popSize = v;
      if (popSize <= 0 && n !== 0) throw new ValueError("a must be greater than 0 unless no samples are taken");
    } else {
      const numeric = a instanceof NDArray || (Array.isArray(a) && a.every((v) => typeof v === "number" || typeof v === "boolean" || Array.isArray(v)));
      items = numeric ? (a instanceof NDArray ? a : array(a as NestedList)) : Array.isArray(a) ? a : null;
      if (items === null) throw new TypeError(`choice: a must be an integer, a list or an array, got ${String(a)}`);
      if (items instanceof NDArray ? items.ndim !== 1 : items.some((v) => Array.isArray(v))) throw new ValueError("a must be 1-dimensional");
      popSize = items instanceof NDArray ? items.shape[0] : items.length;
      if (popSize === 0 && n !== 0) throw new ValueError("'a' cannot be empty unless no samples are taken");
    }
    const probs = p === null || p === undefined ? null : probabilities(p, popSize);
    const idx = allocate("int64", n, true) as Float64Array;
    if (replace) {
      if (probs !== null) sampleCdf(probs, this.mt.fillDoubles(new Float64Array(n)), idx);
      else if (n > 0) this.mt.fillMasked(idx, 0, popSize - 1, 64); // randint(0, pop_size, size=shape)
    } else {
      if (n > popSize) throw new ValueError("Cannot take a larger sample than population when 'replace=False'");
      if (probs !== null) sampleUnique(probs, idx, (k) => this.mt.fillDoubles(new Float64Array(k))); // self.rand(size - n_uniq)
      else idx.set(this.shuffledRange(popSize).subarray(0, n)); // permutation(pop_size)[:size]
    }
    if (items === null) return shape === null ? idx[0] : new NDArray(idx, shape, "int64");
    if (!(items instanceof NDArray)) return shape === null ? items[idx[0]] : nest(items, idx, shape);
    if (shape === null) return items.at(idx[0]);
    return items.get(new NDArray(idx, shape, "int64"));
  }

  /** `arange(n)` shuffled as `shuffle` does it (Fisher-Yates from the end). */
  private shuffledRange(n: number): Float64Array {
    const out = allocate("int64", Math.max(n, 0), true) as Float64Array;
    for (let i = 0; i < out.length; i++) out[i] = i;
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.mt.interval(i);
      const t = out[i];
      out[i] = out[j];
      out[j] = t;
    }
    return out;
  }

  /**
   * Shuffles an array along its first axis, or a list, in place (Fisher-Yates from the end,
   * as NumPy's `shuffle`).
   * @throws ValueError "array is read-only"
   * @example const x = np.arange(10); rs.shuffle(x)   // x = np.arange(10); rs.shuffle(x)
   */
  shuffle(x: NDArray | unknown[]): void {
    if (Array.isArray(x)) {
      for (let i = x.length - 1; i > 0; i--) {
        const j = this.mt.interval(i);
        [x[i], x[j]] = [x[j], x[i]];
      }
      return;
    }
    if (!(x instanceof NDArray)) throw new TypeError(`shuffle: expected an array or a list, got ${String(x)}`);
    if (!x.writeable) throw new ValueError("array is read-only");
    if (x.ndim === 0) throw new TypeError("len() of unsized object");
    if (x.size === 0) return;
    const { shape, stride, offset } = x.geometry();
    const data = x.data;
    // element offsets of one item along axis 0 (a single 0 for a 1-d array)
    let inner = [0];
    for (let d = 1; d < shape.length; d++) inner = inner.flatMap((o) => Array.from({ length: shape[d] }, (_, k) => o + k * stride[d]));
    for (let i = shape[0] - 1; i > 0; i--) {
      const j = this.mt.interval(i);
      if (i === j) continue;
      const a = offset + i * stride[0];
      const b = offset + j * stride[0];
      for (const o of inner) {
        const t = data[a + o];
        data[a + o] = data[b + o];
        data[b + o] = t;
      }
    }
  }

  /**
   * A shuffled `arange(x)` for an integer, else a shuffled copy of the array (rows of an
   * n-d array, which is not changed).
   * @throws RangeError "x must be an integer or at least 1-dimensional" (NumPy's IndexError)
   * @example rs.permutation(10)   // rs.permutation(10)
   */
  permutation(x: number): NDArray;
  permutation(x: NDArray | readonly number[]): NDArray;
  permutation<T extends string | boolean | object>(x: readonly T[]): T[];
  permutation(x: unknown): unknown {
    if (typeof x === "number" && Number.isInteger(x)) return new NDArray(this.shuffledRange(x), [Math.max(x, 0)], "int64");
    if (Array.isArray(x) && !x.every((v) => typeof v === "number" || typeof v === "boolean" || Array.isArray(v))) {
      const copy = [...x];
      this.shuffle(copy);
      return copy;
    }
    const arr = x instanceof NDArray ? x : typeof x === "number" ? null : array(x as NestedList);
    if (arr === null || arr.ndim < 1) throw new RangeError("x must be an integer or at least 1-dimensional");
    if (arr.ndim === 1) {
      const copy = arr.copy();
      this.shuffle(copy);
      return copy;
    }
    return arr.get(new NDArray(this.shuffledRange(arr.shape[0]), [arr.shape[0]], "int64"));
  }

  /**
   * NumPy's `cont`/`disc` over the legacy draws: checks, broadcasting, then `one` per sample,
   * unless `fillScalar` fills the whole array of scalar parameters (the addon's fill).
   */
  private sample(what: string, specs: ParamSpec[], size: unknown, dtype: "float64" | "int64", one: (d: LegacyDraws, a: number, b: number) => number, fillScalar?: (out: Float64Array, a: number, b: number) => boolean): NDArray | number {
    const d = this.draws;
    return sample(what, specs, size, dtype, () => (a, b) => one(d, a, b), fillScalar);
  }

  /** The addon's fill of `kind` with parameters (a, b), for `sample`'s fillScalar. */
  private native(kind: DistFill, out: Float64Array, a: number, b: number): boolean {
    return mtDistFill(this.mt, kind, out, a, b);
  }

  /**
   * Standard exponential floats, by the legacy inversion `-log(1 - u)`.
   * @example rs.standardExponential(5)   // rs.standard_exponential(5)
   */
  standardExponential(size?: null | { size?: null }): number;
  standardExponential(size: Size | SizeKeyword): NDArray;
  standardExponential(...args: unknown[]): NDArray | number {
    const [size] = bind("standard_exponential", ["size"], args);
    return this.sample("standard_exponential", [], size, "float64", (d) => d.standardExponential(), (out) => this.native(DistFill.Exponential, out, 1, 0));
  }

  /**
   * Exponential floats with mean `scale`. Parameters may be arrays, broadcast against each
   * other and `size`, as NumPy's.
   * @throws ValueError "scale < 0"
   * @example rs.exponential(2, 1000)   // rs.exponential(2, 1000)
   */
  exponential(scale?: number): number;
  exponential(scale: Param | undefined, size: Size | SizeKeyword): NDArray;
  exponential(scale: NDArray | NestedList[]): NDArray;
  exponential(keywords: { scale?: Param } & SizeKeyword): NDArray;
  exponential(...args: unknown[]): NDArray | number {
    const [scale = 1, size] = bind("exponential", ["scale", "size"], args);
    return this.sample("exponential", [{ value: scale, name: "scale", constraint: "nonNegative" }], size, "float64", (d, s) => s * d.standardExponential(), (out, s) => this.native(DistFill.Exponential, out, s, 0));
  }

  /**
   * Poisson counts with mean `lam`, int64 (the same algorithms as Generator's, on MT19937).
   * @throws ValueError "lam < 0 or lam is NaN", "lam value too large"
   * @example rs.poisson(4.5, [2, 3])   // rs.poisson(4.5, (2, 3))
   */
  poisson(lam?: number): number;
  poisson(lam: Param | undefined, size: Size | SizeKeyword): NDArray;
  poisson(lam: NDArray | NestedList[]): NDArray;
  poisson(keywords: { lam?: Param } & SizeKeyword): NDArray;
  poisson(...args: unknown[]): NDArray | number {
    const [lam = 1, size] = bind("poisson", ["lam", "size"], args);
    return this.sample("poisson", [{ value: lam, name: "lam", constraint: "poisson" }], size, "int64", (d, l) => dist.poisson(d, l), (out, l) => this.native(DistFill.Poisson, out, l, 0));
  }

  /**
   * Binomial counts, int64 (inversion or BTPE; unlike Generator's, n = 0 or p = 0 still draws).
   * @throws ValueError "p < 0, p > 1 or p is NaN", "n < 0"
   * @example rs.binomial(100, 0.3, 10)   // rs.binomial(100, 0.3, 10)
   */
  binomial(n: number, p: number): number;
  binomial(n: Param, p: Param, size: Size | SizeKeyword): NDArray;
  binomial(n: Param, p: Param): NDArray | number;
  binomial(...args: unknown[]): NDArray | number {
    const [n, p, size] = bind("binomial", ["n", "p", "size"], args);
    const specs: ParamSpec[] = [
      { value: p, name: "p", constraint: "bounded01" },
      { value: n, name: "n", constraint: "nonNegative", int64: true },
    ];
    return this.sample("binomial", specs, size, "int64", (d, pp, nn) => dist.binomial(d, pp, nn, this.binomialCache, true), (out, pp, nn) => this.native(DistFill.Binomial, out, pp, nn));
  }

  /**
   * Log-normal floats, `exp(mean + sigma · z)` with the legacy polar-method normals.
   * @throws ValueError "sigma < 0"
   * @example rs.lognormal(0, 0.5, 100)   // rs.lognormal(0, 0.5, 100)
   */
  lognormal(mean?: number, sigma?: number): number;
  lognormal(mean: Param | undefined, sigma: Param | undefined, size: Size | SizeKeyword): NDArray;
  lognormal(mean: Param, sigma?: Param): NDArray | number;
  lognormal(keywords: { mean?: Param; sigma?: Param } & SizeKeyword): NDArray;
  lognormal(...args: unknown[]): NDArray | number {
    const [mean = 0, sigma = 1, size] = bind("lognormal", ["mean", "sigma", "size"], args);
    const specs: ParamSpec[] = [
      { value: mean, name: "mean", constraint: "none" },
      { value: sigma, name: "sigma", constraint: "nonNegative" },
    ];
    return this.sample("lognormal", specs, size, "float64", (d, m, s) => exp(m + s * d.standardNormal()), (out, m, s) => {
      this.mt.fillGauss(out);
      for (let i = 0; i < out.length; i++) out[i] = m + s * out[i];
      expInPlace(out);
      return true;
    });
  }

  /**
   * Standard gamma floats (legacy_standard_gamma: on the polar-method normals and `-log(1 - u)` exponentials).
   * @throws ValueError "shape < 0"
   * @example rs.standardGamma(0.5, 1000)   // rs.standard_gamma(0.5, 1000)
   */
  standardGamma(shape: number): number;
  standardGamma(shape: Param, size: Size | SizeKeyword): NDArray;
  standardGamma(shape: Param): NDArray | number;
  standardGamma(...args: unknown[]): NDArray | number {
    const [shape, size] = bind("standard_gamma", ["shape", "size"], args);
    return this.sample("standard_gamma", [{ value: shape, name: "shape", constraint: "nonNegative" }], size, "float64", (d, k) => dist.standardGamma(d, k), (out, k) => this.native(DistFill.Gamma, out, k, 1));
  }

  /**
   * Gamma floats: `scale · standard_gamma(shape)`.
   * @throws ValueError "shape < 0", "scale < 0"
   * @example rs.gamma(2, 3, 1000)   // rs.gamma(2, 3, 1000)
   */
  gamma(shape: number, scale?: number): number;
  gamma(shape: Param, scale: Param | undefined, size: Size | SizeKeyword): NDArray;
  gamma(shape: Param, scale?: Param): NDArray | number;
  gamma(...args: unknown[]): NDArray | number {
    const [shape, scale = 1, size] = bind("gamma", ["shape", "scale", "size"], args);
    const specs: ParamSpec[] = [
      { value: shape, name: "shape", constraint: "nonNegative" },
      { value: scale, name: "scale", constraint: "nonNegative" },
    ];
    return this.sample("gamma", specs, size, "float64", (d, k, s) => s * dist.standardGamma(d, k), (out, k, s) => this.native(DistFill.Gamma, out, k, s));
  }

  /**
   * Beta floats (legacy_beta: Johnk's algorithm when both shapes are at most 1, else gammas).
   * @throws ValueError "a <= 0", "b <= 0"
   * @example rs.beta(0.5, 0.5, 100)   // rs.beta(0.5, 0.5, 100)
   */
  beta(a: number, b: number): number;
  beta(a: Param, b: Param, size: Size | SizeKeyword): NDArray;
  beta(a: Param, b: Param): NDArray | number;
  beta(...args: unknown[]): NDArray | number {
    const [a, b, size] = bind("beta", ["a", "b", "size"], args);
    const specs: ParamSpec[] = [
      { value: a, name: "a", constraint: "positive" },
      { value: b, name: "b", constraint: "positive" },
    ];
    return this.sample("beta", specs, size, "float64", (d, x, y) => dist.beta(d, x, y, true), (out, x, y) => this.native(DistFill.Beta, out, x, y));
  }

  /**
   * Chi-square floats: `2 · standard_gamma(df / 2)`.
   * @throws ValueError "df <= 0"
   * @example rs.chisquare(3, 1000)   // rs.chisquare(3, 1000)
   */
  chisquare(df: number): number;
  chisquare(df: Param, size: Size | SizeKeyword): NDArray;
  chisquare(df: Param): NDArray | number;
  chisquare(...args: unknown[]): NDArray | number {
    const [df, size] = bind("chisquare", ["df", "size"], args);
    return this.sample("chisquare", [{ value: df, name: "df", constraint: "positive" }], size, "float64", (d, k) => 2.0 * dist.standardGamma(d, k / 2.0), (out, k) => this.native(DistFill.Gamma, out, k / 2.0, 2.0));
  }
}

/** A {@link RandomState}'s instances (the interface a cell's declarations name). */
export interface RandomState extends RandomStateObject {}
/** `np.random.RandomState(seed)`, called as Python calls it or with `new`. */
/** The type of `np.random.RandomState` itself. */
export type RandomStateConstructor = PythonClass<typeof RandomStateObject, RandomState>;
export const RandomState: RandomStateConstructor = pythonClass(RandomStateObject, "RandomState");

/** NumPy's `mtrand._rand`: the RandomState behind the module functions, seeded on first use. */
let global: RandomState | undefined;

function globalState(): RandomState {
  return (global ??= new RandomState());
}

/** The global RandomState's method `name`, called on it whenever it is called. */
type Delegated =
  | "getState" | "setState" | "randomSample" | "random" | "rand" | "randn" | "standardNormal" | "normal" | "uniform" | "randint" | "choice" | "shuffle" | "permutation"
  | "standardExponential" | "exponential" | "poisson" | "binomial" | "lognormal" | "standardGamma" | "gamma" | "beta" | "chisquare";

function delegate<K extends Delegated>(name: K): RandomState[K] {
  return ((...args: unknown[]) => (globalState()[name] as (...a: unknown[]) => unknown).apply(globalState(), args)) as RandomState[K];
}

/**
 * `np.random.seed(seed)`: reseeds the global RandomState that the module functions share
 * (an integer in [0, 2**32) or a list of them; fresh entropy without).
 * @example np.random.seed(42); np.random.rand(3)   // np.random.seed(42); np.random.rand(3)
 */
export function seed(seed?: LegacySeed | null): void {
  if (global === undefined) global = new RandomState(seed);
  else global.seed(seed);
}

/** `np.random.get_state()`. @example const s = np.random.getState() */
export const getState = delegate("getState");
/** `np.random.set_state(state)`. @example np.random.setState(s) */
export const setState = delegate("setState");
/** `np.random.random_sample(size)`: uniform floats in [0, 1). @example np.random.randomSample(5) */
export const randomSample = delegate("randomSample");
/** `np.random.random(size)`: uniform floats in [0, 1). @example np.random.random([2, 2])   // np.random.random((2, 2)) */
export const random = delegate("random");
/** `np.random.rand(d0, d1, …)`: uniform floats in [0, 1). @example np.random.rand(3, 3) */
export const rand = delegate("rand");
/** `np.random.randn(d0, d1, …)`: standard normal floats. @example np.random.randn(1000) */
export const randn = delegate("randn");
/** `np.random.standard_normal(size)`. @example np.random.standardNormal([2, 3])   // np.random.standard_normal((2, 3)) */
export const standardNormal = delegate("standardNormal");
/** `np.random.normal(loc, scale, size)`. @example np.random.normal(0, 1, [2, 2])   // np.random.normal(0, 1, (2, 2)) */
export const normal = delegate("normal");
/** `np.random.uniform(low, high, size)`. @example np.random.uniform(-1, 1, 10) */
export const uniform = delegate("uniform");
/** `np.random.randint(low, high, size, dtype)`. @example np.random.randint(0, 10, { size: 5 })   // np.random.randint(0, 10, size=5) */
export const randint = delegate("randint");
/** `np.random.choice(a, size, replace, p)`. @example np.random.choice(5, 3, { replace: false })   // np.random.choice(5, 3, replace=False) */
export const choice = delegate("choice");
/** `np.random.shuffle(x)`: in place, along the first axis. @example np.random.shuffle(x) */
export const shuffle = delegate("shuffle");
/** `np.random.permutation(x)`. @example np.random.permutation(10) */
export const permutation = delegate("permutation");
/** `np.random.standard_exponential(size)`: `-log(1 - u)`. @example np.random.standardExponential(5) */
export const standardExponential = delegate("standardExponential");
/** `np.random.exponential(scale, size)`. @example np.random.exponential(2, 1000) */
export const exponential = delegate("exponential");
/** `np.random.poisson(lam, size)`: int64 counts. @example np.random.poisson(4.5, [2, 3])   // np.random.poisson(4.5, (2, 3)) */
export const poisson = delegate("poisson");
/** `np.random.binomial(n, p, size)`: int64 counts. @example np.random.binomial(100, 0.3, 10) */
export const binomial = delegate("binomial");
/** `np.random.lognormal(mean, sigma, size)`. @example np.random.lognormal(0, 0.5, 100) */
export const lognormal = delegate("lognormal");
/** `np.random.standard_gamma(shape, size)`. @example np.random.standardGamma(0.5, 1000) */
export const standardGamma = delegate("standardGamma");
/** `np.random.gamma(shape, scale, size)`. @example np.random.gamma(2, 3, 1000) */
export const gamma = delegate("gamma");
/** `np.random.beta(a, b, size)`. @example np.random.beta(0.5, 0.5, 100) */
export const beta = delegate("beta");
/** `np.random.chisquare(df, size)`. @example np.random.chisquare(3, 1000) */
export const chisquare = delegate("chisquare");
