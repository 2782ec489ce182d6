/**
 * The names every notebook cell sees without importing: the same objects as
 * `import { np, ... } from "lazylab"`. The kernel's executor defines them on globalThis and
 * its compiler declares them for type checking, both from this one list.
 */
export const PRELOADED = ["np", "da", "psutil", "tracemalloc", "sys", "xr", "plt", "memory", "retainers", "display", "displayBundle", "clearOutput", "input", "del"] as const;
export type PreloadedName = (typeof PRELOADED)[number];

/**
 * The preloaded names that are modules: cells can also name their types (`psutil.Svmem`,
 * `np.NDArray`) without importing, as the compiler declares them as namespaces.
 */
export const PRELOADED_MODULES: ReadonlySet<PreloadedName> = new Set(["np", "da", "psutil", "tracemalloc", "sys", "xr", "memory"]);
