/** The worker-pool path of lazy reductions over generated arrays: same results as in-thread, errors named. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { da } from "../lib";
import { runOnPool, shutdownPool } from "../lib/da/scheduler/pool";
import { computeSync } from "../lib/da/array";

test("parallel fused reductions equal the in-thread scheduler's results", async () => {
  const y = da.random.defaultRng(7).standardNormal([1200, 900], { chunks: [500, 400] });
  const z = da.random.defaultRng(8).random([1200, 900], { chunks: [500, 400] });
  for (const expr of [y.pow(2).sum(), y.mean(), y.mul(z).add(1).max(), y.sub(z).min(), y.gt(0).sum(), da.ones([1000, 10], { chunks: [300, 5] }).mul(3).sum()]) {
    da.setPoolSize(2);
    const par = (await expr.compute()).item();
    const seq = computeSync(expr).item();
    assert.ok(Math.abs(par - seq) <= 1e-9 * Math.max(1, Math.abs(seq)), `${String(expr)}: pool ${par} vs in-thread ${seq}`);
  }
  da.setPoolSize(1);
  const one = (await y.pow(2).sum().compute()).item();
  da.setPoolSize(2);
  const two = (await y.pow(2).sum().compute()).item();
  assert.equal(one, two, "the same chunk partials combined in the same order, whatever the thread count");
  shutdownPool();
});

test("a failing task rejects with an error naming the task, and the pool keeps working", async () => {
  da.setPoolSize(2);
  await assert.rejects(
    runOnPool({ expr: "v0.nope()", fold: "sum", leaves: [{ spec: { kind: "full", value: 1 }, block: [0] }], n: 10, label: "test-task, block (0)" }),
    /task test-task, block \(0\) failed: TypeError/,
  );
  const s = await runOnPool({ expr: "v0 * 2", fold: "sum", leaves: [{ spec: { kind: "full", value: 1.5 }, block: [0] }], n: 10, label: "ok" });
  assert.equal(s, 30);
  shutdownPool();
});
