/**
 * One reduction task over one input block: the fused expression folded along the reduced axes
 * straight into the block's (keepdims-shaped) partial, in a single pass and with no chunk made.
 * Plain data in, plain data out, so the same function runs in the notebook's thread and in a
 * worker thread (reading shared-memory leaves in place) and gives bit-identical partials.
 */
import type { Storage } from "../np/dtype";
import { forEachLine } from "../np/iterate";
import { accumulateKernel, foldKernel, FoldOp } from "./fuse";

/** A leaf read by a fold: its typed array, first element and strides broadcast to the block. */
export interface FoldLeaf {
  data: Storage;
  offset: number;
  stride: readonly number[];
}

/** Folds `expr` over a block of `shape`, reducing `axes`; returns the C-order keepdims partial. */
export function foldBlock(expr: string, fold: FoldOp, leaves: readonly FoldLeaf[], shape: readonly number[], axes: readonly number[]): Float64Array {
  const k = leaves.length;
  const keep = shape.map((n, d) => (axes.includes(d) ? 1 : n));
  const O = new Float64Array(keep.reduce((a, b) => a * b, 1)).fill(fold === "sum" ? 0 : fold === "min" ? Infinity : -Infinity);
  // Partial strides broadcast to the block: 0 along reduced axes.
  const ostride = new Array<number>(shape.length);
  for (let d = shape.length - 1, s = 1; d >= 0; d--) {
    ostride[d] = keep[d] === 1 ? 0 : s;
    s *= keep[d];
  }
  const along = foldKernel(expr, k, fold);
  const across = accumulateKernel(expr, k, fold);
  const args: unknown[] = new Array(3 * k);
  forEachLine(shape, [...leaves, { stride: ostride, offset: 0 }], (offs, n, st) => {
    for (let i = 0; i < k; i++) {
      args[3 * i] = leaves[i].data;
      args[3 * i + 1] = offs[i];
      args[3 * i + 2] = st[i];
    }
    const oo = offs[k], os = st[k];
    if (os === 0) O[oo] = along(...args, n, O[oo]);
    else across(...args, O, oo, os, n);
  });
  return O;
}
