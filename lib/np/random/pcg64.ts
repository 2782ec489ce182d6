/**
 * NumPy's default bit generator, PCG64 (XSL-RR 128/64), stream-compatible with
 * `np.random.PCG64`: same seeding from a SeedSequence, same 64-bit outputs, same
 * `next32` buffering, `advance` and `jumped`.
 *
 * Seeding, `advance` and state access use BigInt (rare, exact); draws run in the
 * WebAssembly kernel (pcg64-kernel.ts) a block at a time, or for `random` (float64 and
 * float32), `standard_normal` (float64) and `integers` fills of at least NATIVE_FILL_MIN
 * draws in the native addon (native/np_random.c: the same bits, 1.5-3× faster) when it is
 * loaded.
 */
import type { Storage } from "../dtype";
import { native } from "../native";
import { BLOCK, HAS32, MULT_HI, MULT_LO, OUT, pcgKernel } from "./pcg64-kernel";
import { Entropy, SeedSequence } from "./seed-sequence";
import { packedNormalTables } from "./ziggurat";

const MASK128 = (1n << 128n) - 1n;
const MULT = (MULT_HI << 64n) | MULT_LO;
/** jumped(): (phi - 1) · 2**128, NumPy's jump step. */
const JUMP = 0x9e3779b97f4a7c15f39cc0605cedc835n;

/** `pcg_advance_lcg_128`: the LCG applied `delta` times, in O(log delta) (Brown, 1994). */
function advanceLcg(state: bigint, delta: bigint, mult: bigint, plus: bigint): bigint {
  let accMult = 1n;
  let accPlus = 0n;
  while (delta > 0n) {
    if (delta & 1n) {
      accMult = (accMult * mult) & MASK128;
      accPlus = (accPlus * mult + plus) & MASK128;
    }
    plus = ((mult + 1n) * plus) & MASK128;
    mult = (mult * mult) & MASK128;
    delta >>= 1n;
  }
  return (accMult * state + accPlus) & MASK128;
}

/**
 * What `PCG64.fillNative` draws: NumPy's next_double, random_standard_normal, next_float
 * (into a Float32Array), or random_bounded_uint64_fill's integers below 2**32 (Lemire on
 * next_uint32) and from 2**32 up (Lemire on next_uint64).
 */
export const NativeFill = { Double: 0, Normal: 1, Float: 2, Ints32: 3, Ints64: 4 } as const;
export type NativeFill = (typeof NativeFill)[keyof typeof NativeFill];

/**
 * Fills of fewer draws stay in the WebAssembly kernel: a call costs ~1 µs either way at
 * 1-8 draws, and the addon's is faster from ~32 draws up (measured on a loaded machine, so
 * only roughly). Both give the same bits.
 */
export const NATIVE_FILL_MIN = 16;

/** The addon's fill, if the addon is loaded and has it (an addon built before it does not). */
const pcgFill = native && typeof native.pcgFill === "function" ? native.pcgFill : null;
const pcgFillAffine = native?.pcgFillAffine === true;

/**
 * The addon's `pcgFillNarrow(bits, words, out, offset, n, params)` (native/np_random.c), if
 * it has it: random_bounded_{bool,uint8,uint16,uint32}_fill into an integer typed array.
 * Looked up here rather than declared with the addon's other entry points (../native.ts).
 */
type NarrowFill = (bits: number, words: Uint32Array, out: Storage, offset: number, n: number, params: Uint32Array) => void;
const pcgFillNarrow = ((): NarrowFill | null => {
  const f = native === null ? undefined : (native as unknown as Record<string, unknown>).pcgFillNarrow;
  return typeof f === "function" ? (f as NarrowFill) : null;
})();

/**
 * The 32-bit and integer kinds' parameters for the addon: has_uint32, uinteger, then the
 * integers' offset and range + 1 as uint64 halves. One per thread; filled per call.
 */
const fillParams = new Uint32Array(6);

/**
 * Writes a 64-bit two's-complement value (|v| < 2**53 number, or bigint) as two
 * little-endian uint32 words at `i`.
 */
export function writeU64Words(words: Uint32Array, i: number, v: number | bigint): void {
  if (typeof v === "number") {
    const hi = Math.floor(v / 2 ** 32);
    words[i] = v - hi * 2 ** 32;
    words[i + 1] = hi >>> 0; // the low 32 bits of hi in two's complement (|hi| < 2**21)
  } else {
    const w = BigInt.asUintN(64, v);
    words[i] = Number(w & 0xffffffffn);
    words[i + 1] = Number(w >> 32n);
  }
}

/** The state as NumPy's `bit_generator.state` reports it (keys spelled the TypeScript way). */
export interface PCG64State {
  bitGenerator: "PCG64";
  state: { state: bigint; inc: bigint };
  hasUint32: 0 | 1;
  uinteger: number;
}

/**
 * A PCG64 bit generator. Usually made for you by `defaultRng(seed)`; use it directly to
 * jump or advance streams, e.g. one per chunk of a lazy array.
 *
 * @example
 * const bg = new PCG64(42);
 * bg.nextUint64();            // 64-bit output, as bigint
 * const far = bg.jumped();    // a stream 2**127-ish draws ahead
 */
export class PCG64 {
  readonly seedSeq: SeedSequence;
  /** state.lo, state.hi, inc.lo, inc.hi as little-endian uint32 words (the kernel layout). */
  private readonly words = new Uint32Array(8);
  /** NumPy's next32 returns the low half of a draw and keeps the high half for next time. */
  hasUint32 = false;
  uinteger = 0;

  constructor(seed?: Entropy | SeedSequence) {
    this.seedSeq = seed instanceof SeedSequence ? seed : new SeedSequence(seed);
    const v = this.seedSeq.generateState(4, "uint64");
    // pcg64_set_seed: seed = v[0]·2**64 + v[1], inc = v[2]·2**64 + v[3]
    const initState = (v[0] << 64n) | v[1];
    const initSeq = (v[2] << 64n) | v[3];
    const inc = ((initSeq << 1n) | 1n) & MASK128;
    let s = (0n * MULT + inc) & MASK128;
    s = (s + initState) & MASK128;
    s = (s * MULT + inc) & MASK128;
    this.setWords(s, inc);
  }

  private setWords(state: bigint, inc: bigint): void {
    for (let i = 0; i < 4; i++) {
      this.words[i] = Number((state >> BigInt(32 * i)) & 0xffffffffn);
      this.words[4 + i] = Number((inc >> BigInt(32 * i)) & 0xffffffffn);
    }
  }

  private getWords(): { state: bigint; inc: bigint } {
    let state = 0n;
    let inc = 0n;
    for (let i = 3; i >= 0; i--) {
      state = (state << 32n) | BigInt(this.words[i]);
      inc = (inc << 32n) | BigInt(this.words[4 + i]);
    }
    return { state, inc };
  }

  /** The full state, as NumPy's `bit_generator.state`. Assigning restores it. */
  get state(): PCG64State {
    return { bitGenerator: "PCG64", state: this.getWords(), hasUint32: this.hasUint32 ? 1 : 0, uinteger: this.uinteger };
  }

  set state(s: PCG64State) {
    this.setWords(s.state.state & MASK128, s.state.inc & MASK128);
    this.hasUint32 = s.hasUint32 === 1;
    this.uinteger = s.uinteger >>> 0;
  }

  /**
   * The live state words (state.lo, state.hi, inc.lo, inc.hi as uint32 pairs): the
   * distributions' draw stream (draws.ts) saves and restores the state through them.
   * @internal
   */
  get rawWords(): Uint32Array {
    return this.words;
  }

  /**
   * Copies this generator's state and next_uint32 buffer into the shared kernel, before
   * running one of its functions. Internal: used by Generator.
   * @internal
   */
  enter(): void {
    const u32 = pcgKernel.u32;
    u32.set(this.words, 0);
    u32[HAS32 >> 2] = this.hasUint32 ? 1 : 0;
    u32[(HAS32 >> 2) + 1] = this.uinteger;
  }

  /**
   * Copies the advanced state and buffer back from the kernel, after running a function.
   * @internal
   */
  leave(): void {
    const u32 = pcgKernel.u32;
    this.words.set(u32.subarray(0, 4));
    this.hasUint32 = u32[HAS32 >> 2] !== 0;
    this.uinteger = u32[(HAS32 >> 2) + 1];
  }

  /**
   * Runs `n` (≤ BLOCK) raw draws in the kernel and returns the index in `pcgKernel.u32`
   * of the first: draw j is (u32[i + 2j] low word, u32[i + 2j + 1] high word). The block is
   * valid until the next draw from any PCG64.
   */
  drawBlock(n: number): number {
    this.enter();
    pcgKernel.raw(n);
    this.leave();
    return OUT >> 2;
  }

  /**
   * Draws `n` values of `kind` into `out[offset .. offset + n)` in the native addon, the
   * state (and next_uint32's buffer) advanced here as the WebAssembly kernel would; false
   * (nothing drawn) when the addon is not loaded or `n` is below NATIVE_FILL_MIN. `out` is
   * a Float32Array for NativeFill.Float, else a Float64Array. For the integer kinds, `low`
   * is the offset added to each draw and `rngExcl` the range + 1 (as the WebAssembly
   * kernel's PARAMS: [2, 2**32] for Ints32; mod 2**64 for Ints64). Internal: used by Generator.
   * @internal
   */
  fillNative(kind: NativeFill, out: Float64Array | Float32Array, offset: number, n: number, low: number | bigint = 0, rngExcl: number | bigint = 0): boolean {
    if (!pcgFill || n < NATIVE_FILL_MIN) return false;
    if (kind === NativeFill.Double || kind === NativeFill.Normal) {
      pcgFill(kind, this.words, out, offset, n, kind === NativeFill.Normal ? packedNormalTables() : undefined);
      return true;
    }
    fillParams[0] = this.hasUint32 ? 1 : 0;
    fillParams[1] = this.uinteger;
    writeU64Words(fillParams, 2, low);
    writeU64Words(fillParams, 4, rngExcl);
    pcgFill(kind, this.words, out, offset, n, fillParams);
    this.hasUint32 = fillParams[0] !== 0;
    this.uinteger = fillParams[1];
    return true;
  }

  /**
   * Like fillNative for the narrow integers: all of `out` (an integer typed array of the
   * draws' width, a Uint8Array for bool) gets the low bytes of `low + v`, v by Lemire's method
   * on `bits`-bit draws with rngExcl = range + 1 ∈ [2, 2**bits]; false (nothing drawn) when
   * the addon is not loaded or has not the fill, or out is shorter than NATIVE_FILL_MIN.
   * @internal
   */
  fillNativeNarrow(bits: 1 | 8 | 16 | 32, out: Storage, low: number, rngExcl: number): boolean {
    if (!pcgFillNarrow || out.length < NATIVE_FILL_MIN) return false;
    fillParams[0] = this.hasUint32 ? 1 : 0;
    fillParams[1] = this.uinteger;
    writeU64Words(fillParams, 2, low);
    writeU64Words(fillParams, 4, rngExcl);
    pcgFillNarrow(bits, this.words, out, 0, out.length, fillParams);
    this.hasUint32 = fillParams[0] !== 0;
    this.uinteger = fillParams[1];
    return true;
  }

  /**
   * Like fillNative for next_double or standard normal draws, each written as
   * `low + scale * draw` (NumPy's uniform and normal, the product rounded before the sum);
   * false when the addon cannot (absent, too few draws, or built before it could).
   */
  fillNativeScaled(kind: typeof NativeFill.Double | typeof NativeFill.Normal, out: Float64Array, offset: number, n: number, low: number, scale: number): boolean {
    if (!pcgFill || !pcgFillAffine || n < NATIVE_FILL_MIN) return false;
    pcgFill(kind, this.words, out, offset, n, kind === NativeFill.Normal ? packedNormalTables() : undefined, low, scale);
    return true;
  }

  /** Fills `out[offset .. offset + n)` with uniform doubles in [0, 1), NumPy's next_double. */
  fillDoubles(out: Float64Array, offset = 0, n = out.length - offset): void {
    if (this.fillNative(NativeFill.Double, out, offset, n)) return;
    const f64 = pcgKernel.f64;
    const base = OUT >> 3;
    while (n > 0) {
      const k = Math.min(n, BLOCK);
      this.enter();
      pcgKernel.doubles(k);
      this.leave();
      out.set(f64.subarray(base, base + k), offset);
      offset += k;
      n -= k;
    }
  }

  /** Fills `out` with raw draws as (low word, high word) pairs: `out.length / 2` draws. */
  fillUint64(out: Uint32Array): void {
    const u32 = pcgKernel.u32;
    for (let offset = 0; offset < out.length; ) {
      const k = Math.min((out.length - offset) >> 1, BLOCK);
      const i = this.drawBlock(k);
      out.set(u32.subarray(i, i + 2 * k), offset);
      offset += 2 * k;
    }
  }

  /** One 64-bit output, exact, as a bigint (NumPy's `random_raw()`). */
  nextUint64(): bigint {
    const i = this.drawBlock(1);
    return (BigInt(pcgKernel.u32[i + 1]) << 32n) | BigInt(pcgKernel.u32[i]);
  }

  /** NumPy's next_uint32: the low half of a fresh draw, then the saved high half. */
  nextUint32(): number {
    if (this.hasUint32) {
      this.hasUint32 = false;
      return this.uinteger;
    }
    const i = this.drawBlock(1);
    this.hasUint32 = true;
    this.uinteger = pcgKernel.u32[i + 1];
    return pcgKernel.u32[i];
  }

  /** One double in [0, 1): (next64 >> 11) · 2**-53. */
  nextDouble(): number {
    const i = this.drawBlock(1);
    const u32 = pcgKernel.u32;
    return (u32[i + 1] * 2097152 + (u32[i] >>> 11)) * 1.1102230246251565e-16;
  }

  /**
   * Moves the stream on as if `delta` draws had been made (negative moves back; taken
   * mod 2**128 like NumPy). Clears the buffered half-draw, as NumPy does.
   *
   * @example
   * const a = new PCG64(1), b = new PCG64(1);
   * a.advance(1000); // b after 1000 nextUint64() calls is now equal to a
   */
  advance(delta: bigint | number): this {
    const d = BigInt(delta) & MASK128;
    const { state, inc } = this.getWords();
    this.setWords(advanceLcg(state, d, MULT, inc), inc);
    this.hasUint32 = false;
    this.uinteger = 0;
    return this;
  }

  /**
   * A new PCG64 whose state is this one's advanced by `jumps` × (φ−1)·2**128 draws;
   * this one is unchanged. Same as NumPy's `PCG64.jumped(jumps)`.
   */
  jumped(jumps = 1): PCG64 {
    const next = new PCG64(); // NumPy seeds the copy from fresh entropy too; its state is then replaced
    next.state = this.state;
    return next.advance(JUMP * BigInt(jumps));
  }
}
