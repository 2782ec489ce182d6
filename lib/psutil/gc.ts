/**
 * A full, synchronous garbage collection of the calling thread's isolate: the memory probes
 * collect before every reading, on the notebook's thread and in each worker they ask.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

let gcFn: (() => void) | undefined;

/** A full, synchronous garbage collection (with `--expose-gc`, or enabling it on demand). */
export function collectGarbage(): void {
  if (!gcFn) {
    const g = (globalThis as { gc?: () => void }).gc;
    if (typeof g === "function") gcFn = g;
    else {
      setFlagsFromString("--expose-gc");
      gcFn = runInNewContext("gc") as () => void;
    }
  }
  // Twice: the first pass runs finalizers that free more in the second.
  gcFn();
  gcFn();
}
