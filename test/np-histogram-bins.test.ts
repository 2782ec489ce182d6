/**
 * np.histogram's and np.histogramBinEdges' bin estimators ("auto", "fd", "doane", "scott",
 * "stone", "rice", "sturges", "sqrt"; lib/np/histogram.ts, histogram-bins.ts) against Debian's
 * NumPy 1.24: the same data on both sides (lazylab's defaultRng gives NumPy's stream), every
 * expression evaluated by NumPy at test time, and counts, edges, dtypes, shapes, reprs, error
 * types and messages and warnings compared. Floats travel as Python's repr (the shortest string
 * that reads back as the same double) and are compared with Object.is, so equal means the same
 * bits; powThird's results are compared as IEEE bit patterns in hex.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { np } from "../lib";
import type { NDArray } from "../lib/np";
import { BIN_ESTIMATORS, powThird } from "../lib/np/histogram-bins";
import { pythonJson } from "./oracle";
import { assertWarningsAlike, compare, ours, ourInputs, PY_INPUTS, PY_RUN, type Enc, runCasesWith } from "./numpy-cases";

const PY_DATA = `
hb = np.random.default_rng(7)
gauss = hb.standard_normal(1000)
gauss_big = hb.standard_normal(20000)
flat = hb.uniform(-3, 7, 5000)
ints = hb.integers(0, 10, 1000)
ints27 = hb.integers(-5, 5, 27)
ints8 = hb.integers(-100, 100, 512).astype(np.int8)
bytes_ = hb.integers(0, 256, 343).astype(np.uint8)
i32 = hb.integers(-10**6, 10**6, 125).astype(np.int32)
g32 = hb.standard_normal(729).astype(np.float32)
outliers = np.concatenate([hb.standard_normal(500), [50.0, -80.0, 1e3]])
h = hb.standard_normal(20000)
heavy = h * h * h
spikes = np.concatenate([np.zeros(500), np.full(500, 0.001), [1.0]])
tiny1 = hb.standard_normal(1)
tiny2 = hb.standard_normal(2)
tiny3 = hb.standard_normal(3)
const = np.full(50, 3.5)
const_i = np.full(7, 2)
grid = hb.standard_normal((30, 40))
bools = hb.random(64) < 0.3
`;

function ourData() {
  const hb = np.random.defaultRng(7);
  const gauss = hb.standardNormal(1000);
  const gauss_big = hb.standardNormal(20000);
  const flat = hb.uniform(-3, 7, 5000);
  const ints = hb.integers(0, 10, 1000);
  const ints27 = hb.integers(-5, 5, 27);
  const ints8 = hb.integers(-100, 100, 512).astype("int8");
  const bytes_ = hb.integers(0, 256, 343).astype("uint8");
  const i32 = hb.integers(-(10 ** 6), 10 ** 6, 125).astype("int32");
  const g32 = hb.standardNormal(729).astype("float32");
  const outliers = np.concatenate([hb.standardNormal(500), np.array([50, -80, 1e3])]);
  const h = hb.standardNormal(20000);
  const heavy = h.mul(h).mul(h);
  const spikes = np.concatenate([np.zeros(500), np.full(500, 0.001), np.array([1])]);
  const tiny1 = hb.standardNormal(1);
  const tiny2 = hb.standardNormal(2);
  const tiny3 = hb.standardNormal(3);
  const cnst = np.full(50, 3.5);
  const const_i = np.full(7, 2);
  const grid = hb.standardNormal([30, 40]);
  const bools = (hb.random(64) as NDArray).lt(0.3);
  return { gauss, gauss_big, flat, ints, ints27, ints8, bytes_, i32, g32, outliers, heavy, spikes, tiny1, tiny2, tiny3, const: cnst, const_i, grid, bools };
}

function inputs() {
  return { ...ourInputs(), ...ourData() };
}
type In = ReturnType<typeof inputs>;
type Case = [string, (inp: In) => unknown];

/** The cases against NumPy with this file's inputs (runCasesWith, numpy-cases.ts). */
function runCases(cases: Case[]): void {
  runCasesWith(cases, PY_DATA, inputs);
}

const DATASETS = ["gauss", "gauss_big", "flat", "ints", "ints27", "ints8", "bytes_", "i32", "g32", "outliers", "heavy", "spikes", "tiny1", "tiny2", "tiny3", "const", "const_i", "grid", "bools"] as const;

test("the data are NumPy's (same seed, same stream, same arithmetic)", () => {
  const want = pythonJson<Enc[]>(PY_INPUTS + PY_DATA + PY_RUN, JSON.stringify(DATASETS));
  const inp = inputs();
  DATASETS.forEach((n, k) => compare(ours(() => inp[n]), want[k], `data ${n}`));
});

test("every estimator gives NumPy's edges and counts: normal, uniform, integer (int8 to int64, uint8), float32, outliers, heavy tails, spikes, 1 to 3 values, constant, 2-D and bool data", () => {
  const cases: Case[] = [];
  for (const d of DATASETS) for (const e of BIN_ESTIMATORS) cases.push([`np.histogram(${d}, '${e}')`, (inp) => np.histogram(inp[d], e)]);
  runCases(cases);
});

test("with a range the estimators see only the values inside it, and the bins span the range: float and int ranges, float32 data, NaNs outside, no value inside", () => {
  const ranged: [string, keyof In, readonly [number, number]][] = [
    ["(-1, 1)", "gauss", [-1, 1]], ["(-0.5, 1.5)", "g32", [-0.5, 1.5]], ["(2.5, 7.5)", "ints", [2.5, 7.5]], ["(10, 20)", "flat", [10, 20]],
    ["(-3, 3)", "outliers", [-3, 3]], ["(-1, 2)", "xn", [-1, 2]], ["(-100, 100)", "heavy", [-100, 100]], ["(0.5, 0.5)", "const", [0.5, 0.5]],
  ];
  const cases: Case[] = [];
  for (const [py, d, range] of ranged) {
    for (const e of BIN_ESTIMATORS) cases.push([`np.histogram(${d}, '${e}', range=${py})`, (inp) => np.histogram(inp[d] as NDArray, e, { range })]);
  }
  runCases(cases);
});

test("histogramBinEdges gives NumPy's edges for estimators, numbers and given edges, with and without a range, and takes weights where NumPy does", () => {
  const cases: Case[] = [];
  for (const d of ["gauss", "ints", "g32", "i32", "tiny2", "const"] as const) {
    for (const e of BIN_ESTIMATORS) {
      cases.push([`np.histogram_bin_edges(${d}, '${e}')`, (inp) => np.histogramBinEdges(inp[d], e)]);
      cases.push([`np.histogram_bin_edges(${d}, '${e}', range=(0, 1.5))`, (inp) => np.histogramBinEdges(inp[d], e, { range: [0, 1.5] })]);
    }
  }
  cases.push(
    ["np.histogram_bin_edges(ints, bins='fd', range=(1, 8))", ({ ints }) => np.histogramBinEdges(ints, { bins: "fd", range: [1, 8] })],
    ["np.histogram_bin_edges(ints)", ({ ints }) => np.histogramBinEdges(ints)], ["np.histogram_bin_edges(ints, 7)", ({ ints }) => np.histogramBinEdges(ints, 7)],
    ["np.histogram_bin_edges(g32, 7, range=(-1, 1))", ({ g32 }) => np.histogramBinEdges(g32, 7, { range: [-1, 1] })],
    ["np.histogram_bin_edges(ints, [0, 3, 9])", ({ ints }) => np.histogramBinEdges(ints, [0, 3, 9])],
    ["np.histogram_bin_edges(ints, 5, weights=np.ones(1000))", ({ ints }) => np.histogramBinEdges(ints, 5, { weights: np.ones(1000) })],
    ["np.histogram_bin_edges(grid, [0, 1], weights=grid)", ({ grid }) => np.histogramBinEdges(grid, [0, 1], { weights: grid })],
    ["np.histogram_bin_edges(bools, 'sturges')", ({ bools }) => np.histogramBinEdges(bools, "sturges")],
    ["np.histogram_bin_edges(np.zeros(0, np.float32), 'fd')", () => np.histogramBinEdges(np.zeros(0, { dtype: "float32" }), "fd")],
  );
  runCases(cases);
});

test("np.histogram takes the bins second or among the options, with range and density, on views and empty data", () => {
  runCases([
    ["np.histogram(gauss, bins='auto')", ({ gauss }) => np.histogram(gauss, { bins: "auto" })],
    ["np.histogram(gauss, bins='auto', range=(-2, 2), density=True)", ({ gauss }) => np.histogram(gauss, { bins: "auto", range: [-2, 2], density: true })],
    ["np.histogram(gauss, 'fd', density=True)", ({ gauss }) => np.histogram(gauss, "fd", { density: true })],
    ["np.histogram(gauss, bins=12)", ({ gauss }) => np.histogram(gauss, { bins: 12 })], ["np.histogram(gauss, range=(0, 1))", ({ gauss }) => np.histogram(gauss, { range: [0, 1] })],
    ["np.histogram(gauss, bins=[-1, 0, 1])", ({ gauss }) => np.histogram(gauss, { bins: [-1, 0, 1] })],
    ["np.histogram(grid.T[::2], 'scott')", ({ grid }) => np.histogram(grid.T.get("::2"), "scott")], ["np.histogram(grid[:, ::-3], 'stone')", ({ grid }) => np.histogram(grid.get(":, ::-3"), "stone")],
    ["np.histogram(np.zeros(0), 'auto')", () => np.histogram(np.zeros(0), "auto")], ["np.histogram([3, 1, 2, 7], 'doane')", () => np.histogram([3, 1, 2, 7], "doane")],
  ]);
});

test("the estimators' errors are NumPy's: an unknown name (quoted as Python quotes it), weights with an estimator, bad weights, ranges and data", () => {
  runCases([
    ["np.histogram(gauss, 'Auto')", ({ gauss }) => np.histogram(gauss, "Auto" as never)], ["np.histogram(gauss, \"it's\")", ({ gauss }) => np.histogram(gauss, "it's" as never)],
    ["np.histogram_bin_edges(gauss, 'auto', weights=np.ones(1000))", ({ gauss }) => np.histogramBinEdges(gauss, "auto", { weights: np.ones(1000) })],
    ["np.histogram_bin_edges(gauss, 'nope', weights=np.ones(1000))", ({ gauss }) => np.histogramBinEdges(gauss, "nope" as never, { weights: np.ones(1000) })],
    ["np.histogram_bin_edges(gauss, 'auto', weights=np.ones(3))", ({ gauss }) => np.histogramBinEdges(gauss, "auto", { weights: np.ones(3) })],
    ["np.histogram_bin_edges(grid, 4, weights=grid.T)", ({ grid }) => np.histogramBinEdges(grid, 4, { weights: grid.T })],
    ["np.histogram(gauss, 'auto', range=(3, 1))", ({ gauss }) => np.histogram(gauss, "auto", { range: [3, 1] })],
    ["np.histogram(gauss, 'sqrt', range=(0, np.inf))", ({ gauss }) => np.histogram(gauss, "sqrt", { range: [0, Infinity] })],
    ["np.histogram(np.array([1.0, np.inf]), 'auto')", () => np.histogram(np.array([1, Infinity]), "auto")],
    ["np.histogram(gauss, 5, bins=3)", ({ gauss }) => np.histogram(gauss, 5, { bins: 3 } as never)],
    ["np.histogram_bin_edges(gauss, 5, bins=3)", ({ gauss }) => np.histogramBinEdges(gauss, 5, { bins: 3 } as never)],
  ]);
});

test("stone warns as NumPy does when its minimum is at the upper bound; bool data warns before it is converted", () => {
  const cases: Case[] = [
    ["np.histogram(heavy, 'stone')", ({ heavy }) => np.histogram(heavy, "stone")], ["np.histogram(spikes, 'stone')", ({ spikes }) => np.histogram(spikes, "stone")],
    ["np.histogram(gauss, 'stone')", ({ gauss }) => np.histogram(gauss, "stone")], ["np.histogram(heavy, 'auto')", ({ heavy }) => np.histogram(heavy, "auto")],
    ["np.histogram_bin_edges(bools, 'auto')", ({ bools }) => np.histogramBinEdges(bools, "auto")],
  ];
  assertWarningsAlike(cases, PY_INPUTS + PY_DATA, inputs);
});

test("rice, fd and auto pick NumPy's number of bins at every perfect-cube size to 40**3, where n ** (±1/3) is whole within an ulp", () => {
  const ks = Array.from({ length: 39 }, (_, i) => i + 2);
  const want = pythonJson<string[][]>(`
import json, numpy as np
r = np.random.default_rng(5)
out = []
for k in json.loads(input()):
    d = r.integers(0, 20, k**3)
    out.append([repr(np.histogram_bin_edges(d, e)) for e in ("rice", "fd", "auto")])
print(json.dumps(out))`, JSON.stringify(ks));
  const r = np.random.defaultRng(5);
  ks.forEach((k, j) => {
    const d = r.integers(0, 20, k ** 3);
    (["rice", "fd", "auto"] as const).forEach((e, i) => assert.equal(np.histogramBinEdges(d, e).repr(), want[j][i], `n = ${k}**3, '${e}'`));
  });
});

/** A double's IEEE bits in hex, as Python's struct.pack("<d", v).hex() writes them. */
function bits(v: number): string {
  return Buffer.from(Float64Array.of(v).buffer).toString("hex");
}

test("powThird gives glibc's pow bit for bit at the perfect cubes to 700**3, and is correctly rounded (Python's decimal, 60 digits) elsewhere", () => {
  const cubes = Array.from({ length: 700 }, (_, i) => (i + 1) ** 3);
  const r = np.random.defaultRng(9);
  const spread = (r.uniform(0, 1, 1500) as NDArray).tolist() as number[];
  const others = [...Array.from({ length: 1500 }, (_, i) => 2 + 37 * i), ...spread.map((u, i) => (1 + 9 * u) * 10 ** ((i % 31) - 15))];
  const want = pythonJson<{ glibc: string[][]; exact: string[][] }>(`
import json, struct
from decimal import Decimal, getcontext
getcontext().prec = 60
h = lambda v: struct.pack("<d", v).hex()
cubes, others = json.loads(input())
third, minus = Decimal(1.0 / 3), Decimal(-1.0 / 3.0)
print(json.dumps({"glibc": [[h(n ** (1.0 / 3)), h(n ** (-1.0 / 3.0))] for n in cubes],
                  "exact": [[h(float(Decimal(v) ** third)), h(float(Decimal(v) ** minus))] for v in others]}))`, JSON.stringify([cubes, others]));
  cubes.forEach((n, i) => assert.deepEqual([bits(powThird(n)), bits(powThird(n, true))], want.glibc[i], `${n} ** (±1/3)`));
  others.forEach((v, i) => assert.deepEqual([bits(powThird(v)), bits(powThird(v, true))], want.exact[i], `${v} ** (±1/3)`));
});
