/**
 * The second set of NumPy functions against Debian's NumPy 1.24: elementwise maximum … rad2deg
 * and round, the array builders (eye … repeat), flip and outer. Every expected value is
 * NumPy's, computed at test time from the same seeded inputs (test/numpy-cases.ts).
 *
 * Exact functions are compared bit for bit (values, -0.0 included, dtypes, shapes, reprs,
 * error types and messages). The transcendental ones (log10 … tanh, arctan2) are NumPy's own
 * SIMD (SVML) loops on AVX-512 CPUs, whose bits V8's Math functions do not reproduce: their
 * dtypes, shapes and reprs are compared exactly and their values within the number of ulps in
 * ULPS, the largest difference measured (the test prints what it measures).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { np } from "../lib";
import type { NDArray } from "../lib/np";
import { SHARED_MIN_BYTES } from "../lib/np/dtype";
import { pythonJson } from "./oracle";
import { compare, compareUlps, encode, hexFloats, ourInputs, ours, PY_INPUTS, PY_RUN, runCases, runUlpCases, withinUlps, type Enc, type Inputs } from "./numpy-cases";

type Case = [string, (inp: Inputs) => unknown];

test("the inputs added for these tests are NumPy's draws (w, w32, i16) and values (sp)", () => {
  const want = pythonJson<Enc[]>(PY_INPUTS + PY_RUN, JSON.stringify(["w", "w32", "i16", "sp", "x", "b"]));
  const inp = ourInputs();
  [inp.w, inp.w32, inp.i16, inp.sp, inp.x, inp.b].forEach((a, k) => compare(encode(a), want[k], `input ${k}`));
});

test("maximum, minimum, fmax and fmin agree with NumPy bit for bit: NaN propagated or ignored, signed zeros, dtypes (bool, uint8 with scalars, mixed), broadcasting, views, out", () => {
  runCases([
    ["np.maximum(x, xn)", ({ x, xn }) => np.maximum(x, xn)], ["np.minimum(xn, x)", ({ x, xn }) => np.minimum(xn, x)],
    ["np.fmax(xn, x)", ({ x, xn }) => np.fmax(xn, x)], ["np.fmin(x, xn)", ({ x, xn }) => np.fmin(x, xn)],
    ["np.maximum(xn, np.nan)", ({ xn }) => np.maximum(xn, NaN)], ["np.fmax(xn, np.nan)", ({ xn }) => np.fmax(xn, NaN)], ["np.fmin(np.nan, xn)", ({ xn }) => np.fmin(NaN, xn)],
    ["np.maximum(sp, -sp)", ({ sp }) => np.maximum(sp, sp.neg())], ["np.maximum(-sp, sp)", ({ sp }) => np.maximum(sp.neg(), sp)],
    ["np.minimum(sp, -sp)", ({ sp }) => np.minimum(sp, sp.neg())], ["np.minimum(-sp, sp)", ({ sp }) => np.minimum(sp.neg(), sp)],
    ["np.fmax(sp, -sp)", ({ sp }) => np.fmax(sp, sp.neg())], ["np.fmin(-sp, sp)", ({ sp }) => np.fmin(sp.neg(), sp)],
    ["np.maximum(sp, -0.0)", ({ sp }) => np.maximum(sp, -0)], ["np.minimum(-0.0, sp)", ({ sp }) => np.minimum(-0, sp)], ["np.fmax(sp, 0.0)", ({ sp }) => np.fmax(sp, 0)],
    ["np.maximum(u8, 300)", ({ u8 }) => np.maximum(u8, 300)], ["np.maximum(u8, -1)", ({ u8 }) => np.maximum(u8, -1)], ["np.minimum(u8, 2.5)", ({ u8 }) => np.minimum(u8, 2.5)],
    ["np.minimum(u8, 100)", ({ u8 }) => np.minimum(u8, 100)], ["np.fmax(u8, u8[::-1])", ({ u8 }) => np.fmax(u8, u8.get("::-1"))],
    ["np.maximum(b, b[::-1])", ({ b }) => np.maximum(b, b.get("::-1"))], ["np.minimum(b, b[:, ::-1])", ({ b }) => np.minimum(b, b.get(":, ::-1"))],
    ["np.maximum(b, 1)", ({ b }) => np.maximum(b, 1)], ["np.fmin(b, True)", ({ b }) => np.fmin(b, true)], ["np.maximum(b, 0.5)", ({ b }) => np.maximum(b, 0.5)],
    ["np.maximum(i, u8[:5])", ({ i, u8 }) => np.maximum(i, u8.get(":5"))], ["np.minimum(i, x)", ({ i, x }) => np.minimum(i, x)],
    ["np.fmax(i16[:6], u8)", ({ i16, u8 }) => np.fmax(i16.get(":6"), u8)], ["np.minimum(f32, i16[:4])", ({ f32, i16 }) => np.minimum(f32, i16.get(":4"))],
    ["np.maximum(f32, 0.1)", ({ f32 }) => np.maximum(f32, 0.1)], ["np.maximum(f32, 1e40)", ({ f32 }) => np.maximum(f32, 1e40)],
    ["np.maximum(f32, np.array(0.1))", ({ f32 }) => np.maximum(f32, np.array(0.1))], ["f32 + np.array(0.1)", ({ f32 }) => f32.add(np.array(0.1))],
    ["np.array(0.1) * w32", ({ w32 }) => np.mul(np.array(0.1), w32)], ["np.fmin(f32, np.float32(np.nan))", ({ f32 }) => np.fmin(f32, np.array(NaN, { dtype: "float32" }))],
    ["np.maximum(S, x[0, :4])", ({ S, x }) => np.maximum(S, x.get("0, :4"))], ["np.minimum(x[:, :1], x[0])", ({ x }) => np.minimum(x.get(":, :1"), x.get(0))],
    ["np.maximum(x.T, 0)", ({ x }) => np.maximum(x.T, 0)], ["np.fmin(x[::-2, 1::2], xn[1::2, 1::2])", ({ x, xn }) => np.fmin(x.get("::-2, 1::2"), xn.get("1::2, 1::2"))],
    ["np.maximum([1, 5, 3], [4, 2, 6])", () => np.maximum([1, 5, 3], [4, 2, 6])], ["np.asarray(np.maximum(2, 3.5))", () => np.maximum(2, 3.5)],
    ["np.maximum(x, 0, out=np.zeros((4, 5)))", ({ x }) => np.maximum(x, 0, np.zeros([4, 5]))],
    ["np.minimum(i, 2, out=np.zeros((4, 5)))", ({ i }) => np.minimum(i, 2, np.zeros([4, 5]))],
    ["np.fmax(x, xn, out=np.zeros((4, 5), np.float32))", ({ x, xn }) => np.fmax(x, xn, np.zeros([4, 5], { dtype: "float32" }))],
  ]);
});

test("sign, isinf, isfinite, trunc and rint agree with NumPy bit for bit (halves to even, -0.0, NaN, inf; integer input gives floats for trunc/rint; sign refuses bool)", () => {
  runCases([
    ["np.sign(x)", ({ x }) => np.sign(x)], ["np.sign(sp)", ({ sp }) => np.sign(sp)], ["np.sign(xn)", ({ xn }) => np.sign(xn)], ["np.sign(i)", ({ i }) => np.sign(i)],
    ["np.sign(u8)", ({ u8 }) => np.sign(u8)], ["np.sign(f32)", ({ f32 }) => np.sign(f32)], ["np.sign(i16)", ({ i16 }) => np.sign(i16)], ["np.sign(A8)", ({ A8 }) => np.sign(A8)],
    ["np.sign(b)", ({ b }) => np.sign(b)], ["np.sign(x.T)", ({ x }) => np.sign(x.T)], ["np.asarray(np.sign(-3))", () => np.sign(-3)], ["np.sign([-0.5, 2])", () => np.sign([-0.5, 2])],
    ["np.isinf(sp)", ({ sp }) => np.isinf(sp)], ["np.isfinite(sp)", ({ sp }) => np.isfinite(sp)], ["np.isinf(xn)", ({ xn }) => np.isinf(xn)], ["np.isfinite(xn)", ({ xn }) => np.isfinite(xn)],
    ["np.isinf(i)", ({ i }) => np.isinf(i)], ["np.isfinite(u8)", ({ u8 }) => np.isfinite(u8)], ["np.isfinite(b)", ({ b }) => np.isfinite(b)], ["np.isinf(b)", ({ b }) => np.isinf(b)],
    ["np.isinf(f32 * 1e38)", ({ f32 }) => np.isinf(f32.mul(1e38))], ["np.isfinite(f32 * 1e38)", ({ f32 }) => np.isfinite(f32.mul(1e38))],
    ["np.trunc(sp)", ({ sp }) => np.trunc(sp)], ["np.trunc(x * 3)", ({ x }) => np.trunc(x.mul(3))], ["np.trunc(f32 * 3)", ({ f32 }) => np.trunc(f32.mul(3))],
    ["np.trunc(w)", ({ w }) => np.trunc(w)], ["np.trunc(i)", ({ i }) => np.trunc(i)], ["np.trunc(i16)", ({ i16 }) => np.trunc(i16)], ["np.trunc(xn)", ({ xn }) => np.trunc(xn)],
    ["np.rint(sp)", ({ sp }) => np.rint(sp)], ["np.rint(x * 3)", ({ x }) => np.rint(x.mul(3))], ["np.rint(w)", ({ w }) => np.rint(w)], ["np.rint(w32 * 7)", ({ w32 }) => np.rint(w32.mul(7))],
    ["np.rint(np.arange(-6, 6) + 0.5)", () => np.rint(np.arange(-6, 6).add(0.5))], ["np.rint(f32 * 3)", ({ f32 }) => np.rint(f32.mul(3))],
    ["np.rint(i)", ({ i }) => np.rint(i)], ["np.rint(i16)", ({ i16 }) => np.rint(i16)], ["np.rint(x.T[::-1] * 2)", ({ x }) => np.rint(x.T.get("::-1").mul(2))],
    ["np.rint(x, out=np.zeros((4, 5), np.float32))", ({ x }) => np.rint(x, np.zeros([4, 5], { dtype: "float32" }))],
    ["np.sign(x, out=np.zeros((4, 5)))", ({ x }) => np.sign(x, np.zeros([4, 5]))], ["np.isinf(sp, out=np.zeros(16, bool))", ({ sp }) => np.isinf(sp, np.zeros(16, { dtype: "bool" }))],
  ]);
});

test("round and around agree with NumPy bit for bit: positive, zero and negative decimals, float32 (in float32), integers (the same array, or rounded in float64 and cast back, wrapping), beyond 1e22 and float32's range, out, errors", () => {
  runCases([
    ["np.round(x, 2)", ({ x }) => np.round(x, 2)], ["np.round(x)", ({ x }) => np.round(x)], ["np.round(x, decimals=1)", ({ x }) => np.round(x, { decimals: 1 })],
    ["np.around(x, 3)", ({ x }) => np.around(x, 3)], ["np.round(x * 1000, -2)", ({ x }) => np.round(x.mul(1000), -2)], ["np.round(w, 3)", ({ w }) => np.round(w, 3)],
    ["np.round(w * 10**5, -3)", ({ w }) => np.round(w.mul(10 ** 5), -3)], ["np.round(w, 12)", ({ w }) => np.round(w, 12)], ["np.round(w, 25)", ({ w }) => np.round(w, 25)],
    ["np.round(w32, 3)", ({ w32 }) => np.round(w32, 3)], ["np.round(w32, 6)", ({ w32 }) => np.round(w32, 6)], ["np.round(w32, 11)", ({ w32 }) => np.round(w32, 11)],
    ["np.round(w32 * 1000, -2)", ({ w32 }) => np.round(w32.mul(1000), -2)], ["np.round(w32, 40)", ({ w32 }) => np.round(w32, 40)], ["np.round(f32, 2)", ({ f32 }) => np.round(f32, 2)],
    ["np.round(sp)", ({ sp }) => np.round(sp)], ["np.round(sp, 1)", ({ sp }) => np.round(sp, 1)], ["np.round(sp, -1)", ({ sp }) => np.round(sp, -1)],
    ["np.round(np.arange(-6, 6) + 0.5)", () => np.round(np.arange(-6, 6).add(0.5))], ["np.round(np.arange(-6, 6) * 5 + 0.25, 1)", () => np.round(np.arange(-6, 6).mul(5).add(0.25), 1)],
    ["np.round(x, 400)", ({ x }) => np.round(x, 400)], ["np.round(x, -400)", ({ x }) => np.round(x, -400)], ["np.round(x.T[::2], 1)", ({ x }) => np.round(x.T.get("::2"), 1)],
    ["np.round(i, 2)", ({ i }) => np.round(i, 2)], ["np.round(i, -1)", ({ i }) => np.round(i, -1)], ["np.round(i * 37, -2)", ({ i }) => np.round(i.mul(37), -2)],
    ["np.round(u8, -1)", ({ u8 }) => np.round(u8, -1)], ["np.round(u8, -2)", ({ u8 }) => np.round(u8, -2)], ["np.round(i16, -2)", ({ i16 }) => np.round(i16, -2)],
    ["np.round(np.array([125, -125, 127, -128, 15, 25], np.int8), -1)", () => np.round(np.array([125, -125, 127, -128, 15, 25], { dtype: "int8" }), -1)],
    ["np.round(Ai, -3)", ({ Ai }) => np.round(Ai, -3)], ["np.round(i.T, -1)", ({ i }) => np.round(i.T, -1)],
    ["np.asarray(np.round(0.285, 2))", () => np.round(0.285, 2)], ["np.round([0.285, 2.5, 3.5], 2)", () => np.round([0.285, 2.5, 3.5], 2)],
    ["np.round(b, 1)", ({ b }) => np.round(b, 1)], ["np.round(b, -1)", ({ b }) => np.round(b, -1)], ["np.round(x, 1.5)", ({ x }) => np.round(x, 1.5)],
    ["np.round(x, 2, out=np.zeros(3))", ({ x }) => np.round(x, 2, np.zeros(3))], ["np.round(x, 2, out=np.zeros((4, 5), np.float32))", ({ x }) => np.round(x, 2, np.zeros([4, 5], { dtype: "float32" }))],
    ["np.round(f32, 2, out=np.zeros((3, 4)))", ({ f32 }) => np.round(f32, 2, np.zeros([3, 4]))], ["np.round(i, -1, out=np.zeros((4, 5)))", ({ i }) => np.round(i, -1, np.zeros([4, 5]))],
    ["np.round(i, 1, out=np.zeros((4, 5)))", ({ i }) => np.round(i, { decimals: 1, out: np.zeros([4, 5]) })], ["np.round(x, 0, out=np.zeros((4, 5), np.float32))", ({ x }) => np.round(x, 0, np.zeros([4, 5], { dtype: "float32" }))],
    ["np.round(x, 1, out=np.zeros((4, 5), np.int64))", ({ x }) => np.round(x, 1, np.zeros([4, 5], { dtype: "int64" }))],
    ["np.round(f32, 1, out=np.zeros((3, 4), np.int32))", ({ f32 }) => np.round(f32, 1, np.zeros([3, 4], { dtype: "int32" }))],
    ["np.round(i, -1, out=np.zeros((4, 5), np.int64))", ({ i }) => np.round(i, -1, np.zeros([4, 5], { dtype: "int64" }))],
  ]);
  const want = pythonJson<boolean[]>(`${PY_INPUTS}
o = np.zeros((4, 5)); o2 = np.zeros((4, 5))
print(json.dumps([np.round(i) is i, np.around(i, 3) is i, np.round(i, 1, out=o) is o, np.round(x, 2, out=o2) is o2, np.round(x) is x]))`);
  const { i, x } = ourInputs();
  const o = np.zeros([4, 5]);
  const o2 = np.zeros([4, 5]);
  assert.deepEqual([np.round(i) === i, np.around(i, 3) === i, np.round(i, 1, o) === o, np.round(x, 2, o2) === o2, np.round(x) === x], want, "which results are the input or out itself");
});

test("deg2rad, rad2deg and hypot agree with NumPy bit for bit (float64 and float32; hypot's scaled paths for huge and tiny values, inf beside NaN)", () => {
  runCases([
    ["np.deg2rad(w * 36)", ({ w }) => np.deg2rad(w.mul(36))], ["np.rad2deg(w)", ({ w }) => np.rad2deg(w)], ["np.deg2rad(w32 * 36)", ({ w32 }) => np.deg2rad(w32.mul(36))],
    ["np.rad2deg(w32)", ({ w32 }) => np.rad2deg(w32)], ["np.deg2rad(i)", ({ i }) => np.deg2rad(i)], ["np.deg2rad(i16)", ({ i16 }) => np.deg2rad(i16)], ["np.rad2deg(i16)", ({ i16 }) => np.rad2deg(i16)],
    ["np.rad2deg(sp)", ({ sp }) => np.rad2deg(sp)], ["np.deg2rad(sp)", ({ sp }) => np.deg2rad(sp)], ["np.deg2rad(f32)", ({ f32 }) => np.deg2rad(f32)], ["np.rad2deg(x.T)", ({ x }) => np.rad2deg(x.T)],
    ["np.hypot(x, xn)", ({ x, xn }) => np.hypot(x, xn)], ["np.hypot(w, w[::-1])", ({ w }) => np.hypot(w, w.get("::-1"))],
    ["np.hypot(w * 1e160, w[::-1] * 1e150)", ({ w }) => np.hypot(w.mul(1e160), w.get("::-1").mul(1e150))], ["np.hypot(w * 1e300, w[::-1] * 1e300)", ({ w }) => np.hypot(w.mul(1e300), w.get("::-1").mul(1e300))],
    ["np.hypot(w * 1e-160, w[::-1] * 1e-165)", ({ w }) => np.hypot(w.mul(1e-160), w.get("::-1").mul(1e-165))], ["np.hypot(w, w[::-1] * 1e-17)", ({ w }) => np.hypot(w, w.get("::-1").mul(1e-17))],
    ["np.hypot(sp, 1)", ({ sp }) => np.hypot(sp, 1)], ["np.hypot(sp, np.nan)", ({ sp }) => np.hypot(sp, NaN)], ["np.hypot(sp, sp[::-1])", ({ sp }) => np.hypot(sp, sp.get("::-1"))],
    ["np.hypot(w32, w32[::-1])", ({ w32 }) => np.hypot(w32, w32.get("::-1"))], ["np.hypot(f32, 1e-3)", ({ f32 }) => np.hypot(f32, 1e-3)], ["np.hypot(w32 * 1e30, w32[::-1] * 1e30)", ({ w32 }) => np.hypot(w32.mul(1e30), w32.get("::-1").mul(1e30))],
    ["np.hypot(i16, 3)", ({ i16 }) => np.hypot(i16, 3)], ["np.hypot(i, 2.5)", ({ i }) => np.hypot(i, 2.5)], ["np.hypot(u8, 300)", ({ u8 }) => np.hypot(u8, 300)], ["np.hypot(i16, i16[::-1])", ({ i16 }) => np.hypot(i16, i16.get("::-1"))],
    ["np.hypot(x, x[0], out=np.zeros((4, 5)))", ({ x }) => np.hypot(x, x.get(0), np.zeros([4, 5]))],
  ]);
});

/**
 * The bounds, in units in the last place of NumPy's result (float32's for float32 results),
 * [float64, float32]: the largest difference from Debian's NumPy 1.24 measured over 1,000,000
 * random inputs per function and dtype (the domains of the 20,000-input test below, with
 * magnitudes from 1e-300 to 1e300 for the logarithms and up to 710 for sinh and cosh), on an
 * AVX-512 machine where NumPy runs SVML's loops (its own for tanh). lib/np/ufunc.ts's TSDoc
 * quotes them; the tests print what they measure.
 */
const ULPS: Record<string, [number, number]> = {
  log10: [2, 2], log2: [2, 2], log1p: [2, 2], expm1: [2, 2], tan: [3, 3], arcsin: [2, 3], arccos: [2, 2],
  arctan: [2, 2], sinh: [3, 1], cosh: [2, 2], tanh: [3, 1], arctan2: [2, 3],
};

test("log10, log2, log1p, expm1, tan, arcsin, arccos, arctan, sinh, cosh, tanh and arctan2: NumPy's dtypes, shapes and reprs exactly, values within the measured ulps (special values exactly)", (t) => {
  const worst = runUlpCases<Inputs>([
    ["log10", "np.log10(np.abs(w))", ({ w }) => np.log10(w.abs())], ["log10", "np.log10(np.abs(w32))", ({ w32 }) => np.log10(w32.abs())], ["log10", "np.log10(sp)", ({ sp }) => np.log10(sp)],
    ["log10", "np.log10(i16 + 301)", ({ i16 }) => np.log10(i16.add(301))], ["log10", "np.log10(i)", ({ i }) => np.log10(i)], ["log10", "np.log10(np.abs(x), out=np.zeros((4, 5), np.float32))", ({ x }) => np.log10(x.abs(), np.zeros([4, 5], { dtype: "float32" }))],
    ["log2", "np.log2(np.abs(w))", ({ w }) => np.log2(w.abs())], ["log2", "np.log2(np.abs(w32))", ({ w32 }) => np.log2(w32.abs())], ["log2", "np.log2(sp)", ({ sp }) => np.log2(sp)],
    ["log2", "np.log2(2.0 ** np.arange(-10, 10))", () => np.log2(np.pow(2, np.arange(-10, 10).astype("float64")))], ["log2", "np.log2(Ai)", ({ Ai }) => np.log2(Ai)],
    ["log1p", "np.log1p(np.abs(w))", ({ w }) => np.log1p(w.abs())], ["log1p", "np.log1p(np.abs(w32))", ({ w32 }) => np.log1p(w32.abs())], ["log1p", "np.log1p(sp)", ({ sp }) => np.log1p(sp)],
    ["log1p", "np.log1p(w * 1e-12)", ({ w }) => np.log1p(w.mul(1e-12))], ["log1p", "np.log1p(x.T)", ({ x }) => np.log1p(x.T)],
    ["expm1", "np.expm1(w)", ({ w }) => np.expm1(w)], ["expm1", "np.expm1(w32)", ({ w32 }) => np.expm1(w32)], ["expm1", "np.expm1(sp)", ({ sp }) => np.expm1(sp)],
    ["expm1", "np.expm1(w * 1e-9)", ({ w }) => np.expm1(w.mul(1e-9))], ["expm1", "np.expm1(i16 / 100)", ({ i16 }) => np.expm1(i16.div(100))],
    ["tan", "np.tan(w)", ({ w }) => np.tan(w)], ["tan", "np.tan(w32)", ({ w32 }) => np.tan(w32)], ["tan", "np.tan(sp)", ({ sp }) => np.tan(sp)], ["tan", "np.tan(i)", ({ i }) => np.tan(i)],
    ["tan", "np.tan(x.T)", ({ x }) => np.tan(x.T)], ["tan", "np.tan(i16)", ({ i16 }) => np.tan(i16)], ["tan", "np.tan(x, out=np.zeros((4, 5)))", ({ x }) => np.tan(x, np.zeros([4, 5]))],
    ["arcsin", "np.arcsin(w / 10)", ({ w }) => np.arcsin(w.div(10))], ["arcsin", "np.arcsin(w32 / 10)", ({ w32 }) => np.arcsin(w32.div(10))], ["arcsin", "np.arcsin(sp)", ({ sp }) => np.arcsin(sp)],
    ["arcsin", "np.arcsin(x)", ({ x }) => np.arcsin(x)], ["arcsin", "np.arcsin(np.array([-1, 1, 0.5, -0.5]))", () => np.arcsin(np.array([-1, 1, 0.5, -0.5]))],
    ["arccos", "np.arccos(w / 10)", ({ w }) => np.arccos(w.div(10))], ["arccos", "np.arccos(w32 / 10)", ({ w32 }) => np.arccos(w32.div(10))], ["arccos", "np.arccos(sp)", ({ sp }) => np.arccos(sp)],
    ["arccos", "np.arccos(i)", ({ i }) => np.arccos(i)],
    ["arctan", "np.arctan(w)", ({ w }) => np.arctan(w)], ["arctan", "np.arctan(w32)", ({ w32 }) => np.arctan(w32)], ["arctan", "np.arctan(sp)", ({ sp }) => np.arctan(sp)],
    ["arctan", "np.arctan(w[::3] * 1e5)", ({ w }) => np.arctan(w.get("::3").mul(1e5))], ["arctan", "np.arctan(i16)", ({ i16 }) => np.arctan(i16)],
    ["sinh", "np.sinh(w)", ({ w }) => np.sinh(w)], ["sinh", "np.sinh(w32)", ({ w32 }) => np.sinh(w32)], ["sinh", "np.sinh(sp)", ({ sp }) => np.sinh(sp)],
    ["sinh", "np.sinh(S[:, ::-1])", ({ S }) => np.sinh(S.get(":, ::-1"))], ["sinh", "np.sinh(w * 70)", ({ w }) => np.sinh(w.mul(70))],
    ["cosh", "np.cosh(w)", ({ w }) => np.cosh(w)], ["cosh", "np.cosh(w32)", ({ w32 }) => np.cosh(w32)], ["cosh", "np.cosh(sp)", ({ sp }) => np.cosh(sp)], ["cosh", "np.cosh(i)", ({ i }) => np.cosh(i)],
    ["tanh", "np.tanh(w / 3)", ({ w }) => np.tanh(w.div(3))], ["tanh", "np.tanh(w32 / 3)", ({ w32 }) => np.tanh(w32.div(3))], ["tanh", "np.tanh(sp)", ({ sp }) => np.tanh(sp)],
    ["tanh", "np.tanh(x)", ({ x }) => np.tanh(x)],
    ["arctan2", "np.arctan2(w, w[::-1])", ({ w }) => np.arctan2(w, w.get("::-1"))], ["arctan2", "np.arctan2(w32, w32[::-1])", ({ w32 }) => np.arctan2(w32, w32.get("::-1"))],
    ["arctan2", "np.arctan2(sp, sp[::-1])", ({ sp }) => np.arctan2(sp, sp.get("::-1"))], ["arctan2", "np.arctan2(sp, -sp)", ({ sp }) => np.arctan2(sp, sp.neg())],
    ["arctan2", "np.arctan2(x, 1)", ({ x }) => np.arctan2(x, 1)], ["arctan2", "np.arctan2(1, x)", ({ x }) => np.arctan2(1, x)], ["arctan2", "np.arctan2(f32, 0.5)", ({ f32 }) => np.arctan2(f32, 0.5)],
    ["arctan2", "np.arctan2(i16, 300)", ({ i16 }) => np.arctan2(i16, 300)], ["arctan2", "np.arctan2(i16, 70000)", ({ i16 }) => np.arctan2(i16, 70000)], ["arctan2", "np.arctan2(i, u8[:5])", ({ i, u8 }) => np.arctan2(i, u8.get(":5"))],
    ["arctan2", "np.arctan2(f32, i16[:4])", ({ f32, i16 }) => np.arctan2(f32, i16.get(":4"))], ["arctan2", "np.arctan2(f32, 1e40)", ({ f32 }) => np.arctan2(f32, 1e40)],
    ["arctan2", "np.arctan2(x, x[:, :1], out=np.zeros((4, 5), np.float32))", ({ x }) => np.arctan2(x, x.get(":, :1"), np.zeros([4, 5], { dtype: "float32" }))],
  ], ULPS, "", ourInputs);
  const lines = [...worst].map(([k, v]) => `${k}: ${v} ulps (bound ${ULPS[k.split(" ")[0]][k.endsWith("float32") ? 1 : 0]})`);
  t.diagnostic(`largest differences from NumPy on the cases: ${lines.join("; ")}`);
  console.log(`float functions, largest difference from NumPy on the cases: ${lines.join("; ")}`);
});

test("the same functions over 20,000 random inputs each (float64 and float32) stay within ULPS, the largest differences measured over 1,000,000", (t) => {
  // Domains where each function's result is finite and not all alike: magnitudes spread over
  // decades; values as hex of float64 bytes, so NumPy's bits arrive exactly.
  const py = pythonJson<Record<string, [string, string | null, string]>>(`
import json, numpy as np
rng = np.random.default_rng(20240)
n = 20000
def mag(lo, hi): return 10.0 ** rng.integers(lo, hi, n)
doms = {
  "log10": (rng.uniform(0, 1e3, n) * mag(-30, 30),), "log2": (np.abs(rng.standard_normal(n)) * mag(-30, 30),),
  "log1p": (rng.uniform(-1, 10, n) * mag(-20, 3),), "expm1": (rng.uniform(-50, 80, n) * mag(-20, 1),),
  "tan": (rng.uniform(-10, 10, n) * mag(-5, 5),), "arcsin": (rng.uniform(-1, 1, n),), "arccos": (rng.uniform(-1, 1, n),),
  "arctan": (rng.standard_normal(n) * mag(-10, 10),), "sinh": (rng.uniform(-80, 80, n) * mag(-10, 1),),
  "cosh": (rng.uniform(-80, 80, n) * mag(-10, 1),), "tanh": (rng.uniform(-20, 20, n) * mag(-10, 1),),
  "arctan2": (rng.standard_normal(n) * mag(-5, 5), rng.standard_normal(n) * mag(-5, 5)),
}
out = {}
for name, args in doms.items():
    for dt in ("float64", "float32"):
        xs = [a.astype(dt) for a in args]
        r = getattr(np, name)(*xs)
        out[name + " " + dt] = [xs[0].astype(np.float64).tobytes().hex(), xs[1].astype(np.float64).tobytes().hex() if len(xs) > 1 else None, r.astype(np.float64).tobytes().hex()]
print(json.dumps(out))`);
  const lines: string[] = [];
  for (const [key, [xh, yh, rh]] of Object.entries(py)) {
    const [fn, dtype] = key.split(" ") as [string, "float64" | "float32"];
    const f32 = dtype === "float32";
    const x = np.array(hexFloats(xh)).astype(dtype);
    const f = (np as unknown as Record<string, (...a: NDArray[]) => NDArray>)[fn];
    const got = yh === null ? f(x) : f(x, np.array(hexFloats(yh)).astype(dtype));
    assert.equal(got.dtype, dtype, `${key}: dtype`);
    const w = hexFloats(rh);
    const { worst, differ } = withinUlps(got.astype("float64").data, w, f32, ULPS[fn][f32 ? 1 : 0], (k) => `${key}(${x.data[k]}${yh === null ? "" : ", ..."})`);
    lines.push(`${key}: max ${worst} ulps, ${differ} of ${w.length} differ`);
  }
  t.diagnostic(lines.join("; "));
  console.log(`float functions over 20,000 inputs each: ${lines.join("; ")}`);
});

test("where NumPy's float-only ufuncs give float16 (bool, int8, uint8 operands), lazylab gives float64 with NumPy's values for the inputs as float64", () => {
  // Node 20 has no Float16Array; float64 is what np.sqrt/exp/log/sin/cos already give there.
  const cases: [string, string, (inp: Inputs) => NDArray][] = [
    ["np.rint(b)", "np.rint(b.astype(np.float64))", ({ b }) => np.rint(b)], ["np.trunc(u8)", "np.trunc(u8.astype(np.float64))", ({ u8 }) => np.trunc(u8)],
    ["np.round(b)", "np.round(b.astype(np.float64))", ({ b }) => np.round(b)], ["np.deg2rad(A8)", "np.deg2rad(A8.astype(np.float64))", ({ A8 }) => np.deg2rad(A8)],
    ["np.rad2deg(u8)", "np.rad2deg(u8.astype(np.float64))", ({ u8 }) => np.rad2deg(u8)], ["np.hypot(b, b[::-1])", "np.hypot(b.astype(np.float64), b[::-1].astype(np.float64))", ({ b }) => np.hypot(b, b.get("::-1"))],
    ["np.hypot(A8, 100)", "np.hypot(A8.astype(np.float64), 100)", ({ A8 }) => np.hypot(A8, 100)],
    ["np.tan(u8)", "np.tan(u8.astype(np.float64))", ({ u8 }) => np.tan(u8)], ["np.log1p(u8)", "np.log1p(u8.astype(np.float64))", ({ u8 }) => np.log1p(u8)],
    ["np.arctan2(u8, 200)", "np.arctan2(u8.astype(np.float64), 200)", ({ u8 }) => np.arctan2(u8, 200)], ["np.arctan2(A8, u8[0])", "np.arctan2(A8.astype(np.float64), u8[0])", ({ A8, u8 }) => np.arctan2(A8, u8.get(0))],
    ["np.tanh(b)", "np.tanh(b.astype(np.float64))", ({ b }) => np.tanh(b)], ["np.arcsin(b)", "np.arcsin(b.astype(np.float64))", ({ b }) => np.arcsin(b)],
  ];
  const dtypes = pythonJson<string[]>(`${PY_INPUTS}\nprint(json.dumps([str(eval(e).dtype) for e in json.loads(input())]))`, JSON.stringify(cases.map((c) => c[0])));
  dtypes.forEach((d, k) => assert.equal(d, "float16", `${cases[k][0]}: NumPy's dtype (this test documents lazylab's stand-in for it)`));
  const want = pythonJson<Enc[]>(PY_INPUTS + PY_RUN, JSON.stringify(cases.map((c) => c[1])));
  const inp = ourInputs();
  cases.forEach(([expr, , f], k) => {
    const exact = /rint|trunc|round|deg2rad|rad2deg|hypot/.test(expr);
    compareUlps(ours(() => f(inp)), want[k], `${expr} (as float64)`, exact ? 0 : 3);
  });
});

test("eye, identity, fullLike and emptyLike agree with NumPy (diagonals, dtypes, NumPy's unsafe cast of the fill value, errors)", () => {
  runCases([
    ["np.eye(3)", () => np.eye(3)], ["np.eye(3, 5, k=2)", () => np.eye(3, 5, { k: 2 })], ["np.eye(4, 2, k=-1, dtype=np.int32)", () => np.eye(4, 2, { k: -1, dtype: "int32" })],
    ["np.eye(3, k=1)", () => np.eye(3, { k: 1 })], ["np.eye(3, None, 1)", () => np.eye(3, null, { k: 1 })], ["np.eye(3, k=5)", () => np.eye(3, { k: 5 })], ["np.eye(3, k=-5)", () => np.eye(3, { k: -5 })],
    ["np.eye(0)", () => np.eye(0)], ["np.eye(3, 0)", () => np.eye(3, 0)], ["np.eye(2, dtype=bool)", () => np.eye(2, { dtype: "bool" })], ["np.eye(2, 3, dtype=np.uint8)", () => np.eye(2, 3, { dtype: "uint8" })],
    ["np.eye(-1)", () => np.eye(-1)], ["np.eye(3, -2)", () => np.eye(3, -2)], ["np.eye(2.5)", () => np.eye(2.5)], ["np.eye(3, 2.0)", () => np.eye(3, 2.5)], ["np.eye(3, k=1.5)", () => np.eye(3, { k: 1.5 })],
    ["np.identity(3)", () => np.identity(3)], ["np.identity(2, dtype=np.float32)", () => np.identity(2, { dtype: "float32" })], ["np.identity(3, dtype=bool)", () => np.identity(3, { dtype: "bool" })],
    ["np.identity(-2)", () => np.identity(-2)],
    ["np.full_like(i, 2.7)", ({ i }) => np.fullLike(i, 2.7)], ["np.full_like(x, 7)", ({ x }) => np.fullLike(x, 7)], ["np.full_like(u8, -1)", ({ u8 }) => np.fullLike(u8, -1)],
    ["np.full_like(i, 300, dtype=np.uint8)", ({ i }) => np.fullLike(i, 300, { dtype: "uint8" })], ["np.full_like(b, 5)", ({ b }) => np.fullLike(b, 5)], ["np.full_like(x, True)", ({ x }) => np.fullLike(x, true)],
    ["np.full_like(x.T, np.inf)", ({ x }) => np.fullLike(x.T, Infinity)], ["np.full_like([1, 2], True)", () => np.fullLike([1, 2], true)], ["np.full_like(f32, 0.1)", ({ f32 }) => np.fullLike(f32, 0.1)],
    ["np.full_like(i, 1.5, dtype=np.float32)", ({ i }) => np.fullLike(i, 1.5, { dtype: "float32" })], ["np.full_like(x, np.nan, dtype=bool)", ({ x }) => np.fullLike(x, NaN, { dtype: "bool" })],
    ["np.full_like(S, -0.0)", ({ S }) => np.fullLike(S, -0)], ["np.full_like(i16, -70000)", ({ i16 }) => np.fullLike(i16, -70000)],
    ["np.zeros(np.empty_like(x).shape, np.empty_like(x).dtype)", ({ x }) => np.emptyLike(x)], ["np.zeros(np.empty_like(u8).shape, np.empty_like(u8).dtype)", ({ u8 }) => np.emptyLike(u8)],
    ["np.zeros(np.empty_like(S.T, dtype=np.int16).shape, np.int16)", ({ S }) => np.emptyLike(S.T, { dtype: "int16" })], ["np.zeros(np.empty_like([[True]]).shape, bool)", () => np.emptyLike([[true]])],
  ]);
});

test("hstack and vstack agree with NumPy (1-D, 2-D, 3-D, scalars and 0-d arrays, dtype promotion, NumPy's ValueErrors)", () => {
  runCases([
    ["np.hstack([u8, i16])", ({ u8, i16 }) => np.hstack([u8, i16])], ["np.hstack([x, i])", ({ x, i }) => np.hstack([x, i])], ["np.hstack([1, 2.5])", () => np.hstack([1, 2.5])],
    ["np.hstack([x, x[:, :1], b])", ({ x, b }) => np.hstack([x, x.get(":, :1"), b])], ["np.hstack([S, S[:, :1]])", ({ S }) => np.hstack([S, S.get(":, :1")])], ["np.hstack([b, b])", ({ b }) => np.hstack([b, b])],
    ["np.hstack([np.array(1), u8])", ({ u8 }) => np.hstack([np.array(1), u8])], ["np.hstack([x.T, x.T])", ({ x }) => np.hstack([x.T, x.T])], ["np.hstack([[1, 2], [3]])", () => np.hstack([[1, 2], [3]])],
    ["np.hstack([])", () => np.hstack([])], ["np.hstack([x, i16])", ({ x, i16 }) => np.hstack([x, i16])], ["np.hstack([x, x[:2]])", ({ x }) => np.hstack([x, x.get(":2")])],
    ["np.vstack([u8, u8])", ({ u8 }) => np.vstack([u8, u8])], ["np.vstack([x, i])", ({ x, i }) => np.vstack([x, i])], ["np.vstack([1, 2])", () => np.vstack([1, 2])],
    ["np.vstack([x[0], x])", ({ x }) => np.vstack([x.get(0), x])], ["np.vstack([S, S])", ({ S }) => np.vstack([S, S])], ["np.vstack([b, b[0]])", ({ b }) => np.vstack([b, b.get(0)])],
    ["np.vstack([np.array(1), np.array(2.5)])", () => np.vstack([np.array(1), np.array(2.5)])], ["np.vstack([f32, f32[::-1]])", ({ f32 }) => np.vstack([f32, f32.get("::-1")])],
    ["np.vstack([])", () => np.vstack([])], ["np.vstack([u8, i16])", ({ u8, i16 }) => np.vstack([u8, i16])], ["np.vstack([x, S])", ({ x, S }) => np.vstack([x, S])],
  ]);
});

test("meshgrid agrees with NumPy: xy and ij indexing, 1 to 3 vectors, 2-D inputs flattened, each vector's dtype, sparse, new arrays", () => {
  runCases([
    ["tuple(np.meshgrid(np.arange(3), np.arange(2)))", () => np.meshgrid(np.arange(3), np.arange(2))],
    ["tuple(np.meshgrid(np.arange(3), np.arange(2), indexing='ij'))", () => np.meshgrid(np.arange(3), np.arange(2), { indexing: "ij" })],
    ["tuple(np.meshgrid(u8, x[0], i16[:2]))", ({ u8, x, i16 }) => np.meshgrid(u8, x.get(0), i16.get(":2"))],
    ["tuple(np.meshgrid(u8, x[0], i16[:2], indexing='ij'))", ({ u8, x, i16 }) => np.meshgrid(u8, x.get(0), i16.get(":2"), { indexing: "ij" })],
    ["tuple(np.meshgrid(u8))", ({ u8 }) => np.meshgrid(u8)], ["tuple(np.meshgrid(u8, indexing='ij'))", ({ u8 }) => np.meshgrid(u8, { indexing: "ij" })], ["tuple(np.meshgrid())", () => np.meshgrid()],
    ["tuple(np.meshgrid([[1, 2], [3, 4]], [5, 6]))", () => np.meshgrid([[1, 2], [3, 4]], [5, 6])], ["tuple(np.meshgrid(x[:2].T, b[0]))", ({ x, b }) => np.meshgrid(x.get(":2").T, b.get(0))],
    ["tuple(np.meshgrid(np.arange(3), np.arange(2), sparse=True))", () => np.meshgrid(np.arange(3), np.arange(2), { sparse: true })],
    ["tuple(np.meshgrid(np.arange(3), np.arange(2), np.arange(4), indexing='ij', sparse=True))", () => np.meshgrid(np.arange(3), np.arange(2), np.arange(4), { indexing: "ij", sparse: true })],
    ["tuple(np.meshgrid(np.arange(3), np.arange(2), indexing='bad'))", () => np.meshgrid(np.arange(3), np.arange(2), { indexing: "bad" as never })],
  ]);
  const u = np.arange(3);
  const [X] = np.meshgrid(u, np.arange(2));
  assert.ok(X.base === null && !np.sharesMemory(X, u), "meshgrid returns new arrays (copy=True)");
});

test("tile and repeat agree with NumPy (more and fewer reps than dimensions, views, per-element counts along an axis, flattening without one, errors)", () => {
  runCases([
    ["np.tile(u8, 2)", ({ u8 }) => np.tile(u8, 2)], ["np.tile(x, (2, 1))", ({ x }) => np.tile(x, [2, 1])], ["np.tile(u8, (2, 1, 3))", ({ u8 }) => np.tile(u8, [2, 1, 3])],
    ["np.tile(S, 2)", ({ S }) => np.tile(S, 2)], ["np.tile(S, (2, 1))", ({ S }) => np.tile(S, [2, 1])], ["np.tile(x.T, (1, 2))", ({ x }) => np.tile(x.T, [1, 2])],
    ["np.tile(x[::2, ::-1], 2)", ({ x }) => np.tile(x.get("::2, ::-1"), 2)], ["np.tile(b, (2, 2))", ({ b }) => np.tile(b, [2, 2])], ["np.tile(np.array(5), 3)", () => np.tile(np.array(5), 3)],
    ["np.tile(np.array(5), (2, 3))", () => np.tile(np.array(5), [2, 3])], ["np.tile(u8, 0)", ({ u8 }) => np.tile(u8, 0)], ["np.tile(x, (2, 0))", ({ x }) => np.tile(x, [2, 0])],
    ["np.tile(u8, [])", ({ u8 }) => np.tile(u8, [])], ["np.tile([1, 2], [2, 2])", () => np.tile([1, 2], [2, 2])], ["np.tile(f32, (1, 1))", ({ f32 }) => np.tile(f32, [1, 1])],
    ["np.tile(u8, -1)", ({ u8 }) => np.tile(u8, -1)], ["np.tile(u8, 1.5)", ({ u8 }) => np.tile(u8, 1.5)],
    ["np.repeat(u8, 2)", ({ u8 }) => np.repeat(u8, 2)], ["np.repeat(x, 2)", ({ x }) => np.repeat(x, 2)], ["np.repeat(x, 2, axis=0)", ({ x }) => np.repeat(x, 2, { axis: 0 })],
    ["np.repeat(x, [1, 0, 2, 1, 3], axis=1)", ({ x }) => np.repeat(x, [1, 0, 2, 1, 3], { axis: 1 })], ["np.repeat(x, [2], axis=1)", ({ x }) => np.repeat(x, [2], { axis: 1 })],
    ["np.repeat(x.T, [1, 2, 0, 1], axis=1)", ({ x }) => np.repeat(x.T, [1, 2, 0, 1], { axis: 1 })], ["np.repeat(S, [3, 1], axis=0)", ({ S }) => np.repeat(S, [3, 1], { axis: 0 })],
    ["np.repeat(S, 2, axis=-1)", ({ S }) => np.repeat(S, 2, -1)], ["np.repeat(b, [1, 0, 2, 1, 3], axis=-1)", ({ b }) => np.repeat(b, [1, 0, 2, 1, 3], { axis: -1 })],
    ["np.repeat(u8, np.arange(6))", ({ u8 }) => np.repeat(u8, np.arange(6))], ["np.repeat(x, 40, axis=0)", ({ x }) => np.repeat(x, 40, { axis: 0 })],
    ["np.repeat(w.reshape(30, 100), [2, 0, 1] * 10, axis=0)", ({ w }) => np.repeat(w.reshape(30, 100), Array.from({ length: 30 }, (_, k) => [2, 0, 1][k % 3]), { axis: 0 })],
    ["np.repeat(x[::-1, ::2], 3, axis=1)", ({ x }) => np.repeat(x.get("::-1, ::2"), 3, { axis: 1 })], ["np.repeat(np.array(5), 3)", () => np.repeat(np.array(5), 3)],
    ["np.repeat(np.array(5), 3, axis=0)", () => np.repeat(np.array(5), 3, { axis: 0 })], ["np.repeat(u8, True)", ({ u8 }) => np.repeat(u8, true)], ["np.repeat(u8, 1.5)", ({ u8 }) => np.repeat(u8, 1.5)],
    ["np.repeat(u8, [1, 2])", ({ u8 }) => np.repeat(u8, [1, 2])], ["np.repeat(u8, -1)", ({ u8 }) => np.repeat(u8, -1)], ["np.repeat(u8, [-1])", ({ u8 }) => np.repeat(u8, [-1])],
    ["np.repeat(u8, [1, -1, 1, 1, 1, 1])", ({ u8 }) => np.repeat(u8, [1, -1, 1, 1, 1, 1])], ["np.repeat(x, 2, axis=2)", ({ x }) => np.repeat(x, 2, { axis: 2 })],
    ["np.repeat(u8, [[1] * 6])", ({ u8 }) => np.repeat(u8, np.ones([1, 6]))], ["np.repeat(np.zeros((2, 0)), [], axis=1)", () => np.repeat(np.zeros([2, 0]), [], { axis: 1 })],
  ]);
});

test("flip, fliplr and flipud are views with negative strides, as NumPy's: values, strides, shared memory, writes through the view, errors", () => {
  runCases([
    ["np.flip(x)", ({ x }) => np.flip(x)], ["np.flip(x, 0)", ({ x }) => np.flip(x, 0)], ["np.flip(x, axis=1)", ({ x }) => np.flip(x, { axis: 1 })], ["np.flip(S, (0, 2))", ({ S }) => np.flip(S, [0, 2])],
    ["np.flip(S, -1)", ({ S }) => np.flip(S, -1)], ["np.flip(u8)", ({ u8 }) => np.flip(u8)], ["np.flip(x.T[::2])", ({ x }) => np.flip(x.T.get("::2"))], ["np.flip(np.flip(x))", ({ x }) => np.flip(np.flip(x))],
    ["np.flip(np.zeros((0, 3)))", () => np.flip(np.zeros([0, 3]))], ["np.flip(x)[1:3]", ({ x }) => np.flip(x).get("1:3")], ["np.flip([[1, 2], [3, 4]], 1)", () => np.flip([[1, 2], [3, 4]], 1)],
    ["np.flip(x, 2)", ({ x }) => np.flip(x, 2)], ["np.flip(x, (0, 0))", ({ x }) => np.flip(x, [0, 0])], ["np.flip(x, (1, -1))", ({ x }) => np.flip(x, [1, -1])],
    ["np.fliplr(x)", ({ x }) => np.fliplr(x)], ["np.flipud(x)", ({ x }) => np.flipud(x)], ["np.flipud(u8)", ({ u8 }) => np.flipud(u8)], ["np.fliplr(S)", ({ S }) => np.fliplr(S)],
    ["np.fliplr(u8)", ({ u8 }) => np.fliplr(u8)], ["np.flipud(np.array(3))", () => np.flipud(np.array(3))],
    ["np.flip(x, 1).strides", ({ x }) => np.flip(x, 1).strides], ["np.flip(S).strides", ({ S }) => np.flip(S).strides], ["np.flipud(x.T).strides", ({ x }) => np.flipud(x.T).strides],
    ["np.shares_memory(np.flip(x), x)", ({ x }) => np.sharesMemory(np.flip(x), x)], ["np.shares_memory(np.flip(x[:2]), x[2:])", ({ x }) => np.sharesMemory(np.flip(x.get(":2")), x.get("2:"))],
    ["np.shares_memory(np.fliplr(x), x[:, :1])", ({ x }) => np.sharesMemory(np.fliplr(x), x.get(":, :1"))], ["np.flip(x).base is x", ({ x }) => np.flip(x).base === x],
    ["np.flip(x[1:]).base is x", ({ x }) => np.flip(x.get("1:")).base === x],
    ["(lambda y: (np.flip(y).__setitem__((0, 0), 99), y)[1])(x.copy())", ({ x }) => { const y = x.copy(); np.flip(y).set("0, 0", 99); return y; }],
    ["(lambda y: (np.fliplr(y).__setitem__((1, slice(None)), -1), y)[1])(i.copy())", ({ i }) => { const y = i.copy(); np.fliplr(y).set("1, :", -1); return y; }],
    ["np.flip(x, 1).sum(axis=1)", ({ x }) => np.flip(x, 1).sum({ axis: 1 })], ["np.flip(x) * 2 + x", ({ x }) => np.flip(x).mul(2).add(x)], ["np.flip(x).copy().strides", ({ x }) => np.flip(x).copy().strides],
  ]);
});

test("outer agrees with NumPy (flattened operands, multiply's dtypes without value-based scalars, bool, integer wrap-around, out)", () => {
  runCases([
    ["np.outer(u8, i16)", ({ u8, i16 }) => np.outer(u8, i16)], ["np.outer(x, x[0])", ({ x }) => np.outer(x, x.get(0))], ["np.outer(S, u8)", ({ S, u8 }) => np.outer(S, u8)],
    ["np.outer(b, b[0])", ({ b }) => np.outer(b, b.get(0))], ["np.outer(u8, 300)", ({ u8 }) => np.outer(u8, 300)], ["np.outer(2, u8)", ({ u8 }) => np.outer(2, u8)],
    ["np.outer(f32, 0.5)", ({ f32 }) => np.outer(f32, 0.5)], ["np.outer(f32[0], f32[1])", ({ f32 }) => np.outer(f32.get(0), f32.get(1))], ["np.outer([1, 2], [3, 4, 5])", () => np.outer([1, 2], [3, 4, 5])],
    ["np.outer(A8[0], B8[:, 0])", ({ A8, B8 }) => np.outer(A8.get(0), B8.get(":, 0"))], ["np.outer(x.T[::-1], i[0])", ({ x, i }) => np.outer(x.T.get("::-1"), i.get(0))],
    ["np.outer(xn[0], sp)", ({ xn, sp }) => np.outer(xn.get(0), sp)], ["np.outer(x, x[0], out=np.zeros((20, 5)))", ({ x }) => np.outer(x, x.get(0), np.zeros([20, 5]))],
    ["np.outer(np.zeros(0), u8)", ({ u8 }) => np.outer(np.zeros(0), u8)],
  ]);
  const o = np.zeros([6, 7]);
  const { u8, i16 } = ourInputs();
  assert.equal(np.outer(u8, i16, o), o, "outer returns out");
});

test("new arrays are lib/np allocations (shared buffers from 1 MiB, which the memory figures count); results own their data", () => {
  const big = np.arange(200_000, undefined, undefined, { dtype: "float64" });
  const grid = np.arange(400);
  const made: [string, NDArray][] = [
    ["eye", np.eye(400)], ["identity", np.identity(400)], ["fullLike", np.fullLike(big, 3)], ["emptyLike", np.emptyLike(big)],
    ["hstack", np.hstack([big, big])], ["vstack", np.vstack([big, big])], ["meshgrid", np.meshgrid(grid, grid)[1]], ["tile", np.tile(big, 2)],
    ["repeat", np.repeat(big, 2)], ["outer", np.outer(grid, grid.astype("float64"))], ["maximum", np.maximum(big, 5)], ["tan", np.tan(big)],
    ["round", np.round(big, 1)], ["round (int, -1)", np.round(np.arange(200_000), -1)], ["hypot", np.hypot(big, big)],
  ];
  for (const [what, a] of made) {
    assert.ok(a.nbytes >= SHARED_MIN_BYTES, `${what}: large enough for the check`);
    assert.ok(a.data.buffer instanceof SharedArrayBuffer, `${what}: allocated by lib/np (dtype.ts allocate)`);
    assert.equal(a.base, null, `${what}: owns its data`);
  }
  assert.ok(np.flip(big).data === big.data && np.flip(big).base === big, "flip is a view of its argument");
});
