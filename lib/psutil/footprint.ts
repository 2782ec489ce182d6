/**
 * The executor's own memory footprint, measured so that it is the same every run and counts
 * everything the process holds, each byte once.
 *
 * footprint = the notebook thread's live JavaScript objects (V8's heap in use after a full
 *               collection, compiled code excluded)
 *           + the notebook thread's live array buffers (every array's data)
 *           + the heaps of worker isolates (V8 pages they hold after each collects; asked
 *               through isolates.ts)
 *           + WebAssembly memories of every thread (resident pages; wasm.ts)
 *
 * The parts do not overlap: V8 maps its heap pages and WebAssembly memories itself (mmap), and
 * array buffers are malloc's. Not counted (yet): malloc's other native memory (zlib streams,
 * the addons' buffers, array buffers a worker made and transferred here). glibc's mallinfo2
 * counts all of it (`footprintParts().malloc`, native/np_memory.c), but measured in the
 * tutorial it also moves by 0.1-0.2 MB in some runs with allocations of Node and V8 that come
 * and go with timing (I/O buffers, compiler zones), so it is reported beside the footprint,
 * not in it (docs/porting.md).
 *
 * Why not the resident set size itself: RSS also moves with allocator free lists, V8's
 * young-generation pages and metadata that come and go with GC and compiler timing. Measured
 * here, RSS-based deltas of the same cell spread by ±0.05–0.1 MB run to run; this measure by
 * ±0.002 MB (with the executor's V8 flags, kernel/executor/supervisor.ts). The two agree on
 * what the notebook allocates (test/psutil.test.ts and test/process-view.test.ts check each
 * category against RSS), and `Process().memoryInfo().rss` stays available for the raw figure.
 */
import { getHeapSpaceStatistics } from "node:v8";
import { collectGarbage } from "./gc";
import { workerMemory } from "./isolates";
import { memoryCalls } from "./native";
import { wasmMemoryBytes } from "./wasm";

export { collectGarbage };

/** Bytes of live objects in V8's heap, compiled code excluded (no GC is run). */
export function liveHeapBytes(): number {
  let used = 0;
  for (const s of getHeapSpaceStatistics()) if (!s.space_name.startsWith("code")) used += s.space_used_size;
  return used;
}

/** Bytes of live ArrayBuffer/SharedArrayBuffer backing stores of this thread (no GC is run). */
export function arrayBufferBytes(): number {
  return process.memoryUsage().arrayBuffers;
}

/** The footprint by category, in bytes (see the module comment). */
export interface FootprintParts {
  /** The notebook thread's live V8 objects, compiled code excluded. */
  heap: number;
  /** Live array buffers of the notebook thread. */
  arrayBuffers: number;
  /** V8 pages held by worker isolates. */
  workers: number;
  /** Resident WebAssembly memory of all threads. */
  wasm: number;
  /** malloc's bytes in use, all threads (not in the footprint: see the module comment); -1 without the addon. */
  malloc: number;
  /** Workers that were busy and gave their previous figure. */
  staleWorkers: number;
}

/** The footprint's parts after a full GC of every isolate, and malloc's count beside them. */
export function footprintParts(): FootprintParts {
  const w = workerMemory();
  collectGarbage();
  return {
    heap: liveHeapBytes(),
    arrayBuffers: arrayBufferBytes(),
    workers: w.heap,
    wasm: wasmMemoryBytes() + w.wasm,
    malloc: memoryCalls ? memoryCalls.mallocInUse() : -1,
    staleWorkers: w.stale,
  };
}

/** The process's footprint in bytes, after a full GC of every isolate (see the module comment). */
export function footprint(): number {
  // The workers first: what they free is then gone before this thread collects.
  // (One expression, measured stable; a version that built footprintParts() here moved the
  // tutorial's figures by 0.1-0.2 MB in some runs.)
  const w = workerMemory();
  collectGarbage();
  return liveHeapBytes() + arrayBufferBytes() + w.heap + w.wasm + wasmMemoryBytes();
}
