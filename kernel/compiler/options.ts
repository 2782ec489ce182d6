/** Compiler options for notebook cells, and where the bundled types live. */
import path from "node:path";
import ts from "typescript";
import { runtimeLib, runtimeTarget } from "./runtime-lib";

/** The lazylab package root (this file is dist/kernel/compiler/options.js once built). */
export const PACKAGE_ROOT = path.resolve(__dirname, "..", "..", "..");

function typesRoot(): string {
  // @types/node ships with lazylab so a notebook in any folder type-checks console.log.
  return path.dirname(path.dirname(require.resolve("@types/node/package.json")));
}

/**
 * The node_modules folder holding lazylab's dependencies (typescript, @types/node): the
 * package's own in a clone, the one the package itself sits in when installed from npm.
 */
export const DEPENDENCIES_ROOT = path.dirname(typesRoot());

export function cellCompilerOptions(): ts.CompilerOptions {
  return {
    target: runtimeTarget(),
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: runtimeLib(),
    types: ["node"],
    typeRoots: [typesRoot()],
    strict: true,
    skipLibCheck: true,
    esModuleInterop: true,
    allowSyntheticDefaultImports: true,
    resolveJsonModule: true,
    declaration: true,
    sourceMap: true,
    removeComments: false,
    noEmitOnError: false,
    useDefineForClassFields: true,
    paths: { lazylab: [path.join(PACKAGE_ROOT, "dist", "lib", "index.d.ts")] },
  };
}
