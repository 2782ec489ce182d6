/**
 * int64 reductions are exact and wrap around like NumPy's (lib/np/int-exact.ts): sums and
 * products of values near and past 2**53 and up to ±2**63, over whole arrays and axes, on
 * generated data, compared with NumPy's int64 results. Values are chosen representable as
 * doubles (int64 arrays are stored in Float64Array), so both sides reduce the same numbers;
 * NumPy's exact result reaches JavaScript through JSON, i.e. rounded once to the nearest
 * double, which is what lazylab's int64 storage holds.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { np } from "../lib";
import type { NDArray } from "../lib/np";
import { pythonJson } from "./oracle";

type Case = { data: number[]; shape: number[]; dtype: string; op: "sum" | "prod"; axis: number | null; keepdims: boolean };
type Want = { dtype: string; shape: number[]; values: unknown } | { scalar: number };

/** Generated cases and NumPy's results for them. */
function generate(): { cases: Case[]; want: Want[] } {
  return pythonJson(`
import json, random
import numpy as np
rnd = random.Random(20261125)
big = [2**53 - 1, 2**53, 2**53 + 2, 2**52 + 1, 2**62, 2**63 - 1024, -2**63, -(2**53 - 1), -2**62, 2**60 + 2**40]
small = [0, 1, -1, 2, 3, 7, -5, 1000003]
factors = [2**31, 3, -5, 2**20 + 1, 7, -1, 2**32 - 1, 11]
cases = [
    dict(data=[2**53, 1, 1, 1, -2**53], shape=[5], dtype="int64", op="sum", axis=None, keepdims=False),
    dict(data=[2**62] * 4 + [5], shape=[5], dtype="int64", op="sum", axis=None, keepdims=False),
    dict(data=[2**63 - 1024, 2**63 - 1024], shape=[2], dtype="int64", op="sum", axis=None, keepdims=False),
    dict(data=[-2**63, -1], shape=[2], dtype="int64", op="sum", axis=None, keepdims=False),
    dict(data=[3] * 40, shape=[40], dtype="int64", op="prod", axis=None, keepdims=False),
    dict(data=[2**32, 2**32, 3], shape=[3], dtype="int64", op="prod", axis=None, keepdims=False),
]
for k in range(60):
    op = "prod" if k % 4 == 3 else "sum"
    shape = rnd.choice([[rnd.randint(1, 40)], [rnd.randint(1, 6), rnd.randint(1, 9)], [2, 3, rnd.randint(1, 5)]])
    n = 1
    for s in shape: n *= s
    pool = factors if op == "prod" else (big + small if k % 3 else small + [2**50, -2**50, 2**51])
    data = [rnd.choice(pool) for _ in range(n)]
    axis = rnd.choice([None] + list(range(-len(shape), len(shape))))
    cases.append(dict(data=data, shape=shape, dtype="int64", op=op, axis=axis, keepdims=rnd.random() < 0.3))
# Narrow integer dtypes sum into int64 as well: a long int32 sum passes 2**53.
cases.append(dict(data=[2**31 - 1, -7, 2**31 - 1, 2**30], shape=[4], dtype="int32", op="sum", axis=None, keepdims=False))
want = []
for c in cases:
    a = np.array(c["data"], dtype=c["dtype"]).reshape(c["shape"])
    r = getattr(a, c["op"])(axis=c["axis"], keepdims=c["keepdims"])
    if isinstance(r, np.ndarray): want.append(dict(dtype=str(r.dtype), shape=list(r.shape), values=r.tolist()))
    else: want.append(dict(scalar=int(r)))
print(json.dumps(dict(cases=cases, want=want)))`);
}

function run(c: Case): Want {
  const a = np.array(c.data, { dtype: c.dtype as "int64" }).reshape(c.shape);
  const r = c.op === "sum" ? a.sum({ axis: c.axis, keepdims: c.keepdims }) : a.prod({ axis: c.axis, keepdims: c.keepdims });
  if (typeof r === "number") return { scalar: r };
  const arr = r as NDArray;
  return { dtype: arr.dtype, shape: arr.shape, values: arr.tolist() };
}

test("int64 sums and products near and past 2**53 and 2**63 are NumPy's (exact, wrapping)", () => {
  const { cases, want } = generate();
  assert.ok(cases.length > 60);
  cases.forEach((c, i) => {
    const label = `${c.dtype} ${JSON.stringify(c.data.length > 12 ? [...c.data.slice(0, 12), "..."] : c.data)} shape ${JSON.stringify(c.shape)} .${c.op}(axis=${c.axis}, keepdims=${c.keepdims})`;
    assert.deepEqual(run(c), want[i], label);
  });
});

test("a long int32 sum past 2**53 is exact", () => {
  const n = 1 << 23;
  const want = pythonJson<number>(`import numpy as np; print(int(np.full(${n}, 2**31 - 1, dtype=np.int32).sum()))`);
  assert.equal(np.full([n], 2 ** 31 - 1, { dtype: "int32" }).sum(), want);
  assert.ok(want > 2 ** 53);
});
