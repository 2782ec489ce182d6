/**
 * Makes the scijs `ndarray` views NDArrays keep (their `nd`), without `ndarray()`'s lookups on
 * every call. `ndarray(data, shape, stride, offset)` names its storage's type each time
 * (`Object.prototype.toString` and a string comparison per candidate) to find the view class
 * it generated for that type and number of dimensions: 240-290 ns a call, in an executor-like
 * process, where constructing that class directly took under 10. Every array and view lib/np
 * makes pays it once (`x * 2` of 10,000 elements: ~0.3 of its 7-8 µs).
 *
 * Here the class is taken once per storage class and dimension count, from a view ndarray
 * makes, and then constructed directly. Its constructor takes the shape and strides as
 * separate arguments (ndarray.js, compileConstructor), so the maker for d dimensions is
 * generated, as ndarray generates its classes. The first view of each kind is made both ways
 * and compared: if ndarray's classes ever take other arguments, that kind keeps calling
 * `ndarray()`.
 */
import ndarray from "ndarray";
import type { NdView } from "./ndarray";
import type { Storage } from "./dtype";

type Maker = (data: Storage, shape: readonly number[], stride: readonly number[], offset: number) => NdView;

/** ndarray itself, for a kind whose class did not pass the check. */
const viaNdarray: Maker = (data, shape, stride, offset) => ndarray(data, [...shape], [...stride], offset) as NdView;

/** The makers by storage class, indexed by number of dimensions. */
const makers = new Map<unknown, Maker[]>();

/** A view of `data` with `shape`, `stride` (in elements) and `offset`, as `ndarray(data, shape, stride, offset)` makes it. */
export function ndView(data: Storage, shape: readonly number[], stride: readonly number[], offset: number): NdView {
  let byDims = makers.get(data.constructor);
  if (!byDims) makers.set(data.constructor, (byDims = []));
  const make = byDims[shape.length];
  if (make) return make(data, shape, stride, offset);
  const view = ndarray(data, [...shape], [...stride], offset) as NdView;
  byDims[shape.length] = makerLike(view, data, shape, stride, offset);
  return view;
}

/** The maker of views of `view`'s class, if it makes the same view as ndarray did from these arguments. */
function makerLike(view: NdView, data: Storage, shape: readonly number[], stride: readonly number[], offset: number): Maker {
  const d = shape.length;
  const shapes = Array.from({ length: d }, (_, i) => `b[${i}]`);
  const strides = Array.from({ length: d }, (_, i) => `c[${i}]`);
  // A 0-d view's class takes (data, offset).
  const args = d === 0 ? "a, o" : ["a", ...shapes, ...strides, "o"].join(", ");
  const make = new Function("View", `"use strict"; return function makeView(a, b, c, o) { return new View(${args}); };`)(view.constructor) as Maker;
  const made = make(data, shape, stride, offset);
  const same =
    made.constructor === view.constructor &&
    made.data === view.data &&
    made.offset === view.offset &&
    sameNumbers(made.shape, view.shape) &&
    sameNumbers(made.stride, view.stride);
  return same ? make : viaNdarray;
}

function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
