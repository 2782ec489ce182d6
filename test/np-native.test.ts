/**
 * lib/np's native float64 loops (native/np_loops.c via lib/np/native.ts) and their
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
import type { NDArray } from "../lib/np";
import { pythonJson } from "./oracle";

/** Below and above the C loops' streaming-store threshold (native/np_loops.c, STREAM_MIN = 2**20). */
const SHAPES: [number, number][] = [[600, 1000], [1100, 1000]];

/** [NumPy expression over x, y, o (zeros like x), lazylab computation]. */
const CASES: [string, (x: NDArray, y: NDArray, o: NDArray) => NDArray | number][] = [
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
  ["x.std()", (x) => x.std()],
  ["o.fill(1.5) or o", (_x, _y, o) => o.fill(1.5)],
];

function digest(r: NDArray | number): string {
  const bytes = typeof r === "number" ? new Float64Array([r]) : (r.copy().data as Float64Array);
  return createHash("sha256").update(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)).digest("hex");
}

function expected(rows: number, cols: number): string[] {
  return pythonJson<string[]>(`
import hashlib, json, numpy as np
g = np.random.default_rng(7)
x = g.standard_normal((${rows}, ${cols}))
y = g.standard_normal((${rows}, ${cols}))
out = []
for e in json.loads(input()):
    o = np.zeros_like(x)
    r = eval(e)
    out.append(hashlib.sha256(np.ascontiguousarray(np.asarray(r, dtype=np.float64)).tobytes()).hexdigest())
print(json.dumps(out))`, JSON.stringify(CASES.map(([e]) => e)));
}

function check(): void {
  for (const [rows, cols] of SHAPES) {
    const want = expected(rows, cols);
    const g = np.random.defaultRng(7);
    const x = g.standardNormal([rows, cols]) as NDArray;
    const y = g.standardNormal([rows, cols]) as NDArray;
    CASES.forEach(([expr, f], i) => {
      const o = np.zeros([rows, cols]);
      assert.equal(digest(f(x, y, o)), want[i], `${rows}×${cols}, ${expr}: bytes differ from NumPy's`);
    });
  }
}

const ADDON = path.join(__dirname, "..", "..", "build", "Release", "lazylab_np.node");

test("the native addon is loaded when it is built", { skip: process.env.LAZYLAB_NATIVE === "0" || !existsSync(ADDON) ? "addon not built or switched off" : false }, () => {
  assert.ok(native, `${ADDON} exists but lib/np/native.ts did not load it`);
});

test("float64 elementwise results and sums are NumPy's bit for bit", () => check());

test("on x86-64 the loops are chosen for AVX2 exactly when the CPU has it (LAZYLAB_NATIVE_ISA=baseline forces the baseline ones, which give the same bits)", { skip: !native || process.arch !== "x64" ? "no addon, or not x86-64" : false }, () => {
  const avx2 = /^flags\s*:.*\bavx2\b/m.test(readFileSync("/proc/cpuinfo", "utf8"));
  const baselineRun = process.env.LAZYLAB_NATIVE_ISA === "baseline";
  assert.equal(native!.isa(), avx2 && !baselineRun ? "avx2" : "baseline");
  if (baselineRun) return;
  // The whole file again with the baseline loops: its bit-for-bit checks must pass too.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== "NODE_TEST_CONTEXT"));
  const r = spawnSync(process.execPath, ["--test", __filename], { env: { ...env, LAZYLAB_NATIVE_ISA: "baseline" }, encoding: "utf8" });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

test("the JavaScript fallback (LAZYLAB_NATIVE=0) gives the same bits", { skip: process.env.LAZYLAB_NATIVE === "0" || process.env.LAZYLAB_NATIVE_ISA ? "this is the fallback (or baseline) run" : false }, () => {
  // Without NODE_TEST_CONTEXT the child is a test run of its own, with its own exit status.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== "NODE_TEST_CONTEXT"));
  const r = spawnSync(process.execPath, ["--test", __filename], { env: { ...env, LAZYLAB_NATIVE: "0" }, encoding: "utf8" });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});
