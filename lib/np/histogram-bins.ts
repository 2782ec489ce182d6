/**
 * The bin-width estimators behind `np.histogram(a, "auto")` and `np.histogramBinEdges`, step
 * for step as NumPy 1.24 computes them (numpy/lib/histograms.py, `_hist_bin_selectors`).
 * histogram.ts turns a width into `ceil(span / width)` equal bins, so a width reaches the
 * edges and counts only through that whole number, and the bits of a width decide it only
 * where `span / width` lies within an ulp or two of a whole number.
 *
 * Those places are not rare: at sizes that are perfect cubes, "rice" and "fd" divide by
 * `n ** (1/3)` and `n ** (-1/3)`, whole within an ulp (1000 ** (1/3) is 9.999999999999998),
 * so those two powers are correctly rounded, which is what glibc's pow gives there (see
 * {@link powThird}); V8's Math.pow is not always. The
 * other elementary functions are V8's, where NumPy may differ by an ulp: its log2 and power
 * run SIMD (SVML) loops on AVX-512 machines and its dot product is BLAS's. log2 is exact in
 * both at the powers of two, where "sturges" lands on whole numbers; stone's costs differ in
 * the last bit but pick the same minimum unless two costs tie to it. One case is known to
 * differ: "doane" on data whose skewness is exactly 0 (symmetric data) of a power-of-two size,
 * where 1 + log2(n) is whole. Here the cubes of ±v cancel and g1 is 0; NumPy's SVML power is
 * not odd (the cubes of ±√2 differ by an ulp), so on AVX-512 machines its g1 can be ±1e-16
 * and `[3, 1, 2, 2]` gets 4 bins there; 3 here, as with NumPy when its AVX-512 loops are off
 * (NPY_DISABLE_CPU_FEATURES), where its power is glibc's.
 */
import { NDArray } from "./ndarray";
import { allocate } from "./dtype";
import { max, mean, min, std } from "./reduce";
import { percentile } from "./statistics";
import { runtimeWarning } from "./errors";

/** NumPy's estimators, in the order of its `_hist_bin_selectors`. */
export const BIN_ESTIMATORS = ["stone", "auto", "doane", "fd", "rice", "scott", "sqrt", "sturges"] as const;

/** The name of a bin-width estimator, a string value of `bins`. */
export type BinEstimator = (typeof BIN_ESTIMATORS)[number];

/** `np.histogram(x, bins)[0]` for the range the estimator was given: stone's only use of histograms. */
export type CountBins = (bins: number) => NDArray;

/** Whether `name` is one of NumPy's estimators. */
export function isBinEstimator(name: string): name is BinEstimator {
  return (BIN_ESTIMATORS as readonly string[]).includes(name);
}

const word = new DataView(new ArrayBuffer(8));

/** v = m · 2**e exactly, m a 53-bit integer (v finite, positive and normal). */
function decompose(v: number): [bigint, number] {
  word.setFloat64(0, v);
  const hi = word.getUint32(0);
  const m = (BigInt((hi & 0xfffff) | 0x100000) << 32n) | BigInt(word.getUint32(4));
  return [m, ((hi >>> 20) & 0x7ff) - 1075];
}

/** How far Python's `1.0 / 3`, the double (2**54 - 1) / (3 · 2**54), lies below a third. */
const THIRD_DEFICIT = 1 / 3 / 2 ** 54;

/**
 * `v ** (1.0 / 3)`, or `v ** (-1.0 / 3.0)` when `inverse`, correctly rounded, for v positive
 * and normal. Python's float power calls glibc's pow, which is correctly rounded except within
 * 0.52 ulp of a midpoint; V8's Math.pow differs from it on about 7% of whole n (glibc's
 * 1000 ** (-1/3) is 0.10000000000000002, Math.pow's 0.1). Measured against glibc: the
 * same double at every perfect cube below 747**3 (about 4e8) for -1/3 and below 1412**3 for
 * 1/3, and on all but ~0.1% of other values.
 *
 * With the exponent a third less THIRD_DEFICIT, v**y is cbrt(v) · exp(∓THIRD_DEFICIT · ln v).
 * The cube root (or its reciprocal) is V8's refined by one Newton step whose residual is
 * computed exactly in BigInt, an error near 2**-104; the second factor differs from 1 by less
 * than 2e-14, so its first two terms suffice. The sum is rounded once. v is first scaled by a
 * power of 8 into [1, 8), which scales the root by an exact power of 2.
 */
export function powThird(v: number, inverse = false): number {
  let j = Math.floor(Math.log2(v) / 3);
  let w = v * 2 ** (-3 * j);
  while (w >= 8) [w, j] = [w / 8, j + 1];
  while (w < 1) [w, j] = [w * 8, j - 1];
  const d = THIRD_DEFICIT * Math.log(v);
  const [mw, ew] = decompose(w);
  if (!inverse) {
    // c ≈ cbrt(w) in [1, 2]: w - c**3 exactly, in units of c**3's last bit (c = mc · 2**ec).
    const c = Math.cbrt(w);
    const [mc, ec] = decompose(c);
    const residual = Number((mw << BigInt(ew - 3 * ec)) - mc ** 3n) * 2 ** (3 * ec);
    const tail = residual / (3 * c * c) + c * (d * d / 2 - d);
    return (c + tail) * 2 ** j;
  }
  // q ≈ w**(-1/3) in (1/2, 1]: 1 - w · q**3 exactly (q = mq · 2**eq).
  const q = 1 / Math.cbrt(w);
  const [mq, eq] = decompose(q);
  const shift = -(ew + 3 * eq);
  const residual = Number((1n << BigInt(shift)) - mw * mq ** 3n) * 2 ** -shift;
  const tail = (q * residual) / 3 + q * (d + d * d / 2);
  return (q + tail) * 2 ** -j;
}

/** NumPy's `_ptp`: max - min in x's dtype, unsigned for integers (so exact here), float32 rounded. */
function ptp(x: NDArray): number {
  const span = (max(x) as number) - (min(x) as number);
  return x.dtype === "float32" ? Math.fround(span) : span;
}

/** `_hist_bin_sqrt`: the span over √n. */
function sqrtWidth(x: NDArray): number {
  return ptp(x) / Math.sqrt(x.size);
}

/** `_hist_bin_sturges`: the span over log2(n) + 1. */
function sturgesWidth(x: NDArray): number {
  return ptp(x) / (Math.log2(x.size) + 1.0);
}

/** `_hist_bin_rice`: the span over 2 · n**(1/3). */
function riceWidth(x: NDArray): number {
  return ptp(x) / (2.0 * powThird(x.size));
}

/** `_hist_bin_scott`: (24 √π / n)**(1/3) · σ. glibc's pow(π, 0.5) is π's square root. */
function scottWidth(x: NDArray): number {
  return powThird((24.0 * Math.sqrt(Math.PI)) / x.size) * (std(x) as number);
}

/** `_hist_bin_fd` (Freedman-Diaconis): 2 · IQR · n**(-1/3), the IQR from np.percentile's bits. */
function fdWidth(x: NDArray): number {
  const q = percentile(x, [75, 25]) as NDArray;
  const iqr = q.dtype === "float32" ? Math.fround(q.flatAt(0) - q.flatAt(1)) : q.flatAt(0) - q.flatAt(1);
  return 2.0 * iqr * powThird(x.size, true);
}

/** `_hist_bin_auto`: the smaller of fd's and sturges' widths (Python's min: fd's on a tie), sturges' when fd's is 0. */
function autoWidth(x: NDArray): number {
  const fd = fdWidth(x);
  const sturges = sturgesWidth(x);
  if (fd !== 0) return sturges < fd ? sturges : fd;
  return sturges;
}

/**
 * `_hist_bin_doane`: the span over 1 + log2(n) + log2(1 + |g1| / σg1), g1 the skewness as
 * NumPy computes it: `x - mean` into a new array of x's float dtype (float64 for integers),
 * divided by σ and cubed in place, then np.mean of it. 0 below 3 values or when σ is 0.
 */
function doaneWidth(x: NDArray): number {
  const n = x.size;
  if (n <= 2) return 0.0;
  const sg1 = Math.sqrt((6.0 * (n - 2)) / ((n + 1.0) * (n + 3)));
  const sigma = std(x) as number;
  if (!(sigma > 0.0)) return 0.0;
  const f32 = x.dtype === "float32";
  const round = f32 ? Math.fround : (v: number) => v;
  const m = mean(x) as number;
  const temp = new NDArray(allocate(f32 ? "float32" : "float64", n), [n], f32 ? "float32" : "float64");
  const t = temp.nd.data;
  const v = x.toContiguous();
  for (let i = 0; i < n; i++) t[i] = round(Math.pow(round(round(v[i] - m) / sigma), 3));
  const g1 = mean(temp) as number;
  return ptp(x) / (1.0 + Math.log2(n) + Math.log2(1.0 + Math.abs(g1) / sg1));
}

/**
 * `_hist_bin_stone`: the width of the number of bins, 1 to max(100, √n), that minimises
 * Stone's estimate of the integrated squared error, (2 - (n + 1) · p·p) / h for the
 * proportions p of each bin count over the range; the first of equal minima, as Python's min.
 * NumPy warns when the minimum is at the upper bound. 0 for fewer than 2 values or no spread.
 */
function stoneWidth(x: NDArray, counts: CountBins): number {
  const n = x.size;
  const span = ptp(x);
  if (n <= 1 || span === 0) return 0;
  const upper = Math.max(100, Math.trunc(Math.sqrt(n)));
  let best = 0;
  let bestCost = Infinity;
  for (let bins = 1; bins <= upper; bins++) {
    const c = counts(bins).nd.data;
    // p·p in sequence (NumPy's BLAS adds in SIMD lanes: a different last bit, the same minimum unless two costs tie to it).
    let pp = 0;
    for (let k = 0; k < bins; k++) pp += (c[k] / n) * (c[k] / n);
    const cost = (2 - (n + 1) * pp) / (span / bins);
    if (best === 0 || cost < bestCost) [best, bestCost] = [bins, cost];
  }
  if (best === upper) runtimeWarning("The number of bins estimated may be suboptimal.");
  return span / best;
}

/**
 * The bin width `estimator` gives for the values x (not empty, trimmed to the range),
 * a float64 as NumPy's: 0 where it cannot tell (histogram.ts then makes one bin).
 */
export function binWidth(estimator: BinEstimator, x: NDArray, counts: CountBins): number {
  switch (estimator) {
    case "stone":
      return stoneWidth(x, counts);
    case "auto":
      return autoWidth(x);
    case "doane":
      return doaneWidth(x);
    case "fd":
      return fdWidth(x);
    case "rice":
      return riceWidth(x);
    case "scott":
      return scottWidth(x);
    case "sqrt":
      return sqrtWidth(x);
    case "sturges":
      return sturgesWidth(x);
  }
}
