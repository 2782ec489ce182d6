/**
 * The cell compiler in-process: what a new (never-seen) cell costs to type-check and emit,
 * with no kernel or wire around it, and what completion costs.
 *
 *     node dist/bench/compiler.js [cells] [runs]
 *
 * Per run, a fresh CellCompiler (warmed up as the kernel does at start), then `cells` distinct
 * cells of each kind, timed one by one: `1 + i` (declares nothing); `const v_i = i` (declares a
 * name, recorded as if it ran, so the next cell sees a changed history) back to back, and with
 * the idle-time preparation the compiler thread does between requests; completion after `np.`
 * and after an array variable. Prints, per kind, each run's median and p90 and, over every
 * cell of every run, median (min-max) in ms; the heap; the machine, the load and TypeScript's
 * version. No peer: this is lazylab's own cost (bench/kernel.py compares kernels end to end).
 * LAZYLAB_BENCH_NODE_TYPES=full measures with the full Node types (kernel/compiler/node-types.ts).
 */
import os from "node:os";
import ts from "typescript";
import { CellCompiler } from "../kernel/compiler/service";
import { formatSpread, header, lazylabVersion, load } from "./report";

const cells = Number(process.argv[2] ?? 100);
const runs = Number(process.argv[3] ?? 3);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.9))];

/** CPU time of the calls, beside wall time: on a loaded shared machine wall time mostly measures the others. */
const cpu: Record<string, number[]> = {};
let current = "";
function time(f: () => void): number {
  const t = performance.now();
  const u = process.cpuUsage();
  f();
  const c = process.cpuUsage(u);
  (cpu[current] ??= []).push((c.user + c.system) / 1000);
  return performance.now() - t;
}

console.log(header(`compiler: ${cells} cells of each kind, ${runs} runs (a fresh CellCompiler each)`, `${lazylabVersion()}, TypeScript ${ts.version}`));
const rows: Record<string, number[][]> = {
  "new cell 1+i": [], "declaring, back to back": [], "declaring, idle between": [], "complete np.": [], "complete arr.": [],
};
for (let r = 0; r < runs; r++) {
  const c = new CellCompiler(os.tmpdir(), { leanNodeTypes: process.env.LAZYLAB_BENCH_NODE_TYPES === "full" ? false : undefined });
  current = "warm-up";
  const warm = time(() => c.warmUp());
  current = "new cell 1+i";
  const fresh: number[] = [];
  for (let i = 0; i < cells; i++) fresh.push(time(() => { const x = c.compile(`1 + ${i}`, "In[1]"); if (!x.ok) throw new Error(x.error.evalue); }));
  // A declaring cell changes the history once it has run (record), which the next cell sees.
  const declaring = (prefix: string, idle: boolean) => {
    current = idle ? "declaring, idle between" : "declaring, back to back";
    const times: number[] = [];
    for (let i = 0; i < cells; i++) {
      times.push(time(() => {
        const x = c.compile(`const ${prefix}${i} = ${i}`, "In[1]");
        if (!x.ok) throw new Error(x.error.evalue);
        c.record(x.id);
      }));
      // What the compiler thread does while the kernel is idle (kernel/compiler/worker.ts).
      if (idle) {
      current = "";
      c.prepare();
      current = "declaring, idle between";
    }
    }
    return times;
  };
  rows["declaring, back to back"].push(declaring("b_", false));
  rows["declaring, idle between"].push(declaring("d_", true));
  c.compile("const arr = np.zeros([3])", "In[1]");
  const compNp: number[] = [];
  const compArr: number[] = [];
  for (let i = 0; i < Math.min(cells, 30); i++) {
    current = "complete np.";
    compNp.push(time(() => c.complete(`const q${i} = np.`, `const q${i} = np.`.length)));
    current = "complete arr.";
    compArr.push(time(() => c.complete(`arr${" ".repeat(i)}.`, 4 + i)));
  }
  rows["new cell 1+i"].push(fresh);
  rows["complete np."].push(compNp);
  rows["complete arr."].push(compArr);
  const heap = process.memoryUsage();
  console.log(`run ${r + 1} (${c.nodeTypesMode} Node types): warm-up ${warm.toFixed(0)} ms, heap ${(heap.heapUsed / 2 ** 20).toFixed(0)} MB, rss ${(heap.rss / 2 ** 20).toFixed(0)} MB`);
}
for (const [name, rs] of Object.entries(rows)) {
  console.log(`${name.padEnd(30)} median per run ${rs.map((x) => median(x).toFixed(2)).join(" / ")} ms, p90 ${rs.map((x) => p90(x).toFixed(2)).join(" / ")} ms; all cells ${formatSpread(rs.flat(), 2)} ms; CPU median ${median(cpu[name]).toFixed(2)} ms`);
}
console.log(`load after (1/5/15 min): ${load()}`);
