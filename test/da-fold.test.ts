/**
 * The fold kernels of lib/da (bands of blocks, slabs of lines, runs spanning lines) against
 * references computed another way: a sum against NumPy summing the block's values as a
 * C-contiguous array (what Dask sums: the chunk it makes of the expression), min and max
 * against the plain per-line fold (np's forEachLine walking each block line by line and
 * `foldKernel` folding one line per call). Every partial must be the same bit for bit (the
 * scheduler's results may not depend on how a block is walked).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { forEachLine } from "../lib/np/iterate";
import { foldBand, foldBlock, FoldLeaf } from "../lib/da/fold-block";
import { spawnSync } from "node:child_process";
import { foldKernel, FoldOp } from "../lib/da/fuse";
import { pythonJson } from "./oracle";

/** The min/max reference: one foldKernel call per line, or element by element across lines. */
function perLine(expr: string, fold: FoldOp, leaves: FoldLeaf[], shape: number[], axes: number[]): Float64Array {
  const k = leaves.length;
  const keep = shape.map((n, d) => (axes.includes(d) ? 1 : n));
  const O = new Float64Array(keep.reduce((a, b) => a * b, 1)).fill(fold === "sum" ? 0 : fold === "min" ? Infinity : -Infinity);
  const ostride = new Array<number>(shape.length);
  for (let d = shape.length - 1, s = 1; d >= 0; d--) {
    ostride[d] = keep[d] === 1 ? 0 : s;
    s *= keep[d];
  }
  const along = foldKernel(expr, k, fold);
  forEachLine(shape, [...leaves, { stride: ostride, offset: 0 }], (offs, n, st) => {
    const args: unknown[] = [];
    for (let i = 0; i < k; i++) args.push(leaves[i].data, offs[i], st[i]);
    if (st[k] === 0) O[offs[k]] = along(...args, n, O[offs[k]]);
    else {
      for (let i = 0; i < n; i++) {
        const one = foldKernel(expr, k, fold);
        const a: unknown[] = [];
        for (let j = 0; j < k; j++) a.push(leaves[j].data, offs[j] + i * st[j], 1);
        const q = offs[k] + i * st[k];
        O[q] = one(...a, 1, O[q]);
      }
    }
  });
  return O;
}

/** The block's values in C order: `expr` at every index (as a chunk of the fused expression). */
function blockOf(expr: string, leaves: FoldLeaf[], shape: number[]): Float64Array {
  const f = new Function(...leaves.map((_, i) => `v${i}`), `return ${expr};`) as (...v: number[]) => number;
  const out = new Float64Array(shape.reduce((a, b) => a * b, 1));
  const idx = new Array<number>(shape.length).fill(0);
  for (let e = 0; e < out.length; e++) {
    out[e] = f(...leaves.map((l) => l.data[l.offset + idx.reduce((o, j, d) => o + j * l.stride[d], 0)]));
    for (let d = shape.length - 1; d >= 0 && ++idx[d] === shape[d]; d--) idx[d] = 0;
  }
  return out;
}

/** NumPy's sums (keepdims, C order) of blocks given as [values, shape, axes], computed by NumPy at test time. */
function numpySums(blocks: [Float64Array, number[], number[]][]): Float64Array[] {
  const got = pythonJson<string[]>(
    `
import json, sys, base64
import numpy as np
out = []
for data, shape, axes in json.load(sys.stdin):
    x = np.frombuffer(base64.b64decode(data), dtype=np.float64).reshape(shape)
    out.append(base64.b64encode(np.ascontiguousarray(x.sum(axis=tuple(axes), keepdims=True)).tobytes()).decode())
print(json.dumps(out))`,
    JSON.stringify(blocks.map(([v, shape, axes]) => [Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("base64"), shape, axes])),
  );
  return got.map((b64) => {
    const buf = Buffer.from(b64, "base64");
    return new Float64Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  });
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
}

const same = (a: Float64Array, b: Float64Array) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

test("slab and band folds give each block the partial of NumPy's sum of the block (min, max: of a per-line fold), bit for bit", () => {
  const r = rng(1);
  const W = 37, H = 29; // an odd number of lines, lines not a multiple of 4
  const A = Float64Array.from({ length: W * H * 3 }, r);
  const B = Float64Array.from({ length: W }, r);
  const cases: { expr: string; fold: FoldOp; leaves: FoldLeaf[]; shape: number[]; axes: number[] }[] = [];
  for (const fold of ["sum", "min", "max"] as FoldOp[]) {
    for (const axes of [[1], [0], [0, 1]]) {
      // a block of a wider array (lines of 13 in rows of 37), contiguous or transposed
      cases.push({ expr: "(v0 * v0)", fold, leaves: [{ data: A, offset: 5 * W + 3, stride: [W, 1] }], shape: [11, 13], axes });
      cases.push({ expr: "(v0 * v0)", fold, leaves: [{ data: A, offset: 2, stride: [1, W] }], shape: [13, 11], axes });
      // two leaves, one broadcast along the lines' axis
      cases.push({ expr: "((v0 * v1) + 1)", fold, leaves: [{ data: A, offset: W, stride: [W, 1] }, { data: B, offset: 4, stride: [0, 1] }], shape: [9, 30], axes });
    }
    // 3-D, stepped, with merged axes; and one line
    cases.push({ expr: "(v0 - 2)", fold, leaves: [{ data: A, offset: 0, stride: [W * H, 2 * W, 1] }], shape: [3, 14, 37], axes: [2] });
    cases.push({ expr: "(v0 - 2)", fold, leaves: [{ data: A, offset: 0, stride: [W * H, W, 1] }], shape: [3, 29, 37], axes: [0, 2] });
    cases.push({ expr: "(v0 - 2)", fold, leaves: [{ data: A, offset: 0, stride: [W * H, 2 * W, 1] }], shape: [3, 14, 37], axes: [1, 2] });
    cases.push({ expr: "v0", fold, leaves: [{ data: A, offset: 7, stride: [1] }], shape: [1], axes: [0] });
  }
  // A band: a row of three blocks of a 37-wide array (widths 13, 13, 11), folded line by line across them.
  const bands: { fold: FoldOp; axes: number[]; parts: { offsets: number[]; shape: number[] }[] }[] = [];
  for (const fold of ["sum", "min", "max"] as FoldOp[])
    for (const axes of [[1], [0], [0, 1]]) bands.push({ fold, axes, parts: [13, 13, 11].map((w, g) => ({ offsets: [W + 13 * g], shape: [27, w] })) });
  const sums = numpySums([
    ...cases.filter((c) => c.fold === "sum").map((c): [Float64Array, number[], number[]] => [blockOf(c.expr, c.leaves, c.shape), c.shape, c.axes]),
    ...bands.filter((b) => b.fold === "sum").flatMap((b) => b.parts.map((p): [Float64Array, number[], number[]] => [blockOf("(v0 * v0)", [{ data: A, offset: p.offsets[0], stride: [W, 1] }], p.shape), p.shape, b.axes])),
  ]);
  for (const c of cases) {
    const want = c.fold === "sum" ? sums.shift()! : perLine(c.expr, c.fold, c.leaves, c.shape, c.axes);
    const got = foldBlock(c.expr, c.fold, c.leaves, c.shape, c.axes);
    assert.ok(same(got, want), `${c.fold} ${c.expr} shape (${c.shape}) axes (${c.axes}): ${[...got].slice(0, 4)} vs ${[...want].slice(0, 4)}`);
  }
  for (const { fold, axes, parts } of bands) {
    const got = foldBand("(v0 * v0)", fold, [{ data: A, stride: [W, 1] }], parts, axes);
    let at = 0;
    parts.forEach((p, g) => {
      const want = fold === "sum" ? sums.shift()! : perLine("(v0 * v0)", fold, [{ data: A, offset: p.offsets[0], stride: [W, 1] }], p.shape, axes);
      assert.ok(same(got.subarray(at, at + want.length), want), `band ${fold} axes (${axes}), part ${g}`);
      at += want.length;
    });
    assert.equal(at, got.length);
  }
});

test("a fused sum of lines has NumPy's bits for every line: every length mod 8, below and across NumPy's 8192-element pieces, in bands", () => {
  const r = rng(7);
  const W = 20011;
  const A = Float64Array.from({ length: W * 7 }, r);
  const blocks: [Float64Array, number[], number[]][] = [];
  const got: Float64Array[] = [];
  for (const n of [1, 3, 5, 8, 13, 40, 127, 129, 1000, 1003, 8192, 8193, 20003]) {
    const leaves = [{ data: A, offset: 3, stride: [W, 1] }];
    got.push(foldBlock("(v0) * (v0)", "sum", leaves, [5, n], [1]));
    blocks.push([blockOf("(v0) * (v0)", leaves, [5, n]), [5, n], [1]]);
  }
  // A band of three blocks (widths 1003, 1003, 611) of 6 lines.
  const parts = [1003, 1003, 611].map((w, g) => ({ offsets: [W + 1003 * g], shape: [6, w] }));
  const band = foldBand("((v0 * 3) - 1)", "sum", [{ data: A, stride: [W, 1] }], parts, [1]);
  let at = 0;
  for (const p of parts) {
    got.push(band.subarray(at, at + 6));
    blocks.push([blockOf("((v0 * 3) - 1)", [{ data: A, offset: p.offsets[0], stride: [W, 1] }], p.shape), p.shape, [1]]);
    at += 6;
  }
  const want = numpySums(blocks);
  got.forEach((g, i) => assert.ok(same(g, want[i]), `block (${blocks[i][1]}): ${[...g].slice(0, 3)} vs NumPy ${[...want[i]].slice(0, 3)}`));
});

test("end to end, (x**2).sum(-1) and .sum() of lazy arrays give the same bits with the C loops and without (LAZYLAB_NATIVE=0)", () => {
  const lib = JSON.stringify(require.resolve("../lib"));
  const script = `
    const { np, da } = require(${lib});
    (async () => {
      const g = np.random.defaultRng(5);
      const out = [];
      for (const [shape, chunks, sl] of [[[1003, 997], [250, 333], null], [[400, 4001], [7, 1000], null], [[999, 1002], [100, 1002], "3:, 1:"], [[64, 3], [5, 3], null]]) {
        let x = g.standardNormal(shape);
        if (sl) x = x.get(sl);
        const d = da.fromArray(x, { chunks });
        out.push(Array.from((await d.pow(2).sum(-1).compute()).data), await d.pow(2).sum().compute());
      }
      console.log(JSON.stringify(out));
    })();`;
  const run = (env: Record<string, string>) => {
    const r = spawnSync(process.execPath, ["-e", script], { env: { ...process.env, ...env }, encoding: "utf8", maxBuffer: 64 << 20 });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  };
  assert.equal(run({}), run({ LAZYLAB_NATIVE: "0" }));
});
