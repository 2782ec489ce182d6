/**
 * Reads every variable of the files named on the command line through lib/xr, in the
 * decoding path the environment selects (test/xr-native.test.ts runs it with the native
 * addon, with LAZYLAB_XR_LIBDEFLATE=0, with LAZYLAB_NATIVE=0, each with and without decoder
 * threads): whole variables, the first index along the first dimension (part of each chunk),
 * one index per chunk along it, and a corrupt file's error. Prints one JSON object.
 */
import { createHash } from "node:crypto";
import { xr } from "../lib";
import { decodingPath } from "../lib/xr/native";
import type { NDArray } from "../lib/np";

function summary(a: NDArray): { values: (number | null)[]; sha256: string } {
  const data = a.copy().nd.data as Float32Array | Float64Array | Int32Array;
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return { values: Array.from(data, (x) => (Number.isNaN(x) ? null : Number(x))), sha256: createHash("sha256").update(bytes).digest("hex") };
}

async function main(): Promise<void> {
  const [corrupt, ...files] = process.argv.slice(2);
  const results: Record<string, { values: (number | null)[]; sha256: string }> = {};
  for (const file of files) {
    const ds = await xr.openDataset(file);
    for (const [name, v] of Object.entries(ds.dataVars)) {
      const key = `${file.slice(file.lastIndexOf("/") + 1)}:${name}`;
      xr.clearCache();
      results[`${key}:all`] = summary(v.values);
      xr.clearCache();
      results[`${key}:first`] = summary((await v.isel({ [v.dims[0]]: 0 }).compute()).values);
      // One index per chunk along the first dimension: each block is a run inside a chunk.
      const one = await xr.openDataset(file, { chunks: { [v.dims[0]]: 1 } });
      xr.clearCache();
      results[`${key}:one-per-chunk`] = summary((await one.dataVars[name].compute()).values);
      one.close();
    }
    ds.close();
  }
  let error: { name: string; message: string } | undefined;
  try {
    const ds = await xr.openDataset(corrupt);
    xr.clearCache();
    await ds.THETA.isel({ k: 0 }).compute();
  } catch (e) {
    error = { name: (e as Error).name, message: (e as Error).message };
  }
  process.stdout.write(JSON.stringify({ path: decodingPath, results, error }) + "\n");
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
