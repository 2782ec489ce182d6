/**
 * `da`: chunked lazy arrays, like `dask.array`. `import { da } from "lazylab"`, or the `da`
 * global in every notebook cell.
 */
import { NDArray } from "../np/ndarray";
import * as np from "../np";
import { allocate, checkDType, DType } from "../np/dtype";
import { scalarDType } from "../np/casting";
import { checkLazyShape } from "../np/ndarray";
import { assign } from "../np/ufunc";
import * as npRandom from "../np/random";
import { ChunksSpec, normalizeChunks, boundaries } from "./chunks";
import { LazyArray, newName, computeSync, broadcastOperands, type LazyOperand } from "./array";
import { ValueError } from "../np/errors";
import { take } from "./pool";
import { computeAll } from "./scheduler/compute";
import type { DimRegion, FileOrigin } from "./graph";
import * as legacy from "./legacy-random";
import "./keep-maps";

export { LazyArray } from "./array";
export type { LazyOperand, LazyReduceOptions } from "./array";
export { normalizeChunks, AUTO_CHUNK_BYTES } from "./chunks";
export type { Chunks, ChunksSpec } from "./chunks";
export { poolInfo, releasePool, setPoolCap } from "./pool";
export { taskCounter } from "./evaluate";
export { poolSize, setPoolSize, shutdownPool } from "./scheduler/pool";
export { TaskError, ComputeCancelled } from "./errors";
export { setProgress } from "./progress";
export { connect, disconnect, clusterInfo, ClusterUnavailable, ClusterUnsupported } from "./cluster";
export type { ClusterInfo, ClusterWorker, ClusterCompute } from "./cluster";
/** `new da.random.RandomState(seed)`'s instances, as cells' declarations name them. */
export type { RandomState } from "./legacy-random";
export type { ChunksKeyword, SizeKeywords, NormalKeywords, UniformKeywords, RandintKeywords, ChoiceKeywords, ScaleKeywords, PoissonKeywords, LognormalKeywords } from "./legacy-random";

/** Options of the creation functions. */
export interface ChunkOptions {
  /** Chunk shape (a size for all dimensions, per-dimension sizes, or "auto"). */
  chunks?: ChunksSpec;
}

/**
 * `da.from_array(x, chunks=...)`: a lazy array over an eager one (no copy: blocks are views).
 * @example
 * const d = da.fromArray(np.random.defaultRng(0).standardNormal([1000, 1000]), { chunks: [100, 100] });
 * d.chunksize  // [100, 100]; nothing computed, 0.0 MB used
 */
export function fromArray(x: NDArray, options: ChunkOptions = {}): LazyArray {
  if (!(x instanceof NDArray)) throw new TypeError("fromArray: x must be an np array (use np.array(...) first)");
  const chunks = normalizeChunks(options.chunks ?? "auto", x.shape, x.dtype);
  return new LazyArray(newName("array"), x.shape, x.dtype, chunks, { kind: "source", array: x });
}

/**
 * A lazy array whose blocks are made by `make(blockIndex, blockShape)` — a chunk loader, like
 * `da.from_delayed` per block or `da.map_blocks` over a grid. It must return an np array of
 * exactly `blockShape` and `dtype`; `region`, when given, is the only part of the block the
 * compute will read (per dimension start, step, length). With `shared: true` the blocks it returns are kept by
 * their maker (a chunk cache): computes read them in place and never recycle or write them.
 */
export function fromFunction(
  make: (blockIndex: readonly number[], blockShape: readonly number[], region?: readonly DimRegion[]) => NDArray,
  shape: readonly number[],
  options: ChunkOptions & { dtype?: DType; name?: string; shared?: boolean; /** @internal a file's variable (xr): a cluster's workers read it themselves */ origin?: FileOrigin } = {},
): LazyArray {
  const dims = checkLazyShape(shape, "fromFunction");
  const dtype = checkDType(options.dtype ?? "float64");
  const chunks = normalizeChunks(options.chunks ?? "auto", dims, dtype);
  const shared = !!options.shared;
  return new LazyArray(newName(options.name ?? "from-function"), dims, dtype, chunks, {
    kind: "generate",
    name: options.name ?? "from-function",
    shared,
    ...(options.origin ? { origin: options.origin } : {}),
    make: (idx, bshape, dt, region) => {
      const block = make(idx, bshape, region);
      if (!(block instanceof NDArray) || block.shape.length !== bshape.length || block.shape.some((n, d) => n !== bshape[d])) {
        throw new RangeError(`fromFunction: block (${idx.join(", ")}) should have shape (${bshape.join(", ")}), got ${block instanceof NDArray ? `(${block.shape.join(", ")})` : typeof block}`);
      }
      // Shared blocks (a cache's) are used in place: no copy, never written or recycled.
      if (shared && block.dtype === dt && block.isContiguous) return block;
      const out = new NDArray(take(dt, block.size), bshape, dt);
      assign(out, block);
      return out;
    },
  });
}

/** Blocks smaller than this are filled in place with a typed-array fill (see `filled`). */
const SMALL_BLOCK = 1024;

function filled(name: string, shape: number | readonly number[], value: number, options: ChunkOptions & { dtype?: DType }): LazyArray {
  const dims = checkLazyShape(shape, name);
  const dtype = checkDType(options.dtype ?? (name === "full" ? scalarDType(value) : "float64"));
  const chunks = normalizeChunks(options.chunks ?? "auto", dims, dtype);
  // The value as the dtype stores it (NumPy's cast, once); each small block is then a
  // typed-array fill, not an assignment through the strided machinery (most of a tiny block's
  // cost on the per-block path).
  const stored = new NDArray(allocate(dtype, 1), [1], dtype).fill(value).nd.data[0];
  // Dask names these layers after the *_like functions it builds them with.
  return new LazyArray(newName(`${name}_like`), dims, dtype, chunks, {
    kind: "generate",
    name,
    make: (_idx, bshape, dt, region) => {
      const n = bshape.reduce((a, b) => a * b, 1);
      // Only part of the block is read (a slice): the value broadcast to the block's shape, as
      // Dask's broadcast trick, of which the region is then copied. A whole block written for
      // it made `x[:, :2]` of 10000² blocks page in 763 MB a block.
      if (region) return np.broadcastTo(new NDArray(take(dt, 1), [1], dt).fill(value), bshape);
      // Big blocks through np's fill (its native loop beats TypedArray.prototype.fill there).
      if (dt !== dtype || n >= SMALL_BLOCK) return new NDArray(take(dt, n), bshape, dt).fill(value);
      const data = take(dt, n);
      data.fill(stored);
      return new NDArray(data, bshape, dt);
    },
    stream: { kind: "full", value },
  });
}

/**
 * Lazy zeros (Dask's layer `zeros_like`).
 * @example da.zeros([1000, 1000], { chunks: 250 }).npartitions  // 16
 */
export function zeros(shape: number | readonly number[], options: ChunkOptions & { dtype?: DType } = {}): LazyArray {
  return filled("zeros", shape, 0, options);
}
/**
 * Lazy ones.
 * @example await da.ones([4], { chunks: 2, dtype: "int32" }).sum().compute()  // array(4)
 */
export function ones(shape: number | readonly number[], options: ChunkOptions & { dtype?: DType } = {}): LazyArray {
  return filled("ones", shape, 1, options);
}
/**
 * Lazy constant array.
 * @example da.full([3, 3], 2.5, { chunks: 2 })
 */
export function full(shape: number | readonly number[], value: number, options: ChunkOptions & { dtype?: DType } = {}): LazyArray {
  return filled("full", shape, value, options);
}

/**
 * Lazy `arange(start, stop, step)`.
 * @example await da.arange(0, 10, 2, { chunks: 2 }).compute()  // array([0, 2, 4, 6, 8])
 */
export function arange(start: number, stop?: number, step = 1, options: ChunkOptions & { dtype?: DType } = {}): LazyArray {
  if (stop === undefined) [start, stop] = [0, start];
  if (step === 0 || !Number.isFinite(start) || !Number.isFinite(stop) || !Number.isFinite(step)) throw new RangeError(`arange: start, stop and step must be finite and step non-zero, got ${start}, ${stop}, ${step}`);
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const dtype = checkDType(options.dtype ?? ([start, stop, step].every(Number.isInteger) ? "int64" : "float64"));
  const chunks = normalizeChunks(options.chunks ?? "auto", [n], dtype);
  const b = boundaries(chunks[0]);
  const s0 = start;
  return new LazyArray(newName("arange"), [n], dtype, chunks, {
    kind: "generate",
    name: "arange",
    make: (idx, bshape, dt) => {
      const out = new NDArray(take(dt, bshape[0]), bshape, dt);
      const d = out.nd.data;
      for (let i = 0; i < bshape[0]; i++) d[i] = s0 + (b[idx[0]] + i) * step;
      return out;
    },
  });
}

/**
 * `da.concatenate(arrays, axis)`: joins lazy arrays along an existing axis (the others must match).
 * @example da.concatenate([a, b], { axis: 0 })
 */
export function concatenate(arrays: readonly LazyArray[], options: { axis?: number } | number = {}): LazyArray {
  const axis0 = typeof options === "number" ? options : (options.axis ?? 0);
  if (!arrays.length) throw new RangeError("concatenate: need at least one array to concatenate");
  const first = arrays[0];
  const axis = axis0 < 0 ? axis0 + first.ndim : axis0;
  if (axis < 0 || axis >= first.ndim) throw new RangeError(`concatenate: axis ${axis0} is out of bounds for array of dimension ${first.ndim}`);
  arrays.forEach((a, i) => {
    if (!(a instanceof LazyArray)) throw new TypeError(`concatenate: arrays[${i}] is not a lazy array`);
    if (a.ndim !== first.ndim || a.shape.some((n, d) => d !== axis && n !== first.shape[d])) {
      throw new RangeError(`concatenate: arrays[${i}] has shape (${a.shape.join(", ")}), incompatible with (${first.shape.join(", ")}) along axes other than ${axis}`);
    }
    if (a.dtype !== first.dtype) throw new TypeError(`concatenate: arrays[${i}] has dtype ${a.dtype}, arrays[0] has ${first.dtype}`);
  });
  // Other dimensions must share chunks: rechunk to the first array's.
  const inputs = arrays.map((a) => (a.chunks.every((c, d) => d === axis || c.join() === first.chunks[d].join()) ? a : a.rechunk(a.chunks.map((c, d) => (d === axis ? c : first.chunks[d])))));
  const shape = [...first.shape];
  shape[axis] = arrays.reduce((s, a) => s + a.shape[axis], 0);
  const chunks = first.chunks.map((c, d) => (d === axis ? inputs.flatMap((a) => a.chunks[axis]) : [...c]));
  return new LazyArray(newName("concatenate"), shape, first.dtype, chunks, { kind: "concatenate", inputs, axis });
}

/**
 * `da.stack(arrays, axis)`: joins same-shaped lazy arrays along a new axis.
 * @example da.stack([a, b], { axis: 0 }).shape  // [2, ...a.shape]
 */
export function stack(arrays: readonly LazyArray[], options: { axis?: number } | number = {}): LazyArray {
  const axis0 = typeof options === "number" ? options : (options.axis ?? 0);
  if (!arrays.length) throw new RangeError("stack: need at least one array to stack");
  const nd = arrays[0].ndim + 1;
  const axis = axis0 < 0 ? axis0 + nd : axis0;
  if (axis < 0 || axis >= nd) throw new RangeError(`stack: axis ${axis0} is out of bounds for array of dimension ${nd}`);
  arrays.forEach((a, i) => {
    if (a.shape.join() !== arrays[0].shape.join()) throw new RangeError(`stack: all input arrays must have the same shape; arrays[${i}] is (${a.shape.join(", ")}), arrays[0] is (${arrays[0].shape.join(", ")})`);
  });
  const expanded = arrays.map((a) => a.get([...Array(axis).fill(":"), null, "..."]));
  const joined = concatenate(expanded, { axis });
  return new LazyArray(newName("stack"), joined.shape, joined.dtype, joined.chunks, joined.node);
}

/**
 * `da.where(condition)` alone is Dask's `nonzero(condition)`: index arrays whose lengths are
 * known only once computed, which a lazy array here cannot have. It throws a TypeError saying
 * so; compute the condition and use `np.nonzero` on it.
 */
export function where(condition: LazyOperand): never;
/**
 * `da.where(condition, x, y)`: x where the condition holds, else y, block by block (np.where
 * on each). The three broadcast together as Dask's `elemwise` broadcasts them (lazy arrays, np
 * arrays and numbers, of any broadcastable shapes): the chunks are Dask's (unified per
 * dimension; an np array is read a block at a time, never broadcast whole), and the dtype is
 * np.where's `result_type(x, y)` (numbers as Python scalars: `da.where(x.gt(10), x, NaN)` is
 * float64, a uint8 `x` with 300 uint16). A 0-d lazy operand counts by its dtype, as in Dask.
 * @example da.where(d.gt(0), d, np.arange(d.shape[1]))   // d's values that are not positive replaced by their column's index
 */
export function where(condition: LazyOperand, x: LazyOperand, y: LazyOperand): LazyArray;
export function where(condition: LazyOperand, x?: LazyOperand, y?: LazyOperand): LazyArray {
  if (x === undefined && y === undefined) {
    throw new TypeError("da.where(condition) without x and y is Dask's nonzero(condition), whose lengths are unknown until computed; lazylab's lazy arrays need known chunks: compute the condition and use np.nonzero on it");
  }
  if (x === undefined || y === undefined) throw new ValueError("either both or neither of x and y should be given");
  if (typeof condition === "number" || typeof condition === "boolean") {
    // Dask's answer is a different graph (broadcast_to(x if condition else y).astype(...)).
    throw new TypeError("da.where: a scalar condition picks x or y whole (Dask's broadcast_to); lazylab does not build that graph: choose the operand yourself");
  }
  const { shape, chunks, args } = broadcastOperands([condition, x, y]);
  // Dask's dtype inference (elemwise): np.where over empty arrays of the operands' dtypes, with
  // numbers and 0-d np arrays as values (NumPy 1.24's value-based promotion).
  const sample = (o: LazyOperand) => (o instanceof LazyArray || (o instanceof NDArray && o.ndim > 0) ? np.zeros([0], { dtype: o.dtype }) : o);
  const dtype = np.where(np.zeros([0], { dtype: "bool" }), sample(x), sample(y)).dtype;
  const inputs = args.filter((o): o is LazyArray => o instanceof LazyArray);
  const fn = (...blocks: NDArray[]) => {
    let k = 0;
    const [c, a, b] = args.map((o) => (o instanceof LazyArray ? blocks[k++] : o));
    const out = np.where(c, a, b);
    // A 0-d lazy operand's block is promoted by its value; Dask casts such a block to the
    // dtype it inferred (its _enforce_dtype), and so does this.
    return out.dtype === dtype ? out : out.astype(dtype);
  };
  return new LazyArray(newName("where"), shape, dtype, chunks, { kind: "mapBlocks", inputs, fn });
}

/**
 * `dask.compute(a, b, ...)`: computes several lazy arrays together; blocks they both read are
 * computed once. Results in order.
 * @example const [total, top] = await da.compute(d.sum(), d.get("0:3, 0:3"));
 */
export async function compute(...arrays: LazyArray[]): Promise<NDArray[]> {
  arrays.forEach((a, i) => {
    if (!(a instanceof LazyArray)) throw new TypeError(`da.compute: argument ${i} is not a lazy array`);
  });
  return computeAll(arrays);
}

/**
 * `da.random`: reproducible random lazy arrays, generated chunk by chunk: Dask's legacy API
 * (`RandomState`, and `seed`, `random`, `normal`, … over one module-level state, the same
 * numbers as Dask's: ./legacy-random.ts) and `defaultRng`.
 */
export const random = {
  RandomState: legacy.RandomState,
  seed: legacy.seed,
  randomSample: legacy.randomSample,
  random: legacy.random,
  standardNormal: legacy.standardNormal,
  normal: legacy.normal,
  uniform: legacy.uniform,
  randint: legacy.randint,
  choice: legacy.choice,
  standardExponential: legacy.standardExponential,
  exponential: legacy.exponential,
  poisson: legacy.poisson,
  binomial: legacy.binomial,
  lognormal: legacy.lognormal,
  standardGamma: legacy.standardGamma,
  gamma: legacy.gamma,
  beta: legacy.beta,
  chisquare: legacy.chisquare,
  /**
   * A Generator whose arrays are lazy: each chunk is drawn from its own stream, spawned from
   * the seed in block order (Dask's approach), so results are reproducible whatever order
   * chunks are computed in, and the whole array is never materialised.
   */
  defaultRng(seed?: number | bigint | readonly (number | bigint)[]) {
    const root = npRandom.defaultRng(seed as never);
    // One 64-bit seed per array created, drawn from the root generator.
    const nextSeed = (): number => {
      const s = new Float64Array(1);
      root.fillIntegers(s, 0, 2 ** 52);
      return s[0];
    };
    const make = (name: "standard_normal" | "random", fill: (g: npRandom.Generator, out: Float64Array) => void) => (shape: readonly number[], options: ChunkOptions = {}): LazyArray => {
      const dims = checkLazyShape(shape, name);
      const chunks = normalizeChunks(options.chunks ?? "auto", dims, "float64");
      const seed0 = nextSeed();
      const nb = chunks.map((c) => c.length);
      return new LazyArray(newName(name), dims, "float64", chunks, {
        kind: "generate",
        name,
        make: (idx, bshape) => {
          let flat = 0;
          idx.forEach((k, d) => (flat = flat * nb[d] + k));
          const g = npRandom.defaultRng([seed0, flat]);
          const n = bshape.reduce((a, b) => a * b, 1);
          const buf = take("float64", n) as Float64Array;
          fill(g, buf);
          return new NDArray(buf, bshape, "float64");
        },
        stream: { kind: "random", dist: name, seed: seed0, numblocks: nb },
      });
    };
    return {
      /** Lazy standard normal draws. */
      standardNormal: make("standard_normal", (g, o) => g.fillStandardNormal(o)),
      /** Lazy uniform draws in [0, 1). */
      random: make("random", (g, o) => g.fillRandom(o)),
    };
  },
};
