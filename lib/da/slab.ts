/**
 * Walking a block two merged axes at a time. np's `forEachLine` calls its kernel once per
 * innermost line; a block of 1000×1000 taken from a 4000-wide array is 1,000 lines, and each
 * call through a spread argument list cost about as much as the line's arithmetic (a fold
 * measured ~3.5 ns/element through per-line calls against ~1.3 with one call per block). Here
 * the two innermost merged axes are one "slab" and the fused kernels (fuse.ts) loop over both
 * themselves, so a typical block is one call. Lines are visited in exactly `forEachLine`'s
 * order, so every result is the same bit for bit.
 */
import type { Storage } from "../np/dtype";
import { mergeAxes, type Strided } from "../np/iterate";

/**
 * The slabs of a shape for some operands after np's `mergeAxes` (the merging `forEachLine`
 * does): each slab is `m` lines of `n` elements, operand j's line i starting at
 * `starts[s][j] + i*outer[j]` with element stride `inner[j]`. Slabs (and the lines in them)
 * are in `forEachLine`'s order. No slab if the shape has a zero.
 */
export interface Slabs {
  n: number;
  m: number;
  inner: number[];
  outer: number[];
  starts: number[][];
}

/** The {@link Slabs} of `shape` for operands `ops`. */
export function slabsOf(shape: readonly number[], ops: readonly Strided[]): Slabs {
  const k = ops.length;
  const offsets = ops.map((op) => op.offset);
  const none = { n: 0, m: 0, inner: ops.map(() => 1), outer: ops.map(() => 0), starts: [] };
  for (const n of shape) if (n === 0) return none;
  // dims/strides are innermost-first.
  const { dims, strides } = mergeAxes(shape, ops);
  if (dims.length === 0) return { ...none, n: 1, m: 1, starts: [offsets] };
  const inner = strides.map((s) => s[0]);
  if (dims.length === 1) return { n: dims[0], m: 1, inner, outer: ops.map(() => 0), starts: [offsets] };
  const outer = strides.map((s) => s[1]);
  const starts: number[][] = [];
  const rest = dims.length - 2;
  const counter = new Array<number>(rest).fill(0);
  const cur = offsets.slice();
  for (;;) {
    starts.push(cur.slice());
    let d = 0;
    for (; d < rest; d++) {
      const ax = d + 2;
      counter[d]++;
      for (let j = 0; j < k; j++) cur[j] += strides[j][ax];
      if (counter[d] < dims[ax]) break;
      for (let j = 0; j < k; j++) cur[j] -= strides[j][ax] * dims[ax];
      counter[d] = 0;
    }
    if (d === rest) return { n: dims[0], m: dims[1], inner, outer, starts };
  }
}

/** Calls `slab(offsets, n, m, inner, outer)` for every slab of {@link slabsOf}, in order. */
export function forEachSlab(
  shape: readonly number[],
  ops: readonly Strided[],
  slab: (offsets: number[], n: number, m: number, inner: number[], outer: number[]) => void,
): void {
  const s = slabsOf(shape, ops);
  for (const start of s.starts) slab(start, s.n, s.m, s.inner, s.outer);
}

/**
 * Runs a map slab kernel (fuse.ts `mapSlabKernel`) over `shape`: leaf i read from `leaves[i].data` (its offset and
 * strides broadcast to `shape`), written into `o` from `oOffset` with strides `oStride`.
 */
export function writeSlabs(kernel: (...args: unknown[]) => void, leaves: readonly { data: Storage; stride: readonly number[]; offset: number }[], shape: readonly number[], o: Storage, oOffset: number, oStride: readonly number[]): void {
  const k = leaves.length;
  const args: unknown[] = new Array(4 * k + 6);
  forEachSlab(shape, [...leaves, { stride: oStride, offset: oOffset }], (offs, n, m, inner, outer) => {
    for (let i = 0; i < k; i++) {
      args[4 * i] = leaves[i].data;
      args[4 * i + 1] = offs[i];
      args[4 * i + 2] = inner[i];
      args[4 * i + 3] = outer[i];
    }
    args[4 * k] = o;
    args[4 * k + 1] = offs[k];
    args[4 * k + 2] = inner[k];
    args[4 * k + 3] = outer[k];
    args[4 * k + 4] = n;
    args[4 * k + 5] = m;
    kernel(...args);
  });
}
