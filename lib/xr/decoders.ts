/**
 * Decoder threads: stored chunks a compute announced (./plan) are read and decoded ahead on
 * worker threads, several at once, while the notebook's thread assembles the result — what
 * Dask's threads do for xarray. The scheduler asks for chunks synchronously, so the
 * notebook's thread takes a decoded chunk with `receiveMessageOnPort`, waiting on an
 * `Atomics` counter the threads bump when one is ready; it never waits on a chunk that was
 * not sent out, and a chunk nobody announced (or whose thread failed) is decoded in place,
 * as without threads. At most `AHEAD_BYTES` (32 MB) of chunks are decoded ahead and not yet
 * taken (but always two per thread), so the memory held ahead stays small whatever the
 * compute's size. Each chunk is decoded into a buffer the notebook's thread allocated and
 * lent: V8 accounts a buffer to the thread that allocated it, so the psutil probes (which
 * count the notebook's own buffers) see the cache's chunks as they would without threads.
 *
 * At open the threads also read files' metadata, on a port of their own answered
 * asynchronously (./prefetch).
 *
 * A remote file's chunks (./remote) are fetched by the threads too, several requests at once:
 * chunks stored one after another are sent to the same thread in the same message, which it
 * fetches as one range. What they fetched comes back with each result and counts in
 * `bytesFetched`.
 *
 * `LAZYLAB_XR_DECODERS=0` turns the threads off (everything decoded in place).
 */
import { availableParallelism } from "node:os";
import path from "node:path";
import { MessageChannel, MessagePort, Worker } from "node:worker_threads";
import { receiveUnwatched } from "../psutil/resizable";
import { diskReads } from "./hdf5";
import { decodedLength } from "./codec";
import type { FileMetadata } from "./netcdf";
import type { ChunkJob } from "./rawread";
import { storeReads } from "./store";

/** Result a decoder thread posts. */
export interface DecodedMessage {
  key: string;
  bytes?: Uint8Array;
  error?: string;
  /** What the thread's HTTP stores fetched since its last result (remote chunks). */
  fetched?: { bytes: number; retries: number; requests: number };
}

interface Decoder {
  worker: Worker;
  port: MessagePort;
  /** Metadata requests at open (./prefetch), answered asynchronously. */
  meta: MessagePort;
  /** Metadata requests sent and not answered, by id. */
  pending: Map<number, (reply: MetadataReply) => void>;
}

/** A decoder thread's answer to a metadata request: the metadata, or why it could not. */
export interface MetadataReply {
  id: number;
  meta?: FileMetadata;
  error?: string;
}

/** What a decoder thread is asked at open: the metadata of a group of a file. */
export interface MetadataRequest {
  id: number;
  file: string;
  group: string;
  attrs: "all" | "decoding";
}

/** Bytes of chunks decoded ahead and not yet taken, at most (beyond two per thread)... */
const AHEAD_BYTES = 32 * 2 ** 20;
/** ... and at most this many chunks (small chunks: a level each). */
const AHEAD_CHUNKS = 64;

let decoders: Decoder[] | undefined;
let signal: Int32Array | undefined;
let next = 0;
/** Announced jobs not yet sent, in order. */
let queue: ChunkJob[] = [];
/** Sent, not yet back. */
const inFlight = new Set<string>();
/** Back, not yet taken. */
const done = new Map<string, Uint8Array | undefined>();
/** Bytes of the chunks in flight or back and not yet taken, by key. */
const aheadOf = new Map<string, number>();
let ahead = 0;

function release(key: string): void {
  ahead -= aheadOf.get(key) ?? 0;
  aheadOf.delete(key);
}

/** Chunks taken decoded from a thread, and announced chunks decoded in place instead. */
export const decoderStats = { ahead: 0, inPlace: 0 };

/** Decoder threads to use: one per core, at most 4; 0 when turned off. */
export function decoderCount(): number {
  const env = process.env.LAZYLAB_XR_DECODERS;
  if (env !== undefined && env !== "") return Math.max(0, Math.floor(Number(env)) || 0);
  return Math.min(4, Math.max(1, availableParallelism()));
}

function start(n: number): Decoder[] {
  signal = new Int32Array(new SharedArrayBuffer(4));
  const out: Decoder[] = [];
  for (let i = 0; i < n; i++) {
    const { port1, port2 } = new MessageChannel();
    const meta = new MessageChannel();
    const worker = new Worker(path.join(__dirname, "decoder-worker.js"), {
      workerData: { port: port2, meta: meta.port2, signal },
      transferList: [port2, meta.port2],
      // Decoding allocates one buffer per chunk and passes it on: a small young generation.
      resourceLimits: { maxYoungGenerationSizeMb: 1 },
    });
    worker.unref();
    port1.unref();
    const d: Decoder = { worker, port: port1, meta: meta.port1, pending: new Map() };
    meta.port1.on("message", (r: MetadataReply) => {
      d.pending.get(r.id)?.(r);
      d.pending.delete(r.id);
      if (d.pending.size === 0) d.meta.unref();
    });
    meta.port1.unref();
    const died = () => {
      // A dead thread's chunks are decoded in place, its files opened here; the others go on.
      decoders = decoders?.filter((x) => x.worker !== worker);
      for (const [id, answer] of d.pending) answer({ id, error: "decoder thread stopped" });
      d.pending.clear();
      d.meta.unref();
    };
    worker.on("error", died);
    worker.on("exit", died);
    out.push(d);
  }
  return out;
}

/**
 * Starts the decoder threads if they are not running (opening a file does, so that their
 * own memory is spent before a compute, not counted in it).
 */
export function startDecoders(): void {
  const n = decoderCount();
  if (n > 0) decoders ??= start(n);
}

let metaNext = 0, metaId = 0;

/**
 * Asks a decoder thread for the metadata of group `group` of `file` (what opening it reads),
 * or undefined when there are no threads. The promise resolves with undefined if the thread
 * could not read it: the caller then opens the file itself, with the errors that gives.
 */
export function requestMetadata(file: string, group: string, attrs: "all" | "decoding"): Promise<FileMetadata | undefined> | undefined {
  const n = decoderCount();
  if (n === 0) return undefined;
  decoders ??= start(n);
  if (!decoders.length) return undefined;
  const d = decoders[metaNext++ % decoders.length];
  const id = ++metaId;
  return new Promise((resolve) => {
    d.pending.set(id, (r) => resolve(r.meta));
    // Held open while answers are due (an unanswered request must keep the process alive).
    d.meta.ref();
    d.meta.postMessage({ id, file, group, attrs } satisfies MetadataRequest);
  });
}

/**
 * Announces the chunks a compute is about to need, in order: the first few start decoding
 * now. Replaces any earlier announcement.
 */
export function announce(jobs: readonly ChunkJob[]): void {
  const n = decoderCount();
  if (n === 0 || jobs.length < 2) return;
  decoders ??= start(n);
  const seen = new Set<string>();
  queue = jobs.filter((j) => !seen.has(j.key) && !inFlight.has(j.key) && !done.has(j.key) && (seen.add(j.key), true));
  pump();
}

/** Ends a compute's announcement: nothing more is sent; what comes back is dropped. */
export function settle(): void {
  queue = [];
  drain();
  for (const k of done.keys()) release(k);
  done.clear();
}

function pump(): void {
  if (!decoders?.length) return;
  // What each thread gets now goes in one message: a thread fetches the remote chunks of a
  // message together (./decoder-worker), so chunks that touch are one request. Were they posted
  // one by one, a thread could take the first before the next arrived (the notebook's thread
  // descheduled in between, as on a loaded machine) and fetch them apart.
  const batches = new Map<Decoder, { job: ChunkJob; into: ArrayBuffer }[]>();
  let last: { job: ChunkJob; to: Decoder } | undefined;
  // Enough ahead that the threads keep decoding through the notebook thread's GC pauses
  // (10-50 ms each while the cache grows by a GB; 4 chunks ahead left them idle then).
  while (queue.length && (aheadOf.size < 2 * decoders.length || (aheadOf.size < AHEAD_CHUNKS && ahead + decodedLength(queue[0]) <= AHEAD_BYTES))) {
    const job = queue.shift()!;
    inFlight.add(job.key);
    const n = decodedLength(job);
    aheadOf.set(job.key, n);
    ahead += n;
    // The buffer is allocated here and lent to the thread: memory is accounted to the
    // isolate that allocated it, and the notebook's memory probes count the notebook's.
    const into = new ArrayBuffer(n);
    // A remote chunk stored right after the one before goes to the same thread: one range.
    const follows = job.remote && last?.job.remote?.url === job.remote.url && last.job.position + last.job.size === job.position;
    const to = follows ? last!.to : decoders[next++ % decoders.length];
    let batch = batches.get(to);
    if (!batch) batches.set(to, (batch = []));
    batch.push({ job, into });
    last = { job, to };
  }
  for (const [to, batch] of batches) to.port.postMessage(batch, batch.map((b) => b.into));
}

/** Moves every posted result into `done`. */
function drain(): void {
  for (const d of decoders ?? []) {
    for (let m = receiveUnwatched(d.port); m; m = receiveUnwatched(d.port)) {
      const r = m.message as DecodedMessage;
      if (r.fetched) (storeReads.bytes += r.fetched.bytes), (storeReads.retries += r.fetched.retries), (storeReads.requests += r.fetched.requests);
      if (!inFlight.delete(r.key)) continue;
      done.set(r.key, r.error ? undefined : r.bytes);
    }
  }
}

/** True if `job` is with the threads: waiting its turn, decoding, or decoded and not yet taken. */
export function isAnnounced(job: ChunkJob): boolean {
  return inFlight.has(job.key) || done.has(job.key) || queue.some((j) => j.key === job.key);
}

/**
 * The decoded bytes of `job` if it was announced (waiting for its thread if it is still
 * decoding), or undefined: decode it in place.
 */
export function takeDecoded(job: ChunkJob): Uint8Array | undefined {
  if (!decoders) return undefined;
  let idx = queue.findIndex((j) => j.key === job.key);
  if (idx >= 0 && !inFlight.has(job.key)) {
    // Asked for before its turn (the plan's order differs): decode it here instead.
    queue.splice(idx, 1);
    decoderStats.inPlace++;
    return undefined;
  }
  // A thread that died takes its chunk with it: past the deadline, decode it here.
  const deadline = performance.now() + 30_000;
  while (inFlight.has(job.key)) {
    const seen = Atomics.load(signal!, 0);
    drain();
    if (!inFlight.has(job.key)) break;
    if (performance.now() > deadline) {
      inFlight.delete(job.key);
      release(job.key);
      break;
    }
    Atomics.wait(signal!, 0, seen, 200);
  }
  drain();
  const bytes = done.get(job.key);
  if (done.delete(job.key)) release(job.key);
  pump();
  if (bytes) {
    if (!job.remote) diskReads.bytes += job.size;
    decoderStats.ahead++;
  } else decoderStats.inPlace++;
  return bytes;
}
