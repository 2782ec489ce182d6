/**
 * lazylab in a real browser: Debian's Notebook 6 server and headless Chromium (the system's,
 * driven by playwright-core; nothing downloaded). The notebooks in examples/ are run through
 * the page's own menus, toolbar and keyboard, and what a user would see is read from the page.
 * Screenshots go to test-output/browser/; LAZYLAB_UPDATE_SCREENSHOT=1 also refreshes
 * docs/screenshot-notebook.png (the README's).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { startJupyterServer, type JupyterServer } from "./jupyter-server";
import * as lazylab from "../lib";
import { assertArrayTables, assertLazyTable, assertMemoryLines, assertPlotShown, assertLinspaceTooltip, expectedStateAfterRunAll, launchChromium } from "./browser-helpers";

// The page's globals, reached only inside page.evaluate / waitForFunction (the build has no DOM lib).
declare const document: any;
declare const Jupyter: any;
declare const window: any;

const ROOT = path.resolve(__dirname, "..", "..");
const OUT = path.join(ROOT, "test-output", "browser");

/** Opens a notebook and waits until the page's kernel is connected; checks it is lazylab. */
async function openNotebook(browser: Browser, server: JupyterServer, name: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  page.setDefaultTimeout(30_000);
  await page.goto(`${server.baseUrl}notebooks/${name}?token=${server.token}`);
  await page.waitForFunction(() => window.Jupyter?.notebook?.kernel?.is_connected?.() && document.querySelector("#kernel_indicator_icon.kernel_idle_icon"));
  assert.equal(await page.evaluate(() => Jupyter.notebook.kernel.name), "lazylab", "the notebook's kernel");
  assert.equal((await page.locator(".kernel_indicator_name").innerText()).trim(), "TypeScript (lazylab)");
  return page;
}

/** Cell → All Output → Clear, then Cell → Run All, through the menu bar. */
async function clearAndRunAll(page: Page): Promise<void> {
  await page.locator("#celllink").click();
  await page.locator("#all_outputs").hover();
  await page.locator("#clear_all_output").click();
  await page.waitForFunction(() => document.querySelectorAll("#notebook .output_area").length === 0);
  await page.locator("#celllink").click();
  await page.locator("#run_all_cells").click();
}

/**
 * Waits until no code cell is queued or running ("In [*]") and the kernel indicator shows idle;
 * after Run All, also until every code cell has an execution count.
 */
async function waitAllDone(page: Page, { allRun = false, timeout = 90_000 } = {}): Promise<void> {
  await page.waitForFunction((all) => {
    const code = Jupyter.notebook.get_cells().filter((c: any) => c.cell_type === "code");
    return code.every((c: any) => c.input_prompt_number !== "*" && (!all || typeof c.input_prompt_number === "number"))
      && document.querySelector("#kernel_indicator_icon.kernel_idle_icon") !== null;
  }, allRun, { timeout, polling: 250 });
}

/** The text each code cell shows under it, in order. */
function outputsText(page: Page): Promise<string[]> {
  return page.evaluate(() => Jupyter.notebook.get_cells()
    .filter((c: any) => c.cell_type === "code")
    .map((c: any) => c.element[0].querySelector(".output_wrapper").innerText as string));
}

/** Selects the last cell, adds a code cell below it (Esc, B) and types `source` into it. */
async function addCell(page: Page, source: string): Promise<void> {
  const before = await page.evaluate(() => Jupyter.notebook.ncells());
  await page.locator("#notebook .cell").last().click(); // the last cell may be rendered markdown: click selects it
  await page.keyboard.press("Escape");
  await page.keyboard.press("b");
  await page.waitForFunction((n) => Jupyter.notebook.ncells() === n + 1, before);
  await page.keyboard.press("Enter");
  await page.keyboard.type(source);
  // CodeMirror closes brackets as it goes; the typed text must still be exactly the source.
  assert.equal(await page.evaluate(() => Jupyter.notebook.get_selected_cell().get_text()), source);
}

/** The text shown under the cell at `index` (counting every cell, as `cellIndex` does). */
function outputOf(page: Page, index: number): Promise<string> {
  return page.evaluate((i) => Jupyter.notebook.get_cell(i).element[0].querySelector(".output_wrapper").innerText as string, index);
}

/** Numbers from a lazylab ndarray's HTML table in an output (row-major, as shown). */
function tableValues(page: Page, cellIndex: number): Promise<number[][]> {
  return page.evaluate((i) => {
    const cell = Jupyter.notebook.get_cell(i);
    const table = cell.element[0].querySelector(".output_html table.lazylab-ndarray");
    if (!table) return [];
    return [...table.querySelectorAll("tr")].map((tr: any) => [...tr.querySelectorAll("td")].map((td: any) => Number(td.innerText)));
  }, cellIndex);
}

/** The index of the code cell whose source starts with `prefix`. */
async function cellIndex(page: Page, prefix: string): Promise<number> {
  const i = await page.evaluate((p) => Jupyter.notebook.get_cells().findIndex((c: any) => c.get_text().startsWith(p)), prefix);
  assert.ok(i >= 0, `a cell starting with ${JSON.stringify(prefix)}`);
  return i;
}

describe("the classic Notebook in headless Chromium", { timeout: 240_000 }, () => {
  let server: JupyterServer | undefined;
  let browser: Browser | undefined;
  let page: Page;

  before(async () => {
    mkdirSync(OUT, { recursive: true });
    server = await startJupyterServer("notebook", path.join(ROOT, "examples"));
    browser = await launchChromium();
  });

  after(async () => {
    try {
      await browser?.close();
    } finally {
      await server?.stop();
    }
  });

  test("Run All on memory-management.ipynb shows memory lines, array reprs and the lazy array table", async () => {
    page = await openNotebook(browser!, server!, "memory-management.ipynb");
    await clearAndRunAll(page);
    await waitAllDone(page, { allRun: true });
    const outputs = await outputsText(page);
    const errors = await page.locator("#notebook .output_error, #notebook .output_stderr").count();
    assert.equal(errors, 0, `no error output:\n${outputs.join("\n---\n")}`);

    assertMemoryLines(outputs.join("\n"));

    // Array reprs as HTML tables: the eager slice, the lazy slice computed, and its square agree.
    const eager = await tableValues(page, await cellIndex(page, 'random_array.get("0:3, 0:3")'));
    const lazy = await tableValues(page, await cellIndex(page, 'await dask_random_array.get("0:3, 0:3")'));
    const squared = await tableValues(page, await cellIndex(page, 'await dask_sq_array.get("0:3, 0:3")'));
    assertArrayTables(eager, lazy, squared);
    const list = await outputOf(page, await cellIndex(page, "view_list[1] = 4;"));
    assert.match(list, /\[ 1, 4, 3 \]/);

    // The lazy array's HTML table, from a cell added through the keyboard.
    await addCell(page, "dask_sq_array");
    await page.keyboard.press("Control+Enter");
    await waitAllDone(page);
    const lazyTable = page.locator("#notebook .cell").last().locator(".output_html table");
    const tableText = await lazyTable.first().innerText();
    assertLazyTable(tableText, await page.locator("#notebook .cell").last().locator(".output_html svg line").count());

    // The executed notebook's arrays and the lazy array's table, for test-output/ (and docs/ when asked).
    await page.locator("#notebook .cell").last().evaluate((el: any) => el.scrollIntoView({ block: "end" }));
    await page.screenshot({ path: path.join(OUT, "memory-management.png") });
    if (process.env.LAZYLAB_UPDATE_SCREENSHOT) copyFileSync(path.join(OUT, "memory-management.png"), path.join(ROOT, "docs", "screenshot-notebook.png"));
  });

  test("Tab completes a declared variable and np. members; Shift+Tab shows TSDoc", async () => {
    await addCell(page, "test_");
    await page.keyboard.press("Tab");
    const options = page.locator(".completions select option");
    await options.first().waitFor();
    const names = await options.allInnerTexts();
    assert.ok(names.includes("test_array") && names.includes("test_list"), `offered: ${names.join(", ")}`);
    await page.keyboard.press("Escape");

    await addCell(page, "np.");
    await page.keyboard.press("Tab");
    await options.first().waitFor();
    const members = await options.allInnerTexts();
    const missing = Object.keys(lazylab.np).filter((k) => !members.includes(k));
    assert.deepEqual(missing, [], `np's exports missing from the completion list (${members.length} offered)`);
    await page.keyboard.press("Escape");

    // Shift+Tab: the Notebook's tooltip (an inspect_request) shows the function's TSDoc.
    await addCell(page, "np.linspace");
    await assertLinspaceTooltip(page, "#tooltip .tooltiptext");
  });

  test("the toolbar's interrupt button stops while(true){} and the next cell sees earlier state", async () => {
    await addCell(page, "while (true) {}");
    await page.keyboard.press("Control+Enter");
    await page.waitForFunction(() => document.querySelector("#kernel_indicator_icon.kernel_busy_icon"));
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(await page.locator("#kernel_indicator_icon.kernel_busy_icon").count(), 1, "still spinning after 1 s");
    await page.locator('#maintoolbar button[data-jupyter-action="jupyter-notebook:interrupt-kernel"]').click();
    await waitAllDone(page, { timeout: 30_000 });
    const interrupted = await page.locator("#notebook .cell").last().locator(".output_error").innerText();
    assert.match(interrupted, /Interrupted/);

    await addCell(page, "[test_list, memory_log.size]");
    await page.keyboard.press("Control+Enter");
    await waitAllDone(page, { timeout: 30_000 });
    const out = await page.locator("#notebook .cell").last().locator(".output_wrapper").innerText();
    const sources: string = await page.evaluate(() => Jupyter.notebook.get_cells().map((c: any) => c.get_text()).join("\n"));
    assert.match(out, expectedStateAfterRunAll(sources), "test_list and the memory log survived the interrupt");
  });

  test("memory-management-extras.ipynb shows its plot as an image", async () => {
    await page.close();
    page = await openNotebook(browser!, server!, "memory-management-extras.ipynb");
    await clearAndRunAll(page);
    await waitAllDone(page, { allRun: true });
    const img = page.locator('#notebook .output_html img[src^="data:image/svg+xml"]');
    await img.scrollIntoViewIfNeeded();
    const shown = await img.evaluate((el: any) => ({ w: el.naturalWidth, h: el.naturalHeight, complete: el.complete, box: el.getBoundingClientRect().width, svg: atob(el.src.split(",")[1]) }));
    assertPlotShown(shown);
    assert.equal(await page.locator("#notebook table.lazylab-memory-log").count() >= 1, true, "the memory log's table");
    await page.screenshot({ path: path.join(OUT, "memory-management-extras.png") });
  });

  test("memory-management-more.ipynb shows its two figures (plt's two panels, DataArray.plot()'s heat map) as images", async () => {
    await page.close();
    page = await openNotebook(browser!, server!, "memory-management-more.ipynb");
    await clearAndRunAll(page);
    await waitAllDone(page, { allRun: true });
    assert.equal(await page.locator("#notebook .output_error").count(), 0, "no error output");
    const imgs = page.locator('#notebook .output_html img[src^="data:image/svg+xml"]');
    assert.equal(await imgs.count(), 2, "one image per figure");
    for (const [i, size] of [[0, [1200, 500]], [1, [640, 480]]] as const) {
      await imgs.nth(i).scrollIntoViewIfNeeded();
      const shown = await imgs.nth(i).evaluate((el: any) => ({ w: el.naturalWidth, h: el.naturalHeight, complete: el.complete }));
      assert.deepEqual(shown, { w: size[0], h: size[1], complete: true }, `figure ${i + 1}: figsize × dpi pixels, decoded`);
    }
    await page.screenshot({ path: path.join(OUT, "memory-management-more.png") });
  });
});
