/*
 * lazylab's native reductions over float64 lines (and float32 sums): NumPy's pairwise sums, min/max, argmin/argmax,
 * var's sums of squared deviations and the row-by-row sums of an outer axis. lib/np/reduce.ts calls them when each output's
 * reduced elements form one contiguous line; the JavaScript loops there are the reference
 * (and the fallback), and these give the same bits.
 */
#include "np_common.h"
#include "np_pairwise.h"

/* NumPy reduces long lines in buffer-sized blocks: acc += pairwise(block) (np_pairwise.h). */
#define BUFSIZE PW_BUFSIZE
/* min/max/argmin/argmax look at lines in blocks of this many elements (see arg_line). */
#define ARG_BLOCK 1024

/*
 * min/max of a line, continuing from `acc`, exactly as the JavaScript loop does: an element
 * replaces the accumulator when it is strictly better or NaN, so the first NaN wins and of
 * equal values the first is kept (which decides between -0.0 and 0.0).
 */
static double minmax_exact(int is_max, const double *a, int64_t n, double acc) {
  if (acc != acc) return acc;
  for (int64_t i = 0; i < n; i++) {
    double v = a[i];
    if (is_max ? !(v <= acc) : !(v >= acc)) acc = v;
    if (acc != acc) return acc;
  }
  return acc;
}

/* The first index of the best element (NaN counts as best), as the JavaScript argReduce. */
static int64_t arg_exact(int is_max, const double *a, int64_t n) {
  double best = a[0];
  int64_t at = 0;
  if (best != best) return 0;
  for (int64_t i = 1; i < n; i++) {
    double v = a[i];
    if (v != v) return i;
    if (is_max ? v > best : v < best) {
      best = v;
      at = i;
    }
  }
  return at;
}

/*
 * Two neighbouring leaves of the pairwise tree (each of 8 to PW_BLOCKSIZE elements) summed in
 * one loop: each leaf's 8 accumulators add in NumPy's order, the two leaves' chains are
 * independent, so the additions of one hide the latency of the other's. Row sums and whole
 * sums of 4000x4000 measured 0.50-0.54 -> 0.40-0.44 ns/element (C alone, the bits unchanged).
 */
#ifdef LAZYLAB_X86
#define DEFINE_LEAF_PAIR(SUFFIX, ATTR, VT, W, P) \
  ATTR static void leaf_pair_##SUFFIX(const double *a, intptr_t na, const double *b, intptr_t nb, double *ra, double *rb) { \
    enum { K = 8 / W }; \
    VT r[K], q[K]; \
    for (int j = 0; j < K; j++) { r[j] = P##_loadu_pd(a + j * W); q[j] = P##_loadu_pd(b + j * W); } \
    intptr_t ma = na - na % 8, mb = nb - nb % 8, m = ma < mb ? ma : mb, i, k; \
    for (i = 8; i < m; i += 8) \
      for (int j = 0; j < K; j++) { r[j] = P##_add_pd(r[j], P##_loadu_pd(a + i + j * W)); q[j] = P##_add_pd(q[j], P##_loadu_pd(b + i + j * W)); } \
    for (k = i; k < ma; k += 8) for (int j = 0; j < K; j++) r[j] = P##_add_pd(r[j], P##_loadu_pd(a + k + j * W)); \
    for (k = i; k < mb; k += 8) for (int j = 0; j < K; j++) q[j] = P##_add_pd(q[j], P##_loadu_pd(b + k + j * W)); \
    double x8[8], y8[8]; \
    for (int j = 0; j < K; j++) { P##_storeu_pd(x8 + j * W, r[j]); P##_storeu_pd(y8 + j * W, q[j]); } \
    double x = ((x8[0] + x8[1]) + (x8[2] + x8[3])) + ((x8[4] + x8[5]) + (x8[6] + x8[7])); \
    double y = ((y8[0] + y8[1]) + (y8[2] + y8[3])) + ((y8[4] + y8[5]) + (y8[6] + y8[7])); \
    for (k = ma; k < na; k++) x += a[k]; \
    for (k = mb; k < nb; k++) y += b[k]; \
    *ra = x; \
    *rb = y; \
  }
DEFINE_LEAF_PAIR(base, , __m128d, 2, _mm)
DEFINE_LEAF_PAIR(avx2, __attribute__((target("avx2"))), __m256d, 4, _mm256)
#else
static void leaf_pair_base(const double *a, intptr_t na, const double *b, intptr_t nb, double *ra, double *rb) {
  double r[8], q[8];
  for (int j = 0; j < 8; j++) { r[j] = a[j]; q[j] = b[j]; }
  intptr_t ma = na - na % 8, mb = nb - nb % 8, m = ma < mb ? ma : mb, i, k;
  for (i = 8; i < m; i += 8) for (int j = 0; j < 8; j++) { r[j] += a[i + j]; q[j] += b[i + j]; }
  for (k = i; k < ma; k += 8) for (int j = 0; j < 8; j++) r[j] += a[k + j];
  for (k = i; k < mb; k += 8) for (int j = 0; j < 8; j++) q[j] += b[k + j];
  double x = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
  double y = ((q[0] + q[1]) + (q[2] + q[3])) + ((q[4] + q[5]) + (q[6] + q[7]));
  for (k = ma; k < na; k++) x += a[k];
  for (k = mb; k < nb; k++) y += b[k];
  *ra = x;
  *rb = y;
}
#endif

/*
 * The loops, for each instruction set. The pairwise sum is NumPy's, with its 8 accumulators
 * and block sizes (the compiler puts the 8 in vector registers but cannot reorder additions).
 *
 * Two ways through the same tree, the same bits. `paired` sums neighbouring leaves together
 * (leaf_pair): fastest when the data is in the cache, but from memory it ran 2-2.5x slower
 * than plain leaves (4000x4000 row sums, C alone: 0.61-0.67 against 0.24-0.28 ns/element,
 * NumPy 0.24): callers pair only lines that fit in L2 (PAIR_MAX_BYTES). Each leaf asks for the
 * memory SUM_PREFETCH elements ahead (the rest of the line or the next line), so the loads
 * of a long sum are in flight while the additions wait on each other.
 *
 * block_minmax gives the min or max of n >= 8 elements in 8 lanes (`x < m ? x : m` is exactly
 * minpd) and whether any element was NaN or infinite (x - x is then NaN). A lane's choice
 * between equal values is not the sequential one only for -0.0 against 0.0, so the callers
 * redo a line exactly when the result is zero or anything was NaN/infinite; otherwise a
 * non-zero minimum has one bit pattern, and the vector answer is the exact one.
 */
#define PAIR_MAX_BYTES (256 << 10)
/*
 * Lines of 2 * FAR_BLOCKS buffers or more (2 MB) are read as two streams: buffer j and buffer
 * j + FAR_BLOCKS (1 MB further on) are summed together, their leaves in pairs, and the 2 *
 * FAR_BLOCKS buffer sums then added to the line's accumulator in order, so the additions are
 * the same. Two streams keep more of memory's reads in flight than one: a 4000x4000 whole sum
 * measured 0.211-0.225 -> 0.195-0.203 ns/element (C alone, minima of 21 interleaved runs),
 * while paired neighbouring leaves from memory had run slower than plain ones (see below).
 */
#define FAR_BLOCKS 16
#define SUM_PREFETCH 2048
#ifdef LAZYLAB_X86
#define PREFETCH(p) _mm_prefetch((const char *)(p), _MM_HINT_T0)
#else
#define PREFETCH(p) __builtin_prefetch(p)
#endif
#define DEFINE_PAIRWISE(SUFFIX, ATTR, HAS_PAIR, PAIR) \
  ATTR static double pairwise_sum_##SUFFIX(const double *a, intptr_t n, int paired) { \
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
        PREFETCH(a + i + SUM_PREFETCH); \
        for (int j = 0; j < 8; j++) r[j] += a[i + j]; \
      } \
      double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7])); \
      for (; i < n; i++) res += a[i]; \
      return res; \
    } \
    intptr_t n2 = pw_split(n); \
    if (HAS_PAIR && paired && n - n2 <= PW_BLOCKSIZE) { /* both halves are leaves (n > PW_BLOCKSIZE, so each has >= 64) */ \
      double x, y; \
      PAIR(a, n2, a + n2, n - n2, &x, &y); \
      return x + y; \
    } \
    return pairwise_sum_##SUFFIX(a, n2, paired) + pairwise_sum_##SUFFIX(a + n2, n - n2, paired); \
  } \
  /* Two blocks of n elements (a and b) each summed as pairwise_sum does, their leaves in pairs. */ \
  ATTR static void pairwise_two_##SUFFIX(const double *a, const double *b, intptr_t n, double *ra, double *rb) { \
    if (n <= PW_BLOCKSIZE) { \
      PAIR(a, n, b, n, ra, rb); \
      return; \
    } \
    intptr_t n2 = pw_split(n); \
    double a1, b1, a2, b2; \
    pairwise_two_##SUFFIX(a, b, n2, &a1, &b1); \
    pairwise_two_##SUFFIX(a + n2, b + n2, n - n2, &a2, &b2); \
    *ra = a1 + a2; \
    *rb = b1 + b2; \
  } \
  ATTR static void sum_lines_##SUFFIX(const double *a, int64_t lines, int64_t n, int64_t stride, double *o) { \
    int paired = n * (int64_t)sizeof(double) <= PAIR_MAX_BYTES && lines * n * (int64_t)sizeof(double) <= PAIR_MAX_BYTES; \
    for (int64_t k = 0; k < lines; k++) { \
      const double *line = a + k * stride; \
      double acc = 0.; \
      int64_t s = 0; \
      if (HAS_PAIR) \
        for (; s + 2 * FAR_BLOCKS * BUFSIZE <= n; s += 2 * FAR_BLOCKS * BUFSIZE) { \
          double sums[2 * FAR_BLOCKS]; \
          for (int j = 0; j < FAR_BLOCKS; j++) \
            pairwise_two_##SUFFIX(line + s + j * BUFSIZE, line + s + (j + FAR_BLOCKS) * BUFSIZE, BUFSIZE, &sums[j], &sums[j + FAR_BLOCKS]); \
          for (int j = 0; j < 2 * FAR_BLOCKS; j++) acc += sums[j]; \
        } \
      for (; s < n; s += BUFSIZE) acc += pairwise_sum_##SUFFIX(line + s, n - s < BUFSIZE ? n - s : BUFSIZE, paired); \
      o[k] = acc; \
    } \
  } \
  /* sum_lines two lines at a time (k and k + 1), their pieces' leaves in pairs (pairwise_two): \
   * per line the same pieces, trees and additions, so the same bits. */ \
  ATTR static void sum_line_pairs_##SUFFIX(const double *a, int64_t lines, int64_t n, int64_t stride, double *o) { \
    int64_t k = 0; \
    for (; k + 1 < lines; k += 2) { \
      const double *p = a + k * stride, *q = p + stride; \
      double acc = 0., bcc = 0.; \
      for (int64_t s = 0; s < n; s += BUFSIZE) { \
        intptr_t m = n - s < BUFSIZE ? n - s : BUFSIZE; \
        double x, y; \
        if (m < 8) x = pairwise_sum_##SUFFIX(p + s, m, 0), y = pairwise_sum_##SUFFIX(q + s, m, 0); \
        else pairwise_two_##SUFFIX(p + s, q + s, m, &x, &y); \
        acc += x; \
        bcc += y; \
      } \
      o[k] = acc; \
      o[k + 1] = bcc; \
    } \
    if (k < lines) sum_lines_##SUFFIX(a + k * stride, 1, n, stride, o + k); \
  }
#define DEFINE_REDUCE(SUFFIX, ATTR) DEFINE_PAIRWISE(SUFFIX, ATTR, 1, leaf_pair_##SUFFIX)
FOR_EACH_ISA(DEFINE_REDUCE)
#ifdef LAZYLAB_X86
/* With AVX-512 the 8 accumulators are one register and plain leaves are as fast as paired ones
 * in the cache (0.07 ns/element, C alone): no pairing. */
#define NO_PAIR(a, na, b, nb, ra, rb) (*(ra) = *(rb) = 0.)
DEFINE_PAIRWISE(avx512, __attribute__((target("avx512f"))), 0, NO_PAIR)
#define PICK_SUM(fn) (np_avx512 ? fn##_avx512 : PICK(fn))
#else
#define PICK_SUM(fn) PICK(fn)
#endif

/*
 * Float64 line sums for the instruction set in use: lines long enough for two streams take the
 * paired loops (AVX2's where AVX-512 is: the one-register leaves have no pairs). Shorter lines,
 * where the tuning says so (np_tuning.pair_lines, intel), go two at a time, their leaves in
 * pairs: on the Xeon, 4000x4000 row sums (`x.sum(axis=-1)`) took 0.49-0.52 ns/element against
 * 0.57-0.60 one line at a time (medians of 40, taking turns in one process; lines k and k + 1
 * or k and k + 2000 alike), and bench/np.ts's row went from 1.08-1.12x NumPy to 1.33-1.41x.
 * Elsewhere the plain loops, as on the EPYC, where leaves in pairs from memory had run slower
 * than plain ones (above).
 */
static void sum_lines_any(const double *a, int64_t lines, int64_t n, int64_t stride, double *o) {
  if (n >= 2 * FAR_BLOCKS * BUFSIZE) PICK(sum_lines)(a, lines, n, stride, o);
  else if (np_tuning.pair_lines && lines >= 2) PICK(sum_line_pairs)(a, lines, n, stride, o);
  else PICK_SUM(sum_lines)(a, lines, n, stride, o);
}

/*
 * var/std's second pass without the array of deviations: NumPy computes d = x - mean into a
 * new array, squares it in place and sums it (numpy/core/_methods.py, _var), three passes
 * over memory and a new array as large as x. Here each element's deviation is computed and
 * squared in registers as it is read, the same two IEEE operations on the same operands (no
 * FMA: the addon is built with -ffp-contract=off), and added in the order sum_lines would add
 * that array: the same pairwise tree and blocks of BUFSIZE. So the bits are NumPy's, from one
 * pass over x. Lines are summed with plain leaves (the data comes from memory), and even where
 * AVX-512 is the 16-byte leaf runs: its four chains of additions kept up with memory, the one
 * chain of a 64-byte leaf did not (4000x4000 whole-array deviations, C alone, minima of 9:
 * 16 bytes 0.22-0.25, 32 bytes 0.25-0.26, 64 bytes 0.30-0.34 ns/element; NumPy's three passes
 * ~1.9).
 */
#define DEV_SQ(v, mu) (((v) - (mu)) * ((v) - (mu)))
/* One leaf (8 <= n <= PW_BLOCKSIZE): 8 accumulators in W-wide vectors (the compiler kept them
 * scalar when written as the sum's leaf is), added in NumPy's order; only the 16-byte form is
 * used (see above). */
#ifdef LAZYLAB_X86
#define DEFINE_DEV_LEAF(SUFFIX, ATTR, VT, W, P) \
  ATTR static double dev_leaf_##SUFFIX(const double *a, intptr_t n, double mu) { \
    enum { K = 8 / W }; \
    const VT m = P##_set1_pd(mu); \
    VT r[K]; \
    for (int j = 0; j < K; j++) { VT d = P##_sub_pd(P##_loadu_pd(a + j * W), m); r[j] = P##_mul_pd(d, d); } \
    intptr_t i; \
    for (i = 8; i < n - (n % 8); i += 8) { \
      PREFETCH(a + i + SUM_PREFETCH); \
      for (int j = 0; j < K; j++) { VT d = P##_sub_pd(P##_loadu_pd(a + i + j * W), m); r[j] = P##_add_pd(r[j], P##_mul_pd(d, d)); } \
    } \
    double x8[8]; \
    for (int j = 0; j < K; j++) P##_storeu_pd(x8 + j * W, r[j]); \
    double res = ((x8[0] + x8[1]) + (x8[2] + x8[3])) + ((x8[4] + x8[5]) + (x8[6] + x8[7])); \
    for (; i < n; i++) res += DEV_SQ(a[i], mu); \
    return res; \
  }
DEFINE_DEV_LEAF(base, , __m128d, 2, _mm)
#else
static double dev_leaf_base(const double *a, intptr_t n, double mu) {
  double r[8];
  for (int j = 0; j < 8; j++) r[j] = DEV_SQ(a[j], mu);
  intptr_t i;
  for (i = 8; i < n - (n % 8); i += 8) for (int j = 0; j < 8; j++) r[j] += DEV_SQ(a[i + j], mu);
  double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
  for (; i < n; i++) res += DEV_SQ(a[i], mu);
  return res;
}
#endif
#define DEFINE_DEVIATIONS(SUFFIX, ATTR) \
  ATTR static double dev_pairwise_##SUFFIX(const double *a, intptr_t n, double mu) { \
    if (n < 8) { \
      double res = 0.; \
      for (intptr_t i = 0; i < n; i++) res += DEV_SQ(a[i], mu); \
      return res; \
    } \
    if (n <= PW_BLOCKSIZE) return dev_leaf_##SUFFIX(a, n, mu); \
    intptr_t n2 = pw_split(n); \
    return dev_pairwise_##SUFFIX(a, n2, mu) + dev_pairwise_##SUFFIX(a + n2, n - n2, mu); \
  } \
  ATTR static void dev_lines_##SUFFIX(const double *a, int64_t lines, int64_t n, int64_t stride, const double *mu, double *o) { \
    for (int64_t k = 0; k < lines; k++) { \
      const double *line = a + k * stride; \
      double acc = 0.; \
      for (int64_t s = 0; s < n; s += BUFSIZE) acc += dev_pairwise_##SUFFIX(line + s, n - s < BUFSIZE ? n - s : BUFSIZE, mu[k]); \
      o[k] = acc; \
    } \
  }
DEFINE_DEVIATIONS(base, )

/* NumPy's pairwise sum of a[0..n) (n <= BUFSIZE), for the expression machine's std/var
 * (np_machine.c). Its pieces are in the cache (at most BUFSIZE doubles, 64 KB): paired leaves. */
double np_pairwise_sum(const double *a, intptr_t n) {
  return PICK_SUM(pairwise_sum)(a, n, 1);
}

/*
 * NumPy's float32 pairwise sum (its FLOAT loop): the same tree as pairwise_sum with float
 * accumulators, so every addition rounds to float32 as NumPy's do. Only the JavaScript
 * caller's pieces of at most BUFSIZE come here; the piece sums go back as doubles (exact).
 */
#define DEFINE_REDUCE_F32(SUFFIX, ATTR) \
  ATTR static float pairwise_sum_f32_##SUFFIX(const float *a, intptr_t n) { \
    if (n < 8) { \
      float res = -0.f; \
      for (intptr_t i = 0; i < n; i++) res += a[i]; \
      return res; \
    } \
    if (n <= PW_BLOCKSIZE) { \
      float r[8]; \
      for (int j = 0; j < 8; j++) r[j] = a[j]; \
      intptr_t i; \
      for (i = 8; i < n - (n % 8); i += 8) { \
        for (int j = 0; j < 8; j++) r[j] += a[i + j]; \
      } \
      float res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7])); \
      for (; i < n; i++) res += a[i]; \
      return res; \
    } \
    intptr_t n2 = pw_split(n); \
    return pairwise_sum_f32_##SUFFIX(a, n2) + pairwise_sum_f32_##SUFFIX(a + n2, n - n2); \
  } \
  ATTR static void sum_lines_f32_##SUFFIX(const float *a, int64_t lines, int64_t n, int64_t stride, double *o) { \
    for (int64_t k = 0; k < lines; k++) { \
      const float *line = a + k * stride; \
      float acc = 0.f; \
      for (int64_t s = 0; s < n; s += BUFSIZE) acc += pairwise_sum_f32_##SUFFIX(line + s, n - s < BUFSIZE ? n - s : BUFSIZE); \
      o[k] = acc; \
    } \
  }
FOR_EACH_ISA(DEFINE_REDUCE_F32)

#ifdef LAZYLAB_X86
/* block_minmax's end: the 8 lanes' min or max and NaN/infinity flags folded, then a[i..n) one by one. */
static inline double minmax_finish(int is_max, const double lanes[8], const double zs[8], const double *a, int64_t i, int64_t n, int *special) {
  double r = lanes[0], s = zs[0];
  for (int j = 1; j < 8; j++) { r = is_max ? (lanes[j] > r ? lanes[j] : r) : (lanes[j] < r ? lanes[j] : r); s += zs[j]; }
  for (; i < n; i++) { double x = a[i]; r = is_max ? (x > r ? x : r) : (x < r ? x : r); s += x - x; }
  *special = s != s;
  return r;
}
/* block_minmax with 8 lanes in vector registers (max_pd(x, m) is exactly `x > m ? x : m`). */
#define DEFINE_BLOCK_MINMAX(SUFFIX, ATTR, VT, W, P) \
  ATTR static double block_minmax_##SUFFIX(int is_max, const double *a, int64_t n, int *special) { \
    enum { K = 8 / W }; \
    VT m[K], z[K]; \
    for (int j = 0; j < K; j++) { m[j] = P##_loadu_pd(a + j * W); z[j] = P##_sub_pd(m[j], m[j]); } \
    int64_t i = 8; \
    if (is_max) { \
      for (; i + 8 <= n; i += 8) { PREFETCH(a + i + SUM_PREFETCH); for (int j = 0; j < K; j++) { VT x = P##_loadu_pd(a + i + j * W); m[j] = P##_max_pd(x, m[j]); z[j] = P##_add_pd(z[j], P##_sub_pd(x, x)); } } \
    } else { \
      for (; i + 8 <= n; i += 8) { PREFETCH(a + i + SUM_PREFETCH); for (int j = 0; j < K; j++) { VT x = P##_loadu_pd(a + i + j * W); m[j] = P##_min_pd(x, m[j]); z[j] = P##_add_pd(z[j], P##_sub_pd(x, x)); } } \
    } \
    double lanes[8], zs[8]; \
    for (int j = 0; j < K; j++) { P##_storeu_pd(lanes + j * W, m[j]); P##_storeu_pd(zs + j * W, z[j]); } \
    return minmax_finish(is_max, lanes, zs, a, i, n, special); \
  }
DEFINE_BLOCK_MINMAX(base, , __m128d, 2, _mm)
DEFINE_BLOCK_MINMAX(avx2, __attribute__((target("avx2"))), __m256d, 4, _mm256)
/*
 * block_minmax with AVX-512: four registers of 8 lanes, 32 elements a step (then steps of 8, then
 * one by one). Half the instructions of the AVX2 loop for the same reads, which counted on the
 * 2026-12-07 Xeon (Emerald Rapids, a 4000x4000 max read from its L3): 0.64-0.71 ns/element
 * against 0.72-0.79, C alone, three rounds; NumPy's x.max() 0.66-0.72. The lanes' answer is the
 * same value as the 8-lane loop's (a max or min has one non-zero bit pattern; zero and NaN or
 * infinite values send the caller to the exact loop).
 */
/* The larger (smaller) of each lane: maxpd/minpd, `x > m ? x : m` (`x < m ? x : m`). */
__attribute__((target("avx512f"), always_inline)) static inline __m512d lane_pick(int is_max, __m512d x, __m512d m) {
  return is_max ? _mm512_max_pd(x, m) : _mm512_min_pd(x, m);
}
__attribute__((target("avx512f"), always_inline)) static inline double minmax_lanes(int is_max, const double *a, int64_t n, int *special) {
  __m512d m[4], z[4];
  m[0] = m[1] = m[2] = m[3] = _mm512_loadu_pd(a);
  z[0] = z[1] = z[2] = z[3] = _mm512_sub_pd(m[0], m[0]);
  int64_t i = 8;
  for (; i + 32 <= n; i += 32) {
    for (int j = 0; j < 4; j++) {
      PREFETCH(a + i + 8 * j + SUM_PREFETCH);
      __m512d x = _mm512_loadu_pd(a + i + 8 * j);
      m[j] = lane_pick(is_max, x, m[j]);
      z[j] = _mm512_add_pd(z[j], _mm512_sub_pd(x, x));
    }
  }
  for (; i + 8 <= n; i += 8) {
    __m512d x = _mm512_loadu_pd(a + i);
    m[0] = lane_pick(is_max, x, m[0]);
    z[0] = _mm512_add_pd(z[0], _mm512_sub_pd(x, x));
  }
  m[0] = lane_pick(is_max, lane_pick(is_max, m[0], m[1]), lane_pick(is_max, m[2], m[3]));
  __m512d zz = _mm512_add_pd(_mm512_add_pd(z[0], z[1]), _mm512_add_pd(z[2], z[3]));
  double lanes[8], zs[8];
  _mm512_storeu_pd(lanes, m[0]);
  _mm512_storeu_pd(zs, zz);
  return minmax_finish(is_max, lanes, zs, a, i, n, special);
}
/* minmax_lanes with is_max a constant in each copy, so the pick in the loop is one instruction. */
__attribute__((target("avx512f"))) static double block_minmax_avx512(int is_max, const double *a, int64_t n, int *special) {
  return is_max ? minmax_lanes(1, a, n, special) : minmax_lanes(0, a, n, special);
}
#define PICK_MINMAX (np_avx512 ? block_minmax_avx512 : PICK(block_minmax))
#else
static double block_minmax_base(int is_max, const double *a, int64_t n, int *special) {
  double r = a[0], z = 0.;
  for (int64_t i = 0; i < n; i++) { double x = a[i]; r = is_max ? (x > r ? x : r) : (x < r ? x : r); z += x - x; }
  *special = z != z;
  return r;
}
#define PICK_MINMAX PICK(block_minmax)
#endif

/* block_minmax for the instruction set in use (np_common.h; np_machine.c folds its blocks with it). */
double np_block_minmax(int is_max, const double *a, int64_t n, int *special) {
  return PICK_MINMAX(is_max, a, n, special);
}

/* min/max of a line from acc (see block_minmax for when the vector answer is exact). */
static double minmax_line(int is_max, const double *a, int64_t n, double acc) {
  if (acc != acc || n < 8) return minmax_exact(is_max, a, n, acc);
  int special;
  double m = PICK_MINMAX(is_max, a, n, &special);
  if (special || m == 0.) return minmax_exact(is_max, a, n, acc);
  return (is_max ? !(m <= acc) : !(m >= acc)) ? m : acc;
}

#ifdef LAZYLAB_X86
/*
 * argmin/argmax of a line (n >= 32) as NumPy 1.24 does it with AVX-512: each lane keeps its
 * best value and the index where it first appeared (a strictly better element replaces both,
 * so of equal values a lane keeps its first), four registers of eight lanes so that four
 * compare-and-blend chains overlap; at the end the best value with the smallest index among
 * the 32 lanes is the first occurrence (-0.0 and 0.0 compare equal, as in arg_exact). One pass
 * over memory with nothing read twice, the two halves of the line read side by side (two
 * streams keep more reads in flight, as in sum_lines): 4000x4000 argmax measured 0.234 ->
 * 0.214 ns/element for one stream, 0.194 -> 0.190 for two (C alone, minima of 21 interleaved
 * runs, at different loads; NumPy's own 0.21-0.24 beside them). NaN is looked for per
 * ARG_CHUNK elements (an unordered compare of two loads covers both); a chunk with one makes
 * the answer the line's first NaN, found by a scan.
 */
#define ARG_CHUNK (1 << 14)
__attribute__((target("avx512f"), always_inline)) static inline int64_t arg_track(int is_max, const double *a, int64_t n) {
  const __m512i lane = _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0);
  int64_t half = (n / 2) & ~(int64_t)15; /* >= 16: two streams, a[0..half) and a[half..2*half) */
  const double *b = a + half;
  __m512d m[4] = { _mm512_loadu_pd(a), _mm512_loadu_pd(a + 8), _mm512_loadu_pd(b), _mm512_loadu_pd(b + 8) };
  __m512i at[4] = { lane, _mm512_add_epi64(lane, _mm512_set1_epi64(8)), _mm512_add_epi64(lane, _mm512_set1_epi64(half)),
                    _mm512_add_epi64(lane, _mm512_set1_epi64(half + 8)) };
  __mmask8 un = 0;
  for (int j = 0; j < 4; j++) un |= _mm512_cmp_pd_mask(m[j], m[j], _CMP_UNORD_Q);
  int64_t i = 16;
  while (!un && i < half) {
    int64_t end = half - i > ARG_CHUNK ? i + ARG_CHUNK : half;
    for (; i < end; i += 16) {
      __m512i ia = _mm512_add_epi64(lane, _mm512_set1_epi64(i)), ib = _mm512_add_epi64(ia, _mm512_set1_epi64(half));
      __m512i ix[4] = { ia, _mm512_add_epi64(ia, _mm512_set1_epi64(8)), ib, _mm512_add_epi64(ib, _mm512_set1_epi64(8)) };
      __m512d x[4] = { _mm512_loadu_pd(a + i), _mm512_loadu_pd(a + i + 8), _mm512_loadu_pd(b + i), _mm512_loadu_pd(b + i + 8) };
      for (int j = 0; j < 4; j++) {
        __mmask8 k = is_max ? _mm512_cmp_pd_mask(x[j], m[j], _CMP_GT_OQ) : _mm512_cmp_pd_mask(x[j], m[j], _CMP_LT_OQ);
        m[j] = _mm512_mask_mov_pd(m[j], k, x[j]);
        at[j] = _mm512_mask_mov_epi64(at[j], k, ix[j]);
      }
      un |= _mm512_cmp_pd_mask(x[0], x[1], _CMP_UNORD_Q) | _mm512_cmp_pd_mask(x[2], x[3], _CMP_UNORD_Q);
    }
  }
  if (un) {
    for (int64_t k = 0; k < n; k++) if (a[k] != a[k]) return k;
  }
  double v[32];
  int64_t w[32];
  for (int j = 0; j < 4; j++) {
    _mm512_storeu_pd(v + 8 * j, m[j]);
    _mm512_storeu_si512((void *)(w + 8 * j), at[j]);
  }
  double best = v[0];
  int64_t where = w[0];
  for (int j = 1; j < 32; j++)
    if ((is_max ? v[j] > best : v[j] < best) || (v[j] == best && w[j] < where)) {
      best = v[j];
      where = w[j];
    }
  if (2 * half < n) {
    /* The tail: its own first best (or first NaN), taken when strictly better (ties keep the earlier index). */
    int64_t t = 2 * half + arg_exact(is_max, a + 2 * half, n - 2 * half);
    double x = a[t];
    if (x != x || (is_max ? x > best : x < best)) where = t;
  }
  return where;
}

/* arg_track with is_max a constant in each copy, so the compare in the loop is one instruction. */
__attribute__((target("avx512f"))) static int64_t arg_track_avx512(int is_max, const double *a, int64_t n) {
  return is_max ? arg_track(1, a, n) : arg_track(0, a, n);
}
#endif

/*
 * argmin/argmax of a line in one pass over memory: with AVX-512, arg_track_avx512; otherwise blocks of ARG_BLOCK elements are reduced
 * with the vector loop, and only the block where the best value first appeared is searched
 * again (from the cache) for its first occurrence. A block holding NaN or an infinity is
 * looked at exactly, element by element (the first NaN ends the search).
 */
static int64_t arg_line(int is_max, const double *a, int64_t n) {
#ifdef LAZYLAB_X86
  if (np_avx512 && n >= 32) return arg_track_avx512(is_max, a, n);
#endif
  if (n < 2 * ARG_BLOCK) return arg_exact(is_max, a, n);
  double best = a[0];
  if (best != best) return 0;
  int64_t where = 0;
  for (int64_t s = 0; s < n; s += ARG_BLOCK) {
    int64_t m = n - s < ARG_BLOCK ? n - s : ARG_BLOCK;
    int special = 1;
    double b = m >= 8 ? PICK_MINMAX(is_max, a + s, m, &special) : 0.;
    if (special) {
      for (int64_t i = 0; i < m; i++) if (a[s + i] != a[s + i]) return s + i;
      b = minmax_exact(is_max, a + s, m, a[s]);
    }
    if (is_max ? b > best : b < best) {
      best = b;
      where = s;
    }
  }
  int64_t m = n - where < ARG_BLOCK ? n - where : ARG_BLOCK;
  for (int64_t i = 0; i < m; i++) if (a[where + i] == best) return where + i;
  return where; /* not reached: best was taken from this block */
}

/*
 * Reductions over an outer axis, row by row as NumPy does them: o[j] += a[r*stride + j] for
 * each row r in order, and the same for min/max, where o[j] follows minmax_exact's rule per
 * element (a NaN stays once there; otherwise strictly better or NaN replaces it).
 *
 * The sums take eight rows at a time, o[j] = (((o[j] + r0[j]) + r1[j]) + ...) + r7[j]: the same
 * additions in the same order, so the same bits, with o loaded and stored once per eight rows
 * instead of once per row. One row at a time, o's loads and stores held `x.sum(0)` over
 * 4000×4000 at 0.47-0.49 ns/element on this VM (NumPy 1.24 the same), twice what reading the
 * array costs (a plain C read loop: 0.25-0.27); eight at a time measured 0.27-0.29 (C alone,
 * best of 12; four at a time 0.31).
 */
#define DEFINE_ROWS(SUFFIX, ATTR) \
  ATTR static void add_rows_##SUFFIX(const double *a, int64_t rows, int64_t n, int64_t stride, double *o) { \
    int64_t r = 0; \
    for (; r + 8 <= rows; r += 8) { \
      const double *p = a + r * stride; \
      for (int64_t j = 0; j < n; j++, p++) \
        o[j] = (((((((o[j] + p[0]) + p[stride]) + p[2 * stride]) + p[3 * stride]) + p[4 * stride]) + p[5 * stride]) + p[6 * stride]) + p[7 * stride]; \
    } \
    for (; r < rows; r++) { \
      const double *row = a + r * stride; \
      for (int64_t j = 0; j < n; j++) o[j] += row[j]; \
    } \
  } \
  ATTR static void minmax_rows_##SUFFIX(int is_max, const double *a, int64_t rows, int64_t n, int64_t stride, double *o) { \
    for (int64_t r = 0; r < rows; r++) { \
      const double *row = a + r * stride; \
      if (is_max) { \
        for (int64_t j = 0; j < n; j++) { double acc = o[j], v = row[j]; o[j] = acc != acc ? acc : !(v <= acc) ? v : acc; } \
      } else { \
        for (int64_t j = 0; j < n; j++) { double acc = o[j], v = row[j]; o[j] = acc != acc ? acc : !(v >= acc) ? v : acc; } \
      } \
    } \
  }
FOR_EACH_ISA(DEFINE_ROWS)

/* Sums of bytes (bool and uint8 arrays, whose sums NumPy gives as int64): exact in 64 bits. */
#define DEFINE_BYTE_SUMS(SUFFIX, ATTR) \
  ATTR static void sum_bytes_lines_##SUFFIX(const uint8_t *a, int64_t lines, int64_t n, int64_t stride, double *o) { \
    for (int64_t k = 0; k < lines; k++) { \
      const uint8_t *line = a + k * stride; \
      uint64_t acc = 0; \
      for (int64_t s = 0; s < n; s += 1 << 16) { \
        uint32_t part = 0; /* 2**16 bytes of at most 255: no overflow, and the compiler vectorises a 32-bit sum */ \
        int64_t m = n - s < (1 << 16) ? n - s : (1 << 16); \
        for (int64_t i = 0; i < m; i++) part += line[s + i]; \
        acc += part; \
      } \
      o[k] = (double)acc; \
    } \
  }
FOR_EACH_ISA(DEFINE_BYTE_SUMS)

/* ---- N-API glue ---------------------------------------------------------------------- */

/* The arguments (a, offset, count, n, stride, out, outOffset) of every strided float64 call,
 * bounds checked: `count` lines of n elements in a, and in out one result per line (per_line)
 * or one per column (n of them), `out_step` elements apart. */
static int strided_args(napi_env env, napi_value *argv, int per_line, int64_t out_step, double **a, int64_t *off, int64_t *count,
                        int64_t *n, int64_t *stride, double **o, int64_t *oo) {
  size_t al, ol;
  if (!get_f64(env, argv[0], a, &al) || !get_int(env, argv[1], off) || !get_int(env, argv[2], count) || !get_int(env, argv[3], n) ||
      !get_int(env, argv[4], stride) || !get_f64(env, argv[5], o, &ol) || !get_int(env, argv[6], oo))
    return 0;
  return lines_in_bounds(env, al, *off, *count, *n, *stride) && in_bounds(env, ol, *oo, per_line ? *count : *n, out_step);
}

static int line_args(napi_env env, napi_value *argv, double **a, int64_t *off, int64_t *lines, int64_t *n, int64_t *stride, double **o, int64_t *oo) {
  return strided_args(env, argv, 1, 1, a, off, lines, n, stride, o, oo);
}

static int row_args(napi_env env, napi_value *argv, double **a, int64_t *off, int64_t *rows, int64_t *n, int64_t *stride, double **o, int64_t *oo) {
  return strided_args(env, argv, 0, 1, a, off, rows, n, stride, o, oo);
}

/* sumLines(a, offset, lines, n, lineStride, out, outOffset): out[k] = NumPy's sum of line k. */
static napi_value js_sum_lines(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int64_t off, lines, n, stride, oo;
  double *a, *o;
  if (argc != 7 || !line_args(env, argv, &a, &off, &lines, &n, &stride, &o, &oo)) return NULL;
  if (lines > 0) sum_lines_any(a + off, lines, n, stride, o + oo);
  return NULL;
}

/* sumLinesF32(a: Float32Array, offset, lines, n, lineStride, out: Float64Array, outOffset):
 * out[k] = NumPy's float32 sum of line k (float32 accumulators). */
static napi_value js_sum_lines_f32(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int64_t off, lines, n, stride, oo;
  napi_typedarray_type type;
  void *p;
  size_t al, ol;
  double *o;
  if (argc != 7) return NULL;
  if (napi_get_typedarray_info(env, argv[0], &type, &al, &p, NULL, NULL) != napi_ok || type != napi_float32_array) {
    napi_throw_type_error(env, NULL, "lazylab native loops: expected a Float32Array");
    return NULL;
  }
  if (!get_int(env, argv[1], &off) || !get_int(env, argv[2], &lines) || !get_int(env, argv[3], &n) || !get_int(env, argv[4], &stride) ||
      !get_f64(env, argv[5], &o, &ol) || !get_int(env, argv[6], &oo))
    return NULL;
  if (!lines_in_bounds(env, al, off, lines, n, stride) || !in_bounds(env, ol, oo, lines, 1)) return NULL;
  if (lines > 0) PICK(sum_lines_f32)((const float *)p + off, lines, n, stride, o + oo);
  return NULL;
}

/* deviationSumLines(a, offset, lines, n, lineStride, means, meansOffset, out, outOffset):
 * out[k] = NumPy's sum of (a - means[k])**2 over line k (var's second pass, one read of a). */
static napi_value js_deviation_sum_lines(napi_env env, napi_callback_info info) {
  size_t argc = 9;
  napi_value argv[9];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int64_t off, lines, n, stride, oo, mo;
  double *a, *o, *mu;
  size_t ml;
  if (argc != 9 || !get_f64(env, argv[5], &mu, &ml) || !get_int(env, argv[6], &mo)) return NULL;
  napi_value rest[7] = { argv[0], argv[1], argv[2], argv[3], argv[4], argv[7], argv[8] };
  if (!line_args(env, rest, &a, &off, &lines, &n, &stride, &o, &oo) || !in_bounds(env, ml, mo, lines, 1)) return NULL;
  if (lines > 0) dev_lines_base(a + off, lines, n, stride, mu + mo, o + oo);
  return NULL;
}

/* The is-max flag in front of a lines call: minMaxLines(isMax, a, ...), argLines(isMax, a, ...). */
static int flag_arg(napi_env env, napi_value v, int *flag) {
  bool b;
  if (napi_get_value_bool(env, v, &b) != napi_ok) {
    napi_throw_type_error(env, NULL, "lazylab native loops: expected a boolean");
    return 0;
  }
  *flag = b;
  return 1;
}

/* minMaxLines(isMax, a, offset, lines, n, lineStride, out, outOffset): out[k] = min/max of line k (n >= 1). */
static napi_value js_min_max_lines(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int is_max;
  int64_t off, lines, n, stride, oo;
  double *a, *o;
  if (argc != 8 || !flag_arg(env, argv[0], &is_max) || !line_args(env, argv + 1, &a, &off, &lines, &n, &stride, &o, &oo)) return NULL;
  for (int64_t k = 0; k < lines; k++) o[oo + k] = minmax_line(is_max, a + off + k * stride, n, is_max ? -INFINITY : INFINITY);
  return NULL;
}

/* argLines(isMax, a, offset, lines, n, lineStride, out, outOffset): out[k] = argmax/argmin of line k (n >= 1). */
static napi_value js_arg_lines(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int is_max;
  int64_t off, lines, n, stride, oo;
  double *a, *o;
  if (argc != 8 || !flag_arg(env, argv[0], &is_max) || !line_args(env, argv + 1, &a, &off, &lines, &n, &stride, &o, &oo)) return NULL;
  if (n < 1 && lines > 0) {
    napi_throw_range_error(env, NULL, "lazylab native loops: argmin/argmax of an empty line");
    return NULL;
  }
  for (int64_t k = 0; k < lines; k++) o[oo + k] = (double)arg_line(is_max, a + off + k * stride, n);
  return NULL;
}

/* addRows(a, offset, rows, n, rowStride, out, outOffset): out[j] += row r's element j, rows in order. */
static napi_value js_add_rows(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int64_t off, rows, n, stride, oo;
  double *a, *o;
  if (argc != 7 || !row_args(env, argv, &a, &off, &rows, &n, &stride, &o, &oo)) return NULL;
  if (rows > 0 && n > 0) PICK(add_rows)(a + off, rows, n, stride, o + oo);
  return NULL;
}

/* minMaxRows(isMax, a, offset, rows, n, rowStride, out, outOffset): out[j] = better of out[j] and each row's element j, rows in order. */
static napi_value js_min_max_rows(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int is_max;
  int64_t off, rows, n, stride, oo;
  double *a, *o;
  if (argc != 8 || !flag_arg(env, argv[0], &is_max) || !row_args(env, argv + 1, &a, &off, &rows, &n, &stride, &o, &oo)) return NULL;
  if (rows > 0 && n > 0) PICK(minmax_rows)(is_max, a + off, rows, n, stride, o + oo);
  return NULL;
}

/* sumBytesLines(a: Uint8Array, offset, lines, n, lineStride, out, outOffset): out[k] = the sum of line k's bytes. */
static napi_value js_sum_bytes_lines(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int64_t off, lines, n, stride, oo;
  uint8_t *a;
  double *o;
  size_t al, ol;
  if (argc != 7 || !get_u8(env, argv[0], &a, &al) || !get_int(env, argv[1], &off) || !get_int(env, argv[2], &lines) ||
      !get_int(env, argv[3], &n) || !get_int(env, argv[4], &stride) || !get_f64(env, argv[5], &o, &ol) || !get_int(env, argv[6], &oo))
    return NULL;
  if (!lines_in_bounds(env, al, off, lines, n, stride) || !in_bounds(env, ol, oo, lines, 1)) return NULL;
  if (lines > 0) PICK(sum_bytes_lines)(a + off, lines, n, stride, o + oo);
  return NULL;
}

void np_reduce_register(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    { "sumLines", NULL, js_sum_lines, NULL, NULL, NULL, napi_default, NULL },
    { "sumLinesF32", NULL, js_sum_lines_f32, NULL, NULL, NULL, napi_default, NULL },
    { "minMaxLines", NULL, js_min_max_lines, NULL, NULL, NULL, napi_default, NULL },
    { "argLines", NULL, js_arg_lines, NULL, NULL, NULL, napi_default, NULL },
    { "addRows", NULL, js_add_rows, NULL, NULL, NULL, napi_default, NULL },
    { "minMaxRows", NULL, js_min_max_rows, NULL, NULL, NULL, napi_default, NULL },
    { "sumBytesLines", NULL, js_sum_bytes_lines, NULL, NULL, NULL, napi_default, NULL },
    { "deviationSumLines", NULL, js_deviation_sum_lines, NULL, NULL, NULL, napi_default, NULL },
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
}
