/**
 * `repr(a)` and `str(a)` of NumPy arrays (numpy/core/arrayprint.py: array_repr, array_str,
 * array2string, _formatArray) with NumPy's default print options: threshold 1000,
 * edgeitems 3, linewidth 75, legacy False.
 *
 * Only the printed elements are read: for an array of more than `threshold` elements,
 * the first and last `edgeitems` along every axis (at most 6^ndim elements).
 */
import type { FormatDType, ReprSource } from "./index";
import { boolFormatter, ElementFormatter, floatFormatter, integerFormatter } from "./elements";
import { scalarStr } from "./scalar";

/** NumPy's default `threshold`: more elements than this are summarised. */
export const THRESHOLD = 1000;
/** NumPy's default `edgeitems`. */
export const EDGEITEMS = 3;
/** NumPy's default `linewidth`. */
export const LINEWIDTH = 75;

/** dtypes whose repr omits `dtype=` (NumPy's int_, float_, bool_ on 64-bit Linux). */
const IMPLIED: ReadonlySet<FormatDType> = new Set<FormatDType>(["float64", "int64", "bool"]);

/** The printed elements copied out of a source: a dense array with its own shape. */
interface Gathered {
  /** Values in C order over `shape`. */
  values: Float64Array;
  /** Per axis: the number of kept indices (all, or 2·edgeitems). */
  shape: number[];
  /** Per axis: whether the middle was cut out. */
  cut: boolean[];
}

function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Reads the elements that will be printed, calling `src.at` once for each of them. */
function gather(src: ReprSource, summarise: boolean): Gathered {
  const shape = src.shape;
  const ndim = shape.length;
  const kept: number[][] = [];
  const cut: boolean[] = [];
  for (let ax = 0; ax < ndim; ax++) {
    const n = shape[ax];
    const c = summarise && n > 2 * EDGEITEMS;
    cut.push(c);
    const idx: number[] = [];
    if (c) {
      for (let i = 0; i < EDGEITEMS; i++) idx.push(i);
      for (let i = n - EDGEITEMS; i < n; i++) idx.push(i);
    } else {
      for (let i = 0; i < n; i++) idx.push(i);
    }
    kept.push(idx);
  }
  const strides = new Array<number>(ndim);
  let s = 1;
  for (let ax = ndim - 1; ax >= 0; ax--) {
    strides[ax] = s;
    s *= shape[ax];
  }
  const gshape = kept.map((k) => k.length);
  const values = new Float64Array(sizeOf(gshape));
  const isF32 = src.dtype === "float32";
  let pos = 0;
  const walk = (ax: number, base: number): void => {
    if (ax === ndim) {
      const v = src.at(base);
      values[pos++] = isF32 ? Math.fround(v) : v;
      return;
    }
    const st = strides[ax];
    for (const i of kept[ax]) walk(ax + 1, base + i * st);
  };
  walk(0, 0);
  return { values, shape: gshape, cut };
}

function elementFormatter(dtype: FormatDType, values: Float64Array, zeroD: boolean): ElementFormatter {
  switch (dtype) {
    case "bool":
      return boolFormatter(zeroD);
    case "float64":
      return floatFormatter(values, false);
    case "float32":
      return floatFormatter(values, true);
    default:
      return integerFormatter(values);
  }
}

function extendLine(s: string, line: string, word: string, lineWidth: number, nextLinePrefix: string): [string, string] {
  let needsWrap = line.length + word.length > lineWidth;
  // don't wrap lines if it won't help
  if (line.length <= nextLinePrefix.length) needsWrap = false;
  if (needsWrap) {
    s += line.trimEnd() + "\n";
    line = nextLinePrefix;
  }
  return [s, line + word];
}

/** NumPy's _formatArray over the gathered elements. */
function formatArray(
  g: Gathered,
  fmt: ElementFormatter,
  lineWidth: number,
  nextLinePrefix: string,
  separator: string,
): string {
  const ndim = g.shape.length;
  const strides = new Array<number>(ndim);
  let st = 1;
  for (let ax = ndim - 1; ax >= 0; ax--) {
    strides[ax] = st;
    st *= g.shape[ax];
  }
  const sepStripped = separator.trimEnd();
  const recurse = (axis: number, offset: number, hangingIndent: string, currWidth: number): string => {
    const axesLeft = ndim - axis;
    if (axesLeft === 0) return fmt(g.values[offset]);
    const nextHangingIndent = hangingIndent + " ";
    const nextWidth = currWidth - 1;
    const aLen = g.shape[axis];
    const stride = strides[axis];
    const showSummary = g.cut[axis];
    const leading = showSummary ? EDGEITEMS : 0;
    const trailing = showSummary ? EDGEITEMS : aLen;
    const child = (i: number) => recurse(axis + 1, offset + i * stride, nextHangingIndent, nextWidth);
    let s = "";
    if (axesLeft === 1) {
      const elemWidth = currWidth - Math.max(sepStripped.length, 1);
      let line = hangingIndent;
      for (let i = 0; i < leading; i++) {
        [s, line] = extendLine(s, line, child(i), elemWidth, hangingIndent);
        line += separator;
      }
      if (showSummary) {
        [s, line] = extendLine(s, line, "...", elemWidth, hangingIndent);
        line += separator;
      }
      for (let i = trailing; i > 1; i--) {
        [s, line] = extendLine(s, line, child(aLen - i), elemWidth, hangingIndent);
        line += separator;
      }
      [s, line] = extendLine(s, line, child(aLen - 1), elemWidth, hangingIndent);
      s += line;
    } else {
      const lineSep = sepStripped + "\n".repeat(axesLeft - 1);
      for (let i = 0; i < leading; i++) s += hangingIndent + child(i) + lineSep;
      if (showSummary) s += hangingIndent + "..." + lineSep;
      for (let i = trailing; i > 1; i--) s += hangingIndent + child(aLen - i) + lineSep;
      s += hangingIndent + child(aLen - 1);
    }
    return "[" + s.slice(hangingIndent.length) + "]";
  };
  return recurse(0, 0, nextLinePrefix, lineWidth);
}

/**
 * NumPy's array2string with the default options, for a non-empty array.
 * `prefix` only sets the indentation of continuation lines; it is not included.
 */
function array2string(src: ReprSource, separator: string, prefix: string, suffix: string): string {
  const size = sizeOf(src.shape);
  if (size === 0) return "[]";
  const summarise = size > THRESHOLD;
  const g = gather(src, summarise);
  const fmt = elementFormatter(src.dtype, g.values, src.shape.length === 0);
  const nextLinePrefix = " " + " ".repeat(prefix.length);
  return formatArray(g, fmt, LINEWIDTH - suffix.length, nextLinePrefix, separator);
}

function shapeRepr(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
}

/**
 * `repr(a)` of a NumPy array with the default print options, e.g. `array([1, 2, 3])`,
 * `array([[1., 2.],\n       [3., 4.]], dtype=float32)`, `array([], shape=(0, 3), dtype=float64)`,
 * `array(5.)`. Arrays of more than 1000 elements are summarised with `...`, reading only
 * their edges through `src.at`. `name` is the class NumPy names (`memmap` for a memmap).
 */
export function arrayRepr(src: ReprSource, name = "array"): string {
  const size = sizeOf(src.shape);
  const skipDtype = IMPLIED.has(src.dtype) && size > 0;
  const prefix = `${name}(`;
  const suffix = skipDtype ? ")" : ",";
  let lst: string;
  if (size > 0 || (src.shape.length === 1 && src.shape[0] === 0)) {
    lst = array2string(src, ", ", prefix, suffix);
  } else {
    lst = `[], shape=${shapeRepr(src.shape)}`;
  }
  const arrStr = prefix + lst + suffix;
  if (skipDtype) return arrStr;
  const dtypeStr = `dtype=${src.dtype})`;
  const lastLineLen = arrStr.length - (arrStr.lastIndexOf("\n") + 1);
  const spacer = lastLineLen + dtypeStr.length + 1 > LINEWIDTH ? "\n" + " ".repeat(prefix.length) : " ";
  return arrStr + spacer + dtypeStr;
}

/**
 * `str(a)` of a NumPy array (what `print(a)` shows) with the default print options, e.g.
 * `[1 2 3]`, `[[1. 2.]\n [3. 4.]]`; a 0-d array prints as its scalar (`5.0`).
 */
export function arrayStr(src: ReprSource): string {
  if (src.shape.length === 0) return scalarStr(src.at(0), src.dtype);
  return array2string(src, " ", "", "");
}
