/**
 * Arrays over a file's bytes, mapped into memory: NumPy's `np.memmap` and
 * `np.load(file, mmap_mode=...)`.
 *
 * The file is mapped (lazylab's addon, native/np_mapfile.cc) and the array's typed array lies on
 * the mapping, so nothing is read until an element is, and then only its pages. What that costs
 * in memory is what NumPy's memmap costs: the file's pages are the page cache's (the system
 * takes them back when it needs them; psutil's `available` does not drop for them), so the
 * memory probes count none of them, mapped, read or written. A private mapping ("c", and "r")
 * whose pages are written holds copies of them, memory of the process's own: those are counted
 * (lib/psutil/footprint.ts). Dropping the last reference to the array and its views unmaps the
 * file at the next full collection (each memory probe runs one), as `del` does in Python.
 */
import { closeSync, fstatSync, ftruncateSync, openSync, readSync } from "node:fs";
import path from "node:path";
import { requireAddon } from "../addon";
import { allocate, checkDType, DType, itemsize, Storage, storageClass } from "./dtype";
import { ValueError } from "./errors";
import { fileError } from "./io/index";
import { npyHeaderEnd, npyLayout, orderStrides } from "./io/npy";
import { contiguousStrides, NDArray } from "./ndarray";

/** NumPy's modes: read-only, copy-on-write, read-write, and a new file (created or overwritten). */
export type MemmapMode = "r" | "c" | "r+" | "w+";

/** The modes as NumPy accepts them, long names included. */
const MODES: Record<string, MemmapMode> = { r: "r", c: "c", "r+": "r+", "w+": "w+", readonly: "r", copyonwrite: "c", readwrite: "r+", write: "w+" };

export interface MemmapOptions {
  /** The elements' type (NumPy's default, uint8). int64/uint64 cannot be mapped: lazylab stores them as float64. */
  dtype?: DType;
  /** "r+" by default, as NumPy's. */
  mode?: MemmapMode | "readonly" | "copyonwrite" | "readwrite" | "write";
  /** Where the array starts in the file, in bytes (a multiple of the dtype's size). */
  offset?: number;
  /** The array's shape; by default 1-D over the rest of the file. "w+" needs it. */
  shape?: number | readonly number[];
  /** "C" (default) or "F": the order of the elements in the file. */
  order?: "C" | "F";
}

interface MapCalls {
  mapFile(fd: number, offset: number, length: number, shared: boolean): SharedArrayBuffer;
  syncMapped(buffer: SharedArrayBuffer): void;
}

let calls: MapCalls | null | undefined;

function mapCalls(): MapCalls {
  if (calls === undefined) {
    // Whatever LAZYLAB_NATIVE says (that switches lib/np's loops): mapping needs the addon.
    const m = requireAddon<Partial<MapCalls>>("lazylab_np");
    calls = m && typeof m.mapFile === "function" && typeof m.syncMapped === "function" ? (m as MapCalls) : null;
  }
  if (!calls) throw new Error("np.memmap needs lazylab's native addon, which is not built on this machine (npm run build needs a C compiler); np.load without mmapMode reads the file instead");
  return calls;
}

/**
 * An array over a file mapped into memory (NumPy's `numpy.memmap`): an {@link NDArray} in every
 * way, whose views print as `memmap(...)` too; results of arithmetic on it are plain arrays.
 */
export class Memmap extends NDArray {
  /** The file's absolute path; null for a memmap in memory (a memmap's copy, astype or flatten, as NumPy's). */
  readonly filename: string | null;
  /** Where the array starts in the file, in bytes (null in memory). */
  readonly offset: number | null;
  /** The mode it was opened with ("r", "c", "r+" or "w+"; null in memory). */
  readonly mode: MemmapMode | null;

  /** @internal Use {@link memmap} or `np.load(file, { mmapMode })`. */
  constructor(data: Storage, shape: readonly number[], dtype: DType, stride: readonly number[], filename: string | null, offset: number | null, mode: MemmapMode | null) {
    super(data, shape, dtype, null, stride, 0);
    this.filename = filename;
    this.offset = offset;
    this.mode = mode;
  }

  protected override ownsWriteableMemory(): boolean {
    return this.mode !== "r";
  }

  protected override reprName(): string {
    return "memmap";
  }

  /** @internal NumPy's memmap object: 128 bytes before its dimensions, its data not its own unless in memory. */
  protected override sizeofHeader(): number {
    return 128;
  }

  protected override ownsData(): boolean {
    return this.mode === null;
  }

  /** @internal NumPy's `memmap.__getitem__` gives an ndarray for a memmap not over a file. */
  protected override itemViewsPlain(): boolean {
    return this.mode === null;
  }

  /** @internal A copy of a memmap is a memmap in memory (NumPy's subclass kept, no file). */
  protected override copyOwner(shape: readonly number[], dtype: DType): NDArray {
    const n = shape.reduce((p, q) => p * q, 1);
    return new Memmap(allocate(dtype, n, true), shape, dtype, contiguousStrides(shape), null, null, null);
  }

  /** Writes the changes to the file (NumPy's `flush()`; for "r+" and "w+"; nothing to do for the others or in memory). */
  flush(): void {
    if (this.mode === "r+" || this.mode === "w+") mapCalls().syncMapped(this.nd.data.buffer as SharedArrayBuffer);
  }
}

function shapeOf(shape: number | readonly number[], what: string): number[] {
  const dims = typeof shape === "number" ? [shape] : [...shape];
  for (const n of dims) if (!Number.isInteger(n) || n < 0) throw new ValueError(`${what}: shape must be whole numbers >= 0, got (${dims.join(", ")})`);
  return dims;
}

/** Opens `file` in `mode`, failing as Python's open() does for a missing file. */
function openFile(file: string, mode: MemmapMode, what: string): number {
  try {
    return openSync(file, mode === "w+" ? "w+" : mode === "r+" ? "r+" : "r");
  } catch (e) {
    throw fileError(e, file, what, "open");
  }
}

function mapArray(fd: number, file: string, dtype: DType, mode: MemmapMode, offset: number, shape: number[] | undefined, fortran: boolean, what: string): Memmap {
  const k = itemsize(dtype);
  let length = fstatSync(fd).size;
  let dims: number[];
  if (shape === undefined) {
    const rest = length - offset;
    if (rest % k !== 0) throw new ValueError("Size of available data is not a multiple of the data-type size.");
    dims = [rest / k];
  } else {
    dims = shape;
  }
  const bytes = dims.reduce((a, b) => a * b, 1) * k;
  if (offset + bytes > length) {
    if (mode === "r" || mode === "c") throw new ValueError("mmap length is greater than file size");
    // NumPy grows the file for "r+" and "w+" (a sparse tail, zeros when read).
    ftruncateSync(fd, offset + bytes);
    length = offset + bytes;
  }
  if (bytes === 0) throw new ValueError("cannot mmap an empty file");
  const buffer = mapCalls().mapFile(fd, offset, bytes, mode === "r+" || mode === "w+");
  const Make = storageClass(dtype) as unknown as new (b: SharedArrayBuffer) => Storage;
  return new Memmap(new Make(buffer), dims, dtype, orderStrides(dims, fortran), path.resolve(file), offset, mode);
}

function checkMode(mode: unknown): MemmapMode {
  const m = typeof mode === "string" ? MODES[mode] : undefined;
  if (!m) throw new ValueError(`mode must be one of ${"['r', 'c', 'r+', 'w+', 'readonly', 'copyonwrite', 'readwrite', 'write']"} (got ${typeof mode === "string" ? `'${mode}'` : String(mode)})`);
  return m;
}

function checkMappable(dtype: DType, offset: number, what: string): void {
  if (dtype === "int64" || dtype === "uint64") {
    throw new TypeError(`${what}: ${dtype} cannot be mapped: lazylab stores ${dtype} elements as float64, not as the file's 8-byte integers; read the file with np.load (a copy) instead`);
  }
  if (!Number.isInteger(offset) || offset < 0) throw new ValueError(`${what}: offset must be a whole number of bytes >= 0, got ${String(offset)}`);
  if (offset % itemsize(dtype) !== 0) {
    throw new ValueError(`${what}: offset ${offset} is not a multiple of ${dtype}'s size (${itemsize(dtype)} bytes); lazylab's arrays need their elements aligned`);
  }
}

/**
 * `np.memmap(filename, dtype=..., mode=..., offset=..., shape=..., order=...)`: an array over
 * the file's bytes, read and written where they lie (see the module comment for what it costs).
 * @example
 * const mm = np.memmap("big.dat", { dtype: "float64", mode: "w+", shape: [4000, 4000] });
 * mm.set("...", 1); mm.flush();
 * const ro = np.memmap("big.dat", { dtype: "float64", mode: "r", shape: [4000, 4000] });
 * ro.sum()    // reads the file's pages; the memory probes count none of them
 */
export function memmap(filename: string, options: MemmapOptions = {}): Memmap {
  const what = "np.memmap";
  if (typeof filename !== "string" || filename === "") throw new TypeError(`${what}: filename must be a non-empty path string, got ${JSON.stringify(filename)}`);
  const mode = checkMode(options.mode ?? "r+");
  const dtype = checkDType(options.dtype ?? "uint8");
  const offset = options.offset ?? 0;
  checkMappable(dtype, offset, what);
  const order = options.order ?? "C";
  if (order !== "C" && order !== "F") throw new ValueError(`${what}: order must be "C" or "F", got ${JSON.stringify(order)}`);
  const shape = options.shape === undefined ? undefined : shapeOf(options.shape, what);
  // Before the file is opened: "w+" empties it.
  if (mode === "w+" && shape === undefined) throw new ValueError("shape must be given");
  const fd = openFile(filename, mode, what);
  try {
    return mapArray(fd, filename, dtype, mode, offset, shape, order === "F", what);
  } finally {
    closeSync(fd);
  }
}

/** `np.load(file, mmap_mode=mode)` for an .npy file: the header read, the data mapped. */
export function loadMapped(file: string, mmapMode: unknown): Memmap {
  const what = "np.load";
  const mode = checkMode(mmapMode);
  if (mode === "w+") throw new ValueError(`${what}: mmapMode "w+" would overwrite the file; use "r", "c" or "r+" (np.memmap creates files)`);
  const fd = openFile(file, mode, what);
  try {
    // The header is at most a few KB in practice; read more if it announces more.
    let head = new Uint8Array(4096);
    let got = readSync(fd, head, 0, head.length, 0);
    const announced = npyHeaderEnd(head.subarray(0, got)) ?? 0;
    if (announced > got && announced < 1 << 26) {
      head = new Uint8Array(announced);
      got = readSync(fd, head, 0, head.length, 0);
    }
    const h = npyLayout(head.subarray(0, got), `${what}: '${file}'`);
    checkMappable(h.dtype, h.dataStart, what);
    return mapArray(fd, file, h.dtype, mode, h.dataStart, h.shape, h.fortranOrder, what);
  } finally {
    closeSync(fd);
  }
}
