/**
 * Python's `gc` module, as far as a V8 isolate has it: `gc.collect()`.
 *
 * In a notebook cell `gc` is Node's own collection function (the executor runs with
 * `--expose-gc`, so `gc()` is always there), given these functions as properties
 * (./node-gc.ts, by the executor): a tutorial's `gc.collect()` ports unchanged and `gc()` stays Node's.
 * Elsewhere, `import { gc } from "lazylab"`.
 */
import { collectGarbage } from "../psutil/gc";
import { ValueError } from "../np/errors";

/**
 * A garbage collection of the calling thread, as Python's `gc.collect(generation)`:
 * generation 2 (the default) collects everything, twice, as lazylab's memory probes do (the
 * first pass runs finalizers that free more in the second); 0 and 1 collect V8's young
 * generation only (V8 has two generations, Python three).
 *
 * Returns nothing. CPython returns how many objects it found in reference cycles; V8 frees
 * every unreachable object at once and counts none of them, so there is no such number to give.
 * What the collection gave back shows in `psutil.virtualMemory()` and in `memory`'s figures.
 *
 * @example
 * del(x);
 * gc.collect();
 * @throws ValueError `invalid generation` for anything but 0, 1 or 2, as Python.
 */
export function collect(generation: 0 | 1 | 2 = 2): void {
  if (generation !== 0 && generation !== 1 && generation !== 2) throw new ValueError("invalid generation");
  if (generation === 2) return collectGarbage();
  const nodeGc = (globalThis as { gc?: (options: { type: "minor" }) => void }).gc;
  // Without --expose-gc (a script importing lazylab) there is no young-generation-only call:
  // a full collection frees at least as much.
  if (typeof nodeGc === "function") nodeGc({ type: "minor" });
  else collectGarbage();
}

/** Python's `gc.isenabled()`: V8's collector cannot be turned off, so always true. */
export function isenabled(): boolean {
  return true;
}

/** The module's functions, as Node's `gc` has them in a cell (`gc.collect()`). */
export interface GcModule {
  collect: typeof collect;
  isenabled: typeof isenabled;
}
