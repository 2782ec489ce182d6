/**
 * `np.random`: NumPy's `default_rng` Generator over arrays. The streams (PCG64 seeded
 * through SeedSequence, NumPy's ziggurat for normals, Lemire's bounded integers) live in
 * ./random and are bit-identical to NumPy's; this module gives them shapes and dtypes.
 * NumPy's legacy API (`np.random.seed`, `rand`, `randn`, `randint`, `choice`, …, and
 * `RandomState`) is ./legacy-random.ts, re-exported at the end.
 */
import * as raw from "./random";
import { allocate } from "./dtype";
import { checkShape, NDArray } from "./ndarray";

/** A shape, or a single length. */
export type Size = number | readonly number[];

/** A seed as NumPy accepts it: a non-negative integer (number or bigint) or a list of them. */
export type Seed = number | bigint | readonly (number | bigint)[];

function draw(size: Size | undefined, what: string, fill: (out: Float64Array) => void): NDArray | number {
  if (size === undefined) {
    const one = new Float64Array(1);
    fill(one);
    return one[0];
  }
  const shape = checkShape(size, what);
  // Every fill draws into all of `out` (or throws, and the buffer is dropped unseen).
  const data = allocate("float64", shape.reduce((a, b) => a * b, 1), true) as Float64Array;
  fill(data);
  return new NDArray(data, shape, "float64");
}

/** NumPy's `Generator` (`np.random.default_rng(seed)`), drawing arrays of the given shape. */
export class Generator {
  /** @internal */
  constructor(readonly bitGenerator: raw.Generator) {}

  /** Standard normal draws (mean 0, sd 1): a number without `size`, else a float64 array. */
  standardNormal(): number;
  standardNormal(size: Size): NDArray;
  standardNormal(size?: Size): NDArray | number {
    return draw(size, "standardNormal", (o) => this.bitGenerator.fillStandardNormal(o));
  }

  /** Uniform draws in [0, 1). */
  random(): number;
  random(size: Size): NDArray;
  random(size?: Size): NDArray | number {
    return draw(size, "random", (o) => this.bitGenerator.fillRandom(o));
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
   * `endpoint: true`), int64 like NumPy's default.
   */
  integers(low: number, high?: number | null): number;
  integers(low: number, high: number | null | undefined, size: Size, options?: { endpoint?: boolean }): NDArray;
  integers(low: number, high?: number | null, size?: Size, options: { endpoint?: boolean } = {}): NDArray | number {
    let lo = low;
    let hi = high ?? undefined;
    if (hi === undefined) [lo, hi] = [0, low];
    if (!Number.isInteger(lo) || !Number.isInteger(hi)) throw new TypeError(`integers: low and high must be integers, got ${lo}, ${hi}`);
    const endpoint = options.endpoint ?? false;
    if (endpoint ? lo > hi : lo >= hi) throw new RangeError(`integers: low >= high (low=${lo}, high=${hi})`);
    const r = draw(size, "integers", (o) => this.bitGenerator.fillIntegers(o, lo, hi!, endpoint));
    if (typeof r === "number") return r;
    return new NDArray(r.data, r.shape, "int64");
  }
}

/** `np.random.default_rng(seed)`: a Generator; fresh OS entropy without a seed. */
export function defaultRng(seed?: Seed): Generator {
  return new Generator(raw.defaultRng(seed as never));
}

// The legacy API: MT19937 `RandomState` and the module functions over its global instance.
export { RandomState, seed, getState, setState, randomSample, random, rand, randn, standardNormal, normal, uniform, randint, choice, shuffle, permutation } from "./legacy-random";
export type { LegacySeed, MT19937State, SizeKeyword, RandintKeywords, ChoiceKeywords, Nested } from "./legacy-random";
