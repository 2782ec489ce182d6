/**
 * IPython's `%who` and `%whos` (IPython/core/magics/namespace.py: who_ls, who, whos) over the
 * notebook's variables, printing what IPython prints for the Python values a port's TypeScript
 * values stand for, so a ported notebook's listing reads as the original's: an np array is an
 * `ndarray` (`100x100: 10000 elems, type \`float64\`, 80000 bytes`), a whole number an `int`,
 * `0.1` a `float`, a string a `str`, a JS array a `list`, a plain object a `dict`. And what
 * IPython's `%reset` deletes of them (namespace.py: reset), once it has been confirmed.
 *
 * Loaded by the executor's magic runtime when a cell first uses one of these magics, not at the
 * executor's start: it reads the library's types, which the executor loads in steps after it
 * starts listening (main.ts, startSteps).
 */
import { notebookVariables } from "../../lib/retainers";
import { deleteVariables } from "../../lib/notebook";
import { collectGarbage } from "../../lib/psutil/gc";
import { NDArray } from "../../lib/np/ndarray";
import { Memmap } from "../../lib/np/memmap";
import { NumpyScalar } from "../../lib/np/numpy-scalar";
import { scalarStr } from "../../lib/np/format";
import { LazyArray } from "../../lib/da/array";

/**
 * `type(v).__name__` of the Python value `v` stands for: `ndarray` (`memmap` for what prints as
 * one), `Array` for a lazy array (Dask's class), `int` for a whole number JavaScript holds
 * exactly (and a bigint), `float` for any other number, `str`, `bool`, `NoneType` for null and
 * undefined, `list`, `dict` for a plain object, `function`, `type` for a class; another object's
 * constructor's name (xr's `DataArray` and `Dataset` are already Python's).
 */
export function pythonTypeName(v: unknown): string {
  if (v === null || v === undefined) return "NoneType";
  switch (typeof v) {
    case "number":
      // Beyond 2^53 a number is no longer a whole number held exactly, and Python's float literal
      // `1e16` is what a notebook meant; -0 is a float's (Python's int has no negative zero).
      return Number.isSafeInteger(v) && !Object.is(v, -0) ? "int" : "float";
    case "bigint":
      return "int";
    case "string":
      return "str";
    case "boolean":
      return "bool";
    case "function":
      return /^class\b/.test(Function.prototype.toString.call(v)) ? "type" : "function";
  }
  // A lazy 0-d result is the NumPy scalar Dask returns: `float64`, `int64`, `bool_` (NumPy's names).
  if (v instanceof NumpyScalar) return v.dtype === "bool" ? "bool_" : v.dtype;
  // A memmap's views are memmaps too, except where NumPy gives an ndarray: its repr says which.
  if (v instanceof NDArray) return (v instanceof Memmap || v.base instanceof Memmap) && v.repr().startsWith("memmap(") ? "memmap" : "ndarray";
  if (v instanceof LazyArray) return "Array";
  if (Array.isArray(v)) return "list";
  const proto = Object.getPrototypeOf(v);
  if (proto === Object.prototype || proto === null) return "dict";
  return (v as { constructor?: { name?: string } }).constructor?.name || "object";
}

/**
 * Python's `repr()` of a float (`0.1`, `1e-05`, `1e+16`, `1.0`, `inf`): NumPy's float64 scalar
 * str, which is the same shortest text that reads back, positional from 1e-4 to 1e16.
 */
const floatRepr = (x: number) => scalarStr(x, "float64");

/**
 * Python's `str(v)` for the value `v` stands for: `True`/`False`, `None`, an int's digits, a
 * float as Python's repr writes it (`0.1`, `1e-05`, `1e+16`, `-0.0`, `inf`, `nan`); anything else
 * its own `String()` (a lazy array's is Dask's repr, an np array's NumPy's str).
 */
export function pythonStr(v: unknown): string {
  if (v === null || v === undefined) return "None";
  if (typeof v === "boolean") return v ? "True" : "False";
  if (typeof v === "number" && pythonTypeName(v) === "float") return floatRepr(v);
  return String(v);
}

/** Python's order of strings (by code point): UTF-8's byte order is the code points' order. */
function pythonOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

/** Python's `len()` of a string: code points, not UTF-16 units. */
const length = (s: string) => Array.from(s).length;
const ljust = (s: string, width: number) => s + " ".repeat(Math.max(0, width - length(s)));

interface Variable {
  name: string;
  value: unknown;
  type: string;
}

/** IPython's who_ls: the variables not starting with `_`, of one of `types` if any are given, sorted. */
function whoLs(types: readonly string[]): Variable[] {
  const wanted = new Set(types);
  return notebookVariables()
    .filter(([name]) => !name.startsWith("_"))
    .map(([name, value]) => ({ name, value, type: pythonTypeName(value) }))
    .filter((v) => !wanted.size || wanted.has(v.type))
    .sort((a, b) => pythonOrder(a.name, b.name));
}

/** What IPython prints when who_ls finds nothing: a filter matched nothing, or there is nothing at all. */
function nothing(types: readonly string[]): string {
  return types.length ? "No variables match your requested type.\n" : "Interactive namespace is empty.\n";
}

/**
 * `%who [types]`: the names, each followed by a tab and a space (IPython's `print(name + '\t',
 * end=' ')`), a line break after every ninth, and a final one.
 */
export function who(types: readonly string[]): string {
  const found = whoLs(types);
  if (!found.length) return nothing(types);
  let out = "";
  found.forEach((v, i) => {
    out += `${v.name}\t `;
    if (i % 9 === 8) out += "\n";
  });
  return out + "\n";
}

const KB = 1024;
const MB = 1048576;

/** `%whos`'s Data/Info column for one variable. */
function info(v: Variable): string {
  if (v.type === "list") return `n=${(v.value as unknown[]).length}`;
  if (v.type === "dict") return `n=${Object.keys(v.value as object).length}`;
  if (v.type === "ndarray") {
    const a = v.value as NDArray;
    // IPython's `str(shape)` with commas dropped and spaces as `x`: `100x100`, `3`, `` for a 0-d array.
    const bytes = a.size * a.itemsize;
    const summary = `${a.shape.join("x")}: ${a.size} elems, type \`${a.dtype}\`, ${bytes} bytes`;
    if (bytes < 100000) return summary;
    // Python's `/` gives a float even when it divides exactly: `(1.0 Mb)`, `(100.0 kb)`.
    return bytes < MB ? `${summary} (${floatRepr(bytes / KB)} kb)` : `${summary} (${floatRepr(bytes / MB)} Mb)`;
  }
  let text: string;
  try {
    text = pythonStr(v.value);
  } catch {
    // IPython's `<object with id N (str() failed)>`: JavaScript objects have no id to show.
    text = "<object (str() failed)>";
  }
  text = text.replace(/\n/g, "\\n");
  const chars = Array.from(text);
  return chars.length < 50 ? text : `${chars.slice(0, 25).join("")}<...>${chars.slice(-25).join("")}`;
}

/**
 * `%whos [types]`: IPython's table, columns as wide as the longest name and type name plus
 * three, a line of dashes, then a row a variable.
 */
export function whos(types: readonly string[]): string {
  const found = whoLs(types);
  if (!found.length) return nothing(types);
  const varWidth = Math.max(...found.map((v) => length(v.name)), "Variable".length) + 3;
  const typeWidth = Math.max(...found.map((v) => length(v.type)), "Type".length) + 3;
  const lines = [`${ljust("Variable", varWidth)}${ljust("Type", typeWidth)} Data/Info`, "-".repeat(varWidth + typeWidth + "Data/Info".length + 1)];
  for (const v of found) lines.push(`${ljust(v.name, varWidth)}${ljust(v.type, typeWidth)} ${info(v)}`);
  return lines.join("\n") + "\n";
}

/** The output history main.ts installs as the global `Out`, which IPython's reset flushes too. */
const outputHistory = () => (globalThis as { Out?: Record<number, unknown> }).Out ?? {};

/** Deletes variables as `del()` does: the names are no longer defined, and the type checker forgets them. */
function remove(names: readonly string[]): void {
  deleteVariables(names, () => "%reset");
}

/**
 * `%reset` once confirmed, as IPython's: `soft` (`-s`) deletes the variables %who lists (not the
 * `_` names) and keeps `Out`; with neither `soft` nor targets it is IPython's hard reset, every
 * variable the notebook declared (`_` names too) and `Out`. Then each target in turn: `out`
 * flushes `Out` alone, `array` deletes the np arrays (`_` names too, as IPython looks through the
 * whole namespace); IPython says it does not know any other word and goes on. Ends with a full
 * collection, as IPython's `gc.collect()`, so the memory the variables held is free when the
 * cell ends. Returns what IPython prints.
 */
export function reset(soft: boolean, targets: readonly string[]): string {
  let printed = "";
  if (soft) remove(whoLs([]).map((v) => v.name));
  else if (!targets.length) {
    remove(notebookVariables().map(([name]) => name));
    flushOut();
  }
  for (const target of targets) {
    if (target === "out") {
      printed += `Flushing output cache (${Object.keys(outputHistory()).length} entries)\n`;
      flushOut();
    } else if (target === "array") {
      remove(notebookVariables().filter(([, value]) => value instanceof NDArray).map(([name]) => name));
    } else {
      // Python's print(text, end=' ') after a text ending in a space: two spaces.
      printed += `Don't know how to reset  ${target}, please run \`%reset?\` for details\n`;
    }
  }
  collectGarbage();
  return printed;
}

/** Empties `Out` in place (the global is the same object all along, as IPython's `_oh`). */
function flushOut(): void {
  const history = outputHistory();
  for (const key of Object.keys(history)) delete history[Number(key)];
}
