/**
 * NumPy as the oracle for lazylab's random draws (test/np-legacy-random.test.ts,
 * test/np-random-distributions.test.ts): a Python prelude that records values, generator
 * states and errors into one JSON document, and the comparison of our values with them, bit
 * for bit (an array's elements as float64 bytes in C order).
 */
import assert from "node:assert/strict";
import { NDArray } from "../lib/np";
import { PY_RECORD_ERROR, pythonJson } from "./oracle";

/**
 * `put(name, value)` a value; `gstate(name, g)` a Generator's PCG64 state, `lstate(name, rs)` a
 * RandomState's MT19937 state; `shuffled(g, x, **kw)` x after g.shuffle; `err(name, f)` what f
 * raises.
 */
const PRELUDE = `
import base64, json, math
import numpy as np
_out = {}
def b64(a):
    return base64.b64encode(np.ascontiguousarray(a).tobytes()).decode()
def enc(v):
    if isinstance(v, list):
        return {"list": v}
    if isinstance(v, (bool, np.bool_)):
        return {"bool": bool(v)}
    if isinstance(v, np.ndarray):
        if v.dtype.kind in "UO":
            return {"list": v.tolist()}
        return {"dtype": v.dtype.name, "shape": list(v.shape), "b64": b64(v.astype(np.float64))}
    if isinstance(v, str):
        return {"list": v}
    return {"scalar": b64(np.array([v], dtype=np.float64))}
def put(name, v):
    _out[name] = enc(v)
def shuffled(g, x, **kw):
    g.shuffle(x, **kw)
    return x
def gstate(name, g):
    s = g.bit_generator.state
    _out[name] = {"state": str(s["state"]["state"]), "hasUint32": s["has_uint32"], "uinteger": s["uinteger"]}
def lstate(name, rs):
    _, key, pos, has_gauss, cached = rs.get_state()
    _out[name] = {"key": b64(key.astype("<u4")), "pos": int(pos), "hasGauss": int(has_gauss), "cached": b64(np.array([cached]))}
${PY_RECORD_ERROR}`;

/** A value as the prelude's `enc` writes it. */
export interface Enc {
  dtype?: string;
  shape?: number[];
  b64?: string;
  scalar?: string;
  bool?: boolean;
  list?: unknown;
  error?: [string, string] | null;
}

/** What `lstate` records: a RandomState's key, position and cached normal. */
export interface LState {
  key: string;
  pos: number;
  hasGauss: number;
  cached: string;
}

/** Runs `code` after the prelude in Debian's NumPy and returns what it recorded. */
export function numpy<T = Enc>(code: string): Record<string, T> {
  return pythonJson<Record<string, T>>(`${PRELUDE}\n${code}\nprint(json.dumps(_out))\n`);
}

export function b64(a: Float64Array | Uint32Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64");
}

export function fromB64(s: string): Float64Array {
  const bytes = Buffer.from(s, "base64");
  return new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
}

/** Our value in the prelude's encoding (an array's elements as float64, in C order). */
export function encode(v: unknown): Enc {
  if (v instanceof NDArray) {
    const flat = Float64Array.from({ length: v.size }, (_, i) => v.flatAt(i));
    return { dtype: v.dtype, shape: v.shape, b64: b64(flat) };
  }
  if (typeof v === "number") return { scalar: b64(new Float64Array([v])) };
  if (typeof v === "boolean") return { bool: v };
  if (Array.isArray(v) || typeof v === "string") return { list: v };
  throw new Error(`cannot encode ${String(v)}`);
}

/** Bit-identical comparison, naming the first element (or the scalar) that differs. */
export function assertSame(actual: unknown, expected: Enc, what: string): void {
  const ours = encode(actual);
  const a = ours.b64 ?? ours.scalar;
  const e = expected.b64 ?? expected.scalar;
  if (a !== undefined && e !== undefined && a !== e) {
    const x = fromB64(a);
    const y = fromB64(e);
    const i = x.findIndex((v, k) => !Object.is(v, y[k]));
    assert.fail(`${what}: element ${i} is ${x[i]}, NumPy has ${y[i]} (lengths ${x.length}, ${y.length})`);
  }
  assert.deepEqual(ours, expected, what);
}

/** A RandomState's state as `lstate` records it. */
export function legacyState(rs: { getState(): { key: Uint32Array; pos: number; hasGauss: number; cachedGaussian: number } }): LState {
  const s = rs.getState();
  return { key: b64(s.key), pos: s.pos, hasGauss: s.hasGauss, cached: b64(new Float64Array([s.cachedGaussian])) };
}
