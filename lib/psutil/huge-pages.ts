/**
 * Transparent huge pages only where lazylab advises them: lib/np's large arrays, as NumPy
 * advises its own (native/np_memory.c). Where the system's mode is "always", the kernel gives
 * any anonymous memory a 2 MiB page at its first write when one is free, which depends on how
 * fragmented the machine's memory is at that moment; the probes count WebAssembly memories and
 * resizable buffers by their resident pages, so their figures would then move by megabytes from
 * one run to the next (native/np_memory.c has the measurement). The executor limits huge pages
 * before it starts a thread of its own, and any process that loads the memory probes does too.
 */
import { memoryCalls } from "./native";

/** What the process's huge pages are: only where advised, off, or as the system's mode says. */
export type HugePagesLimit = "advised" | "off" | "system";

let done: HugePagesLimit | null | undefined;

/**
 * Limits the process's transparent huge pages to advised memory (once a process; Linux 6.18's
 * prctl), or, on an older kernel whose system mode is "always", turns them off for the process.
 * Returns what was done; null without the addon.
 */
export function limitHugePages(): HugePagesLimit | null {
  if (done === undefined) done = memoryCalls?.limitHugePages ? memoryCalls.limitHugePages() : null;
  return done;
}

/** The process's setting as the kernel reports it; null without the addon. */
export function hugePagesLimit(): HugePagesLimit | null {
  return memoryCalls?.hugePagesLimit ? memoryCalls.hugePagesLimit() : null;
}
