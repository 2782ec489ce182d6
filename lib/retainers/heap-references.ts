/**
 * The references that hold an object in this process, for `sys.getrefcount`: a heap snapshot
 * of the notebook's thread, read in a child process.
 *
 * Why a child process reads it: reading a snapshot is a few million numbers' worth of hot
 * loops, which V8 optimizes, and the optimized code's data, the loops' feedback and the
 * parsed arrays would stay in (or pass through) the notebook's heap and malloc, moving the
 * memory figure read after getrefcount (measured in this process: +0.025 MB after the first
 * call, +0.038 MB after the second). In the child they vanish with it; what remains here is
 * the snapshot itself, whose traces heap-snapshot.ts gives back, and a spawnSync (~0.1 s).
 */
import { spawnSync } from "node:child_process";
import { unlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { memoryCalls } from "../psutil/native";
import { restoreAfterSnapshot, syntheticHeapSnapshot, writeHeapSnapshot } from "./heap-snapshot";
import type { HeapReference } from "./snapshot-references";

export type { HeapReference };

/** The child process could not read the snapshot. */
export class HeapReferencesError extends Error {
  override name = "HeapReferencesError";
}

/** Holds the target while the snapshot is taken, so its node can be found by this class's name. */
class LazylabReferenceProbe {
  constructor(readonly target: object) {}
}

/** dist/lib/retainers/read-references.js, next to this file once compiled. */
const READER = path.join(__dirname, "read-references.js");

/**
 * Every reference that holds `target`, from a heap snapshot of this thread (a second or two:
 * the snapshot describes the whole heap).
 */
export function heapReferencesTo(target: object): HeapReference[] {
  const probe = new LazylabReferenceProbe(target);
  return referencesInSnapshot(LazylabReferenceProbe.name, (file) => {
    writeSnapshot(file);
    void probe.target; // kept alive until the snapshot is taken
  });
}

/** Writes the snapshot heapReferencesTo reads: V8's, except during warmUpHeapReferences. */
let writeSnapshot: (file: string) => void = writeHeapSnapshot;

/** Writes a snapshot with `write`, has the child read it, removes it. */
function referencesInSnapshot(probeName: string, write: (file: string) => void): HeapReference[] {
  const file = path.join(os.tmpdir(), `lazylab-references-${process.pid}-${Date.now()}.heapsnapshot`);
  try {
    write(file);
    return readInChild(file, probeName);
  } finally {
    try {
      unlinkSync(file);
    } catch {
      /* not written */
    }
  }
}

function readInChild(file: string, probeName: string): HeapReference[] {
  // Plain node, none of the executor's flags or preloads: the child only reads a file.
  const r = spawnSync(process.execPath, [READER, file, probeName], { encoding: "utf8", env: { PATH: process.env.PATH ?? "" }, maxBuffer: 64 << 20 });
  if (r.error) throw new HeapReferencesError(`heap references: cannot run the snapshot reader (${r.error.message})`);
  if (r.status !== 0) throw new HeapReferencesError(`heap references: the snapshot reader failed (exit ${r.status ?? r.signal}): ${r.stderr.trim().split("\n").slice(-3).join(" / ")}`);
  return JSON.parse(r.stdout) as HeapReference[];
}

/**
 * Runs `call` (the caller's `sys.getrefcount` of some object) with heapReferencesTo reading a
 * five-node snapshot written by hand instead of V8's (one child process, ~0.1 s), so that the
 * whole path but V8's snapshot itself has run before the first memory reading. V8 keeps the
 * bytecode and feedback of what has run (the executor allocates feedback up front and never
 * flushes bytecode), and of Node's own modules it runs (child_process's, fs's); the memory
 * figure of the cell calling getrefcount first would otherwise show them. Measured across the
 * first getrefcount in fresh kernels (V8's old space): +8.2 KB when only the reader was warmed
 * (getrefcount, heapReferencesTo, the probe class and writeHeapSnapshot were compiled in that
 * cell), +6.2 KB with the whole path warmed, against +1.2 KB across a cell that does not call
 * it. Most of the rest is V8's own first snapshot: in a kernel whose earlier cell had called
 * getrefcount, the next call grew it by 2.1 KB.
 * The executor calls this in its warm-up (lib/warmup.ts). A failure here is left for
 * getrefcount itself to report.
 */
export function warmUpHeapReferences(call: () => void): void {
  const probeName = LazylabReferenceProbe.name;
  const synthetic = syntheticHeapSnapshot([
    { type: "object", name: "global", edges: [["property", "x", 2], ["element", 0, 2]] },
    { type: "object", name: probeName, edges: [["property", "target", 2]] },
    { type: "object", name: "Object", edges: [] },
    { type: "object", name: "Map", edges: [["internal", "table", 4]] },
    { type: "array", name: "", edges: [["internal", "1", 2]] },
  ]);
  writeSnapshot = (file) => writeHeapSnapshot(file, (f) => writeFileSync(f, synthetic));
  try {
    call();
  } catch {
    /* reported by the first getrefcount */
  } finally {
    writeSnapshot = writeHeapSnapshot;
  }
}

/**
 * Runs, once, the collection a real snapshot starts with (V8's memory-reducing "all available
 * garbage" one, through the addon; ~20 ms, a warm-up step of its own): the process's first
 * such collection gives back malloc memory that later ones do not, and not always the same
 * amount. Measured in fresh kernels without it, malloc's bytes in use across the first
 * getrefcount moved by -9.6 to -6.5 KB (38 kernels); with it (and the heap's room,
 * lib/psutil/heap-room.ts), by -0.2 to +0.4 KB in 39 of 40 kernels and +3.0 KB in one, as
 * across the second call (-1.1 to +0.3 KB). It also leaves the idle executor ~3 MB smaller
 * (63.8-63.9 MB against 67.0-67.2). The collection drops V8's table of external references,
 * which is built again, as after every snapshot.
 */
export function warmUpSnapshotCollection(): void {
  memoryCalls?.reduceHeap?.();
  restoreAfterSnapshot();
}
