/**
 * xarray's constructors as a port calls them: `xr.DataArray(data, { coords, dims, name, attrs })`
 * and `xr.Dataset(dataVars, { coords, attrs })`, Python's keywords as one options object last
 * and its `(dims, data[, attrs])` tuples as arrays. The steps and their errors are xarray
 * 2023.01's (`_check_data_shape`, `_infer_coords_and_dims`, `as_variable`,
 * `merge_data_and_coords`), for what lazylab holds: numbers, no reindexing (indexes that
 * xarray would align by reindexing raise ValueError instead).
 */
import { NDArray, type NestedList } from "../np/ndarray";
import { array, full } from "../np/creation";
import { ValueError } from "../np/errors";
import { LazyArray } from "../da/array";
import { DataArray, type XData } from "./dataarray";
import { Dataset, type DatasetWithVars } from "./dataset";
import { MergeError } from "./merge";
import { copyAttrs, type AttrValue } from "./attrs";
import { pyTuple } from "./format";

/** Nested lists of numbers or booleans, or one (0-d); `as const` lists too. */
export type NestedValues = number | boolean | readonly NestedValues[];

/** The values of a variable: an np array (not copied), a lazy da array, nested lists of numbers, a number (0-d). */
export type VariableData = NDArray | LazyArray | NestedValues;

/**
 * xarray's `(dims, data[, attrs[, encoding]])` tuple as an array: `[["x", "y"], data]`,
 * `["x", [1, 2], { units: "m" }]` (one dimension may be named by a string).
 */
export type VariableTuple = readonly [dims: string | readonly string[], data: VariableData, attrs?: Readonly<Record<string, AttrValue>>, encoding?: Readonly<Record<string, unknown>>];

/**
 * A coordinate or data variable as xarray takes one: a DataArray (its dims, values and attrs),
 * a {@link VariableTuple}, or values: 1-D ones lie along the dimension of their name, a number is 0-d.
 */
export type VariableLike = DataArray | VariableTuple | VariableData;

/** What `xr.DataArray(data)` takes as data: {@link VariableData}, a DataArray, or nothing (NaN). */
export type DataArrayData = VariableData | DataArray | undefined;

/** xarray's keywords of `DataArray(data, coords=, dims=, name=, attrs=)`. */
export interface DataArrayInitOptions {
  /** Coordinates by name: DataArrays, `[dims, values, attrs?]` tuples, or a dimension's 1-D values under its name. */
  coords?: Readonly<Record<string, VariableLike>>;
  /** Dimension names, one per axis (one name for 1-D data); default `dim_0, dim_1, ...`. */
  dims?: string | readonly string[];
  name?: string;
  attrs?: Readonly<Record<string, AttrValue>>;
}

/** xarray's keywords of `Dataset(data_vars, coords=, attrs=)`. */
export interface DatasetInitOptions {
  /** Coordinates by name, as {@link DataArrayInitOptions.coords}. */
  coords?: Readonly<Record<string, VariableLike>>;
  attrs?: Readonly<Record<string, AttrValue>>;
}

/** xarray's `MissingDimensionsError`: values of more than one dimension given without dimension names. */
export class MissingDimensionsError extends ValueError {
  override name = "MissingDimensionsError";
}

/** A variable before it is a DataArray (xarray's `Variable`). */
interface Variable {
  dims: readonly string[];
  data: XData;
  attrs: Record<string, AttrValue>;
  isTime: boolean;
  dask: boolean;
  encoding: Record<string, unknown>;
}

// ---- xr.DataArray -----------------------------------------------------------------------

/** `xr.DataArray(data, options)`; `nargs` is how many arguments the call had. */
export function newDataArray(data: unknown, options: unknown, nargs = 2): DataArray {
  const o = keywords<DataArrayInitOptions>(options, ["coords", "dims", "name", "attrs"], "DataArray", nargs);
  let { coords, dims, name, attrs } = o;
  if (coords !== undefined && !isRecord(coords)) {
    throw new TypeError(`DataArray: coords must be an object { name: values } (${describe(coords)} given); xarray's list of coordinates, one per dimension, is not supported`);
  }
  // xarray takes what data carries when it is not given: a DataArray's dims, coords, name and
  // attrs, a dask array's name.
  if (data instanceof DataArray) {
    coords ??= data.ownCoords;
    dims ??= data.dims;
    name ??= data.name;
    attrs ??= data.attrs;
  } else if (name === undefined && data instanceof LazyArray) name = data.name;
  if (name !== undefined && typeof name !== "string") throw new TypeError(`DataArray: name must be a string, got ${describe(name)}`);
  if (attrs !== undefined && !isRecord(attrs)) throw new TypeError(`DataArray: attrs must be an object, got ${describe(attrs)}`);
  if (dims !== undefined && typeof dims !== "string" && !Array.isArray(dims)) throw new TypeError(`DataArray: dims must be a name or a list of names, got ${describe(dims)}`);
  const v = asData(checkDataShape(data, coords, dims));
  const inferred = inferCoordsAndDims(v.data.shape, coords, dims);
  const coordArrays: Record<string, DataArray> = {};
  for (const [k, c] of Object.entries(inferred.coords)) coordArrays[k] = toDataArray(c, k);
  return new DataArray(v.data, inferred.dims, { coords: coordArrays, attrs: copyAttrs((attrs ?? {}) as Record<string, AttrValue>), name, isTime: v.isTime, dask: v.dask });
}

/** xarray's `_check_data_shape`: a number with coordinates and dims fills their shape. */
function checkDataShape(data: unknown, coords: DataArrayInitOptions["coords"], dims: DataArrayInitOptions["dims"]): unknown {
  if (data === undefined) data = NaN;
  if (coords === undefined || (typeof data !== "number" && typeof data !== "boolean")) return data;
  if (dims === undefined) return data;
  const names = typeof dims === "string" ? [dims] : dims;
  const shape = names.map((k) => (Object.hasOwn(coords, k) ? sizeOf(asVariable(coords[k], k)) : 1));
  return full(shape, data);
}

/** xarray's `_infer_coords_and_dims`, with its messages. */
function inferCoordsAndDims(shape: readonly number[], coords: DataArrayInitOptions["coords"], given: DataArrayInitOptions["dims"]): { coords: Record<string, Variable>; dims: string[] } {
  let dims: string[];
  // Python prints the dims as given: a list as a list, else the tuple xarray made.
  let dimsRepr: () => string;
  if (given === undefined) {
    dims = shape.map((_, n) => `dim_${n}`);
    if (coords !== undefined && Object.keys(coords).length === shape.length) dims = Object.keys(coords);
    dimsRepr = () => pyRepr(dims, true);
  } else {
    dims = typeof given === "string" ? [given] : [...given];
    dimsRepr = () => pyRepr(dims, typeof given === "string");
    if (dims.length !== shape.length) throw new ValueError(`different number of dimensions on data and dims: ${shape.length} vs ${dims.length}`);
    for (const d of dims) if (typeof d !== "string") throw new TypeError(`dimension ${pyStrOf(d)} is not a string`);
  }
  const out: Record<string, Variable> = {};
  for (const [k, c] of Object.entries(coords ?? {})) out[k] = asVariable(c, k);
  const sizes = new Map(dims.map((d, i) => [d, shape[i]]));
  for (const [k, v] of Object.entries(out)) {
    if (v.dims.some((d) => !sizes.has(d))) throw new ValueError(`coordinate ${k} has dimensions ${pyRepr(v.dims, true)}, but these are not a subset of the DataArray dimensions ${dimsRepr()}`);
    v.dims.forEach((d, i) => {
      const s = v.data.shape[i];
      if (s !== sizes.get(d)) throw new ValueError(`conflicting sizes for dimension ${pyStr(d)}: length ${sizes.get(d)} on the data but length ${s} on coordinate ${pyStr(k)}`);
    });
    if (sizes.has(k) && (v.data.shape.length !== 1 || v.data.shape[0] !== sizes.get(k))) {
      throw new ValueError(`coordinate ${pyStr(k)} is a DataArray dimension, but it has shape ${pyTuple(v.data.shape)} rather than expected shape ${sizes.get(k)} matching the dimension size`);
    }
  }
  return { coords: out, dims };
}

// ---- xr.Dataset ------------------------------------------------------------------------

/** An index's labels as one source gave them (an explicit coordinate or a DataArray's). */
interface IndexClaim {
  values: Variable;
  source: string;
}

/** `xr.Dataset(dataVars, options)`; `nargs` is how many arguments the call had. */
export function newDataset(dataVars: unknown, options: unknown, nargs = 2): DatasetWithVars {
  const o = keywords<DatasetInitOptions>(options, ["coords", "attrs"], "Dataset", nargs);
  const vars = mapping(dataVars ?? {}, "data_vars");
  const coords = mapping(o.coords ?? {}, "coords");
  if (o.attrs !== undefined && !isRecord(o.attrs)) throw new TypeError(`Dataset: attrs must be an object, got ${describe(o.attrs)}`);
  const both = Object.keys(vars).filter((k) => Object.hasOwn(coords, k));
  if (both.length) throw new ValueError(`variables {${both.map(pyStr).join(", ")}} are found in both data_vars and coords`);

  // xarray's _create_indexes_from_coords: the coordinates first, those named after their one
  // dimension becoming the indexes everything is aligned with.
  const coordVars: Record<string, Variable> = {};
  const claims = new Map<string, IndexClaim[]>();
  const claim = (dim: string, values: Variable, source: string) => claims.set(dim, [...(claims.get(dim) ?? []), { values, source }]);
  for (const [k, c] of Object.entries(coords)) {
    coordVars[k] = asVariable(c, k);
    if (isIndexOf(coordVars[k], k)) claim(k, coordVars[k], `coordinate '${k}'`);
  }

  // deep_align over the DataArrays (what xarray aligns): their indexes and unindexed sizes.
  const unindexed = new Map<string, Set<number>>();
  const alignable: [string, DataArray][] = [
    ...Object.entries(vars).filter((e): e is [string, DataArray] => e[1] instanceof DataArray).map(([k, a]): [string, DataArray] => [`data variable '${k}'`, a]),
    ...Object.entries(coords).filter(([k, c]) => c instanceof DataArray && !isIndexOf(coordVars[k], k)).map(([k, a]): [string, DataArray] => [`coordinate '${k}'`, a as DataArray]),
  ];
  for (const [source, a] of alignable) {
    const own = a.ownCoords;
    a.dims.forEach((d, i) => {
      const idx = own[d];
      if (idx && idx.dims.length === 1 && idx.dims[0] === d) claim(d, asVariable(idx), source);
      else unindexed.set(d, (unindexed.get(d) ?? new Set()).add(a.shape[i]));
    });
  }
  for (const [d, cs] of claims) {
    const first = cs[0];
    for (const c of cs.slice(1)) {
      if (!sameValues(first.values, c.values)) {
        throw new ValueError(
          `cannot align objects with join='exact' where index/labels/sizes are not equal along these coordinates (dimensions): ${pyStr(d)} (${pyStr(d)},)` +
            ` — the labels of ${first.source} ${labels(first.values)} and of ${c.source} ${labels(c.values)} differ; xarray's Dataset() would reindex them (outer join, NaN where a label is missing), lazylab does not reindex: give every variable the same '${d}' labels (or select them with sel/isel first)`,
        );
      }
    }
  }
  for (const [d, sizes] of unindexed) {
    const index = claims.get(d)?.[0].values.data.shape[0];
    const all = new Set(sizes);
    if (index !== undefined) all.add(index);
    if (all.size > 1) {
      const note = index !== undefined ? ` (note: an index is found along that dimension with size=${index})` : "";
      throw new ValueError(`cannot reindex or align along dimension ${pyStr(d)} because of conflicting dimension sizes: {${[...all].sort((x, y) => x - y).join(", ")}}${note}`);
    }
  }

  // collect_variables_and_indexes + merge_collected: the data variables (a DataArray's
  // coordinates before it), then the coordinates, in that order; a name given twice must agree.
  const grouped = new Map<string, Variable[]>();
  const coordNames = new Set<string>(Object.keys(coords));
  const add = (name: string, v: Variable) => grouped.set(name, [...(grouped.get(name) ?? []), v]);
  const collect = (name: string, value: unknown, variable: () => Variable, withCoords: boolean) => {
    if (withCoords && value instanceof DataArray) {
      for (const [cn, c] of Object.entries(value.ownCoords)) {
        if (cn === name) continue;
        add(cn, asVariable(c));
        coordNames.add(cn);
      }
    }
    add(name, variable());
  };
  for (const [k, v] of Object.entries(vars)) collect(k, v, () => asVariable(v, k), true);
  // A coordinate made an index is a variable by then; one that is not stays a DataArray.
  for (const [k, c] of Object.entries(coords)) collect(k, c, () => coordVars[k], !isIndexOf(coordVars[k], k));
  const merged = new Map<string, Variable>();
  for (const [name, vs] of grouped) {
    const first = vs[0];
    for (const v of vs.slice(1)) {
      if (!sameValues(first, v)) {
        if (isIndexOf(first, name) || isIndexOf(v, name)) {
          throw new MergeError(`conflicting values for index ${pyStr(name)} on objects to be combined: ${labels(first)} and ${labels(v)}; lazylab does not reindex: give every variable the same '${name}' labels`);
        }
        throw new MergeError(`conflicting values for variable ${pyStr(name)} on objects to be combined. You can skip this check by specifying compat='override'.`);
      }
    }
    merged.set(name, first);
  }

  // calculate_dimensions, with its messages (the first variable to use each dimension named).
  const sizes = new Map<string, number>();
  const firstUse = new Map<string, string>();
  const scalars = new Set([...merged].filter(([, v]) => v.dims.length === 0).map(([k]) => k));
  for (const [k, v] of merged) {
    v.dims.forEach((d, i) => {
      const size = v.data.shape[i];
      if (scalars.has(d)) throw new ValueError(`dimension ${pyStr(d)} already exists as a scalar variable`);
      if (!sizes.has(d)) {
        sizes.set(d, size);
        firstUse.set(d, k);
      } else if (sizes.get(d) !== size) {
        throw new ValueError(`conflicting sizes for dimension ${pyStr(d)}: length ${size} on ${pyStr(k)} and length ${sizes.get(d)} on {${[...firstUse].map(([a, b]) => `${pyStr(a)}: ${pyStr(b)}`).join(", ")}}`);
      }
    });
  }
  for (const k of Object.keys(coords)) {
    const v = merged.get(k)!;
    if (sizes.has(k) && !isIndexOf(v, k)) {
      throw new MergeError(`coordinate ${k} shares a name with a dataset dimension, but is not a 1D variable along that dimension. This is disallowed by the xarray data model.`);
    }
  }
  for (const d of sizes.keys()) if (merged.has(d)) coordNames.add(d);

  const variables: Record<string, DataArray> = {};
  for (const [k, v] of merged) variables[k] = toDataArray(v, k);
  // In the variables' order, as xarray lists coordinates.
  const ordered = new Set(Object.keys(variables).filter((k) => coordNames.has(k)));
  return Dataset.wrap(new Dataset(variables, ordered, copyAttrs((o.attrs ?? {}) as Record<string, AttrValue>)));
}

// ---- variables -------------------------------------------------------------------------

/**
 * xarray's `as_variable(obj, name)`: a DataArray's variable, a tuple's, a number's (0-d), or,
 * with a name, 1-D values along the dimension of that name.
 */
function asVariable(obj: unknown, name?: string): Variable {
  let v: Variable;
  if (obj instanceof DataArray) {
    v = { dims: obj.dims, data: obj.data, attrs: obj.attrs, isTime: obj.isTime, dask: obj.isDask, encoding: obj.encoding };
  } else if (isTuple(obj)) {
    if (obj[1] instanceof DataArray) throw new TypeError("Using a DataArray object to construct a variable is ambiguous, please extract the data using the .data property.");
    try {
      v = tupleVariable(obj);
    } catch (e) {
      if (!(e instanceof Error)) throw e;
      const Err = e instanceof TypeError ? TypeError : ValueError;
      throw new Err(`Could not convert tuple of form (dims, data[, attrs, encoding]): ${tupleRepr(obj)} to Variable.`);
    }
  } else if (typeof obj === "number" || typeof obj === "boolean") {
    v = { ...asData(obj), dims: [], attrs: {}, encoding: {} };
  } else if (obj instanceof Set || obj instanceof Map || isRecord(obj)) {
    throw new TypeError(`variable ${name === undefined ? "None" : pyStr(name)} has invalid type <class '${obj instanceof Set ? "set" : "dict"}'>`);
  } else if (name !== undefined) {
    const d = asData(obj);
    if (d.data.shape.length !== 1) {
      throw new MissingDimensionsError(`cannot set variable ${pyStr(name)} with ${d.data.shape.length}-dimensional data without explicit dimension names. Pass a tuple of (dims, data) instead.`);
    }
    v = { ...d, dims: [name], attrs: {}, encoding: {} };
  } else {
    throw new TypeError(`unable to convert object into a variable without an explicit list of dimensions: ${pyRepr(obj)}`);
  }
  if (name !== undefined && v.dims.includes(name) && v.dims.length !== 1) {
    throw new MissingDimensionsError(`${pyStr(name)} has more than 1-dimension and the same name as one of its dimensions ${pyRepr(v.dims, true)}. xarray disallows such variables because they conflict with the coordinates used to label dimensions.`);
  }
  return v;
}

/** xarray's `Variable(dims, data, attrs, encoding)`. */
function tupleVariable(t: readonly unknown[]): Variable {
  if (t.length < 2 || t.length > 4) throw new TypeError(`a variable's tuple has 2 to 4 items, ${t.length} given`);
  const [dims, data, attrs, encoding] = t;
  const names = typeof dims === "string" ? [dims] : Array.isArray(dims) ? dims : null;
  if (!names || names.some((d) => typeof d !== "string")) throw new TypeError("dimension names must be strings");
  const d = asData(data);
  if (names.length !== d.data.shape.length) throw new ValueError(`dimensions ${pyRepr(names, true)} must have the same length as the number of data dimensions, ndim=${d.data.shape.length}`);
  if (attrs !== undefined && attrs !== null && !isRecord(attrs)) throw new TypeError("attrs must be an object");
  if (encoding !== undefined && encoding !== null && !isRecord(encoding)) throw new TypeError("encoding must be an object");
  return { ...d, dims: names as string[], attrs: copyAttrs((attrs ?? {}) as Record<string, AttrValue>), encoding: { ...(encoding ?? {}) } };
}

/** xarray's `as_compatible_data`: np and da arrays as they are, lists and numbers as np arrays. */
function asData(x: unknown): { data: XData; isTime: boolean; dask: boolean } {
  if (x instanceof DataArray) return { data: x.data, isTime: x.isTime, dask: x.isDask };
  if (x instanceof NDArray) return { data: x, isTime: false, dask: false };
  if (x instanceof LazyArray) return { data: x, isTime: false, dask: true };
  if (typeof x === "number" || typeof x === "boolean" || Array.isArray(x)) return { data: array(x as NestedList), isTime: false, dask: false };
  throw new TypeError(`data must be an np array, a lazy da array, nested lists of numbers or a number; got ${describe(x)}${typeof x === "string" ? " (lazylab's arrays hold numbers, not strings)" : ""}`);
}

function toDataArray(v: Variable, name: string): DataArray {
  return new DataArray(v.data, v.dims, { attrs: v.attrs, name, isTime: v.isTime, dask: v.dask, encoding: v.encoding });
}

const sizeOf = (v: Variable) => v.data.shape.reduce((a, b) => a * b, 1);
const isIndexOf = (v: Variable, name: string) => v.dims.length === 1 && v.dims[0] === name;

/**
 * A `[dims, data, ...]` tuple, told apart from nested lists of numbers by its first item: a
 * name, names, or (0-d data) an empty list before a number.
 */
function isTuple(x: unknown): x is VariableTuple {
  if (!Array.isArray(x) || x.length === 0) return false;
  const d: unknown = x[0];
  if (typeof d === "string") return true;
  if (!Array.isArray(d)) return false;
  if (d.some((n) => typeof n === "string")) return true;
  return d.length === 0 && x.length >= 2 && !Array.isArray(x[1]);
}

/** Equal values (NaN equal to NaN, as xarray's `equals`), same dimensions; lazy values are loaded. */
function sameValues(a: Variable, b: Variable): boolean {
  if (a.data === b.data && a.dims.join() === b.dims.join()) return true;
  if (a.dims.join() !== b.dims.join() || a.data.shape.join() !== b.data.shape.join()) return false;
  const x = flat(a);
  const y = flat(b);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i] && !(x[i] !== x[i] && y[i] !== y[i])) return false;
  return true;
}

function flat(v: Variable): ArrayLike<number> {
  return toDataArray(v, "").values.copy().nd.data;
}

/** An index's labels for a message: `[10, 20]` (the first and last of many). */
function labels(v: Variable): string {
  const x = Array.from(flat(v));
  return `[${x.length > 6 ? [...x.slice(0, 3), "...", ...x.slice(-2)].join(", ") : x.join(", ")}]`;
}

// ---- arguments -------------------------------------------------------------------------

/** The options object (Python's keywords), checked: no positional extras, no unknown keys. */
function keywords<T>(options: unknown, allowed: readonly string[], what: string, nargs: number): T {
  if (nargs > 2) throw new TypeError(`${what}() takes the data and one options object { ${allowed.join(", ")} } (Python's keyword arguments); ${nargs} arguments given`);
  if (options === undefined) return {} as T;
  if (!isRecord(options)) throw new TypeError(`${what}: the second argument is the options object { ${allowed.join(", ")} } (Python's keyword arguments), got ${describe(options)}`);
  for (const k of Object.keys(options)) {
    if (!allowed.includes(k)) throw new TypeError(`${what}.__init__() got an unexpected keyword argument ${pyStr(k)} (the options are ${allowed.join(", ")})`);
  }
  return options as T;
}

function mapping(x: unknown, what: string): Record<string, unknown> {
  if (x instanceof Dataset) return what === "coords" ? x.coords : x.dataVars;
  if (!isRecord(x)) throw new TypeError(`Dataset: ${what} must be an object { name: variable }, got ${describe(x)}`);
  return x;
}

/** A plain object (Python's dict), not an array, np/da array or DataArray. */
function isRecord(x: unknown): x is Record<string, unknown> {
  if (typeof x !== "object" || x === null || Array.isArray(x)) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

function describe(x: unknown): string {
  if (x === null) return "null";
  if (Array.isArray(x)) return "an array";
  if (typeof x === "object") return `a ${(x as object).constructor?.name ?? "object"}`;
  return `${typeof x} ${String(x)}`;
}

// ---- Python's reprs, for messages word for word ----------------------------------------

/** Python's repr of a str. */
function pyStr(s: string): string {
  if (s.includes("'") && !s.includes('"')) return `"${s}"`;
  return `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'").replace(/\n/g, "\\n")}'`;
}

/** Python's str() of a dimension name that is not a str. */
function pyStrOf(x: unknown): string {
  return typeof x === "string" ? x : pyRepr(x);
}

function pyNumber(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (Number.isInteger(x) && Math.abs(x) < 2 ** 63) return BigInt(x).toString();
  const [mant, exp] = x.toExponential().split("e");
  const n = Number(exp);
  // Python's float repr turns to exponents below 1e-4 and from 1e16; JavaScript's at 1e-7 and 1e21.
  if (n < -4 || n >= 16) return `${mant}e${n < 0 ? "-" : "+"}${String(Math.abs(n)).padStart(2, "0")}`;
  return String(x);
}

/** Python's repr of what a port passes: lists (tuples when `tuple`), dicts, numbers, arrays. */
function pyRepr(x: unknown, tuple = false): string {
  if (typeof x === "string") return pyStr(x);
  if (typeof x === "number") return pyNumber(x);
  if (typeof x === "boolean") return x ? "True" : "False";
  if (x === null || x === undefined) return "None";
  if (x instanceof NDArray) return x.repr();
  if (x instanceof LazyArray || x instanceof DataArray) return String(x);
  if (Array.isArray(x)) {
    const items = x.map((v) => pyRepr(v));
    if (!tuple) return `[${items.join(", ")}]`;
    return items.length === 1 ? `(${items[0]},)` : `(${items.join(", ")})`;
  }
  if (typeof x === "object") return `{${Object.entries(x).map(([k, v]) => `${pyStr(k)}: ${pyRepr(v)}`).join(", ")}}`;
  return String(x);
}

/** Python's str() of a `(dims, data, ...)` tuple: the dims a tuple (or a str), the data a list or an array. */
function tupleRepr(t: readonly unknown[]): string {
  const items = t.map((v, i) => (i === 0 && Array.isArray(v) ? pyRepr(v, true) : pyRepr(v)));
  return items.length === 1 ? `(${items[0]},)` : `(${items.join(", ")})`;
}
