/**
 * NetCDF4 files over HTTP, from real servers on the loopback (test/http-range-server, a child
 * process): `xr.openDataset` / `xr.openMfDataset` of http:// URLs give the values the local
 * files and Debian's xarray give; a one-level read of a 25-level-chunked variable fetches the
 * chunks holding that level (their bytes, as h5py lists them — not the file), those stored one
 * after another in one request even on a loaded machine; a server that drops connections is
 * retried; a server without range support gets RangeNotSupportedError naming the URL.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { MessagePort } from "node:worker_threads";
import { xr } from "../lib";
import { NDArray } from "../lib/np/ndarray";
import { HttpStore } from "../lib/xr/store";
import { readRanges } from "../lib/xr/ranges";
import { PYTHON, pythonJson } from "./oracle";
import { serverPool, startServer } from "./http-servers";

const ROOT = path.resolve(__dirname, "..", "..");
const DIR = path.join(ROOT, "test-output", "xr-http-netcdf");
rmSync(DIR, { recursive: true, force: true });
mkdirSync(DIR, { recursive: true });
// 50 levels in chunks of 25: one level lives in half of THETA's chunks.
execFileSync(PYTHON, [path.join(ROOT, "examples", "data", "make-ecco-like"), DIR, "--files", "2", "--levels", "50", "--size", "20", "--tiles", "3"], { stdio: "pipe" });
const FILES = ["THETA_1992_01.nc", "THETA_1992_02.nc"];
const LOCAL = path.join(DIR, FILES[0]);

const serve = serverPool(DIR);

function flat(a: NDArray): (number | null)[] {
  return Array.from(a.copy().nd.data as ArrayLike<number>, (x) => (Number.isNaN(x) ? null : x));
}

test("openDataset of an http URL reads the values the local file and Debian's xarray give, and counts the bytes fetched", async () => {
  const server = await serve("range");
  xr.resetCacheStats();
  const remote = await xr.openDataset(`${server.url}/${FILES[0]}`);
  const atOpen = xr.cacheInfo().bytesFetched;
  assert.ok(atOpen > 0 && atOpen < statSync(LOCAL).size, `metadata fetched at open: ${atOpen} of ${statSync(LOCAL).size} bytes`);
  const local = await xr.openDataset(LOCAL);
  assert.deepEqual(Object.keys(remote.variables).sort(), Object.keys(local.variables).sort());
  assert.deepEqual(remote.THETA.attrs, local.THETA.attrs);
  const level = (await remote.THETA.isel({ k: 3 }).compute()).values;
  assert.deepEqual(flat(level), flat((await local.THETA.isel({ k: 3 }).compute()).values), "bit-identical to the local open");
  assert.deepEqual(flat(remote.time.values), flat(local.time.values));
  assert.deepEqual(flat(await remote.XC.compute().then((x) => x.values)), flat(await local.XC.compute().then((x) => x.values)));
  // Debian's xarray: the same level (float32 values, exactly) and a reduction.
  const want = pythonJson<{ level: (number | null)[]; mean: (number | null)[] }>(`
import json, xarray as xr
ds = xr.open_dataset("${LOCAL}")
nn = lambda a: [None if x != x else float(x) for x in a.ravel()]
print(json.dumps({"level": nn(ds.THETA.isel(k=3).values), "mean": nn(ds.THETA.mean(dim=["tile", "j", "i"]).values)}))`);
  assert.deepEqual(flat(level), want.level, "bit-identical to xarray's");
  const mean = flat((await remote.THETA.mean({ dim: ["tile", "j", "i"] }).compute()).values);
  mean.forEach((x, i) => assert.ok(Math.abs(x! - want.mean[i]!) < 1e-4, `${x} vs ${want.mean[i]}`));
  // xarray's netCDF4 engine spells byte-range reading `#mode=bytes`: accepted (a fragment is not sent).
  assert.deepEqual((await xr.openDataset(`${server.url}/${FILES[0]}#mode=bytes`)).THETA.shape, local.THETA.shape);
  await server.settled();
  assert.ok(server.requests.every((r) => r.startsWith(`/${FILES[0]} bytes=`)), `every request is a range: ${server.requests.filter((r) => !r.includes("bytes=")).join(" ")}`);
});

test("one level of a variable stored in 25-level chunks fetches the chunks holding that level (h5py's chunk sizes), not the file", async () => {
  const server = await serve("range");
  const ds = await xr.openDataset(`${server.url}/${FILES[0]}`);
  await ds.THETA.isel({ k: 49, tile: 0, j: 0, i: 0 }).compute(); // the chunk index is read (metadata)
  const chunks = pythonJson<{ byK: Record<string, number>; n: Record<string, number>; coords: number }>(`
import json, h5py
f = h5py.File("${LOCAL}", "r")
def sizes(name):
    d = f[name]
    if d.chunks is None: return [(None, d.id.get_storage_size())]
    return [(d.id.get_chunk_info(i).chunk_offset, d.id.get_chunk_info(i).size) for i in range(d.id.get_num_chunks())]
t = sizes("THETA")
byK, n = {}, {}
for o, s in t: byK[o[1]] = byK.get(o[1], 0) + s; n[o[1]] = n.get(o[1], 0) + 1
print(json.dumps({"byK": byK, "n": n, "coords": sum(s for v in ("XC", "YC", "Z") for _, s in sizes(v))}))`);
  const file = statSync(LOCAL).size;
  for (const [k, origin] of [[0, "0"], [49, "25"]] as const) {
    xr.clearCache();
    xr.resetCacheStats();
    await server.settled();
    const before = server.requests.length;
    const level = await ds.THETA.isel({ k }).compute();
    const info = xr.cacheInfo();
    await server.settled();
    const asked = server.requests.slice(before);
    // Exactly THETA's chunks of the 25 levels around k, and the lazy coordinates XC, YC, Z the result carries.
    const want = chunks.byK[origin];
    assert.equal(info.bytesFetched, want + chunks.coords, `k=${k}: fetched ${info.bytesFetched}, its chunks ${want} + coordinates ${chunks.coords}`);
    assert.ok(info.bytesFetched < file, `k=${k}: ${info.bytesFetched} of the file's ${file} bytes`);
    // Chunks stored one after another are fetched as one range: fewer requests than chunks.
    assert.ok(asked.length <= chunks.n[origin] + 3, `k=${k}: ${asked.length} requests for ${chunks.n[origin]} chunks and 3 coordinates: ${asked.join(" | ")}`);
    assert.equal(info.retries, 0);
    assert.equal(level.shape.join(), "1,3,20,20");
  }
  // Levels 25-49 compress ~10x better than 0-24 here: one level of them costs a tenth of the file.
  assert.ok(chunks.byK["25"] + chunks.coords < file / 5);
});

test("chunks stored one after another are fetched in one request even when the notebook's thread is slow between the messages it posts (a loaded machine)", async () => {
  const server = await serve("range");
  const ds = await xr.openDataset(`${server.url}/${FILES[0]}`);
  await ds.THETA.isel({ k: 49, tile: 0, j: 0, i: 0 }).compute(); // the chunk indexes are read (metadata)
  // Per variable the compute reads (THETA's chunks holding level 0; the coordinates XC, YC, Z, each
  // computed after the data), its stored ranges as h5py lists them, merged where they touch.
  const want = pythonJson<string[]>(`
import json, h5py
f = h5py.File("${LOCAL}", "r")
out = []
for name in ("THETA", "XC", "YC", "Z"):
    d = f[name]
    if d.chunks is None: r = [(d.id.get_offset(), d.id.get_storage_size())]
    else: r = [(c.byte_offset, c.size) for c in map(d.id.get_chunk_info, range(d.id.get_num_chunks())) if name != "THETA" or c.chunk_offset[1] == 0]
    runs = []
    for o, s in sorted(r):
        if runs and o <= runs[-1][1]: runs[-1][1] = max(runs[-1][1], o + s)
        else: runs.append([o, o + s])
    out += ["/${FILES[0]} bytes=%d-%d" % (a, b - 1) for a, b in runs]
print(json.dumps(out))`);
  xr.clearCache();
  await server.settled();
  const before = server.requests.length;
  // On a loaded machine the notebook's thread can lose the CPU right after posting a message to
  // another thread, which then handles that message before the next one arrives: here it pauses
  // 50 ms after each, so whatever was sent in separate messages is fetched separately.
  const post = MessagePort.prototype.postMessage;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  MessagePort.prototype.postMessage = function (this: MessagePort, ...args: Parameters<typeof post>) {
    post.apply(this, args);
    Atomics.wait(pause, 0, 0, 50);
  };
  try {
    await ds.THETA.isel({ k: 0 }).compute();
  } finally {
    MessagePort.prototype.postMessage = post;
  }
  await server.settled();
  assert.deepEqual(server.requests.slice(before).sort(), want.sort());
});

test("a server that drops the first connection of each request is retried, and the values are right", async () => {
  const server = await serve("drop");
  xr.resetCacheStats();
  const ds = await xr.openDataset(`${server.url}/${FILES[0]}`, { backoffMs: 5 });
  const top = await ds.THETA.isel({ k: 0 }).compute();
  const local = await xr.openDataset(LOCAL);
  assert.deepEqual(flat(top.values), flat((await local.THETA.isel({ k: 0 }).compute()).values));
  assert.ok(xr.cacheInfo().retries > 0, `retries counted: ${xr.cacheInfo().retries}`);
  await assert.rejects(xr.openDataset(`${server.url}/${FILES[1]}`, { retries: 0 }), { name: "HttpError", message: new RegExp(`^${server.url}/${FILES[1]}: request failed after 1 attempt`) });
});

test("a server gone after open fails the compute with HttpError naming the URL, and the kernel's next read works", async () => {
  const server = await startServer(DIR, "range");
  const url = `${server.url}/${FILES[1]}`;
  const ds = await xr.openDataset(url, { retries: 1, backoffMs: 1 });
  await server.stop();
  await assert.rejects(ds.THETA.isel({ k: 0 }).compute(), (e: Error) => e.name === "HttpError" && e.message.includes(url) && /failed after 2 attempts/.test(e.message));
  const again = await serve("range");
  const other = await xr.openDataset(`${again.url}/${FILES[1]}`);
  assert.deepEqual(flat((await other.THETA.isel({ k: 0 }).compute()).values), flat((await (await xr.openDataset(path.join(DIR, FILES[1]))).THETA.isel({ k: 0 }).compute()).values));
});

test("a server without range support gets RangeNotSupportedError naming the URL, not a silent whole download", async () => {
  const server = await serve("norange");
  const url = `${server.url}/${FILES[0]}`;
  await assert.rejects(xr.openDataset(url), (e: Error) => e.name === "RangeNotSupportedError" && e.message.startsWith(url) && /does not support HTTP range requests/.test(e.message));
  await assert.rejects(xr.openMfDataset([url, `${server.url}/${FILES[1]}`]), { name: "RangeNotSupportedError" });
});

test("a remote dataset closed and read again refetches what it needs and gives the same values", async () => {
  const server = await serve("range");
  const ds = await xr.openDataset(`${server.url}/${FILES[0]}`);
  const first = flat((await ds.THETA.isel({ k: 7 }).compute()).values);
  ds.close();
  xr.resetCacheStats();
  assert.deepEqual(flat((await ds.THETA.isel({ k: 7 }).compute()).values), first);
  assert.ok(xr.cacheInfo().bytesFetched > 0, "the closed dataset's chunks were dropped and fetched again");
});

test("without decoder threads, a block spanning many remote chunks fetches them together, with the local values", async () => {
  const server = await serve("range");
  // A child process: the decoder threads are chosen once per process.
  const script = `
const { xr } = require(${JSON.stringify(path.join(__dirname, "..", "lib"))});
const { storeReads } = require(${JSON.stringify(path.join(__dirname, "..", "lib", "xr", "store"))});
(async () => {
  const whole = { k: -1, tile: -1, j: -1, i: -1 };
  const ds = await xr.openDataset(${JSON.stringify(`${server.url}/${FILES[0]}`)}, { chunks: whole });
  const local = await xr.openDataset(${JSON.stringify(LOCAL)}, { chunks: whole });
  xr.resetCacheStats();
  const a = (await ds.THETA.compute()).values, b = (await local.THETA.compute()).values;
  const same = Buffer.compare(Buffer.from(a.copy().nd.data.buffer), Buffer.from(b.copy().nd.data.buffer)) === 0;
  console.log(JSON.stringify({ same, requests: storeReads.requests, fetched: xr.cacheInfo().bytesFetched }));
})();`;
  const out = JSON.parse(execFileSync(process.execPath, ["-e", script], { env: { ...process.env, LAZYLAB_XR_DECODERS: "0" }, encoding: "utf8" }).trim().split("\n").pop()!) as { same: boolean; requests: number; fetched: number };
  const theta = pythonJson<{ n: number; bytes: number; coords: number }>(`
import json, h5py
f = h5py.File("${LOCAL}", "r")
d = f["THETA"]
print(json.dumps({"n": d.id.get_num_chunks(), "bytes": sum(d.id.get_chunk_info(i).size for i in range(d.id.get_num_chunks())), "coords": sum(f[v].id.get_storage_size() for v in ("XC", "YC", "Z"))}))`);
  assert.ok(out.same, "bit-identical to the local file");
  // THETA's chunks and the lazy coordinates XC, YC, Z its compute carries, each byte once.
  assert.equal(out.fetched, theta.bytes + theta.coords, `THETA's ${theta.n} chunks: ${theta.bytes} bytes, coordinates ${theta.coords} (fetched ${out.fetched})`);
  // One batch for THETA (chunks stored one after another: merged), one per coordinate.
  assert.ok(out.requests <= 3 + 1, `${out.requests} requests for ${theta.n} chunks and 3 coordinates`);
});

test("readRanges gives each range's bytes of the file, in one request for ranges that touch or overlap and one per gap", async () => {
  const server = await serve("range");
  const file = readFileSync(LOCAL);
  const ranges = [{ offset: 5000, length: 100 }, { offset: 0, length: 10 }, { offset: 10, length: 20 }, { offset: 25, length: 10 }, { offset: 5200, length: 1 }, { offset: 7, length: 0 }];
  await server.settled();
  const before = server.requests.length;
  const parts = await readRanges(new HttpStore(`${server.url}/${FILES[0]}`), "", ranges);
  parts.forEach((p, i) => assert.deepEqual(Buffer.from(p), file.subarray(ranges[i].offset, ranges[i].offset + ranges[i].length), `range ${i}`));
  await server.settled();
  assert.deepEqual(server.requests.slice(before).sort(), [`/${FILES[0]} bytes=0-34`, `/${FILES[0]} bytes=5000-5099`, `/${FILES[0]} bytes=5200-5200`]);
});

test("a URL with no file behind it fails with FileNotFoundError naming it", async () => {
  const server = await serve("range");
  await assert.rejects(xr.openDataset(`${server.url}/missing.nc`), { name: "FileNotFoundError", message: new RegExp(`${server.url}/missing\\.nc`) });
});

test("openMfDataset of a list of URLs combines them by time as the local files, with Debian's xarray's values", async () => {
  const server = await serve("range");
  const remote = await xr.openMfDataset(FILES.map((f) => `${server.url}/${f}`));
  const local = await xr.openMfDataset(path.join(DIR, "THETA_*.nc"));
  assert.deepEqual(remote.THETA.shape, local.THETA.shape);
  assert.deepEqual(flat(remote.time.values), flat(local.time.values));
  const top = flat((await remote.THETA.isel({ k: 0 }).compute()).values);
  assert.deepEqual(top, flat((await local.THETA.isel({ k: 0 }).compute()).values));
  const want = pythonJson<(number | null)[]>(`
import json, xarray as xr
ds = xr.open_mfdataset("${path.join(DIR, "THETA_*.nc")}")
print(json.dumps([None if x != x else float(x) for x in ds.THETA.isel(k=0).values.ravel()]))`);
  assert.deepEqual(top, want);
});
