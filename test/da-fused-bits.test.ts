/**
 * Lazy reductions of fused elementwise expressions have Dask's bits. Dask makes each block of
 * the expression as a new C-contiguous array and sums it with NumPy (pairwise trees over pieces
 * of 8192, runs across a block's rows for trailing reduced axes, element by element along a
 * kept last axis), then combines the blocks' partials in _tree_reduce's groups (var and std:
 * moment_combine and moment_agg). lazylab folds the expression without making the block, on
 * the native expression machine or in generated JavaScript kernels: both must give those bits.
 * Compared with Dask at test time, every value by its bytes, once with the machine and once with
 * the JavaScript kernels (LAZYLAB_DA_MACHINE=0), each in a child process.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { pythonJson } from "./oracle";

type Expr = "square" | "sqrt" | "lin" | "two" | "gt" | "plain";
type Reduction = "sum" | "mean" | "var" | "std" | "min" | "max" | "any" | "all";
/** [shape, chunks, expression, reduction, axis (null: all), input dtype]. */
type Case = [number[], number[], Expr, Reduction, number | number[] | null, "float64" | "float32"];

const CASES: Case[] = [];
const add = (shape: number[], chunks: number[], exprs: Expr[], reds: Reduction[], axes: (number | number[] | null)[], dtype: Case[5] = "float64") => {
  for (const e of exprs) for (const r of reds) for (const a of axes) CASES.push([shape, chunks, e, r, a, dtype]);
};
// The brief's 2-D table: blocks of a wider array, every axis choice.
add([2000, 3000], [1000, 1000], ["square", "sqrt", "lin"], ["sum", "mean", "var", "std"], [-1, 0, null]);
// Uneven chunks, two leaves and a comparison summed.
add([1003, 997], [250, 333], ["two", "gt", "lin"], ["sum", "mean", "std"], [1, 0, null]);
// Rows longer than NumPy's 8192-element buffer: blocks of part of a row, and a block of whole rows (one line in memory).
add([40, 20011], [7, 9000], ["square", "sqrt"], ["sum", "mean", "var"], [1, null]);
add([30, 20000], [30, 20000], ["lin"], ["sum", "std"], [1, null]);
// 1-D.
add([100000], [7777], ["sqrt", "lin"], ["sum", "mean", "var"], [null]);
// 3-D: a middle axis, tuples (the trailing two reduced: one run per output), all.
add([60, 70, 80], [7, 9, 11], ["square", "lin"], ["sum", "mean", "var"], [1, [1, 2], [0, 2], [2, 0], null]);
// float32 inputs (NumPy sums them in float32).
add([1000, 1000], [300, 400], ["square", "lin"], ["sum", "mean", "std"], [1, 0, null], "float32");
// Many blocks per axis: _tree_reduce's levels of moment_combine before moment_agg (and plain var/std, not fused, combine so too).
add([1000, 1000], [70, 130], ["lin", "sqrt", "plain"], ["var", "std"], [0, 1, null]);
add([1000, 1000], [100, 100], ["lin", "plain"], ["std"], [0, null], "float32");
// min, max, any and all do not depend on the order (folded too).
add([1003, 997], [250, 333], ["sqrt", "two"], ["min", "max"], [1, 0, null]);
add([1003, 997], [250, 333], ["lin", "gt"], ["any", "all"], [1, null]);

/** The same cases in Dask, on the same draws: [dtype, base64 of the C-order bytes] each. */
function dask(): [string, string][] {
  return pythonJson<[string, string][]>(
    `
import json, sys, base64
import numpy as np, dask.array as da
out = []
for shape, chunks, expr, red, axis, dtype in json.load(sys.stdin):
    x = np.random.default_rng(5).standard_normal(shape)
    y = np.random.default_rng(6).standard_normal(shape)
    if dtype == "float32":
        x = x.astype(np.float32)
        y = y.astype(np.float32)
    a = da.from_array(x, chunks=tuple(chunks))
    b = da.from_array(y, chunks=tuple(chunks))
    e = {"square": lambda: a ** 2, "sqrt": lambda: da.sqrt(abs(a)) * 2 + 1, "lin": lambda: a * 3 - 1, "two": lambda: a * b + 1, "gt": lambda: a > 0, "plain": lambda: a}[expr]()
    r = np.asarray(getattr(e, red)(axis=tuple(axis) if isinstance(axis, list) else axis).compute())
    out.append([str(r.dtype), base64.b64encode(np.ascontiguousarray(r).tobytes()).decode()])
print(json.dumps(out))`,
    JSON.stringify(CASES),
  );
}

/** The cases in lazylab, in a child process with `env`: [dtype, base64] each. */
function lazylab(env: Record<string, string>): [string, string][] {
  const lib = JSON.stringify(require.resolve("../lib"));
  const script = `
    const { np, da } = require(${lib});
    const cases = JSON.parse(process.argv[1]);
    (async () => {
      const out = [];
      for (const [shape, chunks, expr, red, axis, dtype] of cases) {
        let x = np.random.defaultRng(5).standardNormal(shape), y = np.random.defaultRng(6).standardNormal(shape);
        if (dtype === "float32") { x = x.astype("float32"); y = y.astype("float32"); }
        const a = da.fromArray(x, { chunks }), b = da.fromArray(y, { chunks });
        const e = { square: () => a.pow(2), sqrt: () => a.abs().sqrt().mul(2).add(1), lin: () => a.mul(3).sub(1), two: () => a.mul(b).add(1), gt: () => a.gt(0), plain: () => a }[expr]();
        const r = await e[red]({ axis: axis === null ? undefined : axis }).compute();
        const c = np.ascontiguousarray(r);
        // int64 values are float64 numbers in lazylab's storage: as NumPy's int64 bytes.
        const data = c.dtype === "int64" ? BigInt64Array.from(c.data, (v) => BigInt(v)) : c.data;
        out.push([c.dtype, Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("base64")]);
      }
      console.log(JSON.stringify(out));
    })();`;
  const r = spawnSync(process.execPath, ["-e", script, JSON.stringify(CASES)], { env: { ...process.env, ...env }, encoding: "utf8", maxBuffer: 1 << 28 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as [string, string][];
}

/** How many values differ and by how many ulps at most (for the message). */
function describe(got: string, want: string, dtype: string): string {
  const f = (b64: string) => {
    const b = Buffer.from(b64, "base64");
    return dtype === "float32" ? new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)) : new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  };
  const [g, w] = [f(got), f(want)];
  let differ = 0;
  for (let i = 0; i < w.length; i++) if (!Object.is(g[i], w[i])) differ++;
  return `${differ} of ${w.length} values differ (first: ${g[0]} vs ${w[0]})`;
}

const want = dask();

for (const [name, env] of [["the expression machine", {}], ["the JavaScript kernels (LAZYLAB_DA_MACHINE=0)", { LAZYLAB_DA_MACHINE: "0" }]] as const) {
  test(`fused lazy sum, mean, var, std (and min, max, any, all) have Dask's bits with ${name}: 1-D to 3-D, uneven chunks, rows past 8192, every axis choice, float32, many blocks`, () => {
    const got = lazylab(env);
    const bad: string[] = [];
    CASES.forEach((c, k) => {
      if (got[k][0] !== want[k][0]) bad.push(`${JSON.stringify(c)}: dtype ${got[k][0]} vs Dask's ${want[k][0]}`);
      else if (got[k][1] !== want[k][1]) bad.push(`${JSON.stringify(c)}: ${describe(got[k][1], want[k][1], want[k][0])}`);
    });
    assert.deepEqual(bad, [], `${bad.length} of ${CASES.length} cases differ from Dask`);
  });
}
