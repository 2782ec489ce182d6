/**
 * `xr`: labelled, lazily loaded datasets over NetCDF4/HDF5 files, like `xarray`.
 * `import { xr } from "lazylab"`, or the `xr` global in every notebook cell.
 *
 * ```ts
 * const ds = await xr.openMfDataset("data/THETA_*.nc");       // storage chunks
 * const top = await ds.THETA.isel({ k: 0 }).compute();          // loads whole 25-level chunks
 * xr.cacheInfo();                                               // ...and this is what they hold
 * ```
 */
export { openDataset, openMfDataset, glob } from "./open";
export type { OpenOptions, OpenMfOptions, XChunks } from "./open";
export { openZarr, ZarrFormatError } from "./zarr";
export type { OpenZarrOptions } from "./zarr";
export { RangeNotSupportedError, HttpError } from "./store";
export { ZarrReadError } from "./zarr-sync";
export { Dataset } from "./dataset";
export type { DatasetConstructor } from "./dataset";
export { merge, MergeError } from "./merge";
export type { MergeOptions } from "./merge";
export type { DatasetWithVars } from "./dataset";
export { DataArray, DimensionError, KeyError } from "./dataarray";
export type { DataArrayConstructor } from "./dataarray";
export { MissingDimensionsError } from "./construct";
export type { DataArrayInitOptions, DatasetInitOptions, DataArrayData, VariableLike, VariableTuple, VariableData, NestedValues } from "./construct";
export { NotImplementedError } from "../np/errors";
export type { SelOptions } from "./dataarray";
export type { XData, PositionIndexer, Label, LabelIndexer, DimsArg, XOperand } from "./dataarray";
export type { DataArrayPlotOptions } from "./plot";
export { cacheInfo, clearCache, setCacheLimit, resetCacheStats, DEFAULT_CACHE_LIMIT } from "./cache";
export type { CacheInfo } from "./cache";
export { NcFile, FileNotFoundError, FileChangedError, UnsupportedFilterError } from "./netcdf";
export { ChunkDecodeError } from "./codec";
export type { NcVariable, NcGroup, NcDimension, AttrValue } from "./netcdf";
export { WASTE_RATIO, setWarnings } from "./warn";
