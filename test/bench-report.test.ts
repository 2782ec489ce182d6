/**
 * The checks every benchmark relies on (bench/report.ts): a benchmark whose two sides computed
 * different results must fail, so the comparisons themselves are compared with NumPy's.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { BenchMismatch, check, digest, spread, ulps } from "../bench/report";
import { pythonJson } from "./oracle";

test("ulp distances agree with NumPy's bit patterns, across zero and for neighbours", () => {
  const pairs: [number, number][] = [[1, 1 + 2 ** -52], [1, 1 + 2 ** -50], [-1, -1 - 2 ** -52], [0, -0], [5e-324, -5e-324], [1e300, 1.0000000000000002e300], [2, 1.9999999999999998]];
  const expected = pythonJson<number[]>(`
import json, numpy as np
pairs = ${JSON.stringify(pairs)}
def key(v):
    i = int(np.array(v, dtype=np.float64).view(np.int64))
    return -(i & 0x7fffffffffffffff) if i < 0 else i
print(json.dumps([abs(key(a) - key(b)) for a, b in pairs]))`);
  assert.deepEqual(pairs.map(([a, b]) => ulps(a, b)), expected);
});

test("check throws BenchMismatch for a one-ulp difference when bits are required, and accepts it within a tolerance", () => {
  assert.throws(() => check("row", [1, 2], [1, 2 + 2 ** -51], { bits: true }), (e: Error) => e instanceof BenchMismatch && e.name === "BenchMismatch" && /1 of 2 elements differ/.test(e.message));
  assert.match(check("row", [1, 2], [1, 2 + 2 ** -51], { ulps: 1 }), /up to 1 ulp/);
  assert.throws(() => check("row", [1, 2], [1, 2.001], { rel: 1e-12 }), BenchMismatch);
  assert.equal(check("row", [1, NaN], [1, NaN], { bits: true }), "bit-identical");
  assert.throws(() => check("row", [1, 2], [1], { rel: 1 }), BenchMismatch);
});

test("digests equal NumPy's SHA-1 of tobytes() for float64, float32 and bool arrays", () => {
  const values = [0.5, -1.25, 3e-300, 7];
  const expected = pythonJson<string[]>(`
import hashlib, json, numpy as np
v = np.array(${JSON.stringify(values)})
print(json.dumps([hashlib.sha1(a.tobytes()).hexdigest() for a in (v, v.astype(np.float32), v > 0)]))`);
  assert.deepEqual([digest(Float64Array.from(values)), digest(Float32Array.from(values)), digest(Uint8Array.from(values, (v) => Number(v > 0)))], expected);
});

test("spread gives min, max and the median as NumPy's median does for odd and even counts", () => {
  const sets = [[3, 1, 2], [4, 1, 3, 2], [5]];
  const expected = pythonJson<number[][]>(`
import json, numpy as np
print(json.dumps([[min(s), float(np.median(s)), max(s)] for s in ${JSON.stringify(sets)}]))`);
  assert.deepEqual(sets.map((s) => { const r = spread(s); return [r.min, r.median, r.max]; }), expected);
});
