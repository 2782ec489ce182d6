/**
 * NumPy as the oracle for lazylab's np: the same inputs on both sides (lazylab's
 * `np.random.defaultRng` gives NumPy's stream), Python expressions evaluated in one batch in
 * Debian's NumPy, and values, dtypes, shapes, reprs and error types/messages compared.
 */
import assert from "node:assert/strict";
import { np } from "../lib";
import type { NDArray } from "../lib/np";
import { runtimeWarnings } from "../lib/np/errors";
import { pythonJson } from "./oracle";

export type Enc = { dtype: string; shape: number[]; values: unknown; repr: string } | { tuple: Enc[] } | { scalar: unknown } | { error: string; message: string };

export const PY_INPUTS = `
import json, math, warnings, numpy as np
rng = np.random.default_rng(2024)
x = rng.standard_normal((4, 5))
i = rng.integers(-5, 6, (4, 5))
u8 = rng.integers(0, 200, 6).astype(np.uint8)
f32 = rng.standard_normal((3, 4)).astype(np.float32)
t = rng.integers(0, 4, 12)
A = rng.standard_normal((30, 40))
B = rng.standard_normal((40, 25))
v = rng.standard_normal(40)
Ai = rng.integers(-1000, 1000, (7, 9))
Bi = rng.integers(-1000, 1000, (9, 5))
A8 = rng.integers(-128, 128, (5, 6)).astype(np.int8)
B8 = rng.integers(-128, 128, (6, 3)).astype(np.int8)
S = rng.standard_normal((2, 3, 4))
xn = np.where(x < -0.5, np.nan, x)
b = x > 0
w = rng.uniform(-10, 10, 3000)
w32 = w.astype(np.float32)
i16 = rng.integers(-300, 300, 7).astype(np.int16)
sp = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 3.5, 1e300, -1e-300, 4503599627370495.5, 2.0**53 + 2])
`;

export function ourInputs() {
  const rng = np.random.defaultRng(2024);
  const x = rng.standardNormal([4, 5]);
  const i = rng.integers(-5, 6, [4, 5]);
  const u8 = rng.integers(0, 200, 6).astype("uint8");
  const f32 = rng.standardNormal([3, 4]).astype("float32");
  const t = rng.integers(0, 4, 12);
  const A = rng.standardNormal([30, 40]);
  const B = rng.standardNormal([40, 25]);
  const v = rng.standardNormal(40);
  const Ai = rng.integers(-1000, 1000, [7, 9]);
  const Bi = rng.integers(-1000, 1000, [9, 5]);
  const A8 = rng.integers(-128, 128, [5, 6]).astype("int8");
  const B8 = rng.integers(-128, 128, [6, 3]).astype("int8");
  const S = rng.standardNormal([2, 3, 4]);
  const xn = np.where(x.lt(-0.5), NaN, x);
  const b = x.gt(0);
  const w = rng.uniform(-10, 10, 3000);
  const w32 = w.astype("float32");
  const i16 = rng.integers(-300, 300, 7).astype("int16");
  const sp = np.array([0, -0, Infinity, -Infinity, NaN, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 3.5, 1e300, -1e-300, 4503599627370495.5, 2 ** 53 + 2], { dtype: "float64" });
  return { x, i, u8, f32, t, A, B, v, Ai, Bi, A8, B8, S, xn, b, w, w32, i16, sp };
}

export const PY_RUN = `
def enc(v):
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)): return repr(v)
    if isinstance(v, list): return [enc(e) for e in v]
    return v
def encode(r):
    if isinstance(r, np.ndarray): return {"dtype": str(r.dtype), "shape": list(r.shape), "values": enc(r.tolist()), "repr": repr(r)}
    if isinstance(r, tuple): return {"tuple": [encode(e) for e in r]}
    return {"scalar": enc(r.item() if hasattr(r, "item") else r)}
out = []
for e in json.loads(input()):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out.append(encode(eval(e)))
    except Exception as ex:
        out.append({"error": type(ex).__name__, "message": str(ex)})
print(json.dumps(out))`;

function enc(v: unknown): unknown {
  if (typeof v === "number" && !Number.isFinite(v)) return Number.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
  if (Array.isArray(v)) return v.map(enc);
  return v;
}

export function encode(r: unknown): Enc {
  if (Array.isArray(r)) return { tuple: r.map(encode) };
  if (typeof r === "number" || typeof r === "boolean") return { scalar: enc(r) };
  const a = r as NDArray;
  return { dtype: a.dtype, shape: a.shape, values: enc(a.tolist()), repr: a.repr() };
}

export function ours(f: () => unknown): Enc {
  try {
    return encode(f());
  } catch (e) {
    return { error: (e as Error).name, message: (e as Error).message };
  }
}

/** NumPy's exception names, as lazylab raises them (UFuncTypeError is a TypeError). */
const ERROR_NAMES: Record<string, string> = { UFuncTypeError: "TypeError", ValueError: "ValueError", AxisError: "AxisError", TypeError: "TypeError", IndexError: "RangeError" };

export function compare(got: Enc, want: Enc, what: string): void {
  if ("error" in want) {
    assert.ok("error" in got, `${what}: NumPy raises ${want.error}: ${want.message}; we returned ${JSON.stringify(got).slice(0, 200)}`);
    assert.equal(got.error, ERROR_NAMES[want.error] ?? want.error, `${what}: error type (${got.message})`);
    assert.equal(got.message, want.message, `${what}: error message`);
    return;
  }
  assert.ok(!("error" in got), `${what}: we raised ${(got as { error: string }).error}: ${(got as { message: string }).message}`);
  if ("tuple" in want) {
    assert.ok("tuple" in got, `${what}: NumPy returns a tuple`);
    assert.equal(got.tuple.length, want.tuple.length, `${what}: tuple length`);
    want.tuple.forEach((w, k) => compare(got.tuple[k], w, `${what}[${k}]`));
  } else if ("scalar" in want) {
    assert.ok("scalar" in got, `${what}: NumPy returns a scalar, we ${JSON.stringify(got).slice(0, 100)}`);
    assert.deepEqual(got.scalar, want.scalar, `${what}: value`);
  } else {
    assert.ok("dtype" in got, `${what}: NumPy returns an array`);
    assert.equal(got.dtype, want.dtype, `${what}: dtype`);
    assert.deepEqual(got.shape, want.shape, `${what}: shape`);
    assert.deepEqual(got.values, want.values, `${what}: values`);
    assert.equal(got.repr, want.repr, `${what}: repr`);
  }
}

const BITS = new Float64Array(1);
const WORDS = new Uint32Array(BITS.buffer);

/** |got - want| in ulps of want's binade (float32's spacing when f32); 0 for the same value, NaN beside NaN included; Infinity for inf beside a finite value, or 0 beside -0. */
export function ulpsApart(got: number, want: number, f32: boolean): number {
  if (Object.is(got, want) || (Number.isNaN(got) && Number.isNaN(want))) return 0;
  if (!Number.isFinite(got) || !Number.isFinite(want) || got === want) return Infinity;
  BITS[0] = want;
  const exponent = ((WORDS[1] >>> 20) & 0x7ff) - 1023;
  return Math.abs(got - want) / 2 ** (f32 ? Math.max(exponent, -126) - 23 : Math.max(exponent, -1022) - 52);
}

/** An encoded array's values, flat, as numbers (NaN and the infinities from their JSON spellings). */
export function flatNumbers(values: unknown): number[] {
  const flat = (v: unknown): unknown[] => (Array.isArray(v) ? v.flatMap(flat) : [v]);
  return flat(values).map((v) => (v === "nan" ? NaN : v === "inf" ? Infinity : v === "-inf" ? -Infinity : (v as number)));
}

/** float64 values sent from Python as the hex of their bytes, so NumPy's bits arrive exactly. */
export const hexFloats = (hex: string): Float64Array => new Float64Array(new Uint8Array(Buffer.from(hex, "hex")).buffer);

/**
 * Each got[k] within `bound` ulps of want[k] (`what(k)` names the element in a failure): the
 * largest difference and how many values differ.
 */
export function withinUlps(got: ArrayLike<number>, want: ArrayLike<number>, f32: boolean, bound: number, what: (k: number) => string): { worst: number; differ: number } {
  let worst = 0;
  let differ = 0;
  for (let k = 0; k < want.length; k++) {
    const d = ulpsApart(got[k], want[k], f32);
    if (d > 0) differ++;
    worst = Math.max(worst, d);
    assert.ok(d <= bound, `${what(k)}: ${got[k]} vs NumPy ${want[k]}: ${d} ulps`);
  }
  return { worst, differ };
}

/** A repr with each number replaced by "#" and without white space (padding follows the digits). */
export const reprLayout = (repr: string): string => repr.replace(/-?(\d+\.?\d*(e[+-]?\d+)?|nan|inf)/g, "#").replace(/\s+/g, "");

/**
 * Compares like {@link compare}, but an array's values within `bound` ulps; returns the largest
 * difference. `each(got, want, ulps)` is called for every value (a test's own checks). The same
 * values print the same; where the last bits differ a digit may too (float32 prints its shortest
 * unique digits), so then the reprs' layout is compared: the numbers' places, the dtype.
 */
export function compareUlps(got: Enc, want: Enc, what: string, bound: number, each?: (got: number, want: number, ulps: number, k: number) => void): number {
  if ("error" in want || !("dtype" in want)) {
    compare(got, want, what);
    return 0;
  }
  assert.ok("dtype" in got, `${what}: NumPy returns an array, we ${JSON.stringify(got).slice(0, 200)}`);
  assert.equal(got.dtype, want.dtype, `${what}: dtype`);
  assert.deepEqual(got.shape, want.shape, `${what}: shape`);
  const g = flatNumbers(got.values);
  const w = flatNumbers(want.values);
  let worst = 0;
  g.forEach((v, k) => {
    const d = ulpsApart(v, w[k], want.dtype === "float32");
    assert.ok(d <= bound, `${what}[${k}]: ${v} vs NumPy ${w[k]}: ${d} ulps > ${bound}`);
    each?.(v, w[k], d, k);
    worst = Math.max(worst, d);
  });
  if (worst === 0) assert.equal(got.repr, want.repr, `${what}: repr`);
  else assert.equal(reprLayout(got.repr), reprLayout(want.repr), `${what}: repr's layout`);
  return worst;
}

/**
 * Cases named by their function (`bounds`' key: its [float64, float32] ulps), each compared with
 * {@link compareUlps}; the largest difference per function and dtype ("log10 float32").
 * `pyExtra` and `inputs` as in {@link runCasesWith}.
 */
export function runUlpCases<I>(cases: [string, string, (inp: I) => unknown][], bounds: Record<string, readonly [number, number]>, pyExtra: string, inputs: () => I): Map<string, number> {
  const want = pythonJson<Enc[]>(PY_INPUTS + pyExtra + PY_RUN, JSON.stringify(cases.map((c) => c[1])));
  const inp = inputs();
  const worst = new Map<string, number>();
  cases.forEach(([fn, expr, f], k) => {
    const w = want[k];
    const f32 = "dtype" in w && w.dtype === "float32";
    const d = compareUlps(ours(() => f(inp)), w, expr, bounds[fn][f32 ? 1 : 0]);
    const key = `${fn} ${f32 ? "float32" : "float64"}`;
    worst.set(key, Math.max(worst.get(key) ?? 0, d));
  });
  return worst;
}

/** The inputs each case is given (the same draws as PY_INPUTS' names). */
export type Inputs = ReturnType<typeof ourInputs>;

export function runCases(cases: [string, (inp: Inputs) => unknown][]): void {
  runCasesWith(cases, "", ourInputs);
}

/**
 * runCases with a file's own inputs: `pyExtra` defines more names after PY_INPUTS, and
 * `inputs()` gives ours. The warnings lib/np prints meanwhile are silenced (their own tests
 * check them).
 */
export function runCasesWith<I>(cases: [string, (inp: I) => unknown][], pyExtra: string, inputs: () => I): void {
  const want = pythonJson<Enc[]>(PY_INPUTS + pyExtra + PY_RUN, JSON.stringify(cases.map((c) => c[0])));
  assert.equal(want.length, cases.length);
  const inp = inputs();
  const warn = console.warn;
  console.warn = () => {};
  try {
    cases.forEach(([expr, f], k) => compare(ours(() => f(inp)), want[k], expr));
  } finally {
    console.warn = warn;
  }
}

/**
 * The RuntimeWarnings each case gives, against those NumPy gives for its expression (every one
 * recorded, `warnings.simplefilter("always")`; none where NumPy has none). `pyInputs` defines
 * the expressions' names in Python, `inputs()` ours. `distinct`: each text counted once, on
 * both sides, for cases whose warning NumPy's loops can give more than once.
 */
export function assertWarningsAlike<I>(cases: [string, (inp: I) => unknown][], pyInputs: string, inputs: () => I, distinct = false): void {
  const want = pythonJson<string[][]>(`${pyInputs}
out = []
for e in json.loads(input()):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        eval(e)
    out.append([f"{m.category.__name__}: {m.message}" for m in w])
print(json.dumps(out))`, JSON.stringify(cases.map((c) => c[0])));
  const once = (texts: string[]) => (distinct ? [...new Set(texts)] : texts);
  const inp = inputs();
  const warn = console.warn;
  console.warn = () => {};
  try {
    cases.forEach(([expr, f], k) => {
      const before = runtimeWarnings.length;
      f(inp);
      assert.deepEqual(once(runtimeWarnings.slice(before).map((m) => `RuntimeWarning: ${m}`)), once(want[k]), expr);
    });
  } finally {
    console.warn = warn;
  }
}
