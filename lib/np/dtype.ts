import { getHeapStatistics } from "node:v8";
import { isMainThread } from "node:worker_threads";
import { setCellHooks } from "../notebook/cells";
import { runPendingFinalizers } from "../psutil/gc";
import { native } from "./native";
import { arrayMemoryError, tooLargeError } from "./memory-error";

/**
 * The element types lazylab arrays support, spelled as NumPy spells them, with their
 * storage. Type promotion (NumPy 1.24's, value-based for scalars) is in casting.ts.
 *
 * int64 and uint64 are stored in a Float64Array holding integral values: exact up to 2**53,
 * with NumPy's itemsize (8) and repr, and the speed of plain number arithmetic. Sums and
 * products are exact with NumPy's wrap-around (int-exact.ts), and so are add, subtract and
 * multiply (computed again in BigInt when a result reaches 2**53); a value past 2**53 is then
 * held as the double nearest to NumPy's (uint64 `[1] - 3` holds 2**64, NumPy's
 * 18446744073709551614). BigInt64Array storage was weighed and rejected: every int64 kernel
 * would run on BigInts (tens of times slower), and `at()`, `item()` and `tolist()` would hand
 * notebooks bigints that do not mix with numbers, for the default integer dtype.
 * The other integers are stored in their own typed arrays, whose stores wrap modulo 2**bits
 * as NumPy's integer overflow does; bool is stored as 0/1 in a Uint8Array.
 * float16 is not supported (Node 20 has no Float16Array).
 */
export type DType = "float64" | "float32" | "int8" | "int16" | "int32" | "int64" | "uint8" | "uint16" | "uint32" | "uint64" | "bool";

export const DTYPES: readonly DType[] = ["float64", "float32", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "bool"];

/** The typed array that stores each dtype. */
export type Storage = Float64Array | Float32Array | Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array;

const ITEMSIZE: Record<DType, number> = {
  float64: 8, float32: 4, int8: 1, int16: 2, int32: 4, int64: 8, uint8: 1, uint16: 2, uint32: 4, uint64: 8, bool: 1,
};

/** Bytes per element, as NumPy's `itemsize`. */
export function itemsize(dtype: DType): number {
  return ITEMSIZE[dtype];
}

/** Checks a user-supplied dtype name, with an error naming the valid ones. */
export function checkDType(dtype: unknown, argument = "dtype"): DType {
  if (typeof dtype === "string" && (DTYPES as readonly string[]).includes(dtype)) return dtype as DType;
  throw new TypeError(`${argument}: unsupported dtype ${JSON.stringify(dtype)}; expected one of ${DTYPES.join(", ")}`);
}

/**
 * Buffers of at least this many bytes live on a SharedArrayBuffer: lib/da's worker threads
 * then read (and write) their blocks in place instead of getting copies. Smaller ones stay
 * ordinary ArrayBuffers (cheaper to make, and too small to be worth a thread).
 */
export const SHARED_MIN_BYTES = 1 << 20;

/**
 * Each time this many bytes of shared buffers have been made (one large array, or several
 * smaller ones), the next is preceded by a garbage collection when the process exposes `gc`
 * (the executor does). V8 does not count SharedArrayBuffers towards its own collection
 * triggers: `x > 0` over 4000×4000 (16 MB results) in a loop held 1.6 GB of dead results after
 * 100 iterations without this. NumPy frees a dropped temporary at once, so its memory is back
 * before the next array is made; V8 frees an unreachable buffer only at a later collection,
 * and dead 128 MB arrays left for V8 to find pile up until the kernel has no free huge pages
 * left and must compact memory for each new one: `y = x**2` over 4000×4000 measured 12-16
 * ns/element (~200 ms of system time a call) against 2.2-3.2 with a collection first
 * (bench/HISTORY.md). Always a minor (young-generation) collection, well under a millisecond,
 * which frees the temporaries of the last statements; then a full one when the array buffers
 * still held have grown by 256 MB (or four times the live JavaScript heap) since the last full
 * collection, anyone's: dead results that lived long enough to be promoted are freed too,
 * and no full collection runs when nothing can have piled up (the memory probes and V8 run
 * full collections of their own) or when the minor one has freed the buffer a written-in-full
 * array takes (it needs no new memory).
 */
export const COLLECT_BEFORE_BYTES = 16 << 20;
const FULL_COLLECTION_BYTES = 256 << 20;

type Gc = (options?: { type: "minor" | "major" }) => void;
const gcFn: Gc | undefined = (() => {
  const g = (globalThis as { gc?: Gc }).gc;
  return typeof g === "function" ? g : undefined;
})();
/**
 * Each time this many bytes of mid-size buffers (4 KiB up to {@link SHARED_MIN_BYTES}) have
 * been made, the next is preceded by a minor collection (when the process exposes `gc`), so
 * that the temporaries the last statements dropped go back to malloc while their memory is
 * still in the CPU's caches, and the next arrays take it. V8 counts these buffers towards its
 * own collections only as "external memory pressure", which here came after ~64 MB: `r = v * 2`
 * of 10,000 elements in a loop wrote every result into memory no cache held (and that the
 * kernel had to fault in, 20 pages a result), 3-4 ns/element against NumPy's 0.26, which frees
 * each dropped result at once and hands the same block to the next. A minor collection costs
 * 23-28 µs in the executor (V8 visits all its roots; 66-77 µs before the executor left Node's
 * startup snapshot, kernel/executor/supervisor.ts), too much to run per array: once per MiB
 * it adds ~0.2 ns per float64 element made. Measured with the 66-77 µs collections, the loop
 * ran at 0.7-0.8 ns/element (once per 0.5 MiB: 0.95; per 2-4 MiB: 0.7-0.9, the caches holding
 * less of the memory reused); with the cheaper ones, 0.5, 1 and 2 MiB were within this
 * machine's noise of each other. Buffers from
 * 128 KiB are mmapped each on its own (the executor's fixed threshold) and faulted in afresh
 * whatever the collection's timing.
 */
export const MID_COLLECT_BYTES = 1 << 20;
/** Mid-size buffer bytes made since the last collection. */
let midSinceCollection = 0;

/**
 * Whether large buffers come from the addon (native/np_heap.cc), which can hand a written-in-full
 * output the buffer its collection just freed. LAZYLAB_BUFFER_REUSE=0 turns it off, for the
 * test that compares the memory figures with and without it (test/np-buffer-reuse.test.ts).
 */
const REUSE = !!native && process.env.LAZYLAB_BUFFER_REUSE !== "0";

/**
 * Whether written mid-size buffers come from the addon's pool (native/np_heap.cc), which keeps
 * those freed in a cell for the next arrays of their sizes; LAZYLAB_BUFFER_REUSE=0 turns it
 * off with the large buffers' window. The pool is flushed (its buffers given back) at the end
 * of every cell and by every memory reading's collections, so it holds nothing between cells
 * and no figure counts it. The notebook's thread only (as the minor collections per MiB): lib/da's
 * workers make their blocks' arrays with their own allocators, which end with them.
 */
const MID_POOL = REUSE && typeof native!.midBuffer === "function" && isMainThread;
if (MID_POOL) {
  runPendingFinalizers(() => native!.midPoolFlush());
  setCellHooks("np-mid-pool", { after: () => (native!.midPoolFlush(), undefined) });
}
/** Shared buffer bytes made since the last collection before one. */
let sharedSinceCollection = 0;
/** Array buffer bytes held after the last full collection: the lowest reading since. */
let heldAfterFull = -1;

function collectBefore(bytes: number, gc: Gc, reusing: boolean): void {
  gc({ type: "minor" });
  midSinceCollection = 0;
  const held = process.memoryUsage().arrayBuffers;
  if (heldAfterFull < 0 || held < heldAfterFull) heldAfterFull = held;
  // The minor collection freed a buffer of this size, which the new array takes: it needs no
  // new memory, so the full collection waits for an allocation that does. Run now, it would
  // promote the array the statement is about to replace, which the next minor collection then
  // could not free for the next result (bench/README.md, "The eleventh session").
  if (reusing && native!.bufferPool().keptBytes === bytes) return;
  if (held + bytes - heldAfterFull >= Math.max(FULL_COLLECTION_BYTES, 4 * getHeapStatistics().used_heap_size)) {
    gc();
    heldAfterFull = process.memoryUsage().arrayBuffers;
  }
}

/**
 * From this size on (NumPy's threshold), a new buffer asks the kernel for transparent huge
 * pages before its first write, as NumPy does for its arrays (native/np_memory.c): a fresh
 * 128 MB array then faults in 64 pages instead of 32,768 (an array filled after it was made:
 * 21 ms against 38 without). Only the buffer's 2 MiB-aligned interior is advised, so a written
 * array holds the same resident bytes either way; an empty one's unwritten pages are counted by
 * whole 2 MiB blocks there (native/np_heap.cc), as the kernel backs them when it has huge pages
 * free. Not np.zeros' buffers: NumPy's calloc'd zeros are not advised.
 */
export const HUGE_PAGES_MIN_BYTES = 4 << 20;

/**
 * A zero-filled buffer of `n` elements of `dtype` (shared memory from {@link SHARED_MIN_BYTES}).
 * `written`: the caller writes every element before anything reads one (a ufunc's new output;
 * copy, astype, random draws, where, clip, concatenate and stack; array, arange, full and ones;
 * cumsum and cumprod), or throws and drops it unseen,
 * so a large buffer may come with any contents: the one of the same size that the collection
 * before it has just freed, if there is one (NumPy's malloc reuses a freed chunk so; the
 * kernel's zeroing of fresh pages took a quarter of `x > 0`'s time). That buffer is never held
 * past this call, so no memory reading sees it (native/np_heap.cc). `hugePages`: advised for
 * transparent huge pages from {@link HUGE_PAGES_MIN_BYTES} (not np.zeros', as NumPy's are not).
 */
export function allocate(dtype: DType, n: number, written = false, hugePages = true, shape?: readonly number[]): Storage {
  if (n > MAX_ELEMENTS) throw tooLargeError(shape ?? [n], dtype, ITEMSIZE[dtype]);
  try {
    return allocateStorage(dtype, n, written, hugePages);
  } catch (e) {
    // V8's and the addon's refusal (ERR_MEMORY_ALLOCATION_FAILED): NumPy's MemoryError, for
    // every array a cell can make, with the array's shape where the caller gives it.
    if (e instanceof RangeError && /allocation failed/i.test(e.message)) throw arrayMemoryError(shape ?? [n], dtype, ITEMSIZE[dtype]);
    throw e;
  }
}

/** {@link allocate} for an array of `shape` (its MemoryError names the shape, as NumPy's does). */
export function allocateShaped(dtype: DType, shape: readonly number[], written = false, hugePages = true): Storage {
  return allocate(dtype, shape.reduce((a, b) => a * b, 1), written, hugePages, shape);
}

/** The most elements one typed array holds here (V8's limit for a TypedArray's length). */
export const MAX_ELEMENTS = 2 ** 32;

function allocateStorage(dtype: DType, n: number, written: boolean, hugePages: boolean): Storage {
  const bytes = n * ITEMSIZE[dtype];
  if (bytes >= SHARED_MIN_BYTES && gcFn) {
    sharedSinceCollection += bytes;
    const reuse = written && REUSE && bytes >= REUSE_MIN_BYTES;
    if (sharedSinceCollection >= COLLECT_BEFORE_BYTES || reuse) {
      sharedSinceCollection = 0;
      if (reuse) native!.keepFreed(bytes);
      collectBefore(bytes, gcFn, reuse);
    }
  } else if (bytes >= UNZEROED_MIN_BYTES && gcFn && isMainThread) {
    midSinceCollection += bytes;
    if (midSinceCollection >= MID_COLLECT_BYTES) {
      midSinceCollection = 0;
      if (MID_POOL) native!.midPoolOpen();
      gcFn({ type: "minor" });
    }
  }
  const Make = STORAGE[dtype];
  if (bytes >= SHARED_MIN_BYTES) {
    // Through the addon, every large buffer is one the window can keep when it is freed (with
    // LAZYLAB_BUFFER_REUSE=0 no window opens), and a zeroed one's unwritten pages are known.
    const storage = new Make(native ? native.sharedBuffer(bytes, written) : new SharedArrayBuffer(bytes));
    if (hugePages && bytes >= HUGE_PAGES_MIN_BYTES && native) native.adviseHugePages(storage);
    if (largeBufferMade) largeBufferMade();
    return storage;
  }
  // A mid-size buffer the caller writes whole comes from malloc unzeroed, as NumPy's: V8's
  // zeroed allocation (calloc) cost 3.4 µs for 80 KB and 30 µs for 800 KB, which mmaps it
  // afresh each time and faults its pages in (Buffer.allocUnsafeSlow: 0.5 and 1.3 µs, from
  // malloc's heap once a freed block has raised its mmap threshold). `x * 2` of 10,000
  // elements took 14 µs against NumPy's 2.5.
  // From the addon, such a buffer may be one the cell dropped (native/np_heap.cc's mid-size pool).
  if (written && bytes >= UNZEROED_MIN_BYTES) return new (Make as new (buffer: ArrayBufferLike, offset: number, length: number) => Storage)(MID_POOL ? native!.midBuffer(bytes) : Buffer.allocUnsafeSlow(bytes).buffer, 0, n);
  return new Make(n);
}

/**
 * From this size a written buffer below {@link SHARED_MIN_BYTES} is not zeroed. Below it V8's
 * zeroed buffer is the cheaper: in an executor-like process (minima of seven rounds of 200,000,
 * three processes, EPYC) `new Float64Array(n)` took 165-237 ns for 10-64 elements against
 * 209-263 for an unzeroed one (Buffer.allocUnsafeSlow's), about the same at 256 (2 KB), and
 * 453-527 against 337-397 at 512, 1069-1210 against 310-389 at 2000 (16 KB, the threshold
 * before).
 */
const UNZEROED_MIN_BYTES = 4 << 10;

/**
 * Called after each large buffer is made while lib/tracemalloc traces, null otherwise: a large
 * array's making is when the memory the notebook holds can reach a new peak between two of
 * tracemalloc's readings. After, not before: malloc's count then holds the new buffer once,
 * whether it is fresh or the one the collection before it kept (native/np_heap.cc), which a
 * reading taken before would count beside the new buffer's bytes. Not tracing, allocation pays
 * one null check.
 */
let largeBufferMade: (() => void) | null = null;

/** Sets (or, with null, clears) the call made after each large buffer (lib/tracemalloc). */
export function onLargeBuffer(hook: (() => void) | null): void {
  largeBufferMade = hook;
}

/**
 * From this size on, a written-in-full buffer is preceded by a collection every time (not only
 * once per {@link COLLECT_BEFORE_BYTES}), so that the result the statement last dropped is
 * there to reuse: `r = x > 0` over 4000×4000 makes 16e6 bytes, just under 16 MiB, and found a
 * freed buffer only every other time. Every shared buffer (from {@link SHARED_MIN_BYTES}): a
 * minor collection of the executor's heap measured 30-50 µs, less than faulting in and zeroing
 * a fresh 1 MiB (256 pages). With 4 MiB here, 10⁶ int32 or float32 draws (4,000,000 bytes, just
 * under it) were faulted in afresh each call: 2.1-2.4 ns/element against NumPy's 1.5-1.8 (whose
 * malloc, the user's, reuses the freed block); from 1 MiB, 1.2-1.3.
 */
export const REUSE_MIN_BYTES = SHARED_MIN_BYTES;

/** The typed array class that stores each dtype. */
const STORAGE: Record<DType, { new (length: number): Storage; new (buffer: SharedArrayBuffer): Storage }> = {
  float64: Float64Array, int64: Float64Array, uint64: Float64Array, float32: Float32Array,
  int8: Int8Array, int16: Int16Array, int32: Int32Array, uint8: Uint8Array, uint16: Uint16Array, uint32: Uint32Array, bool: Uint8Array,
};

/** The typed array class that stores `dtype`. */
export function storageClass(dtype: DType): { new (length: number): Storage } {
  return STORAGE[dtype];
}

/** True for the integer and bool dtypes. */
export function isIntegral(dtype: DType): boolean {
  return dtype !== "float64" && dtype !== "float32";
}

/** Converts a JS value to what `dtype` stores (truncation and wrapping like NumPy's casts). */
export function coerce(dtype: DType, v: number): number {
  switch (dtype) {
    case "bool":
      return v !== 0 && !Number.isNaN(v) ? 1 : 0;
    case "int64":
    case "uint64": {
      if (!Number.isFinite(v)) return v;
      const t = Math.trunc(v) + 0; // never -0: an integer
      if (dtype === "uint64") return t < 0 ? t + 2 ** 64 : t >= 2 ** 64 ? Number(BigInt.asUintN(64, BigInt(t))) : t;
      return t >= 2 ** 63 || t < -(2 ** 63) ? Number(BigInt.asIntN(64, BigInt(t))) : t;
    }
    case "float32":
      return Math.fround(v);
    case "float64":
      return v;
    default: {
      const one = new STORAGE[dtype](1);
      one[0] = v;
      return one[0];
    }
  }
}
