/**
 * lib/np's mid-size arrays (16 KiB to 1 MiB) written in full take the buffers that the cell
 * dropped, kept for them by the addon's pool (native/np_heap.cc, lib/np/dtype.ts), and no memory
 * figure may see that: the same statements run in two processes started as the executor is,
 * with the reuse on and off. With it on, the pool must have handed buffers out, must not be
 * counted by malloc's figure while it holds them, and must be empty (its memory back with the
 * system) once the cell ends; every reading a memory probe takes must be the same as with it
 * off, and the results bit for bit the same.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { native } from "../lib/np/native";
import { runLikeExecutor } from "./executor-process";

interface Reading {
  label: string;
  reused: number;
  pooled: number;
  uncounted: number;
  rssDrop: number;
  pooledAfterCell: number;
  openAfterCell: boolean;
  sha: string;
  malloc: number;
  arrayBuffers: number;
  pooledAfterReading: number;
}

/** How far malloc's bytes in use may differ between two fresh processes doing the same. */
const MALLOC_NOISE = 64 << 10;

const child = (reuse: "0" | "1") => runLikeExecutor<{ readings: Reading[] }>([path.join(__dirname, "np-mid-pool-child.js"), reuse], `np-mid-pool-child ${reuse}`);

test("mid-size arrays take the buffers the cell dropped; the pool is not counted, is empty after the cell, and the readings are those without it", { skip: !native && "native addon not built" }, async () => {
  const [on, off] = [await child("1"), await child("0")];
  for (const [i, a] of on.readings.entries()) {
    const b = off.readings[i];
    // The path ran: 40 runs of the statement found buffers the minor collections had freed.
    assert.ok(a.reused >= 10, `${a.label}: expected buffers reused, got ${a.reused}`);
    assert.equal(b.reused, 0, `${a.label}: reuse off, yet buffers were reused`);
    // While the pool keeps buffers, malloc's figure leaves them out (mallinfo2 counts them); the
    // two readings are taken one after the other, a few hundred bytes apart (Node-API's values).
    assert.ok(a.pooled > 0, `${a.label}: the pool kept nothing of the dropped result`);
    assert.ok(Math.abs(a.uncounted - a.pooled) < 4096, `${a.label}: malloc's figure left out ${a.uncounted} bytes, the pool keeps ${a.pooled}`);
    assert.ok(Math.abs(b.uncounted) < 4096, `${a.label}: reuse off, yet malloc's figure left ${b.uncounted} bytes out`);
    // The cell's end gives everything back and closes the pool; so does a reading.
    assert.equal(a.pooledAfterCell, 0, `${a.label}: the pool still kept bytes after the cell`);
    assert.equal(a.openAfterCell, false, `${a.label}: the pool still open after the cell`);
    assert.equal(a.pooledAfterReading, 0, `${a.label}: the pool kept bytes after a reading`);
    // Results and readings are those without the pool.
    assert.equal(a.sha, b.sha, `${a.label}: the result differs with reuse`);
    assert.ok(Math.abs(a.malloc - b.malloc) < MALLOC_NOISE, `${a.label}: malloc's bytes in use differ with reuse: ${a.malloc} vs ${b.malloc}`);
    assert.equal(a.arrayBuffers, b.arrayBuffers, `${a.label}: the array buffers' bytes differ with reuse`);
  }
  // The 800 KB buffers are each a mapping of their own: given back at the cell's end, they leave
  // the resident set then (at least most of what the pool kept).
  const v5 = on.readings.find((r) => r.label === "r = v5 * 2")!;
  assert.ok(v5.pooled >= 800_000 && v5.rssDrop >= 0.75 * v5.pooled, `the pool kept ${v5.pooled} bytes of 800 KB buffers, the resident set fell by ${v5.rssDrop} at the cell's end`);
});
