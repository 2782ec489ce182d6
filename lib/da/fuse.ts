/**
 * Fusion: a chain of elementwise nodes becomes one expression over its leaves (blocks of
 * non-elementwise inputs, or scalars), compiled once into a loop that reads every leaf and
 * writes the output — or folds it straight into a reduction — in a single pass.
 *
 * A fused sum adds in the order NumPy sums the C-contiguous chunk Dask makes of the
 * expression (lib/np/float-sum.ts, floatSum), so a lazy reduction has Dask's bits: a run of
 * reduced elements (a line here) in pieces of BUFSIZE from its start, acc += the pairwise sum
 * of each piece; along a kept innermost axis, element by element, lines in order. Runs that
 * span several lines (the trailing reduced axes not one line of every leaf) are summed by
 * fold-block.ts, not by these kernels.
 */
import type { DType } from "../np/dtype";
import { BUFSIZE, pairwiseSumFor } from "../np/float-sum";
import { native } from "../np/native";
import { binaryExpr, castOf, jsLiteral, powExpression, unaryExpr, wrap } from "../np/ufunc";
import type { LazyRef } from "./graph";
import { compile, FOLD_CODES, type Program } from "./machine";

/**
 * A fused expression: source code over v0..vN-1, the leaves those stand for, and the same
 * expression compiled for the native expression machine (undefined when it has an operation
 * the machine lacks).
 */
export interface Fused {
  expr: string;
  leaves: LazyRef[];
  program: Program | undefined;
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
    if (node.kind === "unary") return nodeExpr(r, r.dtype, substitute(unaryExpr(node.op, r.dtype), build(node.arg)));
    if (node.kind !== "binary") throw new Error("unreachable");
    const [a, b] = node.args;
    const xa = typeof a === "number" ? jsLiteral(a) : build(a);
    if (node.op.name === "power" && typeof b === "number" && typeof a !== "number") {
      const integral = r.dtype !== "float64" && r.dtype !== "float32";
      return nodeExpr(r, r.dtype, substitute(powExpression(b, integral), xa));
    }
    const xb = typeof b === "number" ? jsLiteral(b) : build(b);
    return nodeExpr(r, r.dtype, substitute(binaryExpr(node.op, r.dtype), xa, xb));
  };
  const expr = build(root);
  return { expr, leaves, program: compile(root, leaves) };
}

type FoldKernel = (...args: unknown[]) => number;
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

/**
 * Reductions a fused kernel can fold directly. "exactSum" is a sum of integer values (bool and
 * integer dtypes), exact in any order (below 2**53): its kernels are the sum's, and
 * fold-block.ts folds it line by line even where NumPy's runs span lines.
 */
export type FoldOp = "sum" | "exactSum" | "min" | "max";

/**
 * A sum's piece buffer and NumPy's pairwise sum (lib/np/float-sum.ts) over it: the generated
 * kernels write a piece's values here and add its pairwise sum, as NumPy sums the chunk Dask
 * makes of the expression. One per thread (kernels never run inside each other).
 */
const PIECE = new Float64Array(BUFSIZE);
const PIECE_SUM = pairwiseSumFor(PIECE);

/**
 * The sum of a line that is one run of NumPy's reduction (lib/np/float-sum.ts, floatSum), into
 * `acc`: its pieces of BUFSIZE elements from the line's start, each piece's values written to
 * `B` and `acc += PW(B, 0, len, 1)` (NumPy's pairwise tree), in order. Leaf i's element at
 * `base(i) + index * s${i}`, or `base(i) + index` where every stride is 1.
 */
function pieceSums(expr: string, k: number, base: (i: number) => string): string {
  const allOne = [...Array(k).keys()].map((i) => `s${i} === 1`).join(" && ") || "true";
  const fill = (contiguous: boolean) => {
    let r = "";
    for (let i = 0; i < k; i++) r += contiguous ? `const v${i} = L${i}[${base(i)} + c + i]; ` : `const v${i} = L${i}[${base(i)} + (c + i) * s${i}]; `;
    return `for (let i = 0; i < len; i++) { ${r} B[i] = ${expr}; }`;
  };
  return `for (let c = 0; c < n; c += BS) {
      const len = n - c < BS ? n - c : BS;
      if (${allOne}) { ${fill(true)} } else { ${fill(false)} }
      acc += PW(B, 0, len, 1);
    }`;
}

/** `new Function(...params, body)` with the piece buffer `B`, its pairwise sum `PW` and `BS` (BUFSIZE) in scope. */
function withPieces<F>(params: string[], body: string): F {
  return new Function("B", "PW", "BS", `return function (${params.join(", ")}) { ${body} };`)(PIECE, PIECE_SUM, BUFSIZE) as F;
}

/**
 * `acc = fold(acc, expr)` over a line, for `k` leaves; returns the new accumulator. A sum takes
 * the line as one run of NumPy's reduction: acc += the pairwise sum of each piece of BUFSIZE
 * from the line's start (so a run folded in calls of multiples of BUFSIZE elements, as
 * scheduler/run-fold.ts folds a block, gets NumPy's order for the whole run).
 */
export function foldKernel(expr: string, k: number, op: FoldOp): FoldKernel {
  if (op === "exactSum") return foldKernel(expr, k, "sum");
  const key = `${op}|${k}|${expr}`;
  let f = foldCache.get(key);
  if (f) return f;
  if (op === "sum") f = withPieces<FoldKernel>([...params(k), "n", "acc"], `${pieceSums(expr, k, (i) => `o${i}`)} return acc;`);
  else {
    const step = op === "min" ? "if (e < acc || e !== e) acc = e;" : "if (e > acc || e !== e) acc = e;";
    const allOne = [...Array(k).keys()].map((i) => `s${i} === 1`).join(" && ") || "true";
    const body = `
      if (${allOne}) { for (let i = 0; i < n; i++) { ${reads(k, true)} const e = ${expr}; ${step} } return acc; }
      for (let i = 0; i < n; i++) { ${reads(k, false)} const e = ${expr}; ${step} }
      return acc;`;
    f = new Function(...params(k), "n", "acc", body) as FoldKernel;
  }
  foldCache.set(key, f);
  return f;
}

function slabParams(k: number): string[] {
  const p: string[] = [];
  for (let i = 0; i < k; i++) p.push(`L${i}`, `o${i}`, `s${i}`, `t${i}`);
  return p;
}

/** `const p0 = o0 + j * t0; ...`: each leaf's start of line j of a slab. */
function lineStarts(k: number): string {
  let s = "";
  for (let i = 0; i < k; i++) s += `const p${i} = o${i} + j * t${i}; `;
  return s;
}

/** Reads of element i of each leaf's current line (`p0`, ...), contiguous or strided. */
function lineReads(k: number, contiguous: boolean): string {
  let s = "";
  for (let i = 0; i < k; i++) s += contiguous ? `const v${i} = L${i}[p${i} + i]; ` : `const v${i} = L${i}[p${i} + i * s${i}]; `;
  return s;
}

/**
 * A band kernel `(L0, s0, t0, ..., P, N, R, G, m, O, os, ot)`: folds `G` parts (input blocks)
 * that share their leaves' arrays and strides, line by line across the parts — line j of part
 * 0, line j of part 1, ..., then line j+1 — so a row of blocks is read in memory order (block
 * after block read a 4000-wide array ~1.4× slower here). Part g's line j reads leaf i from
 * `P[g*k + i] + j*ti` (element stride `si`), is `N[g]` long and folds into its partial at
 * `R[g] + j*ot` of `O`: into that one element when `os === 0` (exactly {@link foldKernel}'s
 * operations, per line: a sum takes the line as one run of NumPy's reduction), otherwise
 * element i into `R[g] + j*ot + i*os` (one addition or comparison per element, lines in order,
 * as NumPy adds along a kept innermost axis). Each part's partial is the same bit for bit as
 * when it is folded alone.
 */
export function foldBandKernel(expr: string, k: number, op: FoldOp, program?: Program): SlabKernel {
  if (op === "exactSum") return foldBandKernel(expr, k, "sum", program);
  const machine = native && program && MACHINE ? program : undefined;
  const key = `${op}|${k}|${machine ? "machine|" : ""}${expr}`;
  let f = foldBandCache.get(key);
  if (f) return f;
  const step =
    op === "sum" ? "acc += e;" : op === "min" ? "if (e < acc || e !== e) acc = e;" : "if (e > acc || e !== e) acc = e;";
  const put =
    op === "sum" ? "O[q] += e;" : op === "min" ? "const a = O[q]; if (e < a || e !== e) O[q] = e;" : "const a = O[q]; if (e > a || e !== e) O[q] = e;";
  const allOne = [...Array(k).keys()].map((i) => `s${i} === 1`).join(" && ") || "true";
  let starts = "";
  for (let i = 0; i < k; i++) starts += `const p${i} = P[g * ${k} + ${i}] + j * t${i}; `;
  const each = (inner: string) => `for (let j = 0; j < m; j++) for (let g = 0; g < G; g++) { const n = N[g]; ${starts} const r = R[g] + j * ot; ${inner} }`;
  const line =
    op === "sum"
      ? `let acc = O[r]; ${pieceSums(expr, k, (i) => `p${i}`)} O[r] = acc;`
      : `let acc = O[r];
         if (${allOne}) { for (let i = 0; i < n; i++) { ${lineReads(k, true)} const e = ${expr}; ${step} } }
         else for (let i = 0; i < n; i++) { ${lineReads(k, false)} const e = ${expr}; ${step} }
         O[r] = acc;`;
  const body = `
    if (os === 0) { ${each(line)} return; }
    ${each(`for (let i = 0; i < n; i++) { ${lineReads(k, false)} const e = ${expr}; const q = r + i * os; ${put} }`)}`;
  const params: string[] = [];
  for (let i = 0; i < k; i++) params.push(`L${i}`, `s${i}`, `t${i}`);
  f = withPieces<SlabKernel>([...params, "P", "N", "R", "G", "m", "O", "os", "ot"], body);
  if (machine) f = withMachine(f, machine, k, op);
  foldBandCache.set(key, f);
  return f;
}

/** LAZYLAB_DA_MACHINE=0 leaves fused folds to the generated kernels (benchmarks compare the two). */
const MACHINE = process.env.LAZYLAB_DA_MACHINE !== "0";

/** Whether compiled programs run on the native expression machine (the addon is loaded and LAZYLAB_DA_MACHINE is not 0). */
export function machineOn(): boolean {
  return !!native && MACHINE;
}

/**
 * Below this many elements per line, or this many in a call, the generated kernel is faster
 * than the machine's per-line and per-call costs (an N-API call with its checks is ~1 µs).
 */
const MACHINE_MIN_LINE = 16;
const MACHINE_MIN_CALL = 4096;

/**
 * A band kernel running `program` on the native expression machine (native/np_machine.c):
 * the same arguments, the same walk and the same order of additions and comparisons as the
 * generated kernel `js`, so the same partials; small bands (short lines, few elements) go to
 * `js`.
 */
function withMachine(js: SlabKernel, program: Program, k: number, op: FoldOp): SlabKernel {
  const loops = native!;
  const fold = FOLD_CODES[op];
  const f = ((...args: unknown[]) => {
    const P = args[3 * k] as number[], N = args[3 * k + 1] as number[], R = args[3 * k + 2] as number[], m = args[3 * k + 4] as number, O = args[3 * k + 5];
    let total = 0, shortest = Infinity;
    for (const n of N) {
      total += n;
      if (n < shortest) shortest = n;
    }
    if (!(O instanceof Float64Array) || shortest < MACHINE_MIN_LINE || total * m < MACHINE_MIN_CALL) return js(...args);
    const leaves: unknown[] = new Array(k), strides: number[] = new Array(2 * k);
    for (let i = 0; i < k; i++) {
      leaves[i] = args[3 * i];
      strides[2 * i] = args[3 * i + 1] as number;
      strides[2 * i + 1] = args[3 * i + 2] as number;
    }
    loops.machineFold(program.code, program.consts, fold, leaves, strides, P, N, R, m, O, args[3 * k + 6] as number, args[3 * k + 7] as number);
  }) as SlabKernel;
  return Object.assign(f, { nativeLoop: "machineFold" });
}

/**
 * A slab kernel `(L0, o0, s0, t0, ..., O, oo, os, ot, n, m)` writing `expr` over `m` lines of
 * `n` elements: `O[oo + j*ot + i*os] = expr`. With `program` (the same expression compiled by
 * machine.ts) the native expression machine writes it when the addon is there, with the same
 * bits; the generated kernel stays for small slabs and for expressions without a program.
 */
export function mapSlabKernel(expr: string, k: number, program?: Program): SlabKernel {
  const machine = native && program && MACHINE ? program : undefined;
  const key = `${k}|${machine ? "machine|" : ""}${expr}`;
  let f = mapSlabCache.get(key);
  if (f) return f;
  const allOne = [...Array(k).keys()].map((i) => `s${i} === 1`).concat(["os === 1"]).join(" && ");
  const body = `
    if (${allOne}) {
      for (let j = 0; j < m; j++) { ${lineStarts(k)} const r = oo + j * ot;
        for (let i = 0; i < n; i++) { ${lineReads(k, true)} O[r + i] = ${expr}; } }
      return;
    }
    for (let j = 0; j < m; j++) { ${lineStarts(k)} const r = oo + j * ot;
      for (let i = 0; i < n; i++) { ${lineReads(k, false)} O[r + i * os] = ${expr}; } }`;
  f = new Function(...slabParams(k), "O", "oo", "os", "ot", "n", "m", body) as SlabKernel;
  if (machine) f = withMachineMap(f, machine, k);
  mapSlabCache.set(key, f);
  return f;
}

/**
 * A map slab kernel running `program` on the native expression machine (native/np_machine.c,
 * machineMap): each value computed as the generated kernel computes it and stored as its
 * typed-array store converts it, so the same output (programs marked inexact: exp, log, sin and
 * cos are the C library's, NumPy's bits, as in the folds and in eager np); small slabs (short
 * lines, few elements) and BigInt outputs go to `js`, the fallback.
 */
function withMachineMap(js: SlabKernel, program: Program, k: number): SlabKernel {
  const loops = native!;
  const leaves: unknown[] = new Array(k), starts: number[] = new Array(3 * k);
  const f = ((...args: unknown[]) => {
    const O = args[4 * k], n = args[4 * k + 4] as number, m = args[4 * k + 5] as number;
    if (n < MACHINE_MIN_LINE || n * m < MACHINE_MIN_CALL || O instanceof BigInt64Array || O instanceof BigUint64Array) return js(...args);
    for (let i = 0; i < k; i++) {
      leaves[i] = args[4 * i];
      starts[3 * i] = args[4 * i + 1] as number;
      starts[3 * i + 1] = args[4 * i + 2] as number;
      starts[3 * i + 2] = args[4 * i + 3] as number;
    }
    try {
      loops.machineMap(program.code, program.consts, leaves, starts, O, args[4 * k + 1] as number, args[4 * k + 2] as number, args[4 * k + 3] as number, n, m);
    } finally {
      // The kernel is cached for the session: a leaf left here would keep its array alive after
      // `del` (test_library_in_kernel's del of a lazy array over it).
      leaves.fill(undefined);
    }
  }) as SlabKernel;
  return Object.assign(f, { nativeLoop: "machineMap" });
}

type SlabKernel = (...args: unknown[]) => void;
const foldBandCache = new Map<string, SlabKernel>();
const mapSlabCache = new Map<string, SlabKernel>();
