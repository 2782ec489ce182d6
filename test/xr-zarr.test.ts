/**
 * `xr.openZarr` on local Zarr stores, compared with Debian's xarray (`xr.open_zarr`) on the
 * same stores: v2 stores written by Debian's zarr/xarray (zlib and blosc, packed ints with a
 * fill value, NaN-filled floats, CF times, uneven edge chunks), v3 stores written by zarrita's
 * own writer (dimension_names, gzip) against NumPy, the ECCO-like generator's Zarr output
 * against its NetCDF files, rechunked reads, the chunk cache's counts, and clear errors.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync, readFileSync } from "node:fs";
import * as fs from "node:fs";
import path from "node:path";
import { xr } from "../lib";
import { NDArray } from "../lib/np/ndarray";
import { zarrita } from "../lib/xr/zarrita";
import { PYTHON, python, pythonJson } from "./oracle";

const ROOT = path.resolve(__dirname, "..", "..");
const DIR = path.join(ROOT, "test-output", "xr-zarr");
rmSync(DIR, { recursive: true, force: true });
mkdirSync(DIR, { recursive: true });
const V2 = path.join(DIR, "mixed.zarr");

// A v2 store as Debian's xarray writes it: the things CF decoding has to get right.
python(`
import numpy as np, xarray as xr, numcodecs
rng = np.random.default_rng(7)
t = rng.normal(10, 3, (3, 5, 6, 7)).astype("f4"); t[0, 1, 2, :] = np.nan
p = np.round(rng.normal(12, 2, (3, 6, 7)), 2); p[1, 0, 0] = np.nan
ds = xr.Dataset(
    {"T": (("time", "k", "y", "x"), t, {"units": "degree_C", "long_name": "temperature"}),
     "P": (("time", "y", "x"), p, {"long_name": "packed"}),
     "N": (("k",), np.arange(5, dtype="i4") * 3)},
    coords={"time": np.array(["1992-01-16T12:00", "1992-02-15", "1992-03-16T12:00"], dtype="datetime64[ns]"),
            "k": np.arange(5, dtype="i4")},
    attrs={"title": "mixed", "Conventions": "CF-1.8"})
ds.to_zarr("${V2}", mode="w", consolidated=True, encoding={
    "T": {"chunks": (1, 2, 4, 4), "compressor": numcodecs.Zlib(level=4)},
    "P": {"chunks": (2, 3, 7), "dtype": "i2", "scale_factor": 0.01, "add_offset": 10.0, "_FillValue": -999},
    "time": {"units": "days since 1992-01-01", "dtype": "f8"}})
`);

/** Every variable of a store as xarray reads it: values (NaN as null, times as ms), dims, attrs. */
function xarrayOf(store: string, extra = ""): Record<string, { dims: string[]; dtype: string; values: (number | null)[]; attrs: string[] }> {
  return pythonJson(`
import json, numpy as np, xarray as xr
ds = xr.open_zarr("${store}"${extra})
out = {}
for name, v in ds.variables.items():
    a = v.values
    if a.dtype.kind == "M":
        a = a.astype("datetime64[ms]").astype("i8").astype("f8")
    a = a.astype("f8").ravel()
    out[name] = {"dims": list(v.dims), "dtype": str(v.dtype), "values": [None if x != x else float(x) for x in a], "attrs": sorted(v.attrs)}
print(json.dumps(out))
`);
}

function flat(a: NDArray): (number | null)[] {
  return Array.from(a.copy().nd.data as ArrayLike<number>, (x) => (Number.isNaN(x) ? null : x));
}

test("openZarr reads a v2 store (zlib, blosc, packed int16 with _FillValue, NaN, CF times) as Debian's xarray does", async () => {
  const want = xarrayOf(V2);
  const ds = await xr.openZarr(V2);
  assert.deepEqual(Object.keys(ds.variables).sort(), Object.keys(want).sort());
  for (const [name, w] of Object.entries(want)) {
    const v = ds.variables[name];
    assert.deepEqual(v.dims, w.dims, name);
    assert.deepEqual(Object.keys(v.attrs).sort(), w.attrs, `${name} attrs`);
    if (!w.dtype.startsWith("datetime")) assert.equal(v.dtype, w.dtype, `${name} dtype`);
    const got = flat((await v.compute()).values);
    assert.equal(got.length, w.values.length, name);
    got.forEach((x, i) => {
      if (x === null || w.values[i] === null) assert.equal(x, w.values[i], `${name}[${i}]`);
      else assert.ok(Math.abs(x - w.values[i]!) <= 1e-6 * Math.max(1, Math.abs(x)), `${name}[${i}]: ${x} vs ${w.values[i]}`);
    });
  }
  assert.equal(ds.attrs.title, "mixed");
  assert.ok(ds.coords.time.isTime);
  assert.equal(ds.P.encoding.scale_factor, 0.01);
  assert.equal(ds.P.encoding._FillValue, -999);
});

test("openZarr is lazy: opening reads metadata and index coordinates only; a selection reads the chunks it needs", async () => {
  xr.clearCache();
  xr.resetCacheStats();
  const ds = await xr.openZarr(V2);
  const atOpen = xr.cacheInfo();
  assert.equal(atOpen.misses, 0);
  // T's chunks are (1, 2, 4, 4) over (3, 5, 6, 7): time 0, level 1 touches 2×2 chunks.
  const one = await ds.T.isel({ time: 0, k: 1 }).compute();
  const info = xr.cacheInfo();
  assert.equal(info.misses, 4);
  const tChunks = readdirSync(path.join(V2, "T")).filter((f) => /^0\.0\.\d\.\d$/.test(f));
  const chunkBytes = tChunks.reduce((s, f) => s + statSync(path.join(V2, "T", f)).size, 0);
  // Metadata (.zarray/.zattrs of T read by the reader thread) plus exactly those chunk files.
  assert.ok(info.bytesFetched - atOpen.bytesFetched >= chunkBytes, `${info.bytesFetched - atOpen.bytesFetched} >= ${chunkBytes}`);
  const want = pythonJson<(number | null)[]>(`
import json, xarray as xr
a = xr.open_zarr("${V2}").T.isel(time=0, k=1).values.ravel()
print(json.dumps([None if x != x else float(x) for x in a]))`);
  assert.deepEqual(flat(one.values), want);
});

test("openZarr with chunks { k: 1 } and the sync .values path give the same values; storage chunks are shown in encoding", async () => {
  const a = await xr.openZarr(V2);
  const b = await xr.openZarr(V2, { chunks: { k: 1, y: -1 } });
  assert.deepEqual(b.T.chunks, [[1, 1, 1], [1, 1, 1, 1, 1], [6], [4, 3]]);
  assert.deepEqual(flat(b.T.values), flat((await a.T.compute()).values));
  assert.deepEqual(a.T.encoding.chunks, [1, 2, 4, 4]);
  const m = await b.T.mean({ dim: ["y", "x"] }).compute();
  const want = pythonJson<(number | null)[]>(`
import json, xarray as xr
a = xr.open_zarr("${V2}").T.mean(dim=["y", "x"]).values.ravel()
print(json.dumps([None if x != x else float(x) for x in a]))`);
  flat(m.values).forEach((x, i) => assert.ok(Math.abs(x! - want[i]!) < 1e-5, `${x} vs ${want[i]}`));
});

test("openZarr reads a v3 store written by zarrita (dimension_names, blosc, packed with _FillValue) as NumPy decodes it", async () => {
  const dir = path.join(DIR, "v3.zarr");
  const raw = pythonJson<number[]>(`
import json, numpy as np
a = np.random.default_rng(3).integers(-500, 500, (4, 6, 5)).astype("i2"); a[0, 0, :2] = -1
print(json.dumps(a.ravel().tolist()))`);
  const zarr = await zarrita();
  const store = {
    async get(key: string) {
      try {
        return new Uint8Array(readFileSync(path.join(dir, key)));
      } catch {
        return undefined;
      }
    },
    async set(key: string, value: Uint8Array) {
      mkdirSync(path.dirname(path.join(dir, key)), { recursive: true });
      writeFileSync(path.join(dir, key), value);
    },
  };
  const root = zarr.root(store as never);
  await zarr.create(root, { attributes: { title: "v3 by zarrita" } });
  const arr = await zarr.create(root.resolve("S"), {
    shape: [4, 6, 5], chunkShape: [2, 4, 5], dtype: "int16", fillValue: 0,
    dimensionNames: ["t", "y", "x"],
    codecs: [{ name: "bytes", configuration: { endian: "little" } }, { name: "blosc", configuration: { cname: "zstd", clevel: 5, shuffle: "shuffle", typesize: 2, blocksize: 0 } }],
    attributes: { scale_factor: 0.5, add_offset: -3, _FillValue: -1, units: "K" },
  });
  await zarr.set(arr, null, { data: Int16Array.from(raw), shape: [4, 6, 5], stride: [30, 5, 1] });
  const want = pythonJson<(number | null)[]>(`
import json, sys, numpy as np
a = np.array(json.load(sys.stdin), dtype="i2")
d = np.where(a == -1, np.nan, a * np.float32(0.5) + np.float32(-3)).astype("f4")
print(json.dumps([None if x != x else float(x) for x in d]))`, JSON.stringify(raw));
  const ds = await xr.openZarr(dir);
  assert.deepEqual(ds.S.dims, ["t", "y", "x"]);
  assert.equal(ds.S.dtype, "float32");
  assert.equal(ds.S.attrs.units, "K");
  assert.equal(ds.attrs.title, "v3 by zarrita");
  assert.deepEqual(flat((await ds.S.compute()).values), want);
  assert.deepEqual(flat((await ds.S.isel({ t: 3, y: 5 }).compute()).values), want.slice(3 * 30 + 25, 3 * 30 + 30));
});

test("the ECCO-like generator's --zarr store reads as its NetCDF files do, and as Debian's xarray reads it", async () => {
  const dir = path.join(DIR, "ecco");
  execFileSync(PYTHON, [path.join(ROOT, "examples", "data", "make-ecco-like"), dir, "--files", "2", "--levels", "30", "--size", "10", "--tiles", "3", "--zarr"], { stdio: "pipe" });
  const z = await xr.openZarr(path.join(dir, "THETA.zarr"));
  const nc = await xr.openMfDataset(path.join(dir, "THETA_*.nc"));
  assert.deepEqual(z.THETA.dims, nc.THETA.dims);
  assert.deepEqual(z.THETA.shape, nc.THETA.shape);
  assert.deepEqual(z.THETA.encoding.chunks, [1, 25, 3, 5, 5]);
  assert.deepEqual(flat((await z.THETA.isel({ k: 0 }).compute()).values), flat((await nc.THETA.isel({ k: 0 }).compute()).values));
  assert.deepEqual(flat(z.time.values), flat(nc.time.values));
  const want = pythonJson<(number | null)[]>(`
import json, xarray as xr
a = xr.open_zarr("${path.join(dir, "THETA.zarr")}").THETA.isel(k=29).values.ravel()
print(json.dumps([None if x != x else float(x) for x in a]))`);
  assert.deepEqual(flat((await z.THETA.isel({ k: 29 }).compute()).values), want);
});

test("openZarr fails clearly: a missing folder, a folder that is not a store, an array without _ARRAY_DIMENSIONS", async () => {
  await assert.rejects(xr.openZarr(path.join(DIR, "nope.zarr")), { name: "FileNotFoundError", message: /nope\.zarr/ });
  const empty = path.join(DIR, "empty");
  mkdirSync(empty, { recursive: true });
  await assert.rejects(xr.openZarr(empty), { name: "ZarrFormatError", message: /no Zarr group/ });
  const bare = path.join(DIR, "bare.zarr");
  python(`
import zarr, numpy as np
g = zarr.open_group("${bare}", mode="w")
g.create_dataset("A", data=np.arange(6.0).reshape(2, 3))`);
  await assert.rejects(xr.openZarr(bare), { name: "ZarrFormatError", message: /'A' has no dimension names \(the _ARRAY_DIMENSIONS attribute\)/ });
  await assert.rejects(xr.openZarr(V2, { chunks: { k: 0 } }), { name: "RangeError" });
  void fs;
});

test("closing a Zarr dataset drops its chunks from the cache; computing again reads them again", async () => {
  xr.clearCache();
  const ds = await xr.openZarr(V2);
  await ds.T.isel({ k: 0 }).compute();
  assert.ok(xr.cacheInfo().chunks > 0);
  ds.close();
  assert.equal(xr.cacheInfo().chunks, 0);
  const misses = xr.cacheInfo().misses;
  await ds.T.isel({ k: 0 }).compute();
  assert.ok(xr.cacheInfo().misses > misses);
});
