/*
 * NumPy 1.24's distributions for scalar parameters, one call filling a whole output:
 * exponential (the 256-layer ziggurat, or inversion), poisson (multiplication below 10,
 * Hörmann's PTRS from 10), binomial (inversion, or Kachitvichyanukul & Schmeiser's BTPE),
 * gamma (Marsaglia & Tsang; standard_gamma and chisquare are gamma with scale 1 and 2) and
 * beta (Johnk's, or a ratio of gammas), on Generator's PCG64
 * (numpy/random/src/distributions/distributions.c) or on RandomState's MT19937 with the legacy
 * variants (legacy/legacy-distributions.c: polar-method normals, `-log(1 - U)` exponentials,
 * binomial without Generator's n = 0 or p = 0 shortcut, beta without its X + Y > 0 guard).
 *
 * lib/np/random/distributions.ts is the same samplers in JavaScript, one sample per call;
 * it stays for array parameters and for a missing addon, and both draw the same numbers, step
 * for step: the same floating-point operations in the same order (the addon is built with
 * -ffp-contract=off, so nothing is fused), the C library's log, exp, pow and log1p where NumPy
 * calls them (JavaScript reaches the same functions through libm.ts), and integer counts kept
 * as doubles as JavaScript keeps them, exact below 2**53 (NumPy's int64s; C's
 * `(int64_t)floor(x)` out of range is INT64_MIN on x86-64, written out here as to_int64).
 *
 * Why: one sample per JavaScript call cost 1.5-5x NumPy's time (bench/np-random.ts: a draw a
 * read of the WebAssembly kernel's block buffer, a log a call into the addon); here the draws
 * are inline steps of np_bitgen.h and the logs direct calls. Setups that NumPy recomputes per sample or
 * caches per generator (the binomial's, PTRS's constants) are made once per fill: the same
 * values, so the same bits.
 *
 * lognormal is not here: the normal fill then the C library's exp over the array (rng.ts)
 * measured ~0.5 ns a sample faster than exp inside the sampling loop.
 *
 * The caller (parameters.ts) has checked the parameters as NumPy does before anything is drawn.
 */
#include "np_bitgen.h"

/* The exponential ziggurat's tail start, NumPy's ziggurat_exp_r. */
#define EXP_R 7.6971174701310497140446280481

/*
 * The samplers are inlined into each fill loop, which works on its own copy of the draws
 * (fill below), and `legacy` (which generator) is a constant argument, not a field: so each
 * loop is compiled for one generator, no pointer to the copy leaves it, and the compiler keeps
 * the generator's state in registers. Measured on 10**6 samples into a preallocated output
 * (a loaded 2-core Xeon): poisson(4.5), 5.5 draws a sample, 26 -> 22 ns a sample, exponential
 * 3.7 -> 2.9, against the state in memory and the generator tested per draw.
 */
#define SAMPLER static inline __attribute__((always_inline))

/* One generator's draws: PCG64 with its ziggurat tables, or MT19937 with the legacy normal cache. */
typedef struct {
  pcg64_t pcg;
  const double *ki, *wi, *fi; /* normal ziggurat (ziggurat.ts) */
  const double *ke, *we, *fe; /* exponential ziggurat (ziggurat-exp.ts) */
  mt_t mt;
  int has_gauss;
  double gauss;
} draws_t;

/* next_double, or legacy_double. */
SAMPLER double uniform(draws_t *d, int legacy) {
  return legacy ? mt_next_double(&d->mt) : next_double(&d->pcg);
}

/* legacy_gauss: the polar method, its second normal kept for the next call. */
SAMPLER double legacy_gauss(draws_t *d) {
  if (d->has_gauss) {
    double cached = d->gauss;
    d->has_gauss = 0;
    d->gauss = 0.0;
    return cached;
  }
  double x1, x2, r2;
  do {
    x1 = 2.0 * mt_next_double(&d->mt) - 1.0;
    x2 = 2.0 * mt_next_double(&d->mt) - 1.0;
    r2 = x1 * x1 + x2 * x2;
  } while (r2 >= 1.0 || r2 == 0.0);
  double f = sqrt(-2.0 * log(r2) / r2);
  d->gauss = f * x1;
  d->has_gauss = 1;
  return f * x2;
}

/*
 * random_standard_exponential: 8 bits of layer and 53 of magnitude from one draw (its low 3
 * bits unused). ke's thresholds are integers below 2**53, so the comparison is exact on doubles.
 */
SAMPLER double zig_exponential(draws_t *d) {
  for (;;) {
    uint64_t ri = next_uint64(&d->pcg) >> 3;
    int idx = (int)(ri & 0xff);
    double dri = (double)(int64_t)(ri >> 8);
    double x = dri * d->we[idx];
    if (dri < d->ke[idx]) return x; /* 98.9% of draws */
    if (idx == 0) return EXP_R - log1p(-next_double(&d->pcg)); /* 1 - U, as NumPy (GH 13361) */
    if ((d->fe[idx - 1] - d->fe[idx]) * next_double(&d->pcg) + d->fe[idx] < exp(-x)) return x;
  }
}

/* random_standard_exponential, or legacy_standard_exponential's `-log(1 - U)`. */
SAMPLER double exponential(draws_t *d, int legacy) {
  return legacy ? -log(1.0 - mt_next_double(&d->mt)) : zig_exponential(d);
}

/*
 * scale · legacy_standard_exponential for all of o, a block at a time: the block's 1 - U
 * first, then their logs. Against one loop drawing and calling log per sample, measured on
 * 10**6 (a loaded 2-core Xeon, alternating runs): ~13.5 -> ~11.5 ns a sample, the fastest runs.
 */
SAMPLER void legacy_exponentials(mt_t *g, double *o, int64_t n, double scale) {
  for (int64_t i = 0; i < n; i += 256) {
    int64_t k = n - i < 256 ? n - i : 256;
    for (int64_t j = 0; j < k; j++) o[i + j] = 1.0 - mt_next_double(g);
    for (int64_t j = 0; j < k; j++) o[i + j] = scale * -log(o[i + j]);
  }
}

/* random_standard_normal (the ziggurat), or legacy_gauss. */
SAMPLER double normal(draws_t *d, int legacy) {
  return legacy ? legacy_gauss(d) : standard_normal(&d->pcg, d->ki, d->wi, d->fi);
}

/* C's (int64_t)x on x86-64 for an integral x: x itself in range, else INT64_MIN (NaN too). */
static inline double to_int64(double x) {
  return x >= -9223372036854775808.0 && x < 9223372036854775808.0 ? x : -9223372036854775808.0;
}

/* random_standard_gamma (legacy_standard_gamma on MT19937). */
SAMPLER double standard_gamma(draws_t *d, int legacy, double shape) {
  if (shape == 1.0) return exponential(d, legacy);
  if (shape == 0.0) return 0.0;
  if (shape < 1.0) {
    for (;;) {
      double U = uniform(d, legacy);
      double V = exponential(d, legacy);
      if (U <= 1.0 - shape) {
        double X = pow(U, 1. / shape);
        if (X <= V) return X;
      } else {
        double Y = -log((1 - U) / shape);
        double X = pow(1.0 - shape + shape * Y, 1. / shape);
        if (X <= V + Y) return X;
      }
    }
  }
  double b = shape - 1. / 3.;
  double c = 1. / sqrt(9 * b);
  for (;;) {
    double X, V;
    do {
      X = normal(d, legacy);
      V = 1.0 + c * X;
    } while (V <= 0.0);
    V = V * V * V;
    double U = uniform(d, legacy);
    if (U < 1.0 - 0.0331 * (X * X) * (X * X)) return b * V;
    if (log(U) < 0.5 * X * X + b * (1. - V + log(V))) return b * V; /* log(0) is fine here */
  }
}

/* random_beta, or legacy_beta (no guard against X + Y == 0 in Johnk's loop). */
SAMPLER double beta(draws_t *d, int legacy, double a, double b) {
  if (a <= 1.0 && b <= 1.0) {
    for (;;) {
      double U = uniform(d, legacy);
      double V = uniform(d, legacy);
      double X = pow(U, 1.0 / a);
      double Y = pow(V, 1.0 / b);
      double XpY = X + Y;
      if (XpY <= 1.0 && (legacy || XpY > 0.0)) {
        if (X + Y > 0) return X / XpY;
        /* both underflowed: the ratio from logs */
        double logX = log(U) / a;
        double logY = log(V) / b;
        double logM = logX > logY ? logX : logY;
        logX -= logM;
        logY -= logM;
        return exp(logX - log(exp(logX) + exp(logY)));
      }
    }
  }
  double Ga = standard_gamma(d, legacy, a);
  double Gb = standard_gamma(d, legacy, b);
  return Ga / (Ga + Gb);
}

/* random_loggam: Stirling's series at x + n >= 7 (Zhang & Jin's coefficients), stepped down by n logs. */
static double loggam(double x) {
  static const double a[10] = { 8.333333333333333e-02, -2.777777777777778e-03, 7.936507936507937e-04, -5.952380952380952e-04, 8.417508417508418e-04,
                                -1.917526917526918e-03, 6.410256410256410e-03, -2.955065359477124e-02, 1.796443723688307e-01, -1.39243221690590e+00 };
  if (x == 1.0 || x == 2.0) return 0.0;
  double n = x < 7.0 ? trunc(7 - x) : 0;
  double x0 = x + n;
  double x2 = (1.0 / x0) * (1.0 / x0);
  double gl0 = a[9];
  for (int k = 8; k >= 0; k--) {
    gl0 *= x2;
    gl0 += a[k];
  }
  double gl = gl0 / x0 + 0.5 * 1.8378770664093453 + (x0 - 0.5) * log(x0) - x0;
  if (x < 7.0) {
    for (double k = 1; k <= n; k++) {
      gl -= log(x0 - 1.0);
      x0 -= 1.0;
    }
  }
  return gl;
}

/* The Poisson samplers' constants for one lam. */
typedef struct {
  double lam, enlam, loglam, b, a, log_invalpha, vr;
} poisson_t;

static void poisson_setup(poisson_t *s, double lam) {
  s->lam = lam;
  if (lam >= 10) {
    s->b = 0.931 + 2.53 * sqrt(lam);
    s->a = -0.059 + 0.02483 * s->b;
    s->loglam = log(lam);
    s->log_invalpha = log(1.1239 + 1.1328 / (s->b - 3.4));
    s->vr = 0.9277 - 3.6224 / (s->b - 2);
  } else {
    s->enlam = exp(-lam);
  }
}

/* random_poisson_mult: multiply uniforms until the product falls to exp(-lam) (lam < 10). */
SAMPLER double poisson_mult(draws_t *d, int legacy, double enlam) {
  double X = 0, prod = 1.0;
  for (;;) {
    prod *= uniform(d, legacy);
    if (prod > enlam) X += 1;
    else return X;
  }
}

/* random_poisson_ptrs: Hörmann's transformed rejection with squeeze (1993), lam >= 10. */
SAMPLER double poisson_ptrs(draws_t *d, int legacy, const poisson_t *s) {
  for (;;) {
    double U = uniform(d, legacy) - 0.5;
    double V = uniform(d, legacy);
    double us = 0.5 - fabs(U);
    double k = to_int64(floor((2 * s->a / us + s->b) * U + s->lam + 0.43));
    if (us >= 0.07 && V <= s->vr) return k;
    if (k < 0 || (us < 0.013 && V > us)) continue;
    /* log(V) == log(0.0) is fine here */
    if (log(V) + s->log_invalpha - log(s->a / (us * us) + s->b) <= -s->lam + k * s->loglam - loggam(k + 1)) return k;
  }
}

/*
 * The inversion's search bound is below 86: n·p <= 30 there, so the bound
 * n·p + 10·sqrt(n·p·q + 1) is at most 30 + 10·sqrt(31).
 */
#define INVERSION_TABLE 96

/* NumPy's binomial_t: the setup of one (n, p) for inversion or BTPE; px for the inversion. */
typedef struct {
  double n, p, q, r, c, m, fm, p1, xm, xl, xr, laml, lamr, p2, p3, p4;
  double px[INVERSION_TABLE];
} binomial_t;

/*
 * random_binomial_inversion's setup: q, q**n, n·p and the search bound (log(q), as 1.24's
 * Generator and legacy both take it); and px[X], the probability the search steps over at X,
 * 0 <= X <= bound. NumPy computes px[X] from px[X-1] during each search, a chain of a multiply
 * and a divide a step; the values depend on (n, p) only, so here the same operations run once,
 * and a search is a chain of subtractions: binomial(20, 0.3) 38 -> 17 ns a sample.
 */
static void inversion_setup(binomial_t *s, double n, double p) {
  s->n = n;
  s->p = p;
  s->q = 1.0 - p;
  s->r = exp(n * log(s->q));
  s->c = n * p;
  double bound = s->c + 10.0 * sqrt(s->c * s->q + 1);
  s->m = trunc(n < bound ? n : bound);
  s->px[0] = s->r;
  for (int X = 1; X < INVERSION_TABLE && X <= s->m; X++) s->px[X] = ((n - X + 1) * p * s->px[X - 1]) / (X * s->q);
}

/* random_binomial_inversion: search the cumulative probabilities from 0, restarting past the bound. */
SAMPLER double binomial_inversion(draws_t *d, int legacy, const binomial_t *s) {
  int X = 0;
  double U = uniform(d, legacy);
  while (U > s->px[X]) {
    X++;
    if (X > s->m) {
      X = 0;
      U = uniform(d, legacy);
    } else {
      U -= s->px[X - 1];
    }
  }
  return X;
}

/* random_binomial_btpe's setup: the four regions of the hat. */
static void btpe_setup(binomial_t *s, double n, double p) {
  s->n = n;
  s->p = p;
  double r = s->r = p < 1.0 - p ? p : 1.0 - p;
  double q = s->q = 1.0 - r;
  s->fm = n * r + r;
  s->m = floor(s->fm);
  s->p1 = floor(2.195 * sqrt(n * r * q) - 4.6 * q) + 0.5;
  s->xm = s->m + 0.5;
  s->xl = s->xm - s->p1;
  s->xr = s->xm + s->p1;
  s->c = 0.134 + 20.5 / (15.3 + s->m);
  double a = (s->fm - s->xl) / (s->fm - s->xl * r);
  s->laml = a * (1.0 + a / 2.0);
  a = (s->xr - s->fm) / (s->xr * q);
  s->lamr = a * (1.0 + a / 2.0);
  s->p2 = s->p1 * (1.0 + 2.0 * s->c);
  s->p3 = s->p2 + s->c / s->laml;
  s->p4 = s->p3 + s->c / s->lamr;
}

/* The Stirling correction of BTPE's final bound for one argument (1.24's constant, 13680). */
static inline double stirling(double z) {
  double z2 = z * z;
  return (13680. - (462. - (132. - (99. - 140. / z2) / z2) / z2) / z2) / z / 166320.;
}

/* random_binomial_btpe (1988), p <= 0.5 and n·p > 30. */
SAMPLER double binomial_btpe(draws_t *d, int legacy, const binomial_t *s) {
  const double n = s->n, p = s->p, r = s->r, q = s->q, m = s->m, p1 = s->p1, c = s->c;
  const double nrq = n * r * q;
  for (;;) {
    double u = uniform(d, legacy) * s->p4;
    double v = uniform(d, legacy);
    double y;
    if (u <= p1) {
      /* the triangle: accepted at once */
      y = to_int64(floor(s->xm - p1 * v + u));
      return p > 0.5 ? n - y : y;
    }
    if (u <= s->p2) {
      /* the parallelograms */
      double x = s->xl + (u - p1) / c;
      v = v * c + 1.0 - fabs(m - x + 0.5) / p1;
      if (v > 1.0) continue;
      y = to_int64(floor(x));
    } else if (u <= s->p3) {
      /* the left exponential tail */
      y = to_int64(floor(s->xl + log(v) / s->laml));
      if (y < 0 || v == 0.0) continue;
      v = v * (u - s->p2) * s->laml;
    } else {
      /* the right exponential tail */
      y = to_int64(floor(s->xr - log(v) / s->lamr));
      if (y > n || v == 0.0) continue;
      v = v * (u - s->p3) * s->lamr;
    }
    double k = fabs(y - m);
    if (!(k > 20 && k < nrq / 2.0 - 1)) {
      /* explicit evaluation of f(y) / f(m) */
      double sr = r / q, a = sr * (n + 1), F = 1.0;
      if (m < y)
        for (double i = m + 1; i <= y; i++) F *= a / i - sr;
      else if (m > y)
        for (double i = y + 1; i <= m; i++) F /= a / i - sr;
      if (v > F) continue;
      return p > 0.5 ? n - y : y;
    }
    /* squeezing on log(v), then the bound with Stirling's formula */
    double rho = (k / nrq) * ((k * (k / 3.0 + 0.625) + 0.16666666666666666) / nrq + 0.5);
    double t = -k * k / (2 * nrq);
    double A = log(v); /* log(0.0) is fine here */
    if (A < t - rho) return p > 0.5 ? n - y : y;
    if (A > t + rho) continue;
    double x1 = y + 1, f1 = m + 1, z = n + 1 - m, w = n - y + 1;
    double bound = s->xm * log(f1 / x1) + (n - m + 0.5) * log(z / w) + (y - m) * log(w * r / (x1 * q)) + stirling(f1) + stirling(z) + stirling(x1) + stirling(w);
    if (A > bound) continue;
    return p > 0.5 ? n - y : y;
  }
}

/* Outputs from 256 KB up are faulted in before the loop (fill_args). */
#define PREFAULT_MIN (1 << 15)

enum { DIST_EXPONENTIAL, DIST_EXPONENTIAL_INV, DIST_POISSON, DIST_BINOMIAL, DIST_GAMMA, DIST_BETA, DIST_COUNT };

/*
 * o[0..n) = n samples of `dist` with parameters (a, b), drawn from a copy of *g written back at
 * the end, on MT19937 if `legacy` (a constant in each caller, which gets its own loops) else PCG64:
 *   exponential a · standard_exponential (b unused); exponential_inv a · -log1p(-U) (Generator's
 *   method='inv'); poisson lam = a; binomial p = a, n = b (an integer); gamma
 *   b · standard_gamma(a); beta (a, b).
 */
SAMPLER void fill(draws_t *g, int legacy, int dist, double *o, int64_t n, double a, double b) {
  draws_t d = *g;
  switch (dist) {
    case DIST_EXPONENTIAL:
      if (legacy)
        legacy_exponentials(&d.mt, o, n, a);
      else
        for (int64_t i = 0; i < n; i++) o[i] = a * zig_exponential(&d);
      break;
    case DIST_EXPONENTIAL_INV:
      for (int64_t i = 0; i < n; i++) o[i] = a * -log1p(-uniform(&d, legacy));
      break;
    case DIST_POISSON: {
      poisson_t s;
      poisson_setup(&s, a);
      if (a >= 10)
        for (int64_t i = 0; i < n; i++) o[i] = poisson_ptrs(&d, legacy, &s);
      else if (a == 0)
        for (int64_t i = 0; i < n; i++) o[i] = 0;
      else
        for (int64_t i = 0; i < n; i++) o[i] = poisson_mult(&d, legacy, s.enlam);
      break;
    }
    case DIST_BINOMIAL: {
      /* random_binomial: p > 0.5 sampled as n - B(n, 1 - p); Generator's n = 0 or p = 0 draws nothing */
      double p = a, count = b;
      if (!legacy && (count == 0 || p == 0)) {
        for (int64_t i = 0; i < n; i++) o[i] = 0;
        break;
      }
      int flip = !(p <= 0.5);
      double pp = flip ? 1.0 - p : p;
      binomial_t s;
      if (pp * count <= 30.0) {
        inversion_setup(&s, count, pp);
        if (flip)
          for (int64_t i = 0; i < n; i++) o[i] = count - binomial_inversion(&d, legacy, &s);
        else
          for (int64_t i = 0; i < n; i++) o[i] = binomial_inversion(&d, legacy, &s);
      } else {
        btpe_setup(&s, count, pp);
        if (flip)
          for (int64_t i = 0; i < n; i++) o[i] = count - binomial_btpe(&d, legacy, &s);
        else
          for (int64_t i = 0; i < n; i++) o[i] = binomial_btpe(&d, legacy, &s);
      }
      break;
    }
    case DIST_GAMMA:
      for (int64_t i = 0; i < n; i++) o[i] = b * standard_gamma(&d, legacy, a);
      break;
    default:
      for (int64_t i = 0; i < n; i++) o[i] = beta(&d, legacy, a, b);
  }
  *g = d;
}

/* fill for Generator's PCG64 and for RandomState's MT19937, each compiled on its own. */
static void fill_pcg(draws_t *g, int dist, double *o, int64_t n, double a, double b) {
  fill(g, 0, dist, o, n, a, b);
}

static void fill_mt(draws_t *g, int dist, double *o, int64_t n, double a, double b) {
  fill(g, 1, dist, o, n, a, b);
}

/* The arguments both entry points share: dist, then (after the state) out, n, a, b at argv[3..6]. */
static int fill_args(napi_env env, napi_value *argv, const char *what, int64_t *dist, double **out, int64_t *n, double *a, double *b) {
  size_t out_length;
  if (!get_int(env, argv[0], dist)) return 0;
  if (*dist < 0 || *dist >= DIST_COUNT) {
    napi_throw_range_error(env, NULL, what);
    return 0;
  }
  if (!get_f64(env, argv[3], out, &out_length) || !get_int(env, argv[4], n)) return 0;
  if (!in_bounds(env, out_length, 0, *n, 1)) return 0;
  if (!get_double(env, argv[5], a) || !get_double(env, argv[6], b)) return 0;
  /* A fresh output faulted in with one system call, not a page at a time: ~2 ns a sample of
   * exponential's ~4 at 10**6 (np_prefault is one mincore when the pages are there). */
  if (*n >= PREFAULT_MIN) np_prefault(*out, (size_t)*n * sizeof(double));
  return 1;
}

/*
 * pcgDistFill(dist, words, tables, out, n, a, b): out[0..n) = n samples of `dist` (the DIST_
 * codes above, lib/np/random/distribution-fill.ts's DistFill) from the PCG64 in `words` (a Uint32Array
 * of state lo/hi, inc lo/hi as uint64 halves), which advances in place. `tables`: a Float64Array
 * of the normal ziggurat's ki, wi, fi and the exponential's ke, we, fe, 256 doubles each.
 * next_uint32's buffered half is neither read nor written: these distributions draw 64 bits at a time.
 */
static napi_value js_pcg_dist_fill(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int64_t dist, n;
  double *out, *tables, a, b;
  size_t words_length, tables_length;
  napi_typedarray_type type;
  void *words;
  if (!fill_args(env, argv, "lazylab native pcgDistFill: unknown distribution", &dist, &out, &n, &a, &b)) return NULL;
  if (napi_get_typedarray_info(env, argv[1], &type, &words_length, &words, NULL, NULL) != napi_ok || type != napi_uint32_array || words_length < 8) {
    napi_throw_type_error(env, NULL, "lazylab native pcgDistFill: the state must be a Uint32Array of at least 8 words");
    return NULL;
  }
  if (!get_f64(env, argv[2], &tables, &tables_length)) return NULL;
  if (tables_length != 6 * 256) {
    napi_throw_range_error(env, NULL, "lazylab native pcgDistFill: the tables must be 1536 doubles (ki, wi, fi, ke, we, fe)");
    return NULL;
  }
  draws_t d = { 0 };
  pcg_load((const uint32_t *)words, &d.pcg);
  d.ki = tables;
  d.wi = tables + 256;
  d.fi = tables + 512;
  d.ke = tables + 768;
  d.we = tables + 1024;
  d.fe = tables + 1280;
  fill_pcg(&d, (int)dist, out, n, a, b);
  pcg_store(&d.pcg, (uint32_t *)words);
  return NULL;
}

/*
 * mtDistFill(dist, key, aux, out, n, a, b): the same from RandomState's MT19937, with the
 * legacy samplers. key: the Uint32Array of 624 words; aux: a Float64Array of [pos, has_gauss
 * (0 or 1), gauss]; both advance in place. DIST_EXPONENTIAL_INV is Generator's only.
 */
static napi_value js_mt_dist_fill(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int64_t dist, n;
  double *out, *aux, a, b;
  size_t key_length, aux_length;
  napi_typedarray_type type;
  void *key;
  if (!fill_args(env, argv, "lazylab native mtDistFill: unknown distribution", &dist, &out, &n, &a, &b)) return NULL;
  if (dist == DIST_EXPONENTIAL_INV) {
    napi_throw_range_error(env, NULL, "lazylab native mtDistFill: RandomState has no inversion exponential");
    return NULL;
  }
  if (napi_get_typedarray_info(env, argv[1], &type, &key_length, &key, NULL, NULL) != napi_ok || type != napi_uint32_array || key_length != MT_N) {
    napi_throw_type_error(env, NULL, "lazylab native mtDistFill: the key must be a Uint32Array of 624 words");
    return NULL;
  }
  if (!get_f64(env, argv[2], &aux, &aux_length)) return NULL;
  if (aux_length != 3 || !(aux[0] >= 0 && aux[0] <= MT_N) || aux[0] != (double)(int)aux[0]) {
    napi_throw_range_error(env, NULL, "lazylab native mtDistFill: aux must be [pos in 0..624, has_gauss, gauss]");
    return NULL;
  }
  draws_t d = { 0 };
  d.mt.key = (uint32_t *)key;
  d.mt.pos = (int)aux[0];
  d.has_gauss = aux[1] != 0;
  d.gauss = aux[2];
  fill_mt(&d, (int)dist, out, n, a, b);
  aux[0] = d.mt.pos;
  aux[1] = d.has_gauss;
  aux[2] = d.gauss;
  return NULL;
}

void np_distributions_register(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    { "pcgDistFill", NULL, js_pcg_dist_fill, NULL, NULL, NULL, napi_default, NULL },
    { "mtDistFill", NULL, js_mt_dist_fill, NULL, NULL, NULL, napi_default, NULL },
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
}
