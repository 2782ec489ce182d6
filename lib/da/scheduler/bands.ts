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
import type { BandsTask } from "./task";

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

/** How often the progress display's count of done blocks is brought up to date while the bands run. */
const PROGRESS_MS = 100;

/**
 * Pieces the threads claim, per thread, at least (bands are cut into pieces to get there):
 * the last piece decides how long one thread waits for the other, so a piece should be a
 * small part of a thread's share.
 */
const PIECES_PER_THREAD = 8;

/** The fewest elements of a piece cut from a band (~0.3-1 ms of work: claiming and setting up a piece is nothing beside it). */
const PIECE_MIN_ELEMENTS = 1 << 19;

type Piece = BandsTask["bands"][number];

/**
 * A band as pieces along the first dimension its partials keep (every dimension before it is
 * reduced or of length 1) unless that is the last, so each part's partial is cut into consecutive runs, one per
 * piece: every output of a reduction is made of its own elements in its own order, so a piece
 * gives the same values for its outputs as the whole band. `at`: where each item's partial
 * starts in the shared result; `halves`: 2 for var/std (means, then sums of squared
 * deviations), else 1. A band not cut is one piece.
 */
function piecesOf(x: LazyRef, band: Item[], axes: readonly number[], halves: number, at: Map<Item, number>, cut: number): Piece[] {
  const shape = band[0].task.shape;
  const d = shape.findIndex((n, k) => n > 1 && !axes.includes(k));
  // Never the last dimension: the lines a band is read in. Narrower lines cost more than the
  // balance gains (one thread, CPU per element of a band of four 1000x1000 blocks of a 4000-wide
  // array cut into 2 / 4 pieces of columns: mean(0) 0.67 -> 1.32 / 1.63 ns, var(0) 0.77 -> 0.85 /
  // 1.08; cut into pieces of rows, std(-1) and sum(-1) cost the same).
  const n = d < 0 || d === shape.length - 1 ? 1 : Math.min(cut, shape[d]);
  // The leaves' strides along d, and each part's outputs per index of d (its partial's size / shape[d]).
  const size = (it: Item) => it.task.shape.reduce((p, m, k) => (axes.includes(k) ? p : p * m), 1);
  const pieces: Piece[] = [];
  for (let k = 0; k < n; k++) {
    const r0 = n === 1 ? 0 : Math.floor((k * shape[d]) / n), r1 = n === 1 ? 0 : Math.floor(((k + 1) * shape[d]) / n);
    const segments: number[] = [];
    const parts = band.map((it) => {
      const whole = size(it);
      if (n === 1) {
        for (let h = 0; h < halves; h++) segments.push(at.get(it)! + h * whole, whole);
        return { offsets: it.task.leaves.map((l) => l.offset), shape: it.task.shape };
      }
      const per = whole / it.task.shape[d];
      for (let h = 0; h < halves; h++) segments.push(at.get(it)! + h * whole + r0 * per, (r1 - r0) * per);
      const cutShape = it.task.shape.slice();
      cutShape[d] = r1 - r0;
      return { offsets: it.task.leaves.map((l) => l.offset + r0 * l.stride[d]), shape: cutShape };
    });
    pieces.push({ leaves: band[0].task.leaves.map((l) => ({ data: l.data, stride: l.stride })), parts, segments, label: bandLabel(x, band) + (n === 1 ? "" : `, piece ${k + 1} of ${n}`) });
  }
  return pieces;
}

/**
 * The partials of a big fused reduction's input-block tasks, run on the worker pool in bands.
 * Keyed by output block and job number (`"i,j/k"`); undefined when the reduction does not
 * qualify (one thread, too small, or leaves that would have to be computed or copied). One
 * task per thread, each claiming pieces of bands until none is left (run-bands.ts): the
 * pieces are cut before any runs and every piece's partials have a fixed place, so the
 * results are the same whoever computes which piece.
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
  const { expr, program, fold, axes } = items[0].task;
  const halves = fold === "moments" ? 2 : 1;
  const sizeOf = (it: Item) => it.task.shape.reduce((p, n, d) => (axes.includes(d) ? p : p * n), halves);
  const bands = bandsOf(items, max);
  const at = new Map<Item, number>();
  let total = 0;
  for (const band of bands) for (const it of band) at.set(it, total), (total += sizeOf(it));
  const elements = node.input.shape.reduce((a, b) => a * b, 1);
  const want = Math.min(PIECES_PER_THREAD * poolSize(), Math.max(1, Math.floor(elements / PIECE_MIN_ELEMENTS)));
  const cut = Math.max(1, Math.ceil(want / bands.length));
  const pieces = bands.flatMap((band) => piecesOf(x, band, axes, halves, at, cut));
  const out = new Float64Array(new SharedArrayBuffer(8 * total));
  const next = new Int32Array(new SharedArrayBuffer(8));
  const task: Omit<BandsTask, "id"> = { kind: "bands", expr, program, fold, axes, bands: pieces, out, next, label: `${x.name}, ${items.length} blocks in ${pieces.length} pieces` };
  const threads = Math.min(poolSize(), pieces.length);
  const base = run.done;
  const progress = setInterval(() => (run.done = base + Math.floor((items.length * Atomics.load(next, 1)) / pieces.length)), PROGRESS_MS);
  progress.unref();
  run.onCancel((e) => cancelGroup(run.group, e));
  const tasks = Array.from({ length: threads }, () => runOnPool(task, run.group));
  try {
    await Promise.all(tasks);
  } catch (e) {
    // The other threads stop claiming (run-bands.ts); the leaves are given back once they have.
    Atomics.store(next, 0, pieces.length);
    await Promise.allSettled(tasks);
    throw e;
  } finally {
    clearInterval(progress);
    items.forEach((it) => it.task.done());
  }
  run.done = base + items.length;
  const results = new Map<string, Partial>();
  for (const it of items) {
    const a = at.get(it)!;
    // A copy: the partial must not keep the shared buffer of every band alive.
    results.set(it.key, foldedPartial(it.plan, it.job, out.slice(a, a + sizeOf(it))));
  }
  return results;
}
