/**
 * Reduction tasks over input blocks: the fused expression folded along the reduced axes
 * straight into each block's (keepdims-shaped) partial, in a single pass and with no chunk
 * made. Plain data in, plain data out, so the same functions run in the notebook's thread and
 * in a worker thread (reading shared-memory leaves in place) and give bit-identical partials.
 */
import type { Storage } from "../np/dtype";
import { NDArray } from "../np/ndarray";
import { native } from "../np/native";
import { foldBandKernel, FoldOp, machineOn, mapSlabKernel } from "./fuse";
import { slabsOf, writeSlabs } from "./slab";
import type { Program } from "./machine";

/** A leaf read by a fold: its typed array, first element and strides broadcast to the block. */
export interface FoldLeaf {
  data: Storage;
  offset: number;
  stride: readonly number[];
}

/** A leaf of a band: the typed array and strides every part reads it with. */
export interface BandLeaf {
  data: Storage;
  stride: readonly number[];
}

/** One input block of a band: where each leaf's block starts, and the block's shape. */
export interface BandPart {
  offsets: number[];
  shape: number[];
}

/** The keepdims shape of a block's partial and its strides broadcast to the block (0 along reduced axes). */
function partialLayout(shape: readonly number[], axes: readonly number[]): { size: number; stride: number[] } {
  const keep = shape.map((n, d) => (axes.includes(d) ? 1 : n));
  const stride = new Array<number>(shape.length);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    stride[d] = keep[d] === 1 ? 0 : s;
    s *= keep[d];
  }
  return { size: s, stride };
}

const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * How many elements each output of a block's sum adds as one run in NumPy's reduction of the
 * block's C-contiguous chunk (lib/np/float-sum.ts, floatSum): the trailing reduced axes
 * (lengths of 1 left out), 1 when the last axis is kept.
 */
function runLength(shape: readonly number[], axes: readonly number[]): number {
  let run = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] === 1) continue;
    if (!axes.includes(d)) break;
    run *= shape[d];
  }
  return run;
}

/**
 * The sum partial of a block whose runs span several lines of its leaves (say all of a block
 * taken from a wider array): NumPy's pieces of BUFSIZE run across the lines, which the band
 * kernels, a line at a time, do not follow. The machine sums it in NumPy's order over the
 * block's C order (machineMoments without its second sum); without the machine the block is
 * made as a chunk and summed by lib/np, as Dask sums it.
 */
function sumRuns(expr: string, leaves: readonly FoldLeaf[], shape: readonly number[], axes: readonly number[], program: Program | undefined): Float64Array {
  const { size, stride } = partialLayout(shape, axes);
  if (program && machineOn()) {
    const dims = shape.flatMap((n, d) => (n > 1 ? [d] : []));
    const total = new Float64Array(size);
    runMoments(program, leaves.map((l) => ({ data: l.data, offset: l.offset, stride: dims.map((d) => l.stride[d]) })), dims.map((d) => shape[d]), dims.map((d) => stride[d]), 1, total, new Float64Array(0));
    return total;
  }
  const block = new Float64Array(shape.reduce((a, b) => a * b, 1));
  const cStride = new Array<number>(shape.length);
  for (let d = shape.length - 1, s = 1; d >= 0; d--) {
    cStride[d] = s;
    s *= shape[d];
  }
  writeSlabs(mapSlabKernel(expr, leaves.length), leaves, shape, block, 0, cStride);
  return (new NDArray(block, [...shape], "float64").sum({ axis: [...axes], keepdims: true }) as NDArray).nd.data as Float64Array;
}

/**
 * Folds `expr` over each part of a band (blocks whose leaves share arrays and strides, usually
 * a row of blocks), reducing `axes`; returns the parts' C-order keepdims partials one after the
 * other. When every part is one slab of the same lines, the parts are read line by line
 * across them (memory order for a row of blocks); otherwise one part after the other. Either
 * way each partial is what {@link foldBlock} gives for its block alone. `program`: as in
 * {@link foldBlock}.
 */
export function foldBand(expr: string, fold: FoldOp, leaves: readonly BandLeaf[], parts: readonly BandPart[], axes: readonly number[], program?: Program): Float64Array {
  const k = leaves.length;
  const layouts = parts.map((p) => partialLayout(p.shape, axes));
  const bases: number[] = [];
  let total = 0;
  for (const l of layouts) {
    bases.push(total);
    total += l.size;
  }
  const O = new Float64Array(total).fill(fold === "min" ? Infinity : fold === "max" ? -Infinity : 0);
  const kernel = foldBandKernel(expr, k, fold, program);
  const slabs = parts.map((p, g) => slabsOf(p.shape, [...leaves.map((l, i) => ({ stride: l.stride, offset: p.offsets[i] })), { stride: layouts[g].stride, offset: bases[g] }]));
  const args: unknown[] = new Array(3 * k + 8);
  const run = (P: number[], N: number[], R: number[], m: number, inner: number[], outer: number[]) => {
    for (let i = 0; i < k; i++) {
      args[3 * i] = leaves[i].data;
      args[3 * i + 1] = inner[i];
      args[3 * i + 2] = outer[i];
    }
    args[3 * k] = P;
    args[3 * k + 1] = N;
    args[3 * k + 2] = R;
    args[3 * k + 3] = N.length;
    args[3 * k + 4] = m;
    args[3 * k + 5] = O;
    args[3 * k + 6] = inner[k];
    args[3 * k + 7] = outer[k];
    kernel(...args);
  };
  // An exact sum (integer values) has NumPy's bits in any order: its lines go one by one.
  if (fold === "sum" && slabs.some((s, g) => s.starts.length > 0 && s.inner[k] === 0 && s.n !== runLength(parts[g].shape, axes))) {
    parts.forEach((p, g) => {
      const s = slabs[g];
      if (s.starts.length > 0 && s.inner[k] === 0 && s.n !== runLength(p.shape, axes))
        O.set(sumRuns(expr, leaves.map((l, i) => ({ data: l.data, stride: l.stride, offset: p.offsets[i] })), p.shape, axes, program), bases[g]);
      else for (const start of s.starts) run(start.slice(0, k), [s.n], [start[k]], s.m, s.inner, s.outer);
    });
    return O;
  }
  const s0 = slabs[0];
  if (parts.length > 1 && slabs.every((s) => s.starts.length === 1 && s.m === s0.m && same(s.inner, s0.inner) && same(s.outer, s0.outer))) {
    run(slabs.flatMap((s) => s.starts[0].slice(0, k)), slabs.map((s) => s.n), slabs.map((s) => s.starts[0][k]), s0.m, s0.inner, s0.outer);
    return O;
  }
  for (const s of slabs) for (const start of s.starts) run(start.slice(0, k), [s.n], [start[k]], s.m, s.inner, s.outer);
  return O;
}

/**
 * Folds `expr` over a block of `shape`, reducing `axes`; returns the C-order keepdims partial.
 * With `program` (the same expression compiled by machine.ts) the native expression machine
 * runs it when the addon is there, with the same bits.
 */
export function foldBlock(expr: string, fold: FoldOp, leaves: readonly FoldLeaf[], shape: readonly number[], axes: readonly number[], program?: Program): Float64Array {
  return foldBand(expr, fold, leaves, [{ offsets: leaves.map((l) => l.offset), shape: [...shape] }], axes, program);
}

/** var/std's partial of one block (Dask's moment_chunk): its element count, the sum and the sum of squared deviations from sum / count (keepdims-shaped, C order). */
export interface Moments {
  count: number;
  total: Float64Array;
  m2: Float64Array;
}

/**
 * var/std's partial of a block of `shape` reducing `axes`, computed by the native expression
 * machine from `program` (the block's fused expression) without making the block: the same
 * bits as the JavaScript path, which makes the block as a chunk and takes NumPy-ordered sums
 * of it (evaluate.ts, partialOf: the sum, then the sum of (x - sum / n)²). Undefined when the
 * machine is off or the block is empty: the caller keeps that path, which also serves every
 * expression without a program (the JavaScript fold's fallback).
 */
export function momentsBlock(program: Program, leaves: readonly FoldLeaf[], shape: readonly number[], axes: readonly number[]): Moments | undefined {
  if (!machineOn() || shape.some((n) => n === 0)) return undefined;
  const { size, stride } = partialLayout(shape, axes);
  const count = axes.reduce((p, a) => p * shape[a], 1);
  // Dimensions of length 1 change neither NumPy's order nor any offset: left out.
  const dims = shape.flatMap((n, d) => (n > 1 ? [d] : []));
  const total = new Float64Array(size), m2 = new Float64Array(size);
  runMoments(program, leaves.map((l) => ({ data: l.data, offset: l.offset, stride: dims.map((d) => l.stride[d]) })), dims.map((d) => shape[d]), dims.map((d) => stride[d]), count, total, m2);
  return { count, total, m2 };
}

/** machineMoments over a block already without dimensions of length 1 (none at all: one element); an empty m2 takes the sums only. */
function runMoments(program: Program, leaves: readonly FoldLeaf[], shape: readonly number[], ostride: readonly number[], count: number, total: Float64Array, m2: Float64Array): void {
  const one = shape.length === 0;
  native!.machineMoments(
    program.code,
    program.consts,
    leaves.map((l) => l.data),
    leaves.map((l) => l.offset),
    leaves.flatMap((l) => (one ? [0] : l.stride)),
    one ? [1] : [...shape],
    one ? [0] : [...ostride],
    count,
    total,
    m2,
  );
}

/**
 * A band of equal blocks side by side, each leaf's blocks a constant step apart, as one block
 * with the parts as a kept dimension just before the last: the machine then reads line j of
 * every part before line j+1 (memory order for a row of blocks, as foldBand reads). Each
 * part's outputs keep their own elements in their own C order, so the same sums, unless the
 * last two dimensions are both reduced (they form one run of NumPy's, which the parts'
 * dimension would cut): then undefined, and the parts go one after the other.
 */
function bandMoments(program: Program, leaves: readonly BandLeaf[], parts: readonly BandPart[], axes: readonly number[]): Float64Array | undefined {
  const G = parts.length, shape = parts[0].shape;
  if (G < 2 || !machineOn() || shape.some((n) => n === 0) || parts.some((p) => !same(p.shape, shape))) return undefined;
  const steps = leaves.map((_, i) => parts[1].offsets[i] - parts[0].offsets[i]);
  if (!parts.every((p, g) => p.offsets.every((o, i) => o === parts[0].offsets[i] + g * steps[i]))) return undefined;
  const dims = shape.flatMap((n, d) => (n > 1 ? [d] : []));
  const r = dims.length;
  if (r === 0 || (r >= 2 && axes.includes(dims[r - 1]) && axes.includes(dims[r - 2]))) return undefined;
  const { size, stride } = partialLayout(shape, axes);
  const count = axes.reduce((p, a) => p * shape[a], 1);
  const at = (xs: number[], g: number) => [...xs.slice(0, r - 1), g, xs[r - 1]];
  const total = new Float64Array(G * size), m2 = new Float64Array(G * size);
  runMoments(
    program,
    leaves.map((l, i) => ({ data: l.data, offset: parts[0].offsets[i], stride: at(dims.map((d) => l.stride[d]), steps[i]) })),
    at(dims.map((d) => shape[d]), G),
    at(dims.map((d) => stride[d]), size),
    count,
    total,
    m2,
  );
  const out = new Float64Array(2 * G * size);
  for (let g = 0; g < G; g++) {
    out.set(total.subarray(g * size, (g + 1) * size), 2 * g * size);
    out.set(m2.subarray(g * size, (g + 1) * size), (2 * g + 1) * size);
  }
  return out;
}

/**
 * {@link momentsBlock} over each part of a band (a pool task: scheduler/bands.ts): each part's
 * sums, then its sums of squared deviations, the parts one after the other.
 */
export function momentsBand(program: Program, leaves: readonly BandLeaf[], parts: readonly BandPart[], axes: readonly number[]): Float64Array {
  const band = bandMoments(program, leaves, parts, axes);
  if (band) return band;
  const all = parts.map((p) => {
    const m = momentsBlock(program, leaves.map((l, i) => ({ data: l.data, stride: l.stride, offset: p.offsets[i] })), p.shape, axes);
    if (!m) throw new Error("var/std: the expression machine is not available in this thread");
    return m;
  });
  const out = new Float64Array(all.reduce((n, m) => n + 2 * m.total.length, 0));
  let at = 0;
  for (const m of all) {
    out.set(m.total, at);
    out.set(m.m2, at + m.total.length);
    at += 2 * m.total.length;
  }
  return out;
}
