/**
 * `Figure`: a grid of axes of a given size in inches at a dpi (matplotlib's figsize and dpi:
 * (6.4, 4.8) at 100 dpi is 640×480 pixels). It compiles to one Vega-Lite spec (the axes'
 * layer specs in a vconcat of hconcats) rendered to one SVG by lib/plot's renderer, and shows
 * as that SVG with matplotlib's repr as its text: `<Figure size 1200x700 with 2 Axes>`.
 */
import { writeFileSync } from "node:fs";
import { inspect } from "node:util";
import { MIME_BUNDLE, type MimeBundle } from "../display/mime";
import { Plot, renderSync } from "../plot";
import type { VegaLiteSpec } from "../plot/render";
import { Axes, type ColorbarOptions } from "./axes";
import { ValueError } from "./colors";

/** Options of `plt.figure` and `plt.subplots`. */
export interface FigureOptions {
  /** Width and height in inches (default [6.4, 4.8], matplotlib's). */
  figsize?: readonly [number, number];
  /** Pixels per inch (default 100, matplotlib's). */
  dpi?: number;
}

/** matplotlib's default font size (10 pt) and title size (12 pt) in pixels at `dpi`. */
const pt = (points: number, dpi: number) => (points * dpi) / 72;

/** Room around each plot area for tick labels, axis titles and the axes' title, in pixels at 100 dpi. */
const MARGIN = { left: 72, right: 16, top: 34, bottom: 52, colorbar: 78, suptitle: 34 };

/**
 * A matplotlib-style figure: `plt.subplots` or `plt.figure` make one; it shows as an SVG when
 * it ends a cell, is passed to `display`, or at `plt.show()`.
 * @example
 * const [fig, ax] = plt.subplots(1, 2, { figsize: [12, 7] });
 * ax[0].plot([1, 2, 3]); fig.suptitle("memory");
 * fig                                   // <Figure size 1200x700 with 2 Axes>
 */
export class Figure {
  /** Width and height in inches. */
  readonly figsize: [number, number];
  /** Pixels per inch. */
  readonly dpi: number;
  /** The axes, row by row. */
  readonly axes: Axes[] = [];
  private grid: { rows: number; cols: number } = { rows: 0, cols: 0 };
  private title: string | undefined;
  private version = 0;
  private rendered: { version: number; plot: Plot } | undefined;
  /** @internal Set when the figure was shown, so the end of the cell does not show it again. */
  shownAt = -1;

  /** @internal Use `plt.figure()` or `plt.subplots()`. */
  constructor(options: FigureOptions = {}) {
    const size = options.figsize ?? [6.4, 4.8];
    if (!(Array.isArray(size) && size.length === 2 && size.every((v) => typeof v === "number" && v > 0 && Number.isFinite(v)))) {
      throw new ValueError(`figsize must be [width, height] in inches, two positive numbers; got ${inspect(size)}`);
    }
    const dpi = options.dpi ?? 100;
    if (!(typeof dpi === "number" && dpi > 0 && Number.isFinite(dpi))) throw new ValueError(`dpi must be a positive number, got ${String(dpi)}`);
    this.figsize = [size[0], size[1]];
    this.dpi = dpi;
  }

  /** @internal Called by its axes on every change (a new render is then due). */
  changed(): void {
    this.version++;
  }

  /** @internal Lays out `rows`×`cols` new axes (plt.subplots). */
  makeGrid(rows: number, cols: number): Axes[] {
    for (const [n, what] of [[rows, "nrows"], [cols, "ncols"]] as const) {
      if (!(Number.isInteger(n) && n >= 1)) throw new ValueError(`Number of ${what === "nrows" ? "rows" : "columns"} must be a positive integer, not ${String(n)}`);
    }
    if (this.axes.length) throw new ValueError("this figure already has axes; make a new one with plt.subplots()");
    this.grid = { rows, cols };
    for (let i = 0; i < rows * cols; i++) this.axes.push(new Axes(this));
    this.changed();
    return this.axes;
  }

  /**
   * Adds one axes filling the figure (matplotlib's `fig.add_subplot()` with no grid), or
   * returns the existing one.
   * @example const ax = plt.figure().add_subplot()
   */
  add_subplot(): Axes {
    if (this.axes.length) return this.axes[this.axes.length - 1];
    return this.makeGrid(1, 1)[0];
  }

  /** The current axes (the last made; one is created if there is none). */
  gca(): Axes {
    return this.add_subplot();
  }

  /** A title over all the axes. @example fig.suptitle("Memory during the tutorial") */
  suptitle(title: string): void {
    this.title = String(title);
    this.changed();
  }

  /**
   * A colorbar for the heat map of `ax` (default: the current axes). Like matplotlib, it adds
   * an axes to the figure.
   * @example fig.colorbar(ax, { label: "THETA [degC]" })
   */
  colorbar(ax?: Axes, options: ColorbarOptions = {}): void {
    const target = ax ?? this.gca();
    if (!target.mesh) throw new ValueError("colorbar: the axes has no heat map (pcolormesh or imshow) to make a colorbar for");
    target.mesh.colorbar = { ...options };
    this.changed();
  }

  /** The figure's size in pixels: figsize × dpi. */
  get size(): { width: number; height: number } {
    return { width: Math.round(this.figsize[0] * this.dpi), height: Math.round(this.figsize[1] * this.dpi) };
  }

  /** The Vega-Lite spec the figure renders (plain data: inspect it, or render it yourself). */
  toSpec(): VegaLiteSpec {
    const { width, height } = this.size;
    const k = this.dpi / 100;
    const axes = this.axes.length ? this.axes : [new Axes(this)];
    const { rows, cols } = this.axes.length ? this.grid : { rows: 1, cols: 1 };
    const cellW = width / cols, cellH = (height - (this.title ? MARGIN.suptitle * k : 0)) / rows;
    const inner = (ax: Axes) => ({
      w: Math.max(20, Math.round(cellW - (MARGIN.left + MARGIN.right + (ax.hasColorbar ? MARGIN.colorbar : 0)) * k)),
      h: Math.max(20, Math.round(cellH - (MARGIN.top + MARGIN.bottom) * k)),
    });
    const specs = axes.map((ax) => {
      const { w, h } = inner(ax);
      return ax.toSpec(w, h);
    });
    const config = {
      font: "DejaVu Sans, Bitstream Vera Sans, Arial, sans-serif",
      background: "white",
      view: { stroke: "black", strokeWidth: 0.8 * 1.39 * k },
      axis: { domain: false, tickColor: "black", labelColor: "black", titleColor: "black", labelFontSize: pt(10, this.dpi), titleFontSize: pt(10, this.dpi), titleFontWeight: "normal", tickSize: 3.5 * 1.39 * k, labelFlush: false },
      title: { fontSize: pt(12, this.dpi), fontWeight: "normal", color: "black" },
      legend: { labelFontSize: pt(10, this.dpi), titleFontSize: pt(10, this.dpi), titleFontWeight: "normal" },
      concat: { spacing: 0 },
      padding: 4 * k,
    };
    const base = { $schema: "https://vega.github.io/schema/vega-lite/v5.json", config, ...(this.title ? { title: { text: this.title, fontSize: pt(12, this.dpi), anchor: "middle" } } : {}) };
    if (specs.length === 1 && !this.title) return { ...base, ...specs[0] };
    // Each axes has its own scales and legends (concat would otherwise merge same-named ones).
    const resolve = { scale: { x: "independent", y: "independent", color: "independent", fill: "independent", stroke: "independent" }, legend: { color: "independent", fill: "independent", stroke: "independent" } };
    const grid = [];
    for (let r = 0; r < rows; r++) grid.push({ hconcat: specs.slice(r * cols, (r + 1) * cols), spacing: 0, resolve });
    return { ...base, vconcat: grid, spacing: 0, resolve };
  }

  /** matplotlib's repr: `<Figure size 1200x700 with 2 Axes>` (a colorbar counts as an axes). */
  toString(): string {
    const { width, height } = this.size;
    const g = (v: number) => (Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6))));
    const n = this.axes.length + this.axes.filter((a) => a.hasColorbar).length;
    return `<Figure size ${g(this.figsize[0] * this.dpi)}x${g(this.figsize[1] * this.dpi)} with ${n} Axes>`;
  }
  /** @internal */
  [inspect.custom](): string {
    return this.toString();
  }

  /** The rendered figure: its SVG, `figsize × dpi` pixels (rendered once per change). */
  render(): Plot {
    if (this.rendered?.version !== this.version) {
      const { width, height } = this.size;
      const plot = renderSync(this.toSpec(), { text: this.toString() });
      this.rendered = { version: this.version, plot: new Plot(fitSvg(plot.svg, width, height), this.toString()) };
    }
    return this.rendered.plot;
  }

  /**
   * Writes the figure to a file. Only SVG: the renderer has no raster output (no canvas).
   * @example fig.savefig("memory.svg")
   */
  savefig(path: string): void {
    if (!/\.svg$/i.test(String(path))) throw new ValueError(`savefig: '${path}': only .svg is supported (lazylab renders figures as SVG; there is no PNG/PDF backend)`);
    writeFileSync(path, this.render().svg);
  }

  /** @internal */
  [MIME_BUNDLE](): MimeBundle {
    this.shownAt = currentCell();
    return this.render()[MIME_BUNDLE]();
  }
}

/** @internal The cell counter pyplot's state keeps (see index.ts). */
let cellCounter = 0;
export const currentCell = (): number => cellCounter;
export const nextCell = (): void => {
  cellCounter++;
};

/**
 * Vega sizes its SVG to the content; a figure is `width`×`height` pixels, as matplotlib's is.
 * The root gets that size and a viewBox that centres the content in it (scaled down only if it
 * does not fit), on white.
 */
export function fitSvg(svg: string, width: number, height: number): string {
  const m = /<svg\b[^>]*>/.exec(svg);
  if (!m) return svg;
  const root = m[0];
  const w = Number(/\swidth="([\d.]+)"/.exec(root)?.[1]), h = Number(/\sheight="([\d.]+)"/.exec(root)?.[1]);
  if (!(w > 0 && h > 0)) return svg;
  const s = Math.max(w / width, h / height, 1);
  const vw = width * s, vh = height * s;
  const box = `${((w - vw) / 2).toFixed(2)} ${((h - vh) / 2).toFixed(2)} ${vw.toFixed(2)} ${vh.toFixed(2)}`;
  const fixed = root
    .replace(/\swidth="[\d.]+"/, ` width="${width}"`)
    .replace(/\sheight="[\d.]+"/, ` height="${height}"`)
    .replace(/\sviewBox="[^"]*"/, "")
    .replace(/^<svg\b/, `<svg viewBox="${box}" style="background-color: white"`);
  return svg.slice(0, m.index) + fixed + svg.slice(m.index + root.length);
}
