#!/usr/bin/env node
// Builds lazylab's optional native addons with node-gyp, which npm bundles. Run by
// `npm run build`, and only by it (package.json's "gypfile": false keeps npm from running
// node-gyp on install):
//   native/np_*.c     → prebuilds/<platform>-<arch>/lazylab_np.node       (lib/np's float64 loops)
//   native/inflate.c  → prebuilds/<platform>-<arch>/lazylab_inflate.node  (lib/xr's chunk decoding;
//                       with libdeflate linked in statically when its headers and archive are
//                       found, else unshuffle only)
// prebuilds/ is what lib/addon.ts loads and what `npm pack` ships, so an install from the
// tarball needs no compiler; build/ is node-gyp's scratch folder.
// Never fails the build: without a C compiler or Node's headers lib/np keeps its JavaScript
// loops and lib/xr its Node-zlib/JavaScript decoding (same results, slower); without
// libdeflate-dev lib/xr inflates with Node's zlib. It says which, in one line; node-gyp's
// own output is shown only when it fails. Skips the compile when the addons are newer than
// their sources and libdeflate's presence has not changed.
"use strict";
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const root = path.join(__dirname, "..");
const release = path.join(root, "build", "Release");
const names = ["lazylab_np", "lazylab_inflate"];
const prebuilds = path.join(root, "prebuilds", `${process.platform}-${process.arch}`);
const addons = names.map((n) => path.join(prebuilds, `${n}.node`));
const sources = ["binding.gyp", ...fs.readdirSync(path.join(root, "native")).map((f) => path.join("native", f))].map((f) => path.join(root, f));
// Read by test/xr-native.test.ts; shipped beside the addons, it says how they were built.
const stamp = path.join(prebuilds, "lazylab-native.json");

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

/**
 * How lazylab_inflate can link libdeflate here: "static" if a shared object including
 * <libdeflate.h> links its archive (the addon then needs no libdeflate where it is installed),
 * "shared" if only the shared library links, "none" otherwise or with LAZYLAB_LIBDEFLATE=0.
 */
function libdeflateLink() {
  if (process.env.LAZYLAB_LIBDEFLATE === "0") return "none";
  const cc = process.env.CC || "cc";
  const program = "#include <libdeflate.h>\nvoid *probe(void) { return libdeflate_alloc_decompressor(); }\n";
  const out = path.join(os.tmpdir(), `lazylab-libdeflate-probe-${process.pid}.so`);
  const links = (lib) => spawnSync(cc, ["-x", "c", "-", "-shared", "-fPIC", "-o", out, lib], { input: program, stdio: ["pipe", "ignore", "ignore"] }).status === 0;
  try {
    return links("-l:libdeflate.a") ? "static" : links("-ldeflate") ? "shared" : "none";
  } finally {
    fs.rmSync(out, { force: true });
  }
}

if (process.env.LAZYLAB_NATIVE === "0") fallback("LAZYLAB_NATIVE=0");
let libdeflate = libdeflateLink();
let previous = null;
try {
  previous = JSON.parse(fs.readFileSync(stamp, "utf8")).link;
} catch {
  /* first build */
}
if (previous === libdeflate && Math.min(...addons.map(mtime)) > Math.max(...sources.map(mtime))) process.exit(0);

// npm tells scripts where its node-gyp is; otherwise look beside this node.
const prefix = path.join(path.dirname(process.execPath), "..");
const gyp = [process.env.npm_config_node_gyp, path.join(prefix, "lib", "node_modules", "npm", "node_modules", "node-gyp", "bin", "node-gyp.js")]
  .find((p) => p && fs.existsSync(p));
if (!gyp) fallback("node-gyp not found");
const args = [gyp, "rebuild", "--loglevel=warn"];
// Distribution packages of Node ship the headers under <prefix>/include/node: use them
// instead of downloading, unless npm's nodedir setting says otherwise.
if (!process.env.npm_config_nodedir && fs.existsSync(path.join(prefix, "include", "node", "node_api.h"))) args.push(`--nodedir=${prefix}`);

// binding.gyp reads LAZYLAB_LIBDEFLATE to link lazylab_inflate with libdeflate.
const build = () => spawnSync(process.execPath, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8", env: { ...process.env, LAZYLAB_LIBDEFLATE: libdeflate } });
let r = build();
if (r.status !== 0 && libdeflate !== "none") {
  // Found by the probe but not usable by node-gyp's flags: build without it rather than lose both addons.
  process.stderr.write(r.stderr.slice(-2000));
  console.warn("lazylab: building lazylab_inflate with libdeflate failed; building it without (lib/xr inflates with Node's zlib).");
  libdeflate = "none";
  r = build();
}
if (r.status !== 0) {
  process.stderr.write(r.stdout.slice(-2000) + r.stderr.slice(-4000));
  fallback(`node-gyp exited with ${r.status ?? r.signal}`);
}
fs.mkdirSync(prebuilds, { recursive: true });
for (const [i, name] of names.entries()) {
  // Copied to a new file and renamed over the old: a process that has the old one loaded keeps it intact.
  const tmp = `${addons[i]}.${process.pid}`;
  fs.copyFileSync(path.join(release, `${name}.node`), tmp);
  fs.renameSync(tmp, addons[i]);
}
fs.writeFileSync(stamp, JSON.stringify({ libdeflate: libdeflate !== "none", link: libdeflate }) + "\n");
console.log(`lazylab: built ${addons.map((a) => path.relative(root, a)).join(", ")}${libdeflate === "none" ? "" : ` (libdeflate linked ${libdeflate === "static" ? "in" : "as a shared library"})`}`);
if (libdeflate === "none") {
  const why = process.env.LAZYLAB_LIBDEFLATE === "0" ? "not used (LAZYLAB_LIBDEFLATE=0)" : "not found (Debian: libdeflate-dev, installed by scripts/install-debian-packages)";
  console.warn(`lazylab: libdeflate ${why}; lib/xr inflates chunks with Node's zlib (same results, slower).`);
}
