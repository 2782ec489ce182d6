/*
 * lazylab's optional native loops for float64 arrays (lib/np/native.ts loads them; without
 * this addon the same operations run as JavaScript loops).
 *
 * Why native code: V8 does not vectorise typed-array loops and WebAssembly cannot address a
 * JavaScript ArrayBuffer without copying it into its own memory. Measured on 4000x4000
 * float64 (bench/np.ts): JS loops ran x*x at 1.2-1.8 ns/element and row sums at 0.55-0.6,
 * a wasm SIMD kernel fed through a 32 KB scratch buffer at 0.9-1.0 and 0.51, NumPy at
 * 0.5-0.76 and 0.43-0.48. These loops read and write the arrays in place.
 *
 * Results are bit-identical to NumPy's: only IEEE-exact operations (+ - * / sqrt, negation,
 * absolute value), no contraction into fused multiply-adds (built with -ffp-contract=off),
 * and the sum is NumPy's pairwise summation with its 8 accumulators and block sizes; the
 * compiler may put the 8 accumulators in vector registers but cannot reorder the additions.
 */
#include <node_api.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define LAZYLAB_X86 1
#endif

#define PW_BLOCKSIZE 128
/* NumPy reduces long lines in buffer-sized blocks: acc += pairwise(block). */
#define BUFSIZE 8192
/*
 * Outputs of at least this many elements (8 MB) are written with non-temporal (streaming)
 * stores: they bypass the cache, so a store does not first read the output's cache line (a
 * third of the memory traffic of `o = f(a)`), and an output this size would not stay in the
 * cache anyway. Measured on a quiet 2-core EPYC VM (C loops alone, 4000x4000): `x*x` into
 * `out` 1.33-1.39 -> 0.88-0.95 ns/element, fill 1.03 -> 0.44; at 1000x1000 1.42 -> 1.12.
 * The result is computed in registers and streamed directly: computing a block into the
 * cache and streaming it out from there measured no faster than plain stores (regular and
 * streaming stores interleaved). An earlier try under a load of 12-15 had found streaming
 * slower: the load, not the stores, decided that figure.
 */
#define STREAM_MIN (1 << 20)

enum { OP_COPY, OP_SQUARE, OP_NEG, OP_ABS, OP_SQRT, OP_ADD, OP_SUB, OP_MUL, OP_DIV };

/* One elementwise loop per operation, written so the compiler vectorises it (with a runtime
 * overlap check: shifted in-place views fall back to the in-order scalar loop, like the
 * JavaScript one). as/bs are 1 (array) or 0 (a broadcast scalar). */
#define UNARY(EXPR) \
  for (intptr_t i = 0; i < n; i++) { double x = a[i]; o[i] = EXPR; }
#define BINARY(EXPR) \
  if (as && bs) { for (intptr_t i = 0; i < n; i++) { double x = a[i], y = b[i]; o[i] = EXPR; } } \
  else if (as) { double y = b[0]; for (intptr_t i = 0; i < n; i++) { double x = a[i]; o[i] = EXPR; } } \
  else { double x = a[0]; for (intptr_t i = 0; i < n; i++) { double y = b[i]; o[i] = EXPR; } }

/*
 * The loops, defined twice: for the baseline instruction set and, on x86-64, for AVX2
 * (chosen at load time when the CPU has it, as NumPy dispatches its loops). Only the
 * vector width differs: the same IEEE operations in the same order (AVX2 alone does not
 * enable FMA, and -ffp-contract=off forbids contraction), so results are bit-identical.
 * The 8 accumulators of the pairwise sum become two 4-wide registers instead of four
 * 2-wide ones: row sums 0.80-0.86 -> 0.71-0.73 ns/element here.
 */
#define DEFINE_LOOPS(SUFFIX, ATTR) \
  ATTR static double pairwise_sum_##SUFFIX(const double *a, intptr_t n) { \
    if (n < 8) { \
      double res = 0.; \
      for (intptr_t i = 0; i < n; i++) res += a[i]; \
      return res; \
    } \
    if (n <= PW_BLOCKSIZE) { \
      double r[8]; \
      for (int j = 0; j < 8; j++) r[j] = a[j]; \
      intptr_t i; \
      for (i = 8; i < n - (n % 8); i += 8) { \
        for (int j = 0; j < 8; j++) r[j] += a[i + j]; \
      } \
      double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7])); \
      for (; i < n; i++) res += a[i]; \
      return res; \
    } \
    intptr_t n2 = n / 2; \
    n2 -= n2 % 8; \
    return pairwise_sum_##SUFFIX(a, n2) + pairwise_sum_##SUFFIX(a + n2, n - n2); \
  } \
  ATTR static void sum_lines_##SUFFIX(const double *a, int64_t lines, int64_t n, int64_t stride, double *o) { \
    for (int64_t k = 0; k < lines; k++) { \
      const double *line = a + k * stride; \
      double acc = 0.; \
      for (int64_t s = 0; s < n; s += BUFSIZE) acc += pairwise_sum_##SUFFIX(line + s, n - s < BUFSIZE ? n - s : BUFSIZE); \
      o[k] = acc; \
    } \
  } \
  ATTR static void kernel_##SUFFIX(int op, const double *a, int as, const double *b, int bs, double *o, intptr_t n) { \
    switch (op) { \
      case OP_COPY: UNARY(x); break; \
      case OP_SQUARE: UNARY(x * x); break; \
      case OP_NEG: UNARY(-x); break; \
      case OP_ABS: UNARY(fabs(x)); break; \
      case OP_SQRT: UNARY(sqrt(x)); break; \
      case OP_ADD: BINARY(x + y); break; \
      case OP_SUB: BINARY(x - y); break; \
      case OP_MUL: BINARY(x * y); break; \
      case OP_DIV: BINARY(x / y); break; \
    } \
  }

DEFINE_LOOPS(base, )
#ifdef LAZYLAB_X86
DEFINE_LOOPS(avx2, __attribute__((target("avx2"))))
#endif

typedef void (*kernel_fn)(int, const double *, int, const double *, int, double *, intptr_t);
typedef void (*sum_lines_fn)(const double *, int64_t, int64_t, int64_t, double *);
static kernel_fn kernel = kernel_base;
static sum_lines_fn sum_lines = sum_lines_base;


#ifdef LAZYLAB_X86
/*
 * The streaming loops: the same operations on vectors of W doubles, each result stored with a
 * non-temporal store (which needs an aligned address: the first elements go through the
 * plain loop until o is aligned, the last ones after the vectors). Negation flips the sign
 * bit and the absolute value clears it, as C's -x and fabs do; the rest are the IEEE
 * operations themselves, so the bits are the plain loops'.
 */
#define S_UNARY(VEXPR) \
  for (intptr_t i = 0; i < m; i += W) { VT x = LOADU(a + i); STREAM(o + i, VEXPR); }
#define S_BINARY(VEXPR) \
  if (as && bs) { for (intptr_t i = 0; i < m; i += W) { VT x = LOADU(a + i), y = LOADU(b + i); STREAM(o + i, VEXPR); } } \
  else if (as) { VT y = SET1(b[0]); for (intptr_t i = 0; i < m; i += W) { VT x = LOADU(a + i); STREAM(o + i, VEXPR); } } \
  else { VT x = SET1(a[0]); for (intptr_t i = 0; i < m; i += W) { VT y = LOADU(b + i); STREAM(o + i, VEXPR); } }
#define DEFINE_STREAMING(SUFFIX, ATTR, VT_, W_, LOADU_, STREAM_, SET1_, P) \
  ATTR static void streaming_##SUFFIX(int op, const double *a, int as, const double *b, int bs, double *o, intptr_t n) { \
    typedef VT_ VT; \
    enum { W = W_ }; \
    intptr_t head = 0; \
    while (head < n && ((uintptr_t)(o + head) % (W * sizeof(double)))) head++; \
    kernel_##SUFFIX(op, a, as, b, bs, o, head); \
    a += head * as; b += head * bs; o += head; n -= head; \
    intptr_t m = n - n % W; \
    const VT sign = SET1_(-0.0); \
    (void)sign; \
    switch (op) { \
      case OP_COPY: S_UNARY(x); break; \
      case OP_SQUARE: S_UNARY(P##_mul_pd(x, x)); break; \
      case OP_NEG: S_UNARY(P##_xor_pd(x, sign)); break; \
      case OP_ABS: S_UNARY(P##_andnot_pd(sign, x)); break; \
      case OP_SQRT: S_UNARY(P##_sqrt_pd(x)); break; \
      case OP_ADD: S_BINARY(P##_add_pd(x, y)); break; \
      case OP_SUB: S_BINARY(P##_sub_pd(x, y)); break; \
      case OP_MUL: S_BINARY(P##_mul_pd(x, y)); break; \
      case OP_DIV: S_BINARY(P##_div_pd(x, y)); break; \
    } \
    _mm_sfence(); \
    kernel_##SUFFIX(op, a + m * as, as, b + m * bs, bs, o + m, n - m); \
  } \
  ATTR static void stream_fill_##SUFFIX(double *o, double value, intptr_t n) { \
    intptr_t i = 0; \
    for (; i < n && ((uintptr_t)(o + i) % (W_ * sizeof(double))); i++) o[i] = value; \
    VT_ v = SET1_(value); \
    for (; i + W_ <= n; i += W_) STREAM_(o + i, v); \
    _mm_sfence(); \
    for (; i < n; i++) o[i] = value; \
  }
#define LOADU _mm_loadu_pd
#define STREAM _mm_stream_pd
#define SET1 _mm_set1_pd
DEFINE_STREAMING(base, , __m128d, 2, _mm_loadu_pd, _mm_stream_pd, _mm_set1_pd, _mm)
#undef LOADU
#undef STREAM
#undef SET1
#define LOADU _mm256_loadu_pd
#define STREAM _mm256_stream_pd
#define SET1 _mm256_set1_pd
DEFINE_STREAMING(avx2, __attribute__((target("avx2"))), __m256d, 4, _mm256_loadu_pd, _mm256_stream_pd, _mm256_set1_pd, _mm256)
#undef LOADU
#undef STREAM
#undef SET1

static kernel_fn streaming = streaming_base;
static void (*stream_fill)(double *, double, intptr_t) = stream_fill_base;
#endif

/* AVX2 loops where the CPU has them; LAZYLAB_NATIVE_ISA=baseline keeps the baseline ones (tests). */
static void choose_loops(void) {
#ifdef LAZYLAB_X86
  const char *isa = getenv("LAZYLAB_NATIVE_ISA");
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2") && !(isa && strcmp(isa, "baseline") == 0)) {
    kernel = kernel_avx2;
    sum_lines = sum_lines_avx2;
    streaming = streaming_avx2;
    stream_fill = stream_fill_avx2;
  }
#endif
}

/* [p, p+n) and [q, q+m) share memory without being the same start (in place is fine). */
static int overlaps(const double *p, intptr_t n, const double *q, intptr_t m) {
  return p != q && p < q + m && q < p + n;
}

static void elementwise(int op, const double *a, int as, const double *b, int bs, double *o, intptr_t n) {
#ifdef LAZYLAB_X86
  if (n >= STREAM_MIN && !overlaps(o, n, a, as ? n : 1) && !overlaps(o, n, b, bs ? n : 1)) {
    streaming(op, a, as, b, bs, o, n);
    return;
  }
#endif
  kernel(op, a, as, b, bs, o, n);
}

/* o[0..n) = value, streaming for large n. */
static void fill(double *o, double value, intptr_t n) {
#ifdef LAZYLAB_X86
  if (n >= STREAM_MIN) {
    stream_fill(o, value, n);
    return;
  }
#endif
  for (intptr_t i = 0; i < n; i++) o[i] = value;
}

/* ---- N-API glue ---------------------------------------------------------------------- */

static int get_f64(napi_env env, napi_value v, double **data, size_t *length) {
  napi_typedarray_type type;
  void *p;
  if (napi_get_typedarray_info(env, v, &type, length, &p, NULL, NULL) != napi_ok || type != napi_float64_array) {
    napi_throw_type_error(env, NULL, "lazylab native loops: expected a Float64Array");
    return 0;
  }
  *data = (double *)p;
  return 1;
}

static int get_int(napi_env env, napi_value v, int64_t *out) {
  if (napi_get_value_int64(env, v, out) != napi_ok) {
    napi_throw_type_error(env, NULL, "lazylab native loops: expected an integer");
    return 0;
  }
  return 1;
}

static int in_bounds(napi_env env, size_t length, int64_t off, int64_t n, int64_t step) {
  if (off < 0 || n < 0 || (n > 0 && off + (n - 1) * step >= (int64_t)length)) {
    napi_throw_range_error(env, NULL, "lazylab native loops: range outside the array");
    return 0;
  }
  return 1;
}

/* elementwise(op, a, aOffset, aStep(0|1), b, bOffset, bStep(0|1), out, outOffset, n) */
static napi_value js_elementwise(napi_env env, napi_callback_info info) {
  size_t argc = 10;
  napi_value argv[10];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int64_t op, ao, as, bo, bs, oo, n;
  double *a, *b, *o;
  size_t al, bl, ol;
  if (argc != 10 || !get_int(env, argv[0], &op) || !get_f64(env, argv[1], &a, &al) || !get_int(env, argv[2], &ao) ||
      !get_int(env, argv[3], &as) || !get_f64(env, argv[4], &b, &bl) || !get_int(env, argv[5], &bo) ||
      !get_int(env, argv[6], &bs) || !get_f64(env, argv[7], &o, &ol) || !get_int(env, argv[8], &oo) || !get_int(env, argv[9], &n))
    return NULL;
  if (op < OP_COPY || op > OP_DIV || (as != 0 && as != 1) || (bs != 0 && bs != 1)) {
    napi_throw_range_error(env, NULL, "lazylab native loops: bad operation or step");
    return NULL;
  }
  if (!in_bounds(env, al, ao, n, as) || !in_bounds(env, bl, bo, n, bs) || !in_bounds(env, ol, oo, n, 1)) return NULL;
  if (n > 0) elementwise((int)op, a + ao, (int)as, b + bo, (int)bs, o + oo, n);
  return NULL;
}

/* sumLines(a, offset, lines, n, lineStride, out, outOffset): out[k] = NumPy's sum of a line. */
static napi_value js_sum_lines(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int64_t off, lines, n, stride, oo;
  double *a, *o;
  size_t al, ol;
  if (argc != 7 || !get_f64(env, argv[0], &a, &al) || !get_int(env, argv[1], &off) || !get_int(env, argv[2], &lines) ||
      !get_int(env, argv[3], &n) || !get_int(env, argv[4], &stride) || !get_f64(env, argv[5], &o, &ol) || !get_int(env, argv[6], &oo))
    return NULL;
  if (lines < 0 || n < 0 || stride < 0) {
    napi_throw_range_error(env, NULL, "lazylab native loops: negative count or stride");
    return NULL;
  }
  if (!in_bounds(env, ol, oo, lines, 1)) return NULL;
  if (lines > 0 && n > 0 && !in_bounds(env, al, off + (lines - 1) * stride, n, 1)) return NULL;
  if (lines > 0) sum_lines(a + off, lines, n, stride, o + oo);
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
  if (argc != 4 || !get_f64(env, argv[0], &o, &ol) || !get_int(env, argv[1], &off) || !get_int(env, argv[2], &n)) return NULL;
  if (napi_get_value_double(env, argv[3], &value) != napi_ok) {
    napi_throw_type_error(env, NULL, "lazylab native loops: expected a number");
    return NULL;
  }
  if (!in_bounds(env, ol, off, n, 1)) return NULL;
  if (n > 0) fill(o + off, value, n);
  return NULL;
}

/* Which loops were chosen at load time ("avx2" or "baseline"), for tests and benchmarks. */
static napi_value js_isa(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value r;
  napi_create_string_utf8(env, kernel == kernel_base ? "baseline" : "avx2", NAPI_AUTO_LENGTH, &r);
  return r;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    { "elementwise", NULL, js_elementwise, NULL, NULL, NULL, napi_default, NULL },
    { "sumLines", NULL, js_sum_lines, NULL, NULL, NULL, napi_default, NULL },
    { "fill", NULL, js_fill, NULL, NULL, NULL, napi_default, NULL },
    { "isa", NULL, js_isa, NULL, NULL, NULL, napi_default, NULL },
  };
  choose_loops();
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
