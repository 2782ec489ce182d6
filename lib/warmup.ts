/**
 * Warming the library up before the first memory reading: the first use of a code path
 * compiles it (bytecode, feedback, optimised code), and that memory would otherwise show as
 * the cost of whichever cell used the path first. The kernel's executor runs `warmUpSteps()`
 * at start, the last of which takes the process view's baseline.
 */
import * as np from "./np";
import * as psutil from "./psutil";
import * as da from "./da";
import { computeSync } from "./da/array";
import { getrefcount, getsizeof } from "./sys";
import { mimeBundleOf } from "./display";
import { markGlobalsBaseline } from "./retainers";
import { warmUpHeapReferences, warmUpSnapshotCollection } from "./retainers/heap-references";
import { trackWorkers } from "./psutil/isolates";
import { trackResizableBuffers } from "./psutil/resizable";
import { trackWasmMemories } from "./psutil/wasm";

const extraWarmers: (() => void)[] = [];

/** Lets other library modules (lazy arrays, datasets) add their own warm-up. */
export function addWarmer(fn: () => void): void {
  extraWarmers.push(fn);
}

/**
 * One round of the common paths, in parts of a few ms each on a quiet machine (one operation
 * on a 1000² array is one part), run in this order. Small parts because a first cell that
 * names nothing runs between two of them (docs/kernel.md, "Start"): with the 1000² round as one
 * part (~0.1 s) that cell waited for it.
 */
function exerciseParts(): Array<() => void> {
  let rng!: ReturnType<typeof np.random.defaultRng>;
  const arrays = (shape: number[]): Array<() => void> => {
    let x!: np.NDArray, y!: np.NDArray;
    return [
      () => (x = rng.standardNormal(shape)),
      () => (y = x.pow(2).add(1).mul(x).sub(0.5).div(2)),
      () => y.sum(),
      () => y.mean(),
      () => y.std(),
      () => y.get("0:3").copy(),
      () => x.eq(y).any(),
      () => {
        mimeBundleOf(x.get("0:3"));
        String(x.get("0:3"));
        getsizeof(x);
      },
    ];
  };
  const inOne = (parts: Array<() => void>) => parts.forEach((part) => part());
  return [
    () => {
      rng = np.random.defaultRng(12345);
      inOne(arrays([7]));
      inOne(arrays([50, 40]));
    },
    ...arrays([1000, 1000]),
    () => {
      rng.random([10]);
      rng.integers(0, 10, [10]);
      const log = np.append(np.array([psutil.virtualMemory({ view: "system" }).available]), 1);
      np.diff(log.get("-2:")).at(0);
      for (const v of [np.array([1, 2, 3]), np.array([true, false]), np.arange(5).reshape(5, 1), np.linspace(0, 1, 5)]) {
        mimeBundleOf(v);
        mimeBundleOf(v.add(0).eq(v));
      }
      mimeBundleOf(psutil.virtualMemory({ view: "system" }));
    },
    () => {
      const src = rng.standardNormal([200, 200]);
      const lazy = da.fromArray(src, { chunks: [50, 50] });
      const sq = lazy.pow(2);
      mimeBundleOf(sq);
      computeSync(lazy.get("0:3, 0:3"));
      computeSync(sq.get("0:3, 0:3"));
      computeSync(sq.get("0:50, :"));
      computeSync(sq.sum());
      computeSync(sq.mean({ axis: -1 }));
      getsizeof(sq);
    },
    () => {
      for (const w of extraWarmers) w();
    },
  ];
}

/**
 * Exercises every common path a few times (so optimised code exists before the baseline),
 * then selects the process view and takes its baseline.
 */
export function warmUp(): void {
  for (const step of warmUpSteps()) step();
}

/**
 * warmUp() in steps of a few ms each (on a quiet machine), for a caller that lets other work run between them: the
 * kernel's executor runs a first cell that names nothing (`1+1`) there instead of after the
 * whole warm-up (docs/kernel.md, "Start"). Every step runs, in order, before the baseline.
 */
export function warmUpSteps(): Array<() => void> {
  return [
    () => {
      // Before any thread or WebAssembly memory of the library's own exists: the process view
      // counts them (lib/psutil/footprint.ts).
      trackWorkers();
      trackWasmMemories();
      trackResizableBuffers();
    },
    ...exerciseParts(),
    ...exerciseParts(),
    ...exerciseParts(),
    // Once: it starts a child process (sys.getrefcount reads its heap snapshot in one).
    () => warmUpHeapReferences(() => getrefcount({})),
    () => warmUpSnapshotCollection(),
    () => {
      // Chunk buffers pooled by the warm-up computes must not make the notebook's first compute free.
      da.releasePool();
      markGlobalsBaseline();
      psutil.setView("process");
      psutil.resetBaseline();
    },
  ];
}
