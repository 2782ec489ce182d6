/**
 * `LazyArray`: a chunked, lazy n-dimensional array (Dask's `dask.array.Array`). Building one
 * runs nothing and allocates no data: it records a node of the task graph (graph.ts).
 * `await x.compute()` evaluates the blocks (evaluate.ts) and returns an eager `NDArray`.
 */
import { inspect } from "node:util";
import { NDArray } from "../np/ndarray";
import { checkDType, DType, itemsize } from "../np/dtype";
import { BasicIndex, ELLIPSIS, Index, resolveIndex, Slice } from "../np/indexing";
import { fmtShape, normaliseAxis } from "../np/ndarray";
import { binaryResultDType, OPS, UNARY, BinaryOp, UnaryOp, assign } from "../np/ufunc";
import { broadcastShapes } from "../np/iterate";
import { ValueError } from "../np/errors";
import { MIME_BUNDLE, MimeBundle } from "../display/mime";
import { SIZEOF } from "../sys/sizeof";
import { blockIndices, boundaries, Chunks, chunksize, unifyDim } from "./chunks";
import { GetitemDim, graphSize, layers, LazyRef, Node } from "./graph";
import { blockShape, evalBlock, release } from "./evaluate";
import { recycleWhenDropped, take } from "./pool";
import { lazyHtml } from "./repr";
import { reshapeChunks } from "./reshape";
import { registerLazy } from "./registry";
import { computeAll, computeBlocks } from "./scheduler/compute";
import { clusterWanted, persistOnCluster } from "./cluster";

let counter = 0;
function newName(prefix: string): string {
  counter++;
  return `${prefix}-${counter.toString(16).padStart(8, "0")}`;
}

/** Dask's names for each operation (what the repr shows). */
const OP_NAMES: Record<string, string> = {
  add: "add", subtract: "sub", multiply: "mul", true_divide: "truediv", power: "pow", remainder: "mod",
  equal: "eq", not_equal: "ne", less: "lt", less_equal: "le", greater: "gt", greater_equal: "ge",
  negative: "neg", absolute: "abs", sqrt: "sqrt", exp: "exp", log: "log", square: "square",
  sin: "sin", cos: "cos", floor: "floor", ceil: "ceil", isnan: "isnan", logical_not: "invert", positive: "pos", reciprocal: "reciprocal",
};

/** An operand of lazy arithmetic. */
export type LazyOperand = LazyArray | NDArray | number | boolean;

/** Options of lazy reductions. */
export interface LazyReduceOptions {
  axis?: number | readonly number[] | null;
  keepdims?: boolean;
}

export class LazyArray implements LazyRef {
  /** @internal per output dim of a getitem: which input block and offset each chunk reads. */
  blockMap?: { block: number; start: number }[][];

  /** @internal Use `da.fromArray`, `da.zeros`, ... */
  constructor(
    /** Unique key prefix of this array's tasks, e.g. `pow-0000002a` (Dask: `pow-<token>`). */
    readonly name: string,
    /** Dimensions. */
    readonly shape: readonly number[],
    /** Element type. */
    readonly dtype: DType,
    /** Per-dimension chunk sizes. */
    readonly chunks: Chunks,
    /** @internal The graph node. */
    readonly node: Node,
  ) {
    registerLazy(this);
  }

  /** Number of dimensions. */
  get ndim(): number {
    return this.shape.length;
  }
  /** Number of elements. */
  get size(): number {
    return this.shape.reduce((a, b) => a * b, 1);
  }
  /** Bytes per element. */
  get itemsize(): number {
    return itemsize(this.dtype);
  }
  /** Bytes the computed array would take. */
  get nbytes(): number {
    return this.size * this.itemsize;
  }
  /** The largest chunk along each dimension. */
  get chunksize(): number[] {
    return chunksize(this.chunks);
  }
  /** Number of chunks along each dimension. */
  get numblocks(): number[] {
    return this.chunks.map((c) => c.length);
  }
  /** Total number of chunks. */
  get npartitions(): number {
    return this.numblocks.reduce((a, b) => a * b, 1);
  }
  /** Number of tasks in the graph (Dask's `len(x.dask)`). */
  get graphSize(): number {
    return graphSize(this);
  }
  /** Names of the graph's layers, inputs first. */
  get layers(): string[] {
    return layers(this);
  }
  /** The transpose (lazy). */
  get T(): LazyArray {
    return this.transpose();
  }

  // ---- elementwise --------------------------------------------------------------

  /** `this + other` (lazy, broadcasting). */
  add(other: LazyOperand): LazyArray { return binary(OPS.add, this, other); }
  /** `this - other`. */
  sub(other: LazyOperand): LazyArray { return binary(OPS.sub, this, other); }
  /** `this * other`. */
  mul(other: LazyOperand): LazyArray { return binary(OPS.mul, this, other); }
  /** `this / other`. */
  div(other: LazyOperand): LazyArray { return binary(OPS.div, this, other); }
  /** `this ** other`. */
  pow(other: LazyOperand): LazyArray { return binary(OPS.pow, this, other); }
  /** `this % other`. */
  mod(other: LazyOperand): LazyArray { return binary(OPS.mod, this, other); }
  /** `this == other`. */
  eq(other: LazyOperand): LazyArray { return binary(OPS.eq, this, other); }
  /** `this != other`. */
  ne(other: LazyOperand): LazyArray { return binary(OPS.ne, this, other); }
  /** `this < other`. */
  lt(other: LazyOperand): LazyArray { return binary(OPS.lt, this, other); }
  /** `this <= other`. */
  le(other: LazyOperand): LazyArray { return binary(OPS.le, this, other); }
  /** `this > other`. */
  gt(other: LazyOperand): LazyArray { return binary(OPS.gt, this, other); }
  /** `this >= other`. */
  ge(other: LazyOperand): LazyArray { return binary(OPS.ge, this, other); }
  /** `-this`. */
  neg(): LazyArray { return unary(UNARY.neg, this); }
  /** `abs(this)`. */
  abs(): LazyArray { return unary(UNARY.abs, this); }
  /** Square root. */
  sqrt(): LazyArray { return unary(UNARY.sqrt, this); }
  /** Exponential. */
  exp(): LazyArray { return unary(UNARY.exp, this); }
  /** Natural logarithm. */
  log(): LazyArray { return unary(UNARY.log, this); }
  /** `da.isnan(x)`: lazy, a bool array true where an element is NaN. */
  isnan(): LazyArray { return unary(UNARY.isnan, this); }
  /** `~x` / `da.logical_not(x)`: lazy, a bool array true where an element is zero (or false). */
  logicalNot(): LazyArray { return unary(UNARY.not, this); }

  // ---- slicing and shape ----------------------------------------------------------

  /**
   * `x[...]` with the same syntax as eager arrays; only the chunks it needs are touched.
   * @example d.get("0:100, :"); d.get("::-1, 5"); d.get([new np.Slice(0, 10), null])
   */
  get(...index: (BasicIndex | undefined)[]): LazyArray {
    const items = index.filter((i) => i !== undefined).flat() as unknown[];
    // Typed out, but a cell may still pass one `as any`: say what to do instead.
    if (items.some((i) => Array.isArray(i) || (typeof i === "object" && i !== null && !(i instanceof Slice)))) {
      throw new TypeError("a lazy array takes basic indexes only (integers, slices, \"...\", null); to select with an index array or a mask, compute() the part you need and index the eager array");
    }
    return getitem(this, items as Index);
  }

  /** Permutes the axes (reverses them by default). */
  transpose(...axes: (number | readonly number[])[]): LazyArray {
    let perm = axes.flat() as number[];
    if (perm.length === 0) perm = [...Array(this.ndim).keys()].reverse();
    if (perm.length !== this.ndim) throw new RangeError(`transpose: axes ${JSON.stringify(perm)} don't match an array of ${this.ndim} dimensions`);
    perm = perm.map((a) => normaliseAxis(a, this.ndim, "transpose"));
    return new LazyArray(newName("transpose"), perm.map((a) => this.shape[a]), this.dtype, perm.map((a) => [...this.chunks[a]]), { kind: "transpose", input: this, axes: perm });
  }

  /**
   * A new chunking of the same data.
   * @example d.rechunk([250, -1]).chunks  // [[250, 250, 250, 250], [1000]]
   */
  rechunk(chunks: import("./chunks").ChunksSpec): LazyArray {
    const c = normalize(chunks, this.shape, this.dtype);
    // Like Dask, rechunking to the chunks it already has is the array itself.
    if (c.every((cs, d) => cs.join() === this.chunks[d].join())) return this;
    return new LazyArray(newName("rechunk-merge"), this.shape, this.dtype, c, { kind: "rechunk", input: this });
  }

  /**
   * A new shape (lazy). Chunks are kept where Dask keeps them: dimensions that keep their length
   * keep their chunks, and dimensions that merge or split evenly are rechunked only as much as
   * each block needs to reshape on its own (`reshape_rechunk`'s plan, so `.chunks` equal Dask's).
   * Other reshapes, which Dask refuses, merge everything into one chunk.
   * @example da.ones([6, 5, 4], { chunks: [3, 2, 2] }).reshape(30, 4).chunks  // [[5, 5, 5, 5, 5, 5], [2, 2]]
   */
  reshape(...shape: (number | readonly number[])[]): LazyArray {
    const dims = shape.flat() as number[];
    const unknown = dims.filter((d) => d === -1).length;
    const known = dims.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    const out = dims.map((d) => (d === -1 ? this.size / known : d));
    if (unknown > 1 || out.reduce((a, b) => a * b, 1) !== this.size || out.some((d) => !Number.isInteger(d) || d < 0)) {
      throw new RangeError(`reshape: cannot reshape array of size ${this.size} (shape ${fmtShape(this.shape)}) into shape ${fmtShape(dims)}`);
    }
    // Like Dask: the same shape (or -1 of a 1-D array) is the array itself.
    if (out.length === this.ndim && out.every((n, d) => n === this.shape[d])) return this;
    const plan = this.npartitions === 1 || this.size === 0 ? undefined : reshapeChunks(this.shape, out, this.chunks);
    if (!plan) {
      const single = this.npartitions === 1 ? this : this.rechunk(this.shape.map(() => -1));
      return new LazyArray(newName("reshape"), out, this.dtype, out.map((n) => [n]), { kind: "reshape", input: single });
    }
    return new LazyArray(newName("reshape"), out, this.dtype, plan.outchunks, { kind: "reshape", input: this.rechunk(plan.inchunks) });
  }

  /**
   * Applies `fn` to every block (it must return a block of the same shape).
   * @example d.mapBlocks((b) => b.sub(b.mean() as number))
   */
  mapBlocks(fn: (block: NDArray) => NDArray, options: { dtype?: DType } = {}): LazyArray {
    return new LazyArray(newName("map-blocks"), this.shape, options.dtype ?? this.dtype, this.chunks.map((c) => [...c]), { kind: "mapBlocks", inputs: [this], fn });
  }

  /**
   * Dask's `x.astype(dtype)`: each block converted as np's `astype` converts (floats to
   * integers truncate); the same array when the dtype is already that. Halving float64 to
   * float32 halves what each computed block holds.
   * @example d.astype("float32").sum()
   */
  astype(dtype: DType): LazyArray {
    checkDType(dtype, "astype: dtype");
    if (dtype === this.dtype) return this;
    return new LazyArray(newName("astype"), this.shape, dtype, this.chunks.map((c) => [...c]), { kind: "mapBlocks", inputs: [this], fn: (b: NDArray) => b.astype(dtype) });
  }

  // ---- reductions -----------------------------------------------------------------

  /**
   * Sum (lazy; chunk partials combined in block order). Elementwise chains feeding it are
   * fused: `(x**2).sum()` makes no `x**2` chunk.
   * @example await d.pow(2).sum({ axis: -1 }).compute()
   */
  sum(options?: LazyReduceOptions | number): LazyArray { return reduction(this, "sum", options); }
  /** Mean. */
  mean(options?: LazyReduceOptions | number): LazyArray { return reduction(this, "mean", options); }
  /** Minimum. */
  min(options?: LazyReduceOptions | number): LazyArray { return reduction(this, "min", options); }
  /** Maximum. */
  max(options?: LazyReduceOptions | number): LazyArray { return reduction(this, "max", options); }
  /** Product. */
  prod(options?: LazyReduceOptions | number): LazyArray { return reduction(this, "prod", options); }
  /** Standard deviation (`ddof` 0 by default). */
  std(options?: (LazyReduceOptions & { ddof?: number }) | number): LazyArray { return reduction(this, "std", options); }
  /** Variance. */
  var(options?: (LazyReduceOptions & { ddof?: number }) | number): LazyArray { return reduction(this, "var", options); }
  /** True where any element is non-zero. */
  any(options?: LazyReduceOptions | number): LazyArray { return reduction(this, "any", options); }
  /** True where every element is non-zero. */
  all(options?: LazyReduceOptions | number): LazyArray { return reduction(this, "all", options); }

  // ---- execution ----------------------------------------------------------------

  /**
   * Runs the graph and returns the eager result. Big reductions over generated arrays run on
   * worker threads; the rest runs in the notebook's thread a slice at a time. With `da.setProgress(true)`,
   * shows progress after a second; the kernel interrupt cancels it (`Interrupted`) and frees its chunks.
   * @example const block = await d.pow(2).get("0:100, :").compute();
   */
  async compute(): Promise<NDArray> {
    return (await computeAll([this]))[0];
  }

  /**
   * Computes every chunk and keeps them: a lazy array whose graph is just its stored chunks.
   * Connected to a cluster (`da.connect`), the chunks stay on the workers as futures (Dask's
   * `client.persist`) and later cluster computes read them there; the result keeps this graph
   * too, so after `da.disconnect()` it computes locally from it.
   * @example const sq = await d.pow(2).persist(); await sq.sum().compute();
   */
  async persist(): Promise<LazyArray> {
    if (clusterWanted()) {
      const p = new LazyArray(newName(this.name.replace(/-[0-9a-f]+$/, "")), this.shape, this.dtype, this.chunks.map((c) => [...c]), this.node);
      await persistOnCluster(this, p);
      return p;
    }
    const blocks = await computeBlocks(this);
    return new LazyArray(newName(this.name.replace(/-[0-9a-f]+$/, "")), this.shape, this.dtype, this.chunks.map((c) => [...c]), { kind: "stored", blocks });
  }

  // ---- display --------------------------------------------------------------------

  /** Dask's text repr: `dask.array<pow, shape=(1000, 1000), dtype=float64, chunksize=(100, 100), chunktype=numpy.ndarray>`. */
  toString(): string {
    const prefix = this.name.replace(/-[0-9a-f]{8}$/, "");
    return `dask.array<${prefix}, shape=${pyTuple(this.shape)}, dtype=${this.dtype}, chunksize=${pyTuple(this.chunksize)}, chunktype=numpy.ndarray>`;
  }
  /** @internal */
  [inspect.custom](): string {
    return this.toString();
  }
  /** @internal text/plain like Dask's repr, text/html like Dask's table with the chunk grid. */
  [MIME_BUNDLE](): MimeBundle {
    return { "text/plain": this.toString(), "text/html": lazyHtml(this) };
  }
  /** @internal Dask's `__sizeof__` of an Array object: its small Python object only. */
  [SIZEOF](): number {
    return 56;
  }
}

function pyTuple(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
}

function normalize(spec: import("./chunks").ChunksSpec, shape: readonly number[], dtype: DType): Chunks {
  // Imported lazily to keep chunks.ts free of array code.
  return require("./chunks").normalizeChunks(spec, shape, dtype);
}

/** Computes synchronously (the in-thread scheduler): every block, then the assembled result. */
export function computeSync(x: LazyArray): NDArray {
  const idxs = [...blockIndices(x.numblocks)];
  if (x.size === 0) return new NDArray(take(x.dtype, 0), x.shape, x.dtype);
  if (idxs.length === 1) {
    const p = evalBlock(x, idxs[0]);
    if (p.owned) {
      recycleWhenDropped(p.array.nd.data, x.dtype, p.array.nd.data);
      return p.array;
    }
    return p.array.copy();
  }
  // Like Dask, every chunk is computed before the result is assembled from them.
  const blocks = idxs.map((idx) => ({ idx, p: evalBlock(x, idx) }));
  const buf = take(x.dtype, x.size);
  const out = new NDArray(buf, x.shape, x.dtype);
  const b = x.chunks.map((c) => boundaries(c));
  for (const { idx, p } of blocks) {
    assign(out.get(idx.map((k, d) => new Slice(b[d][k], b[d][k + 1]))), p.array);
    release(p);
  }
  recycleWhenDropped(buf, x.dtype, buf);
  return out;
}

// ---- construction helpers ---------------------------------------------------------

/**
 * The operands of an elementwise operation broadcast together, as Dask's `elemwise` does before
 * its `blockwise`: the result's shape (NumPy's rules; Dask's ValueError and message when they
 * do not broadcast), its chunks (per dimension, the common refinement of the lazy operands
 * spanning it, as `unify_chunks`: a length-1 dimension stretched over a longer one takes no
 * part, and a dimension no lazy operand spans is one chunk), and each operand ready for a node:
 * lazy ones rechunked to those chunks (a stretched dimension keeps its one chunk of 1), eager
 * arrays wrapped as sources chunked so (their blocks are views, so an eager operand is read a
 * block at a time and never broadcast whole), numbers and booleans as they are.
 */
export function broadcastOperands(operands: readonly LazyOperand[]): { shape: number[]; chunks: Chunks; args: (LazyArray | number | boolean)[] } {
  for (const o of operands) {
    if (!(o instanceof LazyArray || o instanceof NDArray || typeof o === "number" || typeof o === "boolean")) {
      throw new TypeError(`unsupported operand ${String(o)}: expected a lazy array, an array, a number or a boolean`);
    }
  }
  let shape: number[];
  try {
    shape = broadcastShapes(...operands.map((o) => (o instanceof LazyArray || o instanceof NDArray ? o.shape : [])));
  } catch (e) {
    // The message is already Dask's (shapes as Python tuples, scalars as ()); the class is not.
    throw e instanceof RangeError ? new ValueError(e.message) : e;
  }
  const lazy = operands.filter((o): o is LazyArray => o instanceof LazyArray);
  const chunks: Chunks = shape.map((n, d) => {
    let c: number[] | undefined;
    for (const o of lazy) {
      const od = d - (shape.length - o.ndim);
      if (od < 0 || (o.shape[od] === 1 && n !== 1)) continue;
      c = c ? unifyDim(c, o.chunks[od]) : [...o.chunks[od]];
    }
    return c ?? [n];
  });
  const chunksOf = (s: readonly number[]): Chunks => {
    const lead = shape.length - s.length;
    return s.map((n, d) => (n === 1 && shape[d + lead] !== 1 ? [1] : chunks[d + lead]));
  };
  const args = operands.map((o) => {
    if (o instanceof LazyArray) return rechunkTo(o, chunksOf(o.shape));
    if (o instanceof NDArray) return new LazyArray(newName("array"), o.shape, o.dtype, chunksOf(o.shape), { kind: "source", array: o });
    return o;
  });
  return { shape, chunks, args };
}

function rechunkTo(x: LazyArray, chunks: Chunks): LazyArray {
  if (x.chunks.every((c, d) => c.length === chunks[d].length && c.every((v, k) => v === chunks[d][k]))) return x;
  return new LazyArray(newName("rechunk-merge"), x.shape, x.dtype, chunks, { kind: "rechunk", input: x });
}

function binary(op: BinaryOp, left: LazyOperand, right: LazyOperand): LazyArray {
  const { shape, chunks, args } = broadcastOperands([left, right]);
  // NumPy's promotion sees a boolean as Python's bool; the node's kernel reads it as 0 or 1.
  const dt = (o: LazyArray | number | boolean) => (o instanceof LazyArray ? o.dtype : o);
  const dtype = binaryResultDType(op, dt(args[0]), dt(args[1]));
  const [a, b] = args.map((o) => (typeof o === "boolean" ? +o : o)) as [LazyArray | number, LazyArray | number];
  op.check?.(typeof a === "number" ? (Number.isInteger(a) ? "int64" : "float64") : a.dtype, typeof b === "number" ? (Number.isInteger(b) ? "int64" : "float64") : b.dtype, typeof b === "number" ? b : undefined, dtype);
  return new LazyArray(newName(OP_NAMES[op.name] ?? op.name), shape, dtype, chunks, { kind: "binary", op, args: [a, b] });
}

function unary(op: UnaryOp, x: LazyArray): LazyArray {
  if (op === UNARY.neg && x.dtype === "bool") throw new TypeError("The numpy boolean negative, the `-` operator, is not supported, use the `~` operator or the logical_not function instead.");
  return new LazyArray(newName(OP_NAMES[op.name] ?? op.name), x.shape, op.result(x.dtype), x.chunks.map((c) => [...c]), { kind: "unary", op, arg: x });
}

function getitem(x: LazyArray, index: Index): LazyArray {
  const items = resolveIndex(index);
  const ellipses = items.filter((i) => i === ELLIPSIS).length;
  if (ellipses > 1) throw new SyntaxError("an index can only have a single ellipsis ('...')");
  const consuming = items.filter((i) => i !== null && i !== ELLIPSIS).length;
  if (consuming > x.ndim) throw new RangeError(`too many indices for array: array is ${x.ndim}-dimensional, but ${consuming} were indexed`);
  const full: (number | Slice | null)[] = [];
  for (const it of items) {
    if (it === ELLIPSIS) for (let k = 0; k < x.ndim - consuming; k++) full.push(new Slice());
    else full.push(it as number | Slice | null);
  }
  if (ellipses === 0) for (let k = consuming; k < x.ndim; k++) full.push(new Slice());
  const dims: GetitemDim[] = [];
  const shape: number[] = [];
  const chunks: Chunks = [];
  const blockMap: { block: number; start: number }[][] = [];
  let inDim = 0;
  for (const it of full) {
    if (it === null) {
      dims.push({ inputDim: -1, start: 0, step: 1, length: 1, drop: false });
      shape.push(1);
      chunks.push([1]);
      blockMap.push([{ block: 0, start: 0 }]);
      continue;
    }
    const n = x.shape[inDim];
    if (typeof it === "number") {
      const i = it < 0 ? it + n : it;
      if (i < 0 || i >= n) throw new RangeError(`index ${it} is out of bounds for axis ${inDim} with size ${n}`);
      dims.push({ inputDim: inDim, start: i, step: 1, length: 1, drop: true });
      inDim++;
      continue;
    }
    const { start, step, length } = it.indices(n);
    dims.push({ inputDim: inDim, start, step, length, drop: false });
    shape.push(length);
    const b = boundaries(x.chunks[inDim]);
    const cs: number[] = [];
    const map: { block: number; start: number }[] = [];
    const nb = x.chunks[inDim].length;
    const order = step > 0 ? [...Array(nb).keys()] : [...Array(nb).keys()].reverse();
    for (const k of order) {
      let i0: number, i1: number;
      if (step > 0) {
        i0 = Math.max(0, Math.ceil((b[k] - start) / step));
        i1 = Math.min(length - 1, Math.floor((b[k + 1] - 1 - start) / step));
      } else {
        i0 = Math.max(0, Math.ceil((start - (b[k + 1] - 1)) / -step));
        i1 = Math.min(length - 1, Math.floor((start - b[k]) / -step));
      }
      if (i1 >= i0) {
        cs.push(i1 - i0 + 1);
        map.push({ block: k, start: start + i0 * step - b[k] });
      }
    }
    if (cs.length === 0) {
      cs.push(0);
      map.push({ block: 0, start: 0 });
    }
    chunks.push(cs);
    blockMap.push(map);
    inDim++;
  }
  const out = new LazyArray(newName("getitem"), shape, x.dtype, chunks, { kind: "getitem", input: x, dims });
  out.blockMap = blockMap;
  return out;
}

const REDUCTION_NAMES: Record<string, string> = {
  sum: "sum-aggregate", mean: "mean_agg-aggregate", min: "amin-aggregate", max: "amax-aggregate", prod: "prod-aggregate",
  std: "_sqrt", var: "var-aggregate", any: "any-aggregate", all: "all-aggregate",
};

function reduction(x: LazyArray, kind: string, options?: (LazyReduceOptions & { ddof?: number }) | number): LazyArray {
  const o = typeof options === "number" ? { axis: options } : (options ?? {});
  const axes = o.axis === undefined || o.axis === null ? [...Array(x.ndim).keys()] : (typeof o.axis === "number" ? [o.axis] : [...o.axis]).map((a) => normaliseAxis(a, x.ndim, kind));
  if (new Set(axes).size !== axes.length) throw new RangeError(`${kind}: duplicate value in axis`);
  if ((kind === "min" || kind === "max") && axes.some((a) => x.shape[a] === 0)) throw new RangeError(`zero-size array to reduction operation ${kind === "min" ? "minimum" : "maximum"} which has no identity`);
  const keepdims = !!o.keepdims;
  const shape: number[] = [];
  const chunks: Chunks = [];
  x.shape.forEach((n, d) => {
    if (!axes.includes(d)) {
      shape.push(n);
      chunks.push([...x.chunks[d]]);
    } else if (keepdims) {
      shape.push(1);
      chunks.push([1]);
    }
  });
  const isInt = x.dtype !== "float64" && x.dtype !== "float32";
  const dtype: DType =
    kind === "any" || kind === "all" ? "bool"
      : kind === "sum" || kind === "prod" ? (isInt ? "int64" : x.dtype)
      : kind === "min" || kind === "max" ? x.dtype
      : x.dtype === "float32" ? "float32" : "float64";
  return new LazyArray(newName(REDUCTION_NAMES[kind]), shape, dtype, chunks, { kind: "reduce", input: x, reduction: kind, axes: [...axes].sort((a, b) => a - b), axesGiven: axes, keepdims, ddof: (o as { ddof?: number }).ddof ?? 0 });
}

export { newName, blockShape, release };
