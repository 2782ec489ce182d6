/**
 * The compiler thread's V8 code cache of typescript.js (kernel/compiler/code-cache.ts): written
 * when missing, used when valid, ignored when it belongs to another source or other V8 flags,
 * and the TypeScript it loads is the real one. Each case runs in a fresh Node process, as the
 * compiler thread would (a module cache can hold one typescript only).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import ts from "typescript";
import { KERNEL_NODE_FLAGS } from "../kernel/install/kernelspec";

const dir = mkdtempSync(path.join(os.tmpdir(), "lazylab-code-cache-"));
const cacheFile = path.join(dir, "typescript.v8cache");
const source = readFileSync(require.resolve("typescript"));

/** Loads typescript through the cache in a new process; what it saw, and a cell transpiled by it. */
function load(flags: string[] = KERNEL_NODE_FLAGS): { cached: boolean; version: string; sameModule: boolean; js: string } {
  const script = `
    const { loadTypeScript } = require(${JSON.stringify(path.join(__dirname, "..", "kernel", "compiler", "code-cache.js"))});
    const loaded = loadTypeScript(${JSON.stringify(cacheFile)});
    const ts = require("typescript");
    const js = ts.transpileModule("const x: number = 1 as const; export {}", { compilerOptions: { target: ts.ScriptTarget.ES2022 } }).outputText;
    loaded.saveIfNeeded();
    process.stdout.write(JSON.stringify({ cached: loaded.cached, version: ts.version, sameModule: require("typescript") === ts, js }));`;
  const r = spawnSync(process.execPath, [...flags, "-e", script], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test.after(() => rmSync(dir, { recursive: true, force: true }));

test("typescript loads from source when there is no cache, and the cache is written", () => {
  const first = load();
  assert.equal(first.cached, false);
  const expected = ts.transpileModule("const x: number = 1 as const; export {}", { compilerOptions: { target: ts.ScriptTarget.ES2022 } }).outputText;
  assert.deepEqual(first, { cached: false, version: ts.version, sameModule: true, js: expected });
  const written = readFileSync(cacheFile);
  assert.deepEqual(written.subarray(0, 20), createHash("sha1").update(source).digest(), "the file starts with the source's hash");
  assert.ok(written.length > 1_000_000, `a cache of the warmed-up bundle (${written.length} bytes)`);
});

test("the next process uses the cache and gets the same TypeScript", () => {
  const again = load();
  assert.equal(again.cached, true);
  assert.equal(again.version, ts.version);
  assert.equal(again.js, ts.transpileModule("const x: number = 1 as const; export {}", { compilerOptions: { target: ts.ScriptTarget.ES2022 } }).outputText);
});

test("a cache made for another source is ignored (V8 itself checks only the length)", () => {
  const data = readFileSync(cacheFile);
  writeFileSync(cacheFile, Buffer.concat([Buffer.alloc(20, 7), data.subarray(20)]));
  assert.equal(load().cached, false);
  assert.equal(load().cached, true, "and rewritten for this source");
});

test("a cache made under other V8 flags is refused by V8 and replaced", () => {
  assert.equal(load(["--max-semi-space-size=2"]).cached, false);
  assert.equal(load().cached, false, "the kernel's flags refuse the other flags' cache");
  assert.equal(load().cached, true);
});

test("an unreadable or truncated cache falls back to the source", () => {
  writeFileSync(cacheFile, Buffer.alloc(5));
  assert.equal(load().cached, false);
  writeFileSync(cacheFile, readFileSync(cacheFile).subarray(0, 100_000));
  assert.equal(load().cached, false);
});

/**
 * The compiler thread relaxes the kernel's GC flags while it builds its first checker, then
 * compacts its heap with a gc() it gets by setting --expose-gc for a moment
 * (kernel/compiler/start-gc.ts). V8 keys the cache by the flags in force when it is written.
 */
function saveAfterStartGc(order: "restored, then compacted" | "while relaxed"): void {
  const script = `
    const { loadTypeScript } = require(${JSON.stringify(path.join(__dirname, "..", "kernel", "compiler", "code-cache.js"))});
    const { relaxGcWhileStarting, compactHeap } = require(${JSON.stringify(path.join(__dirname, "..", "kernel", "compiler", "start-gc.js"))});
    const loaded = loadTypeScript(${JSON.stringify(cacheFile)});
    const restore = relaxGcWhileStarting();
    if (${JSON.stringify(order)} === "while relaxed") loaded.saveIfNeeded();
    restore();
    compactHeap();
    loaded.saveIfNeeded();`;
  rmSync(cacheFile, { force: true });
  const r = spawnSync(process.execPath, [...KERNEL_NODE_FLAGS, "-e", script], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
}

test("a cache written once the start's GC flags are restored (and gc() exposed and hidden again) is used by the next kernel", () => {
  saveAfterStartGc("restored, then compacted");
  assert.equal(load().cached, true);
});

test("a cache written while the start's GC flags are relaxed would be refused: the thread writes it after restoring them", () => {
  saveAfterStartGc("while relaxed");
  assert.equal(load().cached, false);
});

test("a compiler thread outside the kernel's flags never rewrites the kernel's shared cache in dist/", () => {
  const { CACHE_FILE } = require("../kernel/compiler/code-cache") as typeof import("../kernel/compiler/code-cache");
  const before = readFileSync(CACHE_FILE);
  // What a test's CompilerClient did in a plain `node`: V8 refuses the cache (other flags), so
  // the thread compiles from source and, before, wrote its own cache over the kernel's.
  const script = `
    const { loadTypeScript } = require(${JSON.stringify(path.join(__dirname, "..", "kernel", "compiler", "code-cache.js"))});
    const loaded = loadTypeScript();
    loaded.saveIfNeeded();
    process.stdout.write(JSON.stringify({ cached: loaded.cached }));`;
  const r = spawnSync(process.execPath, ["-e", script], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { cached: false }, "V8 refused the kernel's cache here, so the path was taken");
  assert.ok(readFileSync(CACHE_FILE).equals(before), "the shared cache is the kernel's still");
  // Under the kernel's flags the same process uses it.
  const k = spawnSync(process.execPath, [...KERNEL_NODE_FLAGS, "-e", script], { encoding: "utf8" });
  assert.deepEqual(JSON.parse(k.stdout), { cached: true });
});
