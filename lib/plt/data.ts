/**
 * What pyplot's calls accept as data, turned into plain numbers: JavaScript arrays (numbers,
 * or Dates for a time axis), typed arrays, np arrays and in-memory xr DataArrays. Lazy arrays
 * are not read behind the user's back: they must be computed first, as with NumPy's
 * `np.asarray(dask_array)` being the user's choice.
 */
import { NDArray } from "../np/ndarray";
import { LazyArray } from "../da/array";
import { ValueError } from "./colors";

/** 1-D data: numbers, Dates, a typed array or a 1-D np array. */
export type Values1D = readonly (number | Date)[] | ArrayLike<number> | NDArray | { values: NDArray; ndim: number };
/** 2-D data: nested arrays (rows) or a 2-D np array. */
export type Values2D = readonly (readonly number[])[] | NDArray | { values: NDArray; ndim: number };

/** Numbers, and whether they were Dates (ms since 1970: Vega-Lite's temporal values). */
export interface Column {
  values: number[];
  temporal: boolean;
}

function fromNd(a: NDArray, want: number, what: string): NDArray {
  if (a.ndim !== want) throw new ValueError(`${what} must be ${want}-D, got an array of shape (${a.shape.join(", ")}${a.ndim === 1 ? "," : ""})`);
  return a;
}

function unwrap(v: unknown, what: string): unknown {
  if (v instanceof LazyArray) throw new ValueError(`${what} is a lazy array: compute it first (\`await x.compute()\`) and plot the result`);
  // An xr DataArray (duck-typed: lib/xr imports this module's users, not the other way round).
  if (v !== null && typeof v === "object" && !(v instanceof NDArray) && "values" in v && "dims" in v) return (v as { values: NDArray }).values;
  return v;
}

/** A 1-D column of numbers. */
export function column(v: Values1D, what: string): Column {
  const u = unwrap(v, what);
  if (u instanceof NDArray) {
    const a = fromNd(u, 1, what);
    return { values: Array.from({ length: a.size }, (_, i) => Number(a.flatAt(i))), temporal: false };
  }
  if (Array.isArray(u) || ArrayBuffer.isView(u)) {
    const arr = Array.from(u as ArrayLike<number | Date>);
    const temporal = arr.length > 0 && arr.every((x) => x instanceof Date);
    const values = arr.map((x, i) => {
      if (x instanceof Date) return x.getTime();
      if (typeof x === "number" || typeof x === "bigint") return Number(x);
      if (Array.isArray(x)) throw new ValueError(`${what} must be 1-D, got nested arrays (for a 2-D field use pcolormesh or imshow)`);
      throw new ValueError(`${what}[${i}] is ${typeof x}, not a number or a Date`);
    });
    return { values, temporal };
  }
  throw new ValueError(`${what} must be an array of numbers, a typed array, an np array or a DataArray; got ${u === null ? "null" : typeof u}`);
}

/** A 2-D field: rows × columns, row-major. */
export interface Field {
  rows: number;
  cols: number;
  at(r: number, c: number): number;
}

export function field(v: Values2D, what: string): Field {
  const u = unwrap(v, what);
  if (u instanceof NDArray) {
    const a = fromNd(u, 2, what);
    const [rows, cols] = a.shape;
    return { rows, cols, at: (r, c) => Number(a.flatAt(r * cols + c)) };
  }
  if (Array.isArray(u) && u.every((r) => Array.isArray(r))) {
    const rows = u.length;
    const cols = rows ? (u[0] as unknown[]).length : 0;
    if (u.some((r) => (r as unknown[]).length !== cols)) throw new ValueError(`${what}: every row must have the same length (${cols})`);
    return { rows, cols, at: (r, c) => Number((u[r] as number[])[c]) };
  }
  throw new ValueError(`${what} must be 2-D: nested arrays (rows) or a 2-D np array`);
}

/** Cell edges along one axis from its centres (matplotlib's shading='nearest') or its edges. */
export function edges(coord: number[] | undefined, n: number, what: string): number[] {
  if (!coord) return Array.from({ length: n + 1 }, (_, i) => i);
  if (coord.length === n + 1) return coord;
  if (coord.length !== n) throw new ValueError(`${what} has ${coord.length} values; it must have ${n} (cell centres) or ${n + 1} (cell edges)`);
  if (n === 1) return [coord[0] - 0.5, coord[0] + 0.5];
  const e = [coord[0] - (coord[1] - coord[0]) / 2];
  for (let i = 1; i < n; i++) e.push((coord[i - 1] + coord[i]) / 2);
  e.push(coord[n - 1] + (coord[n - 1] - coord[n - 2]) / 2);
  return e;
}
