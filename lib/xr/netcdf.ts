/**
 * The NetCDF4 reader: what a NetCDF4/HDF5 file holds (groups, dimensions, variables,
 * attributes, storage chunking and filters) read through h5wasm, and hyperslab reads that
 * decode only the storage chunks they touch.
 *
 * NetCDF4's conventions on top of HDF5: a dimension is an HDF5 *dimension scale* dataset
 * (CLASS="DIMENSION_SCALE"); variables attach one scale per axis (DIMENSION_LIST); a
 * dimension that is not also a variable is a scale whose NAME starts with "This is a netCDF
 * dimension but not a netCDF variable"; `_Netcdf4Dimid` orders dimensions; a variable that
 * clashes with a dimension's name is stored as `_nc4_non_coord_<name>`. Datasets without
 * scales (plain HDF5) get `phony_dim_<n>` dimensions, as h5netcdf names them.
 */
import * as fs from "node:fs";
import { NDArray } from "../np/ndarray";
import type { DType } from "../np/dtype";
import { countingReads, h5, H5Dataset, H5Group } from "./hdf5";
import { FileReader } from "./chunkindex";
import { rawPlan, readRaw, RawPlan } from "./rawread";
import { FillMask, maskFill } from "./shuffle";

import { AttrValue, DECODING_ATTRS, namesOf, rawAttr, readAttrs } from "./attrs";
export { FLOAT_ATTRS, floatAttrs, copyAttrs } from "./attrs";
export type { AttrValue } from "./attrs";

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

/** A file named by a path could not be opened or read. */
export class FileNotFoundError extends Error {
  override name = "FileNotFoundError";
  constructor(readonly path: string, detail = "No such file or directory") {
    super(`[Errno 2] ${detail}: '${path}'`);
  }
}

/** A variable is stored with a filter HDF5 here cannot decode. */
export class UnsupportedFilterError extends Error {
  override name = "UnsupportedFilterError";
  constructor(readonly path: string, readonly variable: string, readonly filters: { id: number; name: string }[]) {
    super(`${path}: variable '${variable}' is stored with compression filter ${filters.map((f) => `${f.id}${f.name ? ` (${f.name})` : ""}`).join(", ")}, which lazylab cannot decode (supported: deflate/zlib, shuffle, fletcher32, nbit, scaleoffset)`);
  }
}

/** HDF5's built-in filters, all compiled into h5wasm: deflate, shuffle, fletcher32, nbit, scaleoffset. */
const BUILTIN_FILTERS = new Set([1, 2, 3, 5, 6]);

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
    if (diskType === "uint8") return { dtype: "uint8", diskType };
    if (meta.size <= 2 || diskType === "int32") return { dtype: "int32", diskType };
    return { dtype: "int64", diskType };
  }
  return { dtype: "str", diskType: `hdf5 type class ${meta.type}` };
}

/** An open NetCDF4/HDF5 file. Only metadata is read at open; data on {@link read}. */
export class NcFile {
  private closed = false;
  /** Positioned reads for chunks read without HDF5 (opened at the first such read). */
  private reader: FileReader | undefined | null = null;
  /** Per variable path: how to read its chunks directly, or undefined (through HDF5). */
  private readonly plans = new Map<string, RawPlan | undefined>();
  /** Per variable path, noted while its metadata is read: object header address, byte order. */
  private readonly located = new Map<string, { address: number; littleEndian: boolean }>();

  private constructor(
    /** The file's path. */
    readonly path: string,
    private readonly file: import("./hdf5").H5File,
  ) {}

  /** Opens `path` (metadata only). */
  static async open(path: string): Promise<NcFile> {
    let st: fs.Stats;
    try {
      st = fs.statSync(path);
    } catch {
      throw new FileNotFoundError(path);
    }
    if (!st.isFile()) throw new FileNotFoundError(path, "Not a regular file");
    const head = Buffer.alloc(8);
    const fd = fs.openSync(path, "r");
    try {
      fs.readSync(fd, head, 0, 8, 0);
    } finally {
      fs.closeSync(fd);
    }
    if (head.toString("latin1", 0, 3) === "CDF") throw new Error(`${path}: this is a classic NetCDF (version 3) file; lazylab's xr reads NetCDF4/HDF5 files only`);
    if (head.toString("latin1", 1, 4) !== "HDF") throw new Error(`${path}: not a NetCDF4/HDF5 file (no HDF5 signature)`);
    const mod = await h5();
    const file = countingReads(() => new mod.File(path, "r"));
    return new NcFile(path, file);
  }

  /** Subgroup paths (`/`, `/grp`, `/grp/sub`, ...). */
  groupPaths(): string[] {
    const out: string[] = [];
    const visit = (g: H5Group) => {
      out.push(g.path);
      for (const k of g.keys()) {
        const e = g.get(k);
        if (e && "keys" in e) visit(e as H5Group);
      }
    };
    visit(this.file);
    return out;
  }

  /**
   * The metadata of group `path` ("/" by default). `attrs: "decoding"` reads only the
   * attributes CF decoding needs (for files opened to be combined with a first one), and
   * leaves `dims` in the order they were found.
   */
  group(path = "/", options: { attrs?: "all" | "decoding" } = {}): NcGroup {
    this.checkOpen();
    return countingReads(() => this.readGroup(path, options.attrs === "decoding" ? DECODING_ATTRS : undefined));
  }

  private entity(path: string): H5Group | H5Dataset | null {
    return path === "/" ? this.file : this.file.get(path);
  }

  private readGroup(path: string, only: ReadonlySet<string> | undefined): NcGroup {
    // One h5wasm object per path while reading, so what was read of it is reused.
    const children = new Map<string, H5Group | H5Dataset | null>();
    const child = (grp: H5Group, k: string) => {
      const key = `${grp.path}/${k}`;
      if (!children.has(key)) children.set(key, grp.get(k));
      return children.get(key)!;
    };
    const g = this.entity(path);
    if (!g || !("keys" in g)) throw new Error(`${this.path}: no group '${path}' (groups: ${this.groupPaths().join(", ")})`);
    // Dimensions visible here: this group's scales, then its ancestors' (inner ones win).
    const dims = new Map<string, NcDimension>();
    const dimOrder: { dim: NcDimension; id: number; depth: number }[] = [];
    /** Dimension name by its scale's object address (what DIMENSION_LIST's references hold). */
    const scaleAt = new Map<number, string>();
    for (let p = path, depth = 0; ; p = parentOf(p), depth++) {
      const grp = this.entity(p) as H5Group;
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
      this.located.set(ds.path, { address: addressOf(ds), littleEndian: meta.littleEndian });
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

  /**
   * Reads the hyperslab `start`/`count` of `v` (raw values, no CF decoding but the fill
   * values `fill` masked when given) as a contiguous array: each storage chunk the region
   * touches is decoded (by lazylab's own reader, else by HDF5).
   */
  read(v: NcVariable, start: readonly number[], count: readonly number[], fill?: FillMask): NDArray {
    this.checkOpen();
    const unsupported = v.filters.filter((f) => !BUILTIN_FILTERS.has(f.id));
    if (unsupported.length) throw new UnsupportedFilterError(this.path, v.name, unsupported);
    if (v.dtype === "str") throw new TypeError(`${this.path}: variable '${v.name}' holds strings; lazylab's xr reads numeric variables only`);
    const plan = this.rawPlanOf(v);
    if (plan) {
      let raw;
      try {
        raw = readRaw(plan, start, count, fill);
      } catch (e) {
        const err = e as Error;
        err.message = `${this.path}: reading variable '${v.name}' failed: ${err.message}`;
        throw err;
      }
      if (raw) return toNDArray(raw, [...count], v.dtype);
    }
    const ds = this.file.get(v.path) as H5Dataset;
    const n = count.reduce((a, b) => a * b, 1);
    let raw: unknown;
    try {
      raw = countingReads(() => (v.shape.length === 0 ? ds.value : n === 0 ? new Float64Array(0) : ds.slice(start.map((s, d) => [s, s + count[d]]))));
    } catch (e) {
      throw new Error(`${this.path}: reading variable '${v.name}' failed: ${(e as Error).message ?? e}`);
    }
    const out = toNDArray(raw, [...count], v.dtype);
    if (fill) {
      const d = out.nd.data as Float32Array | Float64Array;
      maskFill(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), fill);
    }
    return out;
  }

  /** @internal How `v`'s chunks are read without HDF5, if they can be (decided once). */
  rawPlanOf(v: NcVariable): RawPlan | undefined {
    if (this.plans.has(v.path)) return this.plans.get(v.path);
    let plan: RawPlan | undefined;
    if (v.shape.length > 0 && process.env.LAZYLAB_XR_HDF5_READS !== "1") {
      if (this.reader === null) this.reader = FileReader.open(this.path);
      let at = this.located.get(v.path);
      if (!at) {
        const ds = this.file.get(v.path) as H5Dataset;
        at = { address: addressOf(ds), littleEndian: ds.metadata.littleEndian };
      }
      const { address, littleEndian } = at;
      if (address >= 0) plan = countingReads(() => rawPlan(this.reader ?? undefined, this.path, address, v, v.filters, littleEndian));
    }
    this.plans.set(v.path, plan);
    return plan;
  }

  /** Closes the file (its variables can no longer be read). */
  close(): void {
    if (!this.closed) {
      this.file.close();
      this.reader?.close();
    }
    this.closed = true;
  }

  private checkOpen(): void {
    if (this.closed) throw new Error(`${this.path}: the file is closed`);
  }
}

/** The file address of a dataset's object header (its HDF5 object reference), or -1. */
function addressOf(ds: H5Dataset): number {
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

function toNDArray(raw: unknown, shape: number[], dtype: DType): NDArray {
  if (typeof raw === "number" || typeof raw === "bigint" || typeof raw === "boolean") raw = [Number(raw)];
  const src = raw as ArrayLike<number | bigint>;
  const n = shape.reduce((a, b) => a * b, 1);
  if (src.length !== n) throw new RangeError(`read ${src.length} values, expected ${n}`);
  if (dtype === "float32" && raw instanceof Float32Array) return new NDArray(raw, shape, dtype);
  if (dtype === "float64" && raw instanceof Float64Array) return new NDArray(raw, shape, dtype);
  if (dtype === "int32" && raw instanceof Int32Array) return new NDArray(raw, shape, dtype);
  if (dtype === "uint8" && raw instanceof Uint8Array) return new NDArray(raw, shape, dtype);
  const out = dtype === "float32" ? new Float32Array(n) : dtype === "int32" ? new Int32Array(n) : dtype === "uint8" ? new Uint8Array(n) : new Float64Array(n);
  if (typeof src[0] === "bigint") for (let i = 0; i < n; i++) out[i] = Number(src[i]);
  else out.set(src as ArrayLike<number>);
  return new NDArray(out, shape, dtype);
}
