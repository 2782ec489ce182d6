/**
 * A decoder thread (see ./decoders): reads a stored chunk's bytes and decodes them; at open,
 * reads the metadata of files through its own h5wasm (./prefetch). A remote file's chunks are
 * fetched here, asynchronously: the jobs of one message are fetched as one batch of ranges
 * (merged where they touch, several requests at once: ./ranges) while the thread keeps taking
 * messages, and each is decoded as its bytes arrive.
 */
import * as fs from "node:fs";
import { workerData, MessagePort } from "node:worker_threads";
import { decodeChunk } from "./codec";
import type { DecodedMessage, MetadataReply, MetadataRequest } from "./decoders";
import type { ChunkJob } from "./rawread";
import { readRanges } from "./ranges";
import { HttpStore, storeReads } from "./store";

const { port, meta, signal } = workerData as { port: MessagePort; meta: MessagePort; signal: Int32Array };

// Metadata requests: h5wasm and the reader are loaded on the first one only.
meta.on("message", (req: MetadataRequest) => {
  (require("./prefetch") as typeof import("./prefetch"))
    .readMetadata(req.file, req.group, req.attrs)
    .then(({ meta: m, transfer }) => meta.postMessage({ id: req.id, meta: m } satisfies MetadataReply, transfer))
    .catch((e: unknown) => meta.postMessage({ id: req.id, error: String((e as Error)?.message ?? e) } satisfies MetadataReply));
});
const fds = new Map<string, number>();
/**
 * Where chunks' stored bytes are read: one buffer reused from chunk to chunk, grown by doubling,
 * but held only weakly, so the full collection a thread makes before each memory reading
 * (lib/psutil/isolate-probe.ts) frees it. Kept for good, it held 1.2 MB per thread after the
 * xarray example's first compute, counted in every figure after it; and which thread reads the
 * largest chunk, so how much each holds, is timing. V8's minor collections keep weakly held
 * objects, so it is reused within a compute.
 */
let readRef: WeakRef<Buffer> | undefined;

function readBuffer(size: number): Buffer {
  let b = readRef?.deref();
  if (!b || b.length < size) {
    b = Buffer.allocUnsafeSlow(Math.max(size, 2 * (b?.length ?? 0)));
    readRef = new WeakRef(b);
  }
  return b;
}

/** What the stores fetched and this thread has not yet reported (sent with the next result). */
const reported = { bytes: 0, retries: 0, requests: 0 };
function post(msg: DecodedMessage, transfer: ArrayBuffer[]): void {
  msg.fetched = { bytes: storeReads.bytes - reported.bytes, retries: storeReads.retries - reported.retries, requests: storeReads.requests - reported.requests };
  Object.assign(reported, storeReads);
  port.postMessage(msg, transfer);
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
}

/** A chunk to decode, and the buffer the notebook's thread lent for its decoded bytes. */
type Lent = { job: ChunkJob; into: ArrayBuffer };

/**
 * Fetches the remote jobs `jobs` of one message together, per file, and decodes each. The
 * batch is the message, not what arrived by some moment: which ranges are merged must not
 * depend on how this thread's turns fall between the notebook's posts.
 */
function fetchBatch(jobs: Lent[]): void {
  const byUrl = new Map<string, Lent[]>();
  for (const j of jobs) {
    const k = JSON.stringify(j.job.remote);
    byUrl.set(k, [...(byUrl.get(k) ?? []), j]);
  }
  for (const group of byUrl.values()) {
    const { url, options } = group[0].job.remote!;
    readRanges(new HttpStore(url, options), "", group.map(({ job }) => ({ offset: job.position, length: job.size }))).then(
      (parts) =>
        group.forEach(({ job, into }, i) => {
          try {
            if (parts[i].length !== job.size) throw new Error(`fetched ${parts[i].length} of ${job.size} bytes of a chunk (the file is shorter than its index says)`);
            post({ key: job.key, bytes: decodeChunk(parts[i], job, new Uint8Array(into)) }, [into]);
          } catch (e) {
            post({ key: job.key, error: String((e as Error).message ?? e) }, []);
          }
        }),
      // The notebook's thread fetches a failed chunk itself, and reports the error as its own.
      (e: unknown) => group.forEach(({ job }) => post({ key: job.key, error: String((e as Error).message ?? e) }, [])),
    );
  }
}

/** Reads a local chunk's stored bytes and decodes them into the lent buffer. */
function decodeLocal({ job, into }: Lent): void {
  let msg: DecodedMessage;
  let transfer: ArrayBuffer[] = [];
  try {
    let fd = fds.get(job.file);
    if (fd === undefined) {
      if (fds.size >= 64) for (const [f, d] of fds) (fs.closeSync(d), fds.delete(f));
      fds.set(job.file, (fd = fs.openSync(job.file, "r")));
    }
    const stored = readBuffer(job.size).subarray(0, job.size);
    fs.readSync(fd, stored, 0, job.size, job.position);
    // Decoded into the notebook thread's own buffer (see ./decoders).
    const bytes = decodeChunk(stored, job, new Uint8Array(into));
    msg = { key: job.key, bytes };
    transfer = [into];
  } catch (e) {
    msg = { key: job.key, error: String((e as Error).message ?? e) };
  }
  post(msg, transfer);
}

port.on("message", (batch: Lent[]) => {
  const remote = batch.filter((b) => b.job.remote);
  if (remote.length) fetchBatch(remote);
  for (const b of batch) if (!b.job.remote) decodeLocal(b);
});
