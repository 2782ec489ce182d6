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
});
