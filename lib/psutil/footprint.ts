/**
 * The executor's own memory footprint, measured so that it is the same every run.
 *
 * footprint = bytes of live JavaScript objects (V8's heap in use after a full garbage
 * collection, compiled code excluded) + bytes of live ArrayBuffer backing stores (every
 * array's data). That is the memory the notebook's values hold, to the byte.
 *
 * Why not the resident set size itself: RSS also moves with allocator free lists, V8's
 * young-generation pages and metadata that come and go with GC and compiler timing. Measured
 * here, RSS-based deltas of the same cell spread by ±0.05–0.1 MB run to run; this measure by
 * ±0.002 MB (with the executor's V8 flags, kernel/executor/supervisor.ts). The two agree on
 * what the notebook allocates (test/psutil.test.ts checks an 8 MB array and a 0.76 MB block
 * against RSS), and `Process().memoryInfo().rss` stays available for the raw figure.
 */
import { getHeapSpaceStatistics } from "node:v8";
import { runInNewContext } from "node:vm";
import { setFlagsFromString } from "node:v8";

let gcFn: (() => void) | undefined;

/** A full, synchronous garbage collection (with `--expose-gc`, or enabling it on demand). */
export function collectGarbage(): void {
  if (!gcFn) {
    const g = (globalThis as { gc?: () => void }).gc;
    if (typeof g === "function") gcFn = g;
    else {
      setFlagsFromString("--expose-gc");
      gcFn = runInNewContext("gc") as () => void;
    }
  }
  // Twice: the first pass runs finalizers that free more in the second.
  gcFn();
  gcFn();
}

/** Bytes of live objects in V8's heap, compiled code excluded (no GC is run). */
export function liveHeapBytes(): number {
  let used = 0;
  for (const s of getHeapSpaceStatistics()) if (!s.space_name.startsWith("code")) used += s.space_used_size;
  return used;
}

/** Bytes of live ArrayBuffer/SharedArrayBuffer backing stores (no GC is run). */
export function arrayBufferBytes(): number {
  return process.memoryUsage().arrayBuffers;
}

/** The process's footprint in bytes, after a full GC (see the module comment). */
export function footprint(): number {
  collectGarbage();
  return liveHeapBytes() + arrayBufferBytes();
}
