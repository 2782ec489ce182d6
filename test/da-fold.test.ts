/**
 * The fold kernels of lib/da (bands of blocks, slabs of lines, two lines at a time) against the
 * plain per-line fold: np's forEachLine walking each block line by line and `foldKernel`
 * folding one line per call, which is how partials were computed before the slab kernels. Every
 * partial must be the same bit for bit (the scheduler's results may not depend on how a block
 * is walked).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { forEachLine } from "../lib/np/iterate";
import { foldBand, foldBlock, FoldLeaf } from "../lib/da/fold-block";
import { spawnSync } from "node:child_process";
import { foldBandKernel, foldKernel, FoldOp } from "../lib/da/fuse";
import { native } from "../lib/np/native";

/** The reference: one foldKernel call per line, or element by element across lines. */
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

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
}

const same = (a: Float64Array, b: Float64Array) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

test("slab and band folds give each block the partial of a per-line fold, bit for bit", () => {
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
    cases.push({ expr: "v0", fold, leaves: [{ data: A, offset: 7, stride: [1] }], shape: [1], axes: [0] });
  }
  for (const c of cases) {
    const want = perLine(c.expr, c.fold, c.leaves, c.shape, c.axes);
    const got = foldBlock(c.expr, c.fold, c.leaves, c.shape, c.axes);
    assert.ok(same(got, want), `${c.fold} ${c.expr} shape (${c.shape}) axes (${c.axes}): ${[...got].slice(0, 4)} vs ${[...want].slice(0, 4)}`);
  }
  // A band: a row of three blocks of a 37-wide array (widths 13, 13, 11), folded line by line across them.
  for (const fold of ["sum", "min", "max"] as FoldOp[]) {
    for (const axes of [[1], [0]]) {
      const widths = [13, 13, 11];
      const parts = widths.map((w, g) => ({ offsets: [W + 13 * g], shape: [27, w] }));
      const got = foldBand("(v0 * v0)", fold, [{ data: A, stride: [W, 1] }], parts, axes);
      let at = 0;
      parts.forEach((p, g) => {
        const want = perLine("(v0 * v0)", fold, [{ data: A, offset: p.offsets[0], stride: [W, 1] }], p.shape, axes);
        assert.ok(same(got.subarray(at, at + want.length), want), `band ${fold} axes (${axes}), part ${g}`);
        at += want.length;
      });
      assert.equal(at, got.length);
    }
  }
});

test("the fused (x**2).sum over contiguous lines runs the C loop (native squareSumLines) and gives the generated kernel's partials bit for bit", { skip: native ? false : "no native addon" }, () => {
  assert.equal((foldBandKernel("(v0) * (v0)", 1, "sum") as { nativeLoop?: string }).nativeLoop, "squareSumLines");
  const r = rng(7);
  const W = 41;
  const A = Float64Array.from({ length: W * 40 }, r);
  // Lines of every length mod 4, line counts that are and are not multiples of 4, odd offsets.
  for (let lines = 1; lines <= 9; lines++) {
    for (const n of [1, 3, 4, 5, 8, 13, 40]) {
      const leaves = [{ data: A, offset: 3 + lines, stride: [W, 1] }];
      const want = perLine("(v0) * (v0)", "sum", leaves, [lines, n], [1]);
      const got = foldBlock("(v0) * (v0)", "sum", leaves, [lines, n], [1]);
      assert.ok(same(got, want), `${lines} lines of ${n}: ${[...got].slice(0, 3)} vs ${[...want].slice(0, 3)}`);
    }
  }
  // A band of three blocks (widths 13, 13, 11) of 27 lines.
  const parts = [13, 13, 11].map((w, g) => ({ offsets: [W + 13 * g], shape: [27, w] }));
  const got = foldBand("(v0) * (v0)", "sum", [{ data: A, stride: [W, 1] }], parts, [1]);
  let at = 0;
  for (const p of parts) {
    const want = perLine("(v0) * (v0)", "sum", [{ data: A, offset: p.offsets[0], stride: [W, 1] }], p.shape, [1]);
    assert.ok(same(got.subarray(at, at + want.length), want), `band part at ${p.offsets[0]}`);
    at += want.length;
  }
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
