/**
 * Weak bookkeeping of live lazy arrays reading an eager array (`da.fromArray`: "source"
 * nodes), so `retainers(x)` can say which lazy graphs still hold an eager array (the reason
 * deleting it frees nothing).
 *
 * Only source nodes are tracked, because they are all `retainers` asks about, and because a
 * WeakRef keeps its target alive until the running microtasks drain (the spec's
 * KeepDuringJob): tracking every lazy array kept each graph a loop of `await`s made (a
 * dataset opened per file, its selections) alive until the event loop next turned, and
 * when that was depended on a compute's time slices — memory figures that moved by up to
 * 1.3 MB from run to run.
 */
import type { LazyRef } from "./graph";

const live = new Set<WeakRef<LazyRef>>();
const cleanup = new FinalizationRegistry<WeakRef<LazyRef>>((ref) => live.delete(ref));
const cleanupSome = (cleanup as unknown as { cleanupSome?: () => void }).cleanupSome?.bind(cleanup);

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
  const ref = new WeakRef(x);
  live.add(ref);
  cleanup.register(x, ref);
}

/** The lazy arrays alive now. */
export function liveLazyArrays(): LazyRef[] {
  const out: LazyRef[] = [];
  for (const r of live) {
    const x = r.deref();
    if (x) out.push(x);
  }
  return out;
}
