/**
 * The kernel's side of the executor: starts the child, sends it cells, routes what it says,
 * and notices when it dies (OOM, process.exit(), abort) so the kernel can report it on the
 * running cell and start a fresh one. Runs in the protocol process.
 */
import { fork, type ChildProcess } from "node:child_process";
import { EventEmitter } from "node:events";
import path from "node:path";
import type { Duplex, Writable } from "node:stream";
import { DEBUG_FD, interruptLine, onLines, type FromExecutor, type RunRequest, type ToExecutor } from "./ipc";
import type { DebugPipeMessage, DebugPipeRequest } from "./watchdog";
import { respond, type DapEvent, type DapRequest, type DapResponse } from "../debugger/dap";
import { EXTRA_CA_CERTS_FOR_EXECUTOR } from "../node-flags";
import { markStart } from "../start-trace";
import { startupHeapRoomEnvironment } from "../../lib/psutil/heap-room";

type Done = Extract<FromExecutor, { kind: "done" }>;

/** The executor process ended while a cell was running (or before it was ready). */
export class ExecutorCrashed extends Error {
  override name = "ExecutorCrashed";
  constructor(
    message: string,
    readonly code: number | null,
    readonly signal: NodeJS.Signals | null,
  ) {
    super(message);
  }
}

export interface SupervisorOptions {
  cwd: string;
  /** Extra environment for the executor. */
  env?: Record<string, string>;
  execArgv?: string[];
}

/**
 * Node flags of the executor. `--expose-gc`: the memory probes collect garbage before every
 * reading. The next three make V8's own heap use deterministic, so the same cell shows the same
 * memory figure every run (measured: ±0.002 MB with them, ±0.1 MB without; lib/psutil/footprint.ts):
 * no bytecode flushing (which frees compiled functions after a GC-count-dependent age), no
 * background recompilation (whose timing decides when optimised code and its metadata appear),
 * and feedback vectors allocated up front rather than after a timing-dependent number of calls.
 * `--no-concurrent-array-buffer-sweeping`: a collection frees the memory of the dead arrays
 * before it returns, as NumPy frees a dropped array at once; with V8's default a background
 * thread gives it back some milliseconds later (measured: RSS 137 MB right after `gc()` with a
 * dead 128 MB array, 41 MB 50 ms later; 41 MB at once with the flag), so a new array made
 * meanwhile competes with the unmapping for the kernel's free huge pages.
 * `--harmony-weak-refs-with-cleanup-some`: lib/da's buffer pool takes back dropped results
 * when a compute asks for a buffer, not when the event loop happens to turn (lib/da/pool.ts),
 * so a loop over files shows the same figures every run.
 * `--liftoff-only`: WebAssembly (h5wasm) is compiled once, by V8's baseline compiler, when it is
 * instantiated, and never again by the optimising tier in the background; that tier-up
 * mallocs 1-13 MB of compiler memory at moments set by how hot functions got and by thread
 * timing, and malloc's count is in the footprint (measured on the 50-file xr loop: file
 * figures 2-13 MB apart between kernels with tier-up, 0.12 MB without). Cost: h5wasm's code
 * runs slower; it reads only metadata (lib/xr decodes chunks itself).
 * `--no-compilation-cache`: V8's cache of compiled scripts kept each cell's compiled code
 * (~3 KB a cell, in the figures) until a collection for "all available garbage" emptied it,
 * which a heap snapshot (sys.getrefcount) runs: the figure after one was ~3 KB × the cells run
 * before it lower (0.02 MB after 8 cells). Cells are compiled once each; nothing is lost.
 * `--no-memory-reducer`: V8's memory reducer runs a memory-reducing collection on a timer some
 * seconds after the executor goes quiet, which freed 0.13 MB of malloc once per kernel at a
 * moment set by the clock (in whichever cell was running then: measured at 10 s and at 19 s of
 * uptime in two kernels). The probes collect before every reading anyway.
 * `--single-threaded-gc`: V8 collects on the thread whose heap it is, with no background GC
 * tasks, so malloc's bytes in use (counted in the process view, lib/psutil/footprint.ts) follow
 * what the notebook did, not when those tasks ran (they malloc their work lists): on the 50-file
 * xr loop with its decoder threads on, malloc's count moved by 20-180 KB at one file in one
 * kernel of five or six without it, 0-8 KB with it; and a decoder thread no longer starts with
 * one old-space page more or less. Cost, measured in kernels on the loaded 2-core machine (three
 * with the flag, three without): five readings with 1e6 objects alive 0.74-0.75 vs 0.79-0.92 s,
 * building them 1.75-1.81 vs 1.66-1.92 s, np's 4000² (x*x).sum() 0.32-0.41 vs 0.33-0.47 s, a da
 * sum 0.17-0.20 vs 0.19-0.21 s; RSS after a full GC over 6,000 trivial cells the same with and
 * without it (73.1 / 79.0 / 98.8 MB at 500 / 2,000 / 6,000 cells, 73.1 / 79.2 / 98.9 without).
 * The workers' collections for a reading also compact every page (lib/psutil/isolates.ts sets
 * `--compact-on-every-full-gc` while it asks them), not the executor's own: on the notebook's
 * thread that made a reading with 1e6 objects alive 2.5 times slower.
 * `--max-semi-space-size=1`: the young generation stays at V8's initial 1 MB semi-spaces, never
 * grown and so never shrunk. V8 shrinks a grown one after a collection only when its allocation
 * throughput over the last seconds was low (Heap::ShouldResizeNewSpace: the clock decides), and
 * each page it gives back frees ~160 bytes of malloc'd bookkeeping (slot sets, page records),
 * which the process view counts: examples/memory-management.ipynb's `da.fromArray` cell read
 * +0.0035 MB in most kernels and -0.0014 MB in others, 28 pages (4.5 KB) given back inside its
 * window or not (traced with an LD_PRELOAD malloc log: SemiSpaceNewSpace::Shrink from the
 * reading's gc()); with the flag -0.0012..-0.0017 MB in 6 of 6. Shrinking it at every reading
 * instead (LowMemoryNotification when grown) was measured and left out: that collection also
 * drops V8's serializer tables (~98 KB of malloc), rebuilt whenever Node next compiles one of
 * its own modules, which moved the `standardNormal` cell by 0.094 MB in 5 kernels of 6. Cost,
 * measured outside the kernel with the flags above: building 1e6 objects 185-188 ms vs
 * 230-306 ms without, five 1e6-element temporary arrays 116-146 vs 130-166 ms, RSS after 50 vs
 * 79 MB. Workers inherit it unless their resourceLimits set their young generation (da's pool
 * does). Unlike the fixed 4 MB below, it does not grow the executor in the soak: 300 s, 33,516
 * cells, executor RSS after a collection 72.1 -> 72.1 MB (+0.03 %; 27,701 cells and 101.9 ->
 * 102.1 MB without it, the same machine and day). In fresh kernels (bench/kernel.py, 8 each,
 * alternating builds): the first `1+1` result 0.427 s against 0.491 s without it, the first np
 * cell 0.988 against 1.026 s, idle RSS of the kernel's tree 186.8 against 193.0 MB.
 * `--no-node-snapshot`: Node builds its bootstrap objects by running its bootstrap code instead
 * of deserialising them from its built-in startup snapshot. V8 visits every object of that
 * snapshot's startup object cache at every minor (young-generation) collection (perf: 52 % of
 * a `gc({type: "minor"})` loop in IterateObjectCache and its root visitor), and the executor
 * collects often: a young generation of 1 MB (below), and lib/np's minor collection per MiB of
 * mid-size arrays (lib/np/dtype.ts). Measured in an executor-like process with the library
 * loaded, medians of 1,000 collections, four processes each: 66-77 µs a minor collection with
 * the snapshot, 23-28 µs without. Costs: the executor's Node starts ~70 ms later (`node -e 0`
 * 0.09 against 0.16 s), which in a fresh kernel falls while the compiler thread checks the
 * first cell (bench/kernel.py, six kernels each: first `1+1` result 0.513 s without the snapshot,
 * 0.545 s with it); each worker thread starts ~7 ms later (36 against 43 ms); the idle kernel's
 * tree was 4 MB smaller (184.5 against 188.8 MB RSS).
 * `--trace-gc-ignore-scavenger`: V8 formats a trace line after every collection, printed only
 * with --trace-gc but always kept in the ring buffer of recent collections that an out-of-memory
 * crash prints (GCTracer::Output, vsnprintf of a dozen floats: 8 % of a minor collection's
 * samples). With the flag a minor collection writes none (the full ones still do): 29 µs
 * against 24-25 (medians of 1,000, five processes of six each).
 * Not `--min-semi-space-size=4 --max-semi-space-size=4` (fixed young generations, so that a
 * worker's, counted at its capacity, would not move with V8's heuristics): with them the
 * executor's RSS after a full collection grew ~2.4 KB a cell without end in the soak (75.7 ->
 * 94.6 MB over 8,000 cells; 81.5 -> 104.2 MB with --compact-on-every-full-gc too), flat
 * without (~99 MB from 3,000 cells on). A worker's young generation is counted at the capacity
 * V8 gives it (lib/psutil/isolate-probe.ts), which overcounts a busy worker: an open item.
 * `--experimental-websocket`, `--experimental-eventsource`: Node's types (which cells are
 * checked against) declare the globals `WebSocket` and `EventSource`, and Node 20 has them
 * behind these flags (Node 22 without): a cell the checker accepted failed with
 * "WebSocket is not defined". Each global is made on first use.
 */
export const EXECUTOR_FLAGS = [
  "--experimental-websocket",
  "--experimental-eventsource",
  "--expose-gc",
  "--harmony-weak-refs-with-cleanup-some",
  "--no-force-async-hooks-checks",
  "--no-flush-bytecode",
  "--no-concurrent-recompilation",
  "--no-lazy-feedback-allocation",
  "--no-concurrent-array-buffer-sweeping",
  "--liftoff-only",
  "--no-compilation-cache",
  "--no-memory-reducer",
  "--single-threaded-gc",
  "--max-semi-space-size=1",
  "--no-node-snapshot",
  "--trace-gc-ignore-scavenger",
];

/**
 * LAZYLAB_EXECUTOR_HEAP_MB caps the executor's JavaScript heap (V8's --max-old-space-size);
 * unset, V8's default applies (about a quarter of RAM, up to 4 GB). Array data lives outside
 * this heap. A cell that exceeds it kills the executor, which is reported and replaced.
 */
export function heapLimitFlags(env: NodeJS.ProcessEnv): string[] {
  const mb = Number(env.LAZYLAB_EXECUTOR_HEAP_MB);
  return Number.isInteger(mb) && mb > 0 ? [`--max-old-space-size=${mb}`] : [];
}

/** Node's arguments before the executor's script: its V8 flags and the heap limit `env` asks for. */
export function executorNodeArgs(env: NodeJS.ProcessEnv): string[] {
  return [...EXECUTOR_FLAGS, ...heapLimitFlags(env)];
}

/** What the executor needs from its environment, and why. */
export function executorEnvironment(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  // The kernelspec's malloc settings are for the kernel process (kernel/install/kernelspec.ts):
  // the executor's memory figures depend on its allocator, so it runs as it always has.
  const kernelOnly = base.LAZYLAB_KERNEL_ONLY_ENV?.split(",") ?? [];
  const extraCaCerts = base[EXTRA_CA_CERTS_FOR_EXECUTOR];
  base = Object.fromEntries(Object.entries(base).filter(([k]) => k !== "LAZYLAB_KERNEL_ONLY_ENV" && k !== EXTRA_CA_CERTS_FOR_EXECUTOR && !kernelOnly.includes(k)));
  // The certificates the kernelspec's shell kept from the kernel process (kernel/install/kernelspec.ts).
  if (extraCaCerts !== undefined) base.NODE_EXTRA_CA_CERTS = extraCaCerts;
  return {
    ...base,
    // A fixed mmap threshold makes freed array buffers go back to the OS at once, so the
    // memory probes see a dropped array come back (lib/psutil/footprint.ts).
    // (Huge pages for large arrays are asked for by lib/np itself, for those buffers only:
    // lib/np/dtype.ts, native/np_memory.c.)
    MALLOC_MMAP_THRESHOLD_: base.MALLOC_MMAP_THRESHOLD_ ?? "131072",
    GLIBC_TUNABLES: withoutThreadCache(base.GLIBC_TUNABLES),
  };
}

/**
 * glibc's tunables with malloc's per-thread caches off, unless the caller set their size:
 * mallinfo2, which the memory probes read, counts the freed chunks a thread's cache holds (up
 * to 7 of each small size, ~0.2 MB a thread at most) as in use, so a figure moved with how
 * full the caches happened to be (measured: +0.025 MB after the first heap snapshot of
 * `sys.getrefcount` refilled the notebook thread's). Freed chunks then go straight back to
 * malloc's bins, which mallinfo2 counts as free.
 */
function withoutThreadCache(tunables: string | undefined): string {
  if (tunables?.includes("glibc.malloc.tcache_count")) return tunables;
  return [tunables, "glibc.malloc.tcache_count=0"].filter(Boolean).join(":");
}

export class ExecutorSupervisor extends EventEmitter {
  private child: ChildProcess | undefined;
  private ready: Promise<void> | undefined;
  private running = new Map<number, { resolve: (d: Done) => void; reject: (e: Error) => void }>();
  private stderrTail = "";
  private debugPending = new Map<number, { req: DapRequest; resolve: (r: DapResponse) => void }>();
  private debugSeq = 0;
  pid: number | undefined;
  warmUpMs = 0;

  constructor(private readonly options: SupervisorOptions) {
    super();
  }

  /**
   * The executor's environment: executorEnvironment's, and room for malloc's heap from its first
   * extension on (lib/psutil/heap-room.ts; the executor restores malloc's top pad at once).
   */
  private environment(): NodeJS.ProcessEnv {
    const env = executorEnvironment({ ...process.env, ...this.options.env });
    return { ...env, ...startupHeapRoomEnvironment(env) };
  }

  /** Starts the executor (if not running) and resolves when it has warmed up. */
  start(): Promise<void> {
    if (this.ready) return this.ready;
    markStart("kernel", "executor spawn");
    const child = fork(path.join(__dirname, "main.js"), [], {
      cwd: this.options.cwd,
      execArgv: [...executorNodeArgs(process.env), ...(this.options.execArgv ?? [])],
      stdio: ["ignore", "pipe", "pipe", "ipc", "pipe", "pipe"],
      env: this.environment(),
      serialization: "advanced",
    });
    this.child = child;
    this.stderrTail = "";
    child.stdout!.setEncoding("utf8").on("data", (t: string) => this.emit("native", "stdout", t));
    child.stderr!.setEncoding("utf8").on("data", (t: string) => {
      this.stderrTail = (this.stderrTail + t).slice(-4000);
      this.emit("native", "stderr", t);
    });
    (child.stdio[4] as Writable).on("error", () => undefined);
    this.readDebugPipe((child.stdio as unknown as Duplex[])[DEBUG_FD]);
    this.ready = new Promise<void>((resolve, reject) => {
      child.on("message", (m: FromExecutor) => {
        if (m.kind === "ready") {
          markStart("kernel", "executor ready");
          this.pid = m.pid;
          this.warmUpMs = m.warmUpMs;
          resolve();
        } else if (m.kind === "done") {
          const r = this.running.get(m.id);
          this.running.delete(m.id);
          r?.resolve(m);
        } else this.emit("message", m);
      });
      child.on("exit", (code, signal) => {
        if (this.child !== child) return;
        const err = new ExecutorCrashed(this.describeExit(code, signal), code, signal);
        this.child = undefined;
        this.ready = undefined;
        this.pid = undefined;
        reject(err);
        for (const r of this.running.values()) r.reject(err);
        this.running.clear();
        this.failDebugRequests(err.message);
        this.emit("exit", err);
        this.emit("ended");
      });
    });
    this.ready.catch(() => undefined);
    return this.ready;
  }

  get alive(): boolean {
    return this.child !== undefined;
  }

  async run(req: RunRequest): Promise<Done> {
    // An early cell goes to an executor that is still warming up; the others wait for it.
    if (!(req.early && this.child)) await this.start();
    return new Promise<Done>((resolve, reject) => {
      this.running.set(req.id, { resolve, reject });
      this.send(req);
    });
  }

  send(m: ToExecutor): void {
    this.child?.send(m);
  }

  /** Writes an interrupt for run `runId` to the watchdog's pipe: works even while the cell spins. */
  interrupt(runId: number): void {
    const pipe = this.child?.stdio[4] as Writable | undefined;
    pipe?.write(interruptLine(runId));
  }

  /**
   * Sends a DAP request to the executor's debug session (on the watchdog thread, so it is
   * answered while a breakpoint stops the cell); resolves with its response, or a failure
   * if the executor ends first.
   */
  async debug(request: DapRequest): Promise<DapResponse> {
    await this.start();
    const pipe = this.child ? (this.child.stdio as unknown as Duplex[])[DEBUG_FD] : undefined;
    if (!pipe) return respond(request, {}, "the executor is not running");
    const id = ++this.debugSeq;
    return new Promise<DapResponse>((resolve) => {
      this.debugPending.set(id, { req: request, resolve });
      pipe.write(JSON.stringify({ id, request } satisfies DebugPipeRequest) + "\n");
    });
  }

  private readDebugPipe(pipe: Duplex): void {
    pipe.on("error", () => undefined);
    onLines(pipe, "utf8", (line) => {
      const m = JSON.parse(line) as DebugPipeMessage;
      if (m.kind === "event") this.emit("debug_event", m.event as DapEvent);
      else {
        this.debugPending.get(m.id)?.resolve(m.response as DapResponse);
        this.debugPending.delete(m.id);
      }
    });
  }

  private failDebugRequests(why: string): void {
    for (const { req, resolve } of this.debugPending.values()) resolve(respond(req, {}, `${req.command}: ${why}`));
    this.debugPending.clear();
  }

  /** Ends the executor; a later start() makes a fresh one. */
  async stop(reason = "the executor was stopped"): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    this.ready = undefined;
    const exited = new Promise<void>((r) => child.once("exit", () => r()));
    child.kill("SIGKILL");
    await exited;
    const err = new ExecutorCrashed(reason, null, "SIGKILL");
    for (const r of this.running.values()) r.reject(err);
    this.running.clear();
    this.failDebugRequests(reason);
    this.emit("ended");
  }

  private describeExit(code: number | null, signal: NodeJS.Signals | null): string {
    if (/heap out of memory|Allocation failed/i.test(this.stderrTail)) return "the executor ran out of memory (JavaScript heap limit reached)";
    if (signal) return `the executor was killed by ${signal}${signal === "SIGABRT" ? " (native abort)" : ""}`;
    return `the executor exited with code ${code}${code === 0 ? " (process.exit() in a cell?)" : ""}`;
  }
}
