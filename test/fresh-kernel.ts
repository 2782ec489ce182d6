/** A fresh lazylab kernel (the installed kernelspec's command) for one test's cells, and their text. */
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { launchKernel, type LaunchedKernel } from "../kernel/client/launch";
import { KernelClient, type Execution } from "../kernel/client/client";

/** What a cell showed: its streams and results, or `ename: evalue` for an error. */
export function outputText(ex: Execution): string {
  return ex.outputs.map((m) => {
    const c = m.content as { text?: string; data?: Record<string, string>; ename?: string; evalue?: string };
    if (c.ename) return `${c.ename}: ${c.evalue}`;
    return c.text ?? c.data?.["text/plain"] ?? "";
  }).join("");
}

/**
 * Starts a kernel in test-output/`folder`, gives `fn` a `run(code)` that executes a cell,
 * asserts it ended ok and returns its text, and shuts the kernel down afterwards.
 */
export async function withFreshKernel<T>(folder: string, fn: (run: (code: string) => Promise<string>) => Promise<T>, cellTimeoutMs = 60_000): Promise<T> {
  const cwd = path.resolve(__dirname, "..", "..", "test-output", folder);
  mkdirSync(cwd, { recursive: true });
  let kernel: LaunchedKernel | undefined;
  let client: KernelClient | undefined;
  try {
    kernel = await launchKernel({ cwd });
    client = new KernelClient(kernel.info);
    await client.waitForReady(60_000);
    const c = client;
    return await fn(async (code) => {
      const ex = await c.execute(code, cellTimeoutMs);
      const text = outputText(ex);
      assert.equal(ex.reply.status, "ok", `${code}\n→ ${text}`);
      return text;
    });
  } finally {
    client?.close();
    kernel?.dispose();
  }
}
