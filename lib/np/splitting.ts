/**
 * Splitting an array into sub-arrays along an axis: `np.split` (equal parts, or at given
 * indices) and `np.arraySplit` (parts as equal as they can be). Each part is a view of the
 * input: the same (data, strides), a shorter length along the axis and a moved offset.
 */
import { asArrayArg } from "./creation";
import { isNDArray, NDArray, NestedList } from "./ndarray";
import { checkAxis, pythonTypeName, ValueError } from "./errors";
import { ZeroDivisionError } from "./average";

/** Where to split: a number of sections, or the indices along the axis to split at. */
export type IndicesOrSections = number | readonly number[] | NDArray;

/** Options of {@link split} and {@link arraySplit}. */
export interface SplitOptions {
  /** The axis to split along (0 by default; negative counts from the end). */
  axis?: number;
}

/** The axis option, and the axis's length as NumPy reads it: `ary.shape[axis]`, an IndexError past the dimensions. */
function lengthAlong(x: NDArray, options: SplitOptions | number): { axis: number; n: number } {
  const axis = typeof options === "number" ? options : (options.axis ?? 0);
  if (typeof axis !== "number" || !Number.isInteger(axis)) throw new TypeError(`tuple indices must be integers or slices, not ${pythonTypeName(axis)}`);
  if (axis >= x.ndim || axis < -x.ndim) throw new RangeError("tuple index out of range");
  return { axis: checkAxis(axis, x.ndim, "split"), n: x.nd.shape[axis < 0 ? axis + x.ndim : axis] };
}

/** The number of sections, when `indicesOrSections` is one (NumPy: anything without a `len`, a 0-d array too). */
function sectionsOf(indicesOrSections: IndicesOrSections): number | null {
  if (typeof indicesOrSections === "number") return indicesOrSections;
  if (isNDArray(indicesOrSections) && indicesOrSections.ndim === 0) return indicesOrSections.item();
  return null;
}

/** A Python slice bound: negative counts from the end; clipped to [0, n]. */
function bound(i: number, n: number): number {
  if (!Number.isInteger(i)) throw new TypeError("slice indices must be integers or None or have an __index__ method");
  return i < 0 ? Math.max(0, i + n) : Math.min(i, n);
}

/**
 * `np.array_split(ary, indices_or_sections, axis=0)`: `ary` split into `sections` parts along
 * `axis`, the first `n % sections` one element longer; or split at the given indices (Python's
 * slice rules: out of range is clipped, a decreasing pair gives an empty part). A list of views.
 * @example np.arraySplit(np.arange(7), 3)           // [array([0, 1, 2]), array([3, 4]), array([5, 6])]
 * np.arraySplit(np.arange(6).reshape(2, 3), [1], { axis: 1 })   // columns [0] and [1, 2]
 */
export function arraySplit(ary: NDArray | NestedList, indicesOrSections: IndicesOrSections, options: SplitOptions | number = {}): NDArray[] {
  const x = asArrayArg(ary, "arraySplit: ary");
  const { axis, n } = lengthAlong(x, options);
  const sections = sectionsOf(indicesOrSections);
  let points: number[];
  if (sections !== null) {
    const count = Math.trunc(sections);
    if (!(count > 0)) throw new ValueError("number sections must be larger than 0.");
    const each = Math.floor(n / count);
    const extras = n % count;
    points = [0];
    for (let k = 0; k < count; k++) points.push(points[k] + each + (k < extras ? 1 : 0));
  } else {
    const list = isNDArray(indicesOrSections) ? indicesOrSections.tolist() : indicesOrSections;
    if (!Array.isArray(list)) throw new TypeError(`arraySplit: indices_or_sections must be a number or a list of indices, got ${typeof list}`);
    points = [0, ...(list as number[]), n];
  }
  const stride = x.nd.stride[axis];
  const parts: NDArray[] = [];
  for (let k = 0; k + 1 < points.length; k++) {
    const start = bound(points[k], n);
    const stop = bound(points[k + 1], n);
    const shape = x.shape;
    shape[axis] = Math.max(0, stop - start);
    parts.push(new NDArray(x.nd.data, shape, x.dtype, x, x.nd.stride, x.nd.offset + (shape[axis] > 0 ? start * stride : 0)));
  }
  return parts;
}

/**
 * `np.split(ary, indices_or_sections, axis=0)`: as {@link arraySplit}, but a number of
 * sections must divide the axis's length (NumPy's ValueError `array split does not result in
 * an equal division`). A list of views.
 * @example np.split(np.arange(6), 3)        // [array([0, 1]), array([2, 3]), array([4, 5])]
 * np.split(np.arange(6), [2, 5])             // [array([0, 1]), array([2, 3, 4]), array([5])]
 * np.split(x, 2, { axis: -1 })               // two halves of the last axis
 */
export function split(ary: NDArray | NestedList, indicesOrSections: IndicesOrSections, options: SplitOptions | number = {}): NDArray[] {
  const sections = sectionsOf(indicesOrSections);
  if (sections !== null) {
    const { n } = lengthAlong(asArrayArg(ary, "split: ary"), options);
    if (sections === 0) throw new ZeroDivisionError("integer modulo by zero");
    // NumPy's `if N % sections` (a negative count passes here when it divides, and fails in arraySplit).
    if (n % sections !== 0) throw new ValueError("array split does not result in an equal division");
  }
  return arraySplit(ary, indicesOrSections, options);
}
