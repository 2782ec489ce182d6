/**
 * The scheduler behind `compute()`, `persist()` and `da.compute(a, b)`: it runs a graph's tasks
 * in the notebook's thread a slice at a time (or as fold tasks on the worker pool), counts
 * them for the progress display, stops at a kernel interrupt, and gives every chunk buffer
 * of a cancelled or failed compute back to the pool.
 */
import { NDArray } from "../../np/ndarray";
import { asNumpyScalar } from "../../np/numpy-scalar";
import { Slice } from "../../np/indexing";
import { assign } from "../../np/ufunc";
import { onInterrupt } from "../../notebook/host";
import { blockIndices, boundaries } from "../chunks";
import { blockShape, evalBlock, evalFusedInto, evalFusedRegionInto, regionFree, isShared, Partial, reduceAll, reducePartial, reducePlan, release, shareBlocks } from "../evaluate";
import { mapSlabKernel } from "../fuse";
import { dependencies, LazyRef, Produced } from "../graph";
import { beyondCap, give, itemsize, mayComeBack, recycleWhenDropped, take } from "../pool";
import { watchProgress } from "../progress";
import { writeSlabs } from "../slab";
import { viewOf } from "../views";
import { poolPartials } from "./bands";
import { poolMap } from "./map";
import { computeFolded, foldTasks } from "./parallel";
import { ComputeRun } from "./run";
import { clusterWanted, computeOnCluster } from "../cluster";

/** A cluster's result cut into `x`'s chunks (what persist() keeps). */
function splitBlocks(x: LazyRef, whole: NDArray): Map<string, NDArray> {
  const b = x.chunks.map((c) => boundaries(c));
  const out = new Map<string, NDArray>();
  for (const idx of blockIndices(numblocks(x))) out.set(idx.join(","), whole.get(idx.map((k, d) => new Slice(b[d][k], b[d][k + 1]))).copy());
  return out;
}

/** The copy kernel the blocks of a result are assembled with. */
const COPY = mapSlabKernel("v0", 1);

/** Nodes reachable from more than one root: their blocks are computed once and shared. */
function sharedNodes(roots: readonly LazyRef[]): Set<LazyRef> {
  const count = new Map<LazyRef, number>();
  roots.forEach((root) => {
    const seen = new Set<LazyRef>();
    const visit = (r: LazyRef) => {
      if (seen.has(r)) return;
      seen.add(r);
      count.set(r, (count.get(r) ?? 0) + 1);
      dependencies(r.node).forEach(visit);
    };
    visit(root);
  });
  return new Set([...count].filter(([r, n]) => n > 1 && r.node.kind !== "source" && r.node.kind !== "stored").map(([r]) => r));
}

function numblocks(x: LazyRef): number[] {
  return x.chunks.map((c) => c.length);
}

/** Every block of `x`, each produced by its tasks (a reduction's input blocks one task each). */
async function blocksOf(x: LazyRef, run: ComputeRun, held: Produced[]): Promise<{ idx: number[]; p: Produced }[]> {
  const out: { idx: number[]; p: Produced }[] = [];
  const pooled = x.node.kind === "reduce" ? await poolPartials(x, run) : undefined;
  for (const idx of blockIndices(numblocks(x))) {
    if (run.due()) await run.slice();
    if (x.node.kind === "reduce") {
      const plan = reducePlan(x, idx);
      const parts: Partial[] = [];
      for (let j = 0; j < plan.jobs.length; j++) {
        let part = pooled?.get(`${idx.join(",")}/${j}`);
        if (!part) {
          if (run.due()) await run.slice();
          part = reducePartial(plan, plan.jobs[j]);
          run.done++;
        }
        parts.push(part);
      }
      const p = { array: reduceAll(plan, parts), owned: false };
      held.push(p);
      out.push({ idx, p });
    } else {
      const p = evalBlock(x, idx);
      held.push(p);
      out.push({ idx, p });
      run.done++;
    }
  }
  return out;
}

function taskCount(x: LazyRef): number {
  const blocks = numblocks(x).reduce((a, b) => a * b, 1);
  if (x.node.kind !== "reduce") return blocks;
  const input = x.node.input;
  return blocks * x.node.axes.reduce((p, d) => p * input.chunks[d].length, 1);
}

/**
 * An elementwise result: each block's fused kernel writes straight into the result buffer
 * (no chunk per block, nothing to assemble). Same values and tasks as computing every chunk.
 */
/** The fewest elements a batch of blocks of a region-free elementwise result runs at once. */
const BATCH_ELEMENTS = 1 << 16;

async function computeElementwise(x: LazyRef, run: ComputeRun, size: number): Promise<NDArray> {
  const buf = take(x.dtype, size);
  const out = new NDArray(buf, x.shape, x.dtype);
  const stride = out.nd.stride;
  const b = x.chunks.map((c) => boundaries(c));
  let done = false;
  try {
    if (x.shape.length > 0 && regionFree(x)) {
      // Leaves that read the same whatever the blocks: consecutive rows of blocks are run as
      // one batch (one kernel pass of at least BATCH_ELEMENTS, or one row of blocks).
      // Big results in shared memory: rows of blocks written in place by the worker pool (map.ts).
      if (await poolMap(x, run, buf, stride)) {
        done = true;
        recycleWhenDropped(buf, x.dtype, buf);
        return out;
      }
      const rest = x.shape.slice(1);
      const perRow = rest.reduce((a, c) => a * c, 1);
      const rowBlocks = numblocks(x).slice(1).reduce((a, c) => a * c, 1);
      const c0 = x.chunks[0];
      for (let i = 0; i < c0.length; ) {
        let j = i, elements = 0;
        do elements += c0[j++] * perRow;
        while (j < c0.length && elements < BATCH_ELEMENTS);
        if (run.due()) await run.slice();
        evalFusedRegionInto(x, [i, ...rest.map(() => 0)], [b[0][i], ...rest.map(() => 0)], [b[0][j] - b[0][i], ...rest], buf, b[0][i] * stride[0], stride);
        run.done += (j - i) * rowBlocks;
        i = j;
      }
      done = true;
      recycleWhenDropped(buf, x.dtype, buf);
      return out;
    }
    for (const idx of blockIndices(numblocks(x))) {
      if (run.due()) await run.slice();
      let offset = 0;
      for (let d = 0; d < idx.length; d++) offset += b[d][idx[d]] * stride[d];
      const reg = blockShape(x, idx).map((n) => ({ start: 0, step: 1, length: n }));
      evalFusedInto(x, idx, reg, buf, offset, stride);
      run.done++;
    }
    done = true;
  } finally {
    if (!done) give(x.dtype, buf);
  }
  recycleWhenDropped(buf, x.dtype, buf);
  return out;
}

/** A view-only result (views.ts): one copy of the source's region, counted as its block tasks. */
function copyOfView(x: LazyRef, view: NDArray, size: number, run: ComputeRun): NDArray {
  run.check();
  const buf = take(x.dtype, size);
  const out = new NDArray(buf, x.shape, x.dtype);
  try {
    assign(out, view);
  } catch (e) {
    give(x.dtype, buf);
    throw e;
  }
  run.done += taskCount(x);
  recycleWhenDropped(buf, x.dtype, buf);
  return out;
}

async function computeOne(x: LazyRef, run: ComputeRun): Promise<NDArray> {
  const size = x.shape.reduce((a, b) => a * b, 1);
  if (size === 0) return new NDArray(take(x.dtype, 0), x.shape, x.dtype);
  const folded = foldTasks(x);
  if (folded) return computeFolded(x, folded, run);
  const view = viewOf(x);
  if (view && view.shape.length === x.shape.length && view.shape.every((n, d) => n === x.shape[d])) return copyOfView(x, view, size, run);
  if ((x.node.kind === "binary" || x.node.kind === "unary") && !isShared(x)) return computeElementwise(x, run, size);
  const held: Produced[] = [];
  // A result the pool never keeps is taken before its chunks are computed: if the machine
  // refuses its memory, the compute stops with NumPy's MemoryError before the chunks have
  // taken what there is (a 36.5 GiB result computed its chunks until the kernel's OOM killer
  // stopped the executor). Its pages are the kernel's only once written, so the figures after
  // the compute are the same; a pooled result is still taken after, as it reuses their memory.
  const early = numblocks(x).some((n) => n > 1) && beyondCap(size * itemsize(x.dtype)) ? take(x.dtype, size, x.shape) : null;
  try {
    // Like Dask, every chunk is computed before the result is assembled from them.
    const blocks = await blocksOf(x, run, held);
    if (blocks.length === 1) {
      const p = blocks[0].p;
      held.length = 0;
      if (p.owned) {
        recycleWhenDropped(p.array.nd.data, x.dtype, p.array.nd.data);
        return p.array;
      }
      return p.array.copy();
    }
    const buf = early ?? take(x.dtype, size, x.shape);
    const out = new NDArray(buf, x.shape, x.dtype);
    const b = x.chunks.map((c) => boundaries(c));
    const stride = out.nd.stride;
    held.length = 0; // each block is released once, as soon as it is copied in
    for (const { idx, p } of blocks) {
      const a = p.array;
      if (a.dtype === x.dtype) {
        // One kernel call per block (np's assign makes one per line: 40 blocks of 100×100 took
        // ~2.5 ms that way, ~1 ms so).
        let offset = 0;
        for (let d = 0; d < idx.length; d++) offset += b[d][idx[d]] * stride[d];
        writeSlabs(COPY, [{ data: a.nd.data, stride: a.nd.stride, offset: a.nd.offset }], a.shape, buf, offset, stride);
      } else assign(out.get(idx.map((k, d) => new Slice(b[d][k], b[d][k + 1]))), a);
      release(p);
    }
    recycleWhenDropped(buf, x.dtype, buf);
    return out;
  } finally {
    // A cancelled or failed compute gives back every chunk it still holds.
    held.forEach(release);
  }
}

/**
 * Computes `roots` together: work they share is done once; results in order, a 0-d one as the
 * NumPy scalar Dask returns (`45.0`, not `array(45.)`: lib/np/numpy-scalar.ts). Interruptible
 * (the kernel interrupt rejects with `Interrupted`), with progress after a second once `da.setProgress(true)` turned it on.
 */
export async function computeAll(roots: readonly LazyRef[]): Promise<NDArray[]> {
  return (await computeArrays(roots)).map((a) => (a.ndim === 0 ? asNumpyScalar(a) : a));
}

/** The roots' results as arrays, 0-d ones included (computeAll makes those Dask's scalars). */
async function computeArrays(roots: readonly LazyRef[]): Promise<NDArray[]> {
  if (clusterWanted()) {
    const out: NDArray[] = [];
    for (const r of roots) out.push(await computeOnCluster(r));
    return out;
  }
  const run = new ComputeRun();
  run.total = roots.reduce((n, r) => n + (foldTasks(r)?.tasks.length ?? taskCount(r)), 0);
  const stopListening = onInterrupt(() => run.cancel());
  const stopProgress = watchProgress(run, roots.map((r) => r.name).join(", "));
  const unshare = roots.length > 1 ? shareBlocks(sharedNodes(roots)) : () => undefined;
  try {
    // A turn of the event loop first if a big result could reuse the buffer of one dropped
    // since the last compute: its finalizer runs only then (pool.ts). Two immediates: V8
    // queues the callbacks through an async handle that libuv reads in its poll phase, and a
    // compute started from a poll callback (a worker's message, I/O) would get its first
    // immediate before the next poll.
    if (roots.some((r) => mayComeBack(r.dtype, r.shape.reduce((a, b) => a * b, 1)))) {
      await new Promise((r) => setImmediate(() => setImmediate(r)));
      run.check();
    }
    const out: NDArray[] = [];
    for (const r of roots) out.push(await computeOne(r, run));
    return out;
  } catch (e) {
    run.cancel(e as Error);
    throw e;
  } finally {
    unshare();
    stopListening();
    stopProgress();
  }
}

/** Computes every block of `x` and keeps them (for `persist()`). */
export async function computeBlocks(x: LazyRef): Promise<Map<string, NDArray>> {
  if (clusterWanted()) return splitBlocks(x, await computeOnCluster(x));
  const run = new ComputeRun();
  run.total = taskCount(x);
  const stopListening = onInterrupt(() => run.cancel());
  const stopProgress = watchProgress(run, x.name);
  const held: Produced[] = [];
  try {
    const blocks = await blocksOf(x, run, held);
    held.length = 0;
    return new Map(blocks.map(({ idx, p }) => [idx.join(","), p.owned ? p.array : p.array.copy()]));
  } finally {
    held.forEach(release);
    stopListening();
    stopProgress();
  }
}
