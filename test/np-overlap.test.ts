/**
 * Views and copies as NumPy tells them apart: `np.sharesMemory` (exact, NumPy's
 * `shares_memory`), `np.mayShareMemory` (bounds only) and `a.flags`, on the same chains of
 * slicing, transposing, reshaping, ravelling and copying run in NumPy at test time.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { np, sys } from "../lib";
import { pythonJson } from "./oracle";
import type { NDArray } from "../lib/np";

/** One step of a chain: a Python index (`x[...]`), `.T`, `.reshape(...)`, `np.ravel`, `.copy()`. */
type Op = ["index", string] | ["T"] | ["reshape", number[]] | ["ravel"] | ["copy"];

interface Case {
  shape: number[];
  dtype: string;
  a: Op[];
  b: Op[];
  shares: boolean;
  may: boolean;
  flagsA: string;
  flagsB: string;
}

const FLAG_NAMES = ["C_CONTIGUOUS", "F_CONTIGUOUS", "OWNDATA", "WRITEABLE", "ALIGNED", "WRITEBACKIFCOPY"] as const;

/** Random chains from one base array, and what NumPy says of each pair (seeded: the same cases every run). */
const CASES = pythonJson<Case[]>(`
import json, random, numpy as np
rng = random.Random(20261206)
def index(shape):
    items = []
    for n in shape:
        r = rng.random()
        if r < 0.15 and n > 0:
            items.append(str(rng.randrange(-n, n)))
        elif r < 0.3:
            items.append(":")
        else:
            step = rng.choice([1, 2, 3, -1, -2, -3])
            start = rng.choice(["", str(rng.randrange(-n - 1, n + 2))])
            stop = rng.choice(["", str(rng.randrange(-n - 1, n + 2))])
            items.append(f"{start}:{stop}:{step}")
    # An integer for every axis is a NumPy scalar (a copy), where lib/np's get gives a 0-d view.
    if all(":" not in i for i in items):
        items[-1] = ":"
    return ", ".join(items)
def chain(x):
    ops = []
    for _ in range(rng.randrange(1, 4)):
        r = rng.random()
        if r < 0.5 and x.ndim > 0:
            op = ["index", index(x.shape)]
        elif r < 0.65:
            op = ["T"]
        elif r < 0.8 and x.size > 0:
            op = ["reshape", [x.size]] if rng.random() < 0.5 or x.size % 2 else ["reshape", [2, x.size // 2]]
        elif r < 0.93:
            op = ["ravel"]
        else:
            op = ["copy"]
        x = apply(x, op)
        ops.append(op)
    return x, ops
def apply(x, op):
    if op[0] == "index": return eval(f"x[{op[1]}]")
    if op[0] == "T": return x.T
    if op[0] == "reshape": return x.reshape(op[1])
    if op[0] == "ravel": return np.ravel(x)
    return x.copy()
cases = []
for _ in range(400):
    shape = [rng.randrange(1, 7) for _ in range(rng.randrange(1, 4))]
    dtype = rng.choice(["float64", "float32", "int32", "uint8", "int16"])
    base = np.arange(int(np.prod(shape)), dtype=dtype).reshape(shape)
    if rng.random() < 0.4:
        # Interleaved: every axis stepped (2 or 3) from different starts, then maybe more steps.
        def stepped():
            return ["index", ", ".join(f"{rng.randrange(0, 3)}::{rng.choice([2, 3])}" for _ in shape)]
        opsA, opsB = [stepped()], [stepped()]
        a, b = apply(base, opsA[0]), apply(base, opsB[0])
        if rng.random() < 0.5:
            x, more = chain(a)
            a, opsA = x, opsA + more
    else:
        a, opsA = chain(base)
        b, opsB = chain(base)
    if a.ndim == 0 or b.ndim == 0:
        continue
    cases.append(dict(shape=shape, dtype=dtype, a=opsA, b=opsB, shares=bool(np.shares_memory(a, b)), may=bool(np.may_share_memory(a, b)), flagsA=repr(a.flags), flagsB=repr(b.flags)))
print(json.dumps(cases))
`);

function apply(x: NDArray, op: Op): NDArray {
  switch (op[0]) {
    case "index":
      return x.get(op[1]);
    case "T":
      return x.T;
    case "reshape":
      return x.reshape(...op[1]);
    case "ravel":
      return np.ravel(x);
    case "copy":
      return x.copy();
  }
}

test(`np.sharesMemory, np.mayShareMemory and flags agree with NumPy on ${CASES.length} pairs of views and copies of one array`, (t) => {
  assert.ok(CASES.length > 300, `enough cases: ${CASES.length}`);
  const disagree: string[] = [];
  let exactOnly = 0;
  for (const c of CASES) {
    const base = np.arange(c.shape.reduce((p, n) => p * n, 1), { dtype: c.dtype as "float64" }).reshape(...c.shape);
    const a = c.a.reduce(apply, base);
    const b = c.b.reduce(apply, base);
    const got = { shares: np.sharesMemory(a, b), may: np.mayShareMemory(a, b), flagsA: String(a.flags), flagsB: String(b.flags) };
    if (c.may && !c.shares) exactOnly++;
    for (const k of ["shares", "may", "flagsA", "flagsB"] as const) {
      if (got[k] !== c[k]) disagree.push(`${JSON.stringify(c.shape)} ${c.dtype} a=${JSON.stringify(c.a)} b=${JSON.stringify(c.b)}: ${k} ${JSON.stringify(got[k])}, NumPy ${JSON.stringify(c[k])}`);
    }
  }
  t.diagnostic(`pairs sharing memory: ${CASES.filter((c) => c.shares).length}; within each other's bounds only: ${exactOnly}`);
  assert.deepEqual(disagree, []);
  // The cases must include pairs whose bounds overlap without a shared element (a[::2], a[1::2]).
  assert.ok(exactOnly >= 10, `pairs that only the exact test tells apart: ${exactOnly}`);
});

test("flags read by NumPy's names and as attributes; a memmap does not own its data, a read-only one is not writeable", () => {
  const a = np.arange(6).reshape(2, 3);
  const f = a.T.flags;
  assert.deepEqual(FLAG_NAMES.map((n) => f[n]), [false, true, false, true, true, false]);
  assert.deepEqual([f.cContiguous, f.fContiguous, f.owndata, f.writeable, f.aligned, f.writebackifcopy], [false, true, false, true, true, false]);
  const dir = mkdtempSync(path.join(tmpdir(), "lazylab-flags-"));
  try {
    const file = path.join(dir, "m.dat");
    writeFileSync(file, Buffer.from(new Float64Array([0, 1, 2, 3, 4, 5]).buffer));
    const expected = pythonJson<string[]>(`
import json, numpy as np
m = np.memmap(${JSON.stringify(file)}, dtype="float64", mode="r", shape=(2, 3))
print(json.dumps([repr(np.arange(6).reshape(2, 3).flags), repr(m.flags), repr(m[:, 1:].flags), repr(np.zeros((0, 3))[:, ::2].flags)]))
`);
    const m = np.memmap(file, { dtype: "float64", mode: "r", shape: [2, 3] });
    assert.deepEqual([String(a.flags), String(m.flags), String(m.get(":, 1:").flags), String(np.zeros([0, 3]).get(":, ::2").flags)], expected);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("sharesMemory decides exactly where bounds cannot: interleaved columns, rows and strides", () => {
  const cases = ["x[::2], x[1::2]", "x[:, ::2], x[:, 1::2]", "x[::2, ::3], x[1::2, 1::3]", "x[::3], x[1::2]", "x.T[::2], x[:, 1::2].T", "x[:, 0], x[:, 5]", "x.ravel()[::7], x[:, 1]", "x[2:, :3], x[:2, 3:]", "x[::-1, ::2], x[:, ::-2]"];
  const expected = pythonJson<[boolean, boolean][]>(`
import json, numpy as np
x = np.arange(48.0).reshape(6, 8)
print(json.dumps([[bool(np.shares_memory(*p)), bool(np.may_share_memory(*p))] for p in [${cases.map((c) => `(${c})`).join(", ")}]]))
`);
  const x = np.arange(48).reshape(6, 8);
  const got: [boolean, boolean][] = [
    [x.get("::2"), x.get("1::2")],
    [x.get(":, ::2"), x.get(":, 1::2")],
    [x.get("::2, ::3"), x.get("1::2, 1::3")],
    [x.get("::3"), x.get("1::2")],
    [x.T.get("::2"), x.get(":, 1::2").T],
    [x.get(":, 0"), x.get(":, 5")],
    [x.ravel().get("::7"), x.get(":, 1")],
    [x.get("2:, :3"), x.get(":2, 3:")],
    [x.get("::-1, ::2"), x.get(":, ::-2")],
  ].map(([p, q]) => [np.sharesMemory(p, q), np.mayShareMemory(p, q)]);
  assert.deepEqual(got, expected);
  assert.ok(expected.some(([s, m]) => m && !s), "some pairs overlap in bounds only");
});

test("flags.writeable = false protects an array and the views made from it afterwards, with NumPy's errors; true again only where NumPy allows it", () => {
  const expected = pythonJson<string[]>(`
import json, numpy as np
out = []
def run(f):
    try:
        r = f()
        out.append("ok" if r is None else repr(r))
    except Exception as e:
        out.append(f"{type(e).__name__}: {e}")
a = np.arange(6.0)
run(lambda: setattr(a.flags, "writeable", False))
run(lambda: a.__setitem__(0, 1))
v = a[1:]
run(lambda: v.flags.writeable)
run(lambda: v.__setitem__(0, 1))
run(lambda: setattr(v.flags, "writeable", True))
run(lambda: np.add(a, 1, out=v))
run(lambda: v.sort())
run(lambda: a.copy().flags.writeable)
run(lambda: setattr(a.flags, "writeable", True))
run(lambda: a.__setitem__(0, 5))
run(lambda: v.flags.writeable)
run(lambda: setattr(v.flags, "writeable", True))
run(lambda: v.__setitem__(0, 7))
run(lambda: float(a[1]))
f = a.flags
run(lambda: setattr(f, "writeable", False))
run(lambda: f.writeable)
run(lambda: a.flags["WRITEABLE"])
run(lambda: a.T.flags.writeable)
print(json.dumps(out))
`);
  const out: string[] = [];
  const run = (f: () => unknown) => {
    try {
      const r = f();
      out.push(r === undefined ? "ok" : typeof r === "boolean" ? (r ? "True" : "False") : String(r));
    } catch (e) {
      out.push(`${(e as Error).name}: ${(e as Error).message}`);
    }
  };
  const a = np.arange(6, { dtype: "float64" });
  run(() => void (a.flags.writeable = false));
  run(() => void a.set(0, 1));
  const v = a.get("1:");
  run(() => v.flags.writeable);
  run(() => void v.set(0, 1));
  run(() => void (v.flags.writeable = true));
  run(() => void np.add(a, 1, v));
  run(() => void v.sort());
  run(() => a.copy().flags.writeable);
  run(() => void (a.flags.writeable = true));
  run(() => void a.set(0, 5));
  run(() => v.flags.writeable);
  run(() => void (v.flags.writeable = true));
  run(() => void v.set(0, 7));
  run(() => a.at(1).toFixed(1));
  const f = a.flags;
  run(() => void (f.writeable = false));
  run(() => f.writeable);
  run(() => a.flags["WRITEABLE"]);
  run(() => a.T.flags.writeable);
  assert.deepEqual(out, expected);
});

test("np.broadcastTo is a read-only view of stride 0, np.ascontiguousarray and np.asfortranarray copy only where NumPy's do", () => {
  const expected = pythonJson<unknown[][]>(`
import json, sys, numpy as np
x = np.arange(3.0)
a = np.arange(6.0).reshape(2, 3)
z = np.array(4.0)
cases = [
    (x, lambda: np.broadcast_to(x, (4, 3))), (a, lambda: np.broadcast_to(a[:1], (3, 2, 3))), (x, lambda: np.broadcast_to(x, (3,))),
    (z, lambda: np.broadcast_to(z, (2, 2))), (a, lambda: np.broadcast_to(a.T, (2, 3, 2))),
    (x, lambda: np.ascontiguousarray(x)), (a, lambda: np.ascontiguousarray(a.T)), (a, lambda: np.ascontiguousarray(a[:, ::2])), (z, lambda: np.ascontiguousarray(z)),
    (a, lambda: np.ascontiguousarray(a, dtype=np.float32)),
    (a, lambda: np.asfortranarray(a)), (a, lambda: np.asfortranarray(a.T)), (x, lambda: np.asfortranarray(x)), (a, lambda: np.asfortranarray(a[:, 1:])),
]
out = []
for src, f in cases:
    r = f()
    out.append([repr(r), list(r.strides), repr(r.flags), bool(np.shares_memory(r, src)), sys.getsizeof(r), r.nbytes, r is src])
for f in [lambda: np.broadcast_to(x, (2, 4)), lambda: np.broadcast_to(a, (3,)), lambda: np.broadcast_to(x, (-1, 3)), lambda: np.broadcast_to(x, (4, 3)).__setitem__((0, 0), 1)]:
    try:
        f()
        out.append(["ok"])
    except Exception as e:
        out.append([f"{type(e).__name__}: {e}"])
print(json.dumps(out))
`);
  const x = np.arange(3, { dtype: "float64" });
  const a = np.arange(6, { dtype: "float64" }).reshape(2, 3);
  const z = np.array(4.0, { dtype: "float64" });
  const cases: [NDArray, () => NDArray][] = [
    [x, () => np.broadcastTo(x, [4, 3])], [a, () => np.broadcastTo(a.get(":1"), [3, 2, 3])], [x, () => np.broadcastTo(x, [3])],
    [z, () => np.broadcastTo(z, [2, 2])], [a, () => np.broadcastTo(a.T, [2, 3, 2])],
    [x, () => np.ascontiguousarray(x)], [a, () => np.ascontiguousarray(a.T)], [a, () => np.ascontiguousarray(a.get(":, ::2"))], [z, () => np.ascontiguousarray(z)],
    [a, () => np.ascontiguousarray(a, { dtype: "float32" })],
    [a, () => np.asfortranarray(a)], [a, () => np.asfortranarray(a.T)], [x, () => np.asfortranarray(x)], [a, () => np.asfortranarray(a.get(":, 1:"))],
  ];
  const got: unknown[][] = cases.map(([src, f]) => {
    const r = f();
    return [r.repr(), r.strides, String(r.flags), np.sharesMemory(r, src), sys.getsizeof(r), r.nbytes, r === src];
  });
  for (const f of [() => np.broadcastTo(x, [2, 4]), () => np.broadcastTo(a, [3]), () => np.broadcastTo(x, [-1, 3]), () => np.broadcastTo(x, [4, 3]).set("0, 0", 1)]) {
    try {
      f();
      got.push(["ok"]);
    } catch (e) {
      got.push([`${(e as Error).name}: ${(e as Error).message}`]);
    }
  }
  assert.deepEqual(got, expected);
});
