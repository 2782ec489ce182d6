/**
 * Which file-backed blocks a compute will load, in the order the scheduler will ask for
 * them — known before it starts, so that their chunks can be decoded ahead on the decoder
 * threads while the notebook's thread assembles the result. It follows the graph as
 * lib/da's evaluator does (root blocks in C order, each block's inputs depth-first); a
 * node it does not follow (rechunk, reshape) just contributes nothing to the plan, and
 * those blocks are then decoded when asked for, as without a plan.
 */
import { blockIndices, boundaries } from "../da/chunks";
import { reducePlan } from "../da/evaluate";
import type { LazyRef } from "../da/graph";
import type { ChunkJob } from "./rawread";

/** A leaf block the compute will load. */
export interface PlannedBlock {
  leaf: LazyRef;
  idx: number[];
}

/**
 * The blocks of leaves accepted by `isLeaf` that computing `root` loads, first use first.
 * Blocks are listed once.
 */
export function plannedBlocks(root: LazyRef, isLeaf: (r: LazyRef) => boolean, limit = 100_000): PlannedBlock[] {
  const out: PlannedBlock[] = [];
  const seen = new Set<string>();
  const ids = new Map<LazyRef, number>();
  const visit = (ref: LazyRef, idx: readonly number[]): void => {
    if (out.length >= limit) return;
    const node = ref.node;
    if (isLeaf(ref)) {
      let id = ids.get(ref);
      if (id === undefined) ids.set(ref, (id = ids.size));
      const key = `${id}:${idx.join(",")}`;
      if (!seen.has(key)) {
        seen.add(key);
        out.push({ leaf: ref, idx: [...idx] });
      }
      return;
    }
    switch (node.kind) {
      case "getitem": {
        const input = node.input;
        const inIdx = input.shape.map(() => 0);
        const lookup = (ref as unknown as { blockMap: { block: number }[][] }).blockMap;
        let outDim = 0;
        for (const gd of node.dims) {
          if (gd.inputDim < 0) {
            outDim++;
            continue;
          }
          if (gd.drop) {
            const b = boundaries(input.chunks[gd.inputDim]);
            inIdx[gd.inputDim] = b.findIndex((v, k) => k < b.length - 1 && gd.start >= v && gd.start < b[k + 1]);
            continue;
          }
          inIdx[gd.inputDim] = lookup[outDim][idx[outDim]].block;
          outDim++;
        }
        visit(input, inIdx);
        return;
      }
      case "binary":
      case "unary":
      case "mapBlocks": {
        const args = node.kind === "binary" ? node.args : node.kind === "unary" ? [node.arg] : node.inputs;
        for (const a of args) {
          if (typeof a === "number") continue;
          const lead = ref.shape.length - a.shape.length;
          visit(a, a.shape.map((n, d) => (n === 1 && ref.shape[d + lead] !== 1 ? 0 : idx[d + lead])));
        }
        return;
      }
      case "transpose": {
        const inv = node.axes.map((_, i) => node.axes.indexOf(i));
        visit(node.input, inv.map((d) => idx[d]));
        return;
      }
      case "concatenate": {
        let k = idx[node.axis];
        for (const input of node.inputs) {
          const nb = input.chunks[node.axis].length;
          if (k < nb) {
            const inIdx = [...idx];
            inIdx[node.axis] = k;
            visit(input, inIdx);
            return;
          }
          k -= nb;
        }
        return;
      }
      case "reduce": {
        for (const job of reducePlan(ref, idx).jobs) visit(node.input, job.inIdx);
        return;
      }
      default:
        return; // source, stored, generated values, rechunk, reshape: nothing planned
    }
  };
  for (const idx of blockIndices(root.chunks.map((c) => c.length))) {
    visit(root, idx);
    if (out.length >= limit) break;
  }
  return out;
}

/** Per file-backed leaf: the stored chunks its block `idx` needs decoded (none if cached). */
const leafJobs = new WeakMap<LazyRef, (idx: readonly number[]) => ChunkJob[]>();

/** Registers how leaf `x`'s blocks map to stored chunks. */
export function registerChunkJobs(x: LazyRef, jobsOf: (idx: readonly number[]) => ChunkJob[]): void {
  leafJobs.set(x, jobsOf);
}

/** The stored chunks computing `root` will decode, in the order it will need them. */
export function plannedJobs(root: LazyRef): ChunkJob[] {
  const out: ChunkJob[] = [];
  for (const { leaf, idx } of plannedBlocks(root, (r) => leafJobs.has(r))) out.push(...leafJobs.get(leaf)!(idx));
  return out;
}

/** Readers told of each compute before it starts (./zarr batches its fetches by it). */
const planners: ((root: LazyRef) => void)[] = [];

/** Registers `fn` to be told of every compute's root before it starts. */
export function onPlan(fn: (root: LazyRef) => void): void {
  planners.push(fn);
}

/** Tells the planners of a compute about to start. */
export function announcePlan(root: LazyRef): void {
  for (const fn of planners) fn(root);
}
