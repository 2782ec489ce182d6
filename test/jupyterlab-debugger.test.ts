/**
 * lazylab's debugger in JupyterLab's own debugger UI (the test's JupyterLab, jupyterlab-page.ts):
 * the notebook toolbar's bug button, a breakpoint clicked into a cell's gutter, the sidebar's
 * variables, call stack and breakpoints panels while the cell is stopped, step over, continue.
 * test/python/test_debugger.py checks the same protocol message by message; this checks that
 * JupyterLab's page, which is what users meet, understands lazylab's answers (a page that got
 * a wrong frame id, scope order or type name shows nothing, not an error).
 * The stopped debugger's screenshot goes to test-output/jupyterlab-debugger/.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { pythonJson } from "./oracle";
import { addCell, lastCell, openNotebook, PANEL, runCell, startLab, waitAllDone, recordKernelMessages, type Lab, type WireMessage } from "./jupyterlab-page";

// The page's globals, reached only inside page.evaluate / waitForFunction (the build has no DOM lib).
declare const document: any;

const ROOT = path.resolve(__dirname, "..", "..");
const OUT = path.join(ROOT, "test-output", "jupyterlab-debugger");
const NOTEBOOK = "debug.ipynb";
/** The cell debugged: a breakpoint on line 3, where `a` and `x` exist; `next` goes to line 4. */
const LINES = ["const a = 41;", "const x = np.arange(5);", "console.log(a + 1);", "const total = x.sum() as number;", "total"];
const BREAK_LINE = 3;
const SIDEBAR = "#jp-debugger-sidebar";
const BUG = `${PANEL} jp-button.jp-DebuggerBugButton`;

/** What NumPy says of the same array: the panel's dtype and shape, its elements, its sum. */
const numpy = pythonJson<{ dtype: string; shape: string; items: number[]; sum: number }>(
  "import json, numpy as np; x = np.arange(5); print(json.dumps({'dtype': str(x.dtype), 'shape': str(x.shape), 'items': x.tolist(), 'sum': int(x.sum())}))");

/** A notebook of the one cell, made for lazylab (so opening it starts lazylab, unchanged). */
function writeNotebook(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const nb = {
    nbformat: 4, nbformat_minor: 5,
    metadata: { kernelspec: { name: "lazylab", display_name: "TypeScript (lazylab)", language: "typescript" }, language_info: { name: "typescript" } },
    cells: [{ cell_type: "code", id: "debugged", metadata: {}, source: LINES.join("\n"), outputs: [], execution_count: null }],
  };
  writeFileSync(path.join(dir, NOTEBOOK), JSON.stringify(nb, null, 1));
}

/** The debug requests the page sent and the debug replies and events it got, for failure messages. */
function debugLog(wire: WireMessage[]): string {
  return wire.filter((m) => m.msgType.startsWith("debug_"))
    .map((m) => `${m.dir} ${m.msgType} ${JSON.stringify(m.content).slice(0, 300)}`).join("\n");
}

/** The DAP body of the page's last successful reply to `command`. */
function lastReply(wire: WireMessage[], command: string): Record<string, any> | undefined {
  return wire.filter((m) => m.msgType === "debug_reply" && m.content.command === command && m.content.success).at(-1)?.content.body;
}

/** Names and the detail JupyterLab shows beside each (the value, or the type), top level of the variables tree. */
function shownVariables(page: Page): Promise<Record<string, string>> {
  return page.evaluate((s) => {
    const out: Record<string, string> = {};
    for (const item of document.querySelectorAll(`${s} .jp-DebuggerVariables-body jp-tree-view > jp-tree-item`)) {
      const name = item.querySelector(":scope > .jp-DebuggerVariables-name")?.textContent;
      if (name) out[name] = item.querySelector(":scope > .jp-DebuggerVariables-detail")?.textContent ?? "";
    }
    return out;
  }, SIDEBAR);
}

/** Polls `done` (every 100 ms, up to 10 s); fails with `why()`. */
async function until(done: () => boolean, why: () => string): Promise<void> {
  for (const end = Date.now() + 10_000; !done(); await new Promise((r) => setTimeout(r, 100))) {
    if (Date.now() > end) assert.fail(why());
  }
}

/** The text of the cell line JupyterLab marks as the current one ("" when none is). */
function currentLine(page: Page): Promise<string> {
  return page.evaluate((p) => [...document.querySelectorAll(`${p} .jp-DebuggerEditor-highlight`)].map((l: any) => l.textContent).join("\n"), PANEL);
}

describe("JupyterLab's debugger on a lazylab notebook", { timeout: 240_000 }, () => {
  let lab: Lab | undefined;
  let page: Page;
  let wire: WireMessage[];

  before(async () => {
    const notebooks = path.join(OUT, "notebooks");
    writeNotebook(notebooks);
    lab = await startLab(notebooks);
    page = lab.page;
    wire = recordKernelMessages(page);
  });

  after(async () => {
    await lab?.stop();
  });

  test("the toolbar's bug button starts the debugger and opens its sidebar", async (t) => {
    await openNotebook(page, lab!.server, NOTEBOOK);
    await page.locator(`${PANEL} .jp-Cell .jp-InputArea-editor`).first().click();
    await page.keyboard.press("Escape");
    assert.equal(await page.locator(BUG).getAttribute("aria-pressed"), "false");
    // JupyterLab sets the notebook's debugger up again on each change of its new kernel's
    // connection and status, and a click on the button in the middle of that can be dropped:
    // no initialize is sent (the same with Debian's ipykernel; once the button even showed
    // pressed). Click again only then: a second click after an initialize would turn the
    // debugger off again.
    const initializeSent = (from: number) => wire.slice(from).some((m) => m.msgType === "debug_request" && m.content.command === "initialize");
    for (let clicks = 1; ; clicks++) {
      const sent = wire.length;
      await page.locator(`${BUG}:not([disabled])`).click();
      const deadline = Date.now() + 5_000;
      while (!initializeSent(sent) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      if (initializeSent(sent)) {
        t.diagnostic(`the debugger started on click ${clicks}`);
        break;
      }
      assert.ok(clicks < 4, `the bug button did not start the debugger:\n${debugLog(wire)}`);
    }
    await page.waitForSelector(`${BUG}[aria-pressed="true"]`);
    // The sidebar opens on the kernel's "initialized" event.
    await page.locator(SIDEBAR).waitFor({ state: "visible" }).catch((e) => assert.fail(`${e.message}\n${debugLog(wire)}`));
    const info = lastReply(wire, "debugInfo");
    assert.equal(info?.hashMethod, "Murmur2", debugLog(wire));
    // The kernel sends "initialized" before its attach reply (kernel/debugger/debugger.ts), so the
    // sidebar can be open before the reply is on the page's wire: a CI run read it 0 ms after.
    const deadline = Date.now() + 5_000;
    while (!lastReply(wire, "attach") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.ok(lastReply(wire, "attach"), `attach answered:\n${debugLog(wire)}`);
    assert.ok(wire.some((m) => m.msgType === "debug_event" && m.content.event === "initialized"), debugLog(wire));
  });

  test(`a click in the gutter of line ${BREAK_LINE} sets a breakpoint the kernel verifies`, async () => {
    const cell = page.locator(`${PANEL} .jp-Cell`).first();
    // With the debugger on, the cell shows line numbers and a breakpoint gutter beside them.
    const number = cell.locator(".cm-lineNumbers .cm-gutterElement", { hasText: new RegExp(`^${BREAK_LINE}$`) });
    const line = (await number.boundingBox())!;
    const gutter = (await cell.locator(".cm-gutter.cm-breakpoint-gutter").boundingBox())!;
    await page.mouse.click(gutter.x + gutter.width / 2, line.y + line.height / 2);
    const breakpoint = page.locator(`${SIDEBAR} .jp-DebuggerBreakpoint`);
    await breakpoint.waitFor();
    assert.equal((await breakpoint.locator(".jp-DebuggerBreakpoint-line").innerText()).trim(), String(BREAK_LINE));
    // The dumped file is named after the cell, so JupyterLab names the breakpoint by its cell.
    assert.match(await breakpoint.locator(".jp-DebuggerBreakpoint-source").innerText(), /^Cell \[ ?\]$/);
    const dumped = lastReply(wire, "dumpCell")?.sourcePath;
    assert.ok(dumped, debugLog(wire));
    const set = lastReply(wire, "setBreakpoints")?.breakpoints;
    assert.deepEqual(set?.map((b: any) => [b.line, b.verified, b.source.path]), [[BREAK_LINE, true, dumped]], debugLog(wire));
  });

  test("running the cell stops at the breakpoint: current line, call stack, variables with the array's dtype and shape", async () => {
    await page.locator(`${PANEL} .jp-Cell .jp-InputArea-editor`).first().click();
    await page.keyboard.press("Control+Enter");
    await page.waitForFunction(([p, text]) => [...document.querySelectorAll(`${p} .jp-DebuggerEditor-highlight`)].some((l: any) => l.textContent === text),
      [PANEL, LINES[BREAK_LINE - 1]] as const, { timeout: 30_000 }).catch((e) => assert.fail(`${e.message}\n${debugLog(wire)}`));
    await page.locator(`${PANEL} .jp-DebuggerPausedOverlay`).waitFor();
    const frame = page.locator(`${SIDEBAR} .jp-DebuggerCallstackFrame`).first();
    assert.equal(await frame.locator(".jp-DebuggerCallstackFrame-name").innerText(), "<cell>");
    assert.equal(await frame.locator(".jp-DebuggerCallstackFrame-location").innerText(), `Cell [*]:${BREAK_LINE}`);

    await page.waitForFunction((s) => document.querySelectorAll(`${s} .jp-DebuggerVariables-name`).length >= 2, SIDEBAR)
      .catch((e) => assert.fail(`${e.message}\n${debugLog(wire)}`));
    const shown = await shownVariables(page);
    // Only the cell's own names: a and x (total comes later), not np or the library's globals.
    assert.deepEqual(Object.keys(shown).sort(), ["a", "x"], JSON.stringify(shown));
    assert.equal(shown.a, "41");
    assert.equal(shown.x, `NDArray ${numpy.dtype} ${numpy.shape}`);

    // The render button beside a variable (shown on hover) opens its rich view: the page asks
    // richInspectVariables and renders the bundle, here x's HTML table.
    await page.locator(`${SIDEBAR} .jp-DebuggerVariables-name`, { hasText: /^x$/ }).hover();
    await page.locator(`${SIDEBAR} .jp-DebuggerVariables-renderVariable`).first().click();
    const table = page.locator(".jp-DebuggerRichVariable table.lazylab-ndarray");
    await table.waitFor().catch((e) => assert.fail(`${e.message}\n${debugLog(wire)}`));
    assert.deepEqual(await table.locator("td").evaluateAll((tds: any[]) => tds.map((td) => Number(td.textContent))), numpy.items);

    // Expanding x lists its dtype, shape and elements (a `variables` request for its reference).
    await page.locator(`${SIDEBAR} .jp-DebuggerVariables-name`, { hasText: /^x$/ }).click();
    const last = `[${numpy.items.length - 1}]`;
    await page.locator(`${SIDEBAR} .jp-DebuggerVariables-name`, { hasText: last }).waitFor();
    const children = await page.evaluate((s) => Object.fromEntries([...document.querySelectorAll(`${s} .jp-DebuggerVariables-body jp-tree-item jp-tree-item`)]
      .map((i: any) => [i.querySelector(":scope > .jp-DebuggerVariables-name")?.textContent, i.querySelector(":scope > .jp-DebuggerVariables-detail")?.textContent])), SIDEBAR);
    assert.equal(children.dtype, JSON.stringify(numpy.dtype));
    assert.deepEqual(numpy.items.map((_, i) => Number(children[`[${i}]`])), numpy.items, JSON.stringify(children));

    mkdirSync(OUT, { recursive: true });
    await page.screenshot({ path: path.join(OUT, "stopped.png") });

    // The debug console evaluates TypeScript in the stopped frame (a type assertion: not
    // JavaScript). JupyterLab then empties its variables panel (as it does with ipykernel):
    // the screenshot is taken before.
    await page.locator(`${SIDEBAR} jp-button[data-command="debugger:evaluate"]`).click();
    const debugConsole = page.locator(".jp-DebugConsole");
    await debugConsole.locator(".jp-CodeConsole-promptCell .cm-content").click();
    const expression = "(a as number) + x.size";
    await page.keyboard.type(expression);
    assert.equal(await debugConsole.locator(".jp-CodeConsole-promptCell .cm-content").innerText(), expression);
    await page.keyboard.press("Shift+Enter");
    const result = debugConsole.locator(".jp-OutputArea-output").last();
    await result.waitFor().catch((e) => assert.fail(`${e.message}\n${debugLog(wire)}`));
    assert.equal((await result.innerText()).trim(), String(41 + numpy.items.length), debugLog(wire));

  });

  test("step over moves the current line to the next statement; continue ends the cell with its output", async () => {
    await page.locator(`${SIDEBAR} jp-button[data-command="debugger:next"]`).click();
    await page.waitForFunction(([p, text]) => [...document.querySelectorAll(`${p} .jp-DebuggerEditor-highlight`)].some((l: any) => l.textContent === text),
      [PANEL, LINES[BREAK_LINE]] as const).catch((e) => assert.fail(`${e.message}\n${debugLog(wire)}`));
    assert.equal(await currentLine(page), LINES[BREAK_LINE], "one line marked, the next statement's");
    assert.match(await page.locator(`${SIDEBAR} .jp-DebuggerCallstackFrame-location`).first().innerText(), new RegExp(`:${BREAK_LINE + 1}$`));
    // The rich view of x, opened at the breakpoint, is asked again with that stop's frame id.
    await until(() => wire.filter((m) => m.msgType === "debug_reply" && m.content.command === "richInspectVariables").length >= 2, () => debugLog(wire));
    assert.ok(wire.filter((m) => m.msgType === "debug_reply" && m.content.command === "richInspectVariables").every((m) => m.content.success), debugLog(wire));
    assert.equal(await page.locator(".jp-DebuggerRichVariable table.lazylab-ndarray").count(), 1);
    // Line 3 ran while stepping over it: its output is already there.
    assert.match(await lastCell(page).locator(".jp-OutputArea").innerText(), /42/);

    await page.locator(`${SIDEBAR} jp-button[data-command="debugger:continue"]`).click();
    await waitAllDone(page, { timeout: 30_000 });
    assert.equal(await currentLine(page), "", "no current line once the cell has ended");
    assert.equal(await page.locator(`${PANEL} .jp-DebuggerPausedOverlay`).count(), 0);
    const output = await lastCell(page).locator(".jp-OutputArea").innerText();
    assert.match(output, /^42\s*\[1\]:\s*(\d+)\s*$/, output);
    assert.equal(Number(output.match(/\[1\]:\s*(\d+)/)![1]), numpy.sum, "the cell's value, x.sum(), is NumPy's");
  });

  test("the kernel goes on running cells, with the debugger on and after the bug button turns it off", async () => {
    await addCell(page, "a + total");
    await runCell(page);
    assert.match(await lastCell(page).locator(".jp-OutputArea").innerText(), new RegExp(`^\\s*\\[2\\]:\\s*${41 + numpy.sum}\\s*$`));

    await page.locator(`${PANEL} .jp-Cell .jp-InputArea-editor`).first().click();
    await page.keyboard.press("Escape");
    await page.locator(BUG).click();
    await page.waitForSelector(`${BUG}[aria-pressed="false"]`);
    await until(() => lastReply(wire, "disconnect") !== undefined, () => `disconnect answered:\n${debugLog(wire)}`);
    // The breakpoint no longer stops the cell.
    await page.locator(`${PANEL} .jp-Cell .jp-InputArea-editor`).first().click();
    await page.keyboard.press("Control+Enter");
    await waitAllDone(page, { timeout: 30_000 });
    assert.match(await page.locator(`${PANEL} .jp-Cell`).first().locator(".jp-OutputArea").innerText(), /^42\s*\[3\]:/);
  });
});
