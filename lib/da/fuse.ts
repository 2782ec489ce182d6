/**
 * Fusion: a chain of elementwise nodes becomes one expression over its leaves (blocks of
 * non-elementwise inputs, or scalars), compiled once into a loop that reads every leaf and
 * writes the output — or folds it straight into a reduction — in a single pass.
 */
import type { DType } from "../np/dtype";
import { castOf, jsLiteral, powExpression, wrap } from "../np/ufunc";
import type { LazyRef } from "./graph";

/** A fused expression: source code over v0..vN-1 and the leaves those stand for. */
export interface Fused {
  expr: string;
  leaves: LazyRef[];
}

function isElementwise(r: LazyRef): boolean {
  return r.node.kind === "binary" || r.node.kind === "unary";
}

function substitute(template: string, x: string, y?: string): string {
  return template.replace(/\bx\b/g, "\u0000X").replace(/\by\b/g, "\u0000Y").replace(/\u0000X/g, `(${x})`).replace(/\u0000Y/g, `(${y ?? ""})`);
}

function nodeExpr(r: LazyRef, dtype: DType, inner: string): string {
  let e = wrap(inner, castOf(dtype));
  if (dtype === "float32") e = `Math.fround(${e})`;
  return e;
}

/** Fuses the elementwise tree rooted at `root` (which must be elementwise). */
export function fuse(root: LazyRef): Fused {
  const leaves: LazyRef[] = [];
  const leafVar = (r: LazyRef): string => {
    let i = leaves.findIndex((l) => l === r);
    if (i < 0) i = leaves.push(r) - 1;
    return `v${i}`;
  };
  const build = (r: LazyRef): string => {
    if (!isElementwise(r)) return leafVar(r);
    const node = r.node;
    if (node.kind === "unary") return nodeExpr(r, r.dtype, substitute(node.op.expr, build(node.arg)));
    if (node.kind !== "binary") throw new Error("unreachable");
    const [a, b] = node.args;
    const xa = typeof a === "number" ? jsLiteral(a) : build(a);
    if (node.op.name === "power" && typeof b === "number" && typeof a !== "number") {
      const integral = r.dtype !== "float64" && r.dtype !== "float32";
      return nodeExpr(r, r.dtype, substitute(powExpression(b, integral), xa));
    }
    const xb = typeof b === "number" ? jsLiteral(b) : build(b);
    return nodeExpr(r, r.dtype, substitute(node.op.expr, xa, xb));
  };
  const expr = build(root);
  return { expr, leaves };
}

type MapKernel = (...args: unknown[]) => void;
type FoldKernel = (...args: unknown[]) => number;
const mapCache = new Map<string, MapKernel>();
const foldCache = new Map<string, FoldKernel>();

function params(k: number): string[] {
  const p: string[] = [];
  for (let i = 0; i < k; i++) p.push(`L${i}`, `o${i}`, `s${i}`);
  return p;
}

function reads(k: number, contiguous: boolean): string {
  let s = "";
  for (let i = 0; i < k; i++) s += contiguous ? `const v${i} = L${i}[o${i} + i]; ` : `const v${i} = L${i}[o${i} + i * s${i}]; `;
  return s;
}

/** `O[oo + i*os] = expr` over a line, for `k` leaves. */
export function mapKernel(expr: string, k: number): MapKernel {
  const key = `${k}|${expr}`;
  let f = mapCache.get(key);
  if (f) return f;
  const allOne = [...Array(k).keys()].map((i) => `s${i} === 1`).concat(["os === 1"]).join(" && ");
  const body = `
    if (${allOne}) { for (let i = 0; i < n; i++) { ${reads(k, true)} O[oo + i] = ${expr}; } return; }
    for (let i = 0; i < n; i++) { ${reads(k, false)} O[oo + i * os] = ${expr}; }`;
  f = new Function(...params(k), "O", "oo", "os", "n", body) as MapKernel;
  mapCache.set(key, f);
  return f;
}

/** Reductions a fused kernel can fold directly. */
export type FoldOp = "sum" | "min" | "max";

/** `acc = fold(acc, expr)` over a line, for `k` leaves; returns the new accumulator. */
export function foldKernel(expr: string, k: number, op: FoldOp): FoldKernel {
  const key = `${op}|${k}|${expr}`;
  let f = foldCache.get(key);
  if (f) return f;
  const step =
    op === "sum" ? "acc += e;" : op === "min" ? "if (e < acc || e !== e) acc = e;" : "if (e > acc || e !== e) acc = e;";
  const allOne = [...Array(k).keys()].map((i) => `s${i} === 1`).join(" && ") || "true";
  // A contiguous sum keeps four running sums (four independent chains of additions instead of
  // one, as NumPy's unrolled loops do), added together at the end of the line.
  const lane = (j: number) => `{ ${reads(k, true).replace(/ \+ i\]/g, ` + i + ${j}]`)} a${j} += ${expr}; }`;
  const contiguous =
    op === "sum"
      ? `let a1 = 0, a2 = 0, a3 = 0, i = 0;
         for (; i + 3 < n; i += 4) { { ${reads(k, true)} acc += ${expr}; } ${lane(1)} ${lane(2)} ${lane(3)} }
         for (; i < n; i++) { ${reads(k, true)} acc += ${expr}; }
         return acc + ((a1 + a2) + a3);`
      : `for (let i = 0; i < n; i++) { ${reads(k, true)} const e = ${expr}; ${step} } return acc;`;
  const body = `
    if (${allOne}) { ${contiguous} }
    for (let i = 0; i < n; i++) { ${reads(k, false)} const e = ${expr}; ${step} }
    return acc;`;
  f = new Function(...params(k), "n", "acc", body) as FoldKernel;
  foldCache.set(key, f);
  return f;
}

type AccumulateKernel = (...args: unknown[]) => void;
const accumulateCache = new Map<string, AccumulateKernel>();

/**
 * `O[oo + i*os] = fold(O[oo + i*os], expr)` over a line: a reduction over axes other than the
 * innermost, folded straight into the partial (NaN propagates, as in NumPy).
 */
export function accumulateKernel(expr: string, k: number, op: FoldOp): AccumulateKernel {
  const key = `${op}|${k}|${expr}`;
  let f = accumulateCache.get(key);
  if (f) return f;
  const step =
    op === "sum" ? "O[j] += e;" : op === "min" ? "const a = O[j]; if (e < a || e !== e) O[j] = e;" : "const a = O[j]; if (e > a || e !== e) O[j] = e;";
  const body = `for (let i = 0; i < n; i++) { ${reads(k, false)} const e = ${expr}; const j = oo + i * os; ${step} }`;
  f = new Function(...params(k), "O", "oo", "os", "n", body) as AccumulateKernel;
  accumulateCache.set(key, f);
  return f;
}
