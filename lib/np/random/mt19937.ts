/**
 * The Mersenne Twister exactly as NumPy's legacy `RandomState` drives it: NumPy's MT19937
 * with its legacy seeding (`_legacy_seeding`: `init_genrand` for an integer,
 * `init_by_array` for a list), 53-bit doubles from two 32-bit draws, the polar-method
 * normals with their cached second value (legacy-distributions.c), and the masked
 * rejection integers (distributions.c). Same seed and same calls give the same numbers as
 * `np.random.seed(...)` or `np.random.RandomState(...)`; shapes and dtypes are
 * lib/np/legacy-random.ts's business.
 */
import { webcrypto } from "node:crypto";
import { ValueError } from "../errors";
import { native, nativeCode } from "../native";

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;
const TWO32 = 4294967296;
/** Points of the polar method drawn before their logs are taken together. */
const GAUSS_BATCH = 1024;
/** The addon's MT19937 fills, or null without them. */
const mtFill = typeof native?.mtFill === "function" ? native.mtFill : null;
/** Below this many draws the JavaScript loops beat the cost of the addon's call. */
const NATIVE_FILL_MIN = 64;
/** The addon's loop calling the C library's log, or -1 without the addon. */
const LOG_CODE = nativeCode("Math.log(x)", "none", "Float64Array");

/** A legacy seed: an integer in [0, 2**32), or a non-empty list of them (NumPy's `init_by_array`). */
export type LegacySeed = number | bigint | readonly (number | bigint)[];

/** NumPy's legacy `get_state()`: ('MT19937', key, pos, has_gauss, cached_gaussian), keys spelled the TypeScript way. */
export interface MT19937State {
  bitGenerator: "MT19937";
  key: Uint32Array;
  pos: number;
  hasGauss: 0 | 1;
  cachedGaussian: number;
}

/** Anything the integer fills can write numbers into (a typed array of the result's dtype). */
export interface NumberSink {
  readonly length: number;
  [i: number]: number;
}

/** `mt19937_gen`: the next 624 words, in place. */
function twist(key: Uint32Array): void {
  let i = 0;
  let y: number;
  for (; i < N - M; i++) {
    y = (key[i] & UPPER_MASK) | (key[i + 1] & LOWER_MASK);
    key[i] = key[i + M] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
  }
  for (; i < N - 1; i++) {
    y = (key[i] & UPPER_MASK) | (key[i + 1] & LOWER_MASK);
    key[i] = key[i + M - N] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
  }
  y = (key[N - 1] & UPPER_MASK) | (key[0] & LOWER_MASK);
  key[N - 1] = key[M - 1] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
}

function temper(y: number): number {
  y ^= y >>> 11;
  y ^= (y << 7) & 0x9d2c5680;
  y ^= (y << 15) & 0xefc60000;
  return (y ^ (y >>> 18)) >>> 0;
}

/** The smallest 2**k - 1 at or above `max` (a uint32). */
function mask32(max: number): number {
  let m = max;
  m |= m >>> 1;
  m |= m >>> 2;
  m |= m >>> 4;
  m |= m >>> 8;
  m |= m >>> 16;
  return m >>> 0;
}

/** `init_genrand(s)` (also NumPy's `mt19937_seed`): Knuth's linear congruential fill. */
function initGenrand(key: Uint32Array, s: number): void {
  key[0] = s;
  for (let i = 1; i < N; i++) {
    const prev = key[i - 1];
    key[i] = Math.imul(1812433253, prev ^ (prev >>> 30)) + i;
  }
}

/** `init_by_array(init_key)`: the reference algorithm, starting from init_genrand(19650218). */
function initByArray(key: Uint32Array, init: readonly number[]): void {
  initGenrand(key, 19650218);
  let i = 1;
  let j = 0;
  for (let k = Math.max(N, init.length); k > 0; k--) {
    const prev = key[i - 1];
    key[i] = (key[i] ^ Math.imul(prev ^ (prev >>> 30), 1664525)) + init[j] + j;
    i++;
    j++;
    if (i >= N) {
      key[0] = key[N - 1];
      i = 1;
    }
    if (j >= init.length) j = 0;
  }
  for (let k = N - 1; k > 0; k--) {
    const prev = key[i - 1];
    key[i] = (key[i] ^ Math.imul(prev ^ (prev >>> 30), 1566083941)) - i;
    i++;
    if (i >= N) {
      key[0] = key[N - 1];
      i = 1;
    }
  }
  key[0] = 0x80000000; // MSB is 1, assuring a non-zero initial array
}

const OUT_OF_RANGE = "Seed must be between 0 and 2**32 - 1";

/** One integer of a seed list, as `astype(np.int64, casting='safe')` then the range check see it. */
function seedWord(v: unknown): number {
  if (typeof v === "bigint") {
    if (v < -(2n ** 63n) || v >= 2n ** 63n) throw new TypeError("Cannot cast array data from dtype('O') to dtype('int64') according to the rule 'safe'");
    if (v < 0n || v >= 2n ** 32n) throw new ValueError(OUT_OF_RANGE);
    return Number(v);
  }
  if (typeof v !== "number" || !Number.isInteger(v)) {
    const dtype = typeof v === "number" ? "float64" : "O";
    throw new TypeError(`Cannot cast array data from dtype('${dtype}') to dtype('int64') according to the rule 'safe'`);
  }
  if (v < 0 || v >= TWO32) throw new ValueError(OUT_OF_RANGE);
  return v;
}

/**
 * NumPy's `_legacy_seeding` checks: an integer in [0, 2**32) (a number or bigint), or a
 * non-empty flat list of them, with NumPy's errors and messages; null for fresh entropy.
 * A JavaScript number with no fraction counts as an integer (Python's 42.0 would not).
 */
function checkLegacySeed(seed: unknown): number | number[] | null {
  if (seed === undefined || seed === null) return null;
  if (typeof seed === "bigint") {
    if (seed < 0n || seed >= 2n ** 32n) throw new ValueError(OUT_OF_RANGE);
    return Number(seed);
  }
  if (typeof seed === "number") {
    if (!Number.isInteger(seed)) throw new TypeError("Cannot cast scalar from dtype('float64') to dtype('int64') according to the rule 'safe'");
    if (seed < 0 || seed >= TWO32) throw new ValueError(OUT_OF_RANGE);
    return seed;
  }
  if (Array.isArray(seed) || ArrayBuffer.isView(seed)) {
    const list = Array.from(seed as ArrayLike<unknown>);
    if (list.length === 0 || list.every((v) => Array.isArray(v) && v.length === 0)) throw new ValueError("Seed must be non-empty");
    if (list.some((v) => Array.isArray(v))) {
      list.flat(Infinity).forEach(seedWord); // NumPy casts before it checks the shape
      throw new ValueError("Seed array must be 1-d");
    }
    return list.map(seedWord);
  }
  const shown = typeof seed === "string" ? `<U${seed.length}` : "O";
  throw new TypeError(`Cannot cast scalar from dtype('${shown}') to dtype('int64') according to the rule 'safe'`);
}

/**
 * NumPy's MT19937 bit generator with the legacy normal cache that `RandomState` keeps
 * beside it (NumPy's `aug_state.has_gauss`/`gauss`): kept here so one fill loop owns both.
 *
 * @example
 * const mt = new MT19937(42);
 * mt.fillDoubles(new Float64Array(3)); // = np.random.RandomState(42).random_sample(3)
 */
export class MT19937 {
  /** The 624-word state (NumPy's `key`). */
  readonly key = new Uint32Array(N);
  /** Index of the next word to temper; 624 means the state must be twisted first. */
  pos = N;
  /** Whether the polar method's second normal is waiting to be returned. */
  hasGauss = false;
  cachedGaussian = 0;

  /** Seeds as `RandomState(seed)` does; fresh OS entropy without a seed. */
  constructor(seed?: LegacySeed | null) {
    this.seed(seed);
  }

  /**
   * NumPy's `_legacy_seeding` then `_reset_gauss`: `init_genrand` for an integer in
   * [0, 2**32), `init_by_array` for a list of them, 623 words of OS entropy under a fixed
   * first word for none.
   * @throws ValueError "Seed must be between 0 and 2**32 - 1", "Seed must be non-empty",
   *   "Seed array must be 1-d"; TypeError for fractions and non-integers, as NumPy
   */
  seed(seed?: LegacySeed | null): void {
    const checked = checkLegacySeed(seed);
    if (checked === null) {
      webcrypto.getRandomValues(this.key);
      this.key[0] = 0x80000000;
    } else if (typeof checked === "number") {
      initGenrand(this.key, checked);
    } else {
      initByArray(this.key, checked);
    }
    this.pos = N;
    this.hasGauss = false;
    this.cachedGaussian = 0;
  }

  /** The full state, as NumPy's legacy `get_state()`. Assigning restores it. */
  get state(): MT19937State {
    return { bitGenerator: "MT19937", key: this.key.slice(), pos: this.pos, hasGauss: this.hasGauss ? 1 : 0, cachedGaussian: this.cachedGaussian };
  }

  set state(s: MT19937State) {
    if (s?.bitGenerator !== "MT19937") throw new ValueError("state must be for a MT19937 PRNG");
    if (s.key?.length !== N) throw new ValueError(`state.key must hold ${N} words`);
    if (!Number.isInteger(s.pos) || s.pos < 0 || s.pos > N) throw new ValueError(`state.pos must be an integer in [0, ${N}]`);
    this.key.set(s.key);
    this.pos = s.pos;
    this.hasGauss = s.hasGauss === 1;
    this.cachedGaussian = this.hasGauss ? +s.cachedGaussian : 0;
  }

  /** `mt19937_next32`: the next tempered word. */
  nextUint32(): number {
    if (this.pos === N) {
      twist(this.key);
      this.pos = 0;
    }
    return temper(this.key[this.pos++]);
  }

  /** `mt19937_next_double`: 27 + 26 bits of two words, a double in [0, 1). */
  nextDouble(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /**
   * Fills `out` with `nextDouble()`s (`random_sample`). The state kept in locals here
   * measured no faster than these calls (V8 inlines them): 7-8 ms for 10**6.
   */
  fillDoubles(out: Float64Array): Float64Array {
    if (this.fillNative(0, out)) return out;
    for (let i = 0; i < out.length; i++) out[i] = this.nextDouble();
    return out;
  }

  /**
   * A long fill in the addon (native/np_random.c, the same steps in C: 10**6 doubles ~2.5x
   * faster than these loops), the state handed over and back; false without the addon or
   * for a short fill, where the call costs more than it saves.
   */
  private fillNative(kind: 0 | 1 | 2, out: Float64Array, off = 0, max = 0): boolean {
    if (!mtFill || out.length < NATIVE_FILL_MIN) return false;
    const aux = this.aux;
    aux[0] = this.pos;
    aux[1] = this.hasGauss ? 1 : 0;
    aux[2] = this.cachedGaussian;
    mtFill(kind, this.key, aux, out, 0, out.length, off, max);
    this.pos = aux[0];
    this.hasGauss = aux[1] === 1;
    this.cachedGaussian = aux[2];
    return true;
  }

  /** [pos, has_gauss, gauss], the state the addon's fill reads and writes besides the key. */
  private readonly aux = new Float64Array(3);

  /**
   * `legacy_gauss`: the cached value if there is one, else Marsaglia's polar method on two
   * doubles, returning one normal and caching the other.
   */
  gauss(): number {
    if (this.hasGauss) {
      const cached = this.cachedGaussian;
      this.hasGauss = false;
      this.cachedGaussian = 0;
      return cached;
    }
    this.fillGauss(this.one);
    return this.one[0];
  }

  /**
   * Fills `out` with `gauss()` draws (`standard_normal`), the cache carried in and out. The
   * points are drawn first, a batch at a time (which points are kept does not depend on the
   * log), then their logs are taken together: the sample is scaled by sqrt(-2·log(r2)/r2)
   * directly, so the log must be the C library's, as NumPy's (glibc's, which is not correctly
   * rounded: it differs from the exact value on ~1 input in 1200 in (0, 1)). The addon's log
   * loop is that call; without the addon, Math.log's last bit differs from it on some draws,
   * as lib/np's other C-library functions do then (np/native.ts).
   */
  fillGauss(out: Float64Array): Float64Array {
    if (this.fillNative(1, out)) return out;
    let i = 0;
    if (this.hasGauss && out.length) {
      out[i++] = this.cachedGaussian;
      this.hasGauss = false;
      this.cachedGaussian = 0;
    }
    const { x1, x2, r2, logs } = this.polar;
    while (i < out.length) {
      // Each point gives two draws: the batch's last may leave one for the cache.
      const pairs = Math.min(GAUSS_BATCH, Math.ceil((out.length - i) / 2));
      for (let k = 0; k < pairs; k++) {
        let a: number, b: number, r: number;
        do {
          a = 2.0 * this.nextDouble() - 1.0;
          b = 2.0 * this.nextDouble() - 1.0;
          r = a * a + b * b;
        } while (r >= 1.0 || r === 0.0);
        x1[k] = a;
        x2[k] = b;
        r2[k] = r;
      }
      if (LOG_CODE >= 0) native!.elementwise(LOG_CODE, r2, 0, 1, r2, 0, 0, logs, 0, pairs);
      else for (let k = 0; k < pairs; k++) logs[k] = Math.log(r2[k]);
      for (let k = 0; k < pairs; k++) {
        const f = Math.sqrt((-2.0 * logs[k]) / r2[k]);
        out[i++] = f * x2[k];
        if (i < out.length) out[i++] = f * x1[k];
        else {
          this.cachedGaussian = f * x1[k];
          this.hasGauss = true;
        }
      }
    }
    return out;
  }

  /** One draw's buffer, for gauss(). */
  private readonly one = new Float64Array(1);
  /** The polar method's points and their logs, a batch at a time. */
  private readonly polar = { x1: new Float64Array(GAUSS_BATCH), x2: new Float64Array(GAUSS_BATCH), r2: new Float64Array(GAUSS_BATCH), logs: new Float64Array(GAUSS_BATCH) };

  /**
   * `random_interval(max)`: a uniform integer in [0, max] by masked rejection on 32-bit
   * draws, as `shuffle` uses. `max` is below 2**32 (an array never has more elements).
   */
  interval(max: number): number {
    if (max === 0) return 0;
    const mask = mask32(max);
    let v: number;
    do v = (this.nextUint32() & mask) >>> 0;
    while (v > max);
    return v;
  }

  /**
   * Fills `out` with `off + v`, v uniform in [0, rng] by masked rejection, as NumPy's
   * `random_bounded_uint{width}_fill` with `use_masked` (RandomState's `randint`): for
   * widths 1 (bool), 8 and 16 each 32-bit draw is cut into 32/width pieces (the buffer
   * starts empty on each call); for 32, and for 64 when rng < 2**32, one 32-bit draw per
   * try; else 64-bit draws, the first word high. `off` and `rng` are bigints only when
   * past 2**53; results past 2**53 are rounded to the nearest double.
   */
  fillMasked(out: NumberSink, off: number | bigint, rng: number | bigint, width: 1 | 8 | 16 | 32 | 64): void {
    const n = out.length;
    if (rng === 0 || rng === 0n) {
      for (let i = 0; i < n; i++) out[i] = Number(off);
      return;
    }
    if (width <= 16) {
      this.fillBuffered(out, off as number, rng as number, width as 1 | 8 | 16);
    } else if (rng <= 0xffffffff) {
      const max = Number(rng);
      const mask = mask32(max);
      if (typeof off === "number" && Number.isSafeInteger(off + max) && Number.isSafeInteger(off - max)) {
        if (out instanceof Float64Array && this.fillNative(2, out, off, max)) return;
        for (let i = 0; i < n; i++) {
          let v: number;
          do v = (this.nextUint32() & mask) >>> 0;
          while (v > max);
          out[i] = off + v;
        }
      } else {
        const o = BigInt(off);
        for (let i = 0; i < n; i++) {
          let v: number;
          do v = (this.nextUint32() & mask) >>> 0;
          while (v > max);
          out[i] = Number(o + BigInt(v));
        }
      }
    } else {
      this.fillMasked64(out, off, rng);
    }
  }

  /** fillMasked for 1-, 8- and 16-bit results: NumPy's `buffered_uint8` and kin. */
  private fillBuffered(out: NumberSink, off: number, rng: number, width: 1 | 8 | 16): void {
    const mask = mask32(rng);
    const pieces = 32 / width;
    let buf = 0;
    let left = 0;
    for (let i = 0; i < out.length; i++) {
      let v: number;
      do {
        if (left === 0) {
          buf = this.nextUint32();
          left = pieces - 1;
        } else {
          buf >>>= width;
          left--;
        }
        v = buf & mask;
      } while (v > rng);
      out[i] = off + v;
    }
  }

  /** fillMasked for ranges of 2**32 and more: `bounded_masked_uint64` on `mt19937_next64`. */
  private fillMasked64(out: NumberSink, off: number | bigint, rng: number | bigint): void {
    const r = BigInt(rng);
    const rngHi = Number(r >> 32n);
    const rngLo = Number(r & 0xffffffffn);
    const maskHi = mask32(rngHi); // rng ≥ 2**32, so the mask's low word is all ones
    const exact = typeof off === "number" && typeof rng === "number" && Number.isSafeInteger(off + rng);
    const o = exact ? 0n : BigInt(off);
    for (let i = 0; i < out.length; i++) {
      let hi: number;
      let lo: number;
      do {
        hi = (this.nextUint32() & maskHi) >>> 0;
        lo = this.nextUint32();
      } while (hi > rngHi || (hi === rngHi && lo > rngLo));
      out[i] = exact ? (off as number) + hi * TWO32 + lo : Number(o + ((BigInt(hi) << 32n) | BigInt(lo)));
    }
  }
}
