/**
 * lib/np against real NumPy (Debian's python3-numpy): the same programs run in both, and
 * results (values, dtypes, shapes) must agree. Expected values are computed by NumPy at
 * test time.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { np, sys } from "../lib";
import { pythonJson } from "./oracle";
import { runLikeExecutor } from "./executor-process";
import type { NDArray } from "../lib/np";

type Result = { dtype: string; shape: number[]; values: unknown } | { scalar: number | boolean } | { error: string };

/** Runs each expression in NumPy with `x`, `y`, `b` defined; returns dtype/shape/values. */
function numpy(setup: string, exprs: string[]): Result[] {
  const code = `
import json, numpy as np, math
${setup}
def enc(v):
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)): return repr(v)
    if isinstance(v, list): return [enc(e) for e in v]
    return v
out = []
for e in json.loads(input()):
    try:
        r = eval(e)
        if isinstance(r, np.ndarray): out.append({"dtype": str(r.dtype), "shape": list(r.shape), "values": enc(r.tolist())})
        else: out.append({"scalar": enc(r.item() if hasattr(r, "item") else r)})
    except Exception as ex:
        out.append({"error": type(ex).__name__})
print(json.dumps(out))`;
  return pythonJson<Result[]>(code, JSON.stringify(exprs));
}

function enc(v: unknown): unknown {
  if (typeof v === "number" && !Number.isFinite(v)) return Number.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
  if (Array.isArray(v)) return v.map(enc);
  return v;
}

function ours(f: () => NDArray | number | boolean): Result {
  try {
    const r = f();
    if (typeof r === "number" || typeof r === "boolean") return { scalar: enc(r) as number };
    return { dtype: r.dtype, shape: r.shape, values: enc(r.tolist()) };
  } catch (e) {
    return { error: (e as Error).name };
  }
}

/** Compares within a relative tolerance (summation order may differ in the last bits). */
function close(a: unknown, b: unknown, path = ""): void {
  if (Array.isArray(a) && Array.isArray(b)) {
    assert.equal(a.length, b.length, `length at ${path}`);
    a.forEach((v, i) => close(v, b[i], `${path}[${i}]`));
  } else if (typeof a === "number" && typeof b === "number") {
    assert.ok(Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)), `${path}: got ${a}, NumPy ${b}`);
  } else assert.deepEqual(a, b, path);
}

const SETUP = `
rng = np.random.default_rng(7)
x = np.round(rng.standard_normal((4, 5)) * 10, 3)
y = np.round(rng.standard_normal((5,)) * 10, 3)
i = np.arange(20).reshape(4, 5)
j = np.array([3, -1, 2, 0, 7], dtype=np.int32)
b = x > 0
`;

function ourSetup() {
  const data = pythonJson<{ x: number[][]; y: number[] }>(`
import json, numpy as np
${SETUP}
print(json.dumps({"x": x.tolist(), "y": y.tolist()}))`);
  const x = np.array(data.x);
  const y = np.array(data.y, { dtype: "float64" });
  const i = np.arange(20).reshape(4, 5);
  const j = np.array([3, -1, 2, 0, 7], { dtype: "int32" });
  const b = x.gt(0);
  return { x, y, i, j, b };
}

test("elementwise arithmetic, comparisons and broadcasting agree with NumPy", () => {
  const { x, y, i, j, b } = ourSetup();
  const cases: [string, () => NDArray | number | boolean][] = [
    ["x + y", () => x.add(y)], ["x - 1", () => x.sub(1)], ["x * y", () => x.mul(y)], ["x / y", () => x.div(y)],
    ["x ** 2", () => x.pow(2)], ["np.abs(x) ** 0.5", () => x.abs().pow(0.5)], ["i ** 2", () => i.pow(2)], ["i / 2", () => i.div(2)],
    ["i + 1.5", () => i.add(1.5)], ["i + j", () => i.add(j)], ["j * 2", () => j.mul(2)], ["j + 0.5", () => j.add(0.5)],
    ["i % 3", () => i.mod(3)], ["x % 3", () => x.mod(3)], ["-x", () => x.neg()], ["np.sqrt(np.abs(x))", () => np.sqrt(x.abs())],
    ["np.exp(x / 10)", () => np.exp(x.div(10))], ["np.log(np.abs(x) + 1)", () => np.log(x.abs().add(1))],
    ["x == y", () => x.eq(y)], ["x != 0", () => x.ne(0)], ["x < y", () => x.lt(y)], ["x <= 1", () => x.le(1)],
    ["x > y", () => x.gt(y)], ["x >= -1", () => x.ge(-1)], ["b + b", () => b.add(b)], ["b * 2", () => b.mul(2)],
    ["x[:, :1] + y", () => x.get(":, :1").add(y)], ["x.T * 2", () => x.T.mul(2)], ["x[::2, ::-1] - y[::-1]", () => x.get("::2, ::-1").sub(y.get("::-1"))],
    ["x + np.zeros((3, 1, 1))", () => x.add(np.zeros([3, 1, 1]))], ["x + np.zeros(3)", () => x.add(np.zeros(3))],
    ["b - b", () => b.sub(b)], ["i ** -1", () => i.pow(-1)], ["-b", () => b.neg()],
  ];
  const expected = numpy(SETUP, cases.map((c) => c[0]));
  cases.forEach(([expr, f], k) => {
    const got = ours(f);
    const want = expected[k];
    if ("error" in want) assert.ok("error" in got, `${expr}: NumPy raises ${want.error}, we returned a value`);
    else {
      assert.ok(!("error" in got), `${expr}: we raised, NumPy did not`);
      if ("dtype" in want) {
        assert.equal((got as { dtype: string }).dtype, want.dtype, `${expr}: dtype`);
        assert.deepEqual((got as { shape: number[] }).shape, want.shape, `${expr}: shape`);
        close((got as { values: unknown }).values, want.values, expr);
      } else close((got as { scalar: unknown }).scalar, want.scalar, expr);
    }
  });
});

test("reductions over axes agree with NumPy (bit for bit on float sums)", () => {
  const { x, i, j, b } = ourSetup();
  const cases: [string, () => NDArray | number | boolean][] = [
    ["x.sum()", () => x.sum()], ["x.sum(axis=0)", () => x.sum(0)], ["x.sum(axis=-1)", () => x.sum({ axis: -1 })],
    ["x.sum(axis=(0, 1))", () => x.sum({ axis: [0, 1] })], ["x.sum(axis=1, keepdims=True)", () => x.sum({ axis: 1, keepdims: true })],
    ["x.mean()", () => x.mean()], ["x.mean(axis=0)", () => x.mean(0)], ["x.std()", () => x.std()], ["x.std(axis=1)", () => x.std(1)],
    ["x.std(ddof=1)", () => x.std({ ddof: 1 })], ["x.var(axis=0)", () => x.var(0)],
    ["x.min()", () => x.min()], ["x.max(axis=1)", () => x.max(1)], ["x.min(axis=-2)", () => x.min(-2)],
    ["x.argmin()", () => x.argmin()], ["x.argmax(axis=0)", () => x.argmax(0)], ["x.argmax(axis=-1)", () => x.argmax(-1)],
    ["b.any()", () => b.any()], ["b.all(axis=0)", () => b.all(0)], ["b.any(axis=1)", () => b.any(1)],
    ["i.sum()", () => i.sum()], ["i.sum(axis=0)", () => i.sum(0)], ["j.sum()", () => j.sum()], ["i.mean(axis=1)", () => i.mean(1)],
    ["b.sum()", () => b.sum()], ["i.prod(axis=1)", () => i.prod(1)], ["x.T.sum(axis=0)", () => x.T.sum(0)],
    ["x.sum(axis=2)", () => x.sum(2)], ["np.zeros(0).max()", () => np.zeros(0).max()],
  ];
  const expected = numpy(SETUP, cases.map((c) => c[0]));
  cases.forEach(([expr, f], k) => {
    const got = ours(f);
    const want = expected[k];
    if ("error" in want) assert.ok("error" in got, `${expr}: NumPy raises ${want.error}`);
    else if ("dtype" in want) {
      assert.equal((got as { dtype: string }).dtype, want.dtype, `${expr}: dtype`);
      assert.deepEqual((got as { shape: number[] }).shape, want.shape, `${expr}: shape`);
      close((got as { values: unknown }).values, want.values, expr);
    } else close((got as { scalar: unknown }).scalar, want.scalar, expr);
  });
});

test("large float sums are bit-identical to NumPy's pairwise summation", () => {
  const data = pythonJson<{ v: number[]; total: number; rows: number[]; cols: number[] }>(`
import json, numpy as np
v = np.random.default_rng(3).standard_normal(30011) * 1e3
m = v[:30000].reshape(100, 300)
print(json.dumps({"v": v.tolist(), "total": float(v.sum()), "rows": m.sum(axis=1).tolist(), "cols": m.sum(axis=0).tolist()}))`);
  const v = np.array(data.v);
  assert.equal(v.sum(), data.total);
  const m = v.get(":30000").reshape(100, 300);
  assert.deepEqual((m.sum(1) as NDArray).tolist(), data.rows);
  assert.deepEqual((m.sum(0) as NDArray).tolist(), data.cols);
});

test("creation functions agree with NumPy", () => {
  const cases: [string, () => NDArray][] = [
    ["np.array([1, 2, 3])", () => np.array([1, 2, 3])], ["np.array([1.5, 2])", () => np.array([1.5, 2])],
    ["np.array([True, False])", () => np.array([true, false])], ["np.array([[1, 2], [3, 4]])", () => np.array([[1, 2], [3, 4]])],
    ["np.zeros((2, 3))", () => np.zeros([2, 3])], ["np.ones(3, dtype=np.int32)", () => np.ones(3, { dtype: "int32" })],
    ["np.full((2, 2), 7)", () => np.full([2, 2], 7)], ["np.arange(5)", () => np.arange(5)], ["np.arange(1, 2, 0.1)", () => np.arange(1, 2, 0.1)],
    ["np.arange(10, 0, -3)", () => np.arange(10, 0, -3)], ["np.linspace(0, 1, 7)", () => np.linspace(0, 1, 7)],
    ["np.linspace(-3, 5, 4, endpoint=False)", () => np.linspace(-3, 5, 4, { endpoint: false })],
    ["np.append(np.array([1, 2]), 3)", () => np.append(np.array([1, 2]), 3)], ["np.append(np.array([1, 2]), 3.5)", () => np.append(np.array([1, 2]), 3.5)],
    ["np.append(np.ones((2, 2)), np.zeros((1, 2)), axis=0)", () => np.append(np.ones([2, 2]), np.zeros([1, 2]), { axis: 0 })],
    ["np.diff(np.array([1, 4, 9, 16]))", () => np.diff(np.array([1, 4, 9, 16]))], ["np.diff(np.array([1, 4, 9, 16]), n=2)", () => np.diff(np.array([1, 4, 9, 16]), { n: 2 })],
    ["np.diff(np.arange(12).reshape(3, 4), axis=0)", () => np.diff(np.arange(12).reshape(3, 4), { axis: 0 })],
    ["np.concatenate([np.arange(3), np.arange(2)])", () => np.concatenate([np.arange(3), np.arange(2)])],
    ["np.concatenate([np.ones((2, 2)), np.zeros((2, 1))], axis=1)", () => np.concatenate([np.ones([2, 2]), np.zeros([2, 1])], { axis: 1 })],
    ["np.stack([np.arange(3), np.arange(3)], axis=1)", () => np.stack([np.arange(3), np.arange(3)], { axis: 1 })],
    ["np.arange(6).reshape(2, -1).T", () => np.arange(6).reshape(2, -1).T], ["np.arange(24).reshape(2, 3, 4).transpose(1, 0, 2)", () => np.arange(24).reshape(2, 3, 4).transpose(1, 0, 2)],
    ["np.arange(24).reshape(2, 3, 4)[:, ::2, 1:].T", () => np.arange(24).reshape(2, 3, 4).get(":, ::2, 1:").T], ["np.arange(5).T", () => np.arange(5).T],
    ["np.array(7.5).T", () => np.array(7.5).T], ["np.arange(6).reshape(3, 2)[::-1].transpose()", () => np.arange(6).reshape(3, 2).get("::-1").transpose()],
    ["np.arange(6).astype(np.float32) / 3", () => np.arange(6).astype("float32").div(3)], ["np.array([-1.7, 2.9]).astype(np.int64)", () => np.array([-1.7, 2.9]).astype("int64")],
    ["np.array([0.0, 2.0, float('nan')]).astype(bool)", () => np.array([0, 2, NaN]).astype("bool")], ["np.array([300, -1]).astype(np.uint8)", () => np.array([300, -1]).astype("uint8")],
  ];
  const expected = numpy("", cases.map((c) => c[0]));
  cases.forEach(([expr, f], k) => {
    const got = ours(f) as { dtype: string; shape: number[]; values: unknown };
    const want = expected[k] as { dtype: string; shape: number[]; values: unknown };
    assert.equal(got.dtype, want.dtype, `${expr}: dtype`);
    assert.deepEqual(got.shape, want.shape, `${expr}: shape`);
    close(got.values, want.values, expr);
  });
});

test("transpose with an empty list of axes refuses where NumPy does (it is not the reversal that no axes give)", () => {
  const [want] = numpy("", ["np.arange(6).reshape(2, 3).transpose([])"]);
  assert.deepEqual(want, { error: "ValueError" }, "NumPy's answer");
  assert.throws(() => np.arange(6).reshape(2, 3).transpose([]), /axes \[\] don't match an array of 2 dimensions/);
  assert.deepEqual(np.arange(6).reshape(2, 3).transpose().shape, [3, 2]);
});

test("slices are views: writes through them show in the base, copies are independent", () => {
  const a = np.arange(12).reshape(3, 4);
  const v = a.get("0:2, 1:3");
  assert.equal(v.base, a.base, "a view's base is the array owning the data, as in NumPy");
  assert.ok(np.sharesMemory(v, a));
  assert.ok(!np.sharesMemory(a.copy(), a));
  v.set([0, 0], 100);
  assert.equal(a.at(0, 1), 100);
  a.set("2", -1);
  assert.deepEqual(a.get(2).tolist(), [-1, -1, -1, -1]);
  const c = a.copy();
  c.set([0, 0], 5);
  assert.notEqual(a.at(0, 0), 5);
  assert.equal(c.base, null);
  const view = a;
  assert.ok(view === a, "assignment is identity, like Python's `is`");
  const w = a.get("::-1, ::2");
  assert.deepEqual(w.strides, [-32, 16]);
  assert.deepEqual(np.arange(5).get(np.slice(1, null, 2)).tolist(), [1, 3]);
  assert.deepEqual(np.arange(6).reshape(2, 3).get("..., None, 1").shape, [2, 1]);
  // Writing an overlapping view of itself behaves as if the source were copied first.
  const s = np.arange(5);
  s.set("1:", s.get(":-1"));
  assert.deepEqual(s.tolist(), [0, 0, 1, 2, 3]);
});

test("bad input gets errors naming the argument and the shapes", () => {
  const a = np.zeros([2, 3]);
  assert.throws(() => a.add(np.zeros(4)), { name: "ValueError", message: "operands could not be broadcast together with shapes (2,3) (4,) " });
  assert.throws(() => a.get("0:x"), /malformed index "0:x"/);
  assert.throws(() => a.get("5"), /index 5 is out of bounds for axis 0 with size 2/);
  assert.throws(() => a.at(0, -4), /index -4 is out of bounds for axis 1 with size 3/);
  assert.throws(() => a.get("0,0,0"), /too many indices/);
  assert.throws(() => np.zeros([2, -1]), /^RangeError: zeros: shape \[2, -1\] must hold non-negative integers \(got -1\)$/);
  assert.throws(() => np.ones(NaN), /^RangeError: ones: shape NaN must hold non-negative integers \(got NaN\)$/);
  assert.throws(() => np.empty([3, Infinity]), /^RangeError: empty: shape \[3, Infinity\] must hold non-negative integers \(got Infinity\)$/);
  assert.throws(() => np.full([1.5], 2), /^RangeError: full: shape \[1\.5\] must hold non-negative integers/);
  assert.throws(() => np.zeros(3, { dtype: "complex128" as never }), /unsupported dtype "complex128"/);
  assert.throws(() => a.reshape(4, 2), /cannot reshape array of size 6 \(shape \(2, 3\)\) into shape \(4, 2\)/);
  assert.throws(() => a.sum(2), /axis 2 is out of bounds for array of dimension 2/);
  assert.throws(() => np.array([[1, 2], [3]]), /not rectangular/);
  assert.throws(() => a.add(1, np.zeros(3)), /out has shape \(3,\), but the result has shape \(2, 3\)/);
  assert.throws(() => np.concatenate([np.zeros([2, 2]), np.zeros([3, 3])], { axis: 0 }), /along dimension 1/);
});

test("out arrays receive results in place", () => {
  const a = np.arange(4, undefined, undefined, { dtype: "float64" });
  const out = np.zeros(4);
  const r = a.mul(2, out);
  assert.equal(r, out);
  assert.deepEqual(out.tolist(), [0, 2, 4, 6]);
  a.add(1, a);
  assert.deepEqual(a.tolist(), [1, 2, 3, 4]);
  np.sqrt(a, a);
  assert.equal(a.at(3), 2);
});

test("sys.getsizeof matches NumPy's __sizeof__ for owners and views", () => {
  const want = pythonJson<number[]>(`
import json, numpy as np
a = np.zeros((1000, 1000)); v = np.arange(10)
print(json.dumps([a.__sizeof__(), a[0:3, 0:3].__sizeof__(), v.__sizeof__(), v[2:].__sizeof__(), np.zeros(()).__sizeof__(), np.zeros((2,2,2), dtype=np.float32).__sizeof__()]))`);
  const a = np.zeros([1000, 1000]);
  const v = np.arange(10);
  const got = [sys.getsizeof(a), sys.getsizeof(a.get("0:3, 0:3")), sys.getsizeof(v), sys.getsizeof(v.get("2:")), sys.getsizeof(np.zeros([])), sys.getsizeof(np.zeros([2, 2, 2], { dtype: "float32" }))];
  assert.deepEqual(got, want);
});

test("a large new array runs a full collection only when buffers may have piled up: promoted dead results are freed, and none runs after someone else's", async () => {
  const lib = JSON.stringify(require.resolve("../lib"));
  // Part 1: results kept for three statements are promoted before they die, which minor
  // collections do not free. Part 2: each new array follows a full collection of the caller's
  // own (as the memory probes run): nothing can have piled up, so allocate adds no full one.
  // gc is wrapped before lib/np takes it, so the child counts the full collections np asks for.
  const script = `
    const realGc = globalThis.gc;
    let fulls = 0;
    globalThis.gc = (options) => { if (!options || options.type !== "minor") fulls++; return realGc(options); };
    const { np } = require(${lib});
    const x = np.ones([2048, 2048]);
    const ring = [];
    let peak = 0;
    for (let i = 0; i < 40; i++) { ring[i % 3] = x.pow(2); peak = Math.max(peak, process.memoryUsage().arrayBuffers); }
    const promotedMajors = fulls;
    ring.length = 0;
    fulls = 0;
    let y;
    for (let i = 0; i < 20; i++) { realGc(); y = x.pow(2); }
    console.log(JSON.stringify({ peak, promotedMajors, afterOwn: fulls, sum: Number(y.sum()) }));`;
  const got = await runLikeExecutor<{ peak: number; promotedMajors: number; afterOwn: number; sum: number }>(["-e", script], "full collection child");
  const MB = 2 ** 20;
  assert.equal(got.sum, 2048 * 2048);
  // Live: x and three results (128 MB); at most 256 MB more of dead ones, and the new one.
  assert.ok(got.peak <= 128 * MB + 256 * MB + 32 * MB + 4 * MB, `array buffers peaked at ${(got.peak / MB).toFixed(0)} MB: ${JSON.stringify(got)}`);
  assert.ok(got.promotedMajors >= 2, `full collections freed the promoted dead results: ${JSON.stringify(got)}`);
  assert.equal(got.afterOwn, 0, `no full collection of np's own after the caller's: ${JSON.stringify(got)}`);
});

test("a large new array first frees the dead young temporaries (a minor collection where gc is exposed, as in the executor)", async () => {
  const lib = JSON.stringify(require.resolve("../lib"));
  // Each x**2 result is dropped by the next statement; without the scavenge before each new
  // 32 MB buffer the dead ones stay allocated until V8's next collection.
  const script = `
    const { np } = require(${lib});
    const x = np.ones([2048, 2048]);
    let y;
    const peaks = [];
    for (let i = 0; i < 6; i++) { y = x.pow(2); peaks.push(process.memoryUsage().arrayBuffers); }
    const small = [];
    for (let i = 0; i < 6; i++) { y = np.ones([100, 100]); small.push(y.size); }
    // Results below 16 MB (15 MiB bool arrays, then 2 MiB ones) count together towards a collection.
    let boolPeak = 0;
    const held0 = process.memoryUsage().arrayBuffers;
    for (let i = 0; i < 40; i++) { y = x.get(":1920, :").gt(0); boolPeak = Math.max(boolPeak, process.memoryUsage().arrayBuffers); }
    for (let i = 0; i < 200; i++) { y = x.get(":256, :").gt(0); boolPeak = Math.max(boolPeak, process.memoryUsage().arrayBuffers); }
    boolPeak -= held0;
    console.log(JSON.stringify({ peaks, small, boolPeak, sum: Number(x.pow(2).sum()) }));`;
  const withGc = await runLikeExecutor<{ peaks: number[]; boolPeak: number; sum: number }>(["-e", script], "allocation child");
  // The control keeps V8 from scavenging on its own within the loops: with the executor's 1 MB
  // semi-space, when the young generation fills depends on everything allocated before (the
  // checkout's path moved the bool results' pile from 158 MB to 45), so a control without
  // room could pass or fail by chance. With 64 MB, only V8's external-memory rule collects.
  const noScavenge = ["--min-semi-space-size=64", "--max-semi-space-size=64"];
  const withoutGc = await runLikeExecutor<{ peaks: number[]; boolPeak: number }>(["--no-expose-gc", ...noScavenge, "-e", script], "allocation child without gc");
  const MB = 2 ** 20;
  assert.equal(withGc.sum, 2048 * 2048);
  // x and the current result (32 MB each), plus at most one dead one in flight.
  assert.ok(Math.max(...withGc.peaks) <= 3 * 32 * MB + 4 * MB, `array buffers ${withGc.peaks.map((b) => (b / MB).toFixed(0)).join(", ")} MB`);
  // The check can fail: without the collection the dead results pile up.
  assert.ok(Math.max(...withoutGc.peaks) > 3 * 32 * MB + 4 * MB, `without gc: ${withoutGc.peaks.map((b) => (b / MB).toFixed(0)).join(", ")} MB`);
  // Above what was held before: at most 16 MB of shared buffers since the last collection, the
  // live result and one in flight; without the collections 40 × 15 MiB and 200 × 2 MiB pile up.
  const boolBound = 16 * MB + 2 * 15 * MB + 4 * MB;
  assert.ok(withGc.boolPeak <= boolBound, `bool results: array buffers peaked at ${(withGc.boolPeak / MB).toFixed(0)} MB`);
  // The check can fail: without the collections the same bound is passed (181 MB measured).
  assert.ok(withoutGc.boolPeak > boolBound, `without gc the bool results pile up: ${(withoutGc.boolPeak / MB).toFixed(0)} MB`);
});

test("+, -, * and / of float64 arrays of one shape or with a number (one flat C loop) are NumPy's bits, into new arrays, into out, in place, over lengths around the C loop's threshold; an operand overlapping out other than element for element gives NumPy's result as if it did not (it read what it had written), a read-only out NumPy's error", () => {
  const lengths = [1, 63, 64, 65, 1000, 1023, 1024, 5000];
  const want = pythonJson<Record<string, number[]>>(`
import json, numpy as np
out = {}
for n in ${JSON.stringify(lengths)}:
    rng = np.random.default_rng(n)
    a = rng.standard_normal(n) * 1e3; b = rng.standard_normal(n) + 0.5
    for name, f in [("add", np.add), ("sub", np.subtract), ("mul", np.multiply), ("div", np.divide)]:
        out[f"{name} {n} aa"] = f(a, b).tolist()
        out[f"{name} {n} as"] = f(a, 0.1).tolist()
        out[f"{name} {n} sa"] = f(3.7, b).tolist()
        o = a.copy(); f(o, b, out=o); out[f"{name} {n} inplace"] = o.tolist()
    c = a.copy(); np.add(c[1:], c[:-1], out=c[1:]); out[f"shift {n}"] = c.tolist()
    c = a.copy(); np.negative(c[1:], out=c[:-1]); out[f"unary shift {n}"] = c.tolist()
print(json.dumps(out))`);
  const bits = (xs: number[]) => xs.map((v) => (Object.is(v, -0) ? "-0" : String(v)));
  for (const n of lengths) {
    const rng = np.random.defaultRng(n);
    const a = rng.standardNormal(n).mul(1e3);
    const b = rng.standardNormal(n).add(0.5);
    for (const [name, f] of [["add", np.add], ["sub", np.sub], ["mul", np.mul], ["div", np.div]] as const) {
      assert.deepEqual(bits(f(a, b).tolist() as number[]), bits(want[`${name} ${n} aa`]), `${name} ${n} arrays`);
      assert.deepEqual(bits(f(a, 0.1).tolist() as number[]), bits(want[`${name} ${n} as`]), `${name} ${n} array, number`);
      assert.deepEqual(bits(f(3.7, b).tolist() as number[]), bits(want[`${name} ${n} sa`]), `${name} ${n} number, array`);
      const o = a.copy();
      assert.equal(f(o, b, o), o);
      assert.deepEqual(bits(o.tolist() as number[]), bits(want[`${name} ${n} inplace`]), `${name} ${n} in place`);
    }
    const c = a.copy();
    np.add(c.get("1:"), c.get(":-1"), c.get("1:"));
    assert.deepEqual(bits(c.tolist() as number[]), bits(want[`shift ${n}`]), `a shifted overlap ${n}`);
    const u = a.copy();
    np.neg(u.get("1:"), u.get(":-1"));
    assert.deepEqual(bits(u.tolist() as number[]), bits(want[`unary shift ${n}`]), `a unary function over a shifted overlap ${n}`);
  }
  const ro = np.ones(100);
  ro.flags.writeable = false;
  assert.throws(() => np.add(np.ones(100), 1, ro), /ValueError: output array is read-only|output array is read-only/);
});
