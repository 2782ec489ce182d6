/**
 * Advanced indexing, NumPy's way: integer arrays and boolean masks among the items of an index
 * (`a[[0, 2]]`, `a[a > 5]`, `a[1:, [0, 2]]`, `a[mask, 1]`). Unlike basic indexing
 * (indexing.ts), the result is always a new array: `a.get(np.array([0, 2]))` copies the rows it
 * picks, the point a views-vs-copies notebook makes.
 *
 * NumPy's rules, followed here:
 * - a boolean array of k dimensions stands for the k integer arrays of its `nonzero()`, and must
 *   have the shape of the k axes it indexes (a 1-D one of length 0 counts as an empty integer
 *   array, as in NumPy 1.24);
 * - the integer arrays broadcast together; once there is one, the plain integers of the index
 *   count among them too;
 * - where the advanced items sit next to each other, the broadcast dimensions replace them in
 *   place (`a[:, [0, 2]]` has shape (3, 2)); where a slice or `None` separates them, they come
 *   first (`a[[0, 1], None, [1, 2]]` has shape (2, 1));
 * - `set` writes the value, broadcast to that shape and cast to the array's dtype, into the
 *   selected elements (a repeated index keeps the last value written, as NumPy's does).
 *
 * The loops are module functions over explicit state, not closures over the result: a closure
 * over a new buffer kept it alive past lib/np's minor collections (iterate.ts, forEachLine).
 * A mask of the array's own shape (`a[a > 5]`) is read alongside the array, with no index
 * arrays made.
 */
import { allocate, allocateShaped, isIntegral, type Storage } from "./dtype";
import { tightShape, ValueError } from "./errors";
import { ELLIPSIS, resolveIndex, Slice, type Geometry, type IndexItem } from "./indexing";
import { broadcastShapes, forEachLine } from "./iterate";
import { array } from "./creation";
import { assign } from "./ufunc";
import { contiguousStrides, fmtShape, isNDArray, NDArray, type NestedList } from "./ndarray";

/** An index array: an integer or boolean NDArray, or nested lists of numbers or booleans. */
export type IndexArray = NDArray | readonly NestedList[];

type Basic = number | Slice | null;
type Item = Basic | { advanced: NDArray };

/** NumPy raises IndexError; lazylab's index errors are RangeErrors, as basic indexing's are. */
const indexError = (message: string) => new RangeError(message);

/** Whether the (flattened) items of an index hold an index array (every `get` asks: no closure). */
export function hasIndexArray(items: readonly unknown[]): boolean {
  for (const i of items) if (isNDArray(i) || Array.isArray(i)) return true;
  return false;
}

/** How many of a mask's elements are true. */
function countTrue(bits: Storage): number {
  let n = 0;
  for (let i = 0; i < bits.length; i++) if (bits[i]) n++;
  return n;
}

/** The integer arrays (int64) a boolean mask stands for: its nonzero(), in C order. */
function maskIndices(mask: NDArray): NDArray[] {
  const shape = mask.shape;
  const k = shape.length;
  const bits = mask.toContiguous();
  const count = countTrue(bits);
  const cols = shape.map(() => new Float64Array(count));
  const idx = new Array<number>(k).fill(0);
  for (let i = 0, n = 0; i < bits.length; i++) {
    if (bits[i]) {
      for (let d = 0; d < k; d++) cols[d][n] = idx[d];
      n++;
    }
    for (let d = k - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return cols.map((c) => new NDArray(c, [count], "int64"));
}

type Raw = Basic | typeof ELLIPSIS | { advanced: NDArray } | { mask: NDArray };

/** The index's items with `...` expanded, index arrays made NDArrays and masks integer arrays. */
function resolve(items: readonly unknown[], shape: readonly number[]): Item[] {
  const ndim = shape.length;
  const raw: Raw[] = [];
  for (const item of items) {
    if (isNDArray(item) || Array.isArray(item)) {
      const a = isNDArray(item) ? item : (item as unknown[]).length === 0 ? array([], { dtype: "int64" }) : array(item as NestedList);
      if (a.dtype === "bool" && !(a.ndim === 1 && a.size === 0)) raw.push({ mask: a });
      else if (a.dtype === "bool") raw.push({ advanced: array([], { dtype: "int64" }) });
      else if (!isIntegral(a.dtype)) throw indexError("arrays used as indices must be of integer (or boolean) type");
      else raw.push({ advanced: a });
    } else {
      raw.push(...(resolveIndex([item as IndexItem]) as Raw[]));
    }
  }
  const consumes = (r: Raw) => (r === null || r === ELLIPSIS ? 0 : typeof r === "object" && "mask" in r ? r.mask.ndim : 1);
  const consuming = raw.reduce<number>((s, r) => s + consumes(r), 0);
  const ellipses = raw.filter((r) => r === ELLIPSIS).length;
  if (ellipses > 1) throw new SyntaxError("an index can only have a single ellipsis ('...')");
  if (consuming > ndim) throw indexError(`too many indices for array: array is ${ndim}-dimensional, but ${consuming} were indexed`);
  const full: Raw[] = [];
  for (const r of raw) {
    if (r === ELLIPSIS) for (let k = 0; k < ndim - consuming; k++) full.push(new Slice());
    else full.push(r);
  }
  if (ellipses === 0) for (let k = consuming; k < ndim; k++) full.push(new Slice());
  const out: Item[] = [];
  let axis = 0;
  for (const r of full) {
    if (r !== null && typeof r === "object" && "mask" in r) {
      const m = r.mask;
      for (let d = 0; d < m.ndim; d++) {
        if (m.shape[d] !== shape[axis + d]) {
          throw indexError(`boolean index did not match indexed array along dimension ${axis + d}; dimension is ${shape[axis + d]} but corresponding boolean dimension is ${m.shape[d]}`);
        }
      }
      for (const advanced of maskIndices(m)) out.push({ advanced });
      axis += m.ndim;
    } else {
      out.push(r as Item);
      if (r !== null) axis++;
    }
  }
  return out;
}

/**
 * What an advanced index selects: the result's shape, and the storage offsets of its elements
 * in C order as three nested parts: the basic dimensions before the advanced block (`pre`), the
 * block (`adv`, one offset per element of the broadcast shape), and the basic dimensions after
 * it (`post`).
 */
interface Selection {
  shape: number[];
  offset: number;
  pre: { n: number[]; s: number[] };
  adv: Float64Array;
  post: { n: number[]; s: number[] };
}

/** The values of `a` broadcast to `shape`, in C order (assign's broadcasting). */
function broadcastValues(a: NDArray, shape: readonly number[]): Storage {
  const out = new NDArray(allocateShaped(a.dtype, shape, true), shape, a.dtype);
  assign(out, a);
  return out.nd.data;
}

function select(g: Geometry, items: readonly unknown[]): Selection {
  const resolved = resolve(items, g.shape);
  const isAdv = (i: Item) => typeof i === "number" || (i !== null && typeof i === "object" && "advanced" in i);
  const advAt = resolved.map((i, k) => (isAdv(i) ? k : -1)).filter((k) => k >= 0);
  const arrays = advAt.map((k) => {
    const i = resolved[k];
    return typeof i === "number" ? array(i, { dtype: "int64" }) : (i as { advanced: NDArray }).advanced;
  });
  let bshape: number[];
  try {
    bshape = broadcastShapes(...arrays.map((a) => a.shape));
  } catch {
    throw indexError(`shape mismatch: indexing arrays could not be broadcast together with shapes ${arrays.map((a) => fmtShape(a.shape)).join(" ")} `);
  }
  const adjacent = advAt.every((k, j) => j === 0 || k === advAt[j - 1] + 1);
  const pre = { n: [] as number[], s: [] as number[] };
  const post = { n: [] as number[], s: [] as number[] };
  const advAxes: number[] = [];
  let offset = g.offset;
  let axis = 0;
  for (const item of resolved) {
    const basic = adjacent && advAxes.length === 0 ? pre : post;
    if (item === null) {
      basic.n.push(1);
      basic.s.push(0);
    } else if (item instanceof Slice) {
      const { start, step, length } = item.indices(g.shape[axis]);
      if (length > 0) offset += start * g.stride[axis];
      basic.n.push(length);
      basic.s.push(g.stride[axis] * step);
      axis++;
    } else {
      advAxes.push(axis++);
    }
  }
  const bsize = bshape.reduce((x, y) => x * y, 1);
  const adv = new Float64Array(bsize);
  arrays.forEach((a, j) => {
    const ax = advAxes[j];
    const n = g.shape[ax];
    const st = g.stride[ax];
    const values = broadcastValues(a, bshape);
    for (let b = 0; b < bsize; b++) {
      const i = values[b];
      if (i < -n || i >= n) throw indexError(`index ${i} is out of bounds for axis ${ax} with size ${n}`);
      adv[b] += (i < 0 ? i + n : i) * st;
    }
  });
  return { shape: [...pre.n, ...bshape, ...post.n], offset, pre, adv, post };
}

/**
 * Copies between the selected elements of `a` (storage offsets from the selection) and the C
 * order of `c`: `toC` gathers a's elements into c, else c's are scattered into a.
 */
function move(sel: Selection, a: Storage, c: Storage, toC: boolean): void {
  const { pre, post, adv } = sel;
  const size = (d: number[]) => d.reduce((x, y) => x * y, 1);
  const npre = size(pre.n);
  const npost = size(post.n);
  const pi = new Array<number>(pre.n.length).fill(0);
  const qi = new Array<number>(post.n.length).fill(0);
  let k = 0;
  let po = sel.offset;
  for (let p = 0; p < npre; p++) {
    for (let b = 0; b < adv.length; b++) {
      let qo = po + adv[b];
      for (let q = 0; q < npost; q++) {
        if (toC) c[k++] = a[qo];
        else a[qo] = c[k++];
        for (let d = post.n.length - 1; d >= 0; d--) {
          qo += post.s[d];
          if (++qi[d] < post.n[d]) break;
          qo -= post.s[d] * post.n[d];
          qi[d] = 0;
        }
      }
    }
    for (let d = pre.n.length - 1; d >= 0; d--) {
      po += pre.s[d];
      if (++pi[d] < pre.n[d]) break;
      po -= pre.s[d] * pre.n[d];
      pi[d] = 0;
    }
  }
}

/** The bits (C order) of a mask of the array's own shape that is all the index holds (`a[a > 5]`). */
function wholeMask(a: NDArray, items: readonly unknown[]): Storage | undefined {
  if (items.length !== 1 || !isNDArray(items[0])) return undefined;
  const m = items[0];
  if (m.dtype !== "bool" || m.ndim !== a.ndim || m.ndim === 0 || m.shape.some((n, d) => n !== a.shape[d])) return undefined;
  return m.toContiguous();
}

interface MaskedMove {
  data: Storage;
  bits: Storage;
  c: Storage;
  k: number;
  toC: boolean;
}

/** One line of a beside the same line of the mask: the selected elements to/from c. */
function maskedLine(off: number[], n: number, st: number[], s: MaskedMove): void {
  for (let i = 0; i < n; i++) {
    if (!s.bits[off[1] + i * st[1]]) continue;
    if (s.toC) s.c[s.k++] = s.data[off[0] + i * st[0]];
    else s.data[off[0] + i * st[0]] = s.c[s.k++];
  }
}

/** Visits a's elements in C order beside the mask's bits (C order, forEachLine); moves the selected ones to/from c. */
function moveMasked(a: NDArray, bits: Storage, c: Storage, toC: boolean): void {
  const ops = [{ stride: a.nd.stride, offset: a.nd.offset }, { stride: contiguousStrides(a.shape), offset: 0 }];
  forEachLine(a.shape, ops, maskedLine, { data: a.nd.data, bits, c, k: 0, toC });
}

/** `a[index]` with index arrays: a new C-ordered array of a's dtype. */
export function getAdvanced(a: NDArray, items: readonly unknown[]): NDArray {
  const bits = wholeMask(a, items);
  if (bits) {
    const n = countTrue(bits);
    const out = allocate(a.dtype, n, true);
    moveMasked(a, bits, out, true);
    return new NDArray(out, [n], a.dtype);
  }
  const sel = select(a.geometry(), items);
  const out = allocateShaped(a.dtype, sel.shape, true);
  move(sel, a.nd.data, out, true);
  return new NDArray(out, sel.shape, a.dtype);
}

/** `a[index] = value` with index arrays: value broadcast to the selection's shape, cast to a's dtype. */
export function setAdvanced(a: NDArray, items: readonly unknown[], value: NDArray | NestedList): void {
  const bits = wholeMask(a, items);
  const shape = bits ? [countTrue(bits)] : undefined;
  const sel = bits ? undefined : select(a.geometry(), items);
  const into = shape ?? sel!.shape;
  const target = new NDArray(allocateShaped(a.dtype, into, true), into, a.dtype);
  try {
    assign(target, value);
  } catch (e) {
    if (!(e instanceof ValueError) || (!isNDArray(value) && !Array.isArray(value))) throw e;
    const given = isNDArray(value) ? value.shape : array(value as NestedList).shape;
    throw new ValueError(`shape mismatch: value array of shape ${tightShape(given)} could not be broadcast to indexing result of shape ${tightShape(into)}`);
  }
  if (bits) moveMasked(a, bits, target.nd.data, false);
  else move(sel!, a.nd.data, target.nd.data, false);
}
