/**
 * The kernel's GC flags (kernel/install/kernelspec.ts) are for a compiler thread whose live
 * heap stays flat: a full GC once the old generation is 20 % past what the last one left live,
 * each one compacting. While the thread builds its first checker the heap grows from nothing
 * to ~40 MB of live objects, and those flags made it collect and compact that growing heap
 * again and again (4 compacting full GCs, 0.4-0.7 s of the first check on the loaded 2-core
 * VM, against 2 uncompacted ones and 0.03-0.15 s with V8's defaults; docs/kernel.md, "Start").
 * So V8's defaults hold for the first check only; the kernel's flags are restored after it,
 * and the next full GC compacts as before. V8 flags are per process: the protocol thread
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
