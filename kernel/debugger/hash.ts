/**
 * Where a cell's source is dumped for the debugger, named by its hash as ipykernel names it
 * (ipykernel/compiler.py): JupyterLab's debugger computes the same name from the cell's text
 * with the hash method and seed of debugInfo, so a breakpoint set in the cell's gutter names
 * this file, and lazylab maps the file to the cell's compiled script when that code runs.
 */
import os from "node:os";
import path from "node:path";

/** debugInfo's hashMethod: JupyterLab knows "Murmur2" (its own murmur2 over UTF-8 bytes). */
export const HASH_METHOD = "Murmur2";
/** ipykernel's seed (get_tmp_hash_seed), so both kernels name equal code alike. */
export const HASH_SEED = 0xc70f6907;
export const TMP_FILE_SUFFIX = ".ts";

/** MurmurHash2 (32-bit) of the UTF-8 bytes of `text`, as ipykernel's murmur2_x86. */
export function murmur2(text: string, seed: number): number {
  const data = Buffer.from(text, "utf8");
  const m = 0x5bd1e995;
  const n = data.length;
  let h = (seed ^ n) >>> 0;
  const end = n & ~3;
  for (let i = 0; i < end; i += 4) {
    let k = data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  const rest = n & 3;
  if (rest) {
    let k = 0;
    if (rest === 3) k |= data[end + 2] << 16;
    if (rest >= 2) k |= data[end + 1] << 8;
    k |= data[end];
    h ^= k;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h >>> 0;
}

/**
 * The folder cells are dumped to: one per kernel process, as ipykernel's /tmp/ipykernel_<pid>.
 * Its name holds "ipykernel_" because JupyterLab 4's debugger names a dumped file after its
 * cell ("Cell [3]:2" in the call stack and breakpoints panels) only for paths containing that
 * text (debugger-extension's display providers); any other path is shown as the raw hash path.
 */
export function tmpFilePrefix(pid = process.pid): string {
  return path.join(os.tmpdir(), `lazylab_ipykernel_${pid}`) + path.sep;
}

/** The path a cell's source is dumped to. */
export function cellPath(code: string, prefix = tmpFilePrefix()): string {
  return `${prefix}${murmur2(code, HASH_SEED)}${TMP_FILE_SUFFIX}`;
}
