/**
 * NetCDF4's conventions on top of HDF5, read through h5wasm: what a group holds (dimensions,
 * variables with their dimension names, types, attributes, storage chunking and filters).
 *
 * A dimension is an HDF5 *dimension scale* dataset (CLASS="DIMENSION_SCALE"); variables
 * attach one scale per axis (DIMENSION_LIST); a dimension that is not also a variable is a
 * scale whose NAME starts with "This is a netCDF dimension but not a netCDF variable";
 * `_Netcdf4Dimid` orders dimensions; a variable that clashes with a dimension's name is
 * stored as `_nc4_non_coord_<name>`. Datasets without scales (plain HDF5) get
 * `phony_dim_<n>` dimensions, as h5netcdf names them.
 */
import { DTYPES, type DType } from "../np/dtype";
import type { H5Dataset, H5File, H5Group } from "./hdf5";
import { AttrValue, namesOf, rawAttr, readAttrs } from "./attrs";

/** A dimension of a group. */
export interface NcDimension {
  name: string;
  size: number;
  /** True for an unlimited (growable) dimension. */
  unlimited: boolean;
}

/** One variable's metadata (nothing of its data is read). */
export interface NcVariable {
  name: string;
  /** Path of the HDF5 dataset inside the file. */
  path: string;
  dims: string[];
  shape: number[];
  /** lazylab dtype the raw values are read as, or "str" for strings. */
  dtype: DType | "str";
  /** The on-disk type, NumPy-style (`int16`, `float32`, ...). */
  diskType: string;
  attrs: Record<string, AttrValue>;
  /** Storage chunk shape, or null for contiguous storage. */
  storageChunks: number[] | null;
  /** HDF5 filter pipeline (deflate, shuffle, ...), in the order applied when writing. */
  filters: { id: number; name: string; cd_values?: number[] }[];
}

/** A group: its own and inherited dimensions, variables, attributes, subgroups. */
export interface NcGroup {
  path: string;
  dims: NcDimension[];
  variables: NcVariable[];
  attrs: Record<string, AttrValue>;
  groups: string[];
}

const NOT_A_VARIABLE = "This is a netCDF dimension but not a netCDF variable";
const NON_COORD_PREFIX = "_nc4_non_coord_";
/** HDF5 type classes (H5T_class_t). */
const H5T_INTEGER = 0, H5T_FLOAT = 1, H5T_STRING = 3;

function basename(p: string): string {
  return p.slice(p.lastIndexOf("/") + 1);
}
function parentOf(p: string): string {
  const i = p.lastIndexOf("/");
  return i <= 0 ? "/" : p.slice(0, i);
}

/** The lazylab dtype and NumPy name of an HDF5 dataset's element type. */
function typeOf(meta: H5Dataset["metadata"]): { dtype: DType | "str"; diskType: string } {
  if (meta.type === H5T_STRING || meta.vlen) return { dtype: "str", diskType: "str" };
  if (meta.type === H5T_FLOAT) return meta.size === 4 ? { dtype: "float32", diskType: "float32" } : { dtype: "float64", diskType: "float64" };
  if (meta.type === H5T_INTEGER) {
    const diskType = `${meta.signed ? "int" : "uint"}${meta.size * 8}`;
    // Every NetCDF integer type has its own dtype: undecoded variables keep it, as in xarray.
    if ((DTYPES as readonly string[]).includes(diskType)) return { dtype: diskType as DType, diskType };
    return { dtype: "int64", diskType };
  }
  return { dtype: "str", diskType: `hdf5 type class ${meta.type}` };
}

/** Subgroup paths (`/`, `/grp`, `/grp/sub`, ...) of an HDF5 file. */
export function groupPaths(file: H5File): string[] {
  const out: string[] = [];
  const visit = (g: H5Group) => {
    out.push(g.path);
    for (const k of g.keys()) {
      const e = g.get(k);
      if (e && "keys" in e) visit(e as H5Group);
    }
  };
  visit(file);
  return out;
}

function entity(file: H5File, path: string): H5Group | H5Dataset | null {
  return path === "/" ? file : file.get(path);
}

/**
 * The metadata of group `path` of the HDF5 file `file` (whose path is `filePath`), read with
 * NetCDF4's conventions: attributes only those in `only` when given. Notes in `located` each
 * variable's object header address and byte order (for reading its chunks without HDF5).
 */
export function readGroup(file: H5File, filePath: string, path: string, only: ReadonlySet<string> | undefined, located: Map<string, { address: number; littleEndian: boolean }>): NcGroup {
  // One h5wasm object per path while reading, so what was read of it is reused.
  const children = new Map<string, H5Group | H5Dataset | null>();
  const child = (grp: H5Group, k: string) => {
    const key = `${grp.path}/${k}`;
    if (!children.has(key)) children.set(key, grp.get(k));
    return children.get(key)!;
  };
  const g = entity(file, path);
  if (!g || !("keys" in g)) throw new Error(`${filePath}: no group '${path}' (groups: ${groupPaths(file).join(", ")})`);
  // Dimensions visible here: this group's scales, then its ancestors' (inner ones win).
  const dims = new Map<string, NcDimension>();
  const dimOrder: { dim: NcDimension; id: number; depth: number }[] = [];
  /** Dimension name by its scale's object address (what DIMENSION_LIST's references hold). */
  const scaleAt = new Map<number, string>();
  for (let p = path, depth = 0; ; p = parentOf(p), depth++) {
    const grp = entity(file, p) as H5Group;
    for (const k of grp.keys()) {
      const e = child(grp, k);
      if (!e || "keys" in e) continue;
      const ds = e as H5Dataset;
      if (rawAttr(ds, "CLASS") !== "DIMENSION_SCALE") continue;
      const name = k.startsWith(NON_COORD_PREFIX) ? k.slice(NON_COORD_PREFIX.length) : k;
      if (dims.has(name)) continue;
      const meta = ds.metadata;
      const size = meta.shape?.[0] ?? 0;
      const max = meta.maxshape?.[0];
      const dim = { name, size, unlimited: max === undefined || max === null || max > Number.MAX_SAFE_INTEGER || max < 0 };
      dims.set(name, dim);
      const at = addressOf(ds);
      if (at >= 0) scaleAt.set(at, name);
      // Their order matters for NcGroup.dims only, which a dataset opened to be combined does not show.
      const id = only ? 1e9 : Number(rawAttr(ds, "_Netcdf4Dimid") ?? 1e9);
      dimOrder.push({ dim, id, depth });
    }
    if (p === "/") break;
  }
  dimOrder.sort((a, b) => b.depth - a.depth || a.id - b.id);
  const variables: NcVariable[] = [];
  const groups: string[] = [];
  let phony = 0;
  const phonyDims: NcDimension[] = [];
  for (const k of g.keys()) {
    const e = child(g as H5Group, k);
    if (!e) continue;
    if ("keys" in e) {
      groups.push(k);
      continue;
    }
    const ds = e as H5Dataset;
    const nameAttr = rawAttr(ds, "NAME");
    if (typeof nameAttr === "string" && nameAttr.startsWith(NOT_A_VARIABLE)) continue;
    const meta = ds.metadata;
    const shape = meta.shape ?? [];
    const name = k.startsWith(NON_COORD_PREFIX) ? k.slice(NON_COORD_PREFIX.length) : k;
    let vdims: string[];
    if (rawAttr(ds, "CLASS") === "DIMENSION_SCALE" && shape.length === 1) vdims = [name];
    else if (namesOf(ds).has("DIMENSION_LIST")) {
      vdims = dimsFromList(ds, shape.length, scaleAt) ?? shape.map((_, i) => {
        const scales = ds.get_attached_scales(i);
        const s = scales[0];
        return s ? (basename(s).startsWith(NON_COORD_PREFIX) ? basename(s).slice(NON_COORD_PREFIX.length) : basename(s)) : `phony_dim_${phony++}`;
      });
    } else {
      vdims = shape.map((n) => {
        const existing = phonyDims.find((d) => d.size === n);
        if (existing) return existing.name;
        const d = { name: `phony_dim_${phony++}`, size: n, unlimited: false };
        phonyDims.push(d);
        return d.name;
      });
    }
    vdims.forEach((d, i) => {
      if (!dims.has(d)) {
        const dim = { name: d, size: shape[i], unlimited: false };
        dims.set(d, dim);
        dimOrder.push({ dim, id: 1e9, depth: -1 });
      } else {
        // An unlimited dimension that is not a variable has a scale of length 0 on disk:
        // its length is the longest variable along it, as netCDF-C computes it.
        const dim = dims.get(d)!;
        if (dim.unlimited && shape[i] > dim.size) dim.size = shape[i];
      }
    });
    const { dtype, diskType } = typeOf(meta);
    located.set(ds.path, { address: addressOf(ds), littleEndian: meta.littleEndian });
    variables.push({
      name,
      path: ds.path,
      dims: vdims,
      shape: [...shape],
      dtype,
      diskType,
      attrs: readAttrs(ds, only),
      storageChunks: meta.chunks ? [...meta.chunks] : null,
      filters: ds.filters.map((f) => ({ id: f.id, name: f.name, cd_values: [...f.cd_values] })),
    });
  }
  return { path, dims: dimOrder.map((d) => d.dim), variables, attrs: only ? {} : readAttrs(g), groups };
}

/** The file address of a dataset's object header (its HDF5 object reference), or -1. */
export function addressOf(ds: H5Dataset): number {
  const ref = ds.create_reference().ref_data;
  return ref.length >= 8 ? Number(Buffer.from(ref).readBigUInt64LE(0)) : -1;
}

/**
 * A variable's dimension names from its DIMENSION_LIST attribute (one object reference per
 * axis to the scale attached there), or undefined when a reference is not to a scale of this
 * group or its ancestors — then HDF5's H5DSget_scale_name says (3× the cost per axis).
 */
function dimsFromList(ds: H5Dataset, rank: number, scaleAt: ReadonlyMap<number, string>): string[] | undefined {
  const list = rawAttr(ds, "DIMENSION_LIST");
  if (!Array.isArray(list) || list.length !== rank) return undefined;
  const out: string[] = [];
  for (const axis of list) {
    const ref = (Array.isArray(axis) ? axis[0] : axis) as { ref_data?: ArrayLike<number> } | undefined;
    const bytes = ref?.ref_data;
    if (!bytes || bytes.length < 8) return undefined;
    const name = scaleAt.get(Number(Buffer.from(Array.from(bytes).slice(0, 8)).readBigUInt64LE(0)));
    if (name === undefined) return undefined;
    out.push(name);
  }
  return out;
}
