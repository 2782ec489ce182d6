/**
 * A unified line diff (longest common subsequence), enough for one cell's output. Lines are
 * matched by `key` (the normalised line) but shown as written, so a reader sees the values
 * that differ rather than placeholders.
 */
export function unifiedDiff(expected: string, actual: string, key: (line: string) => string = (l) => l, context = 3): string {
  // No output is no lines, not one empty line.
  const shownA = expected === "" ? [] : expected.split("\n");
  const shownB = actual === "" ? [] : actual.split("\n");
  const a = shownA.map(key);
  const b = shownB.map(key);
  const n = a.length;
  const m = b.length;
  // LCS lengths from the end; cells' outputs are small, so O(n·m) is fine (capped below).
  if (n * m > 4_000_000) return `--- stored (${n} lines)\n+++ fresh (${m} lines)\n(outputs too long to diff line by line; first difference at line ${firstDifference(a, b) + 1})`;
  const L = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) L[i][j] = a[i] === b[j] ? L[i + 1][j + 1] + 1 : Math.max(L[i + 1][j], L[i][j + 1]);
  const ops: { op: " " | "-" | "+"; line: string }[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) ops.push({ op: " ", line: shownA[i++] }), j++;
    // Removals before additions, as diff -u shows a changed line.
    else if (i < n && (j >= m || L[i + 1][j] >= L[i][j + 1])) ops.push({ op: "-", line: shownA[i++] });
    else ops.push({ op: "+", line: shownB[j++] });
  }
  const out = [`--- stored${n ? "" : " (no output)"}`, `+++ fresh${m ? "" : " (no output)"}`];
  const changed = ops.map((o, k) => (o.op !== " " ? k : -1)).filter((k) => k >= 0);
  let k = 0;
  while (k < changed.length) {
    const start = Math.max(0, changed[k] - context);
    let end = changed[k];
    while (k < changed.length && changed[k] <= end + 2 * context) end = changed[k++];
    end = Math.min(ops.length - 1, end + context);
    const hunk = ops.slice(start, end + 1);
    const count = (skip: string) => hunk.filter((o) => o.op !== skip).length;
    // diff -u's line numbers: 1-based first line of the hunk on each side (0 when it has none).
    const from = (skip: string, at: number) => (count(skip) ? ops.slice(0, start).filter((o) => o.op !== skip).length + 1 : at);
    out.push(`@@ -${from("+", 0)},${count("+")} +${from("-", 0)},${count("-")} @@`);
    for (const o of hunk) out.push(`${o.op}${o.line}`);
  }
  return out.join("\n");
}

function firstDifference(a: string[], b: string[]): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}
