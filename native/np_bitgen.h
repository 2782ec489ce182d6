/*
 * The two bit generators lib/np/random draws from, as inline steps for the fills of
 * np_random.c (random, standard_normal, integers; RandomState's random_sample, gauss, randint)
 * and the distributions of np_distributions.c (exponential, poisson, binomial, gamma, ...):
 *
 *   PCG64 (XSL-RR 128/64), NumPy's Generator: next_uint64, next_double, the buffered
 *   next_uint32, and random_standard_normal's 256-layer ziggurat;
 *   MT19937, NumPy's legacy RandomState: mt19937_next32 and its 53-bit double.
 *
 * The state always lives in JavaScript (pcg64.ts, mt19937.ts): a fill reads it at its start
 * and writes it back at its end, so native and JavaScript draws interleave on one stream.
 */
#ifndef LAZYLAB_NP_BITGEN_H
#define LAZYLAB_NP_BITGEN_H

#include "np_common.h"

typedef unsigned __int128 u128;

/* NumPy's PCG_DEFAULT_MULTIPLIER_128. */
#define PCG_MULT (((u128)2549297995355413924ULL << 64) | (u128)4865540595714422341ULL)

/* The normal ziggurat's tail start r and 1/r, as NumPy's ziggurat_nor_r and ziggurat_nor_inv_r. */
#define NOR_R 3.6541528853610087963519472518
#define NOR_INV_R 0.27366123732975827203338247596

typedef struct {
  u128 state;
  u128 inc;
} pcg64_t;

/* pcg64_random_r: one LCG step, then XSL-RR of the new state. */
static inline uint64_t next_uint64(pcg64_t *g) {
  g->state = g->state * PCG_MULT + g->inc;
  uint64_t hi = (uint64_t)(g->state >> 64);
  uint64_t x = hi ^ (uint64_t)g->state;
  unsigned rot = (unsigned)(hi >> 58);
  return (x >> rot) | (x << ((64 - rot) & 63));
}

/* NumPy's next_double: the top 53 bits, times 2**-53. */
static inline double next_double(pcg64_t *g) {
  return (double)(next_uint64(g) >> 11) * (1.0 / 9007199254740992.0);
}

/*
 * random_standard_normal, as numpy/random/src/distributions/distributions.c writes it, on the
 * tables of lib/np/random/ziggurat.ts (ki, wi, fi: 256 doubles each; ki's integers are below
 * 2**53, so `rabs < ki[idx]` is exact on doubles). The rare steps call the C library's exp and
 * log1p, as NumPy does (npy_log1p is libm's on Linux).
 */
static inline double standard_normal(pcg64_t *g, const double *ki, const double *wi, const double *fi) {
  for (;;) {
    uint64_t r = next_uint64(g); /* e3n52sb8: 8 bits of layer, a sign bit, 52 of magnitude */
    int idx = (int)(r & 0xff);
    r >>= 8;
    uint64_t sign = r & 0x1;
    uint64_t rabs = (r >> 1) & 0x000fffffffffffffULL;
    double drabs = (double)rabs;
    double x = drabs * wi[idx];
    /* NumPy's `if (sign) x = -x` on x >= +0, without a branch: a coin flip mispredicts half
     * the time, which cost ~3 ns of the ~9.6 per draw measured with the branch. */
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    bits |= sign << 63;
    memcpy(&x, &bits, sizeof x);
    if (drabs < ki[idx]) return x; /* 99.3% of draws */
    if (idx == 0) {
      for (;;) {
        /* 1 - U, as NumPy (GH 13361), to avoid log(0) */
        double xx = -NOR_INV_R * log1p(-next_double(g));
        double yy = -log1p(-next_double(g));
        if (yy + yy > xx * xx) return ((rabs >> 8) & 0x1) ? -(NOR_R + xx) : NOR_R + xx;
      }
    } else if ((fi[idx - 1] - fi[idx]) * next_double(g) + fi[idx] < exp(-0.5 * x * x)) {
      return x;
    }
  }
}

/* NumPy's next_uint32: the saved high half of the last draw, else a fresh draw's low half. */
typedef struct {
  int has;
  uint32_t saved;
} half_t;

static inline uint32_t next_uint32(pcg64_t *g, half_t *h) {
  if (h->has) {
    h->has = 0;
    return h->saved;
  }
  uint64_t r = next_uint64(g);
  h->has = 1;
  h->saved = (uint32_t)(r >> 32);
  return (uint32_t)r;
}

/* The state from JavaScript's words: state then increment, as little-endian uint64 halves. */
static inline void pcg_load(const uint32_t *words, pcg64_t *g) {
  uint64_t w[4];
  memcpy(w, words, sizeof w);
  g->state = ((u128)w[1] << 64) | w[0];
  g->inc = ((u128)w[3] << 64) | w[2];
}

/* Writes the state back (the increment never changes). */
static inline void pcg_store(const pcg64_t *g, uint32_t *words) {
  uint64_t w[2] = { (uint64_t)g->state, (uint64_t)(g->state >> 64) };
  memcpy(words, w, sizeof w);
}

#define MT_N 624
#define MT_M 397

/* The 624-word key (JavaScript's, advanced in place) and the index of the next word. */
typedef struct {
  uint32_t *key;
  int pos;
} mt_t;

/* mt19937_gen: the next 624 words, in place. Once per 624 draws, so kept out of line: inlined
 * into every draw it made mt_next_double too big to inline into the samplers. */
static __attribute__((noinline, unused)) void mt_twist(uint32_t *key) {
  int i = 0;
  uint32_t y;
  for (; i < MT_N - MT_M; i++) {
    y = (key[i] & 0x80000000U) | (key[i + 1] & 0x7fffffffU);
    key[i] = key[i + MT_M] ^ (y >> 1) ^ (-(y & 1) & 0x9908b0dfU);
  }
  for (; i < MT_N - 1; i++) {
    y = (key[i] & 0x80000000U) | (key[i + 1] & 0x7fffffffU);
    key[i] = key[i + MT_M - MT_N] ^ (y >> 1) ^ (-(y & 1) & 0x9908b0dfU);
  }
  y = (key[MT_N - 1] & 0x80000000U) | (key[0] & 0x7fffffffU);
  key[MT_N - 1] = key[MT_M - 1] ^ (y >> 1) ^ (-(y & 1) & 0x9908b0dfU);
}

static inline __attribute__((always_inline)) uint32_t mt_next32(mt_t *g) {
  if (g->pos == MT_N) {
    mt_twist(g->key);
    g->pos = 0;
  }
  uint32_t y = g->key[g->pos++];
  y ^= y >> 11;
  y ^= (y << 7) & 0x9d2c5680U;
  y ^= (y << 15) & 0xefc60000U;
  return y ^ (y >> 18);
}

/* mt19937_next_double: 27 + 26 bits of two words. */
static inline __attribute__((always_inline)) double mt_next_double(mt_t *g) {
  int32_t a = (int32_t)(mt_next32(g) >> 5), b = (int32_t)(mt_next32(g) >> 6);
  return (a * 67108864.0 + b) / 9007199254740992.0;
}

/* NumPy's distributions over these generators, filled in C (np_distributions.c). */
void np_distributions_register(napi_env env, napi_value exports);

#endif
