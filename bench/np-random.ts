/**
 * lazylab's np.random fill functions vs NumPy's Generator, ns per element, in one run.
 *
 *   npm run build && node dist/bench/np-random.js [n=1000000] [runs=5]
 *
 * Each figure is the median of `runs` timed calls on n elements, after warm-up calls;
 * the operations take turns within each run so that machine noise spreads evenly. NumPy
 * runs in Debian's python3 (LAZYLAB_PYTHON overrides), timed with perf_counter.
 */
import { execFileSync } from "node:child_process";
import { defaultRng } from "../lib/np/random";

const n = Number(process.argv[2] ?? 1e6);
const runs = Number(process.argv[3] ?? 5);
const PYTHON = process.env.LAZYLAB_PYTHON ?? "/usr/bin/python3";

/** [label, NumPy call on g with n, lazylab fill]. */
const rng = defaultRng(1);
const f64 = new Float64Array(n);
const f32 = new Float32Array(n);
const OPS: [string, string, () => void][] = [
  ["random", "g.random(n)", () => rng.fillRandom(f64)],
  ["standard_normal", "g.standard_normal(n)", () => rng.fillStandardNormal(f64)],
  ["normal(2, 3)", "g.normal(2, 3, n)", () => rng.fillNormal(f64, 2, 3)],
  ["uniform(-1, 1)", "g.uniform(-1, 1, n)", () => rng.fillUniform(f64, -1, 1)],
  ["integers(0, 100)", "g.integers(0, 100, n)", () => rng.fillIntegers(f64, 0, 100)],
  ["integers(0, 2**40)", "g.integers(0, 2**40, n)", () => rng.fillIntegers(f64, 0, 2 ** 40)],
  ["random float32", "g.random(n, dtype=np.float32)", () => rng.fillRandomF32(f32)],
  ["standard_normal float32", "g.standard_normal(n, dtype=np.float32)", () => rng.fillStandardNormalF32(f32)],
];

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function lazylab(): number[] {
  const times = OPS.map((): number[] => []);
  for (let w = 0; w < 3; w++) for (const [, , fill] of OPS) fill();
  for (let r = 0; r < runs; r++) {
    OPS.forEach(([, , fill], i) => {
      const t = process.hrtime.bigint();
      fill();
      times[i].push(Number(process.hrtime.bigint() - t) / n);
    });
  }
  return times.map(median);
}

function numpy(): number[] {
  const code = `
import json, time
import numpy as np
n, runs = ${n}, ${runs}
g = np.random.default_rng(1)
ops = [lambda: ${OPS.map(([, call]) => call).join(", lambda: ")}]
for _ in range(3):
    for op in ops: op()
times = [[] for _ in ops]
for _ in range(runs):
    for i, op in enumerate(ops):
        t = time.perf_counter(); op(); times[i].append((time.perf_counter() - t) * 1e9 / n)
print(json.dumps([sorted(t)[len(t) // 2] for t in times]))
`;
  return JSON.parse(execFileSync(PYTHON, ["-c", code], { encoding: "utf8" })) as number[];
}

const version = execFileSync(PYTHON, ["-c", "import numpy; print(numpy.__version__)"], { encoding: "utf8" }).trim();
const ours = lazylab();
const theirs = numpy();
console.log(`n = ${n}, median of ${runs} runs, ns/element; NumPy ${version}, Node ${process.version}`);
console.log(`${"operation".padEnd(26)}${"lazylab".padStart(9)}${"NumPy".padStart(9)}${"speed vs NumPy".padStart(16)}`);
OPS.forEach(([label], i) => {
  const ratio = theirs[i] / ours[i];
  console.log(`${label.padEnd(26)}${ours[i].toFixed(2).padStart(9)}${theirs[i].toFixed(2).padStart(9)}${(ratio.toFixed(2) + "×").padStart(16)}`);
});
