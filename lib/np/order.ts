/**
 * NumPy's iteration order: the order in which its iterator (nditer, `order="K"`) walks the
 * axes of strided operands, and the memory layout NumPy gives arrays it allocates in that
 * order. Floating-point sums depend on it, so reduce.ts follows it to give NumPy's bits for
 * views (`x.T`, `x[::2]`, `x[::-1]`) as well as for contiguous arrays.
 *
 * NumPy 1.24, numpy/core/src/multiarray/nditer_constr.c: `npyiter_find_best_axis_ordering`
 * sorts the axes by the operands' |stride| (smallest innermost) with a stable insertion
 * sort, where a comparison in which an operand has a zero stride (length-1 axes count as
 * stride 0) says nothing for that operand, and between operands that disagree C order wins.
 * Reductions keep negative strides as they are (NPY_ITER_DONT_NEGATE_STRIDES), so a reversed
 * axis is walked in index order, not memory order; arrays NumPy allocates for such an
 * iteration get positive strides in the sorted axis order.
 */
import { NDArray } from "./ndarray";
import { allocateShaped, DType } from "./dtype";

/**
 * The axes of `shape` in NumPy's iteration order, outermost first (a C-contiguous operand
 * gives 0, 1, ..., ndim-1). `strides` holds each operand's element strides.
 */
export function iterationOrder(shape: readonly number[], strides: readonly (readonly number[])[]): number[] {
  const ndim = shape.length;
  // perm[i] is the axis at iterator position i, innermost first (NumPy's AXISDATA order).
  const perm = [...Array(ndim).keys()].reverse();
  const stride = (op: number, axis: number) => (shape[axis] === 1 ? 0 : strides[op][axis]);
  for (let i0 = 1; i0 < ndim; i0++) {
    const j0 = perm[i0];
    let ipos = i0;
    for (let i1 = i0 - 1; i1 >= 0; i1--) {
      const j1 = perm[i1];
      let ambiguous = true;
      let swap = false;
      for (let op = 0; op < strides.length; op++) {
        const s0 = stride(op, j0);
        const s1 = stride(op, j1);
        if (s0 === 0 || s1 === 0) continue;
        if (Math.abs(s1) <= Math.abs(s0)) swap = false;
        else if (ambiguous) swap = true;
        ambiguous = false;
      }
      if (ambiguous) continue;
      if (!swap) break;
      ipos = i1;
    }
    if (ipos !== i0) {
      perm.splice(i0, 1);
      perm.splice(ipos, 0, j0);
    }
  }
  return perm.reverse();
}

/**
 * A new uninitialised array of x's shape (and x's dtype unless given) laid out as NumPy
 * allocates the result of an elementwise operation on x (`order="K"`): contiguous, positive
 * strides, axes in x's iteration order. `x - m` in NumPy's `var` has this layout, and the sum
 * of its squares follows it.
 */
export function emptyLikeKeepOrder(x: NDArray, dtype: DType = x.dtype): NDArray {
  return emptyInIterationOrder(x.shape, [x.nd.stride], dtype);
}

/**
 * A new array of `shape` laid out in the order NumPy's iterator walks operands of
 * `operandStrides` (as a ufunc's output is when NumPy allocates it): its innermost dimension
 * is the one the operands step through fastest.
 */
export function emptyInIterationOrder(shape: readonly number[], operandStrides: readonly (readonly number[])[], dtype: DType): NDArray {
  const order = iterationOrder(shape, operandStrides);
  const stride = new Array<number>(shape.length).fill(0);
  let step = 1;
  for (let i = order.length - 1; i >= 0; i--) {
    stride[order[i]] = step;
    step *= Math.max(shape[order[i]], 1);
  }
  return new NDArray(allocateShaped(dtype, shape), [...shape], dtype, null, stride, 0);
}
