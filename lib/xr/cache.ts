/**
 * The decoded-chunk cache, made visible. Every chunk a compute loads from a file (read,
 * decompressed, CF-decoded) is kept here, so a second compute over the same data does not
 * read the file again — the role netCDF-C's per-variable chunk caches play under xarray.
 * What Python hides, lazylab shows: the cache holds ordinary ArrayBuffers, so the psutil
 * probes count it; `cacheInfo()` says how much it holds and what it read; `clearCache()`
 * empties it; a size limit evicts least-recently-used chunks.
 *
 * What is kept: chunks a compute read only part of (a level out of 25, a corner of a tile).
 * Their unused part is what a later selection would otherwise read and decompress again,
 * and it is exactly the memory a badly fitting chunking costs. A chunk a compute used whole
 * is not kept: its values are in the result already, and keeping them would double the
 * result's memory. So taking the top level out of 25-level chunks holds 25× the result,
 * and with one level per chunk nothing beyond the result.
 */
import { inspect } from "node:util";
import type { NDArray } from "../np/ndarray";
import { diskReads } from "./hdf5";
import { storeReads } from "./store";

/** Statistics of the chunk cache. */
export interface CacheInfo {
  /** Bytes of decoded chunks held now. */
  bytes: number;
  /** Number of chunks held now. */
  chunks: number;
  /** Most bytes held before least-recently-used chunks are evicted. */
  limitBytes: number;
  /** Chunk loads served from the cache. */
  hits: number;
  /** Chunk loads that read the file. */
  misses: number;
  /** Bytes HDF5 read from files (compressed, metadata included). */
  bytesReadFromDisk: number;
  /** Bytes stores returned: Zarr chunks and metadata from folders and over HTTP, remote files' ranges. */
  bytesFetched: number;
  /** HTTP requests retried after a dropped connection or a 5xx answer. */
  retries: number;
  /** Bytes of decoded chunks produced by misses. */
  bytesDecoded: number;
  /** Chunks evicted to stay under the limit. */
  evictions: number;
}

/** Default limit: 1 GiB (the whole lesson's default-chunk compute fits, as it did in Python). */
export const DEFAULT_CACHE_LIMIT = 2 ** 30;

const entries = new Map<string, NDArray>();
let heldBytes = 0;
let limit = DEFAULT_CACHE_LIMIT;
const stats = { hits: 0, misses: 0, bytesDecoded: 0, evictions: 0 };
/** Bytes of chunks handed to computes (hits and misses): what a compute loaded. */
export const served = { bytes: 0 };

/**
 * Returns the cached chunk under `key`, or loads it with `load`, keeping it if `keep` (the
 * compute reads only part of it).
 */
export function cachedChunk(key: string, load: () => NDArray, keep = true): NDArray {
  const hit = entries.get(key);
  if (hit) {
    stats.hits++;
    // Map order is insertion order: re-inserting marks it most recently used.
    entries.delete(key);
    entries.set(key, hit);
    served.bytes += hit.nd.data.byteLength;
    return hit;
  }
  stats.misses++;
  const chunk = load();
  const nbytes = chunk.nd.data.byteLength;
  stats.bytesDecoded += nbytes;
  served.bytes += nbytes;
  if (keep && nbytes <= limit) {
    entries.set(key, chunk);
    heldBytes += nbytes;
    evictTo(limit);
  }
  return chunk;
}

/** True if the chunk under `key` is held. */
export function isCached(key: string): boolean {
  return entries.has(key);
}

function evictTo(max: number): void {
  for (const [k, v] of entries) {
    if (heldBytes <= max) break;
    entries.delete(k);
    heldBytes -= v.nd.data.byteLength;
    stats.evictions++;
  }
}

/** Open files per cache key prefix: a file's chunks are dropped when the last one closes. */
const openFiles = new Map<string, number>();

/** Notes an open file whose chunks are cached under keys starting with `prefix`. */
export function holdCached(prefix: string): void {
  openFiles.set(prefix, (openFiles.get(prefix) ?? 0) + 1);
}

/**
 * Notes a file closed: when no other open file reads the same chunks (two datasets opened on
 * one file share them), its cached chunks are dropped, as closing a file under xarray frees
 * netCDF-C's chunk cache of that file.
 */
export function releaseCached(prefix: string): void {
  const n = (openFiles.get(prefix) ?? 1) - 1;
  if (n > 0) {
    openFiles.set(prefix, n);
    return;
  }
  openFiles.delete(prefix);
  dropCached(prefix);
}

/** Drops every cached chunk of keys starting with `prefix` (a closed file's). */
export function dropCached(prefix: string): void {
  for (const [k, v] of entries) {
    if (k.startsWith(prefix)) {
      entries.delete(k);
      heldBytes -= v.nd.data.byteLength;
    }
  }
}

class CacheInfoRecord implements CacheInfo {
  constructor(
    readonly bytes: number,
    readonly chunks: number,
    readonly limitBytes: number,
    readonly hits: number,
    readonly misses: number,
    readonly bytesReadFromDisk: number,
    readonly bytesFetched: number,
    readonly retries: number,
    readonly bytesDecoded: number,
    readonly evictions: number,
  ) {}
  toString(): string {
    const mb = (b: number) => `${(b / 2 ** 20).toFixed(2)} MB`;
    return `CacheInfo(held=${mb(this.bytes)} in ${this.chunks} chunks, limit=${mb(this.limitBytes)}, hits=${this.hits}, misses=${this.misses}, read from disk=${mb(this.bytesReadFromDisk)}, ${this.bytesFetched ? `fetched=${mb(this.bytesFetched)}${this.retries ? ` (${this.retries} retries)` : ""}, ` : ""}decoded=${mb(this.bytesDecoded)}, evictions=${this.evictions})`;
  }
  [inspect.custom](): string {
    return this.toString();
  }
}

/**
 * What the chunk cache holds and has done since the last {@link resetCacheStats}.
 * @example
 * await ds.THETA.isel({ k: 0 }).compute();
 * xr.cacheInfo(); // CacheInfo(held=..., hits=0, misses=26, read from disk=...)
 */
export function cacheInfo(): CacheInfo {
  return new CacheInfoRecord(heldBytes, entries.size, limit, stats.hits, stats.misses, diskReads.bytes, storeReads.bytes, storeReads.retries, stats.bytesDecoded, stats.evictions);
}

/** Empties the chunk cache (its memory returns at the next garbage collection). Statistics are kept. */
export function clearCache(): void {
  entries.clear();
  heldBytes = 0;
}

/** Zeroes the hit/miss/read counters. */
export function resetCacheStats(): void {
  stats.hits = stats.misses = stats.bytesDecoded = stats.evictions = 0;
  diskReads.bytes = 0;
  storeReads.bytes = storeReads.retries = storeReads.requests = 0;
}

/** Sets the most bytes the cache holds (0 disables caching); evicts down to it now. */
export function setCacheLimit(bytes: number): void {
  if (!Number.isFinite(bytes) || bytes < 0) throw new RangeError(`setCacheLimit: bytes must be a non-negative number, got ${bytes}`);
  limit = bytes;
  evictTo(limit);
}
