/**
 * Advanced indexing (lib/np/advanced.ts) against Debian's NumPy: integer arrays and boolean
 * masks in `get` and `set`, alone and beside slices, integers, `None` and `...`; where the
 * broadcast dimensions go; errors; and that the result is a copy where a slice is a view.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { np } from "../lib";
import type { NDArray } from "../lib/np";
import { pythonJson } from "./oracle";
import { runCases, type Inputs } from "./numpy-cases";

/** `c = a.copy(); c[index] = value; c` on both sides. */
const PY_SET = (a: string, index: string, value: string) => `(lambda c: (c.__setitem__(${index}, ${value}), c)[1])(${a}.copy())`;
function setOn(a: NDArray, f: (c: NDArray) => void): NDArray {
  const c = a.copy();
  f(c);
  return c;
}

test("get with integer arrays agrees with NumPy: lists, negative and repeated indices, nested shapes, beside slices, integers, None and ...", () => {
  runCases([
    ["x[[0, 2]]", ({ x }) => x.get([[0, 2]])], ["x[[-1, 0, 0]]", ({ x }) => x.get([[-1, 0, 0]])],
    ["x[np.array([[0, 1], [3, 2]])]", ({ x }) => x.get(np.array([[0, 1], [3, 2]]))],
    ["x[:, [4, 0]]", ({ x }) => x.get([":", [4, 0]])], ["x[1:, [0, 2]]", ({ x }) => x.get(["1:", [0, 2]])],
    ["x[::-1, [1]]", ({ x }) => x.get(["::-1", [1]])], ["x.T[[0, 2]]", ({ x }) => x.T.get([[0, 2]])],
    ["x[[0, 1], [1, 2]]", ({ x }) => x.get([[0, 1], [1, 2]])], ["x[[[0], [1]], [2, 3]]", ({ x }) => x.get([[[0], [1]], [2, 3]])],
    ["x[[0, 3], 1]", ({ x }) => x.get([[0, 3], 1])], ["x[2, [1, 3]]", ({ x }) => x.get([2, [1, 3]])],
    ["x[np.array(1)]", ({ x }) => x.get(np.array(1))], ["x[[]]", ({ x }) => x.get([[]])],
    ["x[None, [0, 1]]", ({ x }) => x.get([null, [0, 1]])], ["x[[0, 1], None]", ({ x }) => x.get([[0, 1], null])],
    ["x[..., [1]]", ({ x }) => x.get(["...", [1]])],
    ["S[:, [0, 2]]", ({ S }) => S.get([":", [0, 2]])], ["S[[0, 1], :, [1, 2]]", ({ S }) => S.get([[0, 1], ":", [1, 2]])],
    ["S[[1, 0], 1:, [3, 0]]", ({ S }) => S.get([[1, 0], "1:", [3, 0]])], ["S[0, :, [0, 1]]", ({ S }) => S.get([0, ":", [0, 1]])],
    ["S[:, [0, 2], [1, 3]]", ({ S }) => S.get([":", [0, 2], [1, 3]])], ["S[[0, 1], None, [1, 2]]", ({ S }) => S.get([[0, 1], null, [1, 2]])],
    ["S[..., [0], [1]]", ({ S }) => S.get(["...", [0], [1]])], ["u8[[5, 0, 5]]", ({ u8 }) => u8.get([[5, 0, 5]])],
    ["f32[[2], [0, 3]]", ({ f32 }) => f32.get([[2], [0, 3]])], ["b[[0, 1]]", ({ b }) => b.get([[0, 1]])],
    ["i[t[:3]]", ({ i, t }) => i.get(t.get(":3"))],
  ]);
});

test("get with boolean masks agrees with NumPy: the array's own shape (contiguous, transposed, strided), leading axes, beside integers and slices", () => {
  runCases([
    ["x[x > 0]", ({ x }) => x.get(x.gt(0))], ["x[b]", ({ x, b }) => x.get(b)], ["x.T[x.T > 0]", ({ x }) => x.T.get(x.T.gt(0))],
    ["x[::2][x[::2] > 0]", ({ x }) => x.get("::2").get(x.get("::2").gt(0))], ["x[b.T.T]", ({ x, b }) => x.get(b.T.T)],
    ["i[i > 0]", ({ i }) => i.get(i.gt(0))], ["u8[u8 > 100]", ({ u8 }) => u8.get(u8.gt(100))], ["f32[f32 < 0]", ({ f32 }) => f32.get(f32.lt(0))],
    ["xn[np.isnan(xn)]", ({ xn }) => xn.get(np.isnan(xn))], ["S[S > 1]", ({ S }) => S.get(S.gt(1))],
    ["x[b[:, 0]]", ({ x, b }) => x.get(b.get(":, 0"))], ["x[:, b[0]]", ({ x, b }) => x.get([":", b.get(0)])],
    ["x[b[:, 0], 1]", ({ x, b }) => x.get([b.get(":, 0"), 1])], ["x[[True, False, True, False]]", ({ x }) => x.get([[true, false, true, false]])],
    ["S[S[:, :, 0] > 0]", ({ S }) => S.get(S.get(":, :, 0").gt(0))], ["S[0, S[0, 0] > 0]", ({ S }) => S.get([0, S.get("0, 0").gt(0)])],
    ["x[np.zeros((4, 5), bool)]", ({ x }) => x.get(np.zeros([4, 5], { dtype: "bool" }))], ["x[np.array([], dtype=bool)]", ({ x }) => x.get(np.array([], { dtype: "bool" }))],
  ]);
});

test("set with index arrays and masks agrees with NumPy: scalars, broadcast values, casts, repeated indices (the last wins)", () => {
  runCases([
    [PY_SET("x", "x > 0", "0"), ({ x }) => setOn(x, (c) => c.set(c.gt(0), 0))],
    [PY_SET("x", "b", "x[b] * 2"), ({ x, b }) => setOn(x, (c) => c.set(b, x.get(b).mul(2)))],
    [PY_SET("x", "(slice(None), [0, 2])", "np.array([[-1], [-2], [-3], [-4]])"), ({ x }) => setOn(x, (c) => c.set([":", [0, 2]], np.array([[-1], [-2], [-3], [-4]])))],
    [PY_SET("i", "[0, 0, 1]", "np.array([[7], [8], [9]])"), ({ i }) => setOn(i, (c) => c.set([[0, 0, 1]], np.array([[7], [8], [9]])))],
    [PY_SET("i", "i < 0", "x[i < 0]"), ({ i, x }) => setOn(i, (c) => c.set(c.lt(0), x.get(i.lt(0))))],
    [PY_SET("u8", "u8 > 100", "255.7"), ({ u8 }) => setOn(u8, (c) => c.set(c.gt(100), 255.7))],
    [PY_SET("f32", "([0, 2], [1, 1])", "x[0, :2]"), ({ f32, x }) => setOn(f32, (c) => c.set([[0, 2], [1, 1]], x.get("0, :2")))],
    [PY_SET("x.T", "x.T > 0", "1"), ({ x }) => setOn(x.T, (c) => c.set(c.gt(0), 1))],
    [PY_SET("S", "(0, slice(None), [0, 1])", "np.arange(6).reshape(2, 3)"), ({ S }) => setOn(S, (c) => c.set([0, ":", [0, 1]], np.arange(6).reshape(2, 3)))],
    [PY_SET("x", "[0, 1]", "np.zeros(3)"), ({ x }) => setOn(x, (c) => c.set([[0, 1]], np.zeros(3)))],
  ] satisfies [string, (inp: Inputs) => unknown][]);
});

test("index errors, and values that do not fit the selection, agree with NumPy's messages", () => {
  runCases([
    ["x[[0, 5]]", ({ x }) => x.get([[0, 5]])], ["x[[-5]]", ({ x }) => x.get([[-5]])], ["x[:, [5]]", ({ x }) => x.get([":", [5]])],
    ["x[np.array([True, False])]", ({ x }) => x.get(np.array([true, false]))], ["x[:, b[:, 0]]", ({ x, b }) => x.get([":", b.get(":, 0")])],
    ["x[[0, 1], [0, 1, 2]]", ({ x }) => x.get([[0, 1], [0, 1, 2]])], ["x[np.array([0.5])]", ({ x }) => x.get(np.array([0.5]))],
    ["x[0, :, [0]]", ({ x }) => x.get([0, ":", [0]])], ["S[b]", ({ S, b }) => S.get(b)],
    [PY_SET("x", "b[:, 0]", "np.zeros(3)"), ({ x, b }) => setOn(x, (c) => c.set(b.get(":, 0"), np.zeros(3)))],
    [PY_SET("x", "[0, 1]", "[[1, 2], [3, 4]]"), ({ x }) => setOn(x, (c) => c.set([[0, 1]], [[1, 2], [3, 4]]))],
    // Basic indexing's message, for comparison.
    [PY_SET("x", "slice(0, 2)", "np.zeros(3)"), ({ x }) => setOn(x, (c) => c.set("0:2", np.zeros(3)))],
  ]);
});

test("an index array's result is a new array; a slice's is a view (what the tutorial's views-vs-copies point needs)", () => {
  const want = pythonJson<unknown[]>(`
import json, numpy as np
a = np.arange(12).reshape(3, 4)
f = a[[0, 2]]; m = a[a > 5]; s = a[0:2]
print(json.dumps([np.shares_memory(f, a), f.base is None, np.shares_memory(m, a), m.base is None, np.shares_memory(s, a), s.base is a, f.flags.c_contiguous]))`);
  const a = np.arange(12).reshape(3, 4);
  const f = a.get([[0, 2]]);
  const m = a.get(a.gt(5));
  const s = a.get("0:2");
  assert.deepEqual([np.sharesMemory(f, a), f.base === null, np.sharesMemory(m, a), m.base === null, np.sharesMemory(s, a), s.base === a, f.isContiguous], want);
  f.set([0, 0], 100);
  assert.equal(a.at(0, 0), 0, "a write into the copy leaves the original alone");
});
