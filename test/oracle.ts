/**
 * The real thing to compare with: Debian's python3 with NumPy, Dask, psutil, xarray.
 * Tests generate expected values with it at run time instead of pasting constants.
 */
import { execFileSync } from "node:child_process";

/** Debian's interpreter; the `python3` first on PATH may lack the Debian packages. */
export const PYTHON = process.env.LAZYLAB_PYTHON ?? "/usr/bin/python3";

/** Runs a Python program and returns its stdout. Throws with Python's stderr on failure. */
export function python(code: string, input?: string): string {
  return execFileSync(PYTHON, ["-c", code], {
    input,
    encoding: "utf8",
    maxBuffer: 1 << 28,
    stdio: ["pipe", "pipe", "pipe"],
  });
}

/** Runs a Python program that prints one JSON document and parses it. */
export function pythonJson<T = unknown>(code: string, input?: string): T {
  return JSON.parse(python(code, input)) as T;
}

/**
 * Python source of `err(name, f)`: records in the prelude's `_out` dict what calling `f`
 * raises, `{"error": [class name, message]}`, or `{"error": None}` when nothing.
 */
export const PY_RECORD_ERROR = `
def err(name, f):
    try:
        f()
        _out[name] = {"error": None}
    except Exception as e:
        _out[name] = {"error": [type(e).__name__, str(e)]}
`;
