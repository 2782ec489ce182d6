#!/usr/bin/env node
// Builds lazylab's optional native addons with node-gyp, which npm bundles. Run by
// `npm run build`:
//   native/np_*.c     → build/Release/lazylab_np.node       (lib/np's float64 loops)
//   native/inflate.c  → build/Release/lazylab_inflate.node  (lib/xr's chunk decoding; with
//                       libdeflate when its headers and library are found, else unshuffle only)
// Never fails the build: without a C compiler or Node's headers lib/np keeps its JavaScript
// loops and lib/xr its Node-zlib/JavaScript decoding (same results, slower); without
// libdeflate-dev lib/xr inflates with Node's zlib. It says which. Skips the compile when the
// addons are newer than their sources and libdeflate's presence has not changed.
"use strict";
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const root = path.join(__dirname, "..");
const release = path.join(root, "build", "Release");
const addons = ["lazylab_np.node", "lazylab_inflate.node"].map((f) => path.join(release, f));
const sources = ["binding.gyp", ...fs.readdirSync(path.join(root, "native")).map((f) => path.join("native", f))].map((f) => path.join(root, f));
const stamp = path.join(root, "build", "lazylab-native.json");

function mtime(f) {
  try {
    return fs.statSync(f).mtimeMs;
  } catch {
    return -1;
  }
}

function fallback(why) {
  console.warn(`lazylab: native addons not built (${why}); lib/np uses its JavaScript loops and lib/xr decodes chunks with Node's zlib and JavaScript.`);
  process.exit(0);
}

/** True if a C program including <libdeflate.h> links with -ldeflate here. */
function haveLibdeflate() {
  if (process.env.LAZYLAB_LIBDEFLATE === "0") return false;
  const cc = process.env.CC || "cc";
  const program = "#include <libdeflate.h>\nint main(void) { struct libdeflate_decompressor *d = libdeflate_alloc_decompressor(); libdeflate_free_decompressor(d); return 0; }\n";
  const out = path.join(require("node:os").tmpdir(), `lazylab-libdeflate-probe-${process.pid}`);
  const r = spawnSync(cc, ["-x", "c", "-", "-o", out, "-ldeflate"], { input: program, stdio: ["pipe", "ignore", "ignore"] });
  fs.rmSync(out, { force: true });
  return r.status === 0;
}

if (process.env.LAZYLAB_NATIVE === "0") fallback("LAZYLAB_NATIVE=0");
let libdeflate = haveLibdeflate();
let previous = null;
try {
  previous = JSON.parse(fs.readFileSync(stamp, "utf8")).libdeflate;
} catch {
  /* first build */
}
if (previous === libdeflate && Math.min(...addons.map(mtime)) > Math.max(...sources.map(mtime))) process.exit(0);

// npm tells scripts where its node-gyp is; otherwise look beside this node.
const prefix = path.join(path.dirname(process.execPath), "..");
const gyp = [process.env.npm_config_node_gyp, path.join(prefix, "lib", "node_modules", "npm", "node_modules", "node-gyp", "bin", "node-gyp.js")]
  .find((p) => p && fs.existsSync(p));
if (!gyp) fallback("node-gyp not found");
const args = [gyp, "rebuild"];
// Distribution packages of Node ship the headers under <prefix>/include/node: use them
// instead of downloading, unless npm's nodedir setting says otherwise.
if (!process.env.npm_config_nodedir && fs.existsSync(path.join(prefix, "include", "node", "node_api.h"))) args.push(`--nodedir=${prefix}`);

// binding.gyp links lazylab_inflate with libdeflate when LAZYLAB_LIBDEFLATE=1.
const build = () => spawnSync(process.execPath, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8", env: { ...process.env, LAZYLAB_LIBDEFLATE: libdeflate ? "1" : "0" } });
let r = build();
if (r.status !== 0 && libdeflate) {
  // Found by the probe but not usable by node-gyp's flags: build without it rather than lose both addons.
  process.stderr.write(r.stderr.slice(-2000));
  console.warn("lazylab: building lazylab_inflate with libdeflate failed; building it without (lib/xr inflates with Node's zlib).");
  libdeflate = false;
  r = build();
}
if (r.status !== 0) {
  process.stderr.write(r.stdout.slice(-2000) + r.stderr.slice(-4000));
  fallback(`node-gyp exited with ${r.status ?? r.signal}`);
}
fs.writeFileSync(stamp, JSON.stringify({ libdeflate }) + "\n");
console.log(`lazylab: built ${addons.map((a) => path.relative(root, a)).join(", ")}`);
if (!libdeflate) {
  const why = process.env.LAZYLAB_LIBDEFLATE === "0" ? "not used (LAZYLAB_LIBDEFLATE=0)" : "not found (Debian: libdeflate-dev, installed by scripts/install-debian-packages)";
  console.warn(`lazylab: libdeflate ${why}; lib/xr inflates chunks with Node's zlib (same results, slower).`);
}
