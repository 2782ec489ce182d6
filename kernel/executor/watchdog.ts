/**
 * The interrupt watchdog: a worker thread of the executor that reads interrupt bytes from
 * the kernel on its own pipe, so an interrupt is seen even while the main thread is stuck
 * in `while (true) {}`.
 *
 * If the main thread answers a ping, it is waiting (on a promise or timer) and cancels the
 * cell itself. If it does not, it is busy in JavaScript: the watchdog stops that JavaScript
 * through an inspector session on the main thread (`Runtime.terminateExecution`, which V8
 * delivers as an interrupt), then tells the main thread, which reports `Interrupted`.
 * State from earlier cells lives on globalThis and is untouched.
 */
import { Socket } from "node:net";
import { Session } from "node:inspector";
import { parentPort, workerData } from "node:worker_threads";

export type WatchdogMessage = { kind: "ping"; seq: number } | { kind: "terminated" };
export type WatchdogReply = { kind: "pong"; seq: number };

const PING_MS = 50;
const port = parentPort!;

let seq = 0;
const pongs = new Set<number>();
port.on("message", (m: WatchdogReply) => {
  if (m.kind === "pong") pongs.add(m.seq);
});

function interrupt(): void {
  const mine = ++seq;
  port.postMessage({ kind: "ping", seq: mine } satisfies WatchdogMessage);
  setTimeout(() => {
    if (pongs.delete(mine)) return; // the main thread was free and handled it
    // Connected only for this: a session left open makes process.exit() in a cell wait
    // forever for "the debugger to disconnect".
    const session = new Session();
    session.connectToMainThread();
    session.post("Runtime.terminateExecution", () => {
      session.disconnect();
      port.postMessage({ kind: "terminated" } satisfies WatchdogMessage);
    });
  }, PING_MS);
}

// A pipe handle on the worker's own event loop (not a blocking fs.read, which would hold a
// threadpool thread and keep process.exit() from finishing).
const pipe = new Socket({ fd: workerData.fd as number, readable: true, writable: false });
pipe.on("data", (buf: Buffer) => {
  for (const b of buf) if (b === 0x69 /* "i" */) interrupt();
});
pipe.on("error", () => undefined);
