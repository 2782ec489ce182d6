/**
 * Runs a FoldTask (in a worker thread or in-thread): each leaf is generated a piece at a time
 * into a small reused buffer and the fused fold kernel consumes it, so memory stays at a few
 * hundred kB whatever the chunk size.
 */
import { isMainThread } from "node:worker_threads";
import * as npRandom from "../../np/random";
import { foldKernel } from "../fuse";
import { FoldTask, PIECE } from "./task";

/**
 * In a worker thread, piece buffers are reused from task to task: a fresh 512 kB buffer per
 * leaf and task is freed only when V8 next collects garbage in that thread, and with a
 * worker's small young generation that came only after tens of MB of them (peak RSS of the
 * 20000² reduction: 134 MB, growing with the number of tasks, against ~90 MB so). The
 * notebook's thread keeps nothing between computes (its memory is what the probes report).
 */
const scratch: Float64Array[] = [];

function pieceBuffer(i: number): Float64Array {
  if (isMainThread) return new Float64Array(PIECE);
  return (scratch[i] ??= new Float64Array(PIECE));
}

export function runFold(task: FoldTask): number {
  const k = task.leaves.length;
  const kernel = foldKernel(task.expr, k, task.fold);
  const bufs = task.leaves.map((_, i) => pieceBuffer(i).subarray(0, Math.min(PIECE, task.n)));
  const gens = task.leaves.map(({ spec, block }) => {
    if (spec.kind !== "random") return undefined;
    let flat = 0;
    block.forEach((b, d) => (flat = flat * spec.numblocks[d] + b));
    return npRandom.defaultRng([spec.seed, flat]);
  });
  task.leaves.forEach(({ spec }, i) => {
    if (spec.kind === "full") bufs[i].fill(spec.value);
  });
  let acc = task.fold === "sum" ? 0 : task.fold === "min" ? Infinity : -Infinity;
  for (let done = 0; done < task.n; done += PIECE) {
    const m = Math.min(PIECE, task.n - done);
    const args: unknown[] = [];
    task.leaves.forEach(({ spec }, i) => {
      const g = gens[i];
      const b = m === bufs[i].length ? bufs[i] : bufs[i].subarray(0, m);
      if (g && spec.kind === "random") {
        if (spec.dist === "standard_normal") g.fillStandardNormal(b);
        else g.fillRandom(b);
      }
      args.push(b, 0, 1);
    });
    acc = kernel(...args, m, acc);
  }
  return acc;
}
