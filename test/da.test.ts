/**
 * Every lazy operation of `da` computed and compared with the same operation on the eager
 * lib/np array (the oracle for values), and with real Dask (Debian's python3) for chunk
 * layouts, reprs and reduction values.
 */
import { test } from "node:test";
import path from "node:path";
import { runLikeExecutor } from "./executor-process";
import assert from "node:assert/strict";
import { np, da, MIME_BUNDLE } from "../lib";
import { MemoryError } from "../lib/np/memory-error";
import { totalmem } from "node:os";
import { readFileSync, writeFileSync } from "node:fs";
import type { NDArray } from "../lib/np";
import type { LazyArray } from "../lib/da";
import { pythonJson } from "./oracle";
import { computeSync } from "../lib/da/array";
import { native } from "../lib/np/native";

/** Asserts a computed lazy array equals the eager result: dtype, shape and every value. */
async function same(label: string, lazy: LazyArray, eager: NDArray | number | boolean, rtol = 1e-12): Promise<void> {
  const got = await lazy.compute();
  const want = typeof eager === "object" ? eager : np.array(eager as never);
  assert.deepEqual(got.shape, want.shape, `${label}: shape`);
  assert.deepEqual(lazy.shape, want.shape, `${label}: lazy shape`);
  assert.equal(got.dtype, want.dtype, `${label}: dtype`);
  assert.equal(lazy.dtype, want.dtype, `${label}: lazy dtype`);
  const g = got.ravel(), w = want.ravel();
  for (let i = 0; i < w.size; i++) {
    const a = g.flatAt(i), b = w.flatAt(i);
    if (Number.isNaN(b)) assert.ok(Number.isNaN(a), `${label}[${i}]: ${a} vs NaN`);
    else assert.ok(a === b || Math.abs(a - b) <= rtol * Math.max(1, Math.abs(b)), `${label}[${i}]: lazy ${a} vs eager ${b}`);
  }
}

const rng = np.random.defaultRng(42);
const X = rng.standardNormal([23, 17]);
const Y = rng.standardNormal([23, 17]);
const ROW = rng.standardNormal([17]);
const COL = rng.standardNormal([23, 1]);
const I = np.arange(0, 60, 1, { dtype: "int64" } as never).reshape(5, 12);

test("elementwise with broadcasting and scalars, pow, sqrt and comparisons equal lib/np", async () => {
  const x = da.fromArray(X, { chunks: [5, 4] });
  const y = da.fromArray(Y, { chunks: [7, 6] }); // other chunks: operands are aligned
  const row = da.fromArray(ROW, { chunks: 5 });
  const col = da.fromArray(COL, { chunks: [10, 1] });
  await same("x + y", x.add(y), X.add(Y));
  await same("x - 2.5", x.sub(2.5), X.sub(2.5));
  await same("x * eager y", x.mul(Y), X.mul(Y));
  await same("x / row", x.div(row), X.div(ROW));
  await same("x * col + row", x.mul(col).add(row), X.mul(COL).add(ROW));
  await same("x ** 2", x.pow(2), X.pow(2));
  await same("x ** 3", x.pow(3), X.pow(3));
  await same("|x| ** 0.5", x.abs().pow(0.5), X.abs().pow(0.5));
  await same("sqrt(|x|)", x.abs().sqrt(), X.abs().sqrt());
  await same("sqrt(x) (NaNs)", x.sqrt(), X.sqrt());
  await same("-x", x.neg(), X.neg());
  await same("exp(x) - log(|y|)", x.exp().sub(y.abs().log()), X.exp().sub(Y.abs().log()));
  await same("x % 0.7", x.mod(0.7), X.mod(0.7));
  for (const op of ["eq", "ne", "lt", "le", "gt", "ge"] as const) {
    await same(`x ${op} y`, x[op](y), X[op](Y));
    await same(`x ${op} 0`, x[op](0), X[op](0));
  }
  await same("(x > 0) + 1", x.gt(0).add(1), X.gt(0).add(1));
  const i = da.fromArray(I, { chunks: [2, 5] });
  await same("int * 3", i.mul(3), I.mul(3));
  await same("int ** 2", i.pow(2), I.pow(2));
  await same("int / 4", i.div(4), I.div(4));
  await same("int + 0.5", i.add(0.5), I.add(0.5));
});

test("slicing: steps, negative indices and steps, integer indices, new axes and ranges across chunk boundaries", async () => {
  const x = da.fromArray(X, { chunks: [5, 4] });
  for (const idx of ["3:19, 2:15", "::2, ::3", "::-1, :", "-5:, -3:", "4:22:3, 1", "7, 3:16", "::-3, ::-2", "20:2:-4, -1", "None, 2:9", "..., 5", "4:4, :", "-100:100, 16:", "1:22, None, 3:5"]) {
    await same(`x[${idx}]`, x.get(idx), X.get(idx));
  }
  await same("slice of a slice", x.get("2:20, ::2").get("::-1, 1:"), X.get("2:20, ::2").get("::-1, 1:"));
  await same("slice of an expression", x.pow(2).add(1).get("3:9, 4:13"), X.pow(2).add(1).get("3:9, 4:13"));
  await same("expression of slices", x.get("0:10, :").sub(x.get("10:20, :")), X.get("0:10, :").sub(X.get("10:20, :")));
});

test("reductions over all axes, each axis, negative axes, several axes and keepdims equal lib/np", async () => {
  const x = da.fromArray(X, { chunks: [5, 4] });
  const e = x.mul(2).sub(1); // fused input
  const E = X.mul(2).sub(1);
  const B = X.gt(0.3);
  const b = x.gt(0.3);
  const opts: (undefined | { axis?: number | number[] | null; keepdims?: boolean })[] = [
    undefined, { axis: 0 }, { axis: 1 }, { axis: -1 }, { axis: -2 }, { axis: [0, 1] }, { axis: 0, keepdims: true }, { axis: -1, keepdims: true }, { keepdims: true }, { axis: null },
  ];
  for (const o of opts) {
    const tag = JSON.stringify(o ?? {});
    for (const r of ["sum", "mean", "min", "max", "std"] as const) {
      await same(`x.${r}(${tag})`, x[r](o), X[r](o) as NDArray, 1e-10);
      await same(`(2x-1).${r}(${tag})`, e[r](o), E[r](o) as NDArray, 1e-10);
    }
    for (const r of ["any", "all"] as const) await same(`(x > .3).${r}(${tag})`, b[r](o), B[r](o) as NDArray);
  }
  const s = x.sqrt(), S = X.sqrt(); // NaN where x < 0: NaN propagates as in NumPy
  for (const o of [undefined, { axis: 0 }, { axis: -1 }]) for (const r of ["sum", "min", "max"] as const) await same(`sqrt(x).${r}(${JSON.stringify(o ?? {})})`, s[r](o), S[r](o) as NDArray);
  const i = da.fromArray(I, { chunks: [2, 5] });
  for (const r of ["sum", "min", "max", "mean", "std"] as const) await same(`int.${r}(axis 1)`, i[r]({ axis: 1 }), I[r]({ axis: 1 }) as NDArray, 1e-12);
  await same("std ddof 1", x.std({ axis: 0, ddof: 1 }), X.std({ axis: 0, ddof: 1 }) as NDArray, 1e-10);
  await same("var", x.var({ axis: 1 }), X.var({ axis: 1 }) as NDArray, 1e-10);
  await same("prod", x.get(":6, :").prod({ axis: 0 }), X.get(":6, :").prod({ axis: 0 }) as NDArray, 1e-12);
});

test("rechunk, mapBlocks, transpose, reshape, concatenate, stack and persist equal lib/np", async () => {
  const x = da.fromArray(X, { chunks: [5, 4] });
  const r = x.rechunk([9, 7]);
  assert.deepEqual(r.chunks, [[9, 9, 5], [7, 7, 3]]);
  await same("rechunk", r, X);
  await same("rechunk, then slice", x.rechunk([3, -1]).get("::-2, 5:"), X.get("::-2, 5:"));
  await same("mapBlocks", x.mapBlocks((blk) => blk.mul(blk).add(1)), X.mul(X).add(1));
  await same("transpose", x.transpose(), X.transpose());
  await same("T of an expression, reduced", x.add(1).T.sum({ axis: 0 }), X.add(1).T.sum({ axis: 0 }) as NDArray, 1e-12);
  const three = da.fromArray(rng.standardNormal([4, 5, 6]), { chunks: [2, 3, 4] });
  const T3 = (await three.compute());
  await same("transpose(1, 2, 0)", three.transpose(1, 2, 0), T3.transpose(1, 2, 0));
  await same("reshape", x.reshape(17, 23), X.reshape(17, 23));
  await same("reshape -1", x.reshape(-1), X.reshape(-1));
  const y = da.fromArray(Y, { chunks: [7, 6] });
  await same("concatenate axis 0", da.concatenate([x, y], { axis: 0 }), np.concatenate([X, Y], { axis: 0 } as never));
  await same("concatenate axis -1", da.concatenate([x, y, x], -1), np.concatenate([X, Y, X], { axis: -1 } as never));
  await same("stack", da.stack([x, y]), np.stack([X, Y]));
  await same("stack axis 2", da.stack([x, y], { axis: 2 }), np.stack([X, Y], { axis: 2 } as never));
  const p = await x.pow(2).persist();
  assert.equal(p.graphSize, p.npartitions, "a persisted array's graph is its stored chunks");
  assert.deepEqual(p.chunks, x.chunks);
  await same("persist", p, X.pow(2));
  await same("persist, then more", p.sum({ axis: 0 }), X.pow(2).sum({ axis: 0 }) as NDArray, 1e-12);
});

test("da.compute(a, b) returns each result; creation functions equal their eager versions", async () => {
  const x = da.fromArray(X, { chunks: [5, 4] });
  const [a, b] = await da.compute(x.pow(2).sum(), x.get("1:3"));
  assert.ok(Math.abs(a.item() - (X.pow(2).sum() as number)) < 1e-9);
  assert.deepEqual(b.tolist(), X.get("1:3").tolist());
  await same("zeros", da.zeros([7, 5], { chunks: 3 }), np.zeros([7, 5]));
  await same("ones int", da.ones([7], { chunks: 2, dtype: "int32" }), np.ones([7], { dtype: "int32" } as never));
  await same("full", da.full([4, 3], 2.5, { chunks: 2 }), np.full([4, 3], 2.5));
  await same("arange", da.arange(3, 50, 4, { chunks: 5 }), np.arange(3, 50, 4));
  await same("arange float", da.arange(0, 1, 0.125, { chunks: 3 }), np.arange(0, 1, 0.125));
  const f = da.fromFunction((idx, shape) => np.full(shape, idx[0] * 10 + idx[1]), [5, 6], { chunks: [2, 4] });
  const F = np.zeros([5, 6]);
  for (let i = 0; i < 5; i++) for (let j = 0; j < 6; j++) F.set([i, j], Math.floor(i / 2) * 10 + Math.floor(j / 4));
  await same("fromFunction", f, F);
  const g = da.random.defaultRng(3).standardNormal([30, 20], { chunks: [7, 9] });
  const g1 = await g.compute(), g2 = await g.compute();
  assert.deepEqual(g1.tolist(), g2.tolist(), "random chunks are reproducible");
  await same("random reduced", g.sum({ axis: 0 }), g1.sum({ axis: 0 }) as NDArray, 1e-12);
  await same("random sliced", g.get("5:25:2, ::-1"), g1.get("5:25:2, ::-1"));
});

// ---- against Dask ----------------------------------------------------------------------

const SPECS: [number[], unknown, string][] = [
  [[1000, 1000], [100, 100], "(100, 100)"],
  [[1000, 1000], [300, 500], "(300, 500)"],
  [[1000, 1000], "auto", '"auto"'],
  [[20000, 20000], "auto", '"auto"'],
  [[20000, 20000], [2000, 2000], "(2000, 2000)"],
  [[50000, 3000], ["auto", 1000], '("auto", 1000)'],
  [[17, 5], [4, -1], "(4, -1)"],
  [[100], 7, "7"],
  [[10, 12], [[3, 7], [2, 2, 8]], "((3, 7), (2, 2, 8))"],
];

test("chunks, chunksize, numblocks and npartitions equal Dask's for the same chunk specs", () => {
  const py = pythonJson<[number[][], number[], number[], number][]>(`
import json, dask.array as da
specs = [${SPECS.map(([s, , c]) => `((${s.join(", ")},), ${c})`).join(", ")}]
out = []
for shape, c in specs:
    a = da.zeros(shape, chunks=c, dtype="float64")
    out.append([[list(x) for x in a.chunks], list(a.chunksize), list(a.numblocks), a.npartitions])
print(json.dumps(out))`);
  SPECS.forEach(([shape, spec], i) => {
    const a = da.zeros(shape, { chunks: spec as never });
    assert.deepEqual([a.chunks, a.chunksize, a.numblocks, a.npartitions], py[i], `shape ${shape}, chunks ${JSON.stringify(spec)}`);
  });
});

test("text reprs and reduction values equal Dask's", () => {
  const py = pythonJson<{ reprs: string[]; values: number[] }>(`
import json, numpy as np, dask.array as da
x = np.arange(1000 * 1000, dtype="float64").reshape(1000, 1000) % 97 - 48
d = da.from_array(x, chunks=(100, 100))
sq = d ** 2
reprs = [repr(sq), repr(sq[0:100, :]), repr(sq.sum()), repr(d.mean(axis=0)), repr(d > 0), repr(d.T), repr(sq.sum(axis=-1)), repr(da.zeros((10,), chunks=3)), repr(d.rechunk((250, 500)))]
values = [float(sq.sum().compute()), float(d.mean().compute()), float(d.std().compute()), float(d[3:900:7, ::-3].max().compute()), float((d * 2 - 1).min().compute()), float(sq.sum(axis=-1).compute()[17])]
print(json.dumps({"reprs": reprs, "values": values}))`);
  const x = np.arange(1000 * 1000).astype("float64").reshape(1000, 1000).mod(97).sub(48);
  const d = da.fromArray(x, { chunks: [100, 100] });
  const sq = d.pow(2);
  const ours = [sq, sq.get("0:100, :"), sq.sum(), d.mean({ axis: 0 }), d.gt(0), d.T, sq.sum({ axis: -1 }), da.zeros([10], { chunks: 3 }), d.rechunk([250, 500])].map(String);
  assert.deepEqual(ours, py.reprs);
  return (async () => {
    const vals = [await sq.sum().compute(), await d.mean().compute(), await d.std().compute(), await d.get("3:900:7, ::-3").max().compute(), await d.mul(2).sub(1).min().compute(), (await sq.sum({ axis: -1 }).compute()).get(17)];
    vals.forEach((v, i) => assert.ok(Math.abs(v.item() - py.values[i]) <= 1e-9 * Math.max(1, Math.abs(py.values[i])), `value ${i}: ${v.item()} vs Dask ${py.values[i]}`));
  })();
});

// ---- memory, seen by the psutil probes -------------------------------------------------

/** The figures of test/da-memory-child.ts, from a fresh process with the executor's flags. */
function memoryFigures(): Promise<Record<string, number>> {
  return runLikeExecutor<Record<string, number>>([path.join(__dirname, "da-memory-child.js")], "da-memory-child");
}

test("memory: lazy arrays cost 0.0 MB, a slice's compute costs its bytes, and nothing stays once it is dropped (3 fresh executors)", { timeout: 120_000 }, async (t) => {
  const runs: Record<string, number>[] = [];
  for (let i = 0; i < 3; i++) runs.push(await memoryFigures());
  for (const k of ["lazy", "computed", "dropped", "pooled", "again", "released"]) t.diagnostic(`${k}: ${runs.map((r) => r[k].toFixed(4)).join(", ")} MB`);
  for (const r of runs) {
    assert.ok(Math.abs(r.lazy) <= 0.05, `a lazy array and a lazy op: ${r.lazy} MB`);
    // 100×1000 float64 is 0.76 MB; Dask-like chunk alignment may add up to as much again.
    assert.ok(r.computed <= -0.76 + 0.05 && r.computed >= -1.7, `compute of a 100×1000 slice: ${r.computed} MB`);
    assert.ok(Math.abs(r.dropped - r.computed) <= 0.05 && r.pooled >= 0.76, `dropped result goes to the pool (${r.pooled} MB pooled), as in the notebook: ${r.dropped} MB`);
    assert.ok(Math.abs(r.again - r.dropped) <= 0.05, `a second compute of the same shape reuses pooled buffers: ${r.again - r.dropped} MB`);
    assert.ok(Math.abs(r.released) <= 0.05, `after the result is dropped and the pool released: ${r.released} MB`);
  }
  for (const k of ["lazy", "computed", "dropped", "again", "released"]) {
    const xs = runs.map((r) => r[k]);
    assert.ok(Math.max(...xs) - Math.min(...xs) <= 0.1, `${k}: spread over 3 executors ${xs.join(", ")}`);
  }
});

test("memory: a computed result of 32 MiB or more gives its memory back when dropped, as NumPy's malloc gives back a block it mapped (3 fresh executors)", { timeout: 120_000 }, async (t) => {
  const runs: Record<string, number>[] = [];
  for (let i = 0; i < 3; i++) runs.push(await memoryFigures());
  const keys = ["largeComputed", "largeDropped", "largePooled", "largeGeneratedComputed", "largeGeneratedDropped", "largeGeneratedPooled"];
  for (const k of keys) t.diagnostic(`${k}: ${runs.map((r) => r[k].toFixed(4)).join(", ")} MB`);
  const result = (4000 * 1100 * 8) / 2 ** 20;
  for (const r of runs) {
    const paths = [[r.largeComputed, r.largeDropped, r.largePooled, "written by the workers"], [r.largeGeneratedComputed, r.largeGeneratedDropped, r.largeGeneratedPooled, "of generated blocks"]] as const;
    for (const [made, dropped, pooled, what] of paths) {
      assert.ok(made >= result - 0.05, `a ${result.toFixed(2)} MB result ${what} cost ${made} MB`);
      // Once dropped, what stays is the chunk buffers the pool keeps (a block of 8.39 MB for
      // generated blocks), not the result: kept by the pool before, it read the result's cost.
      assert.ok(Math.abs(dropped - pooled) <= 0.05 && pooled < result / 2, `after the result ${what} was dropped: ${dropped} MB, the pool holding ${pooled} MB more`);
    }
  }
  for (const k of keys) {
    const xs = runs.map((r) => r[k]);
    assert.ok(Math.max(...xs) - Math.min(...xs) <= 0.1, `${k}: spread over 3 executors ${xs.join(", ")}`);
  }
});

// ---- errors ------------------------------------------------------------------------------

test("errors: incompatible shapes and chunks, out-of-range indices, a failing task named with its chunk", async () => {
  const x = da.fromArray(X, { chunks: [5, 4] });
  assert.throws(() => x.add(da.ones([23, 5])), /shape|broadcast/i);
  assert.throws(() => x.add(np.ones([4])), /shape|broadcast/i);
  assert.throws(() => da.fromArray(X, { chunks: [[10, 10], [17]] }), /chunks for dimension 0 \[10,10\].*23/);
  assert.throws(() => da.fromArray(X, { chunks: [5, 4, 3] }), /3 dimensions, but the array has 2/);
  assert.throws(() => da.zeros([4], { chunks: 0 }), /positive integer/);
  assert.throws(() => da.concatenate([x, da.ones([23, 5])], { axis: 0 }), /shape \(23, 5\), incompatible with \(23, 17\)/);
  assert.throws(() => da.stack([x, x.get(":5")]), /same shape/);
  assert.throws(() => x.get(23), /index 23 is out of bounds for axis 0 with size 23/);
  assert.throws(() => x.get(":, -18"), /index -18 is out of bounds for axis 1 with size 17/);
  assert.throws(() => x.get("1, 2, 3"), /too many indices/);
  assert.throws(() => x.sum({ axis: 2 }), /axis 2 is out of bounds/);
  assert.throws(() => x.reshape(5, 5), /cannot reshape array of size 391/);
  const bad = x.mapBlocks((b) => {
    if (b.shape[0] === 3) throw new Error("no good");
    return b;
  });
  await assert.rejects(bad.compute(), (e: Error) => {
    // The task's own error, keeping its class (as Dask re-raises it), named with its task and chunk.
    assert.equal(e.name, "Error");
    assert.match(e.message, /map-blocks-[0-9a-f]{8}, block \(4, [0-4]\) failed: no good/);
    return true;
  });
  await assert.rejects(x.mapBlocks(() => np.ones([2])).compute(), /mapBlocks: the function returned shape \(2\) for block \(0, 0\); expected \(5, 4\)/);
  await same("after a failure, computes still work", x.sum({ axis: 0 }), X.sum({ axis: 0 }) as NDArray, 1e-12);
});

test("a worker that crashes is reported on its task, the pool is rebuilt and computes go on", async () => {
  const { runOnPool } = await import("../lib/da/scheduler/pool");
  da.setPoolSize(2);
  try {
    await assert.rejects(
      runOnPool({ expr: "(process.exit(3), v0)", fold: "sum", leaves: [{ spec: { kind: "full", value: 1 }, block: [0] }], n: 4, label: "crash-task, block (0)" }),
      /worker crashed running task crash-task, block \(0\).*code 3.*pool was rebuilt/,
    );
    const y = da.random.defaultRng(5).standardNormal([400, 300], { chunks: [100, 100] });
    const want = (await y.compute()).pow(2).sum() as number;
    const got = (await y.pow(2).sum().compute()).item();
    assert.ok(Math.abs(got - want) <= 1e-9 * want, `${got} vs ${want}`);
  } finally {
    da.shutdownPool();
  }
});

// ---- more cases (a second pass over the same ground: other shapes, 3-D, uneven chunks) ------

const A = rng.standardNormal([7, 10]); // chunks [3, 4]: uneven last chunks on both axes
const lA = () => da.fromArray(A, { chunks: [3, 4] });
const lI = () => da.fromArray(I, { chunks: [4, 3] });
type Eager = NDArray | number | boolean;

/** Same shape, dtype and values of an already computed result. */
function close(actual: NDArray, expected: Eager, what: string): void {
  const e = typeof expected === "object" ? expected : np.array(expected as never);
  assert.deepEqual(actual.shape, e.shape, `${what}: shape`);
  assert.equal(actual.dtype, e.dtype, `${what}: dtype`);
  const a = actual.ravel(), b = e.ravel();
  for (let i = 0; i < a.size; i++) {
    const x = a.flatAt(i), y = b.flatAt(i);
    if (Number.isNaN(y)) assert.ok(Number.isNaN(x), `${what}: element ${i} is ${x}, expected NaN`);
    else assert.ok(x === y || Math.abs(x - y) <= 1e-12 * Math.max(1, Math.abs(y)), `${what}: element ${i} is ${x}, expected ${y}`);
  }
}

test("more elementwise cases: a lazy exponent, int modulo, booleans as operands, a long fused chain", async () => {
  const B = rng.standardNormal([10]);
  const lB = da.fromArray(B, { chunks: 5 });
  close(await lA().abs().pow(lB).compute(), A.abs().pow(B), "|A| ** B");
  close(await lI().mod(7).compute(), I.mod(7), "I % 7");
  close(await lI().add(true).compute(), I.add(true), "I + true");
  close(await lA().gt(0).add(lA().lt(0.5)).compute(), A.gt(0).add(A.lt(0.5)), "(A > 0) + (A < 0.5)");
  close(await lA().add(1).mul(lA().sub(1)).pow(2).div(3).compute(), A.add(1).mul(A.sub(1)).pow(2).div(3), "((A + 1) * (A - 1)) ** 2 / 3");
  close(await lI().get(":, :10").mul(2).add(lA().get(":5, :")).compute(), I.get(":, :10").mul(2).add(A.get(":5, :")), "int * 2 + float");
});

test("only the chunks a slice needs are computed", async () => {
  const x = da.fromArray(np.arange(10000).reshape(100, 100).astype("float64"), { chunks: [10, 10] });
  const before = da.taskCounter.tasks;
  await x.pow(2).get("0:10, 0:10").compute();
  const used = da.taskCounter.tasks - before;
  // getitem + pow + source for the one block (Dask's culled graph has the same three tasks).
  assert.ok(used <= 4, `a one-chunk slice ran ${used} tasks`);
});

test("reductions over axes (negative, several, keepdims) equal the eager reductions", async () => {
  const X = rng.standardNormal([5, 6, 7]);
  const lX = () => da.fromArray(X, { chunks: [2, 4, 3] });
  const axesList: (number | number[] | undefined)[] = [undefined, 0, 1, 2, -1, -2, [0, 2], [1, 2], [0, 1, 2], [-1, 0]];
  const kinds = ["sum", "mean", "min", "max", "std", "any", "all", "prod", "var"] as const;
  for (const kind of kinds) {
    for (const axis of axesList) {
      for (const keepdims of [false, true]) {
        const opts = { axis, keepdims };
        const src = kind === "any" || kind === "all" ? lX().gt(0.8) : lX();
        const eager = kind === "any" || kind === "all" ? X.gt(0.8) : X;
        const lazy = (src as unknown as Record<string, (o: unknown) => LazyArray>)[kind](opts);
        const expected = (eager as unknown as Record<string, (o: unknown) => Eager>)[kind](opts);
        close(await lazy.compute(), expected, `${kind}(axis=${JSON.stringify(axis)}, keepdims=${keepdims})`);
      }
    }
  }
  // Integer input: sums stay int64, means are float64.
  close(await lI().sum({ axis: 0 }).compute(), I.sum({ axis: 0 }), "int sum axis 0");
  close(await lI().mean().compute(), I.mean(), "int mean");
  close(await lI().max({ axis: -1 }).compute(), I.max({ axis: -1 }), "int max");
  close(await lA().std({ ddof: 1 }).compute(), A.std({ ddof: 1 }), "std ddof=1");
  // Fused reductions of an expression.
  close(await lA().pow(2).sum({ axis: -1 }).compute(), A.pow(2).sum({ axis: -1 }), "(A**2).sum(-1)");
  close(await lA().sub(1).mul(da.fromArray(A.get("0"), { chunks: 5 })).max().compute(), A.sub(1).mul(A.get("0")).max(), "((A-1)*B).max()");
  close(await lA().gt(0).sum().compute(), A.gt(0).sum(), "(A > 0).sum()");
});

test("chunks, chunksize, numblocks, npartitions as Dask reports them for the same chunk specs", () => {
  const specs: [number[], unknown, string][] = [
    [[1000, 1000], [100, 100], "float64"],
    [[1000, 1000], [300, 500], "float64"],
    [[1000, 1000], 333, "float64"],
    [[4000, 4000], [1000, 1000], "float64"],
    [[10, 7], [[3, 7], [2, 2, 3]], "float64"],
    [[100, 50], [-1, 20], "float64"],
    [[20000, 20000], [2000, 2000], "float64"],
    [[20000, 20000], "auto", "float64"],
    [[4000, 4000], "auto", "float64"],
    [[100000], "auto", "float64"],
    [[100000000], "auto", "float64"],
    [[100000000], "auto", "int32"],
    [[5000, 5000, 10], "auto", "float64"],
    [[5000, 5000], ["auto", 100], "float64"],
    [[1000, 1000], "auto", "float64"],
    [[0, 5], [2, 2], "float64"],
  ];
  const dask = pythonJson<{ chunks: number[][]; chunksize: number[]; numblocks: number[]; npartitions: number }[]>(
    `import sys, json
import dask.array as da
out = []
for shape, spec, dtype in json.load(sys.stdin):
    spec = tuple(tuple(s) if isinstance(s, list) else s for s in spec) if isinstance(spec, list) else spec
    x = da.empty(tuple(shape), chunks=spec, dtype=dtype)
    out.append({"chunks": [list(c) for c in x.chunks], "chunksize": list(x.chunksize), "numblocks": list(x.numblocks), "npartitions": x.npartitions})
print(json.dumps(out))`,
    JSON.stringify(specs),
  );
  const mismatches: string[] = [];
  specs.forEach(([shape, spec, dtype], i) => {
    const x = da.zeros(shape, { chunks: spec as never, dtype: dtype as never });
    const ours = { chunks: x.chunks, chunksize: x.chunksize, numblocks: x.numblocks, npartitions: x.npartitions };
    const compact = (o: typeof ours) => JSON.stringify({ ...o, chunks: o.chunks.map((c) => (c.length > 6 ? [c.length + " chunks", c[0], c[c.length - 1]] : c)) });
    if (JSON.stringify(ours) !== JSON.stringify(dask[i])) mismatches.push(`shape ${JSON.stringify(shape)} chunks ${JSON.stringify(spec)} ${dtype}: ours ${compact(ours)}, Dask ${compact(dask[i])}`);
  });
  assert.deepEqual(mismatches, []);
});

test("text reprs are Dask's for the same expressions", () => {
  // Each line: our expression and Dask's, over x = (1000, 1000) float64 with chunks (100, 100).
  const cases: [LazyArray, string][] = [];
  const x = da.fromArray(np.zeros([1000, 1000]), { chunks: [100, 100] });
  const y = da.fromArray(np.zeros([1000]).astype("int32"), { chunks: 300 });
  cases.push([x, "x"], [x.pow(2), "x ** 2"], [x.add(1), "x + 1"], [x.sub(x), "x - x"], [x.mul(2), "x * 2"], [x.div(2), "x / 2"]);
  cases.push([x.gt(0), "x > 0"], [x.eq(1), "x == 1"], [x.neg(), "-x"], [x.sqrt(), "da.sqrt(x)"], [x.abs(), "abs(x)"]);
  cases.push([x.get("0:100, :"), "x[0:100, :]"], [x.get("5"), "x[5]"], [x.get("::-3, 7:9"), "x[::-3, 7:9]"]);
  cases.push([x.sum(), "x.sum()"], [x.sum({ axis: -1 }), "x.sum(axis=-1)"], [x.mean({ axis: 0 }), "x.mean(axis=0)"], [x.min(), "x.min()"], [x.max({ axis: 1, keepdims: true }), "x.max(axis=1, keepdims=True)"]);
  cases.push([x.std(), "x.std()"], [x.gt(0).any(), "(x > 0).any()"], [x.gt(0).all({ axis: 0 }), "(x > 0).all(axis=0)"]);
  cases.push([x.T, "x.T"], [x.rechunk([250, 250]), "x.rechunk((250, 250))"], [y, "y"], [y.add(1), "y + 1"], [y.sum(), "y.sum()"], [y.div(2), "y / 2"]);
  cases.push([da.zeros([10, 20], { chunks: 5 }), "da.zeros((10, 20), chunks=5)"], [da.ones([7], { chunks: 3 }), "da.ones((7,), chunks=3)"], [da.full([4, 3], 2.5, { chunks: 2 }), "da.full((4, 3), 2.5, chunks=2)"]);
  cases.push([x.var({ axis: 0 }), "x.var(axis=0)"], [x.prod(), "x.prod()"], [x.exp(), "da.exp(x)"], [x.log(), "da.log(x)"], [x.mod(2), "x % 2"], [x.ne(1), "x != 1"], [x.pow(x), "x ** x"]);
  cases.push([da.concatenate([x, x]), "da.concatenate([x, x])"], [da.stack([x, x]), "da.stack([x, x])"], [x.rechunk([100, 100]), "x.rechunk((100, 100))"], [da.arange(0, 23, 3, { chunks: 2 }), "da.arange(0, 23, 3, chunks=2)"]);
  const dask = pythonJson<string[]>(
    `import sys, json
import numpy as np, dask.array as da
x = da.from_array(np.zeros((1000, 1000)), chunks=(100, 100))
y = da.from_array(np.zeros(1000, dtype="int32"), chunks=300)
print(json.dumps([repr(eval(e)) for e in json.load(sys.stdin)]))`,
    JSON.stringify(cases.map(([, e]) => e)),
  );
  const strip = (s: string) => s; // names are compared exactly (Dask's prefix before the token)
  const mismatches = cases.map(([ours, e], i) => [e, strip(String(ours)), dask[i]]).filter(([, a, b]) => a !== b);
  assert.deepEqual(mismatches, []);
});

test("reduction values equal Dask's on the same data and chunks", () => {
  const X = rng.standardNormal([37, 23]);
  const chunks = [10, 6];
  const ops: [string, (x: LazyArray) => LazyArray][] = [
    ["x.sum()", (x) => x.sum()],
    ["(x ** 2).sum(axis=-1)", (x) => x.pow(2).sum({ axis: -1 })],
    ["x.mean(axis=0)", (x) => x.mean({ axis: 0 })],
    ["x.std()", (x) => x.std()],
    ["x.std(axis=1, ddof=1)", (x) => x.std({ axis: 1, ddof: 1 })],
    ["x.min(axis=0)", (x) => x.min({ axis: 0 })],
    ["x.max()", (x) => x.max()],
    ["(x > 1).any(axis=1)", (x) => x.gt(1).any({ axis: 1 })],
    ["(x > -3).all()", (x) => x.gt(-3).all()],
    ["x[::2, 3:].sum(axis=0, keepdims=True)", (x) => x.get("::2, 3:").sum({ axis: 0, keepdims: true })],
  ];
  const dask = pythonJson<unknown[]>(
    `import sys, json
import numpy as np, dask.array as da
d = json.load(sys.stdin)
x = da.from_array(np.array(d["data"], dtype="float64"), chunks=tuple(d["chunks"]))
print(json.dumps([np.asarray(eval(e).compute()).astype(float).tolist() for e in d["ops"]]))`,
    JSON.stringify({ data: X.tolist(), chunks, ops: ops.map(([e]) => e) }),
  );
  ops.forEach(([e, f], i) => {
    const got = computeSync(f(da.fromArray(X, { chunks })));
    close(got.astype("float64"), np.array(dask[i] as never).astype("float64").reshape(got.shape as number[]), `${e} vs Dask`);
  });
});

test("memory: a fused reduction over a generated array never materialises it (a fresh executor)", { timeout: 120_000 }, async () => {
  // In a child with the executor's flags (see test/da-memory-child.ts): this runner's process
  // compiles code on background threads whose malloc'd zones moved a process-wide reading by
  // 0.14 MB in one fresh-clone CI run.
  const r = await memoryFigures();
  assert.ok(Math.abs(r.bigLazy) < 0.05, `a 3.2 GB lazy array and a lazy op cost ${r.bigLazy.toFixed(3)} MB`);
  assert.equal(r.bigBytes, 20000 * 20000 * 8);
  assert.ok(Math.abs(r.meanOfSquares - 1) < 0.01, `mean of squares ${r.meanOfSquares}`);
  assert.ok(Math.abs(r.fusedLeft) < 0.05, `${r.fusedLeft.toFixed(3)} MB stay after the compute of a 128 MB generated array's sum`);
});

test("a dropped result's pooled buffer is gone at the next reading, with no turn of the event loop between (a fresh executor)", { timeout: 60_000 }, async () => {
  // The pool's FinalizationRegistry holds each result's buffer until its callback runs, which
  // V8 posts as a task: a reading taken before that task counted the buffer, one after it did not.
  const r = await runLikeExecutor<{ dropped: number; callbacks: boolean }>(["-e", `
const { np, da, psutil } = require(${JSON.stringify(path.join(__dirname, "..", "lib"))});
const pool = require(${JSON.stringify(path.join(__dirname, "..", "lib", "da", "pool"))});
const MB = 2 ** 20;
(async () => {
  const x = da.fromArray(np.arange(262144).reshape([512, 512]), { chunks: [256, 256] });
  let y = await x.mul(2).compute();
  // A value an await resumed the function with stays on the stack until its next await.
  await new Promise((r) => setImmediate(r));
  psutil.setView("process");
  const a = psutil.virtualMemory().available;
  // Dropped results from before releasePool() are freed, not pooled: the reading must lose them.
  pool.releasePool();
  y = undefined;
  const b = psutil.virtualMemory().available;
  console.log(JSON.stringify({ dropped: (b - a) / MB, callbacks: pool.returnsSynchronously }));
})();`], "the pool's process");
  assert.equal(r.callbacks, true, "the executor's flags give the registry cleanupSome");
  // The 2 MB result (releasePool() empties a pool that holds no chunk buffers here: the
  // blocks are computed into the result).
  assert.ok(Math.abs(r.dropped - 2) < 0.01, `dropping a 2 MB result gave back ${r.dropped.toFixed(4)} MB at once`);
});

test("a lazy result larger than the chunk pool keeps takes the memory of the result dropped before it, on one thread and on two, and keeps its values", { skip: !native && "native addon not built", timeout: 120_000 }, async () => {
  // In a child with the executor's flags (see test/da-reuse-child.ts). Each compute after the
  // first two finds the result dropped before the last one freed (the pool worker's copy of its
  // task collected too) and takes its buffer: the addon's reuse count goes up by one each time.
  // Before the workers collected their copies, two threads took it in about half the computes.
  for (const threads of [1, 2]) {
    const r = await runLikeExecutor<{ reuses: number[]; same: boolean[] }>([path.join(__dirname, "da-reuse-child.js"), String(threads)], `da-reuse-child ${threads}`);
    assert.deepEqual(r.same, r.same.map(() => true), `${threads} thread(s): a result differs from the eager one`);
    const steps = r.reuses.slice(2).map((v, i) => v - r.reuses[i + 1]);
    assert.deepEqual(steps, steps.map(() => 1), `${threads} thread(s): reuse counts after each compute ${r.reuses.join(", ")}`);
  }
});

// ---- scheduler: shared work, cancellation, progress --------------------------------------

test("da.compute(a, b) computes the blocks both results read once", async () => {
  let calls = 0;
  const base = da.fromArray(X, { chunks: [5, 4] }).mapBlocks((b) => (calls++, b.mul(3)));
  const n = base.npartitions;
  const [s, m, t] = await da.compute(base.sum({ axis: 0 }), base.max(), base.get("2:9").add(1));
  assert.equal(calls, n, `each of the ${n} shared blocks once, not ${calls / n}×`);
  await same("shared sum", da.fromArray(s), X.mul(3).sum({ axis: 0 }) as NDArray, 1e-12);
  assert.equal(m.item(), X.mul(3).max());
  assert.deepEqual(t.tolist(), X.mul(3).get("2:9").add(1).tolist());
  calls = 0;
  await base.sum().compute();
  await base.max().compute();
  assert.equal(calls, 2 * n, "separate computes do the work each time");
});

const spin = (ms: number) => {
  const t = performance.now();
  while (performance.now() - t < ms);
};

test("an interrupt cancels an in-thread compute, which gives its chunk buffers back", async () => {
  const { notifyInterrupt } = await import("../lib/notebook");
  let calls = 0;
  const slow = da.ones([60, 1000], { chunks: [1, 1000] }).mapBlocks((b) => (calls++, spin(10), b)).mul(2);
  da.releasePool();
  const before = da.poolInfo().returned;
  const p = slow.compute();
  setTimeout(notifyInterrupt, 150);
  await assert.rejects(p, (e: Error) => e.name === "Interrupted");
  assert.ok(calls > 0 && calls < 60, `stopped part way: ${calls} of 60 blocks`);
  assert.ok(da.poolInfo().returned - before >= calls - 1, `chunks done before the interrupt went back to the pool: ${da.poolInfo().returned - before} of ${calls}`);
  await same("computes go on afterwards", slow.get("0:3"), np.ones([3, 1000]).mul(2));
});

test("an interrupt cancels worker tasks: the busy workers are stopped and the pool goes on", async () => {
  const { notifyInterrupt } = await import("../lib/notebook");
  const { busyWorkers } = await import("../lib/da/scheduler/pool");
  da.setPoolSize(2);
  try {
    const big = da.random.defaultRng(2).standardNormal([20000, 20000], { chunks: [2000, 2000] }).pow(2).sum();
    const t0 = performance.now();
    const p = big.compute();
    setTimeout(notifyInterrupt, 300);
    await assert.rejects(p, (e: Error) => e.name === "Interrupted");
    assert.ok(performance.now() - t0 < 2000, `rejected ${performance.now() - t0} ms after the start`);
    assert.equal(busyWorkers(), 0);
    const small = da.random.defaultRng(3).standardNormal([2000, 1000], { chunks: [500, 500] });
    const want = (await small.compute()).pow(2).sum() as number;
    const got = (await small.pow(2).sum().compute()).item();
    assert.ok(Math.abs(got - want) <= 1e-9 * want);
  } finally {
    da.shutdownPool();
  }
});

test("progress: a compute longer than the threshold draws a bar on stderr outside the kernel", async () => {
  const { spawnSync } = await import("node:child_process");
  const path = await import("node:path");
  const lib = path.resolve(__dirname, "../lib");
  const code = `
const { da } = require(${JSON.stringify(lib)});
da.setProgress({ after: 0.2 });
const spin = (ms) => { const t = performance.now(); while (performance.now() - t < ms); };
const fast = da.ones([10, 10], { chunks: 5 });
const slow = da.ones([30, 10], { chunks: [1, 10] }).mapBlocks((b) => (spin(25), b));
(async () => { await fast.sum().compute(); process.stderr.write("FAST-DONE\\n"); console.log((await slow.sum().compute()).item()); })();`;
  const r = spawnSync(process.execPath, ["-e", code], { encoding: "utf8", timeout: 30_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), "300");
  const [before, after] = r.stderr.split("FAST-DONE\n");
  assert.equal(before, "", "a fast compute shows nothing");
  const frames = after.split("\r").filter(Boolean);
  assert.ok(frames.length >= 2, `several redraws: ${JSON.stringify(after)}`);
  assert.match(frames[frames.length - 1], /sum-aggregate-[0-9a-f]+ \[#{30}\] \| 100% Completed \| 30\/30 tasks \| \d+\.\d s\n$/);
  assert.ok(frames.slice(0, -1).some((f) => /\| +\d+% Completed \| ([0-9]|[12][0-9])\/30 tasks/.test(f)), "an intermediate frame");
});

test("reshape keeps chunks where Dask does (chunks equal Dask's) and equals lib/np", async () => {
  const CASES: [number[], number[], number[]][] = [
    [[6, 5, 4], [3, 2, 2], [30, 4]],
    [[6, 5, 4], [3, 2, 2], [3, 2, 5, 4]],
    [[6, 5, 4], [3, 2, 2], [6, 20]],
    [[6, 5, 4], [3, 2, 2], [120]],
    [[6, 5, 4], [3, 2, 2], [-1]],
    [[6, 5, 4], [3, 2, 2], [4, 5, 6]], // not even: Dask refuses, lazylab merges into one chunk
    [[64], [16], [4, 4, 4]],
    [[64], [10], [8, 8]],
    [[24, 10], [5, 3], [2, 12, 10]],
    [[24, 10], [5, 3], [24, 2, 5]],
    [[24, 10], [5, 3], [240]],
    [[4, 1, 6], [2, 1, 3], [4, 6]],
    [[4, 1, 6], [2, 1, 3], [1, 4, 6]],
    [[10, 12], [1, 5], [120]],
    [[10, 12], [1, 5], [10, 3, 4]],
    [[8, 9], [8, 9], [72]],
  ];
  const py = pythonJson<(number[][] | null)[]>(`
import json, dask.array as da
cases = ${JSON.stringify(CASES)}
out = []
for shape, chunks, new in cases:
    try:
        out.append([list(c) for c in da.ones(shape, chunks=chunks).reshape(new).chunks])
    except NotImplementedError:
        out.append(None)
print(json.dumps(out))`);
  for (const [i, [shape, chunks, shape2]] of CASES.entries()) {
    const size = shape.reduce((a, b) => a * b, 1);
    const X = np.arange(size).astype("float64").reshape(shape);
    const r = da.fromArray(X, { chunks }).reshape(shape2);
    const label = `(${shape}) chunks (${chunks}) -> (${shape2})`;
    if (py[i]) assert.deepEqual(r.chunks, py[i], `${label}: Dask's chunks`);
    else assert.equal(r.npartitions, 1, `${label}: unsupported by Dask, one chunk here`);
    await same(label, r, X.reshape(shape2));
    await same(`${label}, then squared and sliced`, r.pow(2).get("1:"), X.reshape(shape2).pow(2).get("1:"));
  }
  assert.equal(py.filter((c) => c === null).length, 1, "Dask refuses exactly the uneven case");
});

test("a lazy array refuses index arrays with a message saying what to do (eager arrays take them)", () => {
  const x = da.fromArray(np.arange(24).reshape(4, 6), { chunks: [2, 3] });
  const message = /a lazy array takes basic indexes only \(integers, slices, "\.\.\.", null\); to select with an index array or a mask, compute\(\) the part you need/;
  assert.throws(() => x.get(np.array([0, 2]) as never), message);
  assert.throws(() => x.get([[0, 2]] as never), message);
  assert.throws(() => x.get(np.arange(4).gt(1) as never), message);
  assert.deepEqual(x.get("1:3, ::2").shape, [2, 3]);
});

test("astype converts each block as Dask's does (repr, dtype, values, the same array for its own dtype)", async () => {
  const py = pythonJson<unknown[]>(`
import json, dask.array as da, numpy as np
x = da.from_array(np.linspace(-3, 3, 24).reshape(4, 6), chunks=(2, 3))
f = x.astype("float32")
i = x.astype("int16")
print(json.dumps([repr(f), x.astype("float64") is x, f.nbytes, f.sum().compute().item(), i.compute().tolist(), repr(i.sum())]))`);
  const x = da.fromArray(np.linspace(-3, 3, 24).reshape(4, 6), { chunks: [2, 3] });
  const f = x.astype("float32");
  const i = x.astype("int16");
  assert.deepEqual([String(f), x.astype("float64") === x, f.nbytes, ((await f.sum().compute()) as NDArray).item(), (await i.compute()).tolist(), String(i.sum())], py);
});


test("a lazy array larger than memory (and than 2**32 elements) is made, shown and sliced as Dask's; computing it whole is NumPy's MemoryError before any chunk, and the arrays go on", async () => {
  const want = pythonJson<{ repr: string; html: string; nbytes: number; tail: number[]; sums: number[]; error: string }>(`
import json, re, numpy as np, dask.array as da
from numpy.core._exceptions import _ArrayMemoryError
x = da.ones((100000, 100000), chunks=(10000, 10000))
r = da.random.RandomState(0).random((100000, 100000), chunks=(100000, 100))
text = lambda h: re.sub(r"\\s+", " ", re.sub(r"<[^>]+>", " ", h)).strip()
print(json.dumps({"repr": repr(x), "html": text(x._repr_html_()), "nbytes": x.nbytes, "tail": r[99999, :3].compute().tolist(),
  "sums": x[:, :2].sum(0).compute().tolist(), "error": str(_ArrayMemoryError((70000, 70000), np.dtype("float64")))}))`);
  const x = da.ones([100000, 100000], { chunks: [10000, 10000] });
  assert.equal(x.toString(), want.repr);
  const html = x[MIME_BUNDLE]()["text/html"] as string;
  assert.equal(html.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ").trim(), want.html);
  assert.equal(x.nbytes, want.nbytes);
  const r = da.random.RandomState(0).random([100000, 100000], { chunks: [100000, 100] });
  assert.deepEqual((await r.get("99999, :3").compute()).tolist(), want.tail);
  // A slice reads a constant's value broadcast, as Dask's: its 763 MiB blocks are never written
  // (each was paged in whole). The peak RSS, reset first (clear_refs 5), stays near where it was.
  const status = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync("/proc/self/status", "utf8"))![1]) * 1024;
  writeFileSync("/proc/self/clear_refs", "5");
  const before = status("VmRSS");
  assert.deepEqual((await x.get(":, :2").sum(0).compute()).tolist(), want.sums);
  const grew = status("VmHWM") - before;
  assert.ok(grew < 64 * 2 ** 20, `the peak RSS grew by ${(grew / 2 ** 20).toFixed(1)} MiB`);
  // 36.5 GiB: the result is refused before its 49 chunks of 763 MiB are computed (they took the
  // machine's memory until the OOM killer stopped the process).
  const y = da.ones([70000, 70000], { chunks: [10000, 10000] });
  const message = 70000 * 70000 * 8 <= totalmem() ? `${want.error} (lazylab's arrays hold at most 2**32 elements)` : want.error;
  const t0 = Date.now();
  await assert.rejects(y.compute(), (e: unknown) => e instanceof MemoryError && (e as Error).message === message);
  assert.ok(Date.now() - t0 < 2000, `the MemoryError came after ${Date.now() - t0} ms`);
  assert.deepEqual((await y.get("0:1, 0:2").compute()).tolist(), [[1, 1]]);
});
