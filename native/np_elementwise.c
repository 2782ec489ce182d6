/*
 * lazylab's native elementwise loops for float64 arrays: arithmetic, the functions NumPy
 * takes from the C library (exp, log, sin, cos), comparisons into bool arrays, and fill.
 * lib/np/native.ts loads them; without the addon the same operations run as JavaScript loops.
 *
 * Why native code: V8 does not vectorise typed-array loops and WebAssembly cannot address a
 * JavaScript ArrayBuffer without copying it into its own memory (bench/README.md has the
 * figures). These loops read and write the arrays in place.
 *
 * Results are NumPy's bit for bit: + - * / sqrt floor ceil negation and absolute value are
 * exact IEEE operations; exp, log, sin and cos are the C library's, which is what NumPy calls
 * for float64 on CPUs without AVX-512 (with AVX-512F NumPy 1.24 has SIMD exp/log of its own,
 * SVML's sin/cos too; there exp runs np_vmath.c's vector loop, as fast as NumPy's; V8's
 * Math.exp, which the JavaScript fallback uses, differs from glibc's in the last bit of about
 * one result in ten). Built with -ffp-contract=off: nothing is fused into FMAs (np_vmath.c
 * uses FMA instructions explicitly).
 */
#include "np_common.h"

/* STREAM_MIN (np_common.h): from this many elements on, outputs are written with streaming stores. */

/* Operation codes (lib/np/native.ts has the same table). */
enum {
  OP_COPY, OP_SQUARE, OP_NEG, OP_ABS, OP_SQRT, OP_ADD, OP_SUB, OP_MUL, OP_DIV,
  OP_RECIPROCAL, OP_FLOOR, OP_CEIL, OP_EXP, OP_LOG, OP_SIN, OP_COS, OP_LAST = OP_COS
};
enum { CMP_EQ, CMP_NE, CMP_LT, CMP_LE, CMP_GT, CMP_GE, CMP_LAST = CMP_GE };

/* One loop per operation, plain C the compiler vectorises (with a runtime overlap check:
 * shifted in-place views fall back to the in-order scalar loop, like the JavaScript one).
 * as/bs are 1 (an array) or 0 (a broadcast scalar). */
#define UNARY(EXPR) \
  for (intptr_t i = 0; i < n; i++) { double x = a[i]; o[i] = EXPR; }
#define BINARY(EXPR) \
  if (as && bs) { for (intptr_t i = 0; i < n; i++) { double x = a[i], y = b[i]; o[i] = EXPR; } } \
  else if (as) { double y = b[0]; for (intptr_t i = 0; i < n; i++) { double x = a[i]; o[i] = EXPR; } } \
  else { double x = a[0]; for (intptr_t i = 0; i < n; i++) { double y = b[i]; o[i] = EXPR; } }

#define DEFINE_KERNELS(SUFFIX, ATTR) \
  ATTR static void kernel_##SUFFIX(int op, const double *a, int as, const double *b, int bs, double *o, intptr_t n) { \
    switch (op) { \
      case OP_COPY: UNARY(x); break; \
      case OP_SQUARE: UNARY(x * x); break; \
      case OP_NEG: UNARY(-x); break; \
      case OP_ABS: UNARY(fabs(x)); break; \
      case OP_SQRT: UNARY(sqrt(x)); break; \
      case OP_RECIPROCAL: UNARY(1.0 / x); break; \
      case OP_FLOOR: UNARY(floor(x)); break; \
      case OP_CEIL: UNARY(ceil(x)); break; \
      case OP_EXP: UNARY(exp(x)); break; \
      case OP_LOG: UNARY(log(x)); break; \
      case OP_SIN: UNARY(sin(x)); break; \
      case OP_COS: UNARY(cos(x)); break; \
      case OP_ADD: BINARY(x + y); break; \
      case OP_SUB: BINARY(x - y); break; \
      case OP_MUL: BINARY(x * y); break; \
      case OP_DIV: BINARY(x / y); break; \
    } \
  } \
  ATTR static void compare_##SUFFIX(int op, const double *a, int as, const double *b, int bs, uint8_t *o, intptr_t n) { \
    switch (op) { \
      case CMP_EQ: BINARY(x == y); break; \
      case CMP_NE: BINARY(x != y); break; \
      case CMP_LT: BINARY(x < y); break; \
      case CMP_LE: BINARY(x <= y); break; \
      case CMP_GT: BINARY(x > y); break; \
      case CMP_GE: BINARY(x >= y); break; \
    } \
  }
FOR_EACH_ISA(DEFINE_KERNELS)

#ifdef LAZYLAB_X86
/*
 * The streaming loops: the same operations on vectors of W doubles, each result stored with a
 * non-temporal store (which needs an aligned address: the first elements go through the
 * plain loop until o is aligned, the last ones after the vectors). Negation flips the sign
 * bit and the absolute value clears it, as C's -x and fabs do; the rest are the IEEE
 * operations themselves, so the bits are the plain loops'. Operations without a vector form
 * here (the C library's functions, and floor/ceil, which need SSE4.1) return 0: the plain
 * loop runs them.
 */
#define S_UNARY(VEXPR) \
  for (intptr_t i = 0; i < m; i += W) { VT x = LOADU(a + i); STREAM(o + i, VEXPR); }
#define S_BINARY(VEXPR) \
  if (as && bs) { for (intptr_t i = 0; i < m; i += W) { VT x = LOADU(a + i), y = LOADU(b + i); STREAM(o + i, VEXPR); } } \
  else if (as) { VT y = SET1(b[0]); for (intptr_t i = 0; i < m; i += W) { VT x = LOADU(a + i); STREAM(o + i, VEXPR); } } \
  else { VT x = SET1(a[0]); for (intptr_t i = 0; i < m; i += W) { VT y = LOADU(b + i); STREAM(o + i, VEXPR); } }
#define DEFINE_STREAMING(SUFFIX, ATTR, VT_, W_, P) \
  ATTR static int streaming_##SUFFIX(int op, const double *a, int as, const double *b, int bs, double *o, intptr_t n) { \
    typedef VT_ VT; \
    enum { W = W_ }; \
    if (op > OP_RECIPROCAL) return 0; \
    intptr_t head = 0; \
    while (head < n && ((uintptr_t)(o + head) % (W * sizeof(double)))) head++; \
    kernel_##SUFFIX(op, a, as, b, bs, o, head); \
    a += head * as; b += head * bs; o += head; n -= head; \
    intptr_t m = n - n % W; \
    const VT sign = SET1(-0.0), one = SET1(1.0); \
    (void)sign; (void)one; \
    switch (op) { \
      case OP_COPY: S_UNARY(x); break; \
      case OP_SQUARE: S_UNARY(P##_mul_pd(x, x)); break; \
      case OP_NEG: S_UNARY(P##_xor_pd(x, sign)); break; \
      case OP_ABS: S_UNARY(P##_andnot_pd(sign, x)); break; \
      case OP_SQRT: S_UNARY(P##_sqrt_pd(x)); break; \
      case OP_RECIPROCAL: S_UNARY(P##_div_pd(one, x)); break; \
      case OP_ADD: S_BINARY(P##_add_pd(x, y)); break; \
      case OP_SUB: S_BINARY(P##_sub_pd(x, y)); break; \
      case OP_MUL: S_BINARY(P##_mul_pd(x, y)); break; \
      case OP_DIV: S_BINARY(P##_div_pd(x, y)); break; \
    } \
    _mm_sfence(); \
    kernel_##SUFFIX(op, a + m * as, as, b + m * bs, bs, o + m, n - m); \
    return 1; \
  } \
  ATTR static void stream_fill_##SUFFIX(double *o, double value, intptr_t n) { \
    typedef VT_ VT; \
    enum { W = W_ }; \
    intptr_t i = 0; \
    for (; i < n && ((uintptr_t)(o + i) % (W * sizeof(double))); i++) o[i] = value; \
    VT v = SET1(value); \
    for (; i + W <= n; i += W) STREAM(o + i, v); \
    _mm_sfence(); \
    for (; i < n; i++) o[i] = value; \
  }
#define LOADU _mm_loadu_pd
#define STREAM _mm_stream_pd
#define SET1 _mm_set1_pd
DEFINE_STREAMING(base, , __m128d, 2, _mm)
#undef LOADU
#undef STREAM
#undef SET1
#define LOADU _mm256_loadu_pd
#define STREAM _mm256_stream_pd
#define SET1 _mm256_set1_pd
DEFINE_STREAMING(avx2, __attribute__((target("avx2"))), __m256d, 4, _mm256)
#undef LOADU
#undef STREAM
#undef SET1
#endif

uint64_t np_bit_bytes[256];

static void build_bit_bytes(void) {
  for (int m = 0; m < 256; m++) {
    uint64_t v = 0;
    for (int b = 0; b < 8; b++) if (m >> b & 1) v |= (uint64_t)1 << (8 * b);
    np_bit_bytes[m] = v;
  }
}

#ifdef LAZYLAB_X86
/*
 * Comparisons 8 elements at a time: vector compares, their sign bits gathered with movemask
 * into one byte, and that byte's 8 bits written as 8 bytes of 0/1 from a table. (The plain
 * loop, which the compiler did not vectorise, ran `x > 0` at ~2 ns/element, NumPy 0.64.)
 * The vector predicates are C's: ordered for == < <= > >= (false with NaN), unordered for !=.
 * From STREAM_MIN elements on the 8 bytes go out with a non-temporal store (movnti), as the
 * float64 results do: a plain store first reads the output's cache line.
 */

/* How far ahead (elements) the compare loop asks for its operands, as the sums do (np_reduce.c). */
#define COMPARE_PREFETCH 2048
#define V_COMPARE(CMP) \
  for (intptr_t i = 0; i < m; i += 8) { \
    unsigned bits = 0; \
    if (as) _mm_prefetch((const char *)(a + i + COMPARE_PREFETCH), _MM_HINT_T0); \
    if (bs) _mm_prefetch((const char *)(b + i + COMPARE_PREFETCH), _MM_HINT_T0); \
    for (int j = 0; j < 8 / W; j++) { \
      VT x = as ? LOADU(a + i + j * W) : xs, y = bs ? LOADU(b + i + j * W) : ys; \
      bits |= (unsigned)MOVEMASK(CMP) << (j * W); \
    } \
    uint64_t v = np_bit_bytes[bits]; \
    memcpy(o + i, &v, 8); \
  }
#define DEFINE_VCOMPARE(SUFFIX, ATTR, VT_, W_, EQ, NE, LT, LE, GT, GE) \
  ATTR static void vcompare_##SUFFIX(int op, const double *a, int as, const double *b, int bs, uint8_t *o, intptr_t n) { \
    typedef VT_ VT; \
    enum { W = W_ }; \
    intptr_t m = n - n % 8; \
    const VT xs = SET1(a[0]), ys = SET1(b[0]); \
    switch (op) { \
      case CMP_EQ: V_COMPARE(EQ); break; \
      case CMP_NE: V_COMPARE(NE); break; \
      case CMP_LT: V_COMPARE(LT); break; \
      case CMP_LE: V_COMPARE(LE); break; \
      case CMP_GT: V_COMPARE(GT); break; \
      case CMP_GE: V_COMPARE(GE); break; \
    } \
    compare_##SUFFIX(op, a + m * as, as, b + m * bs, bs, o + m, n - m); \
  }
#define LOADU _mm_loadu_pd
#define SET1 _mm_set1_pd
#define MOVEMASK _mm_movemask_pd
DEFINE_VCOMPARE(base, , __m128d, 2, _mm_cmpeq_pd(x, y), _mm_cmpneq_pd(x, y), _mm_cmplt_pd(x, y), _mm_cmple_pd(x, y), _mm_cmpgt_pd(x, y), _mm_cmpge_pd(x, y))
#undef LOADU
#undef SET1
#undef MOVEMASK
#define LOADU _mm256_loadu_pd
#define SET1 _mm256_set1_pd
#define MOVEMASK _mm256_movemask_pd
DEFINE_VCOMPARE(avx2, __attribute__((target("avx2"))), __m256d, 4, _mm256_cmp_pd(x, y, _CMP_EQ_OQ), _mm256_cmp_pd(x, y, _CMP_NEQ_UQ),
                _mm256_cmp_pd(x, y, _CMP_LT_OQ), _mm256_cmp_pd(x, y, _CMP_LE_OQ), _mm256_cmp_pd(x, y, _CMP_GT_OQ), _mm256_cmp_pd(x, y, _CMP_GE_OQ))
#undef LOADU
#undef SET1
#undef MOVEMASK

/*
 * With AVX-512: 64 elements a step, each 8 compared into a mask register (no movemask), their
 * 64 bytes of 0/1 stored at once. `x > 0` over 4000x4000 into a resident output measured
 * 0.251-0.255 -> 0.223-0.226 ns/element (C alone, minima of 15) on the EPYC, where a software
 * prefetch slowed the loop. On the Xeon the hardware alone leaves the reads behind, as it does
 * a fold's (np_machine.c): there each operand's lines np_tuning.chain_ahead elements on are
 * asked for (0 on amd: none), and `x > 0` into a resident output went from 0.65-0.70 to
 * 0.59-0.63 ns/element (medians of 40, taking turns in one process). The output: on the EPYC
 * plain stores (streamed into a new 16 MB bool array, bench/np.ts's `x > 0` row, two runs in five
 * took 2.0-2.7 ns/element instead of 0.4-0.5, before lib/np handed a new result the buffer the
 * last one freed). On the Xeon, from STREAM_MIN elements, streaming stores (np_tuning.
 * compare_stream) in whole 64-byte lines: the reused 16 MB result's lines are then not read
 * before they are written, and the row went from 0.60-0.62 ns/element (0.95-0.99× NumPy's, which
 * under glibc's default malloc reuses its freed result too) to 0.545-0.554 (1.05-1.06×) in
 * three bench runs of seven, and into fresh pages (--collected) from 0.74 to 0.70.
 */
#define V512_COMPARE(PRED) \
  for (; i < m; i += 64) { \
    uint64_t v[8]; \
    if (ahead && i + ahead + 64 <= n) \
      for (int j = 0; j < 8; j++) { \
        if (as) _mm_prefetch(AHEAD_ADDR(a, i + ahead + 8 * j), _MM_HINT_T0); \
        if (bs) _mm_prefetch(AHEAD_ADDR(b, i + ahead + 8 * j), _MM_HINT_T0); \
      } \
    for (int j = 0; j < 8; j++) { \
      __m512d x = as ? _mm512_loadu_pd(a + i + 8 * j) : xs, y = bs ? _mm512_loadu_pd(b + i + 8 * j) : ys; \
      v[j] = np_bit_bytes[_mm512_cmp_pd_mask(x, y, PRED)]; \
    } \
    __m512i w = _mm512_set_epi64((long long)v[7], (long long)v[6], (long long)v[5], (long long)v[4], (long long)v[3], (long long)v[2], (long long)v[1], (long long)v[0]); \
    if (stream) _mm512_stream_si512((void *)(o + i), w); \
    else _mm512_storeu_si512((void *)(o + i), w); \
  }
__attribute__((target("avx512f"))) static void vcompare_avx512(int op, const double *a, int as, const double *b, int bs, uint8_t *o, intptr_t n) {
  const __m512d xs = _mm512_set1_pd(a[0]), ys = _mm512_set1_pd(b[0]);
  const intptr_t ahead = (intptr_t)np_tuning.chain_ahead;
  /* Streamed: the first bytes up to a 64-byte boundary of the output plainly, then whole lines. */
  const int stream = np_tuning.compare_stream && n >= STREAM_MIN;
  intptr_t i = 0;
  if (stream) {
    i = (intptr_t)((64 - ((uintptr_t)o & 63)) & 63);
    compare_avx2(op, a, as, b, bs, o, i);
  }
  intptr_t m = i + (n - i) - (n - i) % 64;
  switch (op) {
    case CMP_EQ: V512_COMPARE(_CMP_EQ_OQ); break;
    case CMP_NE: V512_COMPARE(_CMP_NEQ_UQ); break;
    case CMP_LT: V512_COMPARE(_CMP_LT_OQ); break;
    case CMP_LE: V512_COMPARE(_CMP_LE_OQ); break;
    case CMP_GT: V512_COMPARE(_CMP_GT_OQ); break;
    case CMP_GE: V512_COMPARE(_CMP_GE_OQ); break;
  }
  if (stream) _mm_sfence();
  compare_avx2(op, a + m * as, as, b + m * bs, bs, o + m, n - m);
}
#define COMPARE (np_avx512 ? vcompare_avx512 : PICK(vcompare))
#else
#define COMPARE PICK(compare)
#endif

/* [p, p+n) and [q, q+m) share memory without being the same start (in place is fine). */
static int overlaps(const double *p, intptr_t n, const double *q, intptr_t m) {
  return p != q && p < q + m && q < p + n;
}

/*
 * A fresh output (never touched: a new array) is faulted in FRESH_CHUNK bytes at a time, each
 * piece computed with plain stores right after: the kernel has just zeroed those lines, so
 * they are in the cache and the stores hit them, where streaming stores over the whole array
 * faulted in first wrote each line twice to memory (the kernel's zeros, then the result).
 * `y = x*x` into fresh memory, 4000x4000 (C alone, minima and quartiles of 9, three rounds):
 * whole array faulted in then streamed 1.035-1.080 ns/element, 4 MB pieces 1.013-1.048, as
 * NumPy does it (each page faulted in by its first store) 1.042-1.078. Pieces end on
 * FRESH_CHUNK-aligned addresses, so no huge page is split between two of them.
 */
#define FRESH_CHUNK ((uintptr_t)4 << 20)
static void fresh_pieces(int op, const double *a, int as, const double *b, int bs, double *o, intptr_t n) {
  for (intptr_t s = 0; s < n;) {
    uintptr_t at = (uintptr_t)(o + s), next = (at + FRESH_CHUNK) & ~(FRESH_CHUNK - 1);
    intptr_t e = s + (intptr_t)((next - at) / sizeof(double));
    if (e > n) e = n;
    np_populate(o + s, (size_t)(e - s) * sizeof(double));
    PICK(kernel)(op, a + s * as, as, b + s * bs, bs, o + s, e - s);
    s = e;
  }
}

static void elementwise(int op, const double *a, int as, const double *b, int bs, double *o, intptr_t n) {
  int fresh = n >= STREAM_MIN && np_untouched(o, (size_t)n * sizeof(double));
#ifdef LAZYLAB_X86
  if (op == OP_EXP && np_own_exp && as && !overlaps(o, n, a, n)) {
    if (fresh) np_populate(o, (size_t)n * sizeof(double));
    np_vexp(a, o, n);
    return;
  }
#endif
  if (fresh) {
    fresh_pieces(op, a, as, b, bs, o, n);
    return;
  }
#ifdef LAZYLAB_X86
  if (n >= STREAM_MIN && !overlaps(o, n, a, as ? n : 1) && !overlaps(o, n, b, bs ? n : 1) && PICK(streaming)(op, a, as, b, bs, o, n)) return;
#endif
  PICK(kernel)(op, a, as, b, bs, o, n);
}

/* o[0..n) = value, streaming for large n. */
static void fill(double *o, double value, intptr_t n) {
  if (n >= STREAM_MIN) np_prefault(o, (size_t)n * sizeof(double));
#ifdef LAZYLAB_X86
  if (n >= STREAM_MIN) {
    PICK(stream_fill)(o, value, n);
    return;
  }
#endif
  for (intptr_t i = 0; i < n; i++) o[i] = value;
}

/* ---- N-API glue ---------------------------------------------------------------------- */

/* The operands of elementwise/compare: (op, a, aOffset, aStep, b, bOffset, bStep, out, outOffset, n). */
static int operands(napi_env env, napi_value *argv, int last_op, int64_t *op, double **a, int64_t *ao, int64_t *as, double **b, int64_t *bo, int64_t *bs, int64_t *n) {
  size_t al, bl;
  if (!get_int(env, argv[0], op) || !get_f64(env, argv[1], a, &al) || !get_int(env, argv[2], ao) || !get_int(env, argv[3], as) ||
      !get_f64(env, argv[4], b, &bl) || !get_int(env, argv[5], bo) || !get_int(env, argv[6], bs) || !get_int(env, argv[9], n))
    return 0;
  if (*op < 0 || *op > last_op || (*as != 0 && *as != 1) || (*bs != 0 && *bs != 1)) {
    napi_throw_range_error(env, NULL, "lazylab native loops: bad operation or step");
    return 0;
  }
  return in_bounds(env, al, *ao, *n, *as) && in_bounds(env, bl, *bo, *n, *bs);
}

/* elementwise(op, a, aOffset, aStep(0|1), b, bOffset, bStep(0|1), out, outOffset, n) */
static napi_value js_elementwise(napi_env env, napi_callback_info info) {
  size_t argc = 10;
  napi_value argv[10];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int64_t op, ao, as, bo, bs, oo, n;
  double *a, *b, *o;
  size_t ol;
  if (argc != 10 || !operands(env, argv, OP_LAST, &op, &a, &ao, &as, &b, &bo, &bs, &n) || !get_f64(env, argv[7], &o, &ol) ||
      !get_int(env, argv[8], &oo) || !in_bounds(env, ol, oo, n, 1))
    return NULL;
  if (n > 0) elementwise((int)op, a + ao, (int)as, b + bo, (int)bs, o + oo, n);
  return NULL;
}

/* compare(op, a, aOffset, aStep, b, bOffset, bStep, out: Uint8Array, outOffset, n): out = a op b as 0/1. */
static napi_value js_compare(napi_env env, napi_callback_info info) {
  size_t argc = 10;
  napi_value argv[10];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int64_t op, ao, as, bo, bs, oo, n;
  double *a, *b;
  uint8_t *o;
  size_t ol;
  if (argc != 10 || !operands(env, argv, CMP_LAST, &op, &a, &ao, &as, &b, &bo, &bs, &n) || !get_u8(env, argv[7], &o, &ol) ||
      !get_int(env, argv[8], &oo) || !in_bounds(env, ol, oo, n, 1))
    return NULL;
  if (n >= STREAM_MIN) np_prefault(o + oo, (size_t)n);
  if (n > 0) COMPARE((int)op, a + ao, (int)as, b + bo, (int)bs, o + oo, n);
  return NULL;
}

/* fill(o, offset, n, value): o[offset .. offset+n) = value. */
static napi_value js_fill(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int64_t off, n;
  double *o, value;
  size_t ol;
  if (argc != 4 || !get_f64(env, argv[0], &o, &ol) || !get_int(env, argv[1], &off) || !get_int(env, argv[2], &n) ||
      !get_double(env, argv[3], &value) || !in_bounds(env, ol, off, n, 1))
    return NULL;
  if (n > 0) fill(o + off, value, n);
  return NULL;
}

/* Casts between float64 and float32 (rounding to nearest, as Float32Array stores and NumPy's astype do). */
#define DEFINE_CASTS(SUFFIX, ATTR) \
  ATTR static void f64_to_f32_##SUFFIX(const double *a, float *o, intptr_t n) { for (intptr_t i = 0; i < n; i++) o[i] = (float)a[i]; } \
  ATTR static void f32_to_f64_##SUFFIX(const float *a, double *o, intptr_t n) { for (intptr_t i = 0; i < n; i++) o[i] = (double)a[i]; }
FOR_EACH_ISA(DEFINE_CASTS)

#ifdef LAZYLAB_X86
/* f64_to_f32 for large outputs: 8 conversions (cvtpd2ps rounds to nearest, as the C cast
 * does, NaN payloads included) streamed out 16 bytes at a time, as elementwise results are
 * (STREAM_MIN); the first floats go through the plain loop until o is 16-byte aligned. */
static void f64_to_f32_stream_base(const double *a, float *o, intptr_t n) {
  intptr_t head = 0;
  while (head < n && ((uintptr_t)(o + head) % 16)) head++;
  f64_to_f32_base(a, o, head);
  intptr_t i = head;
  for (; i + 4 <= n; i += 4) _mm_stream_ps(o + i, _mm_movelh_ps(_mm_cvtpd_ps(_mm_loadu_pd(a + i)), _mm_cvtpd_ps(_mm_loadu_pd(a + i + 2))));
  _mm_sfence();
  f64_to_f32_base(a + i, o + i, n - i);
}
__attribute__((target("avx2"))) static void f64_to_f32_stream_avx2(const double *a, float *o, intptr_t n) {
  intptr_t head = 0;
  while (head < n && ((uintptr_t)(o + head) % 32)) head++;
  f64_to_f32_avx2(a, o, head);
  intptr_t i = head;
  for (; i + 8 <= n; i += 8) {
    __m128 lo = _mm256_cvtpd_ps(_mm256_loadu_pd(a + i)), hi = _mm256_cvtpd_ps(_mm256_loadu_pd(a + i + 4));
    _mm256_stream_ps(o + i, _mm256_insertf128_ps(_mm256_castps128_ps256(lo), hi, 1));
  }
  _mm_sfence();
  f64_to_f32_avx2(a + i, o + i, n - i);
}
#endif

/* castFloat(a, aOffset, out, outOffset, n): a Float64Array into a Float32Array or back. */
static napi_value js_cast_float(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  napi_typedarray_type at, ot;
  size_t al, ol;
  void *a, *o;
  int64_t ao, oo, n;
  if (argc != 5 || napi_get_typedarray_info(env, argv[0], &at, &al, &a, NULL, NULL) != napi_ok ||
      napi_get_typedarray_info(env, argv[2], &ot, &ol, &o, NULL, NULL) != napi_ok || !get_int(env, argv[1], &ao) ||
      !get_int(env, argv[3], &oo) || !get_int(env, argv[4], &n))
    return NULL;
  int down = at == napi_float64_array && ot == napi_float32_array, up = at == napi_float32_array && ot == napi_float64_array;
  if (!down && !up) {
    napi_throw_type_error(env, NULL, "lazylab native loops: castFloat takes a Float64Array and a Float32Array");
    return NULL;
  }
  if (!in_bounds(env, al, ao, n, 1) || !in_bounds(env, ol, oo, n, 1)) return NULL;
  if (n <= 0) return NULL;
  if (n >= STREAM_MIN) np_prefault(down ? (void *)((float *)o + oo) : (void *)((double *)o + oo), (size_t)n * (down ? sizeof(float) : sizeof(double)));
#ifdef LAZYLAB_X86
  if (down && n >= STREAM_MIN) PICK(f64_to_f32_stream)((const double *)a + ao, (float *)o + oo, n);
  else
#endif
  if (down) PICK(f64_to_f32)((const double *)a + ao, (float *)o + oo, n);
  else PICK(f32_to_f64)((const float *)a + ao, (double *)o + oo, n);
  return NULL;
}

/* The columns [*jb, *je) of an output whose rows (os1 elements apart, each of `item` bytes,
 * n0 columns) all begin at the same offset in a cache line: where every row is 64-byte aligned,
 * a whole number of lines. None (*jb == *je == 0) if rows begin at different offsets. */
static void line_columns(const void *o, size_t item, int64_t n0, int64_t os1, int64_t *jb, int64_t *je) {
  int64_t per_line = (int64_t)(64 / item);
  *jb = *je = 0;
  if (os1 % per_line != 0 || ((uintptr_t)o & (item - 1)) != 0) return;
  *jb = (int64_t)(((64 - ((uintptr_t)o & 63)) & 63) / item);
  if (*jb > n0) *jb = n0;
  *je = *jb + ((n0 - *jb) & ~(per_line - 1));
}

/* A fresh output of copy_2d: its pages from `populated` up to the FRESH_CHUNK boundary at or
 * after `need` (at most `end`) faulted in; returns how far it now is. */
static uintptr_t populate_ahead(uintptr_t populated, uintptr_t need, uintptr_t end) {
  if (need <= populated) return populated;
  uintptr_t next = (need + FRESH_CHUNK - 1) & ~(FRESH_CHUNK - 1);
  if (next > end) next = end;
  np_populate((void *)populated, next - populated);
  return next;
}

/* Rows [i0, i1) and columns [j0, j1) of a 2-D strided copy (below) element by element, the
 * output streamed out in pairs with `stream` (os0 == 1). */
static inline void copy_tile(const double *a, int64_t as1, int64_t as0, double *o, int64_t os1, int64_t os0, int64_t i0, int64_t i1, int64_t j0, int64_t j1, int stream) {
  for (int64_t i = i0; i < i1; i++) {
    const double *src = a + i * as1;
    double *dst = o + i * os1;
    int64_t j = j0;
#ifdef LAZYLAB_X86
    if (stream) {
      if (j < j1 && ((uintptr_t)(dst + j) & 15)) { dst[j] = src[j * as0]; j++; }
      for (; j + 2 <= j1; j += 2) _mm_stream_pd(dst + j, _mm_set_pd(src[(j + 1) * as0], src[j * as0]));
    }
#else
    (void)stream;
#endif
    for (; j < j1; j++) dst[j * os0] = src[j * as0];
  }
}

/*
 * A 2-D strided copy (a transposed or otherwise strided view copied into an array): tiles of
 * TILE x TILE elements, so the strided side's cache lines are used while they are in the
 * cache instead of being fetched once per element. Element (i, j) goes from
 * a[i*as1 + j*as0] to o[i*os1 + j*os0].
 */
#define TILE 32
#ifdef LAZYLAB_X86
/*
 * The transpose of one 8x8 block in registers: d[m*ds + k] = s[k*ss + m] for k, m < 8, each
 * row of d on a 64-byte boundary. Eight row loads, three rounds of shuffles and eight stores
 * of whole cache lines (streaming ones with `stream`), where the element loop makes eight
 * stores per output line and reads eight source lines for each.
 */
__attribute__((target("avx512f"), always_inline)) static inline void transpose_8x8(const double *s, int64_t ss, double *d, int64_t ds, int stream) {
  __m512d r0 = _mm512_loadu_pd(s), r1 = _mm512_loadu_pd(s + ss), r2 = _mm512_loadu_pd(s + 2 * ss), r3 = _mm512_loadu_pd(s + 3 * ss);
  __m512d r4 = _mm512_loadu_pd(s + 4 * ss), r5 = _mm512_loadu_pd(s + 5 * ss), r6 = _mm512_loadu_pd(s + 6 * ss), r7 = _mm512_loadu_pd(s + 7 * ss);
  /* Rows paired: t0 holds r0[0] r1[0] r0[2] r1[2] ..., t1 the odd elements. */
  __m512d t0 = _mm512_unpacklo_pd(r0, r1), t1 = _mm512_unpackhi_pd(r0, r1), t2 = _mm512_unpacklo_pd(r2, r3), t3 = _mm512_unpackhi_pd(r2, r3);
  __m512d t4 = _mm512_unpacklo_pd(r4, r5), t5 = _mm512_unpackhi_pd(r4, r5), t6 = _mm512_unpacklo_pd(r6, r7), t7 = _mm512_unpackhi_pd(r6, r7);
  /* 128-bit lanes 0 and 2 (0x88) or 1 and 3 (0xdd) of two registers: four rows' pairs. */
  __m512d u0 = _mm512_shuffle_f64x2(t0, t2, 0x88), u1 = _mm512_shuffle_f64x2(t1, t3, 0x88), u2 = _mm512_shuffle_f64x2(t0, t2, 0xdd), u3 = _mm512_shuffle_f64x2(t1, t3, 0xdd);
  __m512d u4 = _mm512_shuffle_f64x2(t4, t6, 0x88), u5 = _mm512_shuffle_f64x2(t5, t7, 0x88), u6 = _mm512_shuffle_f64x2(t4, t6, 0xdd), u7 = _mm512_shuffle_f64x2(t5, t7, 0xdd);
  __m512d v[8] = {
    _mm512_shuffle_f64x2(u0, u4, 0x88), _mm512_shuffle_f64x2(u1, u5, 0x88), _mm512_shuffle_f64x2(u2, u6, 0x88), _mm512_shuffle_f64x2(u3, u7, 0x88),
    _mm512_shuffle_f64x2(u0, u4, 0xdd), _mm512_shuffle_f64x2(u1, u5, 0xdd), _mm512_shuffle_f64x2(u2, u6, 0xdd), _mm512_shuffle_f64x2(u3, u7, 0xdd),
  };
  for (int m = 0; m < 8; m++) {
    if (stream) _mm512_stream_pd(d + m * ds, v[m]);
    else _mm512_store_pd(d + m * ds, v[m]);
  }
}

/* The same for a 4x8 block with AVX2 (d[m*ds + k] for m < 4, k < 8): two 4x4 transposes in
 * registers, each row of d written as one whole line in two stores. */
__attribute__((target("avx2"), always_inline)) static inline void transpose_4x8(const double *s, int64_t ss, double *d, int64_t ds, int stream) {
  __m256d v[8];
  for (int h = 0; h < 2; h++) {
    const double *q = s + 4 * h * ss;
    __m256d r0 = _mm256_loadu_pd(q), r1 = _mm256_loadu_pd(q + ss), r2 = _mm256_loadu_pd(q + 2 * ss), r3 = _mm256_loadu_pd(q + 3 * ss);
    __m256d t0 = _mm256_unpacklo_pd(r0, r1), t1 = _mm256_unpackhi_pd(r0, r1), t2 = _mm256_unpacklo_pd(r2, r3), t3 = _mm256_unpackhi_pd(r2, r3);
    /* 128-bit halves: the low ones of both (0x20) or the high ones (0x31). */
    v[h] = _mm256_permute2f128_pd(t0, t2, 0x20);
    v[2 + h] = _mm256_permute2f128_pd(t1, t3, 0x20);
    v[4 + h] = _mm256_permute2f128_pd(t0, t2, 0x31);
    v[6 + h] = _mm256_permute2f128_pd(t1, t3, 0x31);
  }
  for (int m = 0; m < 4; m++) {
    if (stream) {
      _mm256_stream_pd(d + m * ds, v[2 * m]);
      _mm256_stream_pd(d + m * ds + 4, v[2 * m + 1]);
    } else {
      _mm256_store_pd(d + m * ds, v[2 * m]);
      _mm256_store_pd(d + m * ds + 4, v[2 * m + 1]);
    }
  }
}

/* Rows [i0, i1) and columns [j0, j1) of a transpose (o[i*os1 + j] = a[i + j*as0]): blocks of
 * R rows and 8 columns (j1 - j0 a multiple of 8, every output row 64-byte aligned at j0), the
 * rows left over element by element. */
#define DEFINE_TRANSPOSE_TILE(SUFFIX, ATTR, R) \
  ATTR static void transpose_tile_##SUFFIX(const double *a, int64_t i0, int64_t i1, int64_t j0, int64_t j1, int64_t as0, double *o, int64_t os1, int stream) { \
    int64_t ib = i0 + ((i1 - i0) & ~(int64_t)(R - 1)); \
    for (int64_t i = i0; i < ib; i += R) \
      for (int64_t j = j0; j < j1; j += 8) transpose_##R##x8(a + i + j * as0, as0, o + i * os1 + j, os1, stream); \
    for (int64_t i = ib; i < i1; i++) \
      for (int64_t j = j0; j < j1; j++) o[i * os1 + j] = a[i + j * as0]; \
  }
DEFINE_TRANSPOSE_TILE(avx512, __attribute__((target("avx512f"))), 8)
DEFINE_TRANSPOSE_TILE(avx2, __attribute__((target("avx2"))), 4)
#endif

/*
 * A 2-D strided copy (a transposed or otherwise strided view copied into an array): tiles of
 * TILE x TILE elements, so the strided side's cache lines are used while they are in the
 * cache instead of being fetched once per element. Element (i, j) goes from
 * a[i*as1 + j*as0] to o[i*os1 + j*os0].
 *
 * A transpose (as1 == 1 and os0 == 1, e.g. `x.T.copy()`) with output rows that all start at
 * the same offset in a cache line goes in register blocks (8x8 with AVX-512, 4x8 with AVX2)
 * over the columns where rows are 64-byte aligned (the few before and after element by
 * element): the output is written in whole lines, never split across two. 4000x4000
 * `x.T.copy()` in an executor-like process (the output the buffer the last result freed,
 * streamed), Emerald Rapids: 1.1-1.2 ns/element with AVX-512, 1.3-1.8 with AVX2, against
 * 5.3-5.7 for the element loop (which the baseline loops keep). In C alone, blocks with
 * unaligned stores measured 4.9-7.5 ns/element against 2.5-3.1 aligned.
 */
static void copy_2d(const double *a, int64_t n1, int64_t n0, int64_t as1, int64_t as0, double *o, int64_t os1, int64_t os0) {
  /* A fresh output (a new array, never touched) laid out row after row is faulted in
   * FRESH_CHUNK-aligned pieces just ahead of the rows written into them, and written with plain
   * stores into the lines the kernel has just zeroed, as fresh_pieces does for elementwise
   * results. */
  int fresh = os0 == 1 && os1 == n0 && n1 * n0 >= STREAM_MIN && np_untouched(o, (size_t)(n1 * n0) * sizeof(double));
  uintptr_t populated = (uintptr_t)o, end = (uintptr_t)(o + n1 * n0);
  /* Columns [jb, je) of the transpose in blocks (none: jb == je == 0). */
  int64_t jb = 0, je = 0;
  int stream = 0;
#ifdef LAZYLAB_X86
  /* Any other large output written row-contiguously is streamed, as elementwise results are:
   * with plain stores the next operation paid for writing back the copy's dirty cache lines
   * (x**2 right after x.T.copy() measured 7-9 ns/element instead of 2.3-2.7). */
  stream = !fresh && os0 == 1 && n1 * n0 >= STREAM_MIN;
  if (np_avx2 && as1 == 1 && os0 == 1) line_columns(o, sizeof(double), n0, os1, &jb, &je);
#endif
  for (int64_t i0 = 0; i0 < n1; i0 += TILE) {
    int64_t i1 = i0 + TILE < n1 ? i0 + TILE : n1;
    if (fresh) populated = populate_ahead(populated, (uintptr_t)(o + i1 * os1), end);
#ifdef LAZYLAB_X86
    for (int64_t j0 = jb; j0 < je; j0 += TILE) {
      int64_t j1 = j0 + TILE < je ? j0 + TILE : je;
      if (np_avx512) transpose_tile_avx512(a, i0, i1, j0, j1, as0, o, os1, stream);
      else transpose_tile_avx2(a, i0, i1, j0, j1, as0, o, os1, stream);
    }
#endif
    /* Everything else element by element, tile by tile: columns [0, jb) and [je, n0). */
    copy_tile(a, as1, as0, o, os1, os0, i0, i1, 0, jb, stream);
    for (int64_t j0 = je; j0 < n0; j0 += TILE) copy_tile(a, as1, as0, o, os1, os0, i0, i1, j0, j0 + TILE < n0 ? j0 + TILE : n0, stream);
  }
#ifdef LAZYLAB_X86
  if (stream) _mm_sfence();
#endif
}

#ifdef LAZYLAB_X86
/* The transpose of an 8x16 float32 block with AVX2: d[m*ds + k] = s[k*ss + m] for m < 8,
 * k < 16, each row of d 64-byte aligned and written as one whole line in two stores. Two 8x8
 * transposes in registers (pairs interleaved, then 64-bit pairs, then 128-bit halves). */
__attribute__((target("avx2"), always_inline)) static inline void transpose_f32_8x16(const float *s, int64_t ss, float *d, int64_t ds) {
  __m256 v[16];
  for (int h = 0; h < 2; h++) {
    const float *q = s + 8 * h * ss;
    __m256 r[8];
    for (int k = 0; k < 8; k++) r[k] = _mm256_loadu_ps(q + k * ss);
    __m256 t[8];
    for (int k = 0; k < 8; k += 2) {
      t[k] = _mm256_unpacklo_ps(r[k], r[k + 1]);
      t[k + 1] = _mm256_unpackhi_ps(r[k], r[k + 1]);
    }
    /* u[m] for m < 4 holds rows 0-3's element m (and m + 4 in its upper half), u[4 + m] rows 4-7's. */
    __m256 u[8];
    for (int g = 0; g < 2; g++) {
      u[4 * g] = _mm256_shuffle_ps(t[4 * g], t[4 * g + 2], _MM_SHUFFLE(1, 0, 1, 0));
      u[4 * g + 1] = _mm256_shuffle_ps(t[4 * g], t[4 * g + 2], _MM_SHUFFLE(3, 2, 3, 2));
      u[4 * g + 2] = _mm256_shuffle_ps(t[4 * g + 1], t[4 * g + 3], _MM_SHUFFLE(1, 0, 1, 0));
      u[4 * g + 3] = _mm256_shuffle_ps(t[4 * g + 1], t[4 * g + 3], _MM_SHUFFLE(3, 2, 3, 2));
    }
    for (int m = 0; m < 4; m++) {
      v[2 * m + h] = _mm256_permute2f128_ps(u[m], u[4 + m], 0x20);
      v[2 * (m + 4) + h] = _mm256_permute2f128_ps(u[m], u[4 + m], 0x31);
    }
  }
  for (int m = 0; m < 8; m++) {
    _mm256_store_ps(d + m * ds, v[2 * m]);
    _mm256_store_ps(d + m * ds + 8, v[2 * m + 1]);
  }
}

/* Rows [i0, i1) and columns [j0, j1) of a float32 transpose (o[i*os1 + j] = a[i + j*as0]) in
 * 8x16 blocks (j1 - j0 a multiple of 16, every output row 64-byte aligned at j0), the rows
 * left over element by element. */
__attribute__((target("avx2"))) static void transpose_tile_f32(const float *a, int64_t i0, int64_t i1, int64_t j0, int64_t j1, int64_t as0, float *o, int64_t os1) {
  int64_t ib = i0 + ((i1 - i0) & ~(int64_t)7);
  for (int64_t i = i0; i < ib; i += 8)
    for (int64_t j = j0; j < j1; j += 16) transpose_f32_8x16(a + i + j * as0, as0, o + i * os1 + j, os1);
  for (int64_t i = ib; i < i1; i++)
    for (int64_t j = j0; j < j1; j++) o[i * os1 + j] = a[i + j * as0];
}
#endif

/* copy_tile for float32, with plain stores. */
static inline void copy_tile_f32(const float *a, int64_t as1, int64_t as0, float *o, int64_t os1, int64_t os0, int64_t i0, int64_t i1, int64_t j0, int64_t j1) {
  for (int64_t i = i0; i < i1; i++)
    for (int64_t j = j0; j < j1; j++) o[i * os1 + j * os0] = a[i * as1 + j * as0];
}

/*
 * copy_2d for float32: the same tiles, the same fresh outputs, and a transpose in 8x16 register
 * blocks with AVX2 over the columns where output rows are 64-byte aligned; plain stores
 * throughout. 4000x4000 float32 `x.T.copy()` in an executor-like process: 6.4-7.6 ns/element
 * in lib/np's JavaScript loop before (NumPy 2.7-2.8).
 */
static void copy_2d_f32(const float *a, int64_t n1, int64_t n0, int64_t as1, int64_t as0, float *o, int64_t os1, int64_t os0) {
  int fresh = os0 == 1 && os1 == n0 && n1 * n0 >= STREAM_MIN && np_untouched(o, (size_t)(n1 * n0) * sizeof(float));
  uintptr_t populated = (uintptr_t)o, end = (uintptr_t)(o + n1 * n0);
  int64_t jb = 0, je = 0;
#ifdef LAZYLAB_X86
  if (np_avx2 && as1 == 1 && os0 == 1) line_columns(o, sizeof(float), n0, os1, &jb, &je);
#endif
  for (int64_t i0 = 0; i0 < n1; i0 += TILE) {
    int64_t i1 = i0 + TILE < n1 ? i0 + TILE : n1;
    if (fresh) populated = populate_ahead(populated, (uintptr_t)(o + i1 * os1), end);
#ifdef LAZYLAB_X86
    for (int64_t j0 = jb; j0 < je; j0 += TILE) transpose_tile_f32(a, i0, i1, j0, j0 + TILE < je ? j0 + TILE : je, as0, o, os1);
#endif
    /* Everything else element by element, tile by tile: columns [0, jb) and [je, n0). */
    copy_tile_f32(a, as1, as0, o, os1, os0, i0, i1, 0, jb);
    for (int64_t j0 = je; j0 < n0; j0 += TILE) copy_tile_f32(a, as1, as0, o, os1, os0, i0, i1, j0, j0 + TILE < n0 ? j0 + TILE : n0);
  }
}

/* The lowest and highest element a 2-D strided walk touches lie in an array of `length`. */
static int walk_in_bounds(napi_env env, size_t length, int64_t off, int64_t n1, int64_t n0, int64_t s1, int64_t s0) {
  int64_t lo = off, hi = off;
  if (n1 <= 0 || n0 <= 0) return 1;
  if (s1 < 0) lo += (n1 - 1) * s1; else hi += (n1 - 1) * s1;
  if (s0 < 0) lo += (n0 - 1) * s0; else hi += (n0 - 1) * s0;
  if (lo < 0 || hi >= (int64_t)length) {
    napi_throw_range_error(env, NULL, "lazylab native loops: range outside the array");
    return 0;
  }
  return 1;
}

/* copy2d(a, aOffset, n1, n0, aStride1, aStride0, out, outOffset, outStride1, outStride0): two
 * Float64Arrays or two Float32Arrays. */
static napi_value js_copy_2d(napi_env env, napi_callback_info info) {
  size_t argc = 10;
  napi_value argv[10];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  napi_typedarray_type at, ot;
  void *a, *o;
  size_t al, ol;
  int64_t ao, n1, n0, as1, as0, oo, os1, os0;
  if (argc != 10 || !get_int(env, argv[1], &ao) || !get_int(env, argv[2], &n1) || !get_int(env, argv[3], &n0) || !get_int(env, argv[4], &as1) ||
      !get_int(env, argv[5], &as0) || !get_int(env, argv[7], &oo) || !get_int(env, argv[8], &os1) || !get_int(env, argv[9], &os0))
    return NULL;
  if (napi_get_typedarray_info(env, argv[0], &at, &al, &a, NULL, NULL) != napi_ok || napi_get_typedarray_info(env, argv[6], &ot, &ol, &o, NULL, NULL) != napi_ok ||
      at != ot || (at != napi_float64_array && at != napi_float32_array)) {
    napi_throw_type_error(env, NULL, "lazylab native loops: copy2d takes two Float64Arrays or two Float32Arrays");
    return NULL;
  }
  if (!walk_in_bounds(env, al, ao, n1, n0, as1, as0) || !walk_in_bounds(env, ol, oo, n1, n0, os1, os0)) return NULL;
  if (n1 <= 0 || n0 <= 0) return NULL;
  if (at == napi_float64_array) copy_2d((const double *)a + ao, n1, n0, as1, as0, (double *)o + oo, os1, os0);
  else copy_2d_f32((const float *)a + ao, n1, n0, as1, as0, (float *)o + oo, os1, os0);
  return NULL;
}

void np_elementwise_register(napi_env env, napi_value exports) {
  build_bit_bytes();
  napi_property_descriptor props[] = {
    { "elementwise", NULL, js_elementwise, NULL, NULL, NULL, napi_default, NULL },
    { "compare", NULL, js_compare, NULL, NULL, NULL, napi_default, NULL },
    { "fill", NULL, js_fill, NULL, NULL, NULL, napi_default, NULL },
    { "castFloat", NULL, js_cast_float, NULL, NULL, NULL, napi_default, NULL },
    { "copy2d", NULL, js_copy_2d, NULL, NULL, NULL, napi_default, NULL },
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
}
