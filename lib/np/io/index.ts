/**
 * Arrays to files and back, in NumPy's formats: `np.save` / `np.load` for one array (.npy),
 * `np.savez` / `np.savezCompressed` / `np.load` for several (.npz). Files written here load
 * in NumPy and the other way round.
 */
import { closeSync, openSync, readFileSync, readSync, writeFileSync } from "node:fs";
import { NDArray } from "../ndarray";
import { decodeNpy, encodeNpy, isNpy, NpyFormatError } from "./npy";
import { encodeNpz, isZip, NpzFile } from "./npz";
import { loadMapped, Memmap, MemmapMode } from "../memmap";

export { NpyFormatError } from "./npy";
export { NpzFile, KeyError } from "./npz";

/** A file that does not exist (Python's `FileNotFoundError`). */
export class FileNotFoundError extends Error {
  override name = "FileNotFoundError";
}

function checkArray(a: unknown, what: string): NDArray {
  if (!(a instanceof NDArray)) throw new TypeError(`${what} is not an np array (got ${a === null ? "null" : typeof a})`);
  return a;
}

function checkPath(file: unknown, fn: string): string {
  if (typeof file !== "string" || file === "") throw new TypeError(`${fn}: file must be a non-empty path string, got ${JSON.stringify(file)}`);
  return file;
}

/**
 * The error for a file that could not be opened or read, as Python's: FileNotFoundError for a
 * missing one, TypeError for a directory, else the system's reason. `fn` names the caller,
 * `verb` what failed.
 */
export function fileError(e: unknown, path: string, fn: string, verb = "read"): Error {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return new FileNotFoundError(`${fn}: no such file: '${path}'`);
  if (code === "EISDIR") return new TypeError(`${fn}: '${path}' is a directory, not a file`);
  return new Error(`${fn}: cannot ${verb} '${path}': ${(e as Error).message}`);
}

/** The file's first bytes (up to 8). */
function readHead(path: string): Uint8Array {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (e) {
    throw fileError(e, path, "np.load");
  }
  try {
    const b = new Uint8Array(8);
    return b.subarray(0, readSync(fd, b, 0, 8, 0));
  } finally {
    closeSync(fd);
  }
}

function readBytes(path: string, fn: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    throw fileError(e, path, fn);
  }
}

/**
 * `np.save(file, arr)`: writes one array in NPY format (".npy" is appended to the name if
 * missing, as NumPy does). Returns the path written.
 * @example np.save("x.npy", np.arange(5)); np.load("x.npy")
 */
export function save(file: string, arr: NDArray): string {
  const path = checkPath(file, "np.save");
  const a = checkArray(arr, "np.save: arr");
  const target = path.endsWith(".npy") ? path : `${path}.npy`;
  writeFileSync(target, encodeNpy(a));
  return target;
}

/** Arrays given to `savez`: positional ones are named `arr_0`, `arr_1`, ...; an object gives its own names. */
export type SavezArg = NDArray | Record<string, NDArray>;

function named(args: SavezArg[], fn: string): Map<string, NDArray> {
  const out = new Map<string, NDArray>();
  let positional = 0;
  for (const arg of args) {
    if (arg instanceof NDArray) {
      const key = `arr_${positional++}`;
      if (out.has(key)) throw new TypeError(`${fn}: cannot use un-named arrays and the key '${key}' together`);
      out.set(key, arg);
    } else if (arg && typeof arg === "object" && !Array.isArray(arg)) {
      for (const [key, a] of Object.entries(arg)) {
        if (key === "" || key.includes("/")) throw new TypeError(`${fn}: key ${JSON.stringify(key)} cannot name a zip member`);
        if (out.has(key)) throw new TypeError(`${fn}: the key '${key}' is given twice`);
        out.set(key, checkArray(a, `${fn}: '${key}'`));
      }
    } else {
      throw new TypeError(`${fn}: expected np arrays or an object of named arrays, got ${Array.isArray(arg) ? "a JS array" : arg === null ? "null" : typeof arg}`);
    }
  }
  return out;
}

function writeNpz(file: string, args: SavezArg[], compress: boolean, fn: string): string {
  const path = checkPath(file, fn);
  const arrays = named(args, fn);
  const target = path.endsWith(".npz") ? path : `${path}.npz`;
  writeFileSync(target, encodeNpz(arrays, compress));
  return target;
}

/**
 * `np.savez(file, *args, **kwds)`: several arrays in one uncompressed .npz (".npz" appended if
 * missing). Name them with an object; bare arrays become `arr_0`, `arr_1`, ... Returns the path.
 * @example np.savez("run.npz", { x, y }); np.load("run.npz").get("x")
 */
export function savez(file: string, ...arrays: SavezArg[]): string {
  return writeNpz(file, arrays, false, "np.savez");
}

/**
 * `np.savez_compressed`: as {@link savez}, with each member deflated.
 * @example np.savezCompressed("run.npz", { x })
 */
export function savezCompressed(file: string, ...arrays: SavezArg[]): string {
  return writeNpz(file, arrays, true, "np.savezCompressed");
}

/** `np.load`'s options: `mmapMode` maps an .npy file's data instead of reading it (NumPy's `mmap_mode`). */
export interface LoadOptions {
  /** "r", "c" or "r+" (or NumPy's long names): the array is a {@link Memmap} over the file. Ignored for .npz files, as in NumPy. */
  mmapMode?: Exclude<MemmapMode, "w+"> | "readonly" | "copyonwrite" | "readwrite" | null;
}

/**
 * `np.load(file)`: an array from an .npy file, or an {@link NpzFile} (read lazily, key by
 * key) from an .npz; decided by the file's first bytes, as NumPy does (a name ending in
 * `.npy` / `.npz` gives the precise type). Also accepts the file's bytes. int64 values beyond 2**53 lose precision (lazylab stores int64 as float64).
 * With `{ mmapMode: "r" }` an .npy file's data is mapped, not read: a {@link Memmap}.
 * @example
 * const a = np.load("x.npy");
 * const z = np.load("run.npz"); z.files; z.get("x")
 * const m = np.load("x.npy", { mmapMode: "r" })   // memmap(...): pages read as elements are
 */
export function load(file: `${string}.npz`, options?: LoadOptions): NpzFile;
export function load(file: `${string}.npy`, options: LoadOptions & { mmapMode: NonNullable<LoadOptions["mmapMode"]> }): Memmap;
export function load(file: `${string}.npy`, options?: LoadOptions): NDArray;
export function load(file: string | Uint8Array, options?: LoadOptions): NDArray | NpzFile;
export function load(file: string | Uint8Array, options: LoadOptions = {}): NDArray | NpzFile {
  if (options.mmapMode != null && typeof file === "string") {
    const path = checkPath(file, "np.load");
    // NumPy maps .npy files only; an .npz is read member by member whatever the mode.
    const head = readHead(path);
    if (!isZip(head)) return loadMapped(path, options.mmapMode);
  }
  let bytes: Uint8Array;
  let label: string;
  let path: string | undefined;
  if (file instanceof Uint8Array) {
    bytes = file;
    label = "np.load: the bytes given";
  } else {
    path = checkPath(file, "np.load");
    bytes = readBytes(path, "np.load");
    label = `np.load: '${path}'`;
  }
  // The name's suffix fixes the declared type, so the content must agree with it.
  const mismatch = (holds: string, ext: string) =>
    new NpyFormatError(`${label}: the file holds ${holds} but its name ends in ${ext}; rename it so its type is known`);
  if (isNpy(bytes)) {
    if (path?.endsWith(".npz")) throw mismatch("one array (.npy format)", ".npz");
    return decodeNpy(bytes, label);
  }
  if (isZip(bytes)) {
    if (path?.endsWith(".npy")) throw mismatch("a zip archive (.npz format)", ".npy");
    if (path === undefined) {
      const kept = bytes;
      return new NpzFile({ path: undefined, read: () => kept });
    }
    const p = path;
    return new NpzFile({ path: p, read: () => readBytes(p, "np.load") });
  }
  const head = Array.from(bytes.subarray(0, 8), (b) => (b >= 32 && b < 127 ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, "0")}`)).join("");
  throw new NpyFormatError(`${label}: neither an .npy file (starting "\\x93NUMPY") nor an .npz (zip) file; it starts with "${head}"${bytes.length === 0 ? " (the file is empty)" : ""}`);
}
