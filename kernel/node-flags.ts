/**
 * The V8 flags the kernel process (protocol thread and compiler thread) runs with, written into
 * its kernelspec (install/kernelspec.ts).
 *
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

/** Whether this process runs with them (its threads share its flags). */
export function underKernelFlags(execArgv: readonly string[] = process.execArgv): boolean {
  return KERNEL_NODE_FLAGS.every((f) => execArgv.includes(f));
}

/**
 * Where the kernelspec's shell puts NODE_EXTRA_CA_CERTS for the executor (install/kernelspec.ts,
 * executor/supervisor.ts's executorEnvironment). Node parses that file of certificates as it
 * starts, before any of lazylab's code runs: 0.12 s a process on the 2026-12-07 machine, whose
 * environment named the system's bundle (`node -e 0` 0.146 against 0.030 s). The kernel
 * process makes no TLS connection, so it starts without it; the executor, where cells'
 * `fetch` and `https` need it, gets it back.
 */
export const EXTRA_CA_CERTS_FOR_EXECUTOR = "LAZYLAB_NODE_EXTRA_CA_CERTS";
