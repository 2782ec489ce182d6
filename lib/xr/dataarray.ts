/**
 * `DataArray`: an n-dimensional array with named dimensions, coordinates and attributes
 * (xarray's `DataArray`). Its data is a lazy array of lib/da (loaded chunk by chunk when
 * computed) or an eager np array. Selection is by dimension name (`isel`) or by label
 * (`sel`), reductions name the dimensions they remove, arithmetic aligns operands by
 * dimension name.
 */
import { inspect } from "node:util";
import { NDArray } from "../np/ndarray";
import { where as npWhere } from "../np/select";
import { isnan as npIsnan, logicalNot as npNot } from "../np/ufunc";
import { checkDType, itemsize, type DType } from "../np/dtype";
import { NotImplementedError, ValueError } from "../np/errors";
import { Slice } from "../np/indexing";
import { LazyArray } from "../da/array";
import { computeSync, newName } from "../da/array";
import { normalizeChunks } from "../da/chunks";
import { fromArray, where as daWhere } from "../da";
import { MIME_BUNDLE, MimeBundle } from "../display/mime";
import type { AttrValue } from "./netcdf";
import { checkReadRatio, reopenFiles } from "./warn";
import { served } from "./cache";
import { announce, settle } from "./decoders";
import { announcePlan, plannedJobs } from "./plan";
import { dataArrayHtml } from "./html";
import { plotDataArray, type DataArrayPlotOptions } from "./plot";
import type { Figure } from "../plt/figure";
import { floatAttrs } from "./netcdf";
import { newDataArray, type DataArrayData, type DataArrayInitOptions, type VariableLike } from "./construct";
import { pythonConstructor } from "../python-class";
import { colWidth, DISPLAY_WIDTH, formatArrayFlat, itemKind, maybeTruncate, prettyPrint, pyTuple, summarizeAttr } from "./format";

/** Eager or lazy data. */
export type XData = LazyArray | NDArray;

/** What `isel` accepts per dimension: a position, a slice (`np.slice(0, 10)` or `"0:10"`). */
export type PositionIndexer = number | Slice | string;
/** A label: a number, or a date / date string for time coordinates. */
export type Label = number | string | Date;
/** What `sel` accepts per dimension: a label, or `[start, stop]` (both included, as pandas). */
export type LabelIndexer = Label | readonly [Label | null, Label | null];

/**
 * xarray's `sel(..., method=, tolerance=)` for single labels: `nearest` (of two labels as near,
 * the larger, as pandas picks), `pad`/`ffill` (the last label at or before), `backfill`/`bfill`
 * (the first at or after); `tolerance` bounds the distance.
 */
export interface SelOptions {
  method?: "nearest" | "pad" | "ffill" | "backfill" | "bfill";
  tolerance?: number;
}
/** Dimensions a reduction removes: one name, several, or all (omitted). */
export type DimsArg = string | readonly string[] | { dim?: string | readonly string[]; skipna?: boolean };

/** An operand of DataArray arithmetic. */
export type XOperand = DataArray | number;

/** Options of the DataArray constructor (internal). */
export interface DataArrayOptions {
  coords?: Record<string, DataArray>;
  attrs?: Record<string, AttrValue>;
  name?: string;
  isTime?: boolean;
  /** True when backed by a dask-like array chosen with `chunks` (the repr then shows it). */
  dask?: boolean;
  encoding?: Record<string, unknown>;
}

/** A dimension-name error (unknown dimension, mismatched sizes). */
export class DimensionError extends Error {
  override name = "DimensionError";
}


/** A label not found in an index. */
export class KeyError extends Error {
  override name = "KeyError";
}

/** The class behind {@link DataArray} (lib/xr's own constructor: data, dims, options). */
class DataArrayObject {
  private _data: XData;
  /** Dimension names, one per axis. */
  readonly dims: readonly string[];
  /** Attributes. */
  readonly attrs: Record<string, AttrValue>;
  /** Name (the variable's name in its dataset). */
  readonly name: string | undefined;
  /** Values are times (ms since 1970 in the data, shown and compared as dates). */
  readonly isTime: boolean;
  /** @internal */
  readonly isDask: boolean;
  /** How the variable was stored (xarray's `.encoding`: dtype, chunksizes, zlib, _FillValue, ...). */
  readonly encoding: Record<string, unknown>;
  private readonly _coords: Record<string, DataArray>;

  /** @internal lib/xr's own; cells call `xr.DataArray(data, { dims, coords, name, attrs })`. */
  constructor(data: XData, dims: readonly string[], options: DataArrayOptions = {}) {
    if (data.shape.length !== dims.length) throw new DimensionError(`different number of dimensions on data and dims: ${data.shape.length} vs ${dims.length}`);
    if (new Set(dims).size !== dims.length) throw new DimensionError(`dimension names must be unique, got (${dims.join(", ")})`);
    this._data = data;
    this.dims = [...dims];
    this.attrs = options.attrs ?? {};
    this.name = options.name;
    this.isTime = !!options.isTime;
    this.isDask = options.dask ?? data instanceof LazyArray;
    this.encoding = options.encoding ?? {};
    this._coords = options.coords ?? {};
  }

  /**
   * A DataArray over an eager or lazy array with these dimensions: `xr.DataArray(data, { dims, ... })`
   * with the dimensions given apart (see {@link DataArray}).
   * @example xr.DataArray.from(np.arange(6).reshape(2, 3), ["x", "y"], { coords: { x: [10, 20] }, name: "v" })
   */
  static from(data: NDArray | LazyArray, dims: readonly string[], options: Omit<DataArrayOptions, "dask" | "encoding" | "coords"> & { coords?: Readonly<Record<string, VariableLike>> } = {}): DataArray {
    const { isTime, ...rest } = options;
    const a = newDataArray(data, { ...rest, dims });
    return isTime ? new DataArray(a.data, a.dims, { coords: a.ownCoords, attrs: a.attrs, name: a.name, isTime }) : a;
  }

  /** The data: a lazy array (not loaded) or an np array. */
  get data(): XData {
    return this._data;
  }
  /** Shape. */
  get shape(): readonly number[] {
    return this._data.shape;
  }
  /** Number of dimensions. */
  get ndim(): number {
    return this.dims.length;
  }
  /** Number of elements. */
  get size(): number {
    return this._data.shape.reduce((a, b) => a * b, 1);
  }
  /** dtype, as NumPy names it (`datetime64[ns]` for decoded times). */
  get dtype(): string {
    return this.isTime ? "datetime64[ns]" : this._data.dtype;
  }
  /**
   * Bytes the values take (xarray's `a.nbytes`: size × itemsize, whether loaded or not).
   * @example ds.THETA.nbytes / 2 ** 20   // MB the variable takes once computed
   */
  get nbytes(): number {
    return this.size * (this.isTime ? 8 : itemsize(this._data.dtype));
  }
  /** Size of each dimension by name. */
  get sizes(): Record<string, number> {
    return Object.fromEntries(this.dims.map((d, i) => [d, this.shape[i]]));
  }
  /**
   * The block sizes along each dimension (xarray's `a.chunks`, a tuple of tuples), or null
   * when the data is not a dask-like array: in memory, or opened without `chunks` (lazily
   * indexed, as xarray's `None`).
   * @example (await xr.openMfDataset("data/THETA_*.nc")).THETA.chunks   // [[1, 1, ...], [25, 25], [13], [90], [90]]
   */
  get chunks(): number[][] | null {
    return this._data instanceof LazyArray && this.isDask ? this._data.chunks.map((c) => [...c]) : null;
  }
  /** The largest chunk along each dimension, or null when not a dask-like array (see {@link chunks}). */
  get chunksizes(): number[] | null {
    return this._data instanceof LazyArray && this.isDask ? this._data.chunksize : null;
  }
  /** Coordinates, by name. */
  get coords(): Record<string, DataArray> {
    // An index variable (one dimension, named after it) is its own coordinate, as xarray shows
    // it: `a.coords.x` lists x under Coordinates, not under "Dimensions without coordinates".
    if (this.dims.length === 1 && this.name === this.dims[0] && !(this.name in this._coords)) return { [this.name]: this, ...this._coords };
    return { ...this._coords };
  }
  /** @internal The coordinates as given (without the array itself as its own index, see {@link coords}). */
  get ownCoords(): Record<string, DataArray> {
    return { ...this._coords };
  }
  /** The coordinate `name` (or throws naming the coordinates there are). */
  coord(name: string): DataArray {
    const c = this._coords[name];
    if (!c) throw new KeyError(`no coordinate named '${name}'; coordinates: ${Object.keys(this._coords).join(", ") || "none"}`);
    return c;
  }

  /**
   * The values as an np array, loading them if lazy (xarray's `.values`). Times are ms since
   * 1970-01-01 (see {@link dates}).
   */
  get values(): NDArray {
    if (this._data instanceof NDArray) return this._data;
    return computeLazy(this._data);
  }
  /** The values of a time array as `Date`s (flattened). */
  get dates(): Date[] {
    if (!this.isTime) throw new TypeError(`${this.name ?? "this DataArray"} does not hold times (dtype ${this.dtype})`);
    return Array.from(this.values.copy().nd.data, (ms) => new Date(ms));
  }
  /** The one value of a 0-d array as a number (or a Date for times). */
  item(): number | Date {
    if (this.size !== 1) throw new RangeError(`item: can only convert an array of size 1, this has ${this.size}`);
    const v = this.values.copy().nd.data[0];
    return this.isTime ? new Date(v) : v;
  }

  /** Loads the data (every chunk) and returns a DataArray holding it in memory. */
  async compute(): Promise<DataArray> {
    const data = this._data instanceof LazyArray ? await computeLazyAsync(this._data) : this._data;
    const coords: Record<string, DataArray> = {};
    for (const [k, c] of Object.entries(this._coords)) coords[k] = c._data instanceof LazyArray ? await c.compute() : c;
    return new DataArray(data, this.dims, { coords, attrs: this.attrs, name: this.name, isTime: this.isTime, dask: false, encoding: this.encoding });
  }

  /** Loads the data in place and returns this DataArray (xarray's `.load()`). */
  async load(): Promise<this> {
    if (this._data instanceof LazyArray) this._data = await computeLazyAsync(this._data);
    for (const c of Object.values(this._coords)) await c.load();
    return this;
  }

  /** Same data with new attributes/name/coords (internal helper). */
  private with(data: XData, dims: readonly string[], coords: Record<string, DataArray>, keepAttrs = true): DataArray {
    return new DataArray(data, dims, { coords, attrs: keepAttrs ? this.attrs : {}, name: this.name, isTime: this.isTime, dask: this.isDask, encoding: keepAttrs ? this.encoding : {} });
  }

  /**
   * Selection by position along named dimensions (xarray's `isel`): an integer drops the
   * dimension, a slice keeps it.
   * @example
   * ds.THETA.isel({ k: 0 })              // top level, k dropped
   * ds.THETA.isel({ time: "0:6", k: np.slice(0, 10) })
   */
  isel(indexers: Record<string, PositionIndexer>): DataArray {
    for (const d of Object.keys(indexers)) {
      if (!this.dims.includes(d)) throw new DimensionError(`Dimensions {'${d}'} do not exist. Expected one or more of (${this.dims.join(", ")})`);
    }
    const { data, dims } = indexData(this._data, this.dims, indexers);
    const coords: Record<string, DataArray> = {};
    for (const [k, c] of Object.entries(this._coords)) {
      const sub: Record<string, PositionIndexer> = {};
      for (const d of c.dims) if (d in indexers) sub[d] = indexers[d];
      coords[k] = Object.keys(sub).length ? c.isel(sub) : c;
    }
    return this.with(data, dims, coords);
  }

  /**
   * Selection by coordinate label (xarray's `sel`): a label picks one position (dropping the
   * dimension); `[start, stop]` a label range, both ends included. A time string picks every
   * time it matches as a prefix of the ISO date (`"1992-03"` is March 1992), keeping the
   * dimension, unless it names a full timestamp.
   * @example
   * ds.THETA.sel({ time: "1992-03" })
   * ds.THETA.sel({ time: ["1992-01", "1992-06"], k: 0 })
   * a.sel({ lat: 51.5 }, { method: "nearest", tolerance: 1 })   // the nearest label (xarray's method=)
   */
  sel(indexers: Record<string, LabelIndexer>, options: SelOptions = {}): DataArray {
    const pos: Record<string, PositionIndexer> = {};
    for (const [d, label] of Object.entries(indexers)) pos[d] = labelToPosition(this, d, label, options);
    return this.isel(pos);
  }

  /**
   * Plots the values as xarray's `.plot()` does: 1-D as a line over its coordinate, 2-D as a
   * heat map (pcolormesh) with a colorbar, labelled from the attributes (long_name, units) and
   * titled with the selection (`time = ..., k = 0`). Dimensions of size 1 are dropped first;
   * more than 2 others is an error (xarray would draw a histogram). Draws on the current
   * axes (`plt.gca()`) unless `ax` is given; returns the figure, which shows as an SVG.
   * Lazy data is loaded.
   * @example
   * ds.THETA.isel({ time: 0, k: 0, tile: 1 }).plot()              // a heat map, one line
   * ds.THETA.isel({ k: 0, tile: 1, j: 5, i: 5 }).plot()           // a line over time
   * ds.THETA.isel({ time: 0, k: 0, tile: 1 }).plot({ cmap: "RdBu_r", ax: ax[1] })
   */
  plot(options: DataArrayPlotOptions = {}): Figure {
    return plotDataArray(this, options);
  }

  // ---- reductions ------------------------------------------------------------------

  /** Mean over the named dimensions (all by default), skipping NaN as xarray does for floats. */
  mean(dims?: DimsArg): DataArray { return this.reduce("mean", dims); }
  /** Sum over the named dimensions, NaN skipped. */
  sum(dims?: DimsArg): DataArray { return this.reduce("sum", dims); }
  /** Minimum over the named dimensions, NaN skipped. */
  min(dims?: DimsArg): DataArray { return this.reduce("min", dims); }
  /** Maximum over the named dimensions, NaN skipped. */
  max(dims?: DimsArg): DataArray { return this.reduce("max", dims); }

  private reduce(kind: "mean" | "sum" | "min" | "max", arg?: DimsArg): DataArray {
    const o = typeof arg === "string" || Array.isArray(arg) ? { dim: arg as string | readonly string[] } : ((arg ?? {}) as { dim?: string | readonly string[]; skipna?: boolean });
    const names = o.dim === undefined ? [...this.dims] : typeof o.dim === "string" ? [o.dim] : [...o.dim];
    for (const d of names) if (!this.dims.includes(d)) throw new DimensionError(`${kind}: dimension '${d}' not found; dimensions are (${this.dims.join(", ")})`);
    const axes = names.map((d) => this.dims.indexOf(d));
    const skipna = (o.skipna ?? true) && (this._data.dtype === "float32" || this._data.dtype === "float64");
    const data = reduceData(this._data, kind, axes, skipna);
    const dims = this.dims.filter((d) => !names.includes(d));
    const coords: Record<string, DataArray> = {};
    for (const [k, c] of Object.entries(this._coords)) if (c.dims.every((d) => dims.includes(d))) coords[k] = c;
    return new DataArray(data, dims, { coords, attrs: {}, name: this.name, isTime: this.isTime && kind !== "sum", dask: this.isDask });
  }

  // ---- arithmetic ------------------------------------------------------------------

  /** `this + other`, aligned by dimension name. */
  add(other: XOperand): DataArray { return binaryOp(this, other, "add"); }
  /** `this - other`. */
  sub(other: XOperand): DataArray { return binaryOp(this, other, "sub"); }
  /** `this * other`. */
  mul(other: XOperand): DataArray { return binaryOp(this, other, "mul"); }
  /** `this / other`. */
  div(other: XOperand): DataArray { return binaryOp(this, other, "div"); }
  /** `this ** other`. */
  pow(other: XOperand): DataArray { return binaryOp(this, other, "pow"); }
  /** `this == other` (a bool DataArray, aligned as the arithmetic is). */
  eq(other: XOperand): DataArray { return binaryOp(this, other, "eq"); }
  /** `this != other`. */
  ne(other: XOperand): DataArray { return binaryOp(this, other, "ne"); }
  /** `this < other`. */
  lt(other: XOperand): DataArray { return binaryOp(this, other, "lt"); }
  /** `this <= other`. */
  le(other: XOperand): DataArray { return binaryOp(this, other, "le"); }
  /** `this > other`, e.g. for `a.where(a.gt(0))`. */
  gt(other: XOperand): DataArray { return binaryOp(this, other, "gt"); }
  /** `this >= other`. */
  ge(other: XOperand): DataArray { return binaryOp(this, other, "ge"); }

  /**
   * xarray's `a.where(cond, other=nan)`: the values where `cond` holds, `other` elsewhere (NaN
   * by default, so integers become float64, as in xarray). `cond` is a bool DataArray over the
   * same dimensions (in any order) or an array of this one's shape; lazy data stays lazy
   * (`da.where` block by block). Coordinates, name and attributes are kept.
   * @example theta.where(theta.gt(0))
   */
  where(cond: DataArray | NDArray | LazyArray, other: number = NaN): DataArray {
    let c: XData;
    if (cond instanceof DataArray) {
      if (cond.dims.length !== this.dims.length || cond.dims.some((d) => !this.dims.includes(d) || cond.sizes[d] !== this.sizes[d])) {
        throw new DimensionError(`where: cond has dimensions (${cond.dims.join(", ")}) with sizes (${cond.shape.join(", ")}); it must have this array's (${this.dims.join(", ")}) and sizes (${this.shape.join(", ")})`);
      }
      c = broadcastTo(cond, this.dims);
    } else {
      c = cond;
      if (c.shape.join() !== this.shape.join()) throw new DimensionError(`where: cond has shape (${c.shape.join(", ")}), this array (${this.shape.join(", ")})`);
    }
    const x = this._data;
    let data: XData;
    if (x instanceof LazyArray || c instanceof LazyArray) {
      const lx = x instanceof LazyArray ? x : wrapLazy(x, c as LazyArray);
      const lc = c instanceof LazyArray ? c : wrapLazy(c, lx);
      data = daWhere(lc, lx, other);
    } else data = npWhere(c, x, other);
    return new DataArray(data, this.dims, { coords: this._coords, attrs: this.attrs, name: this.name, isTime: this.isTime, dask: this.isDask || cond instanceof LazyArray || (cond instanceof DataArray && cond.isDask), encoding: this.encoding });
  }

  /**
   * xarray's `a.astype(dtype, keep_attrs=True)`: the values converted as np's (and da's, lazily)
   * `astype` converts them; coordinates, dimensions and name kept, the attributes too unless
   * `keepAttrs` is false. The way to halve a float64 variable's memory. Dask-backed data stays
   * lazy; a file's variable opened without `chunks` is read first, as in xarray.
   * @example theta.astype("float32").nbytes   // half of theta.nbytes
   */
  astype(dtype: DType, options: { keepAttrs?: boolean } = {}): DataArray {
    const to = checkDType(dtype);
    if (this.isTime) throw new TypeError(`astype: '${this.name ?? "this array"}' holds times (datetime64[ns]); lazylab converts numbers only`);
    // Lazily indexed file data (not dask) is loaded first, as xarray's astype loads it.
    const data = this.loadedUnlessDask().astype(to) as XData;
    const keep = options.keepAttrs ?? true;
    return new DataArray(data, this.dims, { coords: this._coords, attrs: keep ? this.attrs : {}, name: this.name, dask: this.isDask });
  }

  /**
   * xarray's `a.isnull()`: a bool DataArray, true where a value is NaN (never for integers).
   * Name and coordinates kept, attributes dropped, as xarray's; dask data stays lazy.
   * @example theta.isnull().sum()   // how many values are missing
   */
  isnull(): DataArray {
    return this.missing(false);
  }

  /** xarray's `a.notnull()`: true where a value is not NaN (see {@link isnull}). */
  notnull(): DataArray {
    return this.missing(true);
  }

  private missing(not: boolean): DataArray {
    const x = this.loadedUnlessDask();
    let data: XData;
    if (x instanceof LazyArray) data = not ? x.isnan().logicalNot() : x.isnan();
    else data = not ? (npNot(npIsnan(x)) as NDArray) : (npIsnan(x) as NDArray);
    return new DataArray(data, this.dims, { coords: this._coords, attrs: {}, name: this.name, dask: this.isDask });
  }

  /**
   * xarray's `a.fillna(value)`: NaN replaced by `value` (a number), the dtype kept as NumPy's
   * `where` keeps it (float32 stays float32); name, coordinates and attributes kept; dask data
   * stays lazy (`da.where`).
   * @example theta.fillna(0)
   */
  fillna(value: number): DataArray {
    if (typeof value !== "number") throw new TypeError(`fillna: value must be a number, got ${value === null ? "null" : typeof value}`);
    if (this.isTime) throw new TypeError(`fillna: '${this.name ?? "this array"}' holds times (datetime64[ns]); lazylab fills numbers only`);
    const x = this.loadedUnlessDask();
    const data: XData = x instanceof LazyArray ? daWhere(x.isnan(), value, x) : npWhere(npIsnan(x) as NDArray, value, x);
    return new DataArray(data, this.dims, { coords: this._coords, attrs: this.attrs, name: this.name, dask: this.isDask });
  }

  /** The data, a file's variable opened without `chunks` read first (as xarray's computations read it). */
  private loadedUnlessDask(): XData {
    return this._data instanceof LazyArray && !this.isDask ? this.values : this._data;
  }

  /** `-this`. */
  neg(): DataArray { return this.with(this._data.neg() as XData, this.dims, this._coords, false); }

  /** Transposes to the given dimension order. */
  transpose(...dims: string[]): DataArray {
    const order = dims.length ? dims : [...this.dims].reverse();
    if (order.length !== this.ndim || order.some((d) => !this.dims.includes(d))) throw new DimensionError(`transpose: (${order.join(", ")}) must be a permutation of (${this.dims.join(", ")})`);
    const perm = order.map((d) => this.dims.indexOf(d));
    return this.with(this._data.transpose(perm) as XData, order, this._coords);
  }

  /**
   * A copy (xarray's `a.copy(deep=True, data=None)`): the same dimensions, coordinates,
   * attributes and name. With `data`, that array (same shape, which is checked) replaces the
   * values; otherwise in-memory data is copied (`deep: false` shares it) and lazy data stays
   * lazy (nothing is loaded).
   * @example const anomaly = theta.copy({ data: theta.values.sub(theta.values.mean() as number) })
   */
  copy(options: { deep?: boolean; data?: XData | null } = {}): DataArray {
    if (typeof options !== "object" || options === null) throw new TypeError(`copy: options must be an object like { data } or { deep: false }, got ${String(options)}`);
    const deep = options.deep ?? true;
    let data: XData;
    if (options.data !== undefined && options.data !== null) {
      data = options.data;
      if (!(data instanceof NDArray) && !(data instanceof LazyArray)) throw new TypeError("copy: data must be an np array or a lazy (da) array");
      if (data.shape.length !== this.shape.length || data.shape.some((n, i) => n !== this.shape[i])) {
        throw new ValueError(`Data shape ${pyTuple(data.shape)} must match shape of object ${pyTuple(this.shape)}`);
      }
    } else data = deep && this._data instanceof NDArray ? this._data.copy() : this._data;
    const coords = deep ? Object.fromEntries(Object.entries(this._coords).map(([k, c]) => [k, c.copy({ deep })])) : { ...this._coords };
    return new DataArray(data, this.dims, { coords, attrs: deep ? structuredClone(this.attrs) : { ...this.attrs }, name: this.name, isTime: this.isTime, dask: data instanceof LazyArray && (options.data ? true : this.isDask), encoding: { ...this.encoding } });
  }

  /**
   * xarray's `a.chunk(chunks)`: the same array over a lazy (dask) array with these chunk sizes
   * per dimension name; a number chunks every dimension so. Unnamed dimensions keep their chunks
   * (the whole dimension for in-memory data). Nothing is copied or computed.
   * @example a.chunk({ time: 1 }).mean("time")   // lazy; await .compute()
   */
  chunk(chunks: number | Record<string, number> = {}): DataArray {
    const spec: Record<string, number> = typeof chunks === "number" ? Object.fromEntries(this.dims.map((d) => [d, chunks])) : chunks;
    const unknown = Object.keys(spec).filter((d) => !this.dims.includes(d));
    if (unknown.length) throw new ValueError(`some chunks keys are not dimensions on this object: {${unknown.map((d) => `'${d}'`).join(", ")}}`);
    const data = this._data;
    const sizes = this.dims.map((d, i) => (d in spec ? spec[d] : data instanceof LazyArray ? data.chunks[i] : data.shape[i]));
    const lazy = data instanceof LazyArray
      ? data.rechunk(sizes)
      : new LazyArray(newName("xarray-<this-array>"), data.shape, data.dtype, normalizeChunks(sizes, data.shape, data.dtype), { kind: "source", array: data });
    return new DataArray(lazy, this.dims, { coords: this._coords, attrs: this.attrs, name: this.name, isTime: this.isTime, dask: true, encoding: this.encoding });
  }

  /** Renames the array. */
  rename(name: string): DataArray {
    return new DataArray(this._data, this.dims, { coords: this._coords, attrs: this.attrs, name, isTime: this.isTime, dask: this.isDask, encoding: this.encoding });
  }

  /** @internal Same array with these coordinates. */
  withCoords(coords: Record<string, DataArray>): DataArray {
    return this.with(this._data, this.dims, coords);
  }

  // ---- display ---------------------------------------------------------------------

  /** xarray's text repr. */
  toString(): string {
    const head = `<xarray.DataArray ${this.name !== undefined ? `'${this.name}' ` : ""}(${this.dims.map((d, i) => `${d}: ${this.shape[i]}`).join(", ")})>`;
    const lines = [head, this.dataRepr()];
    const all = this.coords;
    const coords = Object.entries(all);
    if (coords.length) {
      const w = colWidth(coords.map(([k]) => k));
      lines.push("Coordinates:");
      for (const [k, c] of coords) lines.push(c.summary(k, w, c.dims.length === 1 && c.dims[0] === k));
    }
    const unindexed = this.dims.filter((d) => !(d in all));
    if (unindexed.length) lines.push(`Dimensions without coordinates: ${unindexed.join(", ")}`);
    const attrs = Object.entries(this.attrs);
    if (attrs.length) {
      const w = colWidth(attrs.map(([k]) => k));
      lines.push("Attributes:", ...attrs.map(([k, v]) => summarizeAttr(k, v, w, floatAttrs(this.attrs).has(k))));
    }
    return lines.join("\n");
  }

  private dataRepr(): string {
    if (this._data instanceof LazyArray) {
      if (this.isDask) return String(this._data);
      return `[${this.size} values with dtype=${this.dtype}]`;
    }
    if (this.isTime) return `array([${Array.from(this._data.copy().nd.data, (v) => `'${new Date(v).toISOString().replace("Z", "000000")}'`).join(", ")}], dtype='datetime64[ns]')`;
    return limitLines(this._data.repr(), 40);
  }

  /** @internal One line of a Coordinates/Data variables section (xarray's `summarize_variable`). */
  summary(name: string, width: number, isIndex: boolean): string {
    const first = prettyPrint(`  ${isIndex ? "*" : " "} ${name} `, width);
    const dims = this.dims.length ? `(${this.dims.join(", ")}) ` : "";
    const front = `${first}${dims}${this.dtype} `;
    return front + this.inlineValues(DISPLAY_WIDTH - front.length);
  }

  /** @internal The inline preview of the values. */
  inlineValues(width: number): string {
    const d = this._data;
    if (d instanceof LazyArray) {
      // xarray does not shorten the dask preview to the line width.
      if (this.isDask) return `dask.array<chunksize=${pyTuple(d.chunksize)}, meta=np.ndarray>`;
      return "...";
    }
    return formatArrayFlat(d.copy().nd.data, itemKind(d, this.isTime), width);
  }

  /** @internal */
  [inspect.custom](): string {
    return this.toString();
  }
  /** @internal text/plain as xarray's repr, text/html as its collapsible HTML repr. */
  [MIME_BUNDLE](): MimeBundle {
    return { "text/plain": this.toString(), "text/html": dataArrayHtml(this) };
  }
}

/**
 * An n-dimensional array with named dimensions, coordinates and attributes (xarray's
 * `DataArray`), lazy (chunks loaded when computed) or in memory.
 * @example
 * const theta = ds.THETA;                               // lazy, dims (time, k, tile, j, i)
 * const top = await theta.isel({ k: 0 }).compute();     // in memory, dims (time, tile, j, i)
 * top.mean("time").dims                                  // ["tile", "j", "i"]
 */
export interface DataArray extends DataArrayObject {}

/** The type of `xr.DataArray` itself: called as xarray's constructor (with or without `new`), and lib/xr's own. */
export type DataArrayConstructor = Omit<typeof DataArrayObject, "prototype"> & {
  /**
   * xarray's `DataArray(data, coords=, dims=, name=, attrs=)`, keywords as one options object.
   * `data`: an np array (not copied), a lazy da array, nested lists of numbers, a number (0-d;
   * with `coords` and `dims`, filled to their shape), or a DataArray (its dims, coords, name
   * and attrs unless given). Without `dims`: `dim_0, dim_1, ...`, or the coordinates' names
   * when there is one per dimension. A coordinate is a DataArray, a `[dims, values, attrs?]`
   * tuple, or 1-D values along the dimension of its name.
   * @example
   * xr.DataArray(np.arange(6).reshape(2, 3), { dims: ["x", "y"], coords: { x: [10, 20] }, name: "v", attrs: { units: "m" } })
   * xr.DataArray([[1, 2], [3, 4]])                        // dims dim_0, dim_1
   * xr.DataArray(data, { dims: ["x", "y"], coords: { lat: [["x", "y"], lat2d] } })
   */
  new (data?: DataArrayData, options?: DataArrayInitOptions): DataArray;
  /** xarray's `DataArray(data, coords=, dims=, name=, attrs=)`, called as Python calls it (see `new`). */
  (data?: DataArrayData, options?: DataArrayInitOptions): DataArray;
  /** @internal lib/xr's own: data of as many dimensions as `dims`, coordinates already DataArrays. */
  new (data: XData, dims: readonly string[], options?: DataArrayOptions): DataArray;
  readonly prototype: DataArray;
};

/**
 * xarray's `DataArray`: `xr.DataArray(data, { dims, coords, name, attrs })` as Python calls it
 * (`new` works too); every DataArray lib/xr makes is an instance (`a instanceof xr.DataArray`).
 * lib/xr's own calls (data, dims array, options) are told apart by their dims array.
 */
export const DataArray: DataArrayConstructor = pythonConstructor<DataArrayConstructor>(DataArrayObject, "DataArray", (...args: unknown[]) =>
  Array.isArray(args[1]) ? new DataArrayObject(args[0] as XData, args[1] as string[], args[2] as DataArrayOptions | undefined) : newDataArray(args[0], args[1], args.length),
);

// ---- helpers ----------------------------------------------------------------------

function computeLazy(x: LazyArray): NDArray {
  reopenFiles(x);
  const before = served.bytes;
  announce(plannedJobs(x));
  announcePlan(x);
  let out: NDArray;
  try {
    out = computeSync(x);
  } finally {
    settle();
  }
  checkReadRatio(x, out, served.bytes - before);
  return out;
}

async function computeLazyAsync(x: LazyArray): Promise<NDArray> {
  // A closed dataset's files reopen now, or the compute fails here naming the one that is gone.
  reopenFiles(x);
  const before = served.bytes;
  // The chunks this compute will decode start decoding on the decoder threads now.
  announce(plannedJobs(x));
  announcePlan(x);
  let out: NDArray;
  try {
    out = await x.compute();
  } finally {
    settle();
  }
  checkReadRatio(x, out, served.bytes - before);
  return out;
}

/** Applies per-dimension positional indexers to data with `dims`. */
export function indexData(data: XData, dims: readonly string[], indexers: Record<string, PositionIndexer>): { data: XData; dims: string[] } {
  const items = dims.map((d) => indexers[d] ?? new Slice());
  const kept = dims.filter((d) => typeof indexers[d] !== "number" && !(typeof indexers[d] === "string" && /^\s*[+-]?\d+\s*$/.test(indexers[d] as string)));
  if (!dims.length) return { data, dims: [] };
  const out = data instanceof LazyArray ? data.get(items) : (data.get(items) as unknown);
  if (!(out instanceof NDArray) && !(out instanceof LazyArray)) {
    // A full integer index of an eager array gives a number: keep it as a 0-d array.
    return { data: new NDArray(Float64Array.of(Number(out)), [], data.dtype === "float32" ? "float32" : "float64"), dims: [] };
  }
  return { data: out, dims: kept };
}

function labelToPosition(arr: DataArray, dim: string, label: LabelIndexer, options: SelOptions = {}): PositionIndexer {
  const method = options.method;
  if (method !== undefined && !["nearest", "pad", "ffill", "backfill", "bfill"].includes(method)) {
    throw new ValueError(`Invalid fill method. Expecting pad (ffill), backfill (bfill) or nearest. Got ${String(method)}`);
  }
  if (method === undefined && options.tolerance !== undefined) throw new ValueError("tolerance argument only valid if doing pad, backfill or nearest reindexing");
  if (Array.isArray(label) && label.length !== 2) {
    // xarray's sel(k=[0, 5, 10]) picks those labels; here an array is a range, and a longer one would silently lose labels.
    throw new ValueError(`sel: ${dim}=[${label.map(String).join(", ")}]: an array is a label range [start, stop] (xarray's slice(start, stop)), so it has two items; a list of labels (xarray's vectorised selection) is not supported: select each label and concatenate, or use isel with a range of positions`);
  }
  if (method !== undefined && Array.isArray(label)) throw new NotImplementedError("cannot use ``method`` argument if any indexers are slice objects");
  if (!arr.dims.includes(dim)) throw new DimensionError(`Dimensions {'${dim}'} do not exist. Expected one or more of (${arr.dims.join(", ")})`);
  const index = (arr.coords as Record<string, DataArray>)[dim];
  if (!index || index.dims.length !== 1 || index.dims[0] !== dim) {
    // No index: labels are positions, as xarray's default RangeIndex-less behaviour.
    throw new KeyError(`no index found for coordinate '${dim}': sel needs a coordinate named after the dimension (use isel for positions)`);
  }
  const values = index.values.copy().nd.data;
  const isTime = index.isTime;
  const toNumber = (l: Label): number => {
    if (l instanceof Date) return l.getTime();
    if (typeof l === "string") {
      if (!isTime) throw new KeyError(`'${l}': coordinate '${dim}' holds numbers, not dates`);
      const t = Date.parse(l.length <= 10 ? l + (l.length === 4 ? "-01-01" : l.length === 7 ? "-01" : "") + "T00:00:00Z" : l.endsWith("Z") ? l : l + "Z");
      if (Number.isNaN(t)) throw new KeyError(`'${l}' is not a date`);
      return t;
    }
    return l;
  };
  if (Array.isArray(label)) {
    const [a, b] = label as readonly [Label | null, Label | null];
    let start = 0, stop = values.length;
    if (a !== null) {
      const { first } = matchRange(values, a, isTime, toNumber);
      start = values.findIndex((v) => v >= first);
      if (start < 0) start = values.length;
    }
    if (b !== null) {
      const { last } = matchRange(values, b, isTime, toNumber);
      let k = values.length - 1;
      while (k >= 0 && !(values[k] <= last)) k--;
      stop = k + 1;
    }
    return new Slice(start, Math.max(stop, start));
  }
  const l = label as Label;
  if (isTime && typeof l === "string" && !/T\d{2}:\d{2}:\d{2}/.test(l)) {
    const { first, last } = matchRange(values, l, isTime, toNumber);
    const hits: number[] = [];
    values.forEach((v, i) => { if (v >= first && v <= last) hits.push(i); });
    if (!hits.length) throw new KeyError(`'${l}' matches no ${dim} value (from ${new Date(values[0]).toISOString()} to ${new Date(values[values.length - 1]).toISOString()})`);
    return new Slice(hits[0], hits[hits.length - 1] + 1);
  }
  const x = toNumber(l);
  if (method !== undefined) return nearestPosition(values, x, method, options.tolerance, dim);
  const i = Array.prototype.indexOf.call(values, x) as number;
  if (i < 0) throw new KeyError(`${isTime ? new Date(x).toISOString() : x} is not a label of '${dim}'`);
  return i;
}

/**
 * pandas' get_indexer with a method (what xarray's sel runs): the position for label x, or
 * xarray's KeyError. By position: pad is the last label before x in the index's order (or x),
 * backfill the first after it; nearest takes the nearer, and of two as near the larger label
 * (pandas' `lt` on an increasing index, `le` on a decreasing one).
 */
function nearestPosition(values: ArrayLike<number>, x: number, method: NonNullable<SelOptions["method"]>, tolerance: number | undefined, dim: string): number {
  let up = true;
  let down = true;
  for (let k = 1; k < values.length; k++) {
    up &&= values[k] >= values[k - 1];
    down &&= values[k] <= values[k - 1];
  }
  if (!up && !down) throw new ValueError("index must be monotonic increasing or decreasing");
  const before = up ? (v: number) => v <= x : (v: number) => v >= x;
  let pad = -1;
  while (pad + 1 < values.length && before(values[pad + 1])) pad++;
  let back = pad >= 0 && values[pad] === x ? pad : pad + 1;
  if (back >= values.length) back = -1;
  let i: number;
  if (method === "pad" || method === "ffill") i = pad;
  else if (method === "backfill" || method === "bfill") i = back;
  else if (back < 0 || pad < 0) i = back < 0 ? pad : back;
  else {
    const dPad = Math.abs(x - values[pad]);
    const dBack = Math.abs(values[back] - x);
    i = up ? (dPad < dBack ? pad : back) : dPad <= dBack ? pad : back;
  }
  if (i < 0 || (tolerance !== undefined && !(Math.abs(values[i] - x) <= tolerance))) throw new KeyError(`"not all values found in index '${dim}'"`);
  return i;
}

/** The time range a (partial) label covers: "1992" is the year, "1992-03" the month. */
function matchRange(values: ArrayLike<number>, l: Label, isTime: boolean, toNumber: (l: Label) => number): { first: number; last: number } {
  void values;
  if (isTime && typeof l === "string") {
    const m = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$/.exec(l.trim());
    if (m) {
      const y = Number(m[1]);
      const first = Date.UTC(y, m[2] ? Number(m[2]) - 1 : 0, m[3] ? Number(m[3]) : 1);
      const next = m[3] ? Date.UTC(y, Number(m[2]) - 1, Number(m[3]) + 1) : m[2] ? Date.UTC(y, Number(m[2]), 1) : Date.UTC(y + 1, 0, 1);
      return { first, last: next - 1 };
    }
  }
  const x = toNumber(l);
  return { first: x, last: x };
}

/** NaN-skipping reductions over lazy or eager data. */
/**
 * xarray's `limit_lines`: a repr of more than `limit` lines keeps its first and last
 * `limit / 2` with a line `...` between (how xarray shows an in-memory array's data).
 */
function limitLines(text: string, limit: number): string {
  const lines = text.split("\n");
  if (lines.length <= limit) return text;
  return [...lines.slice(0, limit / 2), "...", ...lines.slice(-limit / 2)].join("\n");
}

export function reduceData(data: XData, kind: "mean" | "sum" | "min" | "max", axes: number[], skipna: boolean): XData {
  if (!axes.length) return data;
  if (data instanceof NDArray) {
    return reduceEager(data, kind, axes, skipna);
  }
  if (!skipna) return data[kind]({ axis: axes }) as LazyArray;
  if (kind === "min" || kind === "max") {
    const fill = kind === "min" ? Infinity : -Infinity;
    const filled = data.mapBlocks((b) => replaceNaN(b, fill));
    const red = filled[kind]({ axis: axes }) as LazyArray;
    return red.mapBlocks((b) => replaceValue(b, fill, NaN));
  }
  const zeroed = data.mapBlocks((b) => replaceNaN(b, 0));
  const total = zeroed.sum({ axis: axes }) as LazyArray;
  if (kind === "sum") return total;
  const counts = data.mapBlocks((b) => notNaN(b), { dtype: "float64" }).sum({ axis: axes }) as LazyArray;
  const mean = total.div(counts);
  return data.dtype === "float32" ? mean.mapBlocks((b) => b.astype("float32"), { dtype: "float32" }) : mean;
}

function reduceEager(data: NDArray, kind: "mean" | "sum" | "min" | "max", axes: number[], skipna: boolean): NDArray {
  const wrap = (v: NDArray | number, dtype: string): NDArray => (v instanceof NDArray ? v : new NDArray(dtype === "float32" ? Float32Array.of(v) : Float64Array.of(v), [], dtype === "float32" ? "float32" : "float64"));
  if (!skipna) return wrap(data[kind]({ axis: axes }) as NDArray | number, data.dtype);
  if (kind === "min" || kind === "max") {
    const fill = kind === "min" ? Infinity : -Infinity;
    return replaceValue(wrap(replaceNaN(data, fill)[kind]({ axis: axes }) as NDArray | number, data.dtype), fill, NaN);
  }
  const total = wrap(replaceNaN(data, 0).sum({ axis: axes }) as NDArray | number, data.dtype);
  if (kind === "sum") return total;
  const counts = wrap(notNaN(data).sum({ axis: axes }) as NDArray | number, "float64");
  const mean = total.div(counts) as NDArray;
  return data.dtype === "float32" ? mean.astype("float32") : mean;
}

function replaceNaN(b: NDArray, fill: number): NDArray {
  const c = b.copy();
  const d = c.nd.data;
  for (let i = 0; i < d.length; i++) if (d[i] !== d[i]) d[i] = fill;
  return c;
}
function replaceValue(b: NDArray, from: number, to: number): NDArray {
  const c = b.copy();
  const d = c.nd.data;
  for (let i = 0; i < d.length; i++) if (d[i] === from) d[i] = to;
  return c;
}
function notNaN(b: NDArray): NDArray {
  const src = b.copy().nd.data;
  const out = new Float64Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = src[i] === src[i] ? 1 : 0;
  return new NDArray(out, b.shape, "float64");
}

/** Broadcasts `a` (with dims) to `target` dims by inserting axes and transposing. */
function broadcastTo(x: DataArray, target: readonly string[]): XData {
  const present = target.filter((d) => x.dims.includes(d));
  let data = x.data;
  if (present.some((d, i) => d !== x.dims[i])) data = data.transpose(present.map((d) => x.dims.indexOf(d))) as XData;
  const items = target.map((d) => (x.dims.includes(d) ? new Slice() : null));
  return (data instanceof LazyArray ? data.get(items) : (data.get(items) as NDArray)) as XData;
}

type BinaryName = "add" | "sub" | "mul" | "div" | "pow" | "eq" | "ne" | "lt" | "le" | "gt" | "ge";

function binaryOp(a: DataArray, b: XOperand, op: BinaryName): DataArray {
  if (typeof b === "number") {
    const data = (a.data as LazyArray)[op](b) as XData;
    return new DataArray(data, a.dims, { coords: a.coords, name: a.name, dask: a.isDask });
  }
  if (!(b instanceof DataArray)) throw new TypeError(`${op}: expected a DataArray or a number, got ${String(b)}`);
  const dims = [...a.dims, ...b.dims.filter((d) => !a.dims.includes(d))];
  for (const d of b.dims) {
    if (a.dims.includes(d) && a.sizes[d] !== b.sizes[d]) throw new DimensionError(`${op}: dimension '${d}' has size ${a.sizes[d]} in the first operand and ${b.sizes[d]} in the second; cannot align`);
  }
  const left = broadcastTo(a, dims);
  const right = broadcastTo(b, dims);
  let data: XData;
  if (left instanceof LazyArray) data = left[op](right) as XData;
  else if (right instanceof LazyArray) data = (wrapLazy(left, right))[op](right) as XData;
  else data = left[op](right) as NDArray;
  const coords: Record<string, DataArray> = { ...b.coords, ...a.coords };
  return new DataArray(data, dims, { coords, name: a.name === b.name ? a.name : undefined, dask: a.isDask || b.isDask });
}

function wrapLazy(x: NDArray, like: LazyArray): LazyArray {
  void like;
  // One chunk: da's binary refines it to the lazy operand's chunks.
  return fromArray(x, { chunks: x.shape.map((n) => Math.max(n, 1)) });
}
