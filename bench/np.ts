/**
 * lazylab's eager arrays vs NumPy on 4000×4000 float64 (128 MB), ns per element,
 * under the executor's V8 flags and environment (the script re-runs itself with them).
 *
 *   npm run build && node dist/bench/np.js [n=4000] [runs=5] [interleaved|grouped]
 *
 * Operations: `x**2` (a new array, and into a preallocated `out`: NumPy's `np.square(x,
 * out=out)`, which is what its `x ** 2` runs, and `np.power(x, 2, out=out)`, which skips that
 * fast path), row sums
 * `x.sum(axis=-1)`, `standard_normal((n, n))` (a new array, and into a preallocated buffer),
 * and the cost of a fresh buffer's first touch (`zeros` then `fill(1)`) beside `fill(1)` of
 * a buffer already touched; then the other common elementwise operations and reductions
 * (a sum of two arrays, a comparison, exp, column sums, max/min/argmax, mean, std, the sum of
 * a comparison, a cast, a transposed copy). `LAZYLAB_BENCH_OPS=standard_normal,random` keeps
 * only the operations whose label contains one of the comma-separated words. Each figure is the median of `runs` timed calls after one
 * warm-up call. NumPy runs beside lazylab in a Python process that times one statement on
 * request: each lazylab call is followed by the same NumPy statement, so both sides of a ratio
 * see the same moments of a shared machine. By default the operations take turns within each
 * run so machine noise spreads evenly; `grouped` times each operation's runs back to back. (On this VM NumPy's
 * writes into its long-lived `out` and `touched` arrays are 3-10× slower when operations
 * alternate than back to back; likely the kernel compacting memory for the huge pages NumPy
 * madvises its fresh 128 MB arrays for.)
 * Garbage is collected (untimed) before each call so freed 128 MB buffers are really
 * gone. NumPy runs in Debian's python3 (LAZYLAB_PYTHON overrides), timed with perf_counter_ns.
 * Ratio = NumPy time / lazylab time: above 1 lazylab is faster.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { createInterface } from "node:readline";
import { np } from "../lib";
import { collectGarbage } from "../lib/psutil/footprint";
import { EXECUTOR_FLAGS, executorEnvironment } from "../kernel/executor/supervisor";
import { native } from "../lib/np/native";

// Measure what a notebook cell gets: re-run under the executor's V8 flags and environment.
if (!process.env.LAZYLAB_BENCH_EXECUTOR) {
  const env = { ...executorEnvironment(process.env), LAZYLAB_BENCH_EXECUTOR: "1" };
  const r = spawnSync(process.execPath, [...EXECUTOR_FLAGS, __filename, ...process.argv.slice(2)], { env, stdio: "inherit" });
  process.exit(r.status ?? 1);
}

const n = Number(process.argv[2] ?? 4000);
const runs = Number(process.argv[3] ?? 5);
const mode = process.argv[4] ?? "interleaved";
if (mode !== "interleaved" && mode !== "grouped") throw new Error(`mode must be interleaved or grouped, got ${mode}`);
const PYTHON = process.env.LAZYLAB_PYTHON ?? "/usr/bin/python3";
const size = n * n;

const rng = np.random.defaultRng(1);
const x = rng.standardNormal([n, n]);
const out = np.zeros([n, n]);
const touched = np.zeros([n, n]).fill(0.5);
let sink: unknown;

/** [label, NumPy statement (x, out, touched, g defined), lazylab call]. */
const ALL_OPS: [string, string, () => void][] = [
  ["x**2 (new array)", "r = x ** 2", () => (sink = x.pow(2))],
  // NumPy's `x ** 2` operator takes the square fast path; np.power(x, 2, out=...) does not.
  ["x**2 into out (np.square)", "np.square(x, out=out)", () => x.pow(2, out)],
  ["x**2 into out (np.power)", "np.power(x, 2, out=out)", () => x.pow(2, out)],
  ["x.sum(axis=-1)", "r = x.sum(axis=-1)", () => (sink = x.sum({ axis: -1 }))],
  ["standard_normal (new)", "r = g.standard_normal((n, n))", () => (sink = rng.standardNormal([n, n]))],
  ["standard_normal into out", "g.standard_normal(out=out)", () => rng.bitGenerator.fillStandardNormal(out.data as Float64Array)],
  ["random into out", "g.random(out=out)", () => rng.bitGenerator.fillRandom(out.data as Float64Array)],
  ["zeros + fill(1) (1st touch)", "r = np.zeros((n, n)); r.fill(1)", () => (sink = np.zeros([n, n]).fill(1))],
  ["fill(1) touched buffer", "touched.fill(1)", () => touched.fill(1)],
  // The rest of "elementwise and reductions": each a new result, as a cell would write it.
  ["x + touched (new array)", "r = x + touched", () => (sink = x.add(touched))],
  ["x > 0 (new bool array)", "r = x > 0", () => (sink = x.gt(0))],
  ["np.exp(x) into out", "np.exp(x, out=out)", () => np.exp(x, out)],
  ["x.sum(axis=0)", "r = x.sum(axis=0)", () => (sink = x.sum(0))],
  ["x.max()", "r = x.max()", () => (sink = x.max())],
  ["x.min(axis=-1)", "r = x.min(axis=-1)", () => (sink = x.min(-1))],
  ["x.argmax()", "r = x.argmax()", () => (sink = x.argmax())],
  ["x.mean()", "r = x.mean()", () => (sink = x.mean())],
  ["x.std()", "r = x.std()", () => (sink = x.std())],
  ["(x > 0).sum()", "r = (x > 0).sum()", () => (sink = x.gt(0).sum())],
  ["x.astype(float32)", "r = x.astype(np.float32)", () => (sink = x.astype("float32"))],
  ["x.T.copy()", "r = x.T.copy()", () => (sink = x.T.copy())],
];

const only = process.env.LAZYLAB_BENCH_OPS?.split(",").filter((w) => w !== "");
const OPS = only ? ALL_OPS.filter(([label]) => only.some((w) => label.includes(w))) : ALL_OPS;
if (OPS.length === 0) throw new Error(`LAZYLAB_BENCH_OPS=${process.env.LAZYLAB_BENCH_OPS} matches no operation`);

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Times lazylab's operation i once (ns/element), after an untimed garbage collection. */
function ours(i: number): number {
  sink = undefined;
  collectGarbage();
  const t = process.hrtime.bigint();
  OPS[i][2]();
  return Number(process.hrtime.bigint() - t) / size;
}

/**
 * NumPy in a Python process that times one statement per request (a line with its index on
 * stdin, the ns/element on stdout), so both sides of a ratio are measured in the same moments
 * of a machine whose load changes from second to second.
 */
function startNumpy(): { time(i: number): Promise<number>; close(): void } {
  const code = `
import gc, sys, time
import numpy as np
n = ${n}
g = np.random.default_rng(1)
x = g.standard_normal((n, n))
out = np.zeros((n, n))
touched = np.zeros((n, n)); touched.fill(0.5)
stmts = ${JSON.stringify(OPS.map(([, stmt]) => stmt))}
codes = [compile(s, "<op>", "exec") for s in stmts]
env = dict(np=np, g=g, x=x, out=out, touched=touched, n=n)
def run(c):
    env["r"] = None
    gc.collect()
    t = time.perf_counter_ns()
    exec(c, env)
    return (time.perf_counter_ns() - t) / (n * n)
print("ready", flush=True)
for line in sys.stdin:
    print(run(codes[int(line)]), flush=True)
`;
  const child = spawn(PYTHON, ["-c", code], { stdio: ["pipe", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async (): Promise<string> => {
    const r = await lines.next();
    if (r.done) throw new Error("the NumPy process ended early");
    return r.value;
  };
  const ready = next();
  return {
    async time(i) {
      await ready;
      child.stdin!.write(`${i}\n`);
      return Number(await next());
    },
    close: () => child.stdin!.end(),
  };
}

async function main(): Promise<void> {
  const version = execFileSync(PYTHON, ["-c", "import numpy; print(numpy.__version__)"], { encoding: "utf8" }).trim();
  const py = startNumpy();
  const mine = OPS.map((): number[] => []);
  const theirs = OPS.map((): number[] => []);
  const both = async (i: number, record: boolean) => {
    const a = ours(i);
    const b = await py.time(i);
    if (record) {
      mine[i].push(a);
      theirs[i].push(b);
    }
  };
  for (let i = 0; i < OPS.length; i++) await both(i, false); // warm-up
  if (mode === "grouped") {
    for (let i = 0; i < OPS.length; i++) for (let r = 0; r < runs; r++) await both(i, true);
  } else {
    for (let r = 0; r < runs; r++) for (let i = 0; i < OPS.length; i++) await both(i, true);
  }
  py.close();
  void sink;
  console.log(`${n}×${n} float64, median of ${runs} runs (${mode}), ns/element; NumPy ${version}, Node ${process.version}, native loops ${native ? "on" : "off"}`);
  console.log(`${"operation".padEnd(30)}${"lazylab".padStart(9)}${"NumPy".padStart(9)}${"NumPy/lazylab".padStart(15)}`);
  OPS.forEach(([label], i) => {
    const a = median(mine[i]);
    const b = median(theirs[i]);
    console.log(`${label.padEnd(30)}${a.toFixed(3).padStart(9)}${b.toFixed(3).padStart(9)}${((b / a).toFixed(2) + "×").padStart(15)}`);
  });
}

void main();
