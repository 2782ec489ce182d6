/**
 * The memory probes' calls into lazylab's addon (native/np_memory.c): malloc's bytes in use
 * (and their split), giving malloc's free pages back, the resident bytes of a buffer, and V8's
 * memory-reducing collection of the calling thread (isolate-probe.ts, in a worker). Loaded whether or not lib/np uses the addon's loops
 * (`LAZYLAB_NATIVE=0` switches the loops, not the accounting); null when the addon is not built.
 */
import { requireAddon } from "../addon";

export interface MemoryCalls {
  /** glibc's mallinfo2 uordblks + hblkhd, less what lib/np's mid-size pool keeps (native/np_heap.cc): malloc's bytes handed out, all arenas; -1 without mallinfo2. */
  mallocInUse(): number;
  /** mallinfo2's split, bytes: the arenas' memory from the system, handed out, free; the blocks mmapped on their own and their count. */
  mallocParts(): { arena: number; inUse: number; free: number; mmapped: number; mmappedBlocks: number };
  /** malloc_trim(0): gives the arenas' free pages back to the system (so an RSS reading shows what is held); whether any were. */
  mallocTrim(): boolean;
  /** Bytes of the buffer in resident pages (mincore). */
  residentBytes(buffer: ArrayBuffer): number;
  /**
   * V8's memory-reducing full collection of the calling thread's isolate (LowMemoryNotification):
   * also shrinks the young generation to its initial capacity; absent from an addon built before it.
   */
  reduceHeap?(): void;
  /**
   * Bytes of the pages of live private file mappings (np.memmap "c"/"r", any thread) that the
   * process copied by writing them (native/np_mapfile.cc); absent from an addon built before it.
   */
  mappedPrivateBytes?(): number;
  /**
   * Bytes of lib/np's zeroed large buffers (np.zeros, np.empty) in whole pages that hold no memory
   * yet: never written, or mapping the kernel's zero page (native/np_heap.cc); absent from an
   * addon built before it.
   */
  unwrittenBytes?(): number;
  /** Where a buffer's bytes start, as a number (native/np_heap.cc); absent from an addon built before it. */
  bufferAddress?(buffer: ArrayBuffer | SharedArrayBuffer): number;
  /**
   * Resident bytes of WebAssembly memories found in /proc/self/maps by the shape of V8's
   * reservation, but those starting at `known` (native/np_memory.c); absent from an addon built before it.
   */
  wasmReservedBytes?(known: number[]): number;
  /**
   * Reserves the address space above malloc's heap beyond `room` bytes, so no V8 code range
   * lands flush against it; sets malloc's top pad to `topPad` unless it is negative
   * (native/np_heap_room.c, heap-room.ts). Null where there is no [heap] mapping.
   */
  keepHeapRoom?(room: number, topPad: number): HeapRoom | null;
  /**
   * Transparent huge pages for the process only where advised, or off on an older kernel whose
   * system mode is "always" (native/np_memory.c, huge-pages.ts); absent from an addon built before it.
   */
  limitHugePages?(): "advised" | "off" | "system";
  /** The process's huge pages setting as prctl reads it; absent from an addon built before it. */
  hugePagesLimit?(): "advised" | "off" | "system";
}

/** What keepHeapRoom found and reserved: addresses as numbers (guard 0 when none was made). */
export interface HeapRoom {
  heapStart: number;
  heapEnd: number;
  guardStart: number;
  guardEnd: number;
}

function load(): MemoryCalls | null {
  // The addon lib/np loads too (prebuilds/<platform>-<arch>/, which the npm tarball ships), but
  // whatever LAZYLAB_NATIVE says: that switches the loops, not the accounting.
  const m = requireAddon<Partial<MemoryCalls>>("lazylab_np");
  return m && typeof m.mallocInUse === "function" && typeof m.mallocTrim === "function" && typeof m.residentBytes === "function" && m.mallocInUse() >= 0 ? (m as MemoryCalls) : null;
}

/** The calls, or null (no addon, or a C library without mallinfo2). */
export const memoryCalls: MemoryCalls | null = load();
