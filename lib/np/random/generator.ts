/**
 * NumPy's `Generator` over PCG64, as fill functions on typed arrays: the same values,
 * bit for bit, as `numpy.random.default_rng(seed)` gives for the same seed and the same
 * sequence of calls. Shapes and dtypes are the caller's business (see lib/np/rng.ts).
 */
import type { Storage } from "../dtype";
import { BLOCK, NARROW, OUT, PARAMS, pcgKernel } from "./pcg64-kernel";
import { NativeFill, PCG64, PCG64State, writeU64Words } from "./pcg64";
import { Entropy, SeedSequence } from "./seed-sequence";

const TWO32 = 2 ** 32;

/** The dtypes `integers` draws (NumPy's `_rand_{dtype}`): the eight integers and bool. */
export type IntegerDType = "int8" | "int16" | "int32" | "int64" | "uint8" | "uint16" | "uint32" | "uint64" | "bool";

/**
 * Each integer dtype's smallest and largest value, and the width of NumPy's bounded draws
 * for it: 64-bit for the 64-bit dtypes (32-bit for ranges below 2**32), else the dtype's own
 * width cut from next_uint32 (bool's one bit at a time).
 */
export const INTEGER_DTYPES: Readonly<Record<IntegerDType, { min: bigint; max: bigint; bits: 1 | 8 | 16 | 32 | 64 }>> = {
  int8: { min: -128n, max: 127n, bits: 8 },
  int16: { min: -32768n, max: 32767n, bits: 16 },
  int32: { min: -(2n ** 31n), max: 2n ** 31n - 1n, bits: 32 },
  int64: { min: -(2n ** 63n), max: 2n ** 63n - 1n, bits: 64 },
  uint8: { min: 0n, max: 255n, bits: 8 },
  uint16: { min: 0n, max: 65535n, bits: 16 },
  uint32: { min: 0n, max: 2n ** 32n - 1n, bits: 32 },
  uint64: { min: 0n, max: 2n ** 64n - 1n, bits: 64 },
  bool: { min: 0n, max: 1n, bits: 1 },
};

/** The narrow kernels by the bits of their draws, with the bytes of each output. */
const NARROW_KERNELS = {
  1: [pcgKernel.narrow1, 1],
  8: [pcgKernel.narrow8, 1],
  16: [pcgKernel.narrow16, 2],
  32: [pcgKernel.narrow32, 4],
} as const;

/**
 * Runs a 64-bit-output kernel over `out` a block at a time, or `kind`'s native fill over
 * all of it at once when there is one (PCG64.fillNative: the same draws, in place).
 */
function fill64(bg: PCG64, out: Float64Array, run: (n: number) => void, kind?: NativeFill): Float64Array {
  if (kind !== undefined && bg.fillNative(kind, out, 0, out.length)) return out;
  const f64 = pcgKernel.f64;
  const base = OUT >> 3;
  for (let offset = 0; offset < out.length; ) {
    const k = Math.min(out.length - offset, BLOCK);
    bg.enter();
    run(k);
    bg.leave();
    out.set(f64.subarray(base, base + k), offset);
    offset += k;
  }
  return out;
}

/** Runs a 32-bit-output (f32) kernel over `out` a block at a time, or `kind`'s native fill. */
function fill32(bg: PCG64, out: Float32Array, run: (n: number) => void, kind?: NativeFill): Float32Array {
  if (kind !== undefined && bg.fillNative(kind, out, 0, out.length)) return out;
  const f32 = pcgKernel.f32;
  const base = OUT >> 2;
  for (let offset = 0; offset < out.length; ) {
    const k = Math.min(out.length - offset, BLOCK);
    bg.enter();
    run(k);
    bg.leave();
    out.set(f32.subarray(base, base + k), offset);
    offset += k;
  }
  return out;
}

function checkOut(out: unknown, type: typeof Float64Array | typeof Float32Array, what: string): void {
  if (!(out instanceof type)) throw new TypeError(`${what}: out must be a ${type.name}`);
}

function checkNumber(v: unknown, name: string, what: string): asserts v is number {
  if (typeof v !== "number") throw new TypeError(`${what}: ${name} must be a number, got ${String(v)}`);
}

/** Python's int() of an integer bound: truncates floats, rejects NaN and infinities. */
function toInt(v: number | bigint, name: string): number | bigint {
  if (typeof v === "bigint") return v;
  if (typeof v !== "number") throw new TypeError(`integers: ${name} must be a number or bigint, got ${String(v)}`);
  if (Number.isNaN(v)) throw new RangeError(`integers: cannot convert float NaN to integer (${name})`);
  if (!Number.isFinite(v)) throw new RangeError(`integers: cannot convert float infinity to integer (${name})`);
  const t = Math.trunc(v);
  return Number.isSafeInteger(t) ? t : BigInt(t);
}

/** Writes a 64-bit two's-complement value (|v| < 2**53 number, or bigint) at a byte offset of the kernel. */
function writeI64(byteOffset: number, v: number | bigint): void {
  writeU64Words(pcgKernel.u32, byteOffset >> 2, v);
}

/**
 * A random number generator with NumPy's `Generator` streams: `defaultRng(seed)` here and
 * `np.random.default_rng(seed)` there give the same numbers for the same sequence of
 * calls (`random`, `standard_normal`, `normal`, `uniform`, `integers`, also in float32).
 *
 * @example
 * const rng = defaultRng(42);
 * const z = rng.fillStandardNormal(new Float64Array(1000)); // = rng.standard_normal(1000)
 * const k = rng.fillIntegers(new Float64Array(5), 0, 10);   // = rng.integers(0, 10, 5), next
 */
export class Generator {
  /** The PCG64 the draws come from (`rng.bit_generator` in NumPy). */
  readonly bitGenerator: PCG64;

  constructor(bitGenerator: PCG64) {
    if (!(bitGenerator instanceof PCG64)) throw new TypeError("Generator: bitGenerator must be a PCG64");
    this.bitGenerator = bitGenerator;
  }

  /**
   * The bit generator's state, as `rng.bit_generator.state` in NumPy (128-bit `state` and
   * `inc` as bigints, plus the buffered half-draw). Assign a saved state to replay draws.
   *
   * @example
   * const saved = rng.state;
   * const a = rng.fillRandom(new Float64Array(3));
   * rng.state = saved;
   * const b = rng.fillRandom(new Float64Array(3)); // same as a
   */
  get state(): PCG64State {
    return this.bitGenerator.state;
  }

  set state(s: PCG64State) {
    this.bitGenerator.state = s;
  }

  /**
   * Fills `out` with uniform doubles in [0, 1): `rng.random(out.length)`.
   * @returns out
   */
  fillRandom(out: Float64Array): Float64Array {
    checkOut(out, Float64Array, "fillRandom");
    return fill64(this.bitGenerator, out, pcgKernel.doubles, NativeFill.Double);
  }

  /**
   * Fills `out` with uniform floats in [0, 1): `rng.random(out.length, dtype=np.float32)`.
   * Uses 32-bit draws (two per 64-bit output, the second kept for the next call).
   * @returns out
   */
  fillRandomF32(out: Float32Array): Float32Array {
    checkOut(out, Float32Array, "fillRandomF32");
    return fill32(this.bitGenerator, out, pcgKernel.floats, NativeFill.Float);
  }

  /**
   * Fills `out` with standard normal draws (mean 0, sd 1): `rng.standard_normal(out.length)`,
   * NumPy's 256-layer ziggurat, tail and wedge draws included.
   * @returns out
   */
  fillStandardNormal(out: Float64Array): Float64Array {
    checkOut(out, Float64Array, "fillStandardNormal");
    return fill64(this.bitGenerator, out, pcgKernel.normals, NativeFill.Normal);
  }

  /**
   * Fills `out` with float32 standard normal draws:
   * `rng.standard_normal(out.length, dtype=np.float32)` (NumPy's float ziggurat on 32-bit draws).
   * @returns out
   */
  fillStandardNormalF32(out: Float32Array): Float32Array {
    checkOut(out, Float32Array, "fillStandardNormalF32");
    return fill32(this.bitGenerator, out, pcgKernel.normalsF32);
  }

  /**
   * Fills `out` with normal draws `loc + scale · z`: `rng.normal(loc, scale, out.length)`.
   * @param scale standard deviation; negative (or −0) throws like NumPy's "scale < 0"; NaN gives NaN
   * @returns out
   */
  fillNormal(out: Float64Array, loc = 0, scale = 1): Float64Array {
    checkOut(out, Float64Array, "fillNormal");
    checkNumber(loc, "loc", "fillNormal");
    checkNumber(scale, "scale", "fillNormal");
    if (scale < 0 || Object.is(scale, -0)) throw new RangeError(`normal: scale < 0 (got ${scale})`);
    if (this.bitGenerator.fillNativeScaled(NativeFill.Normal, out, 0, out.length, loc, scale)) return out;
    fill64(this.bitGenerator, out, pcgKernel.normals, NativeFill.Normal);
    for (let i = 0; i < out.length; i++) out[i] = loc + scale * out[i];
    return out;
  }

  /**
   * Fills `out` with uniform draws `low + (high − low) · u` in [low, high):
   * `rng.uniform(low, high, out.length)`.
   * @throws RangeError if high − low is negative or not finite, as NumPy does
   * @returns out
   */
  fillUniform(out: Float64Array, low = 0, high = 1): Float64Array {
    checkOut(out, Float64Array, "fillUniform");
    checkNumber(low, "low", "fillUniform");
    checkNumber(high, "high", "fillUniform");
    const range = high - low;
    if (!Number.isFinite(range)) throw new RangeError(`uniform: high - low range exceeds valid bounds (low=${low}, high=${high})`);
    if (range < 0 || Object.is(range, -0)) throw new RangeError(`uniform: high - low < 0 (low=${low}, high=${high})`);
    if (this.bitGenerator.fillNativeScaled(NativeFill.Double, out, 0, out.length, low, range)) return out;
    fill64(this.bitGenerator, out, pcgKernel.doubles, NativeFill.Double);
    for (let i = 0; i < out.length; i++) out[i] = low + range * out[i];
    return out;
  }

  /**
   * Fills `out` with random int64 values in [low, high) — [low, high] with `endpoint` —
   * or in [0, low) when `high` is omitted: `rng.integers(low, high, out.length)`, NumPy's
   * Lemire bounded generation (32-bit buffered draws for ranges below 2**32). Bounds may
   * be bigints for values past 2**53; results past 2**53 are rounded to the nearest
   * double. Float bounds are truncated, as NumPy's int() does.
   * @throws RangeError for an empty range ("low >= high") or bounds outside int64
   * @returns out
   */
  fillIntegers(out: Float64Array, low: number | bigint, high?: number | bigint | null, endpoint = false): Float64Array {
    checkOut(out, Float64Array, "fillIntegers");
    if (high === undefined || high === null) {
      high = low;
      low = 0;
    }
    if (out.length === 0) return out; // NumPy returns an empty array before checking bounds
    let lo = toInt(low, "low");
    let hi = toInt(high, "high");
    if (!endpoint) hi = typeof hi === "number" ? hi - 1 : hi - 1n;
    // rng = hi - lo exactly, as a number when it is safe
    let rng: number | bigint;
    if (typeof lo === "number" && typeof hi === "number" && Number.isSafeInteger(hi - lo)) {
      rng = hi - lo;
    } else {
      lo = BigInt(lo);
      hi = BigInt(hi);
      if (lo < -(2n ** 63n)) throw new RangeError("integers: low is out of bounds for int64");
      if (hi > 2n ** 63n - 1n) throw new RangeError("integers: high is out of bounds for int64");
      rng = hi - lo;
      if (rng <= BigInt(Number.MAX_SAFE_INTEGER) && rng >= 0n) rng = Number(rng);
    }
    if (rng < 0) {
      const zero = lo === 0 || lo === 0n;
      const message = zero ? (endpoint ? "high < 0" : "high <= 0") : endpoint ? "low > high" : "low >= high";
      throw new RangeError(`integers: ${message}`);
    }
    return this.fillWide(out, lo, rng, false);
  }

  /**
   * Fills `out` with `low + v`, each v uniform on the closed [0, rng], as NumPy's
   * `random_bounded_{uint64,uint32,uint16,uint8,bool}_fill` do for `dtype` (Lemire's method,
   * the Generator's): `rng.integers(low, low + rng, out.length, dtype, endpoint=True)`. The
   * 64-bit dtypes take a Float64Array (values past 2**53 rounded to the nearest double), the
   * others their own typed array (bool a Uint8Array). int8, int16 and int32 draw as their
   * unsigned twins, so their bytes are the same. The caller checks that low and low + rng
   * are in the dtype's range (lib/np/rng.ts, with NumPy's messages); 8-, 16- and 1-bit draws
   * share a next_uint32 within the call only, as NumPy's do.
   * @returns out
   */
  fillBounded(dtype: IntegerDType, out: Storage, low: number | bigint, rng: number | bigint): Storage {
    const { bits } = INTEGER_DTYPES[dtype];
    if (bits === 64) {
      checkOut(out, Float64Array, "fillBounded");
      return this.fillWide(out as Float64Array, low, rng, dtype === "uint64");
    }
    const [run, width] = NARROW_KERNELS[bits];
    if (out.BYTES_PER_ELEMENT !== width || out instanceof Float32Array) throw new TypeError(`fillBounded: out must be a ${dtype === "bool" ? "Uint8Array" : `${width * 8}-bit integer typed array`} for ${dtype}`);
    const lo = Number(low);
    const range = Number(rng);
    if (out.length === 0) return out;
    if (range === 0) {
      out.fill(lo);
      return out;
    }
    const bg = this.bitGenerator;
    if (bg.fillNativeNarrow(bits, out, lo, range + 1)) return out;
    writeI64(PARAMS, lo);
    writeI64(PARAMS + 8, range + 1);
    pcgKernel.u32[NARROW >> 2] = 0; // NumPy's bcnt: a fresh buffer per call
    const bytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    for (let offset = 0; offset < out.length; ) {
      const k = Math.min(out.length - offset, BLOCK);
      bg.enter();
      run(k);
      bg.leave();
      bytes.set(pcgKernel.u8.subarray(OUT, OUT + k * width), offset * width);
      offset += k;
    }
    return out;
  }

  /** `lo + v` for v on the closed [0, rng] (rng < 2**64) as int64, or uint64, doubles. */
  private fillWide(out: Float64Array, lo: number | bigint, rng: number | bigint, unsigned: boolean): Float64Array {
    if (out.length === 0) return out;
    if (rng === 0 || rng === 0n) {
      out.fill(Number(lo));
      return out;
    }
    const bg = this.bitGenerator;
    const small = rng < TWO32;
    const rngExcl = typeof rng === "number" ? rng + 1 : BigInt.asUintN(64, rng + 1n);
    // The addon reads the sums as int64, which uint64's are too while they stay below 2**63.
    const signed = !unsigned || BigInt(lo) + BigInt(rng) < 2n ** 63n;
    if (signed && bg.fillNative(small ? NativeFill.Ints32 : NativeFill.Ints64, out, 0, out.length, lo, rngExcl)) return out;
    writeI64(PARAMS, lo);
    writeI64(PARAMS + 8, rngExcl);
    const run = small ? (signed ? pcgKernel.ints32 : pcgKernel.ints32u) : signed ? pcgKernel.ints64 : pcgKernel.ints64u;
    return fill64(bg, out, run);
  }
}

/**
 * A Generator seeded like `numpy.random.default_rng(seed)`: PCG64 through SeedSequence.
 *
 * @param seed a non-negative integer (number or bigint, any size), an array of them, a
 *   SeedSequence, a PCG64 (wrapped) or a Generator (returned as is); omitted → fresh
 *   entropy from the OS
 * @throws SeedError for negative, fractional, NaN or non-numeric seeds, naming the seed
 *
 * @example
 * defaultRng(12345).fillRandom(new Float64Array(3)); // = np.random.default_rng(12345).random(3)
 */
export function defaultRng(seed?: Entropy | SeedSequence | PCG64 | Generator): Generator {
  if (seed instanceof Generator) return seed;
  if (seed instanceof PCG64) return new Generator(seed);
  return new Generator(new PCG64(seed));
}
