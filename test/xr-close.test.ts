/**
 * Closing a dataset, as xarray does it: `close()` lets go of the file and of its chunks in
 * the chunk cache; a variable computed afterwards reopens the file (xarray's
 * CachingFileManager) and reads the values Debian's xarray reads; a file gone by then fails
 * at once naming it. And xr's waste warning, shown once per variable and selection as
 * Python's default filter shows a warning once per location, and silenced by setWarnings(false).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, rmSync, unlinkSync } from "node:fs";
import path from "node:path";
import { xr } from "../lib";
import { reopened } from "../lib/xr/netcdf";
import { warnings } from "../lib/xr/warn";
import { PYTHON, pythonJson } from "./oracle";

const ROOT = path.resolve(__dirname, "..", "..");
const DIR = path.join(ROOT, "test-output", "xr-close");
rmSync(DIR, { recursive: true, force: true });
mkdirSync(DIR, { recursive: true });
const MAKE = path.join(ROOT, "examples", "data", "make-ecco-like");
// Small files (30 levels in chunks of 25 and 5, 3 tiles of 10×10): level 0 keeps 25 levels cached.
const SMALL = path.join(DIR, "small");
execFileSync(PYTHON, [MAKE, SMALL, "--files", "1", "--levels", "30", "--size", "10", "--tiles", "3"], { stdio: "pipe" });
const FILE = path.join(SMALL, "THETA_1992_01.nc");

/** console.warn's calls while `fn` runs (printed nowhere). */
async function warned(fn: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const orig = console.warn;
  console.warn = (...a: unknown[]) => void seen.push(a.join(" "));
  try {
    await fn();
  } finally {
    console.warn = orig;
  }
  return seen;
}

test("close() drops the dataset's chunks from the chunk cache; chunks another open dataset of the same file reads stay until it closes too", async () => {
  xr.clearCache();
  const empty = xr.cacheInfo().bytes;
  const ds = await xr.openDataset(FILE);
  await ds.THETA.isel({ k: 0 }).compute();
  const held = xr.cacheInfo().bytes;
  assert.ok(held > empty, `the compute keeps chunks: ${held} bytes`);
  ds.close();
  assert.equal(xr.cacheInfo().bytes, empty, `close() gives back the ${held - empty} bytes it held`);
  assert.equal(xr.cacheInfo().chunks, 0);

  const a = await xr.openDataset(FILE);
  const b = await xr.openDataset(FILE);
  await a.THETA.isel({ k: 0 }).compute();
  const shared = xr.cacheInfo().bytes;
  assert.equal(shared, held, "the same chunks are cached again");
  a.close();
  assert.equal(xr.cacheInfo().bytes, shared, "b still reads the file: its chunks stay");
  a.close(); // closing twice changes nothing
  assert.equal(xr.cacheInfo().bytes, shared);
  b.close();
  assert.equal(xr.cacheInfo().bytes, empty, "the last close drops them");
});

test("a variable computed after close() reopens its file (xarray's CachingFileManager): the values before, and Debian's xarray's, read again and counted in cacheInfo", async () => {
  const py = pythonJson<(number | null)[]>(`
import json, numpy as np, xarray as xr
with xr.open_dataset(${JSON.stringify(FILE)}) as ds:
    print(json.dumps([None if np.isnan(x) else float(x) for x in ds.THETA.isel(k=0).values.astype("f8").ravel()]))`);
  xr.clearCache();
  const ds = await xr.openDataset(FILE);
  const before = Array.from((await ds.THETA.isel({ k: 0 }).compute()).values.nd.data);
  ds.close();
  xr.resetCacheStats();
  const n = reopened.count;
  const after = await ds.THETA.isel({ k: 0 }).compute();
  assert.equal(reopened.count, n + 1, "the file was reopened once");
  assert.deepEqual(Array.from(after.values.nd.data), before, "the same values as before close()");
  assert.deepEqual(Array.from(after.values.nd.data, (x) => (Number.isNaN(x) ? null : x)), py, "the values Debian's xarray reads");
  const info = xr.cacheInfo();
  assert.ok(info.misses > 0 && info.hits === 0, `read again, not from the cache: ${info}`);
  assert.ok(info.bytesReadFromDisk > 0, `bytes read from the file again: ${info.bytesReadFromDisk}`);
  assert.ok(info.bytes > 0, "its chunks are cached again");
  // Synchronous reads reopen too.
  ds.close();
  assert.deepEqual(Array.from(ds.THETA.isel({ k: 0 }).values.nd.data), before, ".values after close()");
  ds.close();
  assert.equal(xr.cacheInfo().bytes, 0);
});

test("a file deleted (or replaced) after close(): the compute fails at once with FileNotFoundError (FileChangedError) naming it, before any warning or task", async () => {
  const gone = path.join(DIR, "gone.nc");
  copyFileSync(FILE, gone);
  const ds = await xr.openDataset(gone);
  await ds.THETA.isel({ k: 0 }).compute();
  ds.close();
  unlinkSync(gone);
  const n = warnings.length;
  const seen = await warned(() =>
    assert.rejects(ds.THETA.isel({ k: 0 }).compute(), (e: Error) => e.name === "FileNotFoundError" && e instanceof xr.FileNotFoundError && e.message.includes(gone) && (e as xr.FileNotFoundError).path === gone),
  );
  assert.deepEqual(seen, [], "nothing printed before the error");
  assert.equal(warnings.length, n);
  assert.throws(() => ds.THETA.values, (e: Error) => e.name === "FileNotFoundError" && e.message.includes(gone));
  // Replaced by another file: its chunks are elsewhere, so it is not read as if it were the same.
  const replaced = path.join(DIR, "replaced.nc");
  copyFileSync(FILE, replaced);
  const ds2 = await xr.openDataset(replaced);
  ds2.close();
  execFileSync(PYTHON, [MAKE, path.join(DIR, "other"), "--files", "1", "--levels", "20", "--size", "12", "--tiles", "3"], { stdio: "pipe" });
  copyFileSync(path.join(DIR, "other", "THETA_1992_01.nc"), replaced);
  await assert.rejects(ds2.THETA.isel({ k: 0 }).compute(), (e: Error) => e.name === "FileChangedError" && e.message.includes(replaced));
});

test("the waste warning shows once per variable and selection in a loop (Python's default filter), again for another selection, never after setWarnings(false)", async () => {
  const big = path.join(DIR, "big");
  execFileSync(PYTHON, [MAKE, big, "--files", "1"], { stdio: "pipe" });
  const ds = await xr.openDataset(path.join(big, "THETA_1992_01.nc"));
  xr.setWarnings(true); // forget earlier warnings of this process
  const loop = (sel: Record<string, number>) => async () => {
    for (let i = 0; i < 5; i++) {
      xr.clearCache();
      await ds.THETA.isel(sel).compute();
    }
  };
  const first = await warned(loop({ k: 0 }));
  assert.equal(first.length, 1, `one warning for 5 identical computes: ${first.length}`);
  assert.match(first[0], /THETA is chunked \{time: 1, k: 25, tile: 7, j: 45, i: 45\}/);
  assert.match(first[0], /xr\.setWarnings\(false\)/);
  assert.equal((await warned(loop({ k: 0 }))).length, 0, "the same selection in a later loop: already shown");
  assert.equal((await warned(loop({ k: 1 }))).length, 1, "another selection warns once");
  xr.setWarnings(false);
  assert.equal((await warned(loop({ k: 2 }))).length, 0, "silenced");
  xr.setWarnings(true);
  assert.equal((await warned(loop({ k: 0 }))).length, 1, "on again: shown once more");
  assert.throws(() => xr.setWarnings("no" as unknown as boolean), (e: Error) => e.name === "TypeError" && /true or false/.test(e.message));
  ds.close();
  xr.clearCache();
});
