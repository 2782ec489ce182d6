/**
 * Progress of long computes, off by default as in Dask (which shows a bar only inside
 * `with ProgressBar():`), so a ported notebook prints what Dask prints. Once turned on with
 * `da.setProgress(true)`, a compute that runs longer than `after` seconds (1 by default) shows
 * how many of its tasks are done — in a notebook as one display updated in place
 * (update_display_data), elsewhere as a bar redrawn on stderr.
 */
import { displayBundle } from "../display";
import { inNotebook } from "../notebook/host";
import type { ComputeRun } from "./scheduler/run";

let enabled = false;
let afterSeconds = 1;
let counter = 0;
const REFRESH_MS = 100;

/**
 * Turns the progress display of computes on or off (off by default, as in Dask: Dask's
 * `with dask.diagnostics.ProgressBar():`), or turns it on for computes longer than `after`
 * seconds (1 by default).
 * @example da.setProgress(true); da.setProgress({ after: 0.2 }); da.setProgress(false)
 */
export function setProgress(options: boolean | { after?: number }): void {
  if (typeof options === "boolean") {
    enabled = options;
    return;
  }
  if (options === null || typeof options !== "object") throw new TypeError(`setProgress: expected true, false or { after: seconds }, got ${String(options)}`);
  const after = options.after ?? afterSeconds;
  if (typeof after !== "number" || !Number.isFinite(after) || after < 0) throw new RangeError(`setProgress: after must be a non-negative number of seconds, got ${String(after)}`);
  enabled = true;
  afterSeconds = after;
}

function bar(done: number, total: number, width = 30): string {
  const f = total ? Math.min(1, done / total) : 1;
  const n = Math.round(f * width);
  return `[${"#".repeat(n)}${" ".repeat(width - n)}] | ${(f * 100).toFixed(0).padStart(3)}% Completed | ${done}/${total} tasks`;
}

function bundle(run: ComputeRun, label: string, final: boolean): { "text/plain": string; "text/html": string } {
  const secs = ((performance.now() - run.t0) / 1000).toFixed(1);
  const status = run.cancelled ? ` | ${run.cancelled.name}` : final ? "" : "";
  const text = `${label} ${bar(run.done, run.total)} | ${secs} s${status}`;
  const html = `<div><code>${label.replace(/</g, "&lt;")}</code> <progress value="${run.done}" max="${Math.max(run.total, 1)}" style="width: 20em"></progress> ${run.done}/${run.total} tasks, ${secs} s${status}</div>`;
  return { "text/plain": text, "text/html": html };
}

/** Starts watching a compute; the returned function ends the display (call it when done). */
export function watchProgress(run: ComputeRun, label: string): () => void {
  if (!enabled) return () => undefined;
  const id = `lazylab-da-progress-${++counter}`;
  const notebook = inNotebook();
  let shown = false;
  const draw = (final: boolean) => {
    const b = bundle(run, label, final);
    if (notebook) displayBundle(b, { id, update: shown });
    else process.stderr.write(`\r${b["text/plain"]}${final ? "\n" : ""}`);
    shown = true;
  };
  const timer = setInterval(() => {
    if (performance.now() - run.t0 >= afterSeconds * 1000) draw(false);
  }, REFRESH_MS);
  timer.unref();
  return () => {
    clearInterval(timer);
    if (shown) draw(true);
  };
}
