/**
 * The worker-thread path of a compute: a reduction over every axis of a fused elementwise
 * expression whose leaves are generated (random or constant) runs as one fold task per chunk
 * on the worker pool, each generating its chunk a piece at a time — so a 3.2 GB random array
 * is reduced with a few hundred kB per thread. Tiny graphs stay in the notebook's thread
 * (a task round trip costs more than they do). Other graphs use the in-thread scheduler.
 */
import { NDArray } from "../../np/ndarray";
import { blockIndices } from "../chunks";
import { reduceAll, reducePlan } from "../evaluate";
import { fuse, FoldOp } from "../fuse";
import type { LazyRef, StreamSpec } from "../graph";
import { cancelGroup, poolSize, runOnPool } from "./pool";
import { runFold } from "./run-fold";
import type { ComputeRun } from "./run";
import type { FoldTask } from "./task";

/** Below this many elements a compute is not worth sending to threads. */
export const PARALLEL_MIN_ELEMENTS = 1 << 20;

function isElementwise(r: LazyRef): boolean {
  return r.node.kind === "binary" || r.node.kind === "unary";
}

/** The fold tasks of `x` if it has the parallel shape; undefined otherwise. */
export function foldTasks(x: LazyRef): { tasks: Omit<FoldTask, "id">[]; fold: FoldOp; count: number } | undefined {
  const node = x.node;
  if (node.kind !== "reduce") return undefined;
  const fold: FoldOp | undefined = node.reduction === "sum" || node.reduction === "mean" ? "sum" : node.reduction === "min" ? "min" : node.reduction === "max" ? "max" : undefined;
  const input = node.input;
  if (!fold || node.axes.length !== input.shape.length || input.shape.length === 0) return undefined;
  const { expr, leaves } = isElementwise(input) ? fuse(input) : { expr: "v0", leaves: [input] };
  const sameGrid = (l: LazyRef) => l.shape.length === input.shape.length && l.shape.every((n, d) => n === input.shape[d]) && l.chunks.every((c, d) => c.join() === input.chunks[d].join());
  if (!leaves.every((l) => l.node.kind === "generate" && l.node.stream && sameGrid(l))) return undefined;
  const specs = leaves.map((l) => (l.node as { stream: StreamSpec }).stream);
  const tasks: Omit<FoldTask, "id">[] = [];
  for (const idx of blockIndices(input.chunks.map((c) => c.length))) {
    const n = idx.reduce((p, k, d) => p * input.chunks[d][k], 1);
    tasks.push({ expr, fold, leaves: specs.map((spec) => ({ spec, block: idx })), n, label: `${x.name}, block (${idx.join(", ")})` });
  }
  return { tasks, fold, count: input.shape.reduce((a, b) => a * b, 1) };
}

/** Runs `x`'s fold tasks (on the pool when it is big enough) and combines them: sums and means in Dask's tree, min and max in block order. */
export async function computeFolded(x: LazyRef, plan: NonNullable<ReturnType<typeof foldTasks>>, run: ComputeRun): Promise<NDArray> {
  const { tasks, fold, count } = plan;
  const node = x.node as Extract<LazyRef["node"], { kind: "reduce" }>;
  let partials: number[];
  if (poolSize() > 1 && count >= PARALLEL_MIN_ELEMENTS) {
    run.onCancel((e) => cancelGroup(run.group, e));
    partials = await Promise.all(tasks.map((t) => runOnPool(t, run.group).then((v) => (run.done++, v))));
  } else {
    partials = [];
    for (const t of tasks) {
      await run.slice();
      partials.push(runFold({ ...t, id: 0 }));
      run.done++;
    }
  }
  run.check();
  if (fold === "sum") {
    // Dask's tree over the blocks' partials (evaluate.ts, reduceAll): added one after another,
    // the 20000² (y**2).sum() of bench/da.ts was 1 ulp from Dask's.
    const plan = reducePlan(x, x.shape.map(() => 0));
    const ones = node.input.shape.map(() => 1);
    const out = reduceAll(plan, partials.map((p, j) => ({ value: new NDArray(Float64Array.of(p), ones, "float64"), count: tasks[j].n })));
    return out.dtype === x.dtype ? out : out.astype(x.dtype);
  }
  let acc = fold === "min" ? Infinity : -Infinity;
  for (const p of partials) {
    if (fold === "min") acc = p < acc || p !== p ? p : acc;
    else acc = p > acc || p !== p ? p : acc;
  }
  const out = new NDArray(new Float64Array(1), x.shape, "float64");
  out.nd.data[0] = acc;
  return x.dtype === "float64" ? out : out.astype(x.dtype);
}
