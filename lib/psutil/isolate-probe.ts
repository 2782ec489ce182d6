/**
 * The memory probe inside each worker thread of the executor: preloaded into every worker
 * (`--require`, added by isolates.ts), it answers the notebook thread's question "how much
 * memory does your isolate hold?" on a BroadcastChannel, after a full collection of its own
 * heap. Nothing else in the worker changes: the channel is unref'd (it never keeps a worker
 * alive) and the worker's own messages, workerData and ports are untouched.
 */
import { BroadcastChannel, isMainThread, threadId } from "node:worker_threads";
import { getHeapSpaceStatistics } from "node:v8";
import { collectGarbage } from "./gc";
import { trackWasmMemories, wasmMemoryBytes } from "./wasm";

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
  /** V8 heap pages the isolate holds after a full GC (see heapPages). */
  heap: number;
  /** Resident bytes of the worker's WebAssembly memories. */
  wasm: number;
}

/**
 * The V8 pages the isolate holds: every space's resident pages, but the young generation's
 * two semi-spaces at their capacity. Its resident pages follow how far allocation got since V8
 * last resized or uncommitted it, which is timing (measured: 0.26-4 MB between identical
 * readings of an idle decoder thread); its capacity moves only when V8 resizes it, and is
 * resident once the worker has allocated that much. Fixing it with semi-space flags made the
 * executor leak (kernel/executor/supervisor.ts), so a busy worker whose young generation V8
 * grew is counted above its resident pages (a worker holding 1e6 objects: 85 vs 75 MB).
 */
function heapPages(): number {
  let bytes = 0;
  // Both semi-spaces at the to-space's capacity (used + available).
  for (const s of getHeapSpaceStatistics()) bytes += s.space_name === "new_space" ? 2 * (s.space_used_size + s.space_available_size) : s.physical_space_size;
  return bytes;
}

function report(channel: BroadcastChannel, seq: number): void {
  collectGarbage();
  const r: IsolateReport = { kind: "report", seq, threadId, heap: heapPages(), wasm: wasmMemoryBytes() };
  channel.postMessage(r);
}

if (!isMainThread) {
  trackWasmMemories();
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
