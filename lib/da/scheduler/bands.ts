/**
 * The worker-pool path of a big fused reduction whose leaves are in memory (`fromArray` over
 * shared memory, constants, small copies): its input-block tasks are grouped into bands of
 * blocks side by side along the last axis, and each band is one pool task that reads its
 * blocks line by line across them, in memory order (fold-block.ts). Each block's partial is
 * still its own, combined on the notebook's thread in the same order as in-thread, so results
 * are the same bit for bit whatever the bands and the thread count.
 */
import { blockIndices } from "../chunks";
import { foldedPartial, foldJob, Partial, reducePlan, ReducePlan } from "../evaluate";
import type { BandLeaf, BandPart } from "../fold-block";
import type { LazyRef } from "../graph";
import { PARALLEL_MIN_ELEMENTS } from "./parallel";
import { cancelGroup, poolSize, runOnPool } from "./pool";
import type { ComputeRun } from "./run";

/**
 * Bands per worker thread the tasks are cut into at least (when there are enough blocks):
 * wider bands read more in memory order, more bands balance the threads better when one of
 * them is slowed down (a shared machine).
 */
const BANDS_PER_THREAD = 2;

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

/**
 * The partials of a big fused reduction's input-block tasks, run on the worker pool in bands.
 * Keyed by output block and job number (`"i,j/k"`); undefined when the reduction does not
 * qualify (one thread, too small, or leaves that would have to be computed or copied).
 */
export async function poolPartials(x: LazyRef, run: ComputeRun): Promise<Map<string, Partial> | undefined> {
  const node = x.node as Extract<LazyRef["node"], { kind: "reduce" }>;
  if (poolSize() < 2 || node.input.shape.reduce((a, b) => a * b, 1) < PARALLEL_MIN_ELEMENTS) return undefined;
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
  const results = new Map<string, Partial>();
  run.onCancel((e) => cancelGroup(run.group, e));
  const { expr, program, fold, axes } = items[0].task;
  await Promise.all(
    bandsOf(items, max).map((band) => {
      const leaves: BandLeaf[] = band[0].task.leaves.map((l) => ({ data: l.data, stride: l.stride }));
      const parts: BandPart[] = band.map((it) => ({ offsets: it.task.leaves.map((l) => l.offset), shape: it.task.shape }));
      return runOnPool<Float64Array>({ kind: "band", expr, program, fold, leaves, parts, axes, label: bandLabel(x, band) }, run.group)
        .then((values) => {
          let at = 0;
          for (const it of band) {
            const size = it.task.shape.reduce((p, n, d) => (axes.includes(d) ? p : p * n), fold === "moments" ? 2 : 1);
            results.set(it.key, foldedPartial(it.plan, it.job, values.subarray(at, at + size)));
            at += size;
          }
          run.done += band.length;
        })
        .finally(() => band.forEach((it) => it.task.done()));
    }),
  );
  return results;
}
