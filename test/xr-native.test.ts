/**
 * lib/xr's chunk decoding paths give the same bytes: the native addon (native/inflate.c:
 * libdeflate's inflate, the unshuffle fused with the fill-value mask and the crop to the part
 * of a chunk a read uses), the addon with Node's zlib inflating (LAZYLAB_XR_LIBDEFLATE=0),
 * and the JavaScript fallback (LAZYLAB_NATIVE=0), each on the decoder threads and in place
 * — and those bytes hold the values xarray reads from the same files (written here by
 * netCDF4-python with shuffle/deflate/fletcher32 pipelines, fill values, packed ints, edge
 * chunks, contiguous storage). A corrupt chunk fails naming the file and the variable on
 * every path.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { native, decodingPath } from "../lib/xr/native";
import { addonPath, ADDON_DIR } from "../lib/addon";
import { NcFile } from "../lib/xr/netcdf";
import { PYTHON, python, pythonJson } from "./oracle";

const ROOT = path.resolve(__dirname, "..", "..");
const ADDON = addonPath("lazylab_inflate");
const STAMP = path.join(ADDON_DIR, "lazylab-native.json");
const DIR = mkdtempSync(path.join(tmpdir(), "lazylab-xr-native-"));
process.on("exit", () => rmSync(DIR, { recursive: true, force: true }));

const PIPES = path.join(DIR, "pipes.nc");
python(`
import netCDF4, numpy as np
g = np.random.default_rng(3)
ds = netCDF4.Dataset(${JSON.stringify(PIPES)}, "w")
for n, s in [("t", None), ("y", 11), ("x", 13), ("z", 4)]: ds.createDimension(n, s)
def put(name, dtype, dims, data, **kw):
    v = ds.createVariable(name, dtype, dims, **kw); v[:] = data; return v
a = g.random((5, 11, 13), dtype="f4") * 30; a[0, 1:3, 2:9] = -999; a[4, 10, 12] = -999
put("f32_shuffle_zlib_fletcher", "f4", ("t", "y", "x"), a, zlib=True, shuffle=True, fletcher32=True, chunksizes=(2, 4, 5), fill_value=np.float32(-999))
b = g.standard_normal((5, 11, 13)); b[1, :, 3] = 1e20
put("f64_shuffle_zlib", "f8", ("t", "y", "x"), b, zlib=True, shuffle=True, chunksizes=(3, 7, 4), fill_value=1e20)
put("f32_zlib", "f4", ("t", "y", "x"), a, zlib=True, shuffle=False, chunksizes=(2, 5, 6), fill_value=np.float32(-999))
put("f32_chunked_plain", "f4", ("t", "y", "x"), a, chunksizes=(3, 11, 7), fill_value=np.float32(-999))
put("f32_contiguous", "f4", ("y", "x", "z"), np.repeat(a[0][:, :, None], 4, axis=2), fill_value=np.float32(-999))
c = (g.random((5, 11, 13)) * 2000 - 1000).astype("i2"); c[2, 2, 2] = -32767
put("i16_shuffle_zlib", "i2", ("t", "y", "x"), c, zlib=True, shuffle=True, chunksizes=(2, 3, 13), fill_value=np.int16(-32767))
p = put("packed_i16", "i2", ("t", "z"), (g.random((5, 4)) * 100).astype("i2"), zlib=True, chunksizes=(2, 3))
p.scale_factor = np.float32(0.5); p.add_offset = np.float32(10)
ds.close()`);

// ECCO-like files: THETA masked on land, shuffle + zlib, 25-level chunks (the benchmark's pipeline).
const ECCO = path.join(DIR, "ecco");
execFileSync(PYTHON, [path.join(ROOT, "examples", "data", "make-ecco-like"), ECCO, "--files", "1", "--levels", "30", "--size", "12", "--tiles", "3"], { stdio: "pipe" });
const THETA = path.join(ECCO, "THETA_1992_01.nc");

/** The ECCO-like file with its first THETA chunk's compressed bytes overwritten. */
async function corruptCopy(): Promise<string> {
  const bad = path.join(DIR, "corrupt.nc");
  writeFileSync(bad, readFileSync(THETA));
  const nc = await NcFile.open(bad);
  const first = nc.rawPlanOf(nc.group("/").variables.find((v) => v.name === "THETA")!)!.index.chunks.get("0,0,0,0,0")!;
  nc.close();
  const fd = openSync(bad, "r+");
  writeSync(fd, Buffer.alloc(64, 0xa5), 0, 64, first.address + 2);
  closeSync(fd);
  return bad;
}

interface ChildResult {
  path: string;
  results: Record<string, { values: (number | null)[]; sha256: string }>;
  error?: { name: string; message: string };
}

function runChild(env: Record<string, string>, corrupt: string): ChildResult {
  const r = spawnSync(process.execPath, [path.join(__dirname, "xr-decode-child.js"), corrupt, PIPES, THETA], { env: { ...process.env, ...env }, encoding: "utf8", maxBuffer: 1 << 28 });
  assert.equal(r.status, 0, `child (${JSON.stringify(env)}) failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as ChildResult;
}

const built = existsSync(ADDON) && process.env.LAZYLAB_NATIVE !== "0";

test("the chunk-decoding addon is loaded when it is built, with libdeflate when the build found it", { skip: built ? false : "addon not built or switched off" }, () => {
  assert.ok(native, `${ADDON} exists but lib/xr/native.ts did not load it`);
  const stamp = JSON.parse(readFileSync(STAMP, "utf8")) as { libdeflate: boolean };
  assert.equal(decodingPath, stamp.libdeflate && process.env.LAZYLAB_XR_LIBDEFLATE !== "0" ? "libdeflate" : "native unshuffle");
});

test("decoding paths (libdeflate, Node zlib + native unshuffle, JavaScript; threaded and in place) give the same bytes, the values xarray reads, and name file and variable for a corrupt chunk", async () => {
  const corrupt = await corruptCopy();
  const modes: [string, Record<string, string>][] = [["javascript", { LAZYLAB_NATIVE: "0" }]];
  if (built) modes.push(["native unshuffle", { LAZYLAB_XR_LIBDEFLATE: "0" }]);
  if (built && JSON.parse(readFileSync(STAMP, "utf8")).libdeflate) modes.push(["libdeflate", {}]);
  const runs: [string, ChildResult][] = [];
  for (const [expectedPath, env] of modes) {
    for (const decoders of ["2", "0"]) {
      const r = runChild({ ...env, LAZYLAB_XR_DECODERS: decoders }, corrupt);
      assert.equal(r.path, expectedPath, `decoding path with ${JSON.stringify(env)}`);
      assert.equal(r.error?.name, "ChunkDecodeError", `${expectedPath}, ${decoders} decoder threads: corrupt chunk error`);
      assert.ok(r.error.message.includes(corrupt) && r.error.message.includes("'THETA'") && /corrupt/.test(r.error.message), `${expectedPath}: the error names file and variable: ${r.error.message}`);
      runs.push([`${expectedPath}, ${decoders} decoder threads`, r]);
    }
  }
  const [firstName, first] = runs[0];
  assert.ok(Object.keys(first.results).length >= 8 * 3, "every variable read three ways");
  for (const [name, r] of runs.slice(1)) {
    for (const [k, v] of Object.entries(first.results)) assert.equal(r.results[k]?.sha256, v.sha256, `${k}: bytes differ between ${firstName} and ${name}`);
  }
  // The values: xarray (CF decoding on) reading the same files.
  const expected = pythonJson<Record<string, (number | null)[]>>(`
import json, xarray as xr, numpy as np
out = {}
for f in ${JSON.stringify([PIPES, THETA])}:
    ds = xr.open_dataset(f)
    for k, v in ds.data_vars.items():
        key = f.rsplit("/", 1)[-1] + ":" + k
        vals = lambda a: [None if np.isnan(x) else float(x) for x in np.asarray(a, "f8").ravel()]
        out[key + ":all"] = vals(v.values)
        out[key + ":first"] = vals(v.isel({v.dims[0]: 0}).values)
        out[key + ":one-per-chunk"] = out[key + ":all"]
print(json.dumps(out))`);
  assert.deepEqual(Object.keys(first.results).sort(), Object.keys(expected).sort());
  for (const [k, want] of Object.entries(expected)) {
    const got = first.results[k].values;
    assert.equal(got.length, want.length, `${k}: length`);
    want.forEach((e, i) => {
      const a = got[i];
      if (e === null) assert.equal(a, null, `${k}[${i}]: expected NaN, got ${a}`);
      else assert.ok(a !== null && Math.abs(a - e) <= 1e-6 * Math.max(1, Math.abs(e)), `${k}[${i}]: ${a} vs ${e}`);
    });
  }
});
