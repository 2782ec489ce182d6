/**
 * What the browser tests share, whichever Jupyter page they drive (Notebook 6 in
 * browser.test.ts, JupyterLab in jupyterlab.test.ts): the system's Chromium, and the expected
 * values a page's outputs are checked against, taken from the real thing (TypeScript's own
 * reading of the TSDoc, Debian's NumPy and Dask).
 */
import assert from "node:assert/strict";
import ts from "typescript";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { pythonJson } from "./oracle";

export const CHROMIUM = process.env.LAZYLAB_CHROMIUM ?? "/usr/bin/chromium";
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/** Headless Chromium, the system's (playwright-core downloads nothing). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** The TSDoc TypeScript itself reads for an exported function of a library file. */
export function tsDoc(file: string, name: string): string {
  const program = ts.createProgram([file], { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS });
  const checker = program.getTypeChecker();
  const symbol = checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(file)!)!).find((s) => s.name === name);
  assert.ok(symbol, `${name} exported by ${file}`);
  return ts.displayPartsToString(symbol.getDocumentationComment(checker));
}

/**
 * Checks the memory lines memory-management.ipynb prints, from the text of all its outputs:
 * a 1000×1000 float64 array costs its 8,000,000 bytes, a lazy view of it ~nothing, and
 * `sys.getsizeof` agrees with NumPy's.
 */
export function assertMemoryLines(text: string): void {
  const changes = text.match(/Change in available memory: {2}(\S+) {2}MB/g)?.map((l) => Number(l.split(/\s+/)[4])) ?? [];
  assert.ok(changes.length >= 4, `memory lines in the page: ${changes.join(", ")}`);
  assert.ok(Math.abs(changes[0] + 8e6 / 2 ** 20) < 0.2, `random_array costs ~7.63 MB: ${changes[0]}`);
  assert.ok(Math.abs(changes[1]) < 0.2, `da.fromArray costs ~0 MB: ${changes[1]}`);
  const size = pythonJson<number>("import sys, json, numpy as np; print(json.dumps(sys.getsizeof(np.zeros((1000, 1000))) / 2**20))");
  assert.ok(text.includes(`Array size estimate:  ${size}  MB`), `sys.getsizeof(random_array) is NumPy's ${size} MB`);
}

/** Checks the eager slice, the lazy slice computed, and its square (tables read from the page) agree. */
export function assertArrayTables(eager: number[][], lazy: number[][], squared: number[][]): void {
  assert.equal(eager.length, 3);
  assert.ok(eager.every((r) => r.length === 3 && r.every(Number.isFinite)), JSON.stringify(eager));
  assert.deepEqual(lazy, eager, "the lazy array computes the values it wraps");
  squared.forEach((r, i) => r.forEach((v, j) => assert.ok(Math.abs(v - eager[i][j] ** 2) <= 1e-7 * Math.max(1, v), `(${i},${j}) squared: ${v}`)));
}

/**
 * Checks the text of `dask_sq_array`'s HTML table against Dask's own figures for the same
 * array, and the number of lines its chunk grid draws (10×10 chunks: 11 + 11).
 */
export function assertLazyTable(tableText: string, gridLines: number): void {
  const dask = pythonJson<{ bytes: string; chunk: string; graph: string }>(`import json, numpy as np, dask.array as da
from dask.utils import format_bytes
x = da.from_array(np.zeros((1000, 1000)), chunks=(100, 100)) ** 2
print(json.dumps({"bytes": format_bytes(x.nbytes), "chunk": format_bytes(x.blocks[0, 0].nbytes), "graph": f"{x.npartitions} chunks in {len(x.dask.layers)} graph layers"}))`);
  assert.match(tableText, new RegExp(`Bytes\\s+${dask.bytes}\\s+${dask.chunk}`));
  assert.match(tableText, /Shape\s+\(1000, 1000\)\s+\(100, 100\)/);
  assert.ok(tableText.includes(dask.graph), `${dask.graph} in\n${tableText}`);
  assert.equal(gridLines, 22, "the chunk grid: 11 + 11 lines");
}

/** Checks the plot of memory-management-extras.ipynb as the page decoded and laid it out. */
export function assertPlotShown(shown: { w: number; h: number; complete: boolean; box: number; svg: string }): void {
  assert.ok(shown.complete && shown.w > 100 && shown.h > 100 && shown.box > 100, `the plot decoded and laid out: ${JSON.stringify({ ...shown, svg: undefined })}`);
  assert.ok(shown.svg.includes("Available memory through this notebook"), "the plot's title");
}

/** `[test_list, memory_log.size]` after Run All: memory_log has its first reading plus one per np.append. */
export function expectedStateAfterRunAll(sources: string): RegExp {
  const readings = 1 + sources.split("np.append(memory_log,").length - 1;
  return new RegExp(`\\[ \\[ 1, 2, 3 \\], ${readings} \\]`);
}

/**
 * Shift+Tab in the cell being edited (its text: `np.linspace`): the client's tooltip, found by
 * `selector`, is an inspect_request's answer and must hold linspace's TSDoc; Escape closes it.
 */
export async function assertLinspaceTooltip(page: Page, selector: string): Promise<void> {
  await page.keyboard.press("Shift+Tab");
  const tooltip = page.locator(selector);
  await tooltip.waitFor({ state: "visible" });
  const doc = await tooltip.innerText();
  const expected = tsDoc(path.join(__dirname, "..", "..", "lib", "np", "creation.ts"), "linspace").split("\n")[0];
  assert.ok(expected.length > 10 && doc.includes(expected), `the tooltip holds linspace's TSDoc (${JSON.stringify(expected)}):\n${doc}`);
  await page.keyboard.press("Escape");
}
