/**
 * The byte loops of chunk decoding: HDF5's shuffle undone, the part of a chunk a read uses
 * gathered out of it, and fill values (CF's `_FillValue`) turned into NaN — in one pass over
 * the output, in C through ./native when the addon is built, else as JavaScript loops with
 * the same result.
 *
 * A part is given as runs: (first element in the chunk, first element in the output,
 * elements), the chunk's C order cut where the region leaves it. A level of a 25-level chunk
 * is one run; the first 6 of 7 tiles of an edge chunk are one run per level.
 */
import { native } from "./native";

/** Fill values masked as a chunk is decoded: kind 1 float32 (compared as float32), 2 float64. */
export interface FillMask {
  kind: 1 | 2;
  /** The fill value; never NaN. */
  value: number;
}

/** A region of a chunk: the chunk's shape, and the region's start (relative to the chunk's origin) and count. */
export interface ChunkPart {
  shape: readonly number[];
  start: readonly number[];
  count: readonly number[];
}

/** Elements of the region. */
export function partElements(part: ChunkPart): number {
  return part.count.reduce((a, b) => a * b, 1);
}

/** The runs of `part`: triples (chunk element, output element, elements), in output order. */
export function runsOf(part: ChunkPart): Float64Array {
  const { shape, start, count } = part;
  const rank = shape.length;
  // Trailing dimensions the region covers whole merge into one run.
  let inner = rank - 1;
  while (inner > 0 && count[inner] === shape[inner]) inner--;
  const stride = shape.map(() => 1);
  for (let d = rank - 2; d >= 0; d--) stride[d] = stride[d + 1] * shape[d + 1];
  const runLen = count.slice(inner).reduce((a, b) => a * b, 1);
  const total = count.slice(0, inner).reduce((a, b) => a * b, 1);
  const runs = new Float64Array(3 * (runLen === 0 ? 0 : total));
  if (runLen === 0) return runs;
  const idx = new Array<number>(inner).fill(0);
  for (let t = 0; t < total; t++) {
    let src = start[inner] * stride[inner];
    for (let d = 0; d < inner; d++) src += (start[d] + idx[d]) * stride[d];
    runs[3 * t] = src;
    runs[3 * t + 1] = t * runLen;
    runs[3 * t + 2] = runLen;
    for (let d = inner - 1; d >= 0; d--) {
      if (++idx[d] < count[d]) break;
      idx[d] = 0;
    }
  }
  return runs;
}

function fuses(fill: FillMask | undefined, size: number): fill is FillMask {
  return fill !== undefined && size === (fill.kind === 1 ? 4 : 8);
}

type NativeCopy = (src: Uint8Array, size: number, dst: Uint8Array, runs: Float64Array | null, fillKind: number, fillValue: number) => void;

/** A native unshuffle or gather, with the fill mask fused into it where it can be, else applied after. */
function nativeInto(copy: NativeCopy, src: Uint8Array, size: number, dst: Uint8Array, runs: Float64Array | null, fill?: FillMask): void {
  const fuse = fuses(fill, size);
  copy(src, size, dst, runs, fuse ? fill.kind : 0, fuse ? fill.value : 0);
  if (fill && !fuse) maskFill(dst, fill);
}

/**
 * The shuffled chunk `src` (elements of `size` bytes) unshuffled into `dst`: whole (`runs`
 * null; `dst` as long as `src`) or the runs of a part. Fill values become NaN.
 */
export function unshuffleInto(src: Uint8Array, size: number, dst: Uint8Array, runs: Float64Array | null, fill?: FillMask): void {
  if (native) return nativeInto(native.unshuffle, src, size, dst, runs, fill);
  if (!runs) unshuffle(src, size, dst);
  else {
    const n = Math.floor(src.length / size);
    for (let k = 0; k < runs.length; k += 3) unshuffleRun(src, n, size, dst, runs[k + 1] * size, runs[k], runs[k + 2]);
  }
  if (fill) maskFill(dst, fill);
}

/** The runs of elements of `size` bytes of the (unshuffled) chunk `src` copied into `dst` (whole: `runs` null). Fill values become NaN. */
export function gatherInto(src: Uint8Array, size: number, dst: Uint8Array, runs: Float64Array | null, fill?: FillMask): void {
  if (native) return nativeInto(native.gather, src, size, dst, runs, fill);
  if (!runs) dst.set(src.subarray(0, dst.length));
  else for (let k = 0; k < runs.length; k += 3) dst.set(src.subarray(runs[k] * size, (runs[k] + runs[k + 2]) * size), runs[k + 1] * size);
  if (fill) maskFill(dst, fill);
}

/** Writes `m` elements from element `e0` of the shuffled `src` (n elements) to dst at byte `at`. */
function unshuffleRun(src: Uint8Array, n: number, size: number, dst: Uint8Array, at: number, e0: number, m: number): void {
  if (size === 4 && (dst.byteOffset + at) % 4 === 0) {
    const o32 = new Uint32Array(dst.buffer, dst.byteOffset + at, m);
    for (let i = 0, j = e0; i < m; i++, j++) o32[i] = src[j] | (src[n + j] << 8) | (src[2 * n + j] << 16) | (src[3 * n + j] << 24);
    return;
  }
  for (let b = 0; b < size; b++) {
    const from = b * n + e0;
    for (let i = 0, o = at + b; i < m; i++, o += size) dst[o] = src[from + i];
  }
}

/** Undoes HDF5's shuffle: byte b of element i was stored at b·n + i. Writes into `out` if given. */
export function unshuffle(src: Uint8Array, size: number, out: Uint8Array = new Uint8Array(src.length)): Uint8Array {
  const n = Math.floor(src.length / size);
  if (size <= 1 || n <= 1) {
    if (out !== src) out.set(src.subarray(0, out.length));
    return out;
  }
  const m = Math.min(n, Math.floor(out.length / size));
  unshuffleRun(src, n, size, out, 0, 0, m);
  // Bytes past the last whole element are stored as they are.
  for (let p = m * size; p < out.length; p++) out[p] = p < n * size ? src[(p % size) * n + Math.floor(p / size)] : src[p];
  return out;
}

/** Fill values → NaN in place (float32 compared as float32, as xarray does). */
export function maskFill(data: Uint8Array, fill: FillMask): void {
  if (native) return native.mask(data, fill.kind, fill.value);
  const size = fill.kind === 1 ? 4 : 8;
  if (data.byteOffset % size !== 0) {
    const copy = new Uint8Array(data);
    maskFill(copy, fill);
    data.set(copy);
    return;
  }
  if (fill.kind === 1) {
    const a = new Float32Array(data.buffer, data.byteOffset, data.length >> 2);
    const f = Math.fround(fill.value);
    for (let i = 0; i < a.length; i++) if (a[i] === f) a[i] = NaN;
  } else {
    const a = new Float64Array(data.buffer, data.byteOffset, data.length >> 3);
    const f = fill.value;
    for (let i = 0; i < a.length; i++) if (a[i] === f) a[i] = NaN;
  }
}
