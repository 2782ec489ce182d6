/**
 * `Dataset`: named variables sharing dimensions, split into coordinates and data variables,
 * with attributes (xarray's `Dataset`). `ds.THETA` (or `ds.get("THETA")`) is a variable as a
 * DataArray carrying the coordinates that fit its dimensions.
 */
import type { DType } from "../np/dtype";
import { inspect } from "node:util";
import { MIME_BUNDLE, MimeBundle } from "../display/mime";
import { SIZEOF } from "../sys/sizeof";
import { DataArray, DimensionError, KeyError, LabelIndexer, PositionIndexer, SelOptions } from "./dataarray";
import type { AttrValue } from "./netcdf";
import { floatAttrs } from "./netcdf";
import { colWidth, prettyPrint, summarizeAttr } from "./format";
import { datasetHtml } from "./html";
import { ValueError } from "../np/errors";
import { pythonConstructor } from "../python-class";
import { newDataset, type DatasetInitOptions, type VariableLike } from "./construct";

/** A Dataset whose variables are also properties: `ds.THETA`. */
export type DatasetWithVars = Dataset & { readonly [name: string]: DataArray };

/** The class behind {@link Dataset} (lib/xr's own constructor: variables, coordinate names, attrs, files). */
class DatasetObject {
  /** @internal lib/xr's own; cells call `xr.Dataset(dataVars, { coords, attrs })`. */
  constructor(
    /** @internal Variables without their coordinates attached, in order. */
    readonly variables: Readonly<Record<string, DataArray>>,
    /** @internal Names of the coordinate variables. */
    readonly coordNames: ReadonlySet<string>,
    /** Global attributes. */
    readonly attrs: Record<string, AttrValue> = {},
    /** @internal Files the variables read from. */
    readonly files: readonly { close(): void }[] = [],
  ) {
    const sizes: Record<string, number> = {};
    for (const [name, v] of Object.entries(variables)) {
      v.dims.forEach((d, i) => {
        if (d in sizes && sizes[d] !== v.shape[i]) throw new DimensionError(`conflicting sizes for dimension '${d}': ${sizes[d]} elsewhere, ${v.shape[i]} in variable '${name}'`);
        sizes[d] = v.shape[i];
      });
    }
  }

  /** @internal The Proxy that makes variables properties. */
  static wrap(ds: Dataset): DatasetWithVars {
    return new Proxy(ds, {
      get(target, prop, receiver) {
        if (typeof prop === "string" && !(prop in target) && prop in target.variables) return target.get(prop);
        return Reflect.get(target, prop, receiver);
      },
      has(target, prop) {
        return (typeof prop === "string" && prop in target.variables) || Reflect.has(target, prop);
      },
    }) as DatasetWithVars;
  }

  /** Dimension sizes by name (xarray's `ds.sizes`, also `ds.dims`). */
  get sizes(): Record<string, number> {
    const sizes: Record<string, number> = {};
    for (const v of Object.values(this.variables)) v.dims.forEach((d, i) => (sizes[d] = v.shape[i]));
    return sizes;
  }
  /** Same as {@link sizes} (xarray 2023's `ds.dims` is this mapping). */
  get dims(): Record<string, number> {
    return this.sizes;
  }
  /** Coordinates by name. */
  get coords(): Record<string, DataArray> {
    return Object.fromEntries(Object.entries(this.variables).filter(([k]) => this.coordNames.has(k)));
  }
  /** Data variables by name, each with its coordinates. */
  get dataVars(): Record<string, DataArray> {
    return Object.fromEntries(Object.keys(this.variables).filter((k) => !this.coordNames.has(k)).map((k) => [k, this.get(k)]));
  }

  /**
   * `ds["THETA"]`: the variable as a DataArray with its coordinates. With a list of names,
   * `ds[["THETA"]]`: a Dataset of those variables, the coordinates that fit their dimensions
   * and the dataset's attributes.
   * @example ds.get("THETA")          // a DataArray
   * ds.get(["THETA"])                 // a Dataset holding THETA and its coordinates
   */
  get(name: string): DataArray;
  /**
   * `ds[["THETA", ...]]`: a Dataset of those variables, the coordinates that fit their
   * dimensions and the dataset's attributes.
   * @example xr.merge([grid, ds.get(["THETA"])])
   */
  get(names: readonly string[]): DatasetWithVars;
  get(name: string | readonly string[]): DataArray | DatasetWithVars {
    if (Array.isArray(name)) return this.subset(name);
    if (typeof name !== "string") throw new TypeError(`get: expected a variable name or a list of names, got ${String(name)}`);
    const v = this.variables[name];
    if (!v) throw new KeyError(`no variable named '${name}'; variables: ${Object.keys(this.variables).join(", ")}`);
    const coords: Record<string, DataArray> = {};
    for (const c of this.coordNames) {
      const cv = this.variables[c];
      if (cv.dims.every((d) => v.dims.includes(d))) coords[c] = cv;
    }
    return v.withCoords(coords);
  }

  /** xarray's `_copy_listed`: the named variables, then every coordinate whose dimensions they use. */
  private subset(names: readonly string[]): DatasetWithVars {
    const out: Record<string, DataArray> = {};
    for (const n of names) {
      if (typeof n !== "string") throw new TypeError(`get: variable names must be strings, got ${String(n)}`);
      const v = this.variables[n];
      if (!v) throw new KeyError(`no variable named '${n}'; variables: ${Object.keys(this.variables).join(", ")}`);
      out[n] = v;
    }
    const dims = new Set(Object.values(out).flatMap((v) => v.dims));
    const coordNames = new Set<string>();
    for (const [k, v] of Object.entries(this.variables)) {
      if (this.coordNames.has(k) && v.dims.every((d) => dims.has(d))) {
        coordNames.add(k);
        if (!(k in out)) out[k] = v;
      }
    }
    // The named variables in the order asked for, then the coordinates in the dataset's order (xarray's).
    return Dataset.wrap(new Dataset(out, coordNames, this.attrs, this.files));
  }

  /**
   * Bytes all variables take, coordinates included (xarray's `ds.nbytes`), loaded or not.
   * @example ds.nbytes / 2 ** 20   // MB
   */
  get nbytes(): number {
    return Object.values(this.variables).reduce((s, v) => s + v.nbytes, 0);
  }

  /**
   * The block sizes of each dimension over the dask-like variables (xarray's `ds.chunks`): `{}`
   * when none is chunked. Variables chunking a dimension differently raise ValueError, as in xarray.
   * @example ds.chunks   // { time: [1, 1, 1], k: [25, 25], tile: [13], j: [90], i: [90] }
   */
  get chunks(): Record<string, number[]> {
    const out: Record<string, number[]> = {};
    for (const v of Object.values(this.variables)) {
      const c = v.chunks;
      if (!c) continue;
      v.dims.forEach((d, i) => {
        if (d in out && out[d].join() !== c[i].join()) throw new ValueError(`Object has inconsistent chunks along dimension ${d}. This can be fixed by calling unify_chunks().`);
        out[d] = c[i];
      });
    }
    return out;
  }

  private map(fn: (v: DataArray) => DataArray, dimsTouched: string[]): DatasetWithVars {
    const out: Record<string, DataArray> = {};
    for (const [k, v] of Object.entries(this.variables)) out[k] = v.dims.some((d) => dimsTouched.includes(d)) ? fn(v) : v;
    return Dataset.wrap(new Dataset(out, this.coordNames, this.attrs, this.files));
  }

  /** Positional selection on every variable having the dimensions (see DataArray.isel). */
  isel(indexers: Record<string, PositionIndexer>): DatasetWithVars {
    const sizes = this.sizes;
    for (const d of Object.keys(indexers)) if (!(d in sizes)) throw new DimensionError(`Dimensions {'${d}'} do not exist. Expected one or more of (${Object.keys(sizes).join(", ")})`);
    return this.map((v) => v.isel(Object.fromEntries(Object.entries(indexers).filter(([d]) => v.dims.includes(d)))), Object.keys(indexers));
  }

  /** Label selection on every variable (see DataArray.sel). */
  sel(indexers: Record<string, LabelIndexer>, options: SelOptions = {}): DatasetWithVars {
    const pos: Record<string, PositionIndexer> = {};
    for (const [d, label] of Object.entries(indexers)) {
      const index = this.variables[d];
      if (!index) throw new KeyError(`no index found for coordinate '${d}'`);
      // Resolve the label on the index itself (a 1-d DataArray with itself as coordinate).
      const probe = index.withCoords({ [d]: index }).sel({ [d]: label }, options);
      pos[d] = probe.dims.includes(d) ? resolvedSlice(index, probe, d) : resolvedPosition(index, probe);
    }
    return this.isel(pos);
  }

  /**
   * xarray's `ds.astype(dtype, keep_attrs=True)`: every data variable converted (see
   * DataArray.astype), the coordinates as they are.
   * @example (await xr.openDataset(path)).astype("float32")
   */
  astype(dtype: DType, options: { keepAttrs?: boolean } = {}): DatasetWithVars {
    const out: Record<string, DataArray> = {};
    for (const [k, v] of Object.entries(this.variables)) out[k] = this.coordNames.has(k) ? v : v.astype(dtype, options);
    return Dataset.wrap(new Dataset(out, this.coordNames, (options.keepAttrs ?? true) ? this.attrs : {}, this.files));
  }

  /** Loads every lazy variable; resolves to a Dataset in memory. */
  async compute(): Promise<DatasetWithVars> {
    const out: Record<string, DataArray> = {};
    for (const [k, v] of Object.entries(this.variables)) out[k] = await v.compute();
    return Dataset.wrap(new Dataset(out, this.coordNames, this.attrs));
  }

  /**
   * Closes the files the dataset reads (xarray's `ds.close()`) and drops their chunks from the
   * chunk cache (`xr.cacheInfo().bytes` falls; chunks another open dataset of the same file
   * reads stay). As with xarray's file manager, a variable computed after `close()` reopens
   * its file and reads it again (counted in `xr.cacheInfo()`); if the file is gone by then, the
   * compute fails at once with `FileNotFoundError` naming it.
   * @example
   * const ds = await xr.openDataset("data/THETA_1992_01.nc");
   * const top = await ds.THETA.isel({ k: 0 }).compute();
   * ds.close();                                        // file and cached chunks let go
   * const again = await ds.THETA.isel({ k: 0 }).compute(); // reopens the file
   */
  close(): void {
    for (const f of this.files) f.close();
  }

  /** xarray's text repr. */
  toString(): string {
    const names = Object.keys(this.variables);
    const w = colWidth(names);
    const sizes = this.sizes;
    const lines = ["<xarray.Dataset>", `${prettyPrint("Dimensions:", w)}(${Object.entries(sizes).map(([d, n]) => `${d}: ${n}`).join(", ")})`];
    const coords = Object.entries(this.coords);
    if (coords.length) {
      lines.push("Coordinates:");
      for (const [k, c] of coords) lines.push(c.summary(k, w, c.dims.length === 1 && c.dims[0] === k));
    }
    const unindexed = Object.keys(sizes).filter((d) => !(d in this.variables && this.coordNames.has(d)));
    if (unindexed.length) lines.push(`Dimensions without coordinates: ${unindexed.join(", ")}`);
    lines.push("Data variables:");
    const vars = Object.entries(this.variables).filter(([k]) => !this.coordNames.has(k));
    if (!vars.length) lines.push("    *empty*");
    for (const [k, v] of vars) lines.push(v.summary(k, w, false));
    const attrs = Object.entries(this.attrs);
    if (attrs.length) {
      const aw = colWidth(attrs.map(([k]) => k));
      lines.push("Attributes:", ...attrs.map(([k, v]) => summarizeAttr(k, v, aw, floatAttrs(this.attrs).has(k))));
    }
    return lines.join("\n");
  }
  /** @internal */
  [inspect.custom](): string {
    return this.toString();
  }
  /** @internal */
  [MIME_BUNDLE](): MimeBundle {
    return { "text/plain": this.toString(), "text/html": datasetHtml(this) };
  }
  /** @internal Like xarray's small Python object: the data is not counted. */
  [SIZEOF](): number {
    return 64;
  }
}

/**
 * Named variables sharing dimensions, split into coordinates and data variables, with
 * attributes (xarray's `Dataset`). Variables are properties: `ds.THETA`.
 * @example
 * const ds = await xr.openMfDataset("data/THETA_*.nc");
 * ds.sizes                        // { time: 12, k: 50, tile: 13, j: 90, i: 90 }
 * Object.keys(ds.dataVars)        // ["THETA"]
 */
export interface Dataset extends DatasetObject {}

/** The type of `xr.Dataset` itself: called as xarray's constructor (with or without `new`), and lib/xr's own. */
export type DatasetConstructor = Omit<typeof DatasetObject, "prototype"> & {
  /**
   * xarray's `Dataset(data_vars, coords=, attrs=)`, keywords as one options object. A variable
   * (data or coordinate) is a DataArray, a `[dims, data, attrs?]` tuple (Python's
   * `(dims, data[, attrs])`; `dims` one name or a list), or values: 1-D ones along the
   * dimension of their name (which makes them that dimension's coordinate), a number 0-d.
   * DataArrays' coordinates join the Dataset's; their indexes must agree with each other and
   * with `coords` (xarray would reindex: lazylab raises ValueError).
   * @example
   * xr.Dataset({ temp: [["x", "y"], data], p: ["x", [1.5, 2.5]] }, { coords: { x: [10, 20], lat: [["x"], [1, 2]] }, attrs: { title: "t" } })
   * xr.Dataset({ v: someDataArray }).v                   // variables are properties
   */
  new (dataVars?: Readonly<Record<string, VariableLike>>, options?: DatasetInitOptions): DatasetWithVars;
  /** xarray's `Dataset(data_vars, coords=, attrs=)`, called as Python calls it (see `new`). */
  (dataVars?: Readonly<Record<string, VariableLike>>, options?: DatasetInitOptions): DatasetWithVars;
  /** @internal lib/xr's own: variables without their coordinates, coordinate names, attrs, files (not wrapped). */
  new (variables: Readonly<Record<string, DataArray>>, coordNames: ReadonlySet<string>, attrs?: Record<string, AttrValue>, files?: readonly { close(): void }[]): Dataset;
  readonly prototype: Dataset;
};

/**
 * xarray's `Dataset`: `xr.Dataset(dataVars, { coords, attrs })` as Python calls it (`new` works
 * too), its variables properties (`ds.temp`); every Dataset lib/xr makes is an instance.
 * lib/xr's own calls (variables, a Set of coordinate names, ...) are told apart by that Set.
 */
export const Dataset: DatasetConstructor = pythonConstructor<DatasetConstructor>(DatasetObject, "Dataset", (...args: unknown[]) =>
  args[1] instanceof Set
    ? new DatasetObject(args[0] as Record<string, DataArray>, args[1] as Set<string>, args[2] as Record<string, AttrValue> | undefined, args[3] as { close(): void }[] | undefined)
    : newDataset(args[0], args[1], args.length),
);

function resolvedPosition(index: DataArray, probe: DataArray): number {
  const v = probe.values.copy().nd.data[0];
  return Array.prototype.indexOf.call(index.values.copy().nd.data, v) as number;
}
function resolvedSlice(index: DataArray, probe: DataArray, d: string): PositionIndexer {
  const all = index.values.copy().nd.data;
  const got = probe.values.copy().nd.data;
  if (!got.length) return "0:0";
  const start = Array.prototype.indexOf.call(all, got[0]) as number;
  void d;
  return `${start}:${start + got.length}`;
}
