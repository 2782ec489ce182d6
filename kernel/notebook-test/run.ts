/**
 * `lazylab test`: re-executes notebooks in fresh kernels and compares every code cell's fresh
 * outputs with the stored ones (like nbval for Python). See docs/notebook-test.md.
 */
import path from "node:path";
import { KernelClient } from "../client/client";
import { launchKernel } from "../client/launch";
import { outputsFromMessages } from "./collect";
import { compareOutputs } from "./compare";
import { readNotebook } from "./notebook";

export interface TestOptions {
  memoryTolerance: number;
  /** Seconds per cell. */
  timeout: number;
  /** A kernelspec name; without it, this build's lazylab kernel. */
  kernelName?: string;
}

export interface CellResult {
  name: string;
  status: "passed" | "failed" | "skipped";
  message: string;
  detail: string;
  seconds: number;
}

export interface NotebookResult {
  file: string;
  cells: CellResult[];
  seconds: number;
  /** A failure of the notebook as a whole (unreadable, kernel did not start or died). */
  error?: string;
}

/** How long a kernel may take to start and warm up (nbclient's startup_timeout is 60 s). */
const STARTUP_MS = 120_000;

function cellName(index: number, source: string): string {
  const first = source.split("\n").find((l) => l.trim()) ?? "(empty)";
  return `cell ${index}: ${first.trim().slice(0, 60)}`;
}

export async function testNotebook(file: string, opts: TestOptions): Promise<NotebookResult> {
  const t0 = Date.now();
  const result: NotebookResult = { file, cells: [], seconds: 0 };
  let nb: ReturnType<typeof readNotebook>;
  try {
    nb = readNotebook(file);
  } catch (e) {
    result.error = (e as Error).message;
    return result;
  }
  let kernel: Awaited<ReturnType<typeof launchKernel>> | undefined;
  let client: KernelClient | undefined;
  try {
    kernel = await launchKernel({ kernelName: opts.kernelName, cwd: path.dirname(path.resolve(file)) });
    const k = kernel;
    const died = new Promise<never>((_, reject) =>
      k.process.once("exit", (code, signal) => reject(new Error(`the kernel exited (${signal ?? `code ${code}`}) ${k.stderr().trim().split("\n").slice(-3).join(" | ")}`))),
    );
    died.catch(() => undefined);
    client = new KernelClient(k.info);
    await Promise.race([client.waitForReady(STARTUP_MS), died]);
    // A kernel answers kernel_info before its compiler and executor are warm (8 s on a loaded
    // 2-core machine); a silent cell that names the library waits for both under the startup
    // allowance, so --timeout measures the notebook's first cell and not the kernel's start.
    // (An empty cell no longer does: lazylab answers a cell that names nothing without them,
    // docs/kernel.md, "Start".)
    await Promise.race([client.execute("void np", STARTUP_MS, true), died]);
    // A cell that times out or kills the kernel fails by name; the cells after it cannot be
    // tested (the kernel's state is gone) and are reported as not run rather than dropped,
    // so a JUnit report still has one testcase per code cell.
    let stopped: string | undefined;
    for (const cell of nb.cells) {
      const name = cellName(cell.index, cell.source);
      const c0 = Date.now();
      if (stopped !== undefined) {
        result.cells.push({ name, status: "skipped", message: `not run: ${stopped}`, detail: "", seconds: 0 });
        continue;
      }
      if (cell.skip) {
        result.cells.push({ name, status: "skipped", message: "tagged to skip", detail: "", seconds: 0 });
        continue;
      }
      let ex: Awaited<ReturnType<KernelClient["execute"]>>;
      try {
        ex = await Promise.race([client.execute(cell.source, opts.timeout * 1000), died]);
      } catch (e) {
        const why = (e as Error).message;
        result.cells.push({ name, status: "failed", message: why, detail: "", seconds: (Date.now() - c0) / 1000 });
        stopped = `cell ${cell.index} failed to run`;
        continue;
      }
      const fresh = outputsFromMessages(ex.outputs);
      const seconds = (Date.now() - c0) / 1000;
      if (cell.ignoreOutput) {
        result.cells.push({ name, status: "passed", message: "ran; output not compared (tagged)", detail: "", seconds });
        continue;
      }
      const cmp = compareOutputs(cell.outputs, fresh, { memoryTolerance: opts.memoryTolerance, shapeOnly: cell.shapeOnly });
      result.cells.push({ name, status: cmp.ok ? "passed" : "failed", message: cmp.ok ? "" : "fresh output differs from the stored one", detail: cmp.detail, seconds });
    }
  } catch (e) {
    result.error = (e as Error).message;
  } finally {
    await client?.shutdown(2000);
    kernel?.dispose();
  }
  result.seconds = (Date.now() - t0) / 1000;
  return result;
}

/** The readable report and the exit code (0: all passed; 1: a failure). */
export function report(results: readonly NotebookResult[]): { text: string; exitCode: number } {
  const lines: string[] = [];
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const r of results) {
    lines.push(`${r.file}:`);
    if (r.error) {
      failed++;
      lines.push(`  ERROR ${r.error}`);
    }
    for (const c of r.cells) {
      if (c.status === "passed") passed++;
      else if (c.status === "skipped") skipped++;
      else failed++;
      lines.push(`  ${c.status === "passed" ? "ok  " : c.status === "skipped" ? "skip" : "FAIL"} ${c.name}${c.message && c.status !== "passed" ? ` (${c.message})` : ""}`);
      if (c.status === "failed" && c.detail) lines.push(c.detail.replace(/^/gm, "      "));
    }
  }
  lines.push(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
  return { text: lines.join("\n"), exitCode: failed ? 1 : 0 };
}
