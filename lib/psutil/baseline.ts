/**
 * The process view's baseline (psutil/index.ts): the system's memory and the executor's
 * footprint when it was taken. A module of its own, outside the `psutil` namespace users see,
 * so that the kernel's warm-up (lib/warmup.ts) can take its own footprint out of it.
 */
import type { SvmemValues } from "./meminfo";

export interface Baseline {
  system: SvmemValues;
  footprint: number;
}

let baseline: Baseline | undefined;

export function getBaseline(): Baseline | undefined {
  return baseline;
}

export function setBaseline(b: Baseline): void {
  baseline = b;
}

/**
 * Counts `bytes` of footprint as the baseline's: what the warm-up allocated after the
 * baseline was taken is then not a cell's memory.
 */
export function shiftBaseline(bytes: number): void {
  if (baseline) baseline = { ...baseline, footprint: baseline.footprint + bytes };
}
