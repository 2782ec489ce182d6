/**
 * Synchronous byte-range reads of remote files, for the notebook's thread: HDF5 (h5wasm)
 * reads a file's metadata with synchronous positioned reads, and lib/da asks for a chunk
 * synchronously in the middle of a compute, while `fetch` only answers promises. So the
 * ranges are posted to a fetch thread (./fetch-worker), which reads them through the
 * {@link HttpStore} (merged where they touch, several requests at once: ./ranges, retries and
 * the range check: ./store), and this thread waits on a shared flag in short slices (so a
 * kernel interrupt still stops it) until the answer is on the port — the pattern of
 * ./zarr-sync, for plain ranges. The thread is started at the first read and does not keep
 * the process alive.
 */
import * as path from "node:path";
import { MessageChannel, Worker, type MessagePort } from "node:worker_threads";
import { receiveUnwatched } from "../psutil/resizable";
import { HttpError, RangeNotSupportedError, storeReads, type HttpOptions } from "./store";
import type { ByteRange } from "./ranges";

/** Ranges of one URL to read. */
export interface RangeRequest {
  id: number;
  url: string;
  options: HttpOptions;
  ranges: ByteRange[];
}

/** The fetch thread's answer: the ranges' bytes in the order asked, or the error; what it fetched. */
export interface RangeReply {
  id: number;
  parts?: Uint8Array[];
  error?: { name: string; message: string; url?: string; status?: number };
  bytes: number;
  retries: number;
  requests: number;
}

/** Longest a batch may take before the read fails (HTTP retries included). */
const TIMEOUT_MS = 120_000;

let thread: { worker: Worker; port: MessagePort; done: Int32Array } | undefined;
let nextId = 0;

function start(): NonNullable<typeof thread> {
  if (thread) return thread;
  const flag = new SharedArrayBuffer(4);
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(path.join(__dirname, "fetch-worker.js"), { workerData: { flag, port: port2 }, transferList: [port2] });
  worker.unref();
  port1.unref();
  worker.on("error", () => (thread = undefined));
  worker.on("exit", () => (thread = undefined));
  thread = { worker, port: port1, done: new Int32Array(flag) };
  return thread;
}

/** The error a failed read answered with, as the class the store threw. */
function rethrown(e: NonNullable<RangeReply["error"]>, url: string): Error {
  if (e.name === "RangeNotSupportedError") return new RangeNotSupportedError(e.url ?? url, e.status ?? 200);
  if (e.name === "HttpError") return new HttpError(e.url ?? url, e.status, e.url && e.message.startsWith(e.url) ? e.message.slice(e.url.length + 2) : e.message);
  return Object.assign(new Error(e.message), { name: e.name });
}

/**
 * The bytes of `ranges` of the file at `url`, all fetched at once, waiting for them here.
 * What was fetched is added to {@link storeReads} (`xr.cacheInfo().bytesFetched`).
 */
export function readRangesSync(url: string, ranges: ByteRange[], options: HttpOptions = {}): Uint8Array[] {
  const t = start();
  const id = ++nextId;
  t.worker.postMessage({ id, url, options, ranges } satisfies RangeRequest);
  const deadline = Date.now() + TIMEOUT_MS;
  let reply: RangeReply | undefined;
  for (;;) {
    // Stale answers (of a read an interrupt abandoned) are dropped, but what they fetched counts.
    for (let m = receiveUnwatched(t.port); m; m = receiveUnwatched(t.port)) {
      const r = m.message as RangeReply;
      if (r.id === id) reply = r;
      else (storeReads.bytes += r.bytes), (storeReads.retries += r.retries), (storeReads.requests += r.requests);
    }
    if (reply) break;
    if (Date.now() > deadline) throw new HttpError(url, undefined, `no answer in ${TIMEOUT_MS / 1000} s`);
    Atomics.wait(t.done, 0, Atomics.load(t.done, 0), 50);
  }
  storeReads.bytes += reply.bytes;
  storeReads.retries += reply.retries;
  storeReads.requests += reply.requests;
  if (reply.error) throw rethrown(reply.error, url);
  return reply.parts!;
}
