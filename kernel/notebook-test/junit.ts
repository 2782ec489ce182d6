/** A JUnit XML report: one testsuite per notebook, one testcase per code cell. */
import type { NotebookResult } from "./run";

const esc = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!).replace(/[\x00-\x08\x0b\x0c\x0e-\x1f]/g, "");

export function junitXml(results: readonly NotebookResult[]): string {
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const total = (f: (r: NotebookResult) => number) => results.reduce((s, r) => s + f(r), 0);
  lines.push(`<testsuites name="lazylab test" tests="${total((r) => r.cells.length)}" failures="${total((r) => r.cells.filter((c) => c.status === "failed").length)}" skipped="${total((r) => r.cells.filter((c) => c.status === "skipped").length)}">`);
  for (const r of results) {
    const failed = r.cells.filter((c) => c.status === "failed").length;
    const skipped = r.cells.filter((c) => c.status === "skipped").length;
    lines.push(`  <testsuite name="${esc(r.file)}" tests="${r.cells.length}" failures="${failed}" skipped="${skipped}" time="${(r.seconds).toFixed(3)}">`);
    for (const c of r.cells) {
      lines.push(`    <testcase classname="${esc(r.file)}" name="${esc(c.name)}" time="${c.seconds.toFixed(3)}">`);
      if (c.status === "failed") lines.push(`      <failure message="${esc(c.message)}">${esc(c.detail)}</failure>`);
      if (c.status === "skipped") lines.push(`      <skipped message="${esc(c.message)}"/>`);
      lines.push("    </testcase>");
    }
    if (r.error) lines.push(`    <system-err>${esc(r.error)}</system-err>`);
    lines.push("  </testsuite>");
  }
  lines.push("</testsuites>");
  return lines.join("\n") + "\n";
}
