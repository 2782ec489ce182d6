/**
 * Dask's HTML repr of an array: a table of the array's and one chunk's bytes and shape, the
 * number of chunks and graph layers, the dtype, and an SVG picture of the chunk grid.
 */
import type { LazyArray } from "./array";
import { boundaries } from "./chunks";
import { formatFloatPositional } from "../np/format/dragon4";

/**
 * Bytes as Dask prints them (`7.63 MiB`, `78.12 kiB`). Python's `:.2f` rounds exact ties to
 * even (80,000 B is 78.125 kiB → `78.12`) where `toFixed` rounds them up, hence Dragon4.
 */
export function formatBytes(n: number): string {
  const units: [number, string][] = [[2 ** 40, "TiB"], [2 ** 30, "GiB"], [2 ** 20, "MiB"], [2 ** 10, "kiB"]];
  for (const [size, unit] of units) if (n >= size * 0.9) return `${formatFloatPositional(n / size, false, { unique: false, precision: 2 })} ${unit}`;
  return `${n} B`;
}

function tuple(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
}

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** An SVG of the chunk grid of the last two dimensions (one row for 1-D arrays). */
export function chunkSvg(x: LazyArray): string {
  if (x.ndim === 0) return "";
  const rows = x.ndim >= 2 ? x.chunks[x.ndim - 2] : [1];
  const cols = x.chunks[x.ndim - 1];
  const h0 = x.ndim >= 2 ? x.shape[x.ndim - 2] : 1;
  const w0 = x.shape[x.ndim - 1];
  const scale = 120 / Math.max(h0, w0, 1);
  const W = Math.max(w0 * scale, 25);
  const H = x.ndim >= 2 ? Math.max(h0 * scale, 25) : 25;
  const lines: string[] = [];
  const rb = boundaries(rows);
  const cb = boundaries(cols);
  const maxLines = 100;
  rb.forEach((v, i) => {
    if (rb.length <= maxLines || i === 0 || i === rb.length - 1) {
      const y = (v / Math.max(h0, 1)) * H;
      lines.push(`<line x1="0" y1="${y.toFixed(1)}" x2="${W.toFixed(1)}" y2="${y.toFixed(1)}" style="stroke-width:${i === 0 || i === rb.length - 1 ? 2 : 1}" />`);
    }
  });
  cb.forEach((v, i) => {
    if (cb.length <= maxLines || i === 0 || i === cb.length - 1) {
      const xx = (v / Math.max(w0, 1)) * W;
      lines.push(`<line x1="${xx.toFixed(1)}" y1="0" x2="${xx.toFixed(1)}" y2="${H.toFixed(1)}" style="stroke-width:${i === 0 || i === cb.length - 1 ? 2 : 1}" />`);
    }
  });
  return `<svg width="${(W + 50).toFixed(0)}" height="${(H + 40).toFixed(0)}" style="stroke:rgb(0,0,0);stroke-width:1">
  ${lines.join("\n  ")}
  <polygon points="0.0,0.0 ${W.toFixed(1)},0.0 ${W.toFixed(1)},${H.toFixed(1)} 0.0,${H.toFixed(1)}" style="fill:#ECB172A0;stroke-width:0"/>
  <text x="${(W / 2).toFixed(1)}" y="${(H + 20).toFixed(1)}" font-size="1.0rem" font-weight="100" text-anchor="middle">${w0}</text>
  ${x.ndim >= 2 ? `<text x="${(W + 20).toFixed(1)}" y="${(H / 2).toFixed(1)}" font-size="1.0rem" font-weight="100" text-anchor="middle" transform="rotate(-90,${(W + 20).toFixed(1)},${(H / 2).toFixed(1)})">${h0}</text>` : ""}
</svg>`;
}

/** The HTML table Dask's `_repr_html_` shows. */
export function lazyHtml(x: LazyArray): string {
  const chunkBytes = x.chunksize.reduce((a, b) => a * b, 1) * x.itemsize;
  return `<table>
    <tr>
        <td>
            <table style="border-collapse: collapse;">
                <thead>
                    <tr><td> </td><th> Array </th><th> Chunk </th></tr>
                </thead>
                <tbody>
                    <tr><th> Bytes </th><td> ${formatBytes(x.nbytes)} </td><td> ${formatBytes(chunkBytes)} </td></tr>
                    <tr><th> Shape </th><td> ${tuple(x.shape)} </td><td> ${tuple(x.chunksize)} </td></tr>
                    <tr><th> Dask graph </th><td colspan="2"> ${x.npartitions} chunks in ${x.layers.length} graph layer${x.layers.length === 1 ? "" : "s"} </td></tr>
                    <tr><th> Data type </th><td colspan="2"> ${esc(x.dtype)} numpy.ndarray </td></tr>
                </tbody>
            </table>
        </td>
        <td>
        ${chunkSvg(x)}
        </td>
    </tr>
</table>`;
}
