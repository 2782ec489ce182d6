/**
 * NumPy 1.24's dtypes and casting, compared with Debian's NumPy over a grid: every dtype ×
 * scalars of every magnitude (in range, just out of range, far out, negative for unsigned,
 * non-integer; JS numbers play Python's ints and floats, 0-d arrays too) × every binary
 * operator, both operand orders; every dtype pair array-array (broadcast as an outer
 * product); astype between all dtypes; .npy/.npz round trips read back by NumPy; reprs.
 *
 * Both the result dtype and every value are compared. Values travel as Python's str() of
 * each element; int64/uint64 results are compared as the double nearest to NumPy's exact
 * value, which is what lazylab's 64-bit integer storage holds (np/dtype.ts): exact within
 * ±2**53, the nearest double beyond (the test counts those cells).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { np } from "../lib";
import type { DType, NDArray } from "../lib/np";
import { python, pythonJson } from "./oracle";

const DTYPES: DType[] = ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float32", "float64"];

/** Each dtype's test values: zero, small ones, the extremes where they are doubles. */
const BASE: Record<DType, number[]> = {
  bool: [0, 1],
  int8: [-128, -7, -1, 0, 1, 3, 100, 127],
  int16: [-32768, -300, -1, 0, 2, 300, 32767],
  int32: [-(2 ** 31), -70000, -1, 0, 3, 70000, 2 ** 31 - 1],
  int64: [-(2 ** 40), -5, -1, 0, 1, 7, 2 ** 33 + 1],
  uint8: [0, 1, 2, 100, 200, 255],
  uint16: [0, 1, 3, 300, 40000, 65535],
  uint32: [0, 1, 5, 70000, 2 ** 31, 2 ** 32 - 1],
  uint64: [0, 1, 6, 70000, 2 ** 40],
  float32: [-2.5, -1, 0, 0.5, 3, 1000.25, 3e38],
  float64: [-2.5, -1, 0, 0.5, 3, 1e10, 1e300],
};

/** Scalars: in range, just out of int8/uint8/int16/uint16/int32/uint32 range, far out, negative, non-integer, past float32. */
const SCALARS = [0, 1, 3, -1, -3, 2.5, -0.5, 127, 128, -129, 255, 256, 300, -300, 32768, 65536, 2 ** 31, 2 ** 32, -(2 ** 31) - 1, 2 ** 40, -(2 ** 40), 2 ** 63, -(2 ** 63), 1e20, 1e39, true, false];

const OPS = ["add", "sub", "mul", "div", "floordiv", "mod", "pow", "eq", "ne", "lt", "le", "gt", "ge"] as const;
type Op = (typeof OPS)[number];
const PY_OP: Record<Op, string> = { add: "+", sub: "-", mul: "*", div: "/", floordiv: "//", mod: "%", pow: "**", eq: "==", ne: "!=", lt: "<", le: "<=", gt: ">", ge: ">=" };

/** A JS number as the Python literal it stands for: integral values within uint64's range are ints (casting.ts). */
function pyScalar(v: number | boolean): string {
  if (typeof v === "boolean") return v ? "True" : "False";
  if (Number.isInteger(v) && v >= -(2 ** 63) && v < 2 ** 64) return `(${BigInt(v).toString()})`;
  if (Number.isNaN(v)) return "float('nan')";
  if (!Number.isFinite(v)) return v > 0 ? "float('inf')" : "float('-inf')";
  return `float("${String(v)}")`;
}

function pyArray(dtype: DType, values: readonly number[]): string {
  const items = values.map((v) => (dtype === "bool" ? (v ? "True" : "False") : dtype.startsWith("float") ? `float("${String(v)}")` : BigInt(v).toString()));
  return `np.array([${items.join(", ")}], dtype=np.${dtype === "bool" ? "bool_" : dtype})`;
}

interface Case {
  /** Python expression computing the result. */
  py: string;
  /** The same in lazylab. */
  js: () => NDArray;
  what: string;
}

type Result = { error: string } | { dtype: string; shape: number[]; values: string[] };

/** NumPy's results for all expressions, in one Python run. */
function numpyResults(exprs: readonly string[]): Result[] {
  return pythonJson<Result[]>(
    `
import json, sys, warnings
import numpy as np
warnings.simplefilter("ignore")
np.seterr(all="ignore")
def enc(x):
    x = np.asarray(x)
    if x.dtype == np.bool_: vals = ["1" if v else "0" for v in x.ravel().tolist()]
    elif x.dtype.kind in "iu": vals = [str(int(v)) for v in x.ravel().tolist()]
    else: vals = [repr(float(v)) for v in x.ravel().tolist()]
    return dict(dtype=str(x.dtype), shape=list(x.shape), values=vals)
out = []
for e in json.load(sys.stdin):
    try:
        out.append(enc(eval(e)))
    except Exception as ex:
        out.append(dict(error=type(ex).__name__ + ": " + str(ex)))
print(json.dumps(out))
`,
    JSON.stringify(exprs),
  );
}

/** NumPy's str() of an element as the double lazylab stores. */
function parseValue(s: string): number {
  if (s === "nan") return NaN;
  if (s === "inf") return Infinity;
  if (s === "-inf") return -Infinity;
  if (/^-?\d+$/.test(s)) return Number(BigInt(s));
  return Number(s);
}

let beyond53 = 0;
/**
 * Float powers within this many units in the last place: NumPy 1.24 runs power through SVML
 * on AVX-512 CPUs and glibc's pow elsewhere, V8's Math.pow is neither (measured: 1 ulp).
 */
const POW_ULPS = 4;
let powUlps = 0;

function ulpsApart(g: number, w: number, f32: boolean): number {
  const ulp = Math.max(Math.abs(w), f32 ? 2 ** -126 : 2 ** -1022) * (f32 ? 2 ** -23 : 2 ** -52);
  return Math.abs(g - w) / ulp;
}

/** Compares one lazylab result (or error) with NumPy's; returns a message or undefined. */
function compare(c: Case, want: Result): string | undefined {
  let got: NDArray;
  try {
    got = c.js();
  } catch (e) {
    if ("error" in want) return undefined;
    return `${c.what}: lazylab threw ${(e as Error).message}; NumPy gave ${want.dtype}`;
  }
  if ("error" in want) return `${c.what}: NumPy raised ${want.error}; lazylab gave ${got.repr()}`;
  if (got.dtype !== want.dtype) return `${c.what}: dtype ${got.dtype}, NumPy ${want.dtype}`;
  assert.deepEqual(got.shape, want.shape, c.what);
  const flat = got.ravel();
  for (let i = 0; i < want.values.length; i++) {
    const w = parseValue(want.values[i]);
    const g = flat.at(i) as number;
    if (/^-?\d+$/.test(want.values[i]) && BigInt(want.values[i]) !== BigInt(Math.trunc(w))) beyond53++;
    const same = Object.is(g, w) || (Number.isNaN(g) && Number.isNaN(w)) || (g === 0 && w === 0 && got.dtype !== "float64" && got.dtype !== "float32");
    const f32 = got.dtype === "float32";
    if (!same && c.what.includes(" pow ") && (f32 || got.dtype === "float64") && ulpsApart(g, w, f32) <= POW_ULPS) {
      powUlps++;
      continue;
    }
    if (!same) return `${c.what}: element ${i} is ${g}, NumPy ${want.values[i]} (dtype ${want.dtype})`;
  }
  return undefined;
}

function run(cases: Case[]): string[] {
  const want = numpyResults(cases.map((c) => c.py));
  const failures: string[] = [];
  cases.forEach((c, i) => {
    const f = compare(c, want[i]);
    if (f) failures.push(f);
  });
  return failures;
}

function report(failures: string[], n: number): void {
  assert.equal(failures.length, 0, `${failures.length} of ${n} cases differ from NumPy:\n${failures.slice(0, 40).join("\n")}`);
}

function arrayOf(dtype: DType, values: readonly number[]): NDArray {
  return np.array(dtype === "bool" ? values.map((v) => v !== 0) : [...values], { dtype });
}

test("array op scalar and scalar op array follow NumPy 1.24's value-based casting for every dtype, magnitude and operator", (t) => {
  const cases: Case[] = [];
  for (const dt of DTYPES) {
    for (const s of SCALARS) {
      for (const op of OPS) {
        const py = pyScalar(s);
        cases.push({ what: `${dt} ${op} ${py}`, py: `${pyArray(dt, BASE[dt])} ${PY_OP[op]} ${py}`, js: () => (arrayOf(dt, BASE[dt]) as unknown as Record<Op, (o: number | boolean) => NDArray>)[op](s) });
        cases.push({ what: `${py} ${op} ${dt}`, py: `${py} ${PY_OP[op]} ${pyArray(dt, BASE[dt])}`, js: () => (np as unknown as Record<string, (a: number | boolean, b: NDArray) => NDArray>)[op](s, arrayOf(dt, BASE[dt])) });
      }
    }
  }
  beyond53 = powUlps = 0;
  report(run(cases), cases.length);
  t.diagnostic(`${cases.length} cases; int64/uint64 elements beyond 2**53 (compared as the nearest double): ${beyond53}; float pow elements within ${POW_ULPS} ulps, not equal: ${powUlps}`);
});

test("0-d arrays take part in value-based casting as scalars do", () => {
  const cases: Case[] = [];
  for (const dt of DTYPES) {
    for (const s of SCALARS) {
      if (typeof s === "boolean") continue;
      for (const op of ["add", "mul", "lt"] as const) {
        const py = pyScalar(s);
        cases.push({ what: `${dt} ${op} np.array(${py})`, py: `${pyArray(dt, BASE[dt])} ${PY_OP[op]} np.array(${py})`, js: () => (arrayOf(dt, BASE[dt]) as unknown as Record<Op, (o: NDArray) => NDArray>)[op](np.array(s)) });
      }
    }
  }
  report(run(cases), cases.length);
});

test("array op array follows NumPy's promotion table for every dtype pair and operator", (t) => {
  const cases: Case[] = [];
  for (const a of DTYPES) {
    for (const b of DTYPES) {
      for (const op of OPS) {
        // Integer powers refuse negative exponents: the exponents are the non-negative values.
        const bv = op === "pow" ? BASE[b].filter((v) => v >= 0 && v <= 40) : BASE[b];
        const pa = `${pyArray(a, BASE[a])}[:, None]`;
        const pb = `${pyArray(b, bv)}[None, :]`;
        cases.push({
          what: `${a} ${op} ${b}`,
          py: `${pa} ${PY_OP[op]} ${pb}`,
          js: () => (np as unknown as Record<string, (x: NDArray, y: NDArray) => NDArray>)[op](arrayOf(a, BASE[a]).reshape(-1, 1), arrayOf(b, bv).reshape(1, -1)),
        });
      }
    }
  }
  beyond53 = powUlps = 0;
  report(run(cases), cases.length);
  t.diagnostic(`${cases.length} cases; int64/uint64 elements beyond 2**53: ${beyond53}; float pow elements within ${POW_ULPS} ulps, not equal: ${powUlps}`);
});

test("astype converts between every pair of dtypes as NumPy does where NumPy defines the result", () => {
  const cases: Case[] = [];
  for (const from of DTYPES) {
    for (const to of DTYPES) {
      // Floats to integers are defined only in the target's range (C's conversion); integers wrap.
      const values = from.startsWith("float") && to !== "bool" && !to.startsWith("float") ? [-1.9, -0.5, 0, 0.7, 2.5, 99.9].filter((v) => v >= 0 || !to.startsWith("uint")) : BASE[from];
      cases.push({ what: `${from} astype ${to}`, py: `${pyArray(from, values)}.astype(np.${to === "bool" ? "bool_" : to})`, js: () => arrayOf(from, values).astype(to) });
    }
  }
  report(run(cases), cases.length);
});

test("reprs and str name every dtype as NumPy 1.24 does", () => {
  const exprs: string[] = [];
  const got: string[] = [];
  for (const dt of DTYPES) {
    for (const values of [BASE[dt], BASE[dt].slice(0, 2), []]) {
      exprs.push(pyArray(dt, values));
      got.push(JSON.stringify([arrayOf(dt, values).repr(), arrayOf(dt, values).toString()]));
    }
  }
  const want = pythonJson<string[]>(`
import json, sys
import numpy as np
print(json.dumps([json.dumps([repr(eval(e)), str(eval(e))], separators=(",", ":")) for e in json.load(sys.stdin)]))`, JSON.stringify(exprs));
  assert.deepEqual(got, want);
});

test("sums and products of small integer dtypes are NumPy's platform integers (uint64 for unsigned)", () => {
  const cases: Case[] = [];
  for (const dt of DTYPES) {
    for (const op of ["sum", "prod"] as const) {
      cases.push({ what: `${dt}.${op}`, py: `${pyArray(dt, BASE[dt].filter((v) => Math.abs(v) < 2 ** 20))}.reshape(1, -1).${op}(axis=1)`, js: () => arrayOf(dt, BASE[dt].filter((v) => Math.abs(v) < 2 ** 20)).reshape(1, -1)[op]({ axis: 1 }) as NDArray });
    }
  }
  report(run(cases), cases.length);
});

test(".npy and .npz files of every dtype round-trip and NumPy reads them", () => {
  const dir = path.join("test-output", "np-casting");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const arrays: Record<string, NDArray> = {};
  for (const dt of DTYPES) {
    const a = arrayOf(dt, BASE[dt]);
    arrays[dt] = a;
    np.save(path.join(dir, `${dt}.npy`), a);
    const back = np.load(path.join(dir, `${dt}.npy`)) as NDArray;
    assert.equal(back.dtype, dt);
    assert.deepEqual(back.tolist(), a.tolist());
  }
  np.savez(path.join(dir, "all.npz"), arrays);
  const check = JSON.parse(python(`
import json, sys, numpy as np
d = sys.argv[1] if len(sys.argv) > 1 else ${JSON.stringify(dir)}
out = {}
z = np.load(d + "/all.npz")
for dt in ${JSON.stringify(DTYPES)}:
    a = np.load(d + "/" + dt + ".npy")
    want = eval(${JSON.stringify("{" + DTYPES.map((dt) => `${JSON.stringify(dt)}: ${pyArray(dt, BASE[dt])}`).join(", ") + "}")})[dt]
    out[dt] = [str(a.dtype), str(z[dt].dtype), bool(np.array_equal(a, want)), bool(np.array_equal(z[dt], want))]
    np.save(d + "/py-" + dt + ".npy", want)
print(json.dumps(out))`)) as Record<string, [string, string, boolean, boolean]>;
  for (const dt of DTYPES) {
    assert.deepEqual(check[dt], [dt === "bool" ? "bool" : dt, dt === "bool" ? "bool" : dt, true, true], dt);
    const fromPy = np.load(path.join(dir, `py-${dt}.npy`)) as NDArray;
    assert.equal(fromPy.dtype, dt);
    assert.deepEqual(fromPy.tolist(), arrays[dt].tolist());
    assert.deepEqual(readFileSync(path.join(dir, `${dt}.npy`)), readFileSync(path.join(dir, `py-${dt}.npy`)), `${dt}: the bytes NumPy writes`);
  }
});

test("the issue's examples: int32 + 2**40 is int64, uint8 + 300 is uint16, uint8 + (-1) is int16, with NumPy's reprs", () => {
  const got = [
    np.array([1, 2], { dtype: "int32" }).add(2 ** 40).repr(),
    np.array([1, 2], { dtype: "uint8" }).add(300).repr(),
    np.array([1, 2], { dtype: "uint8" }).add(-1).repr(),
  ];
  const want = pythonJson<string[]>(`
import json, numpy as np
print(json.dumps([repr(np.array([1, 2], dtype=np.int32) + 2**40), repr(np.array([1, 2], dtype=np.uint8) + 300), repr(np.array([1, 2], dtype=np.uint8) + (-1))]))`);
  assert.deepEqual(got, want);
});
