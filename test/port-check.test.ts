/**
 * The mission's check: `port-check examples/memory-management.ipynb --runs 5` (the shared tool)
 * executes the TypeScript port in five fresh kernels and compares it cell by cell with the
 * Python reference — outputs, memory deltas within tolerance, run-to-run spread ≤ 0.1 MB.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { PYTHON } from "./oracle";

const ROOT = path.resolve(__dirname, "..", "..");
const TOOL = process.env.LAZYLAB_PORT_CHECK ?? path.resolve(ROOT, "..", "shared", "tools", "port-check");

test("port-check examples/memory-management.ipynb --runs 5", { timeout: 600_000 }, () => {
  assert.ok(existsSync(TOOL), `port-check not found at ${TOOL} (set LAZYLAB_PORT_CHECK)`);
  const r = spawnSync(PYTHON, [TOOL, path.join(ROOT, "examples", "memory-management.ipynb"), "--runs", "5", "--kernel", "lazylab"], { encoding: "utf8", timeout: 590_000 });
  const out = `${r.stdout}\n${r.stderr}`;
  const last = r.stdout.trim().split("\n").pop() ?? "";
  assert.match(last, /^port-check: cells 26\/26 equivalent, memory figures 9\/9 within tolerance, max spread 0\.0\d\d MB$/, out);
  assert.equal(r.status, 0, out);
});
