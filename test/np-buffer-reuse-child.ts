// Run by test/np-buffer-reuse.test.ts in a process started as the executor is (same flags and
// environment): a notebook's statements over 2500×2500 arrays, each run three times as a
// re-run cell would be (the third finds the first's result dead), with lib/np's reuse of a
// just-freed buffer on (argv[2] "1") or off ("0"). After each statement it takes the readings
// a memory probe takes (psutil's footprint parts, after a full collection) and the bytes the
// reuse window holds, and prints them as JSON with a digest of each statement's result.
import { createHash } from "node:crypto";

process.env.LAZYLAB_BUFFER_REUSE = process.argv[2];
// Loaded after the switch is set: lib/np reads it once, at load.
/* eslint-disable @typescript-eslint/no-var-requires */
const { np } = require("../lib") as typeof import("../lib");
const { native } = require("../lib/np/native") as typeof import("../lib/np/native");
const { footprintParts } = require("../lib/psutil/footprint") as typeof import("../lib/psutil/footprint");
type NDArray = import("../lib/np").NDArray;

const n = 2500;
const x = np.random.defaultRng(7).standardNormal([n, n]);
let r: NDArray | undefined;
let y: NDArray | undefined;
let z: NDArray | undefined;
/** The statements, each with the array it made. */
const STEPS: [string, () => NDArray][] = [
  ["r = x > 0", () => (r = x.gt(0))],
  ["r = x > 0 again", () => (r = x.gt(0))],
  ["r = x < 0.5", () => (r = x.lt(0.5))],
  ["y = x * x", () => (y = x.mul(x))],
  ["y = x + 1", () => (y = x.add(1))],
  ["y = sqrt(abs(x))", () => (y = np.sqrt(np.abs(x)))],
  ["r = undefined; z = zeros(bool)", () => ((r = undefined), (z = np.zeros([n, n], { dtype: "bool" })))],
  ["y = undefined; z = zeros(float64)", () => ((y = undefined), (z = np.zeros([n, n])))],
  ["r = x >= 0", () => (r = x.ge(0))],
  ["z = empty-like (zeros) bool", () => (z = np.zeros([n, n], { dtype: "bool" }))],
];

const readings = STEPS.map(([label, run]) => {
  run();
  run();
  const a = run();
  const keptAfterStatement = native!.bufferPool().keptBytes;
  const parts = footprintParts();
  const sha = createHash("sha256").update(new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength)).digest("hex");
  return { label, sha, keptAfterStatement, keptAfterReading: native!.bufferPool().keptBytes, malloc: parts.malloc, arrayBuffers: parts.arrayBuffers };
});
void z;
console.log(JSON.stringify({ readings, reuses: native!.bufferPool().reuses }));
