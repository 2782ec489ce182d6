/**
 * `tracemalloc`: Python's module as memory lessons use it, to read how much memory the code run
 * since `start()` holds now and held at most (`getTracedMemory()`), and to reset that peak.
 *
 * NumPy reports its arrays' data to Python's tracemalloc, so a lesson's figures are its arrays.
 * lazylab cannot see each allocation, so the traced figure is malloc's bytes in use, every
 * thread (lib/psutil/footprint.ts's `nativeBytes`, glibc's mallinfo2), after a full collection,
 * less the same reading when tracing started: every array buffer is malloc's (np arrays, typed
 * arrays and Buffers, lazy arrays' chunks, on any thread), and so is what native code holds
 * (zlib's streams, the addons'); V8's heap is not (JavaScript objects: the array objects
 * themselves, numbers, strings, plain arrays), where Python's figure counts its objects too.
 * np.zeros and np.empty count in full, as NumPy's calloc'd and malloc'd data does, although
 * their unwritten pages hold no memory yet (the process view leaves those out).
 *
 * The figure is a net change, where Python's counts the blocks allocated since `start()`:
 * freeing an array made before `start()` takes it to 0, not below (the figures then count from
 * the memory left, so arrays made after that reading count in full, as in Python), but freed
 * after arrays made since, it takes its bytes off theirs, where Python's figure stays.
 *
 * The peak is the highest figure seen: at each reading, and whenever lib/np makes a large buffer
 * (from 1 MB, lib/np/dtype.ts's SHARED_MIN_BYTES), the moments memory can rise between two
 * readings. There malloc's count is read without a collection (mallinfo2, about a microsecond),
 * and only when it is above the peak is memory collected and read again: JavaScript frees a
 * dropped temporary at a later collection, not at once as Python does, and its garbage would
 * count. Without that collection, `del b; c = (a * 2).sum()` after a reading peaked at 22.90 MB
 * (b, moved to V8's old generation by the reading's collection, was still there) where Python's
 * peak is 15.32 MB, and ten turns of `t = a * 2 + 1` peaked 68.71 MB above Python's (7.65 MB
 * above with it: one array more, as NumPy adds 1 into its temporary). Ten turns of `t = a * 2` gave
 * Python's a + 2t either way: the minor collection lib/np runs before each written buffer from
 * 4 MB frees the t dropped the turn before. What the collection costs is ~7 ms (one full
 * collection) at each large array that may raise the peak, which in a loop is every turn: the
 * collection moves the live temporaries to V8's old generation, where, once dropped, only a full
 * collection frees them (docs/porting.md, "tracemalloc").
 */
import { onLargeBuffer } from "../np/dtype";
import { collectGarbage, nativeBytes } from "../psutil/footprint";
import { collectGarbageOnce } from "../psutil/gc";

/**
 * malloc's bytes in use when tracing started, after a full collection, or the least a reading
 * has found since; -1 when not tracing.
 */
let baseline = -1;
/** The highest figure seen since tracing started, or since the peak was last reset. */
let peak = 0;

/** The traced figure now: malloc's bytes in use after a full collection, less the baseline. */
function tracedNow(): number {
  collectGarbage();
  const held = nativeBytes();
  // Below the baseline, the notebook has freed memory it held before start(): from now on the
  // figures count from what is left of it, so that what it allocates next counts in full.
  baseline = Math.min(baseline, held);
  return held - baseline;
}

/**
 * After lib/np has made a large buffer: the peak, if memory is now above it without its garbage
 * (one full collection: the dropped arrays' buffers go with it; `tracedNow`'s two also free what
 * finalizers hold, which a reading takes care of).
 */
function largeBufferMade(): void {
  if (nativeBytes() - baseline <= peak) return;
  collectGarbageOnce();
  peak = Math.max(peak, nativeBytes() - baseline);
}

/** Takes the baseline (after a full collection) that the figures are counted from, and zeroes the peak. */
function takeBaseline(): void {
  collectGarbage();
  baseline = nativeBytes();
  peak = 0;
}

/**
 * Starts tracing, as Python's `tracemalloc.start()`: the figures count what is allocated from
 * now on (a full collection first). Does nothing when tracing already.
 *
 * @example
 * tracemalloc.start();
 * const a = np.ones([1000, 1000]);
 * const [current, peak] = tracemalloc.getTracedMemory();   // ≈ 8e6, 8e6
 */
export function start(): void {
  if (baseline >= 0) return;
  takeBaseline();
  onLargeBuffer(largeBufferMade);
}

/**
 * Stops tracing and forgets the figures, as Python's `tracemalloc.stop()`:
 * `getTracedMemory()` is `[0, 0]` afterwards.
 */
export function stop(): void {
  onLargeBuffer(null);
  baseline = -1;
  peak = 0;
}

/** Whether tracing is on, as Python's `tracemalloc.is_tracing()`. */
export function isTracing(): boolean {
  return baseline >= 0;
}

/**
 * `[current, peak]` in bytes, as Python's `tracemalloc.get_traced_memory()`: the memory held
 * now by what was allocated since `start()` (read after a full collection) and the most it
 * held; `[0, 0]` when not tracing. What malloc holds counts (every array buffer: np arrays,
 * typed arrays, lazy arrays' chunks), JavaScript objects do not; an array made before `start()`
 * and freed lowers the figure, to 0 at least (docs/porting.md, "tracemalloc").
 *
 * @example
 * const [current, peak] = tracemalloc.getTracedMemory();
 * console.log(`current ${current / 1e6} MB, peak ${peak / 1e6} MB`);
 */
export function getTracedMemory(): [current: number, peak: number] {
  if (baseline < 0) return [0, 0];
  const current = tracedNow();
  peak = Math.max(peak, current);
  return [current, peak];
}

/**
 * Sets the peak to the current figure, as Python's `tracemalloc.reset_peak()`, so that the next
 * `getTracedMemory()` gives the peak of what ran in between. Does nothing when not tracing.
 *
 * @example
 * tracemalloc.resetPeak();
 * const m = a.mul(3).mean();
 * const [, peak] = tracemalloc.getTracedMemory();   // a and the temporary a * 3
 */
export function resetPeak(): void {
  if (baseline >= 0) peak = tracedNow();
}

/**
 * Counts from now on, as Python's `tracemalloc.clear_traces()` forgets what was allocated
 * until now: the figures are `[0, 0]` and the next ones count what is allocated after this
 * call. Does nothing when not tracing.
 */
export function clearTraces(): void {
  if (baseline >= 0) takeBaseline();
}
