/** A worker thread of the pool: runs fold tasks and posts their results. */
import { parentPort } from "node:worker_threads";
import { foldBand, momentsBand } from "../fold-block";
import { runFold } from "./run-fold";
import { runMap } from "./map";
import type { FoldResult, PoolTask } from "./task";

parentPort!.on("message", (task: PoolTask) => {
  let result: FoldResult;
  try {
    result = { id: task.id, ok: true, acc: task.kind === "map" ? runMap(task) : task.kind !== "band" ? runFold(task) : task.fold === "moments" ? momentsBand(task.program!, task.leaves, task.parts, task.axes) : foldBand(task.expr, task.fold, task.leaves, task.parts, task.axes, task.program) };
  } catch (e) {
    result = { id: task.id, ok: false, error: `${(e as Error).name}: ${(e as Error).message}` };
  }
  parentPort!.postMessage(result, result.ok && typeof result.acc !== "number" ? [result.acc.buffer as ArrayBuffer] : []);
});
