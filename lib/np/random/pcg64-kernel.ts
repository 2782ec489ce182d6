/**
 * The hot loops of NumPy's PCG64 and the distributions built on it, as hand-written
 * WebAssembly (see wasm.ts), shared by every PCG64 instance in the process.
 *
 * Each kernel produces exactly `n` outputs and consumes exactly the draws NumPy would for
 * them, in NumPy's order — rejection loops run inside the kernel — so a stream never
 * holds a draw NumPy would not have made. The rare steps that need `exp` or `log1p` call
 * back into JavaScript (glibc-identical `log1p`, see log1p.ts).
 *
 * Memory layout (little-endian, one instance, single-threaded):
 *   [0, 32)     the running generator's state: state.lo, state.hi, inc.lo, inc.hi
 *   [32, 40)    NumPy's next_uint32 buffer: has_uint32 (i32), uinteger (u32)
 *   [40, 56)    parameters: offset (i64), range (i64) for bounded integers
 *   [56, 64)    the narrow integers' buffer: bcnt (i32), buf (u32), NumPy's per-call
 *               buffer of 1-, 8- and 16-bit draws, kept here from one block to the next
 *   [64, …)     the output block: BLOCK 64-bit outputs (or BLOCK 32-bit ones)
 *   TABLES      ziggurat tables for the normal kernels, written on first use
 * A PCG64 copies its words in, runs a kernel, and copies them back, so instances stay
 * independent while sharing one module.
 */
import { exactExp } from "./exact-math";
import { log1p } from "./log1p";
import { log1pf } from "./log1pf";
import {
  block, br, brIf, encodeModule, F32, F64, FunctionDef, I32, I64, ifThen, Ins, loop, op,
} from "./wasm";
import {
  floatTables, packedNormalTables, ZIGGURAT_NOR_INV_R, ZIGGURAT_NOR_INV_R_F, ZIGGURAT_NOR_R, ZIGGURAT_NOR_R_F,
} from "./ziggurat";

/** NumPy's PCG_DEFAULT_MULTIPLIER_128, as its two 64-bit halves. */
export const MULT_HI = 2549297995355413924n;
export const MULT_LO = 4865540595714422341n;

/** Outputs per kernel call: large enough to amortise the call, small enough to stay in L1/L2. */
export const BLOCK = 8192;
/** Byte offsets of the buffered half-draw, the integer parameters and the output block. */
export const HAS32 = 32;
export const PARAMS = 40;
export const NARROW = 56;
export const OUT = 64;
/** Byte offsets of the ziggurat tables: double (ki i64, wi f64, fi f64), float (ki u32, wi, fi f32). */
const KI = OUT + BLOCK * 8;
const WI = KI + 256 * 8;
const FI = WI + 256 * 8;
const KIF = FI + 256 * 8;
const WIF = KIF + 256 * 4;
const FIF = WIF + 256 * 4;
const END = FIF + 256 * 4;
const PAGES = Math.ceil(END / 65536);

// Imported functions (numbered before the kernels).
const LOG1P = 0, LOG1PF = 1, WEDGE = 2;

// Locals: the parameter n, then these.
const N = 0;
const LOCALS: [string, number][] = [
  ["OUTP", I32], ["IDX", I32], ["HAS", I32],
  ["SL", I64], ["SH", I64], ["IL", I64], ["IH", I64], ["A0", I64], ["A1", I64], ["W", I64], ["T", I64],
  ["LO", I64], ["HI", I64], ["R", I64], ["RABS", I64], ["M", I64], ["U", I64], ["OFF", I64], ["RNG", I64],
  ["TH", I64], ["UINT", I64], ["B0", I64], ["B1", I64], ["P01", I64], ["P10", I64],
  ["X", F64], ["XX", F64], ["YY", F64], ["XF", F32], ["XXF", F32], ["YYF", F32],
  ["BCNT", I32], ["BUF", I64],
];
const L = Object.fromEntries(LOCALS.map(([name], i) => [name, i + 1])) as Record<string, number>;
const { OUTP, IDX, HAS, SL, SH, IL, IH, A0, A1, W, T, LO, HI, R, RABS, M, U, OFF, RNG, TH, UINT } = L;
const { B0, B1, P01, P10, X, XX, YY, XF, XXF, YYF, BCNT, BUF } = L;
const get = op.get, set = op.set;
const M32 = 0xffffffff;

/** NumPy's pcg64_random_r: leaves the next 64-bit output on the stack, updating (SL, SH). */
function step(): Ins[] {
  const b0 = MULT_LO & 0xffffffffn;
  const b1 = MULT_LO >> 32n;
  return [
    // 64×64→128 of sl × MULT_LO from 32-bit halves (wasm has no mulhi).
    get(SL), op.i64(M32), op.and, set(A0),
    get(SL), op.i64(32), op.shrU, set(A1),
    get(A0), op.i64(b0), op.mul, set(W),
    get(A1), op.i64(b0), op.mul, get(W), op.i64(32), op.shrU, op.add, set(T),
    get(T), op.i64(M32), op.and, get(A0), op.i64(b1), op.mul, op.add, set(W),
    // hi = mulhi + sh·MULT_LO + sl·MULT_HI (mod 2**64)
    get(A1), op.i64(b1), op.mul, get(T), op.i64(32), op.shrU, op.add,
    get(W), op.i64(32), op.shrU, op.add,
    get(SH), op.i64(MULT_LO), op.mul, op.add,
    get(SL), op.i64(MULT_HI), op.mul, op.add, set(HI),
    // + inc, with the carry out of the low half
    get(SL), op.i64(MULT_LO), op.mul, op.tee(LO), get(IL), op.add, set(SL),
    get(HI), get(IH), op.add, get(SL), get(LO), op.ltU, op.extendI32U, op.add, set(SH),
    // XSL-RR: rotr(hi ^ lo, hi >> 58)
    get(SH), get(SL), op.xor, get(SH), op.i64(58), op.shrU, op.rotr,
  ];
}

/** NumPy's next_double: (next64 >> 11) · 2**-53, on the stack. */
const nextDouble = (): Ins[] => [step(), op.i64(11), op.shrU, op.convertU, op.f64(2 ** -53), op.mulF64];

/** NumPy's next_uint32 into U: the saved high half if there is one, else a fresh draw's low half. */
const nextUint32 = (): Ins =>
  [get(HAS), ifThen("next32",
    [get(UINT), set(U), op.i32(0), set(HAS)],
    [step(), op.tee(R), op.i64(M32), op.and, set(U), get(R), op.i64(32), op.shrU, set(UINT), op.i32(1), set(HAS)])];

/** NumPy's next_float: (next_uint32 >> 8) · 2**-24 as f32, on the stack. */
const nextFloat = (): Ins[] => [nextUint32(), get(U), op.i64(8), op.shrU, op.f32FromI64U, op.f32(2 ** -24), op.mulF32];

/** High 64 bits of the unsigned 128-bit product a·b, on the stack. */
function mulhi(a: number, b: number): Ins[] {
  return [
    get(a), op.i64(M32), op.and, set(A0), get(a), op.i64(32), op.shrU, set(A1),
    get(b), op.i64(M32), op.and, set(B0), get(b), op.i64(32), op.shrU, set(B1),
    get(A0), get(B1), op.mul, set(P01), get(A1), get(B0), op.mul, set(P10),
    // mid = (a0·b0 >> 32) + lo32(p10) + lo32(p01) < 3·2**32
    get(A0), get(B0), op.mul, op.i64(32), op.shrU,
    get(P10), op.i64(M32), op.and, op.add, get(P01), op.i64(M32), op.and, op.add,
    op.i64(32), op.shrU,
    get(A1), get(B1), op.mul, op.add,
    get(P10), op.i64(32), op.shrU, op.add, get(P01), op.i64(32), op.shrU, op.add,
  ];
}

/**
 * A kernel: loads the state, runs `body` n times (each leaving its output written at
 * OUTP, `width` bytes), stores the state back. With `buffered`, also loads and stores
 * the next_uint32 buffer; `setup` runs before the loop and `teardown` after it.
 */
function kernel(name: string, width: number, body: Ins[], opts: { buffered?: boolean; setup?: Ins[]; teardown?: Ins[] } = {}): FunctionDef {
  const buffered = opts.buffered ?? false;
  return {
    name,
    params: [I32],
    results: [],
    locals: LOCALS.map(([, t]) => t),
    body: [
      op.i32(0), op.load64(0), set(SL), op.i32(0), op.load64(8), set(SH),
      op.i32(0), op.load64(16), set(IL), op.i32(0), op.load64(24), set(IH),
      buffered ? [op.i32(0), op.loadI32(HAS32), set(HAS), op.i32(0), op.load32U64(HAS32 + 4), set(UINT)] : [],
      opts.setup ?? [],
      op.i32(OUT), set(OUTP),
      block("done", get(N), op.eqzI32, brIf("done"),
        loop("each",
          body,
          get(OUTP), op.i32(width), op.addI32, set(OUTP),
          get(N), op.i32(1), op.subI32, op.tee(N), brIf("each"))),
      op.i32(0), get(SL), op.store64(0), op.i32(0), get(SH), op.store64(8),
      buffered ? [op.i32(0), get(HAS), op.storeI32(HAS32), op.i32(0), get(UINT), op.store32From64(HAS32 + 4)] : [],
      opts.teardown ?? [],
    ],
  };
}

/** NumPy's random_standard_normal: 256-layer ziggurat on one 64-bit draw, exponential tail. */
const normals = kernel("normals", 8, [
  block("emit",
    loop("retry",
      // r = e3n52sb8: 8 bits of layer, a sign bit, 52 bits of magnitude
      step(), op.tee(R), op.i64(0xff), op.and, op.wrap, op.i32(3), op.shlI32, set(IDX),
      get(R), op.i64(9), op.shrU, op.i64(0xfffffffffffff), op.and, set(RABS),
      get(RABS), op.convertU, get(IDX), op.loadF64(WI), op.mulF64,
      get(R), op.i64(55), op.shl, op.f64FromBits, op.copysignF64, set(X),
      get(RABS), get(IDX), op.load64(KI), op.ltU, brIf("emit"),
      get(IDX), op.eqzI32, ifThen("base", [
        loop("tail",
          op.f64(-ZIGGURAT_NOR_INV_R), nextDouble(), op.negF64, op.call(LOG1P), op.mulF64, set(XX),
          nextDouble(), op.negF64, op.call(LOG1P), op.negF64, set(YY),
          get(YY), get(YY), op.addF64, get(XX), get(XX), op.mulF64, op.gtF64, ifThen("accept", [
            op.f64(ZIGGURAT_NOR_R), get(XX), op.addF64, set(X),
            get(RABS), op.i64(8), op.shrU, op.i64(1), op.and, op.wrap, ifThen("neg", [get(X), op.negF64, set(X)]),
            br("emit"),
          ]),
          br("tail")),
      ]),
      // the wedge: (fi[idx-1] - fi[idx]) · u + fi[idx] < exp(-x²/2)
      get(IDX), op.loadF64(FI - 8), get(IDX), op.loadF64(FI), op.subF64, nextDouble(), op.mulF64,
      get(IDX), op.loadF64(FI), op.addF64, get(X), op.call(WEDGE), brIf("emit"),
      br("retry"))),
  get(OUTP), get(X), op.storeF64(0),
]);

/** NumPy's random_standard_normal_f: the float ziggurat on one next_uint32. */
const normalsF32 = kernel("normalsF32", 4, [
  block("emit",
    loop("retry",
      // r = n23sb8
      nextUint32(), get(U), op.i64(0xff), op.and, op.wrap, op.i32(2), op.shlI32, set(IDX),
      get(U), op.i64(9), op.shrU, op.i64(0x7fffff), op.and, set(RABS),
      get(RABS), op.f32FromI64U, get(IDX), op.loadF32(WIF), op.mulF32,
      get(U), op.i64(23), op.shl, op.wrap, op.f32FromBits, op.copysignF32, set(XF),
      get(RABS), get(IDX), op.load32U64(KIF), op.ltU, brIf("emit"),
      get(IDX), op.eqzI32, ifThen("base", [
        loop("tail",
          op.f32(-ZIGGURAT_NOR_INV_R_F), nextFloat(), op.negF32, op.call(LOG1PF), op.mulF32, set(XXF),
          nextFloat(), op.negF32, op.call(LOG1PF), op.negF32, set(YYF),
          get(YYF), get(YYF), op.addF32, get(XXF), get(XXF), op.mulF32, op.gtF32, ifThen("accept", [
            op.f32(ZIGGURAT_NOR_R_F), get(XXF), op.addF32, set(XF),
            get(RABS), op.i64(8), op.shrU, op.i64(1), op.and, op.wrap, ifThen("neg", [get(XF), op.negF32, set(XF)]),
            br("emit"),
          ]),
          br("tail")),
      ]),
      // the wedge, in float, against the double exp(-0.5 * x * x)
      get(IDX), op.loadF32(FIF - 4), get(IDX), op.loadF32(FIF), op.subF32, nextFloat(), op.mulF32,
      get(IDX), op.loadF32(FIF), op.addF32, op.f64FromF32, get(XF), op.f64FromF32, op.call(WEDGE), brIf("emit"),
      br("retry"))),
  get(OUTP), get(XF), op.storeF32(0),
], { buffered: true });

/**
 * NumPy's buffered_bounded_lemire_uint32 (and, for rng_excl = 2**32, buffered_uint32):
 * PARAMS holds the offset and rng_excl = range + 1 ∈ [2, 2**32]; outputs offset + value
 * as doubles (int64, or uint64 with `unsigned`, rounded to nearest, as Number() of it would be).
 */
const ints32 = (name: string, unsigned: boolean): FunctionDef => kernel(name, 8, [
  loop("retry",
    nextUint32(), get(U), get(RNG), op.mul, op.tee(M), op.i64(M32), op.and, get(TH), op.ltU, brIf("retry")),
  get(OUTP), get(OFF), get(M), op.i64(32), op.shrU, op.add, unsigned ? op.convertU : op.f64FromI64S, op.storeF64(0),
], {
  buffered: true,
  setup: [
    op.i32(0), op.load64(PARAMS), set(OFF), op.i32(0), op.load64(PARAMS + 8), set(RNG),
    // threshold = (UINT32_MAX - rng) % rng_excl = 2**32 mod rng_excl
    op.i64(2 ** 32), get(RNG), op.sub, get(RNG), op.remU, set(TH),
  ],
});

/**
 * NumPy's bounded_lemire_uint64 (and, for rng_excl = 0 meaning 2**64, plain next_uint64):
 * PARAMS holds the offset and rng_excl = range + 1 (mod 2**64); int64 or uint64 doubles.
 */
const ints64 = (name: string, unsigned: boolean): FunctionDef => kernel(name, 8, [
  get(RNG), op.eqz, ifThen("full",
    [step(), set(M)],
    [loop("retry", step(), op.tee(R), get(RNG), op.mul, get(TH), op.ltU, brIf("retry")), mulhi(R, RNG), set(M)]),
  get(OUTP), get(OFF), get(M), op.add, unsigned ? op.convertU : op.f64FromI64S, op.storeF64(0),
], {
  setup: [
    op.i32(0), op.load64(PARAMS), set(OFF), op.i32(0), op.load64(PARAMS + 8), set(RNG),
    // threshold = (UINT64_MAX - rng) % rng_excl = (2**64 - rng_excl) mod rng_excl
    get(RNG), op.eqz, ifThen("th", [op.i64(0), set(TH)], [op.i64(0), get(RNG), op.sub, get(RNG), op.remU, set(TH)]),
  ],
});

/**
 * NumPy's random_bounded_{uint32,uint16,uint8,bool}_fill by Lemire's method on `bits`-bit
 * draws, written `width` bytes each (the low bytes of offset + value, which are also the
 * signed dtypes' bytes). PARAMS holds the offset and rng_excl = range + 1 ∈ [2, 2**bits].
 * The 32-bit draws are next_uint32's; the narrower ones are cut from one next_uint32 lowest
 * bits first (buffered_uint16, buffered_uint8, and the bool's one bit at a time), NARROW
 * holding what is left of it between blocks. rng_excl = 2**bits (the dtype's full range,
 * which NumPy draws without Lemire) comes out the same: the threshold is 0 and the value
 * the draw itself. For bool, rng_excl = 2 gives the bit as it is, as buffered_bounded_bool.
 */
function narrow(bits: 1 | 8 | 16 | 32, width: 1 | 2 | 4): FunctionDef {
  const mask = 2 ** bits - 1;
  // buffered_uint{bits} into U: a fresh next_uint32 every 32/bits draws, shifted down in between
  const draw = bits === 32 ? [nextUint32()] : [
    get(BCNT), op.eqzI32, ifThen("refill",
      [nextUint32(), get(U), set(BUF), op.i32(32 / bits - 1), set(BCNT)],
      [get(BUF), op.i64(bits), op.shrU, set(BUF), get(BCNT), op.i32(1), op.subI32, set(BCNT)]),
    get(BUF), op.i64(mask), op.and, set(U),
  ];
  const store = width === 1 ? op.store8From64(0) : width === 2 ? op.store16From64(0) : op.store32From64(0);
  return kernel(`narrow${bits}`, width, [
    loop("retry", draw, get(U), get(RNG), op.mul, op.tee(M), op.i64(mask), op.and, get(TH), op.ltU, brIf("retry")),
    get(OUTP), get(OFF), get(M), op.i64(bits), op.shrU, op.add, store,
  ], {
    buffered: true,
    setup: [
      op.i32(0), op.load64(PARAMS), set(OFF), op.i32(0), op.load64(PARAMS + 8), set(RNG),
      // threshold = (UINT{bits}_MAX - rng) % rng_excl = (2**bits - rng_excl) mod rng_excl
      op.i64(2 ** bits), get(RNG), op.sub, get(RNG), op.remU, set(TH),
      op.i32(0), op.loadI32(NARROW), set(BCNT), op.i32(0), op.load32U64(NARROW + 4), set(BUF),
    ],
    teardown: [op.i32(0), get(BCNT), op.storeI32(NARROW), op.i32(0), get(BUF), op.store32From64(NARROW + 4)],
  });
}

const bytes = encodeModule(
  PAGES,
  [
    { name: "log1p", params: [F64], results: [F64] },
    { name: "log1pf", params: [F32], results: [F32] },
    { name: "wedge", params: [F64, F64], results: [I32] },
  ],
  [
    kernel("raw", 8, [get(OUTP), step(), op.store64(0)]),
    kernel("doubles", 8, [get(OUTP), nextDouble(), op.storeF64(0)]),
    kernel("floats", 4, [get(OUTP), nextFloat(), op.storeF32(0)], { buffered: true }),
    normals,
    normalsF32,
    ints32("ints32", false),
    ints64("ints64", false),
    ints32("ints32u", true),
    ints64("ints64u", true),
    narrow(1, 1),
    narrow(8, 1),
    narrow(16, 2),
    narrow(32, 4),
  ],
);

/**
 * The ziggurat's wedge test, `lhs < exp(-0.5 * x * x)` with glibc's exp. V8's Math.exp
 * is within an ulp of it, which only matters when the comparison is that close; then the
 * correctly rounded value decides (glibc's exp is correctly rounded there too, short of
 * a ~1e-16-likely near-tie).
 */
function wedge(lhs: number, x: number): number {
  const t = -0.5 * x * x;
  let e = Math.exp(t);
  if (Math.abs(lhs - e) <= 4.5e-16 * e) e = exactExp(t);
  return lhs < e ? 1 : 0;
}

/** The slice of the WebAssembly API used here (the project's TypeScript lib has no DOM types). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

type Run = (n: number) => void;
interface Exports {
  mem: { buffer: ArrayBuffer };
  raw: Run;
  doubles: Run;
  floats: Run;
  normals: Run;
  normalsF32: Run;
  ints32: Run;
  ints64: Run;
  ints32u: Run;
  ints64u: Run;
  narrow1: Run;
  narrow8: Run;
  narrow16: Run;
  narrow32: Run;
}

const exp = new wasm.Instance(new wasm.Module(bytes), { env: { log1p, log1pf, wedge } }).exports as Exports;
const buffer = exp.mem.buffer;
const u8 = new Uint8Array(buffer);
const u32 = new Uint32Array(buffer);
const f64 = new Float64Array(buffer);
const f32 = new Float32Array(buffer);

let tablesLoaded = false;

/** Writes the ziggurat tables into the kernel's memory (first normal draw only; ~20 ms). */
function loadTables(): void {
  if (tablesLoaded) return;
  // The same arrays the native kernel takes (built once per thread, ~20-40 ms)
  const p = packedNormalTables();
  const d = { ki: p.subarray(0, 256), wi: p.subarray(256, 512), fi: p.subarray(512) };
  const f = floatTables(d);
  for (let i = 0; i < 256; i++) {
    u32[(KI >> 2) + 2 * i] = d.ki[i] % 2 ** 32;
    u32[(KI >> 2) + 2 * i + 1] = Math.floor(d.ki[i] / 2 ** 32);
  }
  f64.set(d.wi, WI >> 3);
  f64.set(d.fi, FI >> 3);
  u32.set(f.ki, KIF >> 2);
  f32.set(f.wi, WIF >> 2);
  f32.set(f.fi, FIF >> 2);
  tablesLoaded = true;
}

/**
 * The shared kernel: views of its memory and the block functions. Each writes n (≤ BLOCK)
 * outputs at OUT from the state at 0 (and the next_uint32 buffer at HAS32 for the
 * 32-bit ones), leaving the advanced state in place.
 */
export const pcgKernel = {
  u8,
  u32,
  f64,
  f32,
  /** n raw 64-bit draws as (low word, high word) pairs. */
  raw: exp.raw,
  /** n doubles in [0, 1): NumPy's next_double. */
  doubles: exp.doubles,
  /** n floats in [0, 1) (f32): NumPy's next_float, from next_uint32. */
  floats: exp.floats,
  /** n standard normal doubles: NumPy's random_standard_normal. */
  normals: (n: number): void => {
    loadTables();
    exp.normals(n);
  },
  /** n standard normal floats (f32): NumPy's random_standard_normal_f. */
  normalsF32: (n: number): void => {
    loadTables();
    exp.normalsF32(n);
  },
  /** n bounded integers, range < 2**32, as doubles (see PARAMS). */
  ints32: exp.ints32,
  /** n bounded integers, range ≥ 2**32, as doubles (see PARAMS). */
  ints64: exp.ints64,
  /** ints32 and ints64 for uint64: the sums read unsigned. */
  ints32u: exp.ints32u,
  ints64u: exp.ints64u,
  /** n bounded bools, uint8s, uint16s and uint32s (1, 1, 2 and 4 bytes each; see NARROW). */
  narrow1: exp.narrow1,
  narrow8: exp.narrow8,
  narrow16: exp.narrow16,
  narrow32: exp.narrow32,
};
