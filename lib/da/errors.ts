/** The errors a compute reports, with stable names users see in tracebacks. */

/**
 * A task of a compute failed: the message names the task (`map-blocks-0000002a, block (3, 4)`)
 * and the original error. Raised for tasks on worker threads, when a worker dies under a task,
 * and for in-thread tasks that throw something other than an Error. An Error thrown by an
 * in-thread task keeps its own class (as Dask re-raises a task's own exception, so code that
 * catches it by type still works), with the task and block put in front of its message.
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
