/**
 * Float sums follow NumPy's summation order on views of every stride pattern: sum, mean, var,
 * std and prod of float64 and float32 arrays (steps 2, -1, -3, transposes, 3-D permutations, every
 * axis choice, keepdims) compared bit for bit with Debian's NumPy, with the C loops and with
 * the JavaScript fallback (LAZYLAB_NATIVE=0). The cases are in sum-order-cases.ts.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { native } from "../lib/np/native";
import { pairwiseSum, pairwiseSumF32 } from "../lib/np/float-sum";
import { Bits, describe, distance, Job, jobs, numpyBits, ours } from "./sum-order-cases";

const JOBS = jobs();
let expected: Bits[] | undefined;
const numpy = () => (expected ??= numpyBits(JOBS));

/**
 * The jobs whose results differ from NumPy's (compared by the SHA-256 of their bytes), with
 * how far: the first 40 are computed again with their bytes to count ulps.
 */
function mismatches(got: readonly Bits[], want: readonly Bits[], list: readonly Job[], ourBytes: (j: Job) => Bits): string[] {
  const bad: string[] = [];
  const differ = list.flatMap((j, i) => (got[i].dtype !== want[i].dtype || JSON.stringify(got[i].shape) !== JSON.stringify(want[i].shape) || got[i].bits !== want[i].bits ? [i] : []));
  const shown = differ.slice(0, 40);
  const full = numpyBits(shown.map((i) => list[i]), true);
  shown.forEach((i, k) => {
    const [g, w, j] = [got[i], want[i], list[i]];
    if (g.dtype !== w.dtype || JSON.stringify(g.shape) !== JSON.stringify(w.shape)) {
      bad.push(`${describe(j)}: ${g.dtype}${JSON.stringify(g.shape)}, NumPy ${w.dtype}${JSON.stringify(w.shape)}`);
    } else {
      const d = distance(w.dtype, ourBytes(j).bits, full[k].bits);
      bad.push(`${describe(j)}: ${d.differ} element(s) differ, by up to ${d.maxUlps} ulp`);
    }
  });
  return [...bad, ...differ.slice(40).map((i) => describe(list[i]))];
}

/** Compares the results of the jobs of one dtype (ours by job number) with NumPy's. */
function check(dtype: Job["dtype"], got: (i: number) => Bits, ourBytes: (j: Job) => Bits): void {
  const idx = JOBS.flatMap((j, i) => (j.dtype === dtype ? [i] : []));
  const list = idx.map((i) => JOBS[i]);
  const bad = mismatches(idx.map(got), idx.map((i) => numpy()[i]), list, ourBytes);
  assert.equal(bad.length, 0, `${bad.length} of ${list.length} results differ from NumPy's bits:\n${bad.slice(0, 40).join("\n")}`);
}

for (const dtype of ["float64", "float32"] as const) {
  test(`${dtype} sum, mean, var, std and prod of views of every stride pattern match NumPy bit for bit${native ? " (with the C loops)" : ""}`, () => {
    check(dtype, (i) => ours(JOBS[i]), (j) => ours(j, true));
  });
}

test("mean, var and std of int64 and int32 views match NumPy bit for bit (summed as float64 in NumPy's order)", () => {
  for (const dtype of ["int64", "int32"] as const) check(dtype, (i) => ours(JOBS[i]), (j) => ours(j, true));
});

/** Our results of the jobs (SHA-256s) from a child process with `env` added, and a way to get one job's bytes there. */
function childResults(env: Record<string, string>, filter = "() => true"): { got: (i: number) => Bits; bytes: (j: Job) => Bits } {
  const cases = JSON.stringify(require.resolve("./sum-order-cases"));
  const child = (script: string) => {
    const r = spawnSync(process.execPath, ["-e", `const c = require(${cases}); ${script}`], { input: "", env: { ...process.env, ...env }, encoding: "utf8", maxBuffer: 1 << 28 });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as (Bits | null)[];
  };
  const all = child(`process.stdout.write(JSON.stringify(c.jobs().map((j) => ((${filter})(j) ? c.ours(j) : null))));`);
  return {
    got: (i) => all[i] as Bits,
    // Bytes of a job that differs (only computed on failure).
    bytes: (j) => child(`process.stdout.write(JSON.stringify([c.ours(${JSON.stringify(j)}, true)]));`)[0] as Bits,
  };
}

test("the JavaScript fallback (LAZYLAB_NATIVE=0) gives the same bits for every case", { skip: native ? false : "this process already runs without the addon" }, () => {
  const { got, bytes } = childResults({ LAZYLAB_NATIVE: "0" });
  for (const dtype of ["float64", "float32", "int64", "int32"] as const) check(dtype, got, bytes);
});

test("float32 sums in the C loops give the same bits with the baseline loops as with AVX2 (LAZYLAB_NATIVE_ISA=baseline)", { skip: native && process.arch === "x64" ? false : "no addon, or not x86-64" }, () => {
  const { got, bytes } = childResults({ LAZYLAB_NATIVE_ISA: "baseline" }, `(j) => j.dtype === "float32"`);
  check("float32", got, bytes);
});

test("the C float32 sum refuses arrays of the wrong type and ranges outside the array", { skip: native ? false : "no addon" }, () => {
  const c = native!;
  const out = new Float64Array(2);
  const a = new Float32Array(100);
  assert.throws(() => c.sumLinesF32(new Float64Array(100) as never, 0, 1, 100, 0, out, 0), /expected a Float32Array/);
  assert.throws(() => c.sumLinesF32(a, 1, 1, 100, 0, out, 0), /range outside the array/);
  assert.throws(() => c.sumLinesF32(a, 0, 2, 60, 50, out, 0), /range outside the array/);
  assert.throws(() => c.sumLinesF32(a, 0, 3, 10, 10, out, 0), /range outside the array/);
  assert.throws(() => c.sumLinesF32(a, 0, 1, 10, -1, out, 0), /negative count or stride/);
  // Float32 accumulators: the JavaScript float32 pairwise sum's bits, not the float64 sum's.
  const h = Float32Array.from({ length: 1000 }, (_, i) => 1 / (i + 1));
  c.sumLinesF32(h, 0, 1, 1000, 0, out, 0);
  assert.equal(out[0], pairwiseSumF32(h, 0, 1000, 1));
  assert.notEqual(out[0], Math.fround(pairwiseSum(h, 0, 1000, 1)));
});
