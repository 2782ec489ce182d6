/**
 * The optional native chunk decoding (native/inflate.c, an N-API addon built by `npm run
 * build`): libdeflate's inflate when the build found libdeflate, and HDF5's unshuffle fused
 * with the fill-value mask and the crop to the part of a chunk a read uses. ./codec and
 * ./shuffle use it
 * when it is there and falls back to Node's zlib and JavaScript loops otherwise (no compiler,
 * no libdeflate-dev at build time, or `LAZYLAB_NATIVE=0`; `LAZYLAB_XR_LIBDEFLATE=0` keeps
 * only the inflate in Node's zlib), with the same bytes as the result.
 *
 * Why: on ECCO-like chunks Node's zlib inflated ~0.45 GB/s of output and the JavaScript
 * unshuffle ran at ~0.5 GB/s; libdeflate inflated at ~0.9 GB/s and the C unshuffle at ~7
 * GB/s (bench/HISTORY.md). Each worker thread loads its own instance of the addon.
 */
import { loadAddon } from "../addon";

/** The addon's entry points (native/inflate.c). */
export interface NativeDecoding {
  /** Inflates the zlib stream `src` into `dst`: bytes written, -1 if corrupt, -2 if it does not fit. Only with libdeflate. */
  inflate?(src: Uint8Array, dst: Uint8Array): number;
  /**
   * The shuffled chunk `src` (elements of `size` bytes) unshuffled into `dst`: whole (`runs`
   * null) or the runs (triples: chunk element, output element, elements) of a part; fill
   * values (kind 1: float32, 2: float64; 0: none) become NaN.
   */
  unshuffle(src: Uint8Array, size: number, dst: Uint8Array, runs: Float64Array | null, fillKind: number, fill: number): void;
  /** As unshuffle, for a chunk that was not shuffled. */
  gather(src: Uint8Array, size: number, dst: Uint8Array, runs: Float64Array | null, fillKind: number, fill: number): void;
  /** Fill values → NaN in place (kind 1: float32, 2: float64). */
  mask(data: Uint8Array, fillKind: number, fill: number): void;
}

function load(): NativeDecoding | null {
  const addon = loadAddon<NativeDecoding>("lazylab_inflate");
  // LAZYLAB_XR_LIBDEFLATE=0: Node's zlib inflates, the rest stays native (for tests and measurements).
  if (addon && process.env.LAZYLAB_XR_LIBDEFLATE === "0") return { unshuffle: addon.unshuffle, gather: addon.gather, mask: addon.mask };
  return addon;
}

/** The addon, or null when it is not built or switched off. */
export const native: NativeDecoding | null = load();

/** How chunks are decoded here: "libdeflate" (native inflate and unshuffle), "native unshuffle" (Node's zlib), "javascript". */
export const decodingPath: "libdeflate" | "native unshuffle" | "javascript" = native?.inflate ? "libdeflate" : native ? "native unshuffle" : "javascript";
