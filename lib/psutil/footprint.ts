/**
 * The executor's own memory footprint, measured so that it is the same every run and counts
 * everything the process holds, each byte once.
 *
 * footprint = the notebook thread's live JavaScript objects (V8's heap in use after a full
 *               collection, compiled code excluded)
 *           + malloc's bytes in use, every thread (glibc's mallinfo2: the arenas' chunks handed
 *               out and the blocks mmapped on their own): the array buffers of every isolate
 *               (the notebook's, the workers', those a worker made and transferred here, even
 *               after it exited), zlib's streams, the addons' and libdeflate's memory, Node's
 *               per-thread data; less the pages of lib/np's zeroed arrays (np.zeros, np.empty,
 *               from 1 MB) not written yet, which hold no memory until they are, as NumPy's
 *               don't (the kernel maps a page on its first write; native/np_heap.cc); less the
 *               dropped mid-size buffers lib/np keeps within a cell for its next arrays (the
 *               pool is emptied by these readings' collections and at the end of each cell,
 *               native/np_heap.cc)
 *           + the heaps of worker isolates (each one's live objects after it collects, compiled
 *               code excluded, its young generation at capacity; asked through isolates.ts)
 *           + WebAssembly memories of every thread (resident pages; wasm.ts), those no thread
 *               can see from JavaScript (a module's unexported memory) found in the process's
 *               mappings (resident pages follow what was written: the process takes huge pages
 *               only where lib/np advises them, huge-pages.ts)
 *           + resizable ArrayBuffers and growable SharedArrayBuffers of every thread, which V8
 *               maps itself as it does WebAssembly memories (resizable.ts)
 *           + the pages of private file mappings (np.memmap's "c" and "r") that the process has
 *               copied by writing them (lazylab's addon, native/np_mapfile.cc); a mapping's
 *               file pages are the page cache's, not counted, as psutil's `available` does
 *               not drop for NumPy's memmap either
 *
 * The parts do not overlap: V8 maps its heap pages and WebAssembly memories itself (mmap, not
 * malloc), and Node's array buffer allocator is malloc. Thread stacks (mmapped by pthreads)
 * and the allocator's free lists are not counted: they are not what the notebook holds.
 * Without lazylab's addon (or without mallinfo2) malloc's part is the notebook thread's array
 * buffers alone (`process.memoryUsage().arrayBuffers`), as before the addon counted malloc.
 *
 * Deterministic: malloc's count is read after the collections have freed every dead array
 * buffer (the executor runs V8 with --no-concurrent-array-buffer-sweeping, and each worker
 * collects before it answers), so what remains is what live objects hold; the small
 * allocations Node and V8 make and free around a reading are the same every run. Measured
 * over 19 fresh kernels running the ported tutorial: its nine figures spread by 0.008 MB
 * with malloc counted (0.001 MB with the notebook thread's array buffers instead).
 * Nothing may be allocated between the collection and the readings (a version of footprint()
 * that built an object of parts first read 0.2 MB of its own garbage now and then): the
 * readings are taken in one expression, the heap first.
 *
 * Why not the resident set size itself: RSS also moves with allocator free lists, V8's
 * young-generation pages and metadata that come and go with GC and compiler timing. Measured
 * here, RSS-based deltas of the same cell spread by ±0.05–1 MB run to run. The two agree on
 * what the notebook allocates (test/psutil.test.ts and test/process-view.test.ts check each
 * category against RSS), and `Process().memoryInfo().rss` stays available for the raw figure.
 */
import { getHeapSpaceStatistics } from "node:v8";
import { collectGarbage } from "./gc";
import { workerMemory } from "./isolates";
import { memoryCalls } from "./native";
import { resizableBufferBytes, sharedGrowable, sharedGrowableBytes } from "./resizable";
import { unexportedWasmBytes, wasmMemoryBytes, wasmMemoryStarts } from "./wasm";

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

/**
 * Bytes malloc has handed out and not had back, every thread (no GC is run); without the addon,
 * the notebook thread's array buffers (most of what malloc holds for a notebook).
 */
export function nativeBytes(): number {
  return memoryCalls ? memoryCalls.mallocInUse() : arrayBufferBytes();
}

/**
 * Bytes malloc counts in use that hold no memory yet: the unwritten pages of lib/np's zeroed
 * large buffers (0 without the addon). Read after the collections, as malloc's count is.
 */
export function unwrittenBytes(): number {
  return memoryCalls?.unwrittenBytes ? memoryCalls.unwrittenBytes() : 0;
}

/** The footprint by category, in bytes (see the module comment). */
export interface FootprintParts {
  /** The notebook thread's live V8 objects, compiled code excluded. */
  heap: number;
  /** malloc's bytes in use, all threads (array buffers of every isolate among them; see {@link nativeBytes}), less {@link unwrittenBytes}. */
  malloc: number;
  /** Worker isolates' live heaps (their young generations at capacity). */
  workers: number;
  /** Resident WebAssembly memory of all threads. */
  wasm: number;
  /** Resizable and growable array buffers of all threads (resident pages; resizable.ts). */
  resizable: number;
  /** Pages of private file mappings (np.memmap "c"/"r") written, hence copied, by the process. */
  mapped: number;
  /** Not a part (malloc counts them): the notebook thread's live array buffers, for comparison. */
  arrayBuffers: number;
  /** Workers that were busy and gave their previous figure. */
  staleWorkers: number;
}

/** The footprint's parts after a full GC of every isolate (their sum is {@link footprint}): one reading, by part. */
export function footprintParts(): FootprintParts {
  footprint();
  return { ...lastFootprintParts(), arrayBuffers: arrayBufferBytes(), staleWorkers: lastParts[6] };
}

/**
 * The last {@link footprint}'s parts, in {@link FootprintParts}' order (heap, malloc, workers,
 * wasm, resizable, mapped, then the stale workers' count), written as it reads them: storing a
 * number in a typed array allocates nothing, so recording them does not change the reading.
 */
const lastParts = new Float64Array(7);

/** The process's footprint in bytes, after a full GC of every isolate (see the module comment). */
export function footprint(): number {
  // The workers first: what they free is then gone before this thread collects.
  const w = workerMemory();
  collectGarbage();
  const p = lastParts;
  p[6] = w.stale;
  // In this order: the heap and malloc are read before the list of known memories is made.
  return (p[0] = liveHeapBytes()) + (p[1] = nativeBytes() - unwrittenBytes()) + (p[2] = w.heap) + (p[3] = w.wasm + wasmMemoryBytes() + unexportedWasmBytes([...wasmMemoryStarts(), ...w.wasmStarts])) + (p[4] = w.resizable + resizableBufferBytes() + sharedGrowableBytes([...sharedGrowable(), ...w.growable])) + (p[5] = mappedPrivateBytes());
}

/**
 * What the last {@link footprint} read, by part (zeros before the first): for telling which part
 * of a figure moved when two runs differ (test/xr-loop-figures.test.ts reports it).
 */
export function lastFootprintParts(): Pick<FootprintParts, "heap" | "malloc" | "workers" | "wasm" | "resizable" | "mapped"> {
  const [heap, malloc, workers, wasm, resizable, mapped] = lastParts;
  return { heap, malloc, workers, wasm, resizable, mapped };
}

/** Bytes of private file mappings' copied pages, every thread (0 without the addon). */
export function mappedPrivateBytes(): number {
  return memoryCalls?.mappedPrivateBytes ? memoryCalls.mappedPrivateBytes() : 0;
}
