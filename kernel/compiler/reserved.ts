/**
 * Names a cell may not declare at top level. Cells' declarations become properties of the
 * executor's globalThis, so `const process = 1` would replace Node's own `process` for every
 * later cell and for the library: refused with a clear error instead.
 */
import { PRELOADED } from "../../lib/globals";

const preloaded = new Set<string>(PRELOADED);

export const RESERVED_GLOBALS: ReadonlySet<string> = new Set(
  [
    ...Object.getOwnPropertyNames(globalThis),
    "process", "Buffer", "require", "module", "exports", "__filename", "__dirname", "global",
    "setTimeout", "setInterval", "setImmediate", "clearTimeout", "clearInterval", "clearImmediate",
    "queueMicrotask", "structuredClone", "console", "globalThis", "undefined", "NaN", "Infinity",
  ].filter((n) => !preloaded.has(n) && !n.startsWith("__lazylab")),
);
