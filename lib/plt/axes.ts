/**
 * `Axes`: one plot of a figure, as in matplotlib. Each call (`plot`, `scatter`, `axhline`,
 * `pcolormesh`, ...) adds a layer, plain data; `set_*` calls record limits and labels; the
 * figure compiles everything to one Vega-Lite spec when it is shown (altair's idea: a fluent
 * API over plain spec objects, nothing drawn until rendered).
 */
import { toCss, scheme, ValueError, type Color } from "./colors";
import type { Figure } from "./figure";
import { column, edges, field, type Values1D, type Values2D } from "./data";

type Spec = Record<string, unknown>;

/** Line styles, by matplotlib's short and long names. */
export type LineStyle = "-" | "--" | "-." | ":" | "solid" | "dashed" | "dashdot" | "dotted" | "None" | "none" | "";

/** Options of {@link Axes.plot} (matplotlib's Line2D keywords). */
export interface LineOptions {
  color?: Color;
  /** The legend's entry (shown by `legend()`). */
  label?: string;
  linestyle?: LineStyle;
  linewidth?: number;
  /** A marker at each point: 'o', '.', 's', '^', 'v', 'x', '+', 'd', '*'. */
  marker?: string;
  alpha?: number;
}
/** Options of {@link Axes.scatter}. */
export interface ScatterOptions {
  color?: Color;
  c?: Color;
  label?: string;
  /** Marker area in points² (matplotlib's `s`, default 36). */
  s?: number;
  marker?: string;
  alpha?: number;
}
/** Options of {@link Axes.bar} and {@link Axes.fill_between}. */
export interface PatchOptions {
  color?: Color;
  label?: string;
  alpha?: number;
  /** Bar width in data units (default 0.8). */
  width?: number;
}
/** Options of {@link Axes.pcolormesh} and {@link Axes.imshow}. */
export interface MeshOptions {
  /** A matplotlib colormap name (default 'viridis'); `_r` reverses it. */
  cmap?: string;
  vmin?: number;
  vmax?: number;
}
/** Options of `colorbar()`. */
export interface ColorbarOptions {
  /** The colorbar's label. */
  label?: string;
}

const DASHES: Record<string, number[] | null> = { "-": null, solid: null, "--": [6, 4], dashed: [6, 4], "-.": [6, 3, 1.5, 3], dashdot: [6, 3, 1.5, 3], ":": [1.5, 3], dotted: [1.5, 3] };
const SHAPES: Record<string, string> = { o: "circle", ".": "circle", s: "square", "^": "triangle-up", v: "triangle-down", x: "cross", "+": "cross", d: "diamond", D: "diamond", "*": "diamond" };

/** matplotlib's format strings ('r--', 'o', 'C1:', 'k.-'): colour, marker and line style. */
export function parseFormat(fmt: string): { color?: string; marker?: string; linestyle?: LineStyle } {
  const out: { color?: string; marker?: string; linestyle?: LineStyle } = {};
  let s = fmt;
  const take = (re: RegExp) => {
    const m = re.exec(s);
    if (!m) return undefined;
    s = s.slice(0, m.index) + s.slice(m.index + m[0].length);
    return m[0];
  };
  out.color = take(/C\d/) ?? undefined;
  out.linestyle = take(/--|-\.|-|:/) as LineStyle | undefined;
  for (const ch of [...s]) {
    if ("bgrcmykw".includes(ch) && !out.color) out.color = ch;
    else if (ch in SHAPES && !out.marker) out.marker = ch;
    else throw new ValueError(`'${fmt}' is not a valid format string: it combines a colour (bgrcmykw or C0..C9), a marker (${Object.keys(SHAPES).join(" ")}) and a line style (- -- -. :)`);
  }
  if (out.marker && !out.linestyle) out.linestyle = "None";
  return out;
}

interface Layer {
  mark: Spec;
  values?: Record<string, unknown>[];
  encoding: Spec;
  /** A legend entry: label and colour. */
  series?: { label: string; color: string; shape?: string };
  temporalX?: boolean;
  patch?: boolean;
}

/** A heat map's colour scale, and its colorbar once `colorbar()` asked for one. */
interface Mesh {
  cmap: string;
  vmin: number;
  vmax: number;
  colorbar?: ColorbarOptions;
}

/**
 * One plot of a figure (matplotlib's `Axes`): lines, scatter points, bars, reference lines and
 * heat maps over shared x/y scales, with labels, limits, a title and a legend.
 * @example
 * const [fig, ax] = plt.subplots(1, 2, { figsize: [12, 7] });
 * ax[0].plot(x, y, { color: "r", label: "available" });
 * ax[0].axhline(0); ax[0].set_ylim(-1, 1); ax[0].legend();
 */
export class Axes {
  private layers: Layer[] = [];
  private lineCycle = 0;
  private patchCycle = 0;
  private labels: { title?: string; xlabel?: string; ylabel?: string } = {};
  private lims: { x?: [number, number]; y?: [number, number] } = {};
  private showLegend = false;
  private showGrid = false;
  private yInverted = false;
  /** @internal The heat map's scale (one per axes). */
  mesh: Mesh | undefined;

  /** @internal Created by `plt.subplots` / `fig.add_subplot`. */
  constructor(
    /** The figure this axes belongs to (matplotlib's `ax.figure`). */
    readonly figure: Figure,
  ) {}
  private onChange(): void {
    this.figure.changed();
  }

  private add(layer: Layer): void {
    this.layers.push(layer);
    this.onChange();
  }
  private nextLineColor(): string {
    return toCss(`C${this.lineCycle++ % 10}`);
  }
  private nextPatchColor(): string {
    return toCss(`C${this.patchCycle++ % 10}`);
  }

  /**
   * Lines (and/or markers) through points: `plot(y)`, `plot(x, y)`, `plot(x, y, "r--")`,
   * with options as matplotlib's keywords. Colours follow the default cycle C0, C1, ...
   * @example ax.plot(t, mem, { color: "r", label: "available (MB)" })
   */
  plot(y: Values1D, options?: LineOptions): void;
  plot(x: Values1D, y: Values1D, options?: LineOptions): void;
  plot(x: Values1D, y: Values1D, fmt: string, options?: LineOptions): void;
  plot(a: Values1D, b?: Values1D | LineOptions, c?: string | LineOptions, d?: LineOptions): void {
    let xs: Values1D | undefined, ys: Values1D, opts: LineOptions;
    if (b === undefined || (!Array.isArray(b) && !ArrayBuffer.isView(b) && typeof b === "object" && !("shape" in b) && !("values" in b))) {
      ys = a;
      opts = (b as LineOptions | undefined) ?? {};
    } else {
      xs = a;
      ys = b as Values1D;
      opts = typeof c === "string" ? { ...parseFormat(c), ...d } : (c ?? {});
    }
    const y = column(ys, "plot: y");
    const x = xs === undefined ? { values: y.values.map((_, i) => i), temporal: false } : column(xs, "plot: x");
    if (x.values.length !== y.values.length) throw new ValueError(`plot: x and y must have same first dimension, but have shapes (${x.values.length},) and (${y.values.length},)`);
    const color = opts.color !== undefined ? toCss(opts.color) : this.nextLineColor();
    const dash = opts.linestyle === undefined ? null : DASHES[opts.linestyle];
    const noLine = opts.linestyle === "None" || opts.linestyle === "none" || opts.linestyle === "";
    if (dash === undefined && !noLine) throw new ValueError(`plot: linestyle '${opts.linestyle}' is not one of - -- -. : solid dashed dashdot dotted None`);
    if (opts.marker !== undefined && !(opts.marker in SHAPES)) throw new ValueError(`plot: marker '${opts.marker}' is not one of ${Object.keys(SHAPES).join(" ")}`);
    const values = x.values.map((xv, i) => ({ x: xv, y: y.values[i] }));
    const shape = opts.marker ? SHAPES[opts.marker] : undefined;
    const mark: Spec = noLine
      ? { type: "point", filled: true, shape: shape ?? "circle", color, size: opts.marker === "." ? 12 : 36 }
      : { type: "line", color, strokeWidth: (opts.linewidth ?? 1.5) * 1.39, ...(dash ? { strokeDash: dash } : {}), ...(shape ? { point: { filled: true, shape, color, size: 36 } } : {}) };
    if (opts.alpha !== undefined) mark.opacity = opts.alpha;
    this.add({ mark, values, encoding: { x: { field: "x" }, y: { field: "y" } }, temporalX: x.temporal, series: opts.label !== undefined ? { label: String(opts.label), color, shape } : undefined });
  }

  /**
   * Points at (x, y), matplotlib's `scatter`.
   * @example ax.scatter(x, y, { color: "k", s: 10, label: "samples" })
   */
  scatter(x: Values1D, y: Values1D, options: ScatterOptions = {}): void {
    const xc = column(x, "scatter: x"), yc = column(y, "scatter: y");
    if (xc.values.length !== yc.values.length) throw new ValueError(`scatter: x and y must be the same size, got ${xc.values.length} and ${yc.values.length}`);
    const c = options.color ?? options.c;
    const color = c !== undefined ? toCss(c) : this.nextPatchColor();
    if (options.marker !== undefined && !(options.marker in SHAPES)) throw new ValueError(`scatter: marker '${options.marker}' is not one of ${Object.keys(SHAPES).join(" ")}`);
    const shape = SHAPES[options.marker ?? "o"];
    const mark: Spec = { type: "point", filled: true, shape, color, size: (options.s ?? 36) * 1.93, ...(options.alpha !== undefined ? { opacity: options.alpha } : {}) };
    this.add({ mark, values: xc.values.map((xv, i) => ({ x: xv, y: yc.values[i] })), encoding: { x: { field: "x" }, y: { field: "y" } }, temporalX: xc.temporal, patch: true, series: options.label !== undefined ? { label: options.label, color, shape } : undefined });
  }

  /**
   * Bars of `height` at positions `x` (matplotlib's `bar`, centred, width 0.8).
   * @example ax.bar([0, 1, 2], changes, { color: "C1", label: "change (MB)" })
   */
  bar(x: Values1D, height: Values1D | number, options: PatchOptions = {}): void {
    const xc = column(x, "bar: x");
    const h = typeof height === "number" ? xc.values.map(() => height) : column(height, "bar: height").values;
    if (h.length !== xc.values.length) throw new ValueError(`bar: x and height must be the same size, got ${xc.values.length} and ${h.length}`);
    const w = options.width ?? 0.8;
    const color = options.color !== undefined ? toCss(options.color) : this.nextPatchColor();
    const values = xc.values.map((xv, i) => ({ x: xv - w / 2, x2: xv + w / 2, y: 0, y2: h[i] }));
    this.add({ mark: { type: "rect", color, ...(options.alpha !== undefined ? { opacity: options.alpha } : {}) }, values, encoding: { x: { field: "x" }, x2: { field: "x2" }, y: { field: "y" }, y2: { field: "y2" } }, patch: true, series: options.label !== undefined ? { label: options.label, color, shape: "square" } : undefined });
  }

  /**
   * The area between `y1` and `y2` (a number or values; default 0) over `x`.
   * @example ax.fill_between(x, lo, hi, { alpha: 0.3 })
   */
  fill_between(x: Values1D, y1: Values1D | number, y2: Values1D | number = 0, options: PatchOptions = {}): void {
    const xc = column(x, "fill_between: x");
    const col = (v: Values1D | number, what: string) => (typeof v === "number" ? xc.values.map(() => v) : column(v, what).values);
    const a = col(y1, "fill_between: y1"), b = col(y2, "fill_between: y2");
    if (a.length !== xc.values.length || b.length !== xc.values.length) throw new ValueError(`fill_between: x, y1 and y2 must be the same size, got ${xc.values.length}, ${a.length} and ${b.length}`);
    const color = options.color !== undefined ? toCss(options.color) : this.nextPatchColor();
    const values = xc.values.map((xv, i) => ({ x: xv, y: a[i], y2: b[i] }));
    this.add({ mark: { type: "area", color, opacity: options.alpha ?? 1 }, values, encoding: { x: { field: "x" }, y: { field: "y" }, y2: { field: "y2" } }, temporalX: xc.temporal, patch: true, series: options.label !== undefined ? { label: options.label, color, shape: "square" } : undefined });
  }

  /** A horizontal line across the axes at `y` (default colour C0). @example ax.axhline(0, { color: "k", linestyle: "--" }) */
  axhline(y = 0, options: LineOptions = {}): void {
    this.refLine("y", y, options);
  }
  /** A vertical line across the axes at `x` (a number, or a Date on a time axis). @example ax.axvline(3) */
  axvline(x: number | Date = 0, options: LineOptions = {}): void {
    this.refLine("x", x, options);
  }
  private refLine(channel: "x" | "y", at: number | Date, opts: LineOptions): void {
    const v = at instanceof Date ? at.getTime() : at;
    if (typeof v !== "number" || !Number.isFinite(v)) throw new ValueError(`ax${channel === "y" ? "h" : "v"}line: the position must be a finite number, got ${String(at)}`);
    const color = toCss(opts.color ?? "C0");
    const dash = DASHES[opts.linestyle ?? "-"];
    const mark: Spec = { type: "rule", color, strokeWidth: (opts.linewidth ?? 1.5) * 1.39, ...(dash ? { strokeDash: dash } : {}), ...(opts.alpha !== undefined ? { opacity: opts.alpha } : {}) };
    this.add({ mark, encoding: { [channel]: { datum: v } }, temporalX: channel === "x" && at instanceof Date, series: opts.label !== undefined ? { label: opts.label, color } : undefined });
  }

  /**
   * A 2-D field as coloured cells (matplotlib's `pcolormesh`): `pcolormesh(C)` or
   * `pcolormesh(X, Y, C)` with 1-D X (columns) and Y (rows) as cell centres or edges.
   * Add a colorbar with `plt.colorbar()` or `fig.colorbar(ax)`. NaN cells stay blank.
   * @example ax.pcolormesh(lon, lat, field, { cmap: "RdBu_r" }); plt.colorbar({ label: "°C" })
   */
  pcolormesh(C: Values2D, options?: MeshOptions): void;
  pcolormesh(X: Values1D, Y: Values1D, C: Values2D, options?: MeshOptions): void;
  pcolormesh(a: Values1D | Values2D, b?: Values1D | MeshOptions, c?: Values2D, d?: MeshOptions): void {
    if (c === undefined) this.mesh2d(a as Values2D, undefined, undefined, (b as MeshOptions | undefined) ?? {}, false, "pcolormesh");
    else this.mesh2d(c, column(a as Values1D, "pcolormesh: X").values, column(b as Values1D, "pcolormesh: Y").values, d ?? {}, false, "pcolormesh");
  }

  /**
   * A 2-D field as an image (matplotlib's `imshow`): row 0 at the top, pixel centres at
   * integer positions.
   * @example ax.imshow(np.random.defaultRng(0).random([10, 20]), { cmap: "magma" })
   */
  imshow(C: Values2D, options: MeshOptions = {}): void {
    this.mesh2d(C, undefined, undefined, options, true, "imshow");
  }

  private mesh2d(C: Values2D, X: number[] | undefined, Y: number[] | undefined, options: MeshOptions, image: boolean, what: string): void {
    const f = field(C, `${what}: C`);
    const xe = image ? Array.from({ length: f.cols + 1 }, (_, i) => i - 0.5) : edges(X, f.cols, `${what}: X`);
    const ye = image ? Array.from({ length: f.rows + 1 }, (_, i) => i - 0.5) : edges(Y, f.rows, `${what}: Y`);
    const values: Record<string, number>[] = [];
    let lo = Infinity, hi = -Infinity;
    for (let r = 0; r < f.rows; r++) {
      for (let c = 0; c < f.cols; c++) {
        const v = f.at(r, c);
        if (!Number.isFinite(v)) continue;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
        values.push({ x: xe[c], x2: xe[c + 1], y: ye[r], y2: ye[r + 1], v });
      }
    }
    if (!values.length) lo = 0, hi = 1;
    const cmap = options.cmap ?? "viridis";
    scheme(cmap);
    this.mesh = { cmap, vmin: options.vmin ?? lo, vmax: options.vmax ?? hi };
    if (image) this.yInverted = true;
    this.add({ mark: { type: "rect", strokeWidth: 0.5, aria: false }, values, encoding: { x: { field: "x" }, x2: { field: "x2" }, y: { field: "y" }, y2: { field: "y2" }, fill: { field: "v", type: "quantitative" } } });
    if (!this.lims.x) this.lims.x = [Math.min(xe[0], xe[f.cols]), Math.max(xe[0], xe[f.cols])];
    if (!this.lims.y) this.lims.y = [Math.min(ye[0], ye[f.rows]), Math.max(ye[0], ye[f.rows])];
  }

  /** The axes' title. @example ax.set_title("Available memory") */
  set_title(title: string): void {
    this.labels.title = String(title);
    this.onChange();
  }
  /** The x axis label. @example ax.set_xlabel("step") */
  set_xlabel(label: string): void {
    this.labels.xlabel = String(label);
    this.onChange();
  }
  /** The y axis label. @example ax.set_ylabel("MB") */
  set_ylabel(label: string): void {
    this.labels.ylabel = String(label);
    this.onChange();
  }
  /** The x axis range. @example ax.set_xlim(0, 10) */
  set_xlim(left: number, right: number): void {
    this.lims.x = checkLim("set_xlim", left, right);
    this.onChange();
  }
  /** The y axis range. @example ax.set_ylim(-1, 1) */
  set_ylim(bottom: number, top: number): void {
    this.lims.y = checkLim("set_ylim", bottom, top);
    this.onChange();
  }
  /** Several properties at once (matplotlib's `ax.set(...)`). @example ax.set({ xlabel: "t", ylabel: "MB", title: "memory" }) */
  set(props: { title?: string; xlabel?: string; ylabel?: string; xlim?: [number, number]; ylim?: [number, number] }): void {
    if (props.title !== undefined) this.set_title(props.title);
    if (props.xlabel !== undefined) this.set_xlabel(props.xlabel);
    if (props.ylabel !== undefined) this.set_ylabel(props.ylabel);
    if (props.xlim) this.set_xlim(...props.xlim);
    if (props.ylim) this.set_ylim(...props.ylim);
  }
  /** Shows the legend of the labelled lines, points and bars. @example ax.plot(y, { label: "a" }); ax.legend() */
  legend(): void {
    this.showLegend = true;
    this.onChange();
  }
  /** Grid lines on (default) or off. @example ax.grid() */
  grid(visible = true): void {
    this.showGrid = visible;
    this.onChange();
  }
  /** The labels set so far (title, xlabel, ylabel). */
  get_title(): string {
    return this.labels.title ?? "";
  }

  /** @internal The Vega-Lite spec of this axes, its plot area `width`×`height` pixels. */
  toSpec(width: number, height: number): Spec {
    const temporal = this.layers.some((l) => l.temporalX);
    const hasBars = this.layers.some((l) => l.patch && l.mark.type === "rect");
    const series = this.layers.flatMap((l) => (l.series ? [l.series] : []));
    const scaleOf = (lim: [number, number] | undefined, zero: boolean): Spec => (lim ? { domain: lim, nice: false, zero: false } : { zero });
    const lines = (t: string | undefined) => (t === undefined ? null : t.includes("\n") ? t.split("\n") : t);
    const x: Spec = { type: temporal ? "temporal" : "quantitative", title: lines(this.labels.xlabel), scale: scaleOf(this.lims.x, false), axis: { grid: this.showGrid } };
    const y: Spec = { type: "quantitative", title: lines(this.labels.ylabel), scale: { ...scaleOf(this.lims.y, hasBars), ...(this.yInverted ? { reverse: true } : {}) }, axis: { grid: this.showGrid } };
    const legend = this.showLegend && series.length ? { title: null, orient: "top-right", fillColor: "rgba(255,255,255,0.8)", strokeColor: "#cccccc", padding: 6, cornerRadius: 3 } : null;
    const colorEnc = { field: "series", type: "nominal", scale: { domain: series.map((s) => s.label), range: series.map((s) => s.color) }, legend };
    const clip = !!(this.lims.x || this.lims.y);
    const layer = this.layers.map((l) => {
      const enc: Spec = {};
      for (const [ch, e] of Object.entries(l.encoding)) {
        if (ch === "x") enc.x = { ...x, ...(e as Spec) };
        else if (ch === "y") enc.y = { ...y, ...(e as Spec) };
        else if (ch === "fill" && this.mesh) {
          const m = this.mesh;
          const scale = { ...scheme(m.cmap), domain: [m.vmin, m.vmax], clamp: true };
          enc.fill = { ...(e as Spec), scale, legend: m.colorbar ? { title: lines(m.colorbar.label), titleLimit: 1000, type: "gradient", gradientLength: Math.max(20, height - 22), gradientThickness: 16, direction: "vertical", orient: "right" } : null };
          // The same colour as a thin outline closes the hairline seams antialiasing leaves between cells.
          enc.stroke = { ...(e as Spec), scale, legend: null };
        } else enc[ch] = e;
      }
      const values = l.values ? l.values.map((v) => (l.series ? { ...v, series: l.series.label } : v)) : l.series ? [{ series: l.series.label }] : undefined;
      if (l.series) enc.color = colorEnc;
      return { ...(values ? { data: { values } } : { data: { values: [{}] } }), mark: { ...l.mark, clip }, encoding: enc };
    });
    if (!layer.length) {
      // An empty axes, as matplotlib draws one: 0..1 on both axes.
      layer.push({ data: { values: [] }, mark: { type: "point", clip }, encoding: { x: { ...x, field: "x", scale: { domain: this.lims.x ?? [0, 1], nice: false } }, y: { ...y, field: "y", scale: { domain: this.lims.y ?? [0, 1], nice: false } } } } as never);
    }
    return { width, height, ...(this.labels.title ? { title: { text: lines(this.labels.title) } } : {}), layer, resolve: { scale: { fill: "independent" } } };
  }

  /** @internal Whether a colorbar is drawn (it counts as an axes in the figure's repr). */
  get hasColorbar(): boolean {
    return !!this.mesh?.colorbar;
  }
}

function checkLim(what: string, a: number, b: number): [number, number] {
  if (!(typeof a === "number" && typeof b === "number" && Number.isFinite(a) && Number.isFinite(b))) throw new ValueError(`${what}: limits must be finite numbers, got ${String(a)} and ${String(b)}`);
  if (a === b) throw new ValueError(`${what}: the two limits are equal (${a}); they must differ`);
  return [a, b];
}
