/**
 * A full, synchronous garbage collection of the calling thread's isolate: the memory probes
 * collect before every reading, on the notebook's thread and in each worker they ask.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

let gcFn: (() => void) | undefined;

/** Node's gc function (with `--expose-gc`, or enabled on demand). */
function gcFunction(): () => void {
  if (!gcFn) {
    const g = (globalThis as { gc?: () => void }).gc;
    if (typeof g === "function") gcFn = g;
    else {
      setFlagsFromString("--expose-gc");
      gcFn = runInNewContext("gc") as () => void;
    }
  }
  return gcFn;
}

/** A full, synchronous garbage collection (with `--expose-gc`, or enabling it on demand). */
export function collectGarbage(): void {
  // Twice: the first pass runs finalizers that free more in the second.
  gcFunction()();
  gcFunction()();
}

/**
 * One full collection: what a dropped array buffer needs to be freed (its backing store goes
 * with it), at half collectGarbage's cost, for readings made often (lib/tracemalloc's peak
 * while a loop makes arrays); what finalizers free waits for the next full reading.
 */
export function collectGarbageOnce(): void {
  gcFunction()();
}
