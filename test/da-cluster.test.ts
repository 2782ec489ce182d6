/**
 * Computes on a dask.distributed cluster (lib/da/cluster, python/lazylab_bridge.py), against
 * the same graphs computed locally. The cluster is Debian's distributed 2022.12: a
 * LocalCluster with two worker processes, one thread each, on the loopback, started by this
 * file (test/python/local_cluster.py) and shut down at the end.
 *
 * Bit-identical is required where both sides run the same NumPy loops in the same order:
 * elementwise results, slicing, min/max, random draws (the same PCG64 streams per block), and
 * sums/means along a chunked axis (lazylab and Dask both sum each chunk with NumPy's pairwise
 * loop and then add the per-chunk partials in block order). Four are compared within 1e-12
 * relative instead: a sum over all axes of a 2-D grid of chunks (Dask adds the partials
 * pairwise, lazylab in order: the cluster's value is checked equal to Python Dask's), std (Dask's moment aggregation and lazylab's round in different orders),
 * and reductions over generated (random) arrays, which lazylab runs locally as fused folds
 * (on its worker pool when big) that add in their own order rather than NumPy's pairwise one.
 * NetCDF variables opened with xr are read by the workers from the file (netCDF4-python),
 * decoded as lazylab decodes them: bit-identical to the local compute, and within 1e-6 of
 * xarray's own decoding (which scales float32 values in float32 arithmetic; lazylab in float64).
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { da, np, psutil, xr } from "../lib";
import { formatCellMemory } from "../lib/memory/track";
import type { LazyArray } from "../lib/da";
import type { NDArray } from "../lib/np";
import { notifyInterrupt } from "../lib/notebook/host";
import { PYTHON, python, pythonJson } from "./oracle";
import { startServer } from "./http-servers";

let cluster: ChildProcess;
let address = "";
let workerPids: number[] = [];

before(async () => {
  cluster = spawn(PYTHON, [path.join(__dirname, "..", "..", "test", "python", "local_cluster.py")], { stdio: ["pipe", "pipe", "ignore"] });
  const line = await new Promise<string>((resolve, reject) => {
    let out = "";
    cluster.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("\n")) resolve(out.split("\n")[0]);
    });
    cluster.once("exit", (code) => reject(new Error(`the LocalCluster exited (${code}) before it was up`)));
  });
  ({ address, pids: workerPids } = JSON.parse(line) as { address: string; pids: number[] });
  await da.connect(address);
});

after(async () => {
  await da.disconnect();
  const gone = new Promise((r) => cluster.once("exit", r));
  cluster.stdin!.end();
  const timer = setTimeout(() => cluster.kill("SIGKILL"), 20_000);
  await gone;
  clearTimeout(timer);
});

/** Computes each of `xs` on the cluster, then each locally (disconnected), and reconnects. */
async function bothAll(xs: LazyArray[]): Promise<{ remote: NDArray; local: NDArray }[]> {
  const remote: NDArray[] = [];
  for (const x of xs) remote.push(await x.compute());
  await da.disconnect();
  try {
    const out: { remote: NDArray; local: NDArray }[] = [];
    for (let i = 0; i < xs.length; i++) out.push({ remote: remote[i], local: await xs[i].compute() });
    return out;
  } finally {
    await da.connect(address);
  }
}

async function both(x: LazyArray): Promise<{ remote: NDArray; local: NDArray }> {
  return (await bothAll([x]))[0];
}

function values(a: NDArray): number[] {
  return Array.from(a.flatten().nd.data as ArrayLike<number>);
}

/** Equal within 1e-12 relative, element by element. */
function close(actual: number[], expected: number[], what: string): void {
  assert.equal(actual.length, expected.length, what);
  actual.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) <= 1e-12 * Math.abs(expected[i]), `${what}[${i}]: ${v} vs ${expected[i]}`));
}

/** Children of this process running the bridge script, from /proc. */
function bridgeProcesses(): number[] {
  const out: number[] = [];
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid !== process.pid) continue;
      if (readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("lazylab_bridge.py")) out.push(Number(pid));
    } catch {
      /* gone meanwhile */
    }
  }
  return out;
}

test("results on the cluster are bit-identical to local computes where both sum in the same order", { timeout: 120_000 }, async () => {
  const base = np.random.defaultRng(7).standardNormal([300, 200]);
  const a = da.fromArray(base, { chunks: [70, 50] });
  const r = da.random.defaultRng(11).standardNormal([256, 192], { chunks: [64, 64] });
  const cases: [string, LazyArray][] = [
    ["fromArray elementwise (binary and unary ufuncs)", a.mul(3).add(1).abs().sqrt().neg()],
    ["fromArray sum over the chunked axis 0", a.mul(2).sum({ axis: 0 })],
    ["fromArray mean over axis 1", a.mean({ axis: 1 })],
    ["slicing with a step and an integer", a.get("10:290:3, 5")],
    ["max and min", a.max({ axis: 0 }).sub(a.min({ axis: 0 }))],
    ["random draws (lazylab's streams per block)", r],
    ["zeros plus random, sliced", da.zeros([256, 192], { chunks: [64, 64] }).add(r).get("::-2, 3:100")],
    ["int64 array", da.fromArray(np.arange(0, 1200).reshape([40, 30]), { chunks: 16 }).mul(3).sum({ axis: 0 })],
    ["comparison gives bool", a.gt(0)],
    ["rechunk and transpose", a.rechunk([100, 100]).transpose()],
  ];
  const [std, rsum, total, ...results] = await bothAll([a.std({ axis: 0 }), r.pow(2).sum({ axis: 1 }), a.sum(), ...cases.map(([, x]) => x)]);
  results.forEach(({ remote, local }, i) => {
    const what = cases[i][0];
    assert.deepEqual(remote.shape, local.shape, what);
    assert.equal(remote.dtype, local.dtype, what);
    assert.deepEqual(values(remote), values(local), what);
  });
  close(values(std.remote), values(std.local), "std");
  close(values(rsum.remote), values(rsum.local), "random sum over axis 1");
  // A sum over both axes of a 5×4 grid of chunks: Dask sums the 20 partials with NumPy's
  // pairwise loop (8 accumulators from 8 elements on), lazylab's local scheduler one by one.
  // The cluster gives Python Dask's value exactly, and lazylab's within 1e-12.
  const dask = pythonJson<number>(`import json, numpy as np, dask, dask.array as da
b = np.random.default_rng(7).standard_normal((300, 200))
with dask.config.set(scheduler="sync"):
    print(json.dumps(float(da.from_array(b, chunks=(70, 50)).sum().compute())))`);
  assert.equal(values(total.remote)[0], dask);
  close(values(total.remote), values(total.local), "sum of everything");
});

test("an array made in the notebook is scattered once, not per compute", async () => {
  const base = np.random.defaultRng(3).random([100, 100]);
  const x = da.fromArray(base, { chunks: 50 });
  const before = (await da.clusterInfo()).scattered;
  await x.sum().compute();
  for (let i = 0; i < 3; i++) await x.mul(i).add(x).sum().compute();
  // Another lazy array over the same data is the same content: not scattered again.
  await da.fromArray(base, { chunks: 25 }).max().compute();
  assert.equal((await da.clusterInfo()).scattered, before + 1);
  // Written to, it is new content.
  base.set([0, 0], 5);
  assert.equal(values(await x.max().compute())[0], 5);
  assert.equal((await da.clusterInfo()).scattered, before + 2);
});

test("persist() on the cluster keeps its spelling: the persisted array computes on, locally or on the cluster", async () => {
  const r = da.random.defaultRng(21).random([120, 80], { chunks: [40, 40] });
  const p = await r.mul(10).persist();
  assert.deepEqual(p.chunks, [[40, 40, 40], [40, 40]]);
  const { remote, local } = await both(p.sub(r.mul(10)).abs().max());
  assert.equal(values(remote)[0], 0);
  assert.equal(values(local)[0], 0);
});

test("persist() on the cluster keeps the chunks there as futures: later computes name them and send nothing", async () => {
  const base = np.random.defaultRng(4).random([200, 100]);
  const x = da.fromArray(base, { chunks: 50 }).mul(10);
  const held = (await da.clusterInfo()).persisted;
  const p = await x.persist();
  assert.equal((await da.clusterInfo()).persisted, held + 1);
  const first = await p.sum({ axis: 0 }).compute();
  let last = (await da.clusterInfo()).lastCompute!;
  assert.equal(last.persistedInputs, 1);
  assert.equal(last.scatteredBytes, 0);
  const persistedTasks = last.tasks;
  // Writing to the notebook array changes what x's graph gives, not what the cluster holds:
  // a compute that re-sent or recomputed the graph would see the write.
  base.set([0, 0], 1e6);
  const again = await p.sum({ axis: 0 }).compute();
  last = (await da.clusterInfo()).lastCompute!;
  assert.deepEqual(values(again), values(first));
  assert.equal(last.scatteredBytes, 0);
  assert.equal(last.tasks, persistedTasks);
  // The same sum from the graph itself: the new data is scattered and the graph is bigger.
  const fromGraph = await x.sum({ axis: 0 }).compute();
  last = (await da.clusterInfo()).lastCompute!;
  assert.equal(last.scatteredBytes, 200 * 100 * 8);
  assert.ok(last.tasks > persistedTasks, `${last.tasks} tasks from the graph vs ${persistedTasks} from the futures`);
  assert.notEqual(values(fromGraph)[0], values(first)[0]);
  assert.deepEqual(values(fromGraph).slice(1), values(first).slice(1));
  // Disconnected, the persisted array computes locally from the graph it keeps (the write shows).
  await da.disconnect();
  try {
    assert.deepEqual(values(await p.sum({ axis: 0 }).compute()), values(await x.sum({ axis: 0 }).compute()));
  } finally {
    await da.connect(address);
  }
  // A new connection holds none of the old one's futures.
  assert.equal((await da.clusterInfo()).persisted, 0);
  assert.deepEqual(values(await p.sum({ axis: 0 }).compute()), values(fromGraph));
  assert.equal((await da.clusterInfo()).lastCompute!.persistedInputs, 0);
});

test("xr NetCDF variables are read by the workers from the file, bit-identical to local reads", { timeout: 120_000 }, async () => {
  const dir = path.join(__dirname, "..", "..", "test-output", "da-cluster-files");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "ocean.nc");
  // Written by netCDF4-python: a float32 variable with a fill value, a packed int16 one
  // (scale, offset, fill), CF times, and a variable in a subgroup; chunked on disk.
  python(`import sys, numpy as np, netCDF4
rng = np.random.default_rng(1)
with netCDF4.Dataset(${JSON.stringify(file)}, "w") as f:
    for d, n in (("k", 6), ("j", 40), ("i", 30)):
        f.createDimension(d, n)
    t = f.createVariable("theta", "f4", ("k", "j", "i"), zlib=True, chunksizes=(2, 20, 15), fill_value=np.float32(-999))
    v = rng.standard_normal((6, 40, 30)).astype("f4")
    v[0, :3, :3] = -999
    t.set_auto_maskandscale(False)
    t[:] = v
    s = f.createVariable("salt", "i2", ("k", "j", "i"), chunksizes=(3, 40, 30), fill_value=np.int16(-32767))
    s.scale_factor = np.float32(0.001)
    s.add_offset = np.float32(35.0)
    s.set_auto_maskandscale(False)
    r = rng.integers(-30000, 30000, (6, 40, 30)).astype("i2")
    r[5, 39, :4] = -32767
    s[:] = r
    h = f.createVariable("stamp", "f8", ("k", "j"))
    h.units = "hours since 2000-01-01"
    h[:] = np.arange(240.0).reshape(6, 40) * 7.5
    g = f.createGroup("sub")
    w = g.createVariable("w", "f8", ("k", "j"), chunksizes=(2, 40))
    w[:] = rng.standard_normal((6, 40))
`);
  const ds = await xr.openDataset(file, { chunks: {} });
  const sub = await xr.openDataset(file, { chunks: {}, group: "/sub" });
  const theta = ds.variables.theta.data as LazyArray;
  const salt = ds.variables.salt.data as LazyArray;
  const stamp = ds.variables.stamp.data as LazyArray;
  const w = sub.variables.w.data as LazyArray;
  const cases: [string, LazyArray][] = [
    ["float32 with fill values (NaN)", theta],
    ["float32 elementwise and max over the chunked axis", theta.mul(2).add(1).max({ axis: 0 })],
    ["packed int16 (scale, offset, fill)", salt],
    ["packed, sliced, summed over the chunked axis", salt.get("1:6, ::3, 2").sum({ axis: 0 })],
    ["CF times (ms since 1970)", stamp],
    ["a variable in a subgroup", w.mul(w).sum({ axis: 0 })],
    ["file and notebook array together", salt.get("0").add(da.fromArray(np.ones([40, 30]), { chunks: 20 }))],
  ];
  const remote: NDArray[] = [];
  const sent: number[] = [];
  for (const [, x] of cases) {
    remote.push(await x.compute());
    const last = (await da.clusterInfo()).lastCompute!;
    assert.equal(last.fileInputs, 1);
    sent.push(last.scatteredBytes);
  }
  // Only the notebook array went over the pipe; the file's bytes never did.
  assert.deepEqual(sent, [0, 0, 0, 0, 0, 0, 40 * 30 * 8]);
  await da.disconnect();
  try {
    for (let i = 0; i < cases.length; i++) {
      const local = await cases[i][1].compute();
      assert.deepEqual(remote[i].shape, local.shape, cases[i][0]);
      assert.equal(remote[i].dtype, local.dtype, cases[i][0]);
      assert.deepEqual(values(remote[i]), values(local), cases[i][0]);
    }
  } finally {
    await da.connect(address);
  }
  // xarray's own decoding of the same file agrees: the masked int16 is float32 on both sides,
  // xarray scaling it in float32 arithmetic, lazylab in float64 then rounded (within 1e-6).
  const xarray = pythonJson<{ salt: (number | null)[]; stamp: number[] }>(`import json, numpy as np, xarray as xr
ds = xr.open_dataset(${JSON.stringify(file)})
salt = ds.salt.values.ravel()
print(json.dumps({"salt": [None if np.isnan(v) else float(v) for v in salt], "stamp": (ds.stamp.values.astype("datetime64[ms]").astype("f8")).ravel().tolist()}))`);
  const saltRemote = values(remote[2]);
  xarray.salt.forEach((v, i) => (v === null ? assert.ok(Number.isNaN(saltRemote[i]), `salt[${i}]`) : assert.ok(Math.abs(saltRemote[i] - v) <= 1e-6 * Math.abs(v), `salt[${i}]: ${saltRemote[i]} vs ${v}`)));
  assert.deepEqual(values(remote[4]), xarray.stamp);
  // The workers need the file at its path: gone, the compute fails naming it.
  renameSync(file, `${file}.moved`);
  try {
    await assert.rejects(salt.sum().compute(), (e: Error) => e.name === "TaskError" && e.message.includes(file));
  } finally {
    renameSync(`${file}.moved`, file);
  }
  ds.close();
  sub.close();
});

test("an xr NetCDF variable opened over HTTP is read by the workers with range requests, bit-identical to the local compute", { timeout: 120_000 }, async () => {
  const dir = path.join(__dirname, "..", "..", "test-output", "da-cluster-http-nc");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // Packed int16 with a fill value, zlib-compressed in chunks, in a subgroup: decoded on the workers.
  python(`import numpy as np, netCDF4
with netCDF4.Dataset(${JSON.stringify(path.join(dir, "ocean.nc"))}, "w") as f:
    g = f.createGroup("model")
    for d, n in (("k", 8), ("j", 40), ("i", 30)):
        g.createDimension(d, n)
    v = g.createVariable("temp", "i2", ("k", "j", "i"), zlib=True, chunksizes=(1, 20, 30), fill_value=np.int16(-32768))
    v.set_auto_maskandscale(False)
    v.scale_factor = 0.01
    v.add_offset = 10.0
    raw = np.random.default_rng(3).integers(-20000, 20000, (8, 40, 30)).astype("i2")
    raw[0, 0, :4] = -32768
    v[:] = raw
    g.createVariable("pad", "f8", ("k", "j", "i"))[:] = 0.0
`);
  const server = await startServer(dir, "range");
  try {
    const ds = await xr.openDataset(`${server.url}/ocean.nc`, { group: "model" });
    const temp = ds.variables.temp.data as LazyArray;
    const cases: LazyArray[] = [temp.get("0:2"), temp.get("3:5").sum({ axis: 0 }), temp.max({ axis: 2 })];
    await server.settled();
    const before = server.requests.length;
    const remote: NDArray[] = [];
    for (const x of cases) {
      remote.push(await x.compute());
      const last = (await da.clusterInfo()).lastCompute!;
      assert.equal(last.fileInputs, 1);
      assert.equal(last.scatteredBytes, 0);
    }
    await server.settled();
    // The workers asked the server for byte ranges themselves (this process computed nothing).
    const theirs = server.requests.slice(before);
    assert.ok(theirs.length > 0 && theirs.every((r) => /ocean\.nc/.test(r) && /bytes=/.test(r)), `requests: ${theirs.join("; ")}`);
    await da.disconnect();
    try {
      for (let i = 0; i < cases.length; i++) assert.deepEqual(values(remote[i]), values(await cases[i].compute()), `case ${i}`);
    } finally {
      await da.connect(address);
    }
    assert.ok(values(remote[0]).some(Number.isNaN), "the fill value reads as NaN");
    ds.close();
  } finally {
    await server.stop();
  }
});

test("xr Zarr v2 arrays, in a folder and over HTTP, are read by the workers, bit-identical to local reads", { timeout: 120_000 }, async () => {
  const dir = path.join(__dirname, "..", "..", "test-output", "da-cluster-zarr");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const store = path.join(dir, "ocean.zarr");
  // Written by python zarr 2: packed int16 (scale, offset; zarr's fill_value as _FillValue),
  // zlib-compressed, the last two levels' chunks never written (read as the fill value);
  // metadata consolidated, so an HTTP server can be opened.
  python(`import numpy as np, zarr, numcodecs
g = zarr.open_group(${JSON.stringify(store)}, mode="w")
a = g.create_dataset("temp", shape=(8, 20, 30), chunks=(2, 10, 30), dtype="i2", fill_value=-32768, compressor=numcodecs.Zlib(level=1))
a.attrs.update({"_ARRAY_DIMENSIONS": ["t", "y", "x"], "scale_factor": 0.01, "add_offset": 10.0})
v = np.random.default_rng(2).integers(-20000, 20000, (6, 20, 30)).astype("i2")
v[0, 0, :5] = -32768
a[:6] = v
zarr.consolidate_metadata(${JSON.stringify(store)})
`);
  const local = await xr.openZarr(store);
  const temp = local.variables.temp.data as LazyArray;
  const cases: LazyArray[] = [temp, temp.get("0:6").sum({ axis: 0 }), temp.max({ axis: 2 })];
  const server = await startServer(dir, "range");
  const remote: NDArray[] = [];
  try {
    const remoteDs = await xr.openZarr(`${server.url}/ocean.zarr`);
    const overHttp = (remoteDs.variables.temp.data as LazyArray).get("0:6").sum({ axis: 0 });
    for (const x of [...cases, overHttp]) {
      remote.push(await x.compute());
      const last = (await da.clusterInfo()).lastCompute!;
      assert.equal(last.fileInputs, 1);
      assert.equal(last.scatteredBytes, 0);
    }
    await server.settled();
    // The workers fetched the chunks from the server themselves (this process computed nothing over HTTP).
    assert.ok(server.requests.some((r) => /ocean\.zarr\/temp\/0\.0\.0/.test(r)), `requests: ${server.requests.join("; ")}`);
    await da.disconnect();
    try {
      for (let i = 0; i < cases.length; i++) assert.deepEqual(values(remote[i]), values(await cases[i].compute()), `case ${i}`);
      assert.deepEqual(values(remote[3]), values(remote[1]), "over HTTP");
    } finally {
      await da.connect(address);
    }
  } finally {
    await server.stop();
  }
  assert.ok(values(remote[0]).some(Number.isNaN), "the fill value and the missing chunks read as NaN");
});

test("memory: a persist on the cluster fills the workers (clusterInfo), not this kernel (psutil); collected, it is released there", { timeout: 60_000 }, async () => {
  const managed = async () => (await da.clusterInfo()).workers.reduce((n, w) => n + w.managed, 0);
  // Arrays persisted by earlier tests and since collected let go of their futures first.
  psutil.collectGarbage();
  await new Promise((r) => setTimeout(r, 100));
  const before = await managed();
  // The process view (the kernel's default): this executor's own footprint. (The system view
  // would see the workers too here, their processes being on this host.)
  const localBefore = psutil.virtualMemory({ view: "process" }).available;
  let p: LazyArray | undefined = await da.random.defaultRng(8).random([8000, 1000], { chunks: [1000, 1000] }).persist();
  psutil.collectGarbage();
  const localChange = localBefore - psutil.virtualMemory({ view: "process" }).available;
  const held = (await managed()) - before;
  assert.ok(held >= 8000 * 1000 * 8, `the workers hold ${held} bytes more`);
  assert.ok(localChange < 4 << 20, `this kernel's available memory fell by ${localChange} bytes`);
  // The per-cell memory line says whose figure it is.
  assert.match(formatCellMemory(0, localBefore), new RegExp(`this kernel's; computes run on ${address}`));
  assert.doesNotMatch(formatCellMemory(0, localBefore, ""), /kernel's/);
  assert.equal(values(await p.max().compute()).length, 1);
  p = undefined;
  let after = Infinity;
  for (let i = 0; i < 50 && after - before >= 8000 * 1000 * 8; i++) {
    psutil.collectGarbage();
    await new Promise((r) => setTimeout(r, 100));
    after = await managed();
  }
  assert.ok(after - before < 8000 * 1000 * 8, `still ${after - before} bytes held after the persisted array was collected`);
});

test("a 32 MB result arrives whole over the pipe (many reads), equal to the local compute", { timeout: 60_000 }, async () => {
  const x = da.random.defaultRng(2).random([2000, 2000], { chunks: [500, 1000] }).mul(4).sub(1);
  const { remote, local } = await both(x);
  assert.deepEqual(remote.shape, [2000, 2000]);
  assert.ok(Buffer.from(remote.nd.data.buffer, remote.nd.data.byteOffset, remote.nd.data.byteLength).equals(Buffer.from(local.nd.data.buffer, local.nd.data.byteOffset, local.nd.data.byteLength)));
});

test("clusterInfo lists the two workers with their pids and memory, from the scheduler", async () => {
  const info = await da.clusterInfo();
  assert.equal(info.scheduler, address);
  assert.equal(info.workers.length, 2);
  assert.deepEqual(info.workers.map((w) => w.pid).sort(), [...workerPids].sort());
  for (const w of info.workers) {
    assert.equal(w.nthreads, 1);
    assert.ok(w.memory > 10 << 20, `worker memory ${w.memory}`);
    assert.ok(w.memoryLimit > 0);
  }
});

test("a node the bridge does not run is refused with an error naming it", async () => {
  await assert.rejects(da.arange(0, 10, 1, { chunks: 5 }).sum().compute(), (e: Error) => e.name === "ClusterUnsupported" && /arange/.test(e.message));
  // The connection is still usable.
  assert.equal(values(await da.ones([4], { chunks: 2 }).sum().compute())[0], 4);
});

test("a worker killed mid-compute: the compute still finishes, with the same result", { timeout: 120_000 }, async () => {
  const x = da.random.defaultRng(5).standardNormal([6000, 4000], { chunks: [500, 500] }).pow(2).sum({ axis: 0 });
  const running = x.compute();
  // Kill a worker once tasks are in flight.
  let killed = 0;
  for (let i = 0; i < 200 && !killed; i++) {
    const info = await da.clusterInfo();
    const busy = info.workers.find((w) => w.processing > 0);
    if (busy) {
      process.kill(busy.pid, "SIGKILL");
      killed = busy.pid;
    } else await new Promise((r) => setTimeout(r, 50));
  }
  assert.ok(killed, "no worker was ever busy");
  const remote = await running;
  await da.disconnect();
  const local = await x.compute();
  await da.connect(address);
  close(values(remote), values(local), "column sums");
});

test("an interrupt cancels the cluster's futures: Interrupted at once, nothing left processing", { timeout: 60_000 }, async () => {
  const x = da.random.defaultRng(9).standardNormal([8000, 8000], { chunks: [500, 500] }).sum();
  const running = x.compute();
  await new Promise((r) => setTimeout(r, 500));
  const t0 = Date.now();
  notifyInterrupt();
  await assert.rejects(running, (e: Error) => e.name === "Interrupted");
  assert.ok(Date.now() - t0 < 5000, `interrupt took ${Date.now() - t0} ms`);
  let processing = -1;
  for (let i = 0; i < 100 && processing !== 0; i++) {
    processing = (await da.clusterInfo()).processing;
    if (processing) await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(processing, 0);
  // A persist too: interrupted, nothing is held for it.
  const held = (await da.clusterInfo()).persisted;
  const persisting = da.random.defaultRng(10).standardNormal([8000, 8000], { chunks: [500, 500] }).mul(2).persist();
  await new Promise((r) => setTimeout(r, 500));
  notifyInterrupt();
  await assert.rejects(persisting, (e: Error) => e.name === "Interrupted");
  assert.equal((await da.clusterInfo()).persisted, held);
});

test("no scheduler at the address: ClusterUnavailable within seconds, no bridge process left", { timeout: 30_000 }, async () => {
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  const t0 = Date.now();
  await assert.rejects(da.connect(`tcp://127.0.0.1:${port}`, { timeoutMs: 2000 }), (e: Error) => e.name === "ClusterUnavailable" && e.message.includes(String(port)));
  const ms = Date.now() - t0;
  assert.ok(ms < 10_000, `took ${ms} ms`);
  assert.deepEqual(bridgeProcesses(), []);
  // Computes are local again until the next connect.
  assert.equal(values(await da.ones([3], { chunks: 2 }).sum().compute())[0], 3);
  await assert.rejects(da.connect("localhost:8786"), TypeError);
  await da.connect(address);
});
