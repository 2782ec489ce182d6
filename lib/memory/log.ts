/**
 * `MemoryLog`: the tutorial's `memory_log` pattern as one object. Each `record(label)` reads
 * psutil's available memory (the process view in the kernel, so the figures repeat run to run);
 * the log gives the changes between readings as the tutorial prints them, shows itself as a
 * table, and renders a chart of the readings (lib/plot).
 */
import { inspect } from "node:util";
import { MIME_BUNDLE, type MimeBundle } from "../display/mime";
import { array, diff } from "../np/creation";
import type { NDArray } from "../np/ndarray";
import { virtualMemory, type MemoryView } from "../psutil";
import { render, type Plot } from "../plot";
import type { VegaLiteSpec } from "../plot/render";

const MB = 2 ** 20;

/** One labelled reading. */
export interface MemoryReading {
  /** What was measured (the `record` argument). */
  readonly label: string;
  /** `psutil.virtualMemory().available` at that moment, in bytes. */
  readonly available: number;
  /** available − the previous reading's available, in bytes (negative: memory was used); null for the first. */
  readonly change: number | null;
}

/** Options of a {@link MemoryLog}. */
export interface MemoryLogOptions {
  /** Which psutil view to read (default: psutil's current view, "process" in the kernel). */
  view?: MemoryView;
}

/** Options of {@link MemoryLog.plot}. */
export interface MemoryPlotOptions {
  /** Chart title (default "Available memory"). */
  title?: string;
  /** Width of each panel in pixels (default 420). */
  width?: number;
}

/** A figure in MB as the table shows it: three decimals, no "-0.000". */
function mb(bytes: number): string {
  const s = (bytes / MB).toFixed(3);
  return s === "-0.000" ? "0.000" : s;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/**
 * Labelled readings of available memory, with the tutorial's deltas, a table and a plot.
 * @example
 * const log = new memory.MemoryLog();
 * log.record("start");
 * const a = np.random.defaultRng().standardNormal([1000, 1000]);
 * log.record("random array");
 * log.printChange();   // Change in available memory:  -7.674041748046875  MB
 * log                  // the table
 * await log.plot()     // the chart (SVG)
 */
export class MemoryLog {
  private readonly entries: MemoryReading[] = [];

  constructor(private readonly options: MemoryLogOptions = {}) {
    if (options.view !== undefined && options.view !== "process" && options.view !== "system") {
      throw new TypeError(`MemoryLog: view must be "process" or "system", got ${JSON.stringify(options.view)}`);
    }
  }

  /**
   * Reads available memory now and keeps it under `label`. Returns the reading, whose
   * `change` is the difference from the previous one in bytes.
   */
  record(label?: string): MemoryReading {
    if (label !== undefined && typeof label !== "string") throw new TypeError(`MemoryLog.record: label must be a string, got ${typeof label}`);
    const available = virtualMemory(this.options.view ? { view: this.options.view } : {}).available;
    const prev = this.entries.at(-1);
    const reading: MemoryReading = Object.freeze({ label: label ?? `reading ${this.entries.length}`, available, change: prev ? available - prev.available : null });
    this.entries.push(reading);
    return reading;
  }

  /** The readings, oldest first. */
  get readings(): readonly MemoryReading[] {
    return this.entries.slice();
  }

  /** Number of readings. */
  get length(): number {
    return this.entries.length;
  }

  /** The available-memory readings in bytes as an int64 array: the tutorial's `memory_log`. */
  toArray(): NDArray {
    return array(this.entries.map((r) => r.available), { dtype: "int64" });
  }

  /** `np.diff` of the readings: each change in bytes. */
  changes(): NDArray {
    return diff(this.toArray());
  }

  /** The last change in MB (`np.diff(memory_log[-2:])[0] / 2**20`). */
  lastChange(): number {
    const last = this.entries.at(-1);
    if (!last || last.change === null) throw new RangeError(`MemoryLog: a change needs two readings, the log has ${this.entries.length}`);
    return last.change / MB;
  }

  /** The tutorial's line for the last change: `Change in available memory:  X  MB`. */
  changeLine(): string {
    return `Change in available memory:  ${this.lastChange()}  MB`;
  }

  /** Prints {@link changeLine}, as the tutorial's `print(...)` does. */
  printChange(): void {
    console.log(this.changeLine());
  }

  /** The readings as a text table (MB). */
  toString(): string {
    const rows = this.entries.map((r, i) => [String(i), r.label, mb(r.available), r.change === null ? "" : mb(r.change)]);
    const head = ["", "label", "available (MB)", "change (MB)"];
    const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
    const line = (cells: string[]) => cells.map((s, c) => (c === 1 ? s.padEnd(widths[c]) : s.padStart(widths[c]))).join("  ").trimEnd();
    if (!rows.length) return "MemoryLog (no readings yet)";
    return [line(head), ...rows.map(line)].join("\n");
  }

  /** The readings as an HTML table (MB). */
  toHtml(): string {
    const rows = this.entries
      .map((r, i) => `<tr><th>${i}</th><td style="text-align:left">${escapeHtml(r.label)}</td><td>${mb(r.available)}</td><td>${r.change === null ? "" : mb(r.change)}</td></tr>`)
      .join("");
    return `<table class="lazylab-memory-log"><thead><tr><th></th><th style="text-align:left">label</th><th>available (MB)</th><th>change (MB)</th></tr></thead><tbody>${rows}</tbody></table>`;
  }

  /** @internal */
  [inspect.custom](): string {
    return this.toString();
  }
  /** @internal The cell result: the table, as text and HTML. */
  [MIME_BUNDLE](): MimeBundle {
    return this.entries.length ? { "text/plain": this.toString(), "text/html": this.toHtml() } : { "text/plain": this.toString() };
  }

  /**
   * The Vega-Lite spec of the chart: available memory at each reading (line) above the change
   * each step caused (bars, red where memory was used).
   */
  spec(options: MemoryPlotOptions = {}): VegaLiteSpec {
    const width = options.width ?? 420;
    if (!(Number.isFinite(width) && width > 0)) throw new RangeError(`MemoryLog.plot: width must be a positive number, got ${width}`);
    const values = this.entries.map((r, i) => ({
      step: `${i}: ${r.label}`,
      available_mb: r.available / MB,
      change_mb: r.change === null ? null : r.change / MB,
    }));
    const x = { field: "step", type: "ordinal", sort: null, title: null, axis: { labelAngle: -30, labelLimit: 300 } };
    return {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      title: options.title ?? "Available memory",
      data: { values },
      resolve: { scale: { x: "shared" } },
      vconcat: [
        {
          width,
          height: 160,
          mark: { type: "line", point: true },
          encoding: { x: { ...x, axis: { ...x.axis, labels: false, ticks: false } }, y: { field: "available_mb", type: "quantitative", title: "available (MB)", scale: { zero: false } } },
        },
        {
          width,
          height: 110,
          transform: [{ filter: "datum.change_mb !== null" }],
          mark: { type: "bar", width: { band: 0.6 } },
          encoding: {
            x,
            y: { field: "change_mb", type: "quantitative", title: "change (MB)" },
            color: { condition: { test: "datum.change_mb < 0", value: "#d62728" }, value: "#2ca02c" },
          },
        },
      ],
    };
  }

  /** The chart as SVG (see {@link spec}); its text alternative is the table. */
  async plot(options: MemoryPlotOptions = {}): Promise<Plot> {
    if (this.entries.length === 0) throw new RangeError("MemoryLog.plot: the log has no readings yet; call record(label) first");
    return render(this.spec(options), { text: this.toString() });
  }
}
