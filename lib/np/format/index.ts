/**
 * NumPy's printing of arrays and scalars, reimplemented: `repr(a)`, `str(a)`, scalar
 * repr/str, and NumPy's `format_float_positional` / `format_float_scientific`, all with
 * NumPy's default print options (precision 8, threshold 1000, edgeitems 3, linewidth 75,
 * suppress False, floatmode 'maxprec', sign '-', legacy False). Checked against the
 * installed NumPy (Debian's 1.24.2) by test/np-format.test.ts.
 */

/** The dtypes the formatter knows, spelled as NumPy spells them. */
export type FormatDType = "float64" | "float32" | "int8" | "int16" | "int32" | "int64" | "uint8" | "uint16" | "uint32" | "uint64" | "bool";

/** What the formatter needs from an array. */
export interface ReprSource {
  readonly dtype: FormatDType;
  readonly shape: readonly number[];
  /** Element at C-order (row-major) flat index i, as a JS number (bool as 0/1). */
  at(i: number): number;
}

export { arrayRepr, arrayStr, THRESHOLD, EDGEITEMS, LINEWIDTH } from "./arrayprint";
export { scalarRepr, scalarStr, INSTALLED_SCALAR_STYLE } from "./scalar";
export type { ScalarStyle } from "./scalar";
export { arrayHtml } from "./html";
export { formatFloatPositional, formatFloatScientific } from "./dragon4";
export type { FloatFormatOptions, Trim } from "./dragon4";
