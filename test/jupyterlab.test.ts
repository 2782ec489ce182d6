/**
 * lazylab in a real JupyterLab 4: the app of test/jupyterlab-app (JupyterLab's core extensions
 * bundled from npm by build.js, cached between runs) served by Debian's jupyter_server and
 * jupyterlab_server, driven in the system's headless Chromium through the page's menus,
 * toolbar and keyboard, as browser.test.ts drives the classic Notebook.
 * Screenshots go to test-output/jupyterlab/; LAZYLAB_UPDATE_SCREENSHOT=1 also refreshes
 * docs/screenshot-jupyterlab.png (the README's).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import * as lazylab from "../lib";
import { assertArrayTables, assertLazyTable, assertMemoryLines, assertPlotShown, assertLinspaceTooltip, expectedStateAfterRunAll } from "./browser-helpers";
import { addCell, kernelStatus, lastCell, menu, openNotebook, PANEL, runCell, startLab, waitAllDone, type Lab } from "./jupyterlab-page";

// The page's globals, reached only inside page.evaluate / waitForFunction (the build has no DOM lib).
declare const document: any;

const ROOT = path.resolve(__dirname, "..", "..");
const OUT = path.join(ROOT, "test-output", "jupyterlab");

/**
 * Kernel → Change Kernel…, then picks lazylab in the dialog's list of kernelspecs, as a user
 * does for a notebook made with another kernel; waits for the kernel it starts.
 */
async function chooseLazylab(page: Page): Promise<void> {
  await menu(page, "Kernel", /^Change Kernel/);
  const dialog = page.locator(".jp-Dialog");
  const select = dialog.locator("select");
  await select.waitFor();
  const labels = await select.locator("option").allInnerTexts();
  assert.ok(labels.includes("TypeScript (lazylab)"), `the dialog offers lazylab: ${labels.join(", ")}`);
  const value = await select.locator("option", { hasText: /^TypeScript \(lazylab\)$/ }).first().getAttribute("value");
  await select.selectOption(value!);
  await dialog.locator(".jp-Dialog-button.jp-mod-accept").click();
  await dialog.waitFor({ state: "detached" });
  await page.waitForFunction(() => [...document.querySelectorAll(".jp-StatusBar-Widget .jp-StatusBar-TextItem")]
    .some((e: any) => e.textContent === "TypeScript (lazylab) | Idle"), undefined, { timeout: 60_000, polling: 250 });
}

/** Edit → Clear Outputs of All Cells, then Run → Run All Cells. */
async function clearAndRunAll(page: Page): Promise<void> {
  await menu(page, "Edit", "Clear Outputs of All Cells");
  await page.waitForFunction((p) => document.querySelectorAll(`${p} .jp-OutputArea-output`).length === 0, PANEL);
  await menu(page, "Run", "Run All Cells");
}

/** A cell's source as CodeMirror shows it. */
const SOURCE = (cell: any) => [...cell.querySelectorAll(".jp-InputArea-editor .cm-line")].map((l: any) => l.textContent).join("\n");

/** The text each code cell shows under it, in order (textContent: off-screen cells are not laid out). */
function outputsText(page: Page): Promise<string[]> {
  return page.evaluate((p) => [...document.querySelectorAll(`${p} .jp-CodeCell`)]
    .map((c: any) => [...c.querySelectorAll(".jp-OutputArea-output")].map((o: any) => o.textContent).join("\n")), PANEL);
}

/** The index (counting every cell) of the cell whose source starts with `prefix`. */
async function cellIndex(page: Page, prefix: string): Promise<number> {
  const sources = await page.evaluate(([p, src]) => [...document.querySelectorAll(`${p} .jp-Cell`)].map(eval(src)), [PANEL, SOURCE.toString()] as const) as string[];
  const i = sources.findIndex((s) => s.startsWith(prefix));
  assert.ok(i >= 0, `a cell starting with ${JSON.stringify(prefix)}`);
  return i;
}

/** Numbers from a lazylab ndarray's HTML table in a cell's output (row-major, as shown). */
function tableValues(page: Page, index: number): Promise<number[][]> {
  return page.locator(`${PANEL} .jp-Cell`).nth(index).evaluate((cell: any) => {
    const table = cell.querySelector(".jp-OutputArea-output table.lazylab-ndarray");
    if (!table) return [];
    return [...table.querySelectorAll("tr")].map((tr: any) => [...tr.querySelectorAll("td")].map((td: any) => Number(td.textContent)));
  });
}

describe("JupyterLab 4 in headless Chromium", { timeout: 300_000 }, () => {
  let lab: Lab | undefined;
  let page: Page;

  before(async () => {
    mkdirSync(OUT, { recursive: true });
    lab = await startLab(path.join(ROOT, "examples"));
    page = lab.page;
  });

  after(async () => {
    await lab?.stop();
  });

  test("Run All on memory-management.ipynb shows memory lines, array tables and the lazy array's chunk grid", async () => {
    await openNotebook(page, lab!.server, "memory-management.ipynb");
    await chooseLazylab(page);
    await clearAndRunAll(page);
    await waitAllDone(page, { allRun: true });
    const outputs = await outputsText(page);
    const errors = await page.locator(`${PANEL} .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]`).count();
    assert.equal(errors, 0, `no error output:\n${outputs.join("\n---\n")}`);
    assertMemoryLines(outputs.join("\n"));

    const eager = await tableValues(page, await cellIndex(page, 'random_array.get("0:3, 0:3")'));
    const lazy = await tableValues(page, await cellIndex(page, 'await dask_random_array.get("0:3, 0:3")'));
    const squared = await tableValues(page, await cellIndex(page, 'await dask_sq_array.get("0:3, 0:3")'));
    assertArrayTables(eager, lazy, squared);
    const list = await page.locator(`${PANEL} .jp-Cell`).nth(await cellIndex(page, "view_list[1] = 4;")).locator(".jp-OutputArea").textContent();
    assert.match(list ?? "", /\[ 1, 4, 3 \]/);

    // The lazy array's HTML table, from a cell added through the keyboard.
    await addCell(page, "dask_sq_array");
    await runCell(page);
    const table = lastCell(page).locator(".jp-OutputArea-output table").first();
    await table.scrollIntoViewIfNeeded();
    assertLazyTable(await table.innerText(), await lastCell(page).locator(".jp-OutputArea-output svg line").count());

    await lastCell(page).evaluate((el: any) => el.scrollIntoView({ block: "end" }));
    await page.screenshot({ path: path.join(OUT, "memory-management.png") });
    if (process.env.LAZYLAB_UPDATE_SCREENSHOT) copyFileSync(path.join(OUT, "memory-management.png"), path.join(ROOT, "docs", "screenshot-jupyterlab.png"));
  });

  /** The completer's items once its list is whole, after Tab in a new cell holding `source`. */
  async function completions(source: string): Promise<string[]> {
    const items = page.locator(".jp-Completer .jp-Completer-item");
    await addCell(page, source);
    await page.keyboard.press("Tab");
    await items.first().waitFor();
    // The completer renders a page of items, then the rest frame by frame, holding the list's
    // final height with a bottom margin on the last item so far: the list is whole once none has one.
    await page.waitForFunction(() => [...document.querySelectorAll(".jp-Completer .jp-Completer-item")].every((e: any) => !e.style.marginBottom));
    const names = await items.evaluateAll((els: any[]) => els.map((e) => e.getAttribute("data-value") as string));
    await page.keyboard.press("Escape");
    return names;
  }

  test("Tab completes a declared variable; Shift+Tab shows TSDoc", async () => {
    const names = await completions("test_");
    assert.ok(names.includes("test_array") && names.includes("test_list"), `offered: ${names.join(", ")}`);

    // Shift+Tab: JupyterLab's tooltip (an inspect_request) shows the function's TSDoc.
    await addCell(page, "np.linspace");
    await assertLinspaceTooltip(page, ".jp-Tooltip");
  });

  test("Tab after np. offers every export of np", async () => {
    const members = await completions("np.");
    const missing = Object.keys(lazylab.np).filter((k) => !members.includes(k));
    assert.deepEqual(missing, [], `np's exports missing from the completion list (${members.length} offered)`);
  });

  test("the toolbar's interrupt button stops while(true){} and the next cell sees earlier state", async () => {
    await addCell(page, "while (true) {}");
    await page.keyboard.press("Control+Enter");
    await page.waitForFunction(() => [...document.querySelectorAll(".jp-StatusBar-Widget .jp-StatusBar-TextItem")].some((e: any) => e.textContent.endsWith("| Busy")));
    await new Promise((r) => setTimeout(r, 1000));
    assert.match(await kernelStatus(page), /\| Busy$/, "still spinning after 1 s");
    await page.locator(`${PANEL} jp-button[data-command="notebook:interrupt-kernel"]`).click();
    await waitAllDone(page, { timeout: 30_000 });
    assert.match(await lastCell(page).locator(".jp-OutputArea").innerText(), /Interrupted/);

    await addCell(page, "[test_list, memory_log.size]");
    await runCell(page);
    const sources = await page.evaluate(([p, src]) => [...document.querySelectorAll(`${p} .jp-Cell`)].map(eval(src)).join("\n"), [PANEL, SOURCE.toString()] as const) as string;
    assert.match(await lastCell(page).locator(".jp-OutputArea").innerText(), expectedStateAfterRunAll(sources), "test_list and the memory log survived the interrupt");
  });
  test("input() shows a stdin box whose answer the cell receives", async () => {
    await addCell(page, '"hello " + await input("Your name? ")');
    await page.keyboard.press("Control+Enter");
    const box = lastCell(page).locator(".jp-Stdin-input");
    await box.waitFor();
    assert.equal((await lastCell(page).locator(".jp-Stdin-prompt").innerText()).trim(), "Your name?");
    await box.fill("lab");
    await box.press("Enter");
    await waitAllDone(page);
    const out = await lastCell(page).locator(".jp-OutputArea").innerText();
    assert.match(out, /Your name\?\s+lab/, "the answered box stays as the prompt and the answer");
    assert.match(out, /hello lab/);
  });

  test("display(v, { id, update: true }) replaces an earlier cell's output in place", async () => {
    await addCell(page, 'display("first value", { id: "lab-update" })');
    await runCell(page);
    const target = page.locator(`${PANEL} .jp-Cell`).nth(await page.locator(`${PANEL} .jp-Cell`).count() - 1);
    assert.match(await target.locator(".jp-OutputArea").innerText(), /first value/);
    await addCell(page, 'display("second value", { id: "lab-update", update: true })');
    await runCell(page);
    const updated = await target.locator(".jp-OutputArea").innerText();
    assert.match(updated, /second value/);
    assert.doesNotMatch(updated, /first value/);
    assert.equal(await target.locator(".jp-OutputArea-output").count(), 1, "one output, updated, not a second one");
    assert.equal(await lastCell(page).locator(".jp-OutputArea-output").count(), 0, "the updating cell shows nothing of its own");
  });

  test("the toolbar's restart button gives a fresh kernel that runs cells", async () => {
    await page.locator(`${PANEL} jp-button[data-command="notebook:restart-kernel"]`).click();
    const dialog = page.locator(".jp-Dialog");
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /Restart/);
    await dialog.locator(".jp-Dialog-button.jp-mod-accept").click();
    await dialog.waitFor({ state: "detached" });
    await addCell(page, "np.arange(3).sum()");
    await runCell(page, 60_000);
    assert.match(await lastCell(page).locator(".jp-InputArea-prompt").innerText(), /\[1\]/, "the new kernel counts from 1");
    assert.match(await lastCell(page).locator(".jp-OutputArea").innerText(), /^\s*\[1\]:\s*3\s*$/, "np is preloaded again");
    await addCell(page, "test_list");
    await runCell(page);
    assert.match(await lastCell(page).locator(".jp-OutputArea").innerText(), /Cannot find name 'test_list'/, "the old kernel's variables are gone");
  });

  test("memory-management-extras.ipynb shows its plot as an image", async () => {
    await openNotebook(page, lab!.server, "memory-management-extras.ipynb");
    await clearAndRunAll(page);
    await waitAllDone(page, { allRun: true });
    const img = page.locator(`${PANEL} .jp-OutputArea-output img[src^="data:image/svg+xml"]`).first();
    await img.scrollIntoViewIfNeeded();
    assertPlotShown(await img.evaluate((el: any) => ({ w: el.naturalWidth, h: el.naturalHeight, complete: el.complete, box: el.getBoundingClientRect().width, svg: atob(el.src.split(",")[1]) })));
    assert.ok(await page.locator(`${PANEL} table.lazylab-memory-log`).count() >= 1, "the memory log's table");
    await page.screenshot({ path: path.join(OUT, "memory-management-extras.png") });
  });
});
