/**
 * TypeScript's bundle (typescript.js, 9 MB) loaded through a V8 code cache on the compiler
 * thread.
 *
 * Compiled from source, the bundle costs the thread ~250 ms and a peak of 18.8 MB of parser
 * memory (V8's zones, from malloc). glibc keeps that memory once it is freed, because what the
 * thread allocates next sits above it: the kernel process idled with ~14 MB of freed malloc
 * memory (`[heap]` 19.7 MB in smaps, 5.8 MB after a malloc_trim). Deserialising the code cache
 * needs no parser (0.4 MB peak), takes ~30 ms, and yields the same functions.
 *
 * The cache is written by the compiler thread itself, after its warm-up (so it holds the
 * functions a check uses, compiled), whenever it is missing or V8 refused it (another Node
 * version or other V8 flags: V8 checks both), and only by a thread running under the kernel's
 * flags (node-flags.ts): a compiler thread a test started in a plain `node` rewrote the shared
 * file with a cache the kernel then refused, so the next kernels compiled TypeScript from
 * source and wrote it back (their first library cell 0.05-0.1 s later: the checker ready at
 * 0.95-1.07 s from spawn, against 0.86-0.89 with the kernel's own cache). It lives in the package's dist/ folder, beside
 * the code it stands for: whoever can write it can already change that code. V8 checks only
 * the source's length, so the file starts with a hash of the source and is ignored when that
 * differs (a typescript upgrade).
 */
import { isAscii } from "node:buffer";
import { createHash } from "node:crypto";
import { readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import Module from "node:module";
import path from "node:path";
import vm from "node:vm";
import { underKernelFlags } from "../node-flags";

// The package root, as options.ts has it (not imported from there: options.ts requires typescript).
export const CACHE_FILE = path.resolve(__dirname, "..", "..", "typescript.v8cache");
const HASH_BYTES = 20; // sha1

export interface LoadedTypeScript {
  /** Whether the code cache was used (false: compiled from source). */
  cached: boolean;
  /** Writes the code cache if it was not used (the shared one only under the kernel's flags); call once the compiler has warmed up. */
  saveIfNeeded(): void;
}

/**
 * Loads typescript.js into Node's module cache, so that every later `require("typescript")`
 * of this thread returns it. Call before anything requires typescript; if something already
 * has, that module stays and nothing is cached.
 */
export function loadTypeScript(cacheFile = CACHE_FILE): LoadedTypeScript {
  const file = require.resolve("typescript");
  if (require.cache[file]) return { cached: false, saveIfNeeded: () => undefined };
  const bytes = readFileSync(file);
  const hash = createHash("sha1").update(bytes).digest();
  const cachedData = readCache(cacheFile, hash);
  let script: vm.Script | undefined = new vm.Script(wrappedSource(bytes), { filename: file, cachedData });
  const cached = cachedData !== undefined && !script.cachedDataRejected;
  const mod = new Module(file, module);
  mod.filename = file;
  mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(file));
  const wrapper = script.runInThisContext() as (exports: unknown, require: NodeRequire, module: Module, filename: string, dirname: string) => void;
  wrapper.call(mod.exports, mod.exports, Module.createRequire(file), mod, file, path.dirname(file));
  mod.loaded = true;
  require.cache[file] = mod;
  // The Script object holds the cache's bytes (4 MB) for as long as it lives: only until saved.
  if (cached) script = undefined;
  return {
    cached,
    saveIfNeeded() {
      if (script && (cacheFile !== CACHE_FILE || underKernelFlags())) writeCache(cacheFile, hash, script.createCachedData());
      script = undefined;
    },
  };
}

/**
 * The module wrapper around the file's text (as Node's loader compiles it). An ASCII text (as
 * typescript.js is) decoded as latin1 becomes an external string: its 9 MB are not copied into
 * the JavaScript heap.
 */
function wrappedSource(bytes: Buffer): string {
  const [head, tail] = Module.wrap("\0").split("\0");
  const whole = Buffer.concat([Buffer.from(head), bytes, Buffer.from(tail)]);
  return whole.toString(isAscii(whole) ? "latin1" : "utf8");
}

function readCache(cacheFile: string, hash: Buffer): Buffer | undefined {
  try {
    const data = readFileSync(cacheFile);
    return data.subarray(0, HASH_BYTES).equals(hash) ? data.subarray(HASH_BYTES) : undefined;
  } catch {
    return undefined;
  }
}

/** Written under a temporary name and renamed, so a kernel starting meanwhile reads a whole file or none. */
function writeCache(cacheFile: string, hash: Buffer, data: Buffer): void {
  const tmp = `${cacheFile}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, Buffer.concat([hash, data]));
    renameSync(tmp, cacheFile);
  } catch {
    // A read-only installation compiles from source each time: slower to start, nothing else.
    try { unlinkSync(tmp); } catch { /* never written */ }
  }
}
