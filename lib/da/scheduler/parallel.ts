/**
 * The parallel path of `compute()`: a reduction over every axis of a fused elementwise
 * expression whose leaves are generated (random or constant) runs as one fold task per chunk
 * on the worker pool, each generating its chunk a piece at a time — so a 3.2 GB random array
 * is reduced with a few hundred kB per thread. Other graphs use the in-thread scheduler.
 */
import { NDArray } from "../../np/ndarray";
import { blockIndices } from "../chunks";
import { fuse, FoldOp } from "../fuse";
import type { LazyRef, StreamSpec } from "../graph";
import { poolSize, runOnPool } from "./pool";
import { runFold } from "./run-fold";

function isElementwise(r: LazyRef): boolean {
  return r.node.kind === "binary" || r.node.kind === "unary";
}

/** Runs `x` on the pool if it has the parallel shape; undefined otherwise. */
export async function computeParallel(x: LazyRef): Promise<NDArray | undefined> {
  const node = x.node;
  if (node.kind !== "reduce") return undefined;
  const fold: FoldOp | undefined = node.reduction === "sum" || node.reduction === "mean" ? "sum" : node.reduction === "min" ? "min" : node.reduction === "max" ? "max" : undefined;
  const input = node.input;
  if (!fold || node.axes.length !== input.shape.length || input.shape.length === 0) return undefined;
  const { expr, leaves } = isElementwise(input) ? fuse(input) : { expr: "v0", leaves: [input] };
  const sameGrid = (l: LazyRef) => l.shape.length === input.shape.length && l.shape.every((n, d) => n === input.shape[d]) && l.chunks.every((c, d) => c.join() === input.chunks[d].join());
  if (!leaves.every((l) => l.node.kind === "generate" && l.node.stream && sameGrid(l))) return undefined;
  const specs = leaves.map((l) => (l.node as { stream: StreamSpec }).stream);
  const jobs: Promise<number>[] = [];
  const numblocks = input.chunks.map((c) => c.length);
  for (const idx of blockIndices(numblocks)) {
    const n = idx.reduce((p, k, d) => p * input.chunks[d][k], 1);
    const task = { expr, fold, leaves: specs.map((spec) => ({ spec, block: idx })), n, label: `${x.name}, block (${idx.join(", ")})` };
    jobs.push(poolSize() > 1 ? runOnPool(task) : Promise.resolve(runFold({ ...task, id: 0 })));
  }
  const partials = await Promise.all(jobs);
  let acc = fold === "sum" ? 0 : fold === "min" ? Infinity : -Infinity;
  for (const p of partials) {
    if (fold === "sum") acc += p;
    else if (fold === "min") acc = !(p >= acc) ? p : acc;
    else acc = !(p <= acc) ? p : acc;
  }
  if (node.reduction === "mean") acc /= input.shape.reduce((a, b) => a * b, 1);
  const out = new NDArray(new Float64Array(1), x.shape, "float64");
  out.nd.data[0] = acc;
  return x.dtype === "float64" ? out : out.astype(x.dtype);
}
