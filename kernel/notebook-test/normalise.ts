/**
 * What of an output is compared, and how. A cell's outputs become one text (streams merged,
 * rich results as their text/plain plus the list of their other MIME types, errors as
 * `ename: evalue`), then the parts that change run to run are replaced by placeholders:
 * memory addresses, timings and dates. Memory changes ("-7.63 MB") are taken out as numbers
 * and compared within a tolerance instead; memory levels ("available 23431.1 MB") are not
 * compared, as they are the machine's.
 */
import { joinText, type Output } from "./notebook";

/** A number followed by a memory unit, e.g. `-7.63 MB`, `0.0 MB`, `12 KiB`. */
const MEMORY = /(-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)([ \t]*)(B|KB|kB|MB|GB|TB|KiB|MiB|GiB|TiB)\b/g;
const LEVEL = /\b(available|total|used|free)([ =:]+)(-?\d+(?:\.\d+)?)([ \t]*)(B|KB|kB|MB|GB|TB|KiB|MiB|GiB|TiB)\b/gi;
/** Units in MB. Binary for both spellings: the tutorial's "MB" is bytes / 2**20, as psutil users print it. */
const IN_MB: Record<string, number> = { B: 2 ** -20, KB: 2 ** -10, kB: 2 ** -10, KiB: 2 ** -10, MB: 1, MiB: 1, GB: 2 ** 10, GiB: 2 ** 10, TB: 2 ** 20, TiB: 2 ** 20 };

/** A memory figure taken out of the text, in MB. */
export interface MemoryFigure {
  /** As printed, e.g. `-7.63 MB`. */
  printed: string;
  mb: number;
  /** Half a unit in the last printed place, in MB: how far rounding may have moved it. */
  roundingMb: number;
}

function memoryFigure(value: string, unit: string): MemoryFigure {
  const [mantissa, exponent = "0"] = value.toLowerCase().split("e");
  const decimals = mantissa.includes(".") ? mantissa.length - mantissa.indexOf(".") - 1 : 0;
  const scale = IN_MB[unit];
  return { printed: `${value} ${unit}`, mb: Number(value) * scale, roundingMb: 0.5 * 10 ** (Number(exponent) - decimals) * scale };
}
const RULES: [RegExp, string][] = [
  [/\b0x[0-9a-fA-F]{6,}\b/g, "0x<addr>"],
  [/\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?/g, "<date>"],
  [/\b\d+(?:\.\d+)?[ \t]?(?:ns|µs|us|ms|s|sec|seconds)\b/g, "<time>"],
];

/** One comparable text per cell, before placeholders. */
export function outputsText(outputs: readonly Output[]): string {
  const parts: string[] = [];
  let stream: { name: string; text: string } | undefined;
  const flush = () => {
    if (stream) parts.push(`[${stream.name}]\n${stream.text.replace(/\n$/, "")}`);
    stream = undefined;
  };
  for (const o of outputs) {
    if (o.output_type === "stream") {
      const name = o.name ?? "stdout";
      if (stream && stream.name === name) stream.text += joinText(o.text);
      else {
        flush();
        stream = { name, text: joinText(o.text) };
      }
      continue;
    }
    flush();
    if (o.output_type === "error") parts.push(`[error] ${o.ename}: ${o.evalue}`);
    else if (o.output_type === "execute_result" || o.output_type === "display_data") {
      const data = o.data ?? {};
      const others = Object.keys(data).filter((k) => k !== "text/plain").sort();
      parts.push(`[${o.output_type}${others.length ? ` +${others.join(" +")}` : ""}]\n${joinText(data["text/plain"])}`);
    }
  }
  flush();
  return parts.join("\n");
}

export interface Normalised {
  text: string;
  memory: MemoryFigure[];
}

const NUMBER = /[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?/gi;

/**
 * Placeholders for what varies run to run; memory figures taken out as numbers. With
 * `shapeOnly`, every number becomes `N` and spacing is ignored, so `array([[ 0.1, -2.3]])`
 * and `array([[1.5e-04, 3.2e+00]])` compare equal: the output's structure is still checked.
 */
export function normalise(text: string, shapeOnly = false): Normalised {
  if (shapeOnly) return { text: text.replace(NUMBER, "N").replace(/[ \t]+/g, " ").replace(/ ?([,\[\]()]) ?/g, "$1").replace(/\n+$/, ""), memory: [] };
  const memory: MemoryFigure[] = [];
  // A memory *level* ("available 23431.1 MB", "total=...") depends on the machine; only
  // changes are compared by value.
  let t = text.replace(LEVEL, (_m, word: string, sep: string, _v: string, sp: string, unit: string) => `${word}${sep}<level>${sp}${unit}`);
  t = t.replace(MEMORY, (_m, v: string, sp: string, unit: string) => {
    memory.push(memoryFigure(v, unit));
    return `<mem>${sp}${unit}`;
  });
  for (const [re, to] of RULES) t = t.replace(re, to);
  t = t
    .split("\n")
    .map((l) => l.replace(/\s+$/, ""))
    .join("\n")
    .replace(/\n+$/, "");
  return { text: t, memory };
}
