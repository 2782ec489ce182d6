/**
 * np.zeros and np.empty hold memory only as their pages are written, as NumPy's do: the kernel
 * maps a fresh page on its first write, so psutil's `available` does not drop when NumPy makes a
 * large array of zeros, only when (and as far as) it is written. The same steps run in NumPy
 * (its resident anonymous memory, /proc/self/status) and in a process started as the kernel
 * starts its executor (the process view's figure, and its own resident anonymous memory).
 * As NumPy, lib/np advises an empty array from 4 MiB for transparent huge pages, not an array
 * of zeros: where the kernel has huge pages, a write makes a whole 2 MiB block of an empty array
 * resident (every other row written makes all of it resident). The process view counts such
 * blocks whole whether or not the kernel had one free, so that partial write is compared with
 * NumPy when NumPy's process got huge pages.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { pythonJson } from "./oracle";
import { runLikeExecutor } from "./executor-process";

/** Each step in Python and in lib/np; the arrays are 4000 × 4000 float64 (122 MB). */
const STEPS: [string, string, string][] = [
  ["z = np.zeros((4000, 4000))", "z = np.zeros([4000, 4000])", "an array of zeros"],
  ["e = np.empty((4000, 4000))", "e = np.empty([4000, 4000])", "an empty array"],
  ["s = z.sum()", "s = z.sum()", "reading every element of the zeros"],
  ["z[0:1000] = 1", 'z.set("0:1000", 1)', "writing a quarter of the rows"],
  ["z[...] = 1", 'z.set("...", 1)', "writing the rest"],
  ["e[::2] = 3", 'e.set("::2", 3)', "writing every other row of the empty array"],
  ["del z", "z = null", "dropping the written array"],
  ["o = np.ones((4000, 4000))", "o = np.ones([4000, 4000])", "an array of ones"],
  ["f = np.full((4000, 4000), 0.0)", "f = np.full([4000, 4000], 0)", "an array full of zeros (written, as NumPy's full)"],
];

test("np.zeros and np.empty cost memory as their pages are written, as NumPy's: the process view's figures against NumPy's resident memory, step by step", async (t) => {
  const { steps: numpy, huge } = pythonJson<{ steps: number[]; huge: number }>(`
import json, gc, numpy as np
def anon():
    gc.collect()
    with open("/proc/self/status") as f:
        return int(next(l for l in f if l.startswith("RssAnon:")).split()[1]) * 1024
out = []
# Warm-up: NumPy's own first allocations and the code paths.
w = np.zeros((100, 100)); w[...] = 1; w.sum(); del w
before = anon()
${STEPS.map(([py], i) => `${py}\nafter = anon(); out.append((after - before) / 2**20); before = after${i === 5 ? "\nwith open('/proc/self/smaps_rollup') as f: huge = int(next(l for l in f if l.startswith('AnonHugePages:')).split()[1]) * 1024" : ""}`).join("\n")}
print(json.dumps({"steps": out, "huge": huge}))
`);
  const lib = JSON.stringify(path.resolve(__dirname, "../lib"));
  const ours = await runLikeExecutor<{ figure: number; anon: number }[]>(["-e", `
const { np, psutil, warmUp } = require(${lib});
const { memoryCalls } = require(${JSON.stringify(path.resolve(__dirname, "../lib/psutil/native"))});
const fs = require("fs");
const v8 = require("v8");
warmUp();
// After a collection and malloc_trim, less the notebook thread's V8 pages plus its live objects
// (V8 commits and gives back pages on its own schedule), as test/process-view.test.ts reads RSS.
const anon = () => {
  psutil.collectGarbage();
  memoryCalls.mallocTrim();
  const h = v8.getHeapStatistics();
  return Number(/RssAnon:\\s+(\\d+)/.exec(fs.readFileSync("/proc/self/status", "utf8"))[1]) * 1024 - h.total_physical_size + h.used_heap_size;
};
const available = () => psutil.virtualMemory().available;
let z, e, s, o, f;
const out = [];
let a = available(), r = anon();
for (const step of [${STEPS.map(([, ts]) => `() => { ${ts}; }`).join(", ")}]) {
  step();
  const a2 = available(), r2 = anon();
  out.push({ figure: (a - a2) / 2 ** 20, anon: (r2 - r) / 2 ** 20 });
  a = a2; r = r2;
}
console.log(JSON.stringify(out));`], "unwritten pages");
  const rows = STEPS.map(([, , what], i) => `${what}: view ${ours[i].figure.toFixed(3)} MB, RssAnon ${ours[i].anon.toFixed(3)}, NumPy ${numpy[i].toFixed(3)}`);
  for (const r of rows) t.diagnostic(r);
  t.diagnostic(`NumPy's huge pages after writing every other row of its empty array: ${(huge / 2 ** 20).toFixed(1)} MB`);
  // A partial write of the empty array: what is resident depends on whether the kernel had huge
  // pages for NumPy (its zeros are not advised, so their partial write is 4 KiB pages on both).
  const partial = new Set([5]);
  STEPS.forEach(([, , what], i) => {
    // Within 0.1 MB of what NumPy's pages hold (each side's interpreter moves its RSS a little).
    if (!partial.has(i) || huge > 0) {
      assert.ok(Math.abs(ours[i].figure - numpy[i]) <= 0.1, `${what}: the view says ${ours[i].figure.toFixed(3)} MB, NumPy's pages ${numpy[i].toFixed(3)} MB\n${rows.join("\n")}`);
    }
    // And of this process's own anonymous memory where a step moves it by tens of MB (its
    // resident set moves by 0.25 MB now and then on its own: V8's and malloc's pages), but the
    // partial write of the empty array (whether its kernel had huge pages).
    if (!partial.has(i) && Math.abs(numpy[i]) > 10) assert.ok(Math.abs(ours[i].figure - ours[i].anon) <= 0.3, `${what}: the view says ${ours[i].figure.toFixed(3)} MB, the process's RssAnon ${ours[i].anon.toFixed(3)} MB`);
  });
  // The steps are not trivial: the zeros cost nothing at first, a written quarter a quarter.
  const MB = 2 ** 20;
  assert.ok(Math.abs(numpy[0]) < 0.1 && numpy[3] >= (1000 * 4000 * 8) / MB - 0.5 && numpy[3] < (1000 * 4000 * 8) / MB + 2.5 && Math.abs(numpy[7] - (4000 * 4000 * 8) / MB) < 0.5, `NumPy's own figures: ${numpy.map((x) => x.toFixed(3)).join(", ")}`);
});
