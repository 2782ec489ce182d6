/**
 * `jupyter nbconvert --execute` (Debian's nbconvert 6.5 and nbclient) on every notebook in
 * examples/, found when the tests run so a notebook added later is covered: `--to notebook`
 * and `--to html`, each a fresh execution in a fresh kernel. The page is checked against the
 * executed notebook: every output is in it, shown in the form nbconvert's own priority list
 * picks, with its rich markup intact (tables, the plots' SVG). Content checks for particular
 * notebooks reuse the same runs; a small generated notebook shows a lazy array, a plot and a
 * display update, which no example does.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pythonJson } from "./oracle";

const ROOT = path.resolve(__dirname, "..", "..");
const EXAMPLES = path.join(ROOT, "examples");
const OUT = path.join(ROOT, "test-output", "nbconvert");
const JUPYTER = process.env.LAZYLAB_JUPYTER ?? "/usr/bin/jupyter";

interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, string | string[]>;
  ename?: string;
  evalue?: string;
}
interface Cell { cell_type: string; source: string | string[]; execution_count?: number | null; outputs?: Output[] }
interface Notebook { cells: Cell[]; metadata: { kernelspec?: { name?: string } } }
interface CodeCell { source: string; count: number | null | undefined; outputs: Output[] }

const joined = (t: string | string[] | undefined) => (Array.isArray(t) ? t.join("") : (t ?? ""));
const readNotebook = (file: string) => JSON.parse(readFileSync(file, "utf8")) as Notebook;
const codeCells = (nb: Notebook): CodeCell[] =>
  nb.cells.filter((c) => c.cell_type === "code").map((c) => ({ source: joined(c.source), count: c.execution_count, outputs: c.outputs ?? [] }));

/** One nbconvert run per notebook and format, shared by the tests that read it (a failure is kept too). */
const runs = new Map<string, { file?: string; error?: unknown }>();
function nbconvert(notebook: string, to: "notebook" | "html"): string {
  const key = `${to}:${notebook}`;
  if (!runs.has(key)) {
    const outDir = path.join(OUT, to);
    mkdirSync(outDir, { recursive: true });
    const file = path.join(outDir, path.basename(notebook, ".ipynb") + (to === "html" ? ".html" : ".ipynb"));
    rmSync(file, { force: true });
    try {
      execFileSync(JUPYTER, ["nbconvert", "--to", to, "--execute", notebook, "--output-dir", outDir, "--ExecutePreprocessor.timeout=300"], {
        stdio: "pipe",
        timeout: 600_000,
      });
      runs.set(key, { file });
    } catch (e) {
      const err = e as { stderr?: Buffer; message: string };
      runs.set(key, { error: new Error(`nbconvert --to ${to} --execute ${path.basename(notebook)} failed: ${err.message}\n${err.stderr?.toString().slice(-4000) ?? ""}`) });
    }
  }
  const run = runs.get(key)!;
  if (run.error) throw run.error;
  return run.file!;
}
const executed = (notebook: string) => codeCells(readNotebook(nbconvert(notebook, "notebook")));
const exportedHtml = (notebook: string) => readFileSync(nbconvert(notebook, "html"), "utf8");

/** nbconvert's HTML exporter's own choice among an output's mime types, asked of nbconvert. */
const PRIORITY = pythonJson<string[]>(
  "import json; from nbconvert import HTMLExporter; print(json.dumps(HTMLExporter().default_config['NbConvertBase']['display_data_priority']))",
);

/** The `data-mime-type` the lab template gives an output's element. */
function shownAs(o: Output): string {
  if (o.output_type === "stream") return o.name === "stderr" ? "application/vnd.jupyter.stderr" : "text/plain";
  if (o.output_type === "error") return "application/vnd.jupyter.stderr";
  const mime = PRIORITY.find((m) => o.data?.[m] !== undefined);
  assert.ok(mime, `an output nbconvert can show: ${Object.keys(o.data ?? {}).join(", ")}`);
  return mime;
}

const tally = (xs: string[]) => xs.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map<string, number>());
const sorted = (m: Map<string, number>) => [...m].sort(([a], [b]) => a.localeCompare(b));

/** The SVG documents shown as `<img>` data URIs (how lazylab's plots show in HTML; the template's CSS icons are not images). */
const svgDataUris = (html: string) =>
  [...html.matchAll(/<img src="data:image\/svg\+xml;base64,([A-Za-z0-9+/=]+)/g)].map((m) => Buffer.from(m[1], "base64").toString("utf8"));

/**
 * A compute's progress display (lib/da/progress): once turned on (da.setProgress), it appears
 * only when a compute runs past a second, so two executions of a notebook on a busy machine may differ by one.
 */
const PROGRESS = /^\s*<div><code>[^<]*<\/code> <progress /;
const isProgress = (o: Output) => PROGRESS.test(joined(o.data?.["text/html"]));

/** Checks a page against an execution of the same notebook (progress displays aside). */
function assertPageShows(html: string, cells: CodeCell[]): void {
  const outputs = cells.flatMap((c) => c.outputs).filter((o) => !isProgress(o));
  // Every output has its element, with the mime type nbconvert's priority list picks.
  const elements = [...html.matchAll(/<div class="[^"]*\bjp-OutputArea-output\b[^"]*" data-mime-type="([^"]+)">(?=([^]{0,200}))/g)];
  const inPage = tally(elements.filter((m) => !PROGRESS.test(m[2])).map((m) => m[1]));
  assert.deepEqual(sorted(inPage), sorted(tally(outputs.map(shownAs))), "output elements in the page by mime type");

  // Rich HTML outputs keep their markup: each class="…" they use is in the page at least as often.
  const rich = outputs.map((o) => joined(o.data?.["text/html"])).filter((h) => h !== "");
  const classes = tally(rich.flatMap((h) => [...h.matchAll(/class="([^"]+)"/g)].map((m) => m[1])));
  for (const [cls, n] of classes) {
    const shown = html.split(`class="${cls}"`).length - 1;
    assert.ok(shown >= n, `class="${cls}": ${n} in the outputs, ${shown} in the page`);
  }
  // Plots: each output with an SVG has it in the page, as a document an SVG viewer would take.
  const svgOutputs = outputs.filter((o) => o.data?.["image/svg+xml"] !== undefined).length;
  const svgs = svgDataUris(html);
  assert.equal(svgs.length, svgOutputs, "SVG plots in the page");
  for (const svg of svgs) assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"[\s\S]*<\/svg>\s*$/);
  assert.ok(!html.includes("Traceback"), "no traceback in the page");
}

const notebooks = readdirSync(EXAMPLES).filter((f) => f.endsWith(".ipynb")).sort();

test("examples/ has notebooks to convert", () => {
  assert.ok(notebooks.includes("hello.ipynb") && notebooks.includes("memory-management.ipynb"), notebooks.join(", "));
});

for (const name of notebooks) {
  const notebook = path.join(EXAMPLES, name);
  const kernel = readNotebook(notebook).metadata.kernelspec?.name;
  // Only lazylab notebooks: another kernel's notebook in examples/ is not this project's to run.
  const skip = kernel === "lazylab" ? false : `its kernelspec is ${JSON.stringify(kernel)}, not lazylab`;
  if (skip) console.log(`# nbconvert: skipping examples/${name}: ${skip}`);

  describe(`examples/${name}`, { timeout: 1_300_000 }, () => {
    test("nbconvert --to notebook --execute: every code cell runs, in order, without an error", { skip }, () => {
      const cells = executed(notebook);
      const run = cells.filter((c) => c.source.trim() !== "");
      assert.deepEqual(run.map((c) => c.count), run.map((_, i) => i + 1), "execution counts");
      const errors = cells.flatMap((c) => c.outputs.filter((o) => o.output_type === "error").map((o) => `${c.source.slice(0, 60)}: ${o.ename}: ${o.evalue}`));
      assert.deepEqual(errors, [], "no cell failed");
      // The same kinds of rich outputs as the notebook stored in the repository (where it stores any).
      const stored = codeCells(readNotebook(notebook));
      const kinds = (c: CodeCell) => c.outputs.filter((o) => o.data && !isProgress(o)).map((o) => `${o.output_type}: ${Object.keys(o.data!).sort().join(" ")}`);
      cells.forEach((c, i) => {
        if (stored[i].outputs.length > 0) assert.deepEqual(kinds(c), kinds(stored[i]), `outputs of ${JSON.stringify(c.source.slice(0, 60))}`);
      });
    });

    test("nbconvert --to html --execute: the page shows every output, rich ones as rich", { skip }, () => {
      assertPageShows(exportedHtml(notebook), executed(notebook));
    });
  });
}

test("hello.ipynb: the outputs its cells promise", () => {
  const cells = executed(path.join(EXAMPLES, "hello.ipynb"));
  const text = (i: number) => cells[i].outputs.map((o) => joined(o.text) + joined(o.data?.["text/plain"])).join("\n");
  assert.equal(text(0), "hello, world\n");
  assert.equal(text(1), "'HELLO'");
  assert.equal(text(3), "'hello hello hello'");
  // The three timers all print before the cell's result. Their order is not asserted: each
  // setTimeout reads the clock afresh (Node updates libuv's time per call), so on a loaded
  // machine a later-created 20 ms timer can expire after the 30 ms one (seen once in CI).
  const [timers, result] = text(4).split("\n\n");
  assert.deepEqual(timers.split("\n").filter(Boolean).sort(), ["timer 10 ms", "timer 20 ms", "timer 30 ms"]);
  assert.equal(result, "'done'");
  assert.equal(joined(cells[5].outputs[0].data?.["text/html"]), "<b>bold</b> from TypeScript");
  assert.match(exportedHtml(path.join(EXAMPLES, "hello.ipynb")), /data-mime-type="text\/html">\s*<b>bold<\/b> from TypeScript/);
});

test("memory-management.ipynb: the port's 26 cells, memory lines and arrays in the page", () => {
  const notebook = path.join(EXAMPLES, "memory-management.ipynb");
  const cells = executed(notebook);
  assert.equal(cells.length, 26);
  const all = cells.map((c) => c.outputs.map((o) => joined(o.text) + joined(o.data?.["text/plain"])).join("")).join("\n");
  // A 1000×1000 float64 array costs its 8,000,000 bytes (7.63 MiB) of available memory.
  const first = /Change in available memory: {2}(\S+) {2}MB/.exec(all);
  assert.ok(first && Math.abs(Number(first[1]) + 8e6 / 2 ** 20) < 0.2, `the first memory line: ${first?.[0]}`);
  const html = exportedHtml(notebook);
  assert.match(html, /svmem\(total=\d+/);
  assert.match(html, /Change in available memory: {2}-7\.6\d+ {2}MB/, "the memory lines are in the page");
  assert.equal(html.split('<table class="lazylab-ndarray">').length - 1, 8, "eight arrays shown as tables");
});

test("a lazy array, a plot and a display update in the page", () => {
  const dir = path.join(OUT, "generated");
  mkdirSync(dir, { recursive: true });
  const source = [
    "const x = da.fromArray(np.zeros([1000, 1000]), { chunks: [100, 100] }).pow(2);\nx",
    'import { plot } from "lazylab";\nawait plot.render({ title: "squares", data: { values: [{ x: 1, y: 1 }, { x: 2, y: 4 }, { x: 3, y: 9 }] }, mark: "line", encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } } })',
    'display("step 1 of 2", { id: "progress" });\ndisplay("step 2 of 2", { id: "progress", update: true });',
  ];
  const notebook = path.join(dir, "rich-outputs.ipynb");
  writeFileSync(notebook, JSON.stringify({
    nbformat: 4, nbformat_minor: 5,
    metadata: { kernelspec: { name: "lazylab", display_name: "TypeScript (lazylab)", language: "typescript" } },
    cells: source.map((s, i) => ({ id: `c${i}`, cell_type: "code", source: s, metadata: {}, outputs: [], execution_count: null })),
  }));
  const cells = executed(notebook);
  const html = exportedHtml(notebook);
  assertPageShows(html, cells);

  // The lazy array's table, with Dask's own figures for the same array.
  const dask = pythonJson<{ bytes: string; chunk: string; graph: string }>(`import json, numpy as np, dask.array as da
from dask.utils import format_bytes
x = da.from_array(np.zeros((1000, 1000)), chunks=(100, 100)) ** 2
print(json.dumps({"bytes": format_bytes(x.nbytes), "chunk": format_bytes(x.blocks[0, 0].nbytes), "graph": f"{x.npartitions} chunks in {len(x.dask.layers)} graph layers"}))`);
  const table = /data-mime-type="text\/html">\s*(<table>[\s\S]*?<\/svg>)/.exec(html);
  assert.ok(table, "the lazy array's table with its chunk grid");
  const text = table[1].replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");
  assert.ok(text.includes(`Bytes ${dask.bytes} ${dask.chunk}`), `Dask's sizes (${dask.bytes}, ${dask.chunk}) in: ${text}`);
  assert.ok(text.includes("Shape (1000, 1000) (100, 100)"), text);
  assert.ok(text.includes(dask.graph), `${dask.graph} in: ${text}`);
  assert.equal(table[1].split("<line ").length - 1, 22, "the chunk grid: 11 + 11 lines");

  // The plot: an SVG chart with its title.
  const [svg] = svgDataUris(html);
  assert.match(svg, />squares<\/text>/);

  // nbclient applies update_display_data to the output shown under the id: only the last value is kept.
  assert.deepEqual(cells[2].outputs.map((o) => joined(o.data?.["text/plain"])), ["'step 2 of 2'"]);
  const shown = [...html.matchAll(/<pre>&#39;(step \d of 2)&#39;<\/pre>/g)].map((m) => m[1]);
  assert.deepEqual(shown, ["step 2 of 2"], "the page shows the updated display only");
});

/*
 * memory-management-extras.ipynb: the page carries the memory log's plot (its SVG as an <img>
 * data URI), its table, the per-cell memory lines, the retainers explanation, and memory
 * figures that tell the story the notebook's prose tells.
 */
test("memory-management-extras.ipynb: the memory log's plot and table, and figures that tell the prose's story", () => {
  const html = exportedHtml(path.join(EXAMPLES, "memory-management-extras.ipynb"));
  assert.ok(!html.includes("Traceback") && !/class="[^"]*jp-OutputArea-output[^"]*" data-mime-type="application\/vnd.jupyter.stderr"/.test(html), "no error in the page");

  // The plot: an <img> whose data URI is the SVG (nbconvert 6.5 would strip an inline one), parsed by Python's XML parser.
  const m = /data-mime-type="text\/html">\s*<img src="data:image\/svg\+xml;base64,([A-Za-z0-9+/=]+)"/.exec(html);
  assert.ok(m, "an HTML output holding the SVG as an <img>");
  const svg = pythonJson<{ root: string; texts: string[]; points: number; bars: number }>(
    `import sys, json, xml.etree.ElementTree as ET
root = ET.fromstring(sys.stdin.read())
NS = "{http://www.w3.org/2000/svg}"
count = lambda kind: sum(len(list(g)) for g in root.iter(NS + "g") if g.get("class", "").startswith(kind + " role-mark"))
print(json.dumps({"root": root.tag, "texts": ["".join(t.itertext()) for t in root.iter(NS + "text")], "points": count("mark-symbol"), "bars": count("mark-rect")}))`,
    Buffer.from(m[1], "base64").toString("utf8"),
  );
  assert.equal(svg.root, "{http://www.w3.org/2000/svg}svg");
  assert.ok(svg.texts.includes("Available memory through this notebook"), "the plot's title");

  // The memory log's table, with as many rows as the plot has points and one bar per change.
  const table = /<table class="lazylab-memory-log">([\s\S]*?)<\/table>/.exec(html);
  assert.ok(table, "the MemoryLog's HTML table");
  const rows = (table[1].match(/<tr>/g) ?? []).length - 1;
  assert.equal(rows, 13, "thirteen readings");
  assert.equal(svg.points, rows, "one point per reading");
  assert.equal(svg.bars, rows - 1, "one bar per change");

  // The story in figures: arrays of 7.63 MB appear and go as the prose says; plotting costs the notebook ~nothing.
  const changes = [...html.matchAll(/Change in available memory: {2}(\S+) {2}MB/g)].map((x) => Number(x[1]));
  const big = (x: number, sign: number) => Math.abs(x - sign * 7.63) < 0.15;
  const small = (x: number) => Math.abs(x) < 0.25;
  const expected: [string, (x: number) => boolean][] = [
    ["random_array created", (x) => big(x, -1)],
    ["da.fromArray", small],
    ['del("random_array") frees nothing', small],
    ['del("dask_random_array") frees it', (x) => big(x, 1)],
    ["field created", (x) => big(x, -1)],
    ["np.savez", small],
    ['del("field") after saving frees it', (x) => big(x, 1)],
    ["np.load reads only the key list", small],
    ['saved.get("field") loads it', (x) => big(x, -1)],
    ['del("loaded") after saving to .npy frees it', (x) => big(x, 1)],
    ['np.load(npy, { mmapMode: "r" }) and a sum reading every page: the page cache\'s', small],
    ["np.array(mapped) copies it into memory", (x) => big(x, -1)],
    ["plotting (vega on a worker thread)", small],
  ];
  assert.equal(changes.length, expected.length, `change lines: ${changes.join(", ")}`);
  expected.forEach(([what, ok], i) => assert.ok(ok(changes[i]), `${what}: ${changes[i]} MB`));

  const tracked = [...html.matchAll(/\[memory\] change in available memory: (\S+) MB/g)].map((x) => Number(x[1]));
  assert.equal(tracked.length, 4, "trackCells: one line for each of the four tracked cells");
  assert.ok(big(tracked[1], -1) && small(tracked[2]) && big(tracked[3], 1), `tracked: ${tracked.join(", ")}`);

  assert.match(html, /is held by:\s*\n\s*- variable dask_random_array: a lazy array reading it/);
});
