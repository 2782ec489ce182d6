/**
 * One level of a multi-level variable, read from a Zarr store over loopback HTTP vs the same
 * store as a local folder: bytes fetched (xr.cacheInfo().bytesFetched) and wall time.
 *
 *   node dist/bench/xr-remote.js [DIR]   (DIR: where the ECCO-like data is generated; default test-output/bench-remote)
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { xr } from "../lib";
import { startServer } from "../test/http-servers";

async function main(): Promise<void> {
  const dir = path.resolve(process.argv[2] ?? path.join(__dirname, "..", "..", "test-output", "bench-remote"));
  if (!existsSync(path.join(dir, "THETA.zarr"))) execFileSync("/usr/bin/python3", [path.join(__dirname, "..", "..", "examples", "data", "make-ecco-like"), dir, "--files", "2", "--zarr"], { stdio: "inherit" });
  const server = await startServer(dir, "range");
  try {
    for (const [label, where] of [["local", path.join(dir, "THETA.zarr")], ["http", `${server.url}/THETA.zarr`]] as const) {
      for (const [what, chunks] of [["storage chunks (25 levels)", undefined], ["chunks {k: 1}", { k: 1 }]] as const) {
        const ds = await xr.openZarr(where, chunks ? { chunks } : {});
        await ds.THETA.isel({ k: 49, time: 0, tile: 0, j: 0, i: 0 }).compute(); // reader thread warm
        xr.clearCache();
        xr.resetCacheStats();
        const t0 = performance.now();
        const level = (await ds.THETA.isel({ k: 0 }).compute()).values;
        const ms = performance.now() - t0;
        const info = xr.cacheInfo();
        console.log(`${label.padEnd(5)} ${what.padEnd(27)} level ${(level.nbytes / 2 ** 20).toFixed(2)} MB: fetched ${(info.bytesFetched / 2 ** 20).toFixed(2)} MB in ${ms.toFixed(0)} ms (${info.misses} chunks)`);
        ds.close();
      }
    }
  } finally {
    await server.stop();
  }
}
void main();
