/**
 * Zarr stores (v2 and v3) as Datasets: `xr.openZarr`, xarray's `open_zarr`. The store is a
 * local folder or an HTTP(S) URL (./store); zarrita reads its metadata here and its chunks on
 * the reader thread (./zarr-sync). Variables are lazy arrays of lib/da whose blocks are the
 * storage chunks (or those asked for with `chunks`), decoded as xarray decodes them (./cf:
 * `_FillValue` — for v2 the array's `fill_value`, as xarray takes it —, `scale_factor`,
 * `add_offset`, times) and kept in the chunk cache (./cache) as file-backed chunks are; what
 * the stores fetched is `xr.cacheInfo().bytesFetched`.
 *
 * Blocks a compute will need are known before it starts (./plan): the first block a compute
 * asks for fetches the next few planned ones with it, in parallel — one round trip for many
 * chunks instead of one each, which is what makes a remote read fast.
 */
import * as fs from "node:fs";
import { NDArray } from "../np/ndarray";
import type { DType } from "../np/dtype";
import { fromFunction } from "../da";
import type { LazyRef } from "../da/graph";
import { boundaries } from "../da/chunks";
import { cachedChunk, holdCached, isCached, releaseCached } from "./cache";
import { decodingOf } from "./cf";
import { DataArray, DimensionError } from "./dataarray";
import { Dataset, DatasetWithVars } from "./dataset";
import { FileNotFoundError, type AttrValue } from "./netcdf";
import type { NcVariable } from "./ncgroup";
import { checkChunks, chunkSizes, type OpenOptions, type XChunks } from "./open";
import { onPlan, plannedBlocks } from "./plan";
import { readAtOpen } from "./prefetch";
import { HttpError, isUrl, openStore, specOf, type ByteStore, type HttpOptions, type StoreSpec } from "./store";
import { readChunksSync } from "./zarr-sync";
import { zarrita } from "./zarrita";
import { registerLeaf } from "./warn";

/** Options of {@link openZarr}: {@link openDataset}'s, with the store's chunks by default. */
export interface OpenZarrOptions extends Omit<OpenOptions, "chunks"> {
  /** As {@link OpenOptions.chunks}; omitted, the store's chunks (as xarray's `open_zarr`, dask arrays). */
  chunks?: XChunks;
}

/** The store is not a Zarr store xarray could open (no metadata, or no dimension names). */
export class ZarrFormatError extends Error {
  override name = "ZarrFormatError";
  constructor(readonly store: string, detail: string) {
    super(`${store}: ${detail}`);
  }
}

/** An array found in the store: its path and format. */
interface Listed {
  path: string;
  format: 2 | 3;
}

async function json(store: ByteStore, key: string): Promise<Record<string, unknown> | undefined> {
  const b = await store.get(key);
  if (!b) return undefined;
  try {
    return JSON.parse(new TextDecoder().decode(b));
  } catch {
    throw new ZarrFormatError(store.location, `${key} is not valid JSON`);
  }
}

/** Arrays directly under `group`: from consolidated metadata, else by listing the folder. */
async function listArrays(store: ByteStore, group: string): Promise<{ arrays: Listed[]; format: 2 | 3 }> {
  const prefix = group === "/" ? "" : group.replace(/^\/+|\/+$/g, "") + "/";
  const direct = (p: string) => p.startsWith(prefix) && p.length > prefix.length && !p.slice(prefix.length).includes("/");
  const zmeta = await json(store, `/${prefix}.zmetadata`) ?? (prefix ? await json(store, "/.zmetadata") : undefined);
  if (zmeta && typeof zmeta.metadata === "object" && zmeta.metadata) {
    const arrays = Object.keys(zmeta.metadata).filter((k) => k.endsWith("/.zarray")).map((k) => k.slice(0, -"/.zarray".length)).filter(direct);
    return { arrays: arrays.sort().map((path) => ({ path: "/" + path, format: 2 })), format: 2 };
  }
  const root = await json(store, `/${prefix}zarr.json`);
  const consolidated = (root?.consolidated_metadata as { metadata?: Record<string, { node_type?: string }> } | undefined)?.metadata;
  if (consolidated) {
    const arrays = Object.entries(consolidated).filter(([k, m]) => m.node_type === "array" && !k.includes("/")).map(([k]) => prefix + k);
    return { arrays: arrays.sort().map((path) => ({ path: "/" + path, format: 3 })), format: 3 };
  }
  if (!(store as { location: string }).location || isUrl(store.location)) {
    if (!root && !(await store.get(`/${prefix}.zgroup`))) throw new ZarrFormatError(store.location, `no Zarr group here (neither ${prefix}.zgroup nor ${prefix}zarr.json)`);
    throw new ZarrFormatError(store.location, "the store has no consolidated metadata (.zmetadata, or consolidated_metadata in zarr.json), and an HTTP server cannot list its arrays; consolidate it (zarr.consolidate_metadata) or open it as a local folder");
  }
  const dir = `${store.location}/${prefix}`;
  let names: string[];
  try {
    names = fs.readdirSync(dir).sort();
  } catch {
    throw new FileNotFoundError(store.location);
  }
  const format: 2 | 3 = root ? 3 : 2;
  if (!root && !names.includes(".zgroup")) throw new ZarrFormatError(store.location, `no Zarr group here (neither ${prefix}.zgroup nor ${prefix}zarr.json)`);
  const arrays: Listed[] = [];
  for (const n of names) {
    if (format === 2 && fs.existsSync(`${dir}${n}/.zarray`)) arrays.push({ path: `/${prefix}${n}`, format: 2 });
    if (format === 3 && fs.existsSync(`${dir}${n}/zarr.json`)) {
      const m = JSON.parse(fs.readFileSync(`${dir}${n}/zarr.json`, "utf8"));
      if (m.node_type === "array") arrays.push({ path: `/${prefix}${n}`, format: 3 });
    }
  }
  return { arrays, format };
}

const DTYPES = new Set(["float64", "float32", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "bool"]);

function attrValue(v: unknown): AttrValue | undefined {
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  if (typeof v === "bigint") return Number(v);
  if (Array.isArray(v) && v.every((x) => typeof x === "string" || typeof x === "number")) return v as (string | number)[];
  if (v === null) return undefined;
  return JSON.stringify(v);
}

/** Where one variable's chunks come from, and the blocks the running compute has planned. */
interface ZarrLeaf {
  spec: StoreSpec;
  path: string;
  name: string;
  storageChunks: number[];
  chunks: number[][];
  starts: number[][];
  dtype: DType;
}

const leaves = new WeakMap<LazyRef, ZarrLeaf & { keyOf: (idx: readonly number[]) => string; decode: (raw: NDArray) => NDArray }>();
/** Blocks the running compute will load, in order, per leaf (./plan). */
let planned = new Map<LazyRef, number[][]>();
/** Blocks fetched with an earlier block of the same batch, waiting to be asked for. */
let staged = new Map<string, NDArray>();
/** Most blocks fetched together. */
const BATCH = 16;

/**
 * Notes the Zarr blocks computing `root` will load (called before a compute starts), so the
 * first miss fetches the following ones with it.
 */
function planZarr(root: LazyRef): void {
  staged = new Map();
  planned = new Map();
  for (const { leaf, idx } of plannedBlocks(root, (r) => leaves.has(r))) {
    let list = planned.get(leaf);
    if (!list) planned.set(leaf, (list = []));
    list.push(idx);
  }
}

onPlan(planZarr);

/** Copies the part of storage chunk `c` (at chunk coordinates `cc`) inside block `start`+`shape` into `out`. */
function copyOverlap(out: NDArray, start: readonly number[], shape: readonly number[], c: { data: ArrayBufferView; shape: number[] }, cc: readonly number[], cs: readonly number[]): void {
  const nd = shape.length;
  const src = c.data as unknown as Float64Array;
  const dst = out.nd.data as unknown as Float64Array;
  if (nd === 0) {
    dst[0] = src[0];
    return;
  }
  const lo = start.map((s, d) => Math.max(s, cc[d] * cs[d]));
  const hi = start.map((s, d) => Math.min(s + shape[d], cc[d] * cs[d] + cs[d]));
  if (lo.some((l, d) => l >= hi[d])) return;
  const sStride = new Array<number>(nd), dStride = new Array<number>(nd);
  sStride[nd - 1] = dStride[nd - 1] = 1;
  for (let d = nd - 2; d >= 0; d--) (sStride[d] = sStride[d + 1] * c.shape[d + 1]), (dStride[d] = dStride[d + 1] * shape[d + 1]);
  const rowLen = hi[nd - 1] - lo[nd - 1];
  const idx = lo.slice(0, nd - 1);
  for (;;) {
    let s = lo[nd - 1] - cc[nd - 1] * cs[nd - 1], t = lo[nd - 1] - start[nd - 1];
    for (let d = 0; d < nd - 1; d++) (s += (idx[d] - cc[d] * cs[d]) * sStride[d]), (t += (idx[d] - start[d]) * dStride[d]);
    dst.set(src.subarray(s, s + rowLen), t);
    let d = nd - 2;
    for (; d >= 0; d--) {
      if (++idx[d] < hi[d]) break;
      idx[d] = lo[d];
    }
    if (d < 0) return;
  }
}

/** Storage chunk coordinates a block overlaps. */
function chunksOf(start: readonly number[], shape: readonly number[], cs: readonly number[]): number[][] {
  let out: number[][] = [[]];
  start.forEach((s, d) => {
    const first = Math.floor(s / cs[d]), last = Math.floor((s + Math.max(shape[d], 1) - 1) / cs[d]);
    const next: number[][] = [];
    for (const p of out) for (let k = first; k <= last; k++) next.push([...p, k]);
    out = next;
  });
  return out;
}

/** Reads blocks `idxs` of a leaf (one batch, in parallel), raw (not CF-decoded). */
function readBlocks(leaf: ZarrLeaf, blocks: { start: number[]; shape: number[] }[]): NDArray[] {
  const wanted = new Map<string, number[]>();
  for (const b of blocks) for (const cc of chunksOf(b.start, b.shape, leaf.storageChunks)) wanted.set(cc.join(","), cc);
  const coords = [...wanted.values()];
  const got = readChunksSync(leaf.spec, coords.map((c) => ({ path: leaf.path, coords: c })), leaf.name);
  return blocks.map((b) => {
    const out = new NDArray(new (leaf.dtype === "float32" ? Float32Array : ["float64", "int64", "uint64"].includes(leaf.dtype) ? Float64Array : ({ int8: Int8Array, int16: Int16Array, int32: Int32Array, uint8: Uint8Array, uint16: Uint16Array, uint32: Uint32Array, bool: Uint8Array } as Record<string, new (n: number) => ArrayBufferView>)[leaf.dtype])(b.shape.reduce((a, n) => a * n, 1)) as never, b.shape, leaf.dtype);
    coords.forEach((cc, i) => copyOverlap(out, b.start, b.shape, got[i], cc, leaf.storageChunks));
    return out;
  });
}

/** Loads block `idx` of `ref`, with the planned blocks after it that are not cached yet. */
function loadBlock(ref: LazyRef, idx: readonly number[]): NDArray {
  const leaf = leaves.get(ref)!;
  const key = leaf.keyOf(idx);
  const hit = staged.get(key);
  if (hit) {
    staged.delete(key);
    return hit;
  }
  const batch = [Array.from(idx)];
  const list = planned.get(ref) ?? [];
  const at = list.findIndex((p) => p.join() === idx.join());
  if (at >= 0) {
    for (let i = at + 1; i < list.length && batch.length < BATCH; i++) {
      const k = leaf.keyOf(list[i]);
      if (!isCached(k) && !staged.has(k)) batch.push(list[i]);
    }
  }
  const blocks = batch.map((b) => ({ start: b.map((k, d) => leaf.starts[d][k]), shape: b.map((k, d) => leaf.chunks[d][k]) }));
  const raw = readBlocks(leaf, blocks);
  for (let i = 1; i < batch.length; i++) staged.set(leaf.keyOf(batch[i]), leaf.decode(raw[i]));
  return leaf.decode(raw[0]);
}

/** A Zarr store a Dataset reads: closing it drops its chunks from the cache. */
class ZarrSource {
  private closed = false;
  constructor(readonly location: string, private readonly prefix: string) {
    holdCached(prefix);
  }
  close(): void {
    if (this.closed) return;
    this.closed = true;
    releaseCached(this.prefix);
  }
  ensureOpen(): void {
    if (!this.closed) return;
    this.closed = false;
    holdCached(this.prefix);
  }
}

let opened = 0;

/**
 * Opens a Zarr store (v2 or v3; a local folder or an `http(s)://` URL) as a Dataset, as
 * xarray's `open_zarr`: metadata now, chunks when a compute needs them. Dimension names come
 * from `_ARRAY_DIMENSIONS` (v2) or `dimension_names` (v3); CF attributes are decoded.
 * @example
 * const ds = await xr.openZarr("data/ecco.zarr");
 * const top = await ds.THETA.isel({ k: 0 }).compute();
 * const remote = await xr.openZarr("http://127.0.0.1:8000/ecco.zarr", { chunks: { k: 1 } });
 * xr.cacheInfo().bytesFetched;   // what the reads fetched
 */
export async function openZarr(location: string, options: OpenZarrOptions = {}): Promise<DatasetWithVars> {
  if (typeof location !== "string") throw new TypeError(`openZarr: expected a folder path or an http(s):// URL, got ${typeof location}`);
  checkChunks(options.chunks);
  const http: HttpOptions = { retries: options.retries, backoffMs: options.backoffMs };
  const spec = specOf(location, http);
  if (spec.kind === "folder" && !fs.existsSync(spec.location)) throw new FileNotFoundError(location);
  const store = openStore(spec);
  const group = options.group ?? "/";
  const { arrays, format } = await listArrays(store, group);
  const groupMeta = format === 2 ? await json(store, `/${group === "/" ? "" : group.replace(/^\/+|\/+$/g, "") + "/"}.zattrs`) : ((await json(store, `/${group === "/" ? "" : group.replace(/^\/+|\/+$/g, "") + "/"}zarr.json`))?.attributes as Record<string, unknown> | undefined);
  const zarr = await zarrita();
  const root = zarr.root(store as never);
  const prefix = `zarr:${spec.location}#${++opened}${group}`;
  const source = new ZarrSource(location, `${prefix}/`);
  const vars: Record<string, DataArray> = {};
  const coordNames = new Set<string>();
  const named = new Set<string>();
  for (const { path, format: fmt } of arrays) {
    const name = path.slice(path.lastIndexOf("/") + 1);
    let arr: Awaited<ReturnType<typeof zarr.open>>;
    try {
      arr = await zarr.open(root.resolve(path), { kind: "array" });
    } catch (e) {
      if (e instanceof HttpError) throw e;
      throw new ZarrFormatError(location, `array '${name}' could not be opened: ${(e as Error).message}`);
    }
    const zattrs = { ...(arr.attrs as Record<string, unknown>) };
    const dims = fmt === 3 ? arr.dimensionNames ?? (zattrs._ARRAY_DIMENSIONS as string[] | undefined) : (zattrs._ARRAY_DIMENSIONS as string[] | undefined);
    delete zattrs._ARRAY_DIMENSIONS;
    if (!Array.isArray(dims) || dims.length !== arr.shape.length || dims.some((d) => typeof d !== "string")) {
      throw new ZarrFormatError(location, `array '${name}' has no dimension names (${fmt === 2 ? "the _ARRAY_DIMENSIONS attribute" : "dimension_names"}), which xarray needs to open it`);
    }
    if (!DTYPES.has(arr.dtype)) throw new ZarrFormatError(location, `array '${name}' has dtype ${arr.dtype}, which lazylab does not read (numbers and bool only)`);
    const attrs: Record<string, AttrValue> = {};
    for (const [k, v] of Object.entries(zattrs)) {
      const a = attrValue(v);
      if (a !== undefined) attrs[k] = a;
    }
    // xarray takes a v2 array's fill_value as its _FillValue (v3: only the attribute).
    const fill = arr.fillValue;
    if (fmt === 2 && fill !== null && fill !== undefined && !("_FillValue" in attrs) && arr.dtype !== "bool") attrs._FillValue = Number(fill);
    const storageChunks = arr.chunks;
    const v: NcVariable = { name, path, dims, shape: arr.shape, dtype: arr.dtype as DType, diskType: arr.dtype, attrs, storageChunks, filters: [] };
    const dec = decodingOf(v, options);
    delete dec.encoding.zlib;
    delete dec.encoding.shuffle;
    delete dec.encoding.chunksizes;
    dec.encoding.chunks = storageChunks;
    dec.encoding.source = location;
    dec.encoding.zarr_format = fmt;
    const coordAttr = dec.attrs.coordinates;
    if (typeof coordAttr === "string") {
      coordAttr.split(/\s+/).filter(Boolean).forEach((c) => named.add(c));
      dec.encoding.coordinates = coordAttr;
      delete dec.attrs.coordinates;
    }
    const leafBase: ZarrLeaf = { spec, path, name, storageChunks, chunks: [], starts: [], dtype: arr.dtype as DType };
    if (readAtOpen(v)) {
      const values = dec.decode(readBlocks(leafBase, [{ start: v.shape.map(() => 0), shape: [...v.shape] }])[0]);
      vars[name] = new DataArray(values, dims, { attrs: dec.attrs, name, isTime: dec.isTime, encoding: dec.encoding });
      if (dims.length === 1 && dims[0] === name) coordNames.add(name);
      continue;
    }
    const chunks = chunkSizes(v, options.chunks);
    const starts = chunks.map((c) => boundaries(c));
    const varKey = `${prefix}/${name}`;
    const keyOf = (idx: readonly number[]) => `${varKey}|${idx.map((k, d) => starts[d][k]).join(",")}|${idx.map((k, d) => chunks[d][k]).join(",")}`;
    const lazy = fromFunction((idx, _bshape, region) => cachedChunk(keyOf(idx), () => loadBlock(lazy, idx), region !== undefined), v.shape, {
      chunks,
      dtype: dec.dtype,
      name: `open_zarr-${name}`,
      shared: true,
      // A cluster's workers read v2 arrays themselves (python zarr 2 has no v3).
      ...(fmt === 2 ? { origin: { format: "zarr" as const, location: spec.location, path, decoding: dec.spec } } : {}),
    });
    leaves.set(lazy, { ...leafBase, chunks, starts, keyOf, decode: dec.decode });
    registerLeaf(lazy, { variable: name, dims, file: source });
    vars[name] = new DataArray(lazy, dims, { attrs: dec.attrs, name, isTime: dec.isTime, dask: true, encoding: dec.encoding });
  }
  for (const c of named) if (c in vars) coordNames.add(c);
  const gattrs: Record<string, AttrValue> = {};
  for (const [k, v] of Object.entries(groupMeta ?? {})) {
    const a = attrValue(v);
    if (a !== undefined) gattrs[k] = a;
  }
  return Dataset.wrap(new Dataset(vars, coordNames, gattrs, [source]));
}
