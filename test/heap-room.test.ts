/**
 * Room for malloc's main heap to grow (lib/psutil/heap-room.ts, native/np_heap_room.c): no V8
 * code range may land flush against the heap, whose later growth would then come from mmap,
 * with fenceposts counted in the memory figures (about one executor in a hundred before).
 *
 * A process started as the kernel starts its executor (flags, environment, the startup top pad)
 * keeps the room, starts the isolates an executor starts (four long-lived workers), grows the
 * heap by 100 MB of malloc blocks and frees them: the heap must have given back the startup pad
 * and grow in place, no mapping may appear in the room, and the gap above the heap must be too
 * small for a code range. Then the same is read in a real kernel's executor.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { EXECUTOR_FLAGS, executorEnvironment } from "../kernel/executor/supervisor";
import { HEAP_ROOM_BYTES, startupHeapRoomEnvironment } from "../lib/psutil/heap-room";
import { withFreshKernel } from "./fresh-kernel";

/** V8's code range on x64: a free gap this large above the heap could take one. */
const CODE_RANGE_BYTES = 512 * 2 ** 20;
const MB = 2 ** 20;

/** The [heap] mapping and the one after it, from `readMaps()` (source text, run in the processes). */
const HEAP_READER = `
function heapNow() {
  const m = readMaps().trim().split("\\n").map((l) => {
    const [r, perm] = l.split(/\\s+/);
    const [a, b] = r.split("-").map((x) => parseInt(x, 16));
    return { a, b, perm, heap: l.endsWith("[heap]") };
  });
  const i = m.findIndex((x) => x.heap);
  return { start: m[i].a, end: m[i].b, nextStart: m[i + 1].a, nextPerm: m[i + 1].perm };
}`;

interface HeapNow { start: number; end: number; nextStart: number; nextPerm: string }

const SCRIPT = `const readMaps = () => require("fs").readFileSync("/proc/self/maps", "utf8");
${HEAP_READER}
const { Worker } = require("worker_threads");
const atStart = heapNow();
const { keepHeapRoom } = require(${JSON.stringify(path.join(__dirname, "..", "lib", "psutil", "heap-room.js"))});
const kept = keepHeapRoom();
const env = { pad: process.env.MALLOC_TOP_PAD_ ?? null, mark: process.env.LAZYLAB_HEAP_ROOM_TOP_PAD ?? null };
const childEnv = require("child_process").spawnSync("/bin/sh", ["-c", "echo \${MALLOC_TOP_PAD_:-unset}"], { encoding: "utf8" }).stdout.trim();
const workers = [];
const afterWorkers = [];
(async () => {
  for (let k = 0; k < 4; k++) {
    const w = new Worker("setInterval(() => {}, 1000)", { eval: true });
    await new Promise((r) => w.once("online", r));
    workers.push(w);
    afterWorkers.push(heapNow());
  }
  let blocks = [];
  for (let k = 0; k < 2000; k++) blocks.push(Buffer.allocUnsafeSlow(50000));
  const grown = heapNow();
  blocks = null;
  gc(); gc();
  const freed = heapNow();
  for (const w of workers) await w.terminate();
  console.log(JSON.stringify({ atStart, kept, env, childEnv, afterWorkers, grown, freed }));
})();`;

/** A reading as "<MB the heap spans> MB, next mapping <MB above its start> MB (<perm>)". */
function describe(h: HeapNow): string {
  return `${((h.end - h.start) / MB).toFixed(1)} MB, next mapping at +${((h.nextStart - h.start) / MB).toFixed(1)} MB (${h.nextPerm})`;
}

test("an executor-like process keeps room for malloc's heap: no mapping lands in it, the gap above is too small for a code range, the heap grows in place", (t) => {
  const base = executorEnvironment({ ...process.env });
  const env = { ...base, ...startupHeapRoomEnvironment(base) };
  assert.equal(env.MALLOC_TOP_PAD_, String(HEAP_ROOM_BYTES), "the startup environment sets malloc's top pad (the addon is built)");
  const r = spawnSync(process.execPath, [...EXECUTOR_FLAGS, "-e", SCRIPT], { env, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as {
    atStart: HeapNow; kept: { heapStart: number; guardStart: number; guardEnd: number } | null;
    env: { pad: string | null; mark: string | null }; childEnv: string;
    afterWorkers: HeapNow[]; grown: HeapNow; freed: HeapNow;
  };
  const { atStart, kept, afterWorkers, grown, freed } = out;
  t.diagnostic(`heap at start: ${describe(atStart)}; after each worker: ${afterWorkers.map(describe).join("; ")}; grown: ${describe(grown)}; freed: ${describe(freed)}`);
  // Node's first extension of the break already spans the room (the top pad took effect).
  assert.ok(atStart.end - atStart.start >= HEAP_ROOM_BYTES, `the heap spans ${((atStart.end - atStart.start) / MB).toFixed(1)} MB at start`);
  assert.ok(kept, "keepHeapRoom found the heap");
  assert.deepEqual(out.env, { pad: null, mark: null }, "the top pad's variables are out of the environment");
  assert.equal(out.childEnv, "unset", "a child process does not inherit the top pad");
  const floor = atStart.start + HEAP_ROOM_BYTES;
  for (const [k, h] of [...afterWorkers, grown, freed].entries()) {
    assert.equal(h.start, atStart.start, "the heap has not moved");
    assert.ok(h.nextStart >= floor, `reading ${k}: a mapping (${h.nextPerm}) starts ${((h.nextStart - h.start) / MB).toFixed(1)} MB above the heap's start, inside its ${HEAP_ROOM_BYTES / MB} MB room`);
    assert.ok(h.nextStart - h.end < CODE_RANGE_BYTES, `reading ${k}: ${((h.nextStart - h.end) / MB).toFixed(0)} MB free above the heap, room for a code range flush against it`);
  }
  // With the startup pad still in force, malloc would keep the heap HEAP_ROOM_BYTES long.
  const beforeGrowth = afterWorkers[afterWorkers.length - 1];
  assert.ok(beforeGrowth.end - beforeGrowth.start < 64 * MB, `after the workers the heap spans ${describe(beforeGrowth)}: malloc's top pad is not glibc's again`);
  assert.ok(grown.end - beforeGrowth.end >= 90 * MB, `the heap grew in place by ${((grown.end - beforeGrowth.end) / MB).toFixed(1)} MB for 100 MB of blocks`);
});

test("no startup pad where a data-size limit could refuse so large an extension of the break", () => {
  const script = `console.log(JSON.stringify(require(${JSON.stringify(path.join(__dirname, "..", "lib", "psutil", "heap-room.js"))}).startupHeapRoomEnvironment({})))`;
  const env = { ...process.env };
  delete env.MALLOC_TOP_PAD_;
  const run = (limit: string) => spawnSync("/bin/sh", ["-c", `${limit} exec "$0" -e "$1"`, process.execPath, script], { env, encoding: "utf8" });
  const free = run("");
  assert.equal(free.status, 0, free.stderr);
  assert.deepEqual(Object.keys(JSON.parse(free.stdout) as object), ["MALLOC_TOP_PAD_", "LAZYLAB_HEAP_ROOM_TOP_PAD"], "without limits the pad is set");
  const limited = run("ulimit -d 4000000;");
  assert.equal(limited.status, 0, limited.stderr);
  assert.deepEqual(JSON.parse(limited.stdout), {}, "with `ulimit -d` the pad is not set");
});

test("the kernel's executor keeps room for malloc's heap, and its cells' child processes do not inherit the top pad", { timeout: 120_000 }, async () => {
  const text = await withFreshKernel("heap-room", async (run) => {
    await run(`import { readFileSync } from "node:fs";\nconst readMaps = () => readFileSync("/proc/self/maps", "utf8");\n${HEAP_READER}`);
    return run(`console.log(JSON.stringify({ h: heapNow(), pad: process.env.MALLOC_TOP_PAD_ ?? null }))`);
  });
  const { h, pad } = JSON.parse(text.trim()) as { h: HeapNow; pad: string | null };
  assert.equal(pad, null);
  assert.ok(h.nextStart >= h.start + HEAP_ROOM_BYTES, `a mapping (${h.nextPerm}) starts ${((h.nextStart - h.start) / MB).toFixed(1)} MB above the heap's start`);
  assert.ok(h.nextStart - h.end < CODE_RANGE_BYTES, `${((h.nextStart - h.end) / MB).toFixed(0)} MB free above the executor's heap`);
});
