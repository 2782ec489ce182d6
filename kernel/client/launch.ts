/**
 * Starting a kernel the way Jupyter's clients do: free ports, a connection file with a fresh
 * key, the kernelspec's argv with `{connection_file}` filled in, the notebook's folder as cwd.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { homedir, tmpdir } from "node:os";
import path from "node:path";
import type { ConnectionInfo } from "../protocol/connection";

export class KernelLaunchError extends Error {
  override name = "KernelLaunchError";
}

/** Kernelspec folders in Jupyter's search order: JUPYTER_PATH, the user's, then the system's. */
export function kernelSpecDirs(): string[] {
  const dirs = (process.env.JUPYTER_PATH ?? "").split(path.delimiter).filter(Boolean);
  const dataHome = process.env.JUPYTER_DATA_DIR ?? path.join(process.env.XDG_DATA_HOME ?? path.join(homedir(), ".local", "share"), "jupyter");
  dirs.push(dataHome, "/usr/local/share/jupyter", "/usr/share/jupyter");
  return dirs.map((d) => path.join(d, "kernels"));
}

/** The argv of kernelspec `name`, or an error listing where it was looked for. */
export function kernelSpecArgv(name: string): string[] {
  const dirs = kernelSpecDirs();
  for (const d of dirs) {
    const file = path.join(d, name, "kernel.json");
    if (existsSync(file)) {
      const spec = JSON.parse(readFileSync(file, "utf8")) as { argv?: unknown };
      if (!Array.isArray(spec.argv) || spec.argv.length === 0) throw new KernelLaunchError(`kernelspec ${file} has no argv`);
      return spec.argv.map(String);
    }
  }
  throw new KernelLaunchError(`no kernelspec named "${name}" in ${dirs.join(", ")}`);
}

/** A TCP port free on `ip` now (the OS picks it; it may be taken again before it is bound). */
export async function freePort(ip: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, ip, () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface LaunchedKernel {
  info: ConnectionInfo;
  process: ChildProcess;
  /** What the kernel wrote to stderr (the last 64 KB), for error messages. */
  stderr(): string;
  /** Kills the kernel's process group and removes the connection file. */
  dispose(): void;
}

export interface LaunchOptions {
  /** Kernelspec name; without it, this build's own kernel (dist/kernel/cli.js) is started. */
  kernelName?: string;
  cwd: string;
}

export async function launchKernel(opts: LaunchOptions): Promise<LaunchedKernel> {
  const ip = "127.0.0.1";
  const ports = new Set<number>();
  while (ports.size < 5) ports.add(await freePort(ip));
  const [shell_port, control_port, iopub_port, stdin_port, hb_port] = [...ports];
  const info: ConnectionInfo = {
    ip, transport: "tcp", key: randomUUID(), signature_scheme: "hmac-sha256",
    shell_port, control_port, iopub_port, stdin_port, hb_port, kernel_name: opts.kernelName ?? "lazylab",
  };
  // The kernelspec first: an unknown one must not leave a connection file behind.
  const specArgv = opts.kernelName ? kernelSpecArgv(opts.kernelName) : undefined;
  const dir = mkdtempSync(path.join(tmpdir(), "lazylab-client-"));
  const file = path.join(dir, "kernel.json");
  writeFileSync(file, JSON.stringify(info), { mode: 0o600 });
  const argv = specArgv
    ? specArgv.map((a) => a.replace("{connection_file}", file))
    : [process.execPath, path.join(__dirname, "..", "cli.js"), "kernel", "-f", file];
  const child = spawn(argv[0], argv.slice(1), {
    cwd: opts.cwd,
    stdio: ["ignore", "ignore", "pipe"],
    detached: true, // its own process group, so dispose() also ends the executor
    env: { ...process.env, JPY_PARENT_PID: String(process.pid) },
  });
  let err = "";
  child.stderr!.on("data", (d: Buffer) => {
    err = (err + d.toString("utf8")).slice(-65536);
  });
  await new Promise<void>((resolve, reject) => {
    child.once("spawn", resolve);
    child.once("error", (e) => {
      rmSync(dir, { recursive: true, force: true });
      reject(new KernelLaunchError(`cannot start kernel ${argv[0]}: ${e.message}`));
    });
  });
  return {
    info,
    process: child,
    stderr: () => err,
    dispose() {
      try {
        if (child.exitCode === null && child.pid) process.kill(-child.pid, "SIGKILL");
      } catch {
        /* already gone */
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
