/**
 * Text formatting as xarray 2023.01's `formatting.py`: column widths, inline value previews
 * (`format_array_flat`), dask previews, attribute lines.
 */
import { dragon4Digits } from "../np/format/dragon4";
import type { NDArray } from "../np/ndarray";
import type { AttrValue } from "./netcdf";

/** xarray's `display_width`. */
export const DISPLAY_WIDTH = 80;

export function maybeTruncate(s: string, maxlen = 500): string {
  return s.length > maxlen ? s.slice(0, maxlen - 3) + "..." : s;
}
export function prettyPrint(s: string, numchars: number): string {
  const t = maybeTruncate(s, numchars);
  return t + " ".repeat(Math.max(numchars - t.length, 0));
}
export function colWidth(names: readonly string[]): number {
  const max = names.length ? Math.max(...names.map((n) => n.length)) : 0;
  return Math.max(max, 7) + 6;
}

/** A date as xarray prints a datetime64: the date, plus the time unless it is midnight. */
export function formatTimestamp(ms: number): string {
  if (!Number.isFinite(ms)) return "NaT";
  const iso = new Date(ms).toISOString(); // 1992-01-16T12:00:00.000Z
  const date = iso.slice(0, 10);
  const frac = iso.slice(20, 23);
  const time = iso.slice(11, 19) + (frac === "000" ? "" : `.${frac}000`);
  return time === "00:00:00" ? date : `${date}T${time}`;
}

/**
 * Python's `f"{x:.4}"`: 4 significant digits, correctly rounded (ties to even, on the double's
 * exact value, as CPython does: 1234.5 gives 1.234e+03; Dragon4's exact mode rounds so), the
 * general format keeping a decimal point, which switches to scientific notation from exponent
 * p - 1 = 3 on (999.0, but 1e+03).
 */
export function formatFloat4(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const p = 4;
  const rounded = dragon4Digits(Math.abs(x), false, false, true, p, -1);
  const digits = rounded.digits.replace(/0+$/, "");
  // The exponent of the leading digit.
  const exp = rounded.exponent;
  const sign = x < 0 ? "-" : "";
  if (exp < -4 || exp >= p - 1) {
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${mant}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  }
  // Digits before the point: exp + 1 (none, with leading zeros after it, when exp < 0).
  const point = exp + 1;
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`;
  if (digits.length > point) return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
  return `${sign}${digits}${"0".repeat(point - digits.length)}.0`;
}

/** One element as xarray's `format_item` shows it (floats of either width as `f"{x.item():.4}"`). */
export function formatItem(x: number, kind: "time" | "float" | "float32" | "int"): string {
  if (kind === "time") return formatTimestamp(x);
  if (kind === "int") return String(x);
  return formatFloat4(x);
}

function pyRepr(x: number): string {
  const a = Math.abs(x);
  if (a !== 0 && (a >= 1e16 || a < 1e-4)) {
    const [m, e] = x.toExponential().split("e");
    const en = Number(e);
    return `${m}e${en < 0 ? "-" : "+"}${String(Math.abs(en)).padStart(2, "0")}`;
  }
  return Number.isInteger(x) ? `${x}.0` : String(x);
}

/** xarray's `format_array_flat`: first and last items that fit in `maxWidth`. */
export function formatArrayFlat(values: ArrayLike<number>, kind: "time" | "float" | "float32" | "int", maxWidth: number): string {
  const size = values.length;
  const maxRelevant = Math.min(Math.max(size, 1), Math.max(Math.ceil(maxWidth / 2), 2));
  const nFront = Math.min(size, Math.floor((maxRelevant + 1) / 2));
  const nBack = Math.min(size, Math.floor(maxRelevant / 2));
  const front = Array.from({ length: nFront }, (_, i) => formatItem(values[i], kind));
  const back = Array.from({ length: nBack }, (_, i) => formatItem(values[size - nBack + i], kind));
  const interleaved: string[] = [];
  const rback = [...back].reverse();
  for (let i = 0; i < Math.max(front.length, rback.length); i++) {
    if (i < front.length) interleaved.push(front[i]);
    if (i < rback.length) interleaved.push(rback[i]);
  }
  const relevant = interleaved.slice(0, maxRelevant);
  const cum: number[] = [];
  let acc = -1;
  for (const s of relevant) cum.push((acc += s.length + 1));
  let count: number, padding: string;
  if (size > 2 && (maxRelevant < size || cum.some((c) => c > maxWidth))) {
    padding = " ... ";
    const idx = cum.findIndex((c) => c + padding.length - 1 > maxWidth);
    count = Math.min(size, Math.max(idx < 0 ? 0 : idx, 2));
  } else {
    count = size;
    padding = count <= 1 ? "" : " ";
  }
  const numFront = Math.floor((count + 1) / 2);
  const numBack = count - numFront;
  let s = front.slice(0, numFront).join(" ") + padding + (numBack > 0 ? back.slice(-numBack).join(" ") : "");
  if (s.length > maxWidth) s = s.slice(0, Math.max(maxWidth - 3, 0)) + "...";
  return s;
}

/** The kind of items of an array for formatting. */
export function itemKind(a: NDArray, isTime: boolean): "time" | "float" | "float32" | "int" {
  return isTime ? "time" : a.dtype === "float32" ? "float32" : a.dtype === "float64" ? "float" : "int";
}

/** An attribute value as Python's `str()` of what netCDF4 returns. */
export function formatAttr(v: AttrValue, isFloat = false): string {
  if (isFloat && typeof v === "number") return pyRepr(v);
  // netCDF4 gives string arrays as Python lists, numbers as NumPy arrays.
  if (Array.isArray(v)) return v.every((x) => typeof x === "string") ? `[${v.map((x) => `'${x}'`).join(", ")}]` : `[${v.join(" ")}]`;
  return String(v);
}

/** xarray's `summarize_attr`. */
export function summarizeAttr(key: string, value: AttrValue, width: number, isFloat = false): string {
  const k = prettyPrint(`    ${key}:`, width);
  const v = formatAttr(value, isFloat).replace(/\t/g, "\\t").replace(/\n/g, "\\n");
  return maybeTruncate(`${k} ${v}`, DISPLAY_WIDTH);
}

/** Python's tuple repr of a shape. */
export function pyTuple(xs: readonly number[]): string {
  return xs.length === 1 ? `(${xs[0]},)` : `(${xs.join(", ")})`;
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
