/**
 * Evaluating blocks of a lazy array: the tasks of the graph. `evalBlock(ref, index, region)`
 * produces one block (or a sub-region of it, so slicing touches only what it needs), reading
 * sources as views, running fused elementwise kernels into pooled chunk buffers, and giving
 * consumed chunks back to the pool at once.
 */
import { NDArray } from "../np/ndarray";
import { concatenate, full } from "../np/creation";
import { Slice } from "../np/indexing";
import { broadcastStrides } from "../np/iterate";
import { assign, wrap } from "../np/ufunc";
import { boundaries } from "./chunks";
import type { DimRegion, LazyRef, Produced } from "./graph";
import { fuse, FoldOp, Fused, machineOn, mapSlabKernel } from "./fuse";
import type { BandFold } from "./scheduler/task";
import { writeSlabs } from "./slab";
import { allocate, DType, Storage } from "../np/dtype";
import { give, take } from "./pool";
import { TaskError } from "./errors";
import { foldBlock, FoldLeaf, momentsBlock } from "./fold-block";
import { truthOf, type Program } from "./machine";

/** Counts tasks run, for tests and benchmarks. */
export const taskCounter = { tasks: 0 };

/** Shape of block `idx` of `ref`. */
export function blockShape(ref: LazyRef, idx: readonly number[]): number[] {
  return ref.chunks.map((c, d) => c[idx[d]]);
}

function fullRegion(shape: readonly number[]): DimRegion[] {
  return shape.map((n) => ({ start: 0, step: 1, length: n }));
}

/** A pooled, contiguous chunk of `shape`. */
function newChunk(ref: LazyRef, shape: readonly number[]): NDArray {
  const n = shape.reduce((a, b) => a * b, 1);
  return new NDArray(take(ref.dtype, n), shape, ref.dtype);
}

/** Gives a produced chunk's buffer back once nothing reads it. */
export function release(p: Produced): void {
  if (p.owned) give(p.array.dtype, p.array.nd.data);
}

/** The slice selecting `length` elements from `start` every `step` (negative steps too). */
export function sliceOf(start: number, step: number, length: number): Slice {
  if (length === 0) return new Slice(start, start, step > 0 ? step : 1);
  if (step > 0) return new Slice(start, start + (length - 1) * step + 1, step);
  const stop = start + (length - 1) * step - 1;
  return new Slice(start, stop < 0 ? undefined : stop, step);
}

function regionView(a: NDArray, region: readonly DimRegion[]): NDArray {
  return a.get(region.map((r) => sliceOf(r.start, r.step, r.length)));
}

function isWhole(region: readonly DimRegion[], shape: readonly number[]): boolean {
  return region.every((r, d) => r.start === 0 && r.step === 1 && r.length === shape[d]);
}

/** Blocks of nodes several results of one `da.compute` read: computed once, kept until it ends. */
let shared: Map<LazyRef, Map<string, Produced>> | undefined;

/**
 * While a multi-result compute runs, the whole blocks of `nodes` are cached and reused.
 * Returns the function that ends the sharing and gives the cached chunks back.
 */
export function shareBlocks(nodes: ReadonlySet<LazyRef>): () => void {
  const mine = new Map([...nodes].map((n) => [n, new Map<string, Produced>()]));
  shared = mine;
  return () => {
    if (shared === mine) shared = undefined;
    for (const blocks of mine.values()) blocks.forEach(release);
  };
}

const NAMED = Symbol("lazylab.da.taskNamed");

/**
 * Evaluates block `idx` of `ref`, restricted to `region` (the whole block by default). An error
 * raised by the task keeps its class (code may catch it by type) and gets the task and chunk it
 * failed in put in front of its message, once (the innermost task: outer ones pass it on).
 */
export function evalBlock(ref: LazyRef, idx: readonly number[], region?: readonly DimRegion[]): Produced {
  const cache = shared?.get(ref);
  if (cache) {
    const key = idx.join(",");
    let whole = cache.get(key);
    if (!whole) cache.set(key, (whole = evalBlock1(ref, idx)));
    const shape = blockShape(ref, idx);
    return { array: !region || isWhole(region, shape) ? whole.array : regionView(whole.array, region), owned: false };
  }
  return evalBlock1(ref, idx, region);
}

function evalBlock1(ref: LazyRef, idx: readonly number[], region?: readonly DimRegion[]): Produced {
  try {
    return evalTask(ref, idx, region);
  } catch (e) {
    throw named(e, ref, idx);
  }
}

/** `e` with the task and chunk it failed in put in front of its message (once: the innermost task). */
function named(e: unknown, ref: LazyRef, idx: readonly number[]): Error {
  if (!(e instanceof Error)) return new TaskError(`task ${ref.name}, block (${idx.join(", ")}) failed: ${String(e)}`);
  const err = e as Error & { [NAMED]?: true };
  if (!err[NAMED]) {
    const old = err.message;
    err.message = `task ${ref.name}, block (${idx.join(", ")}) failed: ${old}`;
    if (typeof err.stack === "string") err.stack = err.stack.replace(old, err.message);
    err[NAMED] = true;
  }
  return err;
}

/** True while a multi-result compute caches the blocks of `ref` (they must go through evalBlock). */
export function isShared(ref: LazyRef): boolean {
  return !!shared?.has(ref);
}

const fusedCache = new WeakMap<LazyRef, Fused & { map?: ReturnType<typeof mapSlabKernel> }>();

/** The fused expression of an elementwise node (built once per node, not once per block). */
export function fused(ref: LazyRef): Fused & { map?: ReturnType<typeof mapSlabKernel> } {
  let f = fusedCache.get(ref);
  if (!f) {
    // Every field from the start (adding `map` later would make a hidden class that dies
    // with these objects at each full collection: keep-maps.ts).
    const { expr, leaves, program } = fuse(ref);
    fusedCache.set(ref, (f = { expr, leaves, program, map: undefined }));
  }
  return f;
}

const constants = new WeakMap<LazyRef, NDArray>();

/** A constant leaf (`zeros`, `ones`, `full`) as one element broadcast to any block: nothing to make per block. */
function constantOf(leaf: LazyRef): NDArray | undefined {
  const node = leaf.node;
  if (node.kind !== "generate" || node.stream?.kind !== "full") return undefined;
  let c = constants.get(leaf);
  if (!c) constants.set(leaf, (c = new NDArray(allocate(leaf.dtype, 1), [1], leaf.dtype).fill(node.stream.value)));
  return c;
}

/**
 * Evaluates block `idx` (region `reg`) of the elementwise node `ref` straight into `o` (element
 * `oOffset`, strides `oStride` per block dimension): the compute's result buffer, so the block
 * is never made as a chunk and copied. Errors are named with the task and chunk as in evalBlock.
 */
export function evalFusedInto(ref: LazyRef, idx: readonly number[], reg: readonly DimRegion[], o: Storage, oOffset: number, oStride: readonly number[]): void {
  try {
    taskCounter.tasks++;
    fusedWrite(ref, idx, reg, o, oOffset, oStride);
  } catch (e) {
    throw named(e, ref, idx);
  }
}

/**
 * True if every leaf of the elementwise node `ref` reads the same values whatever the blocks
 * (eager sources and constants): then any region of it, spanning many blocks, can be
 * evaluated in one pass (see {@link evalFusedRegionInto}).
 */
export function regionFree(ref: LazyRef): boolean {
  return fused(ref).leaves.every((l) => l.node.kind === "source" || constantOf(l));
}

/**
 * Evaluates the region of `ref` starting at `start` with `shape` (global coordinates, spanning
 * any number of blocks) straight into `o`, for a {@link regionFree} node: one kernel pass for
 * a batch of blocks. `first` names the batch's first block in errors.
 */
export function evalFusedRegionInto(ref: LazyRef, first: readonly number[], start: readonly number[], shape: readonly number[], o: Storage, oOffset: number, oStride: readonly number[]): void {
  try {
    const f = fused(ref);
    const kernel = (f.map ??= mapSlabKernel(f.expr, f.leaves.length, f.program));
    writeSlabs(kernel, regionLeaves(ref, start, shape), shape, o, oOffset, oStride);
  } catch (e) {
    throw named(e, ref, first);
  }
}

/**
 * The leaves of the {@link regionFree} node `ref` over the region at `start` with `shape`:
 * views of its sources (no copy) and its constants, with strides broadcast to the region.
 */
export function regionLeaves(ref: LazyRef, start: readonly number[], shape: readonly number[]): { data: Storage; stride: number[]; offset: number }[] {
  return fused(ref).leaves.map((leaf) => {
    const c = constantOf(leaf);
    if (c) return { data: c.nd.data, stride: shape.map(() => 0), offset: 0 };
    const a = (leaf.node as { array: NDArray }).array;
    const lead = shape.length - leaf.shape.length;
    const v = a.get(leaf.shape.map((n, d) => (n === 1 && ref.shape[d + lead] !== 1 ? new Slice(0, 1) : new Slice(start[d + lead], start[d + lead] + shape[d + lead]))));
    return { data: v.nd.data, stride: broadcastStrides(v.shape, v.nd.stride, shape), offset: v.nd.offset };
  });
}

function fusedWrite(ref: LazyRef, idx: readonly number[], reg: readonly DimRegion[], o: Storage, oOffset: number, oStride: readonly number[]): void {
  const f = fused(ref);
  const kernel = (f.map ??= mapSlabKernel(f.expr, f.leaves.length, f.program));
  const ls = leafBlocks(ref, f.leaves, idx, reg);
  try {
    writeSlabs(kernel, ls.map((l) => ({ data: l.produced.array.nd.data, stride: l.stride, offset: l.offset })), reg.map((r) => r.length), o, oOffset, oStride);
  } finally {
    ls.forEach((l) => release(l.produced));
  }
}

function evalTask(ref: LazyRef, idx: readonly number[], region?: readonly DimRegion[]): Produced {
  const shape = blockShape(ref, idx);
  const reg = region ?? fullRegion(shape);
  taskCounter.tasks++;
  const node = ref.node;
  switch (node.kind) {
    case "source": {
      const items = reg.map((r, d) => {
        const base = boundaries(ref.chunks[d])[idx[d]];
        return sliceOf(base + r.start, r.step, r.length);
      });
      return { array: node.array.get(items), owned: false };
    }
    case "generate": {
      const whole = isWhole(reg, shape);
      // The maker is told when only part of its block will be read (a cache keeps such blocks).
      const block = node.make(idx, shape, ref.dtype, whole ? undefined : reg);
      // A shared block (held by a cache) is read, never recycled into the pool.
      if (whole) return { array: block, owned: !node.shared };
      const part = regionView(block, reg).copy();
      if (!node.shared) give(block.dtype, block.nd.data);
      return { array: part, owned: false };
    }
    case "stored": {
      const block = node.blocks.get(idx.join(","))!;
      return { array: isWhole(reg, shape) ? block : regionView(block, reg), owned: false };
    }
    case "binary":
    case "unary":
      return evalFused(ref, idx, reg);
    case "getitem":
      return evalGetitem(ref, idx, reg);
    case "transpose": {
      const inv = node.axes.map((_, i) => node.axes.indexOf(i));
      const inIdx = inv.map((d) => idx[d]);
      const inReg = inv.map((d) => reg[d]);
      const p = evalBlock(node.input, inIdx, inReg);
      // The view made directly: the axes were checked when the graph was built, and np's
      // transpose() re-checks them (a third of a tiny block's cost on the per-block path).
      const a = p.array;
      const view = new NDArray(a.nd.data, node.axes.map((d) => a.nd.shape[d]), a.dtype, a.base ?? a, node.axes.map((d) => a.nd.stride[d]), a.nd.offset);
      return { array: view, owned: p.owned };
    }
    case "concatenate": {
      let k = idx[node.axis];
      for (const input of node.inputs) {
        const nb = input.chunks[node.axis].length;
        if (k < nb) {
          const inIdx = idx.slice();
          inIdx[node.axis] = k;
          return evalBlock(input, inIdx, reg);
        }
        k -= nb;
      }
      throw new Error(`concatenate: block ${idx} out of range`);
    }
    case "rechunk":
      return evalRechunk(ref, node.input, idx, reg);
    case "reshape": {
      // Output block k (C order) is input block k reshaped (reshape.ts plans the chunks so).
      const input = node.input;
      let flat = 0;
      idx.forEach((k, d) => (flat = flat * ref.chunks[d].length + k));
      const inIdx = new Array<number>(input.shape.length);
      for (let d = input.shape.length - 1; d >= 0; d--) {
        const nb = input.chunks[d].length;
        inIdx[d] = flat % nb;
        flat = Math.floor(flat / nb);
      }
      const whole = evalBlock(input, inIdx);
      const contiguous = whole.array.isContiguous;
      const r = (contiguous ? whole.array : whole.array.copy()).reshape(shape);
      if (!contiguous) release(whole);
      const part = isWhole(reg, shape) ? r : regionView(r, reg);
      return { array: part, owned: contiguous && whole.owned && part === r };
    }
    case "mapBlocks": {
      // Whole input blocks: the function may read all of each (only its result is cut to `reg`).
      const ins = node.inputs.map((r) => evalBlock(r, operandBlock(ref, r, idx, reg).idx));
      const out = node.fn(...ins.map((p) => p.array));
      if (!(out instanceof NDArray)) throw new TypeError(`mapBlocks: the function returned ${typeof out} for block (${idx.join(", ")}), not an array`);
      const expect = blockShape(ref, idx);
      if (out.ndim !== expect.length || out.shape.some((n, d) => n !== expect[d])) {
        throw new RangeError(`mapBlocks: the function returned shape (${out.shape.join(", ")}) for block (${idx.join(", ")}); expected (${expect.join(", ")})`);
      }
      // A function that hands back its (pooled) input block hands its ownership on too.
      const passed = ins.find((p) => p.array === out);
      ins.forEach((p) => { if (p !== passed) release(p); });
      const whole = isWhole(reg, shape);
      return { array: whole ? out : regionView(out, reg), owned: whole && !!passed?.owned };
    }
    case "reduce":
      return evalReduce(ref, idx, reg);
  }
}

/** A leaf of a fused expression, evaluated for one output block and broadcast to it. */
interface LeafBlock {
  produced: Produced;
  stride: number[];
  offset: number;
}

/**
 * The block of `operand`, and the region of it, that block `idx` (region `reg`) of `ref` reads
 * when the operand is broadcast against `ref` as NumPy broadcasts: trailing dimensions aligned,
 * and a length-1 dimension stretched over a longer one reads its only block, element 0.
 */
function operandBlock(ref: LazyRef, operand: LazyRef, idx: readonly number[], reg: readonly DimRegion[]): { idx: number[]; reg: DimRegion[] } {
  const lead = ref.shape.length - operand.shape.length;
  const oIdx: number[] = [];
  const oReg: DimRegion[] = [];
  operand.shape.forEach((n, d) => {
    const od = d + lead;
    if (n === 1 && ref.shape[od] !== 1) {
      oIdx.push(0);
      oReg.push({ start: 0, step: 1, length: 1 });
    } else {
      oIdx.push(idx[od]);
      oReg.push(reg[od]);
    }
  });
  return { idx: oIdx, reg: oReg };
}

function leafBlocks(ref: LazyRef, leaves: readonly LazyRef[], idx: readonly number[], reg: readonly DimRegion[]): LeafBlock[] {
  const outShape = reg.map((r) => r.length);
  return leaves.map((leaf) => {
    const c = constantOf(leaf);
    if (c) return { produced: { array: c, owned: false }, stride: outShape.map(() => 0), offset: 0 };
    const at = operandBlock(ref, leaf, idx, reg);
    const produced = evalBlock(leaf, at.idx, at.reg);
    const a = produced.array;
    return { produced, stride: broadcastStrides(a.shape, a.nd.stride, outShape), offset: a.nd.offset };
  });
}

function evalFused(ref: LazyRef, idx: readonly number[], reg: readonly DimRegion[]): Produced {
  const out = newChunk(ref, reg.map((r) => r.length));
  try {
    fusedWrite(ref, idx, reg, out.nd.data, 0, out.nd.stride);
  } catch (e) {
    give(ref.dtype, out.nd.data);
    throw e;
  }
  return { array: out, owned: true };
}

function evalGetitem(ref: LazyRef, idx: readonly number[], reg: readonly DimRegion[]): Produced {
  const node = ref.node as Extract<LazyRef["node"], { kind: "getitem" }>;
  const input = node.input;
  const inIdx = input.shape.map(() => 0);
  const inReg: DimRegion[] = input.shape.map(() => ({ start: 0, step: 1, length: 1 }));
  const lookup = (ref as unknown as { blockMap: { block: number; start: number }[][] }).blockMap;
  let outDim = 0;
  for (const gd of node.dims) {
    if (gd.inputDim < 0) {
      outDim++;
      continue;
    }
    const b = boundaries(input.chunks[gd.inputDim]);
    if (gd.drop) {
      const blk = b.findIndex((v, k) => k < b.length - 1 && gd.start >= v && gd.start < b[k + 1]);
      inIdx[gd.inputDim] = blk;
      inReg[gd.inputDim] = { start: gd.start - b[blk], step: 1, length: 1 };
      continue;
    }
    const m = lookup[outDim][idx[outDim]];
    const r = reg[outDim];
    inIdx[gd.inputDim] = m.block;
    inReg[gd.inputDim] = { start: m.start + r.start * gd.step, step: gd.step * r.step, length: r.length };
    outDim++;
  }
  const p = evalBlock(input, inIdx, inReg);
  // Drop integer-indexed dimensions and insert new axes, as views.
  const items: (number | Slice | null)[] = [];
  let k = 0;
  for (const gd of node.dims) {
    if (gd.inputDim < 0) items.push(null);
    else {
      while (k < gd.inputDim) {
        items.push(new Slice());
        k++;
      }
      items.push(gd.drop ? 0 : new Slice());
      k++;
    }
  }
  return { array: p.array.get(items), owned: p.owned && !node.dims.some((g) => g.drop || g.inputDim < 0) };
}

function evalRechunk(ref: LazyRef, input: LazyRef, idx: readonly number[], reg: readonly DimRegion[]): Produced {
  const outShape = reg.map((r) => r.length);
  const out = newChunk(ref, outShape);
  // Global coordinates covered by this region, per dimension.
  const ranges = reg.map((r, d) => {
    const base = boundaries(ref.chunks[d])[idx[d]];
    return { first: base + r.start, step: r.step, length: r.length };
  });
  const inB = input.chunks.map((c) => boundaries(c));
  // For each dimension, the input blocks touched and the output positions they supply.
  const pieces = ranges.map((rg, d) => {
    const list: { block: number; inStart: number; outStart: number; length: number }[] = [];
    let i = 0;
    while (i < rg.length) {
      const g = rg.first + i * rg.step;
      const blk = inB[d].findIndex((v, k) => k < inB[d].length - 1 && g >= v && g < inB[d][k + 1]);
      const end = inB[d][blk + 1];
      // Elements of this input block the range still reads, walking up or (negative step) down.
      const inBlock = rg.step > 0 ? Math.ceil((end - g) / rg.step) : Math.floor((g - inB[d][blk]) / -rg.step) + 1;
      const count = Math.min(rg.length - i, inBlock);
      list.push({ block: blk, inStart: g - inB[d][blk], outStart: i, length: count });
      i += count;
    }
    return list;
  });
  const walkPieces = (d: number, chosen: (typeof pieces)[number][number][]): void => {
    if (d === pieces.length) {
      const p = evalBlock(input, chosen.map((c) => c.block), chosen.map((c, dd) => ({ start: c.inStart, step: ranges[dd].step, length: c.length })));
      assign(out.get(chosen.map((c) => new Slice(c.outStart, c.outStart + c.length))), p.array);
      release(p);
      return;
    }
    for (const c of pieces[d]) walkPieces(d + 1, [...chosen, c]);
  };
  walkPieces(0, []);
  return { array: out, owned: true };
}

/** Partial state of a reduction over one input block. */
export interface Partial {
  value: NDArray; // sum / min / max / prod / any / all, or the sum for mean, var and std
  count?: number;
  /** var/std (Dask's moment_chunk): the sum of squared deviations from value / count. */
  m2?: NDArray;
}

/** A reduction's partial of a block made as a chunk (the path of every reduction the fused folds and the machine do not take). */
export function partialOf(reduction: string, block: NDArray, axes: readonly number[]): Partial {
  const opts = { axis: axes as number[], keepdims: true };
  switch (reduction) {
    case "sum":
      return { value: block.sum(opts) as NDArray };
    case "prod":
      return { value: block.prod(opts) as NDArray };
    case "min":
      return { value: block.min(opts) as NDArray };
    case "max":
      return { value: block.max(opts) as NDArray };
    case "any":
      return { value: block.any(opts) as NDArray };
    case "all":
      return { value: block.all(opts) as NDArray };
    case "mean":
      return { value: (block.dtype === "float32" ? block : block.astype("float64")).sum(opts) as NDArray, count: axes.reduce((p, a) => p * block.shape[a], 1) };
    default: {
      // var/std: per-block count, sum and sum of squared deviations from sum / count (Dask's
      // moment_chunk, in the dtype of the result: float32's sums add in float32, while total / n,
      // a float32 array over an int64 one, and so the deviations are float64).
      const n = axes.reduce((p, a) => p * block.shape[a], 1);
      const src = block.dtype === "float32" ? block : block.astype("float64");
      const total = src.sum(opts) as NDArray;
      const d = src.sub(total.astype("float64").div(n));
      const squares = d.mul(d);
      return { value: total, count: n, m2: (src.dtype === "float32" ? squares.astype("float32") : squares).sum(opts) as NDArray };
    }
  }
}

function combine(reduction: string, a: Partial, b: Partial): Partial {
  switch (reduction) {
    case "sum":
      return { value: a.value.add(b.value, a.value) };
    case "prod":
      return { value: a.value.mul(b.value, a.value) };
    case "min":
      return { value: minimum(a.value, b.value) };
    case "max":
      return { value: maximum(a.value, b.value) };
    case "any":
      return { value: a.value.add(b.value).ne(0) };
    case "all":
      return { value: a.value.mul(b.value).ne(0) };
    case "mean":
      return { value: a.value.add(b.value, a.value), count: a.count! + b.count! };
    default:
      throw new Error(`combine: ${reduction} partials combine in reduceAll's tree`);
  }
}

function minimum(a: NDArray, b: NDArray): NDArray {
  return pick(a, b, "min");
}
function maximum(a: NDArray, b: NDArray): NDArray {
  return pick(a, b, "max");
}
function pick(a: NDArray, b: NDArray, which: "min" | "max"): NDArray {
  const out = a.copy();
  const od = out.nd.data;
  const bb = b.copy().nd.data;
  for (let i = 0; i < od.length; i++) {
    const x = od[i], y = bb[i];
    if (x !== x) continue;
    if (y !== y || (which === "min" ? y < x : y > x)) od[i] = y;
  }
  return out;
}

function finishPartial(reduction: string, p: Partial, ddof: number): NDArray {
  if (reduction === "mean") return p.value.div(p.count!);
  if (reduction === "var" || reduction === "std") {
    // moment_agg: M / (n - ddof) in M's dtype (a float32 M divided by a float32 count, then the
    // square root in float32), NaN where that is negative.
    const v = p.m2!.div(full(p.m2!.shape, p.count! - ddof < 0 ? NaN : p.count! - ddof, { dtype: p.m2!.dtype }));
    return reduction === "std" ? v.sqrt() : v;
  }
  return p.value;
}

/**
 * Whether a fused fold can reduce this block without materialising it, and how: any/all fold
 * the expression's truth (`e !== 0 ? 1 : 0`, NaN counting as true as in NumPy) with max/min.
 * Not a float32 sum or mean: NumPy adds float32 in float32 (the folds add in float64), so
 * those make the block and lib/np sums it as NumPy does. Integer values (bool and integer
 * dtypes) add exactly in any order: "exactSum".
 */
function foldable(reduction: string, dtype: DType): FoldOp | undefined {
  if (reduction === "sum" || reduction === "mean") return dtype === "float32" ? undefined : dtype === "float64" ? "sum" : "exactSum";
  return reduction === "min" || reduction === "all" ? "min" : reduction === "max" || reduction === "any" ? "max" : undefined;
}

/** The fused expression a reduction folds: the input's, or its truth for any/all. */
function foldedExpression(input: LazyRef, reduction: string): { expr: string; leaves: LazyRef[]; program: Program | undefined } {
  const f = fused(input);
  if (reduction !== "any" && reduction !== "all") return f;
  return { expr: wrap(f.expr, "bool"), leaves: f.leaves, program: f.program && truthOf(f.program) };
}

type ReduceNode = Extract<LazyRef["node"], { kind: "reduce" }>;

/** One output block of a reduction: the input-block tasks it folds, combined in this order. */
export interface ReducePlan {
  ref: LazyRef;
  node: ReduceNode;
  jobs: { inIdx: number[]; inReg: DimRegion[] }[];
  outShape: number[];
  /** The jobs' grid: the blocks along each reduced input dimension (`gridDims`, ascending), jobs in C order over it. */
  grid: number[];
  gridDims: number[];
}

/** Splits output block `idx` (region `reg`) of a reduction into its input-block tasks. */
export function reducePlan(ref: LazyRef, idx: readonly number[], reg?: readonly DimRegion[]): ReducePlan {
  const node = ref.node as ReduceNode;
  const region = reg ?? fullRegion(blockShape(ref, idx));
  const input = node.input;
  const nd = input.shape.length;
  const reduced = new Set(node.axes);
  // The output block index/region maps to kept input dims; reduced dims span all their blocks.
  const inIdxBase: number[] = [];
  const keptReg: (DimRegion | undefined)[] = [];
  let od = 0;
  for (let d = 0; d < nd; d++) {
    if (reduced.has(d)) {
      inIdxBase.push(0);
      keptReg.push(undefined);
      if (node.keepdims) od++;
    } else {
      inIdxBase.push(idx[od]);
      keptReg.push(region[od]);
      od++;
    }
  }
  const redDims = [...reduced].sort((a, b) => a - b);
  const ranges = redDims.map((d) => input.chunks[d].length);
  const total = ranges.reduce((a, b) => a * b, 1);
  const jobs: ReducePlan["jobs"] = [];
  for (let k = 0; k < total; k++) {
    const inIdx = inIdxBase.slice();
    let rest = k;
    for (let j = redDims.length - 1; j >= 0; j--) {
      inIdx[redDims[j]] = rest % ranges[j];
      rest = Math.floor(rest / ranges[j]);
    }
    const bshape = blockShape(input, inIdx);
    jobs.push({ inIdx, inReg: bshape.map((n, d) => keptReg[d] ?? { start: 0, step: 1, length: n }) });
  }
  return { ref, node, jobs, outShape: region.map((r) => r.length), grid: ranges, gridDims: redDims };
}

/**
 * The dtypes whose var/std the machine computes (momentsBlock): those whose chunk holds the
 * expression's values as they are and is summed in float64. float32 sums in float32 and
 * uint64 stores its values wrapped: both keep the JavaScript path.
 */
const MOMENTS_DTYPES = new Set<DType>(["float64", "int64", "int32", "int16", "int8", "uint32", "uint16", "uint8", "bool"]);

/** The partial of one input-block task of a plan. */
export function reducePartial(plan: ReducePlan, job: ReducePlan["jobs"][number]): Partial {
  const { node } = plan;
  const input = node.input;
  const fold = foldable(node.reduction, input.dtype);
  const { inIdx, inReg } = job;
  if (fold && (input.node.kind === "binary" || input.node.kind === "unary")) {
    // One pass over the leaves' blocks into the (keepdims-shaped) partial: no chunk is made.
    const { expr, leaves, program } = foldedExpression(input, node.reduction);
    const ls = leafBlocks(input, leaves, inIdx, inReg);
    const shape = inReg.map((r) => r.length);
    try {
      const O = foldBlock(expr, fold, ls.map((l) => ({ data: l.produced.array.nd.data, offset: l.offset, stride: l.stride })), shape, node.axes, program);
      return foldedPartial(plan, job, O);
    } finally {
      ls.forEach((l) => release(l.produced));
    }
  }
  if ((node.reduction === "var" || node.reduction === "std") && (input.node.kind === "binary" || input.node.kind === "unary") && MOMENTS_DTYPES.has(input.dtype)) {
    // The machine's two passes over the leaves' blocks: no chunk is made (momentsBlock).
    const { leaves, program } = fused(input);
    if (program) {
      const ls = leafBlocks(input, leaves, inIdx, inReg);
      try {
        const shape = inReg.map((r) => r.length);
        const m = momentsBlock(program, ls.map((l) => ({ data: l.produced.array.nd.data, offset: l.offset, stride: l.stride })), shape, node.axes);
        if (m) {
          const keep = shape.map((n, d) => (node.axes.includes(d) ? 1 : n));
          return { value: new NDArray(m.total, keep, "float64"), count: m.count, m2: new NDArray(m.m2, keep, "float64") };
        }
      } finally {
        ls.forEach((l) => release(l.produced));
      }
    }
  }
  // Everything else (and var/std without the machine: the JavaScript fallback) makes the block.
  const p = evalBlock(input, inIdx, inReg);
  const part = partialOf(node.reduction, p.array, node.axes);
  release(p);
  return part;
}

/** The partial of a job from the values `foldBlock` returned for it (here or in a worker). */
export function foldedPartial(plan: ReducePlan, job: ReducePlan["jobs"][number], values: Float64Array): Partial {
  const axes = plan.node.axes;
  const shape = job.inReg.map((r) => r.length);
  const keep = shape.map((n, d) => (axes.includes(d) ? 1 : n));
  if (plan.node.reduction === "var" || plan.node.reduction === "std") {
    // momentsBand's values: the sums, then the sums of squared deviations.
    const half = values.length / 2;
    return { value: new NDArray(values.slice(0, half), keep, "float64"), count: axes.reduce((p, a) => p * shape[a], 1), m2: new NDArray(values.slice(half), keep, "float64") };
  }
  // any() of nothing is false: the max fold's starting value (-Infinity) is not a truth value.
  if (plan.node.reduction === "any") for (let i = 0; i < values.length; i++) if (values[i] === -Infinity) values[i] = 0;
  return { value: new NDArray(values, keep, "float64"), count: axes.reduce((p, a) => p * shape[a], 1) };
}

/**
 * What a worker thread needs to run job `job` of `plan` (a fused fold whose leaves' blocks are
 * views of shared memory, or small enough to copy), with `done()` to call when it has run;
 * undefined if the job must run here.
 */
export function foldJob(plan: ReducePlan, job: ReducePlan["jobs"][number]): { expr: string; program: Program | undefined; fold: BandFold; leaves: FoldLeaf[]; shape: number[]; axes: number[]; done: () => void } | undefined {
  const { node } = plan;
  const input = node.input;
  if (input.node.kind !== "binary" && input.node.kind !== "unary") return undefined;
  // var/std: the machine's moments (momentsBand) where it runs them in this thread too.
  const moments = (node.reduction === "var" || node.reduction === "std") && MOMENTS_DTYPES.has(input.dtype) && !!fused(input).program && machineOn() && job.inReg.every((r) => r.length > 0);
  const fold: BandFold | undefined = moments ? "moments" : foldable(node.reduction, input.dtype);
  if (!fold) return undefined;
  const { expr, leaves, program } = moments ? fused(input) : foldedExpression(input, node.reduction);
  // Only leaves whose blocks are views or constants: nothing is computed here for a worker.
  if (!leaves.every((l) => l.node.kind === "source" || constantOf(l))) return undefined;
  const ls = leafBlocks(input, leaves, job.inIdx, job.inReg);
  const copied = ls.reduce((n, l) => n + (l.produced.array.nd.data.buffer instanceof SharedArrayBuffer ? 0 : l.produced.array.nd.data.byteLength), 0);
  if (copied > COPY_MAX_BYTES) {
    ls.forEach((l) => release(l.produced));
    return undefined;
  }
  return {
    expr,
    program,
    fold,
    leaves: ls.map((l) => ({ data: l.produced.array.nd.data, offset: l.offset, stride: l.stride })),
    shape: job.inReg.map((r) => r.length),
    axes: node.axes,
    done: () => ls.forEach((l) => release(l.produced)),
  };
}

/** Leaves in ordinary (unshared) memory up to this size are copied to a worker with its task. */
const COPY_MAX_BYTES = 64 * 1024;

/** Combines two partials of a plan, the later job's second. */
export function reduceCombine(plan: ReducePlan, a: Partial, b: Partial): Partial {
  return combine(plan.node.reduction, a, b);
}

/**
 * The output block from every job's partial (in job order), combined as Dask combines them, for
 * the reductions whose bits depend on the order (sum, prod, mean, var, std; dask.array.reductions'
 * `_tree_reduce`): the blocks along each reduced axis in groups of `split_every` (4 over one
 * axis; over k axes max(⌊4^(1/k)⌋, 2) each), each group's partials put together and reduced with
 * NumPy's function (lib/np adds in NumPy's order), level after level, then all that is left at
 * once. Adding the partials one after another gave other last bits: a 4000² sum in 1000²
 * chunks -6172.02901425943 where Dask's is -6172.0290142594295. var and std reduce a group as
 * moment_combine and moment_agg do (Chan et al.'s pairs in job order differed from Dask in the
 * last bits of a third of (x*3-1).std(-1)'s values, 2000×3000 in 1000² chunks). min, max, any
 * and all do not depend on the order.
 */
export function reduceAll(plan: ReducePlan, parts: readonly Partial[]): NDArray {
  const { reduction } = plan.node;
  const moments = reduction === "var" || reduction === "std";
  if (reduction !== "sum" && reduction !== "prod" && reduction !== "mean" && !moments) return reduceFinish(plan, parts.reduce((acc, part) => reduceCombine(plan, acc, part)));
  const axes = plan.gridDims;
  // The axes each level of the nested partials is put together along: the sorted ones (Dask
  // composes its combine with `_concatenate2(axes=sorted(axis))`), but for mean, var and std,
  // whose combines put them together themselves with `axes=axis`, the axes in the order the
  // call gave them: with axis=(2, 0), blocks along axis 0 side by side along axis 2, and the
  // other way.
  const along = reduction === "mean" || moments ? (plan.node.axesGiven ?? axes) : axes;
  const every = Math.max(Math.floor(4 ** (1 / Math.max(axes.length, 1))), 2);
  let depth = 1;
  for (const n of plan.grid) {
    let levels = 0;
    for (let reach = 1; reach < n; reach *= every) levels++;
    depth = Math.max(depth, levels);
  }
  /** One group's partials put together as Dask's _concatenate2 does (`shape`: the group's grid). */
  const assemble = (values: NDArray[], shape: readonly number[], d = 0): NDArray => {
    if (d === axes.length) return values[0];
    const inner = shape.slice(d + 1).reduce((a, b) => a * b, 1);
    const rows: NDArray[] = [];
    for (let i = 0; i < shape[d]; i++) rows.push(assemble(values.slice(i * inner, (i + 1) * inner), shape, d + 1));
    return rows.length === 1 ? rows[0] : concatenate(rows, { axis: along[d] });
  };
  const opts = { axis: axes, keepdims: true };
  /** NumPy's reduction of one group's partials (`last`: the final one, Dask's aggregate). */
  const reduceGroup = (group: Partial[], shape: readonly number[], last: boolean): Partial => {
    if (moments) return momentGroup(group, shape, last ? plan.ref.dtype : "float64");
    const all = assemble(group.map((p) => p.value), shape);
    const value = (reduction === "prod" ? all.prod(opts) : all.sum(opts)) as NDArray;
    return reduction === "mean" ? { value, count: group.reduce((n, p) => n + p.count!, 0) } : { value };
  };
  /**
   * moment_combine and moment_agg of one group: n = Σ ns, total = Σ totals, mu = total / n,
   * M = Σ Ms + Σ ns·(totals / ns − mu)², each Σ NumPy's sum over the group put together
   * (`x ** 2` is NumPy's square, x·x). Every sum runs in `dtype` (its dtype= argument): the
   * result's for the aggregate, float64 for the combines (Dask passes the result's dtype to the
   * chunk and aggregate functions only), so a float32 var keeps float64 partials between its
   * levels. Dask's divide(a, b, dtype) divides in NumPy's dtype for a and b, then casts (its
   * NumPy 1.24 fallback, dask/array/numpy_compat.py): totals / ns in float64 (ns is int64 or
   * float64), rounded to `dtype`. ns·x² is a float64 product, rounded to `dtype` by the sum.
   */
  const momentGroup = (group: Partial[], shape: readonly number[], dtype: DType): Partial => {
    if (axes.length === 1 && dtype === "float64") {
      const fast = momentGroupLoop(group);
      if (fast) return fast;
    }
    const cast = (x: NDArray) => (x.dtype === dtype ? x : x.astype(dtype));
    const raw = assemble(group.map((p) => p.value), shape);
    const ns = assemble(group.map((p) => full(p.value.shape, p.count!, { dtype: "float64" })), shape);
    const n = group.reduce((k, p) => k + p.count!, 0);
    const total = cast(raw).sum(opts) as NDArray;
    const inner = cast(raw.div(ns)).sub(total.div(full(total.shape, n, { dtype })));
    const m2 = (cast(assemble(group.map((p) => p.m2!), shape)).sum(opts) as NDArray).add(cast(ns.mul(inner.mul(inner))).sum(opts) as NDArray);
    return { value: total, count: n, m2 };
  };
  let grid = [...plan.grid];
  let cells = [...parts];
  for (let level = 1; level < depth; level++) {
    const next = grid.map((n) => Math.ceil(n / every));
    const out: Partial[] = [];
    forEachIndex(next, (g) => {
      const lo = g.map((k) => k * every);
      const size = lo.map((l, d) => Math.min(every, grid[d] - l));
      const group: Partial[] = [];
      forEachIndex(size, (o) => group.push(cells[flatIndex(o.map((k, d) => lo[d] + k), grid)]));
      out.push(reduceGroup(group, size, false));
    });
    grid = next;
    cells = out;
  }
  return reduceFinish(plan, reduceGroup(cells, grid, true));
}

/**
 * The moment group of reduceAll over one reduced axis in float64, element by element: there
 * each Σ is NumPy's sum of at most split_every (4) values along one axis, which adds them in
 * order from 0 (a pairwise sum under 8 values, or one slice after another), so the same bits
 * as the NDArray path without its temporaries (a 4000² std(-1) in 1000² chunks: its 16
 * groups took ~1.1 ms that way, 7% of the compute). Undefined unless every partial is a
 * contiguous float64 array of one shape.
 */
function momentGroupLoop(group: readonly Partial[]): Partial | undefined {
  const shape = group[0].value.shape;
  const xs = group.flatMap((p) => [p.value, p.m2!]);
  if (!xs.every((x) => x.dtype === "float64" && x.isContiguous && x.shape.length === shape.length && x.shape.every((k, d) => k === shape[d]))) return undefined;
  const len = group[0].value.size;
  const totals = group.map((p) => p.value.nd.data as Float64Array), m2s = group.map((p) => p.m2!.nd.data as Float64Array);
  const offsets = group.map((p) => p.value.nd.offset), m2Offsets = group.map((p) => p.m2!.nd.offset);
  const counts = group.map((p) => p.count!);
  const n = counts.reduce((a, b) => a + b, 0);
  const total = new Float64Array(len), m2 = new Float64Array(len);
  momentGroupKernel(totals, offsets, m2s, m2Offsets, counts, n, len, total, m2);
  return { value: new NDArray(total, [...shape], "float64"), count: n, m2: new NDArray(m2, [...shape], "float64") };
}

/**
 * momentGroupLoop's loop, a function of its own (V8 optimizes the function holding a hot loop
 * on the thread that runs it; with its checks around it, that compilation took milliseconds).
 * Per element: total = Σ t, mu = total / n, M = Σ m2 + Σ n_g·(t_g / n_g − mu)², each Σ in order
 * from 0.
 */
function momentGroupKernel(totals: Float64Array[], offsets: number[], m2s: Float64Array[], m2Offsets: number[], counts: number[], n: number, len: number, total: Float64Array, m2: Float64Array): void {
  const k = totals.length;
  for (let i = 0; i < len; i++) {
    let t = 0;
    for (let g = 0; g < k; g++) t += totals[g][offsets[g] + i];
    const mu = t / n;
    let ms = 0, cs = 0;
    for (let g = 0; g < k; g++) {
      ms += m2s[g][m2Offsets[g] + i];
      const d = totals[g][offsets[g] + i] / counts[g] - mu;
      cs += counts[g] * (d * d);
    }
    total[i] = t;
    m2[i] = ms + cs;
  }
}

/** Calls `f` with every index of `shape`, in C order. */
function forEachIndex(shape: readonly number[], f: (idx: number[]) => void): void {
  const total = shape.reduce((a, b) => a * b, 1);
  for (let k = 0; k < total; k++) {
    const idx = new Array<number>(shape.length);
    let rest = k;
    for (let d = shape.length - 1; d >= 0; d--) {
      idx[d] = rest % shape[d];
      rest = Math.floor(rest / shape[d]);
    }
    f(idx);
  }
}

/** The C-order position of `idx` in `shape`. */
function flatIndex(idx: readonly number[], shape: readonly number[]): number {
  return idx.reduce((k, i, d) => k * shape[d] + i, 0);
}

/** The output block from the combined partial of every job. */
function reduceFinish(plan: ReducePlan, acc: Partial): NDArray {
  const { node, ref } = plan;
  let result = finishPartial(node.reduction, acc, node.ddof);
  if (!node.keepdims) result = result.reshape(plan.outShape);
  if (result.dtype !== ref.dtype) result = result.astype(ref.dtype);
  return result;
}

function evalReduce(ref: LazyRef, idx: readonly number[], reg: readonly DimRegion[]): Produced {
  const plan = reducePlan(ref, idx, reg);
  return { array: reduceAll(plan, plan.jobs.map((job) => reducePartial(plan, job))), owned: false };
}
