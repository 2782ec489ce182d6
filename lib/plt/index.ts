/**
 * `plt`: a small pyplot. The same calls as matplotlib's state machine (`plt.subplots`,
 * `plt.plot`, `plt.title`, `plt.show`, ...) and its object API (`Figure`, `Axes`), drawn by
 * lib/plot's Vega-Lite → SVG renderer: a figure is one SVG output, its text matplotlib's repr.
 *
 * As with matplotlib's inline backend in Jupyter, figures made in a cell and not shown are
 * shown when the cell ends, and every figure is closed then (a later cell starts a new one).
 * `plt.show()` shows the open figures at once and closes them.
 */
import { display } from "../display";
import { setCellHooks } from "../notebook/cells";
import { Axes, type ColorbarOptions, type LineOptions, type MeshOptions, type PatchOptions, type ScatterOptions } from "./axes";
import { ValueError } from "./colors";
import type { Values1D, Values2D } from "./data";
import { currentCell, Figure, nextCell, type FigureOptions } from "./figure";

export { Axes, Figure, ValueError };
export { TAB10, COLORMAPS, CSS4_NAMES, toCss, type Color } from "./colors";
export type { LineOptions, ScatterOptions, PatchOptions, MeshOptions, ColorbarOptions, LineStyle } from "./axes";
export type { FigureOptions } from "./figure";
export type { Values1D, Values2D } from "./data";

/** Open figures, oldest first; the last is the current one (matplotlib's Gcf). */
const open: Figure[] = [];

/** Options of {@link subplots}: the figure's, and `squeeze` (default true, as matplotlib's). */
export interface SubplotsOptions extends FigureOptions {
  /** With false, the axes always come as rows of columns (`ax[r][c]`). */
  squeeze?: boolean;
}

/**
 * A new figure, made current. `figsize` in inches and `dpi` as matplotlib's (default 6.4×4.8 at 100).
 * @example const fig = plt.figure({ figsize: [8, 3] }); plt.plot([1, 4, 9])
 */
export function figure(options: FigureOptions = {}): Figure {
  const fig = new Figure(options);
  open.push(fig);
  return fig;
}

/**
 * A figure with a grid of axes (matplotlib's `plt.subplots`): one axes for (1, 1), a list for
 * one row or column (`ax[0]`), rows of columns otherwise (`ax[1][0]`, Python's `ax[1, 0]`).
 * @example
 * const [fig, ax] = plt.subplots(1, 2, { figsize: [12, 7] });   // fig, ax = plt.subplots(1, 2, figsize=(12, 7))
 * ax[0].plot(x, y, { color: "r", label: "available" });
 */
export function subplots(nrows?: 1, ncols?: 1, options?: SubplotsOptions & { squeeze?: true }): [Figure, Axes];
export function subplots(nrows: 1, ncols: number, options?: SubplotsOptions & { squeeze?: true }): [Figure, Axes[]];
export function subplots(nrows: number, ncols?: 1, options?: SubplotsOptions & { squeeze?: true }): [Figure, Axes[]];
export function subplots(nrows: number, ncols: number, options?: SubplotsOptions): [Figure, Axes[][]];
export function subplots(nrows = 1, ncols = 1, options: SubplotsOptions = {}): [Figure, Axes | Axes[] | Axes[][]] {
  const fig = new Figure(options);
  const axes = fig.makeGrid(nrows, ncols);
  open.push(fig);
  if (options.squeeze === false || (nrows > 1 && ncols > 1)) {
    return [fig, Array.from({ length: nrows }, (_, r) => axes.slice(r * ncols, (r + 1) * ncols))];
  }
  return [fig, nrows === 1 && ncols === 1 ? axes[0] : axes];
}

/** The current figure (one is made if none is open). @example plt.gcf().suptitle("memory") */
export function gcf(): Figure {
  return open.length ? open[open.length - 1] : figure();
}
/** The current axes of the current figure. @example plt.gca().set_ylim(0, 1) */
export function gca(): Axes {
  return gcf().gca();
}
/** Makes `fig` the current figure. @example plt.sca(fig) */
export function scf(fig: Figure): void {
  const i = open.indexOf(fig);
  if (i >= 0) open.splice(i, 1);
  open.push(fig);
}

/** `plt.plot(y)`, `plt.plot(x, y)`, `plt.plot(x, y, "r--")` on the current axes. @example plt.plot(x, y, { label: "a" }) */
export function plot(y: Values1D, options?: LineOptions): void;
export function plot(x: Values1D, y: Values1D, options?: LineOptions): void;
export function plot(x: Values1D, y: Values1D, fmt: string, options?: LineOptions): void;
export function plot(...args: unknown[]): void {
  (gca().plot as (...a: unknown[]) => void)(...args);
}
/** Points on the current axes. @example plt.scatter(x, y, { s: 10 }) */
export function scatter(x: Values1D, y: Values1D, options?: ScatterOptions): void {
  gca().scatter(x, y, options);
}
/** Bars on the current axes. @example plt.bar([0, 1], [3, 4]) */
export function bar(x: Values1D, height: Values1D | number, options?: PatchOptions): void {
  gca().bar(x, height, options);
}
/** A filled band on the current axes. @example plt.fill_between(x, lo, hi, { alpha: 0.3 }) */
export function fill_between(x: Values1D, y1: Values1D | number, y2?: Values1D | number, options?: PatchOptions): void {
  gca().fill_between(x, y1, y2, options);
}
/** A horizontal line on the current axes. @example plt.axhline(0, { color: "k" }) */
export function axhline(y?: number, options?: LineOptions): void {
  gca().axhline(y, options);
}
/** A vertical line on the current axes. @example plt.axvline(5) */
export function axvline(x?: number | Date, options?: LineOptions): void {
  gca().axvline(x, options);
}
/** A 2-D field as coloured cells on the current axes. @example plt.pcolormesh(lon, lat, T); plt.colorbar() */
export function pcolormesh(C: Values2D, options?: MeshOptions): void;
export function pcolormesh(X: Values1D, Y: Values1D, C: Values2D, options?: MeshOptions): void;
export function pcolormesh(...args: unknown[]): void {
  (gca().pcolormesh as (...a: unknown[]) => void)(...args);
}
/** A 2-D field as an image on the current axes (row 0 at the top). @example plt.imshow(a); plt.colorbar() */
export function imshow(C: Values2D, options?: MeshOptions): void {
  gca().imshow(C, options);
}
/** A colorbar for the current axes' heat map (it counts as an axes, as in matplotlib). @example plt.colorbar({ label: "°C" }) */
export function colorbar(options: ColorbarOptions = {}): void {
  gcf().colorbar(undefined, options);
}
/** The current axes' title. @example plt.title("Available memory") */
export function title(text: string): void {
  gca().set_title(text);
}
/** The current axes' x label. @example plt.xlabel("step") */
export function xlabel(text: string): void {
  gca().set_xlabel(text);
}
/** The current axes' y label. @example plt.ylabel("MB") */
export function ylabel(text: string): void {
  gca().set_ylabel(text);
}
/** The current axes' x range. @example plt.xlim(0, 10) */
export function xlim(left: number, right: number): void {
  gca().set_xlim(left, right);
}
/** The current axes' y range. @example plt.ylim(-1, 1) */
export function ylim(bottom: number, top: number): void {
  gca().set_ylim(bottom, top);
}
/** The current axes' legend. @example plt.plot(y, { label: "a" }); plt.legend() */
export function legend(): void {
  gca().legend();
}
/** Grid lines on the current axes. @example plt.grid() */
export function grid(visible = true): void {
  gca().grid(visible);
}
/** A title over the current figure. @example plt.suptitle("Memory") */
export function suptitle(text: string): void {
  gcf().suptitle(text);
}
/** Writes the current figure to an .svg file. @example plt.savefig("fig.svg") */
export function savefig(path: string): void {
  gcf().savefig(path);
}

/**
 * Shows every open figure (one SVG output each) and closes them, as matplotlib's inline
 * backend does. Waits for the render (~0.5 s a figure).
 * @example plt.plot([1, 2, 3]); plt.show()
 */
export function show(): void {
  const figs = open.splice(0);
  for (const f of figs) if (f.shownAt !== currentCell()) display(f);
}

/**
 * Closes a figure (default: the current one), or all with "all": it is no longer shown at the
 * end of the cell, and plt calls go to another figure.
 * @example plt.close("all")
 */
export function close(fig?: Figure | "all"): void {
  if (fig === "all") open.splice(0);
  else {
    const i = fig ? open.indexOf(fig) : open.length - 1;
    if (i >= 0) open.splice(i, 1);
  }
}

/** @internal The open figures (tests). */
export function openFigures(): readonly Figure[] {
  return [...open];
}

// matplotlib's inline backend: at the end of a cell, figures made in it and not shown yet are
// shown, then all are closed (its flush_figures post-execute hook).
setCellHooks("plt", {
  before: nextCell,
  after() {
    show();
    return undefined;
  },
});
