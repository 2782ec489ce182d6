#!/usr/bin/env node
/**
 * lazylab's command line:
 *   lazylab install [--user | --sys-prefix | --prefix DIR]   register the Jupyter kernel
 *   lazylab kernel -f CONNECTION_FILE                        run the kernel (Jupyter calls this)
 *   lazylab test NOTEBOOK... [options]                       re-run notebooks, compare outputs
 */
import path from "node:path";
import type { InstallOptions } from "./install/kernelspec";

const USAGE = `usage:
  lazylab install [--user | --sys-prefix | --prefix DIR]
  lazylab kernel -f CONNECTION_FILE
  lazylab test NOTEBOOK... [--junit FILE] [--memory-tolerance MB] [--timeout S] [--kernel NAME]`;

async function runTests(args: string[]): Promise<number> {
  const files: string[] = [];
  const opts = { memoryTolerance: 0.25, timeout: 300, kernelName: undefined as string | undefined };
  let junit: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = (): string => {
      const v = args[++i];
      if (v === undefined) throw new Error(`lazylab test: ${a} needs a value`);
      return v;
    };
    const number = (): number => {
      const v = value();
      const n = Number(v);
      if (!Number.isFinite(n) || n < 0) throw new Error(`lazylab test: ${a} must be a non-negative number, got "${v}"`);
      return n;
    };
    if (a === "--junit") junit = value();
    else if (a === "--memory-tolerance") opts.memoryTolerance = number();
    else if (a === "--timeout") opts.timeout = number();
    else if (a === "--kernel") opts.kernelName = value();
    else if (a.startsWith("--")) throw new Error(`lazylab test: unknown option ${a}`);
    else files.push(a);
  }
  if (files.length === 0) throw new Error(`lazylab test: no notebooks given\n${USAGE}`);
  const { testNotebook, report } = await import("./notebook-test/run");
  const results = [];
  for (const f of files) results.push(await testNotebook(f, opts));
  const { text, exitCode } = report(results);
  console.log(text);
  if (junit) {
    const { junitXml } = await import("./notebook-test/junit");
    const { writeFileSync } = await import("node:fs");
    try {
      writeFileSync(junit, junitXml(results));
    } catch (e) {
      throw new Error(`lazylab test: cannot write the JUnit report to ${junit}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  return exitCode;
}

async function runKernel(connectionFile: string): Promise<void> {
  // First, before anything is logged: the launcher's stdout/stderr are shared with it.
  const { restoreBlockingStdio } = await import("./process-stdio");
  for (const problem of restoreBlockingStdio()) process.stderr.write(`[lazylab] ${problem}\n`);
  const { markStart } = await import("./start-trace");
  markStart("kernel", "process start", 0);
  markStart("kernel", "cli main");
  const { readConnectionFile } = await import("./protocol/connection");
  const info = readConnectionFile(connectionFile);
  // The protocol's modules (ZeroMQ) load before the compiler thread and the executor start,
  // and the sockets are bound right after: on two cores the three starts competed, and a
  // client's first kernel_info waited for them (docs/kernel.md, "Start").
  const { Kernel } = await import("./kernel");
  const { TypeScriptInterpreter } = await import("./typescript-interpreter");
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
  markStart("kernel", "modules loaded");
  await kernel.start();
  markStart("kernel", "sockets bound");
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
    const { installKernelSpec } = await import("./install/kernelspec");
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
  if (command === "test") {
    try {
      return await runTests(rest);
    } catch (e) {
      console.error((e as Error).message);
      return 2;
    }
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
