/**
 * `plot`: charts as SVG, from Vega-Lite specs rendered headless in the executor (vega's
 * renderer "none", `toSVG()`: no browser, no canvas). The result carries the SVG twice: as
 * `image/svg+xml`, and as `text/html` holding an `<img>` with the SVG as a data URI. Jupyter
 * frontends rank text/html first, and that is what makes the chart show in nbconvert 6.5 (Debian's), which
 * passes `image/svg+xml` through an HTML cleaner that deletes every element inside `<svg>`
 * (jupyter/nbconvert#1849) but leaves `text/html` alone; and an `<img>` keeps each chart's
 * internal ids out of the page.
 * There is no PNG: vega rasterises only through the native `canvas` package, which lazylab
 * does not depend on.
 *
 * vega and vega-lite load on a worker thread only when a plot is rendered, so importing this
 * module (or never plotting) costs the notebook's memory figures nothing.
 */
import { inspect } from "node:util";
import { MIME_BUNDLE, type MimeBundle } from "../display/mime";
import { renderSvg, renderSvgSync, type VegaLiteSpec } from "./render";

export { PlotError } from "./render";
export type { VegaLiteSpec } from "./render";

/** A rendered chart: its SVG, shown as `image/svg+xml` with a text fallback. */
export class Plot {
  /** @internal Use `await plot.render(spec)`. */
  constructor(
    /** The SVG document. */
    readonly svg: string,
    /** What `text/plain` shows (terminals, `console.log`). */
    readonly text: string,
  ) {}

  /** Width and height of the SVG in pixels. */
  get size(): { width: number; height: number } {
    const m = /<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(this.svg);
    return m ? { width: Number(m[1]), height: Number(m[2]) } : { width: NaN, height: NaN };
  }

  toString(): string {
    return this.text;
  }
  /** @internal */
  [inspect.custom](): string {
    return this.text;
  }
  /** An HTML `<img>` showing the SVG (a base64 data URI), with the text as its alt text. */
  toHtml(): string {
    const { width, height } = this.size;
    const size = Number.isFinite(width) && Number.isFinite(height) ? ` width="${width}" height="${height}"` : "";
    const alt = this.text.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
    return `<img src="data:image/svg+xml;base64,${Buffer.from(this.svg, "utf8").toString("base64")}"${size} alt="${alt}">`;
  }

  /** @internal */
  [MIME_BUNDLE](): MimeBundle {
    return { "text/plain": this.text, "image/svg+xml": this.svg, "text/html": this.toHtml() };
  }
}

/** Options of {@link render}. */
export interface RenderOptions {
  /** The `text/plain` alternative (default: the title and the SVG's size). */
  text?: string;
  /** Scale factor of the SVG (default 1). */
  scale?: number;
}

/**
 * Renders a Vega-Lite spec to SVG. The value shows as the chart when it ends a cell or is
 * passed to `display`.
 * @example
 * import { plot } from "lazylab";
 * await plot.render({
 *   data: { values: [{ x: 1, y: 2 }, { x: 2, y: 5 }] },
 *   mark: "line",
 *   encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } },
 * })
 */
export async function render(spec: VegaLiteSpec, options: RenderOptions = {}): Promise<Plot> {
  return plotOf(spec, await renderSvg(spec, options.scale ?? 1), options);
}

/**
 * {@link render} without `await`: the notebook thread waits for the render thread (what
 * pyplot-style `plt.show()` needs). Takes as long as a render (~0.5 s, mostly loading vega).
 * @example
 * const p = plot.renderSync({ data: { values: [{ x: 1 }] }, mark: "point", encoding: { x: { field: "x", type: "quantitative" } } })
 */
export function renderSync(spec: VegaLiteSpec, options: RenderOptions = {}): Plot {
  return plotOf(spec, renderSvgSync(spec, options.scale ?? 1), options);
}

function plotOf(spec: VegaLiteSpec, svg: string, options: RenderOptions): Plot {
  let text = options.text;
  if (text === undefined) {
    const title = typeof spec.title === "string" ? spec.title : (spec.title as { text?: unknown } | undefined)?.text;
    const p = new Plot(svg, "");
    text = `<Plot${typeof title === "string" ? ` ${JSON.stringify(title)}` : ""}: ${p.size.width}×${p.size.height} SVG>`;
  }
  return new Plot(svg, text);
}
