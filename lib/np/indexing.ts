import type { NDArray, NestedList } from "./ndarray";

/**
 * Basic indexing, NumPy's way: integers, slices `start:stop:step`, `...` and `None`
 * (new axis), written either as a string in NumPy's syntax (`"0:3, ::2"`, `"-2:"`) or as
 * structured items (`np.slice(0, 3)`, `null` for `None`). Every result is a view:
 * only the (shape, strides, offset) of the strided array change, never the data.
 */

/** A slice `start:stop:step`; `undefined` parts take NumPy's defaults. */
export class Slice {
  constructor(
    readonly start?: number,
    readonly stop?: number,
    readonly step?: number,
  ) {
    checkPart("start", start);
    checkPart("stop", stop);
    checkPart("step", step);
    if (step === 0) throw new RangeError("slice step cannot be zero");
  }

  /** Python's `slice.indices(length)`: concrete start, stop, step and the resulting length. */
  indices(length: number): { start: number; step: number; length: number } {
    const step = this.step ?? 1;
    const clamp = (v: number | undefined, dflt: number, lo: number, hi: number): number => {
      if (v === undefined) return dflt;
      if (v < 0) v += length;
      return Math.min(Math.max(v, lo), hi);
    };
    let start: number;
    let stop: number;
    if (step > 0) {
      start = clamp(this.start, 0, 0, length);
      stop = clamp(this.stop, length, 0, length);
    } else {
      start = clamp(this.start, length - 1, -1, length - 1);
      stop = clamp(this.stop, -1, -1, length - 1);
    }
    const n = step > 0 ? Math.ceil((stop - start) / step) : Math.ceil((start - stop) / -step);
    return { start, step, length: Math.max(0, n) };
  }

  toString(): string {
    const p = (v?: number) => (v === undefined ? "" : String(v));
    return `${p(this.start)}:${p(this.stop)}${this.step === undefined ? "" : ":" + this.step}`;
  }
}

function checkPart(name: string, v: number | undefined): void {
  if (v !== undefined && !Number.isInteger(v)) throw new TypeError(`slice ${name} must be an integer, got ${v}`);
}

/** `np.slice(start, stop, step)`: a structured slice (Python's `slice`). */
export function slice(start?: number | null, stop?: number | null, step?: number | null): Slice {
  return new Slice(start ?? undefined, stop ?? undefined, step ?? undefined);
}

/** The ellipsis, `...`. */
export const ELLIPSIS = "...";

/**
 * One index item: an integer, a slice (object or string), `...`, `null` for a new axis, or an
 * index array (an integer or boolean NDArray, or nested lists inside the index's list:
 * `a.get([[0, 2], ":"])`), which makes the index an advanced one (advanced.ts).
 */
export type IndexItem = BasicIndexItem | NDArray | readonly NestedList[];

/** An item of a basic index: what makes a view (and all that lazy arrays take). */
export type BasicIndexItem = number | Slice | string | null;

/** A basic index: one item, a comma-separated string, or a list of items. */
export type BasicIndex = BasicIndexItem | readonly BasicIndexItem[];

/**
 * What `get`/`set` accept: one item, a comma-separated string, or a list of items (a list is
 * the index's items, NumPy's tuple: `a.get([0, 2])` is `a[0, 2]`; `a[[0, 2]]` is
 * `a.get([[0, 2]])` or `a.get(np.array([0, 2]))`).
 */
export type Index = IndexItem | readonly IndexItem[];

type Resolved = number | Slice | null | typeof ELLIPSIS;

/** Whether the character at `c` is white space as String.prototype.trim counts it. */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || (c > 127 && /\s/.test(String.fromCharCode(c)));
}

/**
 * An index string's items appended to `out`, scanned by hand (a split, trims and regular
 * expressions cost `m.get("1:5")` 1.3-1.6 µs, 10× NumPy's `m[1:5]`). Items are separated by
 * commas and may be padded with white space: an integer, a slice of two or three integer parts
 * (each may be empty), `...`, or `None` (`newaxis`, `np.newaxis`). A comma may end the index
 * after an item (`"1,"` is the tuple `(1,)`); any other empty item is refused, as Python
 * refuses `"1, ,"`, `","` and `",1"`.
 */
function parseIndexString(text: string, out: Resolved[]): void {
  const n = text.length;
  const fail = (why: string): never => {
    throw new SyntaxError(`malformed index ${JSON.stringify(text)}: ${why}`);
  };
  const notAnItem = (s: number, e: number) => fail(`"${text.slice(s, e)}" is not an integer, a slice like 0:3 or ::2, "..." or None`);
  let lead = 0;
  while (lead < n && isSpace(text.charCodeAt(lead))) lead++;
  if (lead === n) throw new SyntaxError("malformed index \"\": an empty index selects nothing; use \":\" or \"...\"");
  const fields: (number | undefined)[] = [undefined, undefined, undefined];
  for (let from = 0; from <= n; ) {
    // The item [s, e): from `from` to the next comma, white space left out at both ends.
    let end = from;
    while (end < n && text.charCodeAt(end) !== 44) end++;
    let s = from, e = end;
    while (s < e && isSpace(text.charCodeAt(s))) s++;
    while (e > s && isSpace(text.charCodeAt(e - 1))) e--;
    if (s === e) {
      // Empty: allowed only last, after an item (the trailing comma of a tuple).
      if (!(end === n && from > 0)) fail("empty item between commas");
      break;
    }
    const first = text.charCodeAt(s);
    // ".", "N", "n": the ellipsis or a new axis, else an item read as the others are.
    const word = first === 46 || first === 78 || first === 110 ? text.slice(s, e) : "";
    if (word === "...") out.push(ELLIPSIS);
    else if (word === "None" || word === "newaxis" || word === "np.newaxis") out.push(null);
    else {
      // Up to three integer fields separated by colons, each padded with white space or empty.
      let count = 0, bad = -1, badEnd = -1, j = s;
      for (;;) {
        let fs = j;
        while (j < e && text.charCodeAt(j) !== 58) j++;
        let fe = j;
        while (fs < fe && isSpace(text.charCodeAt(fs))) fs++;
        while (fe > fs && isSpace(text.charCodeAt(fe - 1))) fe--;
        let value: number | undefined;
        if (fs < fe) {
          let k = fs;
          const sign = text.charCodeAt(k);
          if (sign === 43 || sign === 45) k++; // + or -
          const digits = k;
          while (k < fe && text.charCodeAt(k) >= 48 && text.charCodeAt(k) <= 57) k++;
          if (k === digits || k !== fe) {
            if (bad < 0) (bad = fs), (badEnd = fe);
          } else value = Number(text.slice(fs, fe));
        }
        if (count < 3) fields[count] = value;
        count++;
        if (j === e) break;
        j++; // ":"
      }
      if (count === 1) {
        if (bad >= 0 || fields[0] === undefined) notAnItem(s, e);
        out.push(fields[0] as number);
      } else if (count <= 3) {
        if (bad >= 0) fail(`"${text.slice(bad, badEnd)}" is not an integer`);
        out.push(new Slice(fields[0], fields[1], count === 3 ? fields[2] : undefined));
      } else notAnItem(s, e);
    }
    from = end + 1;
  }
}

/** Splits an index into resolved items (strings are parsed; commas separate items). */
export function resolveIndex(index: Index): Resolved[] {
  const items = Array.isArray(index) ? (index as readonly IndexItem[]) : [index as IndexItem];
  const out: Resolved[] = [];
  for (const item of items) {
    if (typeof item === "string") {
      parseIndexString(item, out);
    } else if (item === null || item instanceof Slice) {
      out.push(item);
    } else if (typeof item === "number") {
      if (!Number.isInteger(item)) throw new TypeError(`index ${item} is not an integer`);
      out.push(item);
    } else {
      throw new TypeError(`unsupported index item ${String(item)}: use integers, slices, "...", or null`);
    }
  }
  return out;
}

/** A strided view's geometry (in elements, not bytes). */
export interface Geometry {
  shape: number[];
  stride: number[];
  offset: number;
}

/** Applies a basic index to a geometry: the view NumPy's `a[index]` would make. */
export function applyIndex(g: Geometry, index: Index): Geometry & { scalar: boolean } {
  const items = resolveIndex(index);
  let ellipses = 0;
  let consuming = 0;
  for (const item of items) {
    if (item === ELLIPSIS) ellipses++;
    else if (item !== null) consuming++;
  }
  if (ellipses > 1) throw new SyntaxError("an index can only have a single ellipsis ('...')");
  const ndim = g.shape.length;
  if (consuming > ndim) {
    throw new RangeError(`too many indices for array: array is ${ndim}-dimensional, but ${consuming} were indexed`);
  }
  const shape: number[] = [];
  const stride: number[] = [];
  let offset = g.offset;
  let axis = 0;
  let ints = 0;
  // The axes an ellipsis (or the implicit trailing one) stands for, taken whole.
  const whole = (count: number) => {
    for (let k = 0; k < count; k++, axis++) {
      shape.push(g.shape[axis]);
      stride.push(g.stride[axis]);
    }
  };
  for (const item of items) {
    if (item === ELLIPSIS) {
      whole(ndim - consuming);
    } else if (item === null) {
      shape.push(1);
      stride.push(0);
    } else if (typeof item === "number") {
      const n = g.shape[axis];
      const i = item < 0 ? item + n : item;
      if (i < 0 || i >= n) throw new RangeError(`index ${item} is out of bounds for axis ${axis} with size ${n}`);
      offset += i * g.stride[axis];
      axis++;
      ints++;
    } else {
      const { start, step, length } = item.indices(g.shape[axis]);
      if (length > 0) offset += start * g.stride[axis];
      shape.push(length);
      stride.push(g.stride[axis] * step);
      axis++;
    }
  }
  if (ellipses === 0) whole(ndim - consuming);
  return { shape, stride, offset, scalar: ints === ndim && shape.length === 0 };
}
