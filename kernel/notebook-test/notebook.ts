/** Reading a notebook to test: its code cells, their stored outputs and their test tags. */
import { readFileSync } from "node:fs";

export class NotebookError extends Error {
  override name = "NotebookError";
}

/** A stored or fresh output, in nbformat 4's shape. */
export interface Output {
  output_type: "stream" | "execute_result" | "display_data" | "error" | string;
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
}

export interface CodeCell {
  /** 1-based among the notebook's code cells. */
  index: number;
  source: string;
  outputs: Output[];
  /** Tags that change how the cell is tested (see docs/notebook-test.md). */
  skip: boolean;
  ignoreOutput: boolean;
  /** Numbers compared by shape only (unseeded random draws, machine-dependent readings). */
  shapeOnly: boolean;
}

/** Tags understood, ours and nbval's (so notebooks tagged for nbval work unchanged). */
export const SKIP_TAGS = ["lazylab-skip", "nbval-skip", "skip-execution"];
export const IGNORE_OUTPUT_TAGS = ["lazylab-ignore-output", "nbval-ignore-output"];
export const SHAPE_ONLY_TAGS = ["lazylab-random-output"];

/** Values of the cell metadata key `lazylab.test`, each the `lazylab-` tag of the same name. */
export const TEST_CHOICES = ["skip", "ignore-output", "random-output"];

const text = (v: unknown): string => (Array.isArray(v) ? v.join("") : typeof v === "string" ? v : "");

export function readNotebook(file: string): { cells: CodeCell[]; kernelName?: string } {
  let raw: string;
  try {
    raw = readFileSync(file, "utf8");
  } catch (e) {
    throw new NotebookError(`cannot read notebook ${file}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}`);
  }
  let nb: { nbformat?: unknown; cells?: unknown; metadata?: { kernelspec?: { name?: string } } };
  try {
    nb = JSON.parse(raw);
  } catch (e) {
    throw new NotebookError(`${file} is not a notebook: invalid JSON (${(e as Error).message})`);
  }
  if (nb === null || typeof nb !== "object" || !Array.isArray(nb.cells)) throw new NotebookError(`${file} is not a notebook: it has no cells list`);
  if (nb.nbformat !== 4) throw new NotebookError(`${file}: nbformat ${String(nb.nbformat)} is not supported (only 4)`);
  const cells: CodeCell[] = [];
  for (const c of nb.cells as Array<Record<string, unknown>>) {
    if (c?.cell_type !== "code") continue;
    const meta = (c.metadata ?? {}) as { tags?: unknown; lazylab?: { test?: unknown } };
    const tags = (Array.isArray(meta.tags) ? meta.tags : []) as unknown[];
    // The same three choices as a metadata key, for tools that edit metadata but hide tags.
    const choice = meta.lazylab?.test;
    if (choice !== undefined) {
      if (typeof choice !== "string" || !TEST_CHOICES.includes(choice)) {
        throw new NotebookError(`${file}: code cell ${cells.length + 1} has metadata lazylab.test = ${JSON.stringify(choice)}; expected one of ${TEST_CHOICES.map((t) => `"${t}"`).join(", ")}`);
      }
      tags.push(`lazylab-${choice}`);
    }
    const has = (list: string[]) => tags.some((t) => list.includes(String(t)));
    cells.push({
      index: cells.length + 1,
      source: text(c.source),
      outputs: Array.isArray(c.outputs) ? (c.outputs as Output[]) : [],
      skip: has(SKIP_TAGS),
      ignoreOutput: has(IGNORE_OUTPUT_TAGS),
      shapeOnly: has(SHAPE_ONLY_TAGS),
    });
  }
  return { cells, kernelName: nb.metadata?.kernelspec?.name };
}

export { text as joinText };
