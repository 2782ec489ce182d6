/**
 * HTML reprs in xarray's layout: a header, then collapsible sections (`<details>`) for
 * dimensions, coordinates, data variables and attributes; each variable line shows its
 * dimensions, dtype and an inline preview, as the text repr does.
 */
import type { DataArray } from "./dataarray";
import type { Dataset } from "./dataset";
import { escapeHtml as esc, formatAttr } from "./format";

const STYLE = `<style>.xr-wrap{font-family:monospace;font-size:13px}.xr-wrap details{margin:2px 0}.xr-wrap summary{cursor:pointer;font-weight:bold}.xr-wrap table{border-collapse:collapse}.xr-wrap td{padding:0 8px 0 0;text-align:left;vertical-align:top;white-space:nowrap}.xr-wrap .xr-idx{font-weight:bold}.xr-wrap .xr-pre{color:#555;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;max-width:40em}</style>`;

function section(title: string, count: number | undefined, body: string, open: boolean): string {
  return `<details${open ? " open" : ""}><summary>${esc(title)}${count === undefined ? "" : ` (${count})`}</summary>${body}</details>`;
}

function varRows(vars: [string, DataArray][], isIndex: (name: string, v: DataArray) => boolean): string {
  const rows = vars.map(([name, v]) => {
    const idx = isIndex(name, v);
    return `<tr><td class="${idx ? "xr-idx" : ""}">${esc(name)}</td><td>(${esc(v.dims.join(", "))})</td><td>${esc(v.dtype)}</td><td class="xr-pre">${esc(v.inlineValues(60))}</td></tr>`;
  });
  return `<table>${rows.join("")}</table>`;
}

function attrRows(attrs: Record<string, unknown>): string {
  const rows = Object.entries(attrs).map(([k, v]) => `<tr><td>${esc(k)} :</td><td>${esc(formatAttr(v as never))}</td></tr>`);
  return `<table>${rows.join("")}</table>`;
}

function dimList(sizes: Record<string, number>, indexed: (d: string) => boolean): string {
  return Object.entries(sizes).map(([d, n]) => `<span class="${indexed(d) ? "xr-idx" : ""}">${esc(d)}</span>: ${n}`).join(", ");
}

/** The HTML repr of a DataArray. */
export function dataArrayHtml(a: DataArray): string {
  const coords = Object.entries(a.coords);
  const head = `<div><b>xarray.DataArray</b> ${a.name !== undefined ? `'${esc(a.name)}'` : ""} (${dimList(a.sizes, (d) => d in a.coords)})</div>`;
  const data = `<pre>${esc(a.dtype)} ${esc(a.inlineValues(120))}</pre>`;
  const parts = [head, section("Data", undefined, data, true)];
  parts.push(section("Coordinates", coords.length, varRows(coords, (n, v) => v.dims.length === 1 && v.dims[0] === n), true));
  parts.push(section("Attributes", Object.keys(a.attrs).length, attrRows(a.attrs), false));
  return `${STYLE}<div class="xr-wrap">${parts.join("")}</div>`;
}

/** The HTML repr of a Dataset. */
export function datasetHtml(ds: Dataset): string {
  const coords = Object.entries(ds.coords);
  const vars = Object.entries(ds.dataVars);
  const parts = [`<div><b>xarray.Dataset</b></div>`];
  parts.push(section("Dimensions", undefined, `<div>(${dimList(ds.sizes, (d) => d in ds.coords)})</div>`, true));
  parts.push(section("Coordinates", coords.length, varRows(coords, (n, v) => v.dims.length === 1 && v.dims[0] === n), true));
  parts.push(section("Data variables", vars.length, varRows(vars, () => false), true));
  parts.push(section("Attributes", Object.keys(ds.attrs).length, attrRows(ds.attrs), false));
  return `${STYLE}<div class="xr-wrap">${parts.join("")}</div>`;
}
