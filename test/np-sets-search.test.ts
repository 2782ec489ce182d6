/**
 * Searching, counting, set and correlation functions (searchsorted, bincount, interp; isin,
 * in1d, intersect1d, union1d, setdiff1d, setxor1d; cov, corrcoef, convolve, correlate, inner)
 * against Debian's NumPy 1.24: the same data on both sides (lazylab's defaultRng gives
 * NumPy's stream), every expected value computed by NumPy at test time, and values, dtypes,
 * shapes, reprs, error types and messages compared bit for bit (floats travel as Python's
 * shortest repr and are compared with Object.is).
 *
 * The float products (cov, corrcoef, convolve, correlate, inner of vectors) are NumPy's bits
 * because lib/np/blas-order.ts adds them as the OpenBLAS 0.3.21 SkylakeX kernels under
 * Debian's NumPy do (fused multiply-adds, lib/np/fma.ts). On a machine whose OpenBLAS runs
 * another kernel those sums are ordered otherwise: there the test says so and compares them
 * within rounding instead (OTHER_KERNELS_BOUND, below). Two places are always compared within
 * a measured bound (ULP_BOUND), the largest difference printed: cov of 12 to 15 or 20
 * variables without weights (the 4-row tail of OpenBLAS's dgemm kernel under dsyrk, which
 * blas-order.ts does not reproduce) and inner of N-D float arrays (lib/np's dot, not BLAS's
 * order).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { np } from "../lib";
import type { NDArray } from "../lib/np";
import { fma, fmaf } from "../lib/np/fma";
import { pythonJson } from "./oracle";
import { compare, encode, ours, PY_INPUTS, PY_RUN, type Enc, ourInputs } from "./numpy-cases";

const PY_DATA = `
r = np.random.default_rng(7)
s64 = np.sort(r.standard_normal(50))
sn = np.concatenate([np.sort(r.standard_normal(20)), [np.nan, np.nan]])
q = r.standard_normal(30)
qn = np.where(q > 1, np.nan, q)
s32 = np.sort(r.standard_normal(40).astype(np.float32))
si = np.sort(r.integers(-20, 20, 60))
su8 = np.sort(r.integers(0, 50, 30).astype(np.uint8))
un = r.standard_normal(25)
ci = r.integers(0, 12, 40)
cw = r.standard_normal(40)
lg = r.standard_normal(300)
k13 = r.standard_normal(13)
k40 = r.standard_normal(40)
k100 = r.standard_normal(100)
l32 = r.standard_normal(300).astype(np.float32)
k32 = r.standard_normal(70).astype(np.float32)
M = r.standard_normal((5, 40))
M16 = r.standard_normal((16, 50))
M3 = r.standard_normal((3, 700))
M20 = r.standard_normal((20, 60))
fw = r.integers(0, 4, 40)
aw = r.uniform(0, 2, 40)
ri = r.integers(0, 1000, 200)
rf = np.round(r.standard_normal(200), 1) + 0.0
xp = np.sort(r.uniform(-3, 3, 15))
fp = r.standard_normal(15)
`;

function inputs() {
  const r = np.random.defaultRng(7);
  const s64 = np.sort(r.standardNormal(50));
  const sn = np.concatenate([np.sort(r.standardNormal(20)), [NaN, NaN]]);
  const q = r.standardNormal(30);
  const qn = np.where(q.gt(1), NaN, q);
  const s32 = np.sort(r.standardNormal(40).astype("float32"));
  const si = np.sort(r.integers(-20, 20, 60));
  const su8 = np.sort(r.integers(0, 50, 30).astype("uint8"));
  const un = r.standardNormal(25);
  const ci = r.integers(0, 12, 40);
  const cw = r.standardNormal(40);
  const lg = r.standardNormal(300);
  const k13 = r.standardNormal(13);
  const k40 = r.standardNormal(40);
  const k100 = r.standardNormal(100);
  const l32 = r.standardNormal(300).astype("float32");
  const k32 = r.standardNormal(70).astype("float32");
  const M = r.standardNormal([5, 40]);
  const M16 = r.standardNormal([16, 50]);
  const M3 = r.standardNormal([3, 700]);
  const M20 = r.standardNormal([20, 60]);
  const fw = r.integers(0, 4, 40);
  const aw = r.uniform(0, 2, 40);
  const ri = r.integers(0, 1000, 200);
  const rf = np.round(r.standardNormal(200), 1).add(0);
  const xp = np.sort(r.uniform(-3, 3, 15));
  const fp = r.standardNormal(15);
  return { ...ourInputs(), s64, sn, q, qn, s32, si, su8, un, ci, cw, lg, k13, k40, k100, l32, k32, M, M16, M3, M20, fw, aw, ri, rf, xp, fp };
}
type In = ReturnType<typeof inputs>;
type Case = [string, (inp: In) => unknown];

/** The kernel name OpenBLAS reports under NumPy here: the sums are NumPy's bits where it is SkylakeX's. */
const CORE = pythonJson<string>(`
import ctypes, json, numpy
name = "unknown"
for lib in ["libopenblas.so.0", "libblas.so.3"]:
    try:
        f = ctypes.CDLL(lib).openblas_get_corename
        f.restype = ctypes.c_char_p
        name = f().decode()
        break
    except Exception:
        pass
print(json.dumps(name))`);
const BLAS_BITS = CORE === "SkylakeX";

/**
 * The bound of the cases compared within rounding, in units in the last place of the result's
 * largest |value|: measured differences were at most 1 (the tests print them).
 */
const ULP_BOUND = 2;
/** The same for every float product on a machine whose OpenBLAS runs other kernels: sums of up to 300 products in any order. */
const OTHER_KERNELS_BOUND = 64;

/** Every case against NumPy (numpy-cases.ts' comparison), all mismatches reported together. */
function runCases(cases: Case[]): void {
  const want = pythonJson<Enc[]>(PY_INPUTS + PY_DATA + PY_RUN, JSON.stringify(cases.map((c) => c[0])));
  const inp = inputs();
  const failures: string[] = [];
  const warn = console.warn;
  console.warn = () => {};
  try {
    cases.forEach(([expr, f], k) => {
      try {
        compare(ours(() => f(inp)), want[k], expr);
      } catch (e) {
        failures.push((e as Error).message.split("\n").slice(0, 12).join("\n"));
      }
    });
  } finally {
    console.warn = warn;
  }
  assert.deepEqual(failures, [], `${failures.length} of ${cases.length} cases differ from NumPy:\n${failures.join("\n\n")}`);
}

test("the data are NumPy's (same seed, same stream)", () => {
  const names = ["s64", "sn", "q", "qn", "s32", "si", "su8", "un", "ci", "cw", "lg", "k13", "k40", "k100", "l32", "k32", "M", "M16", "M3", "M20", "fw", "aw", "ri", "rf", "xp", "fp"] as const;
  const want = pythonJson<Enc[]>(PY_INPUTS + PY_DATA + PY_RUN, JSON.stringify(names));
  const inp = inputs();
  names.forEach((n, k) => compare(ours(() => inp[n]), want[k], `data ${n}`));
});

test("fma and fmaf round a * b + c once, as Python's exact fractions do, in the fast path and past its ranges", () => {
  const rng = np.random.defaultRng(3);
  const triples: number[][] = [];
  const a = rng.standardNormal(3000).tolist() as number[];
  const e = rng.integers(-40, 40, 3000).tolist() as number[];
  for (let k = 0; k < 1000; k++) triples.push([a[3 * k], a[3 * k + 1] * 2 ** e[k], -a[3 * k] * a[3 * k + 1] * 2 ** e[k] * (1 + a[3 * k + 2] * 2 ** -30)]);
  // Cancellations, halfway cases, huge and tiny magnitudes (the exact BigInt path), subnormal results.
  triples.push([1 + 2 ** -30, 1 + 2 ** -30, -(1 + 2 ** -29)], [1 + 2 ** -52, 1 - 2 ** -53, -1], [0.1, 10, -1], [2 ** 1000, 2 ** 20, -(2 ** 1020)], [3 * 2 ** 1000, 2 ** 23, 1e300]);
  triples.push([2 ** -600, 2 ** -450, 2 ** -1070], [3 * 2 ** -540, 5 * 2 ** -530, -(2 ** -1060)], [1e-200, 1e-200, 1e-310], [2 ** 1023, 2, -(2 ** 1023)], [1 + 2 ** -52, 2 ** 1023, 2 ** 970]);
  triples.push([(1 + 2 ** -52) * 2 ** 500, (1 - 2 ** -53) * 2 ** 500, -(2 ** 1000)], [5e-324, 0.5, 5e-324], [1.5, 2 ** -1074, 0]);
  const want = pythonJson<(number | string)[]>(`
import json, sys
from fractions import Fraction as F
out = []
for a, b, c in json.loads(sys.stdin.read()):
    try: out.append(float(F(a) * F(b) + F(c)))
    except OverflowError: out.append("inf" if F(a) * F(b) + F(c) > 0 else "-inf")
print(json.dumps(out))`, JSON.stringify(triples));
  triples.forEach(([x, y, z], k) => {
    const w = want[k] === "inf" ? Infinity : want[k] === "-inf" ? -Infinity : (want[k] as number);
    assert.ok(Object.is(fma(x, y, z), w), `fma(${x}, ${y}, ${z}): ${fma(x, y, z)} vs ${w}`);
  });
  // Special values as C's fma: NaN, infinities, signed zeros, an overflowing product beside -inf.
  const specials: [number, number, number, number][] = [[Infinity, 0, 1, NaN], [1e300, 1e300, -Infinity, -Infinity], [2, 3, Infinity, Infinity], [-0, 5, -0, -0], [-1, 0, 0, 0], [NaN, 1, 1, NaN], [1e-200, -1e-200, 0, -0]];
  for (const [x, y, z, w] of specials) assert.ok(Object.is(fma(x, y, z), w), `fma(${x}, ${y}, ${z}) = ${w}`);
  const f = np.array(rng.standardNormal(600).tolist() as number[], { dtype: "float32" }).tolist() as number[];
  const fTriples = Array.from({ length: 200 }, (_, k) => [f[3 * k], f[3 * k + 1], Math.fround(-f[3 * k] * f[3 * k + 1] * (1 + f[3 * k + 2] * 2 ** -12))]);
  const want32 = pythonJson<number[]>(`
import json, sys, numpy as np
from fractions import Fraction as F
def rn32(x):
    d = float(x)
    if F(d) != x:
        import struct
        b = struct.unpack('<q', struct.pack('<d', d))[0]
        if b % 2 == 0: b += 1 if (x > F(d)) == (d > 0) else -1
        d = struct.unpack('<d', struct.pack('<q', b))[0]
    return float(np.float32(d))
print(json.dumps([rn32(F(a) * F(b) + F(c)) for a, b, c in json.loads(sys.stdin.read())]))`, JSON.stringify(fTriples));
  fTriples.forEach(([x, y, z], k) => assert.ok(Object.is(fmaf(x, y, z), want32[k]), `fmaf(${x}, ${y}, ${z}): ${fmaf(x, y, z)} vs ${want32[k]}`));
});

test("searchsorted finds NumPy's indices: both sides, NaN last, float32, integers, bool, scalars, N-D needles, views, sorters, unsorted haystacks, empty inputs, and NumPy's errors", () => {
  runCases([
    ["np.searchsorted(s64, q)", ({ s64, q }) => np.searchsorted(s64, q)], ["np.searchsorted(s64, q, side='right')", ({ s64, q }) => np.searchsorted(s64, q, "right")],
    ["np.searchsorted(s64, s64)", ({ s64 }) => np.searchsorted(s64, s64)], ["np.searchsorted(s64, s64, 'right')", ({ s64 }) => np.searchsorted(s64, s64, { side: "right" })],
    ["np.searchsorted(sn, qn)", ({ sn, qn }) => np.searchsorted(sn, qn)], ["np.searchsorted(sn, qn, side='right')", ({ sn, qn }) => np.searchsorted(sn, qn, "right")],
    ["np.searchsorted(sn, np.nan)", ({ sn }) => np.searchsorted(sn, NaN)], ["np.searchsorted(sn, np.nan, side='right')", ({ sn }) => np.searchsorted(sn, NaN, "right")],
    ["np.searchsorted(sn, [np.inf, -np.inf, np.nan, 0.0])", ({ sn }) => np.searchsorted(sn, [Infinity, -Infinity, NaN, 0])],
    ["np.searchsorted(s32, q)", ({ s32, q }) => np.searchsorted(s32, q)], ["np.searchsorted(s32, s32, side='right')", ({ s32 }) => np.searchsorted(s32, s32, "right")],
    ["np.searchsorted(s32, 0.1, side='right')", ({ s32 }) => np.searchsorted(s32, 0.1, "right")], ["np.searchsorted(s64, s32)", ({ s64, s32 }) => np.searchsorted(s64, s32)],
    ["np.searchsorted(si, si)", ({ si }) => np.searchsorted(si, si)], ["np.searchsorted(si, si, side='right')", ({ si }) => np.searchsorted(si, si, "right")],
    ["np.searchsorted(si, q * 10)", ({ si, q }) => np.searchsorted(si, q.mul(10))], ["np.searchsorted(su8, -1)", ({ su8 }) => np.searchsorted(su8, -1)],
    ["np.searchsorted(su8, [300, 25, 0])", ({ su8 }) => np.searchsorted(su8, [300, 25, 0])], ["np.searchsorted(su8, i)", ({ su8, i }) => np.searchsorted(su8, i)],
    ["np.searchsorted(np.array([False, True, True]), [True, False])", () => np.searchsorted(np.array([false, true, true]), [true, false])],
    ["np.searchsorted(np.array([False, True]), 0.5)", () => np.searchsorted(np.array([false, true]), 0.5)],
    ["np.searchsorted(s64, 0.3)", ({ s64 }) => np.searchsorted(s64, 0.3)], ["np.searchsorted(s64, np.array(0.3))", ({ s64 }) => np.searchsorted(s64, np.array(0.3))],
    ["np.searchsorted(s64, x)", ({ s64, x }) => np.searchsorted(s64, x)], ["np.searchsorted(s64, x.T[::-1])", ({ s64, x }) => np.searchsorted(s64, x.T.get("::-1"))],
    ["np.searchsorted(s64[::-1][::-2], q)", ({ s64, q }) => np.searchsorted(s64.get("::-1").get("::-2"), q)], ["np.searchsorted(s64[::3], q[::-1])", ({ s64, q }) => np.searchsorted(s64.get("::3"), q.get("::-1"))],
    ["np.searchsorted(un, q)", ({ un, q }) => np.searchsorted(un, q)], ["np.searchsorted(un, q, side='right')", ({ un, q }) => np.searchsorted(un, q, "right")],
    ["np.searchsorted(un[::-1], np.sort(q))", ({ un, q }) => np.searchsorted(un.get("::-1"), np.sort(q))],
    ["np.searchsorted(un, q, sorter=np.argsort(un))", ({ un, q }) => np.searchsorted(un, q, { sorter: np.argsort(un) })],
    ["np.searchsorted(un, q, 'right', np.argsort(un))", ({ un, q }) => np.searchsorted(un, q, { side: "right", sorter: np.argsort(un) })],
    ["np.searchsorted(un[::-1], q, sorter=np.argsort(un[::-1])[::-1][::-1])", ({ un, q }) => np.searchsorted(un.get("::-1"), q, { sorter: np.argsort(un.get("::-1")).get("::-1").get("::-1") })],
    ["un.searchsorted(q, sorter=np.argsort(un).astype(np.int32))", ({ un, q }) => un.searchsorted(q, { sorter: np.argsort(un).astype("int32") })],
    ["s64.searchsorted(q[:5])", ({ s64, q }) => s64.searchsorted(q.get(":5"))], ["s64.searchsorted(0.0, 'right')", ({ s64 }) => s64.searchsorted(0, "right")],
    ["np.searchsorted([1, 2, 3], 2)", () => np.searchsorted([1, 2, 3], 2)], ["np.searchsorted(np.array([]), [1, 2])", () => np.searchsorted(np.array([]), [1, 2])],
    ["np.searchsorted(s64, np.array([]))", ({ s64 }) => np.searchsorted(s64, np.array([]))], ["np.searchsorted(s64, np.zeros((2, 0)))", ({ s64 }) => np.searchsorted(s64, np.zeros([2, 0]))],
    ["np.searchsorted(np.array([3, 1, 2]), 2, sorter=[1, 2, 5])", () => np.searchsorted(np.array([3, 1, 2]), 2, { sorter: [1, 2, 5] })],
    ["np.searchsorted(np.array([3, 1, 2]), 3, sorter=[1, 2, 5])", () => np.searchsorted(np.array([3, 1, 2]), 3, { sorter: [1, 2, 5] })],
    ["np.searchsorted(np.array([3, 1, 2]), 2, sorter=[1, 2, -1])", () => np.searchsorted(np.array([3, 1, 2]), 2, { sorter: [1, 2, -1] })],
    ["np.searchsorted(np.array([3, 1, 2]), 0, sorter=[-1, 2, 0])", () => np.searchsorted(np.array([3, 1, 2]), 0, { sorter: [-1, 2, 0] })],
    ["np.searchsorted(np.array([3, 1, 2]), 2, sorter=[1, 2])", () => np.searchsorted(np.array([3, 1, 2]), 2, { sorter: [1, 2] })],
    ["np.searchsorted(np.array([3, 1, 2]), 2, sorter=[1.5, 2, 0])", () => np.searchsorted(np.array([3, 1, 2]), 2, { sorter: [1.5, 2, 0] })],
    ["np.searchsorted(np.array([3, 1, 2]), 2, sorter=np.array([[1, 2, 0]]))", () => np.searchsorted(np.array([3, 1, 2]), 2, { sorter: np.array([[1, 2, 0]]) })],
    ["np.searchsorted(np.array([3, 1, 2]), 2, sorter=np.array([True, False, True]))", () => np.searchsorted(np.array([3, 1, 2]), 2, { sorter: np.array([true, false, true]) })],
    ["np.searchsorted(x, 0.5)", ({ x }) => np.searchsorted(x, 0.5)], ["np.searchsorted(np.array(3), 2)", () => np.searchsorted(np.array(3), 2)],
    ["np.searchsorted(s64, q, side='R')", ({ s64, q }) => np.searchsorted(s64, q, "R" as "right")], ["np.searchsorted(s64, 0.5, side='')", ({ s64 }) => np.searchsorted(s64, 0.5, "" as "left")],
    ["np.searchsorted(s64, 0.5, side='middle')", ({ s64 }) => np.searchsorted(s64, 0.5, "middle" as "left")],
    ["np.searchsorted(s64, 0.5, side='le\"ft\\'')", ({ s64 }) => np.searchsorted(s64, 0.5, "le\"ft'" as "left")],
  ]);
});

test("bincount counts as NumPy: int64 counts, float64 weighted sums in x's order, minlength, bool and small unsigned input, empty input, and NumPy's errors", () => {
  runCases([
    ["np.bincount(ci)", ({ ci }) => np.bincount(ci)], ["np.bincount(ci, weights=cw)", ({ ci, cw }) => np.bincount(ci, { weights: cw })],
    ["np.bincount(ci, minlength=20)", ({ ci }) => np.bincount(ci, { minlength: 20 })], ["np.bincount(ci, minlength=3)", ({ ci }) => np.bincount(ci, { minlength: 3 })],
    ["np.bincount(ci, cw * 1e16, 15)", ({ ci, cw }) => np.bincount(ci, { weights: cw.mul(1e16), minlength: 15 })],
    ["np.bincount(ci[::-1], weights=cw[::-2].repeat(2))", ({ ci, cw }) => np.bincount(ci.get("::-1"), { weights: np.repeat(cw.get("::-2"), 2) })],
    ["np.bincount(ci, weights=cw.astype(np.float32))", ({ ci, cw }) => np.bincount(ci, { weights: cw.astype("float32") })], ["np.bincount(ci, weights=ci)", ({ ci }) => np.bincount(ci, { weights: ci })],
    ["np.bincount(ci.astype(np.uint8))", ({ ci }) => np.bincount(ci.astype("uint8"))], ["np.bincount(ci.astype(np.int8), weights=ci > 5)", ({ ci }) => np.bincount(ci.astype("int8"), { weights: ci.gt(5) })],
    ["np.bincount(ci.astype(np.uint32))", ({ ci }) => np.bincount(ci.astype("uint32"))], ["np.bincount(ci.astype(np.int16)[5:9])", ({ ci }) => np.bincount(ci.astype("int16").get("5:9"))],
    ["np.bincount([True, False, True])", () => np.bincount([true, false, true])], ["np.bincount([1, 2, 2])", () => np.bincount([1, 2, 2])],
    ["np.bincount([])", () => np.bincount([])], ["np.bincount([], minlength=3)", () => np.bincount([], { minlength: 3 })],
    ["np.bincount(np.array([], np.int64), weights=[])", () => np.bincount(np.array([], { dtype: "int64" }), { weights: [] })],
    ["np.bincount([0, 0, 0], weights=[0.1, 0.2, 0.3])", () => np.bincount([0, 0, 0], { weights: [0.1, 0.2, 0.3] })],
    ["np.bincount(np.array([], np.float64))", () => np.bincount(np.array([]))], ["np.bincount(np.array([1.0, 2]))", () => np.bincount(np.array([1, 2], { dtype: "float64" }))],
    ["np.bincount([1.5, 2])", () => np.bincount([1.5, 2])], ["np.bincount(np.array([1, 2], np.uint64))", () => np.bincount(np.array([1, 2], { dtype: "uint64" }))],
    ["np.bincount(np.array([1, 2], np.float32))", () => np.bincount(np.array([1, 2], { dtype: "float32" }))],
    ["np.bincount([-1, 2])", () => np.bincount([-1, 2])], ["np.bincount(i)", ({ i }) => np.bincount(i)], ["np.bincount([[1, 2]])", () => np.bincount([[1, 2]])],
    ["np.bincount(3)", () => np.bincount(3)], ["np.bincount([1], minlength=-1)", () => np.bincount([1], { minlength: -1 })],
    ["np.bincount([1], minlength=2.5)", () => np.bincount([1], { minlength: 2.5 })], ["np.bincount([1], weights=[1, 2])", () => np.bincount([1], { weights: [1, 2] })],
    ["np.bincount([1, 2], weights=[[1, 2]])", () => np.bincount([1, 2], { weights: [[1, 2]] })], ["np.bincount([-1], weights=[1, 2])", () => np.bincount([-1], { weights: [1, 2] })],
    ["np.bincount([[1.5]])", () => np.bincount([[1.5]])], ["np.bincount(np.zeros((2, 0)))", () => np.bincount(np.zeros([2, 0]))],
  ]);
});

test("interp gives NumPy's bits: inside, outside (left/right), on the sample points, NaN, infinite values (the other direction), ties in xp, float32 and integer inputs, scalars, N-D x, views, period, and NumPy's errors", () => {
  runCases([
    ["np.interp(q, xp, fp)", ({ q, xp, fp }) => np.interp(q, xp, fp)], ["np.interp(lg, xp, fp)", ({ lg, xp, fp }) => np.interp(lg, xp, fp)],
    ["np.interp(np.sort(lg), xp, fp)", ({ lg, xp, fp }) => np.interp(np.sort(lg), xp, fp)], ["np.interp(xp, xp, fp)", ({ xp, fp }) => np.interp(xp, xp, fp)],
    ["np.interp(qn, xp, fp)", ({ qn, xp, fp }) => np.interp(qn, xp, fp)], ["np.interp(q, xp, fp, left=-9, right=np.nan)", ({ q, xp, fp }) => np.interp(q, xp, fp, { left: -9, right: NaN })],
    ["np.interp(lg, xp[:3], fp[:3])", ({ lg, xp, fp }) => np.interp(lg, xp.get(":3"), fp.get(":3"))], ["np.interp(lg, xp[:5], fp[:5])", ({ lg, xp, fp }) => np.interp(lg, xp.get(":5"), fp.get(":5"))],
    ["np.interp(q, xp[:1], fp[:1])", ({ q, xp, fp }) => np.interp(q, xp.get(":1"), fp.get(":1"))], ["np.interp(q, xp[:1], fp[:1], left=1, right=2)", ({ q, xp, fp }) => np.interp(q, xp.get(":1"), fp.get(":1"), { left: 1, right: 2 })],
    ["np.interp(x, xp, fp)", ({ x, xp, fp }) => np.interp(x, xp, fp)], ["np.interp(x.T[::-1], xp[::-1][::-1], fp)", ({ x, xp, fp }) => np.interp(x.T.get("::-1"), xp.get("::-1").get("::-1"), fp)],
    ["np.interp(lg, xp[::2], fp[1::2])", ({ lg, xp, fp }) => np.interp(lg, xp.get("::2"), fp.get("1::2"))], ["np.interp(q, xp[::-1], fp)", ({ q, xp, fp }) => np.interp(q, xp.get("::-1"), fp)],
    ["np.interp(f32, xp, fp)", ({ f32, xp, fp }) => np.interp(f32, xp, fp)], ["np.interp(i, [-3, 0, 2, 4], [1, 5, 2, 2])", ({ i }) => np.interp(i, [-3, 0, 2, 4], [1, 5, 2, 2])],
    ["np.interp(q, xp.astype(np.float32), fp.astype(np.float32))", ({ q, xp, fp }) => np.interp(q, xp.astype("float32"), fp.astype("float32"))],
    ["np.interp(0.3, xp, fp)", ({ xp, fp }) => np.interp(0.3, xp, fp)], ["np.interp(np.array(0.3), xp, fp)", ({ xp, fp }) => np.interp(np.array(0.3), xp, fp)],
    ["np.interp([[0.3, 5]], xp, fp)", ({ xp, fp }) => np.interp([[0.3, 5]], xp, fp)], ["np.interp([], xp, fp)", ({ xp, fp }) => np.interp([], xp, fp)],
    ["np.interp(lg, [0, 1, 1, 2], [0, 1, 3, 4])", ({ lg }) => np.interp(lg, [0, 1, 1, 2], [0, 1, 3, 4])], ["np.interp([1.0], [0, 1, 1, 2], [0, 1, 3, 4])", () => np.interp([1], [0, 1, 1, 2], [0, 1, 3, 4])],
    ["np.interp(lg, [-1, 0, 1], [np.inf, 0, np.inf])", ({ lg }) => np.interp(lg, [-1, 0, 1], [Infinity, 0, Infinity])],
    ["np.interp(lg, [-1, 0, 1, 2], [np.inf, np.inf, 1, -np.inf])", ({ lg }) => np.interp(lg, [-1, 0, 1, 2], [Infinity, Infinity, 1, -Infinity])],
    ["np.interp(lg, [-np.inf, 0, np.inf], [1, 2, 3])", ({ lg }) => np.interp(lg, [-Infinity, 0, Infinity], [1, 2, 3])],
    ["np.interp(lg, [-1, 0, np.nan, 2], [1, 2, 3, 4])", ({ lg }) => np.interp(lg, [-1, 0, NaN, 2], [1, 2, 3, 4])],
    ["np.interp(lg, np.sort(un), fp[:10].repeat(3)[:25])", ({ lg, un, fp }) => np.interp(lg, np.sort(un), np.repeat(fp.get(":10"), 3).get(":25"))],
    ["np.interp(lg, un, fp[:10].repeat(3)[:25])", ({ lg, un, fp }) => np.interp(lg, un, np.repeat(fp.get(":10"), 3).get(":25"))],
    ["np.interp(lg * 200, [0, 90, 180, 270], [0, 1, 2, 3], period=360)", ({ lg }) => np.interp(lg.mul(200), [0, 90, 180, 270], [0, 1, 2, 3], { period: 360 })],
    ["np.interp(lg * 5, xp, fp, period=-2.5)", ({ lg, xp, fp }) => np.interp(lg.mul(5), xp, fp, { period: -2.5 })],
    ["np.interp(370, [0, 90, 180, 270], [0, 1, 2, 3], period=360, left=7)", () => np.interp(370, [0, 90, 180, 270], [0, 1, 2, 3], { period: 360, left: 7 })],
    ["np.interp(i, [3, 1, 2], [4, 5, 6], period=3)", ({ i }) => np.interp(i, [3, 1, 2], [4, 5, 6], { period: 3 })],
    ["np.interp(1, [], [])", () => np.interp(1, [], [])], ["np.interp(1, [1, 2], [3])", () => np.interp(1, [1, 2], [3])], ["np.interp(1, [[1, 2]], [3, 4])", () => np.interp(1, [[1, 2]], [3, 4])],
    ["np.interp(1, [1, 2], [[3, 4]])", () => np.interp(1, [1, 2], [[3, 4]])], ["np.interp(1, 1, 3)", () => np.interp(1, 1, 3)],
    ["np.interp(1, [1, 2], [3, 4], period=0)", () => np.interp(1, [1, 2], [3, 4], { period: 0 })], ["np.interp(1, [[1, 2]], [3, 4], period=2)", () => np.interp(1, [[1, 2]], [3, 4], { period: 2 })],
    ["np.interp(1, [1, 2], [3, 4, 5], period=2)", () => np.interp(1, [1, 2], [3, 4, 5], { period: 2 })], ["np.interp(1, [], [], period=2)", () => np.interp(1, [], [], { period: 2 })],
  ]);
});

test("isin and in1d agree with NumPy through each of its methods: integer tables, the == loop (value-based dtypes: float32 finds 0.1), the sort (assume_unique on non-unique input included), NaN, invert, shapes, empty inputs", () => {
  runCases([
    ["np.isin(i, [1, -3, 7])", ({ i }) => np.isin(i, [1, -3, 7])], ["np.isin(i, [1, -3, 7], invert=True)", ({ i }) => np.isin(i, [1, -3, 7], { invert: true })],
    ["np.isin(ri, ri[::7])", ({ ri }) => np.isin(ri, ri.get("::7"))], ["np.isin(ri, ri[::7] * 1000)", ({ ri }) => np.isin(ri, ri.get("::7").mul(1000))],
    ["np.isin(ri, ri[::7] * 1000, invert=True)", ({ ri }) => np.isin(ri, ri.get("::7").mul(1000), { invert: true })], ["np.in1d(ri.astype(np.uint8), ri[:40])", ({ ri }) => np.in1d(ri.astype("uint8"), ri.get(":40"))],
    ["np.in1d(ri.astype(np.int8), ri[:40].astype(np.uint8))", ({ ri }) => np.in1d(ri.astype("int8"), ri.get(":40").astype("uint8"))], ["np.isin(b, [True])", ({ b }) => np.isin(b, [true])],
    ["np.isin(i, b)", ({ i, b }) => np.isin(i, b)], ["np.isin(i16, u8)", ({ i16, u8 }) => np.isin(i16, u8)], ["np.isin(i.T[::-1], i[0])", ({ i }) => np.isin(i.T.get("::-1"), i.get(0))],
    ["np.isin(rf, [0.1, -0.5, 1.2])", ({ rf }) => np.isin(rf, [0.1, -0.5, 1.2])], ["np.isin(rf, rf[::3])", ({ rf }) => np.isin(rf, rf.get("::3"))],
    ["np.isin(rf, rf[::3], invert=True)", ({ rf }) => np.isin(rf, rf.get("::3"), { invert: true })], ["np.isin(rf.astype(np.float32), [0.1, 0.5])", ({ rf }) => np.isin(rf.astype("float32"), [0.1, 0.5])],
    ["np.isin(rf.astype(np.float32), rf[::3])", ({ rf }) => np.isin(rf.astype("float32"), rf.get("::3"))], ["np.isin(rf[:10].astype(np.float32), rf[::3])", ({ rf }) => np.isin(rf.get(":10").astype("float32"), rf.get("::3"))],
    ["np.isin(xn, xn)", ({ xn }) => np.isin(xn, xn)], ["np.isin(xn, xn, invert=True)", ({ xn }) => np.isin(xn, xn, { invert: true })], ["np.in1d(qn, qn[::2])", ({ qn }) => np.in1d(qn, qn.get("::2"))],
    ["np.in1d(np.repeat(qn, 5), qn)", ({ qn }) => np.in1d(np.repeat(qn, 5), qn)], ["np.in1d(np.repeat(qn, 5), qn, invert=True)", ({ qn }) => np.in1d(np.repeat(qn, 5), qn, { invert: true })],
    ["np.in1d(rf, rf[::3], assume_unique=True)", ({ rf }) => np.in1d(rf, rf.get("::3"), { assumeUnique: true })],
    ["np.in1d(rf, rf[::3], assume_unique=True, invert=True)", ({ rf }) => np.in1d(rf, rf.get("::3"), { assumeUnique: true, invert: true })],
    ["np.in1d(np.unique(rf), np.unique(rf[::3]), assume_unique=True)", ({ rf }) => np.in1d(np.unique(rf), np.unique(rf.get("::3")), { assumeUnique: true })],
    ["np.in1d(ri, ri[::3] * 100, assume_unique=True)", ({ ri }) => np.in1d(ri, ri.get("::3").mul(100), { assumeUnique: true })],
    ["np.isin(x, x[1, 2])", ({ x }) => np.isin(x, x.get("1, 2"))], ["np.isin(3, [1, 3])", () => np.isin(3, [1, 3])], ["np.isin(x, [])", ({ x }) => np.isin(x, [])],
    ["np.isin(i, np.array([], np.int64), invert=True)", ({ i }) => np.isin(i, np.array([], { dtype: "int64" }), { invert: true })], ["np.isin([], [1, 2])", () => np.isin([], [1, 2])],
    ["np.in1d(np.array([], np.int64), [1, 2])", () => np.in1d(np.array([], { dtype: "int64" }), [1, 2])], ["np.in1d(S, S[0, 0])", ({ S }) => np.in1d(S, S.get("0, 0"))],
  ]);
});

test("intersect1d, union1d, setdiff1d and setxor1d give NumPy's sorted values, dtypes and indices (assume_unique included), with NaN, mixed dtypes, N-D and empty inputs", () => {
  runCases([
    ["np.intersect1d(ri, ri[::3] + 1)", ({ ri }) => np.intersect1d(ri, ri.get("::3").add(1))], ["np.intersect1d(rf, rf[::2] * 2)", ({ rf }) => np.intersect1d(rf, rf.get("::2").mul(2))],
    ["np.intersect1d(ri, rf * 10, return_indices=True)", ({ ri, rf }) => np.intersect1d(ri, rf.mul(10), { returnIndices: true })],
    ["np.intersect1d(i, i.T[::-1], return_indices=True)", ({ i }) => np.intersect1d(i, i.T.get("::-1"), { returnIndices: true })],
    ["np.intersect1d(np.unique(rf), np.unique(rf[::4]), assume_unique=True)", ({ rf }) => np.intersect1d(np.unique(rf), np.unique(rf.get("::4")), { assumeUnique: true })],
    ["np.intersect1d(np.unique(rf), np.unique(rf[::4]), assume_unique=True, return_indices=True)", ({ rf }) => np.intersect1d(np.unique(rf), np.unique(rf.get("::4")), { assumeUnique: true, returnIndices: true })],
    ["np.intersect1d(xn, xn)", ({ xn }) => np.intersect1d(xn, xn)], ["np.intersect1d(u8, i16)", ({ u8, i16 }) => np.intersect1d(u8, i16)], ["np.intersect1d(f32, f32[0])", ({ f32 }) => np.intersect1d(f32, f32.get(0))],
    ["np.intersect1d([], [1, 2])", () => np.intersect1d([], [1, 2])], ["np.intersect1d([], [1, 2], return_indices=True)", () => np.intersect1d([], [1, 2], { returnIndices: true })],
    ["np.union1d(ri[:50], ri[100:])", ({ ri }) => np.union1d(ri.get(":50"), ri.get("100:"))], ["np.union1d(xn, qn)", ({ xn, qn }) => np.union1d(xn, qn)], ["np.union1d(u8, b)", ({ u8, b }) => np.union1d(u8, b)],
    ["np.union1d(i, f32)", ({ i, f32 }) => np.union1d(i, f32)], ["np.union1d([], [])", () => np.union1d([], [])], ["np.union1d(i16, [3, 1])", ({ i16 }) => np.union1d(i16, [3, 1])],
    ["np.setdiff1d(ri, ri[::2])", ({ ri }) => np.setdiff1d(ri, ri.get("::2"))], ["np.setdiff1d(rf, rf[::2])", ({ rf }) => np.setdiff1d(rf, rf.get("::2"))], ["np.setdiff1d(xn, qn)", ({ xn, qn }) => np.setdiff1d(xn, qn)],
    ["np.setdiff1d(ri[::-1], ri[::2], assume_unique=True)", ({ ri }) => np.setdiff1d(ri.get("::-1"), ri.get("::2"), { assumeUnique: true })],
    ["np.setdiff1d(rf[::-1], rf[::5], assume_unique=True)", ({ rf }) => np.setdiff1d(rf.get("::-1"), rf.get("::5"), { assumeUnique: true })],
    ["np.setdiff1d(u8, i16)", ({ u8, i16 }) => np.setdiff1d(u8, i16)], ["np.setdiff1d([], [1])", () => np.setdiff1d([], [1])], ["np.setdiff1d(i, [])", ({ i }) => np.setdiff1d(i, [])],
    ["np.setxor1d(ri[:120], ri[80:])", ({ ri }) => np.setxor1d(ri.get(":120"), ri.get("80:"))], ["np.setxor1d(rf[:120], rf[80:])", ({ rf }) => np.setxor1d(rf.get(":120"), rf.get("80:"))],
    ["np.setxor1d(xn, qn)", ({ xn, qn }) => np.setxor1d(xn, qn)], ["np.setxor1d(i, i16)", ({ i, i16 }) => np.setxor1d(i, i16)], ["np.setxor1d([], [])", () => np.setxor1d([], [])],
    ["np.setxor1d(np.unique(ri[:50]), np.unique(ri[25:]), assume_unique=True)", ({ ri }) => np.setxor1d(np.unique(ri.get(":50")), np.unique(ri.get("25:")), { assumeUnique: true })],
    ["np.setxor1d(ri[:50], ri[25:], assume_unique=True)", ({ ri }) => np.setxor1d(ri.get(":50"), ri.get("25:"), { assumeUnique: true })],
  ]);
});

/** The float product cases: exact where OpenBLAS runs SkylakeX's kernels (see the module's note), else within OTHER_KERNELS_BOUND. */
function runProductCases(cases: Case[]): void {
  if (BLAS_BITS) return runCases(cases);
  console.log(`OpenBLAS here runs its ${CORE} kernels: float products compared within ${OTHER_KERNELS_BOUND} ulps, not bit for bit`);
  runBoundedCases(cases, OTHER_KERNELS_BOUND);
}

const flat = (v: unknown): unknown[] => (Array.isArray(v) ? v.flatMap(flat) : [v]);
const num = (v: unknown): number => (v === "nan" ? NaN : v === "inf" ? Infinity : v === "-inf" ? -Infinity : (v as number));

/** Values within `bound` units of the last place of NumPy's largest |value| (exact special values); dtypes, shapes, errors exactly. Returns the largest difference in those units. */
function runBoundedCases(cases: Case[], bound = ULP_BOUND): number {
  const want = pythonJson<Enc[]>(PY_INPUTS + PY_DATA + PY_RUN, JSON.stringify(cases.map((c) => c[0])));
  const inp = inputs();
  let worst = 0;
  cases.forEach(([expr, f], k) => {
    const got = ours(() => f(inp));
    const w = want[k];
    if ("error" in w || "tuple" in w) return compare(got, w, expr);
    const gv = "scalar" in got ? [got.scalar] : "values" in got ? flat(got.values) : [];
    const wv = "scalar" in w ? [w.scalar] : flat(w.values);
    if ("dtype" in w) {
      assert.ok("dtype" in got, `${expr}: NumPy returns an array`);
      assert.equal(got.dtype, w.dtype, `${expr}: dtype`);
      assert.deepEqual(got.shape, w.shape, `${expr}: shape`);
    }
    const scale = Math.max(...wv.map((v) => Math.abs(num(v))).filter(Number.isFinite), 2 ** -1022);
    // float32 results (a float32 scalar: a value float32 holds exactly) in float32's ulps.
    const single = "dtype" in w ? w.dtype === "float32" : wv.every((v) => Math.fround(num(v)) === num(v) || !Number.isFinite(num(v)));
    const ulp = 2 ** (Math.floor(Math.log2(scale)) - (single ? 23 : 52));
    wv.forEach((v, j) => {
      const a = num(gv[j]);
      const b = num(v);
      if (!Number.isFinite(b) || !Number.isFinite(a)) return assert.ok(Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b)), `${expr}[${j}]: ${a} vs NumPy ${b}`);
      const d = Math.abs(a - b) / ulp;
      worst = Math.max(worst, d);
      assert.ok(d <= bound, `${expr}[${j}]: ${a} vs NumPy ${b}: ${d} ulps of the largest value`);
    });
  });
  return worst;
}

test("cov gives NumPy's bits: one and several variables, rowvar, y, bias and ddof, frequency and analytic weights, float32, integer and bool data, views, degenerate sizes, and NumPy's errors", () => {
  runProductCases([
    ["np.cov(M)", ({ M }) => np.cov(M)], ["np.cov(M[0])", ({ M }) => np.cov(M.get(0))], ["np.cov(M[:2])", ({ M }) => np.cov(M.get(":2"))], ["np.cov(M16)", ({ M16 }) => np.cov(M16)],
    ["np.cov(M3)", ({ M3 }) => np.cov(M3)], ["np.cov(M3[:, :385])", ({ M3 }) => np.cov(M3.get(":, :385"))], ["np.cov(M.T, rowvar=False)", ({ M }) => np.cov(M.T, { rowvar: false })],
    ["np.cov(M, rowvar=False)", ({ M }) => np.cov(M, { rowvar: false })], ["np.cov(M[0], M[1])", ({ M }) => np.cov(M.get(0), M.get(1))], ["np.cov(M[:2], M[2:], rowvar=True)", ({ M }) => np.cov(M.get(":2"), M.get("2:"))],
    ["np.cov(M.T[:, :2], M.T[:, 2:], rowvar=False)", ({ M }) => np.cov(M.T.get(":, :2"), M.T.get(":, 2:"), { rowvar: false })], ["np.cov(M[:, ::-1])", ({ M }) => np.cov(M.get(":, ::-1"))],
    ["np.cov(M[::-2, ::3])", ({ M }) => np.cov(M.get("::-2, ::3"))], ["np.cov(M, bias=True)", ({ M }) => np.cov(M, { bias: true })], ["np.cov(M, ddof=3)", ({ M }) => np.cov(M, { ddof: 3 })],
    ["np.cov(M, ddof=0, bias=False)", ({ M }) => np.cov(M, { ddof: 0, bias: false })], ["np.cov(M, fweights=fw)", ({ M, fw }) => np.cov(M, { fweights: fw })],
    ["np.cov(M, aweights=aw)", ({ M, aw }) => np.cov(M, { aweights: aw })], ["np.cov(M, fweights=fw, aweights=aw)", ({ M, fw, aw }) => np.cov(M, { fweights: fw, aweights: aw })],
    ["np.cov(M, fweights=fw, aweights=aw, ddof=0)", ({ M, fw, aw }) => np.cov(M, { fweights: fw, aweights: aw, ddof: 0 })], ["np.cov(M[0], aweights=aw)", ({ M, aw }) => np.cov(M.get(0), { aweights: aw })],
    ["np.cov(M, fweights=fw, bias=True)", ({ M, fw }) => np.cov(M, { fweights: fw, bias: true })], ["np.cov(M.T, rowvar=False, aweights=aw)", ({ M, aw }) => np.cov(M.T, { rowvar: false, aweights: aw })],
    ["np.cov(M, rowvar=False, aweights=aw[:5])", ({ M, aw }) => np.cov(M, { rowvar: false, aweights: aw.get(":5") })],
    ["np.cov(M3, aweights=np.tile(aw, 18)[:700])", ({ M3, aw }) => np.cov(M3, { aweights: np.tile(aw, 18).get(":700") })],
    ["np.cov(M16[:, :20], aweights=aw[:20])", ({ M16, aw }) => np.cov(M16.get(":, :20"), { aweights: aw.get(":20") })],
    ["np.cov(M16[:, :40], aweights=aw)", ({ M16, aw }) => np.cov(M16.get(":, :40"), { aweights: aw })],
    ["np.cov(M16[:7, :40], aweights=aw)", ({ M16, aw }) => np.cov(M16.get(":7, :40"), { aweights: aw })],
    ["np.cov(M16.T[:40], rowvar=False, aweights=aw)", ({ M16, aw }) => np.cov(M16.T.get(":40"), { rowvar: false, aweights: aw })],
    ["np.cov(f32)", ({ f32 }) => np.cov(f32)], ["np.cov(i)", ({ i }) => np.cov(i)], ["np.cov(b)", ({ b }) => np.cov(b)], ["np.cov(A8, Ai[:5, :6])", ({ A8, Ai }) => np.cov(A8, Ai.get(":5, :6"))],
    ["np.cov([1, 2, 4])", () => np.cov([1, 2, 4])], ["np.cov([[1, 2, 3]], rowvar=False)", () => np.cov([[1, 2, 3]], { rowvar: false })], ["np.cov(5)", () => np.cov(5)],
    ["np.cov([1])", () => np.cov([1])], ["np.cov([1, 2, 3], ddof=3)", () => np.cov([1, 2, 3], { ddof: 3 })], ["np.cov([1, 2, 3], ddof=5)", () => np.cov([1, 2, 3], { ddof: 5 })],
    ["np.cov(np.zeros((0, 3)))", () => np.cov(np.zeros([0, 3]))], ["np.cov(np.zeros((3, 0)))", () => np.cov(np.zeros([3, 0]))], ["np.cov(np.zeros((2, 0)), rowvar=False)", () => np.cov(np.zeros([2, 0]), { rowvar: false })],
    ["np.cov(np.ones((2, 2, 2)))", () => np.cov(np.ones([2, 2, 2]))], ["np.cov([1, 2], np.ones((2, 2, 2)))", () => np.cov([1, 2], np.ones([2, 2, 2]))], ["np.cov([1, 2, 3], ddof=1.5)", () => np.cov([1, 2, 3], { ddof: 1.5 })],
    ["np.cov([1, 2, 3], [1, 2])", () => np.cov([1, 2, 3], [1, 2])], ["np.cov([1, 2, 3], fweights=[1, 2.5, 1])", () => np.cov([1, 2, 3], { fweights: [1, 2.5, 1] })],
    ["np.cov([1, 2, 3], fweights=[[1, 2, 1]])", () => np.cov([1, 2, 3], { fweights: [[1, 2, 1]] })], ["np.cov([1, 2, 3], fweights=[1, 2])", () => np.cov([1, 2, 3], { fweights: [1, 2] })],
    ["np.cov([1, 2, 3], fweights=[1, -2, 1])", () => np.cov([1, 2, 3], { fweights: [1, -2, 1] })], ["np.cov([1, 2, 3], fweights=2)", () => np.cov([1, 2, 3], { fweights: 2 })],
    ["np.cov([1, 2, 3], aweights=[[1, 2, 1]])", () => np.cov([1, 2, 3], { aweights: [[1, 2, 1]] })], ["np.cov([1, 2, 3], aweights=[1, 2])", () => np.cov([1, 2, 3], { aweights: [1, 2] })],
    ["np.cov([1, 2, 3], aweights=[1, -2, 1])", () => np.cov([1, 2, 3], { aweights: [1, -2, 1] })], ["np.cov([1, 2, 3], aweights=[0, 0, 0])", () => np.cov([1, 2, 3], { aweights: [0, 0, 0] })],
  ]);
});

test("corrcoef gives NumPy's bits: divided by the outer standard deviations and clipped, a scalar for one variable, NaN for constant ones", () => {
  runProductCases([
    ["np.corrcoef(M)", ({ M }) => np.corrcoef(M)], ["np.corrcoef(M16)", ({ M16 }) => np.corrcoef(M16)], ["np.corrcoef(M[0], M[1])", ({ M }) => np.corrcoef(M.get(0), M.get(1))],
    ["np.corrcoef(M.T, rowvar=False)", ({ M }) => np.corrcoef(M.T, { rowvar: false })], ["np.corrcoef(M[:2], M[3:])", ({ M }) => np.corrcoef(M.get(":2"), M.get("3:"))],
    ["np.corrcoef(M.T[::-1], M.T[::-1, :1], rowvar=False)", ({ M }) => np.corrcoef(M.T.get("::-1"), M.T.get("::-1, :1"), { rowvar: false })],
    ["np.corrcoef(M[0])", ({ M }) => np.corrcoef(M.get(0))], ["np.corrcoef([1, 1, 1])", () => np.corrcoef([1, 1, 1])], ["np.corrcoef([[1, 2, 4], [1, 1, 1]])", () => np.corrcoef([[1, 2, 4], [1, 1, 1]])],
    ["np.corrcoef(M[0], M[0] * 3 + 1)", ({ M }) => np.corrcoef(M.get(0), M.get(0).mul(3).add(1))], ["np.corrcoef(M[0], -M[0])", ({ M }) => np.corrcoef(M.get(0), M.get(0).neg())],
    ["np.corrcoef(i)", ({ i }) => np.corrcoef(i)], ["np.corrcoef(f32)", ({ f32 }) => np.corrcoef(f32)], ["np.corrcoef([1])", () => np.corrcoef([1])], ["np.corrcoef(np.zeros((0, 3)))", () => np.corrcoef(np.zeros([0, 3]))],
    ["np.corrcoef(np.ones((2, 2, 2)))", () => np.corrcoef(np.ones([2, 2, 2]))],
  ]);
});

test("cov and corrcoef of 12 to 15 and 20 variables agree with NumPy within the rounding of the sums (the 4-row tail of OpenBLAS's kernel under dsyrk is not reproduced)", () => {
  const worst = runBoundedCases([
    ["np.cov(M20)", ({ M20 }) => np.cov(M20)], ["np.corrcoef(M20)", ({ M20 }) => np.corrcoef(M20)], ["np.cov(M20, bias=True)", ({ M20 }) => np.cov(M20, { bias: true })],
    ["np.cov(M16[:12])", ({ M16 }) => np.cov(M16.get(":12"))], ["np.cov(M16[:15], rowvar=True)", ({ M16 }) => np.cov(M16.get(":15"))], ["np.corrcoef(M16[:13])", ({ M16 }) => np.corrcoef(M16.get(":13"))],
  ]);
  console.log(`cov/corrcoef of 12 to 20 variables: largest difference from NumPy = ${worst} ulps of the largest value`);
});

test("convolve and correlate give NumPy's bits: every mode, short kernels (NumPy's small_correlate) and long ones (OpenBLAS's dot, past its 16- and 32-element blocks), float32, the shorter array first, views", () => {
  runProductCases([
    ["np.convolve(lg, k13)", ({ lg, k13 }) => np.convolve(lg, k13)], ["np.convolve(lg, k13, 'same')", ({ lg, k13 }) => np.convolve(lg, k13, "same")], ["np.convolve(lg, k13, 'valid')", ({ lg, k13 }) => np.convolve(lg, k13, "valid")],
    ["np.convolve(lg, k40)", ({ lg, k40 }) => np.convolve(lg, k40)], ["np.convolve(lg, k100, mode='same')", ({ lg, k100 }) => np.convolve(lg, k100, { mode: "same" })],
    ["np.convolve(k100, lg, 'valid')", ({ lg, k100 }) => np.convolve(k100, lg, "valid")], ["np.convolve(lg, k13[:5])", ({ lg, k13 }) => np.convolve(lg, k13.get(":5"))],
    ["np.convolve(lg, k13[:11], 'same')", ({ lg, k13 }) => np.convolve(lg, k13.get(":11"), "same")], ["np.convolve(lg, k13[:12], 'same')", ({ lg, k13 }) => np.convolve(lg, k13.get(":12"), "same")],
    ["np.convolve(lg[::-1], k40[::2])", ({ lg, k40 }) => np.convolve(lg.get("::-1"), k40.get("::2"))], ["np.convolve(lg[:64], lg[64:128])", ({ lg }) => np.convolve(lg.get(":64"), lg.get("64:128"))],
    ["np.convolve(lg[:10], lg[10:20])", ({ lg }) => np.convolve(lg.get(":10"), lg.get("10:20"))], ["np.convolve(lg, [1.5])", ({ lg }) => np.convolve(lg, [1.5])], ["np.convolve(lg[:3], lg[3:6], 'same')", ({ lg }) => np.convolve(lg.get(":3"), lg.get("3:6"), "same")],
    ["np.convolve(l32, k32)", ({ l32, k32 }) => np.convolve(l32, k32)], ["np.convolve(l32, k32[:9], 'same')", ({ l32, k32 }) => np.convolve(l32, k32.get(":9"), "same")], ["np.convolve(l32, k32[:40], 'valid')", ({ l32, k32 }) => np.convolve(l32, k32.get(":40"), "valid")],
    ["np.convolve(l32, k13)", ({ l32, k13 }) => np.convolve(l32, k13)], ["np.convolve(l32, k32[:33])", ({ l32, k32 }) => np.convolve(l32, k32.get(":33"))],
    ["np.correlate(lg, k13)", ({ lg, k13 }) => np.correlate(lg, k13)], ["np.correlate(lg, k40, 'full')", ({ lg, k40 }) => np.correlate(lg, k40, "full")], ["np.correlate(lg, k100, 'same')", ({ lg, k100 }) => np.correlate(lg, k100, "same")],
    ["np.correlate(k40, lg, 'full')", ({ lg, k40 }) => np.correlate(k40, lg, "full")], ["np.correlate(k13, lg, 'same')", ({ lg, k13 }) => np.correlate(k13, lg, "same")], ["np.correlate(k13[:4], lg[:50], 'valid')", ({ lg, k13 }) => np.correlate(k13.get(":4"), lg.get(":50"), "valid")],
    ["np.correlate(lg, k13[:7], 'full')", ({ lg, k13 }) => np.correlate(lg, k13.get(":7"), "full")], ["np.correlate(lg, lg)", ({ lg }) => np.correlate(lg, lg)], ["np.correlate(l32, k32, 2)", ({ l32, k32 }) => np.correlate(l32, k32, 2)],
    ["np.correlate(l32[::-1], k32[:5], 1)", ({ l32, k32 }) => np.correlate(l32.get("::-1"), k32.get(":5"), 1)], ["np.correlate([1, 2, 3], [0, 1, 0.5])", () => np.correlate([1, 2, 3], [0, 1, 0.5])],
  ]);
});

test("convolve and correlate of integers and bools: NumPy's dtypes, 64-bit sums wrapped to the result dtype, and NumPy's errors for modes, empty and non-1-D inputs", () => {
  runCases([
    ["np.convolve(i[0], i[1])", ({ i }) => np.convolve(i.get(0), i.get(1))], ["np.convolve(ri, ri[:30], 'same')", ({ ri }) => np.convolve(ri, ri.get(":30"), "same")],
    ["np.correlate(ri, ri[:30], 'full')", ({ ri }) => np.correlate(ri, ri.get(":30"), "full")], ["np.convolve(A8[0], A8[1])", ({ A8 }) => np.convolve(A8.get(0), A8.get(1))],
    ["np.convolve(np.array([100, 100], np.int8), np.array([2, 3], np.int8))", () => np.convolve(np.array([100, 100], { dtype: "int8" }), np.array([2, 3], { dtype: "int8" }))],
    ["np.convolve(u8, u8)", ({ u8 }) => np.convolve(u8, u8)], ["np.convolve(u8, i16)", ({ u8, i16 }) => np.convolve(u8, i16)], ["np.convolve(ri * 10**6, ri[:5] * 10**6)", ({ ri }) => np.convolve(ri.mul(10 ** 6), ri.get(":5").mul(10 ** 6))],
    ["np.convolve(ri * 2**40, ri[:5] * 2**30, 'valid')", ({ ri }) => np.convolve(ri.mul(2 ** 40), ri.get(":5").mul(2 ** 30), "valid")],
    ["np.convolve(b[0], b[1])", ({ b }) => np.convolve(b.get(0), b.get(1))], ["np.correlate(b[0], b[1], 'full')", ({ b }) => np.correlate(b.get(0), b.get(1), "full")],
    ["np.convolve(u8, [1.5])", ({ u8 }) => np.convolve(u8, [1.5])], ["np.convolve(f32[0], [1.5])", ({ f32 }) => np.convolve(f32.get(0), [1.5])], ["np.convolve(3, 4)", () => np.convolve(3, 4)],
    ["np.convolve(i[0], 2.5)", ({ i }) => np.convolve(i.get(0), 2.5)], ["np.correlate(u8, 300)", ({ u8 }) => np.correlate(u8, 300)],
    ["np.correlate([1, 2], [3], 'x')", () => np.correlate([1, 2], [3], "x" as "valid")], ["np.correlate([1, 2], [3], 3)", () => np.correlate([1, 2], [3], 3 as 2)],
    ["np.correlate([1, 2], [3], 1)", () => np.correlate([1, 2], [3], 1)], ["np.convolve([1, 2], [])", () => np.convolve([1, 2], [])], ["np.convolve([], [1])", () => np.convolve([], [1])],
    ["np.convolve([], [])", () => np.convolve([], [])], ["np.correlate([], [1])", () => np.correlate([], [1])], ["np.correlate([1], [])", () => np.correlate([1], [])],
    ["np.convolve([[1, 2]], [1])", () => np.convolve([[1, 2]], [1])], ["np.convolve([1], [[1, 2]])", () => np.convolve([1], [[1, 2]])], ["np.correlate(3, 4)", () => np.correlate(3, 4)],
    ["np.correlate([[1, 2]], [1], 'x')", () => np.correlate([[1, 2]], [1], "x" as "valid")], ["np.convolve([], [1], 'x')", () => np.convolve([], [1], "x" as "valid")],
    ["np.convolve([1, 2], [1], 'x')", () => np.convolve([1, 2], [1], "x" as "valid")], ["np.convolve(ri, ri[:3], 'Same')", ({ ri }) => np.convolve(ri, ri.get(":3"), "Same" as "same")],
    ["np.correlate(ri, ri[:3], 'f')", ({ ri }) => np.correlate(ri, ri.get(":3"), "f" as "full")], ["np.correlate([1, 2], [3], 1.5)", () => np.correlate([1, 2], [3], 1.5 as 1)],
  ]);
});

test("inner gives NumPy's bits for float vectors (OpenBLAS's dot, contiguous and strided) and NumPy's values, dtypes and errors for N-D, integer, bool and scalar operands", () => {
  runProductCases([
    ["np.inner(lg, lg[::-1])", ({ lg }) => np.inner(lg, lg.get("::-1"))], ["np.inner(k13, k13)", ({ k13 }) => np.inner(k13, k13)], ["np.inner(k40, k40[::-1])", ({ k40 }) => np.inner(k40, k40.get("::-1"))],
    ["np.inner(k100, k100 + 1)", ({ k100 }) => np.inner(k100, k100.add(1))], ["np.inner(lg[::2], lg[1::2])", ({ lg }) => np.inner(lg.get("::2"), lg.get("1::2"))], ["np.inner(lg[:33:3], k13[:11])", ({ lg, k13 }) => np.inner(lg.get(":33:3"), k13.get(":11"))],
    ["np.inner(l32, l32[::-1])", ({ l32 }) => np.inner(l32, l32.get("::-1"))], ["np.inner(k32, k32)", ({ k32 }) => np.inner(k32, k32)], ["np.inner(l32[::3], l32[1::3])", ({ l32 }) => np.inner(l32.get("::3"), l32.get("1::3"))],
    ["np.inner(k32[:7], k32[7:14])", ({ k32 }) => np.inner(k32.get(":7"), k32.get("7:14"))], ["np.inner(k13[:1], k13[1:2])", ({ k13 }) => np.inner(k13.get(":1"), k13.get("1:2"))], ["np.inner(k32, k40.repeat(2)[:70])", ({ k32, k40 }) => np.inner(k32, np.repeat(k40, 2).get(":70"))],
  ]);
  runCases([
    ["np.inner([1, 2], [3, 4])", () => np.inner([1, 2], [3, 4])], ["np.inner(i, i)", ({ i }) => np.inner(i, i)], ["np.inner(S.astype(np.int64), i[:, :4])", ({ S, i }) => np.inner(S.astype("int64"), i.get(":, :4"))],
    ["np.inner(np.arange(24.0).reshape(2, 3, 4), np.arange(8.0).reshape(2, 4))", () => np.inner(np.arange(24).astype("float64").reshape(2, 3, 4), np.arange(8).astype("float64").reshape(2, 4))],
    ["np.inner(np.arange(6.0), np.arange(24.0).reshape(2, 2, 6))", () => np.inner(np.arange(6).astype("float64"), np.arange(24).astype("float64").reshape(2, 2, 6))],
    ["np.inner(A8, A8)", ({ A8 }) => np.inner(A8, A8)], ["np.inner(b, b)", ({ b }) => np.inner(b, b)], ["np.inner(b[0], b[1])", ({ b }) => np.inner(b.get(0), b.get(1))],
    ["np.inner(2, [1, 2])", () => np.inner(2, [1, 2])], ["np.inner(i, 2.5)", ({ i }) => np.inner(i, 2.5)], ["np.inner(A8, 300)", ({ A8 }) => np.inner(A8, 300)], ["np.inner(u8, u8.astype(np.float32))", ({ u8 }) => np.inner(u8, u8.astype("float32"))],
    ["np.inner(np.ones((2, 3)), np.ones((4, 2)))", () => np.inner(np.ones([2, 3]), np.ones([4, 2]))], ["np.inner(lg, k13)", ({ lg, k13 }) => np.inner(lg, k13)],
    ["np.inner(np.array([]), np.array([]))", () => np.inner(np.array([]), np.array([]))],
  ]);
  const worst = runBoundedCases([["np.inner(x[:, :4], S)", ({ x, S }) => np.inner(x.get(":, :4"), S)], ["np.inner(S, i[:, :4])", ({ S, i }) => np.inner(S, i.get(":, :4"))], ["np.inner(M, M16[:3, :40])", ({ M, M16 }) => np.inner(M, M16.get(":3, :40"))]]);
  console.log(`inner of N-D floats: largest difference from NumPy = ${worst} ulps of the largest value`);
});

test("the results NumPy returns as scalars are numbers here, and arrays stay arrays (0-d included)", () => {
  const { s64 } = inputs();
  assert.equal(typeof np.searchsorted(s64, 0.1), "number");
  assert.equal(typeof np.interp(0.1, [0, 1], [1, 2]), "number");
  assert.equal(typeof np.corrcoef([1, 2, 4]), "number");
  assert.equal(typeof np.inner([1.5, 2], [3, 4]), "number");
  const c = np.cov([1, 2, 4]) as NDArray;
  assert.equal(c.ndim, 0);
  assert.deepEqual(encode(np.isin(3, [1, 3])), encode(np.array(true)));
});
