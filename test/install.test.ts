/**
 * How lazylab installs, checked where it is cheap (scripts/check-fresh-install, run by .ci/run,
 * does the installs themselves in a fresh HOME): the README lists the Debian packages the setup
 * script installs; npm ci runs no compiler; `npm pack` ships the built kernel and library and
 * the prebuilt addons, and nothing of the tests, benchmarks or C sources.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { addonPath } from "../lib/addon";

const ROOT = path.resolve(__dirname, "..", "..");
const read = (f: string) => readFileSync(path.join(ROOT, f), "utf8");

test("the README's Debian package list is scripts/install-debian-packages' list, in its order", () => {
  const script = /^PACKAGES=\(([^)]*)\)/m.exec(read("scripts/install-debian-packages"));
  assert.ok(script, "scripts/install-debian-packages has no PACKAGES=(...) line");
  const readme = /these Debian packages[^`]*`([^`]+)`/.exec(read("README.md"));
  assert.ok(readme, "README.md no longer says which Debian packages scripts/setup installs");
  const words = (s: string) => s.trim().split(/\s+/);
  assert.deepEqual(words(readme[1]), words(script[1]));
});

test("npm ci compiles nothing: no install scripts, and npm's implicit node-gyp rebuild switched off", () => {
  const pkg = JSON.parse(read("package.json"));
  // npm runs `node-gyp rebuild` on install for a package with a binding.gyp and no install script, unless gypfile is false.
  assert.ok(existsSync(path.join(ROOT, "binding.gyp")));
  assert.equal(pkg.gypfile, false);
  for (const s of ["preinstall", "install", "postinstall", "prepare"]) assert.equal(pkg.scripts[s], undefined, `package.json has a ${s} script`);
  assert.match(read("scripts/setup"), /^npm ci\b/m);
});

test("npm pack ships the kernel, the library, the lean Node types and the prebuilt addons, and no tests or sources", () => {
  // --ignore-scripts: the file list as it stands, without prepack's build.
  const r = spawnSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: ROOT, encoding: "utf8", env: { ...process.env, npm_config_update_notifier: "false" } });
  assert.equal(r.status, 0, r.stderr);
  const files = new Set<string>((JSON.parse(r.stdout) as { files: { path: string }[] }[])[0].files.map((f) => f.path));
  for (const f of ["package.json", "README.md", "dist/kernel/cli.js", "dist/lib/index.js", "dist/lib/index.d.ts", "dist/lib/addon.js", "dist/node-types-lean.json", "python/lazylab_bridge.py", "python/lazylab_blocks.py"]) {
    assert.ok(files.has(f), `${f} is not packed`);
  }
  for (const name of ["lazylab_np", "lazylab_inflate"]) {
    const addon = path.relative(ROOT, addonPath(name));
    if (existsSync(addonPath(name))) assert.ok(files.has(addon), `${addon} is built but not packed`);
  }
  const unwanted = [...files].filter((f) => /^(dist\/(test|bench)\/|test\/|bench\/|native\/|build\/|scripts\/)|\.map$|\.ts$(?<!\.d\.ts)/.test(f));
  assert.deepEqual(unwanted, []);
});
