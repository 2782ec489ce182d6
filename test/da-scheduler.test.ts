/** The worker-pool path of lazy reductions over generated arrays: same results as in-thread, errors named. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { da } from "../lib";
import { runOnPool, shutdownPool } from "../lib/da/scheduler/pool";
import { computeSync } from "../lib/da/array";
import { foldBand } from "../lib/da/fold-block";

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

test("fused reductions of a fromArray in shared memory run on the pool and equal the in-thread scheduler and lib/np", async () => {
  const { np } = await import("../lib");
  const { busyWorkers } = await import("../lib/da/scheduler/pool");
  const X = np.random.defaultRng(11).standardNormal([1300, 1100]); // 11 MB: allocated on a SharedArrayBuffer
  assert.ok(X.nd.data.buffer instanceof SharedArrayBuffer, "a big eager array lives in shared memory");
  assert.ok(!(np.ones([10]).nd.data.buffer instanceof SharedArrayBuffer), "a small one does not");
  const ROW = np.random.defaultRng(12).standardNormal([1100]); // small: copied to the workers with each task
  const x = da.fromArray(X, { chunks: [400, 300] });
  const row = da.fromArray(ROW, { chunks: 300 });
  const Z = np.random.defaultRng(13).standardNormal([60, 150, 130]);
  const z = da.fromArray(Z, { chunks: [25, 40, 60] });
  const cases: [string, ReturnType<typeof x.sum>, unknown][] = [
    ["(x**2).sum(axis=-1)", x.pow(2).sum({ axis: -1 }), X.pow(2).sum({ axis: -1 })],
    ["(x**2).sum(axis=0)", x.pow(2).sum({ axis: 0 }), X.pow(2).sum({ axis: 0 })],
    ["(x*row).max()", x.mul(row).max(), X.mul(ROW).max()],
    ["(x+1).mean(keepdims)", x.add(1).mean({ keepdims: true }), X.add(1).mean({ keepdims: true })],
    ["(x-2).min(axis=1)", x.sub(2).min({ axis: 1 }), X.sub(2).min({ axis: 1 })],
    ["(ones*x).sum(axis=0)", da.ones([1300, 1100], { chunks: [400, 300] }).mul(x).sum({ axis: 0 }), X.sum({ axis: 0 })],
    // 3-D, uneven last blocks: bands of blocks along the last axis, each block's partial its own.
    ["(z**2).sum(axis=-1)", z.pow(2).sum({ axis: -1 }), Z.pow(2).sum({ axis: -1 })],
    ["(z*z).sum(axis=(0, 2))", z.mul(z).sum({ axis: [0, 2] }), Z.mul(Z).sum({ axis: [0, 2] })],
    ["(z*2).max(axis=1)", z.mul(2).max({ axis: 1 }), Z.mul(2).max({ axis: 1 })],
    // var/std: the machine's moments of each band, claimed by whichever thread is free.
    ["sqrt(abs(x)).std(axis=-1)", x.abs().sqrt().std({ axis: -1 }), X.abs().sqrt().std({ axis: -1 })],
    ["(x*3-1).var(axis=0)", x.mul(3).sub(1).var({ axis: 0 }), X.mul(3).sub(1).var({ axis: 0 })],
    ["(z-1).std(axis=(0, 2))", z.sub(1).std({ axis: [0, 2] }), Z.sub(1).std({ axis: [0, 2] })],
  ];
  try {
    for (const [label, lazy, eager] of cases) {
      da.setPoolSize(2);
      const p = lazy.compute();
      assert.equal(busyWorkers(), 2, `${label}: its block tasks went to both workers`);
      const par = await p;
      const seq = computeSync(lazy);
      assert.deepEqual(par.shape, seq.shape, label);
      assert.equal(par.sub(seq).abs().max(), 0, `${label}: the pool's partials are the in-thread ones, combined in the same order`);
      const want = typeof eager === "number" ? np.array(eager as never) : (eager as typeof par);
      assert.ok((par.sub(want).abs().max() as number) <= 1e-9, `${label}: equals lib/np`);
    }
  } finally {
    shutdownPool();
  }
});

/** A bands task of one band over `leaf` (its partials in `out`), labelled `label` as the band and the task. */
function oneBand(expr: string, leaf: { data: Float64Array; stride: number[] }, parts: { offsets: number[]; shape: number[] }[], label: string) {
  return { kind: "bands" as const, expr, fold: "sum" as const, axes: [0], bands: [{ leaves: [leaf], parts, at: 0, label }], out: new Float64Array(new SharedArrayBuffer(8 * parts.length)), next: new Int32Array(new SharedArrayBuffer(8)), label };
}

test("band fold tasks on the pool: a failing one is named, a crash is reported and the pool rebuilt", async () => {
  const leaf = { data: new Float64Array([1, 2, 3, 4]), stride: [1] };
  const one = [{ offsets: [0], shape: [4] }];
  da.setPoolSize(2);
  try {
    await assert.rejects(runOnPool(oneBand("v0.nope()", leaf, one, "sum-aggregate-0000beef, block (2, 3)")), /task sum-aggregate-0000beef, block \(2, 3\) failed: TypeError/);
    await assert.rejects(
      runOnPool(oneBand("(process.exit(3), v0)", leaf, one, "sum-aggregate-0000beef, block (1, 0)")),
      /worker crashed running task sum-aggregate-0000beef, block \(1, 0\).*code 3.*pool was rebuilt/,
    );
    const v = oneBand("v0 * v0", leaf, one, "ok");
    assert.equal(await runOnPool(v), 1, "one band computed");
    assert.deepEqual([...v.out], [30]);
    const two = oneBand("v0 * v0", leaf, [{ offsets: [0], shape: [2] }, { offsets: [2], shape: [2] }], "ok");
    await runOnPool(two);
    assert.deepEqual([...two.out], [5, 25], "a band's partials, one per part, in order");
  } finally {
    shutdownPool();
  }
});

test("a reduction's bands are claimed by the pool's threads: each band's partials in its own place whoever computes it, a failing band named", async () => {
  const data = new Float64Array(new SharedArrayBuffer(8 * 12)).map((_, i) => i + 1);
  const leaves = [{ data, stride: [1] }];
  const bands = [0, 1, 2].map((b) => ({ leaves, parts: [{ offsets: [4 * b], shape: [2] }, { offsets: [4 * b + 2], shape: [2] }], at: 2 * b, label: `sum-aggregate-0000beef, band ${b}` }));
  const task = (expr: string) => ({ kind: "bands" as const, expr, fold: "sum" as const, axes: [0], bands, out: new Float64Array(new SharedArrayBuffer(8 * 6)), next: new Int32Array(new SharedArrayBuffer(8)), label: "sum-aggregate-0000beef" });
  da.setPoolSize(2);
  try {
    const t = task("v0 * v0");
    const counts = await Promise.all([runOnPool(t), runOnPool(t)]);
    assert.equal(counts[0] + counts[1], 3, "every band computed once");
    assert.equal(t.next[1], 6, "blocks done, for the progress display");
    const want = bands.map((b) => foldBand("v0 * v0", "sum", leaves, b.parts, [0]));
    assert.deepEqual([...t.out], want.flatMap((v) => [...v]), "the bands' partials in order, as each band gives them in-thread");
    const bad = task("v0.nope()");
    await assert.rejects(runOnPool(bad), /task sum-aggregate-0000beef, band 0 failed: TypeError/);
    assert.ok(bad.next[0] >= 3, "a failure stops the other threads' claiming");
  } finally {
    shutdownPool();
  }
});

test("a failing task's error names the task and chunk it failed in, on every path of a compute", async () => {
  const { np } = await import("../lib");
  const bad = da.fromFunction(
    (idx, shape) => {
      if (idx[0] === 1 && idx[1] === 2) throw new RangeError("bad block");
      return np.ones(shape as number[]);
    },
    [30, 40],
    { chunks: [10, 10], name: "loader" },
  );
  const named = (e: Error) => {
    assert.equal(e.name, "RangeError", "the task's own error class is kept");
    assert.match(e.message, /^task loader-[0-9a-f]{8}, block \(1, 2\) failed: bad block$/);
    return true;
  };
  await assert.rejects(bad.compute(), named); // the blocks themselves
  await assert.rejects(bad.add(1).compute(), named); // written straight into the result
  await assert.rejects(bad.pow(2).sum({ axis: 0 }).compute(), named); // folded into a reduction
  await assert.rejects(bad.get("10:20, 20:30").compute(), named); // through a slice
  assert.equal((await bad.get(":10").sum().compute()).item(), 400, "the chunks that do not fail still compute");
});

test("elementwise results over eager sources and constants, run as batches of blocks, equal lib/np", async () => {
  const { np } = await import("../lib");
  const X = np.random.defaultRng(13).standardNormal([700, 300]);
  const ROW = np.random.defaultRng(14).standardNormal([300]);
  const x = da.fromArray(X, { chunks: [64, 100] }); // 11 rows of blocks, 3 batches of ≥ 65,536 elements
  const row = da.fromArray(ROW, { chunks: 100 });
  const cases: [string, ReturnType<typeof x.add>, ReturnType<typeof X.add>][] = [
    ["x * 2 + row", x.mul(2).add(row), X.mul(2).add(ROW)],
    ["x.T - 1", x.T.sub(1), X.T.sub(1)],
    ["ones(10000, chunks=1) + 1", da.ones([10000], { chunks: 1 }).add(1), np.ones([10000]).add(1)],
    ["(x > 0) * x", x.gt(0).mul(x), X.gt(0).mul(X)],
    ["x[::-3, 5:] ** 2", x.get("::-3, 5:").pow(2), X.get("::-3, 5:").pow(2)],
  ];
  for (const [label, lazy, eager] of cases) {
    const got = await lazy.compute();
    assert.deepEqual(got.shape, eager.shape, label);
    assert.equal(got.dtype, eager.dtype, label);
    assert.equal(got.sub(eager).abs().max(), 0, `${label}: equals lib/np`);
  }
});

test("view-only results (slices, indices, new axes, transposes, rechunks of a fromArray) are one copy of the source and equal lib/np", async () => {
  const { np } = await import("../lib");
  const { taskCounter } = await import("../lib/da/evaluate");
  const X = np.random.defaultRng(15).standardNormal([400, 300]);
  const x = da.fromArray(X, { chunks: [100, 100] });
  const cases: [string, ReturnType<typeof x.get>, ReturnType<typeof X.get>][] = [
    ["x[:100, :]", x.get(":100, :"), X.get(":100, :")],
    ["x[::-3, 7]", x.get("::-3, 7"), X.get("::-3, 7")],
    ["x[None, 5:, ::4]", x.get([null, "5:", "::4"] as never), X.get([null, "5:", "::4"] as never)],
    ["x.T[10:20]", x.T.get("10:20"), X.T.get("10:20")],
    ["x.rechunk(70)[3:, 250:]", x.rechunk(70).get("3:, 250:"), X.get("3:, 250:")],
  ];
  for (const [label, lazy, eager] of cases) {
    const before = taskCounter.tasks;
    const got = await lazy.compute();
    assert.equal(taskCounter.tasks, before, `${label}: no block task ran (one copy of the source's region)`);
    assert.deepEqual(got.shape, eager.shape, label);
    assert.equal(got.dtype, eager.dtype, label);
    assert.equal(got.sub(eager).abs().max(), 0, `${label}: equals lib/np`);
    assert.ok(got.isContiguous && got.nd.data !== X.nd.data, `${label}: a copy, not a view of the source`);
  }
});

test("back-to-back computes of a big result reuse the buffer of the one dropped before (no fresh memory paged in)", async () => {
  const { np } = await import("../lib");
  const { collectGarbage } = await import("../lib/psutil/footprint");
  const X = np.random.defaultRng(16).standardNormal([1000, 400]);
  const x = da.fromArray(X, { chunks: [100, 100] }).mul(2); // 3.2 MB results
  da.releasePool(); // (what earlier tests pooled counts against the pool's cap)
  let r: unknown = await x.compute();
  r = await x.compute(); // (the very first result can stay reachable for one collection more)
  for (let i = 0; i < 3; i++) {
    r = undefined;
    collectGarbage(); // the result is collected; its finalizer runs at the next turn of the event loop
    const { allocated, reused } = da.poolInfo();
    r = await x.compute(); // ... which the compute waits for before it takes its buffer
    assert.equal(da.poolInfo().allocated, allocated, `compute ${i + 3}: no new buffer`);
    assert.equal(da.poolInfo().reused, reused + 1, `compute ${i + 3}: the dropped result's buffer`);
  }
  assert.ok(r);
});

test("full collections between computes do not deoptimise the scheduler's hot functions (their objects' hidden classes are kept)", { timeout: 60_000 }, async () => {
  const { spawnSync } = await import("node:child_process");
  const path = await import("node:path");
  const { EXECUTOR_FLAGS } = await import("../kernel/executor/supervisor");
  const lib = path.join(__dirname, "..", "lib");
  const script = `
    const { da, np } = require(${JSON.stringify(lib)});
    const { collectGarbage } = require(${JSON.stringify(path.join(lib, "psutil", "footprint"))});
    da.setProgress(false);
    (async () => {
      const x = da.fromArray(np.random.defaultRng(1).standardNormal([300, 200]), { chunks: [10, 10] });
      for (let i = 0; i < 12; i++) {
        collectGarbage(); // as the executor does around every memory reading
        await da.ones([3000], { chunks: 1 }).transpose().add(1).compute();
        await x.T.mul(2).get("::2").compute();
        await x.mul(x).sum({ axis: 0 }).compute();
      }
    })();`;
  const r = spawnSync(process.execPath, [...EXECUTOR_FLAGS, "--trace-deopt", "-e", script], { encoding: "utf8", maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, r.stderr);
  const weak = r.stdout.split("\n").filter((l) => l.includes("reason: weak objects"));
  const hot = ["due", "leafBlocks", "blockShape", "fusedWrite", "applyIndex", "indices", "Slice"];
  const hit = weak.filter((l) => hot.some((f) => l.includes(`<SharedFunctionInfo ${f}>`)));
  assert.deepEqual(hit, [], "optimised code of these functions was thrown away after a full collection");
});

test("a stream fold's memory does not grow with its number of tasks (worker threads reuse their piece buffers)", { timeout: 120_000 }, async () => {
  const { spawnSync } = await import("node:child_process");
  const path = await import("node:path");
  const { EXECUTOR_FLAGS, executorEnvironment } = await import("../kernel/executor/supervisor");
  const lib = path.join(__dirname, "..", "lib");
  const peakAbove = (n: number): number => {
    const script = `
      const { da } = require(${JSON.stringify(lib)});
      const fs = require("fs");
      const st = (f) => Number(new RegExp("^" + f + ":\\\\s+(\\\\d+) kB", "m").exec(fs.readFileSync("/proc/self/status", "utf8"))[1]) * 1024;
      (async () => {
        da.setPoolSize(2);
        da.setProgress(false);
        await da.random.defaultRng(1).standardNormal([1000, 1000], { chunks: [500, 500] }).pow(2).sum().compute(); // threads up
        const before = st("VmRSS");
        await da.random.defaultRng(1).standardNormal([${n}, ${n}], { chunks: [500, 500] }).pow(2).sum().compute();
        console.log(st("VmHWM") - before);
        da.shutdownPool();
      })();`;
    const r = spawnSync(process.execPath, [...EXECUTOR_FLAGS, "-e", script], { encoding: "utf8", env: executorEnvironment({ ...process.env }) });
    assert.equal(r.status, 0, r.stderr);
    return Number(r.stdout.trim()) / 2 ** 20;
  };
  const few = peakAbove(2000); // 16 tasks
  const many = peakAbove(7000); // 196 tasks (each folds 250,000 draws a piece at a time)
  assert.ok(many - few <= 15, `peak RSS above the start: ${few.toFixed(1)} MB for 16 tasks, ${many.toFixed(1)} MB for 196`);
});

test("big elementwise results over shared memory are written in place by the worker pool, bit for bit the in-thread result and lib/np's", async () => {
  const { np } = await import("../lib");
  const { busyWorkers } = await import("../lib/da/scheduler/pool");
  const X = np.random.defaultRng(21).standardNormal([1500, 1300]); // 15.6 MB: shared memory
  const ROW = np.random.defaultRng(22).standardNormal([1300]); // small: copied with each task
  const x = da.fromArray(X, { chunks: [200, 500] });
  const row = da.fromArray(ROW, { chunks: 500 });
  const XI = X.mul(1000).astype("int32");
  const xi = da.fromArray(XI, { chunks: [200, 500] });
  const cases: [string, ReturnType<typeof x.add>, ReturnType<typeof X.add>][] = [
    ["sqrt(abs(x)) * 2 + 1", x.abs().sqrt().mul(2).add(1), X.abs().sqrt().mul(2).add(1)],
    ["x * row - 3", x.mul(row).sub(3), X.mul(ROW).sub(3)],
    ["exp(x) / (ones + 1)", x.exp().div(da.ones([1500, 1300], { chunks: [200, 500] }).add(1)), X.exp().div(np.ones([1500, 1300]).add(1))],
    ["(x > 0) * x, float64", x.gt(0).mul(x), X.gt(0).mul(X)],
    ["xi * 3 - 7, int32", xi.mul(3).sub(7), XI.mul(3).sub(7)],
    ["1-D source + 1", da.fromArray(X.reshape(-1), { chunks: 300_000 }).add(1), X.reshape(-1).add(1)],
    ["3-D, leading axis of 3", da.fromArray(X.reshape(3, 500, 1300), { chunks: [1, 200, 500] }).abs().sqrt(), X.reshape(3, 500, 1300).abs().sqrt()],
  ];
  try {
    for (const [label, lazy, eager] of cases) {
      da.setPoolSize(2);
      let busy = 0;
      const p = lazy.compute();
      let settled = false;
      void p.finally(() => (settled = true)).catch(() => undefined);
      while (!settled) {
        busy = Math.max(busy, busyWorkers());
        await new Promise((r) => setImmediate(r));
      }
      const par = await p;
      assert.ok(busy > 0, `${label}: written by the pool`);
      assert.ok(par.nd.data.buffer instanceof SharedArrayBuffer, `${label}: the result is the shared buffer the workers wrote`);
      da.setPoolSize(1);
      const seq = await lazy.compute();
      const blockwise = computeSync(lazy);
      assert.deepEqual(par.shape, eager.shape, label);
      assert.equal(par.dtype, eager.dtype, label);
      const a = new Uint8Array(par.nd.data.buffer, par.nd.data.byteOffset, par.nd.data.byteLength);
      const b = new Uint8Array(seq.nd.data.buffer, seq.nd.data.byteOffset, seq.nd.data.byteLength);
      const e = eager.isContiguous ? eager : eager.copy();
      const c = new Uint8Array(e.nd.data.buffer, e.nd.data.byteOffset + e.nd.offset * e.nd.data.BYTES_PER_ELEMENT, par.nd.data.byteLength);
      assert.ok(Buffer.compare(a, b) === 0, `${label}: bits equal the in-thread result's`);
      const w = new Uint8Array(blockwise.nd.data.buffer, blockwise.nd.data.byteOffset, blockwise.nd.data.byteLength);
      assert.ok(Buffer.compare(a, w) === 0, `${label}: bits equal the block-by-block result's`);
      assert.ok(Buffer.compare(a, c) === 0, `${label}: bits equal lib/np's`);
    }
  } finally {
    shutdownPool();
  }
});

test("a pool of one runs a big fused reduction in bands of blocks on the notebook's thread, with the bits of block by block", async () => {
  const { np } = await import("../lib");
  const foldBlock = await import("../lib/da/fold-block");
  const X = np.random.defaultRng(31).standardNormal([1300, 1100]);
  const x = da.fromArray(X, { chunks: [400, 300] });
  const parts: number[] = [];
  const { foldBand, momentsBand } = foldBlock;
  // Count the parts of each band the scheduler hands the machine (the compiled module's calls read these properties).
  const spy = foldBlock as unknown as Record<string, unknown>;
  spy.foldBand = (...a: Parameters<typeof foldBand>) => (parts.push(a[3].length), foldBand(...a));
  spy.momentsBand = (...a: Parameters<typeof momentsBand>) => (parts.push(a[2].length), momentsBand(...a));
  try {
    da.setPoolSize(1);
    for (const [label, lazy] of [
      ["(abs(x)*2+1).sum(axis=-1)", x.abs().mul(2).add(1).sum({ axis: -1 })],
      ["(x > 0).sum()", x.gt(0).sum()],
      ["sqrt(abs(x)).std(axis=-1)", x.abs().sqrt().std({ axis: -1 })],
      ["(x*3-1).var(axis=0)", x.mul(3).sub(1).var({ axis: 0 })],
    ] as const) {
      parts.length = 0;
      const banded = await lazy.compute();
      // 4 x 4 blocks: bands of at most 16 / 2 blocks, joined along a row only (4 each), every block in one.
      assert.ok(parts.length > 0 && parts.every((n) => n > 1) && parts.reduce((s, n) => s + n, 0) === 16, `${label}: bands of ${parts.join(", ")} blocks`);
      const blockwise = computeSync(lazy);
      const a = new Uint8Array(banded.nd.data.buffer, banded.nd.data.byteOffset, banded.nd.data.byteLength);
      const b = new Uint8Array(blockwise.nd.data.buffer, blockwise.nd.data.byteOffset, blockwise.nd.data.byteLength);
      assert.ok(Buffer.compare(a, b) === 0, `${label}: bits equal the block-by-block result's`);
    }
  } finally {
    spy.foldBand = foldBand;
    spy.momentsBand = momentsBand;
    da.setPoolSize(2);
    shutdownPool();
  }
});

/** Interrupts the notebook once a pool worker is busy with `p`'s compute, and checks that `p` then fails as Interrupted. */
async function interruptOnceBusy(p: Promise<unknown>): Promise<void> {
  let settled = false;
  void p.finally(() => (settled = true)).catch(() => undefined);
  const { notifyInterrupt } = await import("../lib/notebook");
  const { busyWorkers } = await import("../lib/da/scheduler/pool");
  while (!settled && busyWorkers() === 0) await new Promise((r) => setImmediate(r));
  notifyInterrupt();
  await assert.rejects(p, (e: Error) => e.name === "Interrupted");
}

test("an interrupt stops the worker tasks of a big elementwise result, and its buffer goes back once they have stopped", async () => {
  const { np } = await import("../lib");
  const { busyWorkers } = await import("../lib/da/scheduler/pool");
  // 32 MB, under the largest buffer the pool keeps (32 MiB).
  const X = np.random.defaultRng(23).standardNormal([2000, 2000]);
  const x = da.fromArray(X, { chunks: [250, 2000] });
  const slow = x.abs().add(1).log().exp().log().exp().log().exp();
  da.setPoolSize(2);
  try {
    da.releasePool();
    const before = da.poolInfo().returned;
    const p = slow.compute();
    await interruptOnceBusy(p);
    assert.equal(busyWorkers(), 0, "the busy workers were stopped");
    assert.equal(da.poolInfo().returned - before, 1, "the result's buffer went back to the pool");
    const got = await x.get("0:300").mul(2).compute();
    assert.equal(got.sub(X.get("0:300").mul(2)).abs().max(), 0, "computes go on afterwards");
  } finally {
    shutdownPool();
  }
});

test("an interrupt stops the threads claiming a big reduction's bands, and the pool goes on", async () => {
  const { np } = await import("../lib");
  const { busyWorkers } = await import("../lib/da/scheduler/pool");
  const X = np.random.defaultRng(29).standardNormal([4000, 2000]);
  const x = da.fromArray(X, { chunks: [250, 1000] });
  const slow = x.abs().add(1).log().exp().log().exp().log().exp().std({ axis: -1 });
  da.setPoolSize(2);
  try {
    const p = slow.compute();
    await interruptOnceBusy(p);
    assert.equal(busyWorkers(), 0, "the threads claiming its bands were stopped");
    const small = x.get("0:1000").mul(3).sub(1);
    const got = await small.var({ axis: 0 }).compute();
    assert.equal(got.sub(computeSync(small.var({ axis: 0 }))).abs().max(), 0, "computes go on afterwards, with the in-thread bits");
  } finally {
    shutdownPool();
  }
});

