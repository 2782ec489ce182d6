/**
 * `da.where(condition, x, y)` against the installed Dask, run at test time: the three operands
 * broadcast together as Dask's `elemwise` broadcasts them (lazy arrays, np arrays, numbers and
 * booleans, of any broadcastable shapes), and every result's repr, chunks and dtype equal
 * Dask's, its values bit for bit (as float64 bytes). An np operand is read a block at a time,
 * never broadcast whole.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { np, da } from "../lib";
import type { NDArray } from "../lib/np";
import type { LazyArray } from "../lib/da";
import { evalBlock } from "../lib/da/evaluate";
import { pythonJson } from "./oracle";

/** Python prelude: `rec(name, x)` records a lazy array as {@link rec} does here; `err(name, f)` what f raises. */
const PRELUDE = `
import base64, json
import numpy as np
import dask.array as da
out = {}
def rec(name, x):
    v = x.compute()
    out[name] = [repr(x), [list(c) for c in x.chunks], str(x.dtype), str(v.dtype), base64.b64encode(np.ascontiguousarray(v, dtype=np.float64).tobytes()).decode()]
def err(name, f):
    try:
        f()
        out[name] = None
    except Exception as e:
        out[name] = [type(e).__name__, str(e)]
`;

/** A lazy array as the prelude records Dask's: repr, chunks, dtype, computed dtype and values (float64 bytes, base64). */
async function rec(x: LazyArray): Promise<unknown[]> {
  const v: NDArray = await x.compute();
  const flat = Float64Array.from({ length: v.size }, (_, i) => Number(v.flatAt(i)));
  return [String(x), x.chunks, x.dtype, v.dtype, Buffer.from(flat.buffer).toString("base64")];
}

/** What `f` throws, as the prelude's `err` records it. */
function err(f: () => unknown): [string, string] | null {
  try {
    f();
    return null;
  } catch (e) {
    return [(e as Error).name, (e as Error).message];
  }
}

test("da.where broadcasts lazy arrays, np arrays and numbers as Dask does: reprs, chunks, dtypes and values equal Dask's", async () => {
  const dask = pythonJson<Record<string, unknown>>(`${PRELUDE}
x = da.from_array(np.arange(24).reshape(4, 6), chunks=(2, 3))
z = da.from_array(np.linspace(0, 1, 24).reshape(4, 6), chunks=(4, 2))
rec("same_int", da.where(x > 10, x, 0))
rec("same_nan", da.where(x > 10, x, np.nan))
rec("same_unify", da.where(x % 2 == 0, z, x))
lx = da.from_array(np.arange(12).reshape(3, 4) / 7, chunks=(2, 3))
y31 = da.from_array(np.arange(3).reshape(3, 1) * 10, chunks=(2, 1))
rec("np_row_lazy_col", da.where(lx > 0.5, np.arange(4) * 1.5, y31))
rec("lazy_np_row", da.where(lx > 0.5, lx, np.arange(4)))
c14 = da.from_array(np.array([[True, False, True, False]]), chunks=(1, 2))
rec("cond_row", da.where(c14, lx, lx * 2))
m = np.array([True, False, False, True])
rec("np_cond", da.where(m, lx, -lx))
rec("np_cond_numbers", da.where(m, 1, 2.5))
rec("numbers_int", da.where(lx > 0.5, 1, 0))
rec("numbers_mix", da.where(lx > 0.5, 1, 2.5))
i32 = da.from_array(np.arange(12).astype(np.int32).reshape(3, 4) - 5, chunks=2)
f32 = da.from_array(np.arange(12).astype(np.float32).reshape(3, 4) / 3, chunks=2)
u8 = da.from_array(np.arange(12).astype(np.uint8).reshape(3, 4), chunks=(3, 2))
rec("i32_f32", da.where(i32 > 0, i32, f32))
rec("f32_float", da.where(f32 > 1, f32, 0.1))
rec("u8_300", da.where(u8 > 5, u8, 300))
rec("u8_neg", da.where(u8 > 5, u8, -1))
rec("i32_np_i64", da.where(i32 > 0, i32, np.arange(4)))
rec("f32_np0d", da.where(f32 > 1, f32, np.array(0.1)))
rec("bool_bool", da.where(lx > 0.5, True, False))
rec("bool_lazy_int", da.where(lx > 0.5, lx > 1, 2))
rec("bool_float", da.where(lx > 0.5, True, lx))
a = da.from_array(np.arange(30).reshape(5, 6).astype(float), chunks=((2, 3), (4, 2)))
b = da.from_array(-np.arange(30).reshape(5, 6).astype(float), chunks=((1, 4), (1, 5)))
c = da.from_array(np.arange(30).reshape(5, 6) % 3 == 0, chunks=((5,), (3, 3)))
rec("uneven", da.where(c, a, b))
rec("lazy0d", da.where(f32 > 1, f32, da.from_array(np.array(0.1))))
rec("lazy0d_cond", da.where(da.from_array(np.array(True)), lx, 0))
g = da.from_array(np.arange(120).reshape(5, 4, 6).astype(float) - 60, chunks=(2, 3, 4))
rec("three_d", da.where(da.from_array(np.arange(30).reshape(5, 1, 6) % 4 == 1, chunks=(3, 1, 5)), np.arange(4).reshape(4, 1).astype(float), g))
rec("then_ops", (da.where(lx > 0.5, lx, np.arange(4)) * 2 + 1).sum(axis=0))
err("no_broadcast_np", lambda: da.where(lx > 0.5, np.arange(3), 0))
err("no_broadcast_lazy", lambda: da.where(lx > 0.5, lx, da.ones(5)))
err("x_only", lambda: da.where(lx > 0.5, lx))
print(json.dumps(out))`);
  const ours: Record<string, unknown> = {};
  const x = da.fromArray(np.arange(24).reshape(4, 6), { chunks: [2, 3] });
  const z = da.fromArray(np.linspace(0, 1, 24).reshape(4, 6), { chunks: [4, 2] });
  ours.same_int = await rec(da.where(x.gt(10), x, 0));
  ours.same_nan = await rec(da.where(x.gt(10), x, NaN));
  ours.same_unify = await rec(da.where(x.mod(2).eq(0), z, x));
  const lx = da.fromArray(np.arange(12).reshape(3, 4).div(7), { chunks: [2, 3] });
  const y31 = da.fromArray(np.arange(3).reshape(3, 1).mul(10), { chunks: [2, 1] });
  ours.np_row_lazy_col = await rec(da.where(lx.gt(0.5), np.arange(4).mul(1.5), y31));
  ours.lazy_np_row = await rec(da.where(lx.gt(0.5), lx, np.arange(4)));
  const c14 = da.fromArray(np.array([[true, false, true, false]]), { chunks: [1, 2] });
  ours.cond_row = await rec(da.where(c14, lx, lx.mul(2)));
  const m = np.array([true, false, false, true]);
  ours.np_cond = await rec(da.where(m, lx, lx.neg()));
  ours.np_cond_numbers = await rec(da.where(m, 1, 2.5));
  ours.numbers_int = await rec(da.where(lx.gt(0.5), 1, 0));
  ours.numbers_mix = await rec(da.where(lx.gt(0.5), 1, 2.5));
  const i32 = da.fromArray(np.arange(12).astype("int32").reshape(3, 4).sub(5), { chunks: 2 });
  const f32 = da.fromArray(np.arange(12).astype("float32").reshape(3, 4).div(3), { chunks: 2 });
  const u8 = da.fromArray(np.arange(12).astype("uint8").reshape(3, 4), { chunks: [3, 2] });
  ours.i32_f32 = await rec(da.where(i32.gt(0), i32, f32));
  ours.f32_float = await rec(da.where(f32.gt(1), f32, 0.1));
  ours.u8_300 = await rec(da.where(u8.gt(5), u8, 300));
  ours.u8_neg = await rec(da.where(u8.gt(5), u8, -1));
  ours.i32_np_i64 = await rec(da.where(i32.gt(0), i32, np.arange(4)));
  ours.f32_np0d = await rec(da.where(f32.gt(1), f32, np.array(0.1)));
  ours.bool_bool = await rec(da.where(lx.gt(0.5), true, false));
  ours.bool_lazy_int = await rec(da.where(lx.gt(0.5), lx.gt(1), 2));
  ours.bool_float = await rec(da.where(lx.gt(0.5), true, lx));
  // astype("float64") where Python writes floats: a JS 1.0 is the Python int 1 (docs/porting.md).
  const a = da.fromArray(np.arange(30).reshape(5, 6).astype("float64"), { chunks: [[2, 3], [4, 2]] });
  const b = da.fromArray(np.arange(30).reshape(5, 6).astype("float64").neg(), { chunks: [[1, 4], [1, 5]] });
  const c = da.fromArray(np.arange(30).reshape(5, 6).mod(3).eq(0), { chunks: [[5], [3, 3]] });
  ours.uneven = await rec(da.where(c, a, b));
  ours.lazy0d = await rec(da.where(f32.gt(1), f32, da.fromArray(np.array(0.1))));
  ours.lazy0d_cond = await rec(da.where(da.fromArray(np.array(true)), lx, 0));
  const g = da.fromArray(np.arange(120).reshape(5, 4, 6).astype("float64").sub(60), { chunks: [2, 3, 4] });
  ours.three_d = await rec(da.where(da.fromArray(np.arange(30).reshape(5, 1, 6).mod(4).eq(1), { chunks: [3, 1, 5] }), np.arange(4).reshape(4, 1).astype("float64"), g));
  ours.then_ops = await rec(da.where(lx.gt(0.5), lx, np.arange(4)).mul(2).add(1).sum({ axis: 0 }));
  ours.no_broadcast_np = err(() => da.where(lx.gt(0.5), np.arange(3), 0));
  ours.no_broadcast_lazy = err(() => da.where(lx.gt(0.5), lx, da.ones([5])));
  ours.x_only = err(() => (da.where as (...a: unknown[]) => LazyArray)(lx.gt(0.5), lx));
  assert.deepEqual(ours, dask);
});

test("da.where refuses what it does not build: the condition alone (Dask's nonzero) and a scalar condition (Dask's broadcast_to)", () => {
  const lx = da.fromArray(np.arange(12).reshape(3, 4), { chunks: 2 });
  assert.throws(() => da.where(lx.gt(5)), { name: "TypeError", message: /da\.where\(condition\) without x and y is Dask's nonzero\(condition\).*use np\.nonzero/ });
  assert.throws(() => da.where(true, lx, 0), { name: "TypeError", message: /da\.where: a scalar condition picks x or y whole/ });
});

test("da.where reads an np operand a block at a time: a (4000,) row beside a 4000x4000 lazy array is never broadcast whole", async () => {
  const dask = pythonJson<unknown[]>(`${PRELUDE}
import hashlib
y = da.random.RandomState(0).standard_normal((4000, 4000), chunks=(1000, 1000))
w = da.where(y > 0, np.arange(4000) * 0.5, y)
v = w.compute()
print(json.dumps([repr(w), str(v.dtype), hashlib.sha1(v.tobytes()).hexdigest()]))`);
  const y = new da.random.RandomState(0).standardNormal([4000, 4000], { chunks: [1000, 1000] });
  const row = np.arange(4000).mul(0.5);
  const before = process.memoryUsage().arrayBuffers;
  const w = da.where(y.gt(0), row, y);
  const built = process.memoryUsage().arrayBuffers - before;
  // A broadcast copy of the row would be 4000 × 4000 float64, 122 MB.
  assert.ok(built < 2 ** 20, `building the where took ${built} bytes of arrays`);
  assert.ok(w.node.kind === "mapBlocks");
  const source = w.node.inputs.find((i) => i.node.kind === "source");
  assert.ok(source?.node.kind === "source");
  assert.equal(source.node.array, row, "the row itself, not a copy");
  assert.deepEqual([source.shape, source.chunks], [[4000], [[1000, 1000, 1000, 1000]]]);
  const block = evalBlock(source, [2]);
  assert.deepEqual([block.array.shape, block.array.nd.data === row.nd.data, block.owned], [[1000], true, false], "a block is a view of the row");
  const v = await w.compute();
  assert.ok(v.isContiguous && v.nd.data instanceof Float64Array);
  const bytes = Buffer.from(v.nd.data.buffer, v.nd.data.byteOffset + v.nd.offset * 8, v.size * 8);
  assert.deepEqual([String(w), v.dtype, createHash("sha1").update(bytes).digest("hex")], dask, "repr, dtype and every value's bits (SHA-1)");
});
