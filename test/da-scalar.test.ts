/**
 * A lazy array's 0-d result is the NumPy scalar Dask's compute() returns: a notebook shows
 * `45.0` (Dask's numpy.float64), not a 0-d array's `array(45.)`. Compared with Dask's reprs at
 * test time, for each dtype a reduction gives, through compute() and da.compute(); the result
 * stays an array (its dtype, item(), arithmetic).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { da, np } from "../lib";
import { NDArray } from "../lib/np";
import { mimeBundleOf } from "../lib/display";
import { pythonJson } from "./oracle";

const CASES: [string, () => Promise<NDArray>][] = [];
const x = da.fromArray(np.arange(10).astype("float64").mul(0.1), { chunks: 4 });
const i = da.fromArray(np.arange(10), { chunks: 4 });
const f = da.fromArray(np.arange(10).astype("float32").mul(0.1), { chunks: 4 });
const big = da.fromArray(np.arange(10).astype("float64").mul(1e15), { chunks: 4 });
const tiny = da.fromArray(np.arange(10).astype("float64").mul(1e-6), { chunks: 4 });
CASES.push(
  ["x.sum()", () => x.sum().compute()],
  ["x.mean()", () => x.mean().compute()],
  ["x.std()", () => x.std().compute()],
  ["x.min()", () => x.min().compute()],
  ["i.sum()", () => i.sum().compute()],
  ["i.mean()", () => i.mean().compute()],
  ["i.max()", () => i.max().compute()],
  ["f.sum()", () => f.sum().compute()],
  ["(x > 0.5).any()", () => x.gt(0.5).any().compute()],
  ["(x > 5).all()", () => x.gt(5).all().compute()],
  ["big.sum()", () => big.sum().compute()],
  ["tiny.sum()", () => tiny.sum().compute()],
  ["x[3]", () => x.get(3).compute()],
);

test("0-d results print as Dask's: the NumPy scalar's repr, for every dtype", async () => {
  const want = pythonJson<string[]>(`
import json, numpy as np, dask.array as da
x = da.from_array(np.arange(10).astype("float64") * 0.1, chunks=4)
i = da.from_array(np.arange(10), chunks=4)
f = da.from_array(np.arange(10).astype("float32") * np.float32(0.1), chunks=4)
big = da.from_array(np.arange(10).astype("float64") * 1e15, chunks=4)
tiny = da.from_array(np.arange(10).astype("float64") * 1e-6, chunks=4)
print(json.dumps([repr(eval(e).compute()) for e in json.loads(input())]))`, JSON.stringify(CASES.map((c) => c[0])));
  for (const [k, [expr, run]] of CASES.entries()) {
    const r = await run();
    assert.deepEqual(mimeBundleOf(r), { "text/plain": want[k] }, expr);
  }
  const [s, m] = await da.compute(x.sum(), x.mean());
  assert.equal(`${mimeBundleOf(s)["text/plain"]} ${mimeBundleOf(m)["text/plain"]}`, `${want[0]} ${want[1]}`, "da.compute(x.sum(), x.mean())");
});

test("a 0-d result stays an array: its dtype, item(), arithmetic, and a 1-d result prints as an array", async () => {
  const r = await i.sum().compute();
  assert.ok(r instanceof NDArray);
  assert.equal(r.dtype, "int64");
  assert.equal(r.item(), 45);
  assert.equal(mimeBundleOf(r.add(1))["text/plain"], "array(46)");
  assert.equal(mimeBundleOf(await x.get("0:2").compute())["text/plain"], "array([0. , 0.1])");
});
