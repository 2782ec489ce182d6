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

/**
 * Python source that gives its process the transparent huge pages lazylab's executor has
 * (lib/psutil/huge-pages.ts): only where advised (Linux 6.18's prctl), or, on an older kernel
 * whose system mode is "always", none. `_huge_pages` is then "advised", "off" or "system", as
 * limitHugePages() answers. For comparisons of memory with NumPy under the same page policy:
 * under the system mode "always", NumPy's unadvised arrays would otherwise take a 2 MiB page at
 * a write whenever the kernel had one free.
 */
export const PY_HUGE_PAGES_AS_EXECUTOR = `
import ctypes as _ctypes
def _limit_huge_pages():
    libc = _ctypes.CDLL(None, use_errno=True)
    # prctl(PR_SET_THP_DISABLE, 1, PR_THP_DISABLE_EXCEPT_ADVISED)
    if libc.prctl(41, 1, 2, 0, 0) == 0:
        return "advised"
    try:
        always = "[always]" in open("/sys/kernel/mm/transparent_hugepage/enabled").read()
    except OSError:
        always = False
    return "off" if always and libc.prctl(41, 1, 0, 0, 0) == 0 else "system"
_huge_pages = _limit_huge_pages()
`;
