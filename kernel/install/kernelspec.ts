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

export { KERNEL_NODE_FLAGS } from "../node-flags";
import { EXTRA_CA_CERTS_FOR_EXECUTOR, KERNEL_NODE_FLAGS } from "../node-flags";

/**
 * The kernel's command. On POSIX systems /bin/sh starts it, having moved a non-empty
 * NODE_EXTRA_CA_CERTS to {@link EXTRA_CA_CERTS_FOR_EXECUTOR} (an empty one names no file, and
 * Node reads none); `exec` keeps the process the launcher started, so its signals and its pid
 * are the kernel's. On Windows, Node directly.
 */
export function kernelArgv(cliPath: string, platform: NodeJS.Platform = process.platform): string[] {
  const node = [process.execPath, ...KERNEL_NODE_FLAGS, cliPath, "kernel", "-f", "{connection_file}"];
  if (platform === "win32") return node;
  // No braces in the script: launchers substitute `{name}` in argv (jupyter_client: known names only).
  const move = `if [ -n "$NODE_EXTRA_CA_CERTS" ]; then ${EXTRA_CA_CERTS_FOR_EXECUTOR}=$NODE_EXTRA_CA_CERTS; export ${EXTRA_CA_CERTS_FOR_EXECUTOR}; unset NODE_EXTRA_CA_CERTS; fi; exec "$@"`;
  return ["/bin/sh", "-c", move, "lazylab-kernel", ...node];
}

export function kernelSpec(cliPath: string) {
  return {
    argv: kernelArgv(cliPath),
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
