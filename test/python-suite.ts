/**
 * Runs a Python unittest module (tests written against Debian's jupyter_client,
 * jupyter_kernel_test, nbclient) and reports each Python test as a node subtest, so node's
 * summary counts them and a Python failure fails `npm test`.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { test } from "node:test";
import assert from "node:assert/strict";
import { PYTHON } from "./oracle";

const PYTHON_DIR = path.resolve(__dirname, "..", "..", "test", "python");

export interface PythonResult {
  name: string;
  outcome: "ok" | "FAIL" | "ERROR" | "skipped";
  reason: string;
}

export function runPythonSuite(module: string, timeoutMs: number): Promise<{ results: PythonResult[]; output: string; code: number | null }> {
  return new Promise((resolve) => {
    const child = spawn(PYTHON, ["-m", "unittest", "-v", module], { cwd: PYTHON_DIR, env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" } });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      const results: PythonResult[] = [];
      for (const m of output.matchAll(/^(test\w+) \(([\w.]+)\)[^\n]*?\.\.\. (?:\[lazylab\][^\n]*\n)*(ok|FAIL|ERROR|skipped[^\n]*)$/gm)) {
        const outcome = m[3].startsWith("skipped") ? "skipped" : (m[3] as PythonResult["outcome"]);
        results.push({ name: `${m[2].split(".").slice(-1)[0]}.${m[1]}`, outcome, reason: m[3] });
      }
      resolve({ results, output, code });
    });
  });
}

/** Declares one node test per Python test of the module. */
export function pythonSuite(title: string, module: string, opts: { timeoutMs: number; expectAtLeast: number }): void {
  const run = runPythonSuite(module, opts.timeoutMs);
  test(title, { timeout: opts.timeoutMs + 10_000 }, async (t) => {
    const { results, output, code } = await run;
    assert.ok(results.length >= opts.expectAtLeast, `expected ≥ ${opts.expectAtLeast} Python tests, parsed ${results.length}:\n${output.slice(-4000)}`);
    for (const r of results) {
      if (r.outcome === "skipped") {
        await t.test(r.name, { skip: r.reason }, () => undefined);
        continue;
      }
      await t.test(r.name, () => {
        // unittest prints each failure as a block "FAIL: test_name (module.Class.test_name)"
        // between lines of "=" (the verbose listing before them names every test too).
        const method = r.name.split(".")[1];
        const detail = output.split(/^={10,}$/m).find((block) => new RegExp(`^\\s*(?:FAIL|ERROR): ${method} \\(`).test(block)) ?? output.slice(-4000);
        assert.equal(r.outcome, "ok", detail.slice(0, 4000));
      });
    }
    assert.equal(code, 0, `python unittest exited ${code}:\n${output.slice(-4000)}`);
  });
}
