/**
 * Chunk buffers: computes allocate their chunk and result buffers here and give chunk buffers
 * back as soon as no task needs them; results come back when the user drops them (a
 * FinalizationRegistry on the result's typed array). Buffers below 32 MiB are kept for reuse up
 * to a cap, like a malloc arena, so a compute that follows another of the same shape touches no
 * new memory; larger ones are freed, as malloc gives back what it mapped for them. The pool is memory the process holds: the psutil probes count it, and
 * `releasePool()` returns it.
 */
import { allocate, DType, itemsize, Storage } from "../np/dtype";
import { collectGarbage, runPendingFinalizers } from "../psutil/gc";

const free = new Map<string, Storage[]>();
let pooledBytes = 0;
let capBytes = 256 * 2 ** 20;
const stats = { allocated: 0, reused: 0, returned: 0 };

function key(dtype: DType, n: number): string {
  return `${dtype}:${n}`;
}

/**
 * A buffer of `n` elements of `dtype` (contents unspecified: callers overwrite all of it). One
 * larger than the pool's cap, which the pool would not keep, is allocated as written in full
 * (lib/np/dtype.ts, `allocate`): the collection before it frees the result dropped last, whose
 * memory it then takes, as eager outputs do. A fresh one is pages the kernel must zero, on
 * this VM often memory the host took back: `(sqrt(abs(x))*2+1).compute()` into a new 512 MB
 * result, 8000² in 1000² chunks, took 91-112 ms on one thread and 0.17-1.8 s in a third of the
 * runs on two (80 % of it zeroing pages), and 43-68 ms / 25-34 ms taking the freed memory
 * (with the pool workers' copies of the task released: lib/da/scheduler/worker.ts).
 */
export function take(dtype: DType, n: number, shape?: readonly number[]): Storage {
  collectDropped();
  const list = free.get(key(dtype, n));
  const b = list?.pop();
  if (b) {
    pooledBytes -= b.byteLength;
    stats.reused++;
    return b;
  }
  stats.allocated++;
  // `shape`: the array the buffer is for, named by NumPy's MemoryError if the memory is refused.
  return allocate(dtype, n, beyondCap(n * itemsize(dtype)), true, shape);
}

/**
 * The largest buffer the pool keeps: glibc's largest mmap threshold on 64-bit
 * (DEFAULT_MMAP_THRESHOLD_MAX, 32 MiB). A block that size or more is always mapped for itself
 * and given back to the system when freed, so NumPy's memory goes back at `del` of a large
 * computed result, and lazylab's must too: kept, `del(big)` of a 122 MB result gave back
 * nothing, and a loop of such computes held three of them.
 */
const LARGEST_KEPT = 32 * 2 ** 20;

/** Whether a buffer of `bytes` is more than the pool keeps: it is freed when dropped, and a later {@link take} may take its memory. */
export function beyondCap(bytes: number): boolean {
  return bytes > capBytes || bytes >= LARGEST_KEPT;
}

/** Gives a buffer back for reuse (dropped instead if the pool is at its cap). */
export function give(dtype: DType, buf: Storage): void {
  if (beyondCap(buf.byteLength) || pooledBytes + buf.byteLength > capBytes) return;
  const k = key(dtype, buf.length);
  let list = free.get(k);
  if (!list) free.set(k, (list = []));
  list.push(buf);
  pooledBytes += buf.byteLength;
  stats.returned++;
}

/** Bumped by releasePool(): results dropped after it from before it are not pooled. */
let generation = 0;

/** Results registered and not yet collected (or collected, with their callback still to run). */
let outstanding = 0;

/** What the registry holds for a result, or for a marker of {@link settleDropped}: the call to make when it is collected. */
type Held = { dtype: DType; buf: Storage; generation: number } | { marker: () => void };

const finalizer = new FinalizationRegistry<Held>((held) => {
  if ("marker" in held) return held.marker();
  outstanding--;
  if (held.generation === generation) give(held.dtype, held.buf);
});

/**
 * V8 runs a FinalizationRegistry's callbacks as a task of the event loop, so by default
 * whether a result dropped before a compute is back in the pool when the compute asks for a
 * buffer depends on whether the event loop turned in between — which a compute's time
 * slices (lib/da/scheduler/run.ts) and the xr decoder threads' timing decide. A loop over
 * files then showed memory figures 2-6 MB apart from run to run. `cleanupSome` (V8's
 * `--harmony-weak-refs-with-cleanup-some`, which the executor is started with) runs the
 * callbacks of every result the last collection found dead now, so the pool holds exactly
 * the results dropped before the last collection whenever a buffer is taken, whatever the
 * timing. Without the flag (lazylab used as a package) the event loop's turns decide, as before.
 */
const cleanupSome = (finalizer as unknown as { cleanupSome?: () => void }).cleanupSome?.bind(finalizer);

// The memory probes' collections run the callbacks too, so that a result's buffer is freed
// (or pooled) by the reading that finds the result dropped, not by a later turn of the event loop.
if (cleanupSome) runPendingFinalizers(collectDropped);

/** Gives back to the pool every result the last garbage collection found dropped (see {@link cleanupSome}). */
export function collectDropped(): void {
  if (outstanding > 0) cleanupSome?.();
}

/**
 * Resolves when every result dropped before the call is back in the pool, with or without
 * {@link cleanupSome}: a full collection, then the turns of the event loop until the
 * registry's callbacks have run. V8 runs the callbacks of all the targets one collection found
 * dead in one task, so they have run when a marker registered before the collection, and
 * dropped at once, has had its own. Without it a reading of the pool after a few computes
 * depended on whether a collection in between had found results dropped earlier (1.7 MB of an
 * earlier test's results came back in 1 run in 8 of test/da-legacy-random.test.ts).
 */
export async function settleDropped(): Promise<void> {
  let marked = false;
  finalizer.register({}, { marker: () => void (marked = true) });
  collectGarbage(); // with cleanupSome, its readings' hook (collectDropped) runs the callbacks here
  for (let turns = 1; !marked; turns++) {
    await new Promise((resolve) => setImmediate(resolve));
    if (turns % 64 === 0) collectGarbage(); // never needed here; a bound on the wait all the same
  }
}

/** True when dropped results return to the pool at the next {@link take} rather than at a turn of the event loop. */
export const returnsSynchronously = cleanupSome !== undefined;

/**
 * Registers a compute's result: when its typed array `holder` is collected, `buf` (the same
 * memory) returns to the pool.
 */
export function recycleWhenDropped(holder: object, dtype: DType, buf: Storage): void {
  // One the pool would not keep is left to the collector: held here (the registry holds its
  // held values) it would outlive the result by a collection.
  if (beyondCap(buf.byteLength)) return;
  outstanding++;
  finalizer.register(holder, { dtype, buf: new (buf.constructor as new (b: ArrayBufferLike) => Storage)(buf.buffer), generation });
}

/**
 * Whether a buffer of `n` elements worth waiting for may be about to come back: V8 runs the
 * finalizer callbacks of collected results as a task of the event loop, never inside the
 * microtasks of an `await` chain, so back-to-back computes in one cell would otherwise never
 * see their dropped results and page in fresh memory each time (a fresh 3.2 MB took 3-5 ms
 * of page faults on this VM, a pooled one none). True when results are outstanding, none of
 * that size is pooled and it is at least {@link RECYCLE_WAIT_BYTES}. Never when
 * {@link returnsSynchronously}: then `take` collects them itself, and waiting gains nothing.
 */
export function mayComeBack(dtype: DType, n: number): boolean {
  if (returnsSynchronously) return false;
  return outstanding > 0 && n * itemsize(dtype) >= RECYCLE_WAIT_BYTES && !free.get(key(dtype, n))?.length;
}

/** Below this a fresh buffer's page faults cost less than a turn of the event loop. */
const RECYCLE_WAIT_BYTES = 1 << 20;

/** What the pool holds and has done. */
export function poolInfo(): { bytes: number; buffers: number; capBytes: number; allocated: number; reused: number; returned: number } {
  collectDropped();
  let buffers = 0;
  for (const l of free.values()) buffers += l.length;
  return { bytes: pooledBytes, buffers, capBytes, ...stats };
}

/** Empties the pool: its memory is returned to the system at the next garbage collection. */
export function releasePool(): void {
  generation++;
  free.clear();
  pooledBytes = 0;
}

/** Sets the most bytes the pool keeps (0 disables pooling). */
export function setPoolCap(bytes: number): void {
  if (!Number.isFinite(bytes) || bytes < 0) throw new RangeError(`setPoolCap: bytes must be a non-negative number, got ${bytes}`);
  capBytes = bytes;
  if (pooledBytes > capBytes) releasePool();
}

export { itemsize };
