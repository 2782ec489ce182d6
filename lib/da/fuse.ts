/**
 * Fusion: a chain of elementwise nodes becomes one expression over its leaves (blocks of
 * non-elementwise inputs, or scalars), compiled once into a loop that reads every leaf and
 * writes the output — or folds it straight into a reduction — in a single pass.
 */
import type { DType } from "../np/dtype";
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

/**
 * The four-sum loop of a contiguous line, reading leaf i at `base(i) + i` and adding into
 * `acc`: the same additions in the same order as {@link foldKernel}'s, so both give the same
 * bits.
 */
function fourSums(expr: string, k: number, base: (i: number) => string): string {
  const read = (lane: number) => {
    let s = "";
    for (let i = 0; i < k; i++) s += `const v${i} = L${i}[${base(i)} + i${lane ? ` + ${lane}` : ""}]; `;
    return s;
  };
  return `let a1 = 0, a2 = 0, a3 = 0, i = 0;
    for (; i + 3 < n; i += 4) { { ${read(0)} acc += ${expr}; } { ${read(1)} a1 += ${expr}; } { ${read(2)} a2 += ${expr}; } { ${read(3)} a3 += ${expr}; } }
    for (; i < n; i++) { ${read(0)} acc += ${expr}; }
    acc = acc + ((a1 + a2) + a3);`;
}

/**
 * {@link fourSums} over two lines at once, leaf i of the second read at `q${i}` into `bcc`
 * (its own four sums): each line gets exactly the additions it gets alone, but the two lines'
 * eight chains of additions run side by side. A contiguous fused sum is bound by the latency
 * of its four chains (V8 does not vectorise): two lines at once read a 4000-wide array at
 * ~0.8-0.9 ns/element against ~1.0-1.4 one line at a time (one thread).
 */
function pairedFourSums(expr: string, k: number): string {
  const second = expr.replace(/\bv(\d+)\b/g, "w$1");
  const read = (lane: number, v: string, base: string) => {
    let s = "";
    for (let i = 0; i < k; i++) s += `const ${v}${i} = L${i}[${base}${i} + i${lane ? ` + ${lane}` : ""}]; `;
    return s;
  };
  const both = (lane: number, a: string, b: string) => `{ ${read(lane, "v", "p")} ${a} += ${expr}; } { ${read(lane, "w", "q")} ${b} += ${second}; }`;
  return `let a1 = 0, a2 = 0, a3 = 0, b1 = 0, b2 = 0, b3 = 0, i = 0;
    for (; i + 3 < n; i += 4) { ${both(0, "acc", "bcc")} ${both(1, "a1", "b1")} ${both(2, "a2", "b2")} ${both(3, "a3", "b3")} }
    for (; i < n; i++) { ${both(0, "acc", "bcc")} }
    acc = acc + ((a1 + a2) + a3); bcc = bcc + ((b1 + b2) + b3);`;
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
 * additions, per line), otherwise element i into `R[g] + j*ot + i*os`. Each part's partial is
 * the same bit for bit as when it is folded alone.
 */
export function foldBandKernel(expr: string, k: number, op: FoldOp, program?: Program): SlabKernel {
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
  const contiguous =
    op === "sum"
      ? fourSums(expr, k, (i) => `p${i}`)
      : `for (let i = 0; i < n; i++) { ${lineReads(k, true)} const e = ${expr}; ${step} }`;
  let pairStarts = "";
  for (let i = 0; i < k; i++) pairStarts += `const p${i} = P[g * ${k} + ${i}] + j * t${i}, q${i} = p${i} + t${i}; `;
  // A contiguous sum whose lines fold into elements of their own (ot !== 0) runs two lines at
  // a time (pairedFourSums); the order of lines does not matter there, each has its element.
  const paired =
    op !== "sum"
      ? ""
      : `if (ot !== 0) {
        let j = 0;
        for (; j + 1 < m; j += 2) for (let g = 0; g < G; g++) { const n = N[g]; ${pairStarts} const r = R[g] + j * ot; let acc = O[r], bcc = O[r + ot]; ${pairedFourSums(expr, k)} O[r] = acc; O[r + ot] = bcc; }
        for (; j < m; j++) for (let g = 0; g < G; g++) { const n = N[g]; ${starts} const r = R[g] + j * ot; let acc = O[r]; ${contiguous} O[r] = acc; }
        return;
      }`;
  const body = `
    if (os === 0) {
      if (${allOne}) { ${paired} ${each(`let acc = O[r]; ${contiguous} O[r] = acc;`)} return; }
      ${each(`let acc = O[r]; for (let i = 0; i < n; i++) { ${lineReads(k, false)} const e = ${expr}; ${step} } O[r] = acc;`)}
      return;
    }
    ${each(`for (let i = 0; i < n; i++) { ${lineReads(k, false)} const e = ${expr}; const q = r + i * os; ${put} }`)}`;
  const params: string[] = [];
  for (let i = 0; i < k; i++) params.push(`L${i}`, `s${i}`, `t${i}`);
  f = new Function(...params, "P", "N", "R", "G", "m", "O", "os", "ot", body) as SlabKernel;
  if (machine) f = withMachine(f, machine, k, op);
  if (op === "sum" && k === 1 && expr === SQUARE_OF_LEAF && native) f = withNativeSquareSums(f);
  foldBandCache.set(key, f);
  return f;
}

/** What {@link fuse} writes for a float64 leaf squared (`x**2`): `(v0) * (v0)`. */
const SQUARE_OF_LEAF = substitute(powExpression(2, false), "v0");

/**
 * `(x**2).sum(axis)` over contiguous lines, each into an element of its own: the C loop
 * (native/np_reduce.c, squareSumLines) adds in exactly the generated kernel's order, four lines
 * at a time in vector registers; anything else goes to the generated kernel.
 */
function withNativeSquareSums(js: SlabKernel): SlabKernel {
  const loops = native!;
  const f = ((L0: unknown, s0: number, t0: number, P: number[], N: number[], R: number[], G: number, m: number, O: Float64Array, os: number, ot: number) => {
    if (s0 !== 1 || os !== 0 || ot <= 0 || t0 < 0 || !(L0 instanceof Float64Array)) return js(L0, s0, t0, P, N, R, G, m, O, os, ot);
    for (let g = 0; g < G; g++) loops.squareSumLines(L0, P[g], m, N[g], t0, O, R[g], ot);
  }) as SlabKernel;
  return Object.assign(f, { nativeLoop: "squareSumLines" });
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
