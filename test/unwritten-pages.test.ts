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
 *
 * NumPy runs with the huge pages lazylab's executor gives itself (only where advised:
 * lib/psutil/huge-pages.ts), so that under the system mode "always" its unadvised arrays do not
 * take a 2 MiB page at a write when the kernel has one free, where lazylab's would not.
 *
 * Typed arrays and Buffers a cell makes (`new Float64Array(n)`, `Buffer.allocUnsafe(n)`) are
 * the same: Node's allocator gets them from malloc (calloc for zeroed ones), which maps a large
 * one fresh, so they too hold memory only as written. Their steps are compared with NumPy's
 * arrays made the same way (np.zeros is calloc, np.empty malloc).
 */
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { PY_HUGE_PAGES_AS_EXECUTOR, pythonJson } from "./oracle";
import { runLikeExecutor } from "./executor-process";

/** A step in Python, the same in TypeScript, and what it does. */
type Step = [string, string, string];

/** Each step in Python and in lib/np; the arrays are 4000 × 4000 float64 (122 MB). */
const STEPS: Step[] = [
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

/** Each step's change (MB) in NumPy's resident anonymous memory, and NumPy's huge pages after step `hugeAfter`. */
function numpySteps(steps: readonly Step[], hugeAfter: number): { steps: number[]; huge: number } {
  // NumPy under the executor's huge-page policy (only where advised), so both sides' pages follow
  // the same rules whatever the system's mode.
  return pythonJson<{ steps: number[]; huge: number }>(`${PY_HUGE_PAGES_AS_EXECUTOR}
import json, gc, numpy as np
def anon():
    gc.collect()
    with open("/proc/self/status") as f:
        return int(next(l for l in f if l.startswith("RssAnon:")).split()[1]) * 1024
out = []
huge = 0
# Warm-up: NumPy's own first allocations and the code paths.
w = np.zeros((100, 100)); w[...] = 1; w.sum(); del w
before = anon()
${steps.map(([py], i) => `${py}\nafter = anon(); out.append((after - before) / 2**20); before = after${i === hugeAfter ? "\nwith open('/proc/self/smaps_rollup') as f: huge = int(next(l for l in f if l.startswith('AnonHugePages:')).split()[1]) * 1024" : ""}`).join("\n")}
print(json.dumps({"steps": out, "huge": huge}))
`);
}

/**
 * Each step's change (MB) in a process started as the kernel starts its executor: the process
 * view's figure (psutil's `available`) and the process's own resident anonymous memory.
 */
async function ourSteps(steps: readonly Step[], what: string): Promise<{ figure: number; anon: number }[]> {
  const lib = JSON.stringify(path.resolve(__dirname, "../lib"));
  const names = [...new Set(steps.flatMap(([, ts]) => [...ts.matchAll(/(?:^|;\s*)([a-z]\w*) = /g)].map((m) => m[1])))];
  return runLikeExecutor<{ figure: number; anon: number }[]>(["-e", `
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
let ${names.join(", ")};
const out = [];
let a = available(), r = anon();
for (const step of [${steps.map(([, ts]) => `() => { ${ts}; }`).join(", ")}]) {
  step();
  const a2 = available(), r2 = anon();
  out.push({ figure: (a - a2) / 2 ** 20, anon: (r2 - r) / 2 ** 20 });
  a = a2; r = r2;
}
console.log(JSON.stringify(out));`], what);
}

/**
 * Each step's figure within 0.1 MB of NumPy's (each side's interpreter moves its RSS a little),
 * but the steps in `partial`; and, where a step moves NumPy's memory by tens of MB, within 0.3 MB
 * of the process's own anonymous memory (its resident set moves by 0.25 MB now and then on its
 * own: V8's and malloc's pages).
 */
function compare(t: TestContext, steps: readonly Step[], numpy: number[], ours: { figure: number; anon: number }[], partial: ReadonlySet<number>): void {
  const rows = steps.map(([, , what], i) => `${what}: view ${ours[i].figure.toFixed(3)} MB, RssAnon ${ours[i].anon.toFixed(3)}, NumPy ${numpy[i].toFixed(3)}`);
  for (const r of rows) t.diagnostic(r);
  steps.forEach(([, , what], i) => {
    if (partial.has(i)) return;
    assert.ok(Math.abs(ours[i].figure - numpy[i]) <= 0.1, `${what}: the view says ${ours[i].figure.toFixed(3)} MB, NumPy's pages ${numpy[i].toFixed(3)} MB\n${rows.join("\n")}`);
    if (Math.abs(numpy[i]) > 10) assert.ok(Math.abs(ours[i].figure - ours[i].anon) <= 0.3, `${what}: the view says ${ours[i].figure.toFixed(3)} MB, the process's RssAnon ${ours[i].anon.toFixed(3)} MB`);
  });
}

test("np.zeros and np.empty cost memory as their pages are written, as NumPy's: the process view's figures against NumPy's resident memory, step by step", async (t) => {
  const { steps: numpy, huge } = numpySteps(STEPS, 5);
  const ours = await ourSteps(STEPS, "unwritten pages");
  t.diagnostic(`NumPy's huge pages after writing every other row of its empty array: ${(huge / 2 ** 20).toFixed(1)} MB`);
  // A partial write of the empty array: what is resident depends on whether the kernel had huge
  // pages (lib/np counts whole 2 MiB blocks): compared only when NumPy's process got them. Its
  // zeros are not advised, so their partial write is 4 KiB pages on both sides.
  compare(t, STEPS, numpy, ours, huge > 0 ? new Set() : new Set([5]));
  // The steps are not trivial: the zeros cost nothing at first, a written quarter a quarter.
  const MB = 2 ** 20;
  assert.ok(Math.abs(numpy[0]) < 0.1 && numpy[3] >= (1000 * 4000 * 8) / MB - 0.5 && numpy[3] < (1000 * 4000 * 8) / MB + 2.5 && Math.abs(numpy[7] - (4000 * 4000 * 8) / MB) < 0.5, `NumPy's own figures: ${numpy.map((x) => x.toFixed(3)).join(", ")}`);
});

/** Typed arrays and Buffers as a cell makes them, beside NumPy arrays made the same way (76 and 16 MB). */
const TYPED_STEPS: Step[] = [
  ["t = np.zeros(10**7)", "t = new Float64Array(1e7)", "a zeroed Float64Array (calloc)"],
  ["t[:2500000] = 1", "t.fill(1, 0, 2.5e6)", "writing a quarter of it"],
  ["t[...] = 2", "t.fill(2)", "writing the rest"],
  ["b = np.empty(2**24, np.uint8)", "b = Buffer.allocUnsafe(2 ** 24)", "an uninitialised Buffer (malloc)"],
  ["b[...] = 1", "b.fill(1)", "writing it"],
  ["u = np.zeros(2**24, np.uint8); s = int(u[::4096].sum())", "u = new Uint8Array(2 ** 24); s = 0; for (let i = 0; i < u.length; i += 4096) s += u[i]", "reading a zeroed Uint8Array's every page"],
  ["del t", "t = null", "dropping the Float64Array"],
];

test("typed arrays and Buffers cost memory as their pages are written, as NumPy's arrays from calloc and malloc: the process view against NumPy's resident memory", async (t) => {
  const { steps: numpy } = numpySteps(TYPED_STEPS, -1);
  const ours = await ourSteps(TYPED_STEPS, "typed arrays' unwritten pages");
  // NumPy's 16 MiB empty array is advised for huge pages, where its write may take whole 2 MiB
  // blocks (the same bytes here: the array is written in full).
  compare(t, TYPED_STEPS, numpy, ours, new Set());
  // The steps are not trivial: nothing at first, then the quarter written, then the rest.
  const MB = 2 ** 20;
  assert.ok(Math.abs(numpy[0]) < 0.1 && Math.abs(numpy[1] - 2.5e6 * 8 / MB) < 0.5 && Math.abs(numpy[4] - 16) < 0.5 && Math.abs(numpy[6] + 1e7 * 8 / MB) < 0.5, `NumPy's own figures: ${numpy.map((x) => x.toFixed(3)).join(", ")}`);
});
