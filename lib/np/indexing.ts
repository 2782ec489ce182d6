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

const INT = /^[+-]?\d+$/;

function parseItem(text: string, whole: string): Resolved {
  const t = text.trim();
  if (t === "...") return ELLIPSIS;
  if (t === "None" || t === "np.newaxis" || t === "newaxis") return null;
  if (INT.test(t)) return Number(t);
  const parts = t.split(":");
  if (parts.length === 2 || parts.length === 3) {
    const nums = parts.map((p) => {
      const s = p.trim();
      if (s === "") return undefined;
      if (!INT.test(s)) throw new SyntaxError(`malformed index ${JSON.stringify(whole)}: "${s}" is not an integer`);
      return Number(s);
    });
    return new Slice(nums[0], nums[1], nums[2]);
  }
  throw new SyntaxError(
    `malformed index ${JSON.stringify(whole)}: "${t}" is not an integer, a slice like 0:3 or ::2, "..." or None`,
  );
}

/**
 * Appends the items of `text` to `out` when it is only integers, colons, commas and spaces
 * (`"1:5"`, `"::2, 3"`, `"-1"`, `"0,"`): what {@link parseItem} makes of it, scanned by hand.
 * The split, trim and regular expressions cost `m.get("1:5")` 1.3-1.6 µs, 10× NumPy's `m[1:5]`.
 * False (and `out` as it was) for anything else, "..." and None included, which the general
 * parse takes, with its errors.
 */
function parseSimple(text: string, out: Resolved[]): boolean {
  const before = out.length;
  const n = text.length;
  const fields: (number | undefined)[] = [undefined, undefined, undefined];
  let i = 0;
  const spaces = () => {
    while (i < n && text.charCodeAt(i) === 32) i++;
  };
  for (;;) {
    let count = 0;
    for (;;) {
      spaces();
      const from = i;
      if (i < n && (text.charCodeAt(i) === 43 || text.charCodeAt(i) === 45)) i++; // + or -
      const digits = i;
      while (i < n && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
      if (i === digits && digits !== from) {
        count = 0; // a sign without digits: the general parse's error
        break;
      }
      fields[count++] = i === from ? undefined : Number(text.slice(from, i));
      spaces();
      if (i === n || text.charCodeAt(i) !== 58) break;
      i++; // ":"
      if (count === 3) {
        count = 0; // a fourth part: the general parse's error
        break;
      }
    }
    const ended = i === n || text.charCodeAt(i) === 44; // the item ends at "," or the end
    if (!ended || count === 0 || (count === 1 && fields[0] === undefined)) break;
    out.push(count === 1 ? (fields[0] as number) : new Slice(fields[0], fields[1], count === 3 ? fields[2] : undefined));
    if (i === n) return true;
    i++; // ","
    spaces();
    if (i === n) return true; // "1," is the tuple (1,)
  }
  out.length = before;
  return false;
}

/** Splits an index into resolved items (strings are parsed; commas separate items). */
export function resolveIndex(index: Index): Resolved[] {
  const items = Array.isArray(index) ? (index as readonly IndexItem[]) : [index as IndexItem];
  const out: Resolved[] = [];
  for (const item of items) {
    if (typeof item === "string") {
      if (parseSimple(item, out)) continue;
      if (item.trim() === "") throw new SyntaxError("malformed index \"\": an empty index selects nothing; use \":\" or \"...\"");
      const parts = item.split(",");
      parts.forEach((part, k) => {
        if (part.trim() === "") {
          // "1," is the tuple (1,): an empty last item after one that is not. Python refuses
          // "1, ,", ",", ",1" (this parse took the first two as (1,) and as everything).
          if (k === parts.length - 1 && k > 0 && parts[k - 1].trim() !== "") return;
          throw new SyntaxError(`malformed index ${JSON.stringify(item)}: empty item between commas`);
        }
        out.push(parseItem(part, item));
      });
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
