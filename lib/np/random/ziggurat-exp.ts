/**
 * The 256-layer ziggurat tables NumPy's `random_standard_exponential` uses (ke_double,
 * we_double, fe_double in numpy/random/src/distributions/ziggurat_constants.h), built at
 * load time from their defining equations (Marsaglia & Tsang 2000) for f(x) = exp(-x):
 *
 *   x₂₅₅ = r,  x_{i-1} = -log(v / x_i + f(x_i)),  v = (r + 1) f(r)   (each layer's area)
 *   ke[i] = 2 ⌊2**52 · x_{i-1} / x_i⌋ (ke[0] from r f(r) / v, ke[1] = 0)
 *   we[i] = x_i / 2**53 (we[0] = v / f(r) / 2**53),  fe[i] = f(x_i) (fe[0] = 1)
 *
 * Unlike the normal tables (ziggurat.ts, whose generator stepped in doubles), these were
 * evaluated in high precision from the 29-digit r, each entry rounded once at the end, and
 * ke's 53-bit thresholds are even (52-bit ratios doubled). So the recursion runs here in
 * 256-bit fixed point. test/np-random-distributions.test.ts finds the three tables, byte for
 * byte, in NumPy's compiled _generator module.
 */
import { FIXED_BITS, fixedExp, fixedFromDecimal, fixedLog, fixedToDouble } from "./exact-math";

const LAYERS = 256;
const R_DIGITS = "7.6971174701310497140446280481";
/** Start of the tail, r, as NumPy's `ziggurat_exp_r` (the double of the same digits). */
export const ZIGGURAT_EXP_R = 7.6971174701310497140446280481;

export interface ExponentialTables {
  /** Acceptance thresholds on the 53-bit draw (integers < 2**53, exact as doubles). */
  ke: Float64Array;
  /** Layer widths divided by 2**53. */
  we: Float64Array;
  /** f at each layer's edge. */
  fe: Float64Array;
}

/** Builds the double-precision exponential tables (~10 ms). */
export function exponentialTables(): ExponentialTables {
  const one = 1n << FIXED_BITS;
  const r = fixedFromDecimal(R_DIGITS);
  const fr = fixedExp(-r);
  const v = ((r + one) * fr) >> FIXED_BITS;
  const x: bigint[] = new Array(LAYERS).fill(0n);
  x[LAYERS - 1] = r;
  for (let i = LAYERS - 1; i > 1; i--) {
    x[i - 1] = -fixedLog(((v << FIXED_BITS) / x[i]) + fixedExp(-x[i]));
  }
  const ke = new Float64Array(LAYERS);
  const we = new Float64Array(LAYERS);
  const fe = new Float64Array(LAYERS);
  const scale = 2 ** 53;
  for (let i = 0; i < LAYERS; i++) {
    if (i === 0) ke[i] = 2 * Number(((r * fr) << 52n) / (v << FIXED_BITS));
    else if (i > 1) ke[i] = 2 * Number((x[i - 1] << 52n) / x[i]);
    we[i] = fixedToDouble(i === 0 ? (v << FIXED_BITS) / fr : x[i]) / scale;
    fe[i] = i === 0 ? 1 : fixedToDouble(fixedExp(-x[i]));
  }
  return { ke, we, fe };
}

let built: ExponentialTables | undefined;

/** The tables, built on first use and kept. */
export function expTables(): ExponentialTables {
  return (built ??= exponentialTables());
}
