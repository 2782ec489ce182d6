/**
 * lazylab's preloaded library. Every notebook cell sees these as globals; elsewhere,
 * `import { np, psutil } from "lazylab"`.
 */
export {};
