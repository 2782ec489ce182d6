/** A unified line diff (longest common subsequence), enough for one cell's output. */
export function unifiedDiff(expected: string, actual: string, context = 3): string {
  // No output is no lines, not one empty line.
  const a = expected === "" ? [] : expected.split("\n");
  const b = actual === "" ? [] : actual.split("\n");
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
    if (i < n && j < m && a[i] === b[j]) ops.push({ op: " ", line: a[i++] }), j++;
    else if (j < m && (i >= n || L[i][j + 1] >= L[i + 1][j])) ops.push({ op: "+", line: b[j++] });
    else ops.push({ op: "-", line: a[i++] });
  }
  const out = [`--- stored${n ? "" : " (no output)"}`, `+++ fresh${m ? "" : " (no output)"}`];
  const changed = ops.map((o, k) => (o.op !== " " ? k : -1)).filter((k) => k >= 0);
  let k = 0;
  while (k < changed.length) {
    const start = Math.max(0, changed[k] - context);
    let end = changed[k];
    while (k < changed.length && changed[k] <= end + 2 * context) end = changed[k++];
    end = Math.min(ops.length - 1, end + context);
    out.push("@@");
    for (let q = start; q <= end; q++) out.push(`${ops[q].op}${ops[q].line}`);
  }
  return out.join("\n");
}

function firstDifference(a: string[], b: string[]): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}
