/**
 * What the process view counts beyond the notebook thread's heap and arrays, each category
 * against the RSS change it causes, both measured in a fresh process started as the kernel
 * starts its executor (flags, environment, warmUp).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { runLikeExecutor } from "./executor-process";

const CHILD = `
const { psutil, warmUp } = require(${JSON.stringify(path.resolve(__dirname, "../lib"))});
warmUp();
const MB = 2 ** 20;
const rss = () => { psutil.collectGarbage(); return new psutil.Process().memoryInfo().rss; };
const h = {};
(async () => {
  const out = [];
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setImmediate(r));
    const v0 = psutil.virtualMemory().available, r0 = rss();
    // 8 MB of WebAssembly memory, written to its end (h5wasm keeps its files' data this way).
    h["m" + i] = new WebAssembly.Memory({ initial: 128 });
    new Uint8Array(h["m" + i].buffer).fill(1);
    await new Promise((r) => setImmediate(r));
    const view = (v0 - psutil.virtualMemory().available) / MB, grown = (rss() - r0) / MB;
    out.push([view, grown]);
  }
  process.stdout.write(JSON.stringify(out) + "\\n");
})();
`;

test("process view: 8 MB of WebAssembly memory counts within 5% of the RSS it adds", { timeout: 60_000 }, async () => {
  const rows = await runLikeExecutor<[number, number][]>(["-e", CHILD], "wasm child");
  // The median of three: RSS alone moves by a few hundred KB now and then (malloc's own pages).
  const sorted = [...rows].sort((a, b) => a[1] - b[1]);
  const [view, grown] = sorted[1];
  assert.ok(grown > 7.5, `RSS grew ${grown} MB: ${JSON.stringify(rows)}`);
  assert.ok(Math.abs(view - grown) <= 0.05 * grown, `view ${view} MB vs RSS ${grown} MB: ${JSON.stringify(rows)}`);
});
