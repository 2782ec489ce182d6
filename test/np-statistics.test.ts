/**
 * Order statistics and histograms (lib/np/statistics.ts, lib/np/partition.ts) against Debian's
 * NumPy 1.24: the same inputs on both sides, every expression evaluated by NumPy at test time,
 * and values (-0.0 apart from 0.0), dtypes, shapes, reprs, error types and messages compared.
 * Besides numpy-cases.ts' inputs, this file draws its own from a second seeded generator (so
 * that its draws do not depend on the shared ones): long lines for the selection algorithm,
 * lines of ±0 where only NumPy's own swaps give NumPy's signs, NaNs, and histogram data with
 * values on and next to bin edges.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { np } from "../lib";
import type { NDArray } from "../lib/np";
import { partitionLines, prepareKth } from "../lib/np/partition";
import { pythonJson } from "./oracle";
import { assertWarningsAlike, compare, encode, ourInputs, PY_INPUTS, PY_RUN, type Enc, runCasesWith } from "./numpy-cases";

const PY_EXTRA = `
hr = np.random.default_rng(99)
h = hr.standard_normal(1001)
he = hr.standard_normal(1000)
hz = hr.standard_normal(3001) * 0
ht = hr.integers(0, 5, (50, 40)).astype(np.float64)
hn = np.where(hr.random(700) < 0.1, np.nan, hr.standard_normal(700))
hf = hr.standard_normal(999).astype(np.float32)
hn2 = np.where(hr.random((3, 700)) < 0.2, np.nan, hr.standard_normal((3, 700)))
hw = hr.uniform(-3, 7, 20000)
hi = hr.integers(-50, 50, 3000)
Sn = np.where(S > 1, np.nan, S)
roll = np.concatenate([np.arange(1000, 2000), np.arange(1000)])
`;

function extraInputs(S: NDArray) {
  const hr = np.random.defaultRng(99);
  const h = hr.standardNormal(1001) as NDArray;
  const he = hr.standardNormal(1000) as NDArray;
  const hz = (hr.standardNormal(3001) as NDArray).mul(0);
  const ht = (hr.integers(0, 5, [50, 40]) as NDArray).astype("float64");
  const r1 = hr.random(700) as NDArray;
  const hn = np.where(r1.lt(0.1), NaN, hr.standardNormal(700) as NDArray);
  const hf = (hr.standardNormal(999) as NDArray).astype("float32");
  const r2 = hr.random([3, 700]) as NDArray;
  const hn2 = np.where(r2.lt(0.2), NaN, hr.standardNormal([3, 700]) as NDArray);
  const hw = hr.uniform(-3, 7, 20000) as NDArray;
  const hi = hr.integers(-50, 50, 3000) as NDArray;
  const Sn = np.where(S.gt(1), NaN, S);
  const roll = np.concatenate([np.arange(1000, 2000), np.arange(1000)]);
  return { h, he, hz, ht, hn, hf, hn2, hw, hi, Sn, roll };
}

function inputs() {
  const base = ourInputs();
  return { ...base, ...extraInputs(base.S) };
}
type In = ReturnType<typeof inputs>;
type Case = [string, (inp: In) => unknown];

/** The cases against NumPy with this file's inputs (runCasesWith, numpy-cases.ts). */
function runStatCases(cases: Case[]): void {
  runCasesWith(cases, PY_EXTRA, inputs);
}

const f64 = (v: number[] | number[][]) => np.array(v, { dtype: "float64" });
const METHODS = ["inverted_cdf", "averaged_inverted_cdf", "closest_observation", "interpolated_inverted_cdf", "hazen", "weibull", "linear", "median_unbiased", "normal_unbiased", "lower", "higher", "midpoint", "nearest"] as const;

test("the extra inputs are NumPy's (same seed, same stream)", () => {
  const names = ["h", "he", "hz", "ht", "hn", "hf", "hn2", "hw", "hi", "Sn", "roll"] as const;
  const want = pythonJson<Enc[]>(PY_INPUTS + PY_EXTRA + PY_RUN, JSON.stringify(names));
  const inp = inputs();
  names.forEach((n, k) => compare(encode(inp[n]), want[k], `input ${n}`));
});

test("partition is NumPy's introselect: whole partitioned lines equal np.partition's (ties, ±0, NaN, the median-of-medians fallback, float32, int64)", () => {
  // Every element's place is compared, not only the kth ones: the port must swap as NumPy does.
  const part = (a: NDArray, kth: number[], lines = 1): NDArray => {
    const c = a.copy();
    const n = c.size / lines;
    partitionLines(c.nd.data, lines, n, prepareKth(kth, n, false), a.dtype === "float64" || a.dtype === "float32");
    return c;
  };
  runStatCases([
    ["np.partition(hz, [1500, -1])", ({ hz }) => part(hz, [1500, -1])], ["np.partition(hz, [0, 1, 2, 1499, 1500, 3000])", ({ hz }) => part(hz, [0, 1, 2, 1499, 1500, 3000])],
    ["np.partition(hz, [3, 700, 2990])", ({ hz }) => part(hz, [3, 700, 2990])], ["np.partition(h, 500)", ({ h }) => part(h, [500])],
    ["np.partition(he, [499, 500, -1])", ({ he }) => part(he, [499, 500, -1])], ["np.partition(hn, [349, -1])", ({ hn }) => part(hn, [349, -1])],
    ["np.partition(hn, [0, 10, 600])", ({ hn }) => part(hn, [0, 10, 600])], ["np.partition(hf, [10, 499, -1])", ({ hf }) => part(hf, [10, 499, -1])],
    ["np.partition(ht, [19, 20, -1], axis=1)", ({ ht }) => part(ht, [19, 20, -1], 50)], ["np.partition(ht.ravel(), [999, 1000])", ({ ht }) => part(ht.ravel(), [999, 1000])],
    ["np.partition(hi, [0, 1500, 2999])", ({ hi }) => part(hi, [0, 1500, 2999])], ["np.partition(hi, 1499)", ({ hi }) => part(hi, [1499])],
    ["np.partition(roll, 1000)", ({ roll }) => part(roll, [1000])], ["np.partition(roll.astype(float), [999, 1000, -1])", ({ roll }) => part(roll.astype("float64"), [999, 1000, -1])],
    ["np.partition(roll.astype(np.float32), 1500)", ({ roll }) => part(roll.astype("float32"), [1500])],
    ["np.partition(np.concatenate([np.arange(1000), np.arange(1000)[::-1]]), [5, 1000])", () => part(np.concatenate([np.arange(1000), np.arange(1000).get("::-1")]), [5, 1000])],
    ["np.partition(np.arange(2000) % 50 * 1.0, [900, 1000, 1100])", () => part(np.arange(2000).mod(50).astype("float64"), [900, 1000, 1100])],
    ["np.partition(u8, [2, 3])", ({ u8 }) => part(u8, [2, 3])], ["np.partition(b.ravel(), [9, 10])", ({ b }) => part(b.ravel(), [9, 10])],
  ]);
});

test("median agrees with NumPy: odd and even lengths, axes (negative, lists, all, none), keepdims, dtypes, NaN, ±0, overflow, empty input and axis errors", () => {
  runStatCases([
    ["np.median(x)", ({ x }) => np.median(x)], ["np.median(x, axis=0)", ({ x }) => np.median(x, { axis: 0 })], ["np.median(x, axis=1)", ({ x }) => np.median(x, 1)],
    ["np.median(x, axis=-1)", ({ x }) => np.median(x, -1)], ["np.median(x, axis=(0, 1))", ({ x }) => np.median(x, { axis: [0, 1] })], ["np.median(x, axis=(1, 0))", ({ x }) => np.median(x, { axis: [1, 0] })],
    ["np.median(x, axis=())", ({ x }) => np.median(x, { axis: [] })], ["np.median(x, keepdims=True)", ({ x }) => np.median(x, { keepdims: true })],
    ["np.median(x, axis=1, keepdims=True)", ({ x }) => np.median(x, { axis: 1, keepdims: true })], ["np.median(x.T[::-1])", ({ x }) => np.median(x.T.get("::-1"))],
    ["np.median(x[:, ::2], axis=0)", ({ x }) => np.median(x.get(":, ::2"), 0)], ["np.median(S, axis=(0, 2))", ({ S }) => np.median(S, { axis: [0, 2] })],
    ["np.median(S, axis=(-1, 0), keepdims=True)", ({ S }) => np.median(S, { axis: [-1, 0], keepdims: true })], ["np.median(S, axis=(1, 2))", ({ S }) => np.median(S, { axis: [1, 2] })],
    ["np.median(S, axis=1)", ({ S }) => np.median(S, 1)], ["np.median([[10, 7, 4], [3, 2, 1]])", () => np.median([[10, 7, 4], [3, 2, 1]])], ["np.median(5)", () => np.median(5)],
    ["np.median(i)", ({ i }) => np.median(i)], ["np.median(i, axis=0)", ({ i }) => np.median(i, 0)], ["np.median(i, axis=1)", ({ i }) => np.median(i, 1)], ["np.median(u8)", ({ u8 }) => np.median(u8)],
    ["np.median(A8, axis=0)", ({ A8 }) => np.median(A8, 0)], ["np.median(b)", ({ b }) => np.median(b)], ["np.median(b, axis=0)", ({ b }) => np.median(b, 0)],
    ["np.median(f32)", ({ f32 }) => np.median(f32)], ["np.median(f32, axis=0)", ({ f32 }) => np.median(f32, 0)], ["np.median(f32, axis=1, keepdims=True)", ({ f32 }) => np.median(f32, { axis: 1, keepdims: true })],
    ["np.median(hf)", ({ hf }) => np.median(hf)], ["np.median(hf[1:])", ({ hf }) => np.median(hf.get("1:"))],
    ["np.median(xn)", ({ xn }) => np.median(xn)], ["np.median(xn, axis=0)", ({ xn }) => np.median(xn, 0)], ["np.median(xn, axis=1)", ({ xn }) => np.median(xn, 1)],
    ["np.median(xn, axis=1, keepdims=True)", ({ xn }) => np.median(xn, { axis: 1, keepdims: true })], ["np.median(hn)", ({ hn }) => np.median(hn)], ["np.median(hn2, axis=0)", ({ hn2 }) => np.median(hn2, 0)],
    ["np.median(h)", ({ h }) => np.median(h)], ["np.median(he)", ({ he }) => np.median(he)], ["np.median(ht, axis=0)", ({ ht }) => np.median(ht, 0)], ["np.median(ht, axis=1)", ({ ht }) => np.median(ht, 1)],
    ["np.median(hi)", ({ hi }) => np.median(hi)], ["np.median(roll)", ({ roll }) => np.median(roll)], ["np.median(A)", ({ A }) => np.median(A)], ["np.median(A, axis=0)", ({ A }) => np.median(A, 0)],
    ["np.median(hz)", ({ hz }) => np.median(hz)], ["np.median(hz[:2000])", ({ hz }) => np.median(hz.get(":2000"))], ["np.median(x * 0, axis=0)", ({ x }) => np.median(x.mul(0), 0)],
    ["np.median(np.array([[-0.0], [-0.0]]), axis=0)", () => np.median(f64([[-0], [-0]]), 0)], ["np.median(np.array([-0.0]))", () => np.median(f64([-0]))],
    ["np.median(np.array([1e308, 1e308]))", () => np.median(f64([1e308, 1e308]))], ["np.median(np.array([1e308, 1e308, 1.0]))", () => np.median(f64([1e308, 1e308, 1]))],
    ["np.median(np.array([np.inf, -np.inf]))", () => np.median(f64([Infinity, -Infinity]))], ["np.median(np.array([np.inf, 1.0, np.inf]))", () => np.median(f64([Infinity, 1, Infinity]))],
    ["np.median(np.array([3e38, 3e38], np.float32))", () => np.median(np.array([3e38, 3e38], { dtype: "float32" }))],
    ["np.median(np.zeros(0))", () => np.median(np.zeros(0))], ["np.median(np.zeros((0, 3)), axis=0)", () => np.median(np.zeros([0, 3]), 0)],
    ["np.median(np.zeros((0, 3)), axis=1)", () => np.median(np.zeros([0, 3]), 1)], ["np.median(np.zeros((3, 0)), axis=0)", () => np.median(np.zeros([3, 0]), 0)],
    ["np.median(np.zeros((0, 3), np.float32), axis=0)", () => np.median(np.zeros([0, 3], { dtype: "float32" }), 0)], ["np.median(np.zeros((0, 3), np.int64))", () => np.median(np.zeros([0, 3], { dtype: "int64" }))],
    ["np.median(x, axis=2)", ({ x }) => np.median(x, 2)], ["np.median(x, axis=-3)", ({ x }) => np.median(x, -3)], ["np.median(x, axis=(0, 0))", ({ x }) => np.median(x, { axis: [0, 0] })],
    ["np.median(x, axis=(0, -2))", ({ x }) => np.median(x, { axis: [0, -2] })],
  ]);
});

test("quantile agrees with NumPy for each of its 13 methods: q scalar and list, axes, keepdims, integer, float32 and bool data, NaN and ±0", () => {
  runStatCases(METHODS.flatMap((m): Case[] => [
    [`np.quantile(x, 0.3, method='${m}')`, ({ x }) => np.quantile(x, 0.3, { method: m })],
    [`np.quantile(x, [0, 0.25, 0.5, 0.9, 1], axis=0, method='${m}')`, ({ x }) => np.quantile(x, [0, 0.25, 0.5, 0.9, 1], { axis: 0, method: m })],
    [`np.quantile(x, [0.1, 0.2], axis=1, keepdims=True, method='${m}')`, ({ x }) => np.quantile(x, [0.1, 0.2], { axis: 1, keepdims: true, method: m })],
    [`np.quantile(S, 0.6, axis=(0, 2), method='${m}')`, ({ S }) => np.quantile(S, 0.6, { axis: [0, 2], method: m })],
    [`np.quantile(h, [0.001, 0.1, 0.5, 0.99, 0.999], method='${m}')`, ({ h }) => np.quantile(h, [0.001, 0.1, 0.5, 0.99, 0.999], { method: m })],
    [`np.quantile(he, np.linspace(0, 1, 11), method='${m}')`, ({ he }) => np.quantile(he, np.linspace(0, 1, 11), { method: m })],
    [`np.quantile(i, [0.2, 0.7], axis=1, method='${m}')`, ({ i }) => np.quantile(i, [0.2, 0.7], { axis: 1, method: m })],
    [`np.quantile(u8, 0.45, method='${m}')`, ({ u8 }) => np.quantile(u8, 0.45, { method: m })],
    [`np.quantile(f32, 0.4, method='${m}')`, ({ f32 }) => np.quantile(f32, 0.4, { method: m })],
    [`np.quantile(f32, [0.4], axis=0, method='${m}')`, ({ f32 }) => np.quantile(f32, [0.4], { axis: 0, method: m })],
    [`np.quantile(x, np.array([0.3, 0.65], np.float32), axis=1, method='${m}')`, ({ x }) => np.quantile(x, np.array([0.3, 0.65], { dtype: "float32" }), { axis: 1, method: m })],
    [`np.quantile(xn, [0.1, 0.5], axis=1, method='${m}')`, ({ xn }) => np.quantile(xn, [0.1, 0.5], { axis: 1, method: m })],
    [`np.quantile(xn, 0.5, method='${m}')`, ({ xn }) => np.quantile(xn, 0.5, { method: m })],
    [`np.quantile(hz, [0, 0.013, 0.3, 0.5, 0.77, 1], method='${m}')`, ({ hz }) => np.quantile(hz, [0, 0.013, 0.3, 0.5, 0.77, 1], { method: m })],
    [`np.quantile(A * 0, [0.1, 0.5], axis=0, method='${m}')`, ({ A }) => np.quantile(A.mul(0), [0.1, 0.5], { axis: 0, method: m })],
    [`np.quantile(b, 0.5, method='${m}')`, ({ b }) => np.quantile(b, 0.5, { method: m })],
    [`np.quantile(i, 1, method='${m}')`, ({ i }) => np.quantile(i, 1, { method: m })],
    [`np.quantile(x, [0, 1], axis=0, method='${m}')`, ({ x }) => np.quantile(x, [0, 1], { axis: 0, method: m })],
  ]));
});

test("quantile and percentile agree with NumPy: integral and array q, percent division, infinities, int8 wrap-around, empty input and every error", () => {
  runStatCases([
    ["np.quantile(x, 1)", ({ x }) => np.quantile(x, 1)], ["np.quantile(i, 1)", ({ i }) => np.quantile(i, 1)], ["np.quantile(i, [0, 1], axis=0)", ({ i }) => np.quantile(i, [0, 1], { axis: 0 })],
    ["np.quantile(x, np.array([0.5, 0.25]))", ({ x }) => np.quantile(x, np.array([0.5, 0.25]))], ["np.quantile(x, [[0.1, 0.2], [0.3, 0.4]], axis=0)", ({ x }) => np.quantile(x, [[0.1, 0.2], [0.3, 0.4]], { axis: 0 })],
    ["np.quantile(x, [[0.1, 0.2]], axis=1, keepdims=True)", ({ x }) => np.quantile(x, [[0.1, 0.2]], { axis: 1, keepdims: true })], ["np.quantile(x, 0.5, keepdims=True)", ({ x }) => np.quantile(x, 0.5, { keepdims: true })],
    ["np.quantile(x, True)", ({ x }) => np.quantile(x, true)], ["np.quantile(x, np.array(0.3, np.float32))", ({ x }) => np.quantile(x, np.array(0.3, { dtype: "float32" }))],
    ["np.quantile(np.array([1., np.inf]), np.array(1.0))", () => np.quantile(f64([1, Infinity]), np.array(1, { dtype: "float64" }))],
    ["np.quantile(np.array([1., np.inf]), 1)", () => np.quantile(f64([1, Infinity]), 1)], ["np.quantile(np.array([-np.inf, 1., np.inf]), [0, 0.25, 0.5, 1])", () => np.quantile(f64([-Infinity, 1, Infinity]), [0, 0.25, 0.5, 1])],
    ["np.quantile(np.array([1, np.nan], np.float32), 0.5, keepdims=True)", () => np.quantile(np.array([1, NaN], { dtype: "float32" }), 0.5, { keepdims: true })],
    ["np.quantile(np.array([-100, 100], np.int8), 0.5)", () => np.quantile(np.array([-100, 100], { dtype: "int8" }), 0.5)],
    // NumPy partitions at 0 and -1 too: the NaN must reach the end to be seen, and the ±0 land where NumPy's swaps put them.
    ["np.quantile(np.array([np.nan, 1, 2, 3, 4, 5, 6, 7, 8, 9.]), [0.1, 0.2])", () => np.quantile(f64([NaN, 1, 2, 3, 4, 5, 6, 7, 8, 9]), [0.1, 0.2])],
    ["np.quantile(np.array([[np.nan, 1, 2, 3, 4, 5, 6, 7, 8, 9.]] * 2).T, 0.15, axis=0)", () => np.quantile(np.stack([f64([NaN, 1, 2, 3, 4, 5, 6, 7, 8, 9]), f64([NaN, 1, 2, 3, 4, 5, 6, 7, 8, 9])]).T, 0.15, { axis: 0 })],
    ...(["linear", "hazen", "weibull", "midpoint", "median_unbiased"] as const).flatMap((m): Case[] => [
      [`np.quantile(np.array([0., -0., -0., 0., -0., 0., 0., -0., 0., -0., -0.])[::-1], np.linspace(0, 1, 15), method='${m}')`, () => np.quantile(f64([0, -0, -0, 0, -0, 0, 0, -0, 0, -0, -0]).get("::-1"), np.linspace(0, 1, 15), { method: m })],
      [`np.quantile(hz, [0.013, 0.3, 0.5, 0.77], method='${m}')`, ({ hz }) => np.quantile(hz, [0.013, 0.3, 0.5, 0.77], { method: m })],
      [`np.quantile(hz[:2997].reshape(3, 999), [0.31, 0.62], axis=1, method='${m}')`, ({ hz }) => np.quantile(hz.get(":2997").reshape(3, 999), [0.31, 0.62], { axis: 1, method: m })],
      [`np.quantile(hz[:9], np.linspace(0, 1, 17), method='${m}')`, ({ hz }) => np.quantile(hz.get(":9"), np.linspace(0, 1, 17), { method: m })],
      [`np.quantile(hz[:300].reshape(20, 15), np.linspace(0, 1, 9), axis=1, method='${m}')`, ({ hz }) => np.quantile(hz.get(":300").reshape(20, 15), np.linspace(0, 1, 9), { axis: 1, method: m })],
    ]),
    ["np.quantile(np.zeros((0, 3)), 0.5, axis=1)", () => np.quantile(np.zeros([0, 3]), 0.5, { axis: 1 })], ["np.quantile(x, [])", ({ x }) => np.quantile(x, [])],
    ["np.quantile([[1, 2], [3, 4]], 0.5)", () => np.quantile([[1, 2], [3, 4]], 0.5)], ["np.quantile(7.5, 0.5)", () => np.quantile(7.5, 0.5)],
    ["np.percentile(x, 50)", ({ x }) => np.percentile(x, 50)], ["np.percentile(x, [25, 75], axis=1)", ({ x }) => np.percentile(x, [25, 75], { axis: 1 })],
    ["np.percentile(x, 100)", ({ x }) => np.percentile(x, 100)], ["np.percentile(i, 100)", ({ i }) => np.percentile(i, 100)], ["np.percentile(i, 30, method='lower')", ({ i }) => np.percentile(i, 30, { method: "lower" })],
    ["np.percentile(h, [33.3, 66.6, 99.9])", ({ h }) => np.percentile(h, [33.3, 66.6, 99.9])], ["np.percentile(he, np.linspace(0, 100, 21), axis=0, method='midpoint')", ({ he }) => np.percentile(he, np.linspace(0, 100, 21), { axis: 0, method: "midpoint" })],
    ["np.percentile(f32, np.array([10, 90], np.float32), axis=1)", ({ f32 }) => np.percentile(f32, np.array([10, 90], { dtype: "float32" }), { axis: 1 })], ["np.percentile(S, 40, axis=(0, 1), keepdims=True)", ({ S }) => np.percentile(S, 40, { axis: [0, 1], keepdims: true })],
    ["np.quantile(x, 1.5)", ({ x }) => np.quantile(x, 1.5)], ["np.quantile(x, -0.1)", ({ x }) => np.quantile(x, -0.1)], ["np.quantile(x, np.nan)", ({ x }) => np.quantile(x, NaN)],
    ["np.quantile(x, [0.5, 2])", ({ x }) => np.quantile(x, [0.5, 2])], ["np.quantile(x, np.linspace(0, 1.1, 12))", ({ x }) => np.quantile(x, np.linspace(0, 1.1, 12))],
    ["np.percentile(x, 101)", ({ x }) => np.percentile(x, 101)], ["np.percentile(x, [-1, 50])", ({ x }) => np.percentile(x, [-1, 50])],
    ["np.quantile(x, 0.5, method='foo')", ({ x }) => np.quantile(x, 0.5, { method: "foo" as never })], ["np.quantile(x, [[[0.5]]])", ({ x }) => np.quantile(x, [[[0.5]]])],
    ["np.quantile(x, 0.5, axis=2)", ({ x }) => np.quantile(x, 0.5, { axis: 2 })], ["np.quantile(x, 0.5, axis=(1, 1))", ({ x }) => np.quantile(x, 0.5, { axis: [1, 1] })],
    ["np.quantile(x, 1, method='weibull')", ({ x }) => np.quantile(x, 1, { method: "weibull" })], ["np.quantile(b, 0.5)", ({ b }) => np.quantile(b, 0.5)],
    ["np.quantile(np.zeros(0), 0.5)", () => np.quantile(np.zeros(0), 0.5)], ["np.quantile(np.zeros(0), 0.5, method='lower')", () => np.quantile(np.zeros(0), 0.5, { method: "lower" })],
    ["np.quantile(np.zeros(0, np.int64), 0.5)", () => np.quantile(np.zeros(0, { dtype: "int64" }), 0.5)], ["np.quantile(np.zeros(0, np.int64), [])", () => np.quantile(np.zeros(0, { dtype: "int64" }), [])],
    ["np.quantile(np.zeros((3, 0)), 0.5, axis=1)", () => np.quantile(np.zeros([3, 0]), 0.5, { axis: 1 })],
  ]);
});

test("nanmedian, nanquantile and nanpercentile agree with NumPy: NaN ignored, all-NaN slices, NumPy's two nanmedian paths (its overflow included), dtypes, q's place and empty input", () => {
  const allNaN = np.full([3, 4], NaN);
  runStatCases([
    ["np.nanmedian(xn)", ({ xn }) => np.nanmedian(xn)], ["np.nanmedian(xn, axis=0)", ({ xn }) => np.nanmedian(xn, 0)], ["np.nanmedian(xn, axis=-1, keepdims=True)", ({ xn }) => np.nanmedian(xn, { axis: -1, keepdims: true })],
    ["np.nanmedian(xn, axis=(0, 1))", ({ xn }) => np.nanmedian(xn, { axis: [0, 1] })], ["np.nanmedian(x, axis=1)", ({ x }) => np.nanmedian(x, 1)], ["np.nanmedian(i, axis=0)", ({ i }) => np.nanmedian(i, 0)],
    ["np.nanmedian(i)", ({ i }) => np.nanmedian(i)], ["np.nanmedian(b, axis=1)", ({ b }) => np.nanmedian(b, 1)], ["np.nanmedian(hn)", ({ hn }) => np.nanmedian(hn)], ["np.nanmedian(hn2, axis=1)", ({ hn2 }) => np.nanmedian(hn2, 1)],
    ["np.nanmedian(hn2, axis=0)", ({ hn2 }) => np.nanmedian(hn2, 0)], ["np.nanmedian(Sn, axis=(0, 2))", ({ Sn }) => np.nanmedian(Sn, { axis: [0, 2] })], ["np.nanmedian(Sn, axis=1, keepdims=True)", ({ Sn }) => np.nanmedian(Sn, { axis: 1, keepdims: true })],
    ["np.nanmedian(np.where(f32 > 0, f32, np.float32(np.nan)), axis=1)", ({ f32 }) => np.nanmedian(np.where(f32.gt(0), f32, np.array(NaN, { dtype: "float32" })), 1)],
    ["np.nanmedian(np.where(f32 > 0, f32, np.float32(np.nan)))", ({ f32 }) => np.nanmedian(np.where(f32.gt(0), f32, np.array(NaN, { dtype: "float32" })))],
    ["np.nanmedian(np.full((3, 4), np.nan), axis=0)", () => np.nanmedian(allNaN, 0)], ["np.nanmedian(np.full((3, 4), np.nan))", () => np.nanmedian(allNaN)],
    ["np.nanmedian(np.array([[1e308, np.nan, 1e308, 5]]), axis=1)", () => np.nanmedian(f64([[1e308, NaN, 1e308, 5]]), 1)], ["np.nanmedian(np.array([1e308, np.nan, 1e308, 5]))", () => np.nanmedian(f64([1e308, NaN, 1e308, 5]))],
    ["np.nanmedian(np.array([[-0.0, -0.0, np.nan]]), axis=1)", () => np.nanmedian(f64([[-0, -0, NaN]]), 1)],
    ["np.nanmedian(np.zeros(0))", () => np.nanmedian(np.zeros(0))], ["np.nanmedian(np.zeros((0, 3)), axis=0)", () => np.nanmedian(np.zeros([0, 3]), 0)],
    ["np.nanmedian(np.zeros((0, 3), np.float32), axis=0, keepdims=True)", () => np.nanmedian(np.zeros([0, 3], { dtype: "float32" }), { axis: 0, keepdims: true })],
    ["np.nanmedian(np.zeros((0, 3), np.int64), axis=0)", () => np.nanmedian(np.zeros([0, 3], { dtype: "int64" }), 0)], ["np.nanmedian(np.zeros((3, 0)), axis=0)", () => np.nanmedian(np.zeros([3, 0]), 0)],
    ["np.nanmedian(xn, axis=2)", ({ xn }) => np.nanmedian(xn, 2)], ["np.nanmedian(xn, axis=(0, 0))", ({ xn }) => np.nanmedian(xn, { axis: [0, 0] })],
    ["np.nanquantile(xn, 0.5)", ({ xn }) => np.nanquantile(xn, 0.5)], ["np.nanquantile(xn, [0.25, 0.75], axis=0)", ({ xn }) => np.nanquantile(xn, [0.25, 0.75], { axis: 0 })],
    ["np.nanquantile(xn, [0.25, 0.75], axis=1, keepdims=True, method='nearest')", ({ xn }) => np.nanquantile(xn, [0.25, 0.75], { axis: 1, keepdims: true, method: "nearest" })],
    ["np.nanquantile(xn, [[0.1, 0.2]], axis=0)", ({ xn }) => np.nanquantile(xn, [[0.1, 0.2]], { axis: 0 })], ["np.nanquantile(xn, 0.3, axis=0, method='lower')", ({ xn }) => np.nanquantile(xn, 0.3, { axis: 0, method: "lower" })],
    ["np.nanquantile(hn2, [0.1, 0.9], axis=1)", ({ hn2 }) => np.nanquantile(hn2, [0.1, 0.9], { axis: 1 })], ["np.nanquantile(hn, np.linspace(0, 1, 13), method='hazen')", ({ hn }) => np.nanquantile(hn, np.linspace(0, 1, 13), { method: "hazen" })],
    ["np.nanquantile(Sn, [0.5, 0.7], axis=1)", ({ Sn }) => np.nanquantile(Sn, [0.5, 0.7], { axis: 1 })], ["np.nanquantile(Sn, 0.5, axis=(0, 2), keepdims=True)", ({ Sn }) => np.nanquantile(Sn, 0.5, { axis: [0, 2], keepdims: true })],
    ["np.nanquantile(Sn, [[0.2], [0.6]], axis=2)", ({ Sn }) => np.nanquantile(Sn, [[0.2], [0.6]], { axis: 2 })], ["np.nanquantile(i, 1, axis=1)", ({ i }) => np.nanquantile(i, 1, { axis: 1 })],
    ["np.nanquantile(np.array([[np.nan, np.nan], [1, 2]], np.float32), 0.5, axis=1)", () => np.nanquantile(np.array([[NaN, NaN], [1, 2]], { dtype: "float32" }), 0.5, { axis: 1 })],
    ["np.nanquantile(np.array([[1, 2], [np.nan, np.nan]], np.float32), 0.5, axis=1)", () => np.nanquantile(np.array([[1, 2], [NaN, NaN]], { dtype: "float32" }), 0.5, { axis: 1 })],
    ["np.nanquantile(np.full(3, np.nan), 0.5, method='foo')", () => np.nanquantile(np.full(3, NaN), 0.5, { method: "foo" as never })], ["np.nanquantile(np.full(3, np.nan), [0.5, 0.6])", () => np.nanquantile(np.full(3, NaN), [0.5, 0.6])],
    ["np.nanquantile(np.zeros((0, 2)), [0.5, 0.7], axis=0)", () => np.nanquantile(np.zeros([0, 2]), [0.5, 0.7], { axis: 0 })], ["np.nanquantile(xn, 2)", ({ xn }) => np.nanquantile(xn, 2)],
    ["np.nanquantile(xn, 0.5, method='foo')", ({ xn }) => np.nanquantile(xn, 0.5, { method: "foo" as never })],
    ["np.nanpercentile(xn, [10, 90], axis=1)", ({ xn }) => np.nanpercentile(xn, [10, 90], { axis: 1 })], ["np.nanpercentile(hn, 50)", ({ hn }) => np.nanpercentile(hn, 50)],
    ["np.nanpercentile([[1, np.nan], [3, 4]], 50, axis=0)", () => np.nanpercentile([[1, NaN], [3, 4]], 50, { axis: 0 })], ["np.nanpercentile(xn, -5)", ({ xn }) => np.nanpercentile(xn, -5)],
  ]);
});

test("histogram agrees with NumPy: counts for values on and within an ulp of bin edges, ranges, float32, integer and bool data, empty data, given edges, density and errors", () => {
  runStatCases([
    ["np.histogram(x)", ({ x }) => np.histogram(x)], ["np.histogram(x, 7)", ({ x }) => np.histogram(x, 7)], ["np.histogram(hw)", ({ hw }) => np.histogram(hw)],
    ["np.histogram(hw, 37, range=(-1.3, 2.7))", ({ hw }) => np.histogram(hw, 37, { range: [-1.3, 2.7] })], ["np.histogram(hw, 1000)", ({ hw }) => np.histogram(hw, 1000)],
    ["np.histogram(hw.astype(np.float32), 13)", ({ hw }) => np.histogram(hw.astype("float32"), 13)], ["np.histogram(hw.astype(np.float32), 10, range=(0.1, 0.7))", ({ hw }) => np.histogram(hw.astype("float32"), 10, { range: [0.1, 0.7] })],
    ["np.histogram(hw.astype(np.float32), 333, range=(-2, 6))", ({ hw }) => np.histogram(hw.astype("float32"), 333, { range: [-2, 6] })],
    ["np.histogram(np.arange(101) / 10, 100, range=(0, 10))", () => np.histogram(np.arange(101).div(10), 100, { range: [0, 10] })], ["np.histogram(np.arange(101) / 10, 10)", () => np.histogram(np.arange(101).div(10), 10)],
    ["np.histogram(np.arange(1000) * 0.001, 1000)", () => np.histogram(np.arange(1000).mul(0.001), 1000)], ["np.histogram(np.arange(1000) * 0.001, 7, range=(0.001, 0.998))", () => np.histogram(np.arange(1000).mul(0.001), 7, { range: [0.001, 0.998] })],
    ["np.histogram(np.linspace(-3, 7, 101), 10)", () => np.histogram(np.linspace(-3, 7, 101), 10)], ["np.histogram(np.linspace(-3, 7, 1001), 1000)", () => np.histogram(np.linspace(-3, 7, 1001), 1000)],
    ["np.histogram(np.linspace(0.1, 0.9, 241), 80)", () => np.histogram(np.linspace(0.1, 0.9, 241), 80)], ["np.histogram(np.linspace(0.1, 0.9, 241).astype(np.float32), 80)", () => np.histogram(np.linspace(0.1, 0.9, 241).astype("float32"), 80)],
    ["np.histogram(np.linspace(-0.3, 0.9, 97), 96, range=(-0.3, 0.9))", () => np.histogram(np.linspace(-0.3, 0.9, 97), 96, { range: [-0.3, 0.9] })],
    ["np.histogram(np.linspace(1e-3, 1e3, 3001), 3000)", () => np.histogram(np.linspace(1e-3, 1e3, 3001), 3000)], ["np.histogram(np.array([0., 1., 1.]), 2)", () => np.histogram(f64([0, 1, 1]), 2)],
    ["np.histogram(i, 3)", ({ i }) => np.histogram(i, 3)], ["np.histogram(i, 4, range=(-2, 2))", ({ i }) => np.histogram(i, 4, { range: [-2, 2] })], ["np.histogram(hi, 7)", ({ hi }) => np.histogram(hi, 7)],
    ["np.histogram(u8, 5, range=(-5, 300))", ({ u8 }) => np.histogram(u8, 5, { range: [-5, 300] })], ["np.histogram(A8, 6)", ({ A8 }) => np.histogram(A8, 6)], ["np.histogram(b)", ({ b }) => np.histogram(b)],
    ["np.histogram(np.full(5, 3), 4)", () => np.histogram(np.full(5, 3), 4)], ["np.histogram(np.full(5, 3.5, np.float32))", () => np.histogram(np.full(5, 3.5, { dtype: "float32" }))],
    ["np.histogram(np.full(3, 1e8, np.float32))", () => np.histogram(np.full(3, 1e8, { dtype: "float32" }))],
    // float32 data is compared with the range in float32: 1e8 is kept in (1e8 + 0.3, 1e8 + 2.7).
    ["np.histogram(np.full(3, 1e8, np.float32), 10, range=(1e8 + 0.3, 1e8 + 2.7))", () => np.histogram(np.full(3, 1e8, { dtype: "float32" }), 10, { range: [1e8 + 0.3, 1e8 + 2.7] })],
    ["np.histogram(np.array([1e8, 1e8 + 8, 1e8 + 16], np.float32), 4, range=(1e8 + 0.5, 1e8 + 15.5))", () => np.histogram(np.array([1e8, 1e8 + 8, 1e8 + 16], { dtype: "float32" }), 4, { range: [1e8 + 0.5, 1e8 + 15.5] })],
    // An integral JS number is a Python int (docs/porting.md): NumPy then compares in float64.
    ["np.histogram(np.array([1e8, 1e8 + 8, 1e8 + 16], np.float32), 4, range=(10**8 + 1, 10**8 + 15))", () => np.histogram(np.array([1e8, 1e8 + 8, 1e8 + 16], { dtype: "float32" }), 4, { range: [1e8 + 1, 1e8 + 15] })],
    ["np.histogram(np.array([0.1, 0.2, 0.3, 0.7], np.float32), 6, range=(0.1, 0.7))", () => np.histogram(np.array([0.1, 0.2, 0.3, 0.7], { dtype: "float32" }), 6, { range: [0.1, 0.7] })], ["np.histogram(x, range=(2, 2))", ({ x }) => np.histogram(x, 10, { range: [2, 2] })],
    ["np.histogram(np.zeros(0))", () => np.histogram(np.zeros(0))], ["np.histogram(np.zeros(0, np.float32), 3)", () => np.histogram(np.zeros(0, { dtype: "float32" }), 3)],
    ["np.histogram(xn, range=(-1, 1))", ({ xn }) => np.histogram(xn, 10, { range: [-1, 1] })], ["np.histogram(S, 5)", ({ S }) => np.histogram(S, 5)], ["np.histogram(x.T[::2], 4)", ({ x }) => np.histogram(x.T.get("::2"), 4)],
    ["np.histogram([1, 2, 1], 2)", () => np.histogram([1, 2, 1], 2)], ["np.histogram(x, np.array(3))", ({ x }) => np.histogram(x, np.array(3))],
    ["np.histogram(hw, 20, density=True)", ({ hw }) => np.histogram(hw, 20, { density: true })], ["np.histogram(f32, 3, density=True)", ({ f32 }) => np.histogram(f32, 3, { density: true })],
    ["np.histogram(hw, bins=[-3, -1, 0, 0.5, 7])", ({ hw }) => np.histogram(hw, [-3, -1, 0, 0.5, 7])], ["np.histogram(i, bins=np.array([-5, 0, 5]))", ({ i }) => np.histogram(i, np.array([-5, 0, 5]))],
    ["np.histogram(xn, bins=[-1, 0, 1])", ({ xn }) => np.histogram(xn, [-1, 0, 1])], ["np.histogram(hw, bins=np.linspace(-3, 7, 11))", ({ hw }) => np.histogram(hw, np.linspace(-3, 7, 11))],
    ["np.histogram(hf, bins=np.array([-1, 0, 1], np.float32))", ({ hf }) => np.histogram(hf, np.array([-1, 0, 1], { dtype: "float32" }))], ["np.histogram(i, bins=[0, 1.5, 3], density=True)", ({ i }) => np.histogram(i, [0, 1.5, 3], { density: true })],
    ["np.histogram(b, bins=[0, 1, 2])", ({ b }) => np.histogram(b, [0, 1, 2])], ["np.histogram(i, bins=[2])", ({ i }) => np.histogram(i, [2])],
    ["np.histogram(x, 2.5)", ({ x }) => np.histogram(x, 2.5)], ["np.histogram(x, 0)", ({ x }) => np.histogram(x, 0)], ["np.histogram(x, np.array(2.0))", ({ x }) => np.histogram(x, np.array(2, { dtype: "float64" }))],
    ["np.histogram(x, range=(3, 1))", ({ x }) => np.histogram(x, 10, { range: [3, 1] })], ["np.histogram(x, range=(0, np.inf))", ({ x }) => np.histogram(x, 10, { range: [0, Infinity] })],
    ["np.histogram(x, range=(np.nan, 0.5))", ({ x }) => np.histogram(x, 10, { range: [NaN, 0.5] })], ["np.histogram(xn)", ({ xn }) => np.histogram(xn)],
    ["np.histogram(np.array([1.5, np.inf], np.float32))", () => np.histogram(np.array([1.5, Infinity], { dtype: "float32" }))], ["np.histogram(x, bins=[0, 3, 1])", ({ x }) => np.histogram(x, [0, 3, 1])],
    ["np.histogram(x, bins=[[0, 1, 2]])", ({ x }) => np.histogram(x, [[0, 1, 2]] as never)],
  ]);
});

test("countNonzero and ptp agree with NumPy: axes, keepdims, NaN, views, dtypes (ptp wraps integers as NumPy does) and errors", () => {
  runStatCases([
    ["np.count_nonzero(i)", ({ i }) => np.countNonzero(i)], ["np.count_nonzero(i, axis=0)", ({ i }) => np.countNonzero(i, 0)], ["np.count_nonzero(i, axis=-1)", ({ i }) => np.countNonzero(i, { axis: -1 })],
    ["np.count_nonzero(i, axis=(0, 1))", ({ i }) => np.countNonzero(i, { axis: [0, 1] })], ["np.count_nonzero(i, keepdims=True)", ({ i }) => np.countNonzero(i, { keepdims: true })],
    ["np.count_nonzero(xn)", ({ xn }) => np.countNonzero(xn)], ["np.count_nonzero(b, axis=1)", ({ b }) => np.countNonzero(b, 1)], ["np.count_nonzero(S > 0, axis=(0, 2), keepdims=True)", ({ S }) => np.countNonzero(S.gt(0), { axis: [0, 2], keepdims: true })],
    ["np.count_nonzero(i.T[::2])", ({ i }) => np.countNonzero(i.T.get("::2"))], ["np.count_nonzero(x * 0)", ({ x }) => np.countNonzero(x.mul(0))], ["np.count_nonzero(u8 > 100)", ({ u8 }) => np.countNonzero(u8.gt(100))],
    ["np.count_nonzero(np.zeros((0, 3)), axis=0)", () => np.countNonzero(np.zeros([0, 3]), 0)], ["np.count_nonzero([[0, 1, 7], [3, 0, 0]])", () => np.countNonzero([[0, 1, 7], [3, 0, 0]])],
    ["np.count_nonzero(i, axis=2)", ({ i }) => np.countNonzero(i, 2)], ["np.count_nonzero(i, axis=(0, 0))", ({ i }) => np.countNonzero(i, { axis: [0, 0] })],
    ["np.ptp(x)", ({ x }) => np.ptp(x)], ["np.ptp(x, axis=0)", ({ x }) => np.ptp(x, 0)], ["np.ptp(i, axis=1, keepdims=True)", ({ i }) => np.ptp(i, { axis: 1, keepdims: true })],
    ["np.ptp(i, keepdims=True)", ({ i }) => np.ptp(i, { keepdims: true })], ["np.ptp(u8)", ({ u8 }) => np.ptp(u8)], ["np.ptp(A8, axis=0)", ({ A8 }) => np.ptp(A8, 0)], ["np.ptp(A8)", ({ A8 }) => np.ptp(A8)],
    ["np.ptp(np.array([127, -128], np.int8))", () => np.ptp(np.array([127, -128], { dtype: "int8" }))], ["np.ptp(f32, axis=1)", ({ f32 }) => np.ptp(f32, 1)], ["np.ptp(f32)", ({ f32 }) => np.ptp(f32)],
    ["np.ptp(xn, axis=1)", ({ xn }) => np.ptp(xn, 1)], ["np.ptp(S, axis=(0, 2))", ({ S }) => np.ptp(S, { axis: [0, 2] })], ["np.ptp(x.T[::-1], axis=0)", ({ x }) => np.ptp(x.T.get("::-1"), 0)],
    ["np.ptp(np.zeros((0, 3)), axis=1)", () => np.ptp(np.zeros([0, 3]), 1)], ["np.ptp(b)", ({ b }) => np.ptp(b)], ["np.ptp(np.zeros(0))", () => np.ptp(np.zeros(0))],
    ["np.ptp(np.zeros((3, 0)), axis=1)", () => np.ptp(np.zeros([3, 0]), 1)], ["np.ptp(x, axis=(0, 0))", ({ x }) => np.ptp(x, { axis: [0, 0] })], ["np.ptp(x, axis=-3)", ({ x }) => np.ptp(x, -3)],
  ]);
});

test("the warnings are NumPy's RuntimeWarnings: mean of an empty slice, all-NaN slices, histogram's bool conversion (and none where NumPy has none)", () => {
  const cases: Case[] = [
    ["np.median(np.zeros(0))", () => np.median(np.zeros(0))], ["np.median(np.zeros((0, 3)), axis=0)", () => np.median(np.zeros([0, 3]), 0)],
    ["np.median(np.zeros((0, 0)), axis=0)", () => np.median(np.zeros([0, 0]), 0)], ["np.median(np.zeros((0, 3)), keepdims=True)", () => np.median(np.zeros([0, 3]), { keepdims: true })],
    ["np.median(xn)", ({ xn }) => np.median(xn)], ["np.nanmedian(np.full((2, 3), np.nan), axis=0)", () => np.nanmedian(np.full([2, 3], NaN), 0)],
    ["np.nanmedian(np.full((2, 700), np.nan), axis=1)", () => np.nanmedian(np.full([2, 700], NaN), 1)], ["np.nanmedian(np.full(3, np.nan))", () => np.nanmedian(np.full(3, NaN))],
    ["np.nanmedian(xn, axis=0)", ({ xn }) => np.nanmedian(xn, 0)], ["np.nanmedian(np.zeros(0))", () => np.nanmedian(np.zeros(0))],
    ["np.nanmedian(np.zeros(0, np.int64))", () => np.nanmedian(np.zeros(0, { dtype: "int64" }))], ["np.nanmedian(np.zeros((0, 2), np.int64), axis=0, keepdims=True)", () => np.nanmedian(np.zeros([0, 2], { dtype: "int64" }), { axis: 0, keepdims: true })],
    ["np.nanquantile(np.full(3, np.nan), 0.5)", () => np.nanquantile(np.full(3, NaN), 0.5)], ["np.nanquantile(xn, 0.5, axis=1)", ({ xn }) => np.nanquantile(xn, 0.5, { axis: 1 })],
    ["np.nanpercentile(np.full((2, 2), np.nan), 50, axis=0)", () => np.nanpercentile(np.full([2, 2], NaN), 50, { axis: 0 })],
    ["np.histogram(b)", ({ b }) => np.histogram(b)], ["np.histogram(x)", ({ x }) => np.histogram(x)], ["np.quantile(xn, 0.5)", ({ xn }) => np.quantile(xn, 0.5)],
  ];
  assertWarningsAlike(cases, PY_INPUTS + PY_EXTRA, inputs, true);
});
