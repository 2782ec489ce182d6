/**
 * Python's call binding for functions ported with keyword arguments: positional arguments in
 * the parameters' order, then a trailing plain object standing for the keywords
 * (`np.random.normal(0, 1, { size: 5 })` for `normal(0, 1, size=5)`), with Python's
 * TypeErrors for too many, unknown or repeated arguments.
 */

/** True for a plain object, which stands for Python's keyword arguments. */
export function isKeywords(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** How the bound function words a repeated argument: Cython's methods (NumPy's) or Python's functions (Dask's). */
export type BindingStyle = "cython" | "python";

/**
 * The values of `names` then `keywordOnly` (parameters only a keyword gives) from `args`:
 * positional ones first, then the keywords of a trailing plain object; undefined where none
 * was given. Throws TypeError with the messages of `style`'s functions.
 */
export function bindArguments(what: string, names: readonly string[], keywordOnly: readonly string[], args: readonly unknown[], style: BindingStyle): unknown[] {
  const last = args[args.length - 1];
  const keywords = isKeywords(last) ? last : {};
  const positional = isKeywords(last) ? args.slice(0, -1) : args;
  if (positional.length > names.length) throw new TypeError(`${what}() takes at most ${names.length} positional argument${names.length === 1 ? "" : "s"} (${positional.length} given)`);
  const all = [...names, ...keywordOnly];
  const out = all.map((_, i) => positional[i]);
  for (const [k, v] of Object.entries(keywords)) {
    const i = all.indexOf(k);
    if (i < 0) throw new TypeError(`${what}() got an unexpected keyword argument '${k}'`);
    if (out[i] !== undefined) throw new TypeError(`${what}() got multiple values for ${style === "cython" ? "keyword argument" : "argument"} '${k}'`);
    out[i] = v;
  }
  return out;
}
