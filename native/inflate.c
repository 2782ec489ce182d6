/*
 * lazylab's optional native chunk decoding for lib/xr (lib/xr/native.ts loads it; without
 * this addon lib/xr/codec.ts inflates with Node's zlib and unshuffles in JavaScript, with the
 * same bytes as the result).
 *
 * Why native code: on ECCO-like chunks (1.4 MB of float32, zlib level 4 + shuffle) Node's
 * zlib inflated at ~0.3 GB/s of output into a fresh buffer per chunk and the JavaScript
 * unshuffle ran at ~0.4-0.5 GB/s: decoding was most of a 100-file compute's CPU time.
 * libdeflate (Debian's libdeflate-dev, when found at build time) inflates a whole zlib stream
 * into a buffer the caller gives, and HDF5's shuffle is undone here in the same pass that
 * masks the fill value (CF's _FillValue → NaN) and crops the chunk to the part a read uses.
 *
 * Every buffer is an ArrayBuffer JavaScript allocated and passed in (the chunk's output and
 * the inflate scratch): V8 accounts them to the thread that allocated them, as the memory
 * probes expect. The only memory of its own is libdeflate's decompressor state (~32 KB per
 * thread, allocated when the thread loads the addon), like zlib's.
 */
#include <node_api.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef __linux__
#include <sys/mman.h>
/* MADV_POPULATE_WRITE (Linux 5.14); older kernels answer EINVAL and nothing happens. */
#define MADV_POPULATE_WRITE_FALLBACK 23
#endif
#ifdef LAZYLAB_LIBDEFLATE
#include <libdeflate.h>
#endif

/* Fill kinds of unshuffle/mask: none, float32, float64. */
enum { FILL_NONE = 0, FILL_F32 = 1, FILL_F64 = 2 };
/* The NaN JavaScript writes for `a[i] = NaN` (V8's canonical quiet NaN). */
static const uint32_t NAN32 = 0x7fc00000u;
static const uint64_t NAN64 = 0x7ff8000000000000ull;

static int bytes_of(napi_env env, napi_value v, uint8_t **p, size_t *n) {
  napi_typedarray_type type;
  size_t length;
  void *data;
  if (napi_get_typedarray_info(env, v, &type, &length, &data, NULL, NULL) != napi_ok || type != napi_uint8_array) {
    napi_throw_type_error(env, NULL, "lazylab chunk decoding: expected a Uint8Array");
    return 0;
  }
  *p = data;
  *n = length;
  return 1;
}

static int int_of(napi_env env, napi_value v, int64_t *out) {
  if (napi_get_value_int64(env, v, out) != napi_ok) {
    napi_throw_type_error(env, NULL, "lazylab chunk decoding: expected an integer");
    return 0;
  }
  return 1;
}

/*
 * HDF5's shuffle stores byte b of element i of an n-element chunk at b*n + i. Writes m
 * elements from element e0 on, unshuffled, to dst; elements equal to the fill value become
 * NaN.
 */
static void unshuffle_run(const uint8_t *src, size_t n, size_t size, uint8_t *dst, size_t e0, size_t m, int kind, double fill) {
  if (size == 4) {
    const uint8_t *s0 = src + e0, *s1 = src + n + e0, *s2 = src + 2 * n + e0, *s3 = src + 3 * n + e0;
    if (kind == FILL_F32) {
      float f = (float)fill;
      for (size_t i = 0; i < m; i++) {
        uint32_t v = (uint32_t)s0[i] | ((uint32_t)s1[i] << 8) | ((uint32_t)s2[i] << 16) | ((uint32_t)s3[i] << 24);
        float x;
        memcpy(&x, &v, 4);
        if (x == f) v = NAN32;
        memcpy(dst + 4 * i, &v, 4);
      }
    } else {
      for (size_t i = 0; i < m; i++) {
        uint32_t v = (uint32_t)s0[i] | ((uint32_t)s1[i] << 8) | ((uint32_t)s2[i] << 16) | ((uint32_t)s3[i] << 24);
        memcpy(dst + 4 * i, &v, 4);
      }
    }
  } else if (size == 8) {
    for (size_t i = 0; i < m; i++) {
      uint64_t v = 0;
      for (size_t b = 0; b < 8; b++) v |= (uint64_t)src[b * n + e0 + i] << (8 * b);
      if (kind == FILL_F64) {
        double x;
        memcpy(&x, &v, 8);
        if (x == fill) v = NAN64;
      }
      memcpy(dst + 8 * i, &v, 8);
    }
  } else {
    for (size_t b = 0; b < size; b++) {
      const uint8_t *s = src + b * n + e0;
      for (size_t i = 0; i < m; i++) dst[i * size + b] = s[i];
    }
  }
}

/* Fill values → NaN in place. */
static void mask(uint8_t *data, size_t len, int kind, double fill) {
  if (kind == FILL_F32) {
    float f = (float)fill;
    for (size_t i = 0; i + 4 <= len; i += 4) {
      float x;
      memcpy(&x, data + i, 4);
      if (x == f) memcpy(data + i, &NAN32, 4);
    }
  } else if (kind == FILL_F64) {
    for (size_t i = 0; i + 8 <= len; i += 8) {
      double x;
      memcpy(&x, data + i, 8);
      if (x == fill) memcpy(data + i, &NAN64, 8);
    }
  }
}

static int fill_args(napi_env env, napi_value kv, napi_value fv, size_t size, int *kind, double *fill) {
  int64_t k;
  if (!int_of(env, kv, &k)) return 0;
  if (k < FILL_NONE || k > FILL_F64 || napi_get_value_double(env, fv, fill) != napi_ok || (k == FILL_F32 && size != 4) || (k == FILL_F64 && size != 8)) {
    napi_throw_range_error(env, NULL, "lazylab chunk decoding: bad fill kind or value for the element size");
    return 0;
  }
  *kind = (int)k;
  return 1;
}

/*
 * Fresh output buffers (the cache's memory, allocated by the notebook's thread) are faulted
 * in page by page as they are first written; asking the kernel to map the whole range at
 * once costs less per page on this VM (measured 2.6 vs 2.9-3.5 us a page).
 */
static void populate(uint8_t *p, size_t n) {
#if defined(__linux__) && defined(MADV_POPULATE_WRITE_FALLBACK)
  if (n < (1u << 16)) return;
  uintptr_t page = 4096, a = ((uintptr_t)p + page - 1) & ~(page - 1), b = ((uintptr_t)p + n) & ~(page - 1);
  if (b > a) madvise((void *)a, b - a, MADV_POPULATE_WRITE_FALLBACK);
#else
  (void)p;
  (void)n;
#endif
}

/*
 * The runs argument: null (the whole chunk) or a Float64Array of triples (first source
 * element, first output element, elements), each inside both buffers.
 */
static int runs_of(napi_env env, napi_value v, size_t n, size_t dn, const double **runs, size_t *count) {
  napi_valuetype t;
  napi_typeof(env, v, &t);
  if (t == napi_null || t == napi_undefined) {
    *runs = NULL;
    *count = 0;
    return 1;
  }
  napi_typedarray_type type;
  size_t length;
  void *data;
  if (napi_get_typedarray_info(env, v, &type, &length, &data, NULL, NULL) != napi_ok || type != napi_float64_array || length % 3 != 0) {
    napi_throw_type_error(env, NULL, "lazylab chunk decoding: runs must be a Float64Array of triples");
    return 0;
  }
  const double *r = data;
  for (size_t k = 0; k < length; k += 3) {
    if (!(r[k] >= 0 && r[k + 1] >= 0 && r[k + 2] >= 0 && r[k] + r[k + 2] <= (double)n && r[k + 1] + r[k + 2] <= (double)dn)) {
      napi_throw_range_error(env, NULL, "lazylab chunk decoding: a run lies outside the chunk or the output");
      return 0;
    }
  }
  *runs = r;
  *count = length / 3;
  return 1;
}

/*
 * unshuffle(src, size, dst, runs, fillKind, fill) and gather(...): the chunk `src` (shuffled,
 * or not) into dst, whole (runs null: dst.length bytes, the bytes stored past the last
 * whole element as they are) or the runs of elements a read uses.
 */
static napi_value decode_runs(napi_env env, napi_callback_info info, int shuffled) {
  size_t argc = 6;
  napi_value a[6];
  napi_get_cb_info(env, info, &argc, a, NULL, NULL);
  uint8_t *src, *dst;
  size_t len, dlen, nruns;
  int64_t size;
  const double *runs;
  int kind;
  double fill;
  if (argc < 6 || !bytes_of(env, a[0], &src, &len) || !int_of(env, a[1], &size) || !bytes_of(env, a[2], &dst, &dlen)) return NULL;
  if (size < 1 || dlen > len) {
    napi_throw_range_error(env, NULL, "lazylab chunk decoding: bad element size or output length");
    return NULL;
  }
  size_t n = len / (size_t)size;
  if (!runs_of(env, a[3], n, dlen / (size_t)size, &runs, &nruns) || !fill_args(env, a[4], a[5], (size_t)size, &kind, &fill)) return NULL;
  if (src + len > dst && dst + dlen > src) {
    napi_throw_range_error(env, NULL, "lazylab chunk decoding: source and output overlap");
    return NULL;
  }
  populate(dst, dlen);
  if (!runs) {
    size_t m = dlen / (size_t)size < n ? dlen / (size_t)size : n;
    if (shuffled) {
      unshuffle_run(src, n, (size_t)size, dst, 0, m, kind, fill);
      for (size_t p = m * (size_t)size; p < dlen; p++) dst[p] = p < n * (size_t)size ? src[(p % (size_t)size) * n + p / (size_t)size] : src[p];
    } else {
      memcpy(dst, src, dlen);
      mask(dst, dlen, kind, fill);
    }
    return NULL;
  }
  for (size_t k = 0; k < nruns; k++) {
    size_t s = (size_t)runs[3 * k], d = (size_t)runs[3 * k + 1], m = (size_t)runs[3 * k + 2];
    if (shuffled) unshuffle_run(src, n, (size_t)size, dst + d * (size_t)size, s, m, kind, fill);
    else {
      memcpy(dst + d * (size_t)size, src + s * (size_t)size, m * (size_t)size);
      mask(dst + d * (size_t)size, m * (size_t)size, kind, fill);
    }
  }
  return NULL;
}

static napi_value js_unshuffle(napi_env env, napi_callback_info info) {
  return decode_runs(env, info, 1);
}

static napi_value js_gather(napi_env env, napi_callback_info info) {
  return decode_runs(env, info, 0);
}

/* mask(data, fillKind, fill): fill values → NaN in place. */
static napi_value js_mask(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value a[3];
  napi_get_cb_info(env, info, &argc, a, NULL, NULL);
  uint8_t *data;
  size_t len;
  int kind;
  double fill;
  int64_t k;
  if (argc < 3 || !bytes_of(env, a[0], &data, &len) || !int_of(env, a[1], &k)) return NULL;
  if (!fill_args(env, a[1], a[2], k == FILL_F64 ? 8 : 4, &kind, &fill)) return NULL;
  mask(data, len, kind, fill);
  return NULL;
}

#ifdef LAZYLAB_LIBDEFLATE
static napi_value number(napi_env env, double x) {
  napi_value v;
  napi_create_double(env, x, &v);
  return v;
}

static void free_decompressor(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  libdeflate_free_decompressor(data);
}

/*
 * inflate(src, dst): inflates the zlib stream `src` into dst, returning the bytes written;
 * -1 when the stream is corrupt, -2 when its output does not fit in dst (bytes after the
 * stream's end are ignored, as zlib does).
 */
static napi_value js_inflate(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value a[2];
  napi_get_cb_info(env, info, &argc, a, NULL, NULL);
  uint8_t *src, *dst;
  size_t len, dlen;
  if (argc < 2 || !bytes_of(env, a[0], &src, &len) || !bytes_of(env, a[1], &dst, &dlen)) return NULL;
  struct libdeflate_decompressor *d = NULL;
  napi_get_instance_data(env, (void **)&d);
  if (!d) {
    /* Made when the addon loaded (init); again here only if that failed. */
    d = libdeflate_alloc_decompressor();
    if (!d || napi_set_instance_data(env, d, free_decompressor, NULL) != napi_ok) {
      napi_throw_error(env, NULL, "lazylab chunk decoding: out of memory for the decompressor");
      return NULL;
    }
  }
  size_t in_used = 0, out = 0;
  enum libdeflate_result r = libdeflate_zlib_decompress_ex(d, src, len, dst, dlen, &in_used, &out);
  if (r == LIBDEFLATE_SUCCESS) return number(env, (double)out);
  return number(env, r == LIBDEFLATE_INSUFFICIENT_SPACE ? -2 : -1);
}
#endif

static napi_value init(napi_env env, napi_value exports) {
#ifdef LAZYLAB_LIBDEFLATE
  /* One decompressor per thread (each worker thread loads its own instance of the addon), made
   * as the thread loads the addon rather than at its first chunk: which decoder thread inflates
   * first is timing, so a decompressor made then (its malloc'd state) would enter the memory
   * figures at a moment timing sets. */
  struct libdeflate_decompressor *d = libdeflate_alloc_decompressor();
  if (d && napi_set_instance_data(env, d, free_decompressor, NULL) != napi_ok) libdeflate_free_decompressor(d);
#endif
  napi_property_descriptor props[] = {
    {"unshuffle", NULL, js_unshuffle, NULL, NULL, NULL, napi_enumerable, NULL},
    {"gather", NULL, js_gather, NULL, NULL, NULL, napi_enumerable, NULL},
    {"mask", NULL, js_mask, NULL, NULL, NULL, napi_enumerable, NULL},
#ifdef LAZYLAB_LIBDEFLATE
    {"inflate", NULL, js_inflate, NULL, NULL, NULL, napi_enumerable, NULL},
#endif
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
