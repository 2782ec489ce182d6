/**
 * A small HTML table for notebooks (text/html), for 1-D and 2-D arrays. Elements are
 * formatted as in repr (same digits and notation), summarised the same way: the first and
 * last three rows/columns of an array of more than 1000 elements, with "…" cells between.
 * Other shapes fall back to the repr in a <pre>. Not a NumPy format: NumPy has no HTML repr.
 */
import type { ReprSource } from "./index";
import { arrayRepr, EDGEITEMS, THRESHOLD } from "./arrayprint";
import { boolFormatter, floatFormatter, integerFormatter, ElementFormatter } from "./elements";

function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function keptIndices(n: number, summarise: boolean): (number | null)[] {
  if (!summarise || n <= 2 * EDGEITEMS) return Array.from({ length: n }, (_, i) => i);
  const out: (number | null)[] = [];
  for (let i = 0; i < EDGEITEMS; i++) out.push(i);
  out.push(null);
  for (let i = n - EDGEITEMS; i < n; i++) out.push(i);
  return out;
}

/**
 * An HTML `<table>` of a 1-D (one row) or 2-D array, with a caption giving shape and dtype;
 * other dimensions get `<pre>` around {@link arrayRepr}. Reads only the printed elements.
 */
export function arrayHtml(src: ReprSource): string {
  const shape = src.shape;
  const size = shape.reduce((a, b) => a * b, 1);
  if ((shape.length !== 1 && shape.length !== 2) || size === 0) {
    return `<pre>${escapeHtml(arrayRepr(src))}</pre>`;
  }
  const summarise = size > THRESHOLD;
  const rowsN = shape.length === 2 ? shape[0] : 1;
  const colsN = shape.length === 2 ? shape[1] : shape[0];
  const rows = keptIndices(rowsN, summarise);
  const cols = keptIndices(colsN, summarise);
  const isF32 = src.dtype === "float32";
  const cells = new Map<number, number>();
  for (const r of rows) {
    if (r === null) continue;
    for (const c of cols) {
      if (c === null) continue;
      const flat = r * colsN + c;
      const v = src.at(flat);
      cells.set(flat, isF32 ? Math.fround(v) : v);
    }
  }
  const values = Float64Array.from(cells.values());
  let fmt: ElementFormatter;
  if (src.dtype === "bool") fmt = boolFormatter(false);
  else if (src.dtype === "float64" || src.dtype === "float32") fmt = floatFormatter(values, isF32);
  else fmt = integerFormatter(values);
  const td = (s: string) => `<td style="text-align:right;font-family:monospace">${escapeHtml(s)}</td>`;
  const lines: string[] = [];
  lines.push(`<table class="lazylab-ndarray">`);
  lines.push(`<caption>${escapeHtml(`shape=(${shape.join(", ")}${shape.length === 1 ? "," : ""}) dtype=${src.dtype}`)}</caption>`);
  for (const r of rows) {
    let tr = "<tr>";
    for (const c of cols) {
      if (r === null || c === null) tr += td("…");
      else tr += td(fmt(cells.get(r * colsN + c)!).trim());
    }
    lines.push(tr + "</tr>");
  }
  lines.push("</table>");
  return lines.join("\n");
}
