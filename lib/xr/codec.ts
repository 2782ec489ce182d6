/**
 * Decoding a stored HDF5 chunk: its filter pipeline undone in reverse order — deflate
 * (libdeflate through ./native when built, else Node's zlib), shuffle (bytes regrouped per
 * element; in C through ./native when built) and
 * fletcher32 (its checksum checked and dropped). These are the filters NetCDF4 writes
 * (`zlib=True, shuffle=True, fletcher32=True`); a chunk with any other filter is read
 * through HDF5 instead. Pure functions over bytes, so worker threads run them too.
 */
import * as zlib from "node:zlib";
import { native } from "./native";
import { ChunkPart, FillMask, gatherInto, maskFill, partElements, runsOf, unshuffle, unshuffleInto } from "./shuffle";
export type { ChunkPart, FillMask } from "./shuffle";
export { unshuffle } from "./shuffle";

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

/** How a stored chunk is decoded, and which of its decoded bytes a read wants. */
export interface ChunkSpec {
  /** The dataset's filter pipeline, in the order applied when writing. */
  filters: readonly PipelineFilter[];
  /** Bit i set: filter i was not applied to this chunk. */
  filterMask: number;
  /** Bytes of the whole decoded chunk. */
  nbytes: number;
  /** Bytes per element. */
  elementSize: number;
  /** The region of the chunk a read wants (default: all of it). */
  part?: ChunkPart;
  /** Fill values to turn into NaN. */
  fill?: FillMask;
}

/**
 * The decoded bytes of one stored chunk, or of the region `part` of it: `stored` (as read
 * from the file) through the pipeline `filters` backwards, skipping those whose bit is set
 * in `filterMask`, fill values masked. Returns them in a buffer of their own (aligned for
 * any typed array), or in `out`. The last step writes straight into that buffer — inflate
 * when deflate is the last step and the whole chunk is wanted, else the unshuffle (or the
 * gathering of the region) fused with the mask — so the only intermediate is the inflated
 * chunk, in a scratch buffer reused between chunks (./native) or from Node's zlib.
 */
export function decodeChunk(stored: Uint8Array, spec: ChunkSpec, out?: Uint8Array): Uint8Array {
  const { filters, filterMask, nbytes, elementSize: es, part, fill } = spec;
  const runs = part ? runsOf(part) : null;
  const length = part ? partElements(part) * es : nbytes;
  if (out && out.length !== length) throw new RangeError(`decodeChunk: ${length} bytes wanted, into a buffer of ${out.length}`);
  const steps = filters.filter((_, i) => !(filterMask & (1 << i))).reverse();
  let data = stored;
  /** `data` is the result: the bytes wanted, fill values masked, in `out` or a buffer of its own. */
  let done = false;
  for (let s = 0; s < steps.length; s++) {
    const f = steps[s];
    const last = s === steps.length - 1;
    if (f.id === DEFLATE) {
      // Its output is the chunk, plus the checksums of fletcher32 steps still to undo.
      const expected = nbytes + 4 * steps.slice(s + 1).filter((g) => g.id === FLETCHER32).length;
      const whole = last && !runs;
      data = inflate(data, expected, whole ? out : undefined, whole);
      done = whole && data.length === nbytes && (data === out || (!out && data.byteOffset % 8 === 0 && data.buffer.byteLength === nbytes));
      if (done && fill) maskFill(data, fill);
    } else if (f.id === SHUFFLE) {
      const size = f.cdValues[0] ?? 1;
      if (last && (!runs || size === es)) {
        if (data.length !== nbytes) throw new ChunkDecodeError(`decoded ${data.length} bytes, expected ${nbytes}`);
        const dst = out ?? new Uint8Array(length);
        unshuffleInto(data, size, dst, runs, fill);
        data = dst;
        done = true;
      } else data = unshuffle(data, size);
    } else if (f.id === FLETCHER32) {
      if (data.length < 4) throw new ChunkDecodeError("fletcher32: chunk shorter than its checksum");
      const body = data.subarray(0, data.length - 4);
      const stored32 = (data[data.length - 4] | (data[data.length - 3] << 8) | (data[data.length - 2] << 16) | (data[data.length - 1] << 24)) >>> 0;
      if (fletcher32(body) !== stored32) throw new ChunkDecodeError("fletcher32 checksum mismatch (the chunk is corrupt)");
      data = body;
      done = false;
    } else {
      throw new ChunkDecodeError(`filter ${f.id} is not decoded here`);
    }
  }
  if (done) return data;
  if (data.length !== nbytes) throw new ChunkDecodeError(`decoded ${data.length} bytes, expected ${nbytes}`);
  const dst = out ?? new Uint8Array(length);
  gatherInto(data, es, dst, runs, fill);
  return dst;
}

/** Bytes {@link decodeChunk} returns for `spec`. */
export function decodedLength(spec: ChunkSpec): number {
  return spec.part ? partElements(spec.part) * spec.elementSize : spec.nbytes;
}

/** Reused between chunks: inflated bytes that a later step (unshuffle, gathering a region) reads. */
let scratch = new Uint8Array(0);

/**
 * The zlib stream `src` inflated: into `into` when given (it must then hold exactly the
 * output), else into a buffer of its own (`fresh`, or always with Node's zlib) or into the
 * scratch buffer (native).
 */
function inflate(src: Uint8Array, expected: number, into: Uint8Array | undefined, fresh: boolean): Uint8Array {
  if (native?.inflate) {
    let dst = into ?? (fresh ? new Uint8Array(expected) : undefined);
    if (!dst) {
      if (scratch.length < expected) scratch = new Uint8Array(Math.max(expected, scratch.length * 2));
      dst = scratch.subarray(0, expected);
    }
    const n = native.inflate(src, dst);
    if (n === -1) throw new ChunkDecodeError("deflate: invalid compressed data (the chunk is corrupt)");
    // -2: more output than the chunk holds; Node's zlib says how much (and the size check fails).
    if (n >= 0) return n === dst.length ? dst : dst.subarray(0, n);
  }
  let data: Uint8Array;
  try {
    // One output chunk of the expected size: zlib hands it back without concatenating.
    data = zlib.inflateSync(src, { chunkSize: Math.max(expected, 64) });
  } catch (e) {
    throw new ChunkDecodeError(`deflate: ${(e as Error).message} (the chunk is corrupt)`);
  }
  if (into && data.length === into.length) {
    into.set(data);
    return into;
  }
  return data;
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
