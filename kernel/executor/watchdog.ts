/**
 * The interrupt watchdog: a worker thread of the executor that reads interrupts (`i<run id>` lines) from
 * the kernel on its own pipe, so an interrupt is seen even while the main thread is stuck
 * in `while (true) {}`.
 *
 * If the main thread answers a ping, it is waiting (on a promise or timer) and cancels the
 * cell itself. If it does not, it is busy in JavaScript: the watchdog stops that JavaScript
 * through an inspector session on the main thread (`Runtime.terminateExecution`, which V8
 * delivers as an interrupt), then tells the main thread, which reports `Interrupted`.
 * State from earlier cells lives on globalThis and is untouched.
 *
 * The debugger lives here too (debug-session.ts, loaded on the first debug request): its
 * requests arrive on a pipe of their own, so they are answered while a breakpoint holds the
 * main thread.
 */
import { Socket } from "node:net";
import { Session } from "node:inspector";
import { parentPort, workerData } from "node:worker_threads";
import type { CellScript, DebugSession } from "./debug-session";
import type { DapRequest } from "../debugger/dap";
import { onLines, RUN_STATE } from "./ipc";

export type WatchdogMessage =
  | { kind: "ping"; seq: number; runId: number }
  /** The cell was stopped: the one run `runId` asked for, or (without it) whichever runs (the debugger's terminate). */
  | { kind: "terminated"; runId?: number }
  /** Whether the main thread must announce cells (debug-session.ts addCell) before running them. */
  | { kind: "debugging"; on: boolean }
  | { kind: "cell-ready"; fileName: string };
export type WatchdogReply = { kind: "pong"; seq: number } | ({ kind: "cell" } & CellScript);

/** A line on the debug pipe, kernel → executor. */
export interface DebugPipeRequest { id: number; request: DapRequest }
/** A line on the debug pipe, executor → kernel. */
export type DebugPipeMessage = { kind: "response"; id: number; response: unknown } | { kind: "event"; event: unknown };

const PING_MS = 50;
const port = parentPort!;
/**
 * LAZYLAB_WATCHDOG_DELAY_MS (for tests): the watchdog takes up an interrupt this much later, as
 * when a loaded machine does not schedule its thread for a moment (test/python/test_storms.py).
 */
const DELAY_MS = Number(process.env.LAZYLAB_WATCHDOG_DELAY_MS) || 0;
/** How long a kernel-less executor is left to exit by itself (a free main thread takes ~ms). */
const KERNEL_GONE_GRACE_MS = 1000;
/** The main thread's run state (RUN_STATE), shared. */
const runState = new Int32Array(workerData.runState as SharedArrayBuffer);

let seq = 0;
const pongs = new Set<number>();
port.on("message", (m: WatchdogReply) => {
  if (m.kind === "pong") pongs.add(m.seq);
  else if (m.kind === "cell") {
    const done = () => port.postMessage({ kind: "cell-ready", fileName: m.fileName } satisfies WatchdogMessage);
    if (debug) debug.addCell(m).then(done, done);
    else done();
  }
});

function interrupt(runId: number): void {
  // Recorded before the main thread hears of it: a run that starts after this sees it was
  // interrupted already (the interrupt came before the run message).
  Atomics.store(runState, RUN_STATE.interrupted, runId);
  const mine = ++seq;
  port.postMessage({ kind: "ping", seq: mine, runId } satisfies WatchdogMessage);
  setTimeout(() => {
    if (pongs.delete(mine)) return; // the main thread was free and handled it
    // That cell has ended meanwhile (what runs now is another cell's, not to be stopped), or
    // an earlier interrupt of it has claimed it already.
    if (Atomics.load(runState, RUN_STATE.running) !== runId) return;
    if (debug?.isPaused) return debug.interruptPaused();
    // Claimed: one termination per run. V8 stops whatever JavaScript runs on the main thread
    // when the request gets there, so a second one (an interrupt storm: ~15 of 100 went out
    // before the claim) stopped the executor's own code after the cell's end, e.g. its "done"
    // message, and the kernel killed the executor 3 s later. The main thread ends the run
    // with the same exchange (0 for runId), so only one side wins; if this one does, the main
    // thread waits for the termination before it goes on (main.ts finish()).
    if (Atomics.compareExchange(runState, RUN_STATE.running, runId, -runId) !== runId) return;
    // Connected only for this: a session left open makes process.exit() in a cell wait
    // forever for "the debugger to disconnect".
    const session = new Session();
    session.connectToMainThread();
    // Answered once the JavaScript it stopped has unwound (V8 cancels the termination then).
    session.post("Runtime.terminateExecution", () => {
      session.disconnect();
      Atomics.store(runState, RUN_STATE.landed, runId);
      Atomics.notify(runState, RUN_STATE.landed);
      port.postMessage({ kind: "terminated", runId } satisfies WatchdogMessage);
    });
  }, PING_MS);
}

// A pipe handle on the worker's own event loop (not a blocking fs.read, which would hold a
// threadpool thread and keep process.exit() from finishing).
const pipe = new Socket({ fd: workerData.fd as number, readable: true, writable: false });
onLines(pipe, "latin1", (line) => {
  const m = /^i(\d+)$/.exec(line);
  if (!m) return;
  const runId = Number(m[1]);
  if (DELAY_MS) setTimeout(() => interrupt(runId), DELAY_MS);
  else interrupt(runId);
});
pipe.on("error", () => undefined);
// Only the kernel holds the pipe's other end, and it never closes it while the executor is
// its own: the end of the pipe means the kernel is gone (killed alone, or exited on its
// client's death, kernel/cli.ts). A free main thread then exits on the IPC channel's
// "disconnect" (main.ts). A cell busy in JavaScript or in native code never gets there, and
// the executor spun on with nobody to interrupt it, holding the user's memory and a core
// (seen with `while (true) {}` after jupyter console's terminal closed). After the free
// thread's grace, it is ended from here: ipykernel's parent poller does the same (os._exit).
pipe.on("end", () => setTimeout(() => process.kill(process.pid, "SIGKILL"), KERNEL_GONE_GRACE_MS));

let debug: DebugSession | undefined;
const debugPipe = new Socket({ fd: workerData.debugFd as number, readable: true, writable: true });
const sendDebug = (m: DebugPipeMessage) => debugPipe.write(JSON.stringify(m) + "\n");
onLines(debugPipe, "utf8", (line) => void answer(line));
debugPipe.on("error", () => undefined);

async function answer(line: string): Promise<void> {
  let msg: DebugPipeRequest;
  try {
    msg = JSON.parse(line) as DebugPipeRequest;
  } catch {
    return; // the kernel writes only JSON lines; nothing to answer
  }
  if (!debug) {
    const { DebugSession } = require("./debug-session") as typeof import("./debug-session");
    debug = new DebugSession(
      (event) => sendDebug({ kind: "event", event }),
      (on) => port.postMessage({ kind: "debugging", on } satisfies WatchdogMessage),
      () => port.postMessage({ kind: "terminated" } satisfies WatchdogMessage),
    );
  }
  sendDebug({ kind: "response", id: msg.id, response: await debug.handle(msg.request) });
}
