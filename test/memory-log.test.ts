/**
 * memory.MemoryLog and lib/plot: readings are psutil's process-view figures, changes are
 * what the tutorial prints, the table shows every reading, and the chart is a well-formed SVG
 * (parsed by Python's XML and HTML parsers) carrying each reading, rendered off the notebook
 * thread so that loading vega does not move the memory figures.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { runLikeExecutor } from "./executor-process";
import { memory, np, plot, psutil, MIME_BUNDLE } from "../lib";
import { footprint } from "../lib/psutil/footprint";
import { pythonJson } from "./oracle";

const MB = 2 ** 20;
psutil.setView("process");
psutil.resetBaseline();

/**
 * The first two tests take their readings in a process started as the kernel starts its
 * executor: without its flags, V8's background compiler and GC threads malloc while a reading is
 * taken (malloc's count is every thread's), and a reading came out 8-250 KB above the ones
 * around it in half the runs here. The executor runs without those threads.
 */
const LIB = JSON.stringify(path.join(__dirname, "..", "lib"));

interface Around { label: string; before: number; reading: number; readingLabel: string; after: number }

test("each reading is psutil.virtualMemory().available at that moment (in an executor-like process)", async () => {
  const got = await runLikeExecutor<{ out: Around[]; length: number; unnamed: string }>(["-e", `const { memory, psutil } = require(${LIB});
psutil.setView("process");
psutil.resetBaseline();
// The first calls compile record()'s code path (outside the kernel, without its warm-up).
for (let i = 0; i < 3; i++) new memory.MemoryLog().record("warm-up");
const log = new memory.MemoryLog();
const out = [];
for (const label of ["a", "b", "c"]) {
  const before = psutil.virtualMemory().available;
  const r = log.record(label);
  const after = psutil.virtualMemory().available;
  out.push({ label, before, reading: r.available, readingLabel: r.label, after });
}
console.log(JSON.stringify({ out, length: log.length, unnamed: new memory.MemoryLog().record().label }));`], "the readings' process");
  assert.deepEqual(got.out.map((x) => x.label), ["a", "b", "c"]);
  for (const { label, before, reading, readingLabel, after } of got.out) {
    // Only the reading object itself is allocated between the three measurements, and Node
    // mallocs and frees a few hundred bytes of its own (malloc's count is in the footprint).
    assert.ok(reading <= before + 4096 && reading >= after - 4096, `${label}: ${before} + 4 KB ≥ ${reading} ≥ ${after} - 4 KB`);
    assert.equal(readingLabel, label);
  }
  assert.equal(got.length, 3);
  assert.equal(got.unnamed, "reading 0");
});

interface Changes {
  nbytes: number; c1: number; c2: number; last: number; line: string; expectedLine: string;
  dtype: string; list: number[]; available: number[]; changes: number[]; diff: number[]; first: number | null;
}

test("changes: an 8,000,000-byte array is about -7.63 MB, dropping it gives it back; the tutorial's line and arrays", async () => {
  const got = await runLikeExecutor<Changes>(["-e", `const { memory, np, psutil } = require(${LIB});
const { format } = require("node:util");
psutil.setView("process");
psutil.resetBaseline();
for (let i = 0; i < 3; i++) new memory.MemoryLog().record("warm-up");
const log = new memory.MemoryLog();
log.record("start");
let a = np.ones([1000, 1000]);
const nbytes = a.nbytes;
const r1 = log.record("ones((1000, 1000))");
const last = log.lastChange(), line = log.changeLine();
// Exactly what console.log('Change in available memory: ', x, ' MB') prints.
const expectedLine = format("Change in available memory: ", r1.change / ${MB}, " MB");
a = undefined;
const r2 = log.record("dropped");
const arr = log.toArray();
console.log(JSON.stringify({ nbytes, c1: r1.change, c2: r2.change, last, line, expectedLine, dtype: arr.dtype, list: arr.tolist(),
  available: log.readings.map((r) => r.available), changes: log.changes().tolist(), diff: np.diff(arr).tolist(), first: log.readings[0].change }));`], "the changes' process");
  assert.ok(Math.abs(got.c1 + got.nbytes) < 64 * 1024, `change ${got.c1} ≈ -${got.nbytes}`);
  assert.equal(got.last, got.c1 / MB);
  assert.equal(got.line, got.expectedLine);
  // port-check's pattern reads the figure back.
  assert.equal(Number(/Change in available memory:\s*(\S+)\s*MB/.exec(got.line)![1]), got.last);
  assert.ok(Math.abs(got.c2 - 8_000_000) < 64 * 1024, `change ${got.c2} ≈ +8000000`);
  assert.equal(got.dtype, "int64");
  assert.deepEqual(got.list, got.available);
  assert.deepEqual(got.changes, got.diff);
  assert.deepEqual(got.changes, [got.c1, got.c2]);
  assert.equal(got.first, null);
});

test("the table: text/plain and text/html list every reading (HTML parsed by Python, labels escaped)", () => {
  const log = new memory.MemoryLog();
  for (const label of ["start", "a <b>bold</b> & label", "end"]) log.record(label);
  const bundle = log[MIME_BUNDLE]();
  assert.deepEqual(Object.keys(bundle).sort(), ["text/html", "text/plain"]);
  const lines = bundle["text/plain"].split("\n");
  assert.equal(lines.length, 4);
  const fmt = (b: number) => (b / MB).toFixed(3).replace(/^-0\.000$/, "0.000");
  log.readings.forEach((r, i) => {
    assert.ok(lines[i + 1].startsWith(`${i}  ${r.label}`), lines[i + 1]);
    assert.ok(lines[i + 1].includes(fmt(r.available)));
    if (r.change !== null) assert.ok(lines[i + 1].trimEnd().endsWith(fmt(r.change)), lines[i + 1]);
  });
  const rows = pythonJson<string[][]>(
    `import sys, json
from html.parser import HTMLParser
rows = []
class P(HTMLParser):
    def handle_starttag(self, tag, attrs):
        if tag == "tr": rows.append([])
        if tag in ("td", "th"): rows[-1].append("")
    def handle_data(self, data):
        if rows and rows[-1]: rows[-1][-1] += data
P(convert_charrefs=True).feed(sys.stdin.read())
print(json.dumps(rows))`,
    bundle["text/html"],
  );
  assert.deepEqual(rows, [
    ["", "label", "available (MB)", "change (MB)"],
    ...log.readings.map((r, i) => [String(i), r.label, fmt(r.available), r.change === null ? "" : fmt(r.change)]),
  ]);
  assert.equal(String(new memory.MemoryLog()), "MemoryLog (no readings yet)");
});

interface SvgSummary {
  root: string;
  width: string;
  height: string;
  marks: Record<string, { label: string; fill: string }[]>;
  texts: string[];
}

/** Python's XML parser reads the SVG; returns the mark groups' items and every text. */
function parseSvg(svg: string): SvgSummary {
  return pythonJson<SvgSummary>(
    `import sys, json, xml.etree.ElementTree as ET
root = ET.fromstring(sys.stdin.read())
NS = "{http://www.w3.org/2000/svg}"
marks = {}
for g in root.iter(NS + "g"):
    cls = g.get("class", "")
    if "role-mark" in cls:
        kind = cls.split()[0]
        marks.setdefault(kind, []).extend({"label": c.get("aria-label", ""), "fill": c.get("fill", "")} for c in g)
texts = ["".join(t.itertext()) for t in root.iter(NS + "text")]
print(json.dumps({"root": root.tag, "width": root.get("width"), "height": root.get("height"), "marks": marks, "texts": texts}))`,
    svg,
  );
}

/** vega writes numbers in aria-labels with a typographic minus and thousands separators. */
function labelNumber(label: string, field: string): number {
  const m = new RegExp(`${field.replace(/[()]/g, "\\$&")}: ([−\\d.,]+)`).exec(label);
  assert.ok(m, `${field} in ${label}`);
  return Number(m[1].replace("−", "-").replace(/,/g, ""));
}

test("the plot: a well-formed SVG with one point per reading and one bar per change, red where memory was used", { timeout: 60_000 }, async () => {
  const log = new memory.MemoryLog();
  log.record("start");
  let a: np.NDArray | undefined = np.ones([500, 1000]);
  log.record("ones((500, 1000))");
  a = undefined;
  log.record("dropped");
  void a;
  const p = await log.plot({ title: "Memory during the test" });
  const bundle = p[MIME_BUNDLE]();
  assert.deepEqual(Object.keys(bundle).sort(), ["image/svg+xml", "text/html", "text/plain"]);
  assert.equal(bundle["text/plain"], String(log), "the text alternative is the table");
  const img = /^<img src="data:image\/svg\+xml;base64,([A-Za-z0-9+/=]+)" width="(\d+)" height="(\d+)" alt="([^"]*)">$/.exec(bundle["text/html"]);
  assert.ok(img, bundle["text/html"].slice(0, 200));
  assert.equal(Buffer.from(img[1], "base64").toString("utf8"), bundle["image/svg+xml"], "the HTML shows the same SVG");
  assert.deepEqual([Number(img[2]), Number(img[3])], [p.size.width, p.size.height]);
  assert.ok(img[4].startsWith("   label") && !img[4].includes("<"), "the table as alt text, escaped");
  const s = parseSvg(bundle["image/svg+xml"]);
  assert.equal(s.root, "{http://www.w3.org/2000/svg}svg");
  assert.deepEqual({ width: Number(s.width), height: Number(s.height) }, p.size);
  assert.ok(p.size.width > 300 && p.size.height > 200, JSON.stringify(p.size));
  assert.ok(s.texts.includes("Memory during the test"), "the title");
  for (const [i, r] of log.readings.entries()) assert.ok(s.texts.includes(`${i}: ${r.label}`), `axis label ${i}: ${r.label}`);

  const points = s.marks["mark-symbol"];
  assert.equal(points.length, 3, "one point per reading");
  points.forEach((pt, i) => assert.ok(Math.abs(labelNumber(pt.label, "available (MB)") - log.readings[i].available / MB) < 0.01, pt.label));
  const bars = s.marks["mark-rect"];
  assert.equal(bars.length, 2, "one bar per change");
  bars.forEach((b, i) => {
    const change = log.readings[i + 1].change! / MB;
    assert.ok(Math.abs(labelNumber(b.label, "change (MB)") - change) < 1e-6, b.label);
    assert.equal(b.fill, change < 0 ? "#d62728" : "#2ca02c");
  });
  assert.equal(s.marks["mark-line"].length, 1, "the line");
});

test("plotting loads vega off the notebook thread: the footprint moves by far less than vega's ~8 MB", { timeout: 60_000 }, async () => {
  const spec = { data: { values: [{ x: 1, y: 1 }, { x: 2, y: 4 }] }, mark: "line", encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } } };
  const before = footprint();
  let p: plot.Plot | undefined = await plot.render(spec);
  assert.match(p.svg, /^<svg /);
  assert.equal(String(p), `<Plot: ${p.size.width}×${p.size.height} SVG>`);
  p = undefined;
  const grew = footprint() - before;
  assert.ok(grew < 0.5 * MB, `footprint grew by ${(grew / MB).toFixed(3)} MB`);
  void p;
});

test("errors: plotting an empty log, a change from one reading, bad views, specs vega rejects or that are not data", async () => {
  const log = new memory.MemoryLog();
  await assert.rejects(log.plot(), { name: "RangeError", message: /no readings yet; call record\(label\) first/ });
  log.record("only");
  assert.throws(() => log.lastChange(), { name: "RangeError", message: "MemoryLog: a change needs two readings, the log has 1" });
  assert.throws(() => new memory.MemoryLog({ view: "heap" as never }), /view must be "process" or "system", got "heap"/);
  assert.throws(() => log.spec({ width: -1 }), /width must be a positive number/);
  await assert.rejects(plot.render({ mark: "line", encoding: { x: { field: "x", type: "nonsense" } }, data: { values: [{ x: 1 }] } }), { name: "PlotError", message: /^plot: / });
  await assert.rejects(plot.render([] as never), { name: "TypeError", message: /spec must be a Vega-Lite spec object, got an array/ });
  await assert.rejects(plot.render({ data: { values: [{ f: () => 1 }] } }), { name: "TypeError", message: /plain data/ });
});
