/**
 * lazylab's eager arrays vs NumPy on n×n float64 (4000² = 128 MB), ns per element (the small-array rows: ns per call).
 *
 *   npm run build && node dist/bench/np.js [n=4000] [runs=5] [--interleaved] [--collected | --cells]
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
 * kernel/executor/main.ts does them, each statement a script run in this context as the
 * executor runs a cell — and the benchmark adds no garbage collection of its own:
 * the collections lib/np runs before large buffers are inside the timed calls, and each
 * statement's previous result stays alive until the statement rebinds it, as when a notebook
 * cell is re-run (`r = x ** 2` in Python frees the old `r` after the new one is made, the
 * same on both sides). `--collected`: both sides drop the previous result and collect garbage
 * (untimed) before each call (gc.collect() on NumPy's side; there reference counting has
 * freed the result already). `--cells`: lazylab's statements run as cells in a real lazylab
 * kernel (started with jupyter_client from the kernelspec `lazylab install` writes), each cell
 * reading the clock around its statement; the same statements' source serves both.
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
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import vm from "node:vm";
import * as library from "../lib";
import { PRELOADED } from "../lib/globals";
import { NDArray } from "../lib/np/ndarray";
import { collectGarbage } from "../lib/psutil/footprint";
import { kernelSpec } from "../kernel/install/kernelspec";
import { native } from "../lib/np/native";
import { allRuns, BenchMismatch, check, describeTolerance, digest, formatSpread, header, lazylabVersion, load, pythonChild, pythonVersions, runLikeExecutor, spread, type Tolerance } from "./report";

const { np } = library;

// Run lazylab's side in an executor-like process: the executor's flags and environment.
runLikeExecutor(__filename);

const flags = process.argv.slice(2).filter((a) => a.startsWith("--"));
const positional = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const OPTIONS = ["--interleaved", "--collected", "--cells"];
for (const f of flags) if (!OPTIONS.includes(f)) throw new Error(`np.js: unknown option ${f} (${OPTIONS.join(", ")})`);
const n = Number(positional[0] ?? 4000);
const runs = Number(positional[1] ?? 5);
if (!Number.isInteger(n) || n < 4 || !Number.isInteger(runs) || runs < 1) throw new Error(`np.js: n must be an integer ≥ 4 and runs ≥ 1, got ${positional.join(" ")}`);
const order = flags.includes("--interleaved") ? "interleaved" : "grouped";
const configuration = flags.includes("--cells") ? "cells" : flags.includes("--collected") ? "collected" : "kernel";
if (flags.includes("--cells") && flags.includes("--collected")) throw new Error("np.js: --cells and --collected exclude each other");
const PYTHON = process.env.LAZYLAB_PYTHON ?? "/usr/bin/python3";
/** The smaller draw of the issue's table (1000² beside 4000²). */
const m = Math.max(2, Math.round(n / 4));

interface Op {
  label: string;
  /** The NumPy statement (x, out, touched, g, n, m defined), whose result is `result`. */
  numpy: string;
  /** lazylab's statement, valid as JavaScript and as a TypeScript cell (x, out, out64, touched, rng, n, m, v4, v5, s1, s2, r defined). */
  cell: string;
  /** The variable holding what the statement computed, on both sides. */
  result: "r" | "out" | "touched";
  elements: number;
  tolerance: Tolerance;
}

const BITS: Tolerance = { bits: true };
const row = (label: string, numpy: string, cell: string, result: Op["result"], elements = n * n, tolerance: Tolerance = BITS): Op => ({ label, numpy, cell, result, elements, tolerance });
const ALL_OPS: Op[] = [
  row("x**2 (new array)", "r = x ** 2", "r = x.pow(2)", "r"),
  // NumPy's `x ** 2` runs np.square; lazylab's pow(2) multiplies: both x*x. (np.power(x, 2)
  // calls pow() per element, which lazylab has no separate path for: not compared.)
  row("x**2 into out (np.square)", "np.square(x, out=out)", "x.pow(2, out)", "out"),
  row("x * x (new array)", "r = x * x", "r = x.mul(x)", "r"),
  row("x.sum(axis=-1)", "r = x.sum(axis=-1)", "r = x.sum({ axis: -1 })", "r"),
  row("(x**2).sum(axis=-1) eager", "r = (x ** 2).sum(axis=-1)", "r = x.pow(2).sum({ axis: -1 })", "r"),
  row(`standard_normal ${n}² (new)`, "r = g.standard_normal((n, n))", "r = rng.standardNormal([n, n])", "r"),
  row(`standard_normal ${m}² (new)`, "r = g.standard_normal((m, m))", "r = rng.standardNormal([m, m])", "r", m * m),
  row("standard_normal into out", "g.standard_normal(out=out)", "rng.bitGenerator.fillStandardNormal(out64)", "out"),
  row("random (new)", "r = g.random((n, n))", "r = rng.random([n, n])", "r"),
  row("random into out", "g.random(out=out)", "rng.bitGenerator.fillRandom(out64)", "out"),
  row("zeros + fill(1) (1st touch)", "r = np.zeros((n, n)); r.fill(1)", "r = np.zeros([n, n]).fill(1)", "r"),
  row("fill(1) touched buffer", "touched.fill(1)", "touched.fill(1)", "touched"),
  row("x + touched (new array)", "r = x + touched", "r = x.add(touched)", "r"),
  row("x > 0 (new bool array)", "r = x > 0", "r = x.gt(0)", "r"),
  row("np.exp(x) into out", "np.exp(x, out=out)", "np.exp(x, out)", "out", n * n, { ulps: 3 }),
  row("x.sum(axis=0)", "r = x.sum(axis=0)", "r = x.sum(0)", "r"),
  row("x.max()", "r = x.max()", "r = x.max()", "r"),
  row("x.min(axis=-1)", "r = x.min(axis=-1)", "r = x.min(-1)", "r"),
  row("x.argmax()", "r = x.argmax()", "r = x.argmax()", "r"),
  row("x.mean()", "r = x.mean()", "r = x.mean()", "r"),
  row("x.std()", "r = x.std()", "r = x.std()", "r"),
  row("(x > 0).sum()", "r = (x > 0).sum()", "r = x.gt(0).sum()", "r"),
  row("x.astype(float32)", "r = x.astype(np.float32)", "r = x.astype(\"float32\")", "r"),
  row("x.T.copy()", "r = x.T.copy()", "r = x.T.copy()", "r"),
  row("x32.T.copy() (float32)", "r = x32.T.copy()", "r = x32.T.copy()", "r"),
  // Mid-size arrays, where the cost of a call and of fresh memory shows: a loop of 100 (10 for
  // 10⁵) new arrays, each side's statement the same loop.
  row("x * 2, 10⁴ elements (new array, ×100)", "for _ in range(100): r = v4 * 2", "for (let i = 0; i < 100; i++) r = v4.mul(2)", "r", 100 * 10_000),
  row("x * 2, 10⁵ elements (new array, ×10)", "for _ in range(10): r = v5 * 2", "for (let i = 0; i < 10; i++) r = v5.mul(2)", "r", 10 * 100_000),
  // Small arrays, where a call's own cost is all there is: loops of 1000 calls, figures in ns
  // per call (s1 = 10 elements, s2 = 20x30). The first row is the loop alone, on each side.
  ...([
    ["loop alone", "r = s1", "r = s1"],
    ["s2.T (view)", "r = s2.T", "r = s2.T"],
    ["s2[1:5] (view)", "r = s2[1:5]", "r = s2.get(\"1:5\")"],
    ["s2.copy()", "r = s2.copy()", "r = s2.copy()"],
    ["s2.sum()", "r = s2.sum()", "r = s2.sum()"],
    ["s1 * 2 (new array)", "r = s1 * 2", "r = s1.mul(2)"],
    ["s1 + s1 (new array)", "r = s1 + s1", "r = s1.add(s1)"],
    ["np.zeros(10)", "r = np.zeros(10)", "r = np.zeros([10])"],
  ] as const).map(([label, numpy, cell]) => row(`${label}, small (ns per call, ×1000)`, `for _ in range(1000): ${numpy}`, `for (let i = 0; i < 1000; i++) ${cell}`, "r", 1000)),
];

const only = process.env.LAZYLAB_BENCH_OPS?.split(",").filter((w) => w !== "");
const OPS = only ? ALL_OPS.filter(({ label }) => only.some((w) => label.includes(w))) : ALL_OPS;
if (OPS.length === 0) throw new Error(`LAZYLAB_BENCH_OPS=${process.env.LAZYLAB_BENCH_OPS} matches no operation`);

/** What one side computed: its shape, dtype and the SHA-1 of its bytes as lazylab stores them. */
interface Described {
  shape: number[];
  dtype: string;
  sha1: string;
}

/** One side of the comparison: times statement i, describes and dumps (as float64) its result. */
interface Side {
  time(i: number): Promise<number>;
  describe(i: number): Promise<Described>;
  dump(i: number, file: string): Promise<void>;
  close(): void;
}

/**
 * NumPy in a Python process that runs one request per stdin line: `t i` times statement i
 * (ns/element), `c i` describes its result (shape, dtype, SHA-1 of the bytes as lazylab stores
 * them: int64 as float64), `d i PATH` writes the result's values as float64 to PATH.
 */
function numpySide(): Side {
  const code = `
import gc, hashlib, json, sys, time
import numpy as np
n, m, collected = ${n}, ${m}, ${configuration === "collected" ? "True" : "False"}
g = np.random.default_rng(1)
x = g.standard_normal((n, n))
out = np.zeros((n, n))
touched = np.zeros((n, n)); touched.fill(0.5)
v4, v5 = x.ravel()[:10**4].copy(), x.ravel()[:10**5].copy()
s1, s2 = x.ravel()[:10].copy(), x[:20, :30].copy()
x32 = x.astype(np.float32)
ops = ${JSON.stringify(OPS.map((o) => [o.numpy, o.result, o.elements]))}
codes = [compile(s, "<op>", "exec") for s, _, _ in ops]
env = dict(np=np, g=g, x=x, out=out, touched=touched, n=n, m=m, r=None, v4=v4, v5=v5, s1=s1, s2=s2, x32=x32)
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
  const py = pythonChild(PYTHON, code);
  return {
    time: async (i) => Number(await py.ask(`t ${i}`)),
    describe: async (i) => JSON.parse(await py.ask(`c ${i}`)) as Described,
    dump: async (i, file) => void (await py.ask(`d ${i} ${file}`)),
    close: () => py.close(),
  };
}

/** A result as lazylab stores it: a JavaScript number has no dtype and is compared as float64. */
function stored(v: unknown): { shape: number[]; dtype: string; data: ArrayBufferView & ArrayLike<number> } {
  if (v instanceof NDArray) return { shape: [...v.shape], dtype: v.dtype, data: v.toContiguous() };
  if (typeof v === "number") return { shape: [], dtype: "number", data: new Float64Array([v]) };
  throw new Error(`a lazylab statement left ${typeof v}, not an array or a number`);
}

/**
 * lazylab in this process, configured as the executor (flags, environment, preloaded globals,
 * warm-up); each statement a script run in this context, as the executor runs a cell.
 */
function inProcessSide(): Side {
  const g = globalThis as Record<string, unknown>;
  for (const name of PRELOADED) g[name] = (library as Record<string, unknown>)[name];
  (library as { warmUp?: () => void }).warmUp?.();
  const rng = np.random.defaultRng(1);
  const x = rng.standardNormal([n, n]);
  const out = np.zeros([n, n]);
  Object.assign(g, { n, m, rng, x, out, out64: out.data, touched: np.zeros([n, n]).fill(0.5), r: undefined, v4: x.ravel().get(":10000").copy(), v5: x.ravel().get(":100000").copy(), s1: x.ravel().get(":10").copy(), s2: x.get(":20, :30").copy(), x32: x.astype("float32") });
  const scripts = OPS.map((o) => new vm.Script(o.cell, { filename: o.label }));
  return {
    async time(i) {
      if (configuration === "collected") {
        g.r = undefined;
        collectGarbage();
      }
      const t = process.hrtime.bigint();
      scripts[i].runInThisContext();
      return Number(process.hrtime.bigint() - t) / OPS[i].elements;
    },
    async describe(i) {
      const s = stored(g[OPS[i].result]);
      return { shape: s.shape, dtype: s.dtype, sha1: digest(s.data) };
    },
    async dump(i, file) {
      writeFileSync(file, Float64Array.from(stored(g[OPS[i].result]).data));
    },
    close: () => undefined,
  };
}

/**
 * lazylab as cells in a real kernel (`--cells`): a Python helper starts the kernel from the
 * kernelspec `lazylab install` writes (kernel/install/kernelspec.ts) with jupyter_client and
 * runs one cell per request; each timed cell reads the clock around the statement (as %timeit
 * would), so the figure is the statement in the executor, not the round trip.
 */
function kernelSide(): Side {
  const cli = path.join(__dirname, "..", "kernel", "cli.js");
  const spec = kernelSpec(cli);
  const code = `
import json, os, shutil, sys, tempfile
import jupyter_client
d = tempfile.mkdtemp(prefix="lazylab-bench-np-cells-")
os.makedirs(os.path.join(d, "kernels", "bench-lazylab"))
with open(os.path.join(d, "kernels", "bench-lazylab", "kernel.json"), "w") as f:
    f.write(sys.argv[1])
os.environ["JUPYTER_PATH"] = d
km = jupyter_client.KernelManager(kernel_name="bench-lazylab")
km.start_kernel()
kc = km.client(); kc.start_channels(); kc.wait_for_ready(timeout=300)
def run(code):
    msg_id = kc.execute(code)
    value, out, error = None, [], None
    while True:
        m = kc.get_iopub_msg(timeout=3600)
        if m["parent_header"].get("msg_id") != msg_id: continue
        k, c = m["msg_type"], m["content"]
        if k == "execute_result": value = c["data"].get("text/plain")
        elif k == "stream": out.append(c["text"])
        elif k == "error": error = c["ename"] + ": " + c["evalue"]
        elif k == "status" and c["execution_state"] == "idle": break
    return {"value": value, "stdout": "".join(out), "error": error}
print("ready", flush=True)
try:
    for line in sys.stdin:
        print(json.dumps(run(json.loads(line))), flush=True)
finally:
    kc.stop_channels(); km.shutdown_kernel(now=True)
    shutil.rmtree(d, ignore_errors=True)
    sys.stdout.flush()
    os._exit(0)  # skips jupyter_client's destructors, which log after logging is torn down
`;
  const py = pythonChild(PYTHON, code, [JSON.stringify(spec)]);
  const cell = async (source: string): Promise<{ value: string | null; stdout: string }> => {
    const r = JSON.parse(await py.ask(JSON.stringify(source))) as { value: string | null; stdout: string; error: string | null };
    if (r.error) throw new Error(`lazylab cell failed: ${r.error}\n${source}`);
    return r;
  };
  const setup = Promise.resolve()
    .then(() => cell(`import { createHash } from "node:crypto";\nimport { writeFileSync } from "node:fs";`))
    .then(() => cell(`const n = ${n}, m = ${m};
const rng = np.random.defaultRng(1);
const x = rng.standardNormal([n, n]);
const out = np.zeros([n, n]);
const out64 = out.data as Float64Array;
const touched = np.zeros([n, n]).fill(0.5);
const v4 = x.ravel().get(":10000").copy(), v5 = x.ravel().get(":100000").copy();
const s1 = x.ravel().get(":10").copy(), s2 = x.get(":20, :30").copy();
const x32 = x.astype("float32");
let r: unknown;
let __t = 0n;
function __stored(v: unknown): { shape: number[]; dtype: string; data: Float64Array | Float32Array | Int32Array | Uint8Array } {
  if (typeof v === "number") return { shape: [], dtype: "number", data: new Float64Array([v]) };
  const a = v as ReturnType<typeof np.zeros>;
  return { shape: [...a.shape], dtype: a.dtype, data: a.toContiguous() as Float64Array };
}
function __describe(v: unknown): string {
  const s = __stored(v);
  const sha1 = createHash("sha1").update(new Uint8Array(s.data.buffer, s.data.byteOffset, s.data.byteLength)).digest("hex");
  return JSON.stringify({ shape: s.shape, dtype: s.dtype, sha1 });
}
function __dump(v: unknown, file: string): void {
  writeFileSync(file, Float64Array.from(__stored(v).data));
}`));
  return {
    async time(i) {
      await setup;
      const r = await cell(`__t = process.hrtime.bigint();\n${OPS[i].cell};\nNumber(process.hrtime.bigint() - __t)`);
      return Number(r.value) / OPS[i].elements;
    },
    async describe(i) {
      await setup;
      return JSON.parse((await cell(`console.log(__describe(${OPS[i].result}))`)).stdout) as Described;
    },
    async dump(i, file) {
      await setup;
      await cell(`__dump(${OPS[i].result}, ${JSON.stringify(file)})`);
    },
    close: () => py.close(),
  };
}

const scratch = mkdtempSync(path.join(tmpdir(), "lazylab-bench-np-"));

/** Compares both sides' results of row i; throws BenchMismatch beyond the row's tolerance. */
async function compare(ours: Side, theirs: Side, i: number): Promise<string> {
  const op = OPS[i];
  const [a, b] = [await ours.describe(i), await theirs.describe(i)];
  // A JavaScript number has no dtype: it is compared with NumPy's scalar by value (as float64).
  if (JSON.stringify(a.shape) !== JSON.stringify(b.shape) || (a.dtype !== "number" && a.dtype !== b.dtype)) {
    throw new BenchMismatch(op.label, `lazylab ${a.dtype} [${a.shape}], NumPy ${b.dtype} [${b.shape}]`);
  }
  if (a.sha1 === b.sha1) return "bit-identical";
  const read = async (side: Side, name: string) => {
    const file = path.join(scratch, name);
    await side.dump(i, file);
    const bytes = readFileSync(file);
    rmSync(file);
    return new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
  };
  return check(op.label, await read(ours, `ours${i}.f64`), await read(theirs, `theirs${i}.f64`), op.tolerance);
}

async function main(): Promise<void> {
  const theirs = numpySide();
  const ours = configuration === "cells" ? kernelSide() : inProcessSide();
  const versions = `${lazylabVersion()} (native loops ${native ? `on, tuned for ${native.tuning()}` : "off"}), ${pythonVersions(PYTHON, ["numpy"])}`;
  const where = { kernel: "kernel configuration (executor-like process)", collected: "collected configuration", cells: "cells in a real lazylab kernel" }[configuration];
  console.log(header(`np: ${n}×${n} float64, ${runs} runs per row, ${order}, ${where}, ns/element`, versions));
  const mine = OPS.map((): number[] => []);
  const peer = OPS.map((): number[] => []);
  const checks = OPS.map((): string[] => []);
  const both = async (i: number, record: boolean, checked: boolean) => {
    const a = await ours.time(i);
    const b = await theirs.time(i);
    if (record) {
      mine[i].push(a);
      peer[i].push(b);
    }
    if (checked) checks[i].push(await compare(ours, theirs, i));
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
    theirs.close();
    ours.close();
    rmSync(scratch, { recursive: true, force: true });
  }
  console.log(`load after (1/5/15 min): ${load()}`);
  console.log(`${"operation".padEnd(32)}${"lazylab median (min-max)".padStart(26)}${"NumPy median (min-max)".padStart(26)}${"NumPy/lazylab".padStart(15)}  result check`);
  OPS.forEach(({ label, tolerance }, i) => {
    const ratio = spread(peer[i]).median / spread(mine[i]).median;
    const found = [...new Set(checks[i])].join("; ");
    console.log(`${label.padEnd(32)}${formatSpread(mine[i]).padStart(26)}${formatSpread(peer[i]).padStart(26)}${(ratio.toFixed(2) + "×").padStart(15)}  ${found} (required: ${describeTolerance(tolerance)})`);
  });
  console.log("all runs, ns/element (lazylab | NumPy):");
  OPS.forEach(({ label }, i) => console.log(`  ${label.padEnd(30)} ${allRuns(mine[i])} | ${allRuns(peer[i])}`));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
