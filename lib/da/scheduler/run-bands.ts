/**
 * Runs a reduction's bands in a worker thread (a BandsTask): claims the next band from the
 * counter the reduction's tasks share until none is left, computing each alone
 * (fold-block.ts), into its fixed place of the shared result. With a pool of one, the
 * notebook's thread runs them one by one (bands.ts, runBand). Bands are claimed,
 * not dealt out beforehand, so a thread the machine slows down takes fewer of them and the
 * other does not wait idle at the end.
 */
import { foldBand, momentsBand } from "../fold-block";
import type { BandsTask } from "./task";

/** The band a failing BandsTask failed in, on its error (the worker reports it: pool.ts). */
export const BAND_LABEL = Symbol("lazylab.da.bandLabel");

/** Computes the bands this thread claims; returns how many. A failure stops the other threads' claiming too. */
export function runBands(task: BandsTask): number {
  const { bands, next } = task;
  let done = 0;
  for (;;) {
    const b = Atomics.add(next, 0, 1);
    if (b >= bands.length) return done;
    try {
      runBand(task, b);
    } catch (e) {
      Atomics.store(next, 0, bands.length);
      throw e;
    }
    Atomics.add(next, 1, bands[b].parts.length);
    done++;
  }
}

/** Computes band `b` of the task into its place of the result; an error carries the band's label. */
export function runBand(task: Omit<BandsTask, "id">, b: number): void {
  const { expr, program, fold, axes, bands, out } = task;
  const band = bands[b];
  try {
    const values = fold === "moments" ? momentsBand(program!, band.leaves, band.parts, axes) : foldBand(expr, fold, band.leaves, band.parts, axes, program);
    out.set(values, band.at);
  } catch (e) {
    if (e instanceof Error) Object.assign(e, { [BAND_LABEL]: band.label });
    throw e;
  }
}
