/**
 * Dask's legacy random arrays (`da.random.RandomState`, and `da.random.seed`,
 * `da.random.random`, `da.random.normal`, … over one module-level instance), the same numbers
 * as Dask 2022.12's bit for bit. Dask keeps a NumPy `RandomState` and, each time an array is
 * made, draws one 624-word key per block from it (`random_state_data`: NumPy's `bytes`, raw
 * 32-bit draws, the blocks in C order); a block is `np.random.RandomState(key).<method>(...,
 * size=block_shape)`. So the state advances when an array is created, not when it is computed,
 * and blocks computed in any order, or only some of them, give the same values. The keys are
 * all a lazy array holds (2.4 kB a block); its values are drawn when a block is computed.
 *
 * As in Dask, these arrays' blocks are made in the notebook: a Dask cluster (`da.connect`)
 * refuses them with ClusterUnsupported (lib/da/cluster/translate.ts), naming the array.
 */
import { array } from "../np/creation";
import { checkDType, DType, Storage } from "../np/dtype";
import { NotImplementedError, ValueError } from "../np/errors";
import { bindArguments } from "../np/keywords";
import { assign } from "../np/ufunc";
import { checkLazyShape, NDArray } from "../np/ndarray";
import { drawingInto, RandomState as NumpyRandomState, LegacySeed } from "../np/legacy-random";
import type { Size } from "../np/rng";
import { ChunksSpec, normalizeChunks } from "./chunks";
import { LazyArray, newName } from "./array";
import { take } from "./pool";
import { pythonClass, PythonClass } from "../python-class";

/** Words of MT19937 state, so of each block's `init_by_array` key. */
const KEY_WORDS = 624;

/** The keyword every array-making method takes besides NumPy's: `{ chunks: [100, 100] }` ("auto" without). */
export interface ChunksKeyword {
  chunks?: ChunksSpec;
}
/** `random_sample`'s and `standard_normal`'s keywords. */
export interface SizeKeywords extends ChunksKeyword {
  size?: Size | null;
}
/** `normal`'s keywords. */
export interface NormalKeywords extends SizeKeywords {
  loc?: number;
  scale?: number;
}
/** `uniform`'s keywords. */
export interface UniformKeywords extends SizeKeywords {
  low?: number;
  high?: number;
}
/** `randint`'s keywords: `dtype` is an integer dtype or "bool", int64 (Dask's "l") by default. */
export interface RandintKeywords extends SizeKeywords {
  low?: number | bigint;
  high?: number | bigint | null;
  dtype?: DType;
}
/** `choice`'s keywords. */
export interface ChoiceKeywords extends SizeKeywords {
  replace?: boolean;
  p?: NDArray | readonly number[] | null;
}

/** `exponential`'s and `gamma`'s keywords. */
export interface ScaleKeywords extends SizeKeywords {
  scale?: number;
}
/** `poisson`'s keywords. */
export interface PoissonKeywords extends SizeKeywords {
  lam?: number;
}
/** `lognormal`'s keywords. */
export interface LognormalKeywords extends SizeKeywords {
  mean?: number;
  sigma?: number;
}

/**
 * A distribution's parameters, each a number: Dask broadcasts array-valued ones against the
 * whole array and chunks them, which lazylab does not.
 */
function scalars<K extends string>(method: string, params: Record<K, unknown>): Record<K, number> {
  for (const [name, v] of Object.entries(params)) {
    if (typeof v !== "number") throw new TypeError(`da.random.${method}: ${name} must be a number (array-valued parameters are not supported for lazy arrays)`);
  }
  return params as Record<K, number>;
}

/** Python's binding of a Dask method's arguments (np/keywords.ts): `keywordOnly` ones (`chunks`, randint's `dtype`) only by keyword. */
function bind(what: string, names: readonly string[], keywordOnly: readonly string[], args: readonly unknown[]): unknown[] {
  return bindArguments(what, names, keywordOnly, args, "python");
}

/** Dask's shape from `size`: () for none, (size,) for a number. */
function shapeOf(size: unknown, what: string): number[] {
  if (size === undefined || size === null) return [];
  return checkLazyShape(size as Size, what);
}

/** One block's draws: NumPy's method on a RandomState seeded with the block's key. */
type Draw = (state: NumpyRandomState, shape: number[]) => NDArray;

/**
 * Dask's `RandomState` (dask.array.random): NumPy's legacy `RandomState` whose methods also
 * take `chunks` and return lazy arrays, the same numbers as Dask's for the same seed and calls.
 *
 * @example
 * const state = da.random.RandomState(1234);        // state = da.random.RandomState(1234) (or with `new`)
 * const x = state.normal(10, 0.1, 3, { chunks: [2] }); // x = state.normal(10, 0.1, size=3, chunks=(2,))
 * await x.compute();                                  // array([10.01867852, 10.04812289,  9.89649746])
 */
class RandomStateObject {
  /** The generator the blocks' keys are drawn from (Dask's `_numpy_state`). */
  private readonly state: NumpyRandomState;

  /** `da.random.RandomState(seed)`: an integer in [0, 2**32) or a list of them; fresh OS entropy without. */
  constructor(seed?: LegacySeed | null) {
    this.state = new NumpyRandomState(seed);
  }

  /**
   * Reseeds in place, as NumPy's `seed`.
   * @example state.seed(42)   // state.seed(42)
   */
  seed(seed?: LegacySeed | null): void {
    this.state.seed(seed);
  }

  /**
   * Lazy uniform floats in [0, 1) (a 0-d array without `size`, as Dask's).
   * @example state.randomSample([1000, 1000], { chunks: [100, 100] })   // state.random_sample((1000, 1000), chunks=(100, 100))
   */
  randomSample(size?: Size | null | SizeKeywords, keywords?: SizeKeywords): LazyArray;
  randomSample(...args: unknown[]): LazyArray {
    const [size, chunks] = bind("random_sample", ["size"], ["chunks"], args);
    return this.wrap("random_sample", (s, shape) => s.randomSample(shape), size, chunks);
  }

  /**
   * `random`: the same as `randomSample` (its arrays are named `random_sample`, as Dask's).
   * @example state.random(1000, { chunks: 100 })   // state.random(1000, chunks=100)
   */
  random(size?: Size | null | SizeKeywords, keywords?: SizeKeywords): LazyArray;
  random(...args: unknown[]): LazyArray {
    return this.randomSample(...(args as Parameters<RandomState["randomSample"]>));
  }

  /**
   * Lazy standard normal floats (NumPy's legacy polar method, in each block from its key).
   * @example state.standardNormal([2000, 3000])   // state.standard_normal((2000, 3000))
   */
  standardNormal(size?: Size | null | SizeKeywords, keywords?: SizeKeywords): LazyArray;
  standardNormal(...args: unknown[]): LazyArray {
    const [size, chunks] = bind("standard_normal", ["size"], ["chunks"], args);
    return this.wrap("standard_normal", (s, shape) => s.standardNormal(shape), size, chunks);
  }

  /**
   * Lazy normal floats `loc + scale · z`.
   * @throws ValueError "scale < 0" when the array is made (Dask's meta draw), the keys drawn already
   * @example state.normal(10, 0.1, 3, { chunks: [2] })   // state.normal(10, 0.1, size=3, chunks=(2,))
   */
  normal(loc?: number | NormalKeywords, scale?: number | NormalKeywords, size?: Size | null | NormalKeywords, keywords?: NormalKeywords): LazyArray;
  normal(...args: unknown[]): LazyArray {
    const [loc = 0, scale = 1, size, chunks] = bind("normal", ["loc", "scale", "size"], ["chunks"], args) as [number?, number?, unknown?, unknown?];
    return this.wrap("normal", (s, shape) => s.normal(loc, scale, shape), size, chunks);
  }

  /**
   * Lazy uniform floats `low + (high - low) · u`.
   * @example state.uniform(-1, 1, [500, 500], { chunks: 100 })   // state.uniform(-1, 1, (500, 500), chunks=100)
   */
  uniform(low?: number | UniformKeywords, high?: number | UniformKeywords, size?: Size | null | UniformKeywords, keywords?: UniformKeywords): LazyArray;
  uniform(...args: unknown[]): LazyArray {
    const [low = 0, high = 1, size, chunks] = bind("uniform", ["low", "high", "size"], ["chunks"], args) as [number?, number?, unknown?, unknown?];
    return this.wrap("uniform", (s, shape) => s.uniform(low, high, shape), size, chunks);
  }

  /**
   * Lazy integers in [low, high), or [0, low) without `high`; int64 by default. Chunks are
   * sized for the dtype, as Dask's.
   * @throws ValueError for bounds out of range, when the array is made unless it is empty (as NumPy checks them)
   * @example state.randint(0, 10, [1000, 1000], { chunks: 250, dtype: "uint8" })   // state.randint(0, 10, (1000, 1000), chunks=250, dtype=np.uint8)
   */
  randint(low: number | bigint | RandintKeywords, high?: number | bigint | null | RandintKeywords, size?: Size | null | RandintKeywords, keywords?: RandintKeywords): LazyArray;
  randint(...args: unknown[]): LazyArray {
    const [low, high, size, chunks, dtype] = bind("randint", ["low", "high", "size"], ["chunks", "dtype"], args) as [number | bigint, (number | bigint | null)?, unknown?, unknown?, DType?];
    return this.wrap("randint", (s, shape) => s.randint(low, high, shape, { dtype }), size, chunks, checkDType(dtype ?? "int64"));
  }

  /**
   * A lazy random sample of `a` (an integer n for `arange(n)`, or a 1-d list or array of
   * numbers), with replacement by default, optionally with probabilities `p`. Without
   * replacement the sample must be one chunk along its first axis, as in Dask.
   * @throws ValueError "a must be greater than 0", "a must be one dimensional", "probabilities
   *   do not sum to 1", "p must be one dimensional", "a and p must have the same size";
   *   NotImplementedError for replace=false over several chunks
   * @example state.choice(100, 1000, { chunks: 250 })   // state.choice(100, 1000, chunks=250)
   */
  choice(a: number | NDArray | readonly number[], size?: Size | null | ChoiceKeywords, replace?: boolean | ChoiceKeywords, p?: NDArray | readonly number[] | null | ChoiceKeywords, keywords?: ChoiceKeywords): LazyArray;
  choice(...args: unknown[]): LazyArray {
    const [a0, size, replace = true, p0 = null, chunksSpec] = bind("choice", ["a", "size", "replace", "p"], ["chunks"], args);
    let a: number | NDArray;
    let population: number;
    if (typeof a0 === "number" && Number.isInteger(a0)) {
      if (a0 < 0) throw new ValueError("a must be greater than 0");
      a = population = a0;
    } else {
      a = a0 instanceof NDArray ? a0 : array(a0 as number[]);
      if (a.ndim !== 1) throw new ValueError("a must be one dimensional");
      population = a.shape[0];
    }
    let p: NDArray | null = null;
    if (p0 !== null) {
      p = p0 instanceof NDArray ? p0 : array(p0 as number[]);
      // np.isclose(p.sum(), 1, rtol=1e-7, atol=0), before NumPy's own check when a block is drawn
      if (!(Math.abs((p.sum() as number) - 1) <= 1e-7)) throw new ValueError("probabilities do not sum to 1");
      if (p.ndim !== 1) throw new ValueError("p must be one dimensional");
      if (p.shape[0] !== population) throw new ValueError("a and p must have the same size");
    }
    const dims = shapeOf(size, "choice");
    const chunks = normalizeChunks((chunksSpec as ChunksSpec | undefined) ?? "auto", dims, "float64");
    if (!replace && chunks.length > 0 && chunks[0].length > 1) throw new NotImplementedError("replace=False is not currently supported for dask.array.choice with multi-chunk output arrays");
    const keys = this.blockKeys(chunks);
    const dtype = typeof a === "number" ? "int64" : a.dtype;
    return lazyDraws("da.random.choice", dims, dtype, chunks, keys, (s, shape) => s.choice(a, shape, replace as boolean, p));
  }

  /**
   * Lazy standard exponential floats (NumPy's legacy `-log(1 - U)`, in each block from its key).
   * @example state.standardExponential([1000, 1000], { chunks: 250 })   // state.standard_exponential((1000, 1000), chunks=250)
   */
  standardExponential(size?: Size | null | SizeKeywords, keywords?: SizeKeywords): LazyArray;
  standardExponential(...args: unknown[]): LazyArray {
    const [size, chunks] = bind("standard_exponential", ["size"], ["chunks"], args);
    return this.wrap("standard_exponential", (s, shape) => s.standardExponential(shape), size, chunks);
  }

  /**
   * Lazy exponential floats of mean `scale`.
   * @throws ValueError "scale < 0" when the array is made (Dask's meta draw)
   * @example state.exponential(2, 1000, { chunks: 100 })   // state.exponential(2, size=1000, chunks=100)
   */
  exponential(scale?: number | ScaleKeywords, size?: Size | null | ScaleKeywords, keywords?: ScaleKeywords): LazyArray;
  exponential(...args: unknown[]): LazyArray {
    const [scale = 1, size, chunks] = bind("exponential", ["scale", "size"], ["chunks"], args);
    const k = scalars("exponential", { scale });
    return this.wrap("exponential", (s, shape) => s.exponential(k.scale, shape), size, chunks);
  }

  /**
   * Lazy Poisson counts (int64) of mean `lam`.
   * @throws ValueError "lam < 0 or lam is NaN", "lam value too large" when the array is made
   * @example state.poisson(4.5, [1000, 1000], { chunks: 250 })   // state.poisson(4.5, (1000, 1000), chunks=250)
   */
  poisson(lam?: number | PoissonKeywords, size?: Size | null | PoissonKeywords, keywords?: PoissonKeywords): LazyArray;
  poisson(...args: unknown[]): LazyArray {
    const [lam = 1, size, chunks] = bind("poisson", ["lam", "size"], ["chunks"], args);
    const k = scalars("poisson", { lam });
    return this.wrap("poisson", (s, shape) => s.poisson(k.lam, shape), size, chunks);
  }

  /**
   * Lazy binomial counts (int64) of `n` trials with success probability `p`.
   * @throws ValueError "n < 0", "p < 0, p > 1 or p is NaN" when the array is made
   * @example state.binomial(10, 0.3, 1000, { chunks: 100 })   // state.binomial(10, 0.3, 1000, chunks=100)
   */
  binomial(n: number, p: number, size?: Size | null | SizeKeywords, keywords?: SizeKeywords): LazyArray;
  binomial(...args: unknown[]): LazyArray {
    const [n, p, size, chunks] = bind("binomial", ["n", "p", "size"], ["chunks"], args);
    const k = scalars("binomial", { n, p });
    return this.wrap("binomial", (s, shape) => s.binomial(k.n, k.p, shape), size, chunks);
  }

  /**
   * Lazy log-normal floats, `exp(normal(mean, sigma))`.
   * @example state.lognormal(0, 1, 1000, { chunks: 100 })   // state.lognormal(0, 1, 1000, chunks=100)
   */
  lognormal(mean?: number | LognormalKeywords, sigma?: number | LognormalKeywords, size?: Size | null | LognormalKeywords, keywords?: LognormalKeywords): LazyArray;
  lognormal(...args: unknown[]): LazyArray {
    const [mean = 0, sigma = 1, size, chunks] = bind("lognormal", ["mean", "sigma", "size"], ["chunks"], args);
    const k = scalars("lognormal", { mean, sigma });
    return this.wrap("lognormal", (s, shape) => s.lognormal(k.mean, k.sigma, shape), size, chunks);
  }

  /**
   * Lazy standard gamma floats of shape `shape`.
   * @example state.standardGamma(0.5, 1000, { chunks: 100 })   // state.standard_gamma(0.5, 1000, chunks=100)
   */
  standardGamma(shape: number, size?: Size | null | SizeKeywords, keywords?: SizeKeywords): LazyArray;
  standardGamma(...args: unknown[]): LazyArray {
    const [shape, size, chunks] = bind("standard_gamma", ["shape", "size"], ["chunks"], args);
    const k = scalars("standard_gamma", { shape });
    return this.wrap("standard_gamma", (s, dims) => s.standardGamma(k.shape, dims), size, chunks);
  }

  /**
   * Lazy gamma floats of shape `shape` and scale `scale`.
   * @example state.gamma(2, 3, 1000, { chunks: 100 })   // state.gamma(2, 3, 1000, chunks=100)
   */
  gamma(shape: number, scale?: number | ScaleKeywords, size?: Size | null | ScaleKeywords, keywords?: ScaleKeywords): LazyArray;
  gamma(...args: unknown[]): LazyArray {
    const [shape, scale = 1, size, chunks] = bind("gamma", ["shape", "scale", "size"], ["chunks"], args);
    const k = scalars("gamma", { shape, scale });
    return this.wrap("gamma", (s, dims) => s.gamma(k.shape, k.scale, dims), size, chunks);
  }

  /**
   * Lazy beta floats.
   * @example state.beta(0.5, 0.5, 1000, { chunks: 100 })   // state.beta(0.5, 0.5, 1000, chunks=100)
   */
  beta(a: number, b: number, size?: Size | null | SizeKeywords, keywords?: SizeKeywords): LazyArray;
  beta(...args: unknown[]): LazyArray {
    const [a, b, size, chunks] = bind("beta", ["a", "b", "size"], ["chunks"], args);
    const k = scalars("beta", { a, b });
    return this.wrap("beta", (s, shape) => s.beta(k.a, k.b, shape), size, chunks);
  }

  /**
   * Lazy chi-square floats of `df` degrees of freedom.
   * @example state.chisquare(3, 1000, { chunks: 100 })   // state.chisquare(3, 1000, chunks=100)
   */
  chisquare(df: number, size?: Size | null | SizeKeywords, keywords?: SizeKeywords): LazyArray;
  chisquare(...args: unknown[]): LazyArray {
    const [df, size, chunks] = bind("chisquare", ["df", "size"], ["chunks"], args);
    const k = scalars("chisquare", { df });
    return this.wrap("chisquare", (s, shape) => s.chisquare(k.df, shape), size, chunks);
  }

  /**
   * Dask's `_wrap`: the chunks (sized for `chunkDType`), one key per block drawn now, then
   * NumPy's method on the last key with an empty shape (Dask's meta: it gives the dtype and
   * checks the arguments, after the keys are drawn, as in Dask).
   */
  private wrap(method: string, draw: Draw, size: unknown, chunksSpec: unknown, chunkDType: DType = "float64"): LazyArray {
    const dims = shapeOf(size, method);
    const chunks = normalizeChunks((chunksSpec as ChunksSpec | undefined) ?? "auto", dims, chunkDType);
    const keys = this.blockKeys(chunks);
    const meta = draw(new NumpyRandomState(Array.from(keys.subarray(keys.length - KEY_WORDS))), dims.map(() => 0));
    return lazyDraws(method, dims, meta.dtype, chunks, keys, draw);
  }

  /**
   * `random_state_data(nblocks, state)`: NumPy's `bytes(624 · nblocks · 4)`, which is
   * `randint(0, 2**32, size=..., dtype=uint32)`, one 624-word key per block.
   */
  private blockKeys(chunks: readonly (readonly number[])[]): Uint32Array {
    const blocks = chunks.reduce((n, c) => n * c.length, 1);
    return this.state.randint(0, 2 ** 32, KEY_WORDS * blocks, { dtype: "uint32" }).nd.data as Uint32Array;
  }
}

/** A {@link RandomState}'s instances (the interface a cell's declarations name). */
export interface RandomState extends RandomStateObject {}
/** `da.random.RandomState(seed)`, called as Python calls it or with `new`. */
/** The type of `da.random.RandomState` itself. */
export type RandomStateConstructor = PythonClass<typeof RandomStateObject, RandomState>;
export const RandomState: RandomStateConstructor = pythonClass(RandomStateObject, "RandomState");

/** A lazy array whose block i (C order) is `draw` on a RandomState seeded with key i. */
function lazyDraws(name: string, dims: number[], dtype: DType, chunks: number[][], keys: Uint32Array, draw: Draw): LazyArray {
  const numblocks = chunks.map((c) => c.length);
  return new LazyArray(newName(name), dims, dtype, chunks, {
    kind: "generate",
    name,
    make: (idx, bshape) => {
      let flat = 0;
      idx.forEach((k, d) => (flat = flat * numblocks[d] + k));
      const key = keys.subarray(flat * KEY_WORDS, (flat + 1) * KEY_WORDS);
      const state = new NumpyRandomState(Array.from(key));
      // Drawn into the pool's buffers (lib/da/pool.ts), which the compute gives back when done
      // with the block: a fresh array per block, given back all the same, filled the pool with
      // buffers nothing took (+122 MB resident after each compute of a 4000² array, to the
      // pool's cap). `choice` builds its blocks from `a`: copied into one.
      let taken: Storage | undefined;
      const block = drawingInto((dt, n) => (taken = take(dt, n)), () => draw(state, [...bshape]));
      if (block.nd.data === taken) return block;
      const out = new NDArray(take(block.dtype, block.size), [...bshape], block.dtype);
      assign(out, block);
      return out;
    },
  });
}

/** Dask's module-level RandomState behind `da.random.seed`, `da.random.random`, …: made at first use, unseeded. */
let moduleState: RandomState | undefined;

function shared(): RandomState {
  return (moduleState ??= new RandomState());
}

/** The module-level RandomState's method `name`, looked up whenever it is called. */
type Delegated = "randomSample" | "random" | "standardNormal" | "normal" | "uniform" | "randint" | "choice" | "standardExponential" | "exponential" | "poisson" | "binomial" | "lognormal" | "standardGamma" | "gamma" | "beta" | "chisquare";
function delegate<K extends Delegated>(name: K): RandomState[K] {
  return ((...args: unknown[]) => (shared()[name] as (...a: unknown[]) => LazyArray).apply(shared(), args)) as RandomState[K];
}

/**
 * `da.random.seed(seed)`: reseeds the RandomState the module functions share.
 * @example da.random.seed(42); da.random.random([1000, 1000], { chunks: [100, 100] })
 */
export function seed(seed?: LegacySeed | null): void {
  shared().seed(seed);
}

/** `da.random.random_sample(size, chunks=...)`. @example da.random.randomSample(1000, { chunks: 100 }) */
export const randomSample = delegate("randomSample");
/** `da.random.random(size, chunks=...)`. @example da.random.random([1000, 1000], { chunks: [100, 100] })   // da.random.random((1000, 1000), chunks=(100, 100)) */
export const random = delegate("random");
/** `da.random.standard_normal(size, chunks=...)`. @example da.random.standardNormal([2000, 2000]) */
export const standardNormal = delegate("standardNormal");
/** `da.random.normal(loc, scale, size, chunks=...)`. @example da.random.normal(0, 1, [1000, 1000], { chunks: 250 }) */
export const normal = delegate("normal");
/** `da.random.uniform(low, high, size, chunks=...)`. @example da.random.uniform(-1, 1, 10000) */
export const uniform = delegate("uniform");
/** `da.random.randint(low, high, size, chunks=..., dtype=...)`. @example da.random.randint(0, 10, [1000, 1000], { chunks: 250 }) */
export const randint = delegate("randint");
/** `da.random.choice(a, size, replace, p, chunks=...)`. @example da.random.choice(5, 100, { p: [0.1, 0.2, 0.3, 0.2, 0.2] }) */
export const choice = delegate("choice");
/** `da.random.standard_exponential(size, chunks=...)`. @example da.random.standardExponential(1000, { chunks: 100 }) */
export const standardExponential = delegate("standardExponential");
/** `da.random.exponential(scale, size, chunks=...)`. @example da.random.exponential(2, [1000, 1000], { chunks: 250 }) */
export const exponential = delegate("exponential");
/** `da.random.poisson(lam, size, chunks=...)`. @example da.random.poisson(4.5, [1000, 1000], { chunks: 250 }) */
export const poisson = delegate("poisson");
/** `da.random.binomial(n, p, size, chunks=...)`. @example da.random.binomial(10, 0.3, 1000, { chunks: 100 }) */
export const binomial = delegate("binomial");
/** `da.random.lognormal(mean, sigma, size, chunks=...)`. @example da.random.lognormal(0, 1, 1000, { chunks: 100 }) */
export const lognormal = delegate("lognormal");
/** `da.random.standard_gamma(shape, size, chunks=...)`. @example da.random.standardGamma(0.5, 1000, { chunks: 100 }) */
export const standardGamma = delegate("standardGamma");
/** `da.random.gamma(shape, scale, size, chunks=...)`. @example da.random.gamma(2, 3, 1000, { chunks: 100 }) */
export const gamma = delegate("gamma");
/** `da.random.beta(a, b, size, chunks=...)`. @example da.random.beta(0.5, 0.5, 1000, { chunks: 100 }) */
export const beta = delegate("beta");
/** `da.random.chisquare(df, size, chunks=...)`. @example da.random.chisquare(3, 1000, { chunks: 100 }) */
export const chisquare = delegate("chisquare");
