/**
 * Sorting: `np.sort`, `np.argsort`, `np.unique`. NaNs sort to the end, as in NumPy.
 *
 * Every sort here is stable (V8's TimSort): equal elements keep their order. NumPy's default
 * `kind="quicksort"` is an introsort, which is not stable, so `np.argsort` of an array with
 * ties may order the tied indices differently from NumPy's default; it always equals NumPy's
 * `argsort(kind="stable")`. `np.sort` gives NumPy's values whatever the kind (only -0.0 and
 * 0.0, which compare equal, may come out in another order).
 */
import { allocate, allocateShaped, storageClass } from "./dtype";
import { forEachLine } from "./iterate";
import { NDArray, NestedList } from "./ndarray";
import { asArrayArg } from "./creation";
import { checkAxis, ValueError } from "./errors";

/** Options of {@link sort} and {@link argsort}. */
export interface SortOptions {
  /** The axis to sort along (-1, the last, by default); null sorts the flattened array. */
  axis?: number | null;
  /** NumPy's algorithm name; every kind runs the same stable sort here (see the module's note). */
  kind?: "quicksort" | "mergesort" | "heapsort" | "stable";
}

const KINDS = ["quicksort", "mergesort", "heapsort", "stable"];

function prepare(a: NDArray | NestedList, options: SortOptions | number | null | undefined, what: string): { x: NDArray; axis: number } {
  const o: SortOptions = typeof options === "number" || options === null ? { axis: options } : (options ?? {});
  checkKind(o.kind);
  let x = asArrayArg(a, `${what}: a`);
  if (o.axis === null) x = x.ravel();
  if (x.ndim === 0) throw new ValueError(`${what}: cannot sort a 0-d array; reshape it to 1-d first`);
  return { x, axis: checkAxis(o.axis ?? -1, x.ndim, what) };
}

/** @internal Refuses a sort kind NumPy does not have, naming those it does. */
export function checkKind(kind: unknown): void {
  // NumPy's message (it accepts any prefix of the names: "q", "merge", ...; lazylab the full names).
  if (kind !== undefined && !KINDS.includes(kind as string)) throw new ValueError(`sort kind must be one of 'quick', 'heap', or 'stable' (got '${String(kind)}')`);
}

/** Ascending order with NaN last (the order of a typed array's own sort, and of NumPy's). */
function compare(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  if (a === a) return b === b ? 0 : -1;
  return b === b ? 1 : 0;
}

/** Calls `line(srcOffset, srcStride, dstOffset, dstStride, n)` for each line of `x` along `axis`, with the matching line of `out`. */
function forEachAxisLine(x: NDArray, out: NDArray, axis: number, line: (xo: number, xs: number, oo: number, os: number, n: number) => void): void {
  if (x.size === 0) return;
  const outer = x.shape.filter((_, d) => d !== axis);
  const xs = x.nd.stride.filter((_, d) => d !== axis);
  const os = out.nd.stride.filter((_, d) => d !== axis);
  forEachLine(outer.length ? outer : [1], [{ stride: outer.length ? xs : [0], offset: x.nd.offset }, { stride: outer.length ? os : [0], offset: out.nd.offset }], (off, m, st) => {
    for (let j = 0; j < m; j++) line(off[0] + j * st[0], x.nd.stride[axis], off[1] + j * st[1], out.nd.stride[axis], x.shape[axis]);
  });
}

/**
 * `np.sort(a, axis=-1)`: a sorted copy (along `axis`; of the flattened array with
 * `axis: null`). NaN goes last. `a.sort()` sorts in place.
 * @example np.sort(np.array([3, NaN, 1]))        // array([ 1.,  3., nan])
 * np.sort(m, { axis: 0 })                        // each column sorted
 */
export function sort(a: NDArray | NestedList, options?: SortOptions | number | null): NDArray {
  const { x, axis } = prepare(a, options, "sort");
  const out = x.copy();
  sortInPlace(out, axis);
  return out;
}

/** @internal Sorts `x` in place along `axis` (ndarray.sort()). */
export function sortInPlace(x: NDArray, axis: number): void {
  const n = x.shape[axis];
  const Store = storageClass(x.dtype);
  const tmp = new Store(n);
  const d = x.nd.data;
  // The typed array's own sort orders numbers ascending with NaN last, NumPy's order.
  forEachAxisLine(x, x, axis, (xo, xs) => {
    if (xs === 1) {
      d.subarray(xo, xo + n).sort();
      return;
    }
    for (let i = 0; i < n; i++) tmp[i] = d[xo + i * xs];
    tmp.sort();
    for (let i = 0; i < n; i++) d[xo + i * xs] = tmp[i];
  });
}

/**
 * `np.argsort(a, axis=-1)`: the indices (int64) that sort `a` along `axis`. Stable: tied
 * elements keep their order, which is NumPy's `kind="stable"`; NumPy's default quicksort may
 * order ties differently. NaN goes last. Also `a.argsort()`.
 * @example np.argsort(np.array([30, 10, 20]))   // array([1, 2, 0])
 */
export function argsort(a: NDArray | NestedList, options?: SortOptions | number | null): NDArray {
  const { x, axis } = prepare(a, options, "argsort");
  const out = new NDArray(allocateShaped("int64", x.shape), x.shape, "int64");
  const n = x.shape[axis];
  const idx = new Array<number>(n);
  const vals = new Float64Array(n);
  const d = x.nd.data;
  const o = out.nd.data;
  forEachAxisLine(x, out, axis, (xo, xs, oo, os) => {
    for (let i = 0; i < n; i++) {
      idx[i] = i;
      vals[i] = d[xo + i * xs];
    }
    idx.sort((p, q) => compare(vals[p], vals[q]) || p - q);
    for (let i = 0; i < n; i++) o[oo + i * os] = idx[i];
  });
  return out;
}

/** Options of {@link unique}. */
export interface UniqueOptions {
  /** Also return the index of each unique value's first occurrence (int64). */
  returnIndex?: boolean;
  /** Also return, for each element, the index of its value among the unique values (int64). */
  returnInverse?: boolean;
  /** Also return how many times each unique value occurs (int64). */
  returnCounts?: boolean;
  /** Count all NaNs as one value (true by default, as NumPy 1.24). */
  equalNan?: boolean;
}

/**
 * `np.unique(a)`: the sorted unique values of the flattened array (NaNs as one value, last).
 * With any of `returnIndex`, `returnInverse`, `returnCounts`, a list `[values, index?,
 * inverse?, counts?]` in NumPy's tuple order, holding those asked for.
 * @example np.unique(np.array([3, 1, 3, 2]))                                  // array([1, 2, 3])
 * const [values, counts] = np.unique(a, { returnCounts: true })
 */
export function unique(a: NDArray | NestedList, options?: UniqueOptions & { returnIndex?: false; returnInverse?: false; returnCounts?: false }): NDArray;
/**
 * `np.unique(a, return_index=..., return_inverse=..., return_counts=...)`: a list
 * `[values, index?, inverse?, counts?]` in NumPy's tuple order, holding those asked for
 * (int64 arrays); `values` sorted, NaNs as one value unless `equalNan: false`.
 * @example const [values, counts] = np.unique(a, { returnCounts: true })
 */
export function unique(a: NDArray | NestedList, options: UniqueOptions): NDArray[];
export function unique(a: NDArray | NestedList, options: UniqueOptions = {}): NDArray | NDArray[] {
  if (typeof options !== "object" || options === null) throw new TypeError(`unique: options must be an object like { returnCounts: true }, got ${String(options)}`);
  const x = asArrayArg(a, "unique: a").ravel();
  const n = x.size;
  const perm = argsort(x, 0).nd.data;
  const d = x.nd.data;
  const off = x.nd.offset;
  const st = x.nd.stride[0] ?? 1;
  const sorted = new Float64Array(n);
  for (let i = 0; i < n; i++) sorted[i] = d[off + perm[i] * st];
  // A run starts where the value changes; all NaNs are one run when equalNan.
  const equalNan = options.equalNan ?? true;
  const starts: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = sorted[i];
    if (i === 0 || !(v === sorted[i - 1] || (equalNan && v !== v && sorted[i - 1] !== sorted[i - 1]))) starts.push(i);
  }
  const k = starts.length;
  const values = new NDArray(allocate(x.dtype, k), [k], x.dtype);
  starts.forEach((s, j) => (values.nd.data[j] = sorted[s]));
  const extras: NDArray[] = [];
  const int64 = (len: number) => new NDArray(allocate("int64", len), [len], "int64");
  if (options.returnIndex) {
    const index = int64(k);
    starts.forEach((s, j) => (index.nd.data[j] = perm[s]));
    extras.push(index);
  }
  if (options.returnInverse) {
    const inverse = int64(n);
    let j = -1;
    for (let i = 0; i < n; i++) {
      if (j + 1 < k && starts[j + 1] === i) j++;
      inverse.nd.data[perm[i]] = j;
    }
    extras.push(inverse);
  }
  if (options.returnCounts) {
    const counts = int64(k);
    starts.forEach((s, j) => (counts.nd.data[j] = (j + 1 < k ? starts[j + 1] : n) - s));
    extras.push(counts);
  }
  return options.returnIndex || options.returnInverse || options.returnCounts ? [values, ...extras] : values;
}
