/**
 * The strided loop machinery under every elementwise operation: broadcasting shapes, and
 * walking several strided operands together one innermost line at a time, after merging
 * axes that are contiguous for all of them (a C-contiguous array becomes a single line,
 * so the kernels run as plain `for (i...)` loops over typed arrays).
 */
import { fmtShape } from "./ndarray";

/** A strided operand: element strides and offset into its typed array. */
export interface Strided {
  stride: readonly number[];
  offset: number;
}

/** NumPy's broadcasting of shapes, with NumPy's error message. */
export function broadcastShapes(...shapes: (readonly number[])[]): number[] {
  const ndim = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(ndim).fill(1);
  for (const s of shapes) {
    for (let k = 0; k < s.length; k++) {
      const d = ndim - s.length + k;
      const n = s[k];
      if (n === out[d] || n === 1) continue;
      if (out[d] === 1) out[d] = n;
      else throw new RangeError(`operands could not be broadcast together with shapes ${shapes.map(fmtShape).join(" ")}`);
    }
  }
  return out;
}

/** Strides of an operand of `shape` broadcast to `target` (0 on broadcast axes). */
export function broadcastStrides(shape: readonly number[], stride: readonly number[], target: readonly number[]): number[] {
  const out = new Array<number>(target.length).fill(0);
  for (let k = 0; k < shape.length; k++) {
    const d = target.length - shape.length + k;
    out[d] = shape[k] === 1 ? 0 : stride[k];
  }
  return out;
}

/**
 * Calls `line(offsets, n, strides, state)` for every innermost line of `shape`, where
 * offsets[j] is operand j's starting offset and strides[j] its innermost stride. Axes are
 * merged where every operand is contiguous across them.
 *
 * `state` is for what the line needs (the operands' buffers), so that callers making new
 * arrays can pass a module-level `line` instead of a closure over their buffers: with the
 * executor's `--no-lazy-feedback-allocation`, a closure over a new result (through the call
 * site's feedback here, which the young-generation collector treats as a root) kept that
 * result's buffer alive past the minor collections lib/np runs before large buffers, until
 * a full one (measured: `r = x ** 2` over 4000² held a dead 128 MB result at every minor
 * collection, and lib/np/dtype.ts ran a full collection every second call, 5-16 ms each).
 */
export function forEachLine<S = undefined>(
  shape: readonly number[],
  ops: readonly Strided[],
  line: (offsets: number[], n: number, strides: number[], state: S) => void,
  state?: S,
): void {
  const k = ops.length;
  for (const n of shape) if (n === 0) return;
  const { dims, strides } = mergeAxes(shape, ops);
  const offsets = ops.map((op) => op.offset);
  if (dims.length === 0) {
    line(offsets, 1, ops.map(() => 1), state as S);
    return;
  }
  // dims/strides are innermost-first now.
  const inner = dims[0];
  const innerStrides = strides.map((s) => s[0]);
  const outer = dims.length - 1;
  if (outer === 0) {
    line(offsets, inner, innerStrides, state as S);
    return;
  }
  const counter = new Array<number>(outer).fill(0);
  const cur = offsets.slice();
  for (;;) {
    line(cur.slice(), inner, innerStrides, state as S);
    let d = 0;
    for (; d < outer; d++) {
      const ax = d + 1;
      counter[d]++;
      for (let j = 0; j < k; j++) cur[j] += strides[j][ax];
      if (counter[d] < dims[ax]) break;
      for (let j = 0; j < k; j++) cur[j] -= strides[j][ax] * dims[ax];
      counter[d] = 0;
    }
    if (d === outer) return;
  }
}

/**
 * The axes of `shape` after merging those every operand walks contiguously across, and
 * dropping length-1 axes: dims and each operand's strides, innermost first.
 */
export function mergeAxes(shape: readonly number[], ops: readonly Strided[]): { dims: number[]; strides: number[][] } {
  const dims: number[] = [];
  const strides: number[][] = ops.map(() => []);
  for (let d = shape.length - 1; d >= 0; d--) {
    const n = shape[d];
    if (n === 1) continue;
    const last = dims.length - 1;
    if (last >= 0 && ops.every((op, j) => op.stride[d] === strides[j][last] * dims[last])) {
      dims[last] *= n;
      continue;
    }
    dims.push(n);
    for (let j = 0; j < ops.length; j++) strides[j].push(ops[j].stride[d]);
  }
  return { dims, strides };
}
