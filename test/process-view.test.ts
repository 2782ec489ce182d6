/**
 * What the process view counts beyond the notebook thread's heap and arrays, each category
 * against the RSS change it causes, both measured in a fresh process started as the kernel
 * starts its executor (flags, environment, warmUp).
 *
 * The RSS change a category causes is read as the executor's RSS after a full GC and
 * malloc_trim(0) (so malloc's free lists, which the allocator keeps for later, do not count:
 * a worker building 1e6 objects leaves 8-23 MB of them), less the notebook thread's own V8
 * pages, which V8 commits and gives back on its own schedule (7.7 MB of young generation
 * released in the middle of a run, whatever the cell did). Each category runs five times and
 * the median is compared: RSS alone still moves by a few hundred KB now and then.
 */
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { runLikeExecutor } from "./executor-process";

const ROOT = path.resolve(__dirname, "..", "..");

/** The child: `category(i)` does what is measured (and keeps it alive) in round i. */
function child(setup: string, category: string): string {
  return `
const { psutil, warmUp } = require(${JSON.stringify(path.resolve(__dirname, "../lib"))});
const { memoryCalls } = require(${JSON.stringify(path.resolve(__dirname, "../lib/psutil/native"))});
const v8 = require("node:v8");
warmUp();
const MB = 2 ** 20;
const held = () => {
  psutil.collectGarbage();
  if (memoryCalls) memoryCalls.mallocTrim();
  // The notebook heap counted by its live objects on this side too, as the view counts it: its
  // pages (physical size) move by V8's page decisions, not by what the category made; without
  // adding the live size back, the category's own JS objects (20 zlib streams: 0.05-0.09 MB)
  // were in the view and not in the RSS it was compared with.
  const h = v8.getHeapStatistics();
  return new psutil.Process().memoryInfo().rss - h.total_physical_size + h.used_heap_size;
};
const keep = [];
// A worker that runs \`code\` (which keeps what it made) and then stays, resolved once it has run it.
const holdingWorker = async (code) => {
  const { Worker } = require("node:worker_threads");
  const w = new Worker('const { parentPort } = require("node:worker_threads");' + code +
    'parentPort.on("message", () => {}); parentPort.postMessage("ready");', { eval: true });
  await new Promise((r) => w.once("message", r));
  return w;
};
const ROUNDS = ${ROUNDS};
${setup}
const category = ${category};
(async (t) => {
  await category(-1); // warms the category's code paths up; not measured
  const out = [];
  for (let i = 0; i < ROUNDS; i++) {
    await new Promise((r) => setImmediate(r));
    const v0 = psutil.virtualMemory().available, r0 = held();
    await category(i);
    await new Promise((r) => setImmediate(r));
    const view = (v0 - psutil.virtualMemory().available) / MB, grown = (held() - r0) / MB;
    out.push([view, grown]);
  }
  process.stdout.write(JSON.stringify(out) + "\\n");
  process.exit(0);
})();
`;
}

/**
 * Rounds per category, the median compared. Three were too few for the zlib streams: a round's
 * RSS came out 0.2-0.6 MB low now and then (rounds 1 and 3 of five in two local runs; two of
 * three in a loaded fresh-clone CI run, whose median then missed by 7.5 % while the view read
 * the same 5.80-5.83 MB every round).
 */
const ROUNDS = 5;

/** Runs the category in an executor-like process; asserts the median round is within 5 % of RSS. */
/**
 * `unwrittenMB`: bytes the category holds that it never writes, which RSS never shows and the
 * view counts (malloc's arena chunks; docs/porting.md): the view may exceed RSS by that much.
 */
async function checkCategory(t: TestContext, what: string, setup: string, category: string, atLeastMB: number, unwrittenMB = 0): Promise<void> {
  const rows = await runLikeExecutor<[number, number][]>(["-e", child(setup, category)], what);
  const sorted = [...rows].sort((a, b) => a[1] - b[1]);
  const [view, grown] = sorted[Math.floor(ROUNDS / 2)];
  const detail = `${what}: view vs RSS (MB) per round ${JSON.stringify(rows.map(([v, g]) => [+v.toFixed(3), +g.toFixed(3)]))}`;
  t.diagnostic(detail);
  assert.ok(grown > atLeastMB, `RSS grew ${grown} MB; ${detail}`);
  assert.ok(view - grown <= 0.05 * grown + unwrittenMB && grown - view <= 0.05 * grown, detail);
}

test("process view: 8 MB of WebAssembly memory counts within 5% of the RSS it adds", { timeout: 60_000 }, async (t) => {
  // h5wasm keeps its files' data this way: a memory written to its end.
  await checkCategory(t, "wasm", "", `async (i) => {
    const m = new WebAssembly.Memory({ initial: 128 });
    new Uint8Array(m.buffer).fill(1);
    if (i >= 0) keep.push(m);
  }`, 7.5);
});

// A module that defines a memory of 128 pages (8 MB) and does not export it, with an exported
// fill(value, length): (module (memory 128) (func (export "fill") (param i32 i32)
// (memory.fill (i32.const 0) (local.get 0) (local.get 1)))). JavaScript never sees the memory;
// lib/psutil finds it in the process's mappings (native/np_memory.c, wasmReservedBytes).
const UNEXPORTED = "new Uint8Array([0,97,115,109,1,0,0,0,1,6,1,96,2,127,127,0,3,2,1,0,5,4,1,0,128,1,7,8,1,4,102,105,108,108,0,0,10,13,1,11,0,65,0,32,0,32,1,252,11,0,11])";

test("process view: 8 MB of a WebAssembly memory a module does not export counts within 5% of the RSS it adds", { timeout: 60_000 }, async (t) => {
  await checkCategory(t, "unexported wasm", "", `async (i) => {
    const inst = new WebAssembly.Instance(new WebAssembly.Module(${UNEXPORTED}));
    inst.exports.fill(1, 128 * 65536);
    if (i >= 0) keep.push(inst);
  }`, 7.5);
});

test("process view: WebAssembly memories in a worker, one exported and one not (8 MB each), count once each, within 5% of the RSS they add", { timeout: 120_000 }, async (t) => {
  await checkCategory(t, "wasm in a worker", "", `async (i) => {
    const w = await holdingWorker('const inst = new WebAssembly.Instance(new WebAssembly.Module(${UNEXPORTED})); inst.exports.fill(1, 128 * 65536);' +
      'const m = new WebAssembly.Memory({ initial: 128 }); new Uint8Array(m.buffer).fill(1); globalThis.kept = [inst, m];');
    if (i >= 0) keep.push(w); else await w.terminate();
  }`, 15);
});

// V8 reserves a resizable buffer's largest size and commits pages as it grows, itself: neither
// malloc's count nor the heap saw them (lib/psutil/resizable.ts; 256 MB read as 0.007 MB).
for (const [kind, ctor, grow] of [["resizable", "ArrayBuffer", "resize"], ["growable", "SharedArrayBuffer", "grow"]]) {
  test(`process view: a ${kind} ${ctor} grown to 16 MB and written counts within 5% of the RSS it adds`, { timeout: 60_000 }, async (t) => {
    await checkCategory(t, `${kind} ${ctor}`, "", `async (i) => {
      const b = new ${ctor}(0, { maxByteLength: 64 * MB });
      b.${grow}(16 * MB);
      new Uint8Array(b).fill(1);
      if (i >= 0) keep.push(b);
    }`, 15);
  });
}

test("process view: a resizable ArrayBuffer's copy by structuredClone (16 MB) counts within 5% of the RSS it adds", { timeout: 60_000 }, async (t) => {
  // The engine makes the copy, not the constructor: it read as nothing before structuredClone was looked through.
  await checkCategory(t, "structuredClone of a resizable buffer", "", `async (i) => {
    const b = new ArrayBuffer(0, { maxByteLength: 64 * MB });
    b.resize(16 * MB);
    new Uint8Array(b).fill(1);
    const copy = structuredClone({ nested: [new Map([["k", new Uint8Array(b)]])] });
    b.resize(0);
    if (i >= 0) keep.push(copy);
  }`, 15);
});

// Copies the engine makes in another thread or from bytes: each read as nothing before the
// messages, workerData and v8's deserializer were looked through (lib/psutil/resizable.ts).
// The original is shrunk to nothing, so what counts is the copy: in a worker (with the
// worker's own heap), back in this thread from a worker that has exited, or deserialized here.
const RESIZABLE = "(() => { const b = new ArrayBuffer(0, { maxByteLength: 2 ** 26 }); b.resize(2 ** 24); new Uint8Array(b).fill(1); return b; })()";
for (const [what, copy] of [
  ["posted to a worker", `async () => {
    const w = await holdingWorker('parentPort.once("message", (m) => { globalThis.kept = m; parentPort.postMessage("kept"); });');
    const b = ${RESIZABLE};
    const kept = new Promise((r) => w.once("message", r));
    w.postMessage({ nested: [new Uint8Array(b)] });
    b.resize(0);
    await kept;
    return w;
  }`],
  ["as a worker's workerData", `async () => {
    const { Worker } = require("node:worker_threads");
    const b = ${RESIZABLE};
    const w = new Worker('const { parentPort, workerData } = require("node:worker_threads"); globalThis.kept = workerData;' +
      'parentPort.on("message", () => {}); parentPort.postMessage("ready");', { eval: true, workerData: new Map([["b", b]]) });
    b.resize(0);
    await new Promise((r) => w.once("message", r));
    return w;
  }`],
  ["in a worker's environment data", `async () => {
    const { Worker, setEnvironmentData } = require("node:worker_threads");
    const b = ${RESIZABLE};
    setEnvironmentData("held", { b });
    // The worker never reads it: its copy is made when the worker starts, and held all the same.
    const w = new Worker('const { parentPort } = require("node:worker_threads"); parentPort.on("message", () => {}); parentPort.postMessage("ready");', { eval: true });
    setEnvironmentData("held", undefined);
    b.resize(0);
    await new Promise((r) => w.once("message", r));
    return w;
  }`],
  ["posted from a worker that exited", `async () => {
    const { Worker } = require("node:worker_threads");
    const w = new Worker('require("node:worker_threads").parentPort.postMessage(' + ${JSON.stringify(RESIZABLE)} + ');', { eval: true });
    const exited = new Promise((r) => w.once("exit", r));
    const b = await new Promise((r) => w.once("message", r));
    await exited;
    return b;
  }`],
  ["by v8.deserialize", `async () => {
    const b = ${RESIZABLE};
    const bytes = v8.serialize([b]);
    b.resize(0);
    return v8.deserialize(bytes);
  }`],
] as const) {
  test(`process view: a resizable ArrayBuffer's copy ${what} (16 MB) counts within 5% of the RSS it adds`, { timeout: 120_000 }, async (t) => {
    await checkCategory(t, `resizable copy ${what}`, "", `async (i) => {
      const kept = await (${copy})();
      if (i >= 0) keep.push(kept); else if (kept.terminate) await kept.terminate();
    }`, 15);
  });
}

test("process view: a resizable ArrayBuffer a worker holds (16 MB written) counts within 5% of the RSS it adds", { timeout: 120_000 }, async (t) => {
  await checkCategory(t, "resizable buffer in a worker", "", `async (i) => {
    const w = await holdingWorker('const b = new ArrayBuffer(0, { maxByteLength: 2 ** 26 }); b.resize(2 ** 24); new Uint8Array(b).fill(1); globalThis.kept = b;');
    if (i >= 0) keep.push(w); else await w.terminate();
  }`, 15);
});

// A growable SharedArrayBuffer's copy shares its memory: before, only the thread that made it
// counted it, so a copy outliving the maker counted nowhere (0.00 MB here).
test("process view: a growable SharedArrayBuffer a worker made (16 MB written) and posted here counts once, and still after the worker exits", { timeout: 120_000 }, async (t) => {
  await checkCategory(t, "growable SharedArrayBuffer from an exited worker", "", `async (i) => {
    const { Worker } = require("node:worker_threads");
    const w = new Worker('const { parentPort } = require("node:worker_threads"); const b = new SharedArrayBuffer(0, { maxByteLength: 2 ** 26 }); b.grow(2 ** 24); new Uint8Array(b).fill(1); parentPort.postMessage(b);', { eval: true });
    const exited = new Promise((r) => w.once("exit", r));
    const b = await new Promise((r) => w.once("message", r));
    await exited;
    if (i >= 0) keep.push(b);
  }`, 15);
  await checkCategory(t, "growable SharedArrayBuffer held here and by a worker", "", `async (i) => {
    const b = new SharedArrayBuffer(0, { maxByteLength: 2 ** 26 });
    b.grow(2 ** 24);
    new Uint8Array(b).fill(1);
    const w = await holdingWorker('parentPort.once("message", (b) => { globalThis.kept = b; parentPort.postMessage("got"); });');
    w.postMessage(b);
    await new Promise((r) => w.once("message", r));
    if (i >= 0) keep.push(w, b); else await w.terminate();
  }`, 15);
});

// The worker's young generation grows to 2 x 16 MB while it builds the objects; the probe's
// memory-reducing collection gives it back (lib/psutil/isolate-probe.ts), so this also fails
// if the view counts a young generation the worker no longer holds (85 vs 75-79 MB before).
test("process view: a worker holding 1e6 objects (about 50 MB) counts within 5% of the RSS it adds", { timeout: 180_000 }, async (t) => {
  // Worker is read when the round starts: warmUp() has made every worker answer the probes.
  await checkCategory(t, "worker heap", "", `async (i) => {
    const w = await holdingWorker('const a = []; for (let i = 0; i < 1e6; i++) a.push({ i, x: i * 2 }); globalThis.kept = a;');
    if (i >= 0) keep.push(w); else await w.terminate();
  }`, 45);
});

test("process view: an 8 MB buffer a worker made and transferred counts within 5% of the RSS it adds, after the worker exits", { timeout: 120_000 }, async (t) => {
  await checkCategory(t, "transferred buffer", "", `async (i) => {
    const { Worker } = require("node:worker_threads");
    const w = new Worker(
      'const { parentPort } = require("node:worker_threads");' +
      'const b = new Float64Array(1e6).fill(1.5); parentPort.postMessage(b, [b.buffer]);', { eval: true });
    // Listened for before the message is awaited: a worker that has already ended delivers its
    // message and then "exit" in one go, before an await after the message could listen (the
    // child then ran out of work and exited with nothing printed, seen in 2 of 4 loaded runs).
    const exited = new Promise((r) => w.once("exit", r));
    const b = await new Promise((r) => w.once("message", r));
    await exited;
    if (i >= 0) keep.push(b);
  }`, 7.5);
});

test("process view: 20 zlib deflate streams count within 5% of the RSS they add", { timeout: 120_000 }, async (t) => {
  // 1 MB of random bytes through each, so that zlib has written all of its window, hash and
  // pending buffers (a stream given a few KB holds the same malloc'd bytes, of which RSS shows
  // only the pages written so far: docs/porting.md).
  await checkCategory(t, "zlib streams", `const zlib = require("node:zlib"); const crypto = require("node:crypto");`, `async (i) => {
    const streams = [];
    const written = [];
    for (let j = 0; j < (i >= 0 ? 20 : 1); j++) {
      const d = zlib.createDeflate();
      d.on("data", () => {});
      written.push(new Promise((r) => d.write(crypto.randomBytes(2 ** 20), r)));
      streams.push(d);
    }
    await Promise.all(written);
    if (i >= 0) keep.push(streams);
  }`, 4.5, (20 * 16 * 1024) / 2 ** 20);
  // About 16 KiB of each stream's malloc'd state is never written, even after 1 MB of input:
  // RSS never holds it, while the view counts malloc's arena bytes in use (5.79-5.83 MB against
  // RSS medians of 5.45-5.60 over 20 streams in the fresh-clone CI runs of two sessions). The
  // view does not yet subtract unwritten pages of arena chunks, as it does for mapped ones.
});

/** test/native/malloc-hold.c built with the system's C compiler and Node's headers, or why not. */
function buildMallocHold(): string | { skip: string } {
  const headers = path.join(path.dirname(process.execPath), "..", "include", "node");
  if (!existsSync(path.join(headers, "node_api.h"))) return { skip: `Node's headers not found in ${headers}` };
  const out = path.join(ROOT, "test-output", "process-view");
  mkdirSync(out, { recursive: true });
  const addon = path.join(out, "malloc-hold.node");
  const cc = spawnSync(process.env.CC || "cc", ["-shared", "-fPIC", "-O2", `-I${headers}`, "-o", addon, path.join(ROOT, "test", "native", "malloc-hold.c")], { encoding: "utf8" });
  if (cc.error || cc.status !== 0) return { skip: `no C compiler to build the test addon: ${cc.error?.message ?? cc.stderr}` };
  return addon;
}

test("process view: 16 MB a native addon mallocs and holds counts within 5% of the RSS it adds", { timeout: 120_000 }, async (t) => {
  const addon = buildMallocHold();
  if (typeof addon !== "string") return t.skip(addon.skip);
  // 64 KiB blocks: below the executor's mmap threshold, so from malloc's arenas (as zlib's and
  // libdeflate's are), written in full.
  await checkCategory(t, "addon malloc", `const hold = require(${JSON.stringify(addon)});`, `async (i) => {
    if (i >= 0) hold.hold(16 * 2 ** 20);
  }`, 15);
});

test("the executor's young generation stays at V8's initial capacity through allocation-heavy cells, so no clock-driven shrink lands between two readings", async () => {
  // What a grown young generation does in plain Node (V8's default), and what the executor's flags make of it.
  const script = `
    const v8 = require("node:v8");
    const young = () => { const s = v8.getHeapSpaceStatistics().find((x) => x.space_name === "new_space"); return s.space_used_size + s.space_available_size; };
    gc(); gc();
    const initial = young();
    let keep = [];
    for (let i = 0; i < 1e6; i++) keep.push({ i, s: [i] });
    gc(); gc();
    console.log(JSON.stringify({ initial, after: young() }));`;
  const executor = await runLikeExecutor<{ initial: number; after: number }>(["-e", script], "executor-like process");
  const plain = spawnSync(process.execPath, ["--expose-gc", "-e", script], { encoding: "utf8" });
  const node = JSON.parse(plain.stdout) as { initial: number; after: number };
  // Plain Node grows it (else this test could not fail), the executor does not.
  assert.ok(node.after > node.initial, `plain Node's young generation grew: ${node.initial} -> ${node.after}`);
  assert.equal(executor.after, executor.initial, `executor's young generation: ${executor.initial} -> ${executor.after}`);
});

test("the resizable-buffer wrap is transparent: constructors, instanceof, subclasses, statics; shrunk and dropped buffers leave the count", () => {
  const code = `
const { trackResizableBuffers, resizableBufferBytes: arrayBytes, sharedGrowable, sharedGrowableBytes } = require(${JSON.stringify(path.resolve(__dirname, "../lib/psutil/resizable"))});
// The resizable ArrayBuffers' bytes and the growable SharedArrayBuffers' (each memory once), as the view adds them.
const resizableBufferBytes = () => arrayBytes() + sharedGrowableBytes(sharedGrowable());
const OriginalAB = ArrayBuffer, OriginalSAB = SharedArrayBuffer;
const before = new ArrayBuffer(8);
const cloneLength = structuredClone.length;
trackResizableBuffers();
class Sub extends ArrayBuffer {}
const MB = 2 ** 20;
const r = new ArrayBuffer(0, { maxByteLength: 8 * MB });
r.resize(4 * MB);
new Uint8Array(r).fill(1);
const g = new SharedArrayBuffer(MB, { maxByteLength: 8 * MB });
const out = {
  constructors: [before.constructor === ArrayBuffer, new ArrayBuffer(4).constructor === ArrayBuffer, r.constructor === ArrayBuffer, g.constructor === SharedArrayBuffer],
  instances: [before instanceof ArrayBuffer, before instanceof OriginalAB, r instanceof OriginalAB, g instanceof OriginalSAB, new Sub(4) instanceof ArrayBuffer, new Sub(4) instanceof Sub],
  prototypes: [Object.getPrototypeOf(r) === OriginalAB.prototype, ArrayBuffer.prototype === OriginalAB.prototype, Object.getPrototypeOf(new Sub(2)) === Sub.prototype],
  statics: [ArrayBuffer.isView(new Uint8Array(2)), typeof ArrayBuffer.name, ArrayBuffer.name, ArrayBuffer.length, structuredClone.name, structuredClone.length === cloneLength, structuredClone(new Map([[1, [2]]])).get(1)[0]],
  resizable: [r.resizable, r.maxByteLength, new ArrayBuffer(4).resizable, g.growable],
  counted: [resizableBufferBytes()],
};
r.resize(MB);
out.counted.push(resizableBufferBytes());
out.resizable.push(r.byteLength);
`;
  const tail = `
globalThis.kept = [g, r];
process.stdout.write(JSON.stringify(out));
`;
  // The last reading after the resizable buffer is dropped: a separate script, so nothing holds it.
  const drop = `
(function () {
  const { trackResizableBuffers, resizableBufferBytes } = require(${JSON.stringify(path.resolve(__dirname, "../lib/psutil/resizable"))});
  trackResizableBuffers();
  (() => { const d = new ArrayBuffer(0, { maxByteLength: 2 ** 23 }); d.resize(2 ** 22); new Uint8Array(d).fill(1); })();
  const withIt = resizableBufferBytes();
  // A WeakRef made or read in a job keeps its target alive to the job's end: a cell later reads it.
  setTimeout(() => {
    globalThis.gc();
    process.stdout.write(JSON.stringify([withIt, resizableBufferBytes()]));
  }, 0);
})();
`;
  const run = (src: string, args: string[] = []) => {
    const r = spawnSync(process.execPath, [...args, "-e", src], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout);
  };
  const out = run(code + tail);
  const MB = 2 ** 20;
  assert.deepEqual(out.constructors, [true, true, true, true]);
  assert.deepEqual(out.instances, [true, true, true, true, true, true]);
  assert.deepEqual(out.prototypes, [true, true, true]);
  assert.deepEqual(out.statics, [true, "string", "ArrayBuffer", 1, "structuredClone", true, 2]);
  assert.deepEqual(out.resizable, [true, 8 * MB, false, true, MB]);
  // 4 MB written of the resizable one, resident; the growable one at its length (1 MB).
  assert.deepEqual(out.counted, [4 * MB + MB, MB + MB]);
  assert.deepEqual(run(drop, ["--expose-gc"]), [4 * MB, 0]);
});

test("received messages are looked through for resizable copies, and delivery is unchanged: on, onmessage, addEventListener, BroadcastChannel, receiveMessageOnPort, dispatchEvent", () => {
  const code = `
const { trackResizableBuffers, resizableBufferBytes } = require(${JSON.stringify(path.resolve(__dirname, "../lib/psutil/resizable"))});
const v8 = require("node:v8");
const wt = require("node:worker_threads");
const shape = (f) => [f.name, f.length];
const shapes = [shape(v8.deserialize), shape(v8.Deserializer.prototype.readValue), shape(wt.receiveMessageOnPort), shape(wt.setEnvironmentData)];
trackResizableBuffers();
const MB = 2 ** 20;
const make = (mb) => { const b = new ArrayBuffer(0, { maxByteLength: 8 * MB }); b.resize(mb * MB); new Uint8Array(b).fill(1); return b; };
const kept = [];
const counted = () => resizableBufferBytes() / MB;
(async () => {
  const out = { shapes: [shapes, [shape(v8.deserialize), shape(v8.Deserializer.prototype.readValue), shape(wt.receiveMessageOnPort), shape(wt.setEnvironmentData)]], got: [], counted: [] };
  const { port1, port2 } = new wt.MessageChannel();
  const original = make(1);
  const step = async (what, post, receive) => {
    const got = new Promise(receive);
    post();
    const m = await got;
    out.got.push([what, m.b.byteLength, m.b.resizable, m.n]);
    kept.push(m);
    out.counted.push(counted());
  };
  out.counted.push(counted());
  await step("on", () => port1.postMessage({ b: original, n: 1 }), (r) => port2.once("message", r));
  await step("onmessage", () => port1.postMessage({ b: original, n: 2 }), (r) => { port2.onmessage = (e) => { port2.onmessage = null; r(e.data); }; });
  await step("addEventListener", () => port1.postMessage({ b: original, n: 3 }), (r) => port2.addEventListener("message", (e) => r(e.data), { once: true }));
  const bc1 = new BroadcastChannel("look-through"), bc2 = new BroadcastChannel("look-through");
  await step("BroadcastChannel", () => bc1.postMessage({ b: original, n: 4 }), (r) => { bc2.onmessage = (e) => r(e.data); });
  port1.postMessage({ b: original, n: 5 });
  const received = wt.receiveMessageOnPort(port2);
  out.got.push(["receiveMessageOnPort", received.message.b.byteLength, received.message.b.resizable, received.message.n]);
  kept.push(received);
  out.counted.push(counted());
  // An event dispatched by hand is not a copy: delivered as it is, nothing counted.
  const target = new EventTarget();
  let seen;
  target.addEventListener("message", (e) => { seen = e.detail; });
  target.dispatchEvent(new CustomEvent("message", { detail: 6 }));
  out.got.push(["dispatchEvent", seen]);
  out.counted.push(counted());
  const back = v8.deserialize(v8.serialize({ b: original, n: 7 }));
  out.got.push(["v8.deserialize", back.b.byteLength, back.b.resizable, back.n]);
  kept.push(back);
  out.counted.push(counted());
  bc1.close(); bc2.close(); port1.close();
  process.stdout.write(JSON.stringify(out));
})();
`;
  const r = spawnSync(process.execPath, ["-e", code], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(out.shapes[1], out.shapes[0]);
  const MB = 2 ** 20;
  assert.deepEqual(out.got, [
    ["on", MB, true, 1], ["onmessage", MB, true, 2], ["addEventListener", MB, true, 3], ["BroadcastChannel", MB, true, 4],
    ["receiveMessageOnPort", MB, true, 5], ["dispatchEvent", 6], ["v8.deserialize", MB, true, 7],
  ]);
  // The original, then one more MB with each copy; none for the event dispatched by hand.
  assert.deepEqual(out.counted, [1, 2, 3, 4, 5, 6, 6, 7]);
});
