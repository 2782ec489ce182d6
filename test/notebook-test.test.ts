/**
 * `lazylab test`: re-executing notebooks and comparing with their stored outputs. The CLI is run
 * as users run it (a child process on the built dist/kernel/cli.js); its verdicts are checked
 * on the examples, on copies whose stored outputs were altered, and on tagged cells.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pythonJson } from "./oracle";
import { normalise, outputsText } from "../kernel/notebook-test/normalise";
import { unifiedDiff } from "../kernel/notebook-test/diff";
import { compareOutputs } from "../kernel/notebook-test/compare";

const ROOT = path.resolve(__dirname, "..", "..");
const CLI = path.join(ROOT, "dist", "kernel", "cli.js");

function lazylabTest(args: string[], env: NodeJS.ProcessEnv = process.env): { code: number; out: string } {
  const r = spawnSync(process.execPath, [CLI, "test", ...args], { encoding: "utf8", timeout: 300_000, env });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

interface Cell { source: string; outputs: unknown[]; tags?: string[]; metadata?: Record<string, unknown> }
function writeNotebook(dir: string, name: string, cells: Cell[]): string {
  const nb = {
    nbformat: 4, nbformat_minor: 5,
    metadata: { kernelspec: { name: "lazylab", display_name: "TypeScript (lazylab)", language: "typescript" } },
    cells: cells.map((c, i) => ({ cell_type: "code", id: `c${i}`, execution_count: null, metadata: { ...c.metadata, ...(c.tags ? { tags: c.tags } : {}) }, source: c.source, outputs: c.outputs })),
  };
  const file = path.join(dir, name);
  writeFileSync(file, JSON.stringify(nb, null, 1));
  return file;
}
const stdout = (text: string) => ({ output_type: "stream", name: "stdout", text });
const result = (plain: string, rich: Record<string, string> = {}) => ({ output_type: "execute_result", execution_count: 1, metadata: {}, data: { "text/plain": plain, ...rich } });
const error = (ename: string, evalue: string) => ({ output_type: "error", ename, evalue, traceback: [`${ename}: ${evalue}`] });

/** The JUnit report as a JUnit consumer reads it (Python's XML parser). */
function readJunit(file: string) {
  return pythonJson<{ suites: number; tests: number; failures: number; skipped: number; failed: string[]; text: string }>(
    `import json, xml.etree.ElementTree as ET
root = ET.parse(${JSON.stringify(file)}).getroot()
cases = root.findall('./testsuite/testcase')
failed = [c for c in cases if c.find('failure') is not None]
print(json.dumps({"suites": len(root.findall('testsuite')), "tests": len(cases), "failures": int(root.get('failures')),
  "skipped": len([c for c in cases if c.find('skipped') is not None]),
  "failed": [c.get('name') for c in failed], "text": failed[0].find('failure').text or "" if failed else ""}))`,
  );
}

test("every example notebook passes against its stored outputs (what docs/notebook-test.md's `npx lazylab test examples/*.ipynb` runs)", { timeout: 600_000 }, () => {
  const notebooks = readdirSync(path.join(ROOT, "examples")).filter((f) => f.endsWith(".ipynb")).sort();
  assert.ok(notebooks.length >= 5, `examples: ${notebooks.join(", ")}`);
  const r = lazylabTest(notebooks.map((f) => path.join(ROOT, "examples", f)));
  assert.equal(r.code, 0, r.out);
  const last = r.out.trim().split("\n").pop()!;
  const m = /^(\d+) passed, 0 failed$/.exec(last);
  assert.ok(m, `summary line: ${last}`);
  const cells = notebooks.map(
    (f) => (JSON.parse(readFileSync(path.join(ROOT, "examples", f), "utf8")) as { cells: { cell_type: string }[] }).cells.filter((c) => c.cell_type === "code").length,
  );
  assert.equal(Number(m[1]), cells.reduce((a, b) => a + b, 0), "every code cell was tested");
});

test("an altered stored output fails with a readable diff, a non-zero exit and a JUnit report", { timeout: 200_000 }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), "lazylab-nbtest-"));
  try {
    const file = path.join(dir, "hello.ipynb");
    copyFileSync(path.join(ROOT, "examples", "hello.ipynb"), file);
    const nb = JSON.parse(readFileSync(file, "utf8"));
    const code = nb.cells.filter((c: { cell_type: string }) => c.cell_type === "code");
    code[0].outputs[0].text = ["hello, wrold\n"];
    writeFileSync(file, JSON.stringify(nb));
    const junit = path.join(dir, "report.xml");
    const r = lazylabTest([file, "--junit", junit]);
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /FAIL cell 1: console\.log\("hello, world"\)/);
    assert.match(r.out, /^\s+-hello, wrold$/m, "the stored line is shown as removed");
    assert.match(r.out, /^\s+\+hello, world$/m, "the fresh line is shown as added");
    assert.match(r.out.trim().split("\n").pop()!, new RegExp(`^${code.length - 1} passed, 1 failed$`));
    const rep = readJunit(junit);
    assert.equal(rep.suites, 1);
    assert.equal(rep.tests, code.length);
    assert.equal(rep.failures, 1);
    assert.match(rep.failed[0], /^cell 1: /);
    assert.match(rep.text, /-hello, wrold/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("memory figures within the tolerance flag, levels ignored, tags honoured", { timeout: 200_000 }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), "lazylab-nbtest-"));
  try {
    const file = writeNotebook(dir, "tags.ipynb", [
      // Stored 0.1 MB away from what the cell prints now.
      { source: 'console.log("Change in available memory: -7.63 MB (available 23431.1 MB)")', outputs: [stdout("Change in available memory: -7.53 MB (available 11111.1 MB)\n")] },
      { source: "Math.random()", outputs: [result("0.123")], tags: ["lazylab-ignore-output"] },
      { source: "np.random.defaultRng().standardNormal([2, 3])", outputs: [result("array([[ 0.1, -2.3,  1.0],\n       [ 1.5e-04, 3.2e+00, 4.0]])", { "text/html": "<table>...</table>" })], tags: ["lazylab-random-output"] },
      { source: 'throw new Error("never run")', outputs: [], tags: ["nbval-skip"] },
      { source: "1 + 1", outputs: [result("2")] },
      { source: "Date.now()", outputs: [result("1")], metadata: { lazylab: { test: "ignore-output" } } },
      { source: 'throw new TypeError("bad " + "input")', outputs: [error("TypeError", "bad input")] },
    ]);
    const loose = lazylabTest([file, "--memory-tolerance", "0.25"]);
    assert.equal(loose.code, 0, loose.out);
    assert.match(loose.out, /^6 passed, 0 failed, 1 skipped$/m);
    const strict = lazylabTest([file, "--memory-tolerance", "0.05"]);
    assert.equal(strict.code, 1, strict.out);
    assert.match(strict.out, /memory figure 1: stored -7\.53 MB, fresh -7\.63 MB \(differ by 0\.100 MB, tolerance 0\.05 MB\)/);
    assert.match(strict.out, /^5 passed, 1 failed, 1 skipped$/m);
    // Without their tags, the unseeded draw and the clock fail; so does an altered error.
    const untagged = writeNotebook(dir, "untagged.ipynb", [
      { source: "Math.random()", outputs: [result("0.123")] },
      { source: "Date.now()", outputs: [result("1")] },
      { source: 'throw new TypeError("bad " + "input")', outputs: [error("TypeError", "bad inptu")] },
    ]);
    const u = lazylabTest([untagged]);
    assert.equal(u.code, 1, u.out);
    assert.match(u.out, /^\s+-0\.123$/m);
    assert.match(u.out, /FAIL cell 2: Date\.now\(\)/);
    assert.match(u.out, /^\s+-\[error\] TypeError: bad inptu$/m);
    assert.match(u.out, /^\s+\+\[error\] TypeError: bad input$/m);
    assert.match(u.out, /^0 passed, 3 failed$/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("bad input: missing file, not a notebook, unknown or broken kernel, bad options", { timeout: 60_000 }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), "lazylab-nbtest-"));
  try {
    const missing = lazylabTest([path.join(dir, "nope.ipynb")]);
    assert.equal(missing.code, 1);
    assert.match(missing.out, /cannot read notebook .*nope\.ipynb: no such file/);
    const bad = path.join(dir, "bad.ipynb");
    writeFileSync(bad, "{ not json");
    assert.match(lazylabTest([bad]).out, /bad\.ipynb is not a notebook: invalid JSON/);
    const notNb = path.join(dir, "other.ipynb");
    writeFileSync(notNb, JSON.stringify({ name: "package.json, not a notebook" }));
    assert.match(lazylabTest([notNb]).out, /other\.ipynb is not a notebook: it has no cells list/);
    const v3 = path.join(dir, "v3.ipynb");
    writeFileSync(v3, JSON.stringify({ nbformat: 3, nbformat_minor: 0, cells: [] }));
    assert.match(lazylabTest([v3]).out, /v3\.ipynb: nbformat 3 is not supported \(only 4\)/);
    const badMeta = writeNotebook(dir, "meta.ipynb", [{ source: "1", outputs: [], metadata: { lazylab: { test: "maybe" } } }]);
    assert.match(lazylabTest([badMeta]).out, /meta\.ipynb: code cell 1 has metadata lazylab\.test = "maybe"; expected one of "skip", "ignore-output", "random-output"/);
    const nb = writeNotebook(dir, "ok.ipynb", [{ source: "1", outputs: [result("1")] }]);
    const k = lazylabTest([nb, "--kernel", "no-such-kernel"]);
    assert.equal(k.code, 1);
    assert.match(k.out, /no kernelspec named "no-such-kernel"/);
    // Kernelspecs that cannot start: one exits at once (its stderr is shown), one names a
    // program that does not exist.
    const jupyter = path.join(dir, "jupyter");
    const spec = (name: string, argv: string[]) => {
      mkdirSync(path.join(jupyter, "kernels", name), { recursive: true });
      writeFileSync(path.join(jupyter, "kernels", name, "kernel.json"), JSON.stringify({ argv, display_name: name, language: "typescript" }));
    };
    spec("exits", [process.execPath, "-e", 'console.error("cannot bind: broken on purpose"); process.exit(3)', "{connection_file}"]);
    spec("absent", [path.join(dir, "no-such-program"), "{connection_file}"]);
    // A TMPDIR of their own shows what the failed launches left behind: nothing.
    const tmp = path.join(dir, "tmp");
    mkdirSync(tmp);
    const env = { ...process.env, JUPYTER_PATH: jupyter, TMPDIR: tmp };
    assert.match(lazylabTest([nb, "--kernel", "no-such-kernel"], env).out, /no kernelspec named "no-such-kernel"/);
    const exits = lazylabTest([nb, "--kernel", "exits"], env);
    assert.equal(exits.code, 1, exits.out);
    assert.match(exits.out, /ERROR the kernel exited \(code 3\) cannot bind: broken on purpose/);
    assert.match(exits.out, /^0 passed, 1 failed$/m);
    const absent = lazylabTest([nb, "--kernel", "absent"], env);
    assert.equal(absent.code, 1, absent.out);
    assert.match(absent.out, /ERROR cannot start kernel .*no-such-program: spawn .*ENOENT/);
    assert.deepEqual(readdirSync(tmp), [], "no connection files left behind");
    const opt = lazylabTest([nb, "--memory-tolerance", "lots"]);
    assert.equal(opt.code, 2);
    assert.match(opt.out, /--memory-tolerance must be a non-negative number, got "lots"/);
    assert.equal(lazylabTest([]).code, 2);
    const unwritable = lazylabTest([notNb, "--junit", path.join(dir, "no-such-dir", "r.xml")]);
    assert.equal(unwritable.code, 2);
    assert.match(unwritable.out, /cannot write the JUnit report to .*no-such-dir\/r\.xml: ENOENT/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a cell past --timeout fails by name; the cells after it are reported as not run", { timeout: 120_000 }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), "lazylab-nbtest-"));
  try {
    const file = writeNotebook(dir, "slow.ipynb", [
      { source: "1", outputs: [result("1")] },
      { source: "const until = Date.now() + 60_000;\nwhile (Date.now() < until) {}", outputs: [] },
      { source: "2", outputs: [result("2")] },
    ]);
    const junit = path.join(dir, "slow.xml");
    const t0 = Date.now();
    const r = lazylabTest([file, "--timeout", "3", "--junit", junit]);
    assert.ok(Date.now() - t0 < 45_000, "the busy kernel was not waited for");
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /FAIL cell 2: const until = Date\.now\(\) \+ 60_000; \(the cell did not finish within 3 s\)/);
    assert.match(r.out, /skip cell 3: 2 \(not run: cell 2 failed to run\)/);
    assert.match(r.out, /^1 passed, 1 failed, 1 skipped$/m);
    const rep = readJunit(junit);
    assert.deepEqual([rep.tests, rep.failures, rep.skipped], [3, 1, 1]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("normalisation: addresses, timings, dates, memory changes and levels", () => {
  const n = normalise("at 0x7ffd5e8a1b2c took 12.5 ms on 2026-11-25T07:00:01.123Z\nChange: -7.63 MB (available 23431.1 MB, total=24000 MB)");
  assert.equal(n.text, "at 0x<addr> took <time> on <date>\nChange: <mem> MB (available <level> MB, total=<level> MB)");
  assert.deepEqual(n.memory.map((f) => [f.printed, f.mb]), [["-7.63 MB", -7.63]]);
  assert.equal(normalise("array([[ 0.1, -2.3]])", true).text, normalise("array([[1.5e-04,  3.2e+00]])", true).text);
  assert.notEqual(normalise("array([[ 0.1, -2.3]])", true).text, normalise("array([[ 0.1, -2.3, 4.0]])", true).text);
  const text = outputsText([
    { output_type: "stream", name: "stdout", text: "a\n" },
    { output_type: "stream", name: "stdout", text: ["b\n"] },
    { output_type: "display_data", data: { "text/plain": "x", "text/html": "<b>x</b>" } },
    { output_type: "error", ename: "TypeError", evalue: "boom" },
  ]);
  assert.equal(text, "[stdout]\na\nb\n[display_data +text/html]\nx\n[error] TypeError: boom");
  assert.equal(unifiedDiff("a\nb\nc", "a\nB\nc"), "--- stored\n+++ fresh\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c");
  assert.equal(unifiedDiff("", "[execute_result]\n1"), "--- stored (no output)\n+++ fresh\n@@ -0,0 +1,2 @@\n+[execute_result]\n+1");
});

test("memory tolerance is in MB whatever the printed unit, plus the printed figures' rounding", () => {
  const out = (text: string) => [{ output_type: "stream", name: "stdout", text }];
  const ok = (a: string, b: string, tol: number) => compareOutputs(out(a), out(b), { memoryTolerance: tol }).ok;
  assert.ok(ok("-7.53 MB", "-7.63 MB", 0.25));
  assert.ok(!ok("-7.53 MB", "-7.63 MB", 0.05));
  // 188 KB apart is 0.18 MB.
  assert.ok(ok("512 KB", "700 KB", 0.25));
  assert.ok(!ok("512 KB", "700 KB", 0.1));
  assert.ok(!ok("1.5 GiB", "1.7 GiB", 0.25), "two tenths of a GiB are 205 MB, rounding allows 102");
  // "12 MB" is anything from 11.5 to 12.5: neighbours in the last printed place may be equal.
  assert.ok(ok("12 MB", "13 MB", 0));
  assert.ok(!ok("12 MB", "14 MB", 0));
  assert.ok(ok("5.340576171875e-05 MB", "5.3e-05 MB", 0));
  assert.match(compareOutputs(out("x 100 B"), out("x 3000000 B"), { memoryTolerance: 0.25 }).detail, /memory figure 1: stored 100 B, fresh 3000000 B \(differ by 2\.861 MB, tolerance 0\.25 MB\)/);
  // A unit that changed is a text difference, shown as a diff.
  assert.match(compareOutputs(out("7 MB"), out("7 KB"), { memoryTolerance: 0.25 }).detail, /^-7 MB\n\+7 KB$/m);
});

test("the diff's hunks are diff -u's (GNU diff as the oracle)", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "lazylab-nbtest-"));
  try {
    const lines = (n: number) => Array.from({ length: n }, (_, i) => `line ${i + 1}`);
    const cases: [string[], string[]][] = [
      [lines(14), lines(14).map((l, i) => (i === 2 || i === 12 ? l.toUpperCase() : l))],
      [lines(10), [...lines(10), "added 1", "added 2"]],
      [lines(10), lines(10).slice(3)],
      [[], ["[execute_result]", "1"]],
      [["[stdout]", "a", "b"], []],
      [lines(20), [...lines(20).slice(0, 5), "inserted", ...lines(20).slice(5, 15), ...lines(20).slice(16)]],
    ];
    for (const [a, b] of cases) {
      const fa = path.join(dir, "a");
      const fb = path.join(dir, "b");
      writeFileSync(fa, a.length ? a.join("\n") + "\n" : "");
      writeFileSync(fb, b.length ? b.join("\n") + "\n" : "");
      const gnu = spawnSync("diff", ["-u", fa, fb], { encoding: "utf8" }).stdout.split("\n").slice(2).join("\n").trimEnd();
      const ours = unifiedDiff(a.join("\n"), b.join("\n")).split("\n").slice(2).join("\n");
      assert.equal(ours, gnu, `${a.length} vs ${b.length} lines`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
