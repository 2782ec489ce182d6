/**
 * The element types lazylab arrays support, spelled as NumPy spells them.
 *
 * int64 is stored in a Float64Array holding integral values: exact up to 2**53, with
 * NumPy's itemsize (8) and repr, and the speed of plain number arithmetic. Values beyond
 * 2**53 lose precision where NumPy would wrap; that is the documented trade-off.
 */
export type DType = "float64" | "float32" | "int32" | "int64" | "uint8" | "bool";

export const DTYPES: readonly DType[] = ["float64", "float32", "int32", "int64", "uint8", "bool"];
