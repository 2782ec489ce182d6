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
let c: NDArray | undefined;
let f: NDArray | undefined;
let s: NDArray | undefined;
let w: NDArray | undefined;
const g = np.random.defaultRng(11);
const top = x.get("0:1250");
const bottom = x.get("1250:");
const flat = new Float64Array(n * n).fill(0.25);
/**
 * The statements, each with the array it made; `true` marks those that must have taken a freed
 * buffer (the third run finds the first's result dead), so each caller passing `written` is seen
 * to take the path.
 */
const STEPS: [string, () => NDArray, boolean?][] = [
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
  ["c = x.copy()", () => (c = x.copy()), true],
  ["c = x.T.copy() (strided)", () => (c = x.T.copy()), true],
  ["c = x.flatten()", () => (c = x.flatten()), true],
  ["f = x.astype(float32)", () => (f = x.astype("float32")), true],
  ["f = x.astype(int32)", () => (f = x.astype("int32")), true],
  ["s = g.standardNormal", () => (s = g.standardNormal([n, n])), true],
  ["s = g.random", () => (s = g.random([n, n])), true],
  ["s = g.uniform(-1, 2)", () => (s = g.uniform(-1, 2, [n, n])), true],
  ["s = g.normal(1, 2)", () => (s = g.normal(1, 2, [n, n])), true],
  ["s = g.integers(0, 100)", () => (s = g.integers(0, 100, [n, n])), true],
  ["w = where(x > 0, x, 0)", () => (w = np.where(x.gt(0), x, 0)), true],
  ["w = clip(x, -1, 1)", () => (w = np.clip(x, -1, 1)), true],
  ["w = concatenate([top, bottom])", () => (w = np.concatenate([top, bottom])), true],
  ["w = stack([top, bottom])", () => (w = np.stack([top, bottom])), true],
  ["w = arange(n*n)", () => (w = np.arange(n * n)), true],
  ["w = ones", () => (w = np.ones([n, n])), true],
  ["w = full(2.5)", () => (w = np.full([n, n], 2.5)), true],
  // Not marked: while its loop is not yet optimised, cumsum's own garbage (a number boxed per
  // element) runs enough minor collections to promote the result it replaces.
  ["w = cumsum(x)", () => (w = np.cumsum(x))],
  ["w = array(Float64Array)", () => (w = np.array(flat)), true],
  ["f = undefined; z = zeros(float32)", () => ((f = undefined), (z = np.zeros([n, n], { dtype: "float32" })))],
  ["c = s = w = undefined; z = zeros(float64)", () => ((c = s = w = undefined), (z = np.zeros([n, n])))],
];

const readings = STEPS.map(([label, run, mustReuse]) => {
  const before = native!.bufferPool().reuses;
  run();
  run();
  const a = run();
  const keptAfterStatement = native!.bufferPool().keptBytes;
  const parts = footprintParts();
  const sha = createHash("sha256").update(new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength)).digest("hex");
  return { label, mustReuse: !!mustReuse, reused: native!.bufferPool().reuses - before, sha, keptAfterStatement, keptAfterReading: native!.bufferPool().keptBytes, malloc: parts.malloc, arrayBuffers: parts.arrayBuffers };
});
void [y, z, c, f, s, w];
console.log(JSON.stringify({ readings, reuses: native!.bufferPool().reuses }));
