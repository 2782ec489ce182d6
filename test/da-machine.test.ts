/**
 * lib/da's expression machine (lib/da/machine.ts compiling, native/np_machine.c running) against
 * the generated JavaScript fold kernels it replaces: for randomly generated expression trees
 * (every operation the machine has, casts of bool, int64 and float32 results, scalars on
 * either side, leaves of every storage type, contiguous, strided and broadcast), every
 * reduction and axis, lines of every length mod 4, shorter and longer than a block, the
 * partials must be the JavaScript kernel's bit for bit (exp/log/sin/cos: within a few ulps,
 * the C library's against V8's). End to end, chains of lazy arrays must agree with NumPy and
 * Dask, and give the same bits with the addon switched off (LAZYLAB_NATIVE=0).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { foldBand, foldBlock, FoldLeaf, momentsBand, momentsBlock, type Moments } from "../lib/da/fold-block";
import { partialOf } from "../lib/da/evaluate";
import { writeSlabs } from "../lib/da/slab";
import { NDArray } from "../lib/np/ndarray";
import { allocate } from "../lib/np/dtype";
import { foldBandKernel, FoldOp, fuse, mapSlabKernel } from "../lib/da/fuse";
import { compile } from "../lib/da/machine";
import type { LazyRef, Node } from "../lib/da/graph";
import type { DType } from "../lib/np/dtype";
import { binaryResultDType, OPS, UNARY, type BinaryOp, type UnaryOp } from "../lib/np/ufunc";
import { native } from "../lib/np/native";
import { pythonJson } from "./oracle";

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** Bits equal (any NaN equals any NaN: V8 and C may carry different NaN payloads). */
const sameBits = (a: number, b: number) => Object.is(a, b) || (a !== a && b !== b);

/** A stand-in graph node: fuse and compile read only `node` and `dtype`. */
const ref = (node: Node | { kind: "source" }, dtype: DType): LazyRef => ({ node, dtype, shape: [2, 2] }) as unknown as LazyRef;

const LEAF_TYPES: DType[] = ["float64", "float64", "float64", "float32", "int32", "bool"];
const SCALARS = [2, 0.5, -1, 0, 3.25, -0, 1e-3];
const EXACT_UNARY: UnaryOp[] = [UNARY.neg, UNARY.abs, UNARY.sqrt, UNARY.square, UNARY.reciprocal, UNARY.copy, UNARY.floor, UNARY.ceil, UNARY.isnan, UNARY.not];
const LIBM_UNARY: UnaryOp[] = [UNARY.exp, UNARY.log, UNARY.sin, UNARY.cos];
const BINARY: BinaryOp[] = [OPS.add, OPS.sub, OPS.mul, OPS.div, OPS.eq, OPS.ne, OPS.lt, OPS.le, OPS.gt, OPS.ge];

/** A random elementwise tree over `leaves` (placeholders of the leaf dtypes), exact operations only unless `libm`. */
function randomTree(r: () => number, leaves: LazyRef[], depth: number, libm: boolean): LazyRef {
  if (depth === 0 || r() < 0.2) return leaves[Math.floor(r() * leaves.length)];
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const u = r();
  if (u < 0.35) {
    const op = libm && r() < 0.5 ? pick(LIBM_UNARY) : pick(EXACT_UNARY);
    const arg = randomTree(r, leaves, depth - 1, libm);
    if (op === UNARY.neg && arg.dtype === "bool") return arg;
    return ref({ kind: "unary", op, arg }, op.result(arg.dtype));
  }
  if (u < 0.45) {
    // x ** scalar: NumPy's fast cases compile (x*x, x, sqrt, 1/x); others stay with JavaScript.
    const arg = randomTree(r, leaves, depth - 1, libm);
    const e = pick([2, 1, 0.5, -1, 2]);
    if (e < 0 && arg.dtype !== "float64" && arg.dtype !== "float32") return arg;
    return ref({ kind: "binary", op: OPS.pow, args: [arg, e] }, binaryResultDType(OPS.pow, arg.dtype, e));
  }
  const op = pick(BINARY);
  const a = randomTree(r, leaves, depth - 1, libm);
  const scalar = r() < 0.4;
  const b = scalar ? pick(SCALARS) : randomTree(r, leaves, depth - 1, libm);
  if (typeof b !== "number" && op === OPS.sub && a.dtype === "bool" && b.dtype === "bool") return a;
  const args: [LazyRef | number, LazyRef | number] = scalar && r() < 0.3 ? [b, a] : [a, b];
  if (typeof args[0] === "number" && op === OPS.sub && a.dtype === "bool") return a;
  return ref({ kind: "binary", op, args }, binaryResultDType(op, a.dtype, typeof b === "number" ? b : b.dtype));
}

/** Leaf data of a storage type: mostly ordinary values, with zeros of both signs, NaN and infinities sprinkled in. */
function leafData(r: () => number, dtype: DType, length: number): Float64Array | Float32Array | Int32Array | Uint8Array {
  if (dtype === "bool") return Uint8Array.from({ length }, () => (r() < 0.5 ? 1 : 0));
  if (dtype === "int32") return Int32Array.from({ length }, () => Math.floor(r() * 21) - 10);
  // NaN and infinities rare enough that most lines' sums stay finite (and can differ in their last bit).
  const special = [0, -0, 1, -1, 0.5];
  const values = Array.from({ length }, () => {
    const u = r();
    return u < 0.0002 ? NaN : u < 0.0004 ? (r() < 0.5 ? Infinity : -Infinity) : u < 0.01 ? special[Math.floor(r() * special.length)] : (r() - 0.5) * 8;
  });
  return dtype === "float32" ? Float32Array.from(values) : Float64Array.from(values);
}

/** Leaves laid out for a block of `shape` [rows, n]: contiguous in a wider array, transposed, or broadcast along the rows. */
function layout(r: () => number, data: FoldLeaf["data"][], rows: number, n: number, allContiguous: boolean): FoldLeaf[] {
  return data.map((d, i) => {
    const kind = allContiguous ? 0 : Math.floor(r() * 3);
    if (kind === 0) return { data: d, offset: 2 + i, stride: [n + 3, 1] };
    if (kind === 1) return { data: d, offset: 1, stride: [1, rows + 1] };
    return { data: d, offset: 5, stride: [0, 1] };
  });
}

const show = (v: number) => (Object.is(v, -0) ? "-0" : String(v));

function check(label: string, got: Float64Array, want: Float64Array, exact: boolean): void {
  assert.equal(got.length, want.length, label);
  for (let i = 0; i < got.length; i++) {
    const a = got[i], b = want[i];
    if (exact) assert.ok(sameBits(a, b), `${label} [${i}]: machine ${show(a)} vs JavaScript ${show(b)}`);
    else assert.ok(sameBits(a, b) || Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${label} [${i}]: machine ${show(a)} vs JavaScript ${show(b)}`);
  }
}

const SKIP = native ? false : "no native addon";

function runTrees(seed: number, count: number, libm: boolean): number {
  const r = rng(seed);
  let compiled = 0;
  for (let t = 0; t < count; t++) {
    const types = Array.from({ length: 1 + Math.floor(r() * 3) }, () => LEAF_TYPES[Math.floor(r() * LEAF_TYPES.length)]);
    const placeholders = types.map((d) => ref({ kind: "source" }, d));
    const root = randomTree(r, placeholders, 1 + Math.floor(r() * 4), libm);
    if (root.node.kind !== "unary" && root.node.kind !== "binary") continue;
    const { expr, leaves, program } = fuse(root);
    if (!program) {
      // Math.pow and int64's exact arithmetic past 2**53 (BigInt) have no instruction.
      assert.match(expr, /Math\.pow|BigInt/, `only Math.pow and BigInt have no instruction among these operations: ${expr}`);
      continue;
    }
    compiled++;
    const exact = program.exact;
    if (!libm) assert.ok(exact, `${expr}: exact operations only, yet marked inexact`);
    for (const n of [1021, 1022, 1023, 1024, 2053]) {
      const rows = 5;
      const data = leaves.map((l) => leafData(r, l.dtype, (n + 3) * rows + 8 + n * (rows + 1)));
      for (const contiguous of [true, false]) {
        const ls = layout(r, data, rows, n, contiguous);
        for (const fold of ["sum", "min", "max"] as FoldOp[]) {
          const kernel = foldBandKernel(expr, leaves.length, fold, program) as { nativeLoop?: string };
          assert.equal(kernel.nativeLoop, "machineFold", `${expr} runs on the machine`);
          for (const axes of [[1], [0], [0, 1]]) {
            const want = foldBlock(expr, fold, ls, [rows, n], axes);
            const got = foldBlock(expr, fold, ls, [rows, n], axes, program);
            check(`${fold} axes (${axes}) of ${expr}, lines of ${n}, ${contiguous ? "contiguous" : "mixed"} leaves`, got, want, exact);
          }
        }
      }
    }
  }
  return compiled;
}

test("random expression trees folded by the machine give the JavaScript kernel's partials bit for bit (sum, min, max; every axis; lines of every length mod 4)", { skip: SKIP }, () => {
  const compiled = runTrees(17, 60, false);
  assert.ok(compiled >= 30, `only ${compiled} trees compiled`);
});

test("with exp, log, sin and cos (the C library's, as NumPy's) the machine's partials are within a few ulps of the JavaScript kernel's", { skip: SKIP }, () => {
  const compiled = runTrees(29, 20, true);
  assert.ok(compiled >= 10, `only ${compiled} trees compiled`);
});

test("a band of blocks and a 3-D block with merged axes fold on the machine as in JavaScript", { skip: SKIP }, () => {
  const r = rng(3);
  const x = ref({ kind: "source" }, "float64"), y = ref({ kind: "source" }, "float32");
  const root = ref({ kind: "binary", op: OPS.add, args: [ref({ kind: "unary", op: UNARY.sqrt, arg: ref({ kind: "unary", op: UNARY.abs, arg: x }, "float64") }, "float64"), y] }, "float64");
  const { expr, leaves, program } = fuse(root);
  assert.ok(program && program.exact);
  assert.equal(leaves.length, 2);
  const W = 3001;
  const A = leafData(r, "float64", W * 40), B = leafData(r, "float32", W * 40);
  for (const fold of ["sum", "min", "max"] as FoldOp[]) {
    for (const axes of [[1], [0]]) {
      const parts = [1000, 1000, 1001].map((w, g) => ({ offsets: [W + 1000 * g, 7 + 1000 * g], shape: [27, w] }));
      const band = [{ data: A, stride: [W, 1] }, { data: B, stride: [W, 1] }];
      check(`band ${fold} (${axes})`, foldBand(expr, fold, band, parts, axes, program), foldBand(expr, fold, band, parts, axes), true);
    }
    for (const axes of [[2], [0, 2], [1], [0, 1, 2]]) {
      const ls = [{ data: A, offset: 0, stride: [W * 10, 2 * W, 1] }, { data: B, offset: 3, stride: [W * 10, W, 1] }];
      check(`3-D ${fold} (${axes})`, foldBlock(expr, fold, ls, [3, 5, 1500], axes, program), foldBlock(expr, fold, ls, [3, 5, 1500], axes), true);
    }
  }
});

test("sums over an outer axis add eight lines at a time on the machine (fold_rows) with the JavaScript kernel's bits: chains of one leaf and of two (one broadcast along the lines), every kind of core, comparisons, line counts on and between multiples of eight, lines of every length mod 4, a band of blocks", { skip: SKIP }, () => {
  const r = rng(41);
  const x = ref({ kind: "source" }, "float64"), y = ref({ kind: "source" }, "float64");
  const un = (op: UnaryOp, arg: LazyRef) => ref({ kind: "unary", op, arg }, op.result(arg.dtype));
  const bin = (op: BinaryOp, a: LazyRef, b: LazyRef | number) => ref({ kind: "binary", op, args: [a, b] }, binaryResultDType(op, a.dtype, typeof b === "number" ? b : b.dtype));
  const roots = [
    bin(OPS.sub, bin(OPS.mul, x, 3), 1),
    bin(OPS.add, bin(OPS.mul, un(UNARY.sqrt, un(UNARY.abs, x)), 2), 1),
    bin(OPS.gt, x, 0.5),
    bin(OPS.mul, un(UNARY.floor, x), 2),
    bin(OPS.sub, bin(OPS.mul, x, y), 0.5),
    un(UNARY.abs, bin(OPS.sub, x, y)),
    bin(OPS.div, x, y),
    bin(OPS.gt, bin(OPS.mul, x, y), 0.1),
    un(UNARY.sqrt, bin(OPS.mul, x, y)),
  ];
  for (const root of roots) {
    const { expr, leaves, program } = fuse(root);
    assert.ok(program && program.exact, `${expr} compiles`);
    const before = native!.machineRowFolds();
    for (const rows of [8, 13, 24]) {
      for (const n of [1021, 1022, 1023, 1024]) {
        const data = leaves.map(() => leafData(r, "float64", (n + 3) * rows + 8));
        for (const broadcast of leaves.length > 1 ? [false, true] : [false]) {
          const ls = data.map((d, i) => ({ data: d, offset: 2 + i, stride: [broadcast && i === 1 ? 0 : n + 3, 1] }));
          check(`sum (0) of ${expr}, ${rows} lines of ${n}${broadcast ? ", the second leaf broadcast" : ""}`, foldBlock(expr, "sum", ls, [rows, n], [0], program), foldBlock(expr, "sum", ls, [rows, n], [0]), true);
        }
      }
    }
    // A band: three blocks side by side in a wider array, read line by line across them.
    const W = 3011, data = leaves.map(() => leafData(r, "float64", W * 30));
    const band = data.map((d) => ({ data: d, stride: [W, 1] }));
    const parts = [1000, 1000, 1001].map((w, g) => ({ offsets: leaves.map((_, i) => W + 3 + i + 1000 * g), shape: [27, w] }));
    check(`band sum (0) of ${expr}`, foldBand(expr, "sum", band, parts, [0], program), foldBand(expr, "sum", band, parts, [0]), true);
    assert.ok(native!.machineRowFolds() > before, `${expr}: the machine added eight lines at a time`);
  }
});

test("min and max keep the JavaScript rule on signed zeros and NaN: of equal values the first is kept, a NaN replaces the accumulator", { skip: SKIP }, () => {
  const x = ref({ kind: "source" }, "float64");
  const { expr, program } = fuse(ref({ kind: "binary", op: OPS.mul, args: [x, 1] }, "float64"));
  const n = 4096;
  for (const [first, second] of [[-0, 0], [0, -0]]) {
    for (const fold of ["min", "max"] as FoldOp[]) {
      // Every element on the far side of zero, the two zeros in different vector lanes.
      const A = Float64Array.from({ length: n }, (_, i) => (fold === "max" ? -1 - (i % 7) : 1 + (i % 7)));
      A[5] = first;
      A[8] = second;
      const want = foldBlock(expr, fold, [{ data: A, offset: 0, stride: [1] }], [n], [0]);
      assert.ok(Object.is(want[0], first), "the JavaScript kernel keeps the first zero");
      check(`${fold} with zeros ${show(first)}, ${show(second)}`, foldBlock(expr, fold, [{ data: A, offset: 0, stride: [1] }], [n], [0], program), want, true);
      A[3000] = NaN;
      check(`${fold} with a NaN`, foldBlock(expr, fold, [{ data: A, offset: 0, stride: [1] }], [n], [0], program), foldBlock(expr, fold, [{ data: A, offset: 0, stride: [1] }], [n], [0]), true);
    }
  }
});

/** The block of `shape` that the JavaScript path makes from the leaves (a C-order chunk of the expression's dtype). */
function chunkOf(expr: string, dtype: DType, ls: readonly FoldLeaf[], shape: number[]): NDArray {
  const out = new NDArray(allocate(dtype, shape.reduce((a, b) => a * b, 1)), shape, dtype);
  writeSlabs(mapSlabKernel(expr, ls.length), ls, shape, out.nd.data, 0, out.nd.stride);
  return out;
}

/**
 * Compares the machine's var partials of `trees` random expression trees with the JavaScript
 * path's (the block made, NumPy-ordered sums) over each shape and axis set, bit for bit; each
 * leaf contiguous in C order from an offset, or read backwards along the last axis. Returns how
 * many partials were compared.
 */
function compareVarPartials(seed: number, trees: number, shapes: { shape: number[]; axes: number[][] }[]): number {
  const r = rng(seed);
  let compared = 0;
  for (let t = 0; t < trees; t++) {
    const types = Array.from({ length: 1 + Math.floor(r() * 3) }, () => LEAF_TYPES[Math.floor(r() * LEAF_TYPES.length)]);
    const placeholders = types.map((d) => ref({ kind: "source" }, d));
    const root = randomTree(r, placeholders, 1 + Math.floor(r() * 4), false);
    if ((root.node.kind !== "unary" && root.node.kind !== "binary") || root.dtype === "float32" || root.dtype === "uint64") continue;
    const { expr, leaves, program } = fuse(root);
    if (!program) continue;
    for (const { shape, axes: axesList } of shapes) {
      const size = shape.reduce((a, b) => a * b, 1);
      const ls = leaves.map((l, i) => {
        const data = leafData(r, l.dtype, size + 7);
        const stride = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
        if (i % 2 === 1) return { data, offset: 3 + shape[shape.length - 1] - 1, stride: stride.map((s, d) => (d === shape.length - 1 ? -1 : s)) };
        return { data, offset: 3, stride };
      });
      const block = chunkOf(expr, root.dtype, ls, shape);
      for (const axes of axesList) {
        const want = partialOf("var", block, axes);
        const got: Moments = momentsBlock(program, ls, shape, axes)!;
        assert.ok(got, "the machine computes var");
        assert.equal(got.count, want.count);
        const label = `var (${axes}) of ${expr} over (${shape})`;
        check(`${label}: sum`, got.total, want.value.nd.data as Float64Array, true);
        check(`${label}: m2`, got.m2, want.m2!.nd.data as Float64Array, true);
        compared++;
      }
    }
  }
  return compared;
}

test("var/std partials on the machine are the JavaScript path's (the block made, NumPy-ordered sums) bit for bit: random trees, every axis set, runs crossing NumPy's 8192-element buffers", { skip: SKIP }, () => {
  const compared = compareVarPartials(41, 40, [
    { shape: [5, 1021], axes: [[1], [0], [0, 1]] },
    { shape: [3, 1, 2053], axes: [[2], [0, 2], [1], [0, 1, 2], [1, 2], [0]] },
    { shape: [2, 5, 2001], axes: [[1, 2], [0, 1, 2], [0, 2], [0, 1]] },
    { shape: [1, 1], axes: [[0], [0, 1]] },
  ]);
  assert.ok(compared >= 200, `only ${compared} partials compared`);
});

// np_machine.c evaluates a block once into a 1 MB (131072-double) scratch buffer where it fits:
// a run of trailing reduced elements up to its size, or strips of a kept last axis (all rows,
// as many columns as fit, at least 16); larger blocks keep the two passes.
test("var/std partials read in one pass (column strips of a kept last axis, long runs) and those too large for the scratch buffer (two passes) are the JavaScript path's bit for bit", { skip: SKIP }, () => {
  const compared = compareVarPartials(43, 12, [
    // 1500 rows: strips of 84 columns and a last one of 48.
    { shape: [1500, 300], axes: [[0]] },
    // Kept dimension before the strips' axis; strips of 184 and 16 columns.
    { shape: [700, 3, 200], axes: [[0], [0, 1]] },
    // Strips as wide as a machine block (1024) and a last one of 76.
    { shape: [120, 1100], axes: [[0]] },
    // 9000 rows leave 14 columns per strip (under 16): two passes.
    { shape: [9000, 20], axes: [[0]] },
    // Runs of 40000 (five of NumPy's 8192-element pieces) in the buffer; 140000 past it: two passes.
    { shape: [3, 40000], axes: [[1], [0, 1]] },
    { shape: [140000], axes: [[0]] },
  ]);
  assert.ok(compared >= 40, `only ${compared} partials compared`);
});

// np_machine.c's moments_fused: a program that is one chain with a square root, of one
// contiguous float64 leaf, reduced along its last axis only, is evaluated and summed in one loop
// (leaf by leaf of NumPy's pairwise tree, the previous line's squared deviations alongside).
test("var/std partials of a square-root chain of one float64 leaf (values and both sums in one loop) are the JavaScript path's bit for bit: every line length mod 8, across NumPy's 8192-element pieces, and past the loop's limit", { skip: SKIP }, () => {
  const r = rng(71);
  const x = ref({ kind: "source" }, "float64");
  const un = (op: UnaryOp, arg: LazyRef) => ref({ kind: "unary", op, arg }, "float64");
  const bin = (op: BinaryOp, a: LazyRef, k: number) => ref({ kind: "binary", op, args: [a, k] }, "float64");
  const roots = [
    un(UNARY.sqrt, un(UNARY.abs, x)),
    un(UNARY.sqrt, x),
    bin(OPS.add, bin(OPS.mul, un(UNARY.neg, un(UNARY.sqrt, un(UNARY.abs, x))), 3), 0.5),
    un(UNARY.sqrt, bin(OPS.sub, bin(OPS.mul, x, 2), 1)),
  ];
  const lengths = [2, 3, 7, 8, 9, 12, 127, 129, 1000, 1021, 8192, 8193, 20003, 70000];
  let compared = 0;
  for (const root of roots) {
    const { expr, leaves, program } = fuse(root);
    assert.ok(program && leaves.length === 1);
    for (const n of lengths) {
      const rows = n > 10000 ? 2 : 5;
      for (const { shape, stride } of [
        { shape: [rows, n], stride: [n + 3, 1] },
        { shape: [2, rows, n], stride: [rows * n, n, 1] },
      ]) {
        const size = shape[0] * stride[0];
        const ls = [{ data: leafData(r, "float64", size + 2), offset: 2, stride }];
        const block = chunkOf(expr, "float64", ls, shape);
        const axes = [shape.length - 1];
        const want = partialOf("var", block, axes);
        const got = momentsBlock(program, ls, shape, axes)!;
        const label = `var (${axes}) of ${expr} over (${shape})`;
        check(`${label}: sum`, got.total, want.value.nd.data as Float64Array, true);
        check(`${label}: m2`, got.m2, want.m2!.nd.data as Float64Array, true);
        compared++;
      }
    }
  }
  assert.equal(compared, roots.length * lengths.length * 2);
});

test("var/std partials of a band of blocks (read line by line across the blocks) are each block's own, bit for bit", { skip: SKIP }, () => {
  const r = rng(61);
  const x = ref({ kind: "source" }, "float64"), y = ref({ kind: "source" }, "int32");
  const root = ref({ kind: "binary", op: OPS.sub, args: [ref({ kind: "unary", op: UNARY.sqrt, arg: ref({ kind: "unary", op: UNARY.abs, arg: x }, "float64") }, "float64"), y] }, "float64");
  const { leaves, program } = fuse(root);
  assert.ok(program);
  const W = 3 * 701 + 5;
  const A = leafData(r, "float64", W * 30), B = leafData(r, "int32", W * 30);
  const cases: { shape: number[]; stride: number[]; axes: number[][] }[] = [
    { shape: [29, 701], stride: [W, 1], axes: [[1], [0], [0, 1]] },
    { shape: [3, 9, 701], stride: [9 * W, W, 1], axes: [[2], [0, 2], [1], [0], [1, 2], [0, 1, 2]] },
  ];
  for (const { shape, stride, axes: list } of cases)
    for (const axes of list) {
      const parts = [0, 1, 2].map((g) => ({ offsets: [2 + 701 * g, 1 + 701 * g], shape }));
      const band = [{ data: A, stride }, { data: B, stride }];
      const got = momentsBand(program, band, parts, axes);
      let at = 0;
      parts.forEach((p, g) => {
        const own = momentsBlock(program, leaves.map((_, i) => ({ data: band[i].data, stride, offset: p.offsets[i] })), shape, axes)!;
        const n = own.total.length;
        check(`band part ${g} sum, (${shape}) axes (${axes})`, got.subarray(at, at + n), own.total, true);
        check(`band part ${g} m2, (${shape}) axes (${axes})`, got.subarray(at + n, at + 2 * n), own.m2, true);
        at += 2 * n;
      });
      assert.equal(at, got.length);
    }
});

test("elementwise results written by the machine are the generated kernel's bit for bit: random trees, every output dtype, contiguous, strided and transposed outputs, lines of every length mod 4", { skip: SKIP }, () => {
  const r = rng(53);
  let compared = 0;
  for (let t = 0; t < 60; t++) {
    const types = Array.from({ length: 1 + Math.floor(r() * 3) }, () => LEAF_TYPES[Math.floor(r() * LEAF_TYPES.length)]);
    const placeholders = types.map((d) => ref({ kind: "source" }, d));
    let root = randomTree(r, placeholders, 1 + Math.floor(r() * 4), false);
    if (root.node.kind !== "unary" && root.node.kind !== "binary") continue;
    // Casts into every storage: the result stored as the typed array converts it.
    const cast = (["int8", "uint8", "int16", "uint16", "uint32", "int32", "float32"] as DType[])[Math.floor(r() * 10)];
    if (cast && root.dtype !== "bool") root = ref({ kind: "unary", op: UNARY.copy, arg: root }, cast);
    const { expr, leaves, program } = fuse(root);
    if (!program) continue;
    const kernel = mapSlabKernel(expr, leaves.length, program) as { nativeLoop?: string };
    assert.equal(kernel.nativeLoop, "machineMap", `${expr} runs on the machine`);
    for (const n of [1021, 1024, 2053]) {
      const rows = 5;
      const data = leaves.map((l) => leafData(r, l.dtype, (n + 3) * rows + 8 + n * (rows + 1)));
      for (const contiguous of [true, false]) {
        const ls = layout(r, data, rows, n, contiguous);
        // Output: C order, every other element of wider rows, or transposed.
        for (const [oo, os] of [[0, [n, 1]], [3, [2 * n + 1, 2]], [1, [1, rows]]] as [number, number[]][]) {
          const length = oo + 2 * (2 * n + 1) * rows + 8;
          const Store = allocate(root.dtype, 1).constructor as new (n: number) => FoldLeaf["data"];
          const want = new Store(length), got = new Store(length);
          writeSlabs(mapSlabKernel(expr, leaves.length), ls, [rows, n], want, oo, os);
          writeSlabs(kernel as (...args: unknown[]) => void, ls, [rows, n], got, oo, os);
          const label = `${expr} as ${root.dtype}, lines of ${n}, ${contiguous ? "contiguous" : "mixed"} leaves, output strides (${os})`;
          for (let i = 0; i < length; i++) if (!sameBits(got[i], want[i])) assert.fail(`${label} [${i}]: machine ${show(got[i])} vs JavaScript ${show(want[i])}`);
          compared++;
        }
      }
    }
  }
  assert.ok(compared >= 200, `only ${compared} outputs compared`);
});

test("two arithmetic operations with constants in a row (run by the machine in one pass) keep both roundings, bit for bit: every pair of + - * /, folded and written out", { skip: SKIP }, () => {
  const r = rng(71);
  const x = ref({ kind: "source" }, "float64");
  const ops = [OPS.add, OPS.sub, OPS.mul, OPS.div];
  const n = 3001;
  const A = leafData(r, "float64", 2 * n);
  for (const op1 of ops)
    for (const op2 of ops) {
      // 0.1 and 3 round differently in each step: a fused multiply-add or a reassociation would show.
      const root = ref({ kind: "binary", op: op2, args: [ref({ kind: "binary", op: op1, args: [x, 0.1] }, "float64"), 3] }, "float64");
      const { expr, program } = fuse(root);
      assert.ok(program);
      const ls = [{ data: A, offset: 1, stride: [n, 1] }];
      for (const fold of ["sum", "max"] as FoldOp[]) check(`${fold} of ${expr}`, foldBlock(expr, fold, ls, [2, n - 1], [0], program), foldBlock(expr, fold, ls, [2, n - 1], [0]), true);
      const want = new Float64Array(2 * n), got = new Float64Array(2 * n);
      writeSlabs(mapSlabKernel(expr, 1), ls, [2, n - 1], want, 0, [n, 1]);
      writeSlabs(mapSlabKernel(expr, 1, program), ls, [2, n - 1], got, 0, [n, 1]);
      check(`${expr} written out`, got, want, true);
    }
});

test("chains run by the machine in one loop (a head of two registers, abs and neg, one of sqrt, floor, ceil, trunc, then constants added, subtracted, multiplied, or compared with) keep every rounding and NaN's place, bit for bit: folded by sum, min and max and written out (large outputs streamed)", { skip: SKIP }, () => {
  const r = rng(83);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const x = ref({ kind: "source" }, "float64"), y = ref({ kind: "source" }, "float64");
  const n = 1027;
  const rows = 6; // rows * n past the machine's smallest call (fuse.ts, MACHINE_MIN_CALL)
  const A = leafData(r, "float64", (rows + 1) * n), B = leafData(r, "float64", (rows + 1) * n);
  const steps: ((t: LazyRef) => LazyRef)[] = [
    (t) => ref({ kind: "unary", op: UNARY.abs, arg: t }, "float64"),
    (t) => ref({ kind: "unary", op: UNARY.neg, arg: t }, "float64"),
    (t) => ref({ kind: "unary", op: pick([UNARY.sqrt, UNARY.floor, UNARY.ceil]), arg: t }, "float64"),
    (t) => ref({ kind: "binary", op: OPS.pow, args: [t, 0.5] }, "float64"),
    // A constant on either side; 0.1 and 3 round in each step, -0 and NaN are the identities' edge cases.
    (t) => {
      const k = pick([0.1, 3, -0, 0, -1.5, NaN]);
      const op = pick([OPS.add, OPS.sub, OPS.mul, OPS.div]);
      return ref({ kind: "binary", op, args: r() < 0.3 ? [k, t] : [t, k] }, "float64");
    },
    // A comparison with a constant (bool, 1 or 0), the chain's last step.
    (t) => {
      const k = pick([0.1, 0, -0, 3]);
      const op = pick([OPS.eq, OPS.ne, OPS.lt, OPS.le, OPS.gt, OPS.ge]);
      return ref({ kind: "binary", op, args: r() < 0.3 ? [k, t] : [t, k] }, "bool");
    },
  ];
  let runs = 0;
  for (let c = 0; c < 120; c++) {
    let t: LazyRef = r() < 0.5 ? ref({ kind: "binary", op: pick([OPS.add, OPS.sub, OPS.mul, OPS.div]), args: r() < 0.3 ? [x, x] : [x, y] }, "float64") : x;
    const length = Math.floor(r() * 6);
    for (let i = 0; i < length; i++) t = pick(steps)(t);
    if (t === x) continue;
    const { expr, leaves, program } = fuse(t);
    assert.ok(program, expr);
    runs++;
    const ls = leaves.map((l) => ({ data: l === x ? A : B, offset: 1, stride: [n, 1] }));
    for (const fold of ["sum", "min", "max"] as FoldOp[])
      for (const axes of [[1], [0]]) check(`${fold} (${axes}) of ${expr}`, foldBlock(expr, fold, ls, [rows, n - 1], axes, program), foldBlock(expr, fold, ls, [rows, n - 1], axes), true);
    const want = new Float64Array(rows * n), got = new Float64Array(rows * n);
    writeSlabs(mapSlabKernel(expr, leaves.length), ls, [rows, n - 1], want, 0, [n, 1]);
    writeSlabs(mapSlabKernel(expr, leaves.length, program), ls, [rows, n - 1], got, 0, [n, 1]);
    check(`${expr} written out`, got, want, true);
    if (c % 8 === 0) {
      // A dense output of a million elements or more: the machine streams it (non-temporal stores).
      const N = 1024, big = leaves.map(() => ({ data: leafData(r, "float64", N * N), offset: 0, stride: [N, 1] }));
      const w = new Float64Array(N * N), g = new Float64Array(N * N);
      writeSlabs(mapSlabKernel(expr, leaves.length), big, [N, N], w, 0, [N, 1]);
      writeSlabs(mapSlabKernel(expr, leaves.length, program), big, [N, N], g, 0, [N, 1]);
      check(`${expr} written out, ${N}×${N}`, g, w, true);
    }
  }
  assert.ok(runs >= 80, `only ${runs} chains compared`);
});

test("the machine rejects malformed programs and out-of-range leaves with errors instead of reading outside the arrays", { skip: SKIP }, () => {
  const x = ref({ kind: "source" }, "float64");
  const program = compile(ref({ kind: "unary", op: UNARY.abs, arg: x }, "float64"), [x])!;
  const A = new Float64Array(100), O = new Float64Array(4);
  const call = (code: Int32Array, P: number[], m = 1) => native!.machineFold(code, program.consts, 0, [A], [1, 100], P, [100], [0], m, O, 0, 1);
  call(program.code, [0]);
  assert.throws(() => call(program.code, [1]), /outside its array/);
  assert.throws(() => call(program.code, [0], 2), /outside its array/);
  const bad = program.code.slice();
  bad[5] = 0; // the destination is the leaf's register
  assert.throws(() => call(bad, [0]), /malformed instruction/);
  const unknown = program.code.slice();
  unknown[4] = 99;
  assert.throws(() => call(unknown, [0]), /malformed instruction/);
});

/** The double whose bits are those of `b` (a BigInt below 2^64). */
function fromBits(b: bigint): number {
  const v = new BigUint64Array([b]);
  return new Float64Array(v.buffer)[0];
}

/**
 * Inputs for the square root on the FMA units: every exponent (subnormals, infinities and NaN
 * patterns, both signs), the range it takes (2^-900 to 2^900) densely, the values either side of
 * its edges, zeros, the extremes, perfect squares, and squares of midpoints between neighbouring
 * doubles with their neighbours (square roots a hair from a rounding tie, where a result one ulp
 * off would show).
 */
function sqrtInputs(): Float64Array {
  const r = rng(17);
  const bits = (): bigint => (BigInt(Math.floor(r() * 2 ** 32)) << 20n) ^ BigInt(Math.floor(r() * 2 ** 20));
  const out: number[] = [];
  for (let i = 0; i < 400_000; i++) out.push(fromBits((BigInt(Math.floor(r() * 4096)) << 52n) | bits()));
  for (let i = 0; i < 400_000; i++) out.push(fromBits((BigInt(0x3ff + Math.floor((r() * 2 - 1) * 900)) << 52n) | bits()));
  for (let i = 0; i < 200_000; i++) {
    const y = fromBits((BigInt(0x3ff + Math.floor((r() * 2 - 1) * 440)) << 52n) | bits());
    const up = fromBits(new BigUint64Array(new Float64Array([y]).buffer)[0] + 1n);
    const x = y * y + y * (up - y); // about ((y + up) / 2)^2
    const xb = new BigUint64Array(new Float64Array([x]).buffer)[0];
    out.push(x, fromBits(xb - 1n), fromBits(xb + 1n), y * y);
  }
  // Powers of two and four and their neighbours: a root just under a power of two rounds to a
  // spacing half the one above it.
  for (let e = -450; e <= 450; e += 3) {
    const b = new BigUint64Array(new Float64Array([2 ** (2 * e)]).buffer)[0];
    for (let d = -4n; d <= 4n; d++) out.push(fromBits(b + d), fromBits(b + d) * 2);
  }
  for (const e of [-900, 900, -1022, 1023]) {
    const b = new BigUint64Array(new Float64Array([2 ** e]).buffer)[0];
    for (let d = -3n; d <= 3n; d++) out.push(fromBits(b + d));
  }
  out.push(0, -0, -1, -(2 ** -900), Infinity, -Infinity, NaN, Number.MIN_VALUE, Number.MAX_VALUE, 2 ** -1022, 1, 4, 2, 0.5, 1e-300, 1e300, 144, 2 ** 52, (2 ** 26 + 1) ** 2);
  // Mixed vectors: a value the function cannot take beside ones it can.
  for (let i = 0; i < 4000; i++) out.push(i % 7 === 0 ? [0, -1, Infinity, NaN, 1e-310][i % 5] : 1 + r() * 100);
  return Float64Array.from(out);
}

test("the square root the machine's chains run on the FMA units (one chain vector in three or five by the CPU tuning, one std vector in four) is IEEE's, bit for bit: random doubles of every exponent, values a hair from a rounding tie, the edges of its range, zeros, subnormals, infinities and NaN", { skip: !native || process.arch !== "x64" ? "no addon, or not x86-64" : false }, (t) => {
  const a = sqrtInputs();
  const o = new Float64Array(a.length).fill(12345);
  if (!native!.sqrtFma(a, o)) {
    t.skip("the machine does not use it here (no AVX-512VL and FMA, or LAZYLAB_NATIVE_SQRT=divider)");
    return;
  }
  const want = new BigUint64Array(Float64Array.from(a, Math.sqrt).buffer), got = new BigUint64Array(o.buffer);
  let bad = 0;
  const shown: string[] = [];
  for (let i = 0; i < a.length; i++) {
    if (got[i] === want[i] || (o[i] !== o[i] && Math.sqrt(a[i]) !== Math.sqrt(a[i]))) continue;
    if (bad++ < 5) shown.push(`sqrt(${a[i]}) = ${o[i]}, IEEE ${Math.sqrt(a[i])}`);
  }
  assert.equal(bad, 0, `${bad} of ${a.length} square roots differ: ${shown.join("; ")}`);
});

/** For lazyResults: the SHA-256 of a result's bytes. */
const SHA256_OF_RESULT = `(() => {
          const flat = r.flatten().nd.data;
          return createHash("sha256").update(new Uint8Array(flat.buffer, flat.byteOffset, flat.byteLength)).digest("hex");
        })()`;

/** Asserts that every expression's result has the same bytes under each of `others`' settings as under `reference`'s; a difference fails with the setting's message. */
function assertSameBytes(exprs: string[], reference: Record<string, string>, others: [Record<string, string>, string][]): void {
  const want = JSON.parse(lazyResults(exprs, SHA256_OF_RESULT, reference)) as string[];
  for (const [env, message] of others) {
    const got = JSON.parse(lazyResults(exprs, SHA256_OF_RESULT, env)) as string[];
    exprs.forEach((e, k) => assert.equal(got[k], want[k], `${e}: ${message}`));
  }
}

test("chains with a square root give the same bits with and without the FMA units' square root (LAZYLAB_NATIVE_SQRT=divider) and under either CPU tuning (LAZYLAB_NATIVE_TUNING): summed, in std and var, min/max, written out", { skip: SKIP }, () => {
  const exprs = [
    "d.abs().sqrt()",
    "d.abs().sqrt().mul(2).add(1).sum({ axis: -1 })",
    "d.mul(d).sqrt().sum()",
    "d.abs().sqrt().std({ axis: -1 })",
    "d.abs().sqrt().mul(3).var({ axis: 0 })",
    "d.abs().add(1e-300).sqrt().max({ axis: -1 })",
    "d.add(0.5).sqrt()",
    "d.abs().add(d.mul(d)).sqrt().sum({ axis: 0 })",
    "d.mul(d).div(d.abs().add(1)).sqrt().mul(-1).min()",
  ];
  assertSameBytes(exprs, { LAZYLAB_NATIVE_TUNING: "amd" }, [
    [{ LAZYLAB_NATIVE_SQRT: "divider" }, "the FMA units' square roots change the bytes"],
    [{ LAZYLAB_NATIVE_TUNING: "intel" }, "the bytes tuned for amd differ from those tuned for intel"],
    [{ LAZYLAB_NATIVE: "0" }, "the machine's bytes differ from the JavaScript kernel's"],
  ]);
});

test("var and std over axes that keep the last one (strips of rows) give the same bits under either CPU tuning and without the addon: one chain of one leaf (rows forward and reversed), a chain of two leaves, two reduced axes", { skip: SKIP }, () => {
  // The tunings choose different strip widths (1000-wide blocks of 250 rows: 524 columns for
  // amd, 128 for intel) and prefetch distances; the one-leaf chains read a block's rows in one
  // call (chain_rows), the others row by row.
  const exprs = [
    "d.mul(3).sub(1).var({ axis: 0 })",
    "d.abs().sqrt().std({ axis: 0 })",
    "d.get('::-1, :').mul(2).add(0.5).var({ axis: 0, ddof: 1 })",
    "d.mul(d).add(1).var({ axis: 0 })",
    "da.fromArray(x.reshape([17, 59, 2101]), { chunks: [5, 20, 1000] }).mul(2).sub(1).var({ axis: [0, 1] })",
    "da.fromArray(x, { chunks: [1003, 700] }).sub(0.25).std({ axis: 0 })",
  ];
  assertSameBytes(exprs, { LAZYLAB_NATIVE_TUNING: "amd" }, [
    [{ LAZYLAB_NATIVE_TUNING: "intel" }, "the bytes tuned for amd differ from those tuned for intel"],
    [{ LAZYLAB_NATIVE: "0" }, "the machine's bytes differ from the JavaScript kernel's"],
  ]);
});

const CHAINS: { ts: string; py: string }[] = [
  { ts: "d.pow(2).sum({ axis: -1 })", py: "(x ** 2).sum(axis=-1)" },
  { ts: "d.abs().sqrt().mul(2).add(1).sum({ axis: -1 })", py: "(np.sqrt(np.abs(x)) * 2 + 1).sum(axis=-1)" },
  { ts: "d.gt(0).sum()", py: "(x > 0).sum()" },
  { ts: "d.gt(0).sum({ axis: 0 })", py: "(x > 0).sum(axis=0)" },
  { ts: "d.mul(3).sub(1).mean({ axis: 0 })", py: "(x * 3 - 1).mean(axis=0)" },
  { ts: "d.mul(3).sub(1).mean()", py: "(x * 3 - 1).mean()" },
  { ts: "d.abs().sub(0.5).max({ axis: -1 })", py: "(np.abs(x) - 0.5).max(axis=-1)" },
  { ts: "d.mul(d).add(d).min({ axis: 0 })", py: "(x * x + x).min(axis=0)" },
  { ts: "d.T.mul(2).add(d.T.abs()).sum({ axis: 1 })", py: "(x.T * 2 + np.abs(x.T)).sum(axis=1)" },
  { ts: "d.le(0.5).mul(d).max()", py: "((x <= 0.5) * x).max()" },
  { ts: "d.gt(3.5).any({ axis: 1 })", py: "(x > 3.5).any(axis=1)" },
  { ts: "d.mul(2).sub(d.abs()).all({ axis: 0 })", py: "(x * 2 - np.abs(x)).all(axis=0)" },
  { ts: "d.gt(-4.5).all()", py: "(x > -4.5).all()" },
  { ts: "d.sub(d).any()", py: "(x - x).any()" },
  { ts: "d.abs().sqrt().std({ axis: -1 })", py: "np.sqrt(np.abs(x)).std(axis=-1)" },
  { ts: "d.mul(3).sub(1).var({ axis: 0 })", py: "(x * 3 - 1).var(axis=0)" },
  { ts: "d.gt(0).var()", py: "(x > 0).var()" },
  { ts: "d.T.mul(2).add(d.T.abs()).std({ axis: 1, ddof: 1 })", py: "(x.T * 2 + np.abs(x.T)).std(axis=1, ddof=1)" },
];

/**
 * Computes each lazylab expression (over `x`, a 1003×2101 standard-normal array, and `d`, it in
 * 250×1000 chunks) in a child process with `env`; `describe` is JavaScript turning a result `r`
 * into what is printed for it. Returns the printed JSON array.
 */
function lazyResults(exprs: string[], describe: string, env: Record<string, string>): string {
  const lib = JSON.stringify(require.resolve("../lib"));
  const script = `
    const { createHash } = require("node:crypto");
    const { np, da } = require(${lib});
    (async () => {
      const x = np.random.defaultRng(5).standardNormal([1003, 2101]);
      const d = da.fromArray(x, { chunks: [250, 1000] });
      const out = [];
      for (const e of ${JSON.stringify(exprs)}) {
        const r = await eval(e).compute();
        out.push(${describe});
      }
      console.log(JSON.stringify(out));
      da.shutdownPool();
    })();`;
  const r = spawnSync(process.execPath, ["-e", script], { env: { ...process.env, ...env }, encoding: "utf8", maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

/** The chains' values (signed zeros kept), computed in a child process with `env`. */
function lazyChains(env: Record<string, string>): string {
  return lazyResults(CHAINS.map((c) => c.ts), `Array.from(r.flatten().nd.data, (v) => (Object.is(v, -0) ? "-0" : v))`, env);
}

test("end to end, fused chains over every axis give the same bits with the machine and without the addon (LAZYLAB_NATIVE=0), and agree with NumPy and Dask", () => {
  const machine = lazyChains({});
  assert.equal(machine, lazyChains({ LAZYLAB_NATIVE: "0" }));
  const ours = JSON.parse(machine) as (number | string)[][];
  const py = pythonJson<{ numpy: number[][]; dask: number[][] }>(`
import json
import numpy as np, dask.array as da
x = np.random.default_rng(5).standard_normal((1003, 2101))
d = da.from_array(x, chunks=(250, 1000))
chains = ${JSON.stringify(CHAINS.map((c) => c.py))}
out = {"numpy": [], "dask": []}
for e in chains:
    out["numpy"].append(np.asarray(eval(e), dtype=float).ravel().tolist())
    out["dask"].append(np.asarray(eval(e, {"np": da, "x": d}).compute(), dtype=float).ravel().tolist())
print(json.dumps(out))
`);
  CHAINS.forEach((c, k) => {
    for (const peer of ["numpy", "dask"] as const) {
      const want = py[peer][k];
      assert.equal(ours[k].length, want.length, c.ts);
      ours[k].forEach((v, i) => {
        const a = v === "-0" ? -0 : (v as number);
        assert.ok(Math.abs(a - want[i]) <= 1e-10 * Math.max(1, Math.abs(want[i])), `${c.ts} [${i}]: ${a} vs ${peer} ${want[i]}`);
      });
    }
  });
});

/** Elementwise chains whose result is an array (machineMap), as lazylab code and Python. */
const MAPS: { ts: string; py: string }[] = [
  { ts: "d.abs().sqrt().mul(2).add(1)", py: "np.sqrt(np.abs(x)) * 2 + 1" },
  { ts: "d.gt(0)", py: "x > 0" },
  { ts: "d.T.mul(3).sub(d.T.abs())", py: "x.T * 3 - np.abs(x.T)" },
  { ts: "da.fromArray(x.mul(100).astype('int16'), { chunks: [250, 1000] }).mul(3)", py: "(x * 100).astype('int16') * 3" },
  { ts: "da.fromArray(x.astype('float32'), { chunks: [250, 1000] }).mul(3).add(1)", py: "x.astype('float32') * 3 + 1" },
  { ts: "d.rechunk([300, 700]).le(0.5).mul(d)", py: "(x <= 0.5) * x" },
];

test("end to end, elementwise results of fused chains have the same bytes with the machine and without the addon (LAZYLAB_NATIVE=0), and agree with NumPy and Dask", () => {
  const describe = `(() => {
          const flat = r.flatten().nd.data;
          return { dtype: r.dtype, shape: r.shape, sha: createHash("sha256").update(new Uint8Array(flat.buffer, flat.byteOffset, flat.byteLength)).digest("hex"), sample: Array.from(flat.filter((_, i) => i % 997 === 0), Number) };
        })()`;
  const run = (env: Record<string, string>) =>
    JSON.parse(lazyResults(MAPS.map((c) => c.ts), describe, env)) as { dtype: string; shape: number[]; sha: string; sample: number[] }[];
  const machine = run({}), plain = run({ LAZYLAB_NATIVE: "0" });
  MAPS.forEach((c, k) => assert.equal(machine[k].sha, plain[k].sha, `${c.ts}: the machine's bytes differ from the JavaScript kernel's`));
  const py = pythonJson<{ numpy: { dtype: string; shape: number[]; sample: number[] }[]; dask: number[][] }>(`
import json
import numpy as np, dask.array as da
x = np.random.default_rng(5).standard_normal((1003, 2101))
d = da.from_array(x, chunks=(250, 1000))
out = {"numpy": [], "dask": []}
for e in ${JSON.stringify(MAPS.map((c) => c.py))}:
    a = np.asarray(eval(e))
    out["numpy"].append({"dtype": str(a.dtype), "shape": list(a.shape), "sample": a.ravel()[::997].astype(float).tolist()})
    out["dask"].append(np.asarray(eval(e, {"np": da, "x": d}).compute()).ravel()[::997].astype(float).tolist())
print(json.dumps(out))
`);
  MAPS.forEach((c, k) => {
    const ours = machine[k];
    assert.equal(ours.dtype, py.numpy[k].dtype, `${c.ts}: dtype`);
    assert.deepEqual(ours.shape, py.numpy[k].shape, `${c.ts}: shape`);
    for (const [peer, want] of [["numpy", py.numpy[k].sample], ["dask", py.dask[k]]] as const) {
      assert.equal(ours.sample.length, want.length, `${c.ts} vs ${peer}`);
      ours.sample.forEach((v, i) => assert.ok(Math.abs(v - want[i]) <= 1e-6 * Math.max(1, Math.abs(want[i])), `${c.ts} [${i * 997}]: ${v} vs ${peer} ${want[i]}`));
    }
  });
});

test("the machine's baseline (non-AVX2) loops give the same bits (LAZYLAB_NATIVE_ISA=baseline)", { skip: !native || process.arch !== "x64" || process.env.LAZYLAB_NATIVE_ISA ? "no addon, not x86-64, or this is the baseline run" : false }, () => {
  // Without NODE_TEST_CONTEXT the child is a test run of its own, with its own exit status and report.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== "NODE_TEST_CONTEXT"));
  const r = spawnSync(process.execPath, ["--test", "--test-name-pattern", "bit for bit|band of blocks|signed zeros", __filename], { env: { ...env, LAZYLAB_NATIVE_ISA: "baseline" }, encoding: "utf8" });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /# pass [1-9]/);
  assert.match(r.stdout, /# fail 0/);
});
