/**
 * `da.connect(address)`: later computes run on a dask.distributed cluster, through the
 * bridge (bridge.ts), with lazylab's graphs translated node by node (translate.ts). One
 * connection per notebook; `da.disconnect()` goes back to the local threads.
 */
import { NDArray } from "../../np/ndarray";
import { allocate, type DType } from "../../np/dtype";
import { onInterrupt } from "../../notebook/host";
import { ComputeCancelled, TaskError } from "../errors";
import type { LazyRef } from "../graph";
import { Bridge, type BridgeReply } from "./bridge";
import { storageDType, translate } from "./translate";

export { ClusterUnsupported } from "./translate";

/** No scheduler answered at the address (or the bridge could not reach it) in time. */
export class ClusterUnavailable extends Error {
  override name = "ClusterUnavailable";
}

/** One worker as the scheduler reports it. Memory figures are the worker process's, not this kernel's. */
export interface ClusterWorker {
  address: string;
  name: string;
  pid: number;
  nthreads: number;
  /** The worker's memory limit, bytes. */
  memoryLimit: number;
  /** The worker process's resident memory, bytes (the cluster's figure, not a local one). */
  memory: number;
  /** Bytes of results the worker holds (persisted chunks, scattered arrays), as the scheduler counts them. */
  managed: number;
  /** Tasks the scheduler has assigned to this worker and not yet seen finish. */
  processing: number;
  executing: number;
}

/** What the last compute or persist on this connection sent to the cluster. */
export interface ClusterCompute {
  /** Tasks in the Dask graph submitted (a persisted array counts one task per chunk: its futures). */
  tasks: number;
  /** Bytes of notebook arrays scattered for it (0 when they were there already). */
  scatteredBytes: number;
  /** Arrays persisted on the cluster that it read by their futures. */
  persistedInputs: number;
  /** xr file variables the workers read themselves. */
  fileInputs: number;
}

export interface ClusterInfo {
  scheduler: string;
  workers: ClusterWorker[];
  /** Tasks in flight over all workers. */
  processing: number;
  /** Arrays made in the notebook that this connection has scattered to the workers (each once). */
  scattered: number;
  /** Arrays `persist()`ed on the cluster and still held (as futures) by this connection. */
  persisted: number;
  /** The last compute or persist, or undefined before the first. */
  lastCompute?: ClusterCompute;
}

interface Connection {
  address: string;
  bridge: Bridge;
  /** Content ids already scattered to the cluster. */
  scattered: Set<string>;
  lastCompute?: ClusterCompute;
}

/** Arrays persisted on a cluster: the connection that holds their futures and their key there. */
const persistedOn = new WeakMap<LazyRef, { connection: Connection; key: string }>();
// A persisted array the notebook no longer references lets go of its futures (Dask does the
// same when a futures-backed array is garbage collected): the workers' memory is freed.
const releaser = new FinalizationRegistry<{ connection: Connection; key: string }>(({ connection, key }) => {
  if (current === connection && connection.bridge.alive) connection.bridge.request({ op: "release", key }).reply.catch(() => undefined);
});

let current: Connection | undefined;
/** da.disconnect() was called: LAZYLAB_DASK_SCHEDULER no longer connects by itself. */
let declined = false;

function failure(reply: BridgeReply, what: string): Error {
  const msg = `${what}: ${reply.error ?? "failed"}`;
  if (reply.name === "ClusterUnavailable") return new ClusterUnavailable(msg);
  if (reply.name === "Cancelled") return new ComputeCancelled("the cluster compute was interrupted; its futures were cancelled");
  return new TaskError(msg);
}

/**
 * `Client("tcp://host:8786")`: computes that follow run on the cluster at `address` (until
 * `da.disconnect()`). Without `address`, `LAZYLAB_DASK_SCHEDULER` names it. Rejects with
 * `ClusterUnavailable` within `timeoutMs` (5 s by default) when no scheduler answers.
 * @example
 * await da.connect("tcp://127.0.0.1:8786");
 * await da.random.defaultRng(0).standardNormal([4000, 4000], { chunks: 1000 }).mean().compute(); // on the cluster
 */
export async function connect(address?: string, options: { timeoutMs?: number } = {}): Promise<ClusterInfo> {
  const addr = address ?? process.env.LAZYLAB_DASK_SCHEDULER;
  if (!addr) throw new ClusterUnavailable("da.connect: no address given and LAZYLAB_DASK_SCHEDULER is not set");
  if (typeof addr !== "string" || !/^(tcp|tls|inproc|ucx|ws|wss):\/\/\S+$/.test(addr)) throw new TypeError(`da.connect: address must look like "tcp://host:8786", got ${JSON.stringify(addr)}`);
  const timeoutMs = options.timeoutMs ?? 5000;
  await disconnect();
  declined = false;
  const bridge = new Bridge();
  // The bridge's own timeout covers the scheduler; this one covers Python's start-up as well.
  const deadline = timeoutMs + 10_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    const { reply } = await Promise.race([
      bridge.request({ op: "connect", address: addr, timeoutMs }).reply,
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new ClusterUnavailable(`da.connect: no answer from ${addr} within ${deadline} ms`)), deadline))),
    ]);
    if (!reply.ok) throw failure({ ...reply, name: "ClusterUnavailable" }, `da.connect: no scheduler at ${addr}`);
    current = { address: addr, bridge, scattered: new Set() };
    return infoOf(reply);
  } catch (e) {
    await bridge.close(500);
    if (e instanceof Error && e.name === "BridgeError") throw new ClusterUnavailable(`da.connect: ${e.message}`);
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Closes the cluster connection (the bridge process exits); computes run locally again.
 * @example await da.disconnect();
 */
export async function disconnect(): Promise<void> {
  declined = true;
  const c = current;
  current = undefined;
  if (c) await c.bridge.close();
}

/** The address computes go to, or undefined when they run locally. */
export function connectedTo(): string | undefined {
  return current?.bridge.alive ? current.address : undefined;
}

/**
 * Whether the next compute goes to a cluster: connected, or LAZYLAB_DASK_SCHEDULER set and
 * not disconnected from. Synchronous, so a local compute does not wait a turn for it.
 */
export function clusterWanted(): boolean {
  return current !== undefined || (!declined && !!process.env.LAZYLAB_DASK_SCHEDULER);
}

async function connection(): Promise<Connection> {
  if (!current) {
    await connect(process.env.LAZYLAB_DASK_SCHEDULER);
  }
  const c = current!;
  if (!c.bridge.alive) throw new ClusterUnavailable(`the connection to ${c.address} was lost (the bridge process exited); await da.connect(...) again, or da.disconnect() to compute locally`);
  return c;
}

function infoOf(reply: BridgeReply): ClusterInfo {
  const workers = (reply.workers as ClusterWorker[]) ?? [];
  return { scheduler: String(reply.scheduler), workers, scattered: Number(reply.scattered ?? 0), persisted: Number(reply.persisted ?? 0), processing: workers.reduce((n, w) => n + (w.processing ?? 0), 0) };
}

/**
 * The cluster's workers, their memory and the tasks in flight, from the scheduler
 * (`client.scheduler_info()`, `client.processing()`), and what the last compute sent. The
 * memory figures are the workers' processes on their hosts, not this kernel's
 * (`psutil`/`memory` probes stay local).
 * @example
 * const info = await da.clusterInfo();
 * info.workers.map((w) => [w.memory, w.managed]);  // resident bytes, result bytes held
 * info.lastCompute;  // { tasks, scatteredBytes, persistedInputs, fileInputs }
 */
export async function clusterInfo(): Promise<ClusterInfo> {
  const c = current;
  if (!c) throw new ClusterUnavailable("da.clusterInfo: not connected (await da.connect(address) first)");
  const { reply } = await c.bridge.request({ op: "info" }).reply;
  if (!reply.ok) throw failure(reply, "da.clusterInfo");
  return { ...infoOf(reply), ...(c.lastCompute ? { lastCompute: { ...c.lastCompute } } : {}) };
}

/**
 * Sends `root`'s graph as request `op` ("compute" or "persist"): notebook arrays scattered first
 * (those not there yet), arrays persisted by this connection named by key. The kernel
 * interrupt cancels the request's futures on the cluster.
 */
async function submit(c: Connection, root: LazyRef, op: "compute" | "persist"): Promise<{ reply: BridgeReply; buffers: Buffer[] }> {
  const t = translate(root, (r) => {
    const p = persistedOn.get(r);
    return p && p.connection === c ? p.key : undefined;
  });
  let scatteredBytes = 0;
  for (const s of t.sources) {
    if (c.scattered.has(s.contentId)) continue;
    const { reply } = await c.bridge.request({ op: "scatter", contentId: s.contentId, dtype: s.dtype, storage: storageDType(s.dtype), shape: s.shape }, [s.data]).reply;
    if (!reply.ok) throw failure(reply, `scattering ${s.contentId.slice(0, 8)}`);
    c.scattered.add(s.contentId);
    scatteredBytes += s.data.byteLength;
  }
  const req = c.bridge.request({ op, nodes: t.nodes, root: t.root, dtype: root.dtype, storage: storageDType(root.dtype) });
  const stop = onInterrupt(() => void c.bridge.request({ op: "cancel", target: req.id }).reply.catch(() => undefined));
  try {
    const out = await req.reply;
    if (!out.reply.ok) throw failure(out.reply, `the cluster ${op} of ${root.name}`);
    c.lastCompute = {
      tasks: Number(out.reply.tasks ?? 0),
      scatteredBytes,
      persistedInputs: t.nodes.filter((n) => n.kind === "persisted").length,
      fileInputs: t.nodes.filter((n) => n.kind === "file").length,
    };
    return out;
  } finally {
    stop();
  }
}

/** Computes `root` on the connected cluster and returns it as a local array. Interruptible. */
export async function computeOnCluster(root: LazyRef): Promise<NDArray> {
  const c = await connection();
  const { reply, buffers } = await submit(c, root, "compute");
  const shape = reply.shape as number[];
  const n = shape.reduce((a, b) => a * b, 1);
  const data = allocate(root.dtype as DType, n);
  new Uint8Array(data.buffer, data.byteOffset, data.byteLength).set(buffers[0]);
  return new NDArray(data, shape, root.dtype);
}

/**
 * `client.persist(x)`: computes `x`'s chunks on the cluster and keeps them there as futures,
 * held for `result` (a lazy array over the same graph): cluster computes that read `result`
 * name those futures instead of sending or recomputing anything. Nothing comes back to the
 * notebook. The futures are released when `result` is garbage collected or the connection
 * closes; after `da.disconnect()`, `result` computes locally from the graph it keeps.
 */
export async function persistOnCluster(x: LazyRef, result: LazyRef): Promise<void> {
  const c = await connection();
  const { reply } = await submit(c, x, "persist");
  const held = { connection: c, key: String(reply.key) };
  persistedOn.set(result, held);
  releaser.register(result, held);
}

/** Whether `x` is persisted on the connected cluster (its chunks are futures there). */
export function isPersistedOnCluster(x: LazyRef): boolean {
  const p = persistedOn.get(x);
  return !!p && p.connection === current && p.connection.bridge.alive;
}
