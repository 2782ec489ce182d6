/**
 * One compute's lifetime: its task counts (for progress), cancellation (a kernel interrupt or
 * a failure), and the slices of the notebook's thread it takes between yields, so that the
 * kernel can answer, progress can update and an interrupt can reach it.
 */
import { ComputeCancelled } from "../errors";

let nextGroup = 1;

/** How long the in-thread scheduler runs before yielding to the event loop. */
const SLICE_MS = 25;

export class ComputeRun {
  readonly group = nextGroup++;
  readonly t0 = performance.now();
  total = 0;
  done = 0;
  cancelled: Error | undefined;
  private lastYield = performance.now();
  private readonly listeners = new Set<(e: Error) => void>();

  /** Stops the compute: its tasks are cancelled and `check()` throws `reason` from now on. */
  cancel(reason: Error = new ComputeCancelled()): void {
    if (this.cancelled) return;
    this.cancelled = reason;
    for (const l of [...this.listeners]) l(reason);
  }

  onCancel(listener: (e: Error) => void): void {
    this.listeners.add(listener);
  }

  /** Throws if the compute was cancelled. */
  check(): void {
    if (this.cancelled) throw this.cancelled;
  }

  /**
   * Between tasks, without a promise per task: throws if cancelled, and says whether the slice
   * is used up (then `await slice()`).
   */
  due(): boolean {
    if (this.cancelled) throw this.cancelled;
    return performance.now() - this.lastYield >= SLICE_MS;
  }

  /** Between tasks: yields to the event loop once the current slice is used up. */
  async slice(): Promise<void> {
    this.check();
    if (performance.now() - this.lastYield < SLICE_MS) return;
    await new Promise((r) => setImmediate(r));
    this.lastYield = performance.now();
    this.check();
  }
}
