/**
 * The worker-pool path of a big elementwise result whose leaves are in memory (eager sources
 * in shared memory, constants, small copies): the result is allocated once, as in-thread, on
 * a SharedArrayBuffer, and the pool's threads write pieces of its rows in place with the same
 * slab kernel the notebook's thread would run (fuse.ts mapSlabKernel, the native expression
 * machine when there is a program). Every element is computed by the same expression from the
 * same inputs whichever thread writes it, so the result is the same bit for bit; no chunk is
 * made and nothing is copied back.
 */
import type { Storage } from "../../np/dtype";
import { fused, regionLeaves } from "../evaluate";
import { mapSlabKernel } from "../fuse";
import type { LazyRef } from "../graph";
import { beyondCap } from "../pool";
import { writeSlabs } from "../slab";
import { PARALLEL_MIN_ELEMENTS } from "./parallel";
import { cancelGroup, poolSize, runOnPool } from "./pool";
import type { ComputeRun } from "./run";
import type { MapTask } from "./task";

/**
 * Elements of a piece (rounded to whole rows): small enough that the threads finish within a
 * piece of each other (2 MB of float64, ~1 ms), big enough that claiming one is nothing
 * beside writing it and the machine's slab loop runs long lines.
 */
const PIECE_ELEMENTS = 1 << 18;

/** Leaves in ordinary (unshared) memory up to this size are copied to a worker with its task. */
const COPY_MAX_BYTES = 64 * 1024;

/** Runs a map task (in a worker thread): writes the pieces it claims; returns how many. */
export function runMap(task: MapTask): number {
  const kernel = mapSlabKernel(task.expr, task.leaves.length, task.program);
  const rows = task.shape[0];
  const leaves = task.leaves.map((l) => ({ ...l }));
  let pieces = 0;
  for (;;) {
    const r0 = Atomics.add(task.next, 0, 1) * task.piece;
    if (r0 >= rows) return pieces;
    const shape = task.shape.slice();
    shape[0] = Math.min(task.piece, rows - r0);
    for (let i = 0; i < leaves.length; i++) leaves[i].offset = task.leaves[i].offset + r0 * task.leaves[i].stride[0];
    writeSlabs(kernel, leaves, shape, task.out, task.offset + r0 * task.stride[0], task.stride);
    pieces++;
  }
}

/** Whether a worker can read `data` (shared memory, or small enough to go with the task). */
function reachable(data: Storage): boolean {
  return data.buffer instanceof SharedArrayBuffer || data.buffer.byteLength <= COPY_MAX_BYTES;
}

/**
 * Writes the {@link regionFree} elementwise result `x` into `buf` (its C-contiguous result
 * buffer, strides `stride`) on the worker pool, one task per thread claiming pieces of rows;
 * returns false (nothing written) when it does not qualify: one thread, fewer than
 * PARALLEL_MIN_ELEMENTS elements (below ~1 M elements, ~0.5 ms of work in the notebook's
 * thread, waking the threads and posting the tasks is not paid back), a result not in shared
 * memory, or a leaf a worker cannot read in place. Counts the blocks as done. On a failure or
 * cancel every task is stopped, and their threads have ended, before it throws: nothing
 * writes into `buf` after that.
 */
export async function poolMap(x: LazyRef, run: ComputeRun, buf: Storage, stride: readonly number[]): Promise<boolean> {
  const size = x.shape.reduce((a, b) => a * b, 1);
  if (poolSize() < 2 || size < PARALLEL_MIN_ELEMENTS || x.shape.length === 0 || !(buf.buffer instanceof SharedArrayBuffer)) return false;
  const leaves = regionLeaves(x, x.shape.map(() => 0), x.shape);
  if (!leaves.every((l) => reachable(l.data))) return false;
  const f = fused(x);
  const rows = x.shape[0];
  const piece = Math.max(1, Math.floor(PIECE_ELEMENTS / (size / rows)));
  const next = new Int32Array(new SharedArrayBuffer(4));
  const last = x.chunks.map((c) => c.length - 1).join(", ");
  const task: Omit<MapTask, "id"> = { kind: "map", expr: f.expr, program: f.program, leaves, shape: [...x.shape], out: buf, offset: 0, stride: [...stride], piece, next, label: `${x.name}, blocks (${x.shape.map(() => 0).join(", ")}) to (${last})`, release: beyondCap(buf.byteLength) };
  const threads = Math.min(poolSize(), Math.ceil(rows / piece));
  let stopping: Promise<void> | undefined;
  run.onCancel((e) => (stopping = cancelGroup(run.group, e)));
  try {
    await Promise.all(Array.from({ length: threads }, () => runOnPool(task, run.group)));
  } catch (e) {
    run.cancel(e as Error);
    await stopping;
    throw run.cancelled ?? e;
  }
  run.check();
  run.done += x.chunks.reduce((a, c) => a * c.length, 1);
  return true;
}
