/** `jupyter nbconvert --execute` (Debian's nbconvert and nbclient) runs the example notebooks. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");
const OUT = path.join(ROOT, "test-output", "nbconvert");
const JUPYTER = process.env.LAZYLAB_JUPYTER ?? "/usr/bin/jupyter";

interface Output { output_type: string; text?: string | string[]; data?: Record<string, string | string[]> }
const joined = (t: string | string[] | undefined) => (Array.isArray(t) ? t.join("") : (t ?? ""));

function execute(name: string): Array<{ source: string; outputs: Output[] }> {
  mkdirSync(OUT, { recursive: true });
  execFileSync(JUPYTER, ["nbconvert", "--to", "notebook", "--execute", path.join(ROOT, "examples", name), "--output-dir", OUT], {
    stdio: "pipe",
    timeout: 180_000,
  });
  const nb = JSON.parse(readFileSync(path.join(OUT, name), "utf8")) as { cells: Array<{ cell_type: string; source: string | string[]; outputs?: Output[] }> };
  return nb.cells.filter((c) => c.cell_type === "code").map((c) => ({ source: joined(c.source), outputs: c.outputs ?? [] }));
}

test("nbconvert --to notebook --execute examples/hello.ipynb", { timeout: 200_000 }, () => {
  const cells = execute("hello.ipynb");
  const text = (i: number) => cells[i].outputs.map((o) => joined(o.text) + joined(o.data?.["text/plain"])).join("\n");
  assert.equal(text(0), "hello, world\n");
  assert.equal(text(1), "'HELLO'");
  assert.equal(text(3), "'hello hello hello'");
  assert.equal(text(4), "timer 10 ms\ntimer 20 ms\ntimer 30 ms\n\n'done'");
  assert.equal(joined(cells[5].outputs[0].data?.["text/html"]), "<b>bold</b> from TypeScript");
  assert.ok(cells.every((c) => c.outputs.every((o) => o.output_type !== "error")), "no cell failed");
});

test("nbconvert --to notebook --execute examples/memory-management.ipynb: the port runs without errors", { timeout: 200_000 }, () => {
  const cells = execute("memory-management.ipynb");
  assert.equal(cells.length, 26);
  assert.ok(cells.every((c) => c.outputs.every((o) => o.output_type !== "error")), "no cell failed");
  const all = cells.map((c) => c.outputs.map((o) => joined(o.text) + joined(o.data?.["text/plain"])).join("")).join("\n");
  assert.match(all, /Change in available memory: {2}-7\.6\d+ {2}MB/);
  assert.match(all, /dask|array\(\[\[/);
});

test("nbconvert --to notebook --execute examples/memory-management-extras.ipynb runs without errors", { timeout: 200_000 }, () => {
  const cells = execute("memory-management-extras.ipynb");
  assert.ok(cells.length > 10);
  assert.ok(cells.every((c) => c.outputs.every((o) => o.output_type !== "error")), "no cell failed");
});

// Every notebook in examples/, found at test time, so a new example is covered the day it lands.
const EXAMPLES = readdirSync(path.join(ROOT, "examples")).filter((f) => f.endsWith(".ipynb")).sort();

for (const name of EXAMPLES) {
  test(`nbconvert --to html --execute examples/${name}: no error, every rich output type in the page`, { timeout: 300_000 }, () => {
    mkdirSync(OUT, { recursive: true });
    execFileSync(JUPYTER, ["nbconvert", "--to", "html", "--execute", path.join(ROOT, "examples", name), "--output-dir", OUT, "--ExecutePreprocessor.timeout=240"], { stdio: "pipe", timeout: 280_000 });
    const html = readFileSync(path.join(OUT, name.replace(/\.ipynb$/, ".html")), "utf8");
    assert.ok(!html.includes("Traceback") && !/data-mime-type="application\/vnd\.jupyter\.stderr"[^>]*>\s*<pre>[^<]*Error/.test(html), "no traceback in the page");
    // What the stored notebook shows richly must be in the exported page too.
    const stored = JSON.parse(readFileSync(path.join(ROOT, "examples", name), "utf8")) as { cells: Array<{ outputs?: Output[] }> };
    const outputs = stored.cells.flatMap((c) => c.outputs ?? []);
    const mimes = new Set(outputs.flatMap((o) => Object.keys(o.data ?? {})));
    // Each stored HTML output's opening tag (with its class, if any) is in the page.
    for (const o of outputs) {
      const fragment = joined(o.data?.["text/html"]).trim();
      const open = /^<([a-z]+)(?:[^>]*?\sclass="([^"]+)")?/i.exec(fragment);
      if (!open) continue;
      assert.ok(html.includes(`<${open[1]}`) && (!open[2] || html.includes(open[2])), `HTML output <${open[1]} class="${open[2] ?? ""}"> is in the page`);
    }
    if (mimes.has("image/svg+xml")) assert.match(html, /data:image\/svg\+xml|<svg/, "the plot is in the page");
    if (name === "memory-management.ipynb") {
      assert.match(html, /svmem\(total=\d+/);
      assert.match(html, /Change in available memory: {2}-7\.6\d+ {2}MB/);
    }
  });
}
