/** Names shared by the cell transform (compiler) and the executor that runs its output. */

/** The executor's module loader, a global the transformed imports call. */
export const IMPORT_HOOK = "__lazylab_import";

/** The notebook's `import.meta` (url, filename, dirname, resolve), a global the transformed `import.meta` reads. */
export const IMPORT_META = "__lazylab_import_meta";

/** `import.meta` of a file (its path the argument), a global the notebook's compiled .ts files call for theirs. */
export const IMPORT_META_OF = "__lazylab_import_meta_of";

/** Temporaries the transform introduces; they stay local to the cell's function. */
export const LOCAL_PREFIX = "__lazylab_";

/** The executor's runtime of the timing magics (`%time`, `%%timeit`, ...), a global the compiled magics call. */
export const MAGIC_RUNTIME = "__lazylab_magic";

/** The executor's factory of a cell's `using` resources (kernel/executor/resources.ts), a global. */
export const CELL_RESOURCES = "__lazylab_resources";

/** The cell's own resources, a local of the cell's function that its top-level `using` declarations add to. */
export const CELL_RESOURCES_LOCAL = "__lazylab_cell";
