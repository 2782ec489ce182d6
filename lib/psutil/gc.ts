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

/** Runs the callbacks a FinalizationRegistry has pending (see {@link runPendingFinalizers}). */
const pendingFinalizers: Array<() => void> = [];

/**
 * Has every full reading run `run` between its two collections: a FinalizationRegistry's
 * `cleanupSome` (V8's `--harmony-weak-refs-with-cleanup-some`, which the executor is started
 * with). V8 runs a registry's callbacks as a task of the event loop, and until then the held
 * value of each collected target stays alive: lib/da/pool.ts holds a dropped result's buffer
 * there. Whether that task had run before a reading depended on the event loop's timing, and
 * a notebook's first allocation read -7.47 or -7.70 MB for an 8,000,000-byte array, as a
 * 245 KB buffer of the warm-up's computes was freed before or inside the cell. Run at the
 * reading, the callbacks free what they hold in its second collection, every run.
 */
export function runPendingFinalizers(run: () => void): void {
  pendingFinalizers.push(run);
}

/** A full, synchronous garbage collection (with `--expose-gc`, or enabling it on demand). */
export function collectGarbage(): void {
  // Twice: the first pass finds dead objects whose finalizers (V8's weak callbacks, the
  // registries' callbacks run here) free more in the second.
  gcFunction()();
  for (const run of pendingFinalizers) run();
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
