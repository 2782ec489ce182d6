/**
 * NumPy-compatible random streams: `defaultRng(seed)` gives a Generator whose draws are
 * bit-identical to `numpy.random.default_rng(seed)` (PCG64 seeded through SeedSequence).
 *
 * @example
 * import { defaultRng } from "./random";
 * const rng = defaultRng(42);
 * rng.fillStandardNormal(new Float64Array(5)); // np.random.default_rng(42).standard_normal(5)
 */
export { defaultRng, Generator } from "./generator";
export { PCG64 } from "./pcg64";
export type { PCG64State } from "./pcg64";
export { SeedError, SeedSequence } from "./seed-sequence";
export type { Entropy } from "./seed-sequence";
