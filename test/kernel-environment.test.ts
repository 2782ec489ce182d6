/** The kernelspec's environment: malloc settings for the kernel process, never for the executor; NODE_EXTRA_CA_CERTS for the executor only. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { KERNEL_ENV, KERNEL_NODE_FLAGS, kernelArgv, kernelSpec } from "../kernel/install/kernelspec";
import { executorEnvironment } from "../kernel/executor/supervisor";
import { EXTRA_CA_CERTS_FOR_EXECUTOR } from "../kernel/node-flags";
import { PYTHON } from "./oracle";

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

/**
 * NODE_EXTRA_CA_CERTS: Node parses the file as it starts (0.12 s here), the kernel process makes
 * no TLS connection, and the executor's cells may: the kernelspec's shell moves it aside for the
 * kernel process, and the executor gets it back (kernel/node-flags.ts).
 */
const shellOf = (argv: string[]) => argv.slice(0, argv.indexOf(process.execPath));

test("the kernelspec's command starts the kernel without NODE_EXTRA_CA_CERTS and keeps its value for the executor; no other braces than {connection_file}", () => {
  const argv = kernelArgv("/x/cli.js", "linux");
  assert.equal(argv.at(-1), "{connection_file}");
  assert.deepEqual(argv.flatMap((a) => a.match(/\{[^}]*\}/g) ?? []), ["{connection_file}"]);
  const envAfter = (extra: Record<string, string>) => {
    const r = spawnSync(shellOf(argv)[0], [...shellOf(argv).slice(1), "/usr/bin/env"], { env: { PATH: "/usr/bin:/bin", ...extra }, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    return Object.fromEntries(r.stdout.trim().split("\n").map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));
  };
  const moved = envAfter({ NODE_EXTRA_CA_CERTS: "/etc/corp ca.pem" });
  assert.equal(moved.NODE_EXTRA_CA_CERTS, undefined);
  assert.equal(moved[EXTRA_CA_CERTS_FOR_EXECUTOR], "/etc/corp ca.pem");
  const unset = envAfter({});
  assert.equal(unset.NODE_EXTRA_CA_CERTS, undefined);
  assert.equal(unset[EXTRA_CA_CERTS_FOR_EXECUTOR], undefined);
  // An empty one names no file (Node reads none): left as it is.
  assert.equal(envAfter({ NODE_EXTRA_CA_CERTS: "" }).NODE_EXTRA_CA_CERTS, "");
  assert.deepEqual(kernelArgv("/x/cli.js", "win32"), [process.execPath, ...KERNEL_NODE_FLAGS, "/x/cli.js", "kernel", "-f", "{connection_file}"]);
});

test("the executor gets NODE_EXTRA_CA_CERTS back from where the kernelspec's shell put it", () => {
  const env = executorEnvironment({ ...base, [EXTRA_CA_CERTS_FOR_EXECUTOR]: "/etc/corp.pem" });
  assert.equal(env.NODE_EXTRA_CA_CERTS, "/etc/corp.pem");
  assert.equal(env[EXTRA_CA_CERTS_FOR_EXECUTOR], undefined);
  assert.equal(executorEnvironment({ ...base }).NODE_EXTRA_CA_CERTS, undefined);
  assert.equal(executorEnvironment({ ...base, NODE_EXTRA_CA_CERTS: "/given.pem" }).NODE_EXTRA_CA_CERTS, "/given.pem");
});

const BUNDLE = "/etc/ssl/certs/ca-certificates.crt";
test("in a kernel started through the installed kernelspec, the kernel process has no NODE_EXTRA_CA_CERTS and the executor's cells have the one the launcher was given", { skip: process.platform === "win32" || !existsSync(BUNDLE) ? "no POSIX shell, or no certificate bundle to name" : false }, () => {
  // The kernel through test/python/kernel_client.py (jupyter_client and the installed kernelspec),
  // in a Python process whose environment has the variable or not.
  const seen = (extra: string | undefined) =>
    JSON.parse(
      execFileSync(PYTHON, ["-c", `
import json, sys
sys.path.insert(0, ${JSON.stringify(path.join(__dirname, "..", "..", "test", "python"))})
from kernel_client import Kernel
k = Kernel()
try:
    env = dict(l.split("=", 1) for l in open(f"/proc/{k.pid}/environ").read().split("\\0") if "=" in l)
    _, msgs = k.run("console.log(JSON.stringify([process.env.NODE_EXTRA_CA_CERTS ?? null, process.env.${EXTRA_CA_CERTS_FOR_EXECUTOR} ?? null]))", timeout=60)
    print(json.dumps({"kernel": env.get("NODE_EXTRA_CA_CERTS"), "executor": json.loads(k.text(msgs))}))
finally:
    k.close()
`], { encoding: "utf8", env: { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== "NODE_EXTRA_CA_CERTS")), ...(extra === undefined ? {} : { NODE_EXTRA_CA_CERTS: extra }) } }),
    ) as { kernel: string | null; executor: [string | null, string | null] };
  assert.deepEqual(seen(BUNDLE), { kernel: null, executor: [BUNDLE, null] });
  assert.deepEqual(seen(undefined), { kernel: null, executor: [null, null] });
});
