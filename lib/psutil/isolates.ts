/**
 * The executor's worker threads, as the memory probes see them: every worker made after
 * {@link trackWorkers} (lazylab's own: da's scheduler pool, xr's decoders, plot's renderer;
 * and any a notebook starts) has isolate-probe.js preloaded, and {@link workerMemory} asks them
 * all, synchronously, how much memory their isolates hold.
 *
 * Why a question and not a reading from outside: a V8 heap can only be measured (and collected)
 * from its own thread, and Node 20 has no `worker.getHeapStatistics()`. The notebook thread
 * posts on a BroadcastChannel and blocks (Atomics.wait, 1 ms at a time) until every live
 * worker has answered. A worker that is free acknowledges at once and then collects its heap
 * (a second or more for a large heap on a loaded machine): it is waited for up to
 * {@link WORKER_COLLECT_MS}. A worker busy in JavaScript cannot acknowledge: after
 * {@link WORKER_ANSWER_MS} its last answer is used (the one figure here that can be stale).
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { syncBuiltinESMExports } from "node:module";
import { setFlagsFromString } from "node:v8";
import { BroadcastChannel, type Worker as WorkerType, type WorkerOptions } from "node:worker_threads";
import { ISOLATE_CHANNEL, type IsolateAck, type IsolateAsk, type IsolateReport } from "./isolate-probe";
import { OWN_THREAD_ARG, receiveUnwatched } from "./resizable";

/** How long a reading waits for a worker to acknowledge the question (a busy worker does not). */
export const WORKER_ANSWER_MS = 250;
/** How long a reading waits for a worker that acknowledged to finish collecting and answer. */
export const WORKER_COLLECT_MS = 10_000;

interface Tracked {
  last?: IsolateReport;
}

// The module object itself (not an import namespace, whose bindings are read-only): the
// library's modules and the notebook's cells read `Worker` from it when they start a thread.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const workerThreads = require("node:worker_threads") as { Worker: typeof WorkerType };

const tracked = new Map<number, Tracked>();
let channel: BroadcastChannel | undefined;
let seq = 0;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/**
 * The executor's own Node options a worker inherits, without those a worker refuses (V8's
 * flags are process-wide and already apply to it). Learned once from Node itself: a worker
 * given the executor's options and one V8 flag is refused before it starts, with the list.
 */
function inheritableExecArgv(Original: typeof WorkerType): string[] {
  const sentinel = "--stack-size=984";
  try {
    const w = new Original("", { eval: true, execArgv: [...process.execArgv, sentinel] });
    void w.terminate();
  } catch (e) {
    const m = /flags: (.*)$/.exec((e as Error).message);
    if (m) {
      const refused = new Set(m[1].split(", "));
      return process.execArgv.filter((f) => !refused.has(f));
    }
  }
  return [];
}

/** lazylab's compiled library (this file is dist/lib/psutil/isolates.js). */
const LIBRARY_DIR = path.resolve(__dirname, "..") + path.sep;

/** A worker running one of the library's own files (not a notebook's, nor code given as text). */
function isOwnThread(filename: string | URL, options: WorkerOptions): boolean {
  if (options.eval || (filename instanceof URL && filename.protocol !== "file:")) return false;
  return path.resolve(filename instanceof URL ? fileURLToPath(filename) : filename).startsWith(LIBRARY_DIR);
}

/**
 * Makes every worker started from now on answer the memory probes (idempotent). The executor
 * calls it at start, before the library starts any thread.
 */
export function trackWorkers(): void {
  if (channel) return;
  channel = new BroadcastChannel(ISOLATE_CHANNEL);
  channel.unref();
  const Original = workerThreads.Worker;
  const probe = path.join(__dirname, "isolate-probe.js");
  let inherited: string[] | undefined;
  class Worker extends Original {
    constructor(filename: string | URL, options: WorkerOptions = {}) {
      const execArgv = [...(options.execArgv ?? (inherited ??= inheritableExecArgv(Original))), "--require", probe];
      const argv = isOwnThread(filename, options) ? [...(options.argv ?? []), OWN_THREAD_ARG] : options.argv;
      super(filename, { ...options, execArgv, ...(argv ? { argv } : {}) });
      const id = this.threadId;
      tracked.set(id, {});
      this.once("exit", () => tracked.delete(id));
    }
  }
  workerThreads.Worker = Worker;
  syncBuiltinESMExports();
}

/** Live workers being tracked. */
export function trackedWorkers(): number {
  return tracked.size;
}

/** What a reading found in the workers. */
export interface WorkerMemory {
  /** The workers' isolates' live heaps, young generations at capacity (isolate-probe.ts). */
  heap: number;
  /** Resident bytes of the workers' WebAssembly memories. */
  wasm: number;
  /** Where those memories' pages start. */
  wasmStarts: number[];
  /** Resident bytes of the workers' resizable array buffers. */
  resizable: number;
  /** The workers' growable SharedArrayBuffers, flat [start, length] pairs. */
  growable: number[];
  /** Workers that did not answer in time (their last answers were used). */
  stale: number;
}

function drain(current: number, waiting: Set<number>, collecting: Set<number>): void {
  let m: { message: IsolateReport | IsolateAck } | undefined;
  while ((m = receiveUnwatched(channel as never) as { message: IsolateReport | IsolateAck } | undefined)) {
    const r = m.message;
    const t = tracked.get(r.threadId);
    if (!t) continue;
    if (r.kind === "ack") {
      if (r.seq === current) collecting.add(r.threadId);
      continue;
    }
    t.last = r;
    // A worker that started after the question was posted never heard it; its greeting is fresh.
    if (r.seq === current || r.seq === 0) waiting.delete(r.threadId);
  }
}

/** The executor was started compacting on every full collection (it is not: supervisor.ts). */
const alwaysCompacting = process.execArgv.includes("--compact-on-every-full-gc");

/**
 * Asks every tracked worker for its isolate's memory (each collects its garbage first), with V8
 * compacting every old-space page in the collections meanwhile: a worker then holds as few pages
 * as its live objects need, whatever pages its past allocations and collections left, so its
 * resident pages follow the live objects it is counted by (isolate-probe.ts). V8's flags are per
 * process, so the flag is set here, once for all the workers' collections (a worker setting and
 * clearing it around its own raced the others'), while this thread waits for them.
 * The executor does not compact on every full collection (`--compact-on-every-full-gc`): on the
 * notebook's thread that made a reading with 1e6 objects alive 2.5 times slower (0.30 vs
 * 0.12 s), and the pages V8 then gave back moved the RSS a zlib stream adds
 * (test/process-view.test.ts: 5.4 vs 5.6 MB for 5.8 MB of malloc'd buffers).
 */
export function workerMemory(timeoutMs = WORKER_ANSWER_MS): WorkerMemory {
  if (alwaysCompacting || !channel || !tracked.size) return askWorkers(timeoutMs);
  setFlagsFromString("--compact-on-every-full-gc");
  try {
    return askWorkers(timeoutMs);
  } finally {
    setFlagsFromString("--no-compact-on-every-full-gc");
  }
}

function askWorkers(timeoutMs: number): WorkerMemory {
  const out: WorkerMemory = { heap: 0, wasm: 0, wasmStarts: [], resizable: 0, growable: [], stale: 0 };
  if (!channel || !tracked.size) return out;
  const current = ++seq;
  drain(current, new Set(), new Set());
  channel.postMessage({ kind: "ask", seq: current } satisfies IsolateAsk);
  const waiting = new Set(tracked.keys());
  const collecting = new Set<number>();
  const start = performance.now();
  for (;;) {
    drain(current, waiting, collecting);
    if (!waiting.size) break;
    const elapsed = performance.now() - start;
    const stillCollecting = [...waiting].some((id) => collecting.has(id));
    if (elapsed >= timeoutMs && !(stillCollecting && elapsed < WORKER_COLLECT_MS)) break;
    Atomics.wait(sleeper, 0, 0, 1);
  }
  for (const [id, t] of tracked) {
    if (waiting.has(id)) out.stale++;
    out.heap += t.last?.heap ?? 0;
    out.wasm += t.last?.wasm ?? 0;
    out.wasmStarts.push(...(t.last?.wasmStarts ?? []));
    out.resizable += t.last?.resizable ?? 0;
    out.growable.push(...(t.last?.growable ?? []));
  }
  return out;
}
