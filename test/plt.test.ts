/**
 * plt, the pyplot facade: figures compile to one Vega-Lite spec (layers, domains from
 * set_ylim, labels, legend) rendered to one SVG of figsize × dpi pixels; reprs, colours,
 * labels and titles are compared with Debian's matplotlib 3.6 and xarray on the same calls
 * and files; the state machine shows each figure once (plt.show, display, end of cell);
 * bad input fails naming what is allowed.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { np, plt, xr, MIME_BUNDLE, display } from "../lib";
import { setNotebookHost } from "../lib/notebook/host";
import { runAfterCell, runBeforeCell } from "../lib/notebook/cells";
import { PYTHON, pythonJson } from "./oracle";

const ROOT = path.resolve(__dirname, "..", "..");
const OUT = path.join(ROOT, "test-output", "plt");
mkdirSync(OUT, { recursive: true });
const DIR = mkdtempSync(path.join(tmpdir(), "lazylab-plt-"));
process.on("exit", () => rmSync(DIR, { recursive: true, force: true }));

const MPL = `import json, sys, matplotlib
matplotlib.use("agg")
import matplotlib.pyplot as plt
`;

type Spec = Record<string, any>;
/** The layer specs of each axes, row by row. */
function axesSpecs(spec: Spec): Spec[] {
  return spec.vconcat ? spec.vconcat.flatMap((row: Spec) => row.hconcat) : [spec];
}

test("a figure's text is matplotlib's repr, a colorbar counting as an axes", () => {
  const cases: [string, () => plt.Figure][] = [
    ["plt.subplots(1, 2, figsize=(12, 7))[0]", () => plt.subplots(1, 2, { figsize: [12, 7] })[0]],
    ["plt.figure()", () => plt.figure()],
    ["plt.subplots()[0]", () => plt.subplots()[0]],
    ["plt.subplots(2, 3, figsize=(6.5, 3.3), dpi=80)[0]", () => plt.subplots(2, 3, { figsize: [6.5, 3.3], dpi: 80 })[0]],
    ["plt.figure(figsize=(7.25, 3.1))", () => plt.figure({ figsize: [7.25, 3.1] })],
    ["(lambda f: (plt.pcolormesh([[1, 2], [3, 4]]), plt.colorbar(), f)[-1])(plt.figure())", () => {
      const f = plt.figure();
      plt.pcolormesh([[1, 2], [3, 4]]);
      plt.colorbar();
      return f;
    }],
  ];
  const expected = pythonJson<string[]>(`${MPL}out = []\nfor src in ${JSON.stringify(cases.map((c) => c[0]))}:\n    out.append(repr(eval(src))); plt.close("all")\nprint(json.dumps(out))`);
  cases.forEach(([src, make], i) => {
    const fig = make();
    assert.equal(String(fig), expected[i], src);
    assert.equal(fig[MIME_BUNDLE]()["text/plain"], expected[i], src);
    plt.close("all");
  });
});

test("colours are matplotlib's: letters, the C0..C9 cycle, tab: names, grey levels, RGB tuples", () => {
  const names = ["r", "g", "b", "c", "m", "y", "k", "w", ...Array.from({ length: 10 }, (_, i) => `C${i}`), "tab:orange", "tab:gray", "0.5", "0.25", "#123abc"];
  const tuples = [[0.1, 0.2, 0.3], [1, 0.5, 0, 0.5]];
  const expected = pythonJson<string[]>(`${MPL}from matplotlib.colors import to_hex\nprint(json.dumps([to_hex(c) for c in ${JSON.stringify(names)}] + [to_hex(t, keep_alpha=len(t) == 4) for t in ${JSON.stringify(tuples)}]))`);
  assert.deepEqual([...names.map((n) => plt.toCss(n)), ...tuples.map((t) => plt.toCss(t as [number, number, number]))], expected);
  // Default line colours follow the cycle per axes, as matplotlib's prop_cycle.
  const [, ax] = plt.subplots();
  ax.plot([1, 2]);
  ax.plot([2, 3]);
  const cycle = pythonJson<string[]>(`${MPL}from matplotlib.colors import to_hex\nax = plt.gca(); a, = ax.plot([1, 2]); b, = ax.plot([2, 3]); print(json.dumps([to_hex(a.get_color()), to_hex(b.get_color())]))`);
  const layers = axesSpecs(plt.gcf().toSpec())[0].layer;
  assert.deepEqual(layers.map((l: Spec) => l.mark.color), cycle);
  plt.close("all");
  assert.deepEqual([...plt.CSS4_NAMES].sort(), pythonJson<string[]>(`${MPL}from matplotlib.colors import CSS4_COLORS\nprint(json.dumps(sorted(CSS4_COLORS)))`));
  assert.equal(plt.toCss("RebeccaPurple"), "rebeccapurple");
  assert.throws(() => plt.toCss("rde"), (e: Error) => e.name === "ValueError" && /'rde' is not a valid color value/.test(e.message));
  assert.throws(() => plt.toCss("notacolour!"), (e: Error) => e.name === "ValueError" && /not a valid color value.*bgrcmykw.*'C0'\.\.'C9'/.test(e.message));
});

test("the tutorial's two-panel figure: one spec, layers per call, domains from set_ylim, labels, legend", () => {
  const [fig, ax] = plt.subplots(1, 2, { figsize: [12, 7] });
  const x = np.arange(5), y = np.array([3, 1, 4, 1, 5]);
  ax[0].plot(x, y, { color: "r", label: "available" });
  ax[0].plot(x, y.mul(2), "C2--", { label: "twice" });
  ax[0].axhline(0);
  ax[0].set_ylim(-2, 12);
  ax[0].set_xlabel("step");
  ax[0].set_ylabel("MB");
  ax[0].set_title("Available memory");
  ax[0].legend();
  ax[1].bar([0, 1, 2], [-1.5, 0.5, 2]);
  ax[1].set_title("Change");
  const spec = fig.toSpec() as Spec;
  assert.equal(spec.vconcat.length, 1);
  const [left, right] = axesSpecs(spec);
  assert.deepEqual(left.layer.map((l: Spec) => l.mark.type), ["line", "line", "rule"]);
  assert.equal(left.layer[0].mark.color, "#ff0000");
  assert.deepEqual(left.layer[1].mark.strokeDash, [6, 4]);
  assert.deepEqual(left.layer[0].data.values.map((v: Spec) => v.y), [3, 1, 4, 1, 5]);
  assert.deepEqual(left.layer[2].encoding.y.datum, 0);
  for (const l of left.layer) {
    assert.deepEqual(l.encoding.y.scale.domain, [-2, 12]);
    assert.equal(l.encoding.y.title, "MB");
    assert.equal(l.mark.clip, true);
  }
  assert.equal(left.layer[0].encoding.x.title, "step");
  assert.deepEqual(left.title, { text: "Available memory" });
  assert.deepEqual(left.layer[0].encoding.color.scale, { domain: ["available", "twice"], range: ["#ff0000", plt.toCss("C2")] });
  assert.notEqual(left.layer[0].encoding.color.legend, null);
  assert.deepEqual(right.layer.map((l: Spec) => l.mark.type), ["rect"]);
  assert.deepEqual(right.layer[0].data.values.map((v: Spec) => [v.x, v.x2, v.y2]), [[-0.4, 0.4, -1.5], [0.6, 1.4, 0.5], [1.6, 2.4, 2]]);

  // Rendered: one SVG of figsize × dpi pixels, carrying the titles and labels.
  const bundle = fig[MIME_BUNDLE]();
  assert.deepEqual(Object.keys(bundle).sort(), ["image/svg+xml", "text/html", "text/plain"]);
  const svg = bundle["image/svg+xml"];
  const parsed = pythonJson<{ width: string; height: string; texts: string[] }>(
    `import sys, json, xml.etree.ElementTree as ET\nr = ET.fromstring(sys.stdin.read())\nprint(json.dumps({"width": r.get("width"), "height": r.get("height"), "texts": ["".join(t.itertext()) for t in r.iter("{http://www.w3.org/2000/svg}text")]}))`,
    svg,
  );
  assert.deepEqual([parsed.width, parsed.height], ["1200", "700"]);
  for (const t of ["Available memory", "Change", "step", "MB", "available", "twice"]) assert.ok(parsed.texts.includes(t), `${t} in ${parsed.texts.join("|")}`);
  assert.match(bundle["text/html"], /^<img src="data:image\/svg\+xml;base64,/);
  fig.savefig(path.join(OUT, "two-panel.svg"));
  assert.equal(readFileSync(path.join(OUT, "two-panel.svg"), "utf8"), svg);
  assert.throws(() => fig.savefig(path.join(OUT, "x.png")), /only \.svg is supported/);
  plt.close("all");
});

test("pyplot's state machine: plt calls act on the current axes of the current figure; show() displays each open figure once and closes it", () => {
  const shown: string[] = [];
  setNotebookHost({ display: (b) => shown.push(b["text/plain"]), clearOutput: () => undefined, input: () => Promise.resolve(""), forget: () => undefined });
  try {
    runBeforeCell();
    plt.plot([1, 2, 3], { label: "a" });
    plt.title("T");
    plt.xlabel("X");
    plt.ylabel("Y");
    plt.ylim(0, 4);
    plt.legend();
    const fig = plt.gcf();
    const [ax] = fig.axes;
    const s = axesSpecs(fig.toSpec())[0];
    assert.deepEqual(s.title, { text: "T" });
    assert.equal(s.layer[0].encoding.x.title, "X");
    assert.deepEqual(s.layer[0].encoding.y.scale.domain, [0, 4]);
    assert.equal(plt.gca(), ax);
    const other = plt.figure({ figsize: [3, 2] });
    plt.plot([1]);
    assert.equal(other.axes.length, 1);
    assert.equal(fig.axes[0], ax);
    display(fig); // shown in this cell already: show() does not repeat it
    plt.show();
    assert.deepEqual(shown, ["<Figure size 640x480 with 1 Axes>", "<Figure size 300x200 with 1 Axes>"]);
    assert.equal(plt.openFigures().length, 0);
    // Inline backend: a figure made and not shown is shown when the cell ends, then closed.
    runBeforeCell();
    shown.length = 0;
    plt.subplots(1, 2);
    plt.plot([1, 2]);
    runAfterCell();
    assert.deepEqual(shown, ["<Figure size 640x480 with 2 Axes>"]);
    assert.equal(plt.openFigures().length, 0);
    runBeforeCell();
    shown.length = 0;
    runAfterCell();
    assert.deepEqual(shown, []);
  } finally {
    setNotebookHost(undefined);
  }
});

test("pcolormesh and imshow: one rect per finite cell, edges from centres, the colormap and a colorbar legend", () => {
  const [fig, ax] = plt.subplots(1, 2);
  ax[0].pcolormesh([10, 20, 30], [0, 1], [[1, 2, NaN], [4, 5, 6]], { cmap: "RdBu_r" });
  fig.colorbar(ax[0], { label: "T [K]" });
  ax[1].imshow(np.arange(6).reshape(2, 3));
  const [a, b] = axesSpecs(fig.toSpec());
  const cells = a.layer[0].data.values;
  assert.equal(cells.length, 5);
  assert.deepEqual(cells[0], { x: 5, x2: 15, y: -0.5, y2: 0.5, v: 1 });
  assert.deepEqual(a.layer[0].encoding.fill.scale, { scheme: "redblue", reverse: true, domain: [1, 6], clamp: true });
  assert.equal(a.layer[0].encoding.fill.legend.title, "T [K]");
  assert.equal(b.layer[0].encoding.fill.legend, null);
  assert.equal(b.layer[0].encoding.y.scale.reverse, true);
  assert.equal(String(fig), "<Figure size 640x480 with 3 Axes>");
  plt.close("all");
  assert.throws(() => plt.pcolormesh([1, 2, 3] as never), (e: Error) => e.name === "ValueError" && /must be 2-D/.test(e.message));
  assert.throws(() => plt.imshow([[1]], { cmap: "nope" }), /'nope' is not a known colormap name; supported: viridis/);
  assert.throws(() => plt.plot([1, 2], [1]), /x and y must have same first dimension/);
  assert.throws(() => plt.plot([1, 2], [1, 2], "q"), /not a valid format string/);
  assert.throws(() => plt.subplots(0, 1), /Number of rows must be a positive integer/);
  plt.close("all");
});

// ---- DataArray.plot() against xarray on a generated NetCDF file --------------------------

const ECCO = path.join(DIR, "ecco");
execFileSync(PYTHON, [path.join(ROOT, "examples", "data", "make-ecco-like"), ECCO, "--files", "2", "--levels", "3", "--size", "10", "--tiles", "1", "--grid"], { stdio: "pipe" });

interface MplAxes {
  fig: string;
  title: string;
  xlabel: string;
  ylabel: string;
  cbar?: string;
}
function xarrayPlot(isel: string): MplAxes {
  return pythonJson<MplAxes>(`${MPL}import xarray as xr
ds = xr.open_mfdataset(${JSON.stringify(path.join(ECCO, "THETA_*.nc"))})
m = ds.THETA.isel(${isel}).plot()
ax = plt.gca()
out = {"fig": repr(plt.gcf()), "title": ax.get_title(), "xlabel": ax.get_xlabel(), "ylabel": ax.get_ylabel()}
if getattr(m, "colorbar", None) is not None: out["cbar"] = m.colorbar.ax.get_ylabel()
print(json.dumps(out))`);
}

test("a 2-D DataArray is a heat map in one line: xarray's figure, title, axis labels and colorbar label", { timeout: 120_000 }, async () => {
  const ds = await xr.openMfDataset(path.join(ECCO, "THETA_*.nc"));
  // (time, k, tile, j, i) → time and k selected, tile of size 1 squeezed away as xarray does.
  const fig = ds.THETA.isel({ time: 0, k: 0 }).plot();
  const expected = xarrayPlot("time=0, k=0");
  const s = axesSpecs(fig.toSpec())[0];
  const heat = s.layer[0];
  assert.deepEqual(
    { fig: String(fig), title: fig.axes[0].get_title(), xlabel: heat.encoding.x.title, ylabel: heat.encoding.y.title, cbar: heat.encoding.fill.legend.title },
    { ...expected, xlabel: expected.xlabel.split("\n"), ylabel: expected.ylabel.split("\n"), cbar: expected.cbar!.split("\n") },
  );
  const values = pythonJson<(number | null)[]>(`import json, xarray as xr, numpy as np
ds = xr.open_mfdataset(${JSON.stringify(path.join(ECCO, "THETA_*.nc"))})
v = ds.THETA.isel(time=0, k=0, tile=0).values.astype("f8")
print(json.dumps([None if np.isnan(x) else float(x) for x in v.ravel()]))`);
  const finite = values.filter((v) => v !== null) as number[];
  assert.equal(heat.data.values.length, finite.length);
  assert.deepEqual(heat.data.values.map((c: Spec) => Number(c.v.toPrecision(6))), finite.map((v) => Number(v.toPrecision(6))));
  const svg = fig.render().svg;
  assert.match(svg, /width="640" height="480"/);
  assert.ok(svg.includes("Potential temperature"), "colorbar label in the SVG");
  fig.savefig(path.join(OUT, "theta-heat-map.svg"));
  plt.close("all");

  const line = ds.THETA.isel({ k: 1, j: 2, i: 3 }).plot();
  const e1 = xarrayPlot("k=1, j=2, i=3");
  const l = axesSpecs(line.toSpec())[0].layer[0];
  assert.deepEqual({ fig: String(line), title: line.axes[0].get_title(), xlabel: l.encoding.x.title, ylabel: l.encoding.y.title }, { ...e1, xlabel: e1.xlabel.split("\n"), ylabel: e1.ylabel.split("\n") });
  assert.equal(l.encoding.x.type, "temporal");
  plt.close("all");
});

test("a DataArray with 3 dimensions of size > 1 is an error naming what plot() draws", async () => {
  const ds = await xr.openMfDataset(path.join(ECCO, "THETA_*.nc"));
  assert.throws(
    () => ds.THETA.isel({ time: 0 }).plot(),
    (e: Error) => e.name === "DimensionError" && /3 dimensions of size > 1 \(k: 3, tile: 1, j: 10, i: 10\); plot\(\) draws 1 \(a line\) or 2 \(a heat map/.test(e.message) && /a\.isel\(\{ k: 0 \}\)/.test(e.message),
  );
  assert.equal(plt.openFigures().length, 0, "nothing drawn");
});
