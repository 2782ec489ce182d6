/**
 * The banded path of a big fused reduction whose leaves are in memory (`fromArray` over
 * shared memory, constants, small copies): its input-block tasks are grouped into bands of
 * blocks side by side along the last axis, each read line by line across its blocks, in
 * memory order (fold-block.ts), by whichever pool thread claims it (run-bands.ts), or with a
 * pool of one by the notebook's thread, band after band. Each block's partial is still its
 * own, combined on the notebook's thread in the same order as in-thread, so results are the
 * same bit for bit whatever the bands and the thread count.
 */
import { blockIndices } from "../chunks";
import { foldedPartial, foldJob, Partial, reducePlan, ReducePlan } from "../evaluate";
import type { LazyRef } from "../graph";
import { PARALLEL_MIN_ELEMENTS } from "./parallel";
import { cancelGroup, poolSize, runOnPool } from "./pool";
import { runBand } from "./run-bands";
import type { ComputeRun } from "./run";
import type { BandsTask } from "./task";

/**
 * Bands per worker thread the tasks are cut into at least (when there are enough blocks):
 * wider bands read more in memory order, more bands balance the threads better when one of
 * them is slowed down (a shared machine).
 */
const BANDS_PER_THREAD = 2;
// Claimed bands were also tried cut into pieces of rows (the first kept dimension, same bits),
// 8 or 16 per thread instead of 2: measured in one process, the same pool, cut and uncut in
// turn (4000x4000, 1000x1000 chunks, executor flags, load 11-18), cut pieces were 0.9-1.3x the
// time of uncut bands for std(-1) and 1.15-1.2x for (sqrt(abs(x))*2+1).sum(-1) and min(-1);
// cutting columns (axis-0 reductions) cost 1.1-2.4x the CPU per element. Not done.

interface Item {
  key: string;
  plan: ReducePlan;
  job: ReducePlan["jobs"][number];
  task: NonNullable<ReturnType<typeof foldJob>>;
}

function numblocks(x: LazyRef): number[] {
  return x.chunks.map((c) => c.length);
}

/** Whether `b` can follow `a` in a band: the next block along the last axis, read alike. */
function joins(a: Item, b: Item): boolean {
  const ia = a.job.inIdx, ib = b.job.inIdx, last = ia.length - 1;
  if (last < 0 || ib[last] !== ia[last] + 1) return false;
  for (let d = 0; d < last; d++) if (ia[d] !== ib[d] || a.task.shape[d] !== b.task.shape[d]) return false;
  const la = a.task.leaves, lb = b.task.leaves;
  return la.every((l, i) => l.data === lb[i].data && l.stride.length === lb[i].stride.length && l.stride.every((s, d) => s === lb[i].stride[d]));
}

/** Items in bands: consecutive blocks along the last axis, at most `max` to a band. */
function bandsOf(items: Item[], max: number): Item[][] {
  const order = (i: Item) => i.job.inIdx;
  const sorted = [...items].sort((a, b) => {
    const ia = order(a), ib = order(b);
    for (let d = 0; d < ia.length; d++) if (ia[d] !== ib[d]) return ia[d] - ib[d];
    return 0;
  });
  const bands: Item[][] = [];
  for (const it of sorted) {
    const band = bands[bands.length - 1];
    if (band && band.length < max && joins(band[band.length - 1], it)) band.push(it);
    else bands.push([it]);
  }
  return bands;
}

function bandLabel(x: LazyRef, band: Item[]): string {
  const first = band[0].job.inIdx.join(", ");
  return band.length === 1 ? `${x.name}, block (${first})` : `${x.name}, blocks (${first}) to (${band[band.length - 1].job.inIdx.join(", ")})`;
}

/** How often the progress display's count of done blocks is brought up to date while the bands run. */
const PROGRESS_MS = 100;

/**
 * The partials of a big fused reduction's input-block tasks, run on the worker pool in bands
 * (with a pool of one, in this thread, band by band). Keyed by output block and job number
 * (`"i,j/k"`); undefined when the reduction does not qualify (too small, or leaves that would
 * have to be computed or copied). One task per thread, each claiming bands until none is left
 * (run-bands.ts): the bands are cut before any runs and every band's partials have a fixed
 * place, so the results are the same whoever computes which band.
 */
export async function poolPartials(x: LazyRef, run: ComputeRun): Promise<Map<string, Partial> | undefined> {
  const node = x.node as Extract<LazyRef["node"], { kind: "reduce" }>;
  if (node.input.shape.reduce((a, b) => a * b, 1) < PARALLEL_MIN_ELEMENTS) return undefined;
  const items: Item[] = [];
  for (const idx of blockIndices(numblocks(x))) {
    const plan = reducePlan(x, idx);
    plan.jobs.forEach((job, j) => {
      const task = foldJob(plan, job);
      if (task) items.push({ key: `${idx.join(",")}/${j}`, plan, job, task });
    });
    if (items.length === 0) return undefined;
  }
  const max = Math.max(1, Math.floor(items.length / (BANDS_PER_THREAD * poolSize())));
  const { expr, program, fold, axes } = items[0].task;
  const sizeOf = (it: Item) => it.task.shape.reduce((p, n, d) => (axes.includes(d) ? p : p * n), fold === "moments" ? 2 : 1);
  const bands = bandsOf(items, max);
  const at = new Map<Item, number>();
  let total = 0;
  for (const band of bands) for (const it of band) at.set(it, total), (total += sizeOf(it));
  const out = new Float64Array(new SharedArrayBuffer(8 * total));
  const next = new Int32Array(new SharedArrayBuffer(8));
  const task: Omit<BandsTask, "id"> = {
    kind: "bands",
    expr,
    program,
    fold,
    axes,
    bands: bands.map((band) => ({
      leaves: band[0].task.leaves.map((l) => ({ data: l.data, stride: l.stride })),
      parts: band.map((it) => ({ offsets: it.task.leaves.map((l) => l.offset), shape: it.task.shape })),
      at: at.get(band[0])!,
      label: bandLabel(x, band),
    })),
    out,
    next,
    label: `${x.name}, ${items.length} blocks in ${bands.length} bands`,
  };
  if (poolSize() < 2) {
    // A pool of one: this thread runs the bands, a slice of the compute at a time (progress,
    // interrupts). Read a row of blocks at a time, as a pool thread reads them, a one-thread
    // sqrt chain over 4000x4000 took 1.24 ns/element block by block (the chain loop waiting on
    // each 8 KB line of a block, 32 KB from the next) and 0.70 in bands.
    try {
      for (let b = 0; b < task.bands.length; b++) {
        if (run.due()) await run.slice();
        runBand(task, b);
        run.done += task.bands[b].parts.length;
      }
    } finally {
      items.forEach((it) => it.task.done());
    }
    return partialsOf(items, at, sizeOf, out);
  }
  const threads = Math.min(poolSize(), bands.length);
  const base = run.done;
  const progress = setInterval(() => (run.done = base + Atomics.load(next, 1)), PROGRESS_MS);
  progress.unref();
  run.onCancel((e) => cancelGroup(run.group, e));
  const tasks = Array.from({ length: threads }, () => runOnPool(task, run.group));
  try {
    await Promise.all(tasks);
  } catch (e) {
    // The other threads stop claiming (run-bands.ts); the leaves are given back once they have.
    Atomics.store(next, 0, bands.length);
    await Promise.allSettled(tasks);
    throw e;
  } finally {
    clearInterval(progress);
    items.forEach((it) => it.task.done());
  }
  run.done = base + items.length;
  return partialsOf(items, at, sizeOf, out);
}

/** Each item's partial from its place in the bands' result. */
function partialsOf(items: readonly Item[], at: ReadonlyMap<Item, number>, sizeOf: (it: Item) => number, out: Float64Array): Map<string, Partial> {
  const results = new Map<string, Partial>();
  for (const it of items) {
    const a = at.get(it)!;
    // A copy: the partial must not keep the shared buffer of every band alive.
    results.set(it.key, foldedPartial(it.plan, it.job, out.slice(a, a + sizeOf(it))));
  }
  return results;
}
