/** One cell's stored outputs against its fresh ones. */
import { unifiedDiff } from "./diff";
import { normalise, outputsText } from "./normalise";
import type { Output } from "./notebook";

export interface CompareOptions {
  /** Compare numbers by shape only (the cell's `lazylab-random-output` tag). */
  shapeOnly?: boolean;
  /** How far a memory figure may move, in MB whatever unit it is printed in (default 0.25). */
  memoryTolerance: number;
}

export interface Comparison {
  ok: boolean;
  /** Why not, readable: a unified diff and/or the memory figures out of tolerance. */
  detail: string;
}

export function compareOutputs(stored: readonly Output[], fresh: readonly Output[], opts: CompareOptions): Comparison {
  const rawA = outputsText(stored);
  const rawB = outputsText(fresh);
  const a = normalise(rawA, opts.shapeOnly);
  const b = normalise(rawB, opts.shapeOnly);
  const problems: string[] = [];
  // No placeholder spans lines, so lines normalised one by one match as the whole texts do.
  if (a.text !== b.text) problems.push(unifiedDiff(tidy(rawA), tidy(rawB), (l) => normalise(l, opts.shapeOnly).text));
  else {
    a.memory.forEach((v, i) => {
      const w = b.memory[i];
      // Equal texts have the same figures in the same units. Each printed figure stands for
      // any value within half its last place, so that rounding is allowed on top.
      const allowed = opts.memoryTolerance + v.roundingMb + w.roundingMb;
      const diff = Math.abs(w.mb - v.mb);
      if (!(diff <= allowed + 1e-9)) {
        problems.push(`memory figure ${i + 1}: stored ${v.printed}, fresh ${w.printed} (differ by ${fmt(diff)} MB, tolerance ${opts.memoryTolerance} MB)`);
      }
    });
  }
  return { ok: problems.length === 0, detail: problems.join("\n") };
}

const fmt = (mb: number) => (mb >= 0.001 ? mb.toFixed(3) : mb.toPrecision(3));

/** What normalise also drops: trailing spaces and blank lines at the end. */
const tidy = (t: string) => t.split("\n").map((l) => l.replace(/\s+$/, "")).join("\n").replace(/\n+$/, "");
