/**
 * The native fills of lib/np/random (native/np_random.c: PCG64's next_double, NumPy's
 * standard-normal ziggurat, next_float and bounded integers) against the installed NumPy, on streams long enough to
 * cross the ziggurat's rare branches, and mixed with the WebAssembly kernel's methods on one
 * generator. The same checks, and all of np-random.test.js, run again in a child with the
 * addon switched off (LAZYLAB_NATIVE=0), so both paths are held to NumPy's bits.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import { native } from "../lib/np/native";
import { addonPath } from "../lib/addon";
import { defaultRng, Generator, PCG64 } from "../lib/np/random";
import { NATIVE_FILL_MIN } from "../lib/np/random/pcg64";
import { normalTables, packedNormalTables, ZIGGURAT_NOR_R } from "../lib/np/random/ziggurat";
import { pythonJson } from "./oracle";

const ADDON = addonPath("lazylab_np");
const fallbackRun = process.env.LAZYLAB_NATIVE === "0";

const sha = (a: Float64Array): string => createHash("sha256").update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)).digest("hex");

interface Digest {
  normal: string;
  random: string;
  normalSum: number;
  tail: number;
  state: string;
}

/** NumPy's standard_normal(n) then random(m) from default_rng(seed): digests and the final state. */
function numpyDigest(pySeed: string, n: number, m: number): Digest {
  return pythonJson<Digest>(`
import hashlib, json
import numpy as np
g = np.random.default_rng(${pySeed})
z = g.standard_normal(${n})
u = g.random(${m})
print(json.dumps({"normal": hashlib.sha256(z.tobytes()).hexdigest(), "random": hashlib.sha256(u.tobytes()).hexdigest(),
                  "normalSum": float(z.sum()), "tail": int((np.abs(z) > ${ZIGGURAT_NOR_R}).sum()),
                  "state": str(g.bit_generator.state["state"]["state"])}))`);
}

describe("float64 fills of millions of draws are NumPy's", () => {
  test(`the ${fallbackRun ? "WebAssembly kernel (addon off)" : "native fill"} is what runs`, () => {
    const wanted = !fallbackRun && existsSync(ADDON);
    assert.equal(typeof native?.pcgFill === "function", wanted, wanted ? `${ADDON} is built but has no pcgFill` : "the addon should be off");
  });

  test("the streams below cross the ziggurat's wedge and tail thousands of times", () => {
    // Counted on the raw 64-bit draws: a draw outside its layer's rectangle (rabs >= ki)
    // takes the wedge test (one more draw, and exp) or, in layer 0, the tail (two more, log1p).
    const { ki } = normalTables();
    const raw = new Uint32Array(2 * 4_000_000);
    new PCG64(0).fillUint64(raw);
    let wedge = 0;
    let tail = 0;
    for (let j = 0; j < raw.length; j += 2) {
      const idx = raw[j] & 0xff;
      const rabs = (raw[j + 1] & 0x1fffffff) * 8388608 + (raw[j] >>> 9);
      if (rabs >= ki[idx]) idx === 0 ? tail++ : wedge++;
    }
    assert.ok(wedge > 10000 && tail > 500, `wedge ${wedge}, tail ${tail} in 4e6 draws`);
  });

  const SEEDS: [string, number | bigint | number[]][] = [["0", 0], ["12345", 12345], ["2**63+5", 2n ** 63n + 5n], ["[7, 8, 9]", [7, 8, 9]]];
  for (const [pySeed, seed] of SEEDS) {
    test(`seed ${pySeed}: standard_normal(4_000_000) then random(2_000_000), bytes and final state`, () => {
      const n = 4_000_000;
      const m = 2_000_000;
      const expected = numpyDigest(pySeed, n, m);
      const rng = defaultRng(seed);
      const z = rng.fillStandardNormal(new Float64Array(n));
      const u = rng.fillRandom(new Float64Array(m));
      let tail = 0;
      for (const v of z) if (Math.abs(v) > ZIGGURAT_NOR_R) tail++;
      assert.ok(tail > 100, `only ${tail} tail samples`);
      assert.equal(tail, expected.tail, "tail samples");
      assert.equal(sha(z), expected.normal, "standard_normal bytes");
      assert.equal(sha(u), expected.random, "random bytes");
      assert.equal(String(rng.state.state.state), expected.state, "state after both");
    });
  }
});

describe("float32 random and integers fills of millions of draws are NumPy's", () => {
  const sha1 = (a: Float64Array | Float32Array): string => createHash("sha1").update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)).digest("hex");
  // Odd lengths leave next_uint32's half-draw buffered for the next call; ranges with heavy
  // rejection (2**31 + 1: ~half; 3·2**62: a quarter), the full 2**32 and 2**64 ranges.
  const n = 1_000_001;
  const calls: [string, (r: Generator) => Float64Array | Float32Array][] = [
    [`g.integers(0, 100, ${n})`, (r) => r.fillIntegers(new Float64Array(n), 0, 100)],
    [`g.random(${n}, dtype=np.float32)`, (r) => r.fillRandomF32(new Float32Array(n))],
    [`g.integers(0, 2**31 + 1, ${n})`, (r) => r.fillIntegers(new Float64Array(n), 0, 2 ** 31 + 1)],
    [`g.integers(-5, 2**32 - 5, ${n})`, (r) => r.fillIntegers(new Float64Array(n), -5, 2 ** 32 - 5)],
    [`g.integers(0, 2**40, ${n})`, (r) => r.fillIntegers(new Float64Array(n), 0, 2 ** 40)],
    [`g.random(${n}, dtype=np.float32)`, (r) => r.fillRandomF32(new Float32Array(n))],
    [`g.integers(-2**63, 2**62, ${n})`, (r) => r.fillIntegers(new Float64Array(n), -(2n ** 63n), 2n ** 62n)],
    [`g.integers(-2**63, 2**63 - 1, ${n}, endpoint=True)`, (r) => r.fillIntegers(new Float64Array(n), -(2n ** 63n), 2n ** 63n - 1n, true)],
    [`g.integers(7, 8, ${n}, endpoint=True)`, (r) => r.fillIntegers(new Float64Array(n), 7, 8, true)],
  ];
  test("seed 2024: each call's bytes (int64 as float64) and the state with its buffered half after it", () => {
    const expected = pythonJson<{ digests: string[]; states: [string, number, number][] }>(`
import hashlib, json
import numpy as np
g = np.random.default_rng(2024)
digests, states = [], []
for f in [${calls.map(([c]) => `lambda: ${c}`).join(", ")}]:
    a = np.ascontiguousarray(f())
    if a.dtype.kind in "iu": a = a.astype(np.float64)
    digests.append(hashlib.sha1(a.tobytes()).hexdigest())
    s = g.bit_generator.state
    states.append([str(s["state"]["state"]), s["has_uint32"], s["uinteger"]])
print(json.dumps({"digests": digests, "states": states}))`);
    const rng = defaultRng(2024);
    calls.forEach(([call, fill], i) => {
      assert.equal(sha1(fill(rng)), expected.digests[i], `values of ${call}`);
      const s = rng.state;
      assert.deepEqual([String(s.state.state), s.hasUint32, s.uinteger], expected.states[i], `state after ${call}`);
    });
  });
});

describe("native fills and the WebAssembly kernel's methods share one stream", () => {
  test("mixed calls, buffered 32-bit half across native fills, normal/uniform scaling: NumPy's values and states", () => {
    const big = NATIVE_FILL_MIN * 40 + 3;
    const calls: [string, (r: Generator) => Float64Array | Float32Array][] = [
      ["g.integers(0, 10, 3)", (r) => r.fillIntegers(new Float64Array(3), 0, 10)], // leaves a buffered half
      [`g.integers(0, 10, ${big})`, (r) => r.fillIntegers(new Float64Array(big), 0, 10)], // takes it, leaves none
      [`g.random(${big}, dtype=np.float32)`, (r) => r.fillRandomF32(new Float32Array(big))], // leaves one
      [`g.random(${big})`, (r) => r.fillRandom(new Float64Array(big))],
      ["g.integers(0, 10, 1)", (r) => r.fillIntegers(new Float64Array(1), 0, 10)], // takes the buffered half
      [`g.standard_normal(${big})`, (r) => r.fillStandardNormal(new Float64Array(big))],
      ["g.random(3, dtype=np.float32)", (r) => r.fillRandomF32(new Float32Array(3))],
      [`g.normal(2.5, 0.25, ${big})`, (r) => r.fillNormal(new Float64Array(big), 2.5, 0.25)],
      [`g.standard_normal(${NATIVE_FILL_MIN - 1})`, (r) => r.fillStandardNormal(new Float64Array(NATIVE_FILL_MIN - 1))],
      [`g.uniform(-3, 4, ${big})`, (r) => r.fillUniform(new Float64Array(big), -3, 4)],
      ["g.standard_normal(5, dtype=np.float32)", (r) => r.fillStandardNormalF32(new Float32Array(5))],
      [`g.random(${NATIVE_FILL_MIN})`, (r) => r.fillRandom(new Float64Array(NATIVE_FILL_MIN))],
      ["g.integers(-2**40, 2**40, 7)", (r) => r.fillIntegers(new Float64Array(7), -(2 ** 40), 2 ** 40)],
      [`g.integers(-2**40, 2**40, ${big})`, (r) => r.fillIntegers(new Float64Array(big), -(2 ** 40), 2 ** 40)],
      [`g.random(${big}, dtype=np.float32)`, (r) => r.fillRandomF32(new Float32Array(big))],
      [`g.standard_normal(${big})`, (r) => r.fillStandardNormal(new Float64Array(big))],
    ];
    const expected = pythonJson<{ values: string[]; states: [string, number, number][] }>(`
import base64, json
import numpy as np
g = np.random.default_rng(31337)
values, states = [], []
for f in [${calls.map(([c]) => `lambda: ${c}`).join(", ")}]:
    a = np.ascontiguousarray(f())
    if a.dtype.kind in "iu": a = a.astype(np.float64)
    values.append(base64.b64encode(a.tobytes()).decode())
    s = g.bit_generator.state
    states.append([str(s["state"]["state"]), s["has_uint32"], s["uinteger"]])
print(json.dumps({"values": values, "states": states}))`);
    const rng = defaultRng(31337);
    calls.forEach(([call, fill], i) => {
      const a = fill(rng);
      assert.equal(Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64"), expected.values[i], `values of ${call}`);
      const s = rng.state;
      assert.deepEqual([String(s.state.state), s.hasUint32, s.uinteger], expected.states[i], `state after ${call}`);
    });
  });

  test("a fill into a subarray writes only its range, with the values of a fresh array", () => {
    const whole = new Float64Array(5000).fill(7);
    defaultRng(5).fillStandardNormal(whole.subarray(1000, 4000));
    const alone = defaultRng(5).fillStandardNormal(new Float64Array(3000));
    assert.deepEqual(whole.subarray(1000, 4000), alone);
    assert.ok(whole.subarray(0, 1000).every((v) => v === 7) && whole.subarray(4000).every((v) => v === 7), "outside the range untouched");
  });

  test("the normal tail where V8's Math.log1p differs from libm's, filled natively", () => {
    // Positions in PCG64(99)'s raw stream of tail draws whose sample depends on log1p being
    // libm's (found and checked in np-random.test.ts); a fill of NATIVE_FILL_MIN starting there.
    const positions = [42057765, 130523325, 228550053];
    const expected = pythonJson<string[]>(`
import base64, json
import numpy as np
out = []
for k in ${JSON.stringify(positions)}:
    bg = np.random.PCG64(99); bg.advance(k)
    out.append(base64.b64encode(np.random.Generator(bg).standard_normal(${NATIVE_FILL_MIN})[:3].tobytes()).decode())
print(json.dumps(out))`);
    positions.forEach((k, i) => {
      const a = new Generator(new PCG64(99).advance(k)).fillStandardNormal(new Float64Array(NATIVE_FILL_MIN)).subarray(0, 3);
      assert.equal(Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64"), expected[i], `tail at draw ${k}`);
    });
  });
});

describe("the addon's pcgFill rejects bad arguments with an error, not a crash", { skip: typeof native?.pcgFill !== "function" ? "addon not loaded" : false }, () => {
  test("wrong types, ranges, tables and kinds", () => {
    const f = native!.pcgFill;
    const words = new Uint32Array(8);
    const out = new Float64Array(10);
    const tables = packedNormalTables();
    assert.throws(() => f(0, new Uint32Array(4), out, 0, 10), /Uint32Array of at least 8 words/);
    assert.throws(() => f(0, new Float64Array(8) as unknown as Uint32Array, out, 0, 10), /Uint32Array/);
    assert.throws(() => f(0, words, new Float32Array(10) as unknown as Float64Array, 0, 10), /expected a Float64Array/);
    assert.throws(() => f(0, words, out, 5, 6), /range outside the array/);
    assert.throws(() => f(0, words, out, -1, 2), /range outside the array/);
    assert.throws(() => f(1, words, out, 0, 10), /expected a Float64Array/);
    assert.throws(() => f(1, words, out, 0, 10, tables.subarray(0, 512)), /768 doubles/);
    const params = new Uint32Array([0, 0, 0, 0, 11, 0]);
    assert.throws(() => f(2, words, out, 0, 10, params), /expected a Float32Array/);
    assert.throws(() => f(2, words, new Float32Array(10) as unknown as Float64Array, 0, 10), /params must be a Uint32Array of at least 6/);
    assert.throws(() => f(3, words, out, 0, 10, params.subarray(0, 5)), /params must be a Uint32Array of at least 6/);
    assert.throws(() => f(3, words, out, 0, 10, new Uint32Array([0, 0, 0, 0, 1, 0])), /range \+ 1 in \[2, 2\*\*32\]/);
    assert.throws(() => f(3, words, out, 0, 10, new Uint32Array([0, 0, 0, 0, 1, 1])), /range \+ 1 in \[2, 2\*\*32\]/);
    assert.throws(() => f(5, words, out, 0, 10), /unknown kind/);
    assert.deepEqual(words, new Uint32Array(8), "nothing drawn");
  });
});

test("np-random.test.js and this file pass with the addon off (LAZYLAB_NATIVE=0: the WebAssembly kernel)", { skip: fallbackRun ? "this is the fallback run" : false }, () => {
  // Without NODE_TEST_CONTEXT the child is a test run of its own, with its own exit status.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== "NODE_TEST_CONTEXT"));
  const files = [path.join(__dirname, "np-random.test.js"), __filename];
  const r = spawnSync(process.execPath, ["--test", ...files], { env: { ...env, LAZYLAB_NATIVE: "0" }, encoding: "utf8" });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});
