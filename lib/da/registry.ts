/**
 * Weak bookkeeping of live lazy arrays, so `retainers(x)` can say which lazy graphs still
 * hold an eager array (the reason deleting it frees nothing).
 */
import type { LazyRef } from "./graph";

const live = new Set<WeakRef<LazyRef>>();
const cleanup = new FinalizationRegistry<WeakRef<LazyRef>>((ref) => live.delete(ref));

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
  if (!registering) return;
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
