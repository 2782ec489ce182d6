/**
 * The thread that reads Zarr chunks for the notebook's thread. zarrita's reads are promises
 * (stores fetch, codecs decode asynchronously) while lib/da asks for a block synchronously in
 * the middle of a compute; so the notebook's thread hands a batch of chunk reads to this
 * thread and waits on a shared flag (./zarr-sync), and this thread runs them all at once —
 * the parallel requests an HTTP store needs to be fast — through zarrita's `getChunk`, then
 * posts the decoded chunks back on a port the waiting thread reads synchronously.
 */
import { parentPort, workerData, type MessagePort } from "node:worker_threads";
import { openStore, storeReads, type StoreSpec } from "./store";
import { zarrita } from "./zarrita";
import type { ChunkReply, ChunkRequest } from "./zarr-sync";

const { flag, port } = workerData as { flag: SharedArrayBuffer; port: MessagePort };
const done = new Int32Array(flag);
const stores = new Map<string, ReturnType<typeof openStore>>();
type ZArray = { getChunk(coords: number[]): Promise<{ data: unknown; shape: number[]; stride: number[] }> };
const arrays = new Map<string, Promise<ZArray>>();

function storeOf(spec: StoreSpec) {
  const key = JSON.stringify(spec);
  let s = stores.get(key);
  if (!s) stores.set(key, (s = openStore(spec)));
  return s;
}

function arrayOf(spec: StoreSpec, path: string): Promise<ZArray> {
  const key = `${JSON.stringify(spec)}|${path}`;
  let a = arrays.get(key);
  if (!a) {
    a = zarrita().then((zarr) => zarr.open(zarr.root(storeOf(spec) as never).resolve(path), { kind: "array" }) as unknown as Promise<ZArray>);
    arrays.set(key, a);
    a.catch(() => arrays.delete(key));
  }
  return a;
}

/** The chunk's values in C order as the typed array lazylab stores the dtype in (int64 as float64). */
function cOrder(data: ArrayLike<unknown>, shape: number[], stride: number[]): ArrayBufferView {
  let flat: Float64Array | Float32Array | Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array;
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) flat = Float64Array.from(data, (x) => Number(x));
  else if (ArrayBuffer.isView(data)) flat = data as never;
  else flat = Uint8Array.from(Array.from({ length: data.length }, (_, i) => (data[i] ? 1 : 0)));
  const n = shape.reduce((a, b) => a * b, 1);
  let c = 1;
  const cStride = shape.map(() => 0);
  for (let d = shape.length - 1; d >= 0; d--) (cStride[d] = c), (c *= shape[d]);
  if (stride.every((s, d) => s === cStride[d] || shape[d] === 1)) return flat;
  const out = new (flat.constructor as new (n: number) => typeof flat)(n);
  const idx = shape.map(() => 0);
  for (let i = 0; i < n; i++) {
    let src = 0;
    for (let d = 0; d < shape.length; d++) src += idx[d] * stride[d];
    out[i] = flat[src];
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

async function serve(req: ChunkRequest): Promise<ChunkReply> {
  const bytes0 = storeReads.bytes, retries0 = storeReads.retries, requests0 = storeReads.requests;
  const reply = (r: Omit<ChunkReply, "id" | "bytes" | "retries" | "requests">): ChunkReply => ({ id: req.id, bytes: storeReads.bytes - bytes0, retries: storeReads.retries - retries0, requests: storeReads.requests - requests0, ...r });
  try {
    const chunks = await Promise.all(
      req.reads.map(async ({ path, coords }) => {
        const arr = await arrayOf(req.store, path);
        const c = await arr.getChunk(coords);
        const data = cOrder(c.data as ArrayLike<unknown>, c.shape, c.stride);
        return { data, shape: c.shape };
      }),
    );
    return reply({ chunks });
  } catch (e) {
    const err = e as Error;
    return reply({ error: { name: err.name ?? "Error", message: err.message ?? String(e), url: (e as { url?: string }).url, status: (e as { status?: number }).status } });
  }
}

parentPort!.on("message", async (req: ChunkRequest) => {
  const r = await serve(req);
  port.postMessage(r, r.chunks ? r.chunks.map((c) => c.data.buffer as ArrayBuffer).filter((b, i, all) => !(b instanceof SharedArrayBuffer) && all.indexOf(b) === i) : []);
  Atomics.store(done, 0, req.id);
  Atomics.notify(done, 0);
});
