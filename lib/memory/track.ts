/**
 * Per-cell memory display: with `trackCells(true)`, every cell's output ends with the change
 * in available memory it caused (the psutil process view: this process's footprint after a
 * full GC, before and after the cell). The figure is this kernel's: while computes run on a
 * Dask cluster the line says so and where the workers' figures are (da.clusterInfo()).
 */
import { footprint } from "../psutil/footprint";
import { virtualMemory } from "../psutil";
import { setCellHooks } from "../notebook/cells";
import { connectedTo } from "../da/cluster";

/** The line appended to a cell's output. */
export function formatCellMemory(deltaBytes: number, availableBytes: number, cluster = connectedTo()): string {
  const mb = -deltaBytes / 2 ** 20;
  const shown = Math.abs(mb) < 0.005 ? "0.00" : mb.toFixed(2);
  const line = `[memory] change in available memory: ${shown} MB (available ${(availableBytes / 2 ** 20).toFixed(1)} MB)`;
  // A compute on a cluster uses the workers' memory, not this one: a user reading "0.00 MB"
  // after a big compute should not conclude it was free.
  return cluster ? `${line}, this kernel's; computes run on ${cluster}, whose workers' memory is in await da.clusterInfo()` : line;
}

/**
 * Turns the per-cell memory line on or off (off by default). Each reading costs a full garbage
 * collection, a few milliseconds per cell.
 */
export function trackCells(on = true): void {
  if (!on) {
    setCellHooks("memory.trackCells", undefined);
    return;
  }
  // The cell that turns tracking on is measured from this call.
  let before = footprint();
  setCellHooks("memory.trackCells", {
    before() {
      before = footprint();
    },
    after() {
      const delta = footprint() - before;
      return formatCellMemory(delta, virtualMemory().available);
    },
  });
}
