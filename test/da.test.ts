/**
 * Every lazy operation of `da` computed and compared with the same operation on the eager
 * lib/np array (the oracle for values), and with real Dask (Debian's python3) for chunk
 * layouts, reprs and reduction values.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { np, da } from "../lib";
import type { NDArray } from "../lib/np";
import type { LazyArray } from "../lib/da";
import { pythonJson } from "./oracle";

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

test("memory: lazy arrays cost 0.0 MB, a slice's compute costs its bytes, and nothing stays once it is dropped", async () => {
  const { psutil } = await import("../lib");
  const MB = 2 ** 20;
  const tick = () => new Promise((r) => setImmediate(r));
  const prev = psutil.getView();
  psutil.setView("process");
  try {
    const avail = async () => {
      await tick();
      psutil.collectGarbage();
      await tick(); // finalizers (results going back to the pool) run after the collection
      return psutil.virtualMemory().available;
    };
    const h: { x?: NDArray; d?: LazyArray; sq?: LazyArray; block?: NDArray } = {};
    h.x = np.random.defaultRng(1).standardNormal([1000, 1000]);
    // Warm the paths once (code, kernels) so the figures below are data only.
    await da.fromArray(h.x, { chunks: [100, 100] }).pow(2).get("0:100, :").compute();
    await avail();
    da.releasePool();
    await avail();
    psutil.resetBaseline();
    const a0 = await avail();
    h.d = da.fromArray(h.x, { chunks: [100, 100] });
    h.sq = h.d.pow(2);
    const lazy = (await avail()) - a0;
    assert.ok(Math.abs(lazy) / MB <= 0.05, `a lazy array and a lazy op: ${lazy / MB} MB`);
    h.block = await h.sq.get("0:100, :").compute();
    const computed = ((await avail()) - a0) / MB;
    // 100×1000 float64 is 0.76 MB; Dask-like chunk alignment may add up to as much again.
    assert.ok(computed <= -0.76 + 0.05 && computed >= -1.7, `compute of a 100×1000 slice: ${computed} MB`);
    h.block = undefined;
    const dropped = ((await avail()) - a0) / MB;
    const pooled = da.poolInfo().bytes / MB;
    assert.ok(Math.abs(dropped - computed) <= 0.05 && pooled >= 0.76, `dropped result goes to the pool (${pooled} MB pooled), as in the notebook: ${dropped} MB`);
    h.block = await h.sq.get("0:100, :").compute();
    const again = ((await avail()) - a0) / MB;
    assert.ok(Math.abs(again - dropped) <= 0.05, `a second compute of the same shape reuses pooled buffers: ${again - dropped} MB`);
    h.block = undefined;
    await avail();
    da.releasePool();
    const released = ((await avail()) - a0) / MB;
    assert.ok(Math.abs(released) <= 0.05, `after the result is dropped and the pool released: ${released} MB`);
  } finally {
    psutil.setView(prev);
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
    assert.equal(e.name, "TaskError");
    assert.match(e.message, /map-blocks-[0-9a-f]{8}, block \(4, [0-4]\).*Error: no good/);
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
