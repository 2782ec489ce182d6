/**
 * The NetCDF4 reader: an open file, its groups' metadata (./ncgroup, read through h5wasm, or
 * by a decoder thread at open: ./prefetch) and hyperslab reads that decode only the storage
 * chunks they touch (./rawread, or HDF5 for what lazylab does not decode itself). A file named
 * by an http(s) URL is read in ranges from its server (./remote): the same reader, over a
 * path whose reads are range requests.
 */
import * as fs from "node:fs";
import { NDArray } from "../np/ndarray";
import { storageClass, type DType } from "../np/dtype";
import { countingReads, diskReads, h5, h5Loaded, H5Dataset, hdf5Reason, openH5File } from "./hdf5";
import { FileReader } from "./chunkindex";
import { rawPlan, readRaw, RawPlan } from "./rawread";
import { FillMask, maskFill } from "./shuffle";
import { holdCached, releaseCached } from "./cache";
import { RemoteFile } from "./remote";
import { isUrl, type HttpOptions } from "./store";

import { AttrValue, DECODING_ATTRS, FLOAT_ATTRS, floatAttrs } from "./attrs";
import { addressOf, groupPaths, NcGroup, NcVariable, readGroup } from "./ncgroup";
export type { NcDimension, NcGroup, NcVariable } from "./ncgroup";
export { FLOAT_ATTRS, floatAttrs, copyAttrs } from "./attrs";
export type { AttrValue } from "./attrs";

/** A file named by a path could not be opened or read. */
export class FileNotFoundError extends Error {
  override name = "FileNotFoundError";
  constructor(readonly path: string, detail = "No such file or directory") {
    super(`[Errno 2] ${detail}: '${path}'`);
  }
}

/**
 * A closed file could not be reopened to read a variable: it was changed or replaced since
 * it was opened (its chunks may have moved). A file that is gone fails with
 * {@link FileNotFoundError} instead, as reopening it in xarray does.
 */
export class FileChangedError extends Error {
  override name = "FileChangedError";
  constructor(readonly path: string) {
    super(`${path}: the dataset was closed and the file changed since it was opened; open it again (xr.openDataset) to read its new contents`);
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

/**
 * What {@link NcFile.metadata} read of a file on another thread: a group's metadata, where
 * its variables are, and the values read at open (index coordinates, scalars).
 */
export interface FileMetadata {
  group: NcGroup;
  /** The `attrs` option it was read with. */
  attrs: "all" | "decoding";
  /** Names of float-typed attributes, per variable name ("" for the group). */
  floats: [string, string[]][];
  located: [string, { address: number; littleEndian: boolean }][];
  values: [string, { data: ArrayLike<number> & { buffer: ArrayBufferLike }; shape: number[]; dtype: DType }][];
  /** Bytes read from the file. */
  bytesRead: number;
}

/**
 * An open NetCDF4/HDF5 file. Only metadata is read at open; data on {@link read}. Closed, it
 * reopens itself when data is read again, as xarray's CachingFileManager does: a dataset's
 * variables stay readable after `close()`, which only lets go of the file and its cached chunks.
 */
export class NcFile {
  private closed = false;
  /** Size and modification time when opened: a reopened file must be the same file. */
  private readonly stamp: string | undefined;
  /** Chunk-cache key prefixes of this file's variables (./cache), held while it is open. */
  private readonly cacheKeys = new Set<string>();
  private h5file: import("./hdf5").H5File | undefined;
  /** Metadata read on another thread: groups by path and `attrs` option, values read at open. */
  private readonly given = new Map<string, NcGroup>();
  private readonly preread = new Map<string, NDArray>();
  /** Positioned reads for chunks read without HDF5 (opened at the first such read). */
  private reader: FileReader | undefined | null = null;
  /** Per variable path: how to read its chunks directly, or undefined (through HDF5). */
  private readonly plans = new Map<string, RawPlan | undefined>();
  /** Per variable path, noted while its metadata is read: object header address, byte order. */
  private readonly located = new Map<string, { address: number; littleEndian: boolean }>();

  private constructor(
    /** The file's path, or its URL. */
    readonly path: string,
    file: import("./hdf5").H5File | undefined,
    /** The file on its server, for a URL. */
    readonly remote?: RemoteFile,
  ) {
    this.h5file = file;
    this.stamp = remote ? `${remote.size}@${remote.url}` : stampOf(path);
  }

  /** The path HDF5 and the chunk reader open: the file's, or a remote file's (./remote). */
  private get fsPath(): string {
    return this.remote?.path ?? this.path;
  }

  /** h5wasm's handle, opened now if the file came from {@link fromMetadata}. */
  private get file(): import("./hdf5").H5File {
    this.ensureOpen();
    this.h5file ??= this.remoteErrors(() => countingReads(() => openH5File(h5Loaded(), this.fsPath)));
    return this.h5file;
  }

  /**
   * Opens `path` (metadata only). An http(s) URL is opened on its server, read in ranges
   * (`options`: the retries of a dropped request).
   */
  static async open(path: string, options: HttpOptions = {}): Promise<NcFile> {
    if (isUrl(path)) {
      const mod = await h5();
      const remote = await RemoteFile.open(path, options);
      if (!remote) throw new FileNotFoundError(path, "No such file on the server (HTTP 404)");
      const nc = new NcFile(path, undefined, remote);
      nc.h5file = nc.remoteErrors(() => naming(path, () => openH5File(mod, remote.path)));
      return nc;
    }
    NcFile.check(path);
    const mod = await h5();
    const file = naming(path, () => countingReads(() => openH5File(mod, path)));
    return new NcFile(path, file);
  }

  /** Runs `fn`; for a remote file, a failed fetch inside HDF5 (which sees only EIO) is rethrown as itself. */
  private remoteErrors<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      throw this.remote?.takeError() ?? e;
    }
  }

  /**
   * The file at `path` as described by `meta` (read by {@link metadata} on a decoder thread);
   * HDF5 opens it here only if a read needs it. h5wasm must be loaded.
   */
  static fromMetadata(path: string, meta: FileMetadata): NcFile {
    const nc = new NcFile(path, undefined);
    const floats = new Map(meta.floats);
    const mark = (attrs: Record<string, AttrValue>, key: string) => Object.defineProperty(attrs, FLOAT_ATTRS, { value: new Set(floats.get(key) ?? []), enumerable: false });
    mark(meta.group.attrs, "");
    for (const v of meta.group.variables) mark(v.attrs, v.path);
    nc.given.set(`${meta.group.path}|${meta.attrs}`, meta.group);
    for (const [p, at] of meta.located) nc.located.set(p, at);
    for (const [p, { data, shape, dtype }] of meta.values) nc.preread.set(p, new NDArray(data as Float64Array, shape, dtype));
    diskReads.bytes += meta.bytesRead;
    return nc;
  }

  /**
   * What opening group `path` with `attrs` reads, as plain data for another thread (see
   * {@link fromMetadata}); `isOpenRead(v)` picks the variables whose values are read at open.
   */
  metadata(path: string, attrs: "all" | "decoding", isOpenRead: (v: NcVariable) => boolean): { meta: FileMetadata; transfer: ArrayBuffer[] } {
    const before = diskReads.bytes;
    let group!: NcGroup;
    const values: FileMetadata["values"] = [];
    countingReads(() => {
      group = this.group(path, { attrs });
      for (const v of group.variables) {
        if (v.dtype === "str" || !isOpenRead(v)) continue;
        const a = this.read(v, v.shape.map(() => 0), v.shape);
        values.push([v.path, { data: a.nd.data as Float64Array, shape: [...a.shape], dtype: a.dtype }]);
      }
    });
    const floats: FileMetadata["floats"] = [["", [...floatAttrs(group.attrs)]], ...group.variables.map((v): [string, string[]] => [v.path, [...floatAttrs(v.attrs)]])];
    const meta = { group, attrs, floats, located: [...this.located], values, bytesRead: diskReads.bytes - before };
    // Arrays of their own move to the other thread; a view into anything else is copied.
    const own = (d: { buffer: ArrayBufferLike; byteOffset?: number; byteLength?: number }) => d.buffer instanceof ArrayBuffer && d.byteOffset === 0 && d.byteLength === d.buffer.byteLength && d.buffer.byteLength > 0;
    const transfer = values.map(([, v]) => v.data as unknown as Float64Array).filter(own).map((d) => d.buffer as ArrayBuffer);
    return { meta, transfer: transfer.filter((b, i) => transfer.indexOf(b) === i) };
  }

  /** Throws the error opening `path` would give for a missing, non-HDF5 or classic NetCDF file. */
  static check(path: string): void {
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
  }

  /** Subgroup paths (`/`, `/grp`, `/grp/sub`, ...). */
  groupPaths(): string[] {
    return groupPaths(this.file);
  }

  /**
   * The metadata of group `path` ("/" by default). `attrs: "decoding"` reads only the
   * attributes CF decoding needs (for files opened to be combined with a first one), and
   * leaves `dims` in the order they were found.
   */
  group(path = "/", options: { attrs?: "all" | "decoding" } = {}): NcGroup {
    this.ensureOpen();
    const given = this.given.get(`${path}|${options.attrs ?? "all"}`);
    if (given) return given;
    return this.remoteErrors(() => naming(this.path, () => countingReads(() => readGroup(this.file, this.path, path, options.attrs === "decoding" ? DECODING_ATTRS : undefined, this.located))));
  }

  /**
   * Reads the hyperslab `start`/`count` of `v` (raw values, no CF decoding but the fill
   * values `fill` masked when given) as a contiguous array: each storage chunk the region
   * touches is decoded (by lazylab's own reader, else by HDF5).
   */
  read(v: NcVariable, start: readonly number[], count: readonly number[], fill?: FillMask): NDArray {
    this.ensureOpen();
    const unsupported = v.filters.filter((f) => !BUILTIN_FILTERS.has(f.id));
    if (unsupported.length) throw new UnsupportedFilterError(this.path, v.name, unsupported);
    if (v.dtype === "str") throw new TypeError(`${this.path}: variable '${v.name}' holds strings; lazylab's xr reads numeric variables only`);
    const pre = this.preread.get(v.path);
    if (pre && !fill && start.every((s) => s === 0) && count.every((n, d) => n === v.shape[d])) {
      // Read on a decoder thread at open (fromMetadata): handed over once.
      this.preread.delete(v.path);
      return pre;
    }
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
    hdf5Reason();
    try {
      raw = countingReads(() => (v.shape.length === 0 ? ds.value : n === 0 ? new Float64Array(0) : ds.slice(start.map((s, d) => [s, s + count[d]]))));
    } catch (e) {
      throw this.remote?.takeError() ?? new Error(`${this.path}: reading variable '${v.name}' failed: ${hdf5Reason() ?? (e as Error).message ?? e}`);
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
    this.ensureOpen();
    if (this.plans.has(v.path)) return this.plans.get(v.path);
    let plan: RawPlan | undefined;
    if (v.shape.length > 0 && process.env.LAZYLAB_XR_HDF5_READS !== "1") {
      if (this.reader === null) this.reader = this.remoteErrors(() => FileReader.open(this.fsPath));
      let at = this.located.get(v.path);
      if (!at) {
        const ds = this.file.get(v.path) as H5Dataset;
        at = { address: addressOf(ds), littleEndian: ds.metadata.littleEndian };
      }
      const { address, littleEndian } = at;
      if (address >= 0) plan = countingReads(() => rawPlan(this.reader ?? undefined, this.path, address, v, v.filters, littleEndian, this.remote));
      // A remote chunk index that could not be fetched is the fetch's error, not a layout to read through HDF5.
      const failed = this.remote?.takeError();
      if (failed) throw failed;
    }
    this.plans.set(v.path, plan);
    return plan;
  }

  /** @internal Notes that this file's chunks are cached under keys starting with `prefix`. */
  cachesUnder(prefix: string): void {
    if (this.cacheKeys.has(prefix)) return;
    this.cacheKeys.add(prefix);
    if (!this.closed) holdCached(prefix);
  }

  /**
   * Closes the file: HDF5's handle and the file descriptor go, and its chunks leave the chunk
   * cache (unless another open dataset reads the same file). Reading it again reopens it.
   */
  close(): void {
    if (this.closed) return;
    this.h5file?.close();
    this.h5file = undefined;
    if (this.reader) this.reader.close();
    this.reader = null;
    this.remote?.release();
    // Plans read through the closed descriptor: made again on reopening.
    this.plans.clear();
    this.closed = true;
    for (const k of this.cacheKeys) releaseCached(k);
  }

  /** @internal Reopens a closed file (xarray's CachingFileManager), failing at once, naming it, if it is gone or changed. */
  ensureOpen(): void {
    if (!this.closed) return;
    // A remote file is not asked again: its path stays valid (./remote), its blocks are fetched as needed.
    if (this.remote) this.remote.retain();
    else {
      NcFile.check(this.path);
      if (stampOf(this.path) !== this.stamp) throw new FileChangedError(this.path);
    }
    this.closed = false;
    reopened.count++;
    for (const k of this.cacheKeys) holdCached(k);
  }
}

/** Files reopened after close() to be read again (for tests). */
export const reopened = { count: 0 };

function stampOf(path: string): string | undefined {
  try {
    const st = fs.statSync(path);
    return `${st.size}@${st.mtimeMs}`;
  } catch {
    return undefined;
  }
}

/** Runs `fn`, making an error from HDF5 name the file (a truncated or damaged file fails there). */
function naming<T>(path: string, fn: () => T): T {
  hdf5Reason();
  try {
    return fn();
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    // HDF5's own report says more than h5wasm's message ("error - name not defined!").
    if (!err.message.includes(path)) err.message = `${path}: HDF5 could not read the file's metadata (${hdf5Reason() ?? err.message}); is it truncated or damaged?`;
    throw err;
  }
}

function toNDArray(raw: unknown, shape: number[], dtype: DType): NDArray {
  if (typeof raw === "number" || typeof raw === "bigint" || typeof raw === "boolean") raw = [Number(raw)];
  const src = raw as ArrayLike<number | bigint>;
  const n = shape.reduce((a, b) => a * b, 1);
  if (src.length !== n) throw new RangeError(`read ${src.length} values, expected ${n}`);
  const Storage = storageClass(dtype);
  // int64/uint64 are stored as doubles (np/dtype.ts): their BigInt arrays are converted below.
  if (raw instanceof Storage) return new NDArray(raw, shape, dtype);
  const out = new Storage(n);
  if (typeof src[0] === "bigint") for (let i = 0; i < n; i++) out[i] = Number(src[i]);
  else out.set(src as ArrayLike<number>);
  return new NDArray(out, shape, dtype);
}
