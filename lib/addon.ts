/**
 * Where lazylab's optional N-API addons live and how they are loaded (lib/np/native.ts and
 * lib/xr/native.ts use it).
 *
 * `npm run build` (scripts/build-native.js) compiles native/*.c and puts the addons in
 * `prebuilds/<platform>-<arch>/`, the layout prebuildify and node-gyp-build use; `npm pack`
 * ships that folder, so an install from the tarball needs no compiler. N-API is stable across
 * Node versions, so one build per platform and architecture serves every Node >= 20. When the
 * folder has no addon for this machine (another platform, no compiler at build time) or the
 * addon does not load (an older C library), the caller keeps its JavaScript loops.
 */
import path from "node:path";

/** `<package>/prebuilds/<platform>-<arch>` (this file is dist/lib/addon.js once built). */
export const ADDON_DIR = path.join(__dirname, "..", "..", "prebuilds", `${process.platform}-${process.arch}`);

/** The file of the addon `name` (`lazylab_np`, `lazylab_inflate`) for this platform. */
export function addonPath(name: string): string {
  return path.join(ADDON_DIR, `${name}.node`);
}

/** The addon `name`, or null when it is missing, does not load here, or `LAZYLAB_NATIVE=0`. */
export function loadAddon<T>(name: string): T | null {
  return process.env.LAZYLAB_NATIVE === "0" ? null : requireAddon<T>(name);
}

/**
 * The addon `name` whatever LAZYLAB_NATIVE says (which switches lib/np's loops, not what only
 * the addon can do: the memory probes' accounting, mapping files), or null when it is missing
 * or does not load here.
 */
export function requireAddon<T>(name: string): T | null {
  try {
    return require(addonPath(name)) as T;
  } catch {
    return null;
  }
}
