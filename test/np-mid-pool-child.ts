// Run by test/np-mid-pool.test.ts in a process started as the executor is (same flags and
// environment), with lib/np's buffer reuse on (argv[2] "1") or off ("0"): statements that make
// mid-size arrays (16 KiB to 1 MiB) in loops, as a cell re-running `r = v * 2` does. After each
// it drops the last result, collects, reads what the mid-size pool keeps, malloc's count beside mallinfo2's own, the resident
// set, then ends the cell as the executor does (runAfterCell) and takes a memory probe's
// readings; it prints them as JSON with a digest of each statement's last result.
import { createHash } from "node:crypto";

process.env.LAZYLAB_BUFFER_REUSE = process.argv[2];
// Loaded after the switch is set: lib/np reads it once, at load.
/* eslint-disable @typescript-eslint/no-var-requires */
const { np } = require("../lib") as typeof import("../lib");
const { native } = require("../lib/np/native") as typeof import("../lib/np/native");
const { memoryCalls } = require("../lib/psutil/native") as typeof import("../lib/psutil/native");
const { footprintParts } = require("../lib/psutil/footprint") as typeof import("../lib/psutil/footprint");
const { runAfterCell } = require("../lib/notebook/cells") as typeof import("../lib/notebook/cells");
type NDArray = import("../lib/np").NDArray;

const g = np.random.defaultRng(3);
const v5 = g.standardNormal(100_000); // 800 KB: malloc maps each such buffer on its own
const v4 = g.standardNormal(10_000); // 80 KB: from malloc's heap
const f5 = v5.astype("float32");
let r: NDArray | undefined;
const STEPS: [string, () => NDArray][] = [
  ["r = v5 * 2", () => (r = v5.mul(2))],
  ["r = v5 + v5", () => (r = v5.add(v5))],
  ["r = sqrt(abs(v5))", () => (r = np.sqrt(np.abs(v5)))],
  ["r = v4 * 2", () => (r = v4.mul(2))],
  ["r = v5.copy()", () => (r = v5.copy())],
  ["r = f5 * 3 (float32)", () => (r = f5.mul(3))],
  ["r = v5 > 0 (bool)", () => (r = v5.gt(0))],
  ["r = g.standardNormal(100000)", () => (r = g.standardNormal(100_000))],
  ["r = where(v5 > 0, v5, 0)", () => (r = np.where(v5.gt(0), v5, 0))],
  ["r = concatenate([v4, v5])", () => (r = np.concatenate([v4, v5]))],
];

const rss = () => process.memoryUsage().rss;
const readings = STEPS.map(([label, run]) => {
  const before = native!.midPool().reuses;
  let a: NDArray | undefined;
  for (let i = 0; i < 40; i++) a = run();
  const sha = createHash("sha256").update(new Uint8Array(a!.data.buffer, a!.data.byteOffset, a!.data.byteLength)).digest("hex");
  // The last result dropped and collected: the pool (open since the loop's first collection)
  // keeps its buffer, with any others the collection frees.
  a = r = undefined;
  (globalThis as unknown as { gc(o: { type: "minor" }): void }).gc({ type: "minor" });
  const pool = native!.midPool();
  const raw = memoryCalls!.mallocParts();
  const counted = memoryCalls!.mallocInUse();
  const rssBefore = rss();
  runAfterCell();
  const rssAfter = rss();
  const afterCell = native!.midPool();
  const parts = footprintParts();
  return {
    label,
    reused: native!.midPool().reuses - before,
    pooled: pool.pooledBytes,
    uncounted: raw.inUse + raw.mmapped - counted,
    rssDrop: rssBefore - rssAfter,
    pooledAfterCell: afterCell.pooledBytes,
    openAfterCell: afterCell.open,
    sha,
    malloc: parts.malloc,
    arrayBuffers: parts.arrayBuffers,
    pooledAfterReading: native!.midPool().pooledBytes,
  };
});
process.stdout.write(JSON.stringify({ readings }));
