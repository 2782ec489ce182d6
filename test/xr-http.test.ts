/**
 * Reading where the data lives: Zarr stores over HTTP from real servers on the loopback
 * (test/http-range-server, a child process this test starts and stops) — values equal to the
 * local folder's and to Debian's xarray; bytes fetched counted in `xr.cacheInfo()`; a one-level
 * read of a multi-level variable fetches exactly the chunks holding that level (25 levels each:
 * the memory lesson's multiple, now in bytes over the wire); a server that drops connections
 * is retried; a server without range support gets RangeNotSupportedError naming the URL.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { xr } from "../lib";
import { NDArray } from "../lib/np/ndarray";
import { HttpStore, RangeNotSupportedError } from "../lib/xr/store";
import { PYTHON, pythonJson } from "./oracle";
import { serverPool } from "./http-servers";

const ROOT = path.resolve(__dirname, "..", "..");
const DIR = path.join(ROOT, "test-output", "xr-http");
rmSync(DIR, { recursive: true, force: true });
mkdirSync(DIR, { recursive: true });
execFileSync(PYTHON, [path.join(ROOT, "examples", "data", "make-ecco-like"), DIR, "--files", "2", "--levels", "30", "--size", "10", "--tiles", "3", "--zarr"], { stdio: "pipe" });
const STORE = path.join(DIR, "THETA.zarr");

const serve = serverPool(DIR);

function flat(a: NDArray): (number | null)[] {
  return Array.from(a.copy().nd.data as ArrayLike<number>, (x) => (Number.isNaN(x) ? null : x));
}

test("openZarr over HTTP reads the values the local folder and Debian's xarray give, and counts the bytes fetched", async () => {
  const server = await serve("range");
  xr.resetCacheStats();
  const remote = await xr.openZarr(`${server.url}/THETA.zarr`);
  assert.ok(xr.cacheInfo().bytesFetched > 0, "metadata fetched at open");
  const local = await xr.openZarr(STORE);
  assert.deepEqual(Object.keys(remote.variables).sort(), Object.keys(local.variables).sort());
  assert.deepEqual(flat((await remote.THETA.isel({ k: 3 }).compute()).values), flat((await local.THETA.isel({ k: 3 }).compute()).values));
  assert.deepEqual(flat(remote.time.values), flat(local.time.values));
  const want = pythonJson<(number | null)[]>(`
import json, xarray as xr
a = xr.open_zarr("${STORE}").THETA.mean(dim=["tile", "j", "i"]).values.ravel()
print(json.dumps([None if x != x else float(x) for x in a]))`);
  const got = flat((await remote.THETA.mean({ dim: ["tile", "j", "i"] }).compute()).values);
  got.forEach((x, i) => assert.ok(Math.abs(x! - want[i]!) < 1e-4, `${x} vs ${want[i]}`));
  await server.settled();
  assert.ok(server.requests.some((r) => r.startsWith("/THETA.zarr/THETA/")), "chunks came over HTTP");
});

test("a one-level read over HTTP fetches exactly the chunks that hold the level: with 25-level chunks, ~25x the level's bytes", async () => {
  const server = await serve("range");
  const ds = await xr.openZarr(`${server.url}/THETA.zarr`);
  await ds.THETA.isel({ k: 29, time: 0, tile: 0, j: 0, i: 0 }).compute(); // the reader thread opens the array (its metadata)
  xr.clearCache();
  xr.resetCacheStats();
  await server.settled();
  const before = server.requests.length;
  const level = await ds.THETA.isel({ k: 0 }).compute();
  const info = xr.cacheInfo();
  await server.settled();
  // Chunk keys are time.kchunk.tile.j.i: level 0 lives in k-chunk 0.
  const files = readdirSync(path.join(STORE, "THETA")).filter((f) => f.split(".")[1] === "0");
  const bytes = files.reduce((s, f) => s + statSync(path.join(STORE, "THETA", f)).size, 0);
  const asked = server.requests.slice(before).map((r) => r.split(" ")[0]);
  const theta = asked.filter((r) => r.startsWith("/THETA.zarr/THETA/")).map((r) => r.split("/").pop()!);
  assert.deepEqual(theta.sort(), files.sort(), "THETA's requests are its k-chunk-0 chunk files");
  // Everything fetched is a chunk file asked for (THETA's, and its lazy coordinates XC, YC, Z).
  const coordBytes = asked.filter((r) => !r.startsWith("/THETA.zarr/THETA/")).reduce((s, r) => s + statSync(path.join(DIR, r)).size, 0);
  assert.ok(asked.every((r) => /^\/THETA\.zarr\/(THETA|XC|YC|Z)\/\d/.test(r)), asked.join(" "));
  assert.equal(info.bytesFetched, bytes + coordBytes);
  // The level itself is 1/30 of the data; its chunks hold 25 levels each.
  const all = readdirSync(path.join(STORE, "THETA")).reduce((s, f) => s + statSync(path.join(STORE, "THETA", f)).size, 0);
  assert.ok(info.bytesFetched > all / 2, `${info.bytesFetched} of ${all} bytes for 1 level of 30`);
  assert.equal(level.shape.join(), "2,3,10,10");
});

test("a server that drops the first connection of each request is retried, and the values are right", async () => {
  const server = await serve("drop");
  xr.resetCacheStats();
  const ds = await xr.openZarr(`${server.url}/THETA.zarr`, { backoffMs: 5 });
  const top = await ds.THETA.isel({ k: 0 }).compute();
  const local = await xr.openZarr(STORE);
  assert.deepEqual(flat(top.values), flat((await local.THETA.isel({ k: 0 }).compute()).values));
  assert.ok(xr.cacheInfo().retries > 0, `retries counted: ${xr.cacheInfo().retries}`);
  await assert.rejects(xr.openZarr(`${server.url}/THETA.zarr`, { retries: 0 }).then((d) => d.THETA.isel({ k: 29 }).compute()), { name: "HttpError", message: /failed after 1 attempt/ });
});

test("a server without range support gets RangeNotSupportedError naming the URL, not a silent whole download", async () => {
  const server = await serve("norange");
  const store = new HttpStore(server.url);
  const url = `${server.url}/THETA_1992_01.nc`;
  await assert.rejects(store.getRange("/THETA_1992_01.nc", { offset: 0, length: 512 }), (e: Error) => e instanceof RangeNotSupportedError && e.name === "RangeNotSupportedError" && e.message.startsWith(url) && /does not support HTTP range requests/.test(e.message));
  const ranged = new HttpStore((await serve("range")).url);
  const head = await ranged.getRange("/THETA_1992_01.nc", { offset: 1, length: 3 });
  assert.equal(Buffer.from(head!).toString("latin1"), "HDF");
});

test("openZarr of a URL with no store fails clearly", async () => {
  const server = await serve("range");
  await assert.rejects(xr.openZarr(`${server.url}/missing.zarr`), { name: "ZarrFormatError", message: /missing\.zarr: no Zarr group here/ });
});
