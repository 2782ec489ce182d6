/** The kernelspec's environment: malloc settings for the kernel process, never for the executor. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { KERNEL_ENV, kernelSpec } from "../kernel/install/kernelspec";
import { executorEnvironment } from "../kernel/executor/supervisor";

const base = { PATH: "/usr/bin", HOME: "/home/u", MY_SETTING: "kept" };

test("the kernelspec sets the kernel process's malloc settings and names them as kernel-only", () => {
  const env = kernelSpec("/x/cli.js").env as Record<string, string>;
  for (const [k, v] of Object.entries(KERNEL_ENV)) assert.equal(env[k], v);
  assert.deepEqual(env.LAZYLAB_KERNEL_ONLY_ENV.split(",").sort(), Object.keys(KERNEL_ENV).sort());
});

test("the executor's environment is the same with or without the kernelspec's settings", () => {
  const withSpec = executorEnvironment({ ...base, ...kernelSpec("/x/cli.js").env });
  assert.deepEqual(withSpec, executorEnvironment({ ...base }));
  assert.equal(withSpec.MALLOC_ARENA_MAX, undefined);
  assert.equal(withSpec.MY_SETTING, "kept");
  assert.equal(withSpec.MALLOC_MMAP_THRESHOLD_, "131072");
});

test("a malloc setting the user gives without the kernel-only marker reaches the executor", () => {
  assert.equal(executorEnvironment({ ...base, MALLOC_ARENA_MAX: "4" }).MALLOC_ARENA_MAX, "4");
});
