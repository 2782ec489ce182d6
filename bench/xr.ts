/**
 * lazylab's xr vs xarray + dask (Debian's python3-xarray 2023.01, python3-dask,
 * python3-netcdf4) on the same ECCO-like files: open N files with open_mfdataset and compute
 * the top level, `THETA.isel(k=0).compute()`. Each side runs in a fresh process per run
 * (wall time of open + compute, and the process's peak RSS from getrusage: ru_maxrss, the
 * same figure as VmHWM, on both sides), taking turns after one untimed warm-up run of each
 * (so both read the files from the page cache), and every run is printed with min / median /
 * max, the machine, the load and both sides' versions. Both results must be bit-identical
 * (shape, dtype and the bytes by SHA-1: both decode the same stored values, no arithmetic);
 * a mismatch stops the script (BenchMismatch). lazylab runs under the executor's V8 flags and
 * environment (kernel/executor/supervisor.ts). Threads: each side's default (lazylab's decoder
 * threads, one per core; xarray + dask's threaded scheduler, one per core).
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
import { executorEnvironment, executorNodeArgs } from "../kernel/executor/supervisor";
import { allRuns, BenchMismatch, formatSpread, header, lazylabVersion, load, pythonVersions, spread } from "./report";

/** A Debian package's version, or "?" where dpkg is missing. */
function debianVersion(pkg: string): string {
  try {
    return execFileSync("dpkg-query", ["-W", "-f", "${Version}", pkg], { encoding: "utf8" }).trim();
  } catch {
    return "?";
  }
}

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
    const peakMB = process.resourceUsage().maxRSS / 1024;
    const { digest } = require("./report") as typeof import("./report");
    const v = top.values;
    const result = { shape: [...v.shape], dtype: v.dtype, sha1: digest(v.toContiguous()) };
    console.log(JSON.stringify({ open: (t1 - t0) / 1e3, compute: (t2 - t1) / 1e3, total: (t2 - t0) / 1e3, peakMB, result, cpu: process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6 }));
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
import time, json, resource, glob, hashlib
import numpy as np
t0 = time.perf_counter()
import xarray as xr
t0 = time.perf_counter()
ds = xr.open_mfdataset(sorted(glob.glob(${JSON.stringify(dir + "/THETA_*.nc")})), chunks={"k": 25, "tile": 7, "j": ${cn}, "i": ${cn}}, parallel=False)
t1 = time.perf_counter()
top = ds.THETA.isel(k=0).compute()
t2 = time.perf_counter()
ru = resource.getrusage(resource.RUSAGE_SELF)
v = np.ascontiguousarray(top.values)
result = {"shape": list(v.shape), "dtype": str(v.dtype), "sha1": hashlib.sha1(v.tobytes()).hexdigest()}
print(json.dumps({"open": t1 - t0, "compute": t2 - t1, "total": t2 - t0, "peakMB": ru.ru_maxrss / 1024, "result": result, "cpu": ru.ru_utime + ru.ru_stime}))`;
  type Result = { shape: number[]; dtype: string; sha1: string };
  type R = { open: number; compute: number; total: number; peakMB: number; result: Result; cpu: number };
  const { decodingPath } = require("../lib/xr/native") as typeof import("../lib/xr/native");
  console.log(header(`xr: ${files} files, THETA 1×50×13×${size}×${size} each, open_mfdataset + isel(k=0).compute(), ${runs} fresh processes each (taking turns, after one untimed warm-up of each); lazylab decodes chunks with ${decodingPath}`, `${lazylabVersion()}, ${pythonVersions(PY, ["numpy", "xarray", "dask", "netCDF4"])} (Debian python3-xarray ${debianVersion("python3-xarray")}: its xarray.__version__ may say 999)`));
  const lazylabRun = (): R => {
    // What a notebook cell gets: the executor's V8 flags and environment.
    const env = { ...executorEnvironment(process.env), LAZYLAB_BENCH_CHILD: "1" };
    const a = spawnSync(process.execPath, [...executorNodeArgs(process.env), __filename, String(files), String(runs), String(size)], { env, encoding: "utf8" });
    if (a.status !== 0) throw new Error(a.stderr);
    return JSON.parse(a.stdout.trim().split("\n").pop()!);
  };
  const xarrayRun = (): R => {
    const b = spawnSync(PY, ["-c", pyCode], { encoding: "utf8" });
    if (b.status !== 0) throw new Error(b.stderr);
    return JSON.parse(b.stdout.trim().split("\n").pop()!);
  };
  const ours: R[] = [], theirs: R[] = [];
  const same = (a: R, b: R) => {
    if (JSON.stringify(a.result) !== JSON.stringify(b.result)) throw new BenchMismatch("THETA.isel(k=0)", `lazylab ${JSON.stringify(a.result)}, xarray ${JSON.stringify(b.result)}`);
  };
  same(lazylabRun(), xarrayRun()); // warm-up: the page cache holds the files for both
  for (let r = 0; r < runs; r++) {
    ours.push(lazylabRun());
    theirs.push(xarrayRun());
    same(ours[r], theirs[r]);
  }
  console.log(`load after (1/5/15 min): ${load()}; results bit-identical in every run (${ours[0].result.dtype} [${ours[0].result.shape}])`);
  const fields: [keyof R, string, number][] = [["open", "open (s)", 2], ["compute", "compute (s)", 2], ["total", "open + compute (s)", 2], ["cpu", "CPU (s)", 2], ["peakMB", "peak RSS (MB)", 0]];
  for (const [k, label, d] of fields) {
    const a = ours.map((r) => r[k] as number), b = theirs.map((r) => r[k] as number);
    console.log(`${label.padEnd(20)} lazylab ${formatSpread(a, d)} [${allRuns(a, d)}]   xarray + dask ${formatSpread(b, d)} [${allRuns(b, d)}]`);
  }
  const med = (rs: R[], k: "total" | "peakMB") => spread(rs.map((r) => r[k])).median;
  console.log(`time ratio (xarray / lazylab): ${(med(theirs, "total") / med(ours, "total")).toFixed(2)}×   memory ratio (lazylab / xarray peak RSS): ${(med(ours, "peakMB") / med(theirs, "peakMB")).toFixed(2)}`);
}
