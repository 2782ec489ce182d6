/** A worker thread of the pool: runs fold tasks and posts their results. */
import { parentPort } from "node:worker_threads";
import { runFold } from "./run-fold";
import type { FoldResult, FoldTask } from "./task";

parentPort!.on("message", (task: FoldTask) => {
  let result: FoldResult;
  try {
    result = { id: task.id, ok: true, acc: runFold(task) };
  } catch (e) {
    result = { id: task.id, ok: false, error: `${(e as Error).name}: ${(e as Error).message}` };
  }
  parentPort!.postMessage(result);
});
