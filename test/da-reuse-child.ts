/**
 * Lazy results larger than the chunk pool keeps take the memory of the one dropped before them
 * (lib/da/pool.ts, `take`; lib/da/scheduler/worker.ts, `releaseTask`). Run by test/da.test.ts
 * with the executor's flags and environment (`--expose-gc`, finalizers run at `take`). With
 * threads `argv[2]` (1 or 2) and the pool's default cap (256 MB), a 288 MB elementwise result
 * is computed again and again in a loop, the previous one dropped each time: compute i takes
 * the buffer of result i - 2, dropped when `r` took result i - 1 and freed by the collection
 * before compute i's buffer. (A collection in between, as a memory probe's, frees it for good:
 * its memory goes back, as NumPy's does. Below 256 MB the collection before a buffer is a
 * minor one, which frees a dropped result only while it is young: lib/np/dtype.ts,
 * `collectBefore`.)
 * Prints one JSON object: the addon's reuse count after each compute, and whether every result
 * equals the eager one bit for bit.
 */
import { createHash } from "node:crypto";
import { np, da } from "../lib";
import { native } from "../lib/np/native";
import type { NDArray } from "../lib/np";

const sha = (a: NDArray) => createHash("sha256").update(new Uint8Array(a.nd.data.buffer, a.nd.data.byteOffset, a.nd.data.byteLength)).digest("hex");

async function main(): Promise<void> {
  const threads = Number(process.argv[2]);
  da.setProgress(false);
  da.setPoolSize(threads);
  const x = np.random.defaultRng(3).standardNormal([6000, 6000]);
  const want = sha(x.abs().sqrt().mul(2).add(1) as NDArray);
  const d = da.fromArray(x, { chunks: [1000, 1000] });
  const reuses: number[] = [];
  const same: boolean[] = [];
  let r: NDArray | undefined;
  for (let i = 0; i < 6; i++) {
    r = await d.abs().sqrt().mul(2).add(1).compute();
    reuses.push(native!.bufferPool().reuses);
    same.push(sha(r) === want);
  }
  da.shutdownPool();
  console.log(JSON.stringify({ reuses, same, threads: da.poolSize() }));
}

void main();
