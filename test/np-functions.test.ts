/**
 * NumPy's functions mirroring methods (reshape … unique, allclose, dot/matmul) against
 * Debian's NumPy: the inputs are drawn from the same seeded generator on both sides
 * (lazylab's `np.random.defaultRng` gives NumPy's stream), every case runs in NumPy in one
 * batch, and values, dtypes, shapes, reprs and error types/messages must agree.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { np } from "../lib";
import type { NDArray } from "../lib/np";
import { runtimeWarnings } from "../lib/np/errors";
import { pythonJson } from "./oracle";
import { compare, encode, ourInputs, PY_INPUTS, PY_RUN, runCases, type Enc, type Inputs } from "./numpy-cases";

test("the generated inputs are NumPy's (same seed, same stream)", () => {
  const want = pythonJson<Enc[]>(PY_INPUTS + PY_RUN, JSON.stringify(["x", "i", "u8", "f32", "t", "A8", "xn"]));
  const inp = ourInputs();
  [inp.x, inp.i, inp.u8, inp.f32, inp.t, inp.A8, inp.xn].forEach((a, k) => compare(encode(a), want[k], `input ${k}`));
});

test("shape functions agree with NumPy: reshape (-1), transpose (axes), ravel (view or copy), squeeze (axis), expand_dims (negative, several)", () => {
  runCases([
    ["np.reshape(i, (5, -1))", ({ i }) => np.reshape(i, [5, -1])], ["np.reshape(i, 20)", ({ i }) => np.reshape(i, 20)],
    ["np.reshape(i, (4, -1))", ({ i }) => np.reshape(i, [4, -1])], ["np.reshape(i, (3, -1))", ({ i }) => np.reshape(i, [3, -1])],
    ["np.reshape(i, (-1, -1))", ({ i }) => np.reshape(i, [-1, -1])], ["np.reshape(i.T, (2, 10))", ({ i }) => np.reshape(i.T, [2, 10])],
    ["np.reshape([[1, 2], [3, 4]], 4)", () => np.reshape([[1, 2], [3, 4]], 4)],
    ["np.transpose(S)", ({ S }) => np.transpose(S)], ["np.transpose(S, (1, 0, 2))", ({ S }) => np.transpose(S, [1, 0, 2])],
    ["np.transpose(S, (-1, 0, 1))", ({ S }) => np.transpose(S, [-1, 0, 1])], ["np.transpose(S, (0, 0, 1))", ({ S }) => np.transpose(S, [0, 0, 1])],
    ["np.transpose(S, (0, 1))", ({ S }) => np.transpose(S, [0, 1])], ["np.transpose(S, (0, 1, 3))", ({ S }) => np.transpose(S, [0, 1, 3])],
    ["np.ravel(i)", ({ i }) => np.ravel(i)], ["np.ravel(i.T)", ({ i }) => np.ravel(i.T)], ["np.ravel(x[::2, 1:])", ({ x }) => np.ravel(x.get("::2, 1:"))],
    ["np.squeeze(np.zeros((1, 3, 1)))", () => np.squeeze(np.zeros([1, 3, 1]))], ["np.squeeze(np.zeros((1, 3, 1)), axis=0)", () => np.squeeze(np.zeros([1, 3, 1]), { axis: 0 })],
    ["np.squeeze(np.zeros((1, 3, 1)), axis=(0, -1))", () => np.squeeze(np.zeros([1, 3, 1]), { axis: [0, -1] })],
    ["np.squeeze(np.zeros((1, 3, 1)), axis=1)", () => np.squeeze(np.zeros([1, 3, 1]), { axis: 1 })],
    ["np.squeeze(np.zeros((1, 3, 1)), axis=3)", () => np.squeeze(np.zeros([1, 3, 1]), { axis: 3 })],
    ["np.squeeze(i[:1])", ({ i }) => np.squeeze(i.get(":1"))], ["i[:, :1].squeeze()", ({ i }) => i.get(":, :1").squeeze()],
    ["np.expand_dims(i, 0)", ({ i }) => np.expandDims(i, 0)], ["np.expand_dims(i, -1)", ({ i }) => np.expandDims(i, -1)],
    ["np.expand_dims(i, (0, 2))", ({ i }) => np.expandDims(i, [0, 2])], ["np.expand_dims(i, (-1, 0))", ({ i }) => np.expandDims(i, [-1, 0])],
    ["np.expand_dims(i, 3)", ({ i }) => np.expandDims(i, 3)], ["np.expand_dims(i, (1, 1))", ({ i }) => np.expandDims(i, [1, 1])],
    ["np.expand_dims(i, -4)", ({ i }) => np.expandDims(i, -4)],
  ]);
});

test("ravel, squeeze and expand_dims are views where NumPy's are; ravel of a non-contiguous array is a new array", () => {
  const want = pythonJson<boolean[]>(`
import json, numpy as np
a = np.arange(12).reshape(3, 4)
print(json.dumps([np.shares_memory(np.ravel(a), a), np.shares_memory(np.ravel(a.T), a), np.ravel(a.T).base is None,
  np.shares_memory(np.squeeze(a[None]), a), np.shares_memory(np.expand_dims(a, 1), a), np.shares_memory(np.reshape(a, -1), a),
  np.shares_memory(np.transpose(a), a)]))`);
  const a = np.arange(12).reshape(3, 4);
  const got = [np.sharesMemory(np.ravel(a), a), np.sharesMemory(np.ravel(a.T), a), np.ravel(a.T).base === null,
    np.sharesMemory(np.squeeze(a.get([null])), a), np.sharesMemory(np.expandDims(a, 1), a), np.sharesMemory(np.reshape(a, -1), a),
    np.sharesMemory(np.transpose(a), a)];
  assert.deepEqual(got, want);
  np.expandDims(a, 0).set("0, 0, 0", 99);
  assert.equal(a.at(0, 0), 99, "a write through expand_dims' view shows in the base");
});

test("where (1 and 3 arguments), nonzero and clip agree with NumPy: broadcasting, value-based dtypes, NaN, None bounds, dtype", () => {
  runCases([
    ["np.where(x > 0, x, 0)", ({ x }) => np.where(x.gt(0), x, 0)], ["np.where(b, i, x)", ({ b, i, x }) => np.where(b, i, x)],
    ["np.where(b, u8[:5], 300)", ({ b, u8 }) => np.where(b, u8.get(":5"), 300)], ["np.where(b, u8[:5], -1)", ({ b, u8 }) => np.where(b, u8.get(":5"), -1)],
    ["np.where(b[0], f32[0, :1], 2.5)", ({ b, f32 }) => np.where(b.get(0), f32.get("0, :1"), 2.5)], ["np.where(b, 1, 2.5)", ({ b }) => np.where(b, 1, 2.5)],
    ["np.where(i, True, False)", ({ i }) => np.where(i, true, false)], ["np.where(xn, 1, 0)", ({ xn }) => np.where(xn, 1, 0)],
    ["np.where(b[:, :1], i, i[0])", ({ b, i }) => np.where(b.get(":, :1"), i, i.get(0))], ["np.where(b, i)", ({ b, i }) => (np.where as (...a: unknown[]) => unknown)(b, i)],
    ["np.where(b, x, np.zeros(3))", ({ b, x }) => np.where(b, x, np.zeros(3))],
    ["np.where(b)", ({ b }) => np.where(b)], ["np.where(i)", ({ i }) => np.where(i)], ["np.where(S > 1)", ({ S }) => np.where(S.gt(1))],
    ["np.nonzero(u8 > 100)", ({ u8 }) => np.nonzero(u8.gt(100))],
    ["np.clip(x, -0.5, 0.5)", ({ x }) => np.clip(x, -0.5, 0.5)], ["np.clip(i, None, 2)", ({ i }) => np.clip(i, null, 2)], ["np.clip(i, -1, None)", ({ i }) => np.clip(i, -1, null)],
    ["np.clip(i, None, None)", ({ i }) => np.clip(i, null, null)], ["np.clip(u8, 0, 300)", ({ u8 }) => np.clip(u8, 0, 300)],
    ["np.clip(u8, -1, 100)", ({ u8 }) => np.clip(u8, -1, 100)], ["np.clip(u8, 10, 100.5)", ({ u8 }) => np.clip(u8, 10, 100.5)],
    ["np.clip(f32, 0, 1)", ({ f32 }) => np.clip(f32, 0, 1)], ["np.clip(f32, 0, 1e40)", ({ f32 }) => np.clip(f32, 0, 1e40)],
    ["np.clip(xn, -0.2, 0.2)", ({ xn }) => np.clip(xn, -0.2, 0.2)], ["np.clip(x, 0, np.nan)", ({ x }) => np.clip(x, 0, NaN)],
    ["np.clip(x, None, np.nan)", ({ x }) => np.clip(x, null, NaN)], ["np.clip(x, None, xn[0])", ({ x, xn }) => np.clip(x, null, xn.get(0))],
    ["np.clip(x, np.nan, None)", ({ x }) => np.clip(x, NaN, null)], ["np.clip(x, np.nan, np.nan)", ({ x }) => np.clip(x, NaN, NaN)], ["np.clip(x, x[0], 0.5)", ({ x }) => np.clip(x, x.get(0), 0.5)],
    ["np.clip(x, xn[0], 0.5)", ({ x, xn }) => np.clip(x, xn.get(0), 0.5)], ["np.clip(i, 3, -3)", ({ i }) => np.clip(i, 3, -3)],
    ["np.clip(i, 0, 1, dtype='float32')", ({ i }) => np.clip(i, 0, 1, { dtype: "float32" })], ["np.clip(i, 0.5, 1.5, dtype='int64')", ({ i }) => np.clip(i, 0.5, 1.5, { dtype: "int64" })],
    ["np.clip(i, 0, 1, dtype='uint8')", ({ i }) => np.clip(i, 0, 1, { dtype: "uint8" })], ["np.clip(x, 0, 1, dtype='int64')", ({ x }) => np.clip(x, 0, 1, { dtype: "int64" })],
    ["np.clip(b, 0, 1)", ({ b }) => np.clip(b, 0, 1)], ["x.clip(-1, 1)", ({ x }) => x.clip(-1, 1)],
    ["np.isnan(xn)", ({ xn }) => np.isnan(xn)], ["np.isnan(i)", ({ i }) => np.isnan(i)], ["np.isnan(u8)", ({ u8 }) => np.isnan(u8)], ["np.isnan(b)", ({ b }) => np.isnan(b)],
  ]);
});

test("nansum, nanmean and cumsum agree with NumPy (axes, keepdims, all-NaN slices, dtypes)", () => {
  runCases([
    ["np.nansum(xn)", ({ xn }) => np.nansum(xn)], ["np.nansum(xn, axis=0)", ({ xn }) => np.nansum(xn, { axis: 0 })], ["np.nansum(xn, axis=1, keepdims=True)", ({ xn }) => np.nansum(xn, { axis: 1, keepdims: true })],
    ["np.nansum(i)", ({ i }) => np.nansum(i)], ["np.nansum(u8)", ({ u8 }) => np.nansum(u8)], ["np.nansum(np.full(3, np.nan))", () => np.nansum(np.full(3, NaN))],
    ["np.nanmean(xn)", ({ xn }) => np.nanmean(xn)], ["np.nanmean(xn, axis=0)", ({ xn }) => np.nanmean(xn, { axis: 0 })], ["np.nanmean(xn, axis=-1)", ({ xn }) => np.nanmean(xn, -1)],
    ["np.nanmean(i, axis=1)", ({ i }) => np.nanmean(i, 1)], ["np.nanmean(np.where(f32 > 0, f32, np.float32(np.nan)), axis=1)", ({ f32 }) => np.nanmean(np.where(f32.gt(0), f32, np.array(NaN, { dtype: "float32" })), 1)],
    ["np.nanmean(np.array([[np.nan, 1], [np.nan, 2]]), axis=0)", () => np.nanmean(np.array([[NaN, 1], [NaN, 2]]), { axis: 0 })], ["np.nanmean(np.full(2, np.nan))", () => np.nanmean(np.full(2, NaN))],
    ["np.cumsum(i)", ({ i }) => np.cumsum(i)], ["np.cumsum(i, axis=0)", ({ i }) => np.cumsum(i, { axis: 0 })], ["np.cumsum(i, axis=-1)", ({ i }) => np.cumsum(i, -1)],
    ["np.cumsum(x, axis=1)", ({ x }) => np.cumsum(x, 1)], ["np.cumsum(x.T, axis=0)", ({ x }) => np.cumsum(x.T, 0)], ["np.cumsum(f32)", ({ f32 }) => np.cumsum(f32)],
    ["np.cumsum(u8)", ({ u8 }) => np.cumsum(u8)], ["np.cumsum(b)", ({ b }) => np.cumsum(b)], ["np.cumsum(b, axis=0)", ({ b }) => np.cumsum(b, 0)],
    ["np.cumsum(u8, dtype='uint8')", ({ u8 }) => np.cumsum(u8, { dtype: "uint8" })], ["np.cumsum(x, dtype='float32')", ({ x }) => np.cumsum(x, { dtype: "float32" })],
    ["np.cumsum(x * 10, axis=0, dtype='int64')", ({ x }) => np.cumsum(x.mul(10), { axis: 0, dtype: "int64" })], ["np.cumsum(xn, axis=1)", ({ xn }) => np.cumsum(xn, 1)],
    ["np.cumsum(i, axis=2)", ({ i }) => np.cumsum(i, 2)], ["i.cumsum()", ({ i }) => i.cumsum()], ["np.cumprod(i[0] + 6)", ({ i }) => np.cumprod(i.get(0).add(6))],
  ]);
});

test("nanmean of an all-NaN slice prints NumPy's RuntimeWarning", async () => {
  await new Promise((r) => setImmediate(r)); // warnings show once per turn of the event loop
  const want = pythonJson<string[]>(`
import json, warnings, numpy as np
with warnings.catch_warnings(record=True) as w:
    warnings.simplefilter("always")
    np.nanmean(np.full(2, np.nan))
print(json.dumps([f"{x.category.__name__}: {x.message}" for x in w]))`);
  const before = runtimeWarnings.length;
  const logged: string[] = [];
  const warn = console.warn;
  console.warn = (m: string) => logged.push(m);
  try {
    assert.ok(Number.isNaN(np.nanmean(np.full(2, NaN)) as number));
    np.nanmean(np.array([1, NaN]));
  } finally {
    console.warn = warn;
  }
  assert.deepEqual(logged, want);
  assert.equal(runtimeWarnings.length - before, 1, "a slice with a value does not warn");
});

test("sort, argsort and unique agree with NumPy (axes, NaN last, stable ties, return_index/inverse/counts)", () => {
  runCases([
    ["np.sort(x)", ({ x }) => np.sort(x)], ["np.sort(x, axis=0)", ({ x }) => np.sort(x, { axis: 0 })], ["np.sort(x, axis=None)", ({ x }) => np.sort(x, null)],
    ["np.sort(xn)", ({ xn }) => np.sort(xn)], ["np.sort(xn, axis=0)", ({ xn }) => np.sort(xn, 0)], ["np.sort(i.T)", ({ i }) => np.sort(i.T)], ["np.sort(u8)", ({ u8 }) => np.sort(u8)],
    ["np.sort(f32, axis=-2)", ({ f32 }) => np.sort(f32, -2)], ["np.sort(b)", ({ b }) => np.sort(b)], ["np.sort(S, axis=1)", ({ S }) => np.sort(S, 1)],
    ["np.sort(x, axis=2)", ({ x }) => np.sort(x, 2)], ["np.sort(x, kind='bogus')", ({ x }) => np.sort(x, { kind: "bogus" as never })],
    ["np.argsort(x)", ({ x }) => np.argsort(x)], ["np.argsort(x, axis=0)", ({ x }) => np.argsort(x, 0)], ["np.argsort(x, axis=None)", ({ x }) => np.argsort(x, null)],
    ["np.argsort(xn, axis=0)", ({ xn }) => np.argsort(xn, 0)], ["np.argsort(t, kind='stable')", ({ t }) => np.argsort(t)], ["np.argsort(i, kind='stable')", ({ i }) => np.argsort(i)],
    ["np.argsort(i, axis=0, kind='stable')", ({ i }) => np.argsort(i, { axis: 0, kind: "stable" })], ["x.argsort()", ({ x }) => x.argsort()],
    ["np.unique(t)", ({ t }) => np.unique(t)], ["np.unique(i)", ({ i }) => np.unique(i)], ["np.unique(u8)", ({ u8 }) => np.unique(u8)], ["np.unique(b)", ({ b }) => np.unique(b)],
    ["np.unique(np.where(xn > 0, 1.5, xn))", ({ xn }) => np.unique(np.where(xn.gt(0), 1.5, xn))],
    ["np.unique(np.where(xn > 0, 1.5, xn), equal_nan=False)", ({ xn }) => np.unique(np.where(xn.gt(0), 1.5, xn), { equalNan: false })],
    ["np.unique(t, return_counts=True)", ({ t }) => np.unique(t, { returnCounts: true })],
    ["np.unique(i, return_index=True, return_inverse=True, return_counts=True)", ({ i }) => np.unique(i, { returnIndex: true, returnInverse: true, returnCounts: true })],
    ["np.unique(np.where(xn > 0, 1.5, xn), return_index=True, return_inverse=True, return_counts=True)", ({ xn }) => np.unique(np.where(xn.gt(0), 1.5, xn), { returnIndex: true, returnInverse: true, returnCounts: true })],
    ["np.unique(np.zeros(0))", () => np.unique(np.zeros(0))], ["np.unique([[3, 1], [1, 2]], return_inverse=True)", () => np.unique([[3, 1], [1, 2]], { returnInverse: true })],
  ]);
  const a = np.array([3, NaN, 1, 2]);
  a.sort();
  assert.deepEqual(a.tolist(), [1, 2, 3, NaN], "a.sort() sorts in place");
});

test("allclose, isclose and array_equal agree with NumPy (tolerances, broadcasting, NaN, infinities, shapes)", () => {
  runCases([
    ["np.allclose(x, x + 1e-9)", ({ x }) => np.allclose(x, x.add(1e-9))], ["np.allclose(x, x + 1e-3)", ({ x }) => np.allclose(x, x.add(1e-3))],
    ["np.allclose(x, x * (1 + 1e-6))", ({ x }) => np.allclose(x, x.mul(1 + 1e-6))], ["np.allclose(x, x + 1e-3, rtol=0, atol=1e-2)", ({ x }) => np.allclose(x, x.add(1e-3), { rtol: 0, atol: 1e-2 })],
    ["np.allclose(xn, xn)", ({ xn }) => np.allclose(xn, xn)], ["np.allclose(xn, xn, equal_nan=True)", ({ xn }) => np.allclose(xn, xn, { equalNan: true })],
    ["np.allclose(i, i.astype(np.float32))", ({ i }) => np.allclose(i, i.astype("float32"))], ["np.allclose(x, x[0])", ({ x }) => np.allclose(x, x.get(0))],
    ["np.allclose(x, np.zeros(3))", ({ x }) => np.allclose(x, np.zeros(3))], ["np.allclose(np.array([np.inf, 1]), np.array([np.inf, 1]))", () => np.allclose(np.array([Infinity, 1]), np.array([Infinity, 1]))],
    ["np.allclose(np.array([np.inf, 1]), np.array([-np.inf, 1]))", () => np.allclose(np.array([Infinity, 1]), np.array([-Infinity, 1]))],
    ["np.allclose(f32, f32.astype(np.float64) + 1e-7)", ({ f32 }) => np.allclose(f32, f32.astype("float64").add(1e-7))],
    ["np.isclose(x, x + np.array([0, 1e-9, 1e-3, 1, 0]))", ({ x }) => np.isclose(x, x.add(np.array([0, 1e-9, 1e-3, 1, 0])))],
    ["np.isclose(xn, xn, equal_nan=True)", ({ xn }) => np.isclose(xn, xn, { equalNan: true })], ["np.isclose(f32, 0.5, atol=0.3)", ({ f32 }) => np.isclose(f32, 0.5, { atol: 0.3 })],
    ["np.array_equal(i, i.copy())", ({ i }) => np.arrayEqual(i, i.copy())], ["np.array_equal(i, i.astype(float))", ({ i }) => np.arrayEqual(i, i.astype("float64"))],
    ["np.array_equal(i, i[None])", ({ i }) => np.arrayEqual(i, i.get([null]))], ["np.array_equal(i, i.T)", ({ i }) => np.arrayEqual(i, i.T)],
    ["np.array_equal(xn, xn)", ({ xn }) => np.arrayEqual(xn, xn)], ["np.array_equal(xn, xn, equal_nan=True)", ({ xn }) => np.arrayEqual(xn, xn, { equalNan: true })],
    ["np.array_equal(x, xn, equal_nan=True)", ({ x, xn }) => np.arrayEqual(x, xn, { equalNan: true })], ["np.array_equal([1, 2], [1, 2])", () => np.arrayEqual([1, 2], [1, 2])],
    ["np.array_equal(u8, u8.astype(np.int64) + 256)", ({ u8 }) => np.arrayEqual(u8, u8.astype("int64").add(256))],
  ]);
});

test("dot and matmul: integer, bool and shape cases agree with NumPy exactly, error messages included", () => {
  runCases([
    ["np.dot(Ai, Bi)", ({ Ai, Bi }) => np.dot(Ai, Bi)], ["Ai.dot(Bi)", ({ Ai, Bi }) => Ai.dot(Bi)], ["np.matmul(Ai, Bi)", ({ Ai, Bi }) => np.matmul(Ai, Bi)],
    ["np.dot(Ai, Bi[:, 0])", ({ Ai, Bi }) => np.dot(Ai, Bi.get(":, 0"))], ["np.dot(Ai[0], Bi)", ({ Ai, Bi }) => np.dot(Ai.get(0), Bi)], ["np.dot(Ai[0], Ai[1])", ({ Ai }) => np.dot(Ai.get(0), Ai.get(1))],
    ["np.dot(Ai.T[:5], Ai[:, :2])", ({ Ai }) => np.dot(Ai.T.get(":5"), Ai.get(":, :2"))], ["np.dot(A8, B8)", ({ A8, B8 }) => np.dot(A8, B8)], ["np.matmul(A8, B8)", ({ A8, B8 }) => np.matmul(A8, B8)],
    ["np.dot(A8, B8.astype(np.uint8))", ({ A8, B8 }) => np.dot(A8, B8.astype("uint8"))], ["np.dot(A8.astype(np.int32) * 70000, B8.astype(np.int32))", ({ A8, B8 }) => np.dot(A8.astype("int32").mul(70000), B8.astype("int32"))],
    ["np.dot(Ai * 10**6, Bi * 10**6)", ({ Ai, Bi }) => np.dot(Ai.mul(10 ** 6), Bi.mul(10 ** 6))], ["np.dot(b, b.T)", ({ b }) => np.dot(b, b.T)], ["np.dot(b[0], b[1])", ({ b }) => np.dot(b.get(0), b.get(1))],
    ["np.dot(Ai, 2)", ({ Ai }) => np.dot(Ai, 2)], ["np.dot(3, 4)", () => np.dot(3, 4)], ["np.dot(Ai, Ai)", ({ Ai }) => np.dot(Ai, Ai)], ["np.dot(Ai, Bi[0])", ({ Ai, Bi }) => np.dot(Ai, Bi.get(0))],
    ["np.dot(Ai[0], Bi.T)", ({ Ai, Bi }) => np.dot(Ai.get(0), Bi.T)], ["np.dot(Ai[0], Bi[0])", ({ Ai, Bi }) => np.dot(Ai.get(0), Bi.get(0))],
    ["np.dot(np.zeros((2, 3)), np.zeros((2, 3)))", () => np.dot(np.zeros([2, 3]), np.zeros([2, 3]))], ["np.dot(np.zeros((2, 0)), np.zeros((0, 3)))", () => np.dot(np.zeros([2, 0]), np.zeros([0, 3]))],
    ["np.dot(np.arange(24).reshape(2, 3, 4), np.arange(8).reshape(4, 2))", () => np.dot(np.arange(24).reshape(2, 3, 4), np.arange(8).reshape(4, 2))],
    ["np.dot(np.arange(6).reshape(2, 3), np.arange(24).reshape(2, 3, 4))", () => np.dot(np.arange(6).reshape(2, 3), np.arange(24).reshape(2, 3, 4))],
    ["np.matmul(Ai, Ai)", ({ Ai }) => np.matmul(Ai, Ai)], ["np.matmul(Ai, 2)", ({ Ai }) => np.matmul(Ai, 2)], ["np.matmul(2, Ai)", ({ Ai }) => np.matmul(2, Ai)],
    ["np.matmul(Ai[0], Bi)", ({ Ai, Bi }) => np.matmul(Ai.get(0), Bi)], ["np.matmul(Ai, Bi[:, 0])", ({ Ai, Bi }) => np.matmul(Ai, Bi.get(":, 0"))], ["np.matmul(Ai[0], Ai[1])", ({ Ai }) => np.matmul(Ai.get(0), Ai.get(1))],
    ["np.matmul(np.arange(24).reshape(2, 3, 4), np.arange(8).reshape(4, 2))", () => np.matmul(np.arange(24).reshape(2, 3, 4), np.arange(8).reshape(4, 2))],
    ["np.matmul(np.arange(24).reshape(2, 1, 3, 4), np.arange(24).reshape(3, 4, 2))", () => np.matmul(np.arange(24).reshape(2, 1, 3, 4), np.arange(24).reshape(3, 4, 2))],
    ["np.matmul(Ai[0], Bi[0])", ({ Ai, Bi }) => np.matmul(Ai.get(0), Bi.get(0))],
  ]);
});

test("dot and matmul of floats agree with NumPy's BLAS within the rounding bound of a k-term sum", () => {
  // Each element is a sum of k products. NumPy's BLAS adds them in another order (SIMD lanes,
  // blocks, fused multiply-adds), so the two results may differ in the last bits; both lie
  // within k·u·Σ|a·b| of the exact value (u = 2**-53; 2**-24 for float32), so they differ by at
  // most twice that. Values, dtypes and shapes are compared; reprs of these rounded values are not.
  type Pair = { value: number[] | number; bound: number[] | number; dtype: string; shape: number[]; k: number };
  const exprs: [string, string, string, number, (inp: ReturnType<typeof ourInputs>) => NDArray | number | boolean][] = [
    ["np.dot(A, B)", "np.abs(A) @ np.abs(B)", "float64", 40, ({ A, B }) => np.dot(A, B)], ["np.matmul(A, B)", "np.abs(A) @ np.abs(B)", "float64", 40, ({ A, B }) => np.matmul(A, B)],
    ["np.dot(A, v)", "np.abs(A) @ np.abs(v)", "float64", 40, ({ A, v }) => np.dot(A, v)], ["np.dot(v, B)", "np.abs(v) @ np.abs(B)", "float64", 40, ({ v, B }) => np.dot(v, B)],
    ["np.dot(v, v)", "np.abs(v) @ np.abs(v)", "float64", 40, ({ v }) => np.dot(v, v)], ["A.dot(A.T)", "np.abs(A) @ np.abs(A.T)", "float64", 40, ({ A }) => A.dot(A.T)],
    ["np.dot(B.T, A.T)", "np.abs(B.T) @ np.abs(A.T)", "float64", 40, ({ A, B }) => np.dot(B.T, A.T)], ["np.dot(A[::2, ::3], B[::3])", "np.abs(A[::2, ::3]) @ np.abs(B[::3])", "float64", 14, ({ A, B }) => np.dot(A.get("::2, ::3"), B.get("::3"))],
    ["np.dot(A, np.concatenate([Bi[:, :1]] * 5)[:40])", "np.abs(A) @ np.abs(np.concatenate([Bi[:, :1]] * 5)[:40])", "float64", 40, ({ A, Bi }) => np.dot(A, np.concatenate(Array(5).fill(Bi.get(":, :1"))).get(":40"))],
    ["np.dot(f32, f32.T)", "np.abs(f32) @ np.abs(f32.T)", "float32", 4, ({ f32 }) => np.dot(f32, f32.T)], ["np.matmul(f32.T, f32)", "np.abs(f32.T) @ np.abs(f32)", "float32", 3, ({ f32 }) => np.matmul(f32.T, f32)],
    ["np.dot(f32, f32[0].astype(np.float64))", "np.abs(f32) @ np.abs(f32[0].astype(np.float64))", "float64", 4, ({ f32 }) => np.dot(f32, f32.get(0).astype("float64"))],
  ];
  const py = pythonJson<Pair[]>(`${PY_INPUTS}
def val(r): return r.tolist() if isinstance(r, np.ndarray) else float(r)
out = []
for e, b in json.loads(input()):
    r = eval(e)
    out.append({"value": val(r), "bound": val(eval(b)), "dtype": str(np.asarray(r).dtype), "shape": list(np.shape(r))})
print(json.dumps(out))`, JSON.stringify(exprs.map((e) => [e[0], e[1]])));
  const inp = ourInputs();
  let worst = 0;
  exprs.forEach(([expr, , dtype, k, f], n) => {
    const want = py[n];
    const got = f(inp);
    const gotVals = typeof got === "number" ? [got] : ((got as NDArray).ravel().tolist() as number[]);
    const wantVals = typeof want.value === "number" ? [want.value] : (np.array(want.value as never).ravel().tolist() as number[]);
    const bounds = typeof want.bound === "number" ? [want.bound] : (np.array(want.bound as never).ravel().tolist() as number[]);
    assert.equal(typeof got === "number" ? "float64" : (got as NDArray).dtype, want.dtype, `${expr}: dtype`);
    assert.equal(dtype, want.dtype, `${expr}: the expected dtype`);
    assert.deepEqual(typeof got === "number" ? [] : (got as NDArray).shape, want.shape, `${expr}: shape`);
    const u = dtype === "float32" ? 2 ** -24 : 2 ** -53;
    gotVals.forEach((g, j) => {
      const tol = 2 * k * u * bounds[j];
      const diff = Math.abs(g - wantVals[j]);
      worst = Math.max(worst, diff / (k * u * bounds[j]));
      assert.ok(diff <= tol, `${expr}[${j}]: ${g} vs NumPy ${wantVals[j]}: |diff| ${diff} > ${tol}`);
    });
  });
  // Large enough to have been measured, small enough to mean the bound is not loose: reported in docs.
  console.log(`dot/matmul: largest difference from NumPy = ${worst.toFixed(3)} × k·u·Σ|a·b|`);
});

test("integer results are never -0, as NumPy's integers cannot be (int64 and uint64 are stored as doubles): products, negation, remainders, floor division, casts, prod and cumprod", () => {
  // A -0 in an int64 array showed as -0 in tolist() and at(), as -0. after astype(float64), and
  // as -inf from 1 / x; each case is also cast to float64 and divided into 1, where NumPy's
  // zeros give +inf. The values are compared with Object.is semantics (assert.deepEqual).
  const cases: [string, (inp: Inputs) => NDArray | number][] = [
    ["i * 0", ({ i }) => i.mul(0)], ["-(i * 0)", ({ i }) => i.mul(0).neg()], ["-np.zeros(3, np.int64)", () => np.zeros(3, { dtype: "int64" }).neg()],
    ["np.mod(i, 1)", ({ i }) => np.mod(i, 1)], ["np.mod(i, -1)", ({ i }) => np.mod(i, -1)], ["np.floor_divide(i * 0, -3)", ({ i }) => np.floordiv(i.mul(0), -3)],
    ["(x / 4).astype(np.int64)", ({ x }) => x.div(4).astype("int64")], ["(x / 4).astype(np.uint64)", ({ x }) => x.div(4).astype("uint64")],
    ["np.prod(i, axis=1)", ({ i }) => np.prod(i, 1) as NDArray], ["np.prod(i[:, :1] * 0 - 1)", ({ i }) => np.prod(i.get(":, :1").mul(0).sub(1)) as number],
    ["np.prod(np.array([-3, 0]))", () => np.prod(np.array([-3, 0])) as number], ["np.cumprod(np.array([-3, 0, 2]))", () => np.cumprod(np.array([-3, 0, 2]))],
    ["np.cumprod(np.array([-3., 0., 2.]))", () => np.cumprod(np.array([-3, 0, 2], { dtype: "float64" }))],
    ["np.array([-1.5]) * 0", () => np.array([-1.5]).mul(0)],
  ];
  runCases(cases.flatMap(([py, f]): [string, (inp: Inputs) => unknown][] => [
    [py, f],
    [`1 / np.asarray(${py}).astype(np.float64).reshape(-1)`, (inp) => np.div(1, np.asarray(f(inp) as NDArray).astype("float64").reshape(-1))],
  ]));
});

test("ufuncs agree with NumPy on broadcasting errors, on which out arrays they write into, and on the dtypes of float-only ufuncs over integers", () => {
  runCases([
    ["x + np.zeros(4)", ({ x }) => x.add(np.zeros(4))], ["np.multiply(S, x)", ({ S, x }) => np.mul(S, x)],
    ["np.add(x, 1, out=np.zeros((4, 5), np.int64))", ({ x }) => np.add(x, 1, np.zeros([4, 5], { dtype: "int64" }))],
    ["np.add(i, 1, out=np.zeros((4, 5)))", ({ i }) => np.add(i, 1, np.zeros([4, 5]))],
    ["np.add(i, 1, out=np.zeros((4, 5), np.int8))", ({ i }) => np.add(i, 1, np.zeros([4, 5], { dtype: "int8" }))],
    ["np.add(i, 1, out=np.zeros((4, 5), np.uint8))", ({ i }) => np.add(i, 1, np.zeros([4, 5], { dtype: "uint8" }))],
    ["np.sqrt(x, out=np.zeros((4, 5), np.int64))", ({ x }) => np.sqrt(x, np.zeros([4, 5], { dtype: "int64" }))],
    ["np.sqrt(x, out=np.zeros((4, 5), np.float32))", ({ x }) => np.sqrt(x, np.zeros([4, 5], { dtype: "float32" }))],
    ["np.floor(i)", ({ i }) => np.floor(i)], ["np.ceil(i16)", ({ i16 }) => np.ceil(i16)], ["np.floor(f32)", ({ f32 }) => np.floor(f32)],
    ["np.sqrt(np.abs(i16))", ({ i16 }) => np.sqrt(np.abs(i16))],
  ]);
  // Their values are float32's own functions in NumPy (within an ulp of these, docs/porting.md); the dtypes must agree.
  const dtypes = "[str(f(a).dtype) for f in (np.sin, np.cos, np.exp, np.log, np.sqrt, np.floor, np.ceil) for a in (i16, i16.astype(np.uint16), i, i.astype(np.int32), f32)]";
  const want = pythonJson<string[]>(`${PY_INPUTS}\nprint(json.dumps(${dtypes}))`);
  const { i16, i, f32 } = ourInputs();
  const got = [np.sin, np.cos, np.exp, np.log, np.sqrt, np.floor, np.ceil].flatMap((f) => [i16, i16.astype("uint16"), i, i.astype("int32"), f32].map((a) => f(a).dtype));
  assert.deepEqual(got, want);
});

test("bad input gets clear errors naming what is allowed", () => {
  assert.throws(() => np.clip(np.zeros(2), null, null), { name: "ValueError", message: "One of max or min must be given" });
  assert.throws(() => np.sort(np.zeros(2), { kind: "bubble" as never }), /sort kind must be one of 'quick', 'heap', or 'stable' \(got 'bubble'\)/);
  assert.throws(() => np.squeeze(np.zeros([2, 1]), { axis: 0 }), { name: "ValueError", message: "cannot select an axis to squeeze out which has size not equal to one" });
  assert.throws(() => np.expandDims(np.zeros(2), 1.5), /axis must be an integer, got 1.5/);
  assert.throws(() => np.cumsum(np.zeros(2), { dtype: "complex64" as never }), /unsupported dtype "complex64"; expected one of float64/);
  assert.throws(() => np.unique(np.zeros(2), 3 as never), /options must be an object like \{ returnCounts: true \}/);
  assert.throws(() => np.sort(np.array(3)), /cannot sort a 0-d array/);
  assert.throws(() => np.reshape(np.zeros(4), "2" as never), /newshape must be a number or a list of numbers/);
});
