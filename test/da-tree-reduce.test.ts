/**
 * Lazy sums, products and means combine their blocks' partials in Dask's order
 * (dask.array.reductions._tree_reduce: groups of `split_every` blocks per reduced axis, each
 * group reduced by NumPy, level after level), so their bits are Dask's: the partials added one
 * after another gave other last bits, which a 0-d result's repr shows. Compared with Dask at
 * test time, every value of every result by its bits; mean with `axis=[2, 0]` covers Dask's
 * mean putting its partials together along the axes in the order given.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { da, np } from "../lib";
import type { NDArray } from "../lib/np";
import { pythonJson } from "./oracle";

/** [shape, chunks, reduction, axis (null: all), dtype]. */
type Case = [number[], number[], "sum" | "mean" | "prod", number | number[] | null, "float64" | "float32" | "int64"];

const CASES: Case[] = [
  [[4000, 4000], [1000, 1000], "sum", null, "float64"],
  [[1000, 1000], [100, 100], "sum", null, "float64"],
  [[1000, 1000], [100, 100], "sum", 0, "float64"],
  [[1000, 1000], [100, 100], "sum", 1, "float64"],
  [[1000, 1000], [70, 130], "mean", null, "float64"],
  [[1000, 1000], [70, 130], "mean", 0, "float64"],
  [[100000], [1000], "sum", null, "float64"],
  [[100000], [777], "mean", null, "float64"],
  [[60, 70, 80], [7, 9, 11], "sum", null, "float64"],
  [[60, 70, 80], [7, 9, 11], "sum", [0, 2], "float64"],
  [[60, 70, 80], [7, 9, 11], "mean", [2, 0], "float64"],
  [[60, 70, 80], [7, 9, 11], "mean", [0, 2], "float64"],
  [[60, 70, 80], [7, 9, 11], "sum", [2, 0], "float64"],
  [[60, 70, 80], [60, 70, 80], "mean", [2, 0], "float64"],
  [[300, 300], [20, 30], "prod", 0, "float64"],
  [[1000, 1000], [100, 100], "sum", null, "float32"],
  [[1000, 1000], [100, 100], "mean", 1, "float32"],
  [[1000, 1000], [100, 100], "mean", null, "int64"],
];

/** The input of a case: normal draws (prod: near 1, so the products stay finite), as NumPy's default_rng(5) draws them. */
function input(c: Case): NDArray {
  const x = np.random.defaultRng(5).standardNormal(c[0]);
  if (c[2] === "prod") return x.mul(0.01).add(1);
  if (c[4] === "int64") return x.mul(1000).astype("int64");
  return c[4] === "float32" ? x.astype("float32") : x;
}

test("lazy sum, mean and prod have Dask's bits: the blocks' partials combined in _tree_reduce's groups", async () => {
  const theirs = pythonJson<string[][]>(
    `
import json, sys, base64
import numpy as np, dask.array as da
out = []
for shape, chunks, red, axis, dtype in json.load(sys.stdin):
    x = np.random.default_rng(5).standard_normal(shape)
    if red == "prod": x = x * 0.01 + 1
    elif dtype == "int64": x = (x * 1000).astype(np.int64)
    elif dtype == "float32": x = x.astype(np.float32)
    r = getattr(da.from_array(x, chunks=tuple(chunks)), red)(axis=tuple(axis) if isinstance(axis, list) else axis).compute()
    r = np.asarray(r)
    out.append([str(r.dtype), base64.b64encode(np.ascontiguousarray(r).tobytes()).decode()])
print(json.dumps(out))`,
    JSON.stringify(CASES),
  );
  for (const [k, c] of CASES.entries()) {
    const lazy = da.fromArray(input(c), { chunks: c[1] });
    const axis = c[3];
    const r = (await lazy[c[2]]({ axis: axis === null ? undefined : axis }).compute()) as NDArray;
    const got = Buffer.from(np.ascontiguousarray(r).data.buffer, 0, r.nbytes).toString("base64");
    assert.equal(r.dtype, theirs[k][0], `${JSON.stringify(c)}: dtype`);
    assert.equal(got, theirs[k][1], `${JSON.stringify(c)}: the bits differ from Dask's`);
  }
});

test("a sum and a mean over every axis of a generated array, folded a block a task on the worker pool, combine their blocks in Dask's tree too", async () => {
  // Dask's side: the same per-block PCG64 streams as lazylab's da.random.defaultRng(seed) (bench/da.ts).
  const cases: [number, number, number, "sum" | "mean"][] = [[3, 4000, 500, "sum"], [4, 3000, 250, "mean"], [5, 2100, 300, "sum"]];
  const theirs = pythonJson<string[]>(`
import json, base64
import numpy as np, dask.array as da
out = []
for seed0, n, chunk, red in json.load(__import__("sys").stdin):
    seed = int(np.random.default_rng(seed0).integers(0, 2**52))
    def block(block_info=None, seed=seed):
        b = block_info[None]
        (i, j), (_, nj) = b["chunk-location"], b["num-chunks"]
        return np.random.default_rng([seed, i * nj + j]).standard_normal(b["chunk-shape"])
    y = da.map_blocks(block, chunks=da.core.normalize_chunks((chunk, chunk), (n, n)), dtype=np.float64, meta=np.empty((0, 0)))
    r = np.asarray(getattr(y ** 2 + 1, red)().compute())
    out.append(base64.b64encode(r.tobytes()).decode())
print(json.dumps(out))`, JSON.stringify(cases));
  da.setPoolSize(2);
  try {
    for (const [k, [seed, n, chunk, red]] of cases.entries()) {
      const y = da.random.defaultRng(seed).standardNormal([n, n], { chunks: [chunk, chunk] });
      const r = (await y.pow(2).add(1)[red]().compute()) as NDArray;
      assert.equal(Buffer.from(np.ascontiguousarray(r).data.buffer, 0, 8).toString("base64"), theirs[k], `${red} of ${n}² in ${chunk}² chunks: ${r.item()}`);
    }
  } finally {
    da.shutdownPool();
  }
});
