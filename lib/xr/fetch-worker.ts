/**
 * The thread that fetches byte ranges of remote files for the notebook's thread
 * (./fetch-sync): each request's ranges are read through an HttpStore, merged where they
 * touch and several at once (./ranges), and posted back with what the store fetched.
 */
import { workerData, parentPort, type MessagePort } from "node:worker_threads";
import { HttpStore, storeReads } from "./store";
import { readRanges } from "./ranges";
import type { RangeReply, RangeRequest } from "./fetch-sync";

const { flag, port } = workerData as { flag: SharedArrayBuffer; port: MessagePort };
const done = new Int32Array(flag);

async function serve(req: RangeRequest): Promise<RangeReply> {
  const bytes0 = storeReads.bytes, retries0 = storeReads.retries, requests0 = storeReads.requests;
  const reply = (r: Pick<RangeReply, "parts" | "error">): RangeReply => ({ id: req.id, bytes: storeReads.bytes - bytes0, retries: storeReads.retries - retries0, requests: storeReads.requests - requests0, ...r });
  try {
    return reply({ parts: await readRanges(new HttpStore(req.url, req.options), "", req.ranges) });
  } catch (e) {
    const err = e as Error & { url?: string; status?: number };
    return reply({ error: { name: err.name ?? "Error", message: err.message ?? String(e), url: err.url, status: err.status } });
  }
}

parentPort!.on("message", async (req: RangeRequest) => {
  const r = await serve(req);
  // Parts of one merged request share its buffer: it moves once.
  const buffers = (r.parts ?? []).map((p) => p.buffer as ArrayBuffer).filter((b, i, all) => all.indexOf(b) === i);
  port.postMessage(r, buffers);
  Atomics.store(done, 0, req.id);
  Atomics.notify(done, 0);
});
