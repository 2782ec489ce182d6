/**
 * Python's rule in the kernel: once a statement has finished, nothing it created survives
 * except what is bound to a name or held by a live object, so `del` frees an array inside
 * the cell that deletes it (issue 16).
 *
 * Each case runs in a real kernel: an 8 MB array `a` (pages written, so they count in the
 * RSS) is made in one cell; the next cell measures, runs the case's statements, `del`s `a`
 * and measures again. What was freed is read twice: by the process view
 * (`psutil.virtualMemory().available`) and by the executor's resident set (VmRSS of its
 * /proc/PID/status). Both are compared with what CPython + NumPy free running the same
 * statements at module level (tracemalloc, after gc.collect()).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { withFreshKernel } from "./fresh-kernel";
import { pythonJson } from "./oracle";

interface Case {
  name: string;
  /** TypeScript statements, run between the first measurement and `del("a")`. */
  ts: string;
  /** The same in Python, run between the first measurement and `del a`. */
  py: string;
  /** Names the case binds, deleted after it. */
  binds?: string[];
}

const CASES: Case[] = [
  { name: "a call argument", ts: "np.isNDArray(a);", py: "isinstance(a, np.ndarray)" },
  { name: "a call argument, its result printed", ts: "console.log(np.isNDArray(a));", py: "print(isinstance(a, np.ndarray))" },
  { name: "a method receiver", ts: "a.sum();", py: "a.sum()" },
  { name: "a receiver and argument of a chain", ts: "np.add(a, 1).reshape([1000, 1000]).sum();", py: "np.add(a, 1).reshape(1000, 1000).sum()" },
  {
    name: "chained temporaries in a cell that declares a function",
    ts: "function chainHelper() { return 1; }\nlet chained = np.arange(0, 1e6).reshape([1000, 1000]).astype(\"float64\");",
    py: "def chain_helper():\n    return 1\nchained = np.arange(0, 10**6).reshape(1000, 1000).astype('float64')",
    binds: ["chained"],
  },
  { name: "the value of an expression statement", ts: "np.ones([1000, 1000]);\na;", py: "np.ones((1000, 1000))\na" },
  { name: "a const loop variable", ts: "for (const x of [a]) x.sum();", py: "for x in [a]:\n    x.sum()\ndel x" },
  {
    name: "temporaries made in each turn of a loop",
    ts: "for (let i = 0; i < 3; i++) { const t = np.ones([1000, 1000]); t.sum(); np.isNDArray(a); }",
    py: "for i in range(3):\n    t = np.ones((1000, 1000))\n    t.sum()\n    isinstance(a, np.ndarray)\ndel t",
  },
  {
    name: "try/catch around a call that throws",
    ts: "try { a.reshape([7, 7]); } catch (e) { String(e); }",
    py: "try:\n    a.reshape(7, 7)\nexcept ValueError as e:\n    str(e)",
  },
  {
    name: "try/catch/finally with the array in each part",
    ts: "try { np.isNDArray(a); throw new Error(\"boom\"); } catch (e) { a.sum(); } finally { np.isNDArray(a); }",
    py: "try:\n    isinstance(a, np.ndarray)\n    raise ValueError('boom')\nexcept ValueError:\n    a.sum()\nfinally:\n    isinstance(a, np.ndarray)",
  },
  {
    name: "await in the cell",
    ts: "await Promise.resolve(np.isNDArray(a));\nawait new Promise((r) => setTimeout(r, 5, a.sum()));",
    py: "import asyncio\nasync def ident(x):\n    return x\nasyncio.run(ident(isinstance(a, np.ndarray)))\nasyncio.run(ident(a.sum()))",
  },
  {
    name: "a cell that also declares a function and a class",
    ts: "function isBig(x: { size: number }) { return x.size > 10; }\nclass Holder { constructor(public n: number) {} }\nnew Holder(Number(isBig(a)));",
    py: "def is_big(x):\n    return x.size > 10\nclass Holder:\n    def __init__(self, n):\n        self.n = n\nHolder(int(is_big(a)))",
  },
];


/**
 * What CPython frees on `del a` after each case's statements (MB), by tracemalloc, which
 * NumPy reports its arrays' data to: exact, like the process view, where CPython's RSS moves
 * with glibc's adaptive mmap threshold.
 */
function pythonFreed(cases: Case[]): number[] {
  return pythonJson<number[]>(
    `
import asyncio, contextlib, gc, io, json, sys, tracemalloc
import numpy as np
def traced():
    gc.collect()
    return tracemalloc.get_traced_memory()[0]
tracemalloc.start()
out = []
for code in json.load(sys.stdin):
    g = {"np": np}
    exec("a = np.ones((1000, 1000))", g)
    t0 = traced()
    with contextlib.redirect_stdout(io.StringIO()):
        exec(code, g)
    exec("del a", g)
    out.append((t0 - traced()) / 2**20)
    g.clear()
print(json.dumps(out))`,
    JSON.stringify(cases.map((c) => c.py)),
  );
}

const PRELUDE = `import { readFileSync } from "node:fs";
/** [available by the process view, the executor's VmRSS], both in bytes. */
function freedProbe(): [number, number] {
  const available = psutil.virtualMemory().available;
  psutil.collectGarbage();
  const rss = Number(/^VmRSS:\\s+(\\d+) kB/m.exec(readFileSync("/proc/self/status", "utf8"))![1]) * 1024;
  return [available, rss];
}
function freedReport(p0: [number, number], p1: [number, number]): string {
  return JSON.stringify({ view: (p1[0] - p0[0]) / 2 ** 20, rss: (p0[1] - p1[1]) / 2 ** 20 });
}`;

test("del frees an array within the cell after each kind of statement, as in CPython (process view and executor RSS)", { timeout: 300_000 }, async (t) => {
  const expected = pythonFreed(CASES);
  await withFreshKernel("del-frees", async (run) => {
    await run(PRELUDE);
    // The executor's first cells after start-up free memory of their own (RSS): one
    // round unmeasured.
    await run(`let a = np.ones([1000, 1000]);`);
    await run(`const p0 = freedProbe();\n${CASES[0].ts}\ndel("a");\nconst p1 = freedProbe();`);
    const failures: string[] = [];
    for (const [i, c] of CASES.entries()) {
      await run("let a = np.ones([1000, 1000]);");
      // Measured in the cell, reported by the next: a statement after del that used many
      // registers could overwrite (and so free) what the case left in them.
      await run(`const p0 = freedProbe();\n${c.ts}\ndel("a");\nconst p1 = freedProbe();`);
      const got = JSON.parse(await run("console.log(freedReport(p0, p1));")) as { view: number; rss: number };
      const want = expected[i];
      t.diagnostic(`${c.name}: freed ${got.view.toFixed(3)} MB (process view), ${got.rss.toFixed(3)} MB (RSS), CPython ${want.toFixed(3)} MB`);
      // The process view is exact to a few kB; the RSS moves with allocator pages too.
      if (Math.abs(got.view - want) > 0.25) failures.push(`${c.name}: process view freed ${got.view.toFixed(3)} MB, CPython ${want.toFixed(3)} MB`);
      if (Math.abs(got.rss - want) > 0.5) failures.push(`${c.name}: executor RSS freed ${got.rss.toFixed(3)} MB, CPython ${want.toFixed(3)} MB`);
      if (c.binds) await run(`del(${c.binds.map((n) => JSON.stringify(n)).join(", ")});`);
    }
    assert.deepEqual(failures, []);
  });
  // The cases must be able to fail: CPython frees the array in all but the chain (where
  // the chain's result takes its place).
  for (const [i, c] of CASES.entries()) {
    if (!c.binds) assert.ok(expected[i] > 7, `${c.name}: CPython freed only ${expected[i].toFixed(3)} MB`);
  }
});

test("issue 16's cells: del after passing the array to a call frees it in the same cell, and the next cell frees nothing more", { timeout: 120_000 }, async () => {
  await withFreshKernel("del-frees", async (run) => {
    // Ones, not zeros: an array of zeros holds no pages until written (test/unwritten-pages.test.ts).
    await run("let d = np.ones([1000, 1000]);\nconst dBytes = d.nbytes;");
    const inCell = Number((await run("const m = psutil.virtualMemory().available;\nconsole.log(np.isNDArray(d)); del(\"d\");\nconsole.log((psutil.virtualMemory().available - m) / 2 ** 20);")).split("\n")[1]);
    const nextCell = Number(await run("console.log((psutil.virtualMemory().available - m) / 2 ** 20);"));
    const size = Number(await run("dBytes / 2 ** 20"));
    assert.ok(Math.abs(inCell - size) <= 0.05, `the cell freed ${inCell} MB, the array holds ${size} MB`);
    assert.ok(Math.abs(nextCell - inCell) <= 0.05, `the next cell freed ${nextCell - inCell} MB more`);
  });
});

