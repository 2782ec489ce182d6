/**
 * Opening files: `openDataset` (one file) and `openMfDataset` (many, combined along a
 * dimension). Variables become lazy arrays of lib/da whose chunks are the file's storage
 * chunks (or those asked for with `chunks`); each chunk is read, decoded and cached only
 * when a compute needs it. Index coordinates (1-d, named after their dimension) are read at
 * open, as xarray builds its indexes. A file may be an http(s) URL: it is read in ranges from
 * its server (./remote), metadata at open and only the chunks a compute needs.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { NDArray } from "../np/ndarray";
import { concatenate as npConcatenate } from "../np/creation";
import { fromFunction, concatenate } from "../da";
import { LazyArray } from "../da/array";
import { boundaries } from "../da/chunks";
import { cachedChunk, isCached } from "./cache";
import { registerChunkJobs } from "./plan";
import { startDecoders } from "./decoders";
import { regionJobs } from "./rawread";
import { decodingOf } from "./cf";
import { DataArray, DimensionError } from "./dataarray";
import { Dataset, DatasetWithVars } from "./dataset";
import { FileMetadata, FileNotFoundError, NcFile, NcVariable, AttrValue } from "./netcdf";
import { openPrefetched, prefetch, readAtOpen } from "./prefetch";
import { registerLeaf } from "./warn";
import { isUrl } from "./store";

/** `chunks` as xarray takes it: per dimension name a size (-1: whole dimension), or one size for all. */
export type XChunks = number | Record<string, number>;

/** Options of {@link openDataset}. */
export interface OpenOptions {
  /**
   * Dask-like chunking. Omitted: the file's storage chunks, shown as lazily indexed (not
   * dask). `{}`: the storage chunks, as dask arrays. `{ k: 1 }`: one level per chunk along
   * `k`, storage chunks elsewhere. `-1` for a dimension: the whole dimension.
   */
  chunks?: XChunks;
  /** Group to open (`"/"` by default). */
  group?: string;
  /** Decode CF times to dates (default true). */
  decodeTimes?: boolean;
  /** Apply `_FillValue`/`scale_factor`/`add_offset` (default true). */
  maskAndScale?: boolean;
  /** http(s) URLs: retries of a dropped connection or 5xx answer (default 4). */
  retries?: number;
  /** http(s) URLs: first backoff before a retry, in ms, doubled each time (default 50). */
  backoffMs?: number;
}

/** Options of {@link openMfDataset}. */
export interface OpenMfOptions extends OpenOptions {
  /** Dimension to concatenate along (default: found from the index coordinates that differ). */
  concatDim?: string;
  /** "by_coords" (default: order files by the concatenated coordinate) or "nested" (file order; needs concatDim). */
  combine?: "by_coords" | "nested";
}

export function checkChunks(chunks: XChunks | undefined): void {
  if (chunks === undefined) return;
  if (typeof chunks === "number") {
    if (!(Number.isInteger(chunks) && (chunks > 0 || chunks === -1))) throw new RangeError(`chunks must be a positive integer or -1, got ${chunks}`);
    return;
  }
  if (typeof chunks !== "object" || chunks === null || Array.isArray(chunks)) throw new TypeError(`chunks must be a number or an object of sizes by dimension name, e.g. { k: 1 }; got ${JSON.stringify(chunks)}`);
  for (const [d, n] of Object.entries(chunks)) {
    if (!(Number.isInteger(n) && (n > 0 || n === -1))) throw new RangeError(`chunks.${d} must be a positive integer or -1, got ${n}`);
  }
}

/** Per-dimension chunk sizes of variable `v`: requested ones, else storage ones. */
export function chunkSizes(v: Pick<NcVariable, "shape" | "dims" | "storageChunks">, chunks: XChunks | undefined): number[][] {
  return v.shape.map((n, d) => {
    const asked = typeof chunks === "number" ? chunks : chunks?.[v.dims[d]];
    const size = asked === undefined ? (v.storageChunks?.[d] ?? n) : asked === -1 ? n : asked;
    const out: number[] = [];
    for (let s = 0; s < n; s += size) out.push(Math.min(size, n - s));
    return out.length ? out : [0];
  });
}

function fileKey(file: string): string {
  const st = fs.statSync(file);
  return `${path.resolve(file)}@${st.mtimeMs}:${st.size}`;
}

/**
 * Opens one NetCDF4/HDF5 file as a Dataset. Nothing but metadata and index coordinates is
 * read; variables load chunk by chunk when computed. An http(s) URL is read with range
 * requests: its metadata, then only the chunks a compute needs (`xr.cacheInfo().bytesFetched`);
 * a server without range support fails with RangeNotSupportedError.
 * @example
 * const grid = await xr.openDataset("data/ECCO-GRID.nc");
 * const ds = await xr.openDataset("data/THETA_1992_01.nc", { chunks: { k: 1 } });
 * const remote = await xr.openDataset("https://example.org/THETA_1992_01.nc");
 */
export async function openDataset(file: string, options: OpenOptions = {}): Promise<DatasetWithVars> {
  return openOne(file, options, "all");
}

/**
 * {@link openDataset}; with `attrs: "decoding"` (files after the first of openMfDataset, whose
 * attributes the combined dataset does not show) only the attributes CF decoding needs are read.
 */
async function openOne(file: string, options: OpenOptions, attrs: "all" | "decoding", prefetched?: Promise<FileMetadata | undefined>): Promise<DatasetWithVars> {
  if (typeof file !== "string") throw new TypeError(`openDataset: expected a path, got ${typeof file}`);
  checkChunks(options.chunks);
  const nc = prefetched ? await openPrefetched(file, prefetched) : await NcFile.open(file, { retries: options.retries, backoffMs: options.backoffMs });
  startDecoders();
  const group = nc.group(options.group ?? "/", { attrs });
  const key = (nc.remote ? `${file}@${nc.remote.size}` : fileKey(file)) + (options.group ?? "/");
  // Closing the file drops these chunks from the cache (./cache).
  nc.cachesUnder(`${key}/`);
  const vars: Record<string, DataArray> = {};
  const coordNames = new Set<string>();
  const named = new Set<string>();
  for (const v of group.variables) {
    if (v.dtype === "str") continue; // string variables are not supported (documented)
    const dec = decodingOf(v, options);
    const coordAttr = dec.attrs.coordinates;
    if (typeof coordAttr === "string") {
      coordAttr.split(/\s+/).filter(Boolean).forEach((c) => named.add(c));
      dec.encoding.coordinates = coordAttr;
      delete dec.attrs.coordinates;
    }
    dec.encoding.source = nc.remote ? file : path.resolve(file);
    const isIndex = v.dims.length === 1 && v.dims[0] === v.name;
    if (readAtOpen(v)) {
      const values = dec.decode(nc.read(v, v.shape.map(() => 0), v.shape));
      vars[v.name] = new DataArray(values, v.dims, { attrs: dec.attrs, name: v.name, isTime: dec.isTime, encoding: dec.encoding });
      if (isIndex) coordNames.add(v.name);
      continue;
    }
    const chunks = chunkSizes(v, options.chunks);
    const b = chunks.map((c) => boundaries(c));
    const varKey = `${key}/${v.name}`;
    const keyOf = (start: readonly number[], bshape: readonly number[]) => `${varKey}|${start.join(",")}|${bshape.join(",")}`;
    const lazy = fromFunction(
      (idx, bshape, region) => {
        const start = idx.map((k, d) => b[d][k]);
        // A fill-value mask is applied as the chunk is decoded (on a decoder thread when announced).
        const load = dec.readerMask ? () => nc.read(v, start, bshape, dec.readerMask) : () => dec.decode(nc.read(v, start, bshape));
        return cachedChunk(keyOf(start, bshape), load, region !== undefined);
      },
      v.shape,
      { chunks, dtype: dec.dtype, name: `open_dataset-${v.name}`, shared: true, origin: { format: "netcdf", path: nc.remote ? file : path.resolve(file), group: options.group ?? "/", variable: v.name, decoding: dec.spec } },
    );
    registerChunkJobs(lazy, (idx) => {
      const start = idx.map((k, d) => b[d][k]);
      const bshape = idx.map((k, d) => chunks[d][k]);
      const plan = nc.rawPlanOf(v);
      if (!plan || isCached(keyOf(start, bshape))) return [];
      return regionJobs(plan, start, bshape, dec.readerMask) ?? [];
    });
    registerLeaf(lazy, { variable: v.name, dims: v.dims, file: nc });
    vars[v.name] = new DataArray(lazy, v.dims, { attrs: dec.attrs, name: v.name, isTime: dec.isTime, dask: options.chunks !== undefined, encoding: dec.encoding });
  }
  for (const c of named) if (c in vars) coordNames.add(c);
  return Dataset.wrap(new Dataset(vars, coordNames, group.attrs, [nc]));
}

// ---- globbing -----------------------------------------------------------------------

function globToRegExp(seg: string): RegExp {
  let re = "";
  for (let i = 0; i < seg.length; i++) {
    const ch = seg[i];
    if (ch === "*") re += "[^/]*";
    else if (ch === "?") re += "[^/]";
    else if (ch === "[") {
      const end = seg.indexOf("]", i + 1);
      if (end < 0) re += "\\[";
      else {
        let body = seg.slice(i + 1, end);
        if (body.startsWith("!")) body = "^" + body.slice(1);
        re += `[${body.replace(/\\/g, "\\\\")}]`;
        i = end;
      }
    } else re += ch.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

/** Paths matching a glob pattern (`*`, `?`, `[...]` in any component), sorted. */
export function glob(pattern: string): string[] {
  const abs = path.isAbsolute(pattern);
  const parts = pattern.split("/").filter((p, i) => p !== "" || i === 0);
  let current = [abs ? "/" : "."];
  for (const part of parts) {
    if (part === "") continue;
    const next: string[] = [];
    const wild = /[*?[]/.test(part);
    for (const dir of current) {
      if (!wild) {
        const p = path.join(dir, part);
        if (fs.existsSync(p)) next.push(p);
        continue;
      }
      let names: string[];
      try {
        names = fs.readdirSync(dir);
      } catch {
        continue;
      }
      const re = globToRegExp(part);
      for (const n of names.sort()) if (re.test(n) && !(n.startsWith(".") && !part.startsWith("."))) next.push(path.join(dir, n));
    }
    current = next;
  }
  return abs ? current : current.map((p) => (pattern.startsWith("./") ? "./" + p : p));
}

/**
 * Opens many files as one Dataset (xarray's `open_mfdataset`): each file's variables are
 * concatenated along `concatDim` (found from the index coordinate whose values differ
 * between files, usually time). Variables without that dimension come from the first file.
 * `chunks` defaults to `{}` (the files' storage chunks, as dask arrays). Paths may be http(s)
 * URLs (a list of them: a URL is not a glob pattern), read in ranges as by {@link openDataset}.
 * @example
 * const ds = await xr.openMfDataset("data/THETA_*.nc");
 * const web = await xr.openMfDataset(["https://example.org/THETA_1992_01.nc", "https://example.org/THETA_1992_02.nc"]);
 * const ds1 = await xr.openMfDataset("data/THETA_*.nc", { chunks: { k: 1 } });
 */
export async function openMfDataset(paths: string | readonly string[], options: OpenMfOptions = {}): Promise<DatasetWithVars> {
  let files: string[];
  if (typeof paths === "string") {
    files = /[*?[]/.test(paths) && !isUrl(paths) ? glob(paths) : [paths];
    if (!files.length) throw new FileNotFoundError(paths, "no files to open: the pattern matched nothing");
  } else if (Array.isArray(paths)) {
    files = [...paths];
    if (!files.length) throw new RangeError("openMfDataset: no files to open (empty list)");
  } else throw new TypeError(`openMfDataset: expected a glob pattern or a list of paths, got ${typeof paths}`);
  const combine = options.combine ?? "by_coords";
  if (combine !== "by_coords" && combine !== "nested") throw new RangeError(`openMfDataset: combine must be "by_coords" or "nested", got ${JSON.stringify(combine)}`);
  if (combine === "nested" && !options.concatDim) throw new TypeError('openMfDataset: combine "nested" needs concatDim (the dimension to concatenate along)');
  const opts = { ...options, chunks: options.chunks ?? {} };
  const sets: DatasetWithVars[] = [];
  // The combined dataset shows the first file's attributes (xarray's combine_attrs="override").
  // The others are read on the decoder threads while this thread opens the first (./prefetch).
  const group = options.group ?? "/";
  // Remote files are opened here: their metadata reads wait on this thread's fetch thread (./fetch-sync).
  const ahead = files.length > 1 && files.every((f) => typeof f === "string" && !isUrl(f)) ? [undefined, ...prefetch(files.slice(1), group, "decoding")] : [];
  for (const [i, f] of files.entries()) sets.push(await openOne(f, opts, i === 0 ? "all" : "decoding", ahead[i]));
  return combineDatasets(sets, files, combine, options.concatDim);
}

function combineDatasets(sets: DatasetWithVars[], files: string[], combine: "by_coords" | "nested", concatDim?: string): DatasetWithVars {
  const first = sets[0];
  let dim = concatDim;
  if (!dim) {
    // The index coordinate whose values differ between files.
    for (const [name, c] of Object.entries(first.coords)) {
      if (!(c.dims.length === 1 && c.dims[0] === name)) continue;
      const a = c.values.copy().nd.data.join();
      if (sets.some((s) => name in s.variables && s.variables[name].values.copy().nd.data.join() !== a)) {
        dim = name;
        break;
      }
    }
    if (!dim) {
      if (sets.length === 1) return first;
      throw new DimensionError(`openMfDataset: could not find a dimension to combine ${files.length} files along (no index coordinate differs between them); pass concatDim`);
    }
  }
  let order = sets.map((_, i) => i);
  if (combine === "by_coords" && first.variables[dim]) {
    const firstValue = (s: DatasetWithVars) => {
      const v = s.variables[dim!];
      if (!v) throw new DimensionError(`openMfDataset: ${files[sets.indexOf(s)]} has no coordinate '${dim}' to combine by`);
      return v.values.copy().nd.data[0];
    };
    order = order.sort((a, b) => firstValue(sets[a]) - firstValue(sets[b]));
  }
  const sorted = order.map((i) => sets[i]);
  const sortedFiles = order.map((i) => files[i]);
  // Every file must agree on every variable's dimensions and, except along dim, sizes.
  const vars: Record<string, DataArray> = {};
  for (const [name, v0] of Object.entries(first.variables)) {
    sorted.forEach((s, i) => {
      const v = s.variables[name];
      if (!v) throw new DimensionError(`openMfDataset: variable '${name}' is in ${files[0]} but not in ${sortedFiles[i]}`);
      if (v.dims.join() !== v0.dims.join()) throw new DimensionError(`openMfDataset: variable '${name}' has dimensions (${v.dims.join(", ")}) in ${sortedFiles[i]} but (${v0.dims.join(", ")}) in ${files[0]}`);
      v.dims.forEach((d, k) => {
        if (d !== dim && v.shape[k] !== v0.shape[k]) throw new DimensionError(`openMfDataset: dimension '${d}' of variable '${name}' has size ${v.shape[k]} in ${sortedFiles[i]} but ${v0.shape[k]} in ${files[0]}`);
      });
    });
    const axis = v0.dims.indexOf(dim);
    if (axis < 0) {
      vars[name] = v0;
      continue;
    }
    const parts = sorted.map((s) => s.variables[name].data);
    const data = parts.every((p) => p instanceof LazyArray)
      ? concatenate(parts as LazyArray[], { axis })
      : npConcatenate(parts.map((p) => (p instanceof NDArray ? p : (p as LazyArray) && sorted[0].variables[name].values)) as NDArray[], axis);
    vars[name] = new DataArray(data, v0.dims, { attrs: v0.attrs, name, isTime: v0.isTime, dask: v0.isDask, encoding: v0.encoding });
  }
  const attrs: Record<string, AttrValue> = { ...first.attrs };
  return Dataset.wrap(new Dataset(vars, first.coordNames, attrs, sorted.flatMap((s) => [...s.files])));
}
