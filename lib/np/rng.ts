/**
 * `np.random`: NumPy's `default_rng` Generator over arrays. The streams (PCG64 seeded
 * through SeedSequence, NumPy's ziggurat for normals, Lemire's bounded integers) live in
 * ./random and are bit-identical to NumPy's; this module gives them shapes and dtypes.
 * NumPy's legacy API (`np.random.seed`, `rand`, `randn`, `randint`, `choice`, …, and
 * `RandomState`) is ./legacy-random.ts, re-exported at the end.
 */
import * as raw from "./random";
import { allocate, allocateShaped, checkDType } from "./dtype";
import { NotImplementedError, ValueError } from "./errors";
import { bindArguments } from "./keywords";
import type { SizeKeyword } from "./legacy-random";
import { checkLazyShape, NDArray, NestedList } from "./ndarray";
import { beta, binomial, BinomialCache, poisson, standardGamma } from "./random/distributions";
import { DistFill, pcgDistFill } from "./random/distribution-fill";
import { PcgDraws } from "./random/draws";
import { INTEGER_DTYPES, IntegerDType } from "./random/generator";
import { exp, expInPlace } from "./random/libm";
import { log1p } from "./random/log1p";
import { boundToBigInt, exactNumber, Param, ParamSpec, sample, shapeOf } from "./random/parameters";
import { GeneratorChoiceKeywords, generatorChoice, generatorPermutation, generatorShuffle, Nested } from "./random/sampling";

/** A shape, or a single length. */
export type Size = number | readonly number[];

/** A seed as NumPy accepts it: a non-negative integer (number or bigint) or a list of them. */
export type Seed = number | bigint | readonly (number | bigint)[];

/** A bound of `integers`: a number (truncated, as Python's int()), or a bigint past 2**53. */
export type Bound = number | bigint;

export type { IntegerDType } from "./random/generator";

/** The dtypes `random` and `standardNormal` draw. */
export type FloatDType = "float64" | "float32";

/** The keywords of `random` and `standardNormal`. */
export interface FloatKeywords {
  size?: Size | null;
  /** float64 (the default) or float32 (NumPy's float32 draws, from 32-bit halves). */
  dtype?: FloatDType;
}

/** The keywords of `integers`. */
export interface IntegersKeywords {
  high?: Bound | null;
  size?: Size | null;
  /** An integer dtype or "bool"; int64 by default. */
  dtype?: IntegerDType;
  /** Draw from the closed [low, high] rather than [low, high). */
  endpoint?: boolean;
}

function draw(size: Size | undefined, what: string, fill: (out: Float64Array) => void): NDArray | number {
  if (size === undefined) {
    const one = new Float64Array(1);
    fill(one);
    return one[0];
  }
  const shape = checkLazyShape(size, what);
  // Every fill draws into all of `out` (or throws, and the buffer is dropped unseen).
  const data = allocateShaped("float64", shape, true) as Float64Array;
  fill(data);
  return new NDArray(data, shape, "float64");
}

/** Python's binding of a Generator method's arguments (keywords as a trailing object): ./keywords.ts. */
function bind(what: string, names: readonly string[], args: readonly unknown[]): unknown[] {
  return bindArguments(what, names, [], args, "cython");
}

/** Python's int() of a bound, booleans included (parameters.ts, boundToBigInt). */
function pyInt(v: unknown, name: string): bigint {
  if (typeof v === "boolean") return v ? 1n : 0n;
  return boundToBigInt(v, "integers", name);
}

/**
 * `random` and `standard_normal`'s arguments: (size, dtype), float64 or float32 as NumPy's
 * double_fill and float_fill, a number without a size.
 */
function floats(what: string, args: readonly unknown[], f64: (out: Float64Array) => void, f32: (out: Float32Array) => void): NDArray | number {
  const [size, dtypeArg = "float64", out] = bind(what, ["size", "dtype", "out"], args);
  const dtype = checkDType(dtypeArg);
  if (dtype !== "float64" && dtype !== "float32") throw new TypeError(`Unsupported dtype dtype('${dtype}') for ${what}`);
  if (out !== undefined && out !== null) throw new NotImplementedError(`${what}(out=...) is not supported: rng.bitGenerator's fill methods (fillRandom, fillRandomF32, …) fill a typed array in place`);
  const shape = shapeOf(size, what);
  const n = shape === null ? 1 : shape.reduce((a, b) => a * b, 1);
  // Every fill draws into all of `data` (or throws, and the buffer is dropped unseen).
  const data = allocate(dtype, n, true, true, shape ?? undefined);
  if (dtype === "float32") f32(data as Float32Array);
  else f64(data as Float64Array);
  return shape === null ? data[0] : new NDArray(data, shape, dtype);
}

/** NumPy's `Generator` (`np.random.default_rng(seed)`), drawing arrays of the given shape. */
export class Generator {
  /** One draw at a time for the distributions, made on first use. */
  private oneByOne?: PcgDraws;
  /** The binomial's setup for the last (n, p) (NumPy's `self._binomial`). */
  private readonly binomialCache = new BinomialCache();

  /** @internal */
  constructor(readonly bitGenerator: raw.Generator) {}

  private get draws(): PcgDraws {
    return (this.oneByOne ??= new PcgDraws(this.bitGenerator.bitGenerator));
  }

  /**
   * NumPy's `cont`/`disc` over this generator: checks, broadcasting, then `one` per sample,
   * `perSample` being about how many 64-bit draws one takes (the first block's size), unless
   * `fillScalar` fills the whole array of scalar parameters (the addon's fill).
   */
  private sample(what: string, specs: ParamSpec[], size: unknown, dtype: "float64" | "int64", perSample: number, one: (d: PcgDraws, a: number, b: number) => number, fillScalar?: (out: Float64Array, a: number, b: number) => boolean): NDArray | number {
    const d = this.draws;
    let begun = false;
    try {
      return sample(what, specs, size, dtype, (n) => {
        d.begin(n * perSample);
        begun = true;
        return (a, b) => one(d, a, b);
      }, fillScalar);
    } finally {
      if (begun) d.finish();
    }
  }

  /** The addon's fill of `dist` with parameters (a, b), for `sample`'s fillScalar. */
  private native(dist: DistFill, out: Float64Array, a: number, b: number): boolean {
    return pcgDistFill(this.bitGenerator.bitGenerator, dist, out, a, b);
  }

  /**
   * Standard normal draws (mean 0, sd 1) by NumPy's ziggurat: a number without `size`, else
   * an array, float64 or (`dtype: "float32"`) float32, drawn by NumPy's float ziggurat on
   * 32-bit halves.
   * @throws TypeError "Unsupported dtype dtype('int32') for standard_normal" for other dtypes
   * @example rng.standardNormal([2, 3])                      // rng.standard_normal((2, 3))
   * @example rng.standardNormal(1000, { dtype: "float32" })   // rng.standard_normal(1000, dtype=np.float32)
   */
  standardNormal(size?: null, keywords?: { dtype?: FloatDType }): number;
  standardNormal(keywords: FloatKeywords & { size?: null }): number;
  standardNormal(size: Size | (FloatKeywords & SizeKeyword), keywords?: { dtype?: FloatDType }): NDArray;
  standardNormal(...args: unknown[]): NDArray | number {
    const bg = this.bitGenerator;
    return floats("standard_normal", args, (o) => bg.fillStandardNormal(o), (o) => bg.fillStandardNormalF32(o));
  }

  /**
   * Uniform draws in [0, 1): a number without `size`, else an array, float64 (53 random
   * bits) or (`dtype: "float32"`) float32 (24 bits, two draws per 64-bit output).
   * @throws TypeError "Unsupported dtype dtype('int32') for random" for other dtypes
   * @example rng.random([3, 3])                     // rng.random((3, 3))
   * @example rng.random(1000, { dtype: "float32" })  // rng.random(1000, dtype=np.float32)
   */
  random(size?: null, keywords?: { dtype?: FloatDType }): number;
  random(keywords: FloatKeywords & { size?: null }): number;
  random(size: Size | (FloatKeywords & SizeKeyword), keywords?: { dtype?: FloatDType }): NDArray;
  random(...args: unknown[]): NDArray | number {
    const bg = this.bitGenerator;
    return floats("random", args, (o) => bg.fillRandom(o), (o) => bg.fillRandomF32(o));
  }

  /** Normal draws with mean `loc` and standard deviation `scale`. */
  normal(loc?: number, scale?: number): number;
  normal(loc: number, scale: number, size: Size): NDArray;
  normal(loc = 0, scale = 1, size?: Size): NDArray | number {
    if (!(scale >= 0)) throw new RangeError(`normal: scale must be non-negative, got ${scale}`);
    return draw(size, "normal", (o) => this.bitGenerator.fillNormal(o, loc, scale));
  }

  /** Uniform draws in [low, high). */
  uniform(low?: number, high?: number): number;
  uniform(low: number, high: number, size: Size): NDArray;
  uniform(low = 0, high = 1, size?: Size): NDArray | number {
    if (!Number.isFinite(high - low)) throw new RangeError(`uniform: high - low must be finite, got ${low}, ${high}`);
    return draw(size, "uniform", (o) => this.bitGenerator.fillUniform(o, low, high));
  }

  /**
   * Random integers in [low, high) (or [0, low) when `high` is omitted; [low, high] with
   * `endpoint: true`) of `dtype`: int64 by default, any integer dtype or "bool", by NumPy's
   * Lemire method (on 32-bit draws, the buffered half of a 64-bit one included, for ranges
   * below 2**32 and the dtypes of 32 bits or fewer; uint8, uint16 and bool cut each 32-bit
   * draw into 4, 2 and 32). Bounds are truncated as Python's int(); bigints for bounds past
   * 2**53 (64-bit values past it are rounded to the nearest double). A number without
   * `size` (a boolean for "bool").
   * @throws ValueError "low is out of bounds for uint8", "high is out of bounds for int8", "low >= high", "high <= 0", …
   * @throws TypeError "Unsupported dtype dtype('float64') for integers"
   * @example rng.integers(0, 10, 5)                             // rng.integers(0, 10, 5)
   * @example rng.integers(0, 256, { size: n, dtype: "uint8" })   // rng.integers(0, 256, size=n, dtype=np.uint8)
   * @example rng.integers(1, 6, 10, { endpoint: true })          // rng.integers(1, 6, 10, endpoint=True)
   */
  integers(low: Bound, high?: Bound | null, size?: null, keywords?: { dtype?: Exclude<IntegerDType, "bool">; endpoint?: boolean }): number;
  integers(low: Bound, high: Bound | null | undefined, size: null | undefined, keywords: { dtype: "bool"; endpoint?: boolean }): boolean;
  integers(low: Bound, high: Bound | null | undefined, size: Size, keywords?: { dtype?: IntegerDType; endpoint?: boolean }): NDArray;
  integers(low: Bound, keywords: IntegersKeywords & SizeKeyword): NDArray;
  integers(low: Bound, high: Bound | null, keywords: Omit<IntegersKeywords, "high"> & SizeKeyword): NDArray;
  integers(low: Bound, keywords: Omit<IntegersKeywords, "dtype"> & { size?: null; dtype?: Exclude<IntegerDType, "bool"> }): number;
  integers(low: Bound, high: Bound | null, keywords: { size?: null; dtype?: Exclude<IntegerDType, "bool">; endpoint?: boolean }): number;
  integers(...args: unknown[]): NDArray | number | boolean;
  integers(...args: unknown[]): NDArray | number | boolean {
    const [first, second, size, dtypeArg = "int64", endpoint = false] = bind("integers", ["low", "high", "size", "dtype", "endpoint"], args);
    const [low, high] = second === undefined || second === null ? [0, first] : [first, second];
    const dtype = checkDType(dtypeArg);
    if (!(dtype in INTEGER_DTYPES)) throw new TypeError(`Unsupported dtype dtype('${dtype}') for integers`);
    const { min, max } = INTEGER_DTYPES[dtype as IntegerDType];
    const shape = shapeOf(size, "integers");
    const n = shape === null ? 1 : shape.reduce((a, b) => a * b, 1);
    if (n === 0) return new NDArray(allocate(dtype, 0), shape!, dtype); // before the bounds, as NumPy
    // NumPy's _rand_{dtype}: the checks on the closed [lo, hi], in this order
    const closed = Boolean(endpoint);
    const lo = pyInt(low, "low");
    const hi = pyInt(high, "high") - (closed ? 0n : 1n);
    if (lo < min) throw new ValueError(`low is out of bounds for ${dtype}`);
    if (hi > max) throw new ValueError(`high is out of bounds for ${dtype}`);
    if (lo > hi) throw new ValueError(lo === 0n ? (closed ? "high < 0" : "high <= 0") : closed ? "low > high" : "low >= high");
    const out = allocate(dtype, n, true, true, shape ?? undefined);
    this.bitGenerator.fillBounded(dtype as IntegerDType, out, exactNumber(lo), exactNumber(hi - lo));
    if (shape !== null) return new NDArray(out, shape, dtype);
    return dtype === "bool" ? out[0] !== 0 : out[0];
  }

  /**
   * A random sample of `a` (an integer n for `arange(n)`, a list, or an array along `axis`),
   * with replacement by default, optionally with probabilities `p`; without replacement by
   * Floyd's algorithm (shuffled unless `shuffle: false`) or a partial shuffle, as NumPy's
   * Generator (whose draws differ from RandomState's `choice`).
   * @throws ValueError with NumPy's messages for an empty `a`, a bad `p`, or more samples than `a` holds without replacement
   * @example rng.choice(10, 3, { replace: false })            // rng.choice(10, 3, replace=False)
   * @example rng.choice(["a", "b"], { size: 4, p: [0.9, 0.1] })   // rng.choice(['a', 'b'], size=4, p=[0.9, 0.1])
   */
  choice(a: number | NDArray | readonly number[], size?: null, replace?: boolean, p?: GeneratorChoiceKeywords["p"]): number;
  choice(a: number | readonly number[], size: Size, replace?: boolean, p?: GeneratorChoiceKeywords["p"]): NDArray;
  choice(a: number | NDArray | readonly number[], keywords: GeneratorChoiceKeywords & SizeKeyword): NDArray;
  choice(a: number | NDArray | readonly number[], size: Size, keywords: Omit<GeneratorChoiceKeywords, "size">): NDArray;
  choice(a: number | readonly number[], keywords: GeneratorChoiceKeywords & { size?: null }): number;
  choice<T extends string | boolean | object>(a: readonly T[], size?: null | (GeneratorChoiceKeywords & { size?: null })): T;
  choice<T extends string | boolean | object>(a: readonly T[], size: Size | (GeneratorChoiceKeywords & SizeKeyword), keywords?: Omit<GeneratorChoiceKeywords, "size">): Nested<T>;
  choice(a: NDArray, size?: Size | null | GeneratorChoiceKeywords, replace?: boolean | Omit<GeneratorChoiceKeywords, "size">, p?: GeneratorChoiceKeywords["p"]): NDArray | number;
  choice(...args: unknown[]): unknown {
    const [a, size, replace = true, p = null, axis = 0, shuffle = true] = bind("choice", ["a", "size", "replace", "p", "axis", "shuffle"], args);
    const shape = shapeOf(size, "choice");
    return generatorChoice(this.bitGenerator, this.draws, a, shape, replace as boolean, p, axis as number, shuffle as boolean);
  }

  /**
   * A shuffled `arange(x)` for an integer, else a shuffled copy of `x` along `axis`.
   * @throws AxisError for a 0-d `x` or an axis out of range
   * @example rng.permutation(10)                              // rng.permutation(10)
   * @example rng.permutation(np.arange(12).reshape(3, 4), { axis: 1 })   // rng.permutation(np.arange(12).reshape(3, 4), axis=1)
   */
  permutation(x: number | NDArray | readonly NestedList[], axis?: number | { axis?: number }): NDArray;
  permutation<T extends string | boolean | object>(x: readonly T[]): T[];
  permutation(...args: unknown[]): unknown {
    const [x, axis = 0] = bind("permutation", ["x", "axis"], args);
    return generatorPermutation(this.draws, x, axis as number);
  }

  /**
   * Shuffles an array in place along `axis` (its sub-arrays moved together), or a list.
   * @throws ValueError "array is read-only"; AxisError for an axis out of range
   * @example const x = np.arange(10); rng.shuffle(x)   // x = np.arange(10); rng.shuffle(x)
   */
  shuffle(x: NDArray | unknown[], axis?: number | { axis?: number }): void;
  shuffle(...args: unknown[]): void {
    const [x, axis = 0] = bind("shuffle", ["x", "axis"], args);
    generatorShuffle(this.draws, x as NDArray | unknown[], axis as number);
  }

  /**
   * Standard exponential draws (mean 1), by NumPy's 256-layer exponential ziggurat, or with
   * `method: "inv"` by inversion, `-log1p(-u)`.
   * @example rng.standardExponential(5)   // rng.standard_exponential(5)
   */
  standardExponential(size?: null | { size?: null; method?: "zig" | "inv" }): number;
  standardExponential(size: Size | (SizeKeyword & { method?: "zig" | "inv" }), keywords?: { method?: "zig" | "inv" }): NDArray;
  standardExponential(...args: unknown[]): NDArray | number {
    const [size, dtype = "float64", method = "zig"] = bind("standard_exponential", ["size", "dtype", "method"], args);
    if (dtype !== "float64") throw new TypeError(`Unsupported dtype dtype('${String(dtype)}') for standard_exponential (lazylab draws float64 only)`);
    const inv = method !== "zig";
    const dist = inv ? DistFill.ExponentialInv : DistFill.Exponential;
    return this.sample("standard_exponential", [], size, "float64", 1.02, inv ? (d) => -log1p(-d.nextDouble()) : (d) => d.standardExponential(), (out) => this.native(dist, out, 1, 0));
  }

  /**
   * Exponential draws with mean `scale` (`scale · standard_exponential`). Parameters may be
   * arrays, broadcast against each other and `size`, as NumPy's.
   * @throws ValueError "scale < 0"
   * @example rng.exponential(2, 1000)   // rng.exponential(2, 1000)
   */
  exponential(scale?: number): number;
  exponential(scale: Param | undefined, size: Size | SizeKeyword): NDArray;
  exponential(scale: NDArray | NestedList[]): NDArray;
  exponential(keywords: { scale?: Param } & SizeKeyword): NDArray;
  exponential(...args: unknown[]): NDArray | number {
    const [scale = 1, size] = bind("exponential", ["scale", "size"], args);
    return this.sample("exponential", [{ value: scale, name: "scale", constraint: "nonNegative" }], size, "float64", 1.02, (d, s) => s * d.standardExponential(), (out, s) => this.native(DistFill.Exponential, out, s, 0));
  }

  /**
   * Poisson counts with mean `lam`, int64 (NumPy's multiplication method below 10, Hörmann's
   * PTRS from 10 up).
   * @throws ValueError "lam < 0 or lam is NaN", "lam value too large"
   * @example rng.poisson(4.5, [2, 3])   // rng.poisson(4.5, (2, 3))
   */
  poisson(lam?: number): number;
  poisson(lam: Param | undefined, size: Size | SizeKeyword): NDArray;
  poisson(lam: NDArray | NestedList[]): NDArray;
  poisson(keywords: { lam?: Param } & SizeKeyword): NDArray;
  poisson(...args: unknown[]): NDArray | number {
    const [lam = 1, size] = bind("poisson", ["lam", "size"], args);
    return this.sample("poisson", [{ value: lam, name: "lam", constraint: "poisson" }], size, "int64", 4, (d, l) => poisson(d, l), (out, l) => this.native(DistFill.Poisson, out, l, 0));
  }

  /**
   * Binomial counts of `n` trials with success probability `p`, int64 (inversion for
   * n·min(p, 1-p) ≤ 30, BTPE above).
   * @throws ValueError "p < 0, p > 1 or p is NaN", "n < 0"
   * @example rng.binomial(100, 0.3, 10)   // rng.binomial(100, 0.3, 10)
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
    return this.sample("binomial", specs, size, "int64", 3, (d, pp, nn) => binomial(d, pp, nn, this.binomialCache, false), (out, pp, nn) => this.native(DistFill.Binomial, out, pp, nn));
  }

  /**
   * Log-normal draws: `exp(normal(mean, sigma))`, exp being the C library's as NumPy's.
   * @throws ValueError "sigma < 0"
   * @example rng.lognormal(0, 0.5, 100)   // rng.lognormal(0, 0.5, 100)
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
    return this.sample("lognormal", specs, size, "float64", 1.02, (d, m, s) => exp(m + s * d.standardNormal()), (out, m, s) => {
      this.bitGenerator.fillNormal(out, m, s);
      expInPlace(out);
      return true;
    });
  }

  /**
   * Standard gamma draws of shape `shape` (Marsaglia & Tsang above 1, NumPy's rejection on
   * an exponential below 1, the exponential itself at 1).
   * @throws ValueError "shape < 0"
   * @example rng.standardGamma(0.5, 1000)   // rng.standard_gamma(0.5, 1000)
   */
  standardGamma(shape: number): number;
  standardGamma(shape: Param, size: Size | SizeKeyword): NDArray;
  standardGamma(shape: Param): NDArray | number;
  standardGamma(...args: unknown[]): NDArray | number {
    const [shape, size, dtype = "float64"] = bind("standard_gamma", ["shape", "size", "dtype"], args);
    if (dtype !== "float64") throw new TypeError(`Unsupported dtype dtype('${String(dtype)}') for standard_gamma (lazylab draws float64 only)`);
    return this.sample("standard_gamma", [{ value: shape, name: "shape", constraint: "nonNegative" }], size, "float64", 2, (d, k) => standardGamma(d, k), (out, k) => this.native(DistFill.Gamma, out, k, 1));
  }

  /**
   * Gamma draws: `scale · standard_gamma(shape)`.
   * @throws ValueError "shape < 0", "scale < 0"
   * @example rng.gamma(2, 3, 1000)   // rng.gamma(2, 3, 1000)
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
    return this.sample("gamma", specs, size, "float64", 2, (d, k, s) => s * standardGamma(d, k), (out, k, s) => this.native(DistFill.Gamma, out, k, s));
  }

  /**
   * Beta draws (Johnk's algorithm when both shapes are at most 1, else a ratio of gammas).
   * @throws ValueError "a <= 0", "b <= 0"
   * @example rng.beta(0.5, 0.5, 100)   // rng.beta(0.5, 0.5, 100)
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
    return this.sample("beta", specs, size, "float64", 4, (d, x, y) => beta(d, x, y, false), (out, x, y) => this.native(DistFill.Beta, out, x, y));
  }

  /**
   * Chi-square draws with `df` degrees of freedom: `2 · standard_gamma(df / 2)`.
   * @throws ValueError "df <= 0"
   * @example rng.chisquare(3, 1000)   // rng.chisquare(3, 1000)
   */
  chisquare(df: number): number;
  chisquare(df: Param, size: Size | SizeKeyword): NDArray;
  chisquare(df: Param): NDArray | number;
  chisquare(...args: unknown[]): NDArray | number {
    const [df, size] = bind("chisquare", ["df", "size"], args);
    return this.sample("chisquare", [{ value: df, name: "df", constraint: "positive" }], size, "float64", 2, (d, k) => 2.0 * standardGamma(d, k / 2.0), (out, k) => this.native(DistFill.Gamma, out, k / 2.0, 2.0));
  }
}

/** `np.random.default_rng(seed)`: a Generator; fresh OS entropy without a seed. */
export function defaultRng(seed?: Seed): Generator {
  return new Generator(raw.defaultRng(seed as never));
}

// The legacy API: MT19937 `RandomState` and the module functions over its global instance.
export { RandomState, seed, getState, setState, randomSample, random, rand, randn, standardNormal, normal, uniform, randint, choice, shuffle, permutation } from "./legacy-random";
export { standardExponential, exponential, poisson, binomial, lognormal, standardGamma, gamma, beta, chisquare } from "./legacy-random";
export type { LegacySeed, MT19937State, SizeKeyword, RandintKeywords, ChoiceKeywords, Nested } from "./legacy-random";
