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

#define PW_BLOCKSIZE 128
/* NumPy reduces long lines in buffer-sized blocks: acc += pairwise(block). */
#define BUFSIZE 8192
/* Streaming (non-temporal) stores for large outputs were tried and dropped: on this VM they
 * were slower than plain stores both into fresh buffers and into touched ones. */

static double pairwise_sum(const double *a, intptr_t n) {
  if (n < 8) {
    double res = 0.;
    for (intptr_t i = 0; i < n; i++) res += a[i];
    return res;
  }
  if (n <= PW_BLOCKSIZE) {
    double r[8];
    for (int j = 0; j < 8; j++) r[j] = a[j];
    intptr_t i;
    for (i = 8; i < n - (n % 8); i += 8) {
      for (int j = 0; j < 8; j++) r[j] += a[i + j];
    }
    double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; i++) res += a[i];
    return res;
  }
  intptr_t n2 = n / 2;
  n2 -= n2 % 8;
  return pairwise_sum(a, n2) + pairwise_sum(a + n2, n - n2);
}

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

static void elementwise(int op, const double *a, int as, const double *b, int bs, double *o, intptr_t n) {
  switch (op) {
    case OP_COPY: UNARY(x); break;
    case OP_SQUARE: UNARY(x * x); break;
    case OP_NEG: UNARY(-x); break;
    case OP_ABS: UNARY(fabs(x)); break;
    case OP_SQRT: UNARY(sqrt(x)); break;
    case OP_ADD: BINARY(x + y); break;
    case OP_SUB: BINARY(x - y); break;
    case OP_MUL: BINARY(x * y); break;
    case OP_DIV: BINARY(x / y); break;
  }
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
  for (int64_t k = 0; k < lines; k++) {
    const double *line = a + off + k * stride;
    double acc = 0.;
    for (int64_t s = 0; s < n; s += BUFSIZE) acc += pairwise_sum(line + s, n - s < BUFSIZE ? n - s : BUFSIZE);
    o[oo + k] = acc;
  }
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    { "elementwise", NULL, js_elementwise, NULL, NULL, NULL, napi_default, NULL },
    { "sumLines", NULL, js_sum_lines, NULL, NULL, NULL, napi_default, NULL },
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
