/**
 * `jupyter nbconvert --to html --execute examples/memory-management-extras.ipynb` (Debian's
 * nbconvert): the page carries the memory log's plot (its SVG as an <img> data URI), its table, the per-cell
 * memory lines, the retainers explanation, and memory figures that tell the story the
 * notebook's prose tells.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { pythonJson } from "./oracle";

const ROOT = path.resolve(__dirname, "..", "..");
const OUT = path.join(ROOT, "test-output", "nbconvert-extras");
const JUPYTER = process.env.LAZYLAB_JUPYTER ?? "/usr/bin/jupyter";

test("nbconvert --to html --execute examples/memory-management-extras.ipynb shows the plot as SVG and the extra section works", { timeout: 200_000 }, () => {
  mkdirSync(OUT, { recursive: true });
  execFileSync(JUPYTER, ["nbconvert", "--to", "html", "--execute", path.join(ROOT, "examples", "memory-management-extras.ipynb"), "--output-dir", OUT], { stdio: "pipe", timeout: 180_000 });
  const html = readFileSync(path.join(OUT, "memory-management-extras.html"), "utf8");
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
  assert.equal(rows, 10, "ten readings");
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
    ["plotting (vega on a worker thread)", small],
  ];
  assert.equal(changes.length, expected.length, `change lines: ${changes.join(", ")}`);
  expected.forEach(([what, ok], i) => assert.ok(ok(changes[i]), `${what}: ${changes[i]} MB`));

  const tracked = [...html.matchAll(/\[memory\] change in available memory: (\S+) MB/g)].map((x) => Number(x[1]));
  assert.equal(tracked.length, 4, "trackCells: one line for each of the four tracked cells");
  assert.ok(big(tracked[1], -1) && small(tracked[2]) && big(tracked[3], 1), `tracked: ${tracked.join(", ")}`);

  assert.match(html, /is held by:\s*\n\s*- variable dask_random_array: a lazy array reading it/);
});
