/**
 * tracemalloc's figures for a memory lesson's steps, against Python's tracemalloc over NumPy
 * (which reports its arrays' data to it), run at test time. Each side runs the steps in a fresh
 * process (ours started as the kernel starts its executor) and reads `[current, peak]` and
 * whether it is tracing after each step.
 *
 * Within 0.1 MB: what Python's figures hold beyond the arrays is its objects made since
 * `start()` (an array's header, ~100 bytes; a few hundred bytes in all) and, in a reduction's
 * peak, NumPy's 64 KiB reduction buffer; ours hold a few KB of what Node mallocs between two
 * readings. The arrays are 1000 × 1000 float64 (7.63 MB), so a figure off by one array, or by a
 * temporary not yet collected, is off by 76 times the tolerance.
 */
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { pythonJson } from "./oracle";
import { runLikeExecutor } from "./executor-process";

/**
 * A step in Python, the same in TypeScript, what it does, and (a documented difference) how many
 * bytes lazylab's [current, peak] are above Python's.
 */
type Step = [python: string, typescript: string, what: string, differs?: [number, number]];

/** After each step: current, peak, whether tracing. */
type Reading = [current: number, peak: number, tracing: boolean];

const MB = 2 ** 20;
/** One 1000 × 1000 float64 array. */
const ARRAY = 8e6;
const TOLERANCE = 0.1 * MB;

/** The lesson: its arrays, temporaries, a peak reset, a loop, then clear and stop. */
const LESSON: Step[] = [
  ["e = np.ones((1000, 1000))", "e = np.ones([1000, 1000])", "an array made before start(): not tracing"],
  ["tracemalloc.start(); a = np.ones((1000, 1000)); b = a * 2", "tracemalloc.start(); a = np.ones([1000, 1000]); b = a.mul(2)", "start(), then a and b = a * 2"],
  ["del b; c = (a * 2).sum()", "b = undefined; c = a.mul(2).sum()", "b dropped, then (a * 2).sum(): its temporary in the peak"],
  ["tracemalloc.reset_peak(); x = (a * 3).mean()", "tracemalloc.resetPeak(); x = a.mul(3).mean()", "resetPeak(), then (a * 3).mean(): a and the temporary"],
  ["tracemalloc.reset_peak()\nfor i in range(10): t = a * 2", "tracemalloc.resetPeak(); for (let i = 0; i < 10; i++) t = a.mul(2)", "resetPeak(), then t = a * 2 ten times: a and two t"],
  ["tracemalloc.clear_traces()", "tracemalloc.clearTraces()", "clearTraces()"],
  ["d = a * 2", "d = a.mul(2)", "d = a * 2 after clearTraces()"],
  ["tracemalloc.stop()", "tracemalloc.stop()", "stop()"],
  ["f = a * 2; tracemalloc.reset_peak(); tracemalloc.clear_traces()", "f = a.mul(2); tracemalloc.resetPeak(); tracemalloc.clearTraces()", "after stop(): an array, resetPeak(), clearTraces()"],
];

/** Arrays made before start() and dropped while tracing. */
const BEFORE_START: Step[] = [
  ["p = np.ones((1000, 1000)); q = np.ones((1000, 1000)); tracemalloc.start()", "p = np.ones([1000, 1000]); q = np.ones([1000, 1000]); tracemalloc.start()", "p and q made, then start()"],
  ["del p", "p = undefined", "p dropped with nothing traced: 0, not below"],
  ["a = np.ones((1000, 1000))", "a = np.ones([1000, 1000])", "a made after that reading: counted in full"],
  // Python counts the blocks allocated since start(), lazylab the net change since (documented).
  ["del q", "q = undefined", "q dropped: Python's current keeps a, lazylab's loses q", [-ARRAY, 0]],
];

/** What counts, and where lazylab's peak differs. */
const COUNTED: Step[] = [
  ["tracemalloc.start(); z = np.zeros((1000, 1000))", "tracemalloc.start(); z = np.zeros([1000, 1000])", "np.zeros: counted in full, as NumPy's calloc'd data"],
  ["y = np.empty((1000, 1000))", "y = np.empty([1000, 1000])", "np.empty: counted in full"],
  ["a = np.ones((1000, 1000)); tracemalloc.reset_peak()\nfor i in range(10): t = a * 2 + 1", "a = np.ones([1000, 1000]); tracemalloc.resetPeak(); for (let i = 0; i < 10; i++) t = a.mul(2).add(1)",
    // NumPy adds 1 into the temporary a * 2 (its temporary elision); lib/np makes a new array (documented).
    "t = a * 2 + 1 ten times: NumPy reuses the temporary, lib/np makes one more array", [0, ARRAY]],
];

/** Python's readings after each step, in a fresh interpreter. */
function pythonReadings(steps: readonly Step[]): Reading[] {
  return pythonJson<Reading[]>(`
import json, tracemalloc
import numpy as np
out = []
def read():
    current, peak = tracemalloc.get_traced_memory()
    out.append([current, peak, tracemalloc.is_tracing()])
${steps.map(([py]) => `${py}\nread()`).join("\n")}
print(json.dumps(out))
`);
}

/** lazylab's readings after each step, in a fresh process started as the kernel starts its executor. */
function ourReadings(steps: readonly Step[], what: string): Promise<Reading[]> {
  const names = [...new Set(steps.flatMap(([, ts]) => [...ts.matchAll(/(?:^|;\s*)([a-z]\w*) = /g)].map((m) => m[1])))];
  return runLikeExecutor<Reading[]>(["-e", `
const { np, tracemalloc, warmUp } = require(${JSON.stringify(path.resolve(__dirname, "../lib"))});
warmUp();
let ${names.join(", ")};
const out = [];
${steps.map(([, ts]) => `${ts};\nout.push([...tracemalloc.getTracedMemory(), tracemalloc.isTracing()]);`).join("\n")}
console.log(JSON.stringify(out));`], what);
}

/** Each step's figures within the tolerance of Python's (plus the step's documented difference), and the same tracing state. */
function compare(t: TestContext, steps: readonly Step[], python: Reading[], ours: Reading[]): void {
  const mb = (x: number) => (x / MB).toFixed(4);
  const rows = steps.map(([, , what], i) => `${what}: lazylab (${mb(ours[i][0])}, ${mb(ours[i][1])}) MB, Python (${mb(python[i][0])}, ${mb(python[i][1])}) MB`);
  for (const r of rows) t.diagnostic(r);
  steps.forEach(([, , what, differs = [0, 0]], i) => {
    for (const k of [0, 1] as const) {
      assert.ok(Math.abs(ours[i][k] - python[i][k] - differs[k]) <= TOLERANCE, `${what}: ${k ? "peak" : "current"}\n${rows.join("\n")}`);
    }
    assert.equal(ours[i][2], python[i][2], `${what}: tracing`);
  });
}

test("a memory lesson's steps give Python's current and peak: arrays, temporaries, resetPeak, a loop, clearTraces, stop, and (0, 0) when not tracing", async (t) => {
  const python = pythonReadings(LESSON);
  compare(t, LESSON, python, await ourReadings(LESSON, "the lesson"));
  // The figures are the arrays: Python's are not (0, 0) where ours would pass by being so.
  assert.ok(Math.abs(python[1][1] - 2 * ARRAY) < TOLERANCE && Math.abs(python[4][1] - 3 * ARRAY) < TOLERANCE, `Python's own figures: ${JSON.stringify(python)}`);
});

test("arrays made before start() are not counted: dropping one takes current to 0, not below, and arrays made after count in full; dropped after them, it takes its bytes off theirs (documented)", async (t) => {
  compare(t, BEFORE_START, pythonReadings(BEFORE_START), await ourReadings(BEFORE_START, "arrays made before start()"));
});

test("np.zeros and np.empty count in full, as in Python; a chained expression's peak is one array above NumPy's (documented: NumPy's temporary elision)", async (t) => {
  compare(t, COUNTED, pythonReadings(COUNTED), await ourReadings(COUNTED, "what counts"));
});

test("the lesson's figures are the same in three fresh processes", async (t) => {
  const runs = await Promise.all([1, 2, 3].map((i) => ourReadings(LESSON, `the lesson, process ${i}`)));
  LESSON.forEach(([, , what], i) => {
    for (const k of [0, 1] as const) {
      const figures = runs.map((r) => r[i][k]);
      const spread = Math.max(...figures) - Math.min(...figures);
      t.diagnostic(`${what}: ${k ? "peak" : "current"} ${figures.join(", ")} bytes`);
      assert.ok(spread <= 0.005 * MB, `${what}: ${k ? "peak" : "current"} spreads by ${spread} bytes: ${figures.join(", ")}`);
    }
  });
});
