/**
 * NumPy's `ndarray.flags`: how an array's elements lie in memory and whose memory it is. Views
 * and copies are told apart by it in NumPy lessons (`b.flags.owndata`, `print(a.T.flags)`).
 */
import { inspect } from "node:util";
import { MIME_BUNDLE, MimeBundle } from "../display/mime";
import type { NDArray } from "./ndarray";

/** The flags NumPy prints, in its order, with its names. */
const NAMES = ["C_CONTIGUOUS", "F_CONTIGUOUS", "OWNDATA", "WRITEABLE", "ALIGNED", "WRITEBACKIFCOPY"] as const;

/**
 * An array's flags at the moment they were asked for (NumPy's `flagsobj`); `writeable` may be
 * set through it, as NumPy's (`a.flags.writeable = false`), which changes the array (read
 * `a.flags` again to see it: this object keeps what it read, as NumPy's does).
 */
export class ArrayFlags {
  /** The elements are contiguous in C (row-major) order. */
  readonly cContiguous: boolean;
  /** The elements are contiguous in Fortran (column-major) order. */
  readonly fContiguous: boolean;
  /** The array allocated its elements (false for a view, and for a memmap, whose pages are the file's). */
  readonly owndata: boolean;
  readonly #writeable: boolean;
  readonly #array: NDArray;
  /** Each element lies at a multiple of its size (always: typed arrays are aligned). */
  readonly aligned = true;
  /** NumPy's write-back copies of C-API calls, which lib/np never makes. */
  readonly writebackifcopy = false;

  /** @internal Made by `NDArray.flags`. */
  constructor(flags: { cContiguous: boolean; fContiguous: boolean; owndata: boolean; writeable: boolean }, array: NDArray) {
    this.cContiguous = flags.cContiguous;
    this.fContiguous = flags.fContiguous;
    this.owndata = flags.owndata;
    this.#writeable = flags.writeable;
    this.#array = array;
  }

  /**
   * The elements may be written (false for a read-only memmap and its views, and for an array
   * made read-only). Set false to protect an array (and the views made from it afterwards);
   * true again only where the memory may be written, else NumPy's ValueError.
   */
  get writeable(): boolean {
    return this.#writeable;
  }
  set writeable(flag: boolean) {
    // The array changes; this object keeps what it read, as NumPy's flagsobj does.
    this.#array.setWriteable(flag);
  }

  /** `a.flags["C_CONTIGUOUS"]`, NumPy's mapping access. */
  get C_CONTIGUOUS(): boolean {
    return this.cContiguous;
  }
  /** `a.flags["F_CONTIGUOUS"]`. */
  get F_CONTIGUOUS(): boolean {
    return this.fContiguous;
  }
  /** `a.flags["OWNDATA"]`. */
  get OWNDATA(): boolean {
    return this.owndata;
  }
  /** `a.flags["WRITEABLE"]` (settable, as `writeable`). */
  get WRITEABLE(): boolean {
    return this.writeable;
  }
  set WRITEABLE(flag: boolean) {
    this.writeable = flag;
  }
  /** `a.flags["ALIGNED"]`. */
  get ALIGNED(): boolean {
    return this.aligned;
  }
  /** `a.flags["WRITEBACKIFCOPY"]`. */
  get WRITEBACKIFCOPY(): boolean {
    return this.writebackifcopy;
  }

  /** NumPy's repr: one `  NAME : True` line per flag. */
  toString(): string {
    return NAMES.map((n) => `  ${n} : ${this[n] ? "True" : "False"}\n`).join("");
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
