/**
 * One draw at a time from a bit generator, for the distributions (distributions.ts) whose
 * rejection loops take a varying number of draws per sample: NumPy's next_double,
 * next_uint32, random_standard_normal and random_standard_exponential on PCG64, and the
 * legacy equivalents (legacy_double, legacy_gauss, `-log(1 - U)`) on RandomState's MT19937.
 *
 * PCG64's steps run in the WebAssembly kernel, ~90 ns a call when asked for one draw. So
 * PcgDraws takes them a block at a time (growing from the caller's estimate up to 8192),
 * and `finish()` puts the state where NumPy's would be: back to the block's start, then
 * forward by the draws actually used. Every call that draws must end with `finish()`.
 */
import { log1p } from "./log1p";
import { exp, log } from "./libm";
import type { MT19937 } from "./mt19937";
import { BLOCK, pcgKernel } from "./pcg64-kernel";
import type { PCG64 } from "./pcg64";
import { expTables, ZIGGURAT_EXP_R } from "./ziggurat-exp";
import { packedNormalTables, ZIGGURAT_NOR_INV_R, ZIGGURAT_NOR_R } from "./ziggurat";

/** What every distribution draws from: uniform doubles in [0, 1). */
export interface Uniforms {
  nextDouble(): number;
}

/** What the gamma family draws from: the generator's own standard normal and exponential. */
export interface GammaDraws extends Uniforms {
  standardNormal(): number;
  standardExponential(): number;
}

const TWO21 = 2097152;
const TWO23 = 8388608;
const TWO_M53 = 2 ** -53;

/** NumPy's Generator draws on a PCG64. */
export class PcgDraws implements GammaDraws {
  /** The last raw 64-bit draw's halves (next64). */
  hi = 0;
  lo = 0;
  private buf = new Uint32Array(0);
  private pos = 0;
  private count = 0;
  private size = 1;
  /** The state words (state.lo … state.hi) at the current block's start. */
  private readonly start = new Uint32Array(4);
  private readonly ki: Float64Array;
  private readonly wi: Float64Array;
  private readonly fi: Float64Array;

  constructor(readonly bg: PCG64) {
    const t = packedNormalTables();
    this.ki = t.subarray(0, 256);
    this.wi = t.subarray(256, 512);
    this.fi = t.subarray(512, 768);
  }

  /**
   * Starts a call: `expected` is roughly how many 64-bit draws it will take (the first
   * block's size; blocks double from there).
   */
  begin(expected: number): this {
    this.size = Math.max(1, Math.min(BLOCK, Math.ceil(expected) || 1));
    this.pos = this.count = 0;
    return this;
  }

  private refill(): void {
    const words = this.bg.rawWords;
    this.start.set(words.subarray(0, 4));
    const k = this.size;
    const i = this.bg.drawBlock(k);
    if (this.buf.length < 2 * k) this.buf = new Uint32Array(2 * k);
    this.buf.set(pcgKernel.u32.subarray(i, i + 2 * k));
    this.count = k;
    this.pos = 0;
    this.size = Math.min(BLOCK, 2 * k);
  }

  /** Puts the generator's state after the last draw used (undoes the block's unused draws). */
  finish(): void {
    if (this.pos === this.count) return;
    this.bg.rawWords.set(this.start);
    if (this.pos > 0) this.bg.drawBlock(this.pos);
    this.count = this.pos;
  }

  /** next_uint64 into (hi, lo). */
  next64(): void {
    if (this.pos === this.count) this.refill();
    this.lo = this.buf[2 * this.pos];
    this.hi = this.buf[2 * this.pos + 1];
    this.pos++;
  }

  /** next_double: the top 53 bits · 2**-53. */
  nextDouble(): number {
    this.next64();
    return (this.hi * TWO21 + (this.lo >>> 11)) * TWO_M53;
  }

  /** next_uint32: the saved high half if there is one, else a fresh draw's low half. */
  nextUint32(): number {
    const bg = this.bg;
    if (bg.hasUint32) {
      bg.hasUint32 = false;
      return bg.uinteger;
    }
    this.next64();
    bg.hasUint32 = true;
    bg.uinteger = this.hi;
    return this.lo;
  }

  /** random_standard_normal: the 256-layer ziggurat on 8 bits of layer, a sign and 52 bits. */
  standardNormal(): number {
    const { ki, wi, fi } = this;
    for (;;) {
      this.next64();
      const idx = this.lo & 0xff;
      const rabs = (this.hi & 0x1fffffff) * TWO23 + (this.lo >>> 9);
      let x = rabs * wi[idx];
      if ((this.lo >>> 8) & 1) x = -x;
      if (rabs < ki[idx]) return x;
      if (idx === 0) {
        const negative = (this.lo >>> 17) & 1; // (rabs >> 8) & 1
        for (;;) {
          // 1 - U, as NumPy (GH 13361), to avoid log(0)
          const xx = -ZIGGURAT_NOR_INV_R * log1p(-this.nextDouble());
          const yy = -log1p(-this.nextDouble());
          if (yy + yy > xx * xx) return negative ? -(ZIGGURAT_NOR_R + xx) : ZIGGURAT_NOR_R + xx;
        }
      }
      if ((fi[idx - 1] - fi[idx]) * this.nextDouble() + fi[idx] < exp(-0.5 * x * x)) return x;
    }
  }

  /** random_standard_exponential: the 256-layer ziggurat on 8 bits of layer and 53 bits. */
  standardExponential(): number {
    const { ke, we, fe } = expTables();
    for (;;) {
      this.next64();
      const idx = (this.lo >>> 3) & 0xff;
      const ri = this.hi * TWO21 + (this.lo >>> 11);
      const x = ri * we[idx];
      if (ri < ke[idx]) return x;
      if (idx === 0) return ZIGGURAT_EXP_R - log1p(-this.nextDouble());
      if ((fe[idx - 1] - fe[idx]) * this.nextDouble() + fe[idx] < exp(-x)) return x;
    }
  }

  /**
   * random_interval(max): uniform in [0, max] by masked rejection on next_uint32 (max below
   * 2**32, as every array length is), as Generator.shuffle draws.
   */
  interval(max: number): number {
    if (max === 0) return 0;
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    let v: number;
    do v = (this.nextUint32() & mask) >>> 0;
    while (v > max);
    return v;
  }

  /**
   * random_bounded_uint64(0, rng) without masking: Lemire's method on next_uint32 for rng
   * below 2**32 (next_uint32 itself at 2**32 - 1), on next_uint64 above.
   */
  bounded(rng: number): number {
    if (rng === 0) return 0;
    if (rng === 0xffffffff) return this.nextUint32();
    if (rng < 0xffffffff) {
      const excl = rng + 1;
      let [hi, lo] = mul32(this.nextUint32(), excl);
      if (lo < excl) {
        const threshold = (0xffffffff - rng) % excl;
        while (lo < threshold) [hi, lo] = mul32(this.nextUint32(), excl);
      }
      return hi;
    }
    const excl = BigInt(rng) + 1n;
    const draw = (): bigint => {
      this.next64();
      return ((BigInt(this.hi) << 32n) | BigInt(this.lo)) * excl;
    };
    let m = draw();
    if (BigInt.asUintN(64, m) < excl) {
      const threshold = (2n ** 64n - 1n - BigInt(rng)) % excl;
      while (BigInt.asUintN(64, m) < threshold) m = draw();
    }
    return Number(m >> 64n);
  }
}

/** a · b for uint32s as its [high, low] 32-bit halves, exactly. */
function mul32(a: number, b: number): [number, number] {
  const p0 = a * (b & 0xffff); // < 2**48
  const p1 = a * (b >>> 16); // < 2**48, weighs 2**16
  const low = (p0 % 4294967296) + (p1 % 65536) * 65536; // < 2**33
  const lo = low % 4294967296;
  const hi = Math.floor(p0 / 4294967296) + Math.floor(p1 / 65536) + Math.floor(low / 4294967296);
  return [hi, lo];
}

/** RandomState's draws on MT19937: legacy_double, legacy_gauss and `-log(1 - U)`. */
export class LegacyDraws implements GammaDraws {
  constructor(readonly mt: MT19937) {}

  nextDouble(): number {
    return this.mt.nextDouble();
  }

  /** legacy_gauss: the polar method, its second normal cached in the generator. */
  standardNormal(): number {
    return this.mt.gauss();
  }

  /** legacy_standard_exponential: `-log(1 - U)`, U in [0, 1). */
  standardExponential(): number {
    return -log(1.0 - this.mt.nextDouble());
  }
}
