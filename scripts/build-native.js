#!/usr/bin/env node
// Builds lib/np's optional native loops (native/np_*.c → build/Release/lazylab_np.node)
// with node-gyp, which npm bundles. Run by `npm run build`. Never fails the build: without a
// C compiler or Node's headers lib/np keeps its JavaScript loops (same results, slower), and
// this says so. Skips the compile when the addon is newer than its sources.
"use strict";
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const root = path.join(__dirname, "..");
const addon = path.join(root, "build", "Release", "lazylab_np.node");
const sources = ["binding.gyp", ...fs.readdirSync(path.join(root, "native")).map((f) => path.join("native", f))].map((f) => path.join(root, f));

function mtime(f) {
  try {
    return fs.statSync(f).mtimeMs;
  } catch {
    return -1;
  }
}

function fallback(why) {
  console.warn(`lazylab: native loops not built (${why}); lib/np uses its JavaScript loops.`);
  process.exit(0);
}

if (process.env.LAZYLAB_NATIVE === "0") fallback("LAZYLAB_NATIVE=0");
if (mtime(addon) > Math.max(...sources.map(mtime))) process.exit(0);

// npm tells scripts where its node-gyp is; otherwise look beside this node.
const prefix = path.join(path.dirname(process.execPath), "..");
const gyp = [process.env.npm_config_node_gyp, path.join(prefix, "lib", "node_modules", "npm", "node_modules", "node-gyp", "bin", "node-gyp.js")]
  .find((p) => p && fs.existsSync(p));
if (!gyp) fallback("node-gyp not found");
const args = [gyp, "rebuild"];
// Distribution packages of Node ship the headers under <prefix>/include/node: use them
// instead of downloading, unless npm's nodedir setting says otherwise.
if (!process.env.npm_config_nodedir && fs.existsSync(path.join(prefix, "include", "node", "node_api.h"))) args.push(`--nodedir=${prefix}`);
const r = spawnSync(process.execPath, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
if (r.status !== 0) {
  process.stderr.write(r.stdout.slice(-2000) + r.stderr.slice(-4000));
  fallback(`node-gyp exited with ${r.status ?? r.signal}`);
}
console.log(`lazylab: built ${path.relative(root, addon)}`);
