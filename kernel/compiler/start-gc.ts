/**
 * The kernel's GC flags (kernel/install/kernelspec.ts) are for a compiler thread whose live
 * heap stays flat: a full GC once the old generation is 20 % past what the last one left live,
 * each one compacting. While the thread builds its first checker the heap grows from nothing
 * to ~40 MB of live objects, and those flags made it collect and compact that growing heap
 * again and again (4 compacting full GCs, 0.4-0.7 s of the first check on the loaded 2-core
 * VM, against 2 uncompacted ones and 0.03-0.15 s with V8's defaults; docs/kernel.md, "Start").
 * So V8's defaults hold for the first check only; the kernel's flags are restored after it,
 * and compactHeap() collects once the first cell is answered: the heap limit V8 set under its
 * defaults (about twice the live heap) would otherwise let garbage grow that far before the
 * next full GC. V8 flags are per process: the protocol thread
 * runs under the relaxed ones meanwhile too, while it does little but start up.
 */
import { setFlagsFromString } from "node:v8";

/** Relaxes the flags the kernel was started with (none if it was not) and returns the restore. */
export function relaxGcWhileStarting(execArgv: readonly string[] = process.execArgv): () => void {
  const restore: string[] = [];
  if (execArgv.includes("--compact-on-every-full-gc")) {
    setFlagsFromString("--no-compact-on-every-full-gc");
    restore.push("--compact-on-every-full-gc");
  }
  const growing = execArgv.find((a) => a.startsWith("--heap-growing-percent="));
  if (growing) {
    setFlagsFromString("--heap-growing-percent=0"); // 0: V8's own growing factor
    restore.push(growing);
  }
  return () => {
    for (const flag of restore) setFlagsFromString(flag);
  };
}

/**
 * One full, compacting GC now (the kernel's flags restored): the heap then starts from its live
 * size, and V8 sets its next limit with the kernel's growing factor. `gc` is there because the
 * kernel process runs with --expose-gc (KERNEL_NODE_FLAGS; no user code runs in it); started
 * without it (a test's own kernel), nothing is collected. Call after writing the code cache:
 * V8 keys that cache by the flags, and a cache written meanwhile would be refused by the next kernel.
 */
export function compactHeap(): void {
  (globalThis as { gc?: () => void }).gc?.();
}
