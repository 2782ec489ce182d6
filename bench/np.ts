/**
 * lazylab's eager arrays vs NumPy on n×n float64 (4000² = 128 MB), ns per element.
 *
 *   npm run build && node dist/bench/np.js [n=4000] [runs=5] [--interleaved] [--collected]
 *
 * Both sides run the same statements on the same data (`x` = `default_rng(1).standard_normal`,
 * bit-identical on both sides) with the same algorithms: `x**2` is `x*x` on both (NumPy's
 * `x ** 2` operator takes its square fast path, lazylab's `pow(2)` multiplies), random draws
 * are PCG64 + NumPy's ziggurat on both, and each draw row allocates a new array on both sides
 * or fills the same preallocated `out` on both. NumPy runs beside lazylab in a Python process
 * that times one statement on request, so both sides of a ratio see the same moments of a
 * shared machine. Each row: one untimed warm-up call per side, then `runs` timed calls per side.
 *
 * Configuration (default: **kernel**): lazylab runs in an executor-like process — the
 * executor's V8 flags (kernel/executor/supervisor.ts's EXECUTOR_FLAGS and heap limit), its
 * environment (executorEnvironment), the preloaded globals and the library's warm-up as
 * kernel/executor/main.ts does them — and the benchmark adds no garbage collection of its own:
 * the collections lib/np runs before large buffers are inside the timed calls, and each
 * statement's previous result stays alive until the statement rebinds it, as when a notebook
 * cell is re-run (`r = x ** 2` in Python frees the old `r` after the new one is made, the
 * same on both sides). `--collected`: both sides drop the previous result and collect garbage
 * (untimed) before each call (gc.collect() on NumPy's side; there reference counting has
 * freed the result already).
 *
 * Order (default: **grouped**): each row's runs back to back, row after row. `--interleaved`:
 * the rows take turns within each run; on this VM that slows NumPy's writes into its
 * long-lived `out` and `touched` arrays 3-10×, so it is not the headline mode.
 *
 * Checks: after the warm-up call and after the last timed call of each row, both sides'
 * results are compared (shape, dtype, and the bytes by SHA-1; when they differ the values),
 * bit for bit except `np.exp` (lazylab's vectorised exp on AVX-512 CPUs is within 1 ulp of
 * glibc, NumPy's SVML within 2: allowed 3 ulp) — a mismatch stops the script (BenchMismatch).
 *
 * `LAZYLAB_BENCH_OPS=standard_normal,random` keeps only the rows whose label contains one of
 * the comma-separated words. NumPy runs in Debian's python3 (LAZYLAB_PYTHON overrides), timed
 * with perf_counter_ns; lazylab with process.hrtime. Ratio = NumPy time / lazylab time of the
 * medians: above 1 lazylab is faster.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import * as library from "../lib";
import { PRELOADED } from "../lib/globals";
import { NDArray } from "../lib/np/ndarray";
import { collectGarbage } from "../lib/psutil/footprint";
import { EXECUTOR_FLAGS, executorEnvironment, heapLimitFlags } from "../kernel/executor/supervisor";
import { native } from "../lib/np/native";
import { allRuns, BenchMismatch, check, describeTolerance, digest, formatSpread, header, load, pythonVersions, spread, type Tolerance } from "./report";

const { np } = library;

// Run lazylab's side in an executor-like process: the executor's flags and environment.
if (!process.env.LAZYLAB_BENCH_EXECUTOR) {
  const env = { ...executorEnvironment(process.env), LAZYLAB_BENCH_EXECUTOR: "1" };
  const r = spawnSync(process.execPath, [...EXECUTOR_FLAGS, ...heapLimitFlags(process.env), __filename, ...process.argv.slice(2)], { env, stdio: "inherit" });
  process.exit(r.status ?? 1);
}

const flags = process.argv.slice(2).filter((a) => a.startsWith("--"));
const positional = process.argv.slice(2).filter((a) => !a.startsWith("--"));
for (const f of flags) if (f !== "--interleaved" && f !== "--collected") throw new Error(`np.js: unknown option ${f} (--interleaved, --collected)`);
const n = Number(positional[0] ?? 4000);
const runs = Number(positional[1] ?? 5);
if (!Number.isInteger(n) || n < 4 || !Number.isInteger(runs) || runs < 1) throw new Error(`np.js: n must be an integer ≥ 4 and runs ≥ 1, got ${positional.join(" ")}`);
const order = flags.includes("--interleaved") ? "interleaved" : "grouped";
const configuration = flags.includes("--collected") ? "collected" : "kernel";
const PYTHON = process.env.LAZYLAB_PYTHON ?? "/usr/bin/python3";
/** The smaller draw of the table (1000² beside 4000²). */
const m = Math.max(2, Math.round(n / 4));

// What the executor does before the first cell (kernel/executor/main.ts): preload, warm up.
const g = globalThis as Record<string, unknown>;
for (const name of PRELOADED) g[name] = (library as Record<string, unknown>)[name];
(library as { warmUp?: () => void }).warmUp?.();

const rng = np.random.defaultRng(1);
const x = rng.standardNormal([n, n]);
const out = np.zeros([n, n]);
const touched = np.zeros([n, n]).fill(0.5);
/** The statement's result variable (`r` on NumPy's side). */
let sink: unknown;

interface Op {
  label: string;
  /** The NumPy statement (x, out, touched, g, n, m defined), whose result is `result`. */
  numpy: string;
  result: "r" | "out" | "touched";
  /** lazylab's statement; returns what it computed. */
  ours: () => unknown;
  elements: number;
  tolerance: Tolerance;
}

const BITS: Tolerance = { bits: true };
const set = (v: unknown) => (sink = v);
const ALL_OPS: Op[] = [
  { label: "x**2 (new array)", numpy: "r = x ** 2", result: "r", ours: () => set(x.pow(2)), elements: n * n, tolerance: BITS },
  // NumPy's `x ** 2` runs np.square; lazylab's pow(2) multiplies: both x*x. (np.power(x, 2)
  // calls pow() per element, which lazylab has no separate path for: not compared.)
  { label: "x**2 into out (np.square)", numpy: "np.square(x, out=out)", result: "out", ours: () => x.pow(2, out), elements: n * n, tolerance: BITS },
  { label: "x * x (new array)", numpy: "r = x * x", result: "r", ours: () => set(x.mul(x)), elements: n * n, tolerance: BITS },
  { label: "x.sum(axis=-1)", numpy: "r = x.sum(axis=-1)", result: "r", ours: () => set(x.sum({ axis: -1 })), elements: n * n, tolerance: BITS },
  { label: "(x**2).sum(axis=-1) eager", numpy: "r = (x ** 2).sum(axis=-1)", result: "r", ours: () => set(x.pow(2).sum({ axis: -1 })), elements: n * n, tolerance: BITS },
  { label: `standard_normal ${n}² (new)`, numpy: "r = g.standard_normal((n, n))", result: "r", ours: () => set(rng.standardNormal([n, n])), elements: n * n, tolerance: BITS },
  { label: `standard_normal ${m}² (new)`, numpy: "r = g.standard_normal((m, m))", result: "r", ours: () => set(rng.standardNormal([m, m])), elements: m * m, tolerance: BITS },
  { label: "standard_normal into out", numpy: "g.standard_normal(out=out)", result: "out", ours: () => rng.bitGenerator.fillStandardNormal(out.data as Float64Array) && out, elements: n * n, tolerance: BITS },
  { label: "random (new)", numpy: "r = g.random((n, n))", result: "r", ours: () => set(rng.random([n, n])), elements: n * n, tolerance: BITS },
  { label: "random into out", numpy: "g.random(out=out)", result: "out", ours: () => rng.bitGenerator.fillRandom(out.data as Float64Array) && out, elements: n * n, tolerance: BITS },
  { label: "zeros + fill(1) (1st touch)", numpy: "r = np.zeros((n, n)); r.fill(1)", result: "r", ours: () => set(np.zeros([n, n]).fill(1)), elements: n * n, tolerance: BITS },
  { label: "fill(1) touched buffer", numpy: "touched.fill(1)", result: "touched", ours: () => touched.fill(1), elements: n * n, tolerance: BITS },
  { label: "x + touched (new array)", numpy: "r = x + touched", result: "r", ours: () => set(x.add(touched)), elements: n * n, tolerance: BITS },
  { label: "x > 0 (new bool array)", numpy: "r = x > 0", result: "r", ours: () => set(x.gt(0)), elements: n * n, tolerance: BITS },
  { label: "np.exp(x) into out", numpy: "np.exp(x, out=out)", result: "out", ours: () => np.exp(x, out), elements: n * n, tolerance: { ulps: 3 } },
  { label: "x.sum(axis=0)", numpy: "r = x.sum(axis=0)", result: "r", ours: () => set(x.sum(0)), elements: n * n, tolerance: BITS },
  { label: "x.max()", numpy: "r = x.max()", result: "r", ours: () => set(x.max()), elements: n * n, tolerance: BITS },
  { label: "x.min(axis=-1)", numpy: "r = x.min(axis=-1)", result: "r", ours: () => set(x.min(-1)), elements: n * n, tolerance: BITS },
  { label: "x.argmax()", numpy: "r = x.argmax()", result: "r", ours: () => set(x.argmax()), elements: n * n, tolerance: BITS },
  { label: "x.mean()", numpy: "r = x.mean()", result: "r", ours: () => set(x.mean()), elements: n * n, tolerance: BITS },
  { label: "x.std()", numpy: "r = x.std()", result: "r", ours: () => set(x.std()), elements: n * n, tolerance: BITS },
  { label: "(x > 0).sum()", numpy: "r = (x > 0).sum()", result: "r", ours: () => set(x.gt(0).sum()), elements: n * n, tolerance: BITS },
  { label: "x.astype(float32)", numpy: "r = x.astype(np.float32)", result: "r", ours: () => set(x.astype("float32")), elements: n * n, tolerance: BITS },
  { label: "x.T.copy()", numpy: "r = x.T.copy()", result: "r", ours: () => set(x.T.copy()), elements: n * n, tolerance: BITS },
];

const only = process.env.LAZYLAB_BENCH_OPS?.split(",").filter((w) => w !== "");
const OPS = only ? ALL_OPS.filter(({ label }) => only.some((w) => label.includes(w))) : ALL_OPS;
if (OPS.length === 0) throw new Error(`LAZYLAB_BENCH_OPS=${process.env.LAZYLAB_BENCH_OPS} matches no operation`);

/** Times lazylab's statement i once (ns/element); returns the time and what it computed. */
function ours(i: number): [number, unknown] {
  if (configuration === "collected") {
    sink = undefined;
    collectGarbage();
  }
  const t = process.hrtime.bigint();
  const result = OPS[i].ours();
  return [Number(process.hrtime.bigint() - t) / OPS[i].elements, result];
}

interface Described {
  shape: number[];
  dtype: string;
  sha1: string;
}

/**
 * NumPy in a Python process that runs one request per stdin line: `t i` times statement i
 * (ns/element), `c i` describes its result (shape, dtype, SHA-1 of the bytes as lazylab stores
 * them: int64 as float64), `d i PATH` writes the result's values as float64 to PATH.
 */
function startNumpy(): { ask(line: string): Promise<string>; close(): void } {
  const code = `
import gc, hashlib, json, sys, time
import numpy as np
n, m, collected = ${n}, ${m}, ${configuration === "collected" ? "True" : "False"}
g = np.random.default_rng(1)
x = g.standard_normal((n, n))
out = np.zeros((n, n))
touched = np.zeros((n, n)); touched.fill(0.5)
ops = ${JSON.stringify(OPS.map((o) => [o.numpy, o.result, o.elements]))}
codes = [compile(s, "<op>", "exec") for s, _, _ in ops]
env = dict(np=np, g=g, x=x, out=out, touched=touched, n=n, m=m, r=None)
def run(i):
    if collected:
        env["r"] = None
        gc.collect()
    t = time.perf_counter_ns()
    exec(codes[i], env)
    return (time.perf_counter_ns() - t) / ops[i][2]
def result(i):
    a = np.asarray(env[ops[i][1]])
    stored = a.astype(np.float64) if a.dtype == np.int64 else a
    return a, np.ascontiguousarray(stored)
print("ready", flush=True)
for line in sys.stdin:
    w = line.split()
    i = int(w[1])
    if w[0] == "t":
        print(run(i), flush=True)
    elif w[0] == "c":
        a, s = result(i)
        print(json.dumps({"shape": list(a.shape), "dtype": str(a.dtype), "sha1": hashlib.sha1(s.tobytes()).hexdigest()}), flush=True)
    else:
        result(i)[0].astype(np.float64).tofile(w[2])
        print("ok", flush=True)
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
    async ask(line) {
      await ready;
      child.stdin!.write(`${line}\n`);
      return next();
    },
    close: () => child.stdin!.end(),
  };
}

const scratch = mkdtempSync(path.join(tmpdir(), "lazylab-bench-np-"));

/** Compares lazylab's result of row i with NumPy's; throws BenchMismatch beyond the tolerance. */
async function compare(py: ReturnType<typeof startNumpy>, i: number, mine: unknown): Promise<string> {
  const op = OPS[i];
  const theirs = JSON.parse(await py.ask(`c ${i}`)) as Described;
  // A JavaScript number has no dtype: it is compared with NumPy's scalar by value (as float64).
  if (!(mine instanceof NDArray) && typeof mine !== "number") throw new BenchMismatch(op.label, `lazylab returned ${typeof mine}`);
  const shape = mine instanceof NDArray ? mine.shape : [];
  if (JSON.stringify(shape) !== JSON.stringify(theirs.shape) || (mine instanceof NDArray && mine.dtype !== theirs.dtype)) {
    throw new BenchMismatch(op.label, `lazylab ${mine instanceof NDArray ? mine.dtype : "number"} [${shape}], NumPy ${theirs.dtype} [${theirs.shape}]`);
  }
  const data = mine instanceof NDArray ? mine.toContiguous() : new Float64Array([mine]);
  if (digest(data) === theirs.sha1) return "bit-identical";
  const file = path.join(scratch, `r${i}.f64`);
  await py.ask(`d ${i} ${file}`);
  const bytes = readFileSync(file);
  rmSync(file);
  const values = new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
  return check(op.label, Float64Array.from(data as ArrayLike<number>), values, op.tolerance);
}

async function main(): Promise<void> {
  const py = startNumpy();
  const versions = `lazylab (native loops ${native ? "on" : "off"}), ${pythonVersions(PYTHON, ["numpy"])}`;
  console.log(header(`np: ${n}×${n} float64, ${runs} runs per row, ${order}, ${configuration} configuration, ns/element`, versions));
  const mine = OPS.map((): number[] => []);
  const theirs = OPS.map((): number[] => []);
  const checks = OPS.map((): string[] => []);
  const both = async (i: number, record: boolean, checked: boolean) => {
    const [a, result] = ours(i);
    const b = Number(await py.ask(`t ${i}`));
    if (record) {
      mine[i].push(a);
      theirs[i].push(b);
    }
    if (checked) checks[i].push(await compare(py, i, result));
  };
  try {
    if (order === "grouped") {
      for (let i = 0; i < OPS.length; i++) {
        await both(i, false, true);
        for (let r = 0; r < runs; r++) await both(i, true, r === runs - 1);
      }
    } else {
      for (let i = 0; i < OPS.length; i++) await both(i, false, true);
      for (let r = 0; r < runs; r++) for (let i = 0; i < OPS.length; i++) await both(i, true, r === runs - 1);
    }
  } finally {
    py.close();
    rmSync(scratch, { recursive: true, force: true });
  }
  void sink;
  console.log(`load after (1/5/15 min): ${load()}`);
  console.log(`${"operation".padEnd(32)}${"lazylab median (min-max)".padStart(26)}${"NumPy median (min-max)".padStart(26)}${"NumPy/lazylab".padStart(15)}  result check`);
  OPS.forEach(({ label, tolerance }, i) => {
    const ratio = spread(theirs[i]).median / spread(mine[i]).median;
    const found = [...new Set(checks[i])].join("; ");
    console.log(`${label.padEnd(32)}${formatSpread(mine[i]).padStart(26)}${formatSpread(theirs[i]).padStart(26)}${(ratio.toFixed(2) + "×").padStart(15)}  ${found} (required: ${describeTolerance(tolerance)})`);
  });
  console.log("all runs, ns/element (lazylab | NumPy):");
  OPS.forEach(({ label }, i) => console.log(`  ${label.padEnd(30)} ${allRuns(mine[i])} | ${allRuns(theirs[i])}`));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
