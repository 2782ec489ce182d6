/**
 * The memory probe inside each worker thread of the executor: preloaded into every worker
 * (`--require`, added by isolates.ts), it answers the notebook thread's question "how much
 * memory does your isolate hold?" on a BroadcastChannel, after a full collection of its own
 * heap. Nothing else in the worker changes: the channel is unref'd (it never keeps a worker
 * alive) and the worker's own messages, workerData and ports are untouched.
 */
import { BroadcastChannel, isMainThread, threadId, workerData } from "node:worker_threads";
import { getHeapSpaceStatistics, type HeapSpaceInfo } from "node:v8";
import { collectGarbage } from "./gc";
import { memoryCalls } from "./native";
import { OWN_THREAD_ARG, rememberCopies, resizableBufferBytes, sharedGrowable, trackResizableBuffers } from "./resizable";
import { trackWasmMemories, wasmMemoryBytes, wasmMemoryStarts } from "./wasm";

/** The channel's name, the same in every thread of the process. */
export const ISOLATE_CHANNEL = "lazylab:isolate-memory";

/** The notebook thread asks (`seq` > 0). */
export interface IsolateAsk {
  kind: "ask";
  seq: number;
}

/** A worker heard the question and is collecting (it answers soon: it is not busy). */
export interface IsolateAck {
  kind: "ack";
  seq: number;
  threadId: number;
}

/** A worker answers (`seq` 0: sent unasked when the worker starts). */
export interface IsolateReport {
  kind: "report";
  seq: number;
  threadId: number;
  /** The isolate's live heap after a full GC, its young generation at capacity (see liveBytes and collect). */
  heap: number;
  /** Resident bytes of the worker's WebAssembly memories. */
  wasm: number;
  /** Where those memories' pages start (so the notebook's thread counts the others it finds). */
  wasmStarts: number[];
  /** Resident bytes of the worker's resizable array buffers. */
  resizable: number;
  /** The worker's growable SharedArrayBuffers, flat [start, length] pairs (resizable.ts). */
  growable: number[];
}

/** V8's initial semi-space capacity on 64-bit hosts (1 MB, less page headers): a young generation above it has been grown. */
const INITIAL_SEMI_SPACE = 2 ** 20;

/**
 * What the isolate holds, counted as the notebook thread's heap is (footprint.ts): the bytes of
 * its live objects, compiled code excluded, as V8 reports them right after the collection; but
 * the young generation's two semi-spaces at their capacity. Its resident pages follow how far
 * allocation got since V8 last resized or uncommitted it, which is timing (measured: 0.26-2 MB
 * between identical readings of an idle decoder thread, whose young generation is capped at
 * 1 MB); its capacity moves only when V8 resizes it.
 *
 * Not the old generation's pages: those step by 256 KB when the live objects cross a page's
 * worth, at a moment set by timing. A decoder thread of the 50-file xr loop (test/xr-loop-figures)
 * held 3.570-3.580 MB of live old-space objects, growing ~200 bytes a file, and 14 pages hold
 * 3.575 MB: it took its 15th page at file 18 in one kernel and 26 in another, and whether a
 * file fell on the step depended on everything the thread had loaded (a change to code it
 * loads moved the step in or out of the loop). Nor V8's used size read later: the first
 * old-space allocation after a collection takes the rest of the page as its allocation buffer,
 * counted as used (a whole page, 3.83 MB, read after the report's own allocations).
 */
function liveBytes(spaces: readonly HeapSpaceInfo[]): number {
  let bytes = 0;
  for (const s of spaces) {
    // Both semi-spaces at the to-space's capacity (used + available).
    if (s.space_name === "new_space") bytes += 2 * (s.space_used_size + s.space_available_size);
    else if (!s.space_name.startsWith("code")) bytes += s.space_used_size;
  }
  return bytes;
}

/**
 * A full collection, and V8's memory-reducing one when the young generation has grown past its
 * initial capacity; what the isolate then holds, read before anything else is allocated.
 * A busy worker's young generation grows to 2 x 16 MB, of which V8 keeps 23-27 MB resident
 * after gc(), an amount that varies run to run: counted at capacity, a worker holding 1e6
 * objects read 85.2 MB for 75-79 MB of RSS. The reducing collection
 * (Isolate::LowMemoryNotification, through the addon) shrinks it back to its initial 2 x 1 MB
 * and gives the rest to the system, so what is counted for it (2 x 1 MB) is at most 2 MB
 * above what it holds (55.3 MB read for 53.6-54.2 MB of RSS). xr's decoder threads cap their
 * young generation at the initial capacity and never take this path. da's pool (4 MB young
 * generation) takes it only when V8 has grown its young generation. No V8 flag is involved:
 * fixed semi-spaces made the executor leak (kernel/executor/supervisor.ts).
 */
function collect(): number {
  collectGarbage();
  const spaces = getHeapSpaceStatistics();
  const young = spaces.find((s) => s.space_name === "new_space");
  if (young && young.space_used_size + young.space_available_size > INITIAL_SEMI_SPACE && memoryCalls?.reduceHeap) {
    memoryCalls.reduceHeap();
    return liveBytes(getHeapSpaceStatistics());
  }
  return liveBytes(spaces);
}

function report(channel: BroadcastChannel, seq: number): void {
  const heap = collect();
  const r: IsolateReport = { kind: "report", seq, threadId, heap, wasm: wasmMemoryBytes(), wasmStarts: wasmMemoryStarts(), resizable: resizableBufferBytes(), growable: sharedGrowable() };
  channel.postMessage(r);
}

if (!isMainThread) {
  trackWasmMemories();
  const own = process.argv.includes(OWN_THREAD_ARG);
  trackResizableBuffers({ messages: !own });
  // A copy made before this preload ran: the worker's workerData arrived with its first message.
  if (!own) rememberCopies(workerData);
  const channel = new BroadcastChannel(ISOLATE_CHANNEL);
  channel.onmessage = (e) => {
    const m = (e as MessageEvent).data as IsolateAsk;
    if (m && m.kind === "ask") {
      channel.postMessage({ kind: "ack", seq: m.seq, threadId } satisfies IsolateAck);
      report(channel, m.seq);
    }
  };
  // After onmessage, which refs the channel.
  channel.unref();
  report(channel, 0);
}
