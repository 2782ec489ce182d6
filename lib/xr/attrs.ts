/**
 * Attributes as xarray shows them, read through h5wasm: values converted to strings, numbers
 * or lists (float32 ones printed with NumPy's shortest digits, floats remembered so `36.0`
 * prints as `36.0`), HDF5/NetCDF bookkeeping attributes hidden, and each entity's names and
 * values read once.
 */

/** An attribute value as xarray shows it: a string, a number, or a list of them. */
export type AttrValue = string | number | boolean | (string | number)[];

const HIDDEN_ATTRS = new Set(["CLASS", "NAME", "REFERENCE_LIST", "DIMENSION_LIST", "_Netcdf4Dimid", "_Netcdf4Coordinates", "_NCProperties", "_nc3_strict", "_IsNetcdf4"]);

function attrValue(v: unknown): AttrValue | undefined {
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  if (typeof v === "bigint") return Number(v);
  if (ArrayBuffer.isView(v)) {
    // float32 attributes print as NumPy prints float32 (shortest round-trip digits).
    const conv = v instanceof Float32Array ? shortestFloat32 : Number;
    const arr = Array.from(v as unknown as ArrayLike<number | bigint>, (x) => conv(x as number));
    return arr.length === 1 ? arr[0] : arr;
  }
  if (Array.isArray(v)) {
    const arr = v.map((x) => (typeof x === "bigint" ? Number(x) : x)).filter((x) => typeof x === "string" || typeof x === "number");
    return arr.length === 1 ? arr[0] : arr;
  }
  return undefined;
}

function shortestFloat32(x: number): number {
  if (!Number.isFinite(x)) return x;
  for (let p = 1; p <= 9; p++) {
    const y = Number(x.toPrecision(p));
    if (Math.fround(y) === x) return y;
  }
  return x;
}

/** Non-enumerable record of which attributes were floats on disk (so 36.0 prints as 36.0). */
export const FLOAT_ATTRS = Symbol("lazylab.xr.floatAttrs");

/** Names of the float-typed attributes of an attribute record. */
export function floatAttrs(attrs: object): Set<string> {
  return ((attrs as Record<symbol, Set<string>>)[FLOAT_ATTRS] ??= new Set());
}

/** A copy of an attribute record, float markers included. */
export function copyAttrs(attrs: Record<string, AttrValue>): Record<string, AttrValue> {
  const out = { ...attrs };
  Object.defineProperty(out, FLOAT_ATTRS, { value: new Set(floatAttrs(attrs)), enumerable: false });
  return out;
}

/**
 * An entity's attribute names, read once. (h5wasm's `attrs` getter lists the names anew on
 * every access and `attrs[name]` fetches the attribute's metadata before its value; going
 * through it per attribute made opening a file cost ~100 ms.)
 */
type AttrSource = { attrs: object; get_attribute(name: string, json?: boolean): unknown };
const attrNames = new WeakMap<object, Set<string>>();
export function namesOf(entity: AttrSource): Set<string> {
  let names = attrNames.get(entity);
  if (!names) attrNames.set(entity, (names = new Set(Object.keys(entity.attrs))));
  return names;
}

/**
 * The attributes CF decoding reads (./cf): all a file opened only to be combined with others
 * needs, since the combined variables show the first file's attributes (xarray's
 * `combine_attrs="override"`). Reading an attribute through h5wasm costs ~0.2 ms.
 */
export const DECODING_ATTRS: ReadonlySet<string> = new Set(["_FillValue", "missing_value", "scale_factor", "add_offset", "units", "calendar", "coordinates"]);

/** An entity's attributes as xarray shows them (only those in `only`, when given). */
export function readAttrs(entity: AttrSource, only?: ReadonlySet<string>): Record<string, AttrValue> {
  const out: Record<string, AttrValue> = {};
  const floats = new Set<string>();
  Object.defineProperty(out, FLOAT_ATTRS, { value: floats, enumerable: false });
  for (const name of namesOf(entity)) {
    if (HIDDEN_ATTRS.has(name) || (only && !only.has(name))) continue;
    let raw: unknown;
    try {
      raw = entity.get_attribute(name, false);
    } catch {
      continue; // references and other types xarray would not show either
    }
    const v = attrValue(raw);
    if (v !== undefined) out[name] = v;
    if (raw instanceof Float32Array || raw instanceof Float64Array) floats.add(name);
  }
  return out;
}

/** Attribute values already read, per entity (CLASS and NAME are asked for more than once). */
const attrValues = new WeakMap<object, Map<string, unknown>>();
export function rawAttr(entity: AttrSource, name: string): unknown {
  if (!namesOf(entity).has(name)) return undefined;
  let seen = attrValues.get(entity);
  if (!seen) attrValues.set(entity, (seen = new Map()));
  if (seen.has(name)) return seen.get(name);
  let v: unknown;
  try {
    v = entity.get_attribute(name, false);
  } catch {
    v = undefined;
  }
  seen.set(name, v);
  return v;
}

