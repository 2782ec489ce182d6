/**
 * Where each storage chunk of a chunked HDF5 dataset lies in its file: the dataset's object
 * header (its Data Layout message) and the version-1 B-tree that indexes its chunks, read
 * with plain positioned reads. With it, lazylab reads a chunk's compressed bytes itself and
 * inflates them with Node's zlib (native, and usable off the main thread) instead of asking
 * HDF5-in-WebAssembly, which inflates with zlib compiled to wasm and then copies every
 * decoded chunk out of its heap. Measured on ECCO-like files (bench/xr.ts), that path spent
 * more time copying and inflating than xarray spent on the whole compute.
 *
 * Only the layouts NetCDF4 writes by default are handled: layout message version 3 (chunked,
 * B-tree v1 index, or contiguous; HDF5 1.8-compatible files) and version 4 with a
 * single-chunk index. Any
 * other layout, an unallocated chunk (fill value) or a big-endian type makes
 * {@link chunkIndex} return undefined, and the caller reads through HDF5 as before.
 */
import * as fs from "node:fs";

/** One stored chunk: where its (filtered) bytes are and which filters were skipped. */
export interface StoredChunk {
  /** Byte address in the file. */
  address: number;
  /** Bytes stored (compressed size). */
  size: number;
  /** Bit i set: filter i of the pipeline was not applied to this chunk. */
  filterMask: number;
}

/** A chunked dataset's chunk shape and its stored chunks by origin (`"0,25,7,0,0"`). */
export interface ChunkIndex {
  /** Chunk shape (elements per dimension). */
  chunkShape: number[];
  /** Bytes per element. */
  elementSize: number;
  /** Stored chunks keyed by their origin (element coordinates joined by commas). */
  chunks: Map<string, StoredChunk>;
}

/** Positioned reads of one file, with the sizes of its addresses and lengths. */
export class FileReader {
  private constructor(
    readonly fd: number,
    readonly offsetSize: number,
    readonly lengthSize: number,
    readonly base: number,
  ) {}

  /** Opens `path` and reads its superblock (sizes of offsets/lengths, base address). */
  static open(path: string): FileReader | undefined {
    const fd = fs.openSync(path, "r");
    try {
      const sig = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
      const size = fs.fstatSync(fd).size;
      // The superblock is at 0 or after a user block of 512, 1024, 2048, ... bytes.
      for (let at = 0; at + 64 <= size; at = at === 0 ? 512 : at * 2) {
        const b = Buffer.alloc(64);
        fs.readSync(fd, b, 0, 64, at);
        if (!b.subarray(0, 8).equals(sig)) continue;
        const version = b[8];
        if (version === 0 || version === 1) {
          const o = b[13], l = b[14];
          const baseAt = version === 0 ? 24 : 28;
          return new FileReader(fd, o, l, readUint(b, baseAt, o));
        }
        if (version === 2 || version === 3) return new FileReader(fd, b[9], b[10], readUint(b, 12, b[9]));
        break;
      }
    } catch {
      /* not readable here: the caller uses HDF5 */
    }
    fs.closeSync(fd);
    return undefined;
  }

  /** `n` bytes at file address `addr` (relative to the base address). */
  read(addr: number, n: number): Buffer {
    const b = Buffer.allocUnsafe(n);
    const got = fs.readSync(this.fd, b, 0, n, this.base + addr);
    return got === n ? b : b.subarray(0, got);
  }

  /** Reads `n` bytes at file address `addr` into `into` at `offset`; returns the bytes read. */
  readInto(into: Uint8Array, offset: number, n: number, addr: number): number {
    return fs.readSync(this.fd, into, offset, n, this.base + addr);
  }

  /** The file position of address `addr`. */
  position(addr: number): number {
    return this.base + addr;
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}

function readUint(b: Buffer, at: number, n: number): number {
  if (n === 8) {
    const v = b.readBigUInt64LE(at);
    return v === 0xffffffffffffffffn ? -1 : Number(v);
  }
  if (n === 4) {
    const v = b.readUInt32LE(at);
    return v === 0xffffffff ? -1 : v;
  }
  if (n === 2) return b.readUInt16LE(at);
  if (n === 1) return b[at];
  throw new RangeError(`unsupported field size ${n}`);
}

/** The messages of an object header (v1 or v2, continuation blocks followed): type → body. */
function headerMessages(r: FileReader, addr: number): { type: number; body: Buffer }[] {
  const out: { type: number; body: Buffer }[] = [];
  let head = r.read(addr, 512);
  const blocks: { addr: number; len: number }[] = [];
  if (head.toString("latin1", 0, 4) === "OHDR") {
    const flags = head[5];
    let p = 6;
    if (flags & 0x20) p += 16;
    if (flags & 0x10) p += 4;
    const sizeBytes = 1 << (flags & 3);
    const chunk0 = readUint(head, p, sizeBytes);
    p += sizeBytes;
    if (p + chunk0 > head.length) head = r.read(addr, p + chunk0 + 4);
    const parse = (b: Buffer, from: number, to: number) => {
      let q = from;
      while (q + 4 <= to) {
        const type = b[q], size = b.readUInt16LE(q + 1), mflags = b[q + 3];
        q += 4 + (flags & 0x04 ? 2 : 0);
        void mflags;
        out.push({ type, body: b.subarray(q, q + size) });
        q += size;
      }
    };
    parse(head, p, p + chunk0);
    for (let i = 0; i < out.length; i++) {
      if (out[i].type !== 0x10) continue;
      const c = out[i].body;
      const caddr = readUint(c, 0, r.offsetSize), clen = readUint(c, r.offsetSize, r.lengthSize);
      const blk = r.read(caddr, clen);
      if (blk.toString("latin1", 0, 4) !== "OCHK") throw new Error("bad continuation block");
      parse(blk, 4, clen - 4);
    }
    void blocks;
    return out;
  }
  if (head[0] !== 1) throw new Error(`unknown object header version ${head[0]}`);
  const nmsg = head.readUInt16LE(2);
  const size = head.readUInt32LE(8);
  if (16 + size > head.length) head = r.read(addr, 16 + size);
  const pending: { b: Buffer; from: number; to: number }[] = [{ b: head, from: 16, to: 16 + size }];
  while (pending.length && out.length < nmsg) {
    const { b, from, to } = pending.shift()!;
    let q = from;
    while (q + 8 <= to && out.length < nmsg) {
      const type = b.readUInt16LE(q), msize = b.readUInt16LE(q + 2);
      const body = b.subarray(q + 8, q + 8 + msize);
      out.push({ type, body });
      if (type === 0x10) {
        const caddr = readUint(body, 0, r.offsetSize), clen = readUint(body, r.offsetSize, r.lengthSize);
        pending.push({ b: r.read(caddr, clen), from: 0, to: clen });
      }
      q += 8 + msize;
    }
  }
  return out;
}

/**
 * The chunk index of the dataset whose object header is at `addr`, or undefined when its
 * layout is not one this reader handles (the caller then reads through HDF5).
 */
export function chunkIndex(r: FileReader, addr: number, rank: number): ChunkIndex | undefined {
  const msgs = headerMessages(r, addr);
  const layout = msgs.find((m) => m.type === 0x08)?.body;
  if (!layout) return undefined;
  const version = layout[0];
  if (version === 3) {
    if (layout[1] !== 2) return undefined; // compact or contiguous
    const nd = layout[2];
    if (nd !== rank + 1) return undefined;
    const btree = readUint(layout, 3, r.offsetSize);
    const dims: number[] = [];
    for (let d = 0; d < nd; d++) dims.push(layout.readUInt32LE(3 + r.offsetSize + 4 * d));
    const chunks = new Map<string, StoredChunk>();
    if (btree >= 0) walkBTree(r, btree, nd, chunks);
    return { chunkShape: dims.slice(0, rank), elementSize: dims[rank], chunks };
  }
  if (version === 4) {
    if (layout[1] !== 2) return undefined;
    const flags = layout[2];
    const nd = layout[3];
    const enc = layout[4];
    if (nd !== rank + 1) return undefined;
    const dims: number[] = [];
    let p = 5;
    for (let d = 0; d < nd; d++, p += enc) dims.push(readUint(layout, p, enc));
    const indexType = layout[p++];
    if (indexType !== 1) return undefined; // only the single-chunk index
    let size = -1, mask = 0;
    if (flags & 0x02) {
      size = readUint(layout, p, r.lengthSize);
      mask = layout.readUInt32LE(p + r.lengthSize);
      p += r.lengthSize + 4;
    }
    const address = readUint(layout, p, r.offsetSize);
    const chunks = new Map<string, StoredChunk>();
    if (address >= 0) {
      const n = size >= 0 ? size : dims.reduce((a, b) => a * b, 1);
      chunks.set(dims.slice(0, rank).map(() => 0).join(","), { address, size: n, filterMask: mask });
    }
    return { chunkShape: dims.slice(0, rank), elementSize: dims[rank], chunks };
  }
  return undefined;
}

/**
 * Where a contiguously stored dataset's bytes are (layout message version 3, class 1: what
 * netCDF-4 writes for fixed-size variables without chunking), or undefined for any other
 * layout or storage not yet allocated (HDF5 then supplies the fill value).
 */
export function contiguousLayout(r: FileReader, addr: number): { address: number; size: number } | undefined {
  const layout = headerMessages(r, addr).find((m) => m.type === 0x08)?.body;
  if (!layout || layout[0] !== 3 || layout[1] !== 1) return undefined;
  const address = readUint(layout, 2, r.offsetSize);
  const size = readUint(layout, 2 + r.offsetSize, r.lengthSize);
  return address >= 0 && size >= 0 ? { address, size } : undefined;
}

function walkBTree(r: FileReader, addr: number, nd: number, out: Map<string, StoredChunk>): void {
  const keySize = 8 + 8 * nd;
  const head = r.read(addr, 8 + 2 * r.offsetSize);
  if (head.toString("latin1", 0, 4) !== "TREE" || head[4] !== 1) throw new Error(`no raw-data B-tree node at ${addr}`);
  const level = head[5];
  const used = head.readUInt16LE(6);
  const body = r.read(addr + 8 + 2 * r.offsetSize, used * (keySize + r.offsetSize) + keySize);
  for (let i = 0; i < used; i++) {
    const k = i * (keySize + r.offsetSize);
    const child = readUint(body, k + keySize, r.offsetSize);
    if (level > 0) {
      walkBTree(r, child, nd, out);
      continue;
    }
    const size = body.readUInt32LE(k);
    const filterMask = body.readUInt32LE(k + 4);
    const origin: number[] = [];
    for (let d = 0; d < nd - 1; d++) origin.push(Number(body.readBigUInt64LE(k + 8 + 8 * d)));
    out.set(origin.join(","), { address: child, size, filterMask });
  }
}
