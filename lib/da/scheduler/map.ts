/**
 * The worker-pool path of a big elementwise result whose leaves are in memory (eager sources
 * in shared memory, constants, small copies): the result is allocated once, as in-thread, on
 * a SharedArrayBuffer, and each pool task writes its own rows of blocks of it in place with
 * the same slab kernel the notebook's thread would run (fuse.ts mapSlabKernel, the native
 * expression machine when there is a program). Every element is computed by the same
 * expression from the same inputs whichever thread writes it, so the result is the same bit
 * for bit; no chunk is made and nothing is copied back.
 */
import type { Storage } from "../../np/dtype";
import { boundaries } from "../chunks";
import { fused, regionLeaves } from "../evaluate";
import { mapSlabKernel } from "../fuse";
import type { LazyRef } from "../graph";
import { writeSlabs } from "../slab";
import { PARALLEL_MIN_ELEMENTS } from "./parallel";
import { cancelGroup, poolSize, runOnPool } from "./pool";
import type { ComputeRun } from "./run";
import type { MapTask } from "./task";

/**
 * Tasks per worker thread the result is cut into at least (when it has enough rows): more
 * tasks balance the threads better when one of them is slowed down (a shared machine); each
 * task still writes ≥ 1 M elements at this size, so its message costs nothing in comparison.
 */
const TASKS_PER_THREAD = 4;

/** Leaves in ordinary (unshared) memory up to this size are copied to a worker with its task. */
const COPY_MAX_BYTES = 64 * 1024;

/** Runs a map task (in a worker thread): writes its region of the result. */
export function runMap(task: MapTask): number {
  writeSlabs(mapSlabKernel(task.expr, task.leaves.length, task.program), task.leaves, task.shape, task.out, task.offset, task.stride);
  return 0;
}

/** Whether a worker can read `data` (shared memory, or small enough to go with the task). */
function reachable(data: Storage): boolean {
  return data.buffer instanceof SharedArrayBuffer || data.buffer.byteLength <= COPY_MAX_BYTES;
}

/**
 * Writes the {@link regionFree} elementwise result `x` into `buf` (its C-contiguous result
 * buffer, strides `stride`) on the worker pool, in tasks of consecutive rows of blocks cut
 * along axis 0; returns false (nothing written) when it does not qualify: one thread, fewer
 * than PARALLEL_MIN_ELEMENTS elements (below that, posting tasks and waking a thread cost
 * more than the notebook's thread takes to write it: ~1 M elements is ~0.5 ms of work), a
 * result not in shared memory, or a leaf a worker cannot read in place. Counts the blocks as
 * done. On a failure or cancel every task is stopped, and their threads have ended, before it
 * throws: nothing writes into `buf` after that.
 */
export async function poolMap(x: LazyRef, run: ComputeRun, buf: Storage, stride: readonly number[]): Promise<boolean> {
  const size = x.shape.reduce((a, b) => a * b, 1);
  if (poolSize() < 2 || size < PARALLEL_MIN_ELEMENTS || x.shape.length === 0 || !(buf.buffer instanceof SharedArrayBuffer)) return false;
  const f = fused(x);
  const rest = x.shape.slice(1);
  if (!regionLeaves(x, x.shape.map(() => 0), x.shape).every((l) => reachable(l.data))) return false;
  const c0 = x.chunks[0];
  const b0 = boundaries(c0);
  const rowBlocks = x.chunks.slice(1).reduce((a, c) => a * c.length, 1);
  // Rows of blocks per task: at least one, and enough tasks to keep every thread busy.
  const per = Math.max(1, Math.floor(c0.length / (TASKS_PER_THREAD * poolSize())));
  const tasks: { task: Omit<MapTask, "id">; blocks: number }[] = [];
  for (let i = 0; i < c0.length; i += per) {
    const j = Math.min(c0.length, i + per);
    const start = [b0[i], ...rest.map(() => 0)];
    const shape = [b0[j] - b0[i], ...rest];
    const label = `${x.name}, blocks (${[i, ...rest.map(() => 0)].join(", ")}) to (${[j - 1, ...x.chunks.slice(1).map((c) => c.length - 1)].join(", ")})`;
    tasks.push({ task: { kind: "map", expr: f.expr, program: f.program, leaves: regionLeaves(x, start, shape), shape, out: buf, offset: b0[i] * stride[0], stride: [...stride], label }, blocks: (j - i) * rowBlocks });
  }
  let stopping: Promise<void> | undefined;
  run.onCancel((e) => (stopping = cancelGroup(run.group, e)));
  try {
    await Promise.all(tasks.map(({ task, blocks }) => runOnPool(task, run.group).then(() => void (run.done += blocks))));
  } catch (e) {
    run.cancel(e as Error);
    await stopping;
    throw run.cancelled ?? e;
  }
  run.check();
  return true;
}
