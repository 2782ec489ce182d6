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

/* AVX2 loops where the CPU has them; LAZYLAB_NATIVE_ISA=baseline keeps the baseline ones, =avx2
 * the AVX2 ones where the CPU also has AVX-512 (tests: every set gives the same bits). */
static void choose_loops(void) {
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
#endif
}

/* ownExp(): whether float64 exp runs lazylab's vector loop (np_vmath.c) rather than the C library's. */
static napi_value js_own_exp(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value r;
  napi_get_boolean(env, np_own_exp, &r);
  return r;
}

/* isa(): the instruction set the loops were chosen for ("avx2" or "baseline"), for tests and benchmarks. */
static napi_value js_isa(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value r;
  napi_create_string_utf8(env, np_avx2 ? "avx2" : "baseline", NAPI_AUTO_LENGTH, &r);
  return r;
}

static napi_value init(napi_env env, napi_value exports) {
  choose_loops();
  napi_property_descriptor props[] = {
    { "isa", NULL, js_isa, NULL, NULL, NULL, napi_default, NULL },
    { "ownExp", NULL, js_own_exp, NULL, NULL, NULL, napi_default, NULL },
  };
  napi_define_properties(env, exports, 2, props);
  np_elementwise_register(env, exports);
  np_reduce_register(env, exports);
  np_random_register(env, exports);
  np_memory_register(env, exports);
  np_machine_register(env, exports);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
