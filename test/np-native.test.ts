/**
 * lib/np's native float64 loops (native/np_*.c via lib/np/native.ts) and their
 * JavaScript fallback give NumPy's results bit for bit on arrays large enough to take the
 * native paths (views at odd offsets, broadcast scalars, row, block and whole-array sums),
 * at two sizes: 600×1000 (the plain C loops) and 1100×1000, past the 2**20 elements from
 * which results are written with streaming stores (their aligned middle, scalar head and
 * tail). NumPy computes the same expressions on the same seeded data and reports a SHA-256
 * of each result's bytes.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { np } from "../lib";
import { native } from "../lib/np/native";
import { addonPath } from "../lib/addon";
import type { NDArray } from "../lib/np";
import { pythonJson } from "./oracle";
import { runLikeExecutor } from "./executor-process";

/** Below and above the C loops' streaming-store threshold (native/np_common.h, STREAM_MIN = 2**20). */
const SHAPES: [number, number][] = [[600, 1000], [1100, 1000]];

/**
 * [NumPy expression over x, y, o (zeros like x) and xn (x with NaNs at [::7, ::13]), lazylab
 * computation]. Results are compared as float64 bytes (bool and int64 results converted).
 */
const CASES: [string, (x: NDArray, y: NDArray, o: NDArray, xn: NDArray) => NDArray | number][] = [
  ["x ** 2", (x) => x.pow(2)],
  ["np.square(x, out=o)", (x, _y, o) => x.pow(2, o)],
  ["np.square(x[:, 1:], out=o[:, 1:])", (x, _y, o) => x.get(":, 1:").pow(2, o.get(":, 1:"))],
  ["np.multiply(x.ravel()[1:], 3.0, out=o.ravel()[1:])", (x, _y, o) => x.ravel().get("1:").mul(3, o.ravel().get("1:"))],
  ["x + y", (x, y) => x.add(y)],
  ["x - 2.5", (x) => x.sub(2.5)],
  ["3.0 / x", (x) => np.div(3, x)],
  ["np.multiply(x, y, out=o)", (x, y, o) => x.mul(y, o)],
  ["np.sqrt(np.abs(x))", (x) => np.sqrt(np.abs(x))],
  ["-x", (x) => np.neg(x)],
  ["np.negative(x, out=o)", (x, _y, o) => np.neg(x, o)],
  ["np.abs(x)", (x) => np.abs(x)],
  ["np.subtract(2.0, x)", (x) => np.sub(2, x)],
  ["x / y", (x, y) => x.div(y)],
  ["np.add(x.ravel()[1:], y.ravel()[:-1])", (x, y) => np.add(x.ravel().get("1:"), y.ravel().get(":-1"))],
  ["np.sqrt(np.abs(x), out=o)", (x, _y, o) => np.sqrt(np.abs(x), o)],
  ["np.multiply(x, x, out=x.copy())", (x) => np.mul(x, x, x.copy())],
  ["o.ravel()[1:].fill(-0.0) or o", (_x, _y, o) => (o.ravel().get("1:").fill(-0), o)],
  ["x + y[0]", (x, y) => x.add(y.get("0"))],
  ["x[:10].copy()", (x) => x.get(":10").copy()],
  ["x.sum()", (x) => x.sum()],
  ["x.sum(axis=-1)", (x) => x.sum({ axis: -1 })],
  ["x.sum(axis=0)", (x) => x.sum(0)],
  ["x[:, 1:].sum(axis=1)", (x) => x.get(":, 1:").sum(1)],
  ["x.reshape(-1, 10, 1000).sum(axis=(1, 2))", (x) => x.reshape(-1, 10, 1000).sum({ axis: [1, 2] })],
  ["x.ravel()[3:].sum()", (x) => x.ravel().get("3:").sum()],
  ["x.mean(axis=1)", (x) => x.mean(1)],
  // Every shape of the pairwise tree the C loops take (lines of 1024 elements or more; leaves
  // summed two at a time), at an odd offset.
  ["np.array([x.ravel()[3:3 + m].sum() for m in [*range(1024, 1400), *range(1400, 20000, 997)]])", (x) => np.array([...Array.from({ length: 376 }, (_, i) => 1024 + i), ...Array.from({ length: Math.ceil((20000 - 1400) / 997) }, (_, i) => 1400 + 997 * i)].map((m) => x.ravel().get(`3:${3 + m}`).sum() as number))],
  ["x.std()", (x) => x.std()],
  // var/std's deviations summed in one pass (C-contiguous, all or trailing axes) and the
  // three passes elsewhere (views, leading axes), NaN included.
  ["x.var(axis=1)", (x) => x.var(1)],
  ["x.std(axis=-1, ddof=1)", (x) => x.std({ axis: -1, ddof: 1 })],
  ["x.reshape(-1, 10, 1000).var(axis=(1, 2))", (x) => x.reshape(-1, 10, 1000).var({ axis: [1, 2] })],
  ["x.reshape(-1, 10, 100).std(axis=(1, 2), keepdims=True)", (x) => x.reshape(-1, 10, 100).std({ axis: [1, 2], keepdims: true })],
  ["x.var(keepdims=True)", (x) => x.var({ keepdims: true })],
  ["x[:, 1:].std()", (x) => x.get(":, 1:").std()],
  ["x.var(axis=0)", (x) => x.var(0)],
  ["xn.std()", (_x, _y, _o, xn) => xn.std()],
  ["xn.var(axis=1)", (_x, _y, _o, xn) => xn.var(1)],
  ["(x * 1e200).var()", (x) => x.mul(1e200).var()],
  ["o.fill(1.5) or o", (_x, _y, o) => o.fill(1.5)],
  ["1 / x", (x) => x.pow(-1)],
  ["np.floor(x * 3)", (x) => np.floor(x.mul(3))],
  ["np.ceil(x * 3)", (x) => np.ceil(x.mul(3))],
  ["x > 0", (x) => x.gt(0)],
  ["x <= y", (x, y) => x.le(y)],
  ["0.5 < x", (x) => np.lt(0.5, x)],
  ["np.greater_equal(x.ravel()[1:], y.ravel()[:-1])", (x, y) => np.ge(x.ravel().get("1:"), y.ravel().get(":-1"))],
  // Comparisons with ties (floor makes many equal values): each predicate's edge.
  ["np.floor(x * 3) > 0", (x) => np.floor(x.mul(3)).gt(0)],
  ["np.floor(x * 3) >= 0", (x) => np.floor(x.mul(3)).ge(0)],
  ["np.floor(x * 3) < np.floor(y * 3)", (x, y) => np.floor(x.mul(3)).lt(np.floor(y.mul(3)))],
  ["np.floor(x * 3) <= 1", (x) => np.floor(x.mul(3)).le(1)],
  ["np.floor(x * 3) == np.floor(y * 3)", (x, y) => np.floor(x.mul(3)).eq(np.floor(y.mul(3)))],
  ["np.floor(x * 3) != 0", (x) => np.floor(x.mul(3)).ne(0)],
  ["xn == xn", (_x, _y, _o, xn) => xn.eq(xn)],
  ["xn != x", (x, _y, _o, xn) => xn.ne(x)],
  ["xn < 0", (_x, _y, _o, xn) => xn.lt(0)],
  ["x.max()", (x) => x.max()],
  ["x.min()", (x) => x.min()],
  ["x.max(axis=1)", (x) => x.max(1)],
  ["x.min(axis=0)", (x) => x.min(0)],
  ["x.reshape(-1, 10, 1000).max(axis=1)", (x) => x.reshape(-1, 10, 1000).max(1)],
  ["x[:, 3:].min(axis=1)", (x) => x.get(":, 3:").min(1)],
  ["xn.max()", (_x, _y, _o, xn) => xn.max()],
  ["xn.min(axis=1)", (_x, _y, _o, xn) => xn.min(1)],
  ["xn.max(axis=0)", (_x, _y, _o, xn) => xn.max(0)],
  ["xn.T.min()", (_x, _y, _o, xn) => xn.T.min()],
  ["x.argmax()", (x) => x.argmax()],
  ["x.argmin(axis=1)", (x) => x.argmin(1)],
  ["x.argmax(axis=0)", (x) => x.argmax(0)],
  ["xn.argmin()", (_x, _y, _o, xn) => xn.argmin()],
  ["xn.argmax(axis=1)", (_x, _y, _o, xn) => xn.argmax(1)],
  ["np.where(np.isnan(xn), 5.0, xn).argmax()", (_x, _y, _o, xn) => { const c = xn.copy(); c.set("::7, ::13", 5); return c.argmax(); }],
  // Ties (first index wins; -0.0 and 0.0 are equal), odd offsets and tails of the vector loops.
  ["np.floor(x * 3).argmax()", (x) => np.floor(x.mul(3)).argmax()],
  ["np.floor(x * 3).argmin(axis=1)", (x) => np.floor(x.mul(3)).argmin(1)],
  ["(np.clip(np.floor(x * 3), None, 0) * 0.0).argmax()", (x) => np.floor(x.mul(3)).clip(null, 0).mul(0).argmax()],
  ["(np.clip(np.floor(x * 3), None, 0) * 0.0).argmin()", (x) => np.floor(x.mul(3)).clip(null, 0).mul(0).argmin()],
  ["x.ravel()[5:-3].argmax()", (x) => x.ravel().get("5:-3").argmax()],
  ["x.ravel()[7:].argmin()", (x) => x.ravel().get("7:").argmin()],
  ["x[:, 3:].argmax(axis=1)", (x) => x.get(":, 3:").argmax(1)],
  ["xn.argmax()", (_x, _y, _o, xn) => xn.argmax()],
  ["xn.sum(axis=0)", (_x, _y, _o, xn) => xn.sum(0)],
  ["x.T.copy()", (x) => x.T.copy()],
  ["x[::-1, ::2].T.copy()", (x) => x.get("::-1, ::2").T.copy()],
  ["x.reshape(-1, 10, 100).transpose(2, 0, 1).copy()", (x) => x.reshape(-1, 10, 100).transpose(2, 0, 1).copy()],
  // Transposes in 8x8 blocks (AVX-512): rows and columns left over at both ends, a source
  // walked backwards, an output already written (streamed when large) and one starting mid-line.
  ["x[:-4, :-3].T.copy()", (x) => x.get(":-4, :-3").T.copy()],
  ["x[::-1].T.copy()", (x) => x.get("::-1").T.copy()],
  ["np.copyto(o.reshape(x.shape[1], x.shape[0]), x.T) or o", (x, _y, o) => (o.reshape([x.shape[1], x.shape[0]]).set(":", x.T), o)],
  ["(o.fill(1.0), np.copyto(o.ravel()[:x.shape[0] // 8 * 8 * x.shape[1]].reshape(x.shape[1], -1), x[:x.shape[0] // 8 * 8].T), o)[2]", (x, _y, o) => {
    const rows = Math.floor(x.shape[0] / 8) * 8;
    o.fill(1);
    o.ravel().get(`:${rows * x.shape[1]}`).reshape([x.shape[1], rows]).set(":", x.get(`:${rows}`).T);
    return o;
  }],
  // Strided copies in C: one line with a step (x[:, ::2] merges into one), rows walked
  // backwards, and every third element (streamed when large).
  ["x[:, ::2].copy()", (x) => x.get(":, ::2").copy()],
  ["x[:, ::-1].copy()", (x) => x.get(":, ::-1").copy()],
  ["x[1:, ::-3].copy()", (x) => x.get("1:, ::-3").copy()],
  // Stacks of transposes (3-D, one C call per slab): blocks with rows left over, float32, the
  // slabs walked backwards.
  ["x.reshape(-1, 40, 100).transpose(0, 2, 1).copy()", (x) => x.reshape(-1, 40, 100).transpose(0, 2, 1).copy()],
  ["x.reshape(-1, 32, 125).astype(np.float32).transpose(0, 2, 1).copy()", (x) => x.reshape(-1, 32, 125).astype("float32").transpose(0, 2, 1).copy()],
  ["x.reshape(-1, 40, 100)[::-1].transpose(0, 2, 1).copy()", (x) => x.reshape(-1, 40, 100).get("::-1").transpose(0, 2, 1).copy()],
  // float32 transposes: 8x16 blocks (AVX2), rows and columns left over, a source walked backwards.
  ["x.astype(np.float32).T.copy()", (x) => x.astype("float32").T.copy()],
  ["x[:x.shape[0] // 16 * 16, :-3].astype(np.float32).T.copy()", (x) => x.get(`:${Math.floor(x.shape[0] / 16) * 16}, :-3`).astype("float32").T.copy()],
  ["x[:x.shape[0] // 16 * 16].astype(np.float32)[::-1].T.copy()", (x) => x.get(`:${Math.floor(x.shape[0] / 16) * 16}`).astype("float32").get("::-1").T.copy()],
  ["np.copyto(o.reshape(x.shape[1], x.shape[0])[:, 1:], x[1:].T) or o", (x, _y, o) => (o.reshape([x.shape[1], x.shape[0]]).get(":, 1:").set(":", x.get("1:").T), o)],
  ["np.copyto(o[:, ::-1], x) or o", (x, _y, o) => (o.get(":, ::-1").set(":", x), o)],
  ["(x > 0).sum()", (x) => x.gt(0).sum()],
  ["(x > y).sum(axis=1)", (x, y) => x.gt(y).sum(1)],
  ["(x > 0)[:, 1:].sum(axis=-1)", (x) => x.gt(0).get(":, 1:").sum(-1)],
  ["x.astype(np.float32)", (x) => x.astype("float32")],
  ["(x * 1e30).astype(np.float32)", (x) => x.mul(1e30).astype("float32")],
  ["xn.astype(np.float32).astype(np.float64)", (_x, _y, _o, xn) => xn.astype("float32").astype("float64")],
  ["x[:, 1:].astype(np.float32)", (x) => x.get(":, 1:").astype("float32")],
  ["x.ravel()[1:].astype(np.float32)", (x) => x.ravel().get("1:").astype("float32")],
  ["x.ravel()[3:] > 0", (x) => x.ravel().get("3:").gt(0)],
];

/**
 * The C library's functions: NumPy calls them for float64 (on CPUs without AVX-512F), and so
 * do the native loops, so the bits are the same; V8's Math functions, which the JavaScript
 * fallback runs, may differ from them in the last place.
 */
const LIBM_CASES: [string, (x: NDArray) => NDArray][] = [
  ["np.exp(x)", (x) => np.exp(x)],
  ["np.log(np.abs(x))", (x) => np.log(np.abs(x))],
  ["np.sin(x * 10)", (x) => np.sin(x.mul(10))],
  ["np.cos(x * 10)", (x) => np.cos(x.mul(10))],
];

function digest(r: NDArray | number): string {
  const bytes = typeof r === "number" ? new Float64Array([r]) : (r.astype("float64").data as Float64Array);
  return createHash("sha256").update(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)).digest("hex");
}

interface Expected {
  digests: string[];
  libm: { digest: string; head: number[] }[];
  numpyOwnMath: boolean;
}

function expected(rows: number, cols: number): Expected {
  return pythonJson<Expected>(`
import hashlib, json, numpy as np
from numpy.core._multiarray_umath import __cpu_features__ as cpu
g = np.random.default_rng(7)
x = g.standard_normal((${rows}, ${cols}))
y = g.standard_normal((${rows}, ${cols}))
xn = x.copy()
xn[::7, ::13] = np.nan
cases, libm = json.loads(input())
def digest(r):
    return hashlib.sha256(np.ascontiguousarray(np.asarray(r, dtype=np.float64)).tobytes()).hexdigest()
out = []
for e in cases:
    o = np.zeros_like(x)
    out.append(digest(eval(e)))
libm_out = []
for e in libm:
    r = eval(e)
    libm_out.append({"digest": digest(r), "head": r.ravel()[:2000].tolist()})
print(json.dumps({"digests": out, "libm": libm_out, "numpyOwnMath": bool(cpu.get("AVX512F"))}))`, JSON.stringify([CASES.map(([e]) => e), LIBM_CASES.map(([e]) => e)]));
}

/** |a - b| in units in the last place of b. */
function ulps(a: number, b: number): number {
  if (Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b))) return 0;
  const ulp = Math.abs(b) > 0 ? 2 ** (Math.floor(Math.log2(Math.abs(b))) - 52) : Number.MIN_VALUE;
  return Math.abs(a - b) / ulp;
}

function check(): void {
  const jsMath = !native;
  for (const [rows, cols] of SHAPES) {
    const want = expected(rows, cols);
    const g = np.random.defaultRng(7);
    const x = g.standardNormal([rows, cols]) as NDArray;
    const y = g.standardNormal([rows, cols]) as NDArray;
    const xn = x.copy();
    xn.set("::7, ::13", NaN);
    CASES.forEach(([expr, f], i) => {
      const o = np.zeros([rows, cols]);
      assert.equal(digest(f(x, y, o, xn)), want.digests[i], `${rows}×${cols}, ${expr}: bytes differ from NumPy's`);
    });
    LIBM_CASES.forEach(([expr, f], i) => {
      const r = f(x);
      if (!jsMath && !want.numpyOwnMath) {
        assert.equal(digest(r), want.libm[i].digest, `${rows}×${cols}, ${expr}: bytes differ from NumPy's (both use the C library)`);
        return;
      }
      // V8's Math (the fallback) against the C library: within one unit in the last place.
      // NumPy's own AVX-512 functions (SVML's, where NumPy links it) against the C library's
      // or V8's: measured on an AVX-512 Xeon over 4e6 draws, sin and cos differ in 63 % of
      // results by at most 3 ulps, exp and log in 24 % by at most 2; allowed: 4.
      const tolerance = want.numpyOwnMath ? 4 : 1;
      const head = want.libm[i].head;
      const got = r.ravel().get(`:${head.length}`).tolist() as number[];
      got.forEach((v, k) => assert.ok(ulps(v, head[k]) <= tolerance, `${expr}[${k}]: ${v} vs NumPy's ${head[k]} (${ulps(v, head[k])} ulps, at most ${tolerance} allowed)`));
    });
  }
}

const ADDON = addonPath("lazylab_np");

/** `x` cut into lines of n elements (as many whole lines as it holds), summed: NumPy's and lazylab's code. */
const linesOf = (n: number): [string, string] => [
  `x.ravel()[:x.size // ${n} * ${n}].reshape(-1, ${n}).sum(axis=1)`,
  `x.ravel().get(":" + Math.floor(x.size / ${n}) * ${n}).reshape(-1, ${n}).sum(1)`,
];

/**
 * Row sums of every kind of line the C loops treat apart: fewer than 8 elements, one leaf of the
 * tree, several, exactly a buffer, more than one buffer with a last piece under 8, odd counts of
 * lines (one left over when lines go two at a time), lines apart in memory, at an odd offset.
 */
const LINE_SUMS: [string, string][] = [
  ...[7, 8, 100, 129, 4000, 8192, 8195, 10000].map(linesOf),
  ["x[1:].sum(axis=-1)", `x.get("1:").sum(-1)`],
  ["x[:, 1:].sum(axis=1)", `x.get(":, 1:").sum(1)`],
  ["x[:, 3:].mean(axis=1)", `x.get(":, 3:").mean(1)`],
];

test("float64 row sums are NumPy's bit for bit under either CPU tuning: lines summed one at a time (amd) and two at a time, their leaves in pairs (intel), for every length of line", { skip: !native ? "no addon" : false }, () => {
  for (const [rows, cols] of SHAPES) {
    const want = pythonJson<string[]>(`
import hashlib, json, numpy as np
x = np.random.default_rng(7).standard_normal((${rows}, ${cols}))
print(json.dumps([hashlib.sha256(np.ascontiguousarray(eval(e)).tobytes()).hexdigest() for e in json.loads(input())]))`, JSON.stringify(LINE_SUMS.map(([e]) => e)));
    const script = `
      const { np } = require(${JSON.stringify(path.join(__dirname, "..", "lib"))});
      const { createHash } = require("node:crypto");
      const native = require(${JSON.stringify(path.join(__dirname, "..", "lib", "np", "native"))}).native;
      const x = np.random.defaultRng(7).standardNormal([${rows}, ${cols}]);
      const sums = [${LINE_SUMS.map(([, code]) => `() => ${code}`).join(", ")}];
      const digests = sums.map((f) => { const d = f().data; return createHash("sha256").update(new Uint8Array(d.buffer, d.byteOffset, d.byteLength)).digest("hex"); });
      console.log(JSON.stringify({ tuning: native.tuning(), digests }));`;
    for (const tuning of ["amd", "intel"]) {
      const r = spawnSync(process.execPath, ["-e", script], { env: { ...process.env, LAZYLAB_NATIVE_TUNING: tuning }, encoding: "utf8" });
      assert.equal(r.status, 0, r.stderr);
      const got = JSON.parse(r.stdout) as { tuning: string; digests: string[] };
      assert.equal(got.tuning, tuning);
      LINE_SUMS.forEach(([e], i) => assert.equal(got.digests[i], want[i], `${rows}×${cols}, ${e}, tuned for ${tuning}: bytes differ from NumPy's`));
    }
  }
});

test("copy2d refuses arrays of two kinds, other kinds, and a walk outside either array, naming what was wrong", { skip: !native ? "no addon" : false }, () => {
  const c = native!;
  const f64 = new Float64Array(6), f32 = new Float32Array(6);
  assert.throws(() => c.copy2d(f64, 0, 2, 3, 3, 1, f32 as unknown as Float64Array, 0, 3, 1), /copy2d takes two Float64Arrays or two Float32Arrays/);
  assert.throws(() => c.copy2d(new Int32Array(6) as unknown as Float32Array, 0, 2, 3, 3, 1, new Int32Array(6) as unknown as Float32Array, 0, 3, 1), /two Float64Arrays or two Float32Arrays/);
  assert.throws(() => c.copy2d(f64, 1, 2, 3, 3, 1, new Float64Array(6), 0, 3, 1), /range outside the array/);
  assert.throws(() => c.copy2d(f32, 0, 2, 3, 1, 3, new Float32Array(6), 0, 3, 1), /range outside the array/);
  assert.throws(() => c.copy2d(f32, 0, 2, 3, 3, 1, new Float32Array(5), 0, 3, 1), /range outside the array/);
  // In bounds: a 3x2 float32 transpose, element by element.
  const src = new Float32Array([1, 2, 3, 4, 5, 6]), out = new Float32Array(6);
  c.copy2d(src, 0, 2, 3, 1, 2, out, 0, 3, 1);
  assert.deepEqual([...out], [1, 3, 5, 2, 4, 6]);
});

test("the native addon is loaded when it is built", { skip: process.env.LAZYLAB_NATIVE === "0" || !existsSync(ADDON) ? "addon not built or switched off" : false }, () => {
  assert.ok(native, `${ADDON} exists but lib/np/native.ts did not load it`);
});

test("float64 elementwise results and sums are NumPy's bit for bit", () => check());

test("a loop writing fresh memory faults in only what it writes (native/np_memory.c's prefault): the same resident bytes as NumPy would hold", async () => {
  // 64 MiB arrays in a process started like the executor (huge pages for large buffers).
  // zeros() stays untouched; filling a quarter of it makes a quarter resident, not all of it;
  // a new result is resident in full; writing into memory already resident adds nothing.
  const script = `
    const { np } = require(${JSON.stringify(path.join(__dirname, "..", "lib"))});
    const fs = require("node:fs");
    const rss = () => Number(fs.readFileSync("/proc/self/statm", "utf8").split(" ")[1]) * 4096 / 2 ** 20;
    const x = np.ones([4096, 2048]);
    gc();
    const r0 = rss();
    const z = np.zeros([4096, 2048]);
    const r1 = rss();
    z.get("1024:2048, :").fill(1);
    const r2 = rss();
    const y = x.mul(x);
    const r3 = rss();
    const fresh = y.get("4095, 2047").item();
    x.mul(2, y);
    const r4 = rss();
    const ok = z.get("1024, 0").item() === 1 && z.get("0, 0").item() === 0 && z.get("2048, 0").item() === 0 && fresh === 1 && y.get("4095, 2047").item() === 2;
    console.log(JSON.stringify({ zeros: r1 - r0, quarter: r2 - r1, result: r3 - r2, into: r4 - r3, ok, native: !!require(${JSON.stringify(path.join(__dirname, "..", "lib", "np", "native"))}).native }));`;
  const got = await runLikeExecutor<{ zeros: number; quarter: number; result: number; into: number; ok: boolean; native: boolean }>(["-e", script], "prefault child");
  const where = JSON.stringify(got);
  assert.ok(got.ok, `values written where they should be: ${where}`);
  assert.ok(got.zeros < 1, `zeros() of 64 MiB is not resident before it is written: ${where}`);
  // A huge page at each end of the written range may round the figure up by up to 2 MiB.
  assert.ok(got.quarter > 15.5 && got.quarter < 20.5, `filling 16 MiB of it makes 16 MiB resident: ${where}`);
  assert.ok(got.result > 63.5 && got.result < 68.5, `a new 64 MiB result is resident in full: ${where}`);
  assert.ok(Math.abs(got.into) < 1, `writing into a resident array adds nothing: ${where}`);
});

const THP = existsSync("/sys/kernel/mm/transparent_hugepage/enabled") ? readFileSync("/sys/kernel/mm/transparent_hugepage/enabled", "utf8") : "";

test("a new large array gets transparent huge pages, as NumPy's does (native/np_memory.c)", { skip: !native || !/\[(always|madvise)\]/.test(THP) ? "no addon, or the system has no transparent huge pages" : false }, async () => {
  // Each side makes a 64 MiB result and reports how many of its bytes became huge pages.
  const hugeKb = `Number(require("node:fs").readFileSync("/proc/self/smaps_rollup", "utf8").match(/AnonHugePages:\\s+(\\d+)/)[1])`;
  const script = `
    const { np } = require(${JSON.stringify(path.join(__dirname, "..", "lib"))});
    const x = np.ones([4096, 2048]);
    gc();
    const h0 = ${hugeKb};
    const y = x.mul(x);
    console.log(JSON.stringify((${hugeKb} - h0) / 1024));`;
  const ours = await runLikeExecutor<number>(["-e", script], "huge pages child");
  const numpys = pythonJson<number>(`
import json, re, numpy as np
def huge():
    return int(re.search(r"AnonHugePages:\\s+(\\d+)", open("/proc/self/smaps_rollup").read()).group(1))
x = np.ones((4096, 2048))
h0 = huge()
y = x * x
print(json.dumps((huge() - h0) / 1024))`);
  // The aligned interior of 64 MiB: 62 MiB at least (one 2 MiB page lost to alignment).
  assert.ok(numpys >= 60, `NumPy's result: ${numpys} MiB of huge pages (the comparison needs NumPy to get them)`);
  assert.ok(ours >= 60, `lazylab's result: ${ours} MiB of huge pages, NumPy's ${numpys} MiB`);
});

/** The CPU's feature flags as /proc/cpuinfo lists them (none where there is no such file). */
const CPU_FLAGS = existsSync("/proc/cpuinfo") ? (readFileSync("/proc/cpuinfo", "utf8").match(/^flags\s*:(.*)$/m)?.[1] ?? "") : "";
const cpuHas = (flag: string) => new RegExp(`\\b${flag}\\b`).test(CPU_FLAGS);

const OWN_EXP_SKIP = !native || process.arch !== "x64" || !cpuHas("fma") || !cpuHas("avx2")
  ? "no addon, or no AVX2 and FMA" : false;

test("comparisons of a million elements and more (streamed on Intel) give the same bytes under either CPU tuning and JavaScript's own comparison, for every predicate, NaNs, a number or an array operand, and an output starting mid-line", { skip: !native ? "no addon" : false }, () => {
  // 1,200,003 elements: over STREAM_MIN (1 << 20), not a whole number of 64-element steps; the
  // output view 5 bytes into its buffer, so the streamed loop first fills up to a 64-byte line.
  const script = `
    const { np } = require(${JSON.stringify(path.join(__dirname, "..", "lib"))});
    const { createHash } = require("node:crypto");
    const n = 1200003, g = np.random.defaultRng(5);
    const x = g.standardNormal([n]), y = g.standardNormal([n]);
    for (let k = 0; k < 2900; k++) { x.set(String(17 + 389 * k), NaN); y.set(String(29 + 401 * k), k % 2 ? NaN : x.item(29 + 401 * k)); }
    const ops = [["gt", (a, b) => a > b], ["ge", (a, b) => a >= b], ["lt", (a, b) => a < b], ["le", (a, b) => a <= b], ["eq", (a, b) => a === b], ["ne", (a, b) => a !== b]];
    const buffer = np.zeros([n + 9], { dtype: "bool" }), view = buffer.get("5:" + (n + 5));
    const digests = [], wrong = [];
    for (const [op, js] of ops) {
      for (const [label, other] of [["0", 0], ["y", y]]) {
        const r = x[op](other);
        np[{ gt: "greater", ge: "greaterEqual", lt: "less", le: "lessEqual", eq: "equal", ne: "notEqual" }[op]](x, other, view);
        for (const [what, a] of [["new", r.data], ["view", buffer.data.subarray(5, n + 5)]]) {
          digests.push(createHash("sha1").update(a).digest("hex"));
          for (let i = 0; i < n; i++) if (a[i] !== (js(x.data[i], label === "0" ? 0 : y.data[i]) ? 1 : 0)) { wrong.push(op + " " + label + " " + what + " at " + i); break; }
        }
      }
    }
    console.log(JSON.stringify({ tuning: require(${JSON.stringify(path.join(__dirname, "..", "lib", "np", "native"))}).native.tuning(), digests, wrong, edges: [buffer.data[4], buffer.data[n + 5]] }));`;
  const runs = ["amd", "intel"].map((tuning) => {
    const r = spawnSync(process.execPath, ["-e", script], { env: { ...process.env, LAZYLAB_NATIVE_TUNING: tuning }, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    const got = JSON.parse(r.stdout) as { tuning: string; digests: string[]; wrong: string[]; edges: number[] };
    assert.equal(got.tuning, tuning);
    assert.deepEqual(got.wrong, [], `tuned for ${tuning}: bytes that are not JavaScript's comparison`);
    assert.deepEqual(got.edges, [0, 0], `tuned for ${tuning}: bytes written outside the output view`);
    return got;
  });
  assert.deepEqual(runs[1].digests, runs[0].digests, "the same bytes under both tunings");
});

test("float64 exp runs lazylab's vector loop exactly where NumPy runs its own (AVX512F), within 1 ulp of the C library's, with the same bits in 8 and 4 lanes, under either CPU tuning (streamed or plain stores), and each result independent of its neighbours", { skip: OWN_EXP_SKIP }, () => {
  const avx512 = cpuHas("avx512f");
  assert.equal(native!.ownExp(), avx512 && process.env.LAZYLAB_NATIVE_MATH !== "libm" && process.env.LAZYLAB_NATIVE_ISA !== "baseline");
  // Normals, the whole in-range span, tiny values, and the edges and specials scattered
  // among ordinary values (so some vectors mix lanes the C library must take); 1.2 million in
  // all, so that the whole array's output is large enough to be streamed where the tuning does.
  const script = `
    const { np } = require(${JSON.stringify(path.join(__dirname, "..", "lib"))});
    const g = np.random.defaultRng(11);
    const edges = [0, -0, 1, -1, 709, -708, 709.1, 709.78, 709.79, -708.1, -745, -745.2, 710, Infinity, -Infinity, NaN, 1e-300, -1e-300, Math.LN2 / 2, -Math.LN2 / 2, 88.72, -87.33];
    const x = np.concatenate([g.standardNormal([800000]), g.uniform(-708, 709, [300000]), g.uniform(-1e-8, 1e-8, [50000]), g.uniform(-760, 720, [50000])]);
    for (let k = 0; k < edges.length * 40; k++) x.set(String(1 + 97 * k), edges[k % edges.length]);
    const whole = np.exp(x), shifted = np.exp(x.get("3:"));
    const out = { whole: Array.from(whole.data), shiftedSame: shifted.tolist().every((v, i) => Object.is(v, whole.data[i + 3])) };
    require("node:fs").writeFileSync(process.argv[1], JSON.stringify(out));`;
  const run = (env: Record<string, string>) => {
    const file = path.join(require("node:os").tmpdir(), `lazylab-exp-${process.pid}-${Object.values(env).join("-")}.json`);
    // The loops under test need the AVX2 ones chosen: not the baseline re-run's setting.
    const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== "LAZYLAB_NATIVE_ISA"));
    const r = spawnSync(process.execPath, ["-e", script, file], { env: { ...base, ...env }, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    const got = JSON.parse(readFileSync(file, "utf8")) as { whole: (number | null)[]; shiftedSame: boolean };
    require("node:fs").rmSync(file);
    return { whole: got.whole.map((v) => (v === null ? NaN : v)), shiftedSame: got.shiftedSame };
  };
  const own = run({ LAZYLAB_NATIVE_MATH: "own", LAZYLAB_NATIVE_TUNING: "amd" });
  const plainStores = run({ LAZYLAB_NATIVE_MATH: "own", LAZYLAB_NATIVE_TUNING: "intel" });
  const four = run({ LAZYLAB_NATIVE_MATH: "own", LAZYLAB_NATIVE_EXP: "avx2" });
  const libm = run({ LAZYLAB_NATIVE_MATH: "libm" });
  assert.ok(own.shiftedSame && four.shiftedSame, "exp of a view starting 3 elements later gives the same bits for the same elements");
  let differ = 0;
  own.whole.forEach((v, i) => {
    assert.ok(Object.is(v, four.whole[i]), `element ${i}: ${v} (8 lanes) vs ${four.whole[i]} (4 lanes)`);
    assert.ok(Object.is(v, plainStores.whole[i]), `element ${i}: ${v} (tuned for amd) vs ${plainStores.whole[i]} (tuned for intel)`);
    const u = ulps(v, libm.whole[i]);
    if (u > 0) differ++;
    assert.ok(u <= 1, `exp element ${i}: ${v} vs the C library's ${libm.whole[i]} (${u} ulps)`);
  });
  // The loop really ran (a copy of the C library's would differ nowhere).
  assert.ok(differ > 1000, `only ${differ} of ${own.whole.length} results differ from the C library's`);
});

test("on x86-64 the loops are chosen for AVX-512 and AVX2 exactly when the CPU has them (LAZYLAB_NATIVE_ISA=baseline forces the baseline ones, which give the same bits)", { skip: !native || process.arch !== "x64" ? "no addon, or not x86-64" : false }, () => {
  const isa = process.env.LAZYLAB_NATIVE_ISA;
  const expected = isa === "baseline" || !cpuHas("avx2") ? "baseline" : cpuHas("avx512f") && isa !== "avx2" ? "avx512" : "avx2";
  assert.equal(native!.isa(), expected);
  if (process.env.LAZYLAB_NATIVE_ISA) return;
  // The whole file again with the baseline loops: its bit-for-bit checks must pass too.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== "NODE_TEST_CONTEXT"));
  const r = spawnSync(process.execPath, ["--test", __filename], { env: { ...env, LAZYLAB_NATIVE_ISA: "baseline" }, encoding: "utf8" });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

test("on AVX-512 CPUs the AVX2 loops (LAZYLAB_NATIVE_ISA=avx2: the float64 sums' paired leaves in the cache, plain ones from memory) give the same bits", { skip: !native || process.arch !== "x64" || !cpuHas("avx512f") || process.env.LAZYLAB_NATIVE_ISA ? "no addon, not x86-64, no AVX-512, or this is that run" : false }, () => {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== "NODE_TEST_CONTEXT"));
  const r = spawnSync(process.execPath, ["--test", __filename], { env: { ...env, LAZYLAB_NATIVE_ISA: "avx2" }, encoding: "utf8" });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

test("the JavaScript fallback (LAZYLAB_NATIVE=0) gives the same bits", { skip: process.env.LAZYLAB_NATIVE === "0" || process.env.LAZYLAB_NATIVE_ISA ? "this is the fallback (or baseline) run" : false }, () => {
  // Without NODE_TEST_CONTEXT the child is a test run of its own, with its own exit status.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== "NODE_TEST_CONTEXT"));
  const r = spawnSync(process.execPath, ["--test", __filename], { env: { ...env, LAZYLAB_NATIVE: "0" }, encoding: "utf8" });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});
