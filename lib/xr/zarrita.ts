/**
 * zarrita (Zarr v2 and v3 in JavaScript), loaded on first use. It is ESM only and its package
 * exports only an `import` condition, so it is imported by path (as ./hdf5 does with h5wasm),
 * with a real dynamic import that TypeScript's commonjs output leaves alone.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";

export type Zarrita = typeof import("zarrita");

let loading: Promise<Zarrita> | undefined;

function entry(): string {
  for (const dir of require.resolve.paths("zarrita") ?? []) {
    const file = path.join(dir, "zarrita", "dist", "src", "index.js");
    if (fs.existsSync(file)) return file;
  }
  throw new Error("zarrita is not installed: lazylab's xr.openZarr needs it to read Zarr stores");
}

/** zarrita, imported once. */
export function zarrita(): Promise<Zarrita> {
  const esm = new Function("s", "return import(s)") as (s: string) => Promise<Zarrita>;
  loading ??= esm(pathToFileURL(entry()).href);
  return loading;
}
