/**
 * Rendering a Vega-Lite spec to SVG on a short-lived worker thread of the executor (see
 * worker.ts). One thread per render, ended when the SVG is back: nothing stays loaded between
 * plots, and a spec that makes vega fail or hang cannot harm the notebook thread.
 */
import path from "node:path";
import { MessageChannel, Worker, type MessagePort } from "node:worker_threads";
import { receiveUnwatched } from "../psutil/resizable";

/** A Vega-Lite specification (a JSON object: https://vega.github.io/vega-lite/docs/spec.html). */
export type VegaLiteSpec = Record<string, unknown>;

/** @internal Message to the render thread. */
export interface RenderRequest {
  spec: VegaLiteSpec;
  scale?: number;
}
/** @internal Its answer. */
export type RenderReply = { ok: true; svg: string } | { ok: false; error: string };

/** @internal What the render thread gets as `workerData` for a synchronous render. */
export interface SyncRenderData {
  request: RenderRequest;
  /** An Int32Array's buffer: the thread sets element 0 to 1 once the answer is on `port`. */
  flag: SharedArrayBuffer;
  port: MessagePort;
}

/** A spec vega-lite or vega rejects, or a render that failed or took too long. */
export class PlotError extends Error {
  override name = "PlotError";
}

/** How long one render may take (loading vega takes ~0.5 s; a huge dataset more). */
const TIMEOUT_MS = 60_000;

function checked(spec: VegaLiteSpec, scale: number): RenderRequest {
  if (spec === null || typeof spec !== "object" || Array.isArray(spec)) {
    throw new TypeError(`plot: spec must be a Vega-Lite spec object, got ${Array.isArray(spec) ? "an array" : spec === null ? "null" : typeof spec}`);
  }
  if (!(typeof scale === "number" && scale > 0 && Number.isFinite(scale))) {
    throw new RangeError(`plot: scale must be a positive number, got ${String(scale)}`);
  }
  try {
    return structuredClone({ spec, scale });
  } catch (e) {
    throw new TypeError(`plot: the spec must be plain data (JSON-like): ${(e as Error).message}`);
  }
}

/** The SVG text of a Vega-Lite spec, rendered headless. */
export function renderSvg(spec: VegaLiteSpec, scale = 1): Promise<string> {
  let message: RenderRequest;
  try {
    message = checked(spec, scale);
  } catch (e) {
    return Promise.reject(e);
  }
  return new Promise<string>((resolve, reject) => {
    const worker = new Worker(path.join(__dirname, "worker.js"));
    let settled = false;
    // Settles once the thread has ended: its memory (vega's heap, Node's per-thread data) is
    // then gone, so a memory reading after `await` never sees a thread still winding down.
    const finish = (f: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      worker.terminate().then(f, f);
    };
    const timer = setTimeout(() => finish(() => reject(new PlotError(`plot: rendering took more than ${TIMEOUT_MS / 1000} s and was stopped`))), TIMEOUT_MS);
    worker.on("message", (r: RenderReply) => finish(() => (r.ok ? resolve(r.svg) : reject(new PlotError(`plot: ${r.error}`)))));
    worker.on("error", (e) => finish(() => reject(new PlotError(`plot: the render thread failed: ${e.message}`))));
    worker.on("exit", (code) => finish(() => reject(new PlotError(`plot: the render thread exited (code ${code}) before answering`))));
    worker.postMessage(message);
  });
}

/** How long the blocked caller sleeps between looks at the flag: an interrupt lands within it. */
const WAIT_SLICE_MS = 50;

/**
 * The same SVG, but the calling thread blocks until it is ready (pyplot's `show()` and a
 * figure's display are synchronous, as in matplotlib). The render still runs on its own
 * thread, so vega never loads into the notebook's heap; the caller sleeps in `Atomics.wait`
 * in short slices, so an interrupt (V8's terminate) stops it between two of them.
 */
export function renderSvgSync(spec: VegaLiteSpec, scale = 1): string {
  const request = checked(spec, scale);
  const flag = new SharedArrayBuffer(4);
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(path.join(__dirname, "worker.js"), {
    workerData: { request, flag, port: port2 } satisfies SyncRenderData,
    transferList: [port2],
  });
  // The thread answers every failure of a render on the port; only a thread that cannot start
  // at all stays silent, and then the timeout ends the wait. Its "error" event (delivered
  // after this returns) must not reach the notebook as a late uncaught error.
  worker.on("error", () => undefined);
  const cell = new Int32Array(flag);
  const deadline = Date.now() + TIMEOUT_MS;
  try {
    while (Atomics.load(cell, 0) === 0) {
      if (Date.now() > deadline) throw new PlotError(`plot: rendering took more than ${TIMEOUT_MS / 1000} s and was stopped`);
      Atomics.wait(cell, 0, 0, WAIT_SLICE_MS);
    }
    const reply = receiveUnwatched(port1)?.message as RenderReply | undefined;
    if (!reply) throw new PlotError(`plot: the render thread ended before answering`);
    if (!reply.ok) throw new PlotError(`plot: ${reply.error}`);
    return reply.svg;
  } finally {
    port1.close();
    void worker.terminate();
  }
}
