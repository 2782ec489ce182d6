/**
 * Transparent huge pages only where lazylab advises them (lib/psutil/huge-pages.ts,
 * native/np_memory.c): under the system mode "always" the kernel backs any written 2 MiB
 * stretch of anonymous memory with a huge page when one is free, and the probes, which count
 * WebAssembly memories by their resident pages, then read figures that moved by megabytes from
 * kernel to kernel (the first xr.openDataset of test/xr-loop-figures: 31.39 MB under "madvise",
 * 32.70 or 34.28 MB under "always").
 *
 * What the kernel supports is asked of it by Python's ctypes in a process of its own, which then
 * says what the setting must be; the executor of a real kernel and a plain process that loads
 * lazylab must report that setting, and a process that does not load lazylab keeps the system's.
 * Where the system's mode is "always", a WebAssembly memory written one byte a MiB must hold
 * exactly those pages (skipped under other modes, where nothing would back it with huge pages).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { memoryCalls } from "../lib/psutil/native";
import { PY_HUGE_PAGES_AS_EXECUTOR, pythonJson } from "./oracle";
import { withFreshKernel } from "./fresh-kernel";
import { runLikeExecutor } from "./executor-process";

const THP_PATH = "/sys/kernel/mm/transparent_hugepage/enabled";
const MODE = existsSync(THP_PATH) ? (/\[(\w+)\]/.exec(readFileSync(THP_PATH, "utf8"))?.[1] ?? "") : "";
const PSUTIL = path.join(__dirname, "..", "lib", "psutil", "index.js");
const HUGE_PAGES = path.join(__dirname, "..", "lib", "psutil", "huge-pages.js");
const skip = !memoryCalls?.hugePagesLimit || process.platform !== "linux" ? "no addon, or not Linux" : false;

/** The setting a process that loads lazylab must have, from what the kernel accepts (asked by ctypes in a process that then exits). */
function expectedLimit(): string {
  return pythonJson<string>(`${PY_HUGE_PAGES_AS_EXECUTOR}
import json
print(json.dumps(_huge_pages))`);
}

test("a kernel's executor limits transparent huge pages to the memory lazylab advises, as the kernel supports it, before its first cell", { skip, timeout: 120_000 }, async () => {
  const expected = expectedLimit();
  const text = await withFreshKernel("huge-pages", (run) => run(`console.log(require(${JSON.stringify(HUGE_PAGES)}).hugePagesLimit())`));
  assert.equal(text.trim(), expected);
});

test("a process that loads lazylab's memory probes limits its huge pages too; one that does not keeps the system's mode", { skip }, async () => {
  const expected = expectedLimit();
  const script = (load: boolean) => `${load ? `require(${JSON.stringify(PSUTIL)});` : ""}
console.log(JSON.stringify(require(${JSON.stringify(HUGE_PAGES)}).hugePagesLimit()));`;
  assert.equal(await runLikeExecutor<string>(["-e", script(true)], "a process loading lazylab"), expected);
  assert.equal(await runLikeExecutor<string>(["-e", script(false)], "a process not loading lazylab"), "system", "reading the setting alone changes nothing");
});

test("under the system mode \"always\", a WebAssembly memory written one byte a MiB holds exactly those pages in a process that loads lazylab", { skip: skip || (MODE !== "always" ? `the system's mode is "${MODE || "unknown"}", which gives no huge pages to unadvised memory` : false) }, async () => {
  const script = (load: boolean) => `${load ? `require(${JSON.stringify(PSUTIL)});` : ""}
const { memoryCalls } = require(${JSON.stringify(path.join(__dirname, "..", "lib", "psutil", "native.js"))});
const memory = new WebAssembly.Memory({ initial: 512 });
const bytes = new Uint8Array(memory.buffer);
for (let i = 0; i < bytes.length; i += 1 << 20) bytes[i] = 1;
console.log(JSON.stringify(memoryCalls.residentBytes(memory.buffer)));`;
  // 32 MiB, one byte a MiB: 32 pages of 4 KiB.
  const page = Number(execFileSync("getconf", ["PAGESIZE"], { encoding: "utf8" }).trim());
  assert.equal(await runLikeExecutor<number>(["-e", script(true)], "a WebAssembly memory written one byte a MiB"), 32 * page);
});
