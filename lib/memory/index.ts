/**
 * `memory`: memory helpers beyond psutil, preloaded in every cell. `memory.trackCells(true)`
 * appends each cell's change in available memory to its output; `new memory.MemoryLog()`
 * records labelled readings and shows them as a table and a chart.
 */
export { trackCells } from "./track";
export { MemoryLog } from "./log";
export type { MemoryReading, MemoryLogOptions, MemoryPlotOptions } from "./log";
