/**
 * PCG64's hot loop (NumPy's `pcg64_random_r`: 128-bit LCG step, XSL-RR output) as a
 * hand-written WebAssembly function, shared by every PCG64 instance in the process.
 *
 * Memory layout (little-endian, one instance, single-threaded):
 *   [0, 32)      the running generator's state: state.lo, state.hi, inc.lo, inc.hi
 *   [64, 64+8B)  the output block: BLOCK 64-bit words (raw draws or doubles)
 * A PCG64 copies its four words in, runs a block, and copies them back, so instances stay
 * independent while sharing one module.
 */
import { encodeModule, FunctionDef, I32, I64, op } from "./wasm";

/** NumPy's PCG_DEFAULT_MULTIPLIER_128, as its two 64-bit halves. */
export const MULT_HI = 2549297995355413924n;
export const MULT_LO = 4865540595714422341n;

/** Draws per block: large enough to amortise the call, small enough to stay in L1/L2. */
export const BLOCK = 8192;
/** Byte offset of the output block. */
export const OUT = 64;

// Locals of each kernel function: params (state ptr, out ptr, n), then these.
const SL = 3, SH = 4, IL = 5, IH = 6, A0 = 7, A1 = 8, W = 9, T = 10, LO = 11, HI = 12;

/** Leaves the next output on the stack, updating (SL, SH) in place. */
function step(): number[][] {
  const b0 = MULT_LO & 0xffffffffn;
  const b1 = MULT_LO >> 32n;
  return [
    // 64×64→128 of sl × MULT_LO from 32-bit halves (wasm has no mulhi).
    op.get(SL), op.i64(0xffffffff), op.and, op.set(A0),
    op.get(SL), op.i64(32), op.shrU, op.set(A1),
    op.get(A0), op.i64(b0), op.mul, op.set(W),
    op.get(A1), op.i64(b0), op.mul, op.get(W), op.i64(32), op.shrU, op.add, op.set(T),
    op.get(T), op.i64(0xffffffff), op.and, op.get(A0), op.i64(b1), op.mul, op.add, op.set(W),
    // hi = mulhi + sh·MULT_LO + sl·MULT_HI (mod 2**64)
    op.get(A1), op.i64(b1), op.mul, op.get(T), op.i64(32), op.shrU, op.add,
    op.get(W), op.i64(32), op.shrU, op.add,
    op.get(SH), op.i64(MULT_LO), op.mul, op.add,
    op.get(SL), op.i64(MULT_HI), op.mul, op.add, op.set(HI),
    // + inc, with the carry out of the low half
    op.get(SL), op.i64(MULT_LO), op.mul, op.tee(LO), op.get(IL), op.add, op.set(SL),
    op.get(HI), op.get(IH), op.add, op.get(SL), op.get(LO), op.ltU, op.extendI32U, op.add, op.set(SH),
    // XSL-RR: rotr(hi ^ lo, hi >> 58)
    op.get(SH), op.get(SL), op.xor, op.get(SH), op.i64(58), op.shrU, op.rotr,
  ];
}

function kernel(name: string, emit: number[][]): FunctionDef {
  return {
    name,
    params: [I32, I32, I32],
    locals: [I64, I64, I64, I64, I64, I64, I64, I64, I64, I64],
    body: [
      op.get(0), op.load64(0), op.set(SL), op.get(0), op.load64(8), op.set(SH),
      op.get(0), op.load64(16), op.set(IL), op.get(0), op.load64(24), op.set(IH),
      op.block, op.get(2), op.eqzI32, op.brIf(0), op.loop,
      op.get(1), ...step(), ...emit,
      op.get(1), op.i32(8), op.addI32, op.set(1),
      op.get(2), op.i32(1), op.subI32, op.tee(2), op.brIf(0),
      op.end, op.end,
      op.get(0), op.get(SL), op.store64(0), op.get(0), op.get(SH), op.store64(8),
    ],
  };
}

const bytes = encodeModule(2, [
  kernel("raw", [op.store64(0)]),
  // NumPy's next_double: (next64 >> 11) * 2**-53
  kernel("doubles", [op.i64(11), op.shrU, op.convertU, op.f64(2 ** -53), op.mulF64, op.storeF64(0)]),
]);

/** The slice of the WebAssembly API used here (the project's TypeScript lib has no DOM types). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

interface Exports {
  mem: { buffer: ArrayBuffer };
  raw(state: number, out: number, n: number): void;
  doubles(state: number, out: number, n: number): void;
}

const kernelExports = new wasm.Instance(new wasm.Module(bytes), {}).exports as Exports;

/** The shared kernel: views of its memory and the two block functions. */
export const pcgKernel = {
  /** State words as uint32: [lo.lo, lo.hi, hi.lo, hi.hi, inc...], then the block. */
  u32: new Uint32Array(kernelExports.mem.buffer),
  f64: new Float64Array(kernelExports.mem.buffer),
  /** Writes n (≤ BLOCK) raw 64-bit draws at OUT as (low word, high word) pairs. */
  raw: (n: number): void => kernelExports.raw(0, OUT, n),
  /** Writes n (≤ BLOCK) doubles in [0, 1) at OUT. */
  doubles: (n: number): void => kernelExports.doubles(0, OUT, n),
};
