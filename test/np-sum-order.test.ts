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

test("the JavaScript fallback (LAZYLAB_NATIVE=0) gives the same bits for every case", { skip: native ? false : "this process already runs without the addon" }, () => {
  const cases = JSON.stringify(require.resolve("./sum-order-cases"));
  const child = (script: string) => {
    const r = spawnSync(process.execPath, ["-e", `const c = require(${cases}); ${script}`], { input: "", env: { ...process.env, LAZYLAB_NATIVE: "0" }, encoding: "utf8", maxBuffer: 1 << 28 });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as Bits[];
  };
  const fallback = child("process.stdout.write(JSON.stringify(c.jobs().map((j) => c.ours(j))));");
  // Bytes of a job that differs, from the fallback too (only computed on failure).
  const bytes = (j: Job) => child(`process.stdout.write(JSON.stringify([c.ours(${JSON.stringify(j)}, true)]));`)[0];
  for (const dtype of ["float64", "float32", "int64", "int32"] as const) check(dtype, (i) => fallback[i], bytes);
});
