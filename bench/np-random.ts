/**
 * lazylab's np.random vs NumPy's Generator, ns per element, both seeded 1 (PCG64 through
 * SeedSequence on both sides, the same ziggurat and bounded-integer algorithms); and the
 * legacy RandomState rows, both seeded 1 (MT19937, the polar method's normals, masked
 * integers on both sides); and the distributions sampled one at a time by rejection
 * (exponential, poisson, binomial, gamma, lognormal: NumPy's algorithms on both sides).
 *
 *   npm run build && node dist/bench/np-random.js [n=1000000] [runs=5] [--out] [--interleaved]
 *
 * Default: every call makes a **new** array on both sides (`g.random(n)` against
 * `rng.random(n)`, `dtype=np.float32` against `{ dtype: "float32" }`, `dtype=np.uint8`
 * against `{ dtype: "uint8" }`). `--out`: both
 * sides fill the **same preallocated** buffer (`g.random(out=buf)` against `fillRandom(buf)`),
 * for the draws NumPy can write into `out` (random, standard_normal, in both widths); normal,
 * uniform and integers have no `out` in NumPy and are left out there.
 *
 * Each row: one untimed warm-up call per side, then `runs` timed calls, each lazylab call
 * followed by NumPy's (a Python process timing one call per request, so both see the same
 * moments of a shared machine); rows one after another (grouped) or taking turns
 * (`--interleaved`). Both generators draw in the same order, so every call's result must be
 * bit-identical: each is compared by SHA-1 (int64 as lazylab stores it, float64), untimed; a
 * mismatch stops the script. lazylab runs under the executor's V8 flags and environment.
 * Ratio = NumPy / lazylab of the medians: above 1 lazylab is faster.
 */
import { np } from "../lib";
import type { NDArray } from "../lib/np/ndarray";
import { allRuns, BenchMismatch, digest, formatSpread, header, lazylabVersion, load, pythonChild, pythonVersions, runLikeExecutor, spread } from "./report";

runLikeExecutor(__filename);

const flags = process.argv.slice(2).filter((a) => a.startsWith("--"));
const positional = process.argv.slice(2).filter((a) => !a.startsWith("--"));
for (const f of flags) if (f !== "--out" && f !== "--interleaved") throw new Error(`np-random.js: unknown option ${f} (--out, --interleaved)`);
const n = Number(positional[0] ?? 1e6);
const runs = Number(positional[1] ?? 5);
const into = flags.includes("--out");
const order = flags.includes("--interleaved") ? "interleaved" : "grouped";
const PYTHON = process.env.LAZYLAB_PYTHON ?? "/usr/bin/python3";

const rng = np.random.defaultRng(1);
const legacy = new np.random.RandomState(1);
const raw = rng.bitGenerator;
const f64 = new Float64Array(n);
const f32 = new Float32Array(n);
const data = (a: NDArray) => a.data;

/** [label, NumPy call on g (n, buf64, buf32 defined), lazylab call returning the values]. */
const FRESH: [string, string, () => ArrayBufferView][] = [
  ["random", "g.random(n)", () => data(rng.random(n))],
  ["standard_normal", "g.standard_normal(n)", () => data(rng.standardNormal(n))],
  ["normal(2, 3)", "g.normal(2, 3, n)", () => data(rng.normal(2, 3, n))],
  ["uniform(-1, 1)", "g.uniform(-1, 1, n)", () => data(rng.uniform(-1, 1, n))],
  ["integers(0, 100)", "g.integers(0, 100, n)", () => data(rng.integers(0, 100, n))],
  ["integers(0, 2**40)", "g.integers(0, 2**40, n)", () => data(rng.integers(0, 2 ** 40, n))],
  ["integers(0, 256) uint8", "g.integers(0, 256, n, dtype=np.uint8)", () => data(rng.integers(0, 256, n, { dtype: "uint8" }))],
  ["integers(0, 100) uint8", "g.integers(0, 100, n, dtype=np.uint8)", () => data(rng.integers(0, 100, n, { dtype: "uint8" }))],
  ["integers(-1000, 1000) int16", "g.integers(-1000, 1000, n, dtype=np.int16)", () => data(rng.integers(-1000, 1000, n, { dtype: "int16" }))],
  ["integers(0, 100) int32", "g.integers(0, 100, n, dtype=np.int32)", () => data(rng.integers(0, 100, n, { dtype: "int32" }))],
  ["integers int32 full range", "g.integers(-2**31, 2**31, n, dtype=np.int32)", () => data(rng.integers(-(2 ** 31), 2 ** 31, n, { dtype: "int32" }))],
  ["integers(0, 2) bool", "g.integers(0, 2, n, dtype=bool)", () => data(rng.integers(0, 2, n, { dtype: "bool" }))],
  ["random float32", "g.random(n, dtype=np.float32)", () => data(rng.random(n, { dtype: "float32" }))],
  ["standard_normal float32", "g.standard_normal(n, dtype=np.float32)", () => data(rng.standardNormal(n, { dtype: "float32" }))],
  ["legacy random_sample", "rs.random_sample(n)", () => data(legacy.randomSample(n))],
  ["legacy standard_normal", "rs.standard_normal(n)", () => data(legacy.standardNormal(n))],
  ["legacy randint(0, 100)", "rs.randint(0, 100, n)", () => data(legacy.randint(0, 100, n))],
  ["exponential(2)", "g.exponential(2, n)", () => data(rng.exponential(2, n))],
  ["poisson(4.5)", "g.poisson(4.5, n)", () => data(rng.poisson(4.5, n))],
  ["poisson(40)", "g.poisson(40, n)", () => data(rng.poisson(40, n))],
  ["binomial(20, 0.3)", "g.binomial(20, 0.3, n)", () => data(rng.binomial(20, 0.3, n))],
  ["gamma(2, 3)", "g.gamma(2, 3, n)", () => data(rng.gamma(2, 3, n))],
  ["lognormal(0, 1)", "g.lognormal(0, 1, n)", () => data(rng.lognormal(0, 1, n))],
  ["legacy exponential(2)", "rs.exponential(2, n)", () => data(legacy.exponential(2, n))],
  ["legacy poisson(40)", "rs.poisson(40, n)", () => data(legacy.poisson(40, n))],
];
const OUT: [string, string, () => ArrayBufferView][] = [
  ["random into out", "g.random(out=buf64)", () => raw.fillRandom(f64)],
  ["standard_normal into out", "g.standard_normal(out=buf64)", () => raw.fillStandardNormal(f64)],
  ["random float32 into out", "g.random(out=buf32, dtype=np.float32)", () => raw.fillRandomF32(f32)],
  ["standard_normal float32 into out", "g.standard_normal(out=buf32, dtype=np.float32)", () => raw.fillStandardNormalF32(f32)],
];
const OPS = into ? OUT : FRESH;

/** NumPy timing one call per request line (its index); answers "ns/element sha1". */
function startNumpy(): { time(i: number): Promise<[number, string]>; close(): void } {
  const code = `
import hashlib, sys, time
import numpy as np
n = ${n}
g = np.random.default_rng(1)
rs = np.random.RandomState(1)
buf64 = np.empty(n); buf32 = np.empty(n, dtype=np.float32)
calls = [${OPS.map(([, call]) => `lambda: ${call}`).join(", ")}]
print("ready", flush=True)
for line in sys.stdin:
    f = calls[int(line)]
    t = time.perf_counter_ns(); r = f(); t = time.perf_counter_ns() - t
    if r.dtype == np.int64: r = r.astype(np.float64)
    print(t / n, hashlib.sha1(r.tobytes()).hexdigest(), flush=True)
`;
  const py = pythonChild(PYTHON, code);
  return {
    async time(i) {
      const [t, sha] = (await py.ask(String(i))).split(" ");
      return [Number(t), sha];
    },
    close: py.close,
  };
}

async function main(): Promise<void> {
  console.log(header(`np.random: n = ${n}, ${runs} runs per row, ${order}, ${into ? "both sides into a preallocated out" : "a new array per call on both sides"}, ns/element`, `${lazylabVersion()}, ${pythonVersions(PYTHON, ["numpy"])}`));
  const py = startNumpy();
  const mine = OPS.map((): number[] => []);
  const theirs = OPS.map((): number[] => []);
  let compared = 0;
  const both = async (i: number, record: boolean) => {
    const t = process.hrtime.bigint();
    const values = OPS[i][2]();
    const a = Number(process.hrtime.bigint() - t) / n;
    const [b, sha] = await py.time(i);
    if (digest(values) !== sha) throw new BenchMismatch(OPS[i][0], "the draws' SHA-1 differ: the generators are out of step or draw differently");
    compared++;
    if (record) {
      mine[i].push(a);
      theirs[i].push(b);
    }
  };
  try {
    if (order === "grouped") {
      for (let i = 0; i < OPS.length; i++) for (let r = 0; r <= runs; r++) await both(i, r > 0);
    } else {
      for (let i = 0; i < OPS.length; i++) await both(i, false);
      for (let r = 0; r < runs; r++) for (let i = 0; i < OPS.length; i++) await both(i, true);
    }
  } finally {
    py.close();
  }
  console.log(`load after (1/5/15 min): ${load()}; all ${compared} calls' draws bit-identical on both sides`);
  console.log(`${"operation".padEnd(34)}${"lazylab median (min-max)".padStart(26)}${"NumPy median (min-max)".padStart(26)}${"NumPy/lazylab".padStart(15)}`);
  OPS.forEach(([label], i) => {
    const ratio = spread(theirs[i]).median / spread(mine[i]).median;
    console.log(`${label.padEnd(34)}${formatSpread(mine[i]).padStart(26)}${formatSpread(theirs[i]).padStart(26)}${(ratio.toFixed(2) + "×").padStart(15)}`);
  });
  console.log("all runs, ns/element (lazylab | NumPy):");
  OPS.forEach(([label], i) => console.log(`  ${label.padEnd(32)} ${allRuns(mine[i])} | ${allRuns(theirs[i])}`));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
