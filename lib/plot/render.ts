/**
 * Rendering a Vega-Lite spec to SVG on a short-lived worker thread of the executor (see
 * worker.ts). One thread per render, ended when the SVG is back: nothing stays loaded between
 * plots, and a spec that makes vega fail or hang cannot harm the notebook thread.
 */
import path from "node:path";
import { Worker } from "node:worker_threads";

/** A Vega-Lite specification (a JSON object: https://vega.github.io/vega-lite/docs/spec.html). */
export type VegaLiteSpec = Record<string, unknown>;

/** @internal Message to the render thread. */
export interface RenderRequest {
  spec: VegaLiteSpec;
  scale?: number;
}
/** @internal Its answer. */
export type RenderReply = { ok: true; svg: string } | { ok: false; error: string };

/** A spec vega-lite or vega rejects, or a render that failed or took too long. */
export class PlotError extends Error {
  override name = "PlotError";
}

/** How long one render may take (loading vega takes ~0.5 s; a huge dataset more). */
const TIMEOUT_MS = 60_000;

/** The SVG text of a Vega-Lite spec, rendered headless. */
export function renderSvg(spec: VegaLiteSpec, scale = 1): Promise<string> {
  if (spec === null || typeof spec !== "object" || Array.isArray(spec)) {
    return Promise.reject(new TypeError(`plot: spec must be a Vega-Lite spec object, got ${Array.isArray(spec) ? "an array" : spec === null ? "null" : typeof spec}`));
  }
  if (!(typeof scale === "number" && scale > 0 && Number.isFinite(scale))) {
    return Promise.reject(new RangeError(`plot: scale must be a positive number, got ${String(scale)}`));
  }
  let message: RenderRequest;
  try {
    message = structuredClone({ spec, scale });
  } catch (e) {
    return Promise.reject(new TypeError(`plot: the spec must be plain data (JSON-like): ${(e as Error).message}`));
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
