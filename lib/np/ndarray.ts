/**
 * `NDArray`: lazylab's eager n-dimensional array, NumPy's `ndarray` in TypeScript.
 *
 * Storage is a scijs `ndarray` (data, shape, stride, offset): a view shares `data` with its
 * base and differs only in those four, which is what "view vs copy" means. Arithmetic,
 * reductions and creation live in their own modules (ufunc.ts, reduce.ts, creation.ts);
 * this class wires them as methods so `x.add(1).sum()` reads like NumPy.
 */
import type ndarray from "ndarray";
import { inspect } from "node:util";
import { ndView } from "./ndview";
import { allocateShaped, checkDType, coerce, DType, isIntegral, itemsize, Storage } from "./dtype";
import { applyIndex, Index, IndexItem } from "./indexing";
import { getAdvanced, hasIndexArray, setAdvanced } from "./advanced";
import { MIME_BUNDLE, MimeBundle } from "../display/mime";
import { SIZEOF } from "../sys/sizeof";
import { ValueError } from "./errors";
import { arrayHtml, arrayRepr, arrayStr } from "./format";
import { ArrayFlags } from "./flags";
import * as uf from "./ufunc";
import * as rd from "./reduce";
import * as sh from "./shaping";
import * as sel from "./select";
import * as cu from "./cumulative";
import * as so from "./sorting";
import * as la from "./linalg";
import * as se from "./searching";
import * as dg from "./diagonal";

/** A scalar or array operand of arithmetic. */
export type Operand = NDArray | number | boolean;
/** Nested JS arrays of numbers/booleans, as `tolist()` returns and `np.array` accepts. */
export type NestedList = number | boolean | NestedList[];

/** Options of the reductions. */
export interface ReduceOptions {
  /** Axis or axes to reduce (negative counts from the end); all axes when omitted. */
  axis?: number | readonly number[] | null;
  /** Keep reduced axes with length 1. */
  keepdims?: boolean;
}

/**
 * An array's strided storage, a scijs `ndarray` (data, shape, stride, offset): `np.NdView` in a
 * cell's types. An interface of lazylab's own, its views NdViews too, so that a cell's
 * `const v = a.nd` can be carried to later cells: a declaration cannot name the types of a
 * package only lazylab depends on (@types/ndarray).
 */
export interface NdView extends ndarray.NdArray<Storage> {
  lo(...args: number[]): NdView;
  hi(...args: number[]): NdView;
  step(...args: number[]): NdView;
  transpose(...args: number[]): NdView;
  pick(...args: Array<number | null>): NdView;
  T: NdView;
}

let nextId = 1;

export class NDArray {
  /** The strided storage (scijs ndarray). Its `data` is shared by all views of one buffer. */
  readonly nd: NdView;
  /** Element type, spelled as NumPy does. */
  readonly dtype: DType;
  /** The array this one is a view of (always the owner, as NumPy), or null if it owns its data. */
  readonly base: NDArray | null;
  /** @internal identity for bookkeeping (retainers). */
  readonly id = nextId++;
  /**
   * Prints as `array(...)` whatever its owner is: an item view (`get`) of a memmap that is not
   * over a file (a memmap's copy), as NumPy's `memmap.__getitem__` returns an ndarray for it;
   * views made from such a view inherit it.
   */
  private plainView = false;
  /** Made read-only (`a.flags.writeable = false`), or a view made from such an array, as NumPy's. */
  private readonlyFlag = false;

  /**
   * @internal Use `np.array`, `np.zeros`, ... to make arrays. `base`: for a view, the array it
   * is made from (its owner is kept; a plain view's printing is inherited).
   */
  constructor(data: Storage, shape: readonly number[], dtype: DType, base: NDArray | null = null, stride?: readonly number[], offset = 0) {
    this.dtype = dtype;
    this.base = base === null ? null : (base.base ?? base);
    if (base?.plainView) this.plainView = true;
    if (base?.readonlyFlag) this.readonlyFlag = true;
    // A scijs ndarray view (lib/np/ndview.ts), which copies the shape and strides it is given.
    this.nd = ndView(data, shape, stride ?? contiguousStrides(shape), offset);
  }

  // ---- attributes -----------------------------------------------------------------

  /** Dimensions. */
  get shape(): number[] {
    return [...this.nd.shape];
  }
  /** Number of dimensions. */
  get ndim(): number {
    return this.nd.shape.length;
  }
  /** Number of elements. */
  get size(): number {
    let n = 1;
    for (const d of this.nd.shape) n *= d;
    return n;
  }
  /** Bytes per element. */
  get itemsize(): number {
    return itemsize(this.dtype);
  }
  /** Bytes of the elements (not of the underlying buffer a view may share). */
  get nbytes(): number {
    return this.size * this.itemsize;
  }
  /** Byte steps between elements along each axis, as NumPy reports them. */
  get strides(): number[] {
    return this.nd.stride.map((s) => s * this.itemsize);
  }
  /** The typed array holding the elements (shared with views). */
  get data(): Storage {
    return this.nd.data;
  }
  /** The transpose (a view). */
  get T(): NDArray {
    return this.transpose();
  }
  /**
   * Whether the elements may be written (NumPy's `flags.writeable`): false for a memmap opened
   * read-only and its views, whose writes through lib/np raise NumPy's ValueError.
   */
  get writeable(): boolean {
    return !this.readonlyFlag && (this.base ?? this).ownsWriteableMemory();
  }
  /**
   * @internal NumPy's `a.flags.writeable = flag` (through {@link flags}): false makes this array,
   * and views made from it afterwards, read-only; true again only where the memory may be written
   * (not a view of a read-only array, nor a read-only memmap), as NumPy's.
   */
  setWriteable(flag: boolean): void {
    const owner = this.base ?? this;
    if (flag && (!owner.ownsWriteableMemory() || (owner !== this && owner.readonlyFlag))) throw new ValueError("cannot set WRITEABLE flag to True of this array");
    this.readonlyFlag = !flag;
  }

  /** @internal Whether the memory this array owns may be written (a read-only memmap's may not). */
  protected ownsWriteableMemory(): boolean {
    return true;
  }
  /** @internal The name the repr starts with: "array", "memmap" for a memmap and its views. */
  protected reprName(): string {
    return "array";
  }
  /** @internal Whether item views (`get`) of this owner print as plain arrays (a memmap's copy's do). */
  protected itemViewsPlain(): boolean {
    return false;
  }
  /**
   * @internal A new owner of `shape` for a copy of this owner's elements (not zeroed: the caller
   * writes every element): a plain array, or a memmap in memory for a memmap (NumPy's copy,
   * astype and flatten keep the subclass).
   */
  protected copyOwner(shape: readonly number[], dtype: DType): NDArray {
    return new NDArray(allocateShaped(dtype, shape, true), shape, dtype);
  }
  /** The owner a copy of this array is written into (see copyOwner; an item view of a memmap's copy copies into a plain array). */
  private copyTarget(shape: readonly number[], dtype: DType): NDArray {
    return this.plainView ? NDArray.prototype.copyOwner.call(this, shape, dtype) : (this.base ?? this).copyOwner(shape, dtype);
  }
  /** True when the elements are contiguous in C (row-major) order. */
  get isContiguous(): boolean {
    return isCContiguous(this.nd.shape, this.nd.stride);
  }
  /**
   * NumPy's `flags`: C and Fortran contiguity, whether the array owns its elements (a view does
   * not), whether they may be written, as NumPy prints them.
   * @example a.get("::2").flags.owndata   // false: a view
   */
  get flags(): ArrayFlags {
    const { shape, stride } = this.nd;
    return new ArrayFlags({
      cContiguous: isCContiguous(shape, stride),
      fContiguous: isFContiguous(shape, stride),
      owndata: this.base === null && this.ownsData(),
      writeable: this.writeable,
    }, this);
  }

  // ---- elements and views ---------------------------------------------------------

  /** The element at the given integer indices (negative counts from the end), as a number. */
  at(...indices: number[]): number {
    if (indices.length !== this.ndim) {
      throw new RangeError(`at(): expected ${this.ndim} indices for a ${this.ndim}-dimensional array, got ${indices.length}`);
    }
    return this.nd.data[this.flatOffset(indices)];
  }

  /**
   * `a[...]`: with NumPy's basic indexing (integers, slices, `...`, `null`) a view sharing memory
   * with this array; with an index array among the items (`a.get(np.array([0, 2]))`,
   * `a.get(a.gt(5))`, `a.get([":", [0, 2]])`) NumPy's advanced indexing, a new array.
   */
  get(...index: (Index | undefined)[]): NDArray {
    const items = flattenIndex(index);
    if (hasIndexArray(items)) return getAdvanced(this, items);
    const g = applyIndex(this.geometry(), items);
    const view = new NDArray(this.nd.data, g.shape, this.dtype, this, g.stride, g.offset);
    if ((this.base ?? this).itemViewsPlain()) view.plainView = true;
    return view;
  }

  /** `a[index] = value`: writes a scalar or a broadcastable array into the selected elements (index arrays too: `a.set(a.lt(0), 0)`). */
  set(index: Index, value: Operand | NestedList): this {
    if (!this.writeable) throw new ValueError("assignment destination is read-only");
    const items = flattenIndex([index]);
    if (hasIndexArray(items)) {
      setAdvanced(this, items, value as NDArray | NestedList);
      return this;
    }
    const target = this.get(index);
    uf.assign(target, value);
    return this;
  }

  /** The only element of a one-element array (or the element at `indices`). */
  item(...indices: number[]): number {
    if (indices.length === 0) {
      if (this.size !== 1) throw new RangeError(`item(): can only convert an array of size 1 to a number; size is ${this.size}`);
      return this.nd.data[this.nd.offset];
    }
    if (indices.length === 1 && this.ndim !== 1) {
      let rest = indices[0];
      const n = this.size;
      if (rest < 0) rest += n;
      if (rest < 0 || rest >= n) throw new RangeError(`index ${indices[0]} is out of bounds for size ${n}`);
      const idx = unravel(rest, this.nd.shape);
      return this.nd.data[this.flatOffset(idx)];
    }
    return this.at(...indices);
  }

  /** The element at C-order position i (used by printing and iteration). */
  flatAt(i: number): number {
    const shape = this.nd.shape;
    const stride = this.nd.stride;
    let off = this.nd.offset;
    for (let d = shape.length - 1; d >= 0; d--) {
      const n = shape[d];
      const q = Math.floor(i / n);
      off += (i - q * n) * stride[d];
      i = q;
    }
    return this.nd.data[off];
  }

  /** Elements in C order as a new contiguous typed array (the same buffer if already contiguous and whole). */
  toContiguous(): Storage {
    if (this.isContiguous) {
      const start = this.nd.offset;
      return this.nd.data.subarray(start, start + this.size) as Storage;
    }
    return this.copy().nd.data;
  }

  /** An independent copy (C order); a memmap's is a memmap in memory, as NumPy's. */
  copy(): NDArray {
    // Written in full by assign (same shape; it throws before returning or not at all).
    const out = this.copyTarget(this.shape, this.dtype);
    uf.assign(out, this);
    return out;
  }

  /** A new view of the same data (NumPy's `view()`). */
  view(): NDArray {
    return new NDArray(this.nd.data, this.shape, this.dtype, this, this.nd.stride, this.nd.offset);
  }

  /** Fills every element with `value`, in place. */
  fill(value: number | boolean): this {
    uf.assign(this, value);
    return this;
  }

  /**
   * A new shape for the same elements: a view whenever the elements can be walked in the new
   * shape with fixed strides (NumPy's rule: a non-contiguous array too, when the axes that merge
   * are laid out one after the other), else a view of a C-ordered copy (as NumPy's, whose base
   * is that copy). One axis may be -1.
   */
  reshape(...shape: (number | readonly number[])[]): NDArray {
    const dims = inferShape(shape.flat() as number[], this.size, this.shape);
    if (this.isContiguous) return new NDArray(this.nd.data, dims, this.dtype, this, contiguousStrides(dims), this.nd.offset);
    const same = dims.length === this.ndim && dims.every((n, d) => n === this.nd.shape[d]);
    const strides = same ? this.nd.stride : reshapedStrides(this.nd.shape, this.nd.stride, dims);
    if (strides) return new NDArray(this.nd.data, dims, this.dtype, this, strides, this.nd.offset);
    const src = this.copy();
    return new NDArray(src.nd.data, dims, this.dtype, src, contiguousStrides(dims), 0);
  }

  /** The elements as a 1-D array: a view when contiguous, else a new array (`base` null, as NumPy's). */
  ravel(): NDArray {
    return this.isContiguous ? this.reshape(this.size) : this.flatten();
  }

  /** The elements as a new 1-D array (always a copy; a memmap's is a memmap in memory, as NumPy's). */
  flatten(): NDArray {
    const out = this.copyTarget([this.size], this.dtype);
    uf.assign(out.reshape(this.shape), this);
    return out;
  }

  /** Permutes the axes (reverses them by default): a view. */
  transpose(...axes: (number | readonly number[])[]): NDArray {
    const { shape, stride } = this.nd;
    const n = shape.length;
    const dims = new Array<number>(n), steps = new Array<number>(n);
    if (axes.length === 0) {
      // `a.T`: the axes reversed (plain loops: this is every `.T`, and NumPy's takes 0.1 µs).
      for (let d = 0; d < n; d++) {
        dims[d] = shape[n - 1 - d];
        steps[d] = stride[n - 1 - d];
      }
      return new NDArray(this.nd.data, dims, this.dtype, this, steps, this.nd.offset);
    }
    let perm = axes.flat() as number[];
    if (perm.length !== n) throw new RangeError(`transpose(): axes ${JSON.stringify(perm)} don't match an array of ${n} dimensions`);
    perm = perm.map((a) => normaliseAxis(a, n, "transpose"));
    if (new Set(perm).size !== n) throw new RangeError(`transpose(): repeated axis in ${JSON.stringify(axes.flat())}`);
    return new NDArray(this.nd.data, perm.map((a) => shape[a]), this.dtype, this, perm.map((a) => stride[a]), this.nd.offset);
  }

  /** The two axes interchanged: a view. See `np.swapaxes`. */
  swapaxes(axis1: number, axis2: number): NDArray { return sh.swapaxes(this, axis1, axis2); }

  /** The diagonal (offset, axis1, axis2 positional or as options): a read-only view. See `np.diagonal`. */
  diagonal(offset?: number | dg.DiagonalOptions, axis1?: number, axis2?: number): NDArray { return dg.diagonal(this, offset, axis1, axis2); }

  /** The sum of the diagonal: a number for a 2-D array. See `np.trace`. */
  trace(offset?: number | dg.TraceOptions, axis1?: number, axis2?: number): NDArray | number | boolean { return dg.trace(this, offset, axis1, axis2); }

  /** Drops axes of length 1 (all, or those named): a view. See `np.squeeze`. */
  squeeze(options?: { axis?: number | readonly number[] | null } | number): NDArray { return sh.squeeze(this, options); }

  /** Elements bounded to [min, max] (either may be null). See `np.clip`. */
  clip(min: Operand | null, max: Operand | null, options?: sel.ClipOptions): NDArray { return sel.clip(this, min, max, options); }

  /** The indices of the non-zero elements, one int64 array per dimension. See `np.nonzero`. */
  nonzero(): NDArray[] { return sel.nonzero(this); }

  /** Running sums (of the flattened array without `axis`). See `np.cumsum`. */
  cumsum(options?: cu.CumulativeOptions | number): NDArray { return cu.cumsum(this, options); }

  /** Running products. See `np.cumprod`. */
  cumprod(options?: cu.CumulativeOptions | number): NDArray { return cu.cumprod(this, options); }

  /**
   * Sorts in place along `axis` (-1 by default), NaN last; returns nothing, as NumPy's
   * `a.sort()`. `np.sort(a)` returns a sorted copy instead.
   * @example const a = np.array([3, 1, 2]); a.sort(); a   // array([1, 2, 3])
   */
  sort(options?: { axis?: number; kind?: so.SortOptions["kind"] } | number): void {
    const o = typeof options === "number" ? { axis: options } : (options ?? {});
    so.checkKind(o.kind);
    if (this.ndim === 0) throw new RangeError("sort: cannot sort a 0-d array");
    if (!this.writeable) throw new ValueError("sort array is read-only");
    so.sortInPlace(this, normaliseAxis(o.axis ?? -1, this.ndim, "sort"));
  }

  /** Indices (int64) that sort along `axis`; stable. See `np.argsort`. */
  argsort(options?: so.SortOptions | number | null): NDArray { return so.argsort(this, options); }

  /** Where `v`'s values would go in this sorted 1-D array (int64; a number for a scalar v). See `np.searchsorted`. */
  searchsorted(v: NDArray | NestedList, options?: se.SearchsortedOptions | "left" | "right"): NDArray | number { return se.searchsorted(this, v, options); }

  /** The inner/matrix product with `other`. See `np.dot`. */
  dot(other: Operand | NDArray): NDArray | number | boolean { return la.dot(this, other); }

  /** A copy converted to another dtype (floats to ints truncate toward zero, like NumPy). */
  astype(dtype: DType): NDArray {
    const dt = checkDType(dtype, "astype");
    // Written in full by assign, as copy()'s.
    const out = this.copyTarget(this.shape, dt);
    uf.assign(out, this);
    return out;
  }

  /** Nested JS arrays (booleans for bool arrays); a number for a 0-d array. */
  tolist(): NestedList {
    const shape = this.nd.shape;
    const toValue = this.dtype === "bool" ? (v: number) => v !== 0 : (v: number) => v;
    let i = 0;
    const build = (d: number): NestedList => {
      if (d === shape.length) return toValue(this.flatAt(i++));
      const out: NestedList[] = [];
      for (let k = 0; k < shape[d]; k++) out.push(build(d + 1));
      return out;
    };
    return build(0);
  }

  /** Iterates over the first axis: elements of a 1-D array, sub-array views otherwise. */
  *[Symbol.iterator](): Iterator<number | NDArray> {
    if (this.ndim === 0) throw new TypeError("iteration over a 0-d array");
    for (let i = 0; i < this.nd.shape[0]; i++) yield this.ndim === 1 ? this.at(i) : this.get(i);
  }

  // ---- arithmetic (ufunc.ts) ------------------------------------------------------

  /** `this + other` (broadcasting). */
  add(other: Operand, out?: NDArray): NDArray { return uf.add(this, other, out); }
  /** `this - other`. */
  sub(other: Operand, out?: NDArray): NDArray { return uf.sub(this, other, out); }
  /** `this * other`. */
  mul(other: Operand, out?: NDArray): NDArray { return uf.mul(this, other, out); }
  /** `this / other` (true division: float result). */
  div(other: Operand, out?: NDArray): NDArray { return uf.div(this, other, out); }
  /** `this // other` (floor division; integer dtypes stay integer). */
  floordiv(other: Operand, out?: NDArray): NDArray { return uf.floordiv(this, other, out); }
  /** `this ** other`. */
  pow(other: Operand, out?: NDArray): NDArray { return uf.pow(this, other, out); }
  /** `this % other` (sign of the divisor, like NumPy). */
  mod(other: Operand, out?: NDArray): NDArray { return uf.mod(this, other, out); }
  /** `this == other`, elementwise. */
  eq(other: Operand, out?: NDArray): NDArray { return uf.eq(this, other, out); }
  /** `this != other`. */
  ne(other: Operand, out?: NDArray): NDArray { return uf.ne(this, other, out); }
  /** `this < other`. */
  lt(other: Operand, out?: NDArray): NDArray { return uf.lt(this, other, out); }
  /** `this <= other`. */
  le(other: Operand, out?: NDArray): NDArray { return uf.le(this, other, out); }
  /** `this > other`. */
  gt(other: Operand, out?: NDArray): NDArray { return uf.gt(this, other, out); }
  /** `this >= other`. */
  ge(other: Operand, out?: NDArray): NDArray { return uf.ge(this, other, out); }
  /** `-this`. */
  neg(out?: NDArray): NDArray { return uf.neg(this, out); }
  /** `abs(this)`. */
  abs(out?: NDArray): NDArray { return uf.abs(this, out); }
  /** Square root. */
  sqrt(out?: NDArray): NDArray { return uf.sqrt(this, out); }
  /** e to the power of each element. */
  exp(out?: NDArray): NDArray { return uf.exp(this, out); }
  /** Natural logarithm. */
  log(out?: NDArray): NDArray { return uf.log(this, out); }

  // ---- reductions (reduce.ts) -----------------------------------------------------

  /** Sum over `axis` (all elements by default). */
  sum(options?: ReduceOptions | number): NDArray | number { return rd.sum(this, options); }
  /** Arithmetic mean. */
  mean(options?: ReduceOptions | number): NDArray | number { return rd.mean(this, options); }
  /** Minimum (NaN propagates). */
  min(options?: ReduceOptions | number): NDArray | number { return rd.min(this, options); }
  /** Maximum (NaN propagates). */
  max(options?: ReduceOptions | number): NDArray | number { return rd.max(this, options); }
  /** Standard deviation (`ddof` 0 by default, like NumPy). */
  std(options?: (ReduceOptions & { ddof?: number }) | number): NDArray | number { return rd.std(this, options); }
  /** Variance. */
  var(options?: (ReduceOptions & { ddof?: number }) | number): NDArray | number { return rd.variance(this, options); }
  /** Product. */
  prod(options?: ReduceOptions | number): NDArray | number { return rd.prod(this, options); }
  /** Index of the minimum (flat index without axis). */
  argmin(options?: { axis?: number } | number): NDArray | number { return rd.argmin(this, options); }
  /** Index of the maximum. */
  argmax(options?: { axis?: number } | number): NDArray | number { return rd.argmax(this, options); }
  /** True if any element is non-zero. */
  any(options?: ReduceOptions | number): NDArray | boolean { return rd.any(this, options); }
  /** True if every element is non-zero. */
  all(options?: ReduceOptions | number): NDArray | boolean { return rd.all(this, options); }

  // ---- display --------------------------------------------------------------------

  /** NumPy's `repr(a)`. */
  repr(): string {
    return arrayRepr(this.reprSource(), this.plainView ? "array" : (this.base ?? this).reprName());
  }
  /** NumPy's `str(a)` (what `print(a)` shows). */
  toString(): string {
    return arrayStr(this.reprSource());
  }
  /** @internal */
  [inspect.custom](): string {
    return this.toString();
  }
  /** @internal The cell result: NumPy's repr as text/plain, a table as text/html. */
  [MIME_BUNDLE](): MimeBundle {
    const html = arrayHtml(this.reprSource());
    return html ? { "text/plain": this.repr(), "text/html": html } : { "text/plain": this.repr() };
  }
  /** @internal NumPy's `__sizeof__`: header, plus the data if this array owns it. */
  [SIZEOF](): number {
    const root = this.base ?? this;
    const header = this.plainView ? NDArray.prototype.sizeofHeader.call(this) : root.sizeofHeader();
    return header + 16 * this.ndim + (this.base === null && root.ownsData() ? this.nbytes : 0);
  }
  /** @internal `__sizeof__`'s fixed part: 96 bytes for an ndarray (a memmap's object is larger). */
  protected sizeofHeader(): number {
    return 96;
  }
  /** @internal Whether the array allocated its elements (NumPy's OWNDATA; a memmap maps them). */
  protected ownsData(): boolean {
    return true;
  }
  /** JSON: the nested list. */
  toJSON(): NestedList {
    return this.tolist();
  }

  /** @internal */
  reprSource(): { dtype: DType; shape: readonly number[]; at(i: number): number } {
    return { dtype: this.dtype, shape: this.nd.shape, at: (i: number) => this.flatAt(i) };
  }

  /** @internal */
  geometry(): { shape: number[]; stride: number[]; offset: number } {
    return { shape: this.nd.shape, stride: this.nd.stride, offset: this.nd.offset };
  }

  private flatOffset(indices: readonly number[]): number {
    const shape = this.nd.shape;
    const stride = this.nd.stride;
    let off = this.nd.offset;
    for (let d = 0; d < indices.length; d++) {
      const n = shape[d];
      let i = indices[d];
      if (!Number.isInteger(i)) throw new TypeError(`index ${i} on axis ${d} is not an integer`);
      if (i < 0) i += n;
      if (i < 0 || i >= n) throw new RangeError(`index ${indices[d]} is out of bounds for axis ${d} with size ${n}`);
      off += i * stride[d];
    }
    return off;
  }
}

/** True when `x` is a lazylab array. */
export function isNDArray(x: unknown): x is NDArray {
  return x instanceof NDArray;
}

/**
 * A copy of `x` into a new plain array (C order), converted to `dtype`: NumPy's `np.array(x)` and
 * `np.copy(x)`, which give an ndarray for a memmap too (subok=False), where `x.copy()` keeps it.
 */
export function plainCopy(x: NDArray, dtype: DType = x.dtype): NDArray {
  const out = new NDArray(allocateShaped(dtype, x.shape, true), x.shape, dtype);
  uf.assign(out, x);
  return out;
}

/**
 * The strides (in elements) that walk a strided array's elements in C order in a new shape of
 * the same size, or null if no fixed strides can (NumPy's `_attempt_nocopy_reshape`): axes of
 * length 1 are dropped, then each run of old axes that becomes a run of new ones must be laid
 * out one after the other in memory.
 */
export function reshapedStrides(shape: readonly number[], stride: readonly number[], dims: readonly number[]): number[] | null {
  const oldDims: number[] = [];
  const oldStrides: number[] = [];
  shape.forEach((n, d) => {
    if (n !== 1) {
      oldDims.push(n);
      oldStrides.push(stride[d]);
    }
  });
  const out = new Array<number>(dims.length);
  let [oi, oj, ni, nj] = [0, 1, 0, 1];
  while (ni < dims.length && oi < oldDims.length) {
    let np = dims[ni];
    let op = oldDims[oi];
    while (np !== op) {
      if (np < op) np *= dims[nj++];
      else op *= oldDims[oj++];
    }
    for (let k = oi; k < oj - 1; k++) if (oldStrides[k] !== oldDims[k + 1] * oldStrides[k + 1]) return null;
    out[nj - 1] = oldStrides[oj - 1];
    for (let k = nj - 1; k > ni; k--) out[k - 1] = out[k] * dims[k];
    ni = nj++;
    oi = oj++;
  }
  // Trailing axes of length 1 take the last stride.
  const last = ni >= 1 ? out[ni - 1] : 1;
  for (let k = ni; k < dims.length; k++) out[k] = last;
  return out;
}

/** Row-major strides (in elements) for a shape. */
export function contiguousStrides(shape: readonly number[]): number[] {
  const st = new Array<number>(shape.length);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    st[d] = s;
    s *= Math.max(shape[d], 1);
  }
  return st;
}

/** Column-major (Fortran) strides (in elements) for a shape. */
export function fortranStrides(shape: readonly number[]): number[] {
  const st = new Array<number>(shape.length);
  let s = 1;
  for (let d = 0; d < shape.length; d++) {
    st[d] = s;
    s *= Math.max(shape[d], 1);
  }
  return st;
}

/** True when (shape, stride) lays elements out contiguously in Fortran (column-major) order. */
export function isFContiguous(shape: readonly number[], stride: readonly number[]): boolean {
  return isCContiguous([...shape].reverse(), [...stride].reverse());
}

/** True when (shape, stride) lays elements out contiguously in C order. */
export function isCContiguous(shape: readonly number[], stride: readonly number[]): boolean {
  // No elements: contiguous in any order, whatever the strides (NumPy's rule).
  for (let d = 0; d < shape.length; d++) if (shape[d] === 0) return true;
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] !== 1 && stride[d] !== s) return false;
    s *= shape[d];
  }
  return true;
}

/** Checks an axis argument and makes it non-negative. */
export function normaliseAxis(axis: number, ndim: number, what: string): number {
  if (!Number.isInteger(axis)) throw new TypeError(`${what}: axis ${axis} is not an integer`);
  const a = axis < 0 ? axis + ndim : axis;
  if (a < 0 || a >= Math.max(ndim, 0) || (ndim === 0 && true)) {
    if (!(a >= 0 && a < ndim)) throw new RangeError(`${what}: axis ${axis} is out of bounds for array of dimension ${ndim}`);
  }
  return a;
}

/**
 * Checks a shape argument: non-negative finite integers, at most 2**32 elements; past that,
 * `tooLarge(dims)`'s error if given (np's creation functions: NumPy's MemoryError), else a
 * RangeError.
 */
export function checkShape(shape: number | readonly number[], what: string, tooLarge?: (dims: number[]) => Error): number[] {
  const dims = shapeDims(shape, what);
  const size = dims.reduce((a, b) => a * b, 1);
  if (!Number.isSafeInteger(size) || size > 2 ** 32) {
    if (tooLarge) throw tooLarge(dims);
    throw new RangeError(`${what}: shape ${JSON.stringify(shape)} has ${size} elements, more than one array can hold (2**32)`);
  }
  return dims;
}

/**
 * Checks the shape of a lazy array (lib/da), which no memory holds whole: non-negative finite
 * integers whose product is exact in a double (2**53 elements), as Dask makes
 * `da.ones((100000, 100000))`, 74.5 GiB, without allocating it. Its chunks are each one array
 * (at most 2**32 elements), checked when they are computed.
 */
export function checkLazyShape(shape: number | readonly number[], what: string): number[] {
  const dims = shapeDims(shape, what);
  const size = dims.reduce((a, b) => a * b, 1);
  if (!Number.isSafeInteger(size)) throw new RangeError(`${what}: shape ${JSON.stringify(shape)} has ${size} elements, more than a lazy array can count exactly (2**53)`);
  return dims;
}

/** A shape argument's dims, each a non-negative integer (else a RangeError naming `what`). */
function shapeDims(shape: number | readonly number[], what: string): number[] {
  const dims = typeof shape === "number" ? [shape] : [...shape];
  for (const d of dims) {
    if (typeof d !== "number" || !Number.isInteger(d) || d < 0) {
      // String(), not JSON: NaN and Infinity are what users need to see here.
      const shown = typeof shape === "number" ? String(shape) : `[${dims.map(String).join(", ")}]`;
      throw new RangeError(`${what}: shape ${shown} must hold non-negative integers (got ${String(d)})`);
    }
  }
  return dims;
}

function inferShape(dims: number[], size: number, from: readonly number[]): number[] {
  const unknown = dims.filter((d) => d === -1).length;
  if (unknown > 1) throw new RangeError("reshape: can only specify one unknown dimension (-1)");
  const known = dims.filter((d) => d !== -1);
  checkShape(known, "reshape");
  const prod = known.reduce((a, b) => a * b, 1);
  const out = dims.map((d) => (d === -1 ? (prod === 0 ? 0 : size / prod) : d));
  if (out.reduce((a, b) => a * b, 1) !== size || out.some((d) => !Number.isInteger(d))) {
    throw new RangeError(`reshape: cannot reshape array of size ${size} (shape ${fmtShape(from)}) into shape ${fmtShape(dims)}`);
  }
  return out;
}

/** A shape as Python prints a tuple: `(3,)`, `(2, 3)`. */
export function fmtShape(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
}

function unravel(i: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = i % shape[d];
    i = Math.floor(i / shape[d]);
  }
  return idx;
}

function flattenIndex(index: (Index | undefined)[]): IndexItem[] {
  const items: IndexItem[] = [];
  for (const i of index) {
    if (i === undefined) continue;
    if (Array.isArray(i)) items.push(...(i as IndexItem[]));
    else items.push(i as IndexItem);
  }
  return items;
}

/** @internal Allocates a new owning array. */
export function empty(shape: readonly number[], dtype: DType): NDArray {
  return new NDArray(allocateShaped(dtype, shape), shape, dtype);
}
