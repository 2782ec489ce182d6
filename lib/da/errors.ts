/** The errors a compute reports, with stable names users see in tracebacks. */

/**
 * A task of a compute failed: the message names the task (`map-blocks-0000002a, block (3, 4)`)
 * and the original error, which is also the `cause`. Raised for tasks run in the notebook's
 * thread and on worker threads alike, and when a worker dies under a task.
 */
export class TaskError extends Error {
  override name = "TaskError";
}

/** A compute was cancelled (a kernel interrupt, or `cancel()`); its buffers are released. */
export class ComputeCancelled extends Error {
  override name = "Interrupted";
  constructor(what = "the compute was interrupted; its chunk buffers were released") {
    super(what);
  }
}
