/**
 * np.average (lib/np/average.ts) against Debian's NumPy 1.24: the same data on both sides
 * (lazylab's defaultRng gives NumPy's stream), every expression evaluated by NumPy at test
 * time, and values, dtypes, shapes, reprs, error types and messages compared. Floats travel as
 * Python's repr (the shortest string that reads back as the same double) and are compared with
 * Object.is, so equal means the same bits: long axes (past NumPy's 8-wide and 128-element
 * pairwise blocks and its 8192-element buffer), views and transposes check that the sums add
 * in NumPy's order.
 */
import { test } from "node:test";
import { np } from "../lib";
import { pythonJson } from "./oracle";
import { compare, ours, ourInputs, PY_INPUTS, PY_RUN, type Enc, runCasesWith } from "./numpy-cases";

const PY_DATA = `
ar = np.random.default_rng(11)
M = ar.standard_normal((700, 30))
Mw = ar.uniform(0, 2, (700, 30))
mw = ar.uniform(0, 1, 700)
cw = ar.uniform(0, 1, 30)
Mi = ar.integers(-100, 100, (700, 30))
Wi = ar.integers(0, 9, (700, 30))
wi = ar.integers(1, 5, 30)
T = ar.standard_normal((5, 6, 7))
Tw = ar.uniform(0, 3, (5, 6, 7))
T32 = T.astype(np.float32)
Tw32 = Tw.astype(np.float32)
L = ar.standard_normal(20000)
Lw = ar.uniform(0, 1, 20000)
L32 = L.astype(np.float32)
`;

function inputs() {
  const ar = np.random.defaultRng(11);
  const M = ar.standardNormal([700, 30]);
  const Mw = ar.uniform(0, 2, [700, 30]);
  const mw = ar.uniform(0, 1, 700);
  const cw = ar.uniform(0, 1, 30);
  const Mi = ar.integers(-100, 100, [700, 30]);
  const Wi = ar.integers(0, 9, [700, 30]);
  const wi = ar.integers(1, 5, 30);
  const T = ar.standardNormal([5, 6, 7]);
  const Tw = ar.uniform(0, 3, [5, 6, 7]);
  const T32 = T.astype("float32");
  const Tw32 = Tw.astype("float32");
  const L = ar.standardNormal(20000);
  const Lw = ar.uniform(0, 1, 20000);
  const L32 = L.astype("float32");
  return { ...ourInputs(), M, Mw, mw, cw, Mi, Wi, wi, T, Tw, T32, Tw32, L, Lw, L32 };
}
type In = ReturnType<typeof inputs>;
type Case = [string, (inp: In) => unknown];

/** The cases against NumPy with this file's inputs (runCasesWith, numpy-cases.ts). */
function runCases(cases: Case[]): void {
  runCasesWith(cases, PY_DATA, inputs);
}

test("the data are NumPy's (same seed, same stream)", () => {
  const names = ["M", "Mw", "mw", "cw", "Mi", "Wi", "wi", "T", "Tw", "T32", "Tw32", "L", "Lw", "L32"] as const;
  const want = pythonJson<Enc[]>(PY_INPUTS + PY_DATA + PY_RUN, JSON.stringify(names));
  const inp = inputs();
  names.forEach((n, k) => compare(ours(() => inp[n]), want[k], `data ${n}`));
});

test("without weights average is NumPy's mean, over 1-D, 2-D and 3-D arrays and every axis, with keepdims and returned counts", () => {
  runCases([
    ["np.average(v)", ({ v }) => np.average(v)], ["np.average(x)", ({ x }) => np.average(x)], ["np.average(x, axis=0)", ({ x }) => np.average(x, 0)],
    ["np.average(x, axis=1)", ({ x }) => np.average(x, { axis: 1 })], ["np.average(x, axis=-1)", ({ x }) => np.average(x, { axis: -1 })],
    ["np.average(S, axis=(0, 2))", ({ S }) => np.average(S, { axis: [0, 2] })], ["np.average(M, axis=0)", ({ M }) => np.average(M, 0)], ["np.average(L)", ({ L }) => np.average(L)],
    ["np.average(i)", ({ i }) => np.average(i)], ["np.average(A8, axis=1)", ({ A8 }) => np.average(A8, 1)], ["np.average(b, axis=0)", ({ b }) => np.average(b, 0)],
    ["np.average(f32)", ({ f32 }) => np.average(f32)], ["np.average(L32)", ({ L32 }) => np.average(L32)], ["np.average(f32, axis=1)", ({ f32 }) => np.average(f32, 1)],
    ["np.average(x, keepdims=True)", ({ x }) => np.average(x, { keepdims: true })], ["np.average(T, axis=1, keepdims=True)", ({ T }) => np.average(T, { axis: 1, keepdims: true })],
    ["np.average(x, returned=True)", ({ x }) => np.average(x, { returned: true })], ["np.average(T, axis=2, returned=True)", ({ T }) => np.average(T, { axis: 2, returned: true })],
    ["np.average(f32, axis=0, returned=True)", ({ f32 }) => np.average(f32, { axis: 0, returned: true })], ["np.average(f32, returned=True)", ({ f32 }) => np.average(f32, { returned: true })],
    ["np.average(x, keepdims=True, returned=True)", ({ x }) => np.average(x, { keepdims: true, returned: true })],
    ["np.average([[1, 2], [3, 4]], axis=None)", () => np.average([[1, 2], [3, 4]], { axis: null })], ["np.average(x.T[::-1], axis=1)", ({ x }) => np.average(x.T.get("::-1"), 1)],
  ]);
});

test("weights of a's shape: every axis, several axes, keepdims, returned sums, views and transposed weights", () => {
  runCases([
    ["np.average(x, weights=np.abs(x))", ({ x }) => np.average(x, { weights: np.abs(x) })], ["np.average(M, weights=Mw)", ({ M, Mw }) => np.average(M, { weights: Mw })],
    ["np.average(M, axis=0, weights=Mw)", ({ M, Mw }) => np.average(M, { axis: 0, weights: Mw })], ["np.average(M, axis=1, weights=Mw)", ({ M, Mw }) => np.average(M, { axis: 1, weights: Mw })],
    ["np.average(M, axis=-2, weights=Mw, keepdims=True)", ({ M, Mw }) => np.average(M, { axis: -2, weights: Mw, keepdims: true })],
    ["np.average(L, weights=Lw)", ({ L, Lw }) => np.average(L, { weights: Lw })], ["np.average(L, weights=Lw, returned=True)", ({ L, Lw }) => np.average(L, { weights: Lw, returned: true })],
    ["np.average(T, weights=Tw)", ({ T, Tw }) => np.average(T, { weights: Tw })], ["np.average(T, axis=1, weights=Tw)", ({ T, Tw }) => np.average(T, { axis: 1, weights: Tw })],
    ["np.average(T, axis=(0, 2), weights=Tw)", ({ T, Tw }) => np.average(T, { axis: [0, 2], weights: Tw })],
    ["np.average(T, axis=(2, 0), weights=Tw, keepdims=True, returned=True)", ({ T, Tw }) => np.average(T, { axis: [2, 0], weights: Tw, keepdims: true, returned: true })],
    ["np.average(T, weights=Tw, keepdims=True, returned=True)", ({ T, Tw }) => np.average(T, { weights: Tw, keepdims: true, returned: true })],
    ["np.average(M.T, axis=1, weights=Mw.T)", ({ M, Mw }) => np.average(M.T, { axis: 1, weights: Mw.T })],
    ["np.average(M, axis=0, weights=np.asfortranarray(Mw))", ({ M, Mw }) => np.average(M, { axis: 0, weights: np.asfortranarray(Mw) })],
    ["np.average(M.T, axis=0, weights=np.ascontiguousarray(Mw.T))", ({ M, Mw }) => np.average(M.T, { axis: 0, weights: np.ascontiguousarray(Mw.T) })],
    ["np.average(M[::-2, 3:], axis=0, weights=Mw[:350, 3:])", ({ M, Mw }) => np.average(M.get("::-2, 3:"), { axis: 0, weights: Mw.get(":350, 3:") })],
    ["np.average(T.transpose(2, 0, 1), axis=1, weights=Tw.transpose(2, 0, 1))", ({ T, Tw }) => np.average(T.transpose(2, 0, 1), { axis: 1, weights: Tw.transpose(2, 0, 1) })],
    ["np.average(v, weights=np.arange(40))", ({ v }) => np.average(v, { weights: np.arange(40) })], ["np.average(np.array(3.5), weights=np.array(2))", () => np.average(np.array(3.5), { weights: np.array(2) })],
  ]);
});

test("1-D weights along an axis of 2-D and 3-D arrays: axis 0, 1, -1, with keepdims and the sums broadcast to the result's shape", () => {
  runCases([
    ["np.average(M, axis=0, weights=mw)", ({ M, mw }) => np.average(M, { axis: 0, weights: mw })], ["np.average(M, axis=1, weights=cw)", ({ M, cw }) => np.average(M, { axis: 1, weights: cw })],
    ["np.average(M, axis=-1, weights=cw, returned=True)", ({ M, cw }) => np.average(M, { axis: -1, weights: cw, returned: true })],
    ["np.average(M, axis=0, weights=mw, keepdims=True, returned=True)", ({ M, mw }) => np.average(M, { axis: 0, weights: mw, keepdims: true, returned: true })],
    ["np.average(T, axis=0, weights=[1, 2, 3, 4, 5])", ({ T }) => np.average(T, { axis: 0, weights: [1, 2, 3, 4, 5] })],
    ["np.average(T, axis=1, weights=Tw[0, :, 0])", ({ T, Tw }) => np.average(T, { axis: 1, weights: Tw.get("0, :, 0") })],
    ["np.average(T, axis=-1, weights=Tw[0, 0], returned=True)", ({ T, Tw }) => np.average(T, { axis: -1, weights: Tw.get("0, 0"), returned: true })],
    ["np.average(T, axis=2, weights=Tw[1, 2], keepdims=True)", ({ T, Tw }) => np.average(T, { axis: 2, weights: Tw.get("1, 2"), keepdims: true })],
    ["np.average(M.T, axis=1, weights=mw[::-1])", ({ M, mw }) => np.average(M.T, { axis: 1, weights: mw.get("::-1") })],
    ["np.average(x, axis=1, weights=[1, 0, 1, 0, 1], returned=True)", ({ x }) => np.average(x, { axis: 1, weights: [1, 0, 1, 0, 1], returned: true })],
    ["np.average(v, axis=0, weights=np.abs(v))", ({ v }) => np.average(v, { axis: 0, weights: np.abs(v) })],
  ]);
});

test("integer, bool and float32 data and weights: NumPy's result dtypes (float64 for integer data, float32 only for float32 with float32 or small integer weights)", () => {
  runCases([
    ["np.average(Mi, weights=Wi)", ({ Mi, Wi }) => np.average(Mi, { weights: Wi })], ["np.average(Mi, axis=0, weights=Wi)", ({ Mi, Wi }) => np.average(Mi, { axis: 0, weights: Wi })],
    ["np.average(Mi, axis=1, weights=wi, returned=True)", ({ Mi, wi }) => np.average(Mi, { axis: 1, weights: wi, returned: true })],
    ["np.average(i, axis=0, weights=np.abs(x))", ({ i, x }) => np.average(i, { axis: 0, weights: np.abs(x) })], ["np.average(A8, axis=1, weights=[1, 2, 3, 4, 5, 6])", ({ A8 }) => np.average(A8, { axis: 1, weights: [1, 2, 3, 4, 5, 6] })],
    ["np.average(u8, weights=w32[:6])", ({ u8, w32 }) => np.average(u8, { weights: w32.get(":6") })], ["np.average(b, weights=b + 1)", ({ b }) => np.average(b, { weights: b.add(1) })],
    ["np.average(x, axis=0, weights=b[:, 0])", ({ x, b }) => np.average(x, { axis: 0, weights: b.get(":, 0") })],
    ["np.average(T32, weights=Tw32)", ({ T32, Tw32 }) => np.average(T32, { weights: Tw32 })], ["np.average(T32, axis=1, weights=Tw32, returned=True)", ({ T32, Tw32 }) => np.average(T32, { axis: 1, weights: Tw32, returned: true })],
    ["np.average(T32, axis=0, weights=Tw32[:, 0, 0])", ({ T32, Tw32 }) => np.average(T32, { axis: 0, weights: Tw32.get(":, 0, 0") })],
    ["np.average(T32, weights=Tw)", ({ T32, Tw }) => np.average(T32, { weights: Tw })], ["np.average(T, axis=2, weights=Tw32)", ({ T, Tw32 }) => np.average(T, { axis: 2, weights: Tw32 })],
    ["np.average(f32, axis=1, weights=[1, 2, 3, 4])", ({ f32 }) => np.average(f32, { axis: 1, weights: [1, 2, 3, 4] })],
    ["np.average(f32, axis=1, weights=np.array([1, 2, 3, 4], np.int16))", ({ f32 }) => np.average(f32, { axis: 1, weights: np.array([1, 2, 3, 4], { dtype: "int16" }) })],
    ["np.average(L32, weights=Lw.astype(np.float32))", ({ L32, Lw }) => np.average(L32, { weights: Lw.astype("float32") })],
    ["np.average(L32, weights=np.arange(20000) % 7)", ({ L32 }) => np.average(L32, { weights: np.arange(20000).mod(7) })],
  ]);
});

test("average's errors are NumPy's: weights of another shape without an axis, not 1-D, of the wrong length, summing to zero; bad axes; empty results", () => {
  runCases([
    ["np.average(x, weights=cw[:5])", ({ x, cw }) => np.average(x, { weights: cw.get(":5") })], ["np.average(T, axis=0, weights=Tw[0])", ({ T, Tw }) => np.average(T, { axis: 0, weights: Tw.get("0") })],
    ["np.average(x, axis=0, weights=cw[:5])", ({ x, cw }) => np.average(x, { axis: 0, weights: cw.get(":5") })],
    ["np.average(x, axis=2, weights=cw[:5])", ({ x, cw }) => np.average(x, { axis: 2, weights: cw.get(":5") })], ["np.average(x, axis=-3, weights=cw[:5])", ({ x, cw }) => np.average(x, { axis: -3, weights: cw.get(":5") })],
    ["np.average(x, axis=(1,), weights=cw[:5])", ({ x, cw }) => np.average(x, { axis: [1], weights: cw.get(":5") })],
    ["np.average(x, axis=2, weights=x)", ({ x }) => np.average(x, { axis: 2, weights: x })], ["np.average(x, axis=2)", ({ x }) => np.average(x, 2)],
    ["np.average(x, axis=(0, 0))", ({ x }) => np.average(x, { axis: [0, 0] })], ["np.average(x, axis=(1, -1), weights=x)", ({ x }) => np.average(x, { axis: [1, -1], weights: x })],
    ["np.average([1, 2], weights=[1, -1])", () => np.average([1, 2], { weights: [1, -1] })], ["np.average(x, axis=1, weights=[1, -1, 0, 0, 0])", ({ x }) => np.average(x, { axis: 1, weights: [1, -1, 0, 0, 0] })],
    ["np.average(x, axis=0, weights=np.zeros((4, 5)))", ({ x }) => np.average(x, { axis: 0, weights: np.zeros([4, 5]) })],
    ["np.average(np.zeros(0), weights=np.zeros(0))", () => np.average(np.zeros(0), { weights: np.zeros(0) })],
    ["np.average(np.zeros((0, 3)), axis=1)", () => np.average(np.zeros([0, 3]), 1)], ["np.average(np.zeros((0, 3)), axis=0)", () => np.average(np.zeros([0, 3]), 0)],
    ["np.average(np.zeros(0))", () => np.average(np.zeros(0))],
  ]);
});
