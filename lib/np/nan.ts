/**
 * NaN-ignoring reductions, as NumPy writes them (numpy/lib/nanfunctions.py): NaNs are replaced
 * by 0 in a copy, which is then summed by the ordinary `sum` (so the float results are NumPy's
 * bit for bit), and `nanmean` divides by the count of non-NaN elements. Integer and bool
 * arrays hold no NaN: for them these are `sum` and `mean`.
 */
import { isIntegral } from "./dtype";
import { NDArray, NestedList, ReduceOptions } from "./ndarray";
import { asArrayArg } from "./creation";
import { mean, sum } from "./reduce";
import { runtimeWarning } from "./errors";

/** A float copy with NaN replaced by 0, and the not-NaN mask as 0/1 float64 (summed for the count). */
function replaceNaN(x: NDArray): { zeroed: NDArray; valid: NDArray } {
  const zeroed = x.copy();
  const d = zeroed.nd.data;
  const valid = new NDArray(new Float64Array(d.length), x.shape, "float64");
  const v = valid.nd.data;
  for (let i = 0; i < d.length; i++) {
    if (d[i] !== d[i]) d[i] = 0;
    else v[i] = 1;
  }
  return { zeroed, valid };
}

/**
 * `np.nansum(a, axis?)`: the sum treating NaN as zero (0 for an all-NaN slice).
 * @example np.nansum(np.array([1, NaN, 2]))   // 3
 */
export function nansum(a: NDArray | NestedList, options?: ReduceOptions | number): NDArray | number {
  const x = asArrayArg(a, "nansum: a");
  if (isIntegral(x.dtype)) return sum(x, options);
  return sum(replaceNaN(x).zeroed, options);
}

/**
 * `np.nanmean(a, axis?)`: the mean of the non-NaN elements. An all-NaN slice gives NaN and
 * prints NumPy's `RuntimeWarning: Mean of empty slice`.
 * @example np.nanmean(np.array([[1, NaN], [3, 4]]), { axis: 0 })   // array([2., 4.])
 */
export function nanmean(a: NDArray | NestedList, options?: ReduceOptions | number): NDArray | number {
  const x = asArrayArg(a, "nanmean: a");
  if (isIntegral(x.dtype)) return mean(x, options);
  const { zeroed, valid } = replaceNaN(x);
  const tot = sum(zeroed, options);
  const cnt = sum(valid, options);
  const f32 = x.dtype === "float32";
  if (typeof tot === "number") {
    if (cnt === 0) runtimeWarning("Mean of empty slice");
    const m = tot / (cnt as number);
    return f32 ? Math.fround(m) : m;
  }
  const c = cnt as NDArray;
  if (c.eq(0).any()) runtimeWarning("Mean of empty slice");
  // NumPy divides into the sum's own array (float32 stays float32), unsafe casting.
  const out = tot.copy();
  const od = out.nd.data;
  const cd = c.nd.data;
  for (let i = 0; i < od.length; i++) od[i] = od[i] / cd[i];
  return out;
}
