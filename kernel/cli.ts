#!/usr/bin/env node
/**
 * lazylab's command line:
 *   lazylab install [--user | --sys-prefix | --prefix DIR]   register the Jupyter kernel
 *   lazylab kernel -f CONNECTION_FILE                        run the kernel (Jupyter calls this)
 */
import path from "node:path";
import { installKernelSpec, type InstallOptions } from "./install/kernelspec";

const USAGE = `usage:
  lazylab install [--user | --sys-prefix | --prefix DIR]
  lazylab kernel -f CONNECTION_FILE`;

async function runKernel(connectionFile: string): Promise<void> {
  const { readConnectionFile } = await import("./protocol/connection");
  const { Kernel } = await import("./kernel");
  const { TypeScriptInterpreter } = await import("./typescript-interpreter");
  const info = readConnectionFile(connectionFile);
  const interpreter = new TypeScriptInterpreter(process.cwd());
  const kernel = new Kernel(interpreter, info, { onShutdown: () => process.exit(0) });
  process.on("SIGINT", () => kernel.interrupt());
  process.on("SIGTERM", () => process.exit(0));
  // Like ipykernel's parent poller: a kernel whose client died (or whose parent was killed)
  // must not live on holding the ports and the user's executor.
  const parent = Number(process.env.JPY_PARENT_PID) || process.ppid;
  setInterval(() => {
    try {
      process.kill(parent, 0);
    } catch {
      process.exit(0);
    }
    if (process.ppid === 1 && parent !== 1) process.exit(0);
  }, 2000).unref();
  await kernel.start();
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === "install") {
    const opts: InstallOptions = { scope: "user" };
    for (let i = 0; i < rest.length; i++) {
      if (rest[i] === "--user") opts.scope = "user";
      else if (rest[i] === "--sys-prefix") opts.scope = "sys-prefix";
      else if (rest[i] === "--prefix") {
        opts.scope = "prefix";
        opts.prefix = rest[++i];
      } else {
        console.error(`lazylab install: unknown option ${rest[i]}\n${USAGE}`);
        return 2;
      }
    }
    const dir = installKernelSpec(opts, path.resolve(__filename));
    console.log(`Installed the lazylab kernelspec in ${dir}`);
    return 0;
  }
  if (command === "kernel") {
    const i = rest.indexOf("-f");
    const file = i >= 0 ? rest[i + 1] : rest.find((a) => a.endsWith(".json"));
    if (!file) {
      console.error(`lazylab kernel: missing -f CONNECTION_FILE\n${USAGE}`);
      return 2;
    }
    await runKernel(file);
    return -1; // keep running
  }
  console.error(USAGE);
  return command ? 2 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (e) => {
    console.error(`lazylab: ${(e as Error).message}`);
    process.exit(1);
  },
);
