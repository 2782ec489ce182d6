/**
 * One copy of a hot loop per typed-array class.
 *
 * V8 optimises an element access for the array classes it has seen at that access. A loop
 * fed Float64Array, Float32Array and Int32Array alike becomes polymorphic and runs ~3× slower
 * than one that only ever sees Float64Array (measured: NumPy-order row sums of a 4000×4000
 * float64 array, 0.52 ns/element monomorphic, 1.75 after the same function summed other
 * dtypes). The library's warm-up touches every dtype, so without copies every loop would be
 * polymorphic in a notebook. Generated kernels put the classes in their cache keys
 * ({@link storageKey}); hand-written loops are recompiled per class with {@link perStorage}.
 */

/** The classes of the typed arrays a kernel runs on, as a cache-key part. */
export function storageKey(...data: readonly object[]): string {
  let key = "";
  for (const d of data) key += `${d.constructor.name},`;
  return key;
}

/**
 * `fn` recompiled from its source once per storage class, so each copy's loops see one class.
 * `fn` must be a plain function declaration whose free variables are globals, itself
 * (recursion by name) or the given `constants`.
 */
export function perStorage<F extends (...args: never[]) => unknown>(fn: F, constants: Record<string, number> = {}): (data: object) => F {
  const copies = new Map<unknown, F>();
  const names = Object.keys(constants);
  const values = names.map((n) => constants[n]);
  const source = `return ${fn.toString()}`;
  return (data) => {
    let f = copies.get(data.constructor);
    if (!f) {
      f = new Function(...names, source)(...values) as F;
      copies.set(data.constructor, f);
    }
    return f;
  };
}
