/**
 * Timestamps of a kernel's start, for measuring where a first cell's wait goes (docs/kernel.md,
 * "Start"). Off unless LAZYLAB_START_TRACE names a file: each mark appends one line
 * `<epoch ms> <process> <mark>` to it, from the kernel, its compiler thread and its executor
 * alike (absolute times, since the three have different time origins). Only the first
 * occurrence of a mark per process is written.
 */
import { appendFileSync } from "node:fs";

const file = process.env.LAZYLAB_START_TRACE;
const seen = new Set<string>();

/** `at`: a time (performance.now() of this thread) other than now, e.g. 0 for the thread's start. */
export function markStart(where: string, mark: string, at = performance.now()): void {
  if (!file || seen.has(mark)) return;
  seen.add(mark);
  try {
    appendFileSync(file, `${(performance.timeOrigin + at).toFixed(1)} ${where} ${mark}\n`);
  } catch {
    /* a trace that cannot be written is no reason to fail */
  }
}
