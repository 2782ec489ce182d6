/** A worker thread of the pool: runs fold tasks and posts their results. */
import { parentPort } from "node:worker_threads";
import { runFold } from "./run-fold";
import { runMap } from "./map";
import { BAND_LABEL, runBands } from "./run-bands";
import type { FoldResult, PoolTask } from "./task";

function run(task: PoolTask): number | Float64Array {
  switch (task.kind) {
    case "map":
      return runMap(task);
    case "bands":
      return runBands(task);
    default:
      return runFold(task);
  }
}

parentPort!.on("message", (task: PoolTask) => {
  let result: FoldResult;
  try {
    result = { id: task.id, ok: true, acc: run(task) };
  } catch (e) {
    const band = (e as { [BAND_LABEL]?: string })?.[BAND_LABEL];
    result = { id: task.id, ok: false, error: `${(e as Error).name}: ${(e as Error).message}`, ...(band ? { label: band } : {}) };
  }
  parentPort!.postMessage(result, result.ok && typeof result.acc !== "number" ? [result.acc.buffer as ArrayBuffer] : []);
  if (task.kind === "map" && task.release && gc) setImmediate(releaseTask);
});

/**
 * A worker's copy of a task references the result's SharedArrayBuffer until this isolate
 * collects it, which a worker that allocates little does rarely; until then the memory stays
 * allocated when the notebook drops the result, and the next result beyond the chunk pool's
 * cap gets fresh pages instead of taking it (8000² `(sqrt(abs(x))*2+1).compute()`, 512 MB,
 * two threads: the freed memory was taken in 5 of 11 runs, the others 0.06-1.8 s faulting pages
 * in; with this young-generation collection (the task's copy is young), 11 of 11 at 25-51 ms).
 * `gc` is there with the executor's `--expose-gc`; without it (lazylab as a package) nothing
 * is collected here.
 */
const gc = (globalThis as { gc?: (options: { type: "minor" }) => void }).gc;
function releaseTask(): void {
  gc!({ type: "minor" });
}
