/**
 * NumPy's scalar samplers (numpy/random/src/distributions/distributions.c and, for
 * RandomState, legacy/legacy-distributions.c), one sample per call, over any source of
 * draws (draws.ts): Generator's on PCG64 or RandomState's on MT19937. Each follows NumPy's
 * steps and its order of floating-point operations, so the same draws give the same bits;
 * log, exp and pow are the C library's (libm.ts), as NumPy's.
 *
 * For scalar parameters the addon runs the same samplers over a whole array in one call
 * (distribution-fill.ts, native/np_distributions.c); these are for array parameters, short
 * fills and a missing addon, and must draw what those draw (a test compares them).
 *
 * Integer results are returned as doubles (exact below 2**53), as lib/np stores int64.
 */
import { GammaDraws, Uniforms } from "./draws";
import { exp, log, pow } from "./libm";

const INT64_MIN = -9223372036854775808;

/** C's `(int64_t)x` on x86-64: x truncated (x is already an integer here); NaN and out-of-range values give INT64_MIN. */
function int64(x: number): number {
  return x >= INT64_MIN && x < 9223372036854775808 ? x : INT64_MIN;
}

/**
 * random_standard_gamma (legacy_standard_gamma on a LegacyDraws): Marsaglia & Tsang for
 * shape > 1, Johnk-style rejection on an exponential for shape < 1, an exponential at 1.
 */
export function standardGamma(d: GammaDraws, shape: number): number {
  if (shape === 1.0) return d.standardExponential();
  if (shape === 0.0) return 0.0;
  if (shape < 1.0) {
    for (;;) {
      const U = d.nextDouble();
      const V = d.standardExponential();
      if (U <= 1.0 - shape) {
        const X = pow(U, 1 / shape);
        if (X <= V) return X;
      } else {
        const Y = -log((1 - U) / shape);
        const X = pow(1.0 - shape + shape * Y, 1 / shape);
        if (X <= V + Y) return X;
      }
    }
  }
  const b = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * b);
  for (;;) {
    let X: number;
    let V: number;
    do {
      X = d.standardNormal();
      V = 1.0 + c * X;
    } while (V <= 0.0);
    V = V * V * V;
    const U = d.nextDouble();
    if (U < 1.0 - 0.0331 * (X * X) * (X * X)) return b * V;
    if (log(U) < 0.5 * X * X + b * (1 - V + log(V))) return b * V; // log(0) is fine here
  }
}

/**
 * random_beta: Johnk's algorithm when both shapes are at most 1, else a ratio of gammas.
 * `legacy` is RandomState's variant, which lacks the guard against X + Y == 0.
 */
export function beta(d: GammaDraws, a: number, b: number, legacy: boolean): number {
  if (a <= 1.0 && b <= 1.0) {
    for (;;) {
      const U = d.nextDouble();
      const V = d.nextDouble();
      const X = pow(U, 1.0 / a);
      const Y = pow(V, 1.0 / b);
      const XpY = X + Y;
      if (XpY <= 1.0 && (legacy || XpY > 0.0)) {
        if (X + Y > 0) return X / XpY;
        // both underflowed: the ratio from logs
        let logX = log(U) / a;
        let logY = log(V) / b;
        const logM = logX > logY ? logX : logY;
        logX -= logM;
        logY -= logM;
        return exp(logX - log(exp(logX) + exp(logY)));
      }
    }
  }
  const Ga = standardGamma(d, a);
  const Gb = standardGamma(d, b);
  return Ga / (Ga + Gb);
}

const LOGGAM_COEFFICIENTS = [
  8.333333333333333e-2, -2.777777777777778e-3, 7.936507936507937e-4, -5.952380952380952e-4, 8.417508417508418e-4,
  -1.917526917526918e-3, 6.41025641025641e-3, -2.955065359477124e-2, 1.796443723688307e-1, -1.3924322169059,
];

/**
 * random_loggam: log Γ(x) by Stirling's series (Zhang & Jin's SPECFUN coefficients) at
 * x + n ≥ 7, stepped down by n logs; NumPy's own function, not the C library's lgamma.
 */
export function loggam(x: number): number {
  if (x === 1.0 || x === 2.0) return 0.0;
  const n = x < 7.0 ? Math.trunc(7 - x) : 0;
  let x0 = x + n;
  const x2 = (1.0 / x0) * (1.0 / x0);
  let gl0 = LOGGAM_COEFFICIENTS[9];
  for (let k = 8; k >= 0; k--) {
    gl0 *= x2;
    gl0 += LOGGAM_COEFFICIENTS[k];
  }
  let gl = gl0 / x0 + 0.5 * 1.8378770664093453 + (x0 - 0.5) * log(x0) - x0;
  if (x < 7.0) {
    for (let k = 1; k <= n; k++) {
      gl -= log(x0 - 1.0);
      x0 -= 1.0;
    }
  }
  return gl;
}

/** exp(-lam) of the last lam (random_poisson_mult recomputes it per sample; the bits are the same). */
let lastLam = NaN;
let lastEnlam = NaN;

/** random_poisson_mult: multiply uniforms until the product falls to exp(-lam) (lam < 10). */
function poissonMult(d: Uniforms, lam: number): number {
  if (lam !== lastLam) {
    lastLam = lam;
    lastEnlam = exp(-lam);
  }
  const enlam = lastEnlam;
  let X = 0;
  let prod = 1.0;
  for (;;) {
    prod *= d.nextDouble();
    if (prod > enlam) X += 1;
    else return X;
  }
}

/** PTRS's constants for the last lam (NumPy computes them per sample; the bits are the same). */
let ptrs = { lam: NaN, loglam: 0, b: 0, a: 0, logInvalpha: 0, vr: 0 };

function ptrsSetup(lam: number): typeof ptrs {
  if (ptrs.lam === lam) return ptrs;
  const slam = Math.sqrt(lam);
  const b = 0.931 + 2.53 * slam;
  const invalpha = 1.1239 + 1.1328 / (b - 3.4);
  ptrs = { lam, loglam: log(lam), b, a: -0.059 + 0.02483 * b, logInvalpha: log(invalpha), vr: 0.9277 - 3.6224 / (b - 2) };
  return ptrs;
}

/** random_poisson_ptrs: Hörmann's transformed rejection with squeeze (1993), for lam ≥ 10. */
function poissonPtrs(d: Uniforms, lam: number): number {
  const { loglam, b, a, logInvalpha, vr } = ptrsSetup(lam);
  for (;;) {
    const U = d.nextDouble() - 0.5;
    const V = d.nextDouble();
    const us = 0.5 - Math.abs(U);
    const k = int64(Math.floor(((2 * a) / us + b) * U + lam + 0.43));
    if (us >= 0.07 && V <= vr) return k;
    if (k < 0 || (us < 0.013 && V > us)) continue;
    // log(V) == log(0.0) is fine here
    if (log(V) + logInvalpha - log(a / (us * us) + b) <= -lam + k * loglam - loggam(k + 1)) return k;
  }
}

/** random_poisson (also legacy_random_poisson). */
export function poisson(d: Uniforms, lam: number): number {
  if (lam >= 10) return poissonPtrs(d, lam);
  if (lam === 0) return 0;
  return poissonMult(d, lam);
}

/**
 * NumPy's binomial_t: the setup of the last (n, p), kept per generator as NumPy keeps it
 * (`self._binomial`). Reusing it changes no bits, only saves the logs and square roots.
 */
export class BinomialCache {
  has = false;
  nsave = 0;
  psave = 0;
  r = 0;
  q = 0;
  fm = 0;
  m = 0;
  p1 = 0;
  xm = 0;
  xl = 0;
  xr = 0;
  c = 0;
  laml = 0;
  lamr = 0;
  p2 = 0;
  p3 = 0;
  p4 = 0;

  /** Whether the saved setup is for (n, p); marks it as theirs from now on either way. */
  private holds(n: number, p: number): boolean {
    if (this.has && this.nsave === n && this.psave === p) return true;
    this.nsave = n;
    this.psave = p;
    this.has = true;
    return false;
  }

  /** random_binomial_inversion's setup: q, q**n, n·p and the search bound. */
  inversion(n: number, p: number): this {
    if (this.holds(n, p)) return this;
    this.q = 1.0 - p;
    this.r = exp(n * log(this.q));
    this.c = n * p;
    const np = this.c;
    this.m = Math.trunc(Math.min(n, np + 10.0 * Math.sqrt(np * this.q + 1)));
    return this;
  }

  /** random_binomial_btpe's setup: the four regions of Kachitvichyanukul & Schmeiser's hat. */
  btpe(n: number, p: number): this {
    if (this.holds(n, p)) return this;
    const r = (this.r = Math.min(p, 1.0 - p));
    const q = (this.q = 1.0 - r);
    const fm = (this.fm = n * r + r);
    const m = (this.m = Math.floor(fm));
    const p1 = (this.p1 = Math.floor(2.195 * Math.sqrt(n * r * q) - 4.6 * q) + 0.5);
    const xm = (this.xm = m + 0.5);
    const xl = (this.xl = xm - p1);
    const xr = (this.xr = xm + p1);
    const c = (this.c = 0.134 + 20.5 / (15.3 + m));
    let a = (fm - xl) / (fm - xl * r);
    const laml = (this.laml = a * (1.0 + a / 2.0));
    a = (xr - fm) / (xr * q);
    const lamr = (this.lamr = a * (1.0 + a / 2.0));
    this.p2 = p1 * (1.0 + 2.0 * c);
    this.p3 = this.p2 + c / laml;
    this.p4 = this.p3 + c / lamr;
    return this;
  }
}

/** random_binomial_inversion: search the cumulative probabilities from 0, restarting past the bound. */
function binomialInversion(d: Uniforms, n: number, p: number, cache: BinomialCache): number {
  const { q, r: qn, m: bound } = cache.inversion(n, p);
  let X = 0;
  let px = qn;
  let U = d.nextDouble();
  while (U > px) {
    X++;
    if (X > bound) {
      X = 0;
      px = qn;
      U = d.nextDouble();
    } else {
      U -= px;
      px = ((n - X + 1) * p * px) / (X * q);
    }
  }
  return X;
}

/** Stirling's correction terms of BTPE's final acceptance test, for one argument. */
function stirling(z: number): number {
  const z2 = z * z;
  return (13680 - (462 - (132 - (99 - 140 / z2) / z2) / z2) / z2) / z / 166320;
}

/** random_binomial_btpe: Kachitvichyanukul & Schmeiser's BTPE (1988), p ≤ 0.5 and n·p > 30. */
function binomialBtpe(d: Uniforms, n: number, p: number, cache: BinomialCache): number {
  const { r, q, m, p1, xm, xl, xr, c, laml, lamr, p2, p3, p4 } = cache.btpe(n, p);
  const nrq = n * r * q;
  for (;;) {
    const u = d.nextDouble() * p4;
    let v = d.nextDouble();
    let y: number;
    if (u <= p1) {
      // the triangle: accepted at once
      y = int64(Math.floor(xm - p1 * v + u));
      return p > 0.5 ? n - y : y;
    }
    if (u <= p2) {
      // the parallelograms
      const x = xl + (u - p1) / c;
      v = v * c + 1.0 - Math.abs(m - x + 0.5) / p1;
      if (v > 1.0) continue;
      y = int64(Math.floor(x));
    } else if (u <= p3) {
      // the left exponential tail
      y = int64(Math.floor(xl + log(v) / laml));
      if (y < 0 || v === 0.0) continue;
      v = v * (u - p2) * laml;
    } else {
      // the right exponential tail
      y = int64(Math.floor(xr - log(v) / lamr));
      if (y > n || v === 0.0) continue;
      v = v * (u - p3) * lamr;
    }
    const k = Math.abs(y - m);
    if (!(k > 20 && k < nrq / 2.0 - 1)) {
      // explicit evaluation of f(y) / f(m)
      const s = r / q;
      const a = s * (n + 1);
      let F = 1.0;
      if (m < y) for (let i = m + 1; i <= y; i++) F *= a / i - s;
      else if (m > y) for (let i = y + 1; i <= m; i++) F /= a / i - s;
      if (v > F) continue;
      return p > 0.5 ? n - y : y;
    }
    // squeezing on log(v), then the bound with Stirling's formula
    const rho = (k / nrq) * ((k * (k / 3.0 + 0.625) + 0.16666666666666666) / nrq + 0.5);
    const t = (-k * k) / (2 * nrq);
    const A = log(v); // log(0.0) is fine here
    if (A < t - rho) return p > 0.5 ? n - y : y;
    if (A > t + rho) continue;
    const x1 = y + 1;
    const f1 = m + 1;
    const z = n + 1 - m;
    const w = n - y + 1;
    const bound =
      xm * log(f1 / x1) + (n - m + 0.5) * log(z / w) + (y - m) * log((w * r) / (x1 * q)) + stirling(f1) + stirling(z) + stirling(x1) + stirling(w);
    if (A > bound) continue;
    return p > 0.5 ? n - y : y;
  }
}

/**
 * random_binomial (Generator: 0 without a draw for n = 0 or p = 0), or with `legacy`
 * legacy_random_binomial (RandomState: no such shortcut, the inversion draws once).
 * Inversion for n·min(p, 1-p) ≤ 30, BTPE above; p > 0.5 is sampled as n - B(n, 1 - p).
 */
export function binomial(d: Uniforms, p: number, n: number, cache: BinomialCache, legacy: boolean): number {
  if (!legacy && (n === 0 || p === 0)) return 0;
  if (p <= 0.5) return p * n <= 30.0 ? binomialInversion(d, n, p, cache) : binomialBtpe(d, n, p, cache);
  const q = 1.0 - p;
  return q * n <= 30.0 ? n - binomialInversion(d, n, q, cache) : n - binomialBtpe(d, n, q, cache);
}
