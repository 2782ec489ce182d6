/**
 * lazylab's preloaded library. Every notebook cell sees these as globals; elsewhere,
 * `import { np, psutil } from "lazylab"`.
 */
import * as np from "./np";
import * as psutil from "./psutil";
import * as sys from "./sys";
import * as da from "./da";
import * as xr from "./xr";
import * as plt from "./plt";

export { np, da, psutil, sys, xr, plt };
export { display, displayBundle, clearOutput, MIME_BUNDLE, mimeBundleOf, plainRepr } from "./display";
export type { MimeBundle, HasMimeBundle, DisplayOptions } from "./display";
export { input, del, StdinNotAvailable } from "./notebook";
export { PRELOADED } from "./globals";
export { warmUp } from "./warmup";
export { retainers } from "./retainers";
export type { Retainer, Retainers } from "./retainers";
export * as memory from "./memory";
export * as gc from "./gc";
export * as tracemalloc from "./tracemalloc";
export * as plot from "./plot";
