/*
 * NumPy's PCG64 (XSL-RR 128/64) with its `random` (next_double), `standard_normal`
 * (random_standard_normal: the 256-layer ziggurat), float32 `random` (next_float) and
 * `integers` (random_bounded_uint64_fill: Lemire's method, on the buffered next_uint32 for
 * ranges below 2**32; and the 32-, 16-, 8- and 1-bit dtypes' fills, on next_uint32 cut into
 * 1, 2, 4 and 32 draws) written straight into the caller's typed array.
 * lib/np/random/pcg64.ts calls it for these fills when the addon is loaded; the
 * WebAssembly kernel (pcg64-kernel.ts) does the same work otherwise, bit for bit.
 *
 * Why native code: the WebAssembly kernel has no 64×64→128 multiply (four 32-bit products
 * per step) and writes into its own memory, copied out a block at a time; C with
 * `unsigned __int128` is one `mul` and two `imul`s per step, writing in place.
 *
 * The state is the caller's: 128-bit state then increment, as four little-endian uint64
 * words (the layout of PCG64's words in JavaScript), read at the start of a fill and written
 * back at its end, so native and JavaScript fills interleave on one stream. NumPy's
 * buffered half-draw (has_uint32/uinteger) is untouched by next_uint64 and next_double, as in
 * NumPy; the 32-bit kinds (float32 random, integers below 2**32) read and write it in the
 * params words, as next_uint32 does in NumPy.
 *
 * The generators' steps and the normal ziggurat are np_bitgen.h's, shared with the
 * distributions' fills (np_distributions.c, registered from here). The ziggurat's tables come
 * from JavaScript (ziggurat.ts builds them and test/np-random.test.ts finds them byte for byte
 * in NumPy's compiled module): ki, wi, fi as 3 × 256 doubles.
 * Built with -ffp-contract=off: the wedge's `(fi[i-1] - fi[i]) * u + fi[i]` is not fused,
 * as it is not in NumPy's x86-64 build.
 */
#include "np_bitgen.h"

/* NumPy's next_float: the top 24 bits of next_uint32, times 2**-24, in float. */
static inline float next_float(pcg64_t *g, half_t *h) {
  return (float)(next_uint32(g, h) >> 8) * (1.0f / 16777216.0f);
}

/*
 * buffered_bounded_lemire_uint32 with rng_excl = rng + 1 ∈ [2, 2**32] (2**32 is NumPy's plain
 * buffered_uint32: leftover is then 0 and the threshold 0, so m >> 32 is the draw itself).
 * threshold = (UINT32_MAX - rng) % rng_excl, computed once by the caller (NumPy computes it
 * on the rare leftover < rng_excl; the value is the same).
 */
static inline uint64_t bounded_lemire32(pcg64_t *g, half_t *h, uint64_t rng_excl, uint64_t threshold) {
  uint64_t m;
  do {
    m = (uint64_t)next_uint32(g, h) * rng_excl;
  } while ((m & 0xffffffffULL) < threshold);
  return m >> 32;
}

/*
 * random_bounded_{uint32,uint16,uint8,bool}_fill's draw with rng_excl = rng + 1 ∈ [2, 2**bits]:
 * Lemire's method on `bits`-bit draws, which for 8, 16 and 1 bits are cut from one next_uint32
 * lowest bits first (buffered_uint8, buffered_uint16, the bool's bit at a time), `buf`/`bcnt`
 * being the call's own buffer as in NumPy. rng_excl = 2**bits is NumPy's plain buffered draw
 * (threshold 0, value the draw itself), and for bool rng_excl = 2 its bit as it is.
 * `bits` is a constant at each call, so each width compiles to its own loop.
 */
static inline uint32_t bounded_narrow(pcg64_t *g, half_t *h, const int bits, uint64_t rng_excl, uint64_t threshold, uint32_t *buf, int *bcnt) {
  const uint64_t mask = bits == 32 ? 0xffffffffULL : (1ULL << bits) - 1;
  uint64_t m;
  do {
    uint32_t v;
    if (bits == 32) {
      v = next_uint32(g, h);
    } else {
      if (*bcnt == 0) {
        *buf = next_uint32(g, h);
        *bcnt = 32 / bits - 1;
      } else {
        *buf >>= bits;
        *bcnt -= 1;
      }
      v = (uint32_t)(*buf & mask);
    }
    m = (uint64_t)v * rng_excl;
  } while ((m & mask) < threshold);
  return (uint32_t)(m >> bits);
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/* Lane-wise sums of 8-bit (or 16-bit) lanes packed in a word, without carries between lanes. */
static inline uint64_t lanes_add(uint64_t a, uint64_t b, uint64_t high) {
  return ((a & ~high) + (b & ~high)) ^ ((a ^ b) & high);
}
#endif

/*
 * The 64/bits values of one 64-bit draw, lowest bits first, each (c >> shift) + base in
 * `bits`-bit arithmetic, stored at o: a few word operations for all of them (8-bit and
 * 16-bit lanes side by side in the word; bits through np_bit_bytes for bool) instead of a
 * shift, mask and add each. Returns 0 where that does not apply (another width or a big-endian
 * CPU), and the caller does them one at a time.
 */
static inline int draw_values(const int bits, uint64_t w, int shift, uint64_t base, void *o) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  if (bits == 8) {
    const uint64_t ones = 0x0101010101010101ULL;
    uint64_t v = lanes_add((w >> shift) & (ones * (0xffu >> shift)), ones * (uint8_t)base, 0x8080808080808080ULL);
    memcpy(o, &v, 8);
    return 1;
  }
  if (bits == 16) {
    const uint64_t ones = 0x0001000100010001ULL;
    uint64_t v = lanes_add((w >> shift) & (ones * (0xffffu >> shift)), ones * (uint16_t)base, 0x8000800080008000ULL);
    memcpy(o, &v, 8);
    return 1;
  }
  if (bits == 1) {
    const uint64_t b = 0x0101010101010101ULL * (uint8_t)base;
    for (int k = 0; k < 8; k++) {
      uint64_t v = lanes_add(np_bit_bytes[(w >> (8 * k)) & 0xff], b, 0x8080808080808080ULL);
      memcpy((uint8_t *)o + 8 * k, &v, 8);
    }
    return 1;
  }
#else
  (void)w, (void)shift, (void)base, (void)o;
#endif
  (void)bits;
  return 0;
}

/*
 * A whole narrow fill when the threshold is 0 (rng_excl = 2**k, k <= bits: the full range, bool,
 * [0, 128), …): nothing is rejected, so within a call, whose buffer starts empty, each
 * next_uint32 gives the next 32/bits values in turn, lowest bits first, the same as
 * bounded_narrow one at a time without its per-value test of the buffer. A value is
 * (c * 2**k) >> bits = c >> (bits - k) for its bits c. Whole 64-bit draws are split directly
 * (next_uint32 hands out a draw's low half, then keeps its high half for the next word): after
 * a half an earlier call left, and before the last words, which go through next_uint32 so that
 * a half this call does not use is kept as it would be; the draw's values are made side by side
 * in a word (draw_values). 10⁶ draws in a loop: `integers(0, 256)` as uint8 went from 0.59 to
 * 0.31 ns/element, bool from 0.80 to 0.12 (NumPy: 0.70, 0.85). T is the output's element type.
 */
#define FILL_UNREJECTED(T, bits)                                                          \
  do {                                                                                   \
    T *o = (T *)out + off;                                                               \
    const uint64_t mask = (1ULL << (bits)) - 1;                                          \
    const int shift = (bits) - __builtin_ctzll(rng_excl);                                \
    const int64_t per = 32 / (bits);                                                     \
    int64_t i = 0;                                                                       \
    if (h.has && n > 0) {                                                                \
      uint64_t w = next_uint32(&g, &h);                                                  \
      int64_t k = n < per ? n : per;                                                     \
      for (int64_t j = 0; j < k; j++) o[j] = (T)(base + (((w >> (j * (bits))) & mask) >> shift)); \
      i = k;                                                                             \
    }                                                                                    \
    pcg64_t local = g; /* in registers: g's address escapes to next_uint32 */            \
    for (; i + 2 * per <= n; i += 2 * per) {                                             \
      uint64_t w = next_uint64(&local);                                                  \
      if (!draw_values(bits, w, shift, base, o + i))                                     \
        for (int64_t j = 0; j < 2 * per; j++) o[i + j] = (T)(base + (((w >> (j * (bits))) & mask) >> shift)); \
    }                                                                                    \
    g = local;                                                                           \
    for (; i < n; i += per) {                                                            \
      uint64_t w = next_uint32(&g, &h);                                                  \
      int64_t k = n - i < per ? n - i : per;                                             \
      for (int64_t j = 0; j < k; j++) o[i + j] = (T)(base + (((w >> (j * (bits))) & mask) >> shift)); \
    }                                                                                    \
  } while (0)

/*
 * A whole narrow fill of 8- or 16-bit values that may be rejected: the candidates are each
 * next_uint32's 32/bits values, lowest first, and each accepted one is the next output, as
 * bounded_narrow draws them one output at a time; the call's last word's unused candidates are
 * dropped with its buffer, as NumPy drops them. Written without a branch on acceptance: each
 * candidate's value is stored at the next output and kept when accepted (a store within the
 * output: a candidate is only looked at while outputs remain). 10⁶ draws in a loop:
 * `integers(-1000, 1000)` as int16 went from 2.2 to 1.14 ns/element, `integers(0, 100)` as uint8
 * from 3.6 to 1.16 (NumPy: 1.7, 7.0).
 */
#define FILL_REJECTING(T, bits)                                                           \
  do {                                                                                   \
    T *o = (T *)out + off;                                                               \
    const uint64_t mask = (1ULL << (bits)) - 1;                                          \
    int64_t i = 0;                                                                       \
    while (i < n) {                                                                      \
      uint32_t w = next_uint32(&g, &h);                                                  \
      for (int j = 0; j < 32 / (bits) && i < n; j++, w >>= (bits)) {                     \
        uint64_t m = (uint64_t)(w & mask) * rng_excl;                                    \
        o[i] = (T)(base + (m >> (bits)));                                                \
        i += (m & mask) >= threshold;                                                    \
      }                                                                                  \
    }                                                                                    \
  } while (0)

/* bounded_lemire_uint64 with rng_excl = rng + 1 ∈ [2**32 + 1, 2**64) (rng = 2**64 - 1 is next_uint64). */
static inline uint64_t bounded_lemire64(pcg64_t *g, uint64_t rng_excl, uint64_t threshold) {
  u128 m;
  do {
    m = (u128)next_uint64(g) * rng_excl;
  } while ((uint64_t)m < threshold);
  return (uint64_t)(m >> 64);
}

enum { FILL_DOUBLE, FILL_NORMAL, FILL_FLOAT, FILL_INTS32, FILL_INTS64 };

/*
 * pcgFill(kind, words, out, offset, n, extra): out[offset .. offset+n) = n draws of `kind`
 * from the generator in `words` (a Uint32Array of at least 8: state lo/hi, inc lo/hi as
 * uint64 halves), whose state advances in place:
 *   0 next_double and 1 standard normal into a Float64Array; for 1, `extra` is a
 *     Float64Array of the ziggurat's ki, wi, fi (768 doubles); with two more arguments
 *     (low, scale: numbers) each draw x is written as low + scale * x, NumPy's random_uniform
 *     (lower + range * next_double) and random_normal (loc + scale * standard normal), the
 *     product rounded before the sum as there (the addon is built with -ffp-contract=off);
 *   2 next_float into a Float32Array;
 *   3 integers below 2**32 and 4 integers from 2**32 up, off + draw as int64 rounded to
 *     double, into a Float64Array.
 * For 2-4, `extra` is a Uint32Array of 6: has_uint32, uinteger (read and written back), then
 * off and rng_excl = range + 1 as uint64 halves (3: rng_excl ∈ [2, 2**32]; 4: rng_excl
 * ≥ 2**32 + 1, or 0 for the full 2**64).
 */
static napi_value js_pcg_fill(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int64_t kind, off, n;
  double *tables = NULL;
  size_t out_length, tables_length = 0, words_length, params_length = 0;
  napi_typedarray_type type, out_type;
  void *words, *out, *params = NULL;
  /* Missing arguments are undefined (napi_get_cb_info fills them in): the checks below reject them. */
  if (!get_int(env, argv[0], &kind)) return NULL;
  if (kind < FILL_DOUBLE || kind > FILL_INTS64) {
    napi_throw_range_error(env, NULL, "lazylab native pcgFill: unknown kind");
    return NULL;
  }
  if (napi_get_typedarray_info(env, argv[1], &type, &words_length, &words, NULL, NULL) != napi_ok || type != napi_uint32_array || words_length < 8) {
    napi_throw_type_error(env, NULL, "lazylab native pcgFill: the state must be a Uint32Array of at least 8 words");
    return NULL;
  }
  napi_typedarray_type want = kind == FILL_FLOAT ? napi_float32_array : napi_float64_array;
  if (napi_get_typedarray_info(env, argv[2], &out_type, &out_length, &out, NULL, NULL) != napi_ok || out_type != want) {
    napi_throw_type_error(env, NULL, kind == FILL_FLOAT ? "lazylab native pcgFill: expected a Float32Array for out" : "lazylab native pcgFill: expected a Float64Array for out");
    return NULL;
  }
  if (!get_int(env, argv[3], &off) || !get_int(env, argv[4], &n)) return NULL;
  if (!in_bounds(env, out_length, off, n, 1)) return NULL;
  if (kind == FILL_NORMAL) {
    if (!get_f64(env, argv[5], &tables, &tables_length)) return NULL;
    if (tables_length != 3 * 256) {
      napi_throw_range_error(env, NULL, "lazylab native pcgFill: the ziggurat tables must be 768 doubles (ki, wi, fi)");
      return NULL;
    }
  } else if (kind != FILL_DOUBLE) {
    if (napi_get_typedarray_info(env, argv[5], &type, &params_length, &params, NULL, NULL) != napi_ok || type != napi_uint32_array || params_length < 6) {
      napi_throw_type_error(env, NULL, "lazylab native pcgFill: the params must be a Uint32Array of at least 6 words");
      return NULL;
    }
  }
  /* low + scale * draw for kinds 0 and 1, when both are given. */
  double low = 0., scale = 1.;
  napi_valuetype t6;
  int affine = (kind == FILL_DOUBLE || kind == FILL_NORMAL) && argc >= 8 && napi_typeof(env, argv[6], &t6) == napi_ok && t6 != napi_undefined;
  if (affine && (!get_double(env, argv[6], &low) || !get_double(env, argv[7], &scale))) return NULL;
  pcg64_t g;
  pcg_load((const uint32_t *)words, &g);
  size_t width = kind == FILL_FLOAT ? sizeof(float) : sizeof(double);
  if (n >= STREAM_MIN) np_prefault((char *)out + (size_t)off * width, (size_t)n * width);
  if (kind == FILL_DOUBLE) {
    double *o = (double *)out + off;
    if (affine)
      for (int64_t i = 0; i < n; i++) o[i] = low + scale * next_double(&g);
    else
      for (int64_t i = 0; i < n; i++) o[i] = next_double(&g);
  } else if (kind == FILL_NORMAL) {
    double *o = (double *)out + off;
    const double *ki = tables, *wi = tables + 256, *fi = tables + 512;
    if (affine)
      for (int64_t i = 0; i < n; i++) o[i] = low + scale * standard_normal(&g, ki, wi, fi);
    else
      for (int64_t i = 0; i < n; i++) o[i] = standard_normal(&g, ki, wi, fi);
  } else {
    uint32_t *p = (uint32_t *)params;
    half_t h = { p[0] != 0, p[1] };
    if (kind == FILL_FLOAT) {
      float *o = (float *)out + off;
      for (int64_t i = 0; i < n; i++) o[i] = next_float(&g, &h);
    } else {
      double *o = (double *)out + off;
      uint64_t base = ((uint64_t)p[3] << 32) | p[2];
      uint64_t rng_excl = ((uint64_t)p[5] << 32) | p[4];
      if (kind == FILL_INTS32) {
        if (rng_excl < 2 || rng_excl > 0x100000000ULL) {
          napi_throw_range_error(env, NULL, "lazylab native pcgFill: integers below 2**32 need range + 1 in [2, 2**32]");
          return NULL;
        }
        uint64_t threshold = 0x100000000ULL % rng_excl;
        for (int64_t i = 0; i < n; i++) o[i] = (double)(int64_t)(base + bounded_lemire32(&g, &h, rng_excl, threshold));
      } else if (rng_excl == 0) {
        for (int64_t i = 0; i < n; i++) o[i] = (double)(int64_t)(base + next_uint64(&g));
      } else {
        uint64_t threshold = (0 - rng_excl) % rng_excl;
        for (int64_t i = 0; i < n; i++) o[i] = (double)(int64_t)(base + bounded_lemire64(&g, rng_excl, threshold));
      }
    }
    p[0] = (uint32_t)h.has;
    p[1] = h.saved;
  }
  pcg_store(&g, (uint32_t *)words);
  return NULL;
}

/*
 * pcgFillNarrow(bits, words, out, offset, n, params): out[offset .. offset+n) = the low bytes
 * of off + draw for n draws of random_bounded_{bool,uint8,uint16,uint32}_fill (bits 1, 8, 16,
 * 32), into an integer typed array of that width, signed or not (a Uint8Array for bool). The
 * generator in `words` and the next_uint32 buffer in `params` advance in place, as pcgFill's
 * kinds 2-4: params is a Uint32Array of 6, has_uint32, uinteger, then off and rng_excl =
 * range + 1 ∈ [2, 2**bits] as uint64 halves. The narrower draws' own buffer lives and dies
 * with the call, as NumPy's: the caller fills the whole output in one call.
 */
static napi_value js_pcg_fill_narrow(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int64_t bits, off, n;
  size_t out_length, words_length, params_length;
  napi_typedarray_type type, out_type;
  void *words, *out, *params;
  if (!get_int(env, argv[0], &bits)) return NULL;
  if (bits != 1 && bits != 8 && bits != 16 && bits != 32) {
    napi_throw_range_error(env, NULL, "lazylab native pcgFillNarrow: bits must be 1, 8, 16 or 32");
    return NULL;
  }
  if (napi_get_typedarray_info(env, argv[1], &type, &words_length, &words, NULL, NULL) != napi_ok || type != napi_uint32_array || words_length < 8) {
    napi_throw_type_error(env, NULL, "lazylab native pcgFillNarrow: the state must be a Uint32Array of at least 8 words");
    return NULL;
  }
  int fits = napi_get_typedarray_info(env, argv[2], &out_type, &out_length, &out, NULL, NULL) == napi_ok &&
             (bits == 1 ? out_type == napi_uint8_array
              : bits == 8 ? out_type == napi_uint8_array || out_type == napi_int8_array
              : bits == 16 ? out_type == napi_uint16_array || out_type == napi_int16_array
              : out_type == napi_uint32_array || out_type == napi_int32_array);
  if (!fits) {
    napi_throw_type_error(env, NULL, "lazylab native pcgFillNarrow: out must be an integer typed array of the draws' width (a Uint8Array for bool)");
    return NULL;
  }
  if (!get_int(env, argv[3], &off) || !get_int(env, argv[4], &n)) return NULL;
  if (!in_bounds(env, out_length, off, n, 1)) return NULL;
  if (napi_get_typedarray_info(env, argv[5], &type, &params_length, &params, NULL, NULL) != napi_ok || type != napi_uint32_array || params_length < 6) {
    napi_throw_type_error(env, NULL, "lazylab native pcgFillNarrow: the params must be a Uint32Array of at least 6 words");
    return NULL;
  }
  uint32_t *p = (uint32_t *)params;
  uint64_t base = ((uint64_t)p[3] << 32) | p[2];
  uint64_t rng_excl = ((uint64_t)p[5] << 32) | p[4];
  uint64_t span = 1ULL << bits;
  if (rng_excl < 2 || rng_excl > span) {
    napi_throw_range_error(env, NULL, "lazylab native pcgFillNarrow: range + 1 must be in [2, 2**bits]");
    return NULL;
  }
  uint64_t threshold = (span - rng_excl) % rng_excl;
  pcg64_t g;
  pcg_load((const uint32_t *)words, &g);
  half_t h = { p[0] != 0, p[1] };
  uint32_t buf = 0;
  int bcnt = 0;
  size_t width = bits == 1 ? 1 : (size_t)bits / 8;
  if (n * (int64_t)width >= STREAM_MIN) np_prefault((char *)out + (size_t)off * width, (size_t)n * width);
  if (threshold == 0 && bits == 1) {
    FILL_UNREJECTED(uint8_t, 1);
  } else if (threshold == 0 && bits == 8) {
    FILL_UNREJECTED(uint8_t, 8);
  } else if (threshold == 0 && bits == 16) {
    FILL_UNREJECTED(uint16_t, 16);
  } else if (bits == 1) {
    uint8_t *o = (uint8_t *)out + off;
    for (int64_t i = 0; i < n; i++) o[i] = (uint8_t)(base + bounded_narrow(&g, &h, 1, rng_excl, threshold, &buf, &bcnt));
  } else if (bits == 8) {
    FILL_REJECTING(uint8_t, 8);
  } else if (bits == 16) {
    FILL_REJECTING(uint16_t, 16);
  } else {
    uint32_t *o = (uint32_t *)out + off;
    for (int64_t i = 0; i < n; i++) o[i] = (uint32_t)(base + bounded_narrow(&g, &h, 32, rng_excl, threshold, &buf, &bcnt));
  }
  p[0] = (uint32_t)h.has;
  p[1] = h.saved;
  pcg_store(&g, (uint32_t *)words);
  return NULL;
}

/*
 * NumPy's legacy MT19937 (RandomState): random_sample's next_double and legacy_gauss (the
 * polar method, its second normal cached), as lib/np/random/mt19937.ts draws them, for long
 * fills. The state is the caller's: the 624 words, and a Float64Array of [pos, has_gauss,
 * gauss], read at the start and written back at the end, so native and JavaScript draws
 * interleave on one stream. The polar method calls the C library's log, as NumPy's does.
 *
 * mtFill(kind, key, aux, out, offset, n[, off, max]): out[offset .. offset+n) = n draws: kind 0
 * random_sample, 1 legacy_gauss, 2 off + v with v uniform in [0, max] by masked rejection on
 * 32-bit draws (randint's for max < 2**32; off + max a safe integer, so every sum is exact).
 * key: the Uint32Array of 624 words; aux: a Float64Array of [pos, has_gauss (0 or 1), gauss];
 * both advance in place.
 */
static napi_value js_mt_fill(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int64_t kind, off, n;
  double base = 0., max = 0.;
  size_t key_length, aux_length, out_length;
  napi_typedarray_type type;
  void *key;
  double *aux, *out;
  if (!get_int(env, argv[0], &kind)) return NULL;
  if (kind < 0 || kind > 2) {
    napi_throw_range_error(env, NULL, "lazylab native mtFill: unknown kind");
    return NULL;
  }
  if (kind == 2 && (!get_double(env, argv[6], &base) || !get_double(env, argv[7], &max))) return NULL;
  if (kind == 2 && !(max >= 1 && max <= 4294967295.0 && max == (double)(uint32_t)max && base == (double)(int64_t)base && fabs(base) + max <= 9007199254740991.0)) {
    napi_throw_range_error(env, NULL, "lazylab native mtFill: masked integers need max in [1, 2**32) and off + max a safe integer");
    return NULL;
  }
  if (napi_get_typedarray_info(env, argv[1], &type, &key_length, &key, NULL, NULL) != napi_ok || type != napi_uint32_array || key_length != MT_N) {
    napi_throw_type_error(env, NULL, "lazylab native mtFill: the key must be a Uint32Array of 624 words");
    return NULL;
  }
  if (!get_f64(env, argv[2], &aux, &aux_length)) return NULL;
  if (aux_length != 3 || !(aux[0] >= 0 && aux[0] <= MT_N) || aux[0] != (double)(int)aux[0]) {
    napi_throw_range_error(env, NULL, "lazylab native mtFill: aux must be [pos in 0..624, has_gauss, gauss]");
    return NULL;
  }
  if (!get_f64(env, argv[3], &out, &out_length)) return NULL;
  if (!get_int(env, argv[4], &off) || !get_int(env, argv[5], &n)) return NULL;
  if (!in_bounds(env, out_length, off, n, 1)) return NULL;
  mt_t g = { (uint32_t *)key, (int)aux[0] };
  double *o = out + off;
  if (n * (int64_t)sizeof(double) >= STREAM_MIN) np_prefault(o, (size_t)n * sizeof(double));
  if (kind == 0) {
    for (int64_t i = 0; i < n; i++) o[i] = mt_next_double(&g);
  } else if (kind == 2) {
    uint32_t top = (uint32_t)max, mask = top;
    mask |= mask >> 1;
    mask |= mask >> 2;
    mask |= mask >> 4;
    mask |= mask >> 8;
    mask |= mask >> 16;
    for (int64_t i = 0; i < n; i++) {
      uint32_t v;
      do v = mt_next32(&g) & mask;
      while (v > top);
      o[i] = base + (double)v;
    }
  } else {
    int64_t i = 0;
    if (aux[1] != 0 && n > 0) {
      o[i++] = aux[2];
      aux[1] = 0;
      aux[2] = 0;
    }
    while (i < n) {
      double x1, x2, r2;
      do {
        x1 = 2.0 * mt_next_double(&g) - 1.0;
        x2 = 2.0 * mt_next_double(&g) - 1.0;
        r2 = x1 * x1 + x2 * x2;
      } while (r2 >= 1.0 || r2 == 0.0);
      double f = sqrt(-2.0 * log(r2) / r2);
      o[i++] = f * x2;
      if (i < n) o[i++] = f * x1;
      else {
        aux[1] = 1;
        aux[2] = f * x1;
      }
    }
  }
  aux[0] = g.pos;
  return NULL;
}

/*
 * The C library's log, exp, pow, log1p and expm1, one call each, for the distributions that
 * lib/np/random/distributions.ts runs in JavaScript: NumPy's C code calls these (glibc's, not
 * correctly rounded, and on AVX-512 machines not the vector loops of np_vmath.c either), and
 * a sample that is `exp(normal)` or a rejection test on `log(u)` must see the same last bit.
 * Scalar calls, so no compiler vectorisation can swap in another implementation.
 */
static double libm_apply(int64_t op, double x, double y) {
  switch (op) {
    case 0: return log(x);
    case 1: return exp(x);
    case 2: return pow(x, y);
    case 3: return log1p(x);
    default: return expm1(x);
  }
}

/* libm(op, x[, y]): op 0 log(x), 1 exp(x), 2 pow(x, y), 3 log1p(x), 4 expm1(x). */
static napi_value js_libm(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int64_t op;
  double x, y = 0.;
  if (argc < 2 || !get_int(env, argv[0], &op) || !get_double(env, argv[1], &x)) return NULL;
  if (op < 0 || op > 4) {
    napi_throw_range_error(env, NULL, "lazylab native libm: unknown op");
    return NULL;
  }
  if (op == 2 && (argc < 3 || !get_double(env, argv[2], &y))) return NULL;
  napi_value r;
  napi_create_double(env, libm_apply(op, x, y), &r);
  return r;
}

/* libmFill(op, x, out, n[, y]): out[i] = libm(op, x[i], y) for i < n (x and out may be one array). */
static napi_value js_libm_fill(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int64_t op, n;
  double y = 0., *x, *out;
  size_t x_length, out_length;
  if (argc < 4 || !get_int(env, argv[0], &op)) return NULL;
  if (op < 0 || op > 4) {
    napi_throw_range_error(env, NULL, "lazylab native libmFill: unknown op");
    return NULL;
  }
  if (!get_f64(env, argv[1], &x, &x_length) || !get_f64(env, argv[2], &out, &out_length)) return NULL;
  if (!get_int(env, argv[3], &n)) return NULL;
  if (!in_bounds(env, x_length, 0, n, 1) || !in_bounds(env, out_length, 0, n, 1)) return NULL;
  if (argc > 4 && !get_double(env, argv[4], &y)) return NULL;
  for (int64_t i = 0; i < n; i++) out[i] = libm_apply(op, x[i], y);
  return NULL;
}

void np_random_register(napi_env env, napi_value exports) {
  napi_value yes;
  napi_get_boolean(env, true, &yes);
  napi_property_descriptor props[] = {
    { "pcgFill", NULL, js_pcg_fill, NULL, NULL, NULL, napi_default, NULL },
    { "pcgFillNarrow", NULL, js_pcg_fill_narrow, NULL, NULL, NULL, napi_default, NULL },
    { "mtFill", NULL, js_mt_fill, NULL, NULL, NULL, napi_default, NULL },
    { "libm", NULL, js_libm, NULL, NULL, NULL, napi_default, NULL },
    { "libmFill", NULL, js_libm_fill, NULL, NULL, NULL, napi_default, NULL },
    /* pcgFill takes low and scale (an addon built before it ignores them: the caller checks). */
    { "pcgFillAffine", NULL, NULL, NULL, NULL, yes, napi_default, NULL },
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  np_distributions_register(env, exports);
}
