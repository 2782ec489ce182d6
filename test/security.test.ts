/**
 * Security properties that need no running kernel: signatures for every scheme agree with
 * jupyter_client's Session, a message signed with another scheme is refused, the install
 * writes only into the Jupyter data directory it names, and nothing outside the executor
 * evaluates code. The kernel-level checks (sockets, key exposure, sha512 end to end) are in
 * test/python/test_security.py, run below.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { decode, encode, SIGNATURE_SCHEMES, Signer, WireError } from "../kernel/protocol/wire";
import { createMessage } from "../kernel/protocol/messages";
import { ConnectionFileError, readConnectionFile } from "../kernel/protocol/connection";
import { pythonJson } from "./oracle";
import { pythonSuite } from "./python-suite";

const ROOT = path.resolve(__dirname, "..", "..");
const KEY = "5e1c5a6b-security-test-key";

function sample(signer: Signer): Buffer[] {
  const m = createMessage("status", { execution_state: "idle" }, undefined, "session-1");
  return encode(m, signer);
}

test("every supported scheme signs exactly as jupyter_client's Session does", () => {
  const cases = SIGNATURE_SCHEMES.map((scheme) => {
    const f = sample(new Signer(KEY, scheme));
    return { scheme, parts: f.slice(2, 6).map((b) => b.toString("base64")), signature: f[1].toString() };
  });
  const theirs = pythonJson<string[]>(
    `import base64, json, sys
from jupyter_client.session import Session
cases = json.load(sys.stdin)
print(json.dumps([Session(key=${JSON.stringify(KEY)}.encode(), signature_scheme=c["scheme"]).sign([base64.b64decode(p) for p in c["parts"]]).decode() for c in cases]))`,
    JSON.stringify(cases),
  );
  assert.deepEqual(cases.map((c) => c.signature), theirs);
});

test("a message signed with any other scheme, even with the right key, is refused", () => {
  for (const mine of SIGNATURE_SCHEMES) {
    for (const theirs of SIGNATURE_SCHEMES) {
      if (mine === theirs) continue;
      const frames = sample(new Signer(KEY, theirs));
      assert.throws(() => decode(frames, new Signer(KEY, mine)), (e: WireError) => e.fault === "bad-signature", `${theirs} accepted by ${mine}`);
    }
  }
});

test("verify refuses signatures of the wrong length without throwing (timingSafeEqual needs equal lengths)", () => {
  const signer = new Signer(KEY);
  const f = sample(signer);
  for (const sig of [Buffer.alloc(0), Buffer.from("ab"), Buffer.concat([f[1], Buffer.from("0")]), f[1].subarray(0, 63)]) {
    assert.equal(signer.verify(sig, f.slice(2, 6)), false);
  }
  assert.equal(signer.verify(f[1], f.slice(2, 6)), true);
});

test("a connection file naming an unknown scheme is refused, naming it", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "lazylab-sec-"));
  try {
    const file = path.join(dir, "kernel.json");
    const ports = { shell_port: 1, control_port: 2, iopub_port: 3, stdin_port: 4, hb_port: 5 };
    writeFileSync(file, JSON.stringify({ ...ports, ip: "127.0.0.1", key: KEY, signature_scheme: "hmac-whirlpool" }));
    assert.throws(() => readConnectionFile(file), (e: Error) => e instanceof ConnectionFileError && /hmac-whirlpool/.test(e.message));
    writeFileSync(file, JSON.stringify({ ...ports, ip: "127.0.0.1", key: KEY, signature_scheme: "hmac-sha512" }));
    assert.equal(readConnectionFile(file).signature_scheme, "hmac-sha512");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

function listTree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      out.push(path.relative(dir, p) + (e.isDirectory() ? "/" : ""));
      if (e.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out.sort();
}

test("install --prefix writes only the kernelspec under PREFIX/share/jupyter and jupyter finds it there", () => {
  const prefix = mkdtempSync(path.join(os.tmpdir(), "lazylab-prefix-"));
  const home = mkdtempSync(path.join(os.tmpdir(), "lazylab-home-"));
  try {
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home, XDG_DATA_HOME: path.join(home, "xdg-data"), XDG_CONFIG_HOME: path.join(home, "xdg-config"), XDG_CACHE_HOME: path.join(home, "xdg-cache") };
    execFileSync(process.execPath, [path.join(ROOT, "dist", "kernel", "cli.js"), "install", "--prefix", prefix], { env, cwd: home });
    assert.deepEqual(listTree(prefix), [
      "share/", "share/jupyter/", "share/jupyter/kernels/", "share/jupyter/kernels/lazylab/",
      "share/jupyter/kernels/lazylab/kernel.json", "share/jupyter/kernels/lazylab/logo-32x32.png", "share/jupyter/kernels/lazylab/logo-64x64.png",
    ]);
    assert.deepEqual(listTree(home), [], "nothing written to HOME or the XDG dirs");
    const spec = JSON.parse(readFileSync(path.join(prefix, "share/jupyter/kernels/lazylab/kernel.json"), "utf8"));
    assert.equal(spec.argv.at(-1), "{connection_file}");
    assert.equal((statSync(path.join(prefix, "share/jupyter/kernels/lazylab/kernel.json")).mode & 0o022), 0, "not group/world-writable");
    const listed = pythonJson<{ kernelspecs: Record<string, { resource_dir: string }> }>(
      `import json, subprocess, os
print(subprocess.run(["/usr/bin/jupyter", "kernelspec", "list", "--json"], capture_output=True, text=True, env={**os.environ, "JUPYTER_PATH": ${JSON.stringify(path.join(prefix, "share", "jupyter"))}}).stdout)`,
    );
    assert.equal(listed.kernelspecs.lazylab.resource_dir, path.join(prefix, "share/jupyter/kernels/lazylab"));
  } finally {
    rmSync(prefix, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  }
});

test("nothing outside the executor evaluates code (no eval, new Function, vm)", () => {
  const offenders: string[] = [];
  // The one exception: the compiler thread compiles typescript.js (the package's own file,
  // through a V8 code cache), never message content; the file says so and is read here.
  const codeCache = path.join(ROOT, "kernel", "compiler", "code-cache.ts");
  assert.match(readFileSync(codeCache, "utf8"), /const file = require\.resolve\("typescript"\);[\s\S]*readFileSync\(file\)/);
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        if (p !== path.join(ROOT, "kernel", "executor")) walk(p);
      } else if (p.endsWith(".ts") && p !== codeCache) {
        readFileSync(p, "utf8").split("\n").forEach((line, i) => {
          const code = line.replace(/\/\/.*$/, "");
          if (/\beval\s*\(|new\s+Function\s*\(|\bnode:vm\b|from\s+"vm"|runIn(This|New)?Context/.test(code)) offenders.push(`${path.relative(ROOT, p)}:${i + 1}: ${line.trim()}`);
        });
      }
    }
  };
  walk(path.join(ROOT, "kernel"));
  assert.deepEqual(offenders, []);
});

pythonSuite("kernel security via jupyter_client", "test_security", { timeoutMs: 180_000, expectAtLeast: 3 });
