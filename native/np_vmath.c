/*
 * A vectorised exp for float64, for the CPUs on which NumPy itself does not call the C library.
 *
 * NumPy 1.24 computes float64 exp with its own AVX-512 code where the CPU has AVX512F (SVML's
 * where it is linked in), and with the C library's exp elsewhere. lazylab follows the same
 * split (np_addon.c chooses once at load): elsewhere its exp is the C library's, bit for bit
 * NumPy's; on AVX-512 machines no library call gives NumPy's bits (measured: 24 % of results
 * differ from glibc's, by up to 2 ulps), so lazylab runs this loop, which is as accurate as the
 * C library's (within 1 ulp of glibc in test/np-native.test.ts) and about as fast as NumPy's.
 *
 * The method is the classic one (fdlibm's e_exp.c, Tang's): x = k ln2 + r with k the nearest
 * integer to x/ln2 and |r| <= ln2/2, ln2 split in a high part with trailing zero bits (so k*hi
 * and x - k*hi are exact) and a low part; exp(r) = 1 + r + r^2 p(r) with p Taylor's series to
 * r^11/13! (the next term is below 2^-56 relative on |r| <= 0.347); the scaling by 2^k is
 * exact (scalef, or k written into the exponent bits). The result is within ~0.8 ulp of
 * exp(x). Lanes outside [-708, 709] (where the result is subnormal, overflows or is NaN) take
 * the C library's exp.
 */
#include "np_common.h"

#ifdef LAZYLAB_X86
/* 1/n! for n = 13 down to 2: Horner's coefficients of p. */
static const double EXP_C[12] = {
  1.0 / 6227020800.0, 1.0 / 479001600.0, 1.0 / 39916800.0, 1.0 / 3628800.0, 1.0 / 362880.0, 1.0 / 40320.0,
  1.0 / 5040.0, 1.0 / 720.0, 1.0 / 120.0, 1.0 / 24.0, 1.0 / 6.0, 1.0 / 2.0,
};
#define LOG2E 1.44269504088896338700e+00
#define LN2_HI 6.93147180369123816490e-01 /* 0x3fe62e42fee00000 */
#define LN2_LO 1.90821492927058770002e-10 /* 0x3dea39ef35793c76 */

/*
 * Each element's result depends on that element alone (not on its neighbours or on where the
 * array starts): the polynomial runs for every lane, in-range or not, at the ends through
 * masked loads and stores, and lanes outside [-708, 709] are then replaced by the C library's
 * exp. So the eight-lane loop (AVX512F) and the four-lane one (AVX2 + FMA, its check: both
 * must give the same bits, test/np-native.test.ts) agree bit for bit.
 */
__attribute__((target("avx512f"))) static inline __m512d exp8(__m512d x) {
  __m512d k = _mm512_roundscale_pd(_mm512_mul_pd(x, _mm512_set1_pd(LOG2E)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m512d r = _mm512_fnmadd_pd(k, _mm512_set1_pd(LN2_HI), x);
  r = _mm512_fnmadd_pd(k, _mm512_set1_pd(LN2_LO), r);
  __m512d p = _mm512_set1_pd(EXP_C[0]);
  for (int j = 1; j < 12; j++) p = _mm512_fmadd_pd(p, r, _mm512_set1_pd(EXP_C[j]));
  return _mm512_scalef_pd(_mm512_add_pd(_mm512_set1_pd(1.0), _mm512_fmadd_pd(_mm512_mul_pd(r, r), p, r)), k);
}

/* Lanes of x outside [-708, 709], or NaN. */
__attribute__((target("avx512f"))) static inline __mmask8 outside8(__m512d x) {
  return (__mmask8)~(_mm512_cmp_pd_mask(x, _mm512_set1_pd(-708.0), _CMP_GE_OQ) & _mm512_cmp_pd_mask(x, _mm512_set1_pd(709.0), _CMP_LE_OQ));
}

/* o[0..m) = exp(a[0..m)) for m <= 8, with the C library for the lanes outside the range. */
__attribute__((target("avx512f"))) static inline void exp8_part(const double *a, double *o, int m, int stream) {
  __mmask8 lanes = (__mmask8)(m == 8 ? 0xFF : (1u << m) - 1);
  __m512d x = _mm512_maskz_loadu_pd(lanes, a);
  __mmask8 fix = outside8(x) & lanes;
  double xs[8];
  if (fix) _mm512_storeu_pd(xs, x);
  __m512d e = exp8(x);
  if (stream && m == 8) _mm512_stream_pd(o, e);
  else _mm512_mask_storeu_pd(o, lanes, e);
  for (int j = 0; fix; j++, fix >>= 1) if (fix & 1) o[j] = exp(xs[j]);
}

__attribute__((target("avx512f"))) static void vexp8(const double *a, double *o, intptr_t n) {
  const int stream = n >= STREAM_MIN && np_tuning.exp_stream;
  intptr_t i = 0;
  if (stream) {
    /* Up to the first 64-byte boundary of o, for the streaming stores. */
    intptr_t head = (intptr_t)(((64 - ((uintptr_t)o & 63)) & 63) / sizeof(double));
    if (head > 0) { exp8_part(a, o, (int)head, 0); i = head; }
  }
  int aligned = stream && (((uintptr_t)(o + i)) & 63) == 0;
  const int64_t ahead = n >= STREAM_MIN ? np_tuning.exp_ahead : 0;
  for (; i + 8 <= n; i += 8) {
    if (ahead) _mm_prefetch((const char *)AHEAD_ADDR(a + i, ahead), _MM_HINT_T0);
    __m512d x = _mm512_loadu_pd(a + i);
    __mmask8 fix = outside8(x);
    if (__builtin_expect(fix != 0, 0)) {
      exp8_part(a + i, o + i, 8, 0);
      continue;
    }
    __m512d e = exp8(x);
    if (aligned) _mm512_stream_pd(o + i, e);
    else _mm512_storeu_pd(o + i, e);
  }
  if (aligned) _mm_sfence();
  if (i < n) exp8_part(a + i, o + i, (int)(n - i), 0);
}

static void vexp4(const double *a, double *o, intptr_t n);

/* The eight-lane loop where the CPU has AVX512F; LAZYLAB_NATIVE_EXP=avx2 runs the four-lane
 * one instead (tests compare the two). */
void np_vexp(const double *a, double *o, intptr_t n) {
  static int four = -1;
  if (four < 0) {
    const char *which = getenv("LAZYLAB_NATIVE_EXP");
    four = !np_avx512 || (which && strcmp(which, "avx2") == 0);
  }
  if (four) vexp4(a, o, n);
  else vexp8(a, o, n);
}

/* The four-lane loop: the same operations in the same order, 2^k put in the exponent bits
 * (scalef's result for the normal numbers this range gives). */
__attribute__((target("avx2,fma"))) static inline __m256d exp4(__m256d x) {
  __m256d k = _mm256_round_pd(_mm256_mul_pd(x, _mm256_set1_pd(LOG2E)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m256d r = _mm256_fnmadd_pd(k, _mm256_set1_pd(LN2_HI), x);
  r = _mm256_fnmadd_pd(k, _mm256_set1_pd(LN2_LO), r);
  __m256d p = _mm256_set1_pd(EXP_C[0]);
  for (int j = 1; j < 12; j++) p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(EXP_C[j]));
  __m256d e = _mm256_add_pd(_mm256_set1_pd(1.0), _mm256_fmadd_pd(_mm256_mul_pd(r, r), p, r));
  /* k clamped so that lanes outside the range (replaced afterwards) convert harmlessly. */
  __m256d kc = _mm256_min_pd(_mm256_max_pd(k, _mm256_set1_pd(-1022.0)), _mm256_set1_pd(1023.0));
  __m256i scale = _mm256_slli_epi64(_mm256_add_epi64(_mm256_cvtepi32_epi64(_mm256_cvtpd_epi32(kc)), _mm256_set1_epi64x(1023)), 52);
  return _mm256_mul_pd(e, _mm256_castsi256_pd(scale));
}

__attribute__((target("avx2,fma"))) static void vexp4(const double *a, double *o, intptr_t n) {
  for (intptr_t i = 0; i < n; i += 4) {
    int m = n - i < 4 ? (int)(n - i) : 4;
    double xs[4] = { 0, 0, 0, 0 }, es[4];
    memcpy(xs, a + i, (size_t)m * sizeof(double));
    __m256d x = _mm256_loadu_pd(xs);
    _mm256_storeu_pd(es, exp4(x));
    for (int j = 0; j < m; j++) o[i + j] = xs[j] >= -708.0 && xs[j] <= 709.0 ? es[j] : exp(xs[j]);
  }
}
#endif
