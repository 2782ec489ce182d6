/**
 * `np`: NumPy-like eager arrays. `import { np } from "lazylab"`, or the `np` global in
 * every notebook cell.
 */
export { NDArray, isNDArray } from "./ndarray";
export { ArrayFlags } from "./flags";
export { mayShareMemory, sharesMemory, TooHardError } from "./overlap";
export type { Operand, NestedList, ReduceOptions, NdView } from "./ndarray";
export type { DType, Storage } from "./dtype";
export { DTYPES } from "./dtype";
export { resultType, promoteTypes, minScalarType } from "./casting";
export type { TypeOperand } from "./casting";
export { Slice, slice } from "./indexing";
export type { Index, IndexItem } from "./indexing";
export { array, asarray, zeros, ones, empty, full, zerosLike, onesLike, arange, linspace, copy, append, diff, concatenate, stack, eye, identity, fullLike, emptyLike, hstack, vstack, meshgrid, tile, repeat } from "./creation";
export type { DTypeOption } from "./creation";
export { add, sub, mul, div, floordiv, pow, mod, eq, ne, lt, le, gt, ge, neg, abs, sqrt, exp, log, square, sin, cos, floor, ceil, reciprocal, isnan, logicalNot, maximum, minimum, fmax, fmin, sign, isinf, isfinite, trunc, rint, round, around, log10, log2, log1p, expm1, tan, arcsin, arccos, arctan, arctan2, sinh, cosh, tanh, hypot, deg2rad, rad2deg } from "./ufunc";
export { sum, mean, min, max, std, variance as var, prod, argmin, argmax, any, all } from "./reduce";
export { reshape, transpose, ravel, squeeze, expandDims, flip, fliplr, flipud, broadcastTo, ascontiguousarray, asfortranarray } from "./shaping";
export { where, nonzero, clip } from "./select";
export type { ClipOptions } from "./select";
export { nansum, nanmean } from "./nan";
export { cumsum, cumprod } from "./cumulative";
export type { CumulativeOptions } from "./cumulative";
export { sort, argsort, unique } from "./sorting";
export type { SortOptions, UniqueOptions } from "./sorting";
export { isclose, allclose, arrayEqual } from "./compare";
export type { CloseOptions } from "./compare";
export { dot, matmul, outer } from "./linalg";
export { ValueError, AxisError } from "./errors";
export { MemoryError } from "./memory-error";
export * as random from "./rng";

/** NumPy's `np.nan`. */
export const nan = NaN;
/** NumPy's `np.inf`. */
export const inf = Infinity;
/** NumPy's `np.pi`. */
export const pi = Math.PI;
/** NumPy's `np.e`. */
export const e = Math.E;
/** NumPy's `np.newaxis` (`None` in an index). */
export const newaxis = null;
export { save, load, savez, savezCompressed, NpzFile, NpyFormatError, FileNotFoundError, KeyError } from "./io";
export type { SavezArg, LoadOptions } from "./io";
export { memmap, Memmap, type MemmapMode, type MemmapOptions } from "./memmap";
export { median, quantile, percentile, nanmedian, nanquantile, nanpercentile, countNonzero, ptp, type StatOptions, type QuantileOptions, type QuantileMethod, type Quantiles } from "./statistics";
export { histogram, histogramBinEdges, type HistogramOptions, type HistogramBinEdgesOptions, type HistogramBins, type BinEstimator } from "./histogram";
export { average, ZeroDivisionError, type AverageOptions } from "./average";
