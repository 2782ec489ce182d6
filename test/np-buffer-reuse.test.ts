/**
 * lib/np hands a new array that its operation writes in full the buffer of the same size that
 * the collection before it has just freed (lib/np/dtype.ts, native/np_heap.cc), and no memory
 * reading may ever see that: the same statements run in two processes started as the executor
 * is, with the reuse on and off, and every reading a memory probe takes after a statement
 * (the array buffers' bytes, after a full collection, and malloc's bytes in use, to within the
 * few KB two fresh processes differ by) must be the same in both, the reuse window must hold nothing whenever a statement has returned, and the
 * results must be bit for bit the same (a zeros() of a freed buffer's size is still zeros).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { native } from "../lib/np/native";
import { runLikeExecutor } from "./executor-process";

interface Reading {
  label: string;
  mustReuse: boolean;
  reused: number;
  sha: string;
  keptAfterStatement: number;
  keptAfterReading: number;
  malloc: number;
  arrayBuffers: number;
}

/** How far malloc's bytes in use may differ between two fresh processes doing the same. */
const MALLOC_NOISE = 64 << 10;

const child = (reuse: "0" | "1") => runLikeExecutor<{ readings: Reading[]; reuses: number }>([path.join(__dirname, "np-buffer-reuse-child.js"), reuse], `np-buffer-reuse-child ${reuse}`);

test("a reused buffer is never held when a statement returns, and the memory readings are the same as without reuse", { skip: !native && "native addon not built" }, async () => {
  const on = await child("1");
  const off = await child("0");
  // The path ran (else this test would prove nothing): the comparisons and arithmetic found the
  // result they replaced.
  assert.ok(on.reuses >= 4, `expected buffers reused, got ${on.reuses}`);
  assert.equal(off.reuses, 0);
  for (const [i, a] of on.readings.entries()) {
    const b = off.readings[i];
    assert.equal(a.keptAfterStatement, 0, `${a.label}: the window still held a buffer after the statement`);
    assert.equal(a.keptAfterReading, 0, `${a.label}: the window held a buffer after the reading`);
    // Each operation that writes its new output in full (copy, astype, random draws, where,
    // clip, concatenate, stack, arange, ones, full, array) took a freed buffer at least once in
    // its three runs.
    if (a.mustReuse) assert.ok(a.reused > 0, `${a.label}: expected a freed buffer taken, got none`);
    assert.equal(a.sha, b.sha, `${a.label}: the result differs with reuse`);
    // malloc's count differs between two fresh processes by a few KB whatever the mode (V8's
    // own bookkeeping; measured up to 10 KB): a kept buffer is at least 6.25 MB.
    assert.ok(Math.abs(a.malloc - b.malloc) < MALLOC_NOISE, `${a.label}: malloc's bytes in use differ with reuse: ${a.malloc} vs ${b.malloc}`);
    assert.equal(a.arrayBuffers, b.arrayBuffers, `${a.label}: the array buffers' bytes differ with reuse`);
  }
});

test("a re-run statement keeps taking the buffer of the result it replaced once other arrays have grown the memory held: no full collection promotes that result when a freed buffer is already there", { skip: !native && "native addon not built" }, async () => {
  const got = await runLikeExecutor<{ reused: number[] }>([path.join(__dirname, "np-reuse-after-full-child.js")], "np-reuse-after-full-child");
  // Runs 1 and 2 find no dead result (the first is still bound during the second), and the full
  // collection that the three arrays' growth calls for runs at one of them, promoting the result
  // then bound: run 3 cannot free it. From run 4 on, each run takes the result of two runs
  // before, freed by the minor collection; a full collection run there as well (as lib/np did
  // when the growth reached its amount at such a run) promoted the bound result and left the
  // next run without a freed buffer.
  assert.deepEqual(got.reused.slice(3), got.reused.slice(3).map(() => 1), `every run from the fourth took a freed buffer: ${got.reused}`);
});
