/**
 * The optional native loops (native/np_*.c, an N-API addon built by `npm run build`) for
 * float64 elementwise arithmetic, the C library's exp/log/sin/cos, comparisons, sums (float32's
 * too), min/max and argmin/argmax, PCG64's float64 `random` and `standard_normal` fills, huge pages for
 * large arrays (native/np_memory.c), and the JavaScript fallback when the addon is missing (no
 * compiler when it was built, another platform) or switched off with `LAZYLAB_NATIVE=0`.
 *
 * Why: V8 does not vectorise typed-array loops and WebAssembly cannot reach a JavaScript
 * ArrayBuffer without a copy into its own memory. On 4000×4000 float64 the best JavaScript
 * loops took ~2× NumPy's time for `x*x` into `out` and ~1.2-1.3× for row sums, `x > 0` and
 * `x.max()` 4-10×; the C loops read the arrays in place and run at NumPy's speed or better
 * (bench/HISTORY.md). Results are the same bit for bit either way for arithmetic, sums and
 * min/max: the C code uses only IEEE-exact operations and NumPy's pairwise summation. exp,
 * log, sin and cos are the C library's in the addon, as in NumPy on CPUs without AVX-512
 * (NumPy's own bits). On AVX-512 CPUs NumPy runs SIMD functions of its own (SVML's), whose bits
 * no library call reproduces; there float64 exp runs the addon's vector loop instead
 * (native/np_vmath.c, within 1 ulp of the C library's, as fast as NumPy's). The JavaScript
 * fallback's Math functions differ from the C library's in the last bit of some results.
 */
import { loadAddon } from "../addon";

/** The addon's entry points (native/np_elementwise.c, native/np_reduce.c). */
interface NativeLoops {
  /** out[oo+i] = a[ao+i*as] op b[bo+i*bs] as 0/1 for i < n (op: COMPARE_CODES); as and bs are 0 or 1. */
  compare(op: number, a: Float64Array, ao: number, as: number, b: Float64Array, bo: number, bs: number, o: Uint8Array, oo: number, n: number): void;
  /** out[oo+k] = the min (isMax false) or max of line k; NaN wins, of equal values the first is kept. */
  minMaxLines(isMax: boolean, a: Float64Array, off: number, lines: number, n: number, stride: number, out: Float64Array, oo: number): void;
  /** out[oo+k] = the index of the first min/max of line k (the first NaN if any). */
  argLines(isMax: boolean, a: Float64Array, off: number, lines: number, n: number, stride: number, out: Float64Array, oo: number): void;
  /** out[oo+j] = the better of out[oo+j] and a[off + r*stride + j] for rows r in order (min/max's rule per element). */
  minMaxRows(isMax: boolean, a: Float64Array, off: number, rows: number, n: number, stride: number, out: Float64Array, oo: number): void;
  /** out[oo+k] = the sum of the bytes of line k (bool and uint8 arrays). */
  sumBytesLines(a: Uint8Array, off: number, lines: number, n: number, stride: number, out: Float64Array, oo: number): void;
  /** o[oo+i] = a[ao+i] converted between float64 and float32 (to nearest), i < n. */
  castFloat(a: Float64Array | Float32Array, ao: number, o: Float32Array | Float64Array, oo: number, n: number): void;
  /** o[oo + i*os1 + j*os0] = a[ao + i*as1 + j*as0] for i < n1, j < n0, in tiles (a strided 2-D copy; a transpose in register blocks). */
  copy2d<T extends Float64Array | Float32Array>(a: T, ao: number, n1: number, n0: number, as1: number, as0: number, o: T, oo: number, os1: number, os0: number): void;
  /** out[oo+j] += a[off + r*stride + j] for rows r < rows in order, j < n. */
  addRows(a: Float64Array, off: number, rows: number, n: number, stride: number, out: Float64Array, oo: number): void;
  /** out[oo+i] = op(a[ao+i*as], b[bo+i*bs]) for i < n; as and bs are 0 or 1. */
  elementwise(op: number, a: Float64Array, ao: number, as: number, b: Float64Array, bo: number, bs: number, o: Float64Array, oo: number, n: number): void;
  /** out[oo+k] = NumPy's sum of a[off+k*stride ... +n] for k < lines. */
  sumLines(a: Float64Array, off: number, lines: number, n: number, stride: number, out: Float64Array, oo: number): void;
  /** out[oo+k] = NumPy's float32 sum of a[off+k*stride ... +n] for k < lines (float32 accumulators). */
  sumLinesF32(a: Float32Array, off: number, lines: number, n: number, stride: number, out: Float64Array, oo: number): void;
  /** out[oo+k] = NumPy's sum of (a[off+k*stride+i] - means[mo+k])**2 over i < n, for k < lines (var's second pass, one read of a). */
  deviationSumLines(a: Float64Array, off: number, lines: number, n: number, stride: number, means: Float64Array, mo: number, out: Float64Array, oo: number): void;
  /**
   * lib/da's band fold (fuse.ts, foldBandKernel) with a compiled expression (lib/da/machine.ts)
   * in place of the generated one: the parts' line j (leaf i from P[g*k+i] + j*t_i, element
   * stride s_i, `strides` = [s0, t0, s1, t1, ...]) folded with `fold` (0 sum, 1 min, 2 max)
   * into O at R[g] + j*ot, element i at + i*os (native/np_machine.c).
   */
  machineFold(program: Int32Array, consts: Float64Array, fold: number, leaves: unknown[], strides: number[], P: number[], N: number[], R: number[], m: number, O: Float64Array, os: number, ot: number): void;
  /**
   * How many times machineFold has summed eight lines of a part at once into one row of
   * outputs (a sum over an outer axis of a chain read straight from float64 leaves:
   * native/np_machine.c, fold_rows), by every thread. For tests.
   */
  machineRowFolds(): number;
  /**
   * var/std's partial of one block with a compiled expression (lib/da/fold-block.ts,
   * momentsBlock): mean = sum / count and m2 = sum of squared deviations, each sum in NumPy's
   * order over the block's C-contiguous chunk. Leaf i's element j at offsets[i] + Σ j_d ·
   * strides[i·r + d]; ostrides: the partials' strides (0 along reduced dimensions).
   */
  machineMoments(program: Int32Array, consts: Float64Array, leaves: unknown[], offsets: number[], strides: number[], shape: number[], ostrides: number[], count: number, mean: Float64Array, m2: Float64Array): void;
  /**
   * lib/da's map slab kernel (fuse.ts, mapSlabKernel) with a compiled expression in place of the
   * generated one: O[oo + j·ot + i·os] = the value at element i of line j (i < n, j < m), leaf i
   * read from starts[3i] + j·starts[3i+2] + i·starts[3i+1]; O any non-BigInt typed array.
   */
  machineMap(program: Int32Array, consts: Float64Array, leaves: unknown[], starts: number[], O: unknown, oo: number, os: number, ot: number, n: number, m: number): void;
  /**
   * o[i] = sqrt(a[i]), each vector of four by the square root the machine's chains run on the
   * FMA units (native/np_machine.c, sqrt_fma); false, and nothing written, where the machine does
   * not use it (no AVX-512VL, or LAZYLAB_NATIVE_SQRT=divider). For tests.
   */
  sqrtFma(a: Float64Array, o: Float64Array): boolean;
  /** o[off ... off+n] = value. */
  fill(o: Float64Array, off: number, n: number, value: number): void;
  /**
   * out[offset ... offset+n) = n draws of PCG64's next_double (kind 0), NumPy's
   * standard_normal (kind 1, with `extra` = ziggurat ki, wi, fi as 768 doubles), next_float
   * (kind 2, out a Float32Array) or bounded integers as doubles (kind 3: range < 2**32 on
   * next_uint32; kind 4: range ≥ 2**32), from the state in `words` (state lo, hi, inc lo, hi
   * as uint64 halves), advanced in place. Kinds 2-4 take `extra` = Uint32Array [has_uint32,
   * uinteger, offset lo, hi, range + 1 lo, hi], the buffer written back (native/np_random.c).
   */
  pcgFill(kind: number, words: Uint32Array, out: Float64Array | Float32Array, offset: number, n: number, extra?: Float64Array | Uint32Array, low?: number, scale?: number): void;
  /** Whether pcgFill writes low + scale * draw for its doubles and normals (absent from an addon built before it). */
  pcgFillAffine?: boolean;
  /** NumPy's legacy MT19937 fills (kind 0 random_sample, 1 legacy_gauss, 2 off + masked 32-bit integers up to max) into out[offset..offset+n); key (624 words) and aux ([pos, has_gauss, gauss]) advance in place. Absent from an addon built before it. */
  mtFill?(kind: number, key: Uint32Array, aux: Float64Array, out: Float64Array, offset: number, n: number, off?: number, max?: number): void;
  /**
   * Advises the 2 MiB-aligned interior of the array's bytes with MADV_HUGEPAGE (Linux), as NumPy
   * advises its data buffers; returns the bytes advised, 0 where the system has no such advice
   * (native/np_memory.c).
   */
  adviseHugePages(a: ArrayBufferView): number;
  /**
   * Opens the window in which a large buffer of exactly `bytes` freed by the next collection is
   * kept for the next {@link sharedBuffer} call, which closes it (native/np_heap.cc).
   */
  keepFreed(bytes: number): void;
  /**
   * A SharedArrayBuffer of `bytes` from Node's allocator: zeroed, or, when `written` (the caller
   * writes every byte before anything reads them), the buffer the window kept if it has one.
   * Closes the window either way (native/np_heap.cc).
   */
  sharedBuffer(bytes: number, written: boolean): SharedArrayBuffer;
  /** Bytes the window holds now (0 outside lib/np's allocation) and buffers reused so far. */
  bufferPool(): { keptBytes: number; reuses: number };
  /**
   * An ArrayBuffer of `bytes` with unspecified contents (the caller writes every byte before
   * anything reads one): the mid-size pool's last freed buffer of that size, else a new one
   * (native/np_heap.cc).
   */
  midBuffer(bytes: number): ArrayBuffer;
  /** From now until {@link midPoolFlush}, mid-size buffers freed are kept for {@link midBuffer}. */
  midPoolOpen(): void;
  /** Gives back every buffer the mid-size pool keeps, and closes it. */
  midPoolFlush(): void;
  /** What the mid-size pool keeps now, the buffers it handed out so far, whether it keeps what is freed. */
  midPool(): { pooledBytes: number; reuses: number; open: boolean };
  /** Whether float64 exp runs lazylab's vector loop (on AVX-512 CPUs, where NumPy runs its own) rather than the C library's (native/np_vmath.c). */
  ownExp(): boolean;
  /** The widest instruction set the loops were chosen for at load time: "avx512" (the AVX-512 loops where there are some, AVX2 elsewhere), "avx2" or "baseline". */
  isa(): string;
  /**
   * The CPU family the loops' sizes and choices are tuned for, "amd" or "intel" (native/np_common.h,
   * NpTuning; LAZYLAB_NATIVE_TUNING picks one). The bits are the same under either.
   */
  tuning(): string;
}

/** Operation codes of the C loops, by the expression ufunc.ts writes for them. */
const CODES: Record<string, number> = {
  x: 0, "x * x": 1, "-x": 2, "Math.abs(x)": 3, "Math.sqrt(x)": 4,
  "x + y": 5, "x - y": 6, "x * y": 7, "x / y": 8,
  "1 / x": 9, "Math.floor(x)": 10, "Math.ceil(x)": 11, "Math.exp(x)": 12, "Math.log(x)": 13, "Math.sin(x)": 14, "Math.cos(x)": 15,
};

/**
 * Below this many elements a JavaScript loop beats the cost of an N-API call (~0.14 µs). Measured
 * on the Xeon (x * 2, float64, in cache): 16 elements 29 ns in JavaScript, 137 ns in C; 64: 160
 * and 152; 1,000: 2,233 and 222 (1024 before, when a call was thought to cost 0.3 µs).
 */
export const NATIVE_MIN = 64;

/** The addon, or null when it is not built or switched off. */
export const native: NativeLoops | null = loadAddon<NativeLoops>("lazylab_np");

/** Comparison codes of the C loops, by the expression ufunc.ts writes for them. */
const COMPARE_CODES: Record<string, number> = {
  "x === y ? 1 : 0": 0, "x !== y ? 1 : 0": 1, "x < y ? 1 : 0": 2, "x <= y ? 1 : 0": 3, "x > y ? 1 : 0": 4, "x >= y ? 1 : 0": 5,
};

/** The C comparison's code for `expr` on float64 operands with a bool (Uint8Array) result, or -1. */
export function compareCode(expr: string, cast: string, storage: string): number {
  if (!native || cast !== "bool" || storage !== "Float64Array,Float64Array,Uint8Array,") return -1;
  return COMPARE_CODES[expr] ?? -1;
}

/** The C loop's code for `expr` on float64 storage without a cast, or -1. */
export function nativeCode(expr: string, cast: string, storage: string): number {
  if (!native || cast !== "none") return -1;
  if (storage.split(",").some((s) => s !== "" && s !== "Float64Array")) return -1;
  return CODES[expr] ?? -1;
}
