/**
 * `sys`: the parts of Python's `sys` module a memory tutorial uses.
 */
import { SIZEOF, HasSizeof } from "./sizeof";
import { heapReferencesTo } from "../retainers/heap-references";

export { SIZEOF };
export type { HasSizeof };

/**
 * `sys.getsizeof(x)`: the size estimate Python would give, in bytes.
 *
 * - lazylab arrays answer as NumPy's `__sizeof__` does: an array that owns its data counts
 *   the header (96 + 16·ndim bytes in NumPy 1.24) plus `nbytes`; a view counts only its header.
 * - lazy arrays answer as Dask's: the small object only (56 bytes), whatever they describe.
 * - numbers and bigints as CPython's: a whole number (to 2**53) is an `int` (24 bytes and 4 per
 *   30-bit digit: 28 for 1, 32 for 2**40), any other number a `float` (24); booleans 28,
 *   strings as CPython stores them (49 + 1 a character for ASCII, 73 + 1 for Latin-1, 74 + 2,
 *   76 + 4 beyond), None/undefined 16.
 * - arrays and plain objects as CPython 3.11's lists (written as literals) and dicts of string
 *   keys: [1, 2, 3] 88, { a: 1 } 184.
 * - other values: a rough estimate of the JavaScript object (other objects 64 + 8 per key,
 *   typed arrays their byteLength + 64), documented as an estimate.
 */
export function getsizeof(x: unknown): number {
  if (x !== null && typeof x === "object" && typeof (x as Partial<HasSizeof>)[SIZEOF] === "function") {
    return (x as HasSizeof)[SIZEOF]();
  }
  if (ArrayBuffer.isView(x)) return x.byteLength + 64;
  if (x instanceof ArrayBuffer) return x.byteLength + 32;
  switch (typeof x) {
    case "number":
      return Number.isInteger(x) && Math.abs(x) <= 2 ** 53 ? intSize(BigInt(x)) : 24;
    case "boolean":
      return 28;
    case "bigint":
      return intSize(x);
    case "string":
      return strSize(x);
    case "undefined":
      return 16;
  }
  if (x === null) return 16;
  if (Array.isArray(x)) return listSize(x.length);
  if (typeof x === "object" && Object.getPrototypeOf(x) === Object.prototype) return dictSize(Object.keys(x).length);
  if (typeof x === "object") return 64 + 8 * Object.keys(x).length;
  return 64;
}

/** CPython's `str.__sizeof__` (PEP 393): ASCII 49 + 1 a character, Latin-1 73 + 1, UCS-2 74 + 2, else 76 + 4. */
function strSize(x: string): number {
  let max = 0;
  let n = 0;
  for (const ch of x) {
    max = Math.max(max, ch.codePointAt(0) as number);
    n++;
  }
  return max < 0x80 ? 49 + n : max < 0x100 ? 73 + n : max < 0x10000 ? 74 + 2 * n : 76 + 4 * n;
}

/**
 * CPython 3.11's size of a list written as a literal of constants (`[1, 2, 3]`: 88): 56 bytes
 * and 8 a slot, one slot for one item, else the items rounded up to an even number (the
 * literal is built by extending an empty list, which over-allocates so). A list built item by
 * item from variables has exactly its items (80 for three): not told apart here.
 */
function listSize(n: number): number {
  return n === 0 ? 56 : n === 1 ? 64 : 56 + 8 * (n + (n & 1));
}

/**
 * CPython 3.11's size of a dict with `n` string keys (a plain object): 64 empty; else 96 bytes,
 * one index byte (two from 256 slots) per slot of its 2**k-slot table and 16 bytes for each of
 * the 2**k * 2/3 entries it can hold (184 for 1 to 5 keys, 272 to 10, 464 to 21).
 */
function dictSize(n: number): number {
  if (n === 0) return 64;
  let k = 3;
  while (n > Math.floor((2 ** k * 2) / 3)) k++;
  return 96 + 2 ** k * (k < 8 ? 1 : k < 16 ? 2 : 4) + 16 * Math.floor((2 ** k * 2) / 3);
}

/** CPython's `int.__sizeof__`: 24 bytes and 4 for each 30-bit digit of |x|, at least one. */
function intSize(x: bigint): number {
  const bits = (x < 0n ? -x : x).toString(2).length;
  return 24 + 4 * Math.max(1, Math.ceil((x === 0n ? 0 : bits) / 30));
}

/** The executor's platform, as Python's `sys.platform` spells it. */
export const platform: string = process.platform;

/** The Node.js version running the cells. */
export const version: string = process.version;

/**
 * `sys.getrefcount(x)`: the references that hold `x`, plus one for the argument, as CPython
 * counts them. JavaScript keeps no reference counts, so they are counted in a heap snapshot of
 * the executor (a second or two): notebook variables, `Out[n]`, array elements, object fields
 * (a view's `base`, a lazy array's graph), Map and Set entries, closures' variables and bound
 * arguments. Weak references (WeakRef, WeakMap) do not count, as in CPython. For np arrays,
 * lazy arrays, xr objects, arrays, plain objects and functions; a number, string or other
 * primitive has no references to count (TypeError). It leaves the memory figures as they were:
 * `psutil.virtualMemory()` read after it gives what it would have without it.
 * @example let a = np.zeros(3); sys.getrefcount(a)   // 2, as CPython: the variable and the argument
 */
export function getrefcount(x: object): number {
  if (x === null || (typeof x !== "object" && typeof x !== "function")) {
    throw new TypeError(`getrefcount: x must be an object (an np array, a lazy array, an xr object, an array, a plain object or a function), got ${x === null ? "null" : `a ${typeof x}`}: JavaScript passes primitives by value, so they have no references to count`);
  }
  return heapReferencesTo(x).length + 1;
}
