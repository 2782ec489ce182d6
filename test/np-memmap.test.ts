/**
 * np.memmap and np.load(..., { mmapMode }) against real NumPy (Debian's python3-numpy): the
 * same files mapped on both sides print the same reprs, refuse the same writes and bad
 * arguments with NumPy's messages, and what one side writes through a mapping the other reads
 * from the file. Then what the memory probes count for a mapping, against the kernel's own
 * accounting of the process (/proc/self/status: RssAnon for the process's own pages, RssFile
 * for the file's).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { np, sys, da } from "../lib";
import { pythonJson, python } from "./oracle";
import { runLikeExecutor } from "./executor-process";

const DIR = mkdtempSync(path.join(tmpdir(), "lazylab-memmap-"));
process.on("exit", () => rmSync(DIR, { recursive: true, force: true }));
const at = (name: string) => path.join(DIR, name);

/** Files NumPy writes: raw bytes of several dtypes, .npy files in C and Fortran order. */
function numpyFiles(): void {
  python(`
import numpy as np, os
d = ${JSON.stringify(DIR)}
np.arange(12, dtype="float64").tofile(os.path.join(d, "f8.dat"))
(np.arange(24, dtype="float32") / 3).tofile(os.path.join(d, "f4.dat"))
np.arange(-6, 6, dtype="int16").tofile(os.path.join(d, "i2.dat"))
np.array([True, False, True, True], dtype=bool).tofile(os.path.join(d, "b1.dat"))
np.save(os.path.join(d, "c.npy"), np.arange(6.0).reshape(2, 3) * 1.5)
np.save(os.path.join(d, "f.npy"), np.asfortranarray(np.arange(12, dtype="int32").reshape(3, 4)))
np.save(os.path.join(d, "i8.npy"), np.arange(3, dtype="int64"))
open(os.path.join(d, "empty.dat"), "wb").close()
`);
}

/** One mapping on both sides: the arguments as JSON, NumPy's spelling built from them. */
interface Case {
  file: string;
  options: { dtype?: string; mode?: string; offset?: number; shape?: number[]; order?: "C" | "F" };
  /** Applied to the mapping on both sides, by name: "whole", "slice", "reshape", "T", "plus1", "sum". */
  view: string;
}

const CASES: Case[] = [
  { file: "f8.dat", options: { dtype: "float64", mode: "r" }, view: "whole" },
  { file: "f8.dat", options: { dtype: "float64", mode: "r" }, view: "slice" },
  { file: "f8.dat", options: { dtype: "float64", mode: "r" }, view: "reshape" },
  { file: "f8.dat", options: { dtype: "float64", mode: "r" }, view: "T" },
  { file: "f8.dat", options: { dtype: "float64", mode: "r" }, view: "plus1" },
  { file: "f8.dat", options: { dtype: "float64", mode: "r" }, view: "sum" },
  { file: "f8.dat", options: { dtype: "float64", mode: "readonly", offset: 16, shape: [2, 3] }, view: "whole" },
  { file: "f8.dat", options: { dtype: "float64", mode: "r", shape: [2, 3], order: "F" }, view: "whole" },
  { file: "f8.dat", options: { dtype: "int32", mode: "c", shape: [4] }, view: "whole" },
  { file: "f4.dat", options: { dtype: "float32", mode: "r", shape: [4, 6] }, view: "whole" },
  { file: "f4.dat", options: { dtype: "float32", mode: "r", shape: [4, 6] }, view: "slice" },
  { file: "i2.dat", options: { dtype: "int16", mode: "r" }, view: "whole" },
  { file: "i2.dat", options: { mode: "r" }, view: "whole" },
  { file: "b1.dat", options: { dtype: "bool", mode: "r" }, view: "whole" },
];

const PY_VIEWS = `
def view(m, v):
    if v == "whole": return m
    if v == "slice": return m[1:3]
    if v == "reshape": return m.reshape(3, 4)
    if v == "T": return m.reshape(3, 4).T
    if v == "plus1": return m + 1
    if v == "sum": return m.sum()
`;

function ourView(m: ReturnType<typeof np.memmap>, v: string): unknown {
  switch (v) {
    case "whole": return m;
    case "slice": return m.get("1:3");
    case "reshape": return m.reshape(3, 4);
    case "T": return m.reshape(3, 4).T;
    case "plus1": return m.add(1);
    default: return m.sum();
  }
}

const pyRepr = (x: unknown): string => (typeof x === "number" ? (Number.isInteger(x) ? `${x}.0` : String(x)) : (x as { repr(): string }).repr());

test("np.memmap maps NumPy's files: reprs, views, offsets, orders and attributes as NumPy's", () => {
  numpyFiles();
  const expected = pythonJson<{ repr: string; writeable: boolean | null; offset: number; mode: string; filename: string; sizeof: number; viewSizeof: number | null }[]>(`
import json, sys, numpy as np
${PY_VIEWS}
out = []
for c in json.loads(sys.stdin.read()):
    o = dict(c["options"])
    if "shape" in o: o["shape"] = tuple(o["shape"])
    m = np.memmap(${JSON.stringify(DIR)} + "/" + c["file"], **o)
    v = view(m, c["view"])
    out.append({"repr": repr(v), "writeable": bool(v.flags.writeable) if isinstance(v, np.ndarray) else None,
                "offset": m.offset, "mode": m.mode, "filename": m.filename, "sizeof": sys.getsizeof(m),
                "viewSizeof": sys.getsizeof(v) if isinstance(v, np.ndarray) else None})
print(json.dumps(out))`, JSON.stringify(CASES));
  CASES.forEach((c, i) => {
    const m = np.memmap(at(c.file), c.options as Parameters<typeof np.memmap>[1]);
    const v = ourView(m, c.view);
    const what = `${c.file} ${JSON.stringify(c.options)} ${c.view}`;
    assert.equal(pyRepr(v), expected[i].repr, what);
    if (expected[i].writeable !== null) assert.equal((v as { writeable: boolean }).writeable, expected[i].writeable, `${what}: writeable`);
    assert.equal(m.offset, expected[i].offset, `${what}: offset`);
    assert.equal(m.mode, expected[i].mode, `${what}: mode`);
    assert.equal(m.filename, expected[i].filename, `${what}: filename`);
    assert.equal(sys.getsizeof(m), expected[i].sizeof, `${what}: sys.getsizeof`);
    // NumPy's `m + 1` is a view of a hidden memmap (memmap.__array_wrap__), so getsizeof leaves
    // its data out (112); here the result is a plain new array and counts it (docs/porting.md).
    if (c.view === "plus1") assert.equal(sys.getsizeof(v), 112 + (v as { nbytes: number }).nbytes, `${what}: sys.getsizeof of the result`);
    else if (expected[i].viewSizeof !== null) assert.equal(sys.getsizeof(v), expected[i].viewSizeof, `${what}: sys.getsizeof of the view`);
  });
});

test("np.load with mmapMode maps an .npy file (C and Fortran order) as NumPy's np.load(mmap_mode=...)", () => {
  numpyFiles();
  const expected = pythonJson<{ repr: string; offset: number; strides: number[] }[]>(`
import json, numpy as np
out = []
for f in ["c.npy", "f.npy"]:
    m = np.load(${JSON.stringify(DIR)} + "/" + f, mmap_mode="r")
    out.append({"repr": repr(m), "offset": m.offset, "strides": list(m.strides)})
print(json.dumps(out))`);
  ["c.npy", "f.npy"].forEach((f, i) => {
    const m = np.load(at(f) as `${string}.npy`, { mmapMode: "r" });
    assert.equal(m.repr(), expected[i].repr, f);
    assert.equal(m.offset, expected[i].offset, `${f}: offset`);
    assert.deepEqual(m.strides, expected[i].strides, `${f}: strides`);
  });
  // An int64 file cannot be mapped (lazylab stores int64 as float64): a clear error, and the
  // plain load still reads it.
  assert.throws(() => np.load(at("i8.npy") as `${string}.npy`, { mmapMode: "r" }), /int64 cannot be mapped: lazylab stores int64 elements as float64.*np\.load \(a copy\)/);
  assert.equal(np.load(at("i8.npy") as `${string}.npy`).repr(), "array([0, 1, 2])");
});

test("writes: refused on a read-only memmap with NumPy's errors; r+ and w+ reach the file, c does not", () => {
  numpyFiles();
  const refusals: [string, () => unknown][] = [
    ["m[0] = 5", () => ro.set(0, 5)],
    ["m[1:3] = 0", () => ro.get("1:3").set("...", 0)],
    ["m[m > 3] = 0", () => ro.set(ro.gt(3), 0)],
    ["np.add(m, 1, out=m)", () => np.add(ro, 1, ro)],
    ["m.fill(1)", () => ro.fill(1)],
    ["m.sort()", () => ro.sort()],
    ["np.clip(m, 0, 1, out=m)", () => np.clip(ro, 0, 1, { out: ro })],
    ["np.round(m, out=m)", () => np.round(ro, 0, ro)],
  ];
  const ro = np.memmap(at("f8.dat"), { dtype: "float64", mode: "r" });
  const expected = pythonJson<string[]>(`
import json, numpy as np
m = np.memmap(${JSON.stringify(at("f8.dat"))}, dtype="float64", mode="r")
out = []
for code in ${JSON.stringify(refusals.map(([code]) => code))}:
    try:
        exec(code)
        out.append("no error")
    except Exception as e:
        out.append(type(e).__name__ + ": " + str(e))
print(json.dumps(out))`);
  refusals.forEach(([code, run], i) => {
    let got = "no error";
    try {
      run();
    } catch (e) {
      got = `${(e as Error).name}: ${(e as Error).message}`;
    }
    assert.equal(got, expected[i], code);
  });
  assert.equal(ro.sum(), 66, "nothing was written");

  // r+: the write reaches the file once flushed; NumPy reads it there.
  const rw = np.memmap(at("f8.dat"), { dtype: "float64", mode: "r+", shape: [3, 4] });
  rw.get(1).set("...", -1);
  rw.flush();
  // c: a private copy; the file keeps its values.
  const cw = np.memmap(at("f8.dat"), { dtype: "float64", mode: "c" });
  cw.set(0, 99);
  assert.equal(cw.at(0), 99);
  // w+ creates (or empties) a file of the shape's size.
  const w = np.memmap(at("new.dat"), { dtype: "float32", mode: "w+", shape: [2, 3] });
  assert.equal(statSync(at("new.dat")).size, 24);
  w.set([":", 1], 7.5);
  w.flush();
  // r+ with a shape past the end grows the file, as NumPy does.
  const grown = np.memmap(at("grow.dat"), { dtype: "uint8", mode: "w+", shape: [4] });
  grown.set("...", 1);
  grown.flush();
  const longer = np.memmap(at("grow.dat"), { dtype: "uint8", mode: "r+", shape: [10] });
  longer.set(9, 2);
  longer.flush();
  const files = pythonJson<{ f8: number[]; neu: number[]; grow: number[] }>(`
import json, numpy as np
print(json.dumps({"f8": np.fromfile(${JSON.stringify(at("f8.dat"))}).tolist(),
                  "neu": np.fromfile(${JSON.stringify(at("new.dat"))}, dtype="float32").tolist(),
                  "grow": np.fromfile(${JSON.stringify(at("grow.dat"))}, dtype="uint8").tolist()}))`);
  assert.deepEqual(files.f8, [0, 1, 2, 3, -1, -1, -1, -1, 8, 9, 10, 11]);
  assert.deepEqual(files.neu, [0, 7.5, 0, 0, 7.5, 0]);
  assert.deepEqual(files.grow, [1, 1, 1, 1, 0, 0, 0, 0, 0, 2]);
  // A write NumPy makes through its own r+ mapping is seen through ours (the same page cache).
  python(`
import numpy as np
m = np.memmap(${JSON.stringify(at("f8.dat"))}, dtype="float64", mode="r+")
m[11] = 1234.5
m.flush()`);
  assert.equal(rw.at(2, 3), 1234.5);
});

test("bad arguments fail as NumPy's np.memmap does, and an error never touches the file", () => {
  numpyFiles();
  const before = readFileSync(at("f8.dat"));
  const cases: [string, object, string][] = [
    ["f8.dat", { dtype: "float64", mode: "x" }, "dtype='float64', mode='x'"],
    ["missing.dat", { dtype: "float64", mode: "r" }, "dtype='float64', mode='r'"],
    ["f8.dat", { dtype: "float64", mode: "r", shape: [100] }, "dtype='float64', mode='r', shape=(100,)"],
    ["f8.dat", { dtype: "float64", mode: "c", shape: [13] }, "dtype='float64', mode='c', shape=(13,)"],
    ["f8.dat", { dtype: "float64", mode: "w+" }, "dtype='float64', mode='w+'"],
    ["empty.dat", { dtype: "float64", mode: "r" }, "dtype='float64', mode='r'"],
    ["f4.dat", { dtype: "float64", mode: "r", offset: 8 }, "dtype='float64', mode='r', offset=8"],
  ];
  const expected = pythonJson<string[]>(`
import json, numpy as np
out = []
for f, args in ${JSON.stringify(cases.map(([f, , py]) => [f, py]))}:
    try:
        eval("np.memmap(" + json.dumps(${JSON.stringify(DIR)} + "/" + f) + ", " + args + ")")
        out.append("no error")
    except Exception as e:
        out.append(type(e).__name__)
print(json.dumps(out))`);
  cases.forEach(([f, options], i) => {
    let name = "no error";
    let message = "";
    try {
      np.memmap(at(f), options);
    } catch (e) {
      name = (e as Error).name;
      message = (e as Error).message;
    }
    assert.equal(name, expected[i], `${f} ${JSON.stringify(options)}: ${message}`);
  });
  assert.throws(() => np.memmap(at("f8.dat"), { dtype: "float64", mode: "x" as "r" }), { name: "ValueError", message: "mode must be one of ['r', 'c', 'r+', 'w+', 'readonly', 'copyonwrite', 'readwrite', 'write'] (got 'x')" });
  assert.throws(() => np.memmap(at("f8.dat"), { dtype: "float64", mode: "r", offset: 3 }), /offset 3 is not a multiple of float64's size \(8 bytes\)/);
  assert.throws(() => np.memmap(at("f8.dat"), { dtype: "int64", mode: "r" }), /int64 cannot be mapped/);
  assert.deepEqual(readFileSync(at("f8.dat")), before, "no failed call changed the file");
});

test("what operations on a memmap give: a memmap (views; copy, astype and flatten, in memory) or an array, as NumPy's", () => {
  numpyFiles();
  type A = import("../lib/np").NDArray;
  const m = np.memmap(at("f8.dat"), { dtype: "float64", mode: "r", shape: [3, 4] });
  const c = m.copy();
  // Python's expression, and the same in lib/np.
  const cases: [string, () => A][] = [
    ["m", () => m], ["m[1:]", () => m.get("1:")], ["m.T", () => m.T], ["m.reshape(4, 3)", () => m.reshape(4, 3)], ["m.ravel()", () => m.ravel()],
    ["m[:, ::2].reshape(6)", () => m.get(":, ::2").reshape(6)], ["m.T.reshape(12)", () => m.T.reshape(12)],
    ["m.flatten()", () => m.flatten()], ["m.copy()", () => m.copy()], ["m.astype(np.float32)", () => m.astype("float32")], ["m[1:].copy()", () => m.get("1:").copy()],
    ["np.array(m)", () => np.array(m)], ["np.copy(m)", () => np.copy(m)], ["m + 1", () => m.add(1) as A], ["np.sqrt(m)", () => np.sqrt(m) as A], ["m.sum(axis=0)", () => m.sum({ axis: 0 }) as A],
    ["m[m > 5]", () => m.get(m.gt(5) as A)], ["m[[0, 2]]", () => m.get([[0, 2]])],
    ["c", () => c], ["c[0]", () => c.get(0)], ["c[1:]", () => c.get("1:")], ["c.T", () => c.T], ["c.T[0]", () => c.T.get(0)], ["c[0].T", () => c.get(0).T], ["c[1:][0]", () => c.get("1:").get(0)],
    ["c.reshape(12)", () => c.reshape(12)], ["c.ravel()", () => c.ravel()], ["c.copy()", () => c.copy()], ["c[0].copy()", () => c.get(0).copy()], ["c.T.copy()", () => c.T.copy()],
    ["c.astype(np.int32)", () => c.astype("int32")], ["c[::2].flatten()", () => c.get("::2").flatten()], ["c + 1", () => c.add(1) as A],
  ];
  const expected = pythonJson<[string, number, boolean, boolean][]>(`
import json, sys, numpy as np
m = np.memmap(${JSON.stringify(at("f8.dat"))}, dtype="float64", mode="r", shape=(3, 4))
c = m.copy()
print(json.dumps([[repr(x), sys.getsizeof(x), bool(x.flags.owndata), bool(x.flags.writeable)] for x in [${cases.map(([e]) => e).join(", ")}]]))
`);
  const got = cases.map(([, f]) => {
    const x = f();
    return [x.repr(), sys.getsizeof(x), x.flags.owndata, x.flags.writeable];
  });
  // NumPy's memmap.__array_wrap__ returns a view of a ufunc's, a reduction's or an index array's
  // result (arr.view(np.ndarray)), so its sys.getsizeof leaves the result's data out and its
  // owndata is False (and an index array's result read-only); lib/np's result owns its data and
  // counts it (docs/porting.md): only the
  // repr is compared for those.
  const wrapped = new Set(["m + 1", "np.sqrt(m)", "m.sum(axis=0)", "m[m > 5]", "m[[0, 2]]", "c + 1"]);
  const differ = cases
    .map(([e], i) => [e, wrapped.has(e) ? got[i][0] : got[i], wrapped.has(e) ? expected[i][0] : expected[i]] as const)
    .filter(([, g, x]) => JSON.stringify(g) !== JSON.stringify(x));
  for (const e of wrapped) {
    const i = cases.findIndex(([x]) => x === e);
    assert.equal(got[i][1] as number, (expected[i][1] as number) + (np.array(cases[i][1]()).nbytes), `${e}: NumPy's figure plus the data`);
  }
  assert.deepEqual(differ.map(([e, g, x]) => `${e}: ${JSON.stringify(g)}, NumPy ${JSON.stringify(x)}`), []);
  const mc = c as import("../lib/np").Memmap;
  assert.deepEqual([mc.filename, mc.offset, mc.mode], [null, null, null], "a memmap in memory has no file, offset or mode, as NumPy's None");
  mc.flush();
});

test("a memmap works wherever an array does: a lazy array over it sums on the pool's threads", async () => {
  numpyFiles();
  const m = np.memmap(at("f8.dat"), { dtype: "float64", mode: "r", shape: [3, 4] });
  const lazy = da.fromArray(m, { chunks: [1, 2] });
  const sums = await lazy.sum({ axis: 0 }).compute();
  assert.equal(sums.repr(), (np.array(m).sum({ axis: 0 }) as { repr(): string }).repr());
  assert.equal(np.array(m).repr(), "array([[ 0.,  1.,  2.,  3.],\n       [ 4.,  5.,  6.,  7.],\n       [ 8.,  9., 10., 11.]])");
});

test("the memory probes: a mapping's file pages count nothing, pages a private mapping copies count exactly, as the kernel's RssAnon/RssFile say", async () => {
  const lib = JSON.stringify(require.resolve("../lib"));
  const footprint = JSON.stringify(require.resolve("../lib/psutil/footprint"));
  const file = JSON.stringify(at("probe.dat"));
  // 16 MiB each step; the readings of /proc/self/status are taken after the same collection.
  const script = `
    const { np } = require(${lib});
    const { footprint } = require(${footprint});
    const fs = require("fs");
    const status = () => { const t = fs.readFileSync("/proc/self/status", "utf8"); const kb = (k) => Number(new RegExp(k + ":\\\\s+(\\\\d+)").exec(t)[1]) * 1024; return { anon: kb("RssAnon"), file: kb("RssFile") + kb("RssShmem") }; };
    const steps = [];
    // A first reading warms the probes up, as the executor's warm-up does before the first cell:
    // what a fresh process's first reading allocates is freed by the next one (0.06-0.09 MB).
    footprint();
    let last = footprint(), lastStatus = status();
    const step = (name) => { const f = footprint(); const s = status(); steps.push({ name, figure: f - last, anon: s.anon - lastStatus.anon, file: s.file - lastStatus.file }); last = footprint(); lastStatus = status(); };
    let w = np.memmap(${file}, { dtype: "float64", mode: "w+", shape: [2048, 1024] }); step("map w+");
    w.set("...", 1); w.flush(); step("write w+");
    let total = w.sum(); step("read");
    let c = np.memmap(${file}, { dtype: "float64", mode: "c", shape: [2048, 1024] }); step("map c");
    c.get(":1024").set("...", 2); step("write half of c");
    c = null; step("drop c");
    let copy = np.array(w); step("copy");
    copy = null; w = null; step("drop all");
    console.log(JSON.stringify({ steps, total }));`;
  const r = await runLikeExecutor<{ steps: { name: string; figure: number; anon: number; file: number }[]; total: number }>(["-e", script], "memmap probe");
  const MB = 2 ** 20;
  const s = Object.fromEntries(r.steps.map((x) => [x.name, x]));
  const show = JSON.stringify(r.steps.map((x) => [x.name, +(x.figure / MB).toFixed(3), +(x.anon / MB).toFixed(3), +(x.file / MB).toFixed(3)]));
  assert.equal(r.total, 2048 * 1024);
  // The file's 16 MiB are resident (the kernel says so) yet counted nothing: the page cache's.
  assert.ok(s["write w+"].file >= 15.5 * MB, `the written pages are resident file pages: ${show}`);
  for (const name of ["map w+", "write w+", "read", "map c"]) assert.ok(Math.abs(s[name].figure) < 0.05 * MB, `${name} counts nothing: ${show}`);
  // 8 MiB written through the private mapping are the process's own copies: counted to the
  // page, and the kernel's anonymous resident memory grew by as much.
  assert.ok(Math.abs(s["write half of c"].figure - 8 * MB) < 0.05 * MB, `the copied pages count: ${show}`);
  assert.ok(Math.abs(s["write half of c"].anon - 8 * MB) < 0.5 * MB, `RssAnon agrees: ${show}`);
  assert.ok(Math.abs(s["drop c"].figure + 8 * MB) < 0.05 * MB, `dropping the mapping gives them back: ${show}`);
  assert.ok(Math.abs(s["copy"].figure - 16 * MB) < 0.05 * MB, `a copy into memory counts its 16 MiB: ${show}`);
  assert.ok(Math.abs(s["drop all"].figure + 16 * MB) < 0.05 * MB, `${show}`);
});
