/**
 * lazylab's preloaded library. Every notebook cell sees these as globals; elsewhere,
 * `import { np, psutil } from "lazylab"`.
 */
export { display, displayBundle, clearOutput, MIME_BUNDLE, mimeBundleOf, plainRepr } from "./display";
export type { MimeBundle, HasMimeBundle, DisplayOptions } from "./display";
export { input, del, StdinNotAvailable } from "./notebook";
export { PRELOADED } from "./globals";
