/**
 * Just enough of source map v3 to turn a generated line:column into the cell's line.
 * Kept here (not a dependency) because the executor must stay small: its heap is what
 * the memory probes measure.
 */
const B64 = new Map([..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"].map((c, i) => [c, i]));

/** Per generated line: [generatedColumn, sourceLine, sourceColumn] segments, sorted. */
export type DecodedMap = Array<Array<[number, number, number]>>;

export function decodeMappings(mappings: string): DecodedMap {
  const lines: DecodedMap = [];
  let srcLine = 0;
  let srcCol = 0;
  let srcIdx = 0;
  for (const lineText of mappings.split(";")) {
    const segs: Array<[number, number, number]> = [];
    let genCol = 0;
    for (const seg of lineText.split(",")) {
      if (!seg) continue;
      const v: number[] = [];
      let value = 0;
      let shift = 0;
      for (const ch of seg) {
        const digit = B64.get(ch) ?? 0;
        value += (digit & 31) << shift;
        if (digit & 32) shift += 5;
        else {
          v.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      genCol += v[0];
      if (v.length >= 4) {
        srcIdx += v[1];
        srcLine += v[2];
        srcCol += v[3];
        segs.push([genCol, srcLine, srcCol]);
      }
    }
    lines.push(segs);
  }
  void srcIdx;
  return lines;
}

/** 1-based generated line/column → 0-based source line/column, or undefined. */
export function originalPosition(map: DecodedMap, line: number, column: number): { line: number; col: number } | undefined {
  const segs = map[line - 1];
  if (!segs || segs.length === 0) return undefined;
  let best = segs[0];
  for (const s of segs) {
    if (s[0] <= column - 1) best = s;
    else break;
  }
  return { line: best[1], col: best[2] };
}
