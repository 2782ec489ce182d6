/**
 * `DataArray.plot()`: xarray's default plot, drawn with lib/plt. After dropping dimensions of
 * size 1 (xarray's squeeze), 1-D data is a line over its coordinate and 2-D data a
 * pcolormesh with a colorbar, the first dimension on y and the second on x; labels come from
 * the `long_name`/`standard_name`/name and `units` attributes, the title from the scalar
 * coordinates left by a selection (`time = ..., k = 0`), all as xarray writes them.
 * xarray draws a histogram for 3 or more dimensions; here that is an error naming what works.
 */
import * as plt from "../plt";
import type { Axes, Figure } from "../plt";
import type { DataArray } from "./dataarray";
import { DimensionError } from "./dataarray";

/** Options of `DataArray.plot()` (xarray's keywords). */
export interface DataArrayPlotOptions {
  /** The axes to draw on (default: the current axes, `plt.gca()`). */
  ax?: Axes;
  /** A new figure of this size in inches (instead of the current one). */
  figsize?: [number, number];
  /** 2-D: the colormap (default 'viridis'), colour limits, and whether to add the colorbar (default true). */
  cmap?: string;
  vmin?: number;
  vmax?: number;
  add_colorbar?: boolean;
  /** 1-D: the line's colour and legend label. */
  color?: string;
  label?: string;
}

/** Python's textwrap.wrap(text, width) for labels: greedy over spaces, long words cut. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (let word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length <= width) {
      line += ` ${word}`;
      continue;
    }
    if (line) lines.push(line);
    while (word.length > width) {
      lines.push(word.slice(0, width));
      word = word.slice(width);
    }
    line = word;
  }
  if (line) lines.push(line);
  return lines;
}

const units = (a: DataArray) => (a.attrs.units !== undefined ? ` [${String(a.attrs.units)}]` : "");

/** xarray's `label_from_attrs`: long_name, else standard_name, else the name; then `[units]`; wrapped at 30. */
export function labelFromAttrs(a: DataArray, fallback = ""): string {
  const name = a.attrs.long_name ? String(a.attrs.long_name) : a.attrs.standard_name ? String(a.attrs.standard_name) : (a.name ?? fallback);
  return wrap(name + units(a), 30).join("\n");
}

/** Python's `f"{x:.4}"`: 4 significant digits, exponent outside 1e-4..1e4, at least one decimal. */
function pyFloat4(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? "nan" : x > 0 ? "inf" : "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const exp = Math.floor(Math.log10(Math.abs(Number(x.toPrecision(4)))));
  if (exp < -4 || exp >= 4) {
    const [m, e] = x.toExponential(3).split("e");
    const mant = m.includes(".") ? m.replace(/0+$/, "").replace(/\.$/, "") : m;
    const n = Number(e);
    return `${mant}e${n < 0 ? "-" : "+"}${String(Math.abs(n)).padStart(2, "0")}`;
  }
  const s = String(Number(x.toPrecision(4)));
  return s.includes(".") || s.includes("e") ? s : `${s}.0`;
}

/** A scalar coordinate's value as xarray's title shows it (`format_item` of its `.values`). */
function formatScalar(c: DataArray): string {
  const v = c.values.flatAt(0);
  if (c.isTime) {
    // xarray's format_timestamp: pandas' "date time", the date alone at midnight.
    const [date, time] = new Date(Number(v)).toISOString().replace("Z", "").split("T");
    const t = time.endsWith(".000") ? time.slice(0, -4) : `${time}000`;
    return t === "00:00:00" ? date : `${date}T${t}`;
  }
  return c.dtype.startsWith("float") ? pyFloat4(Number(v)) : String(v);
}

/** xarray's `_title_for_slice`: the size-1 coordinates as `dim = value [units]`, at most 50 characters. */
export function titleForSlice(a: DataArray, truncate = 50): string {
  const parts = Object.entries(a.coords)
    .filter(([, c]) => c.size === 1)
    .map(([k, c]) => `${k} = ${formatScalar(c)}${units(c)}`);
  const title = parts.join(", ");
  return title.length > truncate ? `${title.slice(0, truncate - 3)}...` : title;
}

/** The values along `dim` for an axis: its coordinate (Dates for times) or 0..n-1, and its label. */
function axisOf(a: DataArray, dim: string): { values: number[] | Date[]; label: string } {
  const c = a.coords[dim];
  if (!c || c.ndim !== 1 || c.dims[0] !== dim) return { values: Array.from({ length: a.sizes[dim] }, (_, i) => i), label: dim };
  const v = c.values;
  const nums = Array.from({ length: v.size }, (_, i) => Number(v.flatAt(i)));
  return { values: c.isTime ? nums.map((t) => new Date(t)) : nums, label: labelFromAttrs(c, dim) };
}

/**
 * Draws `a` as xarray's `a.plot()` does and returns the figure.
 * @internal Called by {@link DataArray.plot}.
 */
export function plotDataArray(a: DataArray, options: DataArrayPlotOptions = {}): Figure {
  // xarray's plot() squeezes first: a selection that leaves a dimension of size 1 still plots.
  const ones = a.dims.filter((d) => a.sizes[d] === 1);
  const s = ones.length ? a.isel(Object.fromEntries(ones.map((d) => [d, 0]))) : a;
  if (s.ndim === 0 || s.ndim > 2) {
    const dims = `(${a.dims.map((d) => `${d}: ${a.sizes[d]}`).join(", ")})`;
    const hint = s.ndim > 2 ? ` Select or reduce ${s.ndim - 2} of them first, e.g. a.isel({ ${s.dims[0]}: 0 }) or a.mean("${s.dims[0]}").` : "";
    throw new DimensionError(`plot: ${a.name ?? "this DataArray"} has ${s.ndim} dimension${s.ndim === 1 ? "" : "s"} of size > 1 ${dims}; plot() draws 1 (a line) or 2 (a heat map with a colorbar).${hint} (xarray would draw a histogram of the values here; lazylab does not.)`);
  }
  const ax = options.ax ?? (options.figsize ? plt.figure({ figsize: options.figsize }).gca() : plt.gca());
  if (s.ndim === 1) {
    const x = axisOf(s, s.dims[0]);
    ax.plot(x.values, s.values, { ...(options.color ? { color: options.color } : {}), ...(options.label !== undefined ? { label: options.label } : {}) });
    ax.set_xlabel(x.label);
    ax.set_ylabel(labelFromAttrs(s));
  } else {
    const [ydim, xdim] = s.dims;
    const x = axisOf(s, xdim), y = axisOf(s, ydim);
    if (x.values[0] instanceof Date || y.values[0] instanceof Date) throw new DimensionError("plot: a heat map over a time dimension is not supported; select a time first, e.g. a.isel({ time: 0 })");
    ax.pcolormesh(x.values as number[], y.values as number[], s.values, { cmap: options.cmap, vmin: options.vmin, vmax: options.vmax });
    if (options.add_colorbar !== false) ax.figure.colorbar(ax, { label: labelFromAttrs(s) });
    ax.set_xlabel(x.label);
    ax.set_ylabel(y.label);
  }
  const title = titleForSlice(s);
  if (title) ax.set_title(title);
  return ax.figure;
}
