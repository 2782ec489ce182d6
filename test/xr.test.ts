/**
 * lib/xr against the real thing: files written at test time by independent writers (Debian's
 * python3-netcdf4 and netcdf-bin's `ncgen`) read back with the same dimensions, variables,
 * attributes, chunking and values netCDF4-python reports; datasets opened here compute the
 * same values as xarray 2023.01 + dask on the same files, with the same text repr lines;
 * the chunk cache's figures follow the chunking; bad input fails with errors naming the file
 * and variable.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { np, xr, mimeBundleOf } from "../lib";
import { NcFile } from "../lib/xr/netcdf";
import type { DataArray } from "../lib/xr/dataarray";
import { warnings } from "../lib/xr/warn";
import { decoderStats } from "../lib/xr/decoders";
import { prefetchStats } from "../lib/xr/prefetch";
import { formatFloat4 } from "../lib/xr/format";
import { PYTHON, python, pythonJson } from "./oracle";

const ROOT = path.resolve(__dirname, "..", "..");
const DIR = mkdtempSync(path.join(tmpdir(), "lazylab-xr-"));
process.on("exit", () => rmSync(DIR, { recursive: true, force: true }));

const MAKE = path.join(ROOT, "examples", "data", "make-ecco-like");
const ECCO = path.join(DIR, "ecco");
// Small ECCO-like files: 3 months, 30 levels (chunks of 25 levels: 25 + 5), 3 tiles of 10×10.
execFileSync(PYTHON, [MAKE, ECCO, "--files", "3", "--levels", "30", "--size", "10", "--tiles", "3", "--grid"], { stdio: "pipe" });

/** Float values compared as float32 (NaN equal to NaN). */
function assertClose(actual: ArrayLike<number>, expected: (number | null)[], what: string, tol = 1e-6): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i] === null ? NaN : (expected[i] as number);
    const a = actual[i];
    if (Number.isNaN(e)) assert.ok(Number.isNaN(a), `${what}[${i}]: expected NaN, got ${a}`);
    else assert.ok(Math.abs(a - e) <= tol * Math.max(1, Math.abs(e)), `${what}[${i}]: ${a} vs ${e}`);
  }
}

const PY_DESCRIBE = `
import json, sys, numpy as np, netCDF4
def attrs(o):
    out = {}
    for k in o.ncattrs():
        v = o.getncattr(k)
        if isinstance(v, np.ndarray): v = v.tolist()
        elif isinstance(v, np.generic): v = v.item()
        out[k] = v
    return out
def group(g):
    return {
        "dims": {k: [len(d), d.isunlimited()] for k, d in g.dimensions.items()},
        "attrs": attrs(g),
        "vars": {k: {"dims": list(v.dimensions), "shape": list(v.shape), "dtype": v.dtype.newbyteorder("=").name if isinstance(v.dtype, np.dtype) else str(v.dtype), "attrs": attrs(v),
                     "chunking": v.chunking(), "filters": {f: bool(x) for f, x in (v.filters() or {}).items() if f in ("zlib", "shuffle")},
                     "values": np.ma.filled(v[...].astype("f8"), np.nan).ravel().tolist() if v.dtype != str else None}
                 for k, v in g.variables.items()},
        "groups": {k: group(s) for k, s in g.groups.items()},
    }
ds = netCDF4.Dataset(sys.argv[1] if len(sys.argv) > 1 else PATH)
ds.set_auto_maskandscale(False)
print(json.dumps(group(ds)))
`;

interface PyGroup {
  dims: Record<string, [number, boolean]>;
  attrs: Record<string, unknown>;
  vars: Record<string, { dims: string[]; shape: number[]; dtype: string; attrs: Record<string, unknown>; chunking: string | number[]; filters: Record<string, boolean>; values: number[] | null }>;
  groups: Record<string, PyGroup>;
}

async function compareWithNetCDF4(file: string): Promise<void> {
  const expected = pythonJson<PyGroup>(`PATH = ${JSON.stringify(file)}\n${PY_DESCRIBE}`);
  const nc = await NcFile.open(file);
  try {
    const check = (gpath: string, py: PyGroup) => {
      const g = nc.group(gpath);
      const own = Object.keys(py.dims);
      for (const d of own) {
        const dim = g.dims.find((x) => x.name === d);
        assert.ok(dim, `${file}${gpath}: dimension ${d} missing (have ${g.dims.map((x) => x.name)})`);
        assert.deepEqual([dim.size, dim.unlimited], py.dims[d], `${gpath} dimension ${d}`);
      }
      assert.deepEqual(g.attrs, py.attrs, `${gpath} attributes`);
      assert.deepEqual(g.variables.map((v) => v.name).sort(), Object.keys(py.vars).sort(), `${gpath} variables`);
      for (const v of g.variables) {
        const pv = py.vars[v.name];
        assert.deepEqual(v.dims, pv.dims, `${v.name} dims`);
        assert.deepEqual(v.shape, pv.shape, `${v.name} shape`);
        assert.deepEqual(v.attrs, pv.attrs, `${v.name} attrs`);
        assert.deepEqual(v.storageChunks ?? "contiguous", pv.chunking, `${v.name} chunking`);
        assert.equal(v.filters.some((f) => f.id === 1), !!pv.filters.zlib, `${v.name} zlib`);
        assert.equal(v.filters.some((f) => f.id === 2), !!pv.filters.shuffle, `${v.name} shuffle`);
        assert.equal(v.diskType, pv.dtype === "<U0" || pv.dtype === "str" ? "str" : pv.dtype, `${v.name} dtype`);
        if (pv.values && v.dtype !== "str") {
          const got = nc.read(v, v.shape.map(() => 0), v.shape);
          assertClose(got.nd.data, pv.values, `${gpath}/${v.name} values`, 0);
          // A hyperslab inside the chunks reads the same as slicing the whole.
          if (v.shape.length >= 2 && v.shape.every((n) => n >= 2)) {
            const part = nc.read(v, v.shape.map(() => 1), v.shape.map((n) => n - 1));
            const whole = got.get(v.shape.map(() => "1:").join(","));
            assert.deepEqual(Array.from(part.nd.data), Array.from(whole.copy().nd.data), `${v.name} hyperslab`);
          }
        }
      }
      for (const [name, sub] of Object.entries(py.groups)) check(gpath === "/" ? `/${name}` : `${gpath}/${name}`, sub);
    };
    check("/", expected);
  } finally {
    nc.close();
  }
}

test("reader: a netCDF4-python file (zlib+shuffle, chunked, unlimited time, groups, string attributes, int16, fill values) reads as netCDF4 reports it", async () => {
  const file = path.join(DIR, "py.nc");
  python(`
import netCDF4, numpy as np
ds = netCDF4.Dataset(${JSON.stringify(file)}, "w")
ds.title = "written by netCDF4-python"
ds.history = "line one\\nline two"
ds.version = np.int32(3)
ds.createDimension("time", None); ds.createDimension("y", 7); ds.createDimension("x", 9)
t = ds.createVariable("time", "f8", ("time",)); t.units = "days since 2000-01-01"; t.calendar = "standard"; t[:] = [0.5, 31.5, 59.5]
y = ds.createVariable("y", "f4", ("y",)); y[:] = np.linspace(-3, 3, 7)
v = ds.createVariable("temp", "f4", ("time", "y", "x"), zlib=True, shuffle=True, chunksizes=(1, 4, 5), fill_value=np.float32(-999))
v.units = "K"; v.long_name = "temperature"; v.valid_range = np.array([0, 400], "f4")
data = np.arange(3 * 7 * 9, dtype="f4").reshape(3, 7, 9) / 7; data[1, 2, 3] = -999
v[:] = data
p = ds.createVariable("packed", "i2", ("y", "x"), zlib=True, fill_value=np.int16(-1))
p.scale_factor = np.float32(0.5); p.add_offset = np.float32(10)
p.set_auto_maskandscale(False); raw = (np.arange(63, dtype="i2").reshape(7, 9)); raw[0, 0] = -1; p[:] = raw
g = ds.createGroup("forecast"); g.createDimension("lead", 4); g.note = "a group attribute"
lv = g.createVariable("lead", "i4", ("lead",)); lv[:] = [0, 6, 12, 18]
gv = g.createVariable("skill", "f8", ("lead", "y"), zlib=True, chunksizes=(2, 7)); gv[:] = np.arange(28).reshape(4, 7) * 0.25
ds.close()`);
  await compareWithNetCDF4(file);
  // CF decoding against xarray: times to dates, packed ints scaled, fill values to NaN.
  const ds = await xr.openDataset(file);
  const py = pythonJson<{ time: string[]; temp: (number | null)[]; packed: (number | null)[]; dtypes: string[] }>(`
import json, xarray as xr, numpy as np
ds = xr.open_dataset(${JSON.stringify(file)})
nan = lambda a: [None if np.isnan(x) else float(x) for x in a.ravel()]
print(json.dumps({"time": [str(t)[:23] for t in ds.time.values], "temp": nan(ds.temp.values), "packed": nan(ds.packed.values), "dtypes": [str(ds.temp.dtype), str(ds.packed.dtype), str(ds.time.dtype)]}))`);
  assert.deepEqual(ds.time.dates.map((d) => d.toISOString().slice(0, 23)), py.time);
  assertClose(ds.temp.values.nd.data, py.temp, "temp");
  assertClose(ds.packed.values.nd.data, py.packed, "packed");
  assert.deepEqual([ds.temp.dtype, ds.packed.dtype, ds.time.dtype], py.dtypes);
  const grp = await xr.openDataset(file, { group: "forecast" });
  assert.deepEqual(grp.sizes, { lead: 4, y: 7 });
  assert.deepEqual(grp.attrs, { note: "a group attribute" });
  ds.close();
  grp.close();
});

test("reader: an ncgen file (netCDF-4 from CDL: groups, unlimited and string attributes, deflate, explicit chunking) reads as netCDF4 reports it", async () => {
  const cdl = path.join(DIR, "g.cdl");
  const file = path.join(DIR, "g.nc");
  writeFileSync(cdl, `netcdf g {
dimensions:
  time = UNLIMITED ;
  lat = 6 ;
  lon = 8 ;
variables:
  double time(time) ;
    time:units = "hours since 1990-01-01 00:00:00" ;
  float lat(lat) ;
    lat:units = "degrees_north" ;
  float lon(lon) ;
  float sst(time, lat, lon) ;
    sst:_ChunkSizes = 1, 3, 4 ;
    sst:_DeflateLevel = 5 ;
    sst:_Shuffle = "true" ;
    sst:long_name = "sea surface temperature" ;
    string sst:note = "a NC_STRING attribute" ;
    sst:_FillValue = -1.f ;
  int counts(lat) ;
// global attributes:
  :title = "written by ncgen" ;
  string :keywords = "ocean", "test" ;
data:
  time = 0, 6, 12 ;
  lat = -25, -15, -5, 5, 15, 25 ;
  lon = 0, 45, 90, 135, 180, 225, 270, 315 ;
  sst = ${Array.from({ length: 144 }, (_, i) => (i % 17 === 3 ? -1 : (i * 0.25).toFixed(2))).join(", ")} ;
  counts = 1, 2, 3, 4, 5, 6 ;
group: inner {
  dimensions:
    level = 3 ;
  variables:
    float profile(level, lat) ;
      profile:_Storage = "chunked" ;
      profile:_ChunkSizes = 3, 2 ;
  data:
    profile = ${Array.from({ length: 18 }, (_, i) => i).join(", ")} ;
  }
}
`);
  execFileSync("ncgen", ["-k", "nc4", "-o", file, cdl]);
  await compareWithNetCDF4(file);
  const ds = await xr.openDataset(file);
  const py = pythonJson<{ repr: string; sst: (number | null)[] }>(`
import json, xarray as xr, numpy as np
ds = xr.open_dataset(${JSON.stringify(file)})
print(json.dumps({"repr": repr(ds), "sst": [None if np.isnan(x) else float(x) for x in ds.sst.values.ravel()]}))`);
  assertClose(ds.sst.values.nd.data, py.sst, "sst");
  assert.equal(String(ds), py.repr, "Dataset repr");
  ds.close();
});

test("raw chunk reads: lazylab's own chunk index + decoding read what netCDF4-python reads (fletcher32, unallocated chunks, int16/int64/uint16, edge chunks, contiguous variables in few and many runs), and fall back to HDF5 for big-endian and HDF5 1.10 indexes", async () => {
  const file = path.join(DIR, "mix.nc");
  python(`
import netCDF4, numpy as np
ds = netCDF4.Dataset(${JSON.stringify(file)}, "w")
ds.createDimension("t", None); ds.createDimension("y", 11); ds.createDimension("x", 13)
a = ds.createVariable("f32", "f4", ("t", "y", "x"), zlib=True, shuffle=True, fletcher32=True, chunksizes=(2, 4, 5)); a[:] = np.random.default_rng(0).random((5, 11, 13), dtype="f4")
b = ds.createVariable("i16", "i2", ("y", "x"), zlib=True, shuffle=False, chunksizes=(3, 3)); b[:] = np.arange(143).reshape(11, 13) - 70
c = ds.createVariable("be", "f8", ("y", "x"), zlib=True, endian="big", chunksizes=(5, 5)); c[:] = np.arange(143.).reshape(11, 13)
d = ds.createVariable("part", "f4", ("y", "x"), zlib=True, chunksizes=(4, 4), fill_value=np.float32(-5)); d[0:4, 0:4] = 1
e = ds.createVariable("i64", "i8", ("y", "x"), chunksizes=(11, 13)); e[:] = np.arange(143).reshape(11, 13) * 10**10
f = ds.createVariable("u16", "u2", ("t", "x"), zlib=True, shuffle=True, chunksizes=(1, 13)); f[:] = np.arange(65).reshape(5, 13)
g = ds.createVariable("contig", "f4", ("y", "x")); g[:] = 3
ds.createDimension("c", 3)
h = ds.createVariable("contig3", "f8", ("y", "x", "c"), fill_value=-1.0); h[:] = np.arange(429.).reshape(11, 13, 3); h[2, 3, 1] = -1
ds.close()`);
  await compareWithNetCDF4(file);
  const nc = await NcFile.open(file);
  const raw = Object.fromEntries(nc.group("/").variables.map((v) => [v.name, !!nc.rawPlanOf(v)]));
  nc.close();
  assert.deepEqual(raw, { f32: true, i16: true, be: false, part: true, i64: true, u16: true, contig: true, contig3: true });
  // HDF5 1.10 chunk indexes (h5py, libver="latest"): single chunk read directly, the others through HDF5.
  const h5 = path.join(DIR, "latest.h5");
  const expected = pythonJson<Record<string, number[]>>(`
import h5py, numpy as np, json
with h5py.File(${JSON.stringify(h5)}, "w", libver="latest") as f:
    f.create_dataset("single", data=np.arange(60, dtype="f4").reshape(6, 10), chunks=(6, 10), compression="gzip", shuffle=True)
    f.create_dataset("fixed", data=np.arange(60, dtype="f4").reshape(6, 10), chunks=(2, 5), compression="gzip")
    f.create_dataset("ext", data=np.arange(60, dtype="i4").reshape(6, 10), chunks=(2, 5), maxshape=(None, 10), compression="gzip")
    f.create_dataset("bt2", data=np.arange(60, dtype="f8").reshape(6, 10), chunks=(2, 5), maxshape=(None, None), compression="gzip")
with h5py.File(${JSON.stringify(h5)}) as f:
    print(json.dumps({k: f[k][...].astype("f8").ravel().tolist() for k in f}))`);
  const hf = await NcFile.open(h5);
  for (const v of hf.group("/").variables) {
    assert.deepEqual(Array.from(hf.read(v, v.shape.map(() => 0), v.shape).nd.data), expected[v.name], v.name);
    assert.deepEqual(Array.from(hf.read(v, [1, 3], [4, 6]).nd.data), expected[v.name].filter((_, i) => i % 10 >= 3 && i % 10 < 9 && i >= 10 && i < 50), `${v.name} hyperslab`);
    assert.equal(!!hf.rawPlanOf(v), v.name === "single", `${v.name}: read directly only with the single-chunk index`);
  }
  hf.close();
});

test("decoder threads: an announced compute's chunks are decoded on threads into buffers the notebook's thread owns, with the same values as decoding in place", async () => {
  const ds = await xr.openMfDataset(path.join(ECCO, "THETA_*.nc"));
  xr.clearCache();
  const before = { ...decoderStats };
  const threaded = await ds.THETA.isel({ k: 0 }).compute();
  assert.ok(decoderStats.ahead - before.ahead >= 12, `chunks decoded ahead: ${decoderStats.ahead - before.ahead}`);
  xr.clearCache();
  process.env.LAZYLAB_XR_DECODERS = "0";
  try {
    const inPlace = await ds.THETA.isel({ k: 0 }).compute();
    assert.deepEqual(Array.from(threaded.values.nd.data), Array.from(inPlace.values.nd.data));
  } finally {
    delete process.env.LAZYLAB_XR_DECODERS;
  }
  ds.close();
  xr.clearCache();
});

test("openMfDataset reads the files after the first on the decoder threads: the same dataset and values as opening each here, and a damaged file still fails naming it", async () => {
  const pattern = path.join(ECCO, "THETA_*.nc");
  const before = { ...prefetchStats };
  const threaded = await xr.openMfDataset(pattern);
  assert.equal(prefetchStats.fromThreads - before.fromThreads, 2, "files 2 and 3 came from the threads");
  process.env.LAZYLAB_XR_DECODERS = "0";
  try {
    const mid = { ...prefetchStats };
    const here = await xr.openMfDataset(pattern);
    assert.equal(prefetchStats.fromThreads, mid.fromThreads, "no threads: every file opened here");
    assert.equal(String(threaded), String(here), "Dataset repr");
    assert.equal(String(threaded.THETA), String(here.THETA), "DataArray repr");
    assert.deepEqual(threaded.THETA.encoding, here.THETA.encoding);
    xr.clearCache();
    const a = await threaded.THETA.isel({ k: 0 }).compute();
    xr.clearCache();
    const b = await here.THETA.isel({ k: 0 }).compute();
    assert.deepEqual(Array.from(a.values.nd.data), Array.from(b.values.nd.data));
    here.close();
  } finally {
    delete process.env.LAZYLAB_XR_DECODERS;
    xr.clearCache();
  }
  threaded.close();
  const first = path.join(ECCO, "THETA_1992_01.nc");
  const bad = path.join(DIR, "truncated.nc");
  writeFileSync(bad, readFileSync(first).subarray(0, 4000));
  for (const decoders of ["2", "0"]) {
    process.env.LAZYLAB_XR_DECODERS = decoders;
    try {
      await assert.rejects(xr.openMfDataset([first, bad]), (e: Error) => e.message.includes(bad) && /truncated or damaged/.test(e.message));
    } finally {
      delete process.env.LAZYLAB_XR_DECODERS;
    }
  }
});

test("a damaged or truncated file fails at open with HDF5's own reason, as h5py gives it, and HDF5's error stack is not printed", () => {
  const good = path.join(ECCO, "THETA_1992_01.nc");
  const bytes = readFileSync(good);
  const files = {
    truncated: bytes.subarray(0, 4000),
    // The HDF5 signature, then a superblock of noise.
    damaged: Buffer.concat([bytes.subarray(0, 8), Buffer.alloc(3000, 0xa5)]),
  };
  for (const [what, content] of Object.entries(files)) {
    const file = path.join(DIR, `${what}.nc`);
    writeFileSync(file, content);
    // h5py (Debian's, over the C HDF5) words the cause in parentheses: "Unable to open file (truncated file: eof = 4000, ...)".
    const h5py = python(`import h5py\ntry:\n    h5py.File(${JSON.stringify(file)}, "r")\nexcept OSError as e:\n    print(e)`).trim();
    const cause = /\((.*)\)$/.exec(h5py)?.[1];
    assert.ok(cause, `h5py's message has a cause in parentheses: ${h5py}`);
    // A child process, so that what HDF5 writes to stderr (fd 2, below Node's streams) is seen.
    const script = `require(${JSON.stringify(path.join(__dirname, "..", "lib"))}).xr.openDataset(${JSON.stringify(file)}).then(() => console.log("opened"), (e) => console.log(e.message))`;
    const child = spawnSync(process.execPath, ["-e", script], { encoding: "utf8" });
    const message = child.stdout.trim();
    assert.ok(message.startsWith(`${file}: HDF5 could not read the file's metadata (H5Fopen(): unable to synchronously open file: `), `${what}: ${message}`);
    assert.ok(message.includes(`: ${cause}); is it truncated or damaged?`), `${what}: ${message} vs h5py's ${cause}`);
    assert.doesNotMatch(child.stderr, /HDF5-DIAG|#00\d/, `${what}: HDF5's stack printed`);
  }
});

/** The xarray+dask side of the ECCO-like comparisons. */
const PY_ECCO = `
import json, xarray as xr, numpy as np, glob
nan = lambda a: [None if np.isnan(x) else float(x) for x in np.asarray(a, "f8").ravel()]
# The storage chunks, lazylab's default (xarray 2023.01's netCDF4 backend makes one chunk per file).
ds = xr.open_mfdataset(sorted(glob.glob(${JSON.stringify(ECCO + "/THETA_*.nc")})), chunks={"k": 25, "tile": 3, "j": 5, "i": 5})
grid = xr.open_dataset(${JSON.stringify(ECCO + "/ECCO-GRID.nc")})
top = ds.THETA.isel(k=0).compute()
print(json.dumps({
  "repr": repr(ds), "theta_repr": repr(ds.THETA),
  "top": nan(top.values), "mean": nan(ds.THETA.isel(k=0).mean("time").values),
  "tmax": nan(ds.THETA.isel(k=slice(0, 3)).max(["tile", "j", "i"]).values),
  "tsum": nan(ds.THETA.isel(tile=1, j=2).sum("k").values),
  "march": nan(ds.THETA.sel(time="1992-03").isel(k=2).values),
  "chunks": [list(c) for c in ds.THETA.chunks],
  "anom": nan((ds.THETA.isel(k=0) - ds.THETA.isel(k=0).mean("time")).isel(tile=0).values),
  "weighted": nan((ds.THETA.isel(k=0, time=0) * grid.rA).sum(["j", "i"]).values),
  "sizes": dict(ds.sizes),
}))`;

test("API: openMfDataset over ECCO-like files computes what xarray+dask computes (isel, sel by time string, mean/max/sum over named dims, arithmetic aligned by name, merge)", async () => {
  const py = pythonJson<Record<string, (number | null)[]> & { repr: string; theta_repr: string; chunks: number[][]; sizes: Record<string, number> }>(PY_ECCO);
  const pattern = path.join(ECCO, "THETA_*.nc");
  const byDefault = await xr.openMfDataset(pattern);
  assert.deepEqual(byDefault.THETA.chunksizes, [1, 25, 3, 5, 5], "default chunks are the storage chunks");
  assert.deepEqual(byDefault.THETA.encoding.chunksizes, [1, 25, 3, 5, 5]);
  const ds = await xr.openMfDataset(pattern, { chunks: { k: 25, tile: 3, j: 5, i: 5 } });
  const grid = await xr.openDataset(path.join(ECCO, "ECCO-GRID.nc"));
  assert.deepEqual(ds.sizes, py.sizes);
  assert.deepEqual(ds.THETA.chunks, py.chunks);
  assert.equal(String(ds), py.repr, "Dataset repr");
  assert.equal(String(ds.THETA), py.theta_repr, "DataArray repr");
  const top = await ds.THETA.isel({ k: 0 }).compute();
  assertClose(top.values.nd.data, py.top, "top level");
  assertClose((await ds.THETA.isel({ k: 0 }).mean("time").compute()).values.nd.data, py.mean, "mean over time");
  assertClose(ds.THETA.isel({ k: "0:3" }).max(["tile", "j", "i"]).values.nd.data, py.tmax, "max over tile/j/i");
  assertClose(ds.THETA.isel({ tile: 1, j: 2 }).sum("k").values.nd.data, py.tsum, "sum over k", 1e-5);
  assertClose(ds.THETA.sel({ time: "1992-03" }).isel({ k: 2 }).values.nd.data, py.march, "sel by month string");
  const t0 = ds.THETA.isel({ k: 0 });
  assertClose(t0.sub(t0.mean("time")).isel({ tile: 0 }).values.nd.data, py.anom, "anomaly (broadcast by name)");
  const merged = xr.merge([grid, ds]);
  assert.ok("rA" in merged.dataVars && "THETA" in merged.dataVars);
  assertClose(merged.THETA.isel({ k: 0, time: 0 }).mul(merged.rA).sum(["j", "i"]).values.nd.data, py.weighted, "THETA × rA summed", 1e-5);
  const html = mimeBundleOf(ds)["text/html"] as string;
  for (const section of ["Dimensions", "Coordinates (8)", "Data variables (1)", "Attributes (6)"]) assert.ok(html.includes(`<summary>${section}</summary>`), `HTML repr has a collapsible ${section} section`);
  ds.close();
  grid.close();
  byDefault.close();
});

test("ds.get([names]), xr.merge, a.copy({ data }), chunks and nbytes match xarray on the same files (reprs, mappings, MergeError and ValueError messages)", async () => {
  const pattern = path.join(ECCO, "THETA_*.nc");
  const gridFile = path.join(ECCO, "ECCO-GRID.nc");
  const py = pythonJson<[string, string, string, number, number, number, number, Record<string, number[]>, Record<string, number[]>, number[][] | null, number[][], string, string, string]>(`
import json, xarray as xr, numpy as np, glob
ds = xr.open_mfdataset(sorted(glob.glob(${JSON.stringify(pattern)})), chunks={"k": 25, "tile": 3, "j": 5, "i": 5})
grid = xr.open_dataset(${JSON.stringify(gridFile)})
def err(f):
    try: f(); return "no error"
    except Exception as e: return f"{type(e).__name__}: {e}"
a = xr.DataArray(np.arange(3.), dims=["x"], name="v")
print(json.dumps([repr(ds[["THETA"]]), repr(xr.merge([grid[["rA"]], ds[["THETA"]]])), repr(grid[["rA", "Depth"]]),
  ds.nbytes, grid.nbytes, ds.THETA.nbytes, grid.rA.nbytes, {k: list(v) for k, v in ds.chunks.items()}, dict(grid.chunks), grid.rA.chunks,
  [list(c) for c in ds.THETA.chunks], repr(grid.rA.isel(tile=0, j=0).copy(data=np.arange(10.))),
  err(lambda: grid.rA.copy(data=np.zeros(3))), err(lambda: xr.merge([a, a + 1]))]))`);
  const ds = await xr.openMfDataset(pattern, { chunks: { k: 25, tile: 3, j: 5, i: 5 } });
  const grid = await xr.openDataset(gridFile);
  const err = (f: () => unknown): string => {
    try {
      f();
      return "no error";
    } catch (e) {
      return `${(e as Error).name}: ${(e as Error).message}`;
    }
  };
  const a = xr.DataArray.from(np.arange(3, undefined, undefined, { dtype: "float64" }), ["x"], { name: "v" });
  const ours = [String(ds.get(["THETA"])), String(xr.merge([grid.get(["rA"]), ds.get(["THETA"])])), String(grid.get(["rA", "Depth"])),
    ds.nbytes, grid.nbytes, ds.THETA.nbytes, grid.rA.nbytes, ds.chunks, grid.chunks, grid.rA.chunks,
    ds.THETA.chunks, String(grid.rA.isel({ tile: 0, j: 0 }).copy({ data: np.arange(10, undefined, undefined, { dtype: "float64" }) })),
    err(() => grid.rA.copy({ data: np.zeros(3) })), err(() => xr.merge([a, a.add(1).rename("v")]))];
  const names = ["ds[['THETA']]", "merge", "grid[['rA', 'Depth']]", "ds.nbytes", "grid.nbytes", "THETA.nbytes", "rA.nbytes", "ds.chunks", "grid.chunks", "rA.chunks", "THETA.chunks", "copy(data=...)", "copy shape error", "merge conflict"];
  ours.forEach((o, i) => assert.deepEqual(o, py[i], names[i]));
  // The merged dataset computes as its parts do; a deep copy owns its data, a shallow one shares it.
  const merged = xr.merge([grid.get(["rA"]), ds.get(["THETA"])]);
  assert.deepEqual(merged.THETA.isel({ k: 0, time: 0 }).values.tolist(), ds.THETA.isel({ k: 0, time: 0 }).values.tolist());
  const top = await ds.THETA.isel({ k: 0 }).compute();
  assert.ok(!np.sharesMemory(top.copy().values, top.values) && np.sharesMemory(top.copy({ deep: false }).values, top.values));
  assert.equal(top.copy().isDask, false);
  assert.throws(() => ds.get(["THETA", "NOPE"]), { name: "KeyError", message: /no variable named 'NOPE'; variables: time, k, tile, j, i, Z, XC, YC, THETA/ });
  assert.throws(() => xr.merge([grid.get(["rA"]), grid.get(["rA"]).isel({ j: "0:5" })]), { name: "MergeError", message: /index 'j' has shape \(10\) in an earlier object but \(5\) in objects\[1\]; lazylab merges only objects whose indexes are identical/ });
  assert.equal(xr.merge([a, a.add(1).rename("v")], { compat: "override" }).v.values.at(0), 0, "compat override: the first wins");
  const holes = xr.DataArray.from(np.array([NaN, 1, 2]), ["x"], { name: "v" });
  assert.deepEqual(xr.merge([holes, a]).v.values.tolist(), [0, 1, 2], "no_conflicts fills NaN from the other object, as xarray");
  ds.close();
  grid.close();
});

test("cache: default 25-level chunks load and keep ≈25× the top level; one level per chunk keeps nothing beyond the result; a repeat compute hits; clearCache empties", async () => {
  xr.clearCache();
  xr.resetCacheStats();
  const pattern = path.join(ECCO, "THETA_*.nc");
  const ds = await xr.openMfDataset(pattern);
  const n0 = warnings.length;
  await ds.THETA.isel({ k: 0 }).compute();
  const resultBytes = 3 * 3 * 10 * 10 * 4;
  const a = xr.cacheInfo();
  // Every chunk holding level 0 (3 files × tiles 0-2 in one chunk × 2×2 j/i chunks) is loaded
  // whole; XC, YC (used whole: not kept) and Z (one level used: kept) come with the result.
  assert.equal(a.misses, 3 * 1 * 4 + 2 * 4 + 1);
  assert.equal(a.bytes - 30 * 4, 25 * resultBytes, "25 levels held per level returned");
  assert.equal(a.bytesDecoded, 25 * resultBytes + 30 * 4 + 2 * 3 * 10 * 10 * 4);
  assert.ok(a.bytesReadFromDisk > 0);
  await ds.THETA.isel({ k: 0 }).compute();
  const b = xr.cacheInfo();
  assert.equal(b.hits, 3 * 4 + 1, "second compute: the kept chunks are hits");
  assert.equal(b.misses, a.misses + 2 * 4, "XC and YC, used whole, are read again");
  xr.clearCache();
  assert.equal(xr.cacheInfo().bytes, 0);
  const ds1 = await xr.openMfDataset(pattern, { chunks: { k: 1 } });
  assert.deepEqual(ds1.THETA.chunks![1], Array(30).fill(1));
  const before = xr.cacheInfo().bytesDecoded;
  await ds1.THETA.isel({ k: 0 }).compute();
  assert.equal(xr.cacheInfo().bytes, 0, "chunks used whole are not kept");
  assert.equal(xr.cacheInfo().bytesDecoded - before, resultBytes + 4 + 2 * 3 * 10 * 10 * 4, "one level decoded per level returned");
  // Small files stay under the warning threshold.
  assert.equal(warnings.length, n0);
  ds.close();
  ds1.close();
  xr.clearCache();
});

test("cache: a wasteful compute warns naming the variable, its chunking and the better chunks", async () => {
  const dir = path.join(DIR, "big");
  mkdirSync(dir, { recursive: true });
  execFileSync(PYTHON, [MAKE, dir, "--files", "1"], { stdio: "pipe" });
  const ds = await xr.openMfDataset(path.join(dir, "THETA_*.nc"));
  const n0 = warnings.length;
  const origWarn = console.warn;
  console.warn = () => {};
  try {
    await ds.THETA.isel({ k: 0 }).compute();
  } finally {
    console.warn = origWarn;
  }
  assert.equal(warnings.length, n0 + 1);
  const w = warnings[n0];
  assert.match(w, /THETA is chunked \{time: 1, k: 25, tile: 7, j: 45, i: 45\}/);
  assert.match(w, /chunks: \{ k: 1 \}/);
  assert.match(w, /25\.0×/);
  ds.close();
  xr.clearCache();
});

test("errors: missing file, glob matching nothing, inconsistent dims across files, unsupported filter, unknown dimension", async () => {
  await assert.rejects(xr.openDataset(path.join(DIR, "nope.nc")), (e: Error) => e.name === "FileNotFoundError" && e.message.includes("nope.nc"));
  await assert.rejects(xr.openMfDataset(path.join(DIR, "none-*.nc")), (e: Error) => e.name === "FileNotFoundError" && /matched nothing/.test(e.message) && e.message.includes("none-*.nc"));
  const odd = path.join(DIR, "odd");
  execFileSync(PYTHON, [MAKE, odd, "--files", "1", "--levels", "30", "--size", "10", "--tiles", "3"], { stdio: "pipe" });
  execFileSync(PYTHON, [MAKE, odd, "--files", "1", "--start", "1992-02", "--levels", "30", "--size", "12", "--tiles", "3"], { stdio: "pipe" });
  await assert.rejects(xr.openMfDataset(path.join(odd, "THETA_*.nc")), (e: Error) => e.name === "DimensionError" && e.message.includes("THETA_1992_02.nc") && /dimension 'j'/.test(e.message));
  const szip = path.join(DIR, "szip.nc");
  python(`
import netCDF4, numpy as np
ds = netCDF4.Dataset(${JSON.stringify(szip)}, "w"); ds.createDimension("x", 64)
v = ds.createVariable("packed_szip", "f4", ("x",), compression="szip"); v[:] = np.arange(64)
ds.close()`);
  const ds = await xr.openDataset(szip);
  assert.throws(() => ds.packed_szip.values, (e: Error) => e.name === "UnsupportedFilterError" && e.message.includes(szip) && e.message.includes("'packed_szip'") && /szip/.test(e.message));
  assert.throws(() => ds.packed_szip.isel({ y: 0 }), (e: Error) => e.name === "DimensionError" && /'y'/.test(e.message));
  ds.close();
});

test("errors: a corrupt stored chunk fails with ChunkDecodeError naming the file and the variable, on the threaded and in-place paths", async () => {
  const src = path.join(ECCO, "THETA_1992_01.nc");
  const bad = path.join(DIR, "corrupt.nc");
  writeFileSync(bad, readFileSync(src));
  const nc = await NcFile.open(bad);
  const theta = nc.group("/").variables.find((v) => v.name === "THETA")!;
  const first = nc.rawPlanOf(theta)!.index.chunks.get("0,0,0,0,0")!;
  nc.close();
  const fd = openSync(bad, "r+");
  writeSync(fd, Buffer.alloc(64, 0xa5), 0, 64, first.address + 2);
  closeSync(fd);
  for (const decoders of ["2", "0"]) {
    process.env.LAZYLAB_XR_DECODERS = decoders;
    try {
      const ds = await xr.openDataset(bad);
      await assert.rejects(ds.THETA.isel({ k: 0 }).compute(), (e: Error) => e.name === "ChunkDecodeError" && e.message.includes(bad) && e.message.includes("'THETA'") && /corrupt/.test(e.message));
      ds.close();
    } finally {
      delete process.env.LAZYLAB_XR_DECODERS;
      xr.clearCache();
    }
  }
});

test("errors across files: a missing path in a list, a variable missing from one file, a variable with other dimensions in one file, each naming the file and the variable", async () => {
  const dir = path.join(DIR, "mf");
  mkdirSync(dir, { recursive: true });
  python(`
import netCDF4, numpy as np
def write(name, t0, var_dims, with_a=True):
    ds = netCDF4.Dataset(${JSON.stringify(dir)} + "/" + name, "w")
    ds.createDimension("t", 1); ds.createDimension("x", 3); ds.createDimension("y", 3)
    t = ds.createVariable("t", "f8", ("t",)); t[:] = [t0]
    if with_a:
        a = ds.createVariable("a", "f4", var_dims); a[:] = np.ones((1, 3))
    ds.close()
write("m1.nc", 0, ("t", "x")); write("m2.nc", 1, ("t", "y")); write("m3.nc", 2, ("t", "x"), with_a=False); write("m4.nc", 3, ("t", "x"))`);
  const f = (n: string) => path.join(dir, n);
  await assert.rejects(xr.openMfDataset([f("m1.nc"), f("nope.nc")]), (e: Error) => e.name === "FileNotFoundError" && e.message.includes(f("nope.nc")));
  await assert.rejects(xr.openMfDataset([f("m1.nc"), f("m2.nc")]), (e: Error) => e.name === "DimensionError" && e.message.includes(f("m2.nc")) && e.message.includes("'a'") && /\(t, y\)/.test(e.message));
  await assert.rejects(xr.openMfDataset([f("m1.nc"), f("m3.nc")]), (e: Error) => e.name === "DimensionError" && e.message.includes(f("m3.nc")) && e.message.includes("'a'"));
  const ok = await xr.openMfDataset([f("m4.nc"), f("m1.nc")]);
  assert.deepEqual(Array.from(ok.t.values.nd.data), [0, 3], "combined by coordinates, in order");
  ok.close();
});

test("sel by label matches xarray: time ranges (open ends), partial and full time strings, Date, numeric labels, Dataset.sel", async () => {
  const pattern = path.join(ECCO, "THETA_*.nc");
  const py = pythonJson<Record<string, { time: string[]; values: (number | null)[] }>>(`
import json, xarray as xr, numpy as np, glob
ds = xr.open_mfdataset(sorted(glob.glob(${JSON.stringify(pattern)})))
t = lambda a: [str(x)[:19] for x in np.atleast_1d(a.time.values)]
v = lambda a: [None if np.isnan(x) else float(x) for x in np.asarray(a.values, "f8").ravel()]
full = str(ds.time.values[1])[:19]
sels = {
  "range": ds.THETA.sel(time=slice("1992-01", "1992-02")).isel(k=0, tile=0, j=0),
  "open_start": ds.THETA.sel(time=slice(None, "1992-02")).isel(k=1, tile=1, j=1),
  "open_end": ds.THETA.sel(time=slice("1992-02-10", None)).isel(k=1, tile=1, j=1),
  "month": ds.THETA.sel(time="1992-03").isel(k=0, tile=2, i=3),
  "year": ds.THETA.sel(time="1992").isel(k=0, tile=2, i=3),
  "full": ds.THETA.sel(time=full).isel(k=0, tile=0),
  "numeric": ds.THETA.sel(k=3).isel(time=0, tile=0),
  "numeric_range": ds.THETA.sel(k=slice(2, 4)).isel(time=0, tile=0, j=0),
  "dataset": ds.sel(time="1992-02", k=0).THETA.isel(tile=1, j=2),
}
print(json.dumps({k: {"time": t(a), "values": v(a)} for k, a in sels.items()} | {"fullLabel": {"time": [full], "values": []}}))`);
  const ds = await xr.openMfDataset(pattern);
  const full = py.fullLabel.time[0];
  const cases: Record<string, DataArray> = {
    range: ds.THETA.sel({ time: ["1992-01", "1992-02"] }).isel({ k: 0, tile: 0, j: 0 }),
    open_start: ds.THETA.sel({ time: [null, "1992-02"] }).isel({ k: 1, tile: 1, j: 1 }),
    open_end: ds.THETA.sel({ time: [new Date("1992-02-10T00:00:00Z"), null] }).isel({ k: 1, tile: 1, j: 1 }),
    month: ds.THETA.sel({ time: "1992-03" }).isel({ k: 0, tile: 2, i: 3 }),
    year: ds.THETA.sel({ time: "1992" }).isel({ k: 0, tile: 2, i: 3 }),
    full: ds.THETA.sel({ time: full }).isel({ k: 0, tile: 0 }),
    numeric: ds.THETA.sel({ k: 3 }).isel({ time: 0, tile: 0 }),
    numeric_range: ds.THETA.sel({ k: [2, 4] }).isel({ time: 0, tile: 0, j: 0 }),
    dataset: ds.sel({ time: "1992-02", k: 0 }).THETA.isel({ tile: 1, j: 2 }),
  };
  for (const [name, a] of Object.entries(cases)) {
    assert.deepEqual(a.coord("time").dates.map((d) => d.toISOString().slice(0, 19)), py[name].time, `${name}: selected times`);
    assertClose(a.values.nd.data, py[name].values, name);
  }
  assert.throws(() => ds.THETA.sel({ time: "1993-05" }), (e: Error) => e.name === "KeyError" && /1993-05/.test(e.message));
  assert.throws(() => ds.THETA.sel({ k: 99 }), (e: Error) => e.name === "KeyError" && /99/.test(e.message));
  ds.close();
});

test("reprs of computed DataArrays (1-d with coordinates, 0-d, a reduction, an eager grid variable) are xarray's text", async () => {
  const pattern = path.join(ECCO, "THETA_*.nc");
  const grid = path.join(ECCO, "ECCO-GRID.nc");
  const py = pythonJson<string[]>(`
import json, xarray as xr, glob
ds = xr.open_mfdataset(sorted(glob.glob(${JSON.stringify(pattern)})), chunks={"k": 25, "tile": 3, "j": 5, "i": 5})
g = xr.open_dataset(${JSON.stringify(grid)})
print(json.dumps([repr(ds.THETA.isel(k=0, tile=0, j=0).compute()), repr(ds.THETA.isel(k=0, tile=0, j=0, i=0).compute()),
  repr(ds.THETA.isel(k=0).mean(["tile", "j", "i"]).compute()), repr(g.rA.isel(tile=0, j=0).compute())]))`);
  const ds = await xr.openMfDataset(pattern, { chunks: { k: 25, tile: 3, j: 5, i: 5 } });
  const g = await xr.openDataset(grid);
  const ours = [
    String(await ds.THETA.isel({ k: 0, tile: 0, j: 0 }).compute()),
    String(await ds.THETA.isel({ k: 0, tile: 0, j: 0, i: 0 }).compute()),
    String(await ds.THETA.isel({ k: 0 }).mean(["tile", "j", "i"]).compute()),
    String(await g.rA.isel({ tile: 0, j: 0 }).compute()),
  ];
  ours.forEach((r, i) => assert.equal(r, py[i], `repr ${i}`));
  ds.close();
  g.close();
});

test("CF decoding can be turned off as in xarray: decodeTimes: false keeps times numeric with their units, maskAndScale: false keeps packed ints and fill values; undecoded int8/int16/uint16/uint32 keep their type", async () => {
  const file = path.join(DIR, "cf.nc");
  python(`
import netCDF4, numpy as np
ds = netCDF4.Dataset(${JSON.stringify(file)}, "w")
ds.createDimension("time", 3); ds.createDimension("x", 4)
t = ds.createVariable("time", "i4", ("time",)); t.units = "days since 2001-02-03 04:05:06"; t.calendar = "proleptic_gregorian"; t[:] = [0, 10, 400]
p = ds.createVariable("p", "i2", ("time", "x"), zlib=True, fill_value=np.int16(-32767)); p.scale_factor = 0.01; p.add_offset = 273.15; p.missing_value = np.int16(-1)
p.set_auto_maskandscale(False); raw = np.arange(12, dtype="i2").reshape(3, 4) * 100; raw[0, 1] = -32767; raw[2, 3] = -1; p[:] = raw
for name, t, vals in (("b", "i1", [-128, -1, 0, 127]), ("s", "i2", [-32768, -1, 0, 32767]), ("u", "u2", [0, 1, 40000, 65535]), ("w", "u4", [0, 1, 2**31, 2**32 - 1])):
    v = ds.createVariable(name, t, ("x",), fill_value=False); v[:] = np.array(vals, dtype=t)
ds.close()`);
  const py = pythonJson<Record<string, { values: (number | null)[]; dtype: string; attrs: string[] }>>(`
import json, xarray as xr, numpy as np
out = {}
for name, kw in {"default": {}, "raw_times": {"decode_times": False}, "raw": {"mask_and_scale": False, "decode_times": False}}.items():
    ds = xr.open_dataset(${JSON.stringify(file)}, **kw)
    for v in ("time", "p", "b", "s", "u", "w"):
        a = ds[v]
        vals = a.values.astype("datetime64[ms]").astype("f8") if a.dtype.kind == "M" else a.values.astype("f8")
        out[name + "/" + v] = {"values": [None if np.isnan(x) else float(x) for x in vals.ravel()], "dtype": str(a.dtype), "attrs": sorted(a.attrs)}
print(json.dumps(out))`);
  for (const [name, opts] of [["default", {}], ["raw_times", { decodeTimes: false }], ["raw", { maskAndScale: false, decodeTimes: false }]] as const) {
    const ds = await xr.openDataset(file, opts);
    for (const v of ["time", "p", "b", "s", "u", "w"]) {
      const a = ds.get(v);
      const e = py[`${name}/${v}`];
      assertClose(a.values.nd.data, e.values, `${name}/${v} values`, 1e-6);
      // Undecoded int16 values keep their type, as in xarray.
      assert.equal(a.dtype, e.dtype, `${name}/${v} dtype`);
      assert.deepEqual(Object.keys(a.attrs).sort(), e.attrs, `${name}/${v} attrs`);
    }
    ds.close();
  }
});

test("examples/memory-management-xarray.ipynb executes (jupyter nbconvert --execute): default chunks cost ≈25× the result, one level per chunk ≈1×, and it warns", { timeout: 400_000 }, () => {
  const out = path.join(DIR, "nb");
  mkdirSync(out, { recursive: true });
  execFileSync("/usr/bin/jupyter", ["nbconvert", "--to", "notebook", "--execute", path.join(ROOT, "examples", "memory-management-xarray.ipynb"), "--output-dir", out, "--ExecutePreprocessor.timeout=300"], { stdio: "pipe", env: process.env });
  const nb = JSON.parse(python(`import sys; print(open(${JSON.stringify(path.join(out, "memory-management-xarray.ipynb"))}).read())`)) as { cells: { cell_type: string; outputs?: { output_type: string; text?: string | string[]; name?: string }[] }[] };
  const texts = nb.cells.filter((c) => c.cell_type === "code").map((c) => (c.outputs ?? []).map((o) => (Array.isArray(o.text) ? o.text.join("") : (o.text ?? ""))).join(""));
  assert.ok(!nb.cells.some((c) => (c.outputs ?? []).some((o) => o.output_type === "error")), "no cell failed");
  const all = texts.join("\n");
  const changes = [...all.matchAll(/Change in available memory:\s+(\S+)\s+MB/g)].map((m) => Number(m[1]));
  const sizes = [...all.matchAll(/Size of the result:\s+(\S+)\s+MB/g)].map((m) => Number(m[1]));
  assert.equal(changes.length, 3);
  assert.equal(sizes.length, 2);
  const ratioDefault = -changes[0] / sizes[0];
  const ratioOneLevel = -changes[2] / sizes[1];
  assert.ok(ratioDefault > 22 && ratioDefault < 30, `default chunks cost ${ratioDefault.toFixed(2)}× the result`);
  assert.ok(ratioOneLevel > 0.8 && ratioOneLevel < 1.5, `one-level chunks cost ${ratioOneLevel.toFixed(2)}× the result`);
  assert.ok(changes[1] > 0.9 * -changes[0] - sizes[0], "clearCache gives the cache's memory back");
  assert.match(all, /open with \{ chunks: \{ k: 1 \} \}/);
});

test("DataArray.from takes a dimension's coordinate as xarray's constructor does: an np array or a list of numbers, with xarray's repr and errors", () => {
  const py = pythonJson<string[]>(`
import json, xarray as xr, numpy as np
def err(f):
    try:
        f()
    except Exception as e:
        return f"{type(e).__name__}: {e}"
t = np.arange(6, dtype=np.float64).reshape(2, 3)
a = xr.DataArray(t, dims=["x", "y"], coords={"x": [10, 20], "y": np.array([1, 2, 3])}, name="v")
print(json.dumps([repr(a), repr(a.mean("x")), repr(a.sel(x=20)), err(lambda: xr.DataArray(t, dims=["x", "y"], coords={"x": [1, 2, 3]})),
  err(lambda: xr.DataArray(t, dims=["x", "y"], coords={"z": [1, 2]}))]))`);
  const t = np.arange(6, undefined, undefined, { dtype: "float64" }).reshape(2, 3);
  const err = (f: () => unknown) => {
    try {
      f();
      return "no error";
    } catch (e) {
      return `${(e as Error).name}: ${(e as Error).message}`;
    }
  };
  const a = xr.DataArray.from(t, ["x", "y"], { coords: { x: [10, 20], y: np.array([1, 2, 3]) }, name: "v" });
  const ours = [String(a), String(a.mean("x")), String(a.sel({ x: 20 })), err(() => xr.DataArray.from(t, ["x", "y"], { coords: { x: [1, 2, 3] } })),
    err(() => xr.DataArray.from(t, ["x", "y"], { coords: { z: [1, 2] } }))];
  assert.deepEqual(ours, py);
});

test("an index variable is its own coordinate, as xarray shows it (a.coords.x lists x; arithmetic keeps the original labels)", () => {
  const py = pythonJson<string[]>(`
import json, xarray as xr, numpy as np
a = xr.DataArray(np.arange(6, dtype=np.float64).reshape(2, 3), dims=["x", "y"], coords={"x": [10, 20]}, name="v")
print(json.dumps([repr(a.coords["x"]), repr(a.coords["x"] + 1), repr(a.coords["x"].mean())]))`);
  const a = xr.DataArray.from(np.arange(6, undefined, undefined, { dtype: "float64" }).reshape(2, 3), ["x", "y"], { coords: { x: [10, 20] }, name: "v" });
  assert.deepEqual([String(a.coords.x), String(a.coords.x.add(1)), String(a.coords.x.mean())], py);
});

test("sel with method (nearest, pad/ffill, backfill/bfill) and tolerance picks xarray's labels, with xarray's errors", () => {
  const py = pythonJson<string[]>(`
import json, xarray as xr, numpy as np
def err(f):
    try:
        return repr(f())
    except Exception as e:
        return f"{type(e).__name__}: {e}"
a = xr.DataArray(np.arange(6, dtype=np.float64).reshape(2, 3), dims=["x", "y"], coords={"x": [10, 20], "y": [1.0, 2.0, 4.0]}, name="v")
ds = xr.Dataset({"v": a})
cases = [lambda: a.sel(x=15, method="nearest"), lambda: a.sel(x=14, method="nearest"), lambda: a.sel(y=3, method="nearest"), lambda: a.sel(y=3, method="pad"),
  lambda: a.sel(y=3, method="ffill"), lambda: a.sel(y=3, method="backfill"), lambda: a.sel(y=3, method="bfill"), lambda: a.sel(y=2, method="bfill"),
  lambda: a.sel(y=0.5, method="nearest"), lambda: a.sel(y=9, method="nearest"), lambda: a.sel(y=3.5, method="nearest", tolerance=0.6),
  lambda: a.sel(y=0, method="pad"), lambda: a.sel(y=9, method="bfill"), lambda: a.sel(y=3.5, method="nearest", tolerance=0.1),
  lambda: a.sel(y=slice(1, 2), method="nearest"), lambda: a.sel(y=3, method="near"), lambda: ds.sel(y=3, method="nearest")]
print(json.dumps([err(f) for f in cases]))`);
  const a = xr.DataArray.from(np.arange(6, undefined, undefined, { dtype: "float64" }).reshape(2, 3), ["x", "y"], { coords: { x: [10, 20], y: np.array([1, 2, 4], { dtype: "float64" }) }, name: "v" });
  const ds = xr.merge([a]);
  const err = (f: () => unknown) => {
    try {
      return String(f());
    } catch (e) {
      return `${(e as Error).name}: ${(e as Error).message}`;
    }
  };
  const ours = [() => a.sel({ x: 15 }, { method: "nearest" }), () => a.sel({ x: 14 }, { method: "nearest" }), () => a.sel({ y: 3 }, { method: "nearest" }), () => a.sel({ y: 3 }, { method: "pad" }),
    () => a.sel({ y: 3 }, { method: "ffill" }), () => a.sel({ y: 3 }, { method: "backfill" }), () => a.sel({ y: 3 }, { method: "bfill" }), () => a.sel({ y: 2 }, { method: "bfill" }),
    () => a.sel({ y: 0.5 }, { method: "nearest" }), () => a.sel({ y: 9 }, { method: "nearest" }), () => a.sel({ y: 3.5 }, { method: "nearest", tolerance: 0.6 }),
    () => a.sel({ y: 0 }, { method: "pad" }), () => a.sel({ y: 9 }, { method: "bfill" }), () => a.sel({ y: 3.5 }, { method: "nearest", tolerance: 0.1 }),
    () => a.sel({ y: [1, 2] }, { method: "nearest" }), () => a.sel({ y: 3 }, { method: "near" as never }), () => ds.sel({ y: 3 }, { method: "nearest" })].map(err);
  assert.deepEqual(ours, py);
  // xarray's list of labels (sel(y=[1, 2, 4])) is not a range: refused, not cut to its first two.
  for (const f of [() => a.sel({ y: [1, 2, 4] as never }), () => ds.sel({ y: [1] as never })]) {
    assert.throws(f, (e: Error) => e.name === "ValueError" && /an array is a label range \[start, stop\].*a list of labels .* is not supported/.test(e.message), err(f));
  }
});

test("chunk() makes a DataArray lazy with xarray's chunks (by name, a number for all, unnamed dimensions kept), repr and errors", async () => {
  const py = pythonJson<string[]>(`
import json, xarray as xr, numpy as np
a = xr.DataArray(np.arange(6, dtype=np.float64).reshape(2, 3), dims=["x", "y"], coords={"x": [10, 20]}, name="v")
def err(f):
    try:
        return repr(f())
    except Exception as e:
        return f"{type(e).__name__}: {e}"
c = a.chunk({"x": 1})
print(json.dumps([repr(c), json.dumps(c.chunks, separators=(",", ":")), json.dumps(a.chunk().chunks, separators=(",", ":")), json.dumps(a.chunk(1).chunks, separators=(",", ":")), json.dumps(c.chunk({"y": 2}).chunks, separators=(",", ":")),
  repr(c.mean("y").compute()), err(lambda: a.chunk({"z": 1}))]))`);
  const a = xr.DataArray.from(np.arange(6, undefined, undefined, { dtype: "float64" }).reshape(2, 3), ["x", "y"], { coords: { x: [10, 20] }, name: "v" });
  const c = a.chunk({ x: 1 });
  let error = "";
  try {
    a.chunk({ z: 1 });
  } catch (e) {
    error = `${(e as Error).name}: ${(e as Error).message}`;
  }
  const chunks = (d: DataArray) => JSON.stringify(d.chunks);
  assert.deepEqual([String(c), chunks(c), chunks(a.chunk()), chunks(a.chunk(1)), chunks(c.chunk({ y: 2 })), String(await c.mean("y").compute()), error], py);
});

test("where and comparisons on DataArrays agree with xarray: NaN by default (integers become float64), another value, lazy data staying lazy", async () => {
  const py = pythonJson<string[]>(`
import json, xarray as xr, numpy as np
a = xr.DataArray(np.arange(6).reshape(2, 3), dims=["x", "y"], coords={"x": [10, 20]}, name="v", attrs={"units": "K"})
c = a.chunk({"x": 1})
f = xr.DataArray(np.linspace(-1, 1, 6, dtype=np.float32).reshape(2, 3), dims=["x", "y"], name="f")
print(json.dumps([repr(a > 2), repr(a.where(a > 2)), repr(a.where(a >= 3, -1)), repr(c.where(c > 2)), repr(c.where(c > 2).compute()), repr(f.where(f < 0)), repr(a.where(a.T != 4))]))`);
  const a = xr.DataArray.from(np.arange(6).reshape(2, 3), ["x", "y"], { coords: { x: [10, 20] }, name: "v", attrs: { units: "K" } });
  const c = a.chunk({ x: 1 });
  const f = xr.DataArray.from(np.linspace(-1, 1, 6, { dtype: "float32" }).reshape(2, 3), ["x", "y"], { name: "f" });
  assert.deepEqual([String(a.gt(2)), String(a.where(a.gt(2))), String(a.where(a.ge(3), -1)), String(c.where(c.gt(2))), String(await c.where(c.gt(2)).compute()), String(f.where(f.lt(0))), String(a.where(a.transpose().ne(4)))], py);
});

test("sel with method on a decreasing index (latitudes from 90 down) and on an unsorted one picks as xarray does", () => {
  const py = pythonJson<unknown[]>(`
import json, xarray as xr, numpy as np
a = xr.DataArray(np.arange(4.0), dims=["lat"], coords={"lat": [90.0, 60.0, 30.0, 0.0]})
out = []
for x in [45, 50, 40, 90, 100, -5, 60]:
    for m in ["nearest", "pad", "backfill"]:
        try:
            out.append(float(a.sel(lat=x, method=m)))
        except Exception as e:
            out.append(type(e).__name__)
b = xr.DataArray(np.arange(3.0), dims=["x"], coords={"x": [1.0, 3.0, 2.0]})
try:
    b.sel(x=2.5, method="nearest")
except Exception as e:
    out.append(f"{type(e).__name__}: {e}")
print(json.dumps(out))`);
  const a = xr.DataArray.from(np.arange(4, undefined, undefined, { dtype: "float64" }), ["lat"], { coords: { lat: [90, 60, 30, 0] } });
  const b = xr.DataArray.from(np.arange(3, undefined, undefined, { dtype: "float64" }), ["x"], { coords: { x: [1, 3, 2] } });
  const out: unknown[] = [];
  for (const x of [45, 50, 40, 90, 100, -5, 60]) {
    for (const method of ["nearest", "pad", "backfill"] as const) {
      try {
        out.push(a.sel({ lat: x }, { method }).item());
      } catch (e) {
        out.push((e as Error).name);
      }
    }
  }
  try {
    b.sel({ x: 2.5 }, { method: "nearest" });
  } catch (e) {
    out.push(`${(e as Error).name}: ${(e as Error).message}`);
  }
  assert.deepEqual(out, py);
});

test("astype on DataArrays and Datasets agrees with xarray: the values converted, coordinates and name kept, attributes unless keepAttrs is false, lazy data lazy, nbytes halved", async () => {
  const grid = path.join(ECCO, "ECCO-GRID.nc");
  const theta = path.join(ECCO, "THETA_1992_01.nc");
  const py = pythonJson<{ reprs: string[]; nbytes: number[] }>(`
import json, xarray as xr, numpy as np
a = xr.DataArray(np.arange(6).reshape(2, 3) / 4, dims=["x", "y"], coords={"x": [10, 20]}, name="v", attrs={"units": "K"})
c = a.chunk({"x": 1})
g = xr.open_dataset(${JSON.stringify(grid)})
t = xr.open_dataset(${JSON.stringify(theta)}, chunks={"time": 1, "k": 25, "tile": 3, "j": 5, "i": 5})
reprs = [repr(a.astype("float32")), repr(a.astype("int32")), repr(a.astype("bool")), repr(a.astype("float32", keep_attrs=False)),
         repr(c.astype("float32")), repr(c.astype("float32").compute()), repr(g.astype("float32")), repr(g.rA.astype("float32", keep_attrs=False)),
         repr(t.THETA.astype("float64"))]
print(json.dumps({"reprs": reprs, "nbytes": [t.THETA.nbytes, t.THETA.astype("float16").nbytes, g.nbytes, g.astype("float32").nbytes]}))`);
  const a = xr.DataArray.from(np.arange(6).reshape(2, 3).div(4), ["x", "y"], { coords: { x: [10, 20] }, name: "v", attrs: { units: "K" } });
  const c = a.chunk({ x: 1 });
  const g = await xr.openDataset(grid);
  // Every dimension named: with some unnamed, lazylab keeps their storage chunks (docs/porting.md).
  const t = await xr.openDataset(theta, { chunks: { time: 1, k: 25, tile: 3, j: 5, i: 5 } });
  const ours = [String(a.astype("float32")), String(a.astype("int32")), String(a.astype("bool")), String(a.astype("float32", { keepAttrs: false })),
    String(c.astype("float32")), String(await c.astype("float32").compute()), String(g.astype("float32")), String(g.rA.astype("float32", { keepAttrs: false })),
    String(t.THETA.astype("float64"))];
  ours.forEach((r, i) => assert.equal(r, py.reprs[i], `repr ${i}`));
  // float16 is not a lazylab dtype; float32 halves a float64 variable as float16 halves THETA's float32.
  assert.equal(t.THETA.nbytes, py.nbytes[0]);
  assert.equal(t.THETA.astype("int16").nbytes, py.nbytes[1]);
  assert.equal(g.nbytes, py.nbytes[2]);
  assert.equal(g.astype("float32").nbytes, py.nbytes[3]);
  g.close();
  t.close();
});

test("inline values are Python's f\"{x:.4}\" to the character: scientific from 1e+03, ties to even on the exact double, float32 values too", () => {
  const py = pythonJson<{ values: string[]; formatted: string[] }>(`
import json, random, numpy as np
random.seed(7)
vals = [random.uniform(-1, 1) * 10 ** random.randint(-8, 12) for _ in range(3000)]
vals += [k + 0.5 for k in range(990, 1010)] + [k / 16 for k in range(1, 400)] + [999.95, 9999.5, 99995.0, 0.0001, 0.00009999, 1e16, -0.0, 5e-324]
vals += [float(np.float32(v)) for v in vals[:500]]
print(json.dumps({"values": [v.hex() for v in vals], "formatted": [format(v, ".4") for v in vals]}))`);
  const fromHex = (h: string): number => {
    const m = /^(-?)0x([01])\.([0-9a-f]+)p([+-]\d+)$/.exec(h);
    if (!m) throw new Error(`not a hex float: ${h}`);
    const mant = Number.parseInt(m[2] + m[3], 16) / 2 ** (4 * m[3].length);
    const v = mant * 2 ** Number(m[4]);
    return m[1] ? -v : v;
  };
  const ours = py.values.map((h) => formatFloat4(fromHex(h)));
  const wrong = ours.map((o, i) => [py.values[i], o, py.formatted[i]]).filter(([, o, f]) => o !== f);
  assert.deepEqual(wrong.slice(0, 5), [], `${wrong.length} of ${ours.length} differ`);
});

test("isnull, notnull and fillna agree with xarray: bool arrays without attributes, NaN filled keeping the dtype and attributes, integers, lazy data lazy", async () => {
  const theta = path.join(ECCO, "THETA_1992_01.nc");
  const py = pythonJson<string[]>(`
import json, xarray as xr, numpy as np
a = xr.DataArray(np.array([[1.0, np.nan, 3.0], [np.nan, 5.0, 6.0]], dtype=np.float32), dims=["x", "y"], coords={"x": [10, 20]}, name="v", attrs={"units": "K"})
c = a.chunk(1)
i = xr.DataArray(np.arange(3), dims=["z"], name="n")
t = xr.open_dataset(${JSON.stringify(theta)}).THETA.isel(time=0, k=0, tile=0)
print(json.dumps([repr(a.isnull()), repr(a.notnull()), repr(a.fillna(0)), repr(a.fillna(-1.5)), repr(c.isnull()), repr(c.fillna(-1.5)), repr(c.notnull().compute()),
  repr(c.fillna(-1.5).compute()), repr(i.isnull()), repr(i.fillna(7)), str(int(t.isnull().sum())), repr(t.fillna(0).isel(j=slice(0, 2), i=slice(0, 3)))]))`);
  const a = xr.DataArray.from(np.array([[1, NaN, 3], [NaN, 5, 6]], { dtype: "float32" }), ["x", "y"], { coords: { x: [10, 20] }, name: "v", attrs: { units: "K" } });
  const c = a.chunk(1);
  const i = xr.DataArray.from(np.arange(3), ["z"], { name: "n" });
  const ds = await xr.openDataset(theta);
  const t = ds.THETA.isel({ time: 0, k: 0, tile: 0 });
  const ours = [String(a.isnull()), String(a.notnull()), String(a.fillna(0)), String(a.fillna(-1.5)), String(c.isnull()), String(c.fillna(-1.5)), String(await c.notnull().compute()),
    String(await c.fillna(-1.5).compute()), String(i.isnull()), String(i.fillna(7)), String(t.isnull().sum().item()), String(t.fillna(0).isel({ j: "0:2", i: "0:3" }))];
  ours.forEach((r, k) => assert.equal(r, py[k], `repr ${k}`));
  ds.close();
});
