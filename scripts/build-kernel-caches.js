#!/usr/bin/env node
// Writes what the kernel's compiler thread reads at start into dist/ (run by `npm run build`,
// after tsc): the V8 code cache of TypeScript's bundle (kernel/compiler/code-cache.ts). The
// compiler thread writes it itself when it is missing or stale, but only a thread running
// under the kernel's V8 flags can (V8 refuses a cache made under other flags), so this starts
// one the way the kernel does and waits until it has warmed up and written the cache.
"use strict";
const { spawnSync } = require("node:child_process");
const path = require("node:path");

const dist = path.join(__dirname, "..", "dist", "kernel");
const { KERNEL_NODE_FLAGS } = require(path.join(dist, "install", "kernelspec.js"));
const client = path.join(dist, "compiler", "client.js");
// `names` is answered after the warm-up and the cache write, which run before the thread reads requests.
const script = `const { CompilerClient } = require(${JSON.stringify(client)});
const c = new CompilerClient(process.cwd());
c.ready.then(() => c.api.names()).then(() => c.terminate());`;
const r = spawnSync(process.execPath, [...KERNEL_NODE_FLAGS, "-e", script], { stdio: "inherit" });
if (r.status !== 0) {
  // Not fatal: the kernel then compiles TypeScript from source and writes the cache itself.
  console.warn(`lazylab: the compiler's caches were not written (exit ${r.status ?? r.signal}); the first kernel start writes them.`);
}
