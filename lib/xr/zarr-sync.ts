/**
 * Synchronous Zarr chunk reads for the notebook's thread: a batch of reads is posted to the
 * reader thread (./zarr-worker), and this thread waits on a shared flag in short slices (so a
 * kernel interrupt still stops it) until the answer is on the port, read with
 * `receiveMessageOnPort`. One thread serves every store; it is started at the first read and
 * does not keep the process alive.
 */
import * as path from "node:path";
import { MessageChannel, Worker, type MessagePort } from "node:worker_threads";
import { receiveUnwatched } from "../psutil/resizable";
import { HttpError, RangeNotSupportedError, storeReads, type StoreSpec } from "./store";

/** One batch of chunk reads: each is an array (by its path in the store) and chunk coordinates. */
export interface ChunkRequest {
  id: number;
  store: StoreSpec;
  reads: { path: string; coords: number[] }[];
}

/** The reader thread's answer: the chunks in C order, or the error; what the stores fetched. */
export interface ChunkReply {
  id: number;
  chunks?: { data: ArrayBufferView; shape: number[] }[];
  error?: { name: string; message: string; url?: string; status?: number };
  bytes: number;
  retries: number;
  requests: number;
}

/** Reading a Zarr chunk failed (the store's error, named, with the chunk). */
export class ZarrReadError extends Error {
  override name = "ZarrReadError";
  constructor(readonly store: string, readonly variable: string, message: string) {
    super(`${store}: reading variable '${variable}': ${message}`);
  }
}

/** Longest a batch may take before the read fails (HTTP retries included). */
const TIMEOUT_MS = 120_000;

let reader: { worker: Worker; port: MessagePort; done: Int32Array } | undefined;
let nextId = 0;

function start(): NonNullable<typeof reader> {
  if (reader) return reader;
  const flag = new SharedArrayBuffer(4);
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(path.join(__dirname, "zarr-worker.js"), { workerData: { flag, port: port2 }, transferList: [port2] });
  worker.unref();
  port1.unref();
  worker.on("error", () => (reader = undefined));
  worker.on("exit", () => (reader = undefined));
  reader = { worker, port: port1, done: new Int32Array(flag) };
  return reader;
}

/**
 * Reads the chunks `reads` of the arrays of `store`, all at once, waiting for them here.
 * Bytes the store fetched are added to {@link storeReads} (`xr.cacheInfo().bytesFetched`).
 */
export function readChunksSync(store: StoreSpec, reads: ChunkRequest["reads"], variable: string): { data: ArrayBufferView; shape: number[] }[] {
  const r = start();
  const id = ++nextId;
  r.worker.postMessage({ id, store, reads } satisfies ChunkRequest);
  const deadline = Date.now() + TIMEOUT_MS;
  let reply: ChunkReply | undefined;
  for (;;) {
    // Stale answers (of a read an interrupt abandoned) are dropped.
    for (let m = receiveUnwatched(r.port); m; m = receiveUnwatched(r.port)) {
      if ((m.message as ChunkReply).id === id) reply = m.message as ChunkReply;
    }
    if (reply) break;
    if (Date.now() > deadline) throw new ZarrReadError(store.location, variable, `no answer in ${TIMEOUT_MS / 1000} s`);
    Atomics.wait(r.done, 0, Atomics.load(r.done, 0), 50);
  }
  storeReads.bytes += reply.bytes;
  storeReads.retries += reply.retries;
  storeReads.requests += reply.requests;
  if (reply.error) {
    const e = reply.error;
    if (e.name === "RangeNotSupportedError" && e.url) throw new RangeNotSupportedError(e.url, e.status ?? 200);
    if (e.name === "HttpError" && e.url) throw new HttpError(e.url, e.status, e.message.slice(e.url.length + 2));
    throw new ZarrReadError(store.location, variable, `${e.name}: ${e.message}`);
  }
  return reply.chunks!;
}
