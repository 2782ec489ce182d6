/**
 * The bookkeeping behind `retainers` (lib/da/registry.ts) holds no lazy array and no array: a
 * loop that makes a lazy array over a fresh array each turn and awaits its compute keeps one
 * turn's array, as NumPy with Dask does (a WeakRef per lazy array kept every turn's source
 * until the loop's cell ended: 7.6 MB a turn), and `retainers` still finds a lazy array that
 * only a closure holds, and forgets it once it is collected.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { da, np, retainers } from "../lib";
import { collectGarbage } from "../lib/psutil/gc";
import { footprint } from "../lib/psutil/footprint";

const MB = 2 ** 20;

test("a loop of awaited computes over lazy arrays of fresh arrays holds one turn's array, not every turn's", async (t) => {
  const source = 1000 * 1000 * 8;
  const readings: number[] = [];
  for (let i = 0; i < 12; i++) {
    const src = np.random.defaultRng(i).random([1000, 1000]);
    const d = da.fromArray(src, { chunks: [250, 250] });
    await d.mul(2).sum().compute();
    collectGarbage();
    readings.push(footprint());
  }
  const grown = readings[readings.length - 1] - readings[1];
  t.diagnostic(`process view from turn 2 to turn 12 (MB): ${readings.slice(1).map((r) => ((r - readings[1]) / MB).toFixed(2)).join(", ")}`);
  // Held every turn's source: 10 more turns, 76 MB. One turn's source held or not: within one.
  assert.ok(grown < source, `the process view grew by ${(grown / MB).toFixed(2)} MB over 10 turns; one turn's array is ${(source / MB).toFixed(2)} MB`);
});

test("retainers finds a lazy array only a closure holds, by name, and forgets it once collected", async () => {
  const a = np.ones([1000]);
  let keep: (() => unknown) | undefined = (() => {
    const d = da.fromArray(a, { chunks: [100] });
    return () => d;
  })();
  const name = (keep() as { name: string }).name;
  const held = retainers(a).holders.map((h) => h.where);
  assert.ok(held.includes(`lazy array ${name} (not in a variable)`), `holders: ${JSON.stringify(held)}`);
  keep = undefined;
  collectGarbage();
  // This process has no --harmony-weak-refs-with-cleanup-some (the executor has): the
  // finalizers run at a turn of the event loop.
  await new Promise((r) => setImmediate(r));
  const after = retainers(a).holders.map((h) => h.where);
  assert.ok(!after.some((w) => w.includes(name)), `still listed after it was collected: ${JSON.stringify(after)}`);
});
