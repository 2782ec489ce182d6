/**
 * NumPy's shape and layout functions: `np.reshape`, `np.transpose`, `np.ravel`, `np.squeeze`,
 * `np.expandDims`, `np.flip` (`fliplr`, `flipud`), `np.broadcastTo`, `np.ascontiguousarray`,
 * `np.asfortranarray`, `np.swapaxes`, `np.moveaxis`, `np.atleast1d` (`2d`, `3d`),
 * `np.broadcastArrays`, and `np.roll`. Each changes only (shape, strides, offset) where it can,
 * so the result is a view of its argument wherever NumPy's is, and a copy where NumPy's is.
 */
import { fortranStrides, isFContiguous, NDArray, NestedList, plainCopy } from "./ndarray";
import { asArrayArg } from "./creation";
import { AxisError, checkAxis, pythonTypeName, tightShape, ValueError } from "./errors";
import { allocateShaped, checkDType, type DType } from "./dtype";
import { broadcastStrides } from "./iterate";
import { assign } from "./ufunc";

/**
 * `np.reshape(a, newshape)`: the same elements in a new shape (C order); one axis may be -1.
 * A view when `a` is contiguous, else a copy. Also the method `a.reshape(...)`.
 * @example np.reshape(np.arange(6), [2, -1])   // array([[0, 1, 2], [3, 4, 5]])
 */
export function reshape(a: NDArray | NestedList, newshape: number | readonly number[]): NDArray {
  const x = asArrayArg(a, "reshape: a");
  if (typeof newshape !== "number" && !Array.isArray(newshape)) throw new TypeError(`reshape: newshape must be a number or a list of numbers, got ${String(newshape)}`);
  const dims = typeof newshape === "number" ? [newshape] : [...newshape];
  try {
    return x.reshape(dims);
  } catch (e) {
    // NumPy's messages (the method's own name the old shape too); NumPy prints -1 as "newaxis".
    if (e instanceof RangeError && /cannot reshape/.test(e.message)) {
      const shown = dims.map((d) => (d === -1 ? "newaxis" : String(d)));
      throw new ValueError(`cannot reshape array of size ${x.size} into shape (${shown.join(",")}${dims.length === 1 ? "," : ""})`);
    }
    if (e instanceof RangeError && /one unknown dimension/.test(e.message)) throw new ValueError("can only specify one unknown dimension");
    throw e;
  }
}

/**
 * `np.transpose(a, axes?)`: the axes reversed, or permuted as `axes` says (a view).
 * @example np.transpose(np.zeros([2, 3, 4]), [1, 0, 2]).shape   // [3, 2, 4]
 */
export function transpose(a: NDArray | NestedList, axes?: readonly number[] | null): NDArray {
  const x = asArrayArg(a, "transpose: a");
  if (axes === undefined || axes === null) return x.transpose();
  if (!Array.isArray(axes)) throw new TypeError(`transpose: axes must be a list of axis numbers, got ${String(axes)}`);
  if (axes.length !== x.ndim) throw new ValueError("axes don't match array");
  const perm = axes.map((d) => checkAxis(d, x.ndim, "transpose"));
  if (new Set(perm).size !== perm.length) throw new ValueError("repeated axis in transpose");
  return x.transpose(perm);
}

/**
 * `np.ravel(a)`: the elements as a 1-D array in C order: a view when `a` is contiguous, else
 * a new array (its `base` is null, as NumPy's).
 * @example np.sharesMemory(np.ravel(x), x)   // true for a contiguous x
 */
export function ravel(a: NDArray | NestedList): NDArray {
  const x = asArrayArg(a, "ravel: a");
  return x.ravel();
}

/**
 * `np.squeeze(a, axis?)`: drops axes of length 1 (all of them, or those named by `axis`,
 * which must have length 1). A view. Also the method `a.squeeze()`.
 * @example np.squeeze(np.zeros([1, 3, 1])).shape              // [3]
 * np.squeeze(np.zeros([1, 3, 1]), { axis: 0 }).shape          // [3, 1]
 */
export function squeeze(a: NDArray | NestedList, options: { axis?: number | readonly number[] | null } | number = {}): NDArray {
  const x = asArrayArg(a, "squeeze: a");
  const axisOpt = typeof options === "number" ? options : options.axis;
  const shape = x.shape;
  let drop: number[];
  if (axisOpt === undefined || axisOpt === null) drop = shape.flatMap((n, d) => (n === 1 ? [d] : []));
  else {
    drop = (typeof axisOpt === "number" ? [axisOpt] : [...axisOpt]).map((d) => checkAxis(d, x.ndim, "squeeze"));
    if (new Set(drop).size !== drop.length) throw new ValueError("repeated axis");
    if (drop.some((d) => shape[d] !== 1)) throw new ValueError("cannot select an axis to squeeze out which has size not equal to one");
  }
  const keep = shape.map((_, d) => d).filter((d) => !drop.includes(d));
  return new NDArray(x.nd.data, keep.map((d) => shape[d]), x.dtype, x, keep.map((d) => x.nd.stride[d]), x.nd.offset);
}

/**
 * `np.expand_dims(a, axis)`: inserts axes of length 1 at the positions `axis` names in the
 * result (negative counts from the result's end; several at once with a list). A view.
 * @example np.expandDims(np.zeros([2, 3]), -1).shape       // [2, 3, 1]
 * np.expandDims(np.zeros([2, 3]), [0, 2]).shape             // [1, 2, 1, 3]
 */
export function expandDims(a: NDArray | NestedList, axis: number | readonly number[]): NDArray {
  const x = asArrayArg(a, "expandDims: a");
  if (typeof axis !== "number" && !Array.isArray(axis)) throw new TypeError(`expandDims: axis must be a number or a list of numbers, got ${String(axis)}`);
  const list = typeof axis === "number" ? [axis] : [...axis];
  const ndim = x.ndim + list.length;
  const axes = list.map((d) => checkAxis(d, ndim, "expandDims"));
  if (new Set(axes).size !== axes.length) throw new ValueError("repeated axis");
  const shape: number[] = [];
  const stride: number[] = [];
  let k = 0;
  for (let d = 0; d < ndim; d++) {
    if (axes.includes(d)) {
      shape.push(1);
      stride.push(0);
    } else {
      shape.push(x.nd.shape[k]);
      stride.push(x.nd.stride[k++]);
    }
  }
  return new NDArray(x.nd.data, shape, x.dtype, x, stride, x.nd.offset);
}


/**
 * `np.flip(m, axis=None)`: the elements in reverse order along `axis` (a number or a list;
 * all axes without one). A view, as NumPy's: each flipped axis gets a negative stride and the
 * offset moves to its last element, so writes through it show in `m`.
 * @example np.flip(np.arange(4))                                   // array([3, 2, 1, 0])
 * np.flip(np.arange(4).reshape(2, 2), { axis: 1 })                   // array([[1, 0], [3, 2]])
 */
export function flip(m: NDArray | NestedList, options: { axis?: number | readonly number[] | null } | number | readonly number[] = {}): NDArray {
  const x = asArrayArg(m, "flip: m");
  const axisOpt = typeof options === "number" || Array.isArray(options) ? (options as number | readonly number[]) : (options as { axis?: number | readonly number[] | null }).axis;
  let axes: number[];
  if (axisOpt === undefined || axisOpt === null) axes = x.shape.map((_, d) => d);
  else {
    axes = (typeof axisOpt === "number" ? [axisOpt] : [...axisOpt]).map((d) => checkAxis(d, x.ndim, "flip"));
    if (new Set(axes).size !== axes.length) throw new ValueError("repeated axis");
  }
  const stride = [...x.nd.stride];
  let offset = x.nd.offset;
  for (const d of axes) {
    const n = x.nd.shape[d];
    if (n > 0) offset += (n - 1) * stride[d];
    stride[d] = -stride[d];
  }
  return new NDArray(x.nd.data, x.shape, x.dtype, x, stride, offset);
}

/**
 * `np.fliplr(m)`: columns in reverse order (axis 1; m must have at least 2 dimensions). A view.
 * @example np.fliplr(np.eye(2))   // array([[0., 1.], [1., 0.]])
 */
export function fliplr(m: NDArray | NestedList): NDArray {
  const x = asArrayArg(m, "fliplr: m");
  if (x.ndim < 2) throw new ValueError("Input must be >= 2-d.");
  return flip(x, 1);
}

/**
 * `np.flipud(m)`: rows in reverse order (axis 0; m must have at least 1 dimension). A view.
 * @example np.flipud(np.arange(3))   // array([2, 1, 0])
 */
export function flipud(m: NDArray | NestedList): NDArray {
  const x = asArrayArg(m, "flipud: m");
  if (x.ndim < 1) throw new ValueError("Input must be >= 1-d.");
  return flip(x, 0);
}

/**
 * `np.broadcast_to(array, shape)`: a read-only view of `array` in `shape`, its broadcast axes of
 * stride 0, as NumPy's: no element is copied (the view costs no memory, though its `nbytes` is
 * that of `shape`), and writes are refused (`assignment destination is read-only`).
 * @example np.broadcastTo(np.arange(3), [1000, 3]).strides   // [0, 8]
 */
export function broadcastTo(array: NDArray | NestedList, shape: number | readonly number[]): NDArray {
  const x = asArrayArg(array, "broadcastTo: array");
  const dims = typeof shape === "number" ? [shape] : [...shape];
  if (dims.some((n) => !Number.isInteger(n))) throw new TypeError(`broadcastTo: shape must be whole numbers, got (${dims.join(", ")})`);
  if (dims.some((n) => n < 0)) throw new ValueError("all elements of broadcast shape must be non-negative");
  if (x.ndim > dims.length) throw new ValueError("input operand has more dimensions than allowed by the axis remapping");
  x.shape.forEach((n, k) => {
    const want = dims[dims.length - x.ndim + k];
    if (n !== want && n !== 1) throw new ValueError(`operands could not be broadcast together with remapped shapes [original->remapped]: ${tightShape(x.shape)}  and requested shape ${tightShape(dims)}`);
  });
  const view = new NDArray(x.nd.data, dims, x.dtype, x, broadcastStrides(x.shape, x.nd.stride, dims), x.nd.offset);
  view.setWriteable(false);
  return view;
}

/**
 * `np.ascontiguousarray(a, dtype=None)`: `a` itself when its elements are already contiguous in C
 * order (and of that dtype), else a C-ordered copy; at least 1-D, as NumPy's.
 * @example np.ascontiguousarray(x.T).flags.cContiguous   // true: a copy
 */
export function ascontiguousarray(a: NDArray | NestedList, options: { dtype?: DType } = {}): NDArray {
  const x = asArrayArg(a, "ascontiguousarray: a");
  const dtype = options.dtype === undefined ? x.dtype : checkDType(options.dtype, "ascontiguousarray");
  const y = x.ndim === 0 ? x.reshape(1) : x;
  return y.isContiguous && dtype === y.dtype ? y : plainCopy(y, dtype);
}

/**
 * `np.asfortranarray(a, dtype=None)`: `a` itself when its elements are already contiguous in
 * Fortran (column-major) order (and of that dtype), else a Fortran-ordered copy; at least 1-D.
 * @example np.asfortranarray(np.ones([2, 3])).strides   // [8, 16]
 */
export function asfortranarray(a: NDArray | NestedList, options: { dtype?: DType } = {}): NDArray {
  const x = asArrayArg(a, "asfortranarray: a");
  const dtype = options.dtype === undefined ? x.dtype : checkDType(options.dtype, "asfortranarray");
  const y = x.ndim === 0 ? x.reshape(1) : x;
  if (isFContiguous(y.nd.shape, y.nd.stride) && dtype === y.dtype) return y;
  const out = new NDArray(allocateShaped(dtype, y.shape, true), y.shape, dtype, null, fortranStrides(y.shape));
  assign(out, y);
  return out;
}

/**
 * @internal An axis argument made non-negative, with NumPy's errors: the TypeError of a
 * non-integer, and the AxisError naming the argument when NumPy does (`axis1: axis 2 is out of
 * bounds for array of dimension 2`, its `normalize_axis_index(axis, ndim, argname)`).
 */
export function namedAxis(axis: number, ndim: number, argname: string | null, notInteger = `'${pythonTypeName(axis)}' object cannot be interpreted as an integer`): number {
  if (typeof axis !== "number" || !Number.isInteger(axis)) throw new TypeError(notInteger);
  const a = axis < 0 ? axis + ndim : axis;
  if (a < 0 || a >= ndim) throw new AxisError(`${argname === null ? "" : `${argname}: `}axis ${axis} is out of bounds for array of dimension ${ndim}`);
  return a;
}

/**
 * @internal NumPy's `normalize_axis_tuple`: one axis or a list of them, each made non-negative;
 * repeated ones refused unless `allowDuplicate`.
 */
export function axisTuple(axis: number | readonly number[], ndim: number, argname: string | null, allowDuplicate = false): number[] {
  // NumPy tries operator.index, then iterates: a float fails as "not iterable".
  if (typeof axis === "number" && !Number.isInteger(axis)) throw new TypeError("'float' object is not iterable");
  if (typeof axis !== "number" && !Array.isArray(axis)) throw new TypeError(`'${pythonTypeName(axis)}' object is not iterable`);
  // Each element goes to normalize_axis_index, whose message for a float differs from operator.index's.
  const out = (typeof axis === "number" ? [axis] : [...axis]).map((d) => namedAxis(d, ndim, argname, `integer argument expected, got ${pythonTypeName(d)}`));
  if (!allowDuplicate && new Set(out).size !== out.length) throw new ValueError(argname === null ? "repeated axis" : `repeated axis in \`${argname}\` argument`);
  return out;
}

/**
 * `np.swapaxes(a, axis1, axis2)`: `a` with the two axes interchanged. A view. Also the method
 * `a.swapaxes(axis1, axis2)`.
 * @example np.swapaxes(np.zeros([2, 3, 4]), 0, -1).shape   // [4, 3, 2]
 */
export function swapaxes(a: NDArray | NestedList, axis1: number, axis2: number): NDArray {
  const x = asArrayArg(a, "swapaxes: a");
  const i = namedAxis(axis1, x.ndim, "axis1");
  const j = namedAxis(axis2, x.ndim, "axis2");
  const perm = x.shape.map((_, d) => d);
  [perm[i], perm[j]] = [j, i];
  return x.transpose(perm);
}

/**
 * `np.moveaxis(a, source, destination)`: the axes `source` (one or a list) moved to the
 * positions `destination`, the others kept in order. A view.
 * @example np.moveaxis(np.zeros([2, 3, 4]), 0, -1).shape             // [3, 4, 2]
 * np.moveaxis(np.zeros([2, 3, 4]), [0, 1], [-1, -2]).shape            // [4, 3, 2]
 */
export function moveaxis(a: NDArray | NestedList, source: number | readonly number[], destination: number | readonly number[]): NDArray {
  const x = asArrayArg(a, "moveaxis: a");
  const src = axisTuple(source, x.ndim, "source");
  const dst = axisTuple(destination, x.ndim, "destination");
  if (src.length !== dst.length) throw new ValueError("`source` and `destination` arguments must have the same number of elements");
  const order = x.shape.map((_, d) => d).filter((d) => !src.includes(d));
  // NumPy inserts in the order of the destinations.
  const moves = dst.map((d, k) => [d, src[k]]).sort((p, q) => p[0] - q[0]);
  for (const [d, s] of moves) order.splice(d, 0, s);
  return x.transpose(order);
}

/** NumPy's atleast_1d/2d/3d over their arguments: one array for one argument, a list otherwise. */
function atLeastEach(arys: readonly (NDArray | NestedList)[], what: string, raise: (x: NDArray) => NDArray): NDArray | NDArray[] {
  const res = arys.map((a, k) => raise(asArrayArg(a, `${what}: arys[${k}]`)));
  return res.length === 1 ? res[0] : res;
}

/**
 * `np.atleast_1d(*arys)`: each argument with at least one dimension: a 0-d array as a view of
 * shape (1,), any other array itself. One argument gives an array, several (or none) a list.
 * @example np.atleast1d(5)          // array([5])
 * np.atleast1d(1, [2, 3])           // [array([1]), array([2, 3])]
 */
export function atleast1d(ary: NDArray | NestedList): NDArray;
export function atleast1d(...arys: (NDArray | NestedList)[]): NDArray[];
export function atleast1d(...arys: (NDArray | NestedList)[]): NDArray | NDArray[] {
  return atLeastEach(arys, "atleast1d", (x) => (x.ndim === 0 ? x.reshape(1) : x));
}

/**
 * `np.atleast_2d(*arys)`: each argument with at least two dimensions: a 0-d array as (1, 1), a
 * 1-D one as a row (1, n), both views; any other array itself. One argument gives an array,
 * several a list.
 * @example np.atleast2d(np.arange(3)).shape   // [1, 3]
 */
export function atleast2d(ary: NDArray | NestedList): NDArray;
export function atleast2d(...arys: (NDArray | NestedList)[]): NDArray[];
export function atleast2d(...arys: (NDArray | NestedList)[]): NDArray | NDArray[] {
  return atLeastEach(arys, "atleast2d", (x) => (x.ndim === 0 ? x.reshape(1, 1) : x.ndim === 1 ? x.get("None, :") : x));
}

/**
 * `np.atleast_3d(*arys)`: each argument with at least three dimensions: 0-d as (1, 1, 1), 1-D
 * (n,) as (1, n, 1), 2-D (m, n) as (m, n, 1), all views; any other array itself. One argument
 * gives an array, several a list.
 * @example np.atleast3d(np.arange(3)).shape   // [1, 3, 1]
 */
export function atleast3d(ary: NDArray | NestedList): NDArray;
export function atleast3d(...arys: (NDArray | NestedList)[]): NDArray[];
export function atleast3d(...arys: (NDArray | NestedList)[]): NDArray | NDArray[] {
  return atLeastEach(arys, "atleast3d", (x) => (x.ndim === 0 ? x.reshape(1, 1, 1) : x.ndim === 1 ? x.get("None, :, None") : x.ndim === 2 ? x.get(":, :, None") : x));
}

/**
 * The shape the arrays broadcast to, or NumPy's `np.broadcast` ValueError naming the first two
 * arguments that disagree (its PyArray_Broadcast walks the axes outermost first, and within an
 * axis the arguments in order, remembering which one set the length).
 */
function broadcastShapeOf(xs: readonly NDArray[]): number[] {
  const ndim = Math.max(0, ...xs.map((x) => x.ndim));
  const shape = new Array<number>(ndim).fill(1);
  for (let d = 0; d < ndim; d++) {
    let from = 0;
    xs.forEach((x, j) => {
      const k = d + x.ndim - ndim;
      if (k < 0) return;
      const n = x.nd.shape[k];
      if (n === 1) return;
      if (shape[d] === 1) {
        shape[d] = n;
        from = j;
      } else if (shape[d] !== n) {
        throw new ValueError(`shape mismatch: objects cannot be broadcast to a single shape.  Mismatch is between arg ${from} with shape ${fmtTuple(xs[from].shape)} and arg ${j} with shape ${fmtTuple(x.shape)}.`);
      }
    });
  }
  return shape;
}

/** A shape as Python prints a tuple: `(3,)`, `(2, 3)`, `()`. */
function fmtTuple(s: readonly number[]): string {
  return s.length === 1 ? `(${s[0]},)` : `(${s.join(", ")})`;
}

/**
 * `np.broadcast_arrays(*args)`: the arguments broadcast against each other, as a list. When every
 * shape is already the common one, the arrays themselves (as NumPy); else views of each with
 * stride 0 on the broadcast axes, writeable unless the argument is not (NumPy 1.24 also warns
 * on a write to them; lazylab does not). NumPy's ValueError for shapes that do not broadcast.
 * @example const [a, b] = np.broadcastArrays(np.arange(3), np.zeros([2, 1]));   // both (2, 3)
 */
export function broadcastArrays(...args: (NDArray | NestedList)[]): NDArray[] {
  const xs = args.map((a, k) => asArrayArg(a, `broadcastArrays: args[${k}]`));
  const shape = broadcastShapeOf(xs);
  if (xs.every((x) => x.ndim === shape.length && x.nd.shape.every((n, d) => n === shape[d]))) return xs;
  return xs.map((x) => new NDArray(x.nd.data, shape, x.dtype, x, broadcastStrides(x.shape, x.nd.stride, shape), x.nd.offset));
}

/**
 * `np.roll(a, shift, axis=None)`: elements shifted by `shift` along `axis`, those past the end
 * coming back at the start; without `axis` over the flattened array, the shape kept. Shifts
 * and axes may be lists (broadcast together; shifts on one axis add up). A new array (C order;
 * NumPy keeps a transposed input's layout, with the same values and repr).
 * @example np.roll(np.arange(5), 2)                                 // array([3, 4, 0, 1, 2])
 * np.roll(np.arange(6).reshape(2, 3), [1, -1], { axis: [0, 1] })     // array([[4, 5, 3], [1, 2, 0]])
 */
export function roll(a: NDArray | NestedList, shift: NDArray | NestedList, options: { axis?: number | readonly number[] | null } | number | readonly number[] = {}): NDArray {
  const x = asArrayArg(a, "roll: a");
  const axisOpt = typeof options === "number" || Array.isArray(options) ? (options as number | readonly number[]) : (options as { axis?: number | readonly number[] | null }).axis;
  if (axisOpt === undefined || axisOpt === null) return roll(x.ravel(), shift, 0).reshape(x.shape);
  const axes = axisTuple(axisOpt, x.ndim, null, true);
  const s = asArrayArg(shift, "roll: shift");
  // NumPy's broadcast(shift, axis), axis being a tuple.
  const both = broadcastShapeOf([s, new NDArray(new Float64Array(axes.length), [axes.length], "float64")]);
  if (both.length > 1) throw new ValueError("'shift' and 'axis' should be scalars or 1D sequences");
  const shifts = new Array<number>(x.ndim).fill(0);
  const flat = s.ravel();
  for (let k = 0; k < both[0]; k++) shifts[axes[axes.length === 1 ? 0 : k]] += flat.flatAt(flat.size === 1 ? 0 : k);
  const out = new NDArray(allocateShaped(x.dtype, x.shape, true), x.shape, x.dtype);
  // Per axis one or two (source, destination) slices; every combination of them is one block.
  const pieces = shifts.map((sh, d) => {
    const n = x.nd.shape[d] || 1;
    const off = ((sh % n) + n) % n;
    if (off === 0) return [[":", ":"]];
    if (!Number.isInteger(off)) throw new TypeError("slice indices must be integers or None or have an __index__ method");
    return [[`:${-off}`, `${off}:`], [`${-off}:`, `:${off}`]];
  });
  let blocks: string[][][] = [[]];
  for (const p of pieces) blocks = blocks.flatMap((b) => p.map((q) => [...b, q]));
  for (const b of blocks) assign(out.get(b.map((q) => q[1]).join(",")), x.get(b.map((q) => q[0]).join(",")));
  return out;
}
