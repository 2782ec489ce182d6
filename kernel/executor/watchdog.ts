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
import { read } from "node:fs";
import { Session } from "node:inspector";
import { parentPort, workerData } from "node:worker_threads";

export type WatchdogMessage = { kind: "ping"; seq: number } | { kind: "terminated" };
export type WatchdogReply = { kind: "pong"; seq: number };

const PING_MS = 50;
const port = parentPort!;
const session = new Session();
session.connectToMainThread();

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
    session.post("Runtime.terminateExecution", () => {
      port.postMessage({ kind: "terminated" } satisfies WatchdogMessage);
    });
  }, PING_MS);
}

const buf = Buffer.alloc(64);
function loop(): void {
  read(workerData.fd as number, buf, 0, buf.length, null, (err, n) => {
    if (err || n === 0) return; // the kernel went away; the executor exits with it
    for (let i = 0; i < n; i++) if (buf[i] === 0x69 /* "i" */) interrupt();
    loop();
  });
}
loop();
