/**
 * A NetCDF4/HDF5 file on an HTTP(S) server, read in ranges as if it were a local file.
 *
 * How metadata is read: HDF5 (h5wasm) reads a file with synchronous positioned reads through
 * Node's `fs` (Emscripten's NODERAWFS: `openSync`, `fstatSync`, `readSync` on the shared `fs`
 * module object). A remote file gets a path of its own under {@link REMOTE_PREFIX}, and those
 * few `fs` functions answer for such paths from this module: a read becomes the 64 KB blocks
 * it touches, fetched on first use with range requests (./fetch-sync) and kept while the file
 * is open. HDF5 itself thus walks the superblock, object headers, heaps and B-trees — every
 * layout, attribute and datatype it can read locally it reads remotely — and fetches only the
 * blocks those structures live in (netCDF-4 writes most of them near the start), never the
 * data between. The alternatives were weighed: h5wasm's lazy file (`createLazyFile`) needs
 * synchronous XMLHttpRequest, which exists only in browsers' workers; parsing HDF5's metadata
 * here would duplicate HDF5 for every message type; fetching the whole file is what a remote
 * read must not do.
 *
 * Chunk data does not go through the blocks: ./rawread fetches each stored chunk's exact byte
 * range (merged with the ranges it touches, several at once: ./ranges), so the bytes fetched
 * are the chunks a compute needs.
 */
import * as fs from "node:fs";
import { HttpError, HttpStore, isUrl, type HttpOptions } from "./store";
import { readRangesSync } from "./fetch-sync";
import type { ByteRange } from "./ranges";

/** Paths of remote files start with this (a folder no one has: a colon right after a root name). */
export const REMOTE_PREFIX = "/lazylab-remote:";

/** Metadata is fetched in blocks of this many bytes. */
export const BLOCK = 64 * 1024;

/** Open remote files by their path. */
const byPath = new Map<string, RemoteFile>();
/** ... and by URL, while open: opening a URL again shares its blocks. */
const byUrl = new Map<string, RemoteFile>();
let nextId = 0;

/** A remote file: its URL, size, local-looking path, and the metadata blocks fetched so far. */
export class RemoteFile {
  /** The path `fs` answers for (HDF5 and ./chunkindex open this). */
  readonly path: string;
  /** Numbers the file (its inode, as `fs` tells HDF5). */
  readonly id = ++nextId;
  private readonly blocks = new Map<number, Uint8Array>();

  private constructor(
    readonly url: string,
    readonly size: number,
    readonly options: HttpOptions,
    first: Uint8Array,
  ) {
    this.path = `${REMOTE_PREFIX}${this.id}/${decodeURIComponent(url.split(/[?#]/)[0].split("/").pop() || "file")}`;
    this.blocks.set(0, first);
  }

  /**
   * Opens `url`: its first block is fetched (one range request, which also gives the file's
   * size and fails for a server without range support), and must start with HDF5's signature.
   * Undefined if the server has no such file (404/403).
   */
  static async open(url: string, options: HttpOptions = {}): Promise<RemoteFile | undefined> {
    if (!isUrl(url)) throw new TypeError(`not an http(s) URL: ${url}`);
    const known = byUrl.get(url);
    if (known) return known.retain();
    installRemoteFs();
    const got = await new HttpStore(url, options).getRangeOf("", { offset: 0, length: BLOCK });
    if (!got) return undefined;
    // 206 answers carry `Content-Range: bytes a-b/SIZE`; without the size a file longer than a block cannot be read right.
    if (!Number.isFinite(got.size) && got.bytes.length >= BLOCK) throw new HttpError(url, 206, "the server's range answer has no Content-Range with the file's size; lazylab cannot read the file in ranges");
    const size = Number.isFinite(got.size) ? got.size : got.bytes.length;
    const head = Buffer.from(got.bytes.buffer, got.bytes.byteOffset, Math.min(8, got.bytes.length));
    if (head.toString("latin1", 0, 3) === "CDF") throw new Error(`${url}: this is a classic NetCDF (version 3) file; lazylab's xr reads NetCDF4/HDF5 files only`);
    if (head.toString("latin1", 1, 4) !== "HDF") throw new Error(`${url}: not a NetCDF4/HDF5 file (no HDF5 signature)`);
    const f = new RemoteFile(url, size, options, got.bytes);
    byPath.set(f.path, f);
    byUrl.set(url, f);
    return f;
  }

  /** Datasets reading the file now (open, not closed). */
  private users = 1;

  /** Notes one more reader of the file (a dataset opened again, or reopened after close). */
  retain(): this {
    if (this.users++ === 0) byUrl.set(this.url, this);
    return this;
  }

  /**
   * Notes a reader gone (its dataset closed). With none left the metadata blocks go (a read
   * after a reopen fetches again what it needs), and opening the URL asks the server anew.
   */
  release(): void {
    if (--this.users > 0) return;
    this.users = 0;
    this.blocks.clear();
    if (byUrl.get(this.url) === this) byUrl.delete(this.url);
  }

  /** Reads `n` bytes at `position` into `into` at `offset` from the metadata blocks (fetching the missing ones); returns the bytes read. */
  read(into: Uint8Array, offset: number, n: number, position: number): number {
    const end = Math.min(this.size, position + n);
    if (end <= position) return 0;
    const first = Math.floor(position / BLOCK), last = Math.floor((end - 1) / BLOCK);
    // Missing blocks in runs: one range each, fetched together.
    const runs: ByteRange[] = [];
    for (let b = first; b <= last; b++) {
      if (this.blocks.has(b)) continue;
      const prev = runs[runs.length - 1];
      if (prev && prev.offset + prev.length === b * BLOCK) prev.length = Math.min(this.size, (b + 1) * BLOCK) - prev.offset;
      else runs.push({ offset: b * BLOCK, length: Math.min(this.size, (b + 1) * BLOCK) - b * BLOCK });
    }
    if (runs.length) {
      const parts = readRangesSync(this.url, runs, this.options);
      runs.forEach((r, i) => {
        for (let at = 0; at < parts[i].length; at += BLOCK) this.blocks.set((r.offset + at) / BLOCK, parts[i].subarray(at, at + BLOCK));
      });
    }
    let done = 0;
    for (let b = first; b <= last; b++) {
      const block = this.blocks.get(b)!;
      const from = Math.max(position, b * BLOCK) - b * BLOCK;
      const to = Math.min(end, (b + 1) * BLOCK) - b * BLOCK;
      const piece = block.subarray(from, Math.min(to, block.length));
      into.set(piece, offset + done);
      done += piece.length;
      if (piece.length < to - from) break; // the server sent less: the file is shorter than it said
    }
    return done;
  }

  /** The exact byte ranges `ranges` (chunks), fetched now, merged where they touch, in parallel; not kept. */
  fetch(ranges: ByteRange[]): Uint8Array[] {
    return readRangesSync(this.url, ranges, this.options);
  }

  /** The error of the last failed read through `fs` (HDF5 saw it as EIO), once. */
  takeError(): Error | undefined {
    const e = this.failed;
    this.failed = undefined;
    return e;
  }
  private failed: Error | undefined;

  /** @internal A read through `fs` failed with `e`: kept for {@link takeError}, HDF5 gets EIO. */
  failedWith(e: Error): Error {
    this.failed = e;
    return Object.assign(new Error(`EIO: i/o error, read '${this.url}': ${e.message}`), { code: "EIO", errno: -5, syscall: "read" });
  }

  /** Metadata blocks held. */
  get blocksHeld(): number {
    return this.blocks.size;
  }
}

/** The remote file at a path under {@link REMOTE_PREFIX}, if open. */
export function remoteAt(path: string): RemoteFile | undefined {
  return byPath.get(path);
}

// ---- the fs functions HDF5 and ./chunkindex read files with --------------------------

/** Descriptors handed out for remote files: far above what the OS gives a process. */
const FD_BASE = 1 << 28;
const byFd = new Map<number, RemoteFile>();
let nextFd = FD_BASE;

function stats(f: RemoteFile): fs.Stats {
  const s = Object.create(fs.Stats.prototype) as fs.Stats;
  const t = new Date(0);
  // A read-only regular file (HDF5 and Emscripten look at mode, size and ino).
  Object.assign(s, { dev: 0, ino: FD_BASE + f.id, mode: 0o100444, nlink: 1, uid: 0, gid: 0, rdev: 0, size: f.size, blksize: BLOCK, blocks: Math.ceil(f.size / 512), atimeMs: 0, mtimeMs: 0, ctimeMs: 0, birthtimeMs: 0, atime: t, mtime: t, ctime: t, birthtime: t });
  return s;
}

function remoteOf(p: unknown): RemoteFile | undefined {
  if (typeof p !== "string" || !p.startsWith(REMOTE_PREFIX)) return undefined;
  const f = byPath.get(p);
  if (!f) throw Object.assign(new Error(`ENOENT: no such file or directory, open '${p}'`), { code: "ENOENT", errno: -2, syscall: "open", path: p });
  return f;
}

/**
 * Makes `fs.openSync`, `fstatSync`, `statSync`, `lstatSync`, `readSync` and `closeSync`
 * answer for remote paths and their descriptors (once; everything else passes through).
 * The real module object is patched, as ./hdf5 does to count reads: h5wasm's ESM build uses
 * the same object.
 */
export function installRemoteFs(): void {
  type Fn = (...args: unknown[]) => unknown;
  const real = require("node:fs") as Record<string, Fn> & { __lazylabRemote?: boolean };
  if (real.__lazylabRemote) return;
  const o = { openSync: real.openSync, fstatSync: real.fstatSync, statSync: real.statSync, lstatSync: real.lstatSync, readSync: real.readSync, closeSync: real.closeSync };
  real.openSync = function (this: unknown, ...a: unknown[]) {
    const f = remoteOf(a[0]);
    if (!f) return o.openSync.apply(this, a);
    const fd = nextFd++;
    byFd.set(fd, f);
    return fd;
  };
  real.fstatSync = function (this: unknown, ...a: unknown[]) {
    const f = byFd.get(a[0] as number);
    return f ? stats(f) : o.fstatSync.apply(this, a);
  };
  real.statSync = function (this: unknown, ...a: unknown[]) {
    const f = remoteOf(a[0]);
    return f ? stats(f) : o.statSync.apply(this, a);
  };
  real.lstatSync = function (this: unknown, ...a: unknown[]) {
    const f = remoteOf(a[0]);
    return f ? stats(f) : o.lstatSync.apply(this, a);
  };
  real.readSync = function (this: unknown, ...a: unknown[]) {
    const f = byFd.get(a[0] as number);
    if (!f) return o.readSync.apply(this, a);
    const buf = a[1] as Uint8Array;
    // readSync(fd, buffer, offset, length, position) or readSync(fd, buffer, { offset, length, position }).
    const opts = typeof a[2] === "object" && a[2] !== null ? (a[2] as { offset?: number; length?: number; position?: number | null }) : { offset: a[2] as number, length: a[3] as number, position: a[4] as number | null };
    const offset = opts.offset ?? 0;
    const length = opts.length ?? buf.byteLength - offset;
    const into = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    try {
      return f.read(into, offset, length, Number(opts.position ?? 0));
    } catch (e) {
      // Thrown through HDF5's WebAssembly frames, only an errno error leaves HDF5 consistent.
      throw f.failedWith(e as Error);
    }
  };
  real.closeSync = function (this: unknown, ...a: unknown[]) {
    if (byFd.delete(a[0] as number)) return undefined;
    return o.closeSync.apply(this, a);
  };
  real.__lazylabRemote = true;
}
