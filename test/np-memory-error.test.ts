/**
 * NumPy's MemoryError for an array that cannot be had (lib/np/memory-error.ts): its message
 * against NumPy's own `_ArrayMemoryError` text at test time (made without allocating: its
 * `str()` needs only the shape and dtype), sizes across every unit, rounding ties included.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { totalmem } from "node:os";
import { np } from "../lib";
import { arrayMemoryError, MemoryError, sizeToString } from "../lib/np/memory-error";
import { itemsize } from "../lib/np/dtype";
import { pythonJson } from "./oracle";

test("sizes are written as NumPy's _size_to_string writes them: binary units, {:#.3g}, ties to even", () => {
  const sizes = [0, 1, 2, 512, 1023, 1024, 1025, 1536, 10 * 1024 - 1, 1000 * 1024, 1023.5 * 1024, 1023.4 * 1024, 1048575, 1048576, 36.25 * 2 ** 30, 36.75 * 2 ** 30,
    119.2 * 2 ** 30, 999.5 * 2 ** 20, 999.4 * 2 ** 20, 1000 * 2 ** 30, 2 ** 50, 2 ** 60, 2 ** 62, 3 * 2 ** 62, 12345678901, 4.5 * 2 ** 40, 1.005 * 2 ** 30];
  const ints = sizes.map((s) => Math.round(s));
  const want = pythonJson<string[]>(`
import json
from numpy.core._exceptions import _ArrayMemoryError
print(json.dumps([_ArrayMemoryError._size_to_string(n) for n in json.loads(input())]))`, JSON.stringify(ints));
  ints.forEach((n, k) => assert.equal(sizeToString(n), want[k], `${n} bytes`));
});

test("np.ones, zeros, empty and full past what can be had raise NumPy's MemoryError with NumPy's message", () => {
  const cases: [number[], "float64" | "int32" | "uint8" | "bool"][] = [[[70000, 70000], "float64"], [[40000, 40000, 10], "float64"], [[300000, 300000], "int32"], [[3000000, 3000000], "uint8"], [[2 ** 33], "bool"]];
  const want = pythonJson<string[]>(`
import json, numpy as np
from numpy.core._exceptions import _ArrayMemoryError
print(json.dumps([str(_ArrayMemoryError(tuple(s), np.dtype(d))) for s, d in json.loads(input())]))`, JSON.stringify(cases));
  for (const [k, [shape, dtype]] of cases.entries()) {
    const bytes = shape.reduce((a, b) => a * b, itemsize(dtype));
    // Where the machine holds that many bytes, NumPy could have had them: lazylab says why it cannot.
    const message = bytes <= totalmem() ? `${want[k]} (lazylab's arrays hold at most 2**32 elements)` : want[k];
    for (const make of [() => np.ones(shape, { dtype }), () => np.zeros(shape, { dtype }), () => np.empty(shape, { dtype }), () => np.full(shape, 1, { dtype })]) {
      assert.throws(make, (e: unknown) => e instanceof MemoryError && e.name === "MemoryError" && e.message === message, `${JSON.stringify(shape)} ${dtype}`);
    }
  }
  assert.equal(arrayMemoryError([5], "float64", 8).message, "Unable to allocate 40 bytes for an array with shape (5,) and data type float64");
  assert.ok(np.MemoryError === MemoryError);
});

test("every way a cell makes an array raises NumPy's MemoryError past what can be had, naming the array's shape: draws, ufuncs, broadcasting, products, tile, repeat, arange, linspace", () => {
  const rng = np.random.defaultRng(0);
  const big = np.ones([70000, 1]);
  const wide = np.ones([1, 70000]);
  // [what, NumPy's shape and dtype, the call]
  const cases: [string, number[], string, () => unknown][] = [
    ["rng.standard_normal", [70000, 70000], "float64", () => rng.standardNormal([70000, 70000])],
    ["rng.random float32", [70000, 70000], "float32", () => rng.random([70000, 70000], { dtype: "float32" })],
    ["rng.integers", [70000, 70000], "int64", () => rng.integers(0, 10, [70000, 70000])],
    ["rng.normal", [70000, 70000], "float64", () => rng.normal(0, 1, [70000, 70000])],
    ["rng.exponential", [70000, 70000], "float64", () => rng.exponential(1, [70000, 70000])],
    ["np.random.rand", [70000, 70000], "float64", () => np.random.rand(70000, 70000)],
    ["np.random.randint", [70000, 70000], "int64", () => np.random.randint(0, 5, { size: [70000, 70000] })],
    ["ones((70000, 1)) + ones((1, 70000))", [70000, 70000], "float64", () => np.add(big, wide)],
    ["np.multiply", [70000, 70000], "float64", () => np.mul(big, wide)],
    ["np.where", [70000, 70000], "float64", () => np.where(big, wide, 0)],
    ["np.outer", [70000, 70000], "float64", () => np.outer(np.ones(70000), np.ones(70000))],
    ["np.matmul", [70000, 70000], "float64", () => np.matmul(big, wide)],
    ["np.tile", [100000, 1000000], "float64", () => np.tile(np.ones(10), [1e5, 1e5])],
    ["np.repeat", [1000000000, 10], "float64", () => np.repeat(np.ones([10, 10]), 1e8, { axis: 0 })],
    ["np.arange", [6000000000], "int64", () => np.arange(6e9)],
    ["np.linspace", [6000000000], "float64", () => np.linspace(0, 1, 6e9)],
  ];
  const want = pythonJson<string[]>(`
import json, numpy as np
from numpy.core._exceptions import _ArrayMemoryError
print(json.dumps([str(_ArrayMemoryError(tuple(s), np.dtype(d))) for s, d in json.loads(input())]))`, JSON.stringify(cases.map(([, s, d]) => [s, d])));
  cases.forEach(([what, shape, dtype, make], k) => {
    const bytes = shape.reduce((a, b) => a * b, itemsize(dtype as "float64"));
    const message = bytes <= totalmem() ? `${want[k]} (lazylab's arrays hold at most 2**32 elements)` : want[k];
    assert.throws(make, (e: unknown) => e instanceof MemoryError && (e as Error).message === message, `${what}: want ${message}`);
  });
});
