#!/usr/bin/env node
// Writes what the kernel's compiler thread reads at start into dist/ (run by `npm run build`,
// after tsc):
// - dist/node-types-lean.json: the part of Node's types the global scope reaches, which cells
//   that import nothing are checked against (kernel/compiler/node-types.ts). Checked here; if
//   the check fails nothing is written and the kernel uses the full types (more memory).
// - dist/typescript.v8cache: the V8 code cache of TypeScript's bundle (kernel/compiler/code-cache.ts).
//   Only a thread running under the kernel's V8 flags can make one V8 accepts, so this starts
//   a compiler thread the way the kernel does and waits until it has warmed up and written it.
"use strict";
const { spawnSync } = require("node:child_process");
const os = require("node:os");
const path = require("node:path");

const dist = path.join(__dirname, "..", "dist", "kernel");
const { writeLeanNodeTypes } = require(path.join(dist, "compiler", "lean-node-types.js"));
const { LEAN_NODE_TYPES_FILE } = require(path.join(dist, "compiler", "node-types.js"));
const { KERNEL_NODE_FLAGS } = require(path.join(dist, "install", "kernelspec.js"));

const problems = writeLeanNodeTypes(os.tmpdir(), LEAN_NODE_TYPES_FILE);
if (problems.length) {
  console.warn(`lazylab: the lean Node types failed their check, so the kernel uses the full ones:\n  ${problems.slice(0, 20).join("\n  ")}`);
}

const client = path.join(dist, "compiler", "client.js");
// `names` is answered after the warm-up and the cache write, which run before the thread reads requests.
const script = `const { CompilerClient } = require(${JSON.stringify(client)});
const c = new CompilerClient(process.cwd());
c.ready.then(() => c.api.names()).then(() => c.terminate());`;
const r = spawnSync(process.execPath, [...KERNEL_NODE_FLAGS, "-e", script], { stdio: "inherit", cwd: os.tmpdir() });
if (r.status !== 0) {
  // Not fatal: the kernel then compiles TypeScript from source and writes the cache itself.
  console.warn(`lazylab: the TypeScript code cache was not written (exit ${r.status ?? r.signal}); the first kernel start writes it.`);
}
