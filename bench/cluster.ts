/**
 * The cluster bridge's overhead per task (issue 21 part 2): one graph computed on a
 * two-worker LocalCluster by lazylab (translate → pipe → python/lazylab_bridge.py →
 * distributed.Client) and by Python Dask in its own process (bench/cluster_dask.py: the same
 * dask graph, built from the same node list, submitted by a Client in that process), against
 * the same scheduler: Python Dask's runs, lazylab's, Python Dask's again.
 *
 *   npm run build && node dist/bench/cluster.js [runs=7]
 *
 * The graph is many small tasks so per-task costs dominate: random 2000×2000 in 50×50 chunks
 * (1600 blocks), `* 2 + 1`, summed over axis 0. Overhead per task = (lazylab median − Dask
 * median) / tasks; both sides include building the graph and fetching the result.
 */
import { spawn, execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import path from "node:path";
import { da } from "../lib";
import { translate } from "../lib/da/cluster/translate";

const PYTHON = process.env.LAZYLAB_PYTHON ?? "/usr/bin/python3";
const ROOT = path.join(__dirname, "..", "..");

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 7);
  da.setProgress(false);
  const cluster = spawn(PYTHON, [path.join(ROOT, "test", "python", "local_cluster.py")], { stdio: ["pipe", "pipe", "ignore"] });
  const line = await new Promise<string>((resolve) => cluster.stdout!.once("data", (d: Buffer) => resolve(d.toString().split("\n")[0])));
  const { address } = JSON.parse(line) as { address: string };
  try {
    await da.connect(address);
    const x = da.random.defaultRng(1).standardNormal([2000, 2000], { chunks: [50, 50] }).mul(2).add(1).sum({ axis: 0 });
    const out = path.join(ROOT, "test-output");
    mkdirSync(out, { recursive: true });
    const nodesFile = path.join(out, "bench-cluster-nodes.json");
    const t = translate(x);
    writeFileSync(nodesFile, JSON.stringify({ nodes: t.nodes, root: t.root }));
    const dask = () => JSON.parse(execFileSync(PYTHON, [path.join(ROOT, "bench", "cluster_dask.py"), address, nodesFile, String(runs)], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] })) as { tasks: number; ms: number[] };
    // Python Dask before and after lazylab, so neither side gets only the warm (or cold) cluster.
    const before = dask();
    const ms: number[] = [];
    for (let i = 0; i <= runs; i++) {
      const t0 = performance.now();
      await x.compute();
      if (i) ms.push(performance.now() - t0);
    }
    const afterRuns = dask();
    const py = [...before.ms, ...afterRuns.ms];
    const lz = median(ms);
    const pd = median(py);
    const fmt = (xs: number[]) => `min ${Math.min(...xs).toFixed(0)} / median ${median(xs).toFixed(0)} / max ${Math.max(...xs).toFixed(0)} ms (runs: ${xs.map((x) => x.toFixed(0)).join(", ")})`;
    console.log(`load average ${loadavg().map((l) => l.toFixed(1)).join(" ")}; uptime: ${execFileSync("uptime", { encoding: "utf8" }).trim()}`);
    console.log(`tasks in the dask graph: ${before.tasks}`);
    console.log(`Python Dask client, before: ${fmt(before.ms)}`);
    console.log(`lazylab via the bridge:     ${fmt(ms)}`);
    console.log(`Python Dask client, after:  ${fmt(afterRuns.ms)}`);
    console.log(`overhead per task: ${(((lz - pd) / before.tasks) * 1000).toFixed(1)} µs (medians), ${(((Math.min(...ms) - Math.min(...py)) / before.tasks) * 1000).toFixed(1)} µs (minima)`);
  } finally {
    await da.disconnect();
    cluster.stdin!.end();
    await new Promise((r) => cluster.once("exit", r));
  }
}

void main();
