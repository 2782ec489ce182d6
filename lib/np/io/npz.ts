/**
 * The NPZ format: a zip archive of NPY files, one per array, named `<key>.npy` (NumPy's
 * `savez` stores them, `savez_compressed` deflates them). Zip reading and writing is fflate's.
 */
import { unzipSync, zipSync, type Zippable } from "fflate";
import { inspect } from "node:util";
import { MIME_BUNDLE, type MimeBundle } from "../../display/mime";
import { NDArray } from "../ndarray";
import { decodeNpy, encodeNpy, NpyFormatError } from "./npy";

/** A key that is not in an .npz archive (Python's `KeyError`). */
export class KeyError extends Error {
  override name = "KeyError";
}

/** True when `bytes` starts like a zip archive (a local file header, or an empty archive's end record). */
export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && ((bytes[2] === 3 && bytes[3] === 4) || (bytes[2] === 5 && bytes[3] === 6));
}

/** Zips arrays as `<key>.npy` members: stored (`savez`) or deflated (`savezCompressed`). */
export function encodeNpz(arrays: ReadonlyMap<string, NDArray>, compress: boolean): Uint8Array {
  const files: Zippable = {};
  for (const [key, a] of arrays) files[`${key}.npy`] = [encodeNpy(a), { level: compress ? 6 : 0 }];
  return zipSync(files);
}

/** Where the archive's bytes come from: a path read on each access (like NumPy's open file), or bytes in memory. */
type Source = { path: string; read: () => Uint8Array } | { path: undefined; read: () => Uint8Array };

/**
 * The result of `np.load` on an .npz file (NumPy's `NpzFile`): the member names are read at
 * once, each array only when asked for, so loading one key does not load the others.
 * @example
 * const data = np.load("arrays.npz");
 * data.files          // ["a", "b"]
 * data.get("a")       // NumPy: data["a"]
 */
export class NpzFile {
  /** The keys, in archive order, without the `.npy` suffix (NumPy's `files`). */
  readonly files: string[];
  private readonly members: Map<string, string>;

  /** @internal Use `np.load`. */
  constructor(private readonly source: Source) {
    const names: string[] = [];
    try {
      unzipSync(source.read(), {
        filter: (f) => {
          names.push(f.name);
          return false;
        },
      });
    } catch (e) {
      throw new NpyFormatError(`${this.label()}: not a readable zip archive: ${(e as Error).message}`);
    }
    this.members = new Map(names.map((n) => [n.endsWith(".npy") ? n.slice(0, -4) : n, n]));
    this.files = [...this.members.keys()];
  }

  /** The array stored under `key` (`"a"` or `"a.npy"`), read from the archive now. */
  get(key: string): NDArray {
    const member = this.members.get(key) ?? (key.endsWith(".npy") ? this.members.get(key.slice(0, -4)) : undefined);
    if (member === undefined) {
      throw new KeyError(`${this.label()}: '${key}' is not a file in the archive; its keys are ${this.files.map((f) => `'${f}'`).join(", ") || "(none)"}`);
    }
    let found: Uint8Array | undefined;
    try {
      found = unzipSync(this.source.read(), { filter: (f) => f.name === member })[member];
    } catch (e) {
      throw new NpyFormatError(`${this.label()} member '${key}': cannot be extracted: ${(e as Error).message}`);
    }
    if (!found) throw new NpyFormatError(`${this.label()} member '${key}': missing from the archive (was the file changed since np.load?)`);
    return decodeNpy(found, `${this.label()} member '${key}'`);
  }

  /** True when the archive has `key`. */
  has(key: string): boolean {
    return this.members.has(key) || (key.endsWith(".npy") && this.members.has(key.slice(0, -4)));
  }

  /** The keys (NumPy's `keys()`). */
  keys(): string[] {
    return [...this.files];
  }

  /** Every array, read now, as `[key, array]` pairs (NumPy's `items()`). */
  items(): [string, NDArray][] {
    return this.files.map((k) => [k, this.get(k)]);
  }

  /** Iterates over the keys, as iterating a NumPy `NpzFile` does. */
  [Symbol.iterator](): Iterator<string> {
    return this.files[Symbol.iterator]();
  }

  private label(): string {
    return this.source.path === undefined ? "np.load: the .npz bytes" : `np.load: '${this.source.path}'`;
  }

  /** NumPy 2's repr: `NpzFile 'arrays.npz' with keys: a, b`. */
  toString(): string {
    const where = this.source.path === undefined ? "<bytes>" : `'${this.source.path}'`;
    return `NpzFile ${where} with keys: ${this.files.join(", ")}`;
  }
  /** @internal */
  [inspect.custom](): string {
    return this.toString();
  }
  /** @internal */
  [MIME_BUNDLE](): MimeBundle {
    return { "text/plain": this.toString() };
  }
}
