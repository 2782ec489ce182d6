/**
 * Dask's legacy random arrays (`da.random.RandomState`, `da.random.seed`, `da.random.random`,
 * `normal`, `uniform`, `randint`, `choice`, …) against the installed Dask and NumPy: the same
 * calls run in Python at test time, and every computed value is compared bit for bit (float64
 * bytes), with the repr, chunks and dtype of each array. One key per block is drawn when an
 * array is made, so arrays made in sequence from one state, blocks computed in any order or
 * only some of them, and errors raised after the keys are drawn all have to agree with Dask.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { da, np } from "../lib";
import type { NDArray } from "../lib/np";
import type { LazyArray } from "../lib/da";
import { translate } from "../lib/da/cluster/translate";
import { settleDropped } from "../lib/da/pool";
import { footprintParts, type FootprintParts } from "../lib/psutil/footprint";
import { PY_RECORD_ERROR, pythonJson } from "./oracle";

/** Python prelude: `put(name, x)` records a lazy array (repr, chunks, dtype, computed values); `val(name, v)` computed values only; `err(name, f)` what f raises. */
const PRELUDE = `
import base64, json
import numpy as np
import dask.array as da
_out = {}
def b64(v):
    return base64.b64encode(np.ascontiguousarray(v, dtype=np.float64).tobytes()).decode()
def val(name, v):
    _out[name] = {"dtype": str(v.dtype), "shape": list(v.shape), "b64": b64(v)}
def put(name, x, compute=True):
    _out[name] = {"repr": repr(x), "chunks": [list(c) for c in x.chunks], "dtype": str(x.dtype)}
    if compute:
        v = x.compute()
        _out[name].update(shape=list(v.shape), b64=b64(v))
${PY_RECORD_ERROR}`;

/** What the prelude records. */
interface Rec {
  repr?: string;
  chunks?: number[][];
  dtype?: string;
  shape?: number[];
  b64?: string;
  error?: [string, string] | null;
}

function dask(code: string): Record<string, Rec> {
  return pythonJson<Record<string, Rec>>(`${PRELUDE}\n${code}\nprint(json.dumps(_out))\n`);
}

function b64(v: NDArray): string {
  const flat = Float64Array.from({ length: v.size }, (_, i) => v.flatAt(i));
  return Buffer.from(flat.buffer).toString("base64");
}

/** A computed array against Dask's, bit for bit, naming the first element that differs. */
function sameValues(v: NDArray, want: Rec, what: string): void {
  assert.deepEqual(v.shape, want.shape, `${what}: shape`);
  assert.equal(v.dtype, want.dtype, `${what}: dtype`);
  const ours = b64(v);
  if (ours !== want.b64) {
    const a = new Float64Array(Buffer.from(ours, "base64").buffer.slice(0));
    const e = new Float64Array(Buffer.from(want.b64!, "base64").buffer.slice(0));
    const i = a.findIndex((x, k) => !Object.is(x, e[k]));
    assert.fail(`${what}: element ${i} is ${a[i]}, Dask has ${e[i]}`);
  }
}

/** A lazy array against Dask's: repr, chunks and dtype, then (when Dask computed it) the values. */
async function same(x: LazyArray, want: Rec, what: string): Promise<void> {
  assert.equal(String(x), want.repr, `${what}: repr`);
  assert.deepEqual(x.chunks, want.chunks, `${what}: chunks`);
  assert.equal(x.dtype, want.dtype, `${what}: dtype`);
  if (want.b64 !== undefined) sameValues(await x.compute(), want, what);
}

test("Dask's docstring example: RandomState(1234).normal(10, 0.1, size=3, chunks=(2,))", async () => {
  const py = dask(`put("x", da.random.RandomState(1234).normal(10, 0.1, size=3, chunks=(2,)))`);
  await same(new da.random.RandomState(1234).normal(10, 0.1, 3, { chunks: [2] }), py.x, "normal");
  await same(new da.random.RandomState(1234).normal({ loc: 10, scale: 0.1, size: 3, chunks: [2] }), py.x, "normal, all keywords");
});

test("one state's arrays in sequence (each draws its blocks' keys from it): every method over 2-D shapes, uneven and auto chunks, as Dask's", async () => {
  const py = dask(`
s = da.random.RandomState(7)
put("a", s.random_sample((23, 17), chunks=(5, 4)))
put("b", s.standard_normal((31, 9), chunks=((10, 7, 14), (4, 5))))
put("c", s.uniform(-2, 3, size=(40, 30)))
put("d", s.randint(0, 100, size=(17, 13), chunks=(6, 5)))
put("e", s.randint(-5, 5, size=(12, 7), chunks=(5, 3), dtype="int8"))
put("f", s.random((300, 700), chunks=(128, "auto")))
put("g", s.normal(size=(9,), chunks=4))
put("h", s.randint(2, size=(5, 5), chunks=2, dtype=bool))
put("i", s.choice(10, size=(6, 4), chunks=(4, 3)))
put("j", s.choice(np.array([0.5, 1.5, 2.5]), size=8, chunks=3, p=[0.2, 0.3, 0.5]))
put("k", s.choice([3, 1, 4, 1, 5], size=5, replace=False))
put("l", s.standard_normal(5))
put("m", s.random())
put("n", s.uniform(size=(3, 4), chunks=(2, 3)))
`);
  const s = new da.random.RandomState(7);
  await same(s.randomSample([23, 17], { chunks: [5, 4] }), py.a, "random_sample, uneven chunks");
  await same(s.standardNormal([31, 9], { chunks: [[10, 7, 14], [4, 5]] }), py.b, "standard_normal, explicit chunks");
  await same(s.uniform(-2, 3, [40, 30]), py.c, "uniform, auto chunks");
  await same(s.randint(0, 100, [17, 13], { chunks: [6, 5] }), py.d, "randint");
  await same(s.randint(-5, 5, [12, 7], { chunks: [5, 3], dtype: "int8" }), py.e, "randint int8");
  await same(s.random([300, 700], { chunks: [128, "auto"] }), py.f, "random, one axis auto");
  await same(s.normal({ size: [9], chunks: 4 }), py.g, "normal's defaults");
  await same(s.randint(2, { size: [5, 5], chunks: 2, dtype: "bool" }), py.h, "randint bool");
  await same(s.choice(10, [6, 4], { chunks: [4, 3] }), py.i, "choice of arange(10)");
  await same(s.choice([0.5, 1.5, 2.5], 8, { chunks: 3, p: [0.2, 0.3, 0.5] }), py.j, "choice with p");
  await same(s.choice([3, 1, 4, 1, 5], 5, false), py.k, "choice without replacement");
  await same(s.standardNormal(5), py.l, "standard_normal(5)");
  await same(s.random(), py.m, "random(): a 0-d array");
  await same(s.uniform({ size: [3, 4], chunks: [2, 3] }), py.n, "uniform's defaults");
});

test("the other distributions (exponential, poisson, binomial, lognormal, gamma, beta, chisquare) in sequence from one state and at module level, as Dask's", async () => {
  const py = dask(`
s = da.random.RandomState(21)
put("a", s.standard_exponential((30, 20), chunks=(7, 8)))
put("b", s.exponential(2.5, size=(25, 10), chunks=(10, 4)))
put("c", s.poisson(3.5, size=(40, 9), chunks=(11, 9)))
put("d", s.poisson(250.0, size=(13, 13), chunks=5))
put("e", s.binomial(20, 0.3, size=(17, 6), chunks=(6, 6)))
put("f", s.binomial(1000, 0.7, size=(50,), chunks=20))
put("g", s.lognormal(0.5, 1.5, size=(11, 12), chunks=(4, 5)))
put("h", s.standard_gamma(0.4, size=(20, 3), chunks=(8, 3)))
put("i", s.gamma(3.0, 2.0, size=(16, 16), chunks=7))
put("j", s.beta(0.5, 0.8, size=(21,), chunks=10))
put("k", s.beta(2.0, 3.0, size=(21,), chunks=10))
put("l", s.chisquare(4, size=(9, 9), chunks=4))
put("m", s.poisson(size=(6,), chunks=4))
put("n", s.exponential())
da.random.seed(8)
put("o", da.random.poisson(2, size=(30, 30), chunks=(10, 12)))
put("p", da.random.gamma(1.5, size=(12, 10), chunks=(5, 5)))
put("q", da.random.standard_exponential(size=(7, 7), chunks=3))
err("r", lambda: da.random.RandomState(1).poisson(-1, size=10))
err("t", lambda: da.random.RandomState(1).binomial(10, 1.5, size=10, chunks=5))
`);
  const s = new da.random.RandomState(21);
  await same(s.standardExponential([30, 20], { chunks: [7, 8] }), py.a, "standard_exponential");
  await same(s.exponential(2.5, [25, 10], { chunks: [10, 4] }), py.b, "exponential");
  await same(s.poisson(3.5, [40, 9], { chunks: [11, 9] }), py.c, "poisson below 10");
  await same(s.poisson(250, [13, 13], { chunks: 5 }), py.d, "poisson, PTRS");
  await same(s.binomial(20, 0.3, [17, 6], { chunks: [6, 6] }), py.e, "binomial, inversion");
  await same(s.binomial(1000, 0.7, [50], { chunks: 20 }), py.f, "binomial, BTPE, p > 0.5");
  await same(s.lognormal(0.5, 1.5, [11, 12], { chunks: [4, 5] }), py.g, "lognormal");
  await same(s.standardGamma(0.4, [20, 3], { chunks: [8, 3] }), py.h, "standard_gamma, shape < 1");
  await same(s.gamma(3, 2, [16, 16], { chunks: 7 }), py.i, "gamma");
  await same(s.beta(0.5, 0.8, [21], { chunks: 10 }), py.j, "beta, Johnk's");
  await same(s.beta(2, 3, [21], { chunks: 10 }), py.k, "beta, through gammas");
  await same(s.chisquare(4, [9, 9], { chunks: 4 }), py.l, "chisquare");
  await same(s.poisson({ size: [6], chunks: 4 }), py.m, "poisson's default lam");
  await same(s.exponential(), py.n, "exponential(): a 0-d array");
  da.random.seed(8);
  await same(da.random.poisson(2, [30, 30], { chunks: [10, 12] }), py.o, "da.random.poisson");
  await same(da.random.gamma(1.5, { size: [12, 10], chunks: [5, 5] }), py.p, "da.random.gamma, scale's default");
  await same(da.random.standardExponential([7, 7], { chunks: 3 }), py.q, "da.random.standard_exponential");
  const raised = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return [(e as Error).name, (e as Error).message];
    }
    return null;
  };
  assert.deepEqual(raised(() => new da.random.RandomState(1).poisson(-1, 10)), py.r.error);
  assert.deepEqual(raised(() => new da.random.RandomState(1).binomial(10, 1.5, 10, { chunks: 5 })), py.t.error);
  assert.throws(() => new da.random.RandomState(1).poisson(np.ones(3) as never, 3), /da\.random\.poisson: lam must be a number/);
});

test("blocks drawn in any order, or only a slice's, give Dask's values", async () => {
  const py = dask(`
x = da.random.RandomState(5).random_sample((20, 30), chunks=(6, 7))
val("slice", x[5:7, 3:9].compute())
val("corner", x[12:, 21:].compute())
put("x", x)
y = da.random.RandomState(11).standard_normal((16777216 + 37,))
put("y", y, compute=False)
val("boundary", y[16777200:16777237].compute())
`);
  const x = new da.random.RandomState(5).randomSample([20, 30], { chunks: [6, 7] });
  sameValues(await x.get("5:7, 3:9").compute(), py.slice, "x[5:7, 3:9]");
  sameValues(await x.get("12:, 21:").compute(), py.corner, "x[12:, 21:], computed before the rest");
  await same(x, py.x, "the whole array after its slices");
  // Auto chunks past one block: 2**24 float64 (128 MiB) a block; the slice reads both blocks.
  const y = new da.random.RandomState(11).standardNormal(16777216 + 37);
  await same(y, py.y, "auto chunks over two blocks");
  sameValues(await y.get("16777200:16777237").compute(), py.boundary, "a slice across the auto chunks' boundary");
});

test("module level: da.random.seed(42) then random, normal, randint, uniform, standard_normal, choice share one state, as Dask's", async () => {
  const py = dask(`
da.random.seed(42)
put("a", da.random.random((5, 6), chunks=(2, 4)))
put("b", da.random.normal(3, 2, size=(7,), chunks=3))
put("c", da.random.randint(0, 5, size=(4, 4), chunks=2))
put("d", da.random.uniform(-1, 1, 5))
put("e", da.random.standard_normal((6, 2), chunks=(4, 1)))
put("f", da.random.random_sample(3))
put("g", da.random.choice(4, 6, chunks=4))
da.random.seed(42)
put("again", da.random.random((5, 6), chunks=(2, 4)))
`);
  da.random.seed(42);
  await same(da.random.random([5, 6], { chunks: [2, 4] }), py.a, "random");
  await same(da.random.normal(3, 2, [7], { chunks: 3 }), py.b, "normal");
  await same(da.random.randint(0, 5, [4, 4], { chunks: 2 }), py.c, "randint");
  await same(da.random.uniform(-1, 1, 5), py.d, "uniform");
  await same(da.random.standardNormal([6, 2], { chunks: [4, 1] }), py.e, "standard_normal");
  await same(da.random.randomSample(3), py.f, "random_sample");
  await same(da.random.choice(4, 6, { chunks: 4 }), py.g, "choice");
  da.random.seed(42);
  await same(da.random.random([5, 6], { chunks: [2, 4] }), py.again, "random after seeding again");
});

test("reprs and chunks of large arrays (auto chunks sized for the dtype) as Dask's, nothing computed", async () => {
  const py = dask(`
s = da.random.RandomState(0)
put("a", s.random_sample((20000, 20000)), compute=False)
put("b", s.randint(0, 10, size=(20000, 20000), dtype="uint8"), compute=False)
put("c", s.standard_normal((10000, 3000)), compute=False)
put("d", s.uniform(size=(3000, 5000, 7)), compute=False)
put("e", s.normal(0, 1, size=(1000, 1000), chunks=(300, 500)), compute=False)
put("f", s.choice(3, size=(4000, 5000)), compute=False)
put("g", s.randint(-1, 1, size=100000, dtype="int16"), compute=False)
`);
  const s = new da.random.RandomState(0);
  await same(s.randomSample([20000, 20000]), py.a, "random_sample");
  await same(s.randint(0, 10, [20000, 20000], { dtype: "uint8" }), py.b, "randint uint8");
  await same(s.standardNormal([10000, 3000]), py.c, "standard_normal");
  await same(s.uniform({ size: [3000, 5000, 7] }), py.d, "uniform 3-D");
  await same(s.normal(0, 1, [1000, 1000], { chunks: [300, 500] }), py.e, "normal");
  await same(s.choice(3, [4000, 5000]), py.f, "choice");
  await same(s.randint(-1, 1, 100000, { dtype: "int16" }), py.g, "randint int16");
});

test("making a 20000x20000 array in 1000x1000 chunks allocates its 400 keys (975 kB), no block; its corner blocks are Dask's", async (t) => {
  const py = dask(`
x = da.random.RandomState(3).random_sample((20000, 20000), chunks=(1000, 1000))
val("first", x[:2, :3].compute())
val("last", x[-2:, -3:].compute())
`);
  const keyBytes = 400 * 624 * 4;
  const state = new da.random.RandomState(3);
  const before = footprintParts();
  const x = state.randomSample([20000, 20000], { chunks: [1000, 1000] });
  const after = footprintParts();
  const sum = (p: FootprintParts) => p.heap + p.malloc + p.workers + p.wasm + p.resizable + p.mapped;
  const buffers = after.arrayBuffers - before.arrayBuffers;
  const grown = sum(after) - sum(before);
  t.diagnostic(`array buffers grew by ${buffers} bytes, the footprint by ${grown}; the keys are ${keyBytes}, one block 8000000, the array ${x.nbytes}`);
  assert.ok(buffers >= keyBytes && buffers <= keyBytes + 65536, `array buffers grew by ${buffers} bytes; the keys are ${keyBytes}`);
  // The rest is heap noise (the graph's objects, the collections' timing): well under one block.
  assert.ok(grown < keyBytes + (1 << 20), `the footprint grew by ${grown} bytes`);
  sameValues(await x.get(":2, :3").compute(), py.first, "block (0, 0)");
  sameValues(await x.get("-2:, -3:").compute(), py.last, "block (19, 19), the last key");
});

test("computing a legacy random array again takes its blocks' buffers from the pool: nothing more is allocated or held, whatever the method", async () => {
  const state = new da.random.RandomState(11);
  const arrays: [string, LazyArray][] = [
    ["random_sample", state.randomSample([1200, 900], { chunks: [400, 300] })],
    ["normal", state.normal(1, 2, [1200, 900], { chunks: [400, 300] })],
    ["randint int32", state.randint(0, 9, [1200, 900], { chunks: [400, 300], dtype: "int32" })],
    ["choice", state.choice(50, [1200, 900], { chunks: [400, 300] })],
  ];
  for (const [name, x] of arrays) {
    const first = Number((await x.sum().compute()).item());
    // Every result dropped so far (this test's and the earlier tests') back in the pool first:
    // otherwise a collection during the computes below could bring back an earlier test's.
    await settleDropped();
    const after = da.poolInfo();
    for (let k = 0; k < 3; k++) assert.equal(Number((await x.sum().compute()).item()), first, `${name}: the same sum each time`);
    await settleDropped();
    const again = da.poolInfo();
    // Before: each block a fresh array, given to the pool when done with, which none reused
    // (+0.96 MB a block, 9 blocks a compute). A compute may allocate its 8-byte 0-d result when
    // the one dropped before it is still uncollected; all of them are back in the pool now.
    const allocated = again.allocated - after.allocated;
    assert.ok(allocated <= 3, `${name}: ${allocated} buffers allocated by three more computes`);
    assert.equal(again.bytes - after.bytes, 8 * allocated, `${name}: the pool holds ${again.bytes - after.bytes} bytes more after three more computes, which allocated ${allocated} 8-byte results`);
  }
});

test("errors as Dask's, and raised where Dask raises them: after the keys are drawn, or when a block is computed", async () => {
  const py = dask(`
s = da.random.RandomState(3)
err("scale", lambda: s.normal(0, -1, size=(4,), chunks=2))
put("after", s.random_sample(3))
bad = s.randint(10, 5, size=3)
err("low >= high", bad.compute)
err("randint dtype", lambda: s.randint(0, 3, 3, dtype="float32"))
err("a < 0", lambda: s.choice(-1, 3))
err("a 2-D", lambda: s.choice([[1, 2]], 3))
err("p sum", lambda: s.choice(3, 3, p=[0.5, 0.6, 0.1]))
err("p 2-D", lambda: s.choice(3, 3, p=[[0.5, 0.5]]))
err("p size", lambda: s.choice(3, 3, p=[0.5, 0.5]))
err("replace", lambda: s.choice(10, 6, replace=False, chunks=3))
put("last", s.random_sample(3))
`);
  const s = new da.random.RandomState(3);
  const raises = (f: () => unknown, key: string) =>
    assert.throws(f, (e: Error) => {
      assert.deepEqual([e.name, e.message], py[key].error, key);
      return true;
    });
  raises(() => s.normal(0, -1, 4, { chunks: 2 }), "scale");
  await same(s.randomSample(3), py.after, "the array after the failed one: its keys were drawn first");
  const bad = s.randint(10, 5, 3);
  await assert.rejects(bad.compute(), (e: Error) => {
    // lazylab names the failing task and block before the task's own message.
    const [name, message] = py["low >= high"].error!;
    assert.equal(e.name, name);
    assert.equal(e.message, `task ${bad.name}, block (0) failed: ${message}`);
    return true;
  });
  raises(() => s.randint(0, 3, 3, { dtype: "float32" }), "randint dtype");
  raises(() => s.choice(-1, 3), "a < 0");
  raises(() => s.choice([[1, 2]] as never, 3), "a 2-D");
  raises(() => s.choice(3, 3, { p: [0.5, 0.6, 0.1] }), "p sum");
  raises(() => s.choice(3, 3, { p: [[0.5, 0.5]] as never }), "p 2-D");
  raises(() => s.choice(3, 3, { p: [0.5, 0.5] }), "p size");
  raises(() => s.choice(10, 6, { replace: false, chunks: 3 }), "replace");
  await same(s.randomSample(3), py.last, "after all of them");
  assert.throws(() => s.normal(0, 1, 3, { chunk: 2 } as never), /normal\(\) got an unexpected keyword argument 'chunk'/);
  assert.throws(() => s.normal(0, 1, 3, { loc: 2 } as never), /normal\(\) got multiple values for argument 'loc'/);
});

test("a Dask cluster refuses these arrays (their blocks are drawn in the notebook) with ClusterUnsupported naming the array", () => {
  const x = new da.random.RandomState(1).normal(0, 1, [100, 100], { chunks: 50 });
  for (const root of [x, x.add(1).sum()]) {
    assert.throws(
      () => translate(root),
      (e: Error) => e.name === "ClusterUnsupported" && e.message.includes(`the cluster cannot run ${x.name}: a generated array (normal)`),
    );
  }
});
