/**
 * The 256-layer ziggurat tables NumPy's `random_standard_normal` uses (ki_double,
 * wi_double, fi_double in numpy/random/src/distributions/ziggurat_constants.h), built at
 * load time from their defining equations (Marsaglia & Tsang 2000, 52-bit variant):
 *
 *   x₂₅₅ = r,  x_{i-1} = f⁻¹(f(x_i) + v / x_i),  f(x) = exp(-x²/2),  x₀ = 0
 *   wi[i] = x_i / 2**52 (wi[0] = v / f(r) / 2**52)
 *   ki[i] = round(2**52 · x_{i-1} / x_i) (ki[0] = round(2**52 · r f(r) / v))
 *   fi[i] = f(x_i)
 *
 * evaluated in double precision step by step, as NumPy's generating script does, with
 * correctly rounded exp and log. The float tables (ki_float, wi_float, fi_float) are the
 * double ones rounded to float precision. test/np-random.test.ts finds every table, byte
 * for byte, in NumPy's compiled _generator module.
 */
import { exactExp, exactLog } from "./exact-math";

/** Layers. */
export const LAYERS = 256;
/** Start of the tail, r, and the layer area v: NumPy's constants. */
export const ZIGGURAT_NOR_R = 3.6541528853610087963519472518;
export const ZIGGURAT_NOR_INV_R = 0.27366123732975827203338247596;
const AREA = 0.0049286732339746519;
/** The float kernel's r and 1/r (C float literals of the same decimals). */
export const ZIGGURAT_NOR_R_F = Math.fround(ZIGGURAT_NOR_R);
export const ZIGGURAT_NOR_INV_R_F = Math.fround(ZIGGURAT_NOR_INV_R);

/**
 * The one step where NumPy's tables did not get the correctly rounded exp. At x₃₈ the
 * exact exp(-x²/2) lies 0.4983 ulp above a double; the libm that generated NumPy's
 * header rounded it up, and the recursion carries that into x₃₇ … x₁ (so also ki, wi, fi
 * below layer 38). Reproducing it is what makes our streams bit-identical to NumPy's.
 */
const ROUNDED_UP_LAYER = 38;

export interface ZigguratTables {
  /** Acceptance thresholds on the 52-bit mantissa (integers < 2**53, exact as doubles). */
  ki: Float64Array;
  /** Layer widths divided by 2**52. */
  wi: Float64Array;
  /** f at each layer's edge. */
  fi: Float64Array;
}

function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  return d > 0.5 || (d === 0.5 && f % 2 !== 0) ? f + 1 : f;
}

/** Builds the double-precision normal tables. */
export function normalTables(): ZigguratTables {
  const x = new Float64Array(LAYERS);
  const f = (v: number, layer: number): number => {
    const e = exactExp(-0.5 * v * v);
    return layer === ROUNDED_UP_LAYER ? nextUp(e) : e;
  };
  x[LAYERS - 1] = ZIGGURAT_NOR_R;
  for (let i = LAYERS - 1; i > 1; i--) {
    x[i - 1] = Math.sqrt(-2 * exactLog(f(x[i], i) + AREA / x[i]));
  }
  x[0] = 0;
  const scale = 2 ** 52;
  const fr = f(ZIGGURAT_NOR_R, LAYERS - 1);
  const ki = new Float64Array(LAYERS);
  const wi = new Float64Array(LAYERS);
  const fi = new Float64Array(LAYERS);
  for (let i = 0; i < LAYERS; i++) {
    ki[i] = i === 0 ? roundHalfEven(((ZIGGURAT_NOR_R * fr) / AREA) * scale) : roundHalfEven((x[i - 1] / x[i]) * scale);
    wi[i] = (i === 0 ? AREA / fr : x[i]) / scale;
    fi[i] = i === 0 ? 1 : f(x[i], i);
  }
  return { ki, wi, fi };
}

/** The float tables of the same ziggurat. */
export interface FloatZigguratTables {
  /** Acceptance thresholds on the 23-bit mantissa. */
  ki: Uint32Array;
  /** Layer widths divided by 2**23. */
  wi: Float32Array;
  fi: Float32Array;
}

/** NumPy's float tables, from the double ones: the same ratios at 23 bits, rounded to float. */
export function floatTables(d: ZigguratTables): FloatZigguratTables {
  const ki = new Uint32Array(LAYERS);
  const wi = new Float32Array(LAYERS);
  const fi = new Float32Array(LAYERS);
  for (let i = 0; i < LAYERS; i++) {
    ki[i] = Math.round(d.ki[i] / 2 ** 29);
    wi[i] = d.wi[i] * 2 ** 29;
    fi[i] = d.fi[i];
  }
  return { ki, wi, fi };
}

const word = new Float64Array(1);
const bigWord = new BigInt64Array(word.buffer);

/** The next double above a positive finite v. */
function nextUp(v: number): number {
  word[0] = v;
  bigWord[0] += 1n;
  return word[0];
}

let packed: Float64Array | undefined;

/**
 * The double tables as the native kernel takes them (native/np_random.c): ki, wi, fi one
 * after another in one Float64Array of 768, built on first use (~20 ms) and kept.
 */
export function packedNormalTables(): Float64Array {
  if (packed) return packed;
  const { ki, wi, fi } = normalTables();
  const t = new Float64Array(3 * LAYERS);
  t.set(ki, 0);
  t.set(wi, LAYERS);
  t.set(fi, 2 * LAYERS);
  return (packed = t);
}
