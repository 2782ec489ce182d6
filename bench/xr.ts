/**
 * lazylab's xr vs xarray + dask (Debian's python3-xarray 2023.01, python3-dask,
 * python3-netcdf4) on the same ECCO-like files: open N files with open_mfdataset and compute
 * the top level, `THETA.isel(k=0).compute()`. Each side runs in a fresh process per run
 * (wall time of open + compute, and the process's peak RSS from getrusage), alternating,
 * and the medians are compared.
 *
 *   npm run build && node dist/bench/xr.js [files=100] [runs=3] [size=90]
 *
 * The files (examples/data/make-ecco-like, 50 levels, 13 tiles of size×size, chunks of 25
 * levels) are generated once into $TMPDIR/lazylab-bench-xr-<files>-<size>. xarray opens with
 * the same chunking as lazylab's default (the storage chunks), so both read the same chunks.
 * Ratios: time = xarray / lazylab (above 1: lazylab faster), memory = lazylab / xarray
 * (below 1: lazylab uses less).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const [files = 100, runs = 3, size = 90] = process.argv.slice(2).map(Number);
const PY = process.env.LAZYLAB_PYTHON ?? "/usr/bin/python3";
const ROOT = path.resolve(__dirname, "..", "..");
const dir = path.join(tmpdir(), `lazylab-bench-xr-${files}-${size}`);

if (process.env.LAZYLAB_BENCH_CHILD) {
  // The lazylab side, in its own process.
  (async () => {
    const { xr, da } = require("../lib") as typeof import("../lib");
    // No progress display (Dask's default shows none either).
    da.setProgress(false);
    const t0 = performance.now();
    const ds = await xr.openMfDataset(path.join(dir, "THETA_*.nc"));
    const t1 = performance.now();
    const top = await ds.THETA.isel({ k: 0 }).compute();
    const t2 = performance.now();
    console.log(JSON.stringify({ open: (t1 - t0) / 1e3, compute: (t2 - t1) / 1e3, total: (t2 - t0) / 1e3, peakMB: process.resourceUsage().maxRSS / 1024, result: top.size, cpu: process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6 }));
  })().catch((e) => {
    console.error(e);
    process.exit(1);
  });
} else {
  if (!existsSync(path.join(dir, `THETA_${1992 + Math.floor((files - 1) / 12)}_${String(((files - 1) % 12) + 1).padStart(2, "0")}.nc`))) {
    console.error(`generating ${files} files into ${dir} ...`);
    execFileSync(PY, [path.join(ROOT, "examples", "data", "make-ecco-like"), dir, "--files", String(files), "--size", String(size)], { stdio: "ignore" });
  }
  const cn = Math.floor((size + 1) / 2);
  const pyCode = `
import time, json, resource, glob
t0 = time.perf_counter()
import xarray as xr
t0 = time.perf_counter()
ds = xr.open_mfdataset(sorted(glob.glob(${JSON.stringify(dir + "/THETA_*.nc")})), chunks={"k": 25, "tile": 7, "j": ${cn}, "i": ${cn}}, parallel=False)
t1 = time.perf_counter()
top = ds.THETA.isel(k=0).compute()
t2 = time.perf_counter()
ru = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"open": t1 - t0, "compute": t2 - t1, "total": t2 - t0, "peakMB": ru.ru_maxrss / 1024, "result": int(top.size), "cpu": ru.ru_utime + ru.ru_stime}))`;
  type R = { open: number; compute: number; total: number; peakMB: number; result: number; cpu: number };
  const ours: R[] = [], theirs: R[] = [];
  console.log(`load before: ${execFileSync("uptime", { encoding: "utf8" }).trim()}`);
  for (let r = 0; r < runs; r++) {
    const a = spawnSync(process.execPath, [__filename, String(files), String(runs), String(size)], { env: { ...process.env, LAZYLAB_BENCH_CHILD: "1" }, encoding: "utf8" });
    if (a.status !== 0) throw new Error(a.stderr);
    ours.push(JSON.parse(a.stdout.trim().split("\n").pop()!));
    const b = spawnSync(PY, ["-c", pyCode], { encoding: "utf8" });
    if (b.status !== 0) throw new Error(b.stderr);
    theirs.push(JSON.parse(b.stdout.trim().split("\n").pop()!));
  }
  const med = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  const row = (name: string, rs: R[]) => `${name.padEnd(16)} open ${med(rs.map((r) => r.open)).toFixed(2)} s  compute ${med(rs.map((r) => r.compute)).toFixed(2)} s  total ${med(rs.map((r) => r.total)).toFixed(2)} s  CPU ${med(rs.map((r) => r.cpu)).toFixed(2)} s  peak RSS ${med(rs.map((r) => r.peakMB)).toFixed(0)} MB`;
  const { decodingPath } = require("../lib/xr/native") as typeof import("../lib/xr/native");
  console.log(`${files} files, THETA 1×50×13×${size}×${size} each, isel(k=0).compute(), median of ${runs} fresh processes; lazylab decodes chunks with ${decodingPath}`);
  console.log(row("lazylab xr", ours));
  console.log(row("xarray + dask", theirs));
  console.log(`load after: ${execFileSync("uptime", { encoding: "utf8" }).trim()}`);
  console.log(`time ratio (xarray / lazylab): ${(med(theirs.map((r) => r.total)) / med(ours.map((r) => r.total))).toFixed(2)}×   memory ratio (lazylab / xarray peak RSS): ${(med(ours.map((r) => r.peakMB)) / med(theirs.map((r) => r.peakMB))).toFixed(2)}`);
}
