/**
 * Weak bookkeeping of live lazy arrays, so `retainers(x)` can say which lazy graphs still
 * hold an eager array (the reason deleting it frees nothing).
 */
import type { LazyRef } from "./graph";

const live = new Set<WeakRef<LazyRef>>();
const cleanup = new FinalizationRegistry<WeakRef<LazyRef>>((ref) => live.delete(ref));

/** @internal Called by every LazyArray constructor. */
export function registerLazy(x: LazyRef): void {
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
