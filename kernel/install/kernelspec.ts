/**
 * `lazylab install`: writes the kernelspec (kernel.json and logos) into exactly one Jupyter
 * data directory, the one the flags name, and nowhere else.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { logoPng } from "./logo";

export const KERNEL_NAME = "lazylab";

export interface InstallOptions {
  scope: "user" | "sys-prefix" | "prefix";
  prefix?: string;
  /** The Python whose sys.prefix --sys-prefix means (Debian's Jupyter by default). */
  python?: string;
}

/**
 * Environment of the kernel process only (the executor's is restored: executorEnvironment).
 * One malloc arena and a 128 KB trim threshold give back what the compiler thread frees after
 * loading TypeScript and the bundled types (V8's parser zones, freed but kept by per-thread
 * arenas): the kernel process measured 204 → 182 MB idle (bench/HISTORY.md).
 */
export const KERNEL_ENV: Record<string, string> = { MALLOC_ARENA_MAX: "1", MALLOC_TRIM_THRESHOLD_: "131072" };
/** Names the variables of KERNEL_ENV, so the executor can be started without them. */
export const KERNEL_ONLY_ENV = "LAZYLAB_KERNEL_ONLY_ENV";

/**
 * V8 flags of the kernel process only (the executor is started with its own: supervisor.ts).
 * The protocol thread's young generation may grow to 16 MB per semi-space by default, for
 * messages that are a few KB: 1 MB measured 3 MB less idle RSS and no slower round trips
 * (bench/HISTORY.md). The compiler thread sets its own young generation (compiler/client.ts).
 *
 * `--heap-growing-percent=20`: a full GC once the old generation has grown 20 % past what the
 * last one left live. By default V8 lets a small heap grow up to 4× first, and the compiler
 * thread, whose live heap stays ~50 MB, accumulated up to 200 MB of dead checkers and cells
 * between full GCs when cells came back to back (the soak: kernel RSS 123-340 MB, 136-156
 * with the flag, at the same cells per second).
 *
 * `--compact-on-every-full-gc`: V8 compacts (moves live objects out of sparse pages and frees
 * them) only when its heuristics pick pages, so the compiler thread's old and code spaces kept
 * growing in committed size while their live size stayed flat (old space 74 → 78 MB, code
 * space 6.4 → 8.1 MB over the 3-minute soak, live ~50 and 5-6 MB): kernel RSS still rose 2-6 %
 * after the warm-up. Compacting every full GC keeps the committed size at what is live
 * (docs/reliability.md, "Soak"); it also took the idle kernel process from 183 to 118-126 MB
 * RSS, with round trips unchanged (docs/kernel.md). V8's code cache records the flags, so build-kernel-caches
 * makes the cache under these same flags.
 *
 * `--expose-gc`: the compiler thread collects once, compacting, after its first cell
 * (compiler/start-gc.ts); a worker gets `gc` only from the process's flags, and the kernel
 * process runs no user code, so exposing it costs nothing (nothing evaluates code to fetch it).
 */
export const KERNEL_NODE_FLAGS = ["--max-semi-space-size=1", "--heap-growing-percent=20", "--compact-on-every-full-gc", "--expose-gc"];

export function kernelSpec(cliPath: string) {
  return {
    argv: [process.execPath, ...KERNEL_NODE_FLAGS, cliPath, "kernel", "-f", "{connection_file}"],
    display_name: "TypeScript (lazylab)",
    language: "typescript",
    interrupt_mode: "message",
    env: { ...KERNEL_ENV, [KERNEL_ONLY_ENV]: Object.keys(KERNEL_ENV).join(",") },
    metadata: { debugger: true },
  };
}

/** Jupyter's per-user data directory on this platform (JUPYTER_DATA_DIR wins). */
export function userDataDir(): string {
  if (process.env.JUPYTER_DATA_DIR) return process.env.JUPYTER_DATA_DIR;
  if (process.platform === "darwin") return path.join(os.homedir(), "Library", "Jupyter");
  if (process.platform === "win32") return path.join(process.env.APPDATA ?? os.homedir(), "jupyter");
  return path.join(process.env.XDG_DATA_HOME ?? path.join(os.homedir(), ".local", "share"), "jupyter");
}

export function kernelsDir(opts: InstallOptions): string {
  switch (opts.scope) {
    case "user":
      return path.join(userDataDir(), "kernels");
    case "prefix":
      if (!opts.prefix) throw new Error("--prefix needs a directory");
      return path.join(opts.prefix, "share", "jupyter", "kernels");
    case "sys-prefix": {
      const python = opts.python ?? "/usr/bin/python3";
      const prefix = execFileSync(python, ["-c", "import sys; print(sys.prefix)"], { encoding: "utf8" }).trim();
      return path.join(prefix, "share", "jupyter", "kernels");
    }
  }
}

export function installKernelSpec(opts: InstallOptions, cliPath: string): string {
  const dir = path.join(kernelsDir(opts), KERNEL_NAME);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "kernel.json"), JSON.stringify(kernelSpec(cliPath), null, 2) + "\n");
  writeFileSync(path.join(dir, "logo-32x32.png"), logoPng(32));
  writeFileSync(path.join(dir, "logo-64x64.png"), logoPng(64));
  return dir;
}
