/**
 * One level of a multi-level variable, read over loopback HTTP vs locally: a Zarr store (as a
 * folder and over HTTP) and the same data as two NetCDF4 files (openMfDataset of the local
 * paths and of their http:// URLs, read in ranges).
 * Bytes fetched (xr.cacheInfo().bytesFetched; locally bytesReadFromDisk for NetCDF), requests,
 * and wall time (median of RUNS, each after a cleared cache).
 *
 *   node dist/bench/xr-remote.js [DIR] [RUNS]   (DIR: where the ECCO-like data is generated; default test-output/bench-remote)
 */
import { execFileSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { loadavg } from "node:os";
import path from "node:path";
import { xr } from "../lib";
import { storeReads } from "../lib/xr/store";
import { startServer } from "../test/http-servers";

const mb = (b: number) => `${(b / 2 ** 20).toFixed(2)} MB`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const dir = path.resolve(process.argv[2] ?? path.join(__dirname, "..", "..", "test-output", "bench-remote"));
  const runs = Number(process.argv[3] ?? 5);
  if (!existsSync(path.join(dir, "THETA.zarr"))) execFileSync("/usr/bin/python3", [path.join(__dirname, "..", "..", "examples", "data", "make-ecco-like"), dir, "--files", "2", "--zarr"], { stdio: "inherit" });
  const nc = ["THETA_1992_01.nc", "THETA_1992_02.nc"];
  console.log(`load before: ${loadavg().map((x) => x.toFixed(2)).join(" ")}; ${nc.join(", ")}: ${nc.map((f) => mb(statSync(path.join(dir, f)).size)).join(", ")}; ${runs} runs each`);
  const server = await startServer(dir, "range");
  try {
    const cases = [
      ["zarr", "local", path.join(dir, "THETA.zarr")],
      ["zarr", "http", `${server.url}/THETA.zarr`],
      ["netcdf", "local", nc.map((f) => path.join(dir, f))],
      ["netcdf", "http", nc.map((f) => `${server.url}/${f}`)],
    ] as const;
    for (const [format, label, where] of cases) {
      for (const [what, chunks] of [["storage chunks (25 levels)", undefined], ["chunks {k: 1}", { k: 1 }]] as const) {
        xr.resetCacheStats();
        const t0 = performance.now();
        const ds = typeof where === "string" ? await xr.openZarr(where, chunks ? { chunks } : {}) : await xr.openMfDataset(where, chunks ? { chunks } : {});
        const openMs = performance.now() - t0;
        const openBytes = label === "http" ? xr.cacheInfo().bytesFetched : xr.cacheInfo().bytesReadFromDisk;
        await ds.THETA.isel({ k: 49, time: 0, tile: 0, j: 0, i: 0 }).compute(); // reader thread, chunk index warm
        const times: number[] = [];
        let info = xr.cacheInfo(), requests = 0, levelBytes = 0;
        for (let r = 0; r < runs; r++) {
          xr.clearCache();
          xr.resetCacheStats();
          const t = performance.now();
          const level = (await ds.THETA.isel({ k: 0 }).compute()).values;
          times.push(performance.now() - t);
          info = xr.cacheInfo();
          requests = storeReads.requests;
          levelBytes = level.nbytes;
        }
        const fetched = label === "http" || format === "zarr" ? info.bytesFetched : info.bytesReadFromDisk;
        console.log(`${format.padEnd(6)} ${label.padEnd(5)} ${what.padEnd(27)} open ${openMs.toFixed(0)} ms (${mb(openBytes)}); level ${mb(levelBytes)}: ${label === "http" ? "fetched" : "read"} ${mb(fetched)}${label === "http" ? ` in ${requests} requests` : ""}, ${info.misses} chunks, median ${median(times).toFixed(0)} ms (${times.map((t) => t.toFixed(0)).join(" ")})`);
        ds.close();
      }
    }
  } finally {
    await server.stop();
  }
  console.log(`load after: ${loadavg().map((x) => x.toFixed(2)).join(" ")}`);
}
void main();
