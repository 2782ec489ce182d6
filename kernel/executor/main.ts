/**
 * The executor: a child process that runs compiled cells and owns the user's state.
 * It loads the library, never the compiler or the sockets, so its heap is the notebook's:
 * this is the process the memory probes measure. Started by the kernel's supervisor with
 * --expose-gc, an IPC channel, and an interrupt pipe read by the watchdog thread.
 * The library is loaded after the process listens for cells, in steps (startSteps): a first
 * cell that names nothing runs between them (docs/kernel.md, "Start").
 */
import path from "node:path";
import vm from "node:vm";
import { Worker } from "node:worker_threads";
import type * as Library from "../../lib";
import { PRELOADED } from "../../lib/globals";
import { mimeBundleOf } from "../../lib/display";
import { notifyInterrupt, runAfterCell, runBeforeCell, setNotebookHost, StdinNotAvailable } from "../../lib/notebook";
import { DEBUG_FD, INTERRUPT_FD, RUN_STATE, RUN_STATE_SLOTS, type Bundle, type ErrorInfo, type FromExecutor, type RunRequest, type ToExecutor, type UserExpressionResult } from "./ipc";
import { createLoader, importMetaOf, notebookFile, notebookModuleGlobals } from "./loader";
import { LocalModules } from "./local-modules";
import { OutputCapture } from "./output";
import { CellRegistry, errorInfo, installStackFormat } from "./traceback";
import type { WatchdogMessage, WatchdogReply } from "./watchdog";
import { CELL_RESOURCES, IMPORT_HOOK, IMPORT_META, IMPORT_META_OF, MAGIC_RUNTIME } from "../compiler/transform-names";
import { CellResources } from "./resources";
import { MagicRuntime } from "./magics";
import { markStart } from "../start-trace";
import { keepHeapRoom } from "../../lib/psutil/heap-room";
import { limitHugePages } from "../../lib/psutil/huge-pages";

/** The error a cell stopped by an interrupt reports, like Python's KeyboardInterrupt. */
export class Interrupted extends Error {
  override name = "Interrupted";
  constructor() {
    super("the cell was interrupted; variables from earlier cells are kept");
  }
}

const send = (m: FromExecutor) => {
  if (process.connected) process.send!(m);
};
const output = new OutputCapture(send);
const localModules = new LocalModules();
const registry = new CellRegistry(localModules, process.cwd());
installStackFormat(registry);
const g = globalThis as Record<string, unknown>;
const magics = new MagicRuntime();

interface Running {
  req: RunRequest;
  finished: boolean;
  interrupt: (e: Interrupted) => void;
}
let current: Running | undefined;
/** RUN_STATE, shared with the watchdog: which run is current, which one an interrupt asked for. */
const runStateBuffer = new SharedArrayBuffer(RUN_STATE_SLOTS * Int32Array.BYTES_PER_ELEMENT);
const runState = new Int32Array(runStateBuffer);
const pendingInput = new Map<number, (value: string) => void>();
let inputSeq = 0;

/** Output history, like IPython's `Out`: results stay reachable (and so in memory). */
const Out: Record<number, unknown> = {};
/**
 * IPython's output cache size (its `cache_size` default): with this many results in `Out`, the
 * oldest fifth is dropped before the next is stored, with IPython's note on stderr. Without a
 * bound a long session keeps every result it ever showed (the soak: thousands of cells).
 */
const OUT_CACHE_SIZE = 1000;

function storeOut(executionCount: number, value: unknown): void {
  const keys = Object.keys(Out);
  if (keys.length >= OUT_CACHE_SIZE) {
    const cull = Math.max(Math.floor(keys.length / 5), 2);
    for (const k of keys.slice(0, cull)) delete Out[Number(k)];
    output.report("stderr", `Output cache limit (currently ${keys.length} entries) hit.\nFlushing oldest ${cull} entries.\n`);
  }
  Out[executionCount] = value;
}

function installGlobals(library: typeof Library): void {
  for (const name of PRELOADED) g[name] = (library as Record<string, unknown>)[name];
  // Node's gc (--expose-gc) stays the global; it gains Python's gc.collect() (lib/gc).
  if (typeof g.gc === "function") (require("../../lib/gc/node-gc") as typeof import("../../lib/gc/node-gc")).extendNodeGc(g.gc);
  g.Out = Out;
  g[MAGIC_RUNTIME] = magics;
  g[IMPORT_HOOK] = createLoader(process.cwd(), library as Record<string, unknown>, localModules);
  Object.assign(g, notebookModuleGlobals(process.cwd(), process.env, library as Record<string, unknown>));
  g[IMPORT_META] = importMetaOf(notebookFile(process.cwd(), process.env));
  g[IMPORT_META_OF] = importMetaOf;
  g[CELL_RESOURCES] = () => new CellResources();
  setNotebookHost({
    display(bundle, metadata, options) {
      output.flush();
      send({ kind: "display", id: output.cellId, bundle: { data: bundle, metadata }, displayId: options.id, update: !!options.update });
    },
    clearOutput(wait) {
      output.flush();
      send({ kind: "clear_output", id: output.cellId, wait });
    },
    input(prompt, password) {
      if (!current || !current.req.allowStdin) {
        return Promise.reject(new StdinNotAvailable("input() is not available: this frontend does not accept input (allow_stdin is false)"));
      }
      output.flush();
      const id = ++inputSeq;
      send({ kind: "input_request", id, prompt, password });
      return new Promise<string>((resolve) => pendingInput.set(id, resolve));
    },
    forget(names) {
      // Told to the compiler when the cell ends, for the names still deleted then: a cell
      // may `del("x")` and bind `x = ...` again, as Python allows.
      for (const n of names) deletedInCell.add(n);
    },
  });
}

function bundleOf(value: unknown): Bundle {
  const data = mimeBundleOf(value) as Record<string, string>;
  return { data, metadata: {} };
}

function evaluateUserExpressions(exprs: Record<string, string>): Record<string, UserExpressionResult> {
  const out: Record<string, UserExpressionResult> = {};
  for (const [name, js] of Object.entries(exprs)) {
    try {
      out[name] = { status: "ok", ...bundleOf(vm.runInThisContext(js, { filename: `user-expression-${name}` })) };
    } catch (e) {
      out[name] = { status: "error", ...errorInfo(e, registry) };
    }
  }
  return out;
}

/** Names `del()` removed during the running cell. */
const deletedInCell = new Set<string>();

function reportDeleted(): void {
  if (!deletedInCell.size) return;
  const still = [...deletedInCell].filter((n) => {
    const d = Object.getOwnPropertyDescriptor(g, n);
    return !d || typeof d.get === "function";
  });
  deletedInCell.clear();
  if (still.length) send({ kind: "forget", names: still });
}

/**
 * Ends a run: its result, hooks and output, then "done" to the kernel. Called again after an
 * interrupt's termination unwound an earlier call (the run is marked finished only at the end).
 */
function finish(run: Running, outcome: { value?: unknown; error?: ErrorInfo; interrupted?: boolean }): void {
  if (run.finished) return;
  reportDeleted();
  const { req } = run;
  let result: Bundle | undefined;
  let error = outcome.error;
  if (!error && outcome.value !== undefined) {
    if (req.storeHistory) storeOut(req.executionCount, outcome.value);
    if (!req.silent) {
      try {
        result = bundleOf(outcome.value);
      } catch (e) {
        error = errorInfo(e, registry);
      }
    }
  }
  let userExpressions = error ? {} : evaluateUserExpressions(req.userExpressions);
  try {
    const after = runAfterCell();
    if (after) output.write("stdout", after);
  } catch (e) {
    output.report("stderr", `cell hook failed: ${(e as Error).message}\n`);
  }
  output.endCell();
  output.flush();
  // The run ends for the watchdog (RUN_STATE.running) here, unless it has claimed the run for
  // a termination: then that termination is waited for, and the cell ends Interrupted (the
  // user's interrupt stopped something of it, even if the cell went on to end).
  let interrupted = !!outcome.interrupted;
  if (Atomics.compareExchange(runState, RUN_STATE.running, req.id, 0) === -req.id) {
    awaitTermination(req.id);
    Atomics.store(runState, RUN_STATE.running, 0);
    if (!interrupted) {
      interrupted = true;
      error = errorInfo(interruptedError(), registry);
      result = undefined;
      userExpressions = {};
    }
  }
  run.finished = true;
  if (current === run) current = undefined;
  send({ kind: "done", id: req.id, result, error, userExpressions, interrupted });
  markStart("executor", "first cell done");
}

async function run(req: RunRequest): Promise<void> {
  output.beginCell(req.id);
  const fileName = `lazylab-cell-${req.id}.js`;
  registry.add(fileName, req.cellName, req.source, req.map, req.insertions);
  localModules.update(req.modules ?? []);
  let interrupt!: (e: Interrupted) => void;
  const interrupted = new Promise<never>((_, reject) => (interrupt = reject));
  interrupted.catch(() => undefined);
  const running: Running = { req, finished: false, interrupt };
  current = running;
  Atomics.store(runState, RUN_STATE.running, req.id);
  if (Atomics.load(runState, RUN_STATE.interrupted) === req.id) {
    // Its interrupt reached the watchdog before this run message reached this thread.
    finish(running, { error: errorInfo(interruptedError(), registry), interrupted: true });
    return;
  }
  try {
    runBeforeCell();
    if (debugging && req.debugPath) await announceToDebugger({ fileName, sourcePath: req.debugPath, js: req.js, map: req.map });
    magics.reset();
    const promise = new vm.Script(req.js, { filename: fileName }).runInThisContext() as Promise<unknown>;
    const value = await Promise.race([promise, interrupted]);
    finish(running, { value });
  } catch (e) {
    if (e instanceof Interrupted) finish(running, { error: errorInfo(e, registry), interrupted: true });
    else finish(running, { error: errorInfo(e, registry) });
  }
}

/** How long finish() waits for a claimed termination that has not happened (the watchdog gone?). */
const TERMINATION_WAIT_MS = 2000;

/**
 * Returns once the watchdog's termination of run `id` has happened (RUN_STATE.landed). Until
 * then this thread waits here, so that the termination stops this wait (unwinding its caller,
 * whose run the "terminated" message then finishes) and not whatever JavaScript came next:
 * V8 stops the JavaScript running when the request arrives, and Atomics.wait gives way to it.
 */
function awaitTermination(id: number): void {
  const deadline = performance.now() + TERMINATION_WAIT_MS;
  for (let landed = Atomics.load(runState, RUN_STATE.landed); landed !== id; landed = Atomics.load(runState, RUN_STATE.landed)) {
    const left = deadline - performance.now();
    if (left <= 0) return;
    Atomics.wait(runState, RUN_STATE.landed, landed, Math.min(left, 50));
  }
}

function interruptedError(): Interrupted {
  const e = new Interrupted();
  e.stack = `${e.name}: ${e.message}`;
  return e;
}

/**
 * Called when an interrupt reaches a running cell, whether or not its JavaScript was stopped.
 * `runId`: the run the interrupt was asked for; another cell running now (that one ended
 * before the interrupt got here) is left alone.
 */
function interruptCurrent(runId?: number): void {
  const run = current;
  if (!run || (runId !== undefined && run.req.id !== runId)) return;
  const e = interruptedError();
  run.interrupt(e);
  // Library work still running for the cell (a da compute's tasks) is cancelled too.
  notifyInterrupt();
  // If the interrupt unwound run() itself (the cell was busy in synchronous code), nothing
  // awaits the race any more: finish here. finish() is idempotent.
  setImmediate(() => finish(run, { error: errorInfo(e, registry), interrupted: true }));
}

let watchdog: Worker | undefined;
/** A debugger is attached: cells are announced to it before they run (watchdog.ts). */
let debugging = false;
const announced = new Map<string, () => void>();

/** Lets the debug session set the cell's breakpoints on its script before the script exists. */
function announceToDebugger(cell: { fileName: string; sourcePath: string; js: string; map: string }): Promise<void> {
  return new Promise((resolve) => {
    announced.set(cell.fileName, resolve);
    watchdog!.postMessage({ kind: "cell", ...cell } satisfies WatchdogReply);
  });
}

function startWatchdog(): void {
  const worker = new Worker(path.join(__dirname, "watchdog.js"), { workerData: { fd: INTERRUPT_FD, debugFd: DEBUG_FD, runState: runStateBuffer } });
  watchdog = worker;
  worker.unref();
  worker.on("message", (m: WatchdogMessage) => {
    switch (m.kind) {
      case "ping":
        worker.postMessage({ kind: "pong", seq: m.seq } satisfies WatchdogReply);
        return interruptCurrent(m.runId);
      case "terminated":
        return interruptCurrent(m.runId);
      case "debugging":
        debugging = m.on;
        if (!m.on) for (const resolve of announced.values()) resolve();
        return;
      case "cell-ready":
        announced.get(m.fileName)?.();
        announced.delete(m.fileName);
        return;
    }
  });
}

function reportLate(kind: string, err: unknown): void {
  const info = errorInfo(err, registry);
  output.report("stderr", `${kind}: ${info.traceback.join("\n")}\n`);
}

/**
 * The library's parts in lib/index.ts's order, each loaded in a step of its own: the modules
 * are evaluated in the order the library's own imports give (np/ndarray is np/index.ts's first
 * import). np is ~45 ms of a ~100 ms load on a quiet machine, np/ndarray and what it imports
 * ~30 of them, and all of it takes several times that while the compiler thread and the
 * kernel start beside it on two cores.
 */
const LIBRARY_PARTS = ["../../lib/np/ndarray", "../../lib/np", "../../lib/psutil", "../../lib/sys", "../../lib/da", "../../lib/xr", "../../lib/plt"];

/**
 * What the executor does before it is ready, a step at a time with the event loop between
 * them: load the library, install its globals, then warm it up (lib/warmup.ts). A cell that
 * names nothing (RunRequest.early: it cannot reach the library or a global the library
 * installs) runs between two steps as soon as it comes, instead of after all of them. The
 * warm-up runs before the first cell that may use the library, and the process view's baseline
 * is taken at its end: deferred into the first cell that used the library, it left ~1.1 MB that
 * was given back during a later cell (examples/memory-management-extras.ipynb's da.fromArray
 * step read +1.12 MB instead of 0; docs/kernel.md, "Start").
 */
function startSteps(): Array<() => void> {
  const steps: Array<() => void> = LIBRARY_PARTS.map((part) => () => void require(part));
  steps.push(() => {
    const library = require("../../lib") as typeof Library;
    markStart("executor", "library loaded");
    installGlobals(library);
    (require("./debug-values") as typeof import("./debug-values")).installDebugHelpers(g, () => output.flush());
    markStart("executor", "warm-up start");
    warmUpFrom = performance.now();
    steps.push(...(require("../../lib/warmup") as typeof import("../../lib/warmup")).warmUpSteps());
  });
  return steps;
}
let warmUpFrom = 0;

function main(): void {
  markStart("executor", "process start", 0);
  // Before the watchdog's thread (and its isolate) exists: lib/psutil/heap-room.ts,
  // lib/psutil/huge-pages.ts.
  keepHeapRoom();
  limitHugePages();
  markStart("executor", "listening");
  output.install();
  process.on("unhandledRejection", (reason) => reportLate("Unhandled promise rejection", reason));
  process.on("uncaughtException", (err) => reportLate("Uncaught exception", err));
  process.on("disconnect", () => process.exit(0));
  // Interrupts arrive on the watchdog's pipe. A SIGINT sent to the kernel's process group
  // (jupyter_client's signal_kernel) must not kill the user's state.
  process.on("SIGINT", () => undefined);
  process.on("message", (m: ToExecutor) => {
    switch (m.kind) {
      case "run":
        markStart("executor", "first cell received");
        void run(m);
        break;
      case "input_reply":
        pendingInput.get(m.id)?.(m.value);
        pendingInput.delete(m.id);
        break;
      case "interrupt":
        interruptCurrent();
        break;
      case "warm_up":
        break;
    }
  });
  startWatchdog();
  const steps = startSteps();
  const next = () => {
    steps.shift()!();
    if (steps.length) return void setImmediate(next);
    markStart("executor", "warm-up done");
    send({ kind: "ready", pid: process.pid, warmUpMs: performance.now() - warmUpFrom });
  };
  next();
}

main();
