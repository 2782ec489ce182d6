/**
 * lib/np's native float64 loops (native/np_loops.c via lib/np/native.ts) and their
 * JavaScript fallback give NumPy's results bit for bit on arrays large enough to take the
 * native paths (views at odd offsets, broadcast scalars, row, block and whole-array sums). NumPy computes the same expressions on the same seeded data and reports
 * a SHA-256 of each result's bytes.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { np } from "../lib";
import { native } from "../lib/np/native";
import type { NDArray } from "../lib/np";
import { pythonJson } from "./oracle";

const ROWS = 600;
const COLS = 1000;

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
  ["x + y[0]", (x, y) => x.add(y.get("0"))],
  ["x[:10].copy()", (x) => x.get(":10").copy()],
  ["x.sum()", (x) => x.sum()],
  ["x.sum(axis=-1)", (x) => x.sum({ axis: -1 })],
  ["x.sum(axis=0)", (x) => x.sum(0)],
  ["x[:, 1:].sum(axis=1)", (x) => x.get(":, 1:").sum(1)],
  ["x.reshape(60, 10, 1000).sum(axis=(1, 2))", (x) => x.reshape(60, 10, 1000).sum({ axis: [1, 2] })],
  ["x.ravel()[3:].sum()", (x) => x.ravel().get("3:").sum()],
  ["x.mean(axis=1)", (x) => x.mean(1)],
  ["x.std()", (x) => x.std()],
  ["o.fill(1.5) or o", (_x, _y, o) => o.fill(1.5)],
];

function digest(r: NDArray | number): string {
  const bytes = typeof r === "number" ? new Float64Array([r]) : (r.copy().data as Float64Array);
  return createHash("sha256").update(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)).digest("hex");
}

function expected(): string[] {
  return pythonJson<string[]>(`
import hashlib, json, numpy as np
g = np.random.default_rng(7)
x = g.standard_normal((${ROWS}, ${COLS}))
y = g.standard_normal((${ROWS}, ${COLS}))
out = []
for e in json.loads(input()):
    o = np.zeros_like(x)
    r = eval(e)
    out.append(hashlib.sha256(np.ascontiguousarray(np.asarray(r, dtype=np.float64)).tobytes()).hexdigest())
print(json.dumps(out))`, JSON.stringify(CASES.map(([e]) => e)));
}

function check(): void {
  const want = expected();
  const g = np.random.defaultRng(7);
  const x = g.standardNormal([ROWS, COLS]) as NDArray;
  const y = g.standardNormal([ROWS, COLS]) as NDArray;
  CASES.forEach(([expr, f], i) => {
    const o = np.zeros([ROWS, COLS]);
    assert.equal(digest(f(x, y, o)), want[i], `${expr}: bytes differ from NumPy's`);
  });
}

const ADDON = path.join(__dirname, "..", "..", "build", "Release", "lazylab_np.node");

test("the native addon is loaded when it is built", { skip: process.env.LAZYLAB_NATIVE === "0" || !existsSync(ADDON) ? "addon not built or switched off" : false }, () => {
  assert.ok(native, `${ADDON} exists but lib/np/native.ts did not load it`);
});

test("float64 elementwise results and sums are NumPy's bit for bit", () => check());

test("the JavaScript fallback (LAZYLAB_NATIVE=0) gives the same bits", { skip: process.env.LAZYLAB_NATIVE === "0" ? "this is the fallback run" : false }, () => {
  // Without NODE_TEST_CONTEXT the child is a test run of its own, with its own exit status.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== "NODE_TEST_CONTEXT"));
  const r = spawnSync(process.execPath, ["--test", __filename], { env: { ...env, LAZYLAB_NATIVE: "0" }, encoding: "utf8" });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});
