/**
 * Hyperslab reads from stored chunks, without HDF5: the chunks a region touches are located
 * with the dataset's chunk index (./chunkindex), their bytes read with positioned reads and
 * decoded by ./codec — on the decoder threads (./decoders) when a compute announced them,
 * else here — and the region's part of each copied out (or, when the region lies in one
 * chunk, only that part decoded, into the buffer that is the result: no copy at all). A
 * remote file's chunks (./remote) are fetched as their exact byte ranges, never more.
 */
import { chunkIndex, ChunkIndex, contiguousLayout, FileReader, StoredChunk } from "./chunkindex";
import { gatherInto, maskFill, runsOf } from "./shuffle";
import { ChunkSpec, decodeChunk, FillMask, PipelineFilter, RAW_FILTERS } from "./codec";
import { diskReads } from "./hdf5";
import { isAnnounced, takeDecoded } from "./decoders";
import type { RemoteFile } from "./remote";
import type { HttpOptions } from "./store";

/** What reading a variable's chunks directly needs. */
export interface RawPlan {
  reader: FileReader;
  file: string;
  /** The storage chunks (a contiguous variable: one unfiltered chunk, the whole variable). */
  index: ChunkIndex;
  /** True for a contiguous variable: regions are read with one positioned read per run. */
  contiguous?: boolean;
  filters: PipelineFilter[];
  diskType: string;
  shape: number[];
  /** The file is on an HTTP(S) server: stored bytes are fetched in ranges from it. */
  remote?: RemoteFile;
}

type DiskArray = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array | BigInt64Array | BigUint64Array;
const DISK_ARRAYS: Record<string, { new (b: ArrayBufferLike, o?: number, n?: number): DiskArray; new (n: number): DiskArray; BYTES_PER_ELEMENT: number }> = {
  int8: Int8Array, uint8: Uint8Array, int16: Int16Array, uint16: Uint16Array, int32: Int32Array, uint32: Uint32Array,
  int64: BigInt64Array, uint64: BigUint64Array, float32: Float32Array, float64: Float64Array,
};

/**
 * The raw-read plan of a variable, or undefined when it must be read through HDF5 (a filter
 * other than deflate/shuffle/fletcher32, big-endian, compact storage, a layout this reader
 * does not parse).
 */
export function rawPlan(
  reader: FileReader | undefined,
  file: string,
  objectAddress: number,
  v: { shape: number[]; diskType: string; storageChunks: number[] | null },
  filters: readonly { id: number; cd_values?: readonly number[] }[],
  littleEndian: boolean,
  remote?: RemoteFile,
): RawPlan | undefined {
  if (!reader || !littleEndian || !(v.diskType in DISK_ARRAYS)) return undefined;
  if (filters.some((f) => !RAW_FILTERS.has(f.id))) return undefined;
  const elementSize = DISK_ARRAYS[v.diskType].BYTES_PER_ELEMENT;
  if (!v.storageChunks) {
    // Contiguous: no filters; read without HDF5 when the layout says where and the size fits.
    let at: { address: number; size: number } | undefined;
    try {
      at = filters.length ? undefined : contiguousLayout(reader, objectAddress);
    } catch {
      return undefined;
    }
    if (!at || at.size !== v.shape.reduce((a, b) => a * b, 1) * elementSize) return undefined;
    const chunks = new Map<string, StoredChunk>([[v.shape.map(() => 0).join(","), { address: at.address, size: at.size, filterMask: 0 }]]);
    return { reader, file, index: { chunkShape: [...v.shape], elementSize, chunks }, contiguous: true, filters: [], diskType: v.diskType, shape: v.shape, remote };
  }
  let index: ChunkIndex | undefined;
  try {
    index = chunkIndex(reader, objectAddress, v.shape.length);
  } catch {
    return undefined;
  }
  if (!index || index.elementSize !== elementSize) return undefined;
  if (index.chunkShape.join() !== v.storageChunks.join()) return undefined;
  return { reader, file, index, filters: filters.map((f) => ({ id: f.id, cdValues: [...(f.cd_values ?? [])] })), diskType: v.diskType, shape: v.shape, remote };
}

/** Storage-chunk origins the region `start`/`count` touches. */
export function chunksTouched(plan: RawPlan, start: readonly number[], count: readonly number[]): number[][] {
  const cs = plan.index.chunkShape;
  let origins: number[][] = [[]];
  for (let d = 0; d < cs.length; d++) {
    const next: number[][] = [];
    const first = Math.floor(start[d] / cs[d]) * cs[d];
    for (const o of origins) for (let c = first; c < start[d] + count[d]; c += cs[d]) next.push([...o, c]);
    origins = next;
  }
  return count.some((n) => n === 0) ? [] : origins;
}

/** What decoding one stored chunk (or the part of it a read uses) needs; sent to a decoder thread as it is. */
export interface ChunkJob extends ChunkSpec {
  /** Names the decoded bytes: the stored chunk, the part wanted, the mask. */
  key: string;
  file: string;
  position: number;
  /** Bytes stored. */
  size: number;
  filters: PipelineFilter[];
  /** A remote file: the stored bytes are this range of the URL (`position`, `size`), fetched by the decoder thread. */
  remote?: { url: string; options: HttpOptions };
}

/**
 * The job that decodes the chunk at `origin` — only the region `start`/`count` of it when
 * given (the region must lie inside the chunk): a level of a 25-level chunk, the tiles of an
 * edge chunk that the dataset has, decoded straight into a buffer of the region's size — or
 * undefined if the chunk is not stored.
 */
export function chunkJob(plan: RawPlan, origin: readonly number[], start?: readonly number[], count?: readonly number[], fill?: FillMask): ChunkJob | undefined {
  const c: StoredChunk | undefined = plan.index.chunks.get(origin.join(","));
  if (!c) return undefined;
  const shape = plan.index.chunkShape;
  const elementSize = plan.index.elementSize;
  const nbytes = shape.reduce((a, b) => a * b, 1) * elementSize;
  const whole = !start || !count || count.every((n, d) => n === shape[d]);
  const part = whole ? undefined : { shape, start: start.map((s, d) => s - origin[d]), count: [...count] };
  const position = plan.reader.position(c.address);
  const key = `${plan.file}#${position}` + (part ? `[${part.start}|${part.count}]` : "") + (fill ? `~${fill.kind}:${fill.value}` : "");
  const remote = plan.remote && { url: plan.remote.url, options: plan.remote.options };
  return { key, file: plan.file, position, size: c.size, filterMask: c.filterMask, filters: plan.filters, nbytes, elementSize, part, fill, remote };
}

/** The jobs reading the region `start`/`count` needs, in order; undefined if a chunk is not stored. */
export function regionJobs(plan: RawPlan, start: readonly number[], count: readonly number[], fill?: FillMask): ChunkJob[] | undefined {
  if (plan.contiguous) return []; // nothing to decode: read in place
  const origins = chunksTouched(plan, start, count);
  // A region inside one chunk is decoded as that part of it; one spanning chunks, chunk by chunk.
  const jobs = origins.map((o) => (origins.length === 1 ? chunkJob(plan, o, start, count, fill) : chunkJob(plan, o, undefined, undefined, fill)));
  return jobs.every((j) => j) ? (jobs as ChunkJob[]) : undefined;
}

function decodedBytes(plan: RawPlan, job: ChunkJob, fetched?: Map<string, Uint8Array>): Uint8Array {
  const ready = takeDecoded(job);
  if (ready) return ready;
  if (plan.remote) return decodeChunk(fetched?.get(job.key) ?? plan.remote.fetch([{ offset: job.position, length: job.size }])[0], job);
  diskReads.bytes += job.size;
  return decodeChunk(plan.reader.read(job.position - plan.reader.position(0), job.size), job);
}

/**
 * Reads the hyperslab `start`/`count` as a typed array of the disk type, fill values masked
 * when `fill` is given, or undefined when a chunk it needs is not stored (HDF5 then supplies
 * the fill value).
 */
export function readRaw(plan: RawPlan, start: readonly number[], count: readonly number[], fill?: FillMask): DiskArray | undefined {
  if (plan.contiguous) return readContiguous(plan, start, count, fill);
  const Ctor = DISK_ARRAYS[plan.diskType];
  const cs = plan.index.chunkShape;
  const rank = cs.length;
  const origins = chunksTouched(plan, start, count);
  const jobs = regionJobs(plan, start, count, fill);
  if (!jobs) return undefined;
  const n = count.reduce((a, b) => a * b, 1);
  // The region lies in one stored chunk: its decoded bytes are the result.
  if (origins.length === 1) {
    const bytes = decodedBytes(plan, jobs[0]);
    return new Ctor(bytes.buffer, bytes.byteOffset, n);
  }
  const out = new Ctor(n);
  const outStride = strides(count);
  const inStride = strides(cs);
  // A remote region's chunks that no decoder thread fetches are fetched here, together (one
  // round trip, not one per chunk), and decoded one by one below.
  let fetched: Map<string, Uint8Array> | undefined;
  const here = plan.remote ? jobs.filter((j) => !isAnnounced(j)) : [];
  if (here.length > 1) {
    const parts = plan.remote!.fetch(here.map((j) => ({ offset: j.position, length: j.size })));
    fetched = new Map(here.map((j, i) => [j.key, parts[i]]));
  }
  origins.forEach((o, i) => {
    const bytes = decodedBytes(plan, jobs[i], fetched);
    const src = new Ctor(bytes.buffer, bytes.byteOffset, bytes.byteLength / Ctor.BYTES_PER_ELEMENT);
    // Intersection of the chunk [o, o+cs) with the region [start, start+count).
    const lo = o.map((c, d) => Math.max(c, start[d]));
    const hi = o.map((c, d) => Math.min(c + cs[d], start[d] + count[d]));
    const ext = hi.map((h, d) => h - lo[d]);
    // Copy runs as long as possible: trailing dimensions the chunk and the region both
    // cover whole are merged into one contiguous run.
    let inner = rank - 1;
    while (inner > 0 && ext[inner] === cs[inner] && ext[inner] === count[inner]) inner--;
    const runLen = ext.slice(inner).reduce((a, b) => a * b, 1);
    const outer = ext.slice(0, inner);
    const idx = outer.map(() => 0);
    const total = outer.reduce((a, b) => a * b, 1);
    for (let t = 0; t < total; t++) {
      let so = (lo[inner] - o[inner]) * inStride[inner], oo = (lo[inner] - start[inner]) * outStride[inner];
      for (let d = 0; d < inner; d++) {
        so += (lo[d] - o[d] + idx[d]) * inStride[d];
        oo += (lo[d] - start[d] + idx[d]) * outStride[d];
      }
      (out as Float64Array).set((src as Float64Array).subarray(so, so + runLen), oo);
      for (let d = inner - 1; d >= 0; d--) {
        if (++idx[d] < outer[d]) break;
        idx[d] = 0;
      }
    }
  });
  return out;
}

/** Runs of a region read one positioned read each, up to this many; more: the span they cover, once. */
const MAX_READS = 64;

/** The region `start`/`count` of a contiguous variable: positioned reads of its runs straight into the result. */
function readContiguous(plan: RawPlan, start: readonly number[], count: readonly number[], fill?: FillMask): DiskArray {
  const Ctor = DISK_ARRAYS[plan.diskType];
  const es = Ctor.BYTES_PER_ELEMENT;
  const n = count.reduce((a, b) => a * b, 1);
  const out = new Ctor(n);
  const bytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  const base = plan.index.chunks.values().next().value!.address;
  const runs = runsOf({ shape: plan.shape, start, count });
  let read = 0, wanted = n * es;
  if (runs.length / 3 <= MAX_READS && plan.remote) {
    // One range per run, fetched together (runs that touch become one request).
    const ranges = [];
    for (let k = 0; k < runs.length; k += 3) ranges.push({ offset: plan.reader.position(base + runs[k] * es), length: runs[k + 2] * es });
    plan.remote.fetch(ranges).forEach((part, i) => {
      bytes.set(part, runs[3 * i + 1] * es);
      read += part.length;
    });
  } else if (runs.length / 3 <= MAX_READS) {
    for (let k = 0; k < runs.length; k += 3) read += plan.reader.readInto(bytes, runs[k + 1] * es, runs[k + 2] * es, base + runs[k] * es);
  } else {
    const first = runs[0], last = runs[runs.length - 3] + runs[runs.length - 1];
    wanted = (last - first) * es;
    const span = plan.remote ? plan.remote.fetch([{ offset: plan.reader.position(base + first * es), length: wanted }])[0] : plan.reader.read(base + first * es, wanted);
    read = span.length;
    if (read === wanted) {
      for (let k = 0; k < runs.length; k += 3) runs[k] -= first;
      gatherInto(span, es, bytes, runs);
    }
  }
  if (!plan.remote) diskReads.bytes += read;
  if (read !== wanted) throw new Error(`read ${read} of ${wanted} bytes (the file is truncated)`);
  if (fill) maskFill(bytes, fill);
  return out;
}

function strides(shape: readonly number[]): number[] {
  const s = shape.map(() => 1);
  for (let d = shape.length - 2; d >= 0; d--) s[d] = s[d + 1] * shape[d + 1];
  return s;
}
