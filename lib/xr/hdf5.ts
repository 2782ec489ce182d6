/**
 * h5wasm, loaded on first use. h5wasm is HDF5 compiled to WebAssembly; its Node build mounts
 * the host filesystem with Emscripten's NODERAWFS, so HDF5's own reads become positioned
 * `fs.readSync` calls on the real file: only the bytes HDF5 asks for (superblock, object
 * headers, B-trees, the compressed chunks a read touches) are read, and no file is copied
 * into the WebAssembly heap. (The alternatives — writing the file into MEMFS, or WORKERFS,
 * which exists only in web workers over Blobs — copy or need a browser.) lazylab reads
 * metadata (groups, dimension scales, attributes, types) through it; the chunks of the
 * variables whose layout and filters lazylab decodes itself are read without it
 * (./chunkindex, ./rawread), the rest through HDF5, which decodes in its heap and copies the
 * values out into ordinary ArrayBuffers.
 *
 * The package is ESM with top-level await and 4 MB of code: it is imported only when the
 * first file is opened, so notebooks that never open one pay nothing in their memory figures.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";

/** h5wasm's Node build (its package exports only an ESM `import` condition, so resolve by path). */
function nodeBuild(): string {
  for (const dir of require.resolve.paths("h5wasm") ?? []) {
    const file = path.join(dir, "h5wasm", "dist", "node", "hdf5_hl.js");
    if (fs.existsSync(file)) return file;
  }
  throw new Error("h5wasm is not installed: lazylab's xr needs it to read NetCDF4/HDF5 files");
}

/** The subset of h5wasm's API lazylab uses. */
export interface H5Module {
  ready: Promise<{ FS: EmscriptenFS }>;
  File: new (filename: string, mode?: string) => H5File;
  Dataset: new (...args: never[]) => H5Dataset;
  Group: new (...args: never[]) => H5Group;
}
export interface H5Attribute {
  readonly value: unknown;
  readonly dtype: unknown;
  readonly shape: number[] | null;
}
export interface H5Entity {
  readonly path: string;
  readonly attrs: Record<string, H5Attribute>;
  get_attribute(name: string, json_compatible?: boolean): unknown;
  /** An object reference: for HDF5's object references, the object header's file address (8 bytes, little-endian). */
  create_reference(): { ref_data: Uint8Array };
}
export interface H5Group extends H5Entity {
  keys(): string[];
  get(name: string): H5Group | H5Dataset | null;
}
export interface H5File extends H5Group {
  /** HDF5's identifier of the open file; negative when H5Fopen failed (h5wasm does not throw then). */
  readonly file_id: bigint | number;
  close(): number;
}
export interface H5Dataset extends H5Entity {
  readonly shape: number[] | null;
  readonly dtype: string | object;
  readonly metadata: { type: number; size: number; signed: boolean; littleEndian: boolean; shape: number[] | null; maxshape: number[] | null; chunks: number[] | null; vlen: boolean };
  readonly filters: { id: number; name: string; cd_values: number[] }[];
  readonly value: unknown;
  slice(ranges: number[][]): unknown;
  get_attached_scales(index: number): string[];
}

/** Emscripten's file system object, as far as the capture of HDF5's stderr uses it. */
interface EmscriptenFS {
  write(stream: { fd: number }, buffer: Uint8Array, offset: number, length: number, ...rest: unknown[]): number;
}

/**
 * HDF5's error reports. On a failure HDF5 prints its whole error stack ("HDF5-DIAG: Error
 * detected in HDF5 ...", two to four lines per function it unwound, 30-60 lines for a damaged
 * file) to stderr, which in a kernel is the cell's output, beside lazylab's own error. So
 * h5wasm's writes to its stderr are kept here instead (the last {@link REPORTS_CAP}
 * characters: a fixed bound, whatever fails), and {@link hdf5Reason} puts the report's
 * outermost call and its innermost cause into lazylab's error, as h5py's messages do.
 */
let reports = "";
const REPORTS_CAP = 16384;

function captureReports(fsObject: EmscriptenFS): void {
  const write = fsObject.write;
  fsObject.write = function (this: unknown, stream, buffer, offset, length, ...rest) {
    if (stream?.fd !== 2) return write.call(this, stream, buffer, offset, length, ...rest);
    reports = (reports + Buffer.from(buffer.buffer, buffer.byteOffset + offset, length).toString("utf8")).slice(-REPORTS_CAP);
    return length;
  };
}

/**
 * What HDF5 reported since the last call (and forgets it): the first report's outermost call
 * and innermost cause, e.g. `H5Fopen(): unable to synchronously open file: truncated file:
 * eof = 4000, ...`; undefined when HDF5 reported nothing.
 */
export function hdf5Reason(): string | undefined {
  const text = reports;
  reports = "";
  const first = text.split(/^HDF5-DIAG: /m).find((r) => r.trim() !== "");
  if (!first) return undefined;
  const frames = [...first.matchAll(/^\s*#\d+: .* in (\S+\(\)): (.*)$/gm)].map((m) => ({ fn: m[1], what: m[2].trim() }));
  if (frames.length === 0) return first.split("\n")[0].trim() || undefined;
  const outer = frames[0];
  const inner = frames[frames.length - 1];
  return inner === outer ? `${outer.fn}: ${outer.what}` : `${outer.fn}: ${outer.what}: ${inner.what}`;
}

/**
 * Opens `fsPath` with h5wasm for reading. h5wasm's File does not throw when HDF5 cannot open
 * the file (a damaged or truncated one): it fails later, on the first group it opens, with
 * "error - name not defined!". This throws at once, with HDF5's reason.
 */
export function openH5File(mod: H5Module, fsPath: string): H5File {
  hdf5Reason();
  const file = new mod.File(fsPath, "r");
  if (Number(file.file_id) < 0) throw new Error(hdf5Reason() ?? "HDF5 could not open the file");
  return file;
}

let loaded: H5Module | undefined;
let loading: Promise<H5Module> | undefined;

/** Bytes HDF5 read from files through `fs.readSync` while {@link countingReads} ran. */
export const diskReads = { bytes: 0 };
let counting = 0;

/**
 * Runs `fn` counting the bytes HDF5 reads from disk. h5wasm's NODERAWFS reads through the
 * `fs` module object every CommonJS module shares; the wrapper installed at load counts only
 * inside this function, so other code's reads are not counted.
 */
export function countingReads<T>(fn: () => T): T {
  counting++;
  try {
    return fn();
  } finally {
    counting--;
  }
}

function installReadCounter(): void {
  const f = fs as unknown as { readSync: (...args: unknown[]) => number; __lazylabCounted?: boolean };
  // `import * as fs` gives a namespace copy under esModuleInterop; patch the real module object.
  const real = require("node:fs") as typeof f;
  if (real.__lazylabCounted) return;
  const original = real.readSync;
  real.readSync = function (this: unknown, ...args: unknown[]): number {
    const n = original.apply(this, args);
    if (counting > 0) diskReads.bytes += n;
    return n;
  };
  real.__lazylabCounted = true;
  void f;
}

/** h5wasm, imported and initialised (once). */
export async function h5(): Promise<H5Module> {
  if (loaded) return loaded;
  loading ??= (async () => {
    // A real dynamic import: TypeScript's commonjs output would turn import() into require().
    const esm = new Function("s", "return import(s)") as (s: string) => Promise<H5Module>;
    const mod = await esm(pathToFileURL(nodeBuild()).href);
    captureReports((await mod.ready).FS);
    installReadCounter();
    loaded = mod;
    return mod;
  })();
  return loading;
}

/** h5wasm if already loaded (synchronous paths after an `await h5()`). */
export function h5Loaded(): H5Module {
  if (!loaded) throw new Error("h5wasm is not loaded yet: open a file with `await xr.openDataset(...)` first");
  return loaded;
}
