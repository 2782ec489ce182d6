/**
 * What the machine takes from a process that keeps every core busy: one worker thread per core
 * spins for a while, reading the clock, and counts the gaps between two readings longer than
 * 0.1 ms (the thread was not running: another thread, the kernel, or a hypervisor that took the
 * virtual CPU away). The kernel's own account of the same seconds (/proc/stat: user, system,
 * steal, idle) is printed beside it: a gap the guest does not account for is the host's.
 *
 *   npm run build && node dist/bench/cpu-gaps.js [seconds=5] [threads=cores]
 *
 * No peer: it says how far a two-thread figure on this machine can be trusted. A compute of
 * 6-13 ms (bench/da-chains.ts on two threads) that loses one of its threads for a few
 * milliseconds takes up to twice as long, whatever it does.
 */
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { header, lazylabVersion } from "./report";

/** The gaps one spinning thread saw. */
interface Gaps {
  thread: number;
  count: number;
  totalMs: number;
  largestMs: number;
  /** Gaps of at least 1 ms. */
  overMs: number;
}

const GAP_MS = 0.1;

function spin(thread: number, seconds: number): Gaps {
  const start = performance.now(), end = start + seconds * 1000;
  let last = start, count = 0, totalMs = 0, largestMs = 0, overMs = 0;
  while (last < end) {
    const t = performance.now();
    const d = t - last;
    if (d > GAP_MS) {
      count++;
      totalMs += d;
      if (d > largestMs) largestMs = d;
      if (d >= 1) overMs++;
    }
    last = t;
  }
  return { thread, count, totalMs, largestMs, overMs };
}

/** The "cpu" line of /proc/stat: ticks per state (user, nice, system, idle, iowait, irq, softirq, steal). */
function cpuTicks(): Record<string, number> {
  const names = ["user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal"];
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  return Object.fromEntries(names.map((n, i) => [n, line[i] ?? 0]));
}

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 5);
  const threads = Number(process.argv[3] ?? availableParallelism());
  if (!(seconds > 0) || !Number.isInteger(threads) || threads < 1) throw new RangeError(`cpu-gaps: expected [seconds > 0] [threads >= 1], got ${process.argv.slice(2).join(" ")}`);
  console.log(header(`cpu-gaps: ${threads} threads spinning ${seconds} s, gaps > ${GAP_MS} ms between two clock readings`, lazylabVersion()));
  const before = cpuTicks();
  const results = await Promise.all(
    Array.from({ length: threads }, (_, thread) => new Promise<Gaps>((resolve, reject) => {
      const w = new Worker(__filename, { workerData: { thread, seconds } });
      w.once("message", resolve);
      w.once("error", reject);
    })),
  );
  const after = cpuTicks();
  console.log("| thread | gaps | time lost (ms) | share | largest (ms) | gaps of 1 ms or more |");
  console.log("|---|---|---|---|---|---|");
  for (const g of results) {
    console.log(`| ${g.thread} | ${g.count} | ${g.totalMs.toFixed(1)} | ${((100 * g.totalMs) / (seconds * 1000)).toFixed(2)} % | ${g.largestMs.toFixed(2)} | ${g.overMs} |`);
  }
  const ticks = Object.fromEntries(Object.keys(after).map((k) => [k, after[k] - before[k]]));
  const all = Object.values(ticks).reduce((a, b) => a + b, 0);
  console.log(`/proc/stat over the same time (ticks of all CPUs, ${all} in all): ${Object.entries(ticks).map(([k, v]) => `${k} ${v}`).join(", ")}`);
}

if (isMainThread) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
} else {
  const { thread, seconds } = workerData as { thread: number; seconds: number };
  parentPort!.postMessage(spin(thread, seconds));
}
