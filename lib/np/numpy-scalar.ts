/**
 * A NumPy scalar (`numpy.float64`, `numpy.int64`, `numpy.bool_`, …) as lazylab holds one: a 0-d
 * array whose repr is the scalar's. Dask's `compute()` of a 0-d result returns NumPy's scalar,
 * which a notebook shows as `45.0` where a 0-d array shows `array(45.)`; lazy reductions'
 * results (`await x.sum().compute()`) are these, so a port prints what Dask printed. Being an
 * NDArray, it keeps its dtype and takes every array operation (`.item()` gives the number).
 */
import { MIME_BUNDLE, MimeBundle } from "../display/mime";
import { scalarRepr } from "./format";
import type { FormatDType } from "./format";
import { NDArray } from "./ndarray";

export class NumpyScalar extends NDArray {
  /** NumPy's `repr()` of the scalar: `45.0`, `3`, `True` (NumPy 1.24's, as its `str`). */
  override repr(): string {
    return scalarRepr(this.item(), this.dtype as FormatDType);
  }
  /** @internal The cell result: the repr alone, as Jupyter shows a NumPy scalar (no array table). */
  override [MIME_BUNDLE](): MimeBundle {
    return { "text/plain": this.repr() };
  }
}

/** `a` (a 0-d array) as the NumPy scalar it stands for: the same memory, the scalar's repr. */
export function asNumpyScalar(a: NDArray): NumpyScalar {
  if (a.ndim !== 0) throw new RangeError(`asNumpyScalar: a 0-d array is a scalar, this one has shape (${a.shape.join(", ")})`);
  return new NumpyScalar(a.nd.data, [], a.dtype, a.base, [], a.nd.offset);
}
