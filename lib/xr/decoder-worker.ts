/**
 * A decoder thread (see ./decoders): reads a stored chunk's bytes and decodes them; at open,
 * reads the metadata of files through its own h5wasm (./prefetch).
 */
import * as fs from "node:fs";
import { workerData, MessagePort } from "node:worker_threads";
import { decodeChunk } from "./codec";
import type { DecodedMessage, MetadataReply, MetadataRequest } from "./decoders";
import type { ChunkJob } from "./rawread";

const { port, meta, signal } = workerData as { port: MessagePort; meta: MessagePort; signal: Int32Array };

// Metadata requests: h5wasm and the reader are loaded on the first one only.
meta.on("message", (req: MetadataRequest) => {
  (require("./prefetch") as typeof import("./prefetch"))
    .readMetadata(req.file, req.group, req.attrs)
    .then(({ meta: m, transfer }) => meta.postMessage({ id: req.id, meta: m } satisfies MetadataReply, transfer))
    .catch((e: unknown) => meta.postMessage({ id: req.id, error: String((e as Error)?.message ?? e) } satisfies MetadataReply));
});
const fds = new Map<string, number>();
let readBuf = Buffer.allocUnsafeSlow(0);

port.on("message", ({ job, into }: { job: ChunkJob; into: ArrayBuffer }) => {
  let msg: DecodedMessage;
  let transfer: ArrayBuffer[] = [];
  try {
    let fd = fds.get(job.file);
    if (fd === undefined) {
      if (fds.size >= 64) for (const [f, d] of fds) (fs.closeSync(d), fds.delete(f));
      fds.set(job.file, (fd = fs.openSync(job.file, "r")));
    }
    // The stored bytes go to a buffer reused between chunks (nothing left for the GC).
    if (readBuf.length < job.size) readBuf = Buffer.allocUnsafeSlow(Math.max(job.size, readBuf.length * 2));
    const stored = readBuf.subarray(0, job.size);
    fs.readSync(fd, stored, 0, job.size, job.position);
    // Decoded into the notebook thread's own buffer (see ./decoders).
    const bytes = decodeChunk(stored, job, new Uint8Array(into));
    msg = { key: job.key, bytes };
    transfer = [into];
  } catch (e) {
    msg = { key: job.key, error: String((e as Error).message ?? e) };
  }
  port.postMessage(msg, transfer);
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
});
