// Run by test/np-buffer-reuse.test.ts in a process started as the executor is: a notebook makes
// three 4000×4000 arrays (x and two others it keeps), then re-runs the cell `r = x * x` ten
// times. Making them grows the array buffers held by more than the amount after which lib/np
// runs a full collection before a large buffer (lib/np/dtype.ts). Prints, for each run of the
// cell, how many freed buffers its allocation took.
/* eslint-disable @typescript-eslint/no-var-requires */
const { np } = require("../lib") as typeof import("../lib");
const { native } = require("../lib/np/native") as typeof import("../lib/np/native");
type NDArray = import("../lib/np").NDArray;

const n = 4000;
const x = np.random.defaultRng(3).standardNormal([n, n]);
const kept = [np.zeros([n, n]), np.zeros([n, n]).fill(0.5)];
let r: NDArray | undefined;
const reused: number[] = [];
for (let run = 0; run < 10; run++) {
  const before = native!.bufferPool().reuses;
  r = x.mul(x);
  reused.push(native!.bufferPool().reuses - before);
}
void [r, kept];
console.log(JSON.stringify({ reused }));
export {};
