/**
 * The protocol behind `sys.getsizeof`: objects that know their Python-equivalent size
 * implement a method under this symbol (NumPy's and Dask's `__sizeof__`).
 */
export const SIZEOF: unique symbol = Symbol.for("lazylab.sizeof") as never;

/** Objects with a `__sizeof__`. */
export interface HasSizeof {
  [SIZEOF](): number;
}
