/**
 * How NumPy scalars (`a[0]`, `a.sum()`, …) print: numpy/core/src/multiarray/scalartypes.c.
 *
 * Floats: positional with the shortest round-trip digits of their own type (float32
 * digits for float32) when 1e-4 <= |x| < 1e16 or x == 0, keeping one zero after the
 * point (`1.0`, `0.1`); otherwise scientific without a trailing point (`1e-05`, `1.5e+16`).
 * `str` and `repr` agree on this.
 *
 * The installed Debian NumPy (1.24.2, checked by the tests) reprs a scalar exactly as its
 * str: `1.5`, `3`, `True`. NumPy 2 (NEP 51) wraps the repr in its type: `np.float64(1.5)`,
 * `np.int32(3)`, `np.True_`; pass `style: "numpy2"` for that.
 */
import type { FormatDType } from "./index";
import { formatFloatPositional, formatFloatScientific } from "./dragon4";
import { intToString } from "./elements";

/** Which NumPy's scalar repr to reproduce. */
export type ScalarStyle = "numpy1" | "numpy2";

/** The scalar repr style of the NumPy these functions were checked against (Debian's 1.24.2). */
export const INSTALLED_SCALAR_STYLE: ScalarStyle = "numpy1";

function floatStr(x: number, isF32: boolean): string {
  if (Number.isNaN(x)) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  const a = Math.abs(x);
  if (a === 0 || (1e-4 <= a && a < 1e16)) return formatFloatPositional(x, isF32, { trim: "0" });
  return formatFloatScientific(x, isF32, { trim: "-" });
}

/**
 * `str()` of a NumPy scalar of `dtype` holding `value` (bool as 0/1): what `print(a[0])`
 * shows, e.g. `1.5`, `0.1` (float32 digits for float32), `1e-05`, `-0.0`, `nan`, `7`, `True`.
 */
export function scalarStr(value: number, dtype: FormatDType): string {
  switch (dtype) {
    case "bool":
      return value ? "True" : "False";
    case "float64":
      return floatStr(value, false);
    case "float32":
      return floatStr(Math.fround(value), true);
    default:
      return intToString(value);
  }
}

/**
 * `repr()` of a NumPy scalar, what a notebook shows for a scalar result. With the
 * installed NumPy 1.24 (`style` "numpy1", the default) it equals {@link scalarStr}: `1.5`.
 * With `style` "numpy2" it is NumPy 2's `np.float64(1.5)`, `np.float32(0.1)`,
 * `np.int64(7)`, `np.uint8(3)`, `np.True_` / `np.False_`.
 */
export function scalarRepr(value: number, dtype: FormatDType, style: ScalarStyle = INSTALLED_SCALAR_STYLE): string {
  if (style === "numpy1") return scalarStr(value, dtype);
  if (dtype === "bool") return value ? "np.True_" : "np.False_";
  return `np.${dtype}(${scalarStr(value, dtype)})`;
}
