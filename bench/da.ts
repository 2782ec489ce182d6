/**
 * Lazy arrays (lib/da) vs NumPy, numexpr and Dask in Debian's python3, on the same data:
 *
 *   npm run build && node dist/bench/da.js [runs=5] [bigRuns=3] [bigN=20000] [bigChunk=2000] [--interleaved]
 *
 * Over x = default_rng(1).standard_normal((4000, 4000)) (bit-identical on both sides):
 * 1. `(x**2).sum(axis=-1)`, 1000² chunks (ns/element). NumPy runs it unfused on the eager
 *    array; Dask over `from_array(x, chunks=1000)`.
 * 2. `(sqrt(abs(x))*2+1).sum(axis=-1)`, 1000² chunks (ns/element): NumPy unfused, numexpr's
 *    fused `sum(sqrt(abs(x))*2+1, axis=1)`, Dask.
 * 3. `(x > 0).sum()`, 1000² chunks (ns/element): NumPy, Dask.
 * 4. `x[:100, :]` with 100² chunks (ms; NumPy: `x[:100, :].copy()`): scheduler overhead.
 * 5. A trivial graph `ones(10000, chunks=1) + 1` and one that runs block by block,
 *    `ones(10000, chunks=1).T + 1` (µs per task, tasks as each library counts its graph).
 * 6. `(y**2).sum()` over bigN² standard normal draws in bigChunk² blocks (20000² = 3.2 GB,
 *    never materialised), each run in a fresh process. **The same draws on both sides**:
 *    lazylab's `da.random.defaultRng(1)` takes one seed from the root generator
 *    (`integers(0, 2**52)`) and draws block k (C order) from `default_rng([seed, k])`: PCG64
 *    + ziggurat per block. Dask's side builds its array with `da.map_blocks` from exactly those
 *    per-block Generators (Dask 2022.12's own `da.random` is RandomState: Mersenne Twister +
 *    the polar method, about twice the cost per draw, so it is not used; newer Dask's
 *    `default_rng` spawns a `SeedSequence` per block, the same cost as these seeds).
 *    Wall time of the compute, and peak memory the same way on both sides: the process's
 *    VmHWM (lazylab's worker threads and Dask's threads live in that process), beside its RSS
 *    before the array was made.
 *
 * Threads: each library's default on this machine — lazylab's worker pool and Dask's threaded
 * scheduler one per core, numexpr its default (one per core), NumPy one.
 * Order (default **grouped**): each workload's runs back to back, after one untimed warm-up of
 * each; `--interleaved`: the workloads take turns within each run (fresh 128 MB temporaries of
 * NumPy's and Dask's then slow whatever runs next, so it is not the headline mode). Workload 6:
 * `bigRuns` fresh processes of each side, taking turns, no warm-up; `bigRuns` 0 skips it.
 * lazylab runs under the executor's V8 flags and environment (what a notebook cell gets).
 *
 * Checks: every workload's last result is compared with every peer's: slices, comparisons'
 * counts and the trivial graphs bit for bit; sums within a relative 1e-12 (the peers add the
 * same values in other orders: NumPy pairwise along whole rows, Dask per chunk then across
 * chunks, numexpr in its own blocks), and the big sum within a relative 1e-12 of Dask's; a
 * mismatch stops the script (BenchMismatch). Ratio = peer time / lazylab time of the medians:
 * above 1 lazylab is faster.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import path from "node:path";
import { np, da } from "../lib";
import type { NDArray } from "../lib/np/ndarray";
import { collectGarbage } from "../lib/psutil/footprint";
import { executorEnvironment, executorNodeArgs } from "../kernel/executor/supervisor";
import { allRuns, check, formatSpread, header, lazylabVersion, load, peerEnvironment, pythonVersions, runLikeExecutor, spread, type Tolerance } from "./report";

const PYTHON = process.env.LAZYLAB_PYTHON ?? "/usr/bin/python3";
const flags = process.argv.slice(2).filter((a) => a.startsWith("--"));
const positional = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const INTERLEAVED = flags.includes("--interleaved");
// No progress display (Dask's default shows none either; drawing one costs time in the runs).
da.setProgress(false);

function status(field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync("/proc/self/status", "utf8"));
  return m ? Number(m[1]) * 1024 : NaN;
}

const N = 4000;
const SUMS: Tolerance = { rel: 1e-12 };
const BITS: Tolerance = { bits: true };

/** A workload: its label, unit, what one run is divided by, and the peers that run it. */
interface Workload {
  key: string;
  label: string;
  unit: string;
  tolerance: Tolerance;
  peers: ("np" | "ne" | "da")[];
}
const WORKLOADS: Workload[] = [
  { key: "square_sum", label: "(x**2).sum(-1), 1000² chunks", unit: "ns/el", tolerance: SUMS, peers: ["np", "da"] },
  { key: "chain_sum", label: "(sqrt(abs(x))*2+1).sum(-1)", unit: "ns/el", tolerance: SUMS, peers: ["np", "ne", "da"] },
  { key: "count_gt", label: "(x > 0).sum()", unit: "ns/el", tolerance: BITS, peers: ["np", "da"] },
  { key: "slice", label: "x[:100, :], 100² chunks", unit: "ms", tolerance: BITS, peers: ["np", "da"] },
  { key: "trivial", label: "ones(10000, chunks=1) + 1", unit: "µs/task", tolerance: BITS, peers: ["da"] },
  { key: "block", label: "ones(10000, chunks=1).T + 1", unit: "µs/task", tolerance: BITS, peers: ["da"] },
];
const PEER_NAMES = { np: "NumPy", ne: "numexpr", da: "Dask" } as const;

interface Side {
  /** Per workload key, the raw nanoseconds of each timed run. */
  ns: Record<string, number[]>;
  /** Tasks in the graphs of "trivial" and "block" as this library counts them. */
  tasks: Record<string, number>;
}

/** What one run's nanoseconds are divided by to give the workload's unit. */
function divisor(key: string, tasks: Record<string, number>): number {
  if (key === "slice") return 1e6;
  if (key === "trivial" || key === "block") return 1e3 * tasks[key];
  return N * N;
}

async function lazylab(runs: number): Promise<Side & { results: Record<string, NDArray> }> {
  const x = np.random.defaultRng(1).standardNormal([N, N]);
  const big = da.fromArray(x, { chunks: [1000, 1000] });
  const small = da.fromArray(x, { chunks: [100, 100] });
  const trivial = () => da.ones([10000], { chunks: 1 }).add(1);
  const perBlock = () => da.ones([10000], { chunks: 1 }).transpose().add(1);
  const W: Record<string, () => Promise<NDArray>> = {
    square_sum: () => big.pow(2).sum({ axis: -1 }).compute(),
    chain_sum: () => big.abs().sqrt().mul(2).add(1).sum({ axis: -1 }).compute(),
    count_gt: () => big.gt(0).sum().compute(),
    slice: () => small.get(":100, :").compute(),
    trivial: () => trivial().compute(),
    block: () => perBlock().compute(),
  };
  const results: Record<string, NDArray> = {};
  const ns: Record<string, number[]> = {};
  const time = async (k: string): Promise<void> => {
    collectGarbage();
    const t = process.hrtime.bigint();
    results[k] = await W[k]();
    ns[k].push(Number(process.hrtime.bigint() - t));
  };
  for (const k of Object.keys(W)) {
    ns[k] = [];
    await W[k](); // warm-up
  }
  const keys = WORKLOADS.map((w) => w.key);
  if (INTERLEAVED) for (let r = 0; r < runs; r++) for (const k of keys) await time(k);
  else for (const k of keys) for (let r = 0; r < runs; r++) await time(k);
  return { ns, results, tasks: { trivial: trivial().graphSize, block: perBlock().graphSize } };
}

/** NumPy, numexpr and Dask in one Python process; results written as float64 under `dir`. */
function python(runs: number, dir: string): Record<"np" | "ne" | "da", Side> {
  const code = `
import gc, json, time
import numpy as np, numexpr as ne, dask.array as da
n, runs, interleaved, out = ${N}, ${runs}, ${INTERLEAVED ? "True" : "False"}, ${JSON.stringify(dir)}
x = np.random.default_rng(1).standard_normal((n, n))
big = da.from_array(x, chunks=(1000, 1000))
small = da.from_array(x, chunks=(100, 100))
trivial = lambda: da.ones(10000, chunks=1) + 1
per_block = lambda: da.ones(10000, chunks=1).T + 1
W = {
  "np square_sum": lambda: (x ** 2).sum(axis=-1),
  "da square_sum": lambda: (big ** 2).sum(axis=-1).compute(),
  "np chain_sum": lambda: (np.sqrt(np.abs(x)) * 2 + 1).sum(axis=-1),
  "ne chain_sum": lambda: ne.evaluate("sum(sqrt(abs(x)) * 2 + 1, axis=1)"),
  "da chain_sum": lambda: (da.sqrt(abs(big)) * 2 + 1).sum(axis=-1).compute(),
  "np count_gt": lambda: (x > 0).sum(),
  "da count_gt": lambda: (big > 0).sum().compute(),
  "np slice": lambda: x[:100, :].copy(),
  "da slice": lambda: small[:100, :].compute(),
  "da trivial": lambda: trivial().compute(),
  "da block": lambda: per_block().compute(),
}
order = ${JSON.stringify(WORKLOADS.map((w) => w.key))}
keys = sorted(W, key=lambda k: order.index(k.split()[1]))
results = {k: f() for k, f in W.items()}  # warm-up
t = {k: [] for k in W}
def timed(k):
    gc.collect()
    s = time.perf_counter_ns(); results[k] = W[k](); t[k].append(time.perf_counter_ns() - s)
if interleaved:
    for _ in range(runs):
        for k in keys: timed(k)
else:
    for k in keys:
        for _ in range(runs): timed(k)
for k, r in results.items():
    np.asarray(r, dtype=np.float64).tofile(out + "/" + k.replace(" ", "-") + ".f64")
tasks = {"trivial": len(trivial().dask), "block": len(per_block().dask)}
sides = {}
for k, v in t.items():
    side, w = k.split()
    sides.setdefault(side, {"ns": {}, "tasks": tasks})["ns"][w] = v
print(json.dumps(sides))
`;
  return JSON.parse(execFileSync(PYTHON, ["-c", code], { encoding: "utf8", maxBuffer: 1 << 24, env: peerEnvironment() }));
}

interface Big {
  seconds: number;
  peak: number;
  before: number;
  sum: number;
}

function bigLazylab(n: number, chunk: number): Big {
  const env = { ...executorEnvironment(process.env) };
  delete (env as Record<string, string | undefined>).LAZYLAB_BENCH_EXECUTOR;
  const out = execFileSync(process.execPath, [...executorNodeArgs(process.env), __filename, "--big", String(n), String(chunk)], { env, encoding: "utf8" });
  return JSON.parse(out.trim().split("\n").pop()!);
}

function bigDask(n: number, chunk: number): Big {
  const code = `
import json, re, time
import numpy as np, dask.array as da
def status(f):
    return int(re.search(r"^" + f + r":\\s+(\\d+) kB", open("/proc/self/status").read(), re.M).group(1)) * 1024
before = status("VmRSS")
# lazylab's da.random.defaultRng(1): one seed from the root generator, then block k (C order)
# drawn from default_rng([seed, k]).
seed = int(np.random.default_rng(1).integers(0, 2**52))
def block(block_info=None):
    b = block_info[None]
    (i, j), (_, nj) = b["chunk-location"], b["num-chunks"]
    return np.random.default_rng([seed, i * nj + j]).standard_normal(b["chunk-shape"])
chunks = da.core.normalize_chunks((${chunk}, ${chunk}), (${n}, ${n}))
y = da.map_blocks(block, chunks=chunks, dtype=np.float64, meta=np.empty((0, 0)))
t = time.perf_counter()
s = float((y ** 2).sum().compute())
print(json.dumps({"seconds": time.perf_counter() - t, "peak": status("VmHWM"), "before": before, "sum": s}))
`;
  return JSON.parse(execFileSync(PYTHON, ["-c", code], { encoding: "utf8", env: peerEnvironment() }));
}

async function main(): Promise<void> {
  const runs = Number(positional[0] ?? 5);
  const bigRuns = Number(positional[1] ?? 3);
  const bigN = Number(positional[2] ?? 20000);
  const bigChunk = Number(positional[3] ?? 2000);
  const versions = `${lazylabVersion()}, ${pythonVersions(PYTHON, ["numpy", "numexpr", "dask"])}`;
  console.log(header(`da: ${N}² float64 workloads, ${runs} runs each, ${INTERLEAVED ? "interleaved" : "grouped"}; threads: each library's default (${availableParallelism()} cores)`, versions));
  const ours = await lazylab(runs);
  collectGarbage();
  const dir = mkdtempSync(path.join(tmpdir(), "lazylab-bench-da-"));
  let peers: Record<"np" | "ne" | "da", Side>;
  const checks: Record<string, string[]> = {};
  try {
    peers = python(runs, dir);
    for (const w of WORKLOADS) {
      const mine = Float64Array.from(ours.results[w.key].toContiguous() as ArrayLike<number>);
      checks[w.key] = w.peers.map((p) => {
        const bytes = readFileSync(path.join(dir, `${p}-${w.key}.f64`));
        const theirs = new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
        return `${PEER_NAMES[p]}: ${check(`${w.label} (${PEER_NAMES[p]})`, mine, theirs, w.tolerance)}`;
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`load after the 4000² workloads (1/5/15 min): ${load()}`);
  const fig = (side: Side, key: string) => side.ns[key].map((t) => t / divisor(key, side.tasks));
  for (const w of WORKLOADS) {
    const mine = fig(ours, w.key);
    console.log(`${w.label} (${w.unit})`);
    console.log(`  ${"lazylab".padEnd(8)} ${formatSpread(mine)}   runs: ${allRuns(mine)}`);
    for (const p of w.peers) {
      const theirs = fig(peers[p], w.key);
      console.log(`  ${PEER_NAMES[p].padEnd(8)} ${formatSpread(theirs)}   runs: ${allRuns(theirs)}   ${PEER_NAMES[p]}/lazylab ${(spread(theirs).median / spread(mine).median).toFixed(2)}×`);
    }
    if (w.key === "trivial" || w.key === "block") console.log(`  tasks: lazylab ${ours.tasks[w.key]}, Dask ${peers.da.tasks[w.key]}`);
    console.log(`  results: ${checks[w.key].join("; ")} (required: ${"bits" in w.tolerance ? "bit-identical" : "relative gap ≤ 1e-12"})`);
  }
  if (bigRuns === 0) return;
  const ll: Big[] = [], dk: Big[] = [];
  for (let r = 0; r < bigRuns; r++) {
    ll.push(bigLazylab(bigN, bigChunk));
    dk.push(bigDask(bigN, bigChunk));
  }
  const MB = 2 ** 20;
  const sums = check(`(y**2).sum() over ${bigN}²`, ll.map((b) => b.sum), dk.map((b) => b.sum), SUMS);
  const line = (name: string, b: Big[]) => {
    const s = b.map((x) => x.seconds), p = b.map((x) => x.peak / MB), g = b.map((x) => (x.peak - x.before) / MB);
    return `  ${name.padEnd(8)} ${formatSpread(s, 2)} s   peak ${formatSpread(p, 0)} MB (above start ${formatSpread(g, 0)})   runs: ${allRuns(s, 2)} s, ${allRuns(p, 0)} MB`;
  };
  console.log(`(y**2).sum(), ${bigN}² standard normal in ${bigChunk}² blocks, per-block default_rng([seed, k]) on both sides, ${bigRuns} fresh processes each (taking turns); peak = VmHWM of each process; load after (1/5/15 min): ${load()}`);
  console.log(line("lazylab", ll));
  console.log(line("Dask", dk));
  const med = (b: Big[], f: (x: Big) => number) => spread(b.map(f)).median;
  console.log(`  speed Dask/lazylab ${(med(dk, (b) => b.seconds) / med(ll, (b) => b.seconds)).toFixed(2)}×; peak lazylab/Dask ${(med(ll, (b) => b.peak) / med(dk, (b) => b.peak)).toFixed(2)} (above start ${(med(ll, (b) => b.peak - b.before) / med(dk, (b) => b.peak - b.before)).toFixed(2)})`);
  console.log(`  sums: lazylab ${ll[0].sum}, Dask ${dk[0].sum}: ${sums} (required: relative gap ≤ 1e-12)`);
}

// Started last, once every constant above is defined.
// ---- workload 6 in a fresh process: `node da.js --big N CHUNK` prints {seconds, peak, before, sum} ----
if (process.argv[2] === "--big") {
  const n = Number(process.argv[3]);
  const chunk = Number(process.argv[4]);
  void (async () => {
    const before = status("VmRSS");
    const y = da.random.defaultRng(1).standardNormal([n, n], { chunks: [chunk, chunk] });
    const t = process.hrtime.bigint();
    const s = (await y.pow(2).sum().compute()).item();
    const seconds = Number(process.hrtime.bigint() - t) / 1e9;
    console.log(JSON.stringify({ seconds, peak: status("VmHWM"), before, sum: s }));
    da.shutdownPool();
  })();
} else if (!process.env.LAZYLAB_BENCH_EXECUTOR) {
  // Measure what a notebook cell gets: re-run under the executor's V8 flags and environment.
  for (const f of flags) if (f !== "--interleaved") throw new Error(`da.js: unknown option ${f} (--interleaved)`);
  runLikeExecutor(__filename);
} else {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
