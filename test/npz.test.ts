/**
 * np.save / np.load / np.savez / np.savezCompressed against real NumPy (Debian's
 * python3-numpy): files NumPy writes at test time load here with the same dtype, shape,
 * memory order and bytes, and files written here load in NumPy the same way.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { np } from "../lib";
import type { NDArray } from "../lib/np";
import { pythonJson } from "./oracle";

const DIR = mkdtempSync(path.join(tmpdir(), "lazylab-npz-"));
process.on("exit", () => rmSync(DIR, { recursive: true, force: true }));

interface Described {
  dtype: string;
  shape: number[];
  strides: number[];
  /** The elements in C order, little-endian, as hex (NaN payloads and -0 included). */
  hex: string;
}

/** Our array described the way NumPy describes its own below. */
function describe(a: NDArray): Described {
  const src = a.copy().data;
  let bytes: Uint8Array;
  if (a.dtype === "int64") bytes = new Uint8Array(BigInt64Array.from(src, (v) => BigInt(v)).buffer);
  else bytes = new Uint8Array(src.buffer, src.byteOffset, src.byteLength);
  // An empty array's strides mean nothing (NumPy reports 0 for some); they are not compared.
  return { dtype: a.dtype, shape: a.shape, strides: a.size ? a.strides : [], hex: Buffer.from(bytes).toString("hex") };
}

const PY_DESCRIBE = `
import json, numpy as np, os, io, zipfile
def describe(a):
    return {"dtype": str(a.dtype), "shape": list(a.shape), "strides": list(a.strides) if a.size else [], "hex": a.tobytes(order="C").hex()}
`;

/** Arrays NumPy makes: every dtype, C and Fortran order, 0-d, empty, NaN/inf, int64 near 2**53. */
const PY_ARRAYS = `
rng = np.random.default_rng(2024)
f = rng.standard_normal((3, 4))
f[0, 0] = np.nan; f[0, 1] = np.inf; f[0, 2] = -np.inf; f[0, 3] = -0.0
arrays = {
    "f8_2d": f,
    "f8_fortran": np.asfortranarray(rng.standard_normal((4, 3, 2))),
    "f4_1d": rng.standard_normal(7).astype(np.float32),
    "f4_fortran": np.asfortranarray(rng.standard_normal((2, 5)).astype(np.float32)),
    "i4": rng.integers(-2**31, 2**31, (3, 3), dtype=np.int32),
    "i8": np.array([-(2**53), 2**53, -1, 0, 7, 2**40], dtype=np.int64),
    "i8_fortran": np.asfortranarray(rng.integers(-10**12, 10**12, (3, 2), dtype=np.int64)),
    "u1": rng.integers(0, 256, (2, 2, 2), dtype=np.uint8),
    "b1": rng.random((4, 2)) < 0.5,
    "b1_fortran": np.asfortranarray(rng.random((2, 3)) < 0.5),
    "scalar": np.array(3.25),
    "empty": np.zeros((0, 3), dtype=np.int32),
}
`;

test("every .npy NumPy writes (6 dtypes, C and Fortran order, 0-d, empty) loads with its dtype, shape, strides and bytes", () => {
  const expected = pythonJson<Record<string, Described>>(`${PY_DESCRIBE}${PY_ARRAYS}
out = {}
for k, a in arrays.items():
    np.save(os.path.join(${JSON.stringify(DIR)}, k + ".npy"), a)
    out[k] = describe(a)
print(json.dumps(out))`);
  assert.equal(Object.keys(expected).length, 12);
  for (const [key, want] of Object.entries(expected)) {
    const got = np.load(path.join(DIR, `${key}.npy`) as `${string}.npy`);
    assert.deepEqual(describe(got), want, key);
    assert.equal(got.base, null, `${key} owns its data`);
  }
});

test(".npz archives NumPy writes (savez, savez_compressed, positional and named) load key by key", () => {
  const expected = pythonJson<Record<string, { files: string[]; arrays: Record<string, Described> }>>(`${PY_DESCRIBE}${PY_ARRAYS}
d = ${JSON.stringify(DIR)}
np.savez(os.path.join(d, "np_plain.npz"), arrays["f8_2d"], arrays["u1"], **{k: arrays[k] for k in ("i8", "b1_fortran", "scalar")})
np.savez_compressed(os.path.join(d, "np_deflated.npz"), **arrays)
out = {}
for name in ("np_plain", "np_deflated"):
    z = np.load(os.path.join(d, name + ".npz"))
    out[name] = {"files": z.files, "arrays": {k: describe(z[k]) for k in z.files}}
print(json.dumps(out))`);
  for (const [name, want] of Object.entries(expected)) {
    const z = np.load(path.join(DIR, `${name}.npz`) as `${string}.npz`);
    assert.deepEqual(z.files, want.files, name);
    for (const key of z.files) assert.deepEqual(describe(z.get(key)), want.arrays[key], `${name}: ${key}`);
    assert.deepEqual(describe(z.get(`${z.files[0]}.npy`)), want.arrays[z.files[0]], "a key with its .npy suffix");
    assert.deepEqual([...z], want.files, "iterating gives the keys");
  }
});

/** Arrays we make: the same variety, from lazylab's own functions. */
function ourArrays(): Record<string, NDArray> {
  const rng = np.random.defaultRng(7);
  const f = rng.standardNormal([3, 4]);
  f.set("0, 0", NaN).set("0, 1", Infinity).set("0, 2", -0);
  return {
    f8_2d: f,
    f8_transposed: rng.standardNormal([3, 5]).T,
    f8_strided_view: rng.standardNormal([6, 6]).get("::2, 1::3"),
    f4: rng.standardNormal([2, 3, 2]).astype("float32"),
    i4: rng.integers(-1000, 1000, [4, 2]).astype("int32"),
    i8: np.array([-(2 ** 53), 2 ** 53, -1, 0, 2 ** 40]),
    u1: rng.integers(0, 256, [5]).astype("uint8"),
    b1: rng.random([3, 3]).lt(0.5),
    scalar: np.array(2.5).reshape([]),
    empty: np.zeros([2, 0]),
  };
}

test("files written here load in NumPy: .npy byte-identical to np.save, .npz stored or deflated, same values", () => {
  const arrays = ourArrays();
  for (const [k, a] of Object.entries(arrays)) assert.equal(np.save(path.join(DIR, `ours_${k}`), a), path.join(DIR, `ours_${k}.npy`), "'.npy' is appended");
  const { i8, b1, ...rest } = arrays;
  assert.equal(np.savez(path.join(DIR, "ours_plain"), i8, b1, { named: arrays.f4 }), path.join(DIR, "ours_plain.npz"));
  np.savezCompressed(path.join(DIR, "ours_deflated.npz"), rest);
  const got = pythonJson<{
    npy: Record<string, Described & { identical: boolean; fortran: boolean }>;
    npz: Record<string, { files: string[]; methods: number[]; arrays: Record<string, Described> }>;
  }>(`${PY_DESCRIBE}
d = ${JSON.stringify(DIR)}
npy = {}
for k in ${JSON.stringify(Object.keys(arrays))}:
    p = os.path.join(d, "ours_" + k + ".npy")
    a = np.load(p)
    buf = io.BytesIO(); np.save(buf, a.copy(order="C"))
    npy[k] = dict(describe(a), identical=open(p, "rb").read() == buf.getvalue(), fortran=bool(a.flags.f_contiguous and not a.flags.c_contiguous))
npz = {}
for name in ("ours_plain", "ours_deflated"):
    z = np.load(os.path.join(d, name + ".npz"))
    methods = [i.compress_type for i in zipfile.ZipFile(os.path.join(d, name + ".npz")).infolist()]
    npz[name] = {"files": z.files, "methods": methods, "arrays": {k: describe(z[k]) for k in z.files}}
print(json.dumps({"npy": npy, "npz": npz}))`);
  for (const [k, a] of Object.entries(arrays)) {
    const want = describe(a.copy()); // NumPy reads C order: the strides of a fresh copy
    const { identical, fortran, ...desc } = got.npy[k];
    assert.deepEqual(desc, want, k);
    assert.ok(identical, `${k}: the .npy is byte for byte what np.save writes`);
    assert.equal(fortran, false, `${k}: written in C order`);
  }
  assert.deepEqual(got.npz.ours_plain.files, ["arr_0", "arr_1", "named"]);
  assert.deepEqual(got.npz.ours_plain.arrays.arr_0, describe(i8));
  assert.deepEqual(got.npz.ours_plain.arrays.arr_1, describe(b1));
  assert.deepEqual(got.npz.ours_plain.arrays.named, describe(arrays.f4));
  assert.ok(got.npz.ours_plain.methods.every((m) => m === 0), "savez stores (ZIP_STORED)");
  assert.deepEqual(got.npz.ours_deflated.files, Object.keys(rest));
  for (const k of Object.keys(rest)) assert.deepEqual(got.npz.ours_deflated.arrays[k], describe(rest[k as keyof typeof rest].copy()), k);
  assert.ok(got.npz.ours_deflated.methods.every((m) => m === 8), "savezCompressed deflates (ZIP_DEFLATED)");
});

test("round trip here: save then load gives equal arrays; np.load also takes the bytes", () => {
  for (const [k, a] of Object.entries(ourArrays())) {
    const p = np.save(path.join(DIR, `rt_${k}.npy`), a);
    assert.deepEqual(describe(np.load(p as `${string}.npy`)), describe(a.copy()), k);
    const fromBytes = np.load(readFileSync(p));
    assert.ok(fromBytes instanceof np.NDArray);
    assert.deepEqual(describe(fromBytes), describe(a.copy()), `${k} from bytes`);
  }
  const z = np.load(readFileSync(np.savezCompressed(path.join(DIR, "rt.npz"), { x: np.arange(4) })));
  assert.ok(z instanceof np.NpzFile);
  assert.deepEqual(z.get("x").tolist(), [0, 1, 2, 3]);
  assert.equal(String(z), "NpzFile <bytes> with keys: x");
});

test("clear errors: missing file, bad magic, unsupported dtype (file and key named), missing key, truncated data, bad arguments", () => {
  const missing = path.join(DIR, "nope.npz");
  assert.throws(() => np.load(missing), { name: "FileNotFoundError", message: `np.load: no such file: '${missing}'` });
  const text = path.join(DIR, "notes.txt");
  writeFileSync(text, "hello, world");
  assert.throws(() => np.load(text), (e: Error) => e.name === "NpyFormatError" && e.message.includes(`'${text}'`) && e.message.includes('starts with "hello, w"'));
  const empty = path.join(DIR, "empty.npy");
  writeFileSync(empty, "");
  assert.throws(() => np.load(empty), /the file is empty/);

  // NumPy writes dtypes lazylab does not have; the error names the file, the key and the dtype.
  const d = JSON.stringify(DIR);
  pythonJson(`import numpy as np, os, json
np.save(os.path.join(${d}, "c16.npy"), np.array([1+2j]))
np.save(os.path.join(${d}, "big.npy"), np.array([1.0], dtype=">f8"))
np.savez(os.path.join(${d}, "mixed.npz"), good=np.arange(3), cplx=np.array([1j]), obj=np.array([{"a": 1}], dtype=object))
print(json.dumps(0))`);
  const c16 = path.join(DIR, "c16.npy");
  assert.throws(() => np.load(c16), { name: "NpyFormatError", message: new RegExp(`^np\\.load: '${escape(c16)}': unsupported dtype '<c16'; lazylab reads <f8, <f4, \\|i1, <i2, <i4, <i8, \\|u1, <u2, <u4, <u8, \\|b1$`) });
  assert.throws(() => np.load(path.join(DIR, "big.npy")), /unsupported dtype '>f8' \(big-endian\)/);
  const mixed = np.load(path.join(DIR, "mixed.npz") as `${string}.npz`);
  assert.deepEqual(mixed.files, ["good", "cplx", "obj"]);
  assert.deepEqual(mixed.get("good").tolist(), [0, 1, 2]);
  const mixedName = escape(path.join(DIR, "mixed.npz"));
  assert.throws(() => mixed.get("cplx"), { name: "NpyFormatError", message: new RegExp(`^np\\.load: '${mixedName}' member 'cplx': unsupported dtype '<c16'`) });
  assert.throws(() => mixed.get("obj"), { name: "NpyFormatError", message: new RegExp(`member 'obj': unsupported dtype '\\|O' \\(Python objects\\)`) });
  assert.throws(() => mixed.get("zz"), { name: "KeyError", message: new RegExp(`'zz' is not a file in the archive; its keys are 'good', 'cplx', 'obj'$`) });

  const whole = readFileSync(path.join(DIR, "c16.npy"));
  const cut = path.join(DIR, "cut.npy");
  writeFileSync(cut, readFileSync(np.save(path.join(DIR, "full"), np.arange(10))).subarray(0, 128 + 40));
  assert.throws(() => np.load(cut), /truncated data: shape \(10,\) of '<i8' needs 80 bytes, the file has 40/);
  assert.ok(whole.length > 0);

  const wrongExt = path.join(DIR, "array.npz");
  writeFileSync(wrongExt, readFileSync(path.join(DIR, "full.npy")));
  assert.throws(() => np.load(wrongExt), /holds one array \(\.npy format\) but its name ends in \.npz/);

  assert.throws(() => np.save("", np.arange(2)), /np\.save: file must be a non-empty path string/);
  assert.throws(() => np.save(path.join(DIR, "x"), [1, 2] as never), /np\.save: arr is not an np array/);
  assert.throws(() => np.savez(path.join(DIR, "x"), np.arange(2), { arr_0: np.arange(1) }), /the key 'arr_0' is given twice/);
  assert.throws(() => np.savez(path.join(DIR, "x"), [np.arange(2)] as never), /expected np arrays or an object of named arrays, got a JS array/);
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
