/** One cell's stored outputs against its fresh ones. */
import { unifiedDiff } from "./diff";
import { normalise, outputsText } from "./normalise";
import type { Output } from "./notebook";

export interface CompareOptions {
  /** Compare numbers by shape only (the cell's `lazylab-random-output` tag). */
  shapeOnly?: boolean;
  /** How far a memory figure may move, in its own unit (default 0.25). */
  memoryTolerance: number;
}

export interface Comparison {
  ok: boolean;
  /** Why not, readable: a unified diff and/or the memory figures out of tolerance. */
  detail: string;
}

export function compareOutputs(stored: readonly Output[], fresh: readonly Output[], opts: CompareOptions): Comparison {
  const a = normalise(outputsText(stored), opts.shapeOnly);
  const b = normalise(outputsText(fresh), opts.shapeOnly);
  const problems: string[] = [];
  if (a.text !== b.text) problems.push(unifiedDiff(a.text, b.text));
  else if (a.memory.length === b.memory.length) {
    a.memory.forEach((v, i) => {
      const w = b.memory[i];
      // Tolerance plus half a unit in the last printed place, so 1e-9 rounding cannot fail it.
      if (!(Math.abs(w - v) <= opts.memoryTolerance + 1e-9)) {
        problems.push(`memory figure ${i + 1}: stored ${v}, fresh ${w} (differ by ${Math.abs(w - v).toFixed(3)}, tolerance ${opts.memoryTolerance})`);
      }
    });
  }
  return { ok: problems.length === 0, detail: problems.join("\n") };
}
