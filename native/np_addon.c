/*
 * The addon's entry point: chooses the instruction set once, then registers the loops of
 * np_elementwise.c, np_reduce.c, np_random.c, np_memory.c (with np_heap.cc, its one call into
 * V8), np_vmath.c and np_machine.c (lib/np/native.ts and lib/psutil/native.ts describe each
 * function).
 */
#include "np_common.h"

int np_avx2 = 0;
int np_avx512 = 0;
int np_own_exp = 0;
int np_fast_sqrt = 0;

/*
 * np_common.h, NpTuning. amd: as measured on the EPYC since the machine was written (a 1 MB
 * strip, 8 rows of 16 lines ahead; a third of a chain's and a quarter of std's square roots on
 * the FMA units; the hardware's prefetch alone; exp streamed). intel, on the Xeon (one thread,
 * 4000x4000 in 1000x1000 chunks, ns/element, medians of 7):
 * - (x*3-1).var(0): a 1 MB strip 1.25-1.34, 256 KB 0.93-0.98 (with chain_rows).
 * - The square roots: vsqrtpd takes ~12 cycles per four doubles there, and the FMA units' roots
 *   pay only in small doses: the sum of sqrt(abs(x))*2+1 with the divider alone 1.90, one
 *   vector in two on the FMA units 2.43-2.46, in three 1.02-1.08, in five 0.88-0.90;
 *   sqrt(abs(x)).std(-1) with none 1.24-1.29, a quarter 1.74-1.79, an eighth 1.05-1.07
 *   (the sixth session). Once std's loop asked ahead past each line's end where the next line
 *   follows (np_machine.c, reads_on), a quarter was the faster (the ninth session, four rounds
 *   taking turns: 0.84-0.92 against 0.88-0.90; two threads 0.52-0.57 against 0.55-0.63).
 * - Folds asking for their sources 256 elements ahead: the sqrt sum (one in five) 0.81-0.83
 *   against 0.89-0.90, (abs(x)-0.5).max() 0.73 against 0.92; written out, slower (1.57 against
 *   1.30), so stores do not.
 * - np.exp(x, out): 1.45-1.48 streamed, 1.25-1.28 with plain stores (NumPy 1.23). On the
 *   Xeon of the nineteenth session (16M elements, medians of 11): plain stores 1.21-1.33,
 *   streamed 1.13-1.19, plain stores asking for the input 1024 elements ahead 0.97-0.99,
 *   streamed and asking ahead 0.65-0.67 (NumPy 1.24: 1.02-1.07).
 * - Row sums two lines at a time (np_reduce.c, sum_lines_any): 0.49-0.52 against 0.57-0.60.
 */
static const NpTuning TUNING_AMD = { .name = "amd", .strip_bytes = (size_t)1 << 20, .ahead_lines = 128, .fused_fma_period = 2, .sqrt_group = 3, .chain_ahead = 0, .exp_stream = 1, .exp_ahead = 0, .compare_stream = 0, .pair_lines = 0 };
static const NpTuning TUNING_INTEL = { .name = "intel", .strip_bytes = (size_t)1 << 18, .ahead_lines = 96, .fused_fma_period = 2, .sqrt_group = 5, .chain_ahead = 256, .exp_stream = 1, .exp_ahead = 1024, .compare_stream = 1, .pair_lines = 1 };
NpTuning np_tuning;

/* AVX2 loops where the CPU has them; LAZYLAB_NATIVE_ISA=baseline keeps the baseline ones, =avx2
 * the AVX2 ones where the CPU also has AVX-512 (tests: every set gives the same bits). */
static void choose_loops(void) {
  np_tuning = TUNING_AMD;
#ifdef LAZYLAB_X86
  const char *isa = getenv("LAZYLAB_NATIVE_ISA");
  __builtin_cpu_init();
  np_avx2 = __builtin_cpu_supports("avx2") && !(isa && strcmp(isa, "baseline") == 0);
  int cpu_avx512 = np_avx2 && __builtin_cpu_supports("avx512f");
  np_avx512 = cpu_avx512 && !(isa && strcmp(isa, "avx2") == 0);
  /* The machine's square roots on the FMA units as well as the divider (np_machine.c,
   * sqrt_fma; the same bits): with AVX-512VL and FMA, unless LAZYLAB_NATIVE_SQRT=divider. */
  const char *sq = getenv("LAZYLAB_NATIVE_SQRT");
  np_fast_sqrt = np_avx512 && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("fma") && !(sq && strcmp(sq, "divider") == 0);
  /* NumPy's own float64 exp runs where the CPU has AVX512F; there lazylab's runs too
   * (np_vmath.c), elsewhere both call the C library. LAZYLAB_NATIVE_MATH=libm keeps the C
   * library's everywhere, =own runs lazylab's wherever AVX2 and FMA are (tests compare them). */
  const char *math = getenv("LAZYLAB_NATIVE_MATH");
  int own = math && strcmp(math, "own") == 0, libm = math && strcmp(math, "libm") == 0;
  np_own_exp = np_avx2 && __builtin_cpu_supports("fma") && (own || (cpu_avx512 && !libm));
  np_tuning = __builtin_cpu_is("intel") ? TUNING_INTEL : TUNING_AMD;
#endif
  const char *tune = getenv("LAZYLAB_NATIVE_TUNING");
  if (tune && strcmp(tune, "amd") == 0) np_tuning = TUNING_AMD;
  if (tune && strcmp(tune, "intel") == 0) np_tuning = TUNING_INTEL;
}

/* ownExp(): whether float64 exp runs lazylab's vector loop (np_vmath.c) rather than the C library's. */
static napi_value js_own_exp(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value r;
  napi_get_boolean(env, np_own_exp, &r);
  return r;
}

/* isa(): the widest instruction set the loops were chosen for ("avx512", "avx2" or "baseline"), for tests and benchmarks. */
static napi_value js_isa(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value r;
  napi_create_string_utf8(env, np_avx512 ? "avx512" : np_avx2 ? "avx2" : "baseline", NAPI_AUTO_LENGTH, &r);
  return r;
}

/* tuning(): the CPU family the native loops are tuned for ("amd" or "intel": np_common.h, NpTuning). */
static napi_value js_tuning(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value r;
  napi_create_string_utf8(env, np_tuning.name, NAPI_AUTO_LENGTH, &r);
  return r;
}

static napi_value init(napi_env env, napi_value exports) {
  choose_loops();
  napi_property_descriptor props[] = {
    { "isa", NULL, js_isa, NULL, NULL, NULL, napi_default, NULL },
    { "ownExp", NULL, js_own_exp, NULL, NULL, NULL, napi_default, NULL },
    { "tuning", NULL, js_tuning, NULL, NULL, NULL, napi_default, NULL },
  };
  napi_define_properties(env, exports, 3, props);
  np_elementwise_register(env, exports);
  np_reduce_register(env, exports);
  np_random_register(env, exports);
  np_memory_register(env, exports);
  np_machine_register(env, exports);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
