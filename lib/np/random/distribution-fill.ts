/**
 * The distributions' whole-array fills in the addon (native/np_distributions.c): for scalar
 * parameters, one call draws every sample of `exponential`, `poisson`, `binomial`, `gamma`
 * (with `standard_gamma` and `chisquare`) or `beta`, the sampler loop
 * and its log/exp/pow calls in C, on Generator's PCG64 or RandomState's MT19937, whose state
 * is handed over and taken back as NumPy's would be after the same samples.
 *
 * distributions.ts draws the same numbers one sample at a time (array parameters, short
 * fills, and no addon); test/np-random-distributions.test.ts checks that both give the same
 * bits and the same final state on every branch.
 */
import { native } from "../native";
import type { MT19937 } from "./mt19937";
import type { PCG64 } from "./pcg64";
import { packedNormalTables } from "./ziggurat";
import { expTables } from "./ziggurat-exp";

/**
 * The samplers, as np_distributions.c numbers them, and what (a, b) are for each:
 * `Exponential` a · standard_exponential; `ExponentialInv` a · -log1p(-U) (Generator's
 * method="inv"); `Poisson` lam = a; `Binomial` p = a, n = b; `Gamma` b · standard_gamma(a);
 * `Beta` (a, b).
 */
export const DistFill = { Exponential: 0, ExponentialInv: 1, Poisson: 2, Binomial: 3, Gamma: 4, Beta: 5 } as const;
export type DistFill = (typeof DistFill)[keyof typeof DistFill];

/**
 * Fills shorter than this stay in JavaScript. Measured per call (rng.exponential, poisson,
 * binomial; RandomState's exponential, poisson; a loaded 2-core Xeon): from 1 to 8 samples
 * both paths take the call's own 1.5-5 µs (arguments, checks, the array) within its noise;
 * at 32 the addon's takes half the time. Short fills keep to the path that needs no addon.
 */
export const NATIVE_DIST_MIN = 8;

/** The addon's entry points for these; absent from an addon built before them. */
interface DistributionCalls {
  pcgDistFill?(dist: number, words: Uint32Array, tables: Float64Array, out: Float64Array, n: number, a: number, b: number): void;
  mtDistFill?(dist: number, key: Uint32Array, aux: Float64Array, out: Float64Array, n: number, a: number, b: number): void;
}

const addon = native as DistributionCalls | null;
const pcgCall = typeof addon?.pcgDistFill === "function" ? addon.pcgDistFill : null;
const mtCall = typeof addon?.mtDistFill === "function" ? addon.mtDistFill : null;
let enabled = true;

/** Whether the addon's fills are used (false: no addon, an addon built before them, or switched off). */
export function hasNativeDistributions(): boolean {
  return enabled && pcgCall !== null && mtCall !== null;
}

/**
 * Switches the addon's fills off (or back on), so that tests can draw the same calls through
 * distributions.ts and compare; returns the previous setting.
 * @internal
 */
export function useNativeDistributions(on: boolean): boolean {
  const was = enabled;
  enabled = on;
  return was;
}

let tables: Float64Array | undefined;

/** The normal ziggurat's ki, wi, fi then the exponential's ke, we, fe, as the addon takes them. */
function zigguratTables(): Float64Array {
  if (tables) return tables;
  const t = new Float64Array(6 * 256);
  t.set(packedNormalTables(), 0);
  const { ke, we, fe } = expTables();
  t.set(ke, 768);
  t.set(we, 1024);
  t.set(fe, 1280);
  return (tables = t);
}

/**
 * Fills all of `out` with `dist`'s samples from `bg` in the addon; false (nothing drawn) when
 * it cannot or `out` is shorter than NATIVE_DIST_MIN. Only 64-bit draws are made, so
 * next_uint32's buffered half stays as it was, as in NumPy.
 */
export function pcgDistFill(bg: PCG64, dist: DistFill, out: Float64Array, a: number, b: number): boolean {
  if (!enabled || !pcgCall || out.length < NATIVE_DIST_MIN) return false;
  pcgCall(dist, bg.rawWords, zigguratTables(), out, out.length, a, b);
  return true;
}

/** [pos, has_gauss, gauss]: MT19937's state besides its key, as the addon reads and writes it. */
const mtAux = new Float64Array(3);

/**
 * Fills all of `out` with `dist`'s legacy samples (RandomState's) from `mt` in the addon,
 * the key, position and cached normal advanced as NumPy's; false when it cannot or `out` is
 * shorter than NATIVE_DIST_MIN. `dist` is not ExponentialInv.
 */
export function mtDistFill(mt: MT19937, dist: DistFill, out: Float64Array, a: number, b: number): boolean {
  if (!enabled || !mtCall || out.length < NATIVE_DIST_MIN) return false;
  mtAux[0] = mt.pos;
  mtAux[1] = mt.hasGauss ? 1 : 0;
  mtAux[2] = mt.cachedGaussian;
  mtCall(dist, mt.key, mtAux, out, out.length, a, b);
  mt.pos = mtAux[0];
  mt.hasGauss = mtAux[1] === 1;
  mt.cachedGaussian = mtAux[2];
  return true;
}
