/**
 * `xr.merge`: one Dataset from several Datasets and named DataArrays, xarray's
 * `merge(objects, compat="no_conflicts", join="outer")` for objects whose indexes agree.
 */
import { NDArray } from "../np/ndarray";
import { DataArray, DimensionError } from "./dataarray";
import { Dataset, DatasetWithVars } from "./dataset";
import type { AttrValue } from "./netcdf";

/** Variables that cannot be merged (xarray's `MergeError`): conflicting values, differing indexes. */
export class MergeError extends Error {
  override name = "MergeError";
}

/** Options of {@link merge}. */
export interface MergeOptions {
  /**
   * "no_conflicts" (the default, as xarray): a variable in several objects must agree
   * wherever neither is NaN (NaNs are filled from the others); "override": the first one wins
   * unchecked (nothing is loaded to compare).
   */
  compat?: "no_conflicts" | "override";
}

/** The values as a flat float64 array (times as ms), loading lazy data. */
function flatValues(v: DataArray): Float64Array {
  const x = v.values;
  return Float64Array.from(x.isContiguous ? x.toContiguous() : x.copy().nd.data);
}

/**
 * `xr.merge([a, b, ...])`: one Dataset with the variables of all (DataArrays need names).
 * A variable in several objects must have the same dimensions, and equal
 * values where neither is NaN (else `MergeError` naming it; `compat: "override"` skips the
 * check); an index (the coordinate named after its dimension) must be identical in all:
 * lazylab does not outer-join different labels as xarray does, and raises MergeError naming
 * the index instead. A variable that is a coordinate in one object and a data variable in
 * another becomes a coordinate (xarray refuses that with MergeError). Attributes: the first
 * Dataset's.
 * @example const ecco = xr.merge([grid, ds.get(["THETA"])]);
 */
export function merge(objects: readonly (Dataset | DataArray)[], options: MergeOptions = {}): DatasetWithVars {
  if (!Array.isArray(objects)) throw new TypeError("merge: expected a list of Datasets and DataArrays");
  const compat = options.compat ?? "no_conflicts";
  if (compat !== "no_conflicts" && compat !== "override") throw new TypeError(`merge: compat must be "no_conflicts" or "override", got ${JSON.stringify(compat)}`);
  const vars: Record<string, DataArray> = {};
  const coordNames = new Set<string>();
  const attrs: Record<string, AttrValue> = {};
  const files: { close(): void }[] = [];
  let attrsTaken = false;
  objects.forEach((o, i) => {
    if (o instanceof DataArray) {
      if (o.name === undefined) throw new TypeError(`merge: objects[${i}] is an unnamed DataArray; give it a name with .rename(name)`);
      for (const [k, c] of Object.entries(o.coords)) addVar(k, c, true, i);
      addVar(o.name, o.withCoords({}), false, i);
    } else if (o instanceof Dataset) {
      // Indexes first, so that differing labels are reported as such, not as a variable's shape.
      const entries = Object.entries(o.variables);
      const isIndex = ([k, v]: [string, DataArray]) => v.dims.length === 1 && v.dims[0] === k;
      for (const [k, v] of [...entries.filter(isIndex), ...entries.filter((e) => !isIndex(e))]) addVar(k, v, o.coordNames.has(k), i);
      if (!attrsTaken) Object.assign(attrs, o.attrs);
      attrsTaken = true;
      files.push(...o.files);
    } else throw new TypeError(`merge: objects[${i}] is not a Dataset or a DataArray`);
  });
  function addVar(name: string, v: DataArray, isCoord: boolean, i: number): void {
    if (isCoord) coordNames.add(name);
    const prev = vars[name];
    if (!prev) {
      vars[name] = v;
      return;
    }
    if (prev.dims.join() !== v.dims.join()) {
      throw new DimensionError(`merge: variable '${name}' is (${prev.dims.join(", ")}) in an earlier object but (${v.dims.join(", ")}) in objects[${i}]`);
    }
    const isIndex = v.dims.length === 1 && v.dims[0] === name;
    if (prev.shape.join() !== v.shape.join()) {
      throw new MergeError(`merge: ${isIndex ? "index" : "variable"} '${name}' has shape (${prev.shape.join(", ")}) in an earlier object but (${v.shape.join(", ")}) in objects[${i}]; lazylab merges only objects whose indexes are identical (xarray would outer-join the labels)`);
    }
    if (compat === "override" || prev.data === v.data) return;
    const a = flatValues(prev);
    const b = flatValues(v);
    let fill = false;
    for (let k = 0; k < a.length; k++) {
      const x = a[k], y = b[k];
      if (x === x && y === y && x !== y) {
        if (isIndex) throw new MergeError(`merge: index '${name}' differs between objects (position ${k}: ${x} and ${y} in objects[${i}]); lazylab merges only objects whose indexes are identical (xarray would outer-join the labels)`);
        throw new MergeError(`conflicting values for variable '${name}' on objects to be combined. You can skip this check by specifying compat='override'.`);
      }
      if (x !== x && y === y) fill = true;
    }
    // xarray computes the first to compare (out = out.compute()) and then fills its NaNs from the
    // other (out.fillna(var)), which makes the result dask-backed when the other is: the repr
    // shows that, so the same choice here.
    if (fill) {
      const data = prev.values.copy();
      const d = data.nd.data;
      for (let k = 0; k < d.length; k++) if (d[k] !== d[k]) d[k] = b[k];
      vars[name] = prev.copy({ data: data as NDArray });
    } else if (v.isDask) vars[name] = v.withCoords(prev.coords);
    else if (!prev.isDask) vars[name] = prev.copy({ data: prev.values });
  }
  return Dataset.wrap(new Dataset(vars, coordNames, attrs, files));
}
