/**
 * A self-contained task a worker thread can run: a fused expression folded over generated
 * leaves (constants or seeded random streams), produced a piece at a time. Plain data, so it
 * crosses the thread boundary by structured clone.
 */
import type { FoldOp } from "../fuse";
import type { StreamSpec } from "../graph";
import type { BandLeaf, BandPart } from "../fold-block";
import type { Program } from "../machine";
import type { Storage } from "../../np/dtype";

export interface FoldTask {
  kind?: "stream";
  id: number;
  /** The fused expression over v0..vN-1. */
  expr: string;
  fold: FoldOp;
  /** One per leaf: how to produce it, and which block it is. */
  leaves: { spec: StreamSpec; block: readonly number[] }[];
  /** Elements in the block. */
  n: number;
  /** Human-readable task name for errors: `sum-aggregate-0000002a, block (3, 4)`. */
  label: string;
}

/**
 * The bands of one reduction, shared out between the pool's threads. A band is a run of input
 * blocks (usually a row of blocks) whose leaves are already in memory (shared memory, read in
 * place, or small copies): `foldBand`'s or `momentsBand`'s arguments (fold-block.ts), its
 * partials the blocks' ones, one after the other. Each task of the reduction (one per thread)
 * claims the next band from the shared counter `next` until none is left, and writes the
 * band's partials into `out` at the band's `at`. The bands are fixed beforehand and each is
 * computed alone, so which thread computes a band never changes its bits; a thread slowed down
 * by the machine's other work takes fewer.
 * Resolves to the number of bands it computed.
 */
export interface BandsTask {
  kind: "bands";
  id: number;
  expr: string;
  program?: Program;
  fold: BandFold;
  axes: number[];
  bands: { leaves: BandLeaf[]; parts: BandPart[]; at: number; label: string }[];
  /** The partials of every band (a view of a SharedArrayBuffer). */
  out: Float64Array;
  /** [0]: the next band to claim; [1]: blocks whose partials are written (for progress). */
  next: Int32Array;
  label: string;
}

/** What a band computes: a fold of the expression, or var/std's moments on the machine (fold-block.ts, momentsBand). */
export type BandFold = FoldOp | "moments";

/**
 * A worker's share of an elementwise result written in place: the fused expression over the
 * result's rows (leaves in shared memory or small copies), stored into the result's shared
 * buffer. The rows are cut into pieces of `piece` rows; every task of the result claims the
 * next piece from the shared counter `next` until none is left, so a thread slowed down by
 * the machine's other work takes fewer. Resolves to the number of pieces it wrote.
 */
export interface MapTask {
  kind: "map";
  id: number;
  expr: string;
  /** The expression compiled for the native expression machine, if it compiles. */
  program?: Program;
  /** The leaves over the whole result (row 0 at `offset`), strides broadcast to its shape. */
  leaves: { data: Storage; stride: number[]; offset: number }[];
  shape: number[];
  /** The result's buffer (a view of a SharedArrayBuffer), where and how it is written. */
  out: Storage;
  offset: number;
  stride: number[];
  piece: number;
  /** The next piece to claim (one Int32 on a SharedArrayBuffer, shared by the result's tasks). */
  next: Int32Array;
  label: string;
  /**
   * The result is larger than the chunk pool keeps (lib/da/pool.ts, `beyondCap`): the worker
   * collects its young generation once the task is done, so that its copy of the task no longer
   * holds the result's memory when the notebook drops it (freed then, and taken by a later result).
   */
  release: boolean;
}

/** What the pool runs. */
export type PoolTask = FoldTask | BandsTask | MapTask;

/** A task's result; a failure may name the part of the task it failed in (`label`: a band of a {@link BandsTask}). */
export type FoldResult = { id: number; ok: true; acc: number | Float64Array } | { id: number; ok: false; error: string; label?: string };

/** Elements generated per piece: the working memory of a fold task is k × 64 k × 8 bytes. */
export const PIECE = 65536;
