/**
 * The Generator's dtypes against the installed NumPy: `integers` in every integer dtype and
 * bool (Lemire's method on 8-, 16- and 32-bit draws cut from next_uint32, on 64-bit draws for
 * the 64-bit dtypes), `random` and `standard_normal` in float32 as well as float64. Long
 * sequences of mixed calls on several seeds, every result compared by its bytes in its own
 * dtype (int64 and uint64 as the doubles lazylab stores), and PCG64's state, buffered 32-bit
 * half included, compared after every call; then NumPy's errors, word for word. Calls of 16
 * draws and more run in the addon (native/np_random.c), fewer in the WebAssembly kernel; the
 * whole file runs again in a child with the addon off (LAZYLAB_NATIVE=0).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { addonPath } from "../lib/addon";
import { native } from "../lib/np/native";
import { np } from "../lib";
import { NDArray } from "../lib/np";
import type { Generator, IntegerDType } from "../lib/np/rng";
import { PY_RECORD_ERROR, pythonJson } from "./oracle";

/** Python prelude: `put(name, value)`, `gstate(name, g)`, `err(name, f)`. */
const PRELUDE = `
import base64, json
import numpy as np
_out = {}
def b64(a):
    return base64.b64encode(np.ascontiguousarray(a).tobytes()).decode()
def enc(v):
    if isinstance(v, np.ndarray):
        wide = v.dtype.kind in "iu" and v.dtype.itemsize == 8
        return {"dtype": v.dtype.name, "shape": list(v.shape), "b64": b64(v.astype(np.float64) if wide else v)}
    if isinstance(v, (bool, np.bool_)):
        return {"bool": bool(v)}
    return {"scalar": b64(np.array([v], dtype=np.float64))}
def put(name, v):
    _out[name] = enc(v)
def gstate(name, g):
    s = g.bit_generator.state
    _out[name] = {"state": str(s["state"]["state"]), "hasUint32": s["has_uint32"], "uinteger": s["uinteger"]}
${PY_RECORD_ERROR}print_out = lambda: print(json.dumps(_out))
`;

interface Enc {
  dtype?: string;
  shape?: number[];
  b64?: string;
  scalar?: string;
  bool?: boolean;
  error?: [string, string] | null;
}

interface GState {
  state: string;
  hasUint32: number;
  uinteger: number;
}

function numpy<T = Enc>(code: string): Record<string, T> {
  return pythonJson<Record<string, T>>(`${PRELUDE}\n${code}\nprint_out()\n`);
}

/** Our value in the prelude's encoding: an array's own bytes (int64 and uint64 are stored as doubles). */
function encode(v: unknown): Enc {
  if (v instanceof NDArray) {
    const d = v.data as ArrayBufferView;
    return { dtype: v.dtype, shape: v.shape, b64: Buffer.from(d.buffer, d.byteOffset, d.byteLength).toString("base64") };
  }
  if (typeof v === "boolean") return { bool: v };
  if (typeof v === "number") return { scalar: Buffer.from(new Float64Array([v]).buffer).toString("base64") };
  throw new Error(`cannot encode ${String(v)}`);
}

/** The element type of each dtype's bytes, to name the first element that differs. */
const VIEWS: Record<string, new (b: ArrayBuffer) => ArrayLike<number>> = {
  int8: Int8Array, int16: Int16Array, int32: Int32Array, uint8: Uint8Array, uint16: Uint16Array, uint32: Uint32Array, bool: Uint8Array,
  int64: Float64Array, uint64: Float64Array, float64: Float64Array, float32: Float32Array,
};

function assertSame(actual: unknown, expected: Enc, what: string): void {
  const ours = encode(actual);
  if (ours.b64 !== undefined && expected.b64 !== undefined && ours.b64 !== expected.b64 && ours.dtype === expected.dtype) {
    const view = (s: string) => {
      const bytes = Buffer.from(s, "base64");
      return new VIEWS[ours.dtype!](bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
    };
    const [x, y] = [view(ours.b64), view(expected.b64)];
    const i = Array.from(x).findIndex((v, k) => !Object.is(v, y[k]));
    assert.fail(`${what}: element ${i} is ${x[i]}, NumPy has ${y[i]} (lengths ${x.length}, ${y.length})`);
  }
  assert.deepEqual(ours, expected, what);
}

/** One call in Python (on `g`) and here. */
type Case = [py: string, ts: (g: Generator) => unknown];

const INT_DTYPES: IntegerDType[] = ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "bool"];
const RANGE: Record<IntegerDType, [bigint, bigint]> = {
  int8: [-128n, 127n], int16: [-32768n, 32767n], int32: [-(2n ** 31n), 2n ** 31n - 1n], int64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint8: [0n, 255n], uint16: [0n, 65535n], uint32: [0n, 2n ** 32n - 1n], uint64: [0n, 2n ** 64n - 1n], bool: [0n, 1n],
};

/** A bound as TypeScript takes it: a number while exact, else a bigint. */
const bound = (v: bigint): number | bigint => (v >= -(2n ** 53n) && v <= 2n ** 53n ? Number(v) : v);
const pyDtype = (d: IntegerDType): string => (d === "bool" ? "bool" : `np.${d}`);

/** `g.integers(low, high, size, dtype, endpoint)` both ways; size null for a scalar. */
function ints(low: bigint, high: bigint, size: number | number[] | null, dtype: IntegerDType, endpoint = false): Case {
  const pySize = size === null ? "None" : Array.isArray(size) ? `(${size.join(", ")}${size.length === 1 ? "," : ""})` : String(size);
  const py = `g.integers(${low}, ${high}, ${pySize}, dtype=${pyDtype(dtype)}${endpoint ? ", endpoint=True" : ""})`;
  const ts = (g: Generator) => g.integers(bound(low), bound(high), size as number, { dtype, endpoint });
  return [py, ts];
}

/**
 * For each dtype: the full range (NumPy's plain buffered draws, no Lemire), a range of one
 * value (no draws at all), powers of two and their neighbours, negative lows, endpoint both
 * ways; odd sizes, so that 32-bit draws leave a buffered half for the next call and 8-, 16-
 * and 1-bit draws leave part of a next_uint32 unused (dropped at the end of a call, as NumPy
 * drops it); sizes below 16 (the WebAssembly kernel) and from 16 up (the addon).
 */
function dtypeCases(dtype: IntegerDType): Case[] {
  const [min, max] = RANGE[dtype];
  const cases: Case[] = [
    ints(min, max, 7, dtype, true),
    ints(min, max, 37, dtype, true),
    ints(min, max + 1n, 3, dtype),
    ints(min, max + 1n, 1003, dtype),
    ints(max, max + 1n, 5, dtype),
    ints(min, min, 2, dtype, true),
    ints(min, max, null, dtype, true),
  ];
  const bits = dtype === "bool" ? 1 : Number(dtype.replace(/\D/g, ""));
  for (const k of [1, 2, 3, 7, bits - 1, bits].filter((v, i, a) => v <= bits && a.indexOf(v) === i)) {
    const span = 2n ** BigInt(k);
    // [min, min + span) and its neighbours inside the dtype
    if (min + span - 1n <= max) cases.push(ints(min, min + span, 9, dtype));
    if (min + span - 1n <= max) cases.push(ints(min, min + span, 21, dtype));
    if (min + span <= max) cases.push(ints(min, min + span, 11, dtype, true));
    if (min + span <= max) cases.push(ints(min, min + span, 23, dtype, true));
    if (min + span - 2n <= max && span > 1n) cases.push(ints(min, min + span - 1n, 13, dtype));
    if (min + span - 2n <= max && span > 1n) cases.push(ints(min, min + span - 1n, 25, dtype));
  }
  if (min < 0n) cases.push(ints(-5n, 5n, 17, dtype), ints(-100n, -99n, 3, dtype), ints(-1n, 0n, 3, dtype, true), ints(-3n, 100n, null, dtype));
  else if (dtype !== "bool") cases.push(ints(3n, 7n, 19, dtype), ints(0n, 1n, 4, dtype, true), ints(10n, max, null, dtype));
  else cases.push(ints(0n, 2n, 19, dtype), ints(0n, 1n, 4, dtype, true), ints(1n, 1n, 3, dtype, true), ints(0n, 2n, null, dtype));
  return cases;
}

/** Float draws in both widths, odd sizes, scalars, keyword forms. */
const FLOATS: Case[] = [
  ["g.random(5)", (g) => g.random(5)],
  ["g.random(3, dtype=np.float32)", (g) => g.random(3, { dtype: "float32" })],
  ["g.standard_normal(7, dtype=np.float32)", (g) => g.standardNormal(7, { dtype: "float32" })],
  ["g.standard_normal(4)", (g) => g.standardNormal(4)],
  ["g.random(dtype=np.float32)", (g) => g.random({ dtype: "float32" })],
  ["g.random()", (g) => g.random()],
  ["g.standard_normal(dtype=np.float32)", (g) => g.standardNormal(null, { dtype: "float32" })],
  ["g.standard_normal()", (g) => g.standardNormal()],
  ["g.random(size=(2, 3), dtype=np.float32)", (g) => g.random({ size: [2, 3], dtype: "float32" })],
  ["g.standard_normal(size=(3, 1), dtype=np.float64)", (g) => g.standardNormal({ size: [3, 1], dtype: "float64" })],
  ["g.random(1001, dtype=np.float32)", (g) => g.random(1001, { dtype: "float32" })],
  ["g.standard_normal(2001, dtype=np.float32)", (g) => g.standardNormal(2001, { dtype: "float32" })],
  ["g.random((), dtype=np.float32)", (g) => g.random([], { dtype: "float32" })],
  ["g.standard_normal(0, dtype=np.float32)", (g) => g.standardNormal(0, { dtype: "float32" })],
];

/** Calls of the other forms: keywords, bigints, 0-d and empty sizes, blocks of the kernel and the addon. */
const MORE: Case[] = [
  ["g.integers(0, 256, size=1001, dtype=np.uint8)", (g) => g.integers(0, 256, { size: 1001, dtype: "uint8" })],
  ["g.integers(256, size=(3, 5), dtype=np.uint8)", (g) => g.integers(256, { size: [3, 5], dtype: "uint8" })],
  ["g.integers(100, dtype=np.int16)", (g) => g.integers(100, { dtype: "int16" })],
  ["g.integers(0, 2, dtype=bool)", (g) => g.integers(0, 2, null, { dtype: "bool" })],
  ["g.integers(0, 2, dtype=np.bool_, size=())", (g) => g.integers(0, 2, [], { dtype: "bool" })],
  ["g.integers(5, 5, 0, dtype=np.uint8)", (g) => g.integers(5, 5, 0, { dtype: "uint8" })],
  ["g.integers(-3, 3, (2, 0), dtype=np.int32)", (g) => g.integers(-3, 3, [2, 0], { dtype: "int32" })],
  ["g.integers(0.5, 10.9, 9, dtype=np.int8)", (g) => g.integers(0.5, 10.9, 9, { dtype: "int8" })],
  ["g.integers(-7.9, -0.5, 9, dtype=np.int16)", (g) => g.integers(-7.9, -0.5, 9, { dtype: "int16" })],
  // past the kernel's block of 8192: the narrow draws' buffer carried from block to block
  ["g.integers(0, 200, 20001, dtype=np.uint8)", (g) => g.integers(0, 200, 20001, { dtype: "uint8" })],
  ["g.integers(0, 2, 16385, dtype=bool)", (g) => g.integers(0, 2, 16385, { dtype: "bool" })],
  ["g.integers(-1000, 1000, 8193, dtype=np.int16)", (g) => g.integers(-1000, 1000, 8193, { dtype: "int16" })],
  ["g.integers(0, 3, 9999, dtype=np.uint32)", (g) => g.integers(0, 3, 9999, { dtype: "uint32" })],
  ["g.random(9999, dtype=np.float32)", (g) => g.random(9999, { dtype: "float32" })],
  // the 64-bit dtypes in the addon's fills (16 draws and up) and in the kernel's
  ["g.integers(0, 100, 15)", (g) => g.integers(0, 100, 15)],
  ["g.integers(0, 100, 16, dtype=np.uint64)", (g) => g.integers(0, 100, 16, { dtype: "uint64" })],
  ["g.integers(-2**40, 2**40, 1001)", (g) => g.integers(-(2 ** 40), 2 ** 40, 1001)],
  ["g.integers(2**64 - 10, 2**64, 21, dtype=np.uint64)", (g) => g.integers(2n ** 64n - 10n, 2n ** 64n, 21, { dtype: "uint64" })],
  ["g.integers(2**63, 2**64, 33, dtype=np.uint64)", (g) => g.integers(2n ** 63n, 2n ** 64n, 33, { dtype: "uint64" })],
  ["g.integers(0, 2**64, 17, dtype=np.uint64)", (g) => g.integers(0, 2n ** 64n, 17, { dtype: "uint64" })],
  ["g.integers(2**63 - 5, 2**63 + 5, 40, dtype=np.uint64)", (g) => g.integers(2n ** 63n - 5n, 2n ** 63n + 5n, 40, { dtype: "uint64" })],
  ["g.integers(2**53 - 3, 2**53 + 3, 9, dtype=np.int64)", (g) => g.integers(2 ** 53 - 3, 2n ** 53n + 3n, 9, { dtype: "int64" })],
  ["g.integers(2**64 - 2, 2**64, dtype=np.uint64)", (g) => g.integers(2n ** 64n - 2n, 2n ** 64n, null, { dtype: "uint64" })],
  ["g.integers(-2**63, 2**63, 5)", (g) => g.integers(-(2n ** 63n), 2n ** 63n, 5)],
  ["g.integers(0, 10, 3, endpoint=True)", (g) => g.integers(0, 10, 3, { endpoint: true })],
  ["g.integers(0, 10)", (g) => g.integers(0, 10)],
];

/** Interleaves `a` with `b`, cycling through `b`: one of `b` after every `every` of `a`. */
function interleave(a: Case[], b: Case[], every: number): Case[] {
  const out: Case[] = [];
  a.forEach((c, i) => {
    out.push(c);
    if (i % every === every - 1) out.push(b[Math.floor(i / every) % b.length]);
  });
  return out;
}

const SEQUENCE: Case[] = interleave([...INT_DTYPES.flatMap(dtypeCases), ...MORE], FLOATS, 3);

const SEEDS: [string, number | number[]][] = [
  ["0", 0],
  ["1", 1],
  ["42", 42],
  ["[7, 8, 9]", [7, 8, 9]],
];

function run(cases: readonly Case[], pySeed: string, seed: number | number[]): void {
  const code = `g = np.random.default_rng(${pySeed})\n` + cases.map(([py], i) => `put("${i}", ${py})\ngstate("s${i}", g)`).join("\n");
  const expected = numpy<Enc & GState>(code);
  const g = np.random.defaultRng(seed);
  cases.forEach(([py, call], i) => {
    assertSame(call(g), expected[String(i)], `default_rng(${pySeed}): call ${i} ${py}`);
    const s = g.bitGenerator.state;
    assert.deepEqual({ state: String(s.state.state), hasUint32: s.hasUint32, uinteger: s.uinteger }, expected[`s${i}`], `default_rng(${pySeed}): state after call ${i} ${py}`);
  });
}

describe("integers in every dtype, random and standard_normal in float32: NumPy's draws and state after each call", () => {
  test(`the sequence covers every dtype (${SEQUENCE.length} calls)`, () => {
    for (const d of INT_DTYPES) assert.ok(SEQUENCE.some(([py]) => py.includes(`dtype=${pyDtype(d)})`) || py.includes(`dtype=${pyDtype(d)},`)), d);
  });
  for (const [pySeed, seed] of SEEDS) {
    test(`default_rng(${pySeed})`, () => run(SEQUENCE, pySeed, seed));
  }
  test("reversed, on a fresh seed: each call starts from another buffered state", () => run([...SEQUENCE].reverse(), "2024", 2024));
});

describe("errors are NumPy's, word for word, and draw nothing", () => {
  const G: Case[] = [
    ["g.integers(-1, 256, 3, dtype=np.uint8)", (g) => g.integers(-1, 256, 3, { dtype: "uint8" })],
    ["g.integers(0, 257, 3, dtype=np.uint8)", (g) => g.integers(0, 257, 3, { dtype: "uint8" })],
    ["g.integers(0, 256, 3, dtype=np.uint8, endpoint=True)", (g) => g.integers(0, 256, 3, { dtype: "uint8", endpoint: true })],
    ["g.integers(-129, 0, dtype=np.int8)", (g) => g.integers(-129, 0, null, { dtype: "int8" })],
    ["g.integers(0, 129, dtype=np.int8)", (g) => g.integers(0, 129, null, { dtype: "int8" })],
    ["g.integers(0, 128, dtype=np.int8, endpoint=True)", (g) => g.integers(0, 128, null, { dtype: "int8", endpoint: true })],
    ["g.integers(0, 3, dtype=bool)", (g) => g.integers(0, 3, null, { dtype: "bool" })],
    ["g.integers(-1, 1, dtype=bool)", (g) => g.integers(-1, 1, null, { dtype: "bool" })],
    ["g.integers(0, 0, dtype=np.int16)", (g) => g.integers(0, 0, null, { dtype: "int16" })],
    ["g.integers(0, dtype=np.uint16)", (g) => g.integers(0, { dtype: "uint16" })],
    ["g.integers(0, -1, dtype=np.int16, endpoint=True)", (g) => g.integers(0, -1, null, { dtype: "int16", endpoint: true })],
    ["g.integers(5, 5, 2, dtype=np.int32)", (g) => g.integers(5, 5, 2, { dtype: "int32" })],
    ["g.integers(5, 4, 2, dtype=np.uint32, endpoint=True)", (g) => g.integers(5, 4, 2, { dtype: "uint32", endpoint: true })],
    ["g.integers(0, 2**32 + 1, dtype=np.uint32)", (g) => g.integers(0, 2 ** 32 + 1, null, { dtype: "uint32" })],
    ["g.integers(-2**31 - 1, 0, dtype=np.int32)", (g) => g.integers(-(2 ** 31) - 1, 0, null, { dtype: "int32" })],
    ["g.integers(-1, 5, dtype=np.uint64)", (g) => g.integers(-1, 5, null, { dtype: "uint64" })],
    ["g.integers(0, 2**64 + 1, dtype=np.uint64)", (g) => g.integers(0, 2n ** 64n + 1n, null, { dtype: "uint64" })],
    ["g.integers(0, 2**63 + 1, 3)", (g) => g.integers(0, 2n ** 63n + 1n, 3)],
    ["g.integers(-2**63 - 1, 0, 3)", (g) => g.integers(-(2n ** 63n) - 1n, 0, 3)],
    ["g.integers(10, 3, 3)", (g) => g.integers(10, 3, 3)],
    ["g.integers(-1, size=3)", (g) => g.integers(-1, { size: 3 })],
    ["g.integers(float('nan'), 5, dtype=np.uint8)", (g) => g.integers(NaN, 5, null, { dtype: "uint8" })],
    ["g.integers(0, 10, 3, dtype=np.float64)", (g) => g.integers(0, 10, 3, { dtype: "float64" as IntegerDType })],
    ["g.integers(0, 10, 0, dtype=np.float32)", (g) => g.integers(0, 10, 0, { dtype: "float32" as IntegerDType })],
    ["g.random(3, dtype=np.int32)", (g) => g.random(3, { dtype: "int32" as "float32" })],
    ["g.random(dtype=np.uint8)", (g) => g.random({ dtype: "uint8" as "float32" })],
    ["g.standard_normal(3, dtype=np.int64)", (g) => g.standardNormal(3, { dtype: "int64" as "float32" })],
    ["g.standard_normal(dtype=bool)", (g) => g.standardNormal({ dtype: "bool" as "float32" })],
    ["g.integers(0, 10, 3, dtype=np.uint8, foo=1)", (g) => g.integers(0, 10, 3, { dtype: "uint8", foo: 1 } as never)],
    ["g.random(3, np.float32, None, 4)", (g) => (g.random as (...a: unknown[]) => unknown)(3, "float32", null, 4)],
  ];

  test("Generator", () => {
    const expected = numpy(`g = np.random.default_rng(0)\ng.integers(0, 10, 3, dtype=np.uint32)\n` + G.map(([py], i) => `err("${i}", lambda: ${py})`).join("\n") + `\nput("after", g.integers(0, 10, 3, dtype=np.uint32))\ngstate("state", g)`);
    const g = np.random.defaultRng(0);
    g.integers(0, 10, 3, { dtype: "uint32" }); // leaves a buffered half: an error must not touch it
    G.forEach(([py, call], i) => {
      const want = expected[String(i)].error;
      assert.ok(want, `NumPy does not raise for ${py}`);
      const [name, message] = want;
      assert.throws(
        () => call(g),
        (e: unknown) => {
          assert.ok(e instanceof Error, py);
          assert.equal(e.message, message, py);
          assert.equal(e.name, name, `${py}: class`);
          return true;
        },
      );
    });
    assertSame(g.integers(0, 10, 3, { dtype: "uint32" }), expected.after, "a draw after the errors (nothing was drawn)");
    const s = g.bitGenerator.state;
    assert.deepEqual({ state: String(s.state.state), hasUint32: s.hasUint32, uinteger: s.uinteger }, expected.state as unknown as GState);
  });

  test("a dtype lazylab does not have (float16) is a TypeError too", () => {
    const g = np.random.defaultRng(0);
    assert.throws(() => g.random(3, { dtype: "float16" as "float32" }), TypeError);
    assert.throws(() => g.standardNormal(3, { dtype: "float16" as "float32" }), TypeError);
    assert.throws(() => g.integers(0, 3, 3, { dtype: "float16" as IntegerDType }), TypeError);
  });
});

describe("the addon and the WebAssembly kernel", () => {
  const fallbackRun = process.env.LAZYLAB_NATIVE === "0";
  test(`the ${fallbackRun ? "WebAssembly kernel (addon off)" : "addon's narrow integer fills"} ${fallbackRun ? "is" : "are"} what runs`, () => {
    const wanted = !fallbackRun && existsSync(addonPath("lazylab_np"));
    assert.equal(typeof (native as unknown as Record<string, unknown> | null)?.pcgFillNarrow === "function", wanted);
  });
  test("the addon's pcgFillNarrow rejects bad arguments with an error, not a crash", { skip: fallbackRun || !existsSync(addonPath("lazylab_np")) ? "addon not loaded" : false }, () => {
    const f = (native as unknown as Record<string, (...a: unknown[]) => void>).pcgFillNarrow;
    const words = new Uint32Array(8);
    const params = new Uint32Array([0, 0, 0, 0, 10, 0]);
    assert.throws(() => f(7, words, new Uint8Array(4), 0, 4, params), /bits must be 1, 8, 16 or 32/);
    assert.throws(() => f(8, new Uint32Array(4), new Uint8Array(4), 0, 4, params), /Uint32Array of at least 8 words/);
    assert.throws(() => f(16, words, new Uint8Array(4), 0, 4, params), /integer typed array of the draws' width/);
    assert.throws(() => f(1, words, new Int8Array(4), 0, 4, params), /a Uint8Array for bool/);
    assert.throws(() => f(32, words, new Float32Array(4), 0, 4, params), /integer typed array/);
    assert.throws(() => f(8, words, new Uint8Array(4), 2, 3, params), /range outside the array/);
    assert.throws(() => f(8, words, new Uint8Array(4), 0, 4, params.subarray(0, 5)), /at least 6 words/);
    assert.throws(() => f(8, words, new Uint8Array(4), 0, 4, new Uint32Array([0, 0, 0, 0, 257, 0])), /range \+ 1 must be in \[2, 2\*\*bits\]/);
    assert.throws(() => f(1, words, new Uint8Array(4), 0, 4, new Uint32Array([0, 0, 0, 0, 1, 0])), /range \+ 1 must be in/);
    assert.deepEqual(words, new Uint32Array(8), "nothing drawn");
    assert.deepEqual(params, new Uint32Array([0, 0, 0, 0, 10, 0]), "the buffer untouched");
  });
  if (!fallbackRun) {
    test("the same calls with the addon off (LAZYLAB_NATIVE=0) give NumPy's draws too", () => {
      // Without NODE_TEST_CONTEXT the child is a test run of its own, with its own exit status.
      const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== "NODE_TEST_CONTEXT"));
      const r = spawnSync(process.execPath, ["--test", __filename], { env: { ...env, LAZYLAB_NATIVE: "0" }, encoding: "utf8" });
      assert.equal(r.status, 0, r.stdout + r.stderr);
    });
  }
});
