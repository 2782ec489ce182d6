/**
 * Weak bookkeeping of the live lazy arrays that read an eager array (`da.fromArray`: "source"
 * nodes), so `retainers(x)` can say which lazy graphs still hold an eager array (the reason
 * deleting it frees nothing).
 *
 * Nothing here refers to a lazy array or to the array it reads: each eager array (its owner,
 * not a view) is a WeakMap key, whose value lists the names of the lazy arrays reading it, and a
 * FinalizationRegistry takes a name off when its lazy array is collected. An earlier version
 * kept a WeakRef to each lazy array, and a WeakRef keeps its target alive until the embedder
 * clears V8's kept objects (the spec's KeepDuringJob), which Node did not do between the
 * `await`s of a cell's loop: `for (...) { const src = rng.random([1000, 1000]);
 * await da.fromArray(src).sum().compute(); }` held every turn's 7.6 MB source until the cell
 * ended (300 MB after 40 turns; NumPy with Dask holds one).
 *
 * Only source nodes are tracked, because they are all `retainers` asks about.
 */
import type { LazyRef } from "./graph";
import { runPendingFinalizers } from "../psutil/gc";

/** For each eager array a source node reads: the names of the lazy arrays reading it, by registration. */
const readers = new WeakMap<object, Map<number, string>>();
/** Each registration's list, so that its finalizer can remove it without holding the array. */
const lists = new Map<number, Map<number, string>>();
let registrations = 0;

const cleanup = new FinalizationRegistry<number>((id) => {
  lists.get(id)?.delete(id);
  lists.delete(id);
});
/**
 * Runs the callbacks of lazy arrays the last collection found dead (V8's
 * `--harmony-weak-refs-with-cleanup-some`, which the executor is started with); without the
 * flag they run at a turn of the event loop, and until then a dead lazy array is still listed.
 */
const cleanupSome = (cleanup as unknown as { cleanupSome?: () => void }).cleanupSome?.bind(cleanup);

// A reading's collections run them too (lib/psutil/gc.ts), so the list entries of dead lazy arrays go at the reading.
if (cleanupSome) runPendingFinalizers(cleanupSome);

let registering = true;

/** @internal Runs `f` with lazy arrays made in it left out of the bookkeeping (keep-maps.ts). */
export function withoutRegistering(f: () => void): void {
  registering = false;
  try {
    f();
  } finally {
    registering = true;
  }
}

/** @internal Called by every LazyArray constructor. */
export function registerLazy(x: LazyRef): void {
  if (!registering || x.node.kind !== "source") return;
  // Entries of arrays already collected go now, not at a turn of the event loop (lib/da/pool.ts).
  cleanupSome?.();
  const array = x.node.array;
  const owner = array.base ?? array;
  let list = readers.get(owner);
  if (!list) readers.set(owner, (list = new Map()));
  const id = ++registrations;
  list.set(id, x.name);
  lists.set(id, list);
  cleanup.register(x, id);
}

/** The names of the live lazy arrays whose source reads `owner` (an array that is not a view). */
export function lazyReadersOf(owner: object): string[] {
  cleanupSome?.();
  return [...(readers.get(owner)?.values() ?? [])];
}
