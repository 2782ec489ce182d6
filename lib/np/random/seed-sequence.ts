/**
 * NumPy's `SeedSequence` (numpy/random/bit_generator.pyx, after O'Neill's seed_seq
 * alternative): hashes user entropy into a 128-bit pool, hands out state words for bit
 * generators, and spawns independent children by extending a spawn key.
 */
import { webcrypto } from "node:crypto";

const INIT_A = 0x43b0d7e5;
const MULT_A = 0x931e8875;
const INIT_B = 0x8b51f9dd;
const MULT_B = 0x58f38ded;
const MIX_MULT_L = 0xca01f9dd;
const MIX_MULT_R = 0x4973f715;
const XSHIFT = 16;
const DEFAULT_POOL_SIZE = 4;

/** What a seed may be: a non-negative integer (any size) or a sequence of them. */
export type Entropy = number | bigint | readonly (number | bigint)[];

/** Raised for seeds NumPy rejects (negative, fractional). The name is what users see. */
export class SeedError extends Error {
  override name = "SeedError";
  constructor(message: string, readonly value: unknown) {
    super(message);
  }
}

function describe(v: unknown): string {
  if (typeof v === "bigint") return `${v}n`;
  if (typeof v === "string") return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(describe).join(", ")}]`;
  return String(v);
}

/** One integer of a seed, checked: `where` names it in the error ("seed", "seed[2]"). */
function toBigInt(v: unknown, where = "seed"): bigint {
  if (typeof v === "bigint") {
    if (v < 0n) throw new SeedError(`${where} must be a non-negative integer, got ${describe(v)}`, v);
    return v;
  }
  if (typeof v !== "number" || !Number.isInteger(v)) {
    throw new SeedError(
      `${where} must be a non-negative integer (number or bigint) or an array of them, got ${describe(v)}`,
      v,
    );
  }
  if (v < 0) throw new SeedError(`${where} must be a non-negative integer, got ${describe(v)}`, v);
  return BigInt(v);
}

function checkEntropy(entropy: unknown): bigint | bigint[] {
  if (typeof entropy === "number" || typeof entropy === "bigint") return toBigInt(entropy);
  if (Array.isArray(entropy) || ArrayBuffer.isView(entropy)) {
    return Array.from(entropy as ArrayLike<unknown>, (v, i) => toBigInt(v, `seed[${i}]`));
  }
  return toBigInt(entropy);
}

/** NumPy's `_coerce_to_uint32_array`: each integer becomes its 32-bit words, lowest first. */
export function coerceToUint32(x: Entropy): number[] {
  if (typeof x === "number" || typeof x === "bigint") {
    let n = toBigInt(x);
    if (n === 0n) return [0];
    const words: number[] = [];
    while (n > 0n) {
      words.push(Number(n & 0xffffffffn));
      n >>= 32n;
    }
    return words;
  }
  return Array.from(x).flatMap((v) => coerceToUint32(v));
}

/** hash_const is carried between calls, so it lives in a one-element box. */
function hashmix(value: number, hashConst: Uint32Array): number {
  value = (value ^ hashConst[0]) >>> 0;
  hashConst[0] = Math.imul(hashConst[0], MULT_A);
  value = Math.imul(value, hashConst[0]) >>> 0;
  return (value ^ (value >>> XSHIFT)) >>> 0;
}

function mix(x: number, y: number): number {
  const r = (Math.imul(MIX_MULT_L, x) - Math.imul(MIX_MULT_R, y)) >>> 0;
  return (r ^ (r >>> XSHIFT)) >>> 0;
}

function randomEntropy(bits: number): bigint {
  const words = webcrypto.getRandomValues(new Uint32Array(bits / 32));
  return words.reduce((acc, w, i) => acc | (BigInt(w) << BigInt(32 * i)), 0n);
}

/**
 * Mixes entropy reproducibly into a pool that seeds bit generators, exactly as NumPy does,
 * so `new SeedSequence(42)` seeds the same streams as `np.random.SeedSequence(42)`.
 *
 * @example
 * const ss = new SeedSequence(12345);
 * ss.generateState(4);            // the same four uint32 words NumPy gives
 * const [a, b] = ss.spawn(2);     // independent children, like ss.spawn(2) in NumPy
 */
export class SeedSequence {
  /** The entropy given, or the 128 random bits drawn from the OS when none was. */
  readonly entropy: bigint | readonly bigint[];
  readonly spawnKey: readonly number[];
  readonly poolSize: number;
  /** How many children `spawn` has handed out; the next child's key ends with this. */
  nChildrenSpawned: number;
  private readonly pool: Uint32Array;

  constructor(
    entropy?: Entropy,
    options: { spawnKey?: readonly number[]; poolSize?: number; nChildrenSpawned?: number } = {},
  ) {
    this.poolSize = options.poolSize ?? DEFAULT_POOL_SIZE;
    if (this.poolSize < DEFAULT_POOL_SIZE) {
      throw new SeedError(`The size of the entropy pool should be at least ${DEFAULT_POOL_SIZE}`, this.poolSize);
    }
    this.entropy = entropy === undefined ? randomEntropy(this.poolSize * 32) : checkEntropy(entropy);
    this.spawnKey = [...(options.spawnKey ?? [])];
    this.nChildrenSpawned = options.nChildrenSpawned ?? 0;
    this.pool = new Uint32Array(this.poolSize);
    this.mixEntropy(this.assembledEntropy());
  }

  private assembledEntropy(): number[] {
    let run = coerceToUint32(this.entropy);
    const spawn = coerceToUint32(this.spawnKey);
    // NumPy ≥ 1.19 pads short entropy with zeros when a spawn key follows (gh-16539).
    if (spawn.length > 0 && run.length < this.poolSize) {
      run = [...run, ...new Array<number>(this.poolSize - run.length).fill(0)];
    }
    return [...run, ...spawn];
  }

  private mixEntropy(entropy: number[]): void {
    const pool = this.pool;
    const hashConst = new Uint32Array([INIT_A]);
    for (let i = 0; i < pool.length; i++) {
      pool[i] = hashmix(i < entropy.length ? entropy[i] : 0, hashConst);
    }
    for (let src = 0; src < pool.length; src++) {
      for (let dst = 0; dst < pool.length; dst++) {
        if (src !== dst) pool[dst] = mix(pool[dst], hashmix(pool[src], hashConst));
      }
    }
    for (let src = pool.length; src < entropy.length; src++) {
      for (let dst = 0; dst < pool.length; dst++) {
        pool[dst] = mix(pool[dst], hashmix(entropy[src], hashConst));
      }
    }
  }

  /**
   * `nWords` state words as uint32 (or, with "uint64", pairs of them joined little-endian,
   * returned as bigints), the way NumPy's `generate_state` produces them.
   *
   * @example
   * new SeedSequence(0).generateState(2, "uint64"); // [bigint, bigint]
   */
  generateState(nWords: number, dtype?: "uint32"): Uint32Array;
  generateState(nWords: number, dtype: "uint64"): bigint[];
  generateState(nWords: number, dtype: "uint32" | "uint64" = "uint32"): Uint32Array | bigint[] {
    const n = dtype === "uint64" ? nWords * 2 : nWords;
    const state = new Uint32Array(n);
    let hashConst = INIT_B;
    for (let i = 0; i < n; i++) {
      let v = (this.pool[i % this.pool.length] ^ hashConst) >>> 0;
      hashConst = Math.imul(hashConst, MULT_B) >>> 0;
      v = Math.imul(v, hashConst) >>> 0;
      state[i] = (v ^ (v >>> XSHIFT)) >>> 0;
    }
    if (dtype === "uint32") return state;
    const out: bigint[] = [];
    for (let i = 0; i < nWords; i++) out.push(BigInt(state[2 * i]) | (BigInt(state[2 * i + 1]) << 32n));
    return out;
  }

  /**
   * `n` child sequences with spawn keys `[...spawnKey, i]`, continuing the count from
   * earlier calls: streams for parallel workers or for the chunks of a lazy array.
   *
   * @example
   * const children = new SeedSequence(7).spawn(3); // children[i].spawnKey = [i]
   */
  spawn(n: number): SeedSequence[] {
    const out: SeedSequence[] = [];
    for (let i = this.nChildrenSpawned; i < this.nChildrenSpawned + n; i++) {
      out.push(new SeedSequence(this.entropy as Entropy, { spawnKey: [...this.spawnKey, i], poolSize: this.poolSize }));
    }
    this.nChildrenSpawned += n;
    return out;
  }
}
