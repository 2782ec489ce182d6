/**
 * Decoding a stored HDF5 chunk: its filter pipeline undone in reverse order — deflate
 * (inflated with Node's zlib, native code), shuffle (bytes regrouped per element) and
 * fletcher32 (its checksum checked and dropped). These are the filters NetCDF4 writes
 * (`zlib=True, shuffle=True, fletcher32=True`); a chunk with any other filter is read
 * through HDF5 instead. Pure functions over bytes, so worker threads run them too.
 */
import * as zlib from "node:zlib";

/** HDF5 filter ids this module decodes. */
export const DEFLATE = 1, SHUFFLE = 2, FLETCHER32 = 3;
export const RAW_FILTERS: ReadonlySet<number> = new Set([DEFLATE, SHUFFLE, FLETCHER32]);

/** A filter of a dataset's pipeline (in the order they were applied when writing). */
export interface PipelineFilter {
  id: number;
  cdValues: readonly number[];
}

/** A stored chunk could not be decoded (corrupt data, checksum mismatch). */
export class ChunkDecodeError extends Error {
  override name = "ChunkDecodeError";
}

/**
 * The decoded bytes of one stored chunk: `stored` (as read from the file) through the
 * pipeline `filters` backwards, skipping those whose bit is set in `filterMask`. Returns
 * exactly `nbytes` bytes in a buffer of its own (aligned for any typed array), or in `out`.
 */
export function decodeChunk(stored: Uint8Array, filters: readonly PipelineFilter[], filterMask: number, nbytes: number, out?: Uint8Array): Uint8Array {
  let data = stored;
  const active = filters.map((_, i) => i).filter((i) => !(filterMask & (1 << i)));
  for (let a = active.length - 1; a >= 0; a--) {
    const f = filters[active[a]];
    if (f.id === DEFLATE) {
      // One output chunk of the expected size: zlib hands it back without concatenating.
      try {
        data = zlib.inflateSync(data, { chunkSize: Math.max(nbytes, 64) });
      } catch (e) {
        throw new ChunkDecodeError(`deflate: ${(e as Error).message} (the chunk is corrupt)`);
      }
    } else if (f.id === SHUFFLE) {
      // The last step writes straight into `out` when there is one.
      if (a === 0 && out && data.length === nbytes) data = unshuffle(data, f.cdValues[0] ?? 1, out);
      else data = unshuffleInPlace(data, f.cdValues[0] ?? 1, data !== stored);
    } else if (f.id === FLETCHER32) {
      if (data.length < 4) throw new ChunkDecodeError("fletcher32: chunk shorter than its checksum");
      const body = data.subarray(0, data.length - 4);
      const stored32 = (data[data.length - 4] | (data[data.length - 3] << 8) | (data[data.length - 2] << 16) | (data[data.length - 1] << 24)) >>> 0;
      if (fletcher32(body) !== stored32) throw new ChunkDecodeError("fletcher32 checksum mismatch (the chunk is corrupt)");
      data = body;
    } else {
      throw new ChunkDecodeError(`filter ${f.id} is not decoded here`);
    }
  }
  if (data.length !== nbytes) throw new ChunkDecodeError(`decoded ${data.length} bytes, expected ${nbytes}`);
  if (out) {
    if (data !== out) out.set(data);
    return out;
  }
  if (data.byteOffset % 8 !== 0 || data.buffer.byteLength !== nbytes) data = new Uint8Array(data);
  return data;
}

/** Reused between chunks: a copy of the shuffled bytes while they are put back in order. */
let scratch = new Uint8Array(0);

/**
 * Unshuffles `data` in its own buffer when it is ours (`owned`, e.g. fresh from inflate),
 * through a scratch copy: no new chunk-sized buffer per chunk, so decoding leaves no
 * garbage behind (the memory figures a notebook prints stay those of the chunks it keeps).
 */
function unshuffleInPlace(data: Uint8Array, size: number, owned: boolean): Uint8Array {
  if (!owned || size <= 1) return unshuffle(data, size);
  if (scratch.length < data.length) scratch = new Uint8Array(Math.max(data.length, scratch.length * 2));
  const src = scratch.subarray(0, data.length);
  src.set(data);
  return unshuffle(src, size, data);
}

/** Undoes HDF5's shuffle: byte b of element i was stored at b·n + i. Writes into `out` if given. */
export function unshuffle(src: Uint8Array, size: number, out: Uint8Array = new Uint8Array(src.length)): Uint8Array {
  const n = Math.floor(src.length / size);
  if (size <= 1 || n <= 1) {
    if (out !== src) out.set(src);
    return out;
  }
  if (size === 4 && out.byteOffset % 4 === 0) {
    const o32 = new Uint32Array(out.buffer, out.byteOffset, n);
    for (let i = 0; i < n; i++) o32[i] = src[i] | (src[n + i] << 8) | (src[2 * n + i] << 16) | (src[3 * n + i] << 24);
  } else {
    for (let b = 0; b < size; b++) {
      const from = b * n;
      for (let i = 0, o = b; i < n; i++, o += size) out[o] = src[from + i];
    }
  }
  // Bytes past the last whole element are stored as they are.
  out.set(src.subarray(n * size), n * size);
  return out;
}

/** HDF5's Fletcher-32 (16-bit big-endian words, an odd last byte as the high byte). */
export function fletcher32(data: Uint8Array): number {
  let sum1 = 0, sum2 = 0;
  const words = data.length >> 1;
  let i = 0;
  for (let w = 0; w < words; ) {
    const block = Math.min(words - w, 360);
    for (let k = 0; k < block; k++, w++, i += 2) {
      sum1 += (data[i] << 8) | data[i + 1];
      sum2 += sum1;
    }
    sum1 = (sum1 & 0xffff) + (sum1 >>> 16);
    sum2 = (sum2 & 0xffff) + (sum2 >>> 16);
  }
  if (data.length & 1) {
    sum1 += data[data.length - 1] << 8;
    sum2 += sum1;
    sum1 = (sum1 & 0xffff) + (sum1 >>> 16);
    sum2 = (sum2 & 0xffff) + (sum2 >>> 16);
  }
  sum1 = (sum1 & 0xffff) + (sum1 >>> 16);
  sum2 = (sum2 & 0xffff) + (sum2 >>> 16);
  return ((sum2 << 16) | sum1) >>> 0;
}
