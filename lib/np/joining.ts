/**
 * Joining arrays along the third axis (`np.dstack`) and as columns (`np.columnStack`): NumPy's
 * shape_base joiners beside `hstack` and `vstack` (creation.ts), whose shape checks and
 * concatenation they share. Always a new array of the arguments' promoted dtype.
 */
import { asArrayArg, checkJoinable, joinAlong } from "./creation";
import { NDArray, NestedList } from "./ndarray";
import { ValueError } from "./errors";
import { atleast3d } from "./shaping";

/** The arguments as arrays; NumPy's ValueError for none. */
function joinArgs(tup: readonly (NDArray | NestedList)[], what: string): NDArray[] {
  if (!Array.isArray(tup)) throw new TypeError(`${what}: expected a list of arrays, got ${tup === null ? "null" : typeof tup}`);
  if (tup.length === 0) throw new ValueError("need at least one array to concatenate");
  return tup.map((a, k) => asArrayArg(a, `${what}: tup[${k}]`));
}

/** np.concatenate(xs, axis) with NumPy's ValueErrors. */
function concatenateChecked(xs: readonly NDArray[], axis: number): NDArray {
  checkJoinable(xs, axis, (m) => new ValueError(m));
  return joinAlong(xs, axis);
}

/**
 * `np.dstack(tup)`: arrays joined along the third axis, each made 3-D first as
 * `np.atleast3d` does ((n,) as (1, n, 1), (m, n) as (m, n, 1)).
 * @example np.dstack([np.array([1, 2]), np.array([3, 4])])   // array([[[1, 3], [2, 4]]])
 */
export function dstack(tup: readonly (NDArray | NestedList)[]): NDArray {
  const xs = joinArgs(tup, "dstack").map((x) => atleast3d(x));
  return concatenateChecked(xs, 2);
}

/**
 * `np.column_stack(tup)`: 1-D arrays (and scalars) as the columns of a 2-D array, arrays of
 * two or more dimensions joined along their second axis.
 * @example np.columnStack([np.array([1, 2]), np.array([3, 4])])   // array([[1, 3], [2, 4]])
 */
export function columnStack(tup: readonly (NDArray | NestedList)[]): NDArray {
  const xs = joinArgs(tup, "columnStack").map((x) => (x.ndim === 0 ? x.reshape(1, 1) : x.ndim === 1 ? x.reshape(1, x.size).T : x));
  return concatenateChecked(xs, 1);
}
