/**
 * The cases of np-sum-order.test.ts: float64, float32 and integer arrays drawn from one
 * seeded PCG64 stream on both sides (lazylab's `np.random.defaultRng` gives NumPy's draws),
 * views of every stride pattern (steps 2, -1, -3, offsets, transposes and permutations up to
 * 4-D), and sum/mean/var/std/prod over every axis choice. Results are compared by the SHA-256
 * of their raw bytes (NumPy's `tobytes()`, ours from the typed array), computed in the test
 * process and in a child with LAZYLAB_NATIVE=0; the bytes themselves are fetched only for
 * results that differ, to count ulps.
 */
import { createHash } from "node:crypto";
import { np } from "../lib";
import type { NDArray } from "../lib/np";
import { pythonJson } from "./oracle";

/** One reduction of one view: `x[index].transpose(perm).fn(axis=..., keepdims=..., ddof=...)`. */
export interface Job {
  shape: number[];
  dtype: "float64" | "float32" | "int64" | "int32";
  index: string;
  perm: number[] | null;
  fn: "sum" | "mean" | "var" | "std" | "prod";
  axis: number | number[] | null;
  keepdims: boolean;
  ddof: number;
}

/** A result as dtype, shape and the SHA-256 of its C-order bytes (or the bytes, base64). */
export interface Bits {
  dtype: string;
  shape: number[];
  bits: string;
}

const FNS: Job["fn"][] = ["sum", "mean", "var", "std"];

/** Every permutation of 0..n-1. */
function perms(n: number): number[][] {
  if (n === 1) return [[0]];
  return perms(n - 1).flatMap((p) => Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]));
}

/** Every non-empty subset of the axes of an n-dimensional array, as NumPy's axis argument. */
function axisChoices(n: number): (number | number[] | null)[] {
  const out: (number | number[] | null)[] = [null];
  for (let m = 1; m < 1 << n; m++) {
    const axes = [...Array(n).keys()].filter((a) => m & (1 << a));
    out.push(axes.length === 1 ? axes[0] : axes);
  }
  if (n > 1) out.push(-1);
  return out;
}

/**
 * Lengths around NumPy's unrolling (8), its pairwise block (128) and its buffer (8192), odd
 * ones, and views whose reduced elements are one strided line, lines that coalesce, and
 * blocks that do not (so NumPy copies them through its buffer).
 */
export function jobs(): Job[] {
  const out: Job[] = [];
  const add = (shape: number[], indices: string[], permList: (number[] | null)[], dtypes: Job["dtype"][] = ["float64", "float32"], fns = FNS) => {
    for (const dtype of dtypes)
      for (const index of indices)
        for (const perm of permList)
          for (const axis of axisChoices(shape.length))
            for (const fn of dtype.startsWith("int") ? fns.filter((f) => f !== "sum") : fns)
              for (const keepdims of axis === null || typeof axis === "number" ? [false, true] : [false]) {
                out.push({ shape, dtype, index, perm, fn, axis, keepdims, ddof: keepdims && (fn === "var" || fn === "std") ? 1 : 0 });
              }
  };
  for (const n of [7, 8, 9, 127, 128, 129, 1000, 8191, 8192, 8193, 16385, 40001]) add([n], ["", "::2", "::-1", "::-3", "1:-1", "3::7"], [null]);
  for (const shape of [[129, 131], [3, 8193], [8200, 3], [17, 1000], [1, 9], [9, 1], [300, 301]]) {
    add(shape, ["", "::-1", ":, ::-1", "::2", ":, ::2", "::-3", "::2, ::2", "::-1, ::-1", "1:, 3:"], [null, [1, 0]]);
  }
  for (const shape of [[9, 17, 130], [5, 3, 2731], [8, 128, 8], [4, 1, 33]]) {
    add(shape, ["", "::-1", ":, ::2", "::-3, :, ::-2", ":, :, ::2", "1:, :, 1:"], perms(3));
  }
  add([3, 4, 5, 131], ["", "::-1, :, ::2", ":, ::-2, :, ::3"], [null, [3, 1, 0, 2], [2, 3, 0, 1], [1, 0, 3, 2]]);
  // Products multiply one by one in the iteration order (of 1 + x/64, to stay finite).
  add([9, 17, 130], ["", "::-1", "::-3, :, ::-2", ":, :, ::2"], perms(3), ["float64", "float32"], ["prod"]);
  add([129, 131], ["", "::-1, ::-1", ":, ::2"], [null, [1, 0]], ["float64", "float32"], ["prod"]);
  // Integer arrays: mean, var and std sum them as float64 in the same order.
  add([300, 301], ["", "::-1", ":, ::2", "::2, ::2"], [null, [1, 0]], ["int64", "int32"]);
  add([9, 17, 130], ["", "::-3, :, ::-2"], perms(3), ["int64", "int32"]);
  return out;
}

const SETUP = `
import base64, hashlib, json, numpy as np
arrays = {}
def array(shape, dtype):
    key = (tuple(shape), dtype)
    if key not in arrays:
        g = np.random.default_rng(sum(shape))
        if dtype.startswith("int"):
            arrays[key] = g.integers(-1000, 1000, shape).astype(dtype)
        else:
            x = g.standard_normal(shape)
            arrays[key] = (x * x * x).astype(dtype)
    return arrays[key]
def view(j):
    a = array(j["shape"], j["dtype"])
    if j["fn"] == "prod": a = 1 + a * np.array(2.0 ** -6, a.dtype)
    v = eval("a[" + j["index"] + "]", {"a": a}) if j["index"] else a
    return v.transpose(j["perm"]) if j["perm"] is not None else v
def run(j, full):
    v = view(j)
    axis = tuple(j["axis"]) if isinstance(j["axis"], list) else j["axis"]
    kw = {"axis": axis, "keepdims": j["keepdims"]}
    if j["fn"] in ("var", "std"): kw["ddof"] = j["ddof"]
    r = np.asarray(getattr(v, j["fn"])(**kw))
    b = np.ascontiguousarray(r).tobytes()
    return {"dtype": str(r.dtype), "shape": list(r.shape), "bits": base64.b64encode(b).decode() if full else hashlib.sha256(b).hexdigest()}
`;

/** NumPy's results of the jobs, computed now by Debian's NumPy: SHA-256s, or the bytes when `full`. */
export function numpyBits(list: readonly Job[], full = false): Bits[] {
  return pythonJson<Bits[]>(`${SETUP}\nprint(json.dumps([run(j, ${full ? "True" : "False"}) for j in json.loads(input())]))`, JSON.stringify(list));
}

/** The same data as the Python side: x*x*x of standard normal draws seeded by sum(shape). */
const arrays = new Map<string, NDArray>();
function array(shape: number[], dtype: Job["dtype"]): NDArray {
  const key = `${shape}|${dtype}`;
  let a = arrays.get(key);
  if (!a) {
    const g = np.random.defaultRng(shape.reduce((s, n) => s + n, 0));
    if (dtype.startsWith("int")) a = g.integers(-1000, 1000, shape).astype(dtype);
    else {
      const x = g.standardNormal(shape);
      a = x.mul(x).mul(x).astype(dtype);
    }
    arrays.set(key, a);
  }
  return a;
}

/** lazylab's result of one job, as NumPy's are reported: a SHA-256, or the bytes when `full`. */
export function ours(j: Job, full = false): Bits {
  let v = array(j.shape, j.dtype);
  if (j.fn === "prod") v = v.mul(2 ** -6).add(1);
  if (j.index) v = v.get(j.index);
  if (j.perm) v = v.transpose(j.perm);
  const axis = j.axis ?? undefined;
  const r = j.fn === "prod" ? v.prod({ axis, keepdims: j.keepdims }) : j.fn === "var" || j.fn === "std" ? v[j.fn]({ axis, keepdims: j.keepdims, ddof: j.ddof }) : v[j.fn]({ axis, keepdims: j.keepdims });
  // A number stands for NumPy's scalar: float32 for float32 input, else float64.
  const scalar = j.dtype === "float32" ? "float32" : "float64";
  const data = typeof r === "number" ? (scalar === "float32" ? Float32Array.of(r) : Float64Array.of(r)) : r.toContiguous();
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return { dtype: typeof r === "number" ? scalar : r.dtype, shape: typeof r === "number" ? [] : r.shape, bits: full ? bytes.toString("base64") : createHash("sha256").update(bytes).digest("hex") };
}

/** How far apart two results are: elements that differ and the largest difference in ulps. */
export function distance(dtype: string, a: string, b: string): { differ: number; maxUlps: number } {
  const [x, y] = [Buffer.from(a, "base64"), Buffer.from(b, "base64")];
  const wide = dtype === "float64";
  const n = x.length / (wide ? 8 : 4);
  let differ = 0;
  let maxUlps = 0;
  // Ordered integers: adjacent floats differ by one (-0 and +0 count as neighbours).
  const ordered = (buf: Buffer, i: number): bigint => {
    const v = wide ? buf.readBigInt64LE(i * 8) : BigInt(buf.readInt32LE(i * 4));
    return v < 0n ? -(v & (wide ? 0x7fffffffffffffffn : 0x7fffffffn)) - 1n : v;
  };
  for (let i = 0; i < n; i++) {
    const d = ordered(x, i) - ordered(y, i);
    if (d !== 0n) differ++;
    maxUlps = Math.max(maxUlps, Number(d < 0n ? -d : d));
  }
  return { differ, maxUlps };
}

/** A job as NumPy code, for messages. */
export function describe(j: Job): string {
  const a = `${j.dtype}${JSON.stringify(j.shape)}`;
  const v = `${a}${j.index ? `[${j.index}]` : ""}${j.perm ? `.transpose(${j.perm})` : ""}`;
  const axis = j.axis === null ? "None" : Array.isArray(j.axis) ? `(${j.axis.join(", ")})` : String(j.axis);
  return `${v}.${j.fn}(axis=${axis}${j.keepdims ? ", keepdims=True" : ""}${j.ddof ? `, ddof=${j.ddof}` : ""})`;
}
