/*
 * What lazylab's native loops share (native/np_*.c, one N-API addon loaded by
 * lib/np/native.ts): the instruction-set choice and the checks on arguments from JavaScript.
 *
 * Every loop exists twice on x86-64: for the baseline instruction set and for AVX2, chosen
 * once at load time (np_addon.c) as NumPy dispatches its own loops. Only the vector width
 * differs: the same IEEE operations in the same order (AVX2 alone does not enable FMA, and
 * the addon is built with -ffp-contract=off), so both give the same bits.
 */
#ifndef LAZYLAB_NP_COMMON_H
#define LAZYLAB_NP_COMMON_H

#include <node_api.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define LAZYLAB_X86 1
/* Defines a loop family for the baseline instruction set and for AVX2. */
#define FOR_EACH_ISA(DEFINE) DEFINE(base, ) DEFINE(avx2, __attribute__((target("avx2"))))
#else
#define FOR_EACH_ISA(DEFINE) DEFINE(base, )
#endif

/* Chooses a loop by instruction set: `PICK(avx2, fn)` is fn_avx2 when AVX2 is on, else fn_base. */
#ifdef LAZYLAB_X86
#define PICK(fn) (np_avx2 ? fn##_avx2 : fn##_base)
#else
#define PICK(fn) (fn##_base)
#endif

/* Whether the AVX2 loops are in use (set once at load: np_addon.c). */
extern int np_avx2;

/* The float64 data of a Float64Array argument, or a TypeError. */
static inline int get_f64(napi_env env, napi_value v, double **data, size_t *length) {
  napi_typedarray_type type;
  void *p;
  if (napi_get_typedarray_info(env, v, &type, length, &p, NULL, NULL) != napi_ok || type != napi_float64_array) {
    napi_throw_type_error(env, NULL, "lazylab native loops: expected a Float64Array");
    return 0;
  }
  *data = (double *)p;
  return 1;
}

/* The bytes of a Uint8Array argument (lib/np's bool storage), or a TypeError. */
static inline int get_u8(napi_env env, napi_value v, uint8_t **data, size_t *length) {
  napi_typedarray_type type;
  void *p;
  if (napi_get_typedarray_info(env, v, &type, length, &p, NULL, NULL) != napi_ok || type != napi_uint8_array) {
    napi_throw_type_error(env, NULL, "lazylab native loops: expected a Uint8Array");
    return 0;
  }
  *data = (uint8_t *)p;
  return 1;
}

static inline int get_int(napi_env env, napi_value v, int64_t *out) {
  if (napi_get_value_int64(env, v, out) != napi_ok) {
    napi_throw_type_error(env, NULL, "lazylab native loops: expected an integer");
    return 0;
  }
  return 1;
}

static inline int get_double(napi_env env, napi_value v, double *out) {
  if (napi_get_value_double(env, v, out) != napi_ok) {
    napi_throw_type_error(env, NULL, "lazylab native loops: expected a number");
    return 0;
  }
  return 1;
}

/* Elements off, off+step, ... off+(n-1)*step all lie inside an array of `length`. */
static inline int in_bounds(napi_env env, size_t length, int64_t off, int64_t n, int64_t step) {
  if (off < 0 || n < 0 || (n > 0 && off + (n - 1) * step >= (int64_t)length)) {
    napi_throw_range_error(env, NULL, "lazylab native loops: range outside the array");
    return 0;
  }
  return 1;
}

/* Lines k < lines of n elements at off + k*stride all lie inside an array of `length`. */
static inline int lines_in_bounds(napi_env env, size_t length, int64_t off, int64_t lines, int64_t n, int64_t stride) {
  if (lines < 0 || n < 0 || stride < 0) {
    napi_throw_range_error(env, NULL, "lazylab native loops: negative count or stride");
    return 0;
  }
  return lines == 0 || n == 0 || in_bounds(env, length, off + (lines - 1) * stride, n, 1);
}

/*
 * Outputs of at least this many elements (8 MB) are written with non-temporal (streaming)
 * stores (np_elementwise.c, np_vmath.c) and faulted in first (np_prefault): they bypass the cache, so a store does not first read the output's cache line (a
 * third of the memory traffic of `o = f(a)`), and an output this size would not stay in the
 * cache anyway. Measured on a quiet 2-core EPYC VM (C loops alone, 4000x4000): `x*x` into
 * `out` 1.33-1.39 -> 0.88-0.95 ns/element, fill 1.03 -> 0.44; at 1000x1000 1.42 -> 1.12.
 * The result is computed in registers and streamed directly: computing a block into the
 * cache and streaming it out from there measured no faster than plain stores (regular and
 * streaming stores interleaved). An earlier try under a load of 12-15 had found streaming
 * slower: the load, not the stores, decided that figure. Exception: a fresh output of the
 * elementwise arithmetic (a new array) is faulted in and written piece by piece with plain
 * stores, into the lines the kernel has just zeroed (np_elementwise.c, fresh_pieces).
 */
#define STREAM_MIN (1 << 20)

/* Whether float64 exp runs np_vexp (the CPUs where NumPy uses its own exp: np_vmath.c). */
extern int np_own_exp;
/* Whether the CPU has AVX512F (and the AVX2 loops are in use, and LAZYLAB_NATIVE_ISA is not
 * avx2): np_vexp's eight-lane loop, the float64 sums' one-register leaves, min/max's
 * four-register loop and argmin/argmax's index-tracking loop (np_reduce.c), and the
 * comparisons' 64-element steps (np_elementwise.c). */
extern int np_avx512;
/* Whether the expression machine's square roots also run on the FMA units (np_machine.c, sqrt_fma). */
extern int np_fast_sqrt;
/*
 * What is tuned per CPU family, each as measured on one machine of it (bench/README.md, the
 * sixth session): "amd" (a 2-core EPYC VM, Zen 4) and "intel" (a 2-core Xeon VM, Granite
 * Rapids: 2 MB L2 per core, a slower L3, a slower divider next to its FMA units). Other CPUs
 * take "amd". LAZYLAB_NATIVE_TUNING=amd|intel picks one (tests: every tuning gives the same
 * bits; only the speed differs). np_addon.c chooses once at load.
 */
typedef struct {
  const char *name;
  /* np_machine.c, moments_strips: the bytes of a strip's rows in the scratch buffer, and about
   * how many cache lines ahead of the row being read are asked for. */
  size_t strip_bytes;
  int ahead_lines;
  /* np_machine.c, where np_fast_sqrt: std/var's fused loop gives every fused_fma_period-th
   * iteration's second vector of square roots to the FMA units (0: none), the chains' loops
   * one vector in sqrt_group (3 or 5). */
  int fused_fma_period;
  int sqrt_group;
  /* np_machine.c, CHAIN_BODY: how many elements ahead a chain folded into a sum, min or max asks
   * for its sources' lines (0: it leaves that to the hardware); np_elementwise.c: the same for
   * the AVX-512 comparison loop's operands. */
  int64_t chain_ahead;
  /* np_vmath.c: whether exp writes a large output (STREAM_MIN) with streaming stores, and how
   * many elements ahead its loop asks for its input (0: it leaves that to the hardware). */
  int exp_stream;
  int64_t exp_ahead;
  /* np_elementwise.c, vcompare_avx512: whether a comparison's large output (STREAM_MIN) is
   * written with streaming stores. */
  int compare_stream;
  /* np_reduce.c, sum_lines_any: whether float64 lines shorter than two streams are summed two
   * lines at a time. */
  int pair_lines;
} NpTuning;
extern NpTuning np_tuning;
/* The address `i` float64 elements past a, without pointer arithmetic outside the array: a
 * prefetch never faults, but a pointer past the end is undefined in C. */
#define AHEAD_ADDR(a, i) ((const void *)((uintptr_t)(a) + (uintptr_t)(i) * sizeof(double)))
/* o[i] = exp(a[i]) for i < n, vectorised (AVX2 and FMA; np_vmath.c). */
void np_vexp(const double *a, double *o, intptr_t n);

/* The min (or max) of a[0..n), n >= 8, with vector min/max; *special is set when an element was
 * NaN or infinite (then, or when the answer is zero, the exact element-by-element rule may
 * differ: the caller redoes the line). np_reduce.c. */
double np_block_minmax(int is_max, const double *a, int64_t n, int *special);

/* NumPy's float64 pairwise sum of a[0..n), n <= 8192 (one buffer of its reduction loop): np_reduce.c. */
double np_pairwise_sum(const double *a, intptr_t n);

/* Faults in [p, p+bytes) in one system call when it was never touched (np_memory.c); a
 * loop about to write that many bytes calls it first. */
void np_prefault(void *p, size_t bytes);
/* Whether [p, p+bytes)'s first whole page was never touched (a fresh output), and faulting in
 * its whole pages in one call: np_prefault's two halves, for loops that fault in a fresh output
 * piece by piece (np_memory.c). */
int np_untouched(void *p, size_t bytes);
void np_populate(void *p, size_t bytes);

/* The 8 bytes 0/1 of each bit of a byte, lowest bit first: a comparison's 8 results from
 * their mask (np_elementwise.c), a bool fill's 8 values from a byte of a draw (np_random.c).
 * Built when the addon registers its functions. */
extern uint64_t np_bit_bytes[256];

/* Registers the functions of one file on the addon's exports. */
void np_elementwise_register(napi_env env, napi_value exports);
void np_reduce_register(napi_env env, napi_value exports);
void np_random_register(napi_env env, napi_value exports);
void np_memory_register(napi_env env, napi_value exports);
void np_machine_register(napi_env env, napi_value exports);

#endif
