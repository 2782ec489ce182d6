/**
 * Node's exposed `gc` function as Python's `gc` module: the executor calls this once, so that a
 * cell's `gc.collect()` works where `gc` is Node's and `gc()` stays Node's. Not part of the
 * library's API (index.ts is).
 */
import { collect, isenabled, type GcModule } from "./index";

/** Gives Node's `gc` function the module's functions as properties (non-enumerable, read-only). */
export function extendNodeGc(nodeGc: object): void {
  const module: GcModule = { collect, isenabled };
  for (const [name, value] of Object.entries(module)) Object.defineProperty(nodeGc, name, { value, enumerable: false, writable: false, configurable: true });
}
