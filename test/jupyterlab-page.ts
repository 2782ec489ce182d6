/**
 * What the JupyterLab page tests share (jupyterlab.test.ts, jupyterlab-debugger.test.ts):
 * starting the test's JupyterLab (the bundle of test/jupyterlab-app served by Debian's
 * jupyter_server) with Chromium on it, and driving its notebook the way a user does: opening
 * a notebook, adding and running cells, waiting for the kernel. The kernel messages the page
 * exchanges can be recorded from its websocket, for checks and for failure messages.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import path from "node:path";
import type { Browser, Locator, Page, WebSocket } from "playwright-core";
import { startJupyterServer, type JupyterServer } from "./jupyter-server";
import { launchChromium } from "./browser-helpers";

// The page's globals, reached only inside page.evaluate / waitForFunction (the build has no DOM lib).
declare const document: any;

const ROOT = path.resolve(__dirname, "..", "..");

/** The notebook in front (JupyterLab keeps the other open documents, hidden, in the DOM). */
export const PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)";

export interface Lab {
  server: JupyterServer;
  browser: Browser;
  page: Page;
  /** Closes the browser, then stops the server. */
  stop(): Promise<void>;
}

/**
 * Builds (or reuses, test/jupyterlab-app/build.js caches it) the JupyterLab bundle, serves a
 * copy of `root` with it, and opens a Chromium page (1280×1000).
 */
export async function startLab(root: string): Promise<Lab> {
  const started = Date.now();
  const bundle = execFileSync(process.execPath, [path.join(ROOT, "test", "jupyterlab-app", "build.js")], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
  process.stderr.write(`jupyterlab-app bundle ready in ${Date.now() - started} ms: ${bundle}\n`);
  const server = await startJupyterServer("jupyterlab", root, { bundle });
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    page.setDefaultTimeout(30_000);
    const b = browser;
    return {
      server, browser: b, page, stop: async () => {
        try {
          await b.close();
        } finally {
          await server.stop();
        }
      },
    };
  } catch (e) {
    await browser?.close();
    await server.stop();
    throw e;
  }
}

/** The kernel's status as the status bar shows it ("TypeScript (lazylab) | Idle"). */
export function kernelStatus(page: Page): Promise<string> {
  return page.evaluate(() => [...document.querySelectorAll(".jp-StatusBar-Widget .jp-StatusBar-TextItem")]
    .map((e: any) => e.textContent as string).find((t) => t.includes(" | ")) ?? "");
}

/** Opens a notebook by its /lab/tree URL and waits for its kernel; checks it is lazylab. */
export async function openNotebook(page: Page, server: JupyterServer, name: string): Promise<void> {
  await page.goto(`${server.baseUrl}lab/tree/${name}?token=${server.token}`);
  await page.waitForSelector("body[data-lazylab-lab-ready]", { state: "attached", timeout: 60_000 });
  await page.locator(`${PANEL} .jp-Notebook`).waitFor();
  await page.locator(".jp-DocumentTab.lm-mod-current, .lm-TabBar-tab.lm-mod-current", { hasText: name }).first().waitFor();
  // The panel's own kernel name too: the status bar can still show the previous notebook's
  // kernel while this one's session starts (its toolbar then reads "No Kernel").
  await page.waitForFunction((panel) => {
    const t = [...document.querySelectorAll(".jp-StatusBar-Widget .jp-StatusBar-TextItem")].map((e: any) => e.textContent as string);
    return t.includes("TypeScript (lazylab) | Idle") && document.querySelector(`${panel} .jp-KernelName`)?.textContent?.trim() === "TypeScript (lazylab)";
  }, PANEL, { timeout: 60_000, polling: 250 });
  assert.equal((await page.locator(`${PANEL} .jp-KernelName`).innerText()).trim(), "TypeScript (lazylab)");
}

/** Clicks a menu bar menu, then an item of it, by their labels. */
export async function menu(page: Page, name: string, item: string | RegExp): Promise<void> {
  await page.locator(".lm-MenuBar-itemLabel", { hasText: new RegExp(`^${name}$`) }).click();
  await page.locator(".lm-Menu-itemLabel", { hasText: typeof item === "string" ? new RegExp(`^${item}$`) : item }).click();
}

/**
 * Waits until no code cell is queued or running ("[*]:") and the status bar shows the kernel
 * idle; after Run All, also until every code cell has an execution count.
 */
export async function waitAllDone(page: Page, { allRun = false, timeout = 90_000 } = {}): Promise<void> {
  await page.waitForFunction(([p, all]) => {
    const prompts = [...document.querySelectorAll(`${p} .jp-CodeCell .jp-InputArea-prompt`)].map((e: any) => e.textContent as string);
    const status = [...document.querySelectorAll(".jp-StatusBar-Widget .jp-StatusBar-TextItem")].map((e: any) => e.textContent as string);
    return prompts.length > 0 && prompts.every((t) => !t.includes("*") && (!all || /\[\d+\]/.test(t)))
      && status.some((s) => s.endsWith("| Idle"));
  }, [PANEL, allRun] as const, { timeout, polling: 250 });
}

/** The last cell of the notebook in front. */
export function lastCell(page: Page): Locator {
  return page.locator(`${PANEL} .jp-Cell`).last();
}

/** Selects the last cell, adds a code cell below it (Esc, B), enters it and types `source`. */
export async function addCell(page: Page, source: string): Promise<void> {
  const cells = page.locator(`${PANEL} .jp-Cell`);
  const before = await cells.count();
  await lastCell(page).locator(".jp-Cell-inputWrapper, .jp-InputArea").first().click();
  await page.keyboard.press("Escape");
  await page.keyboard.press("b");
  await page.waitForFunction(([p, n]) => document.querySelectorAll(`${p} .jp-Cell`).length === n + 1, [PANEL, before] as const);
  await page.keyboard.press("Enter");
  await page.keyboard.type(source);
  // CodeMirror closes brackets as it goes; the typed text must still be exactly the source.
  assert.equal(await lastCell(page).evaluate((c: any) => [...c.querySelectorAll(".cm-line")].map((l: any) => l.textContent).join("\n")), source);
}

/** Runs the cell being edited (Ctrl+Enter) and waits for the kernel to finish. */
export async function runCell(page: Page, timeout = 30_000): Promise<void> {
  await page.keyboard.press("Control+Enter");
  await waitAllDone(page, { timeout });
}

/** A Jupyter message the page sent (`>>`) or received (`<<`) on a kernel's websocket. */
export interface WireMessage {
  dir: ">>" | "<<";
  channel: string;
  msgType: string;
  content: Record<string, any>;
}

/**
 * Records the Jupyter messages of every kernel websocket the page opens: JSON frames, or
 * JupyterLab's binary `v1.kernel.websocket.jupyter.org` frames (a count of offsets, the
 * offsets as little-endian u64, then channel, header, parent header, metadata, content and
 * buffers at those offsets).
 */
export function recordKernelMessages(page: Page): WireMessage[] {
  const seen: WireMessage[] = [];
  const decode = (dir: WireMessage["dir"], payload: string | Buffer) => {
    try {
      if (typeof payload === "string") {
        const m = JSON.parse(payload);
        seen.push({ dir, channel: m.channel, msgType: m.header.msg_type, content: m.content });
        return;
      }
      const n = Number(payload.readBigUInt64LE(0));
      const offsets = Array.from({ length: n }, (_, i) => Number(payload.readBigUInt64LE(8 * (i + 1))));
      const part = (i: number) => payload.subarray(offsets[i], i + 1 < n ? offsets[i + 1] : payload.length).toString("utf8");
      seen.push({ dir, channel: part(0), msgType: JSON.parse(part(1)).msg_type, content: JSON.parse(part(4)) });
    } catch {
      // Not a Jupyter message (e.g. a server's own frames): nothing to record.
    }
  };
  page.on("websocket", (ws: WebSocket) => {
    if (!ws.url().includes("/api/kernels/")) return;
    ws.on("framesent", (f) => decode(">>", f.payload));
    ws.on("framereceived", (f) => decode("<<", f.payload));
  });
  return seen;
}
