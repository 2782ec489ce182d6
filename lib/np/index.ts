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
export { ValueError, AxisError, RuntimeError } from "./errors";
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
export { swapaxes, moveaxis, atleast1d, atleast2d, atleast3d, broadcastArrays, roll } from "./shaping";
export { split, arraySplit, type IndicesOrSections, type SplitOptions } from "./splitting";
export { dstack, columnStack } from "./joining";
export { diag, diagonal, trace, tril, triu, type DiagonalOptions, type TraceOptions } from "./diagonal";
export { logspace } from "./creation";
export { argwhere } from "./select";
export { sub as subtract, mul as multiply, div as divide, div as trueDivide, floordiv as floorDivide, pow as power, mod as remainder, neg as negative, abs as absolute, eq as equal, ne as notEqual, lt as less, le as lessEqual, gt as greater, ge as greaterEqual, positive, fabs, cbrt, exp2, logicalAnd, logicalOr, logicalXor } from "./ufunc";
export { min as amin, max as amax } from "./reduce";
export { nanmin, nanmax } from "./nan";
export { copyto, type CopytoOptions, type Casting } from "./copyto";
export { searchsorted, bincount, interp, type SearchsortedOptions, type BincountOptions, type InterpOptions } from "./searching";
export { isin, in1d, intersect1d, union1d, setdiff1d, setxor1d, type IsinOptions, type Intersect1dOptions, type SetOptions } from "./sets";
export { cov, corrcoef, type CovOptions, type CorrcoefOptions } from "./covariance";
export { convolve, correlate, type ConvolveMode } from "./convolve";
export { inner } from "./linalg";
