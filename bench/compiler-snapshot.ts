/**
 * Could a V8 startup snapshot give a fresh kernel a checked first cell in Deno's time? This
 * probe builds a snapshot (`node --build-snapshot`) of a compiler that has built its first
 * checker, then compares, alternating, a process started from it with a plain process that
 * loads TypeScript from the code cache and builds the checker (what the compiler thread does
 * today): time from spawn to a first cell checked (a type error) and a second one compiled,
 * and the process's memory 2 s later. docs/kernel.md, "Start", has the figures and what the kernel
 * would have to change to use it.
 *
 *     node dist/bench/compiler-snapshot.js [RUNS]
 *
 * Node 20's snapshot builder loads no user-land modules (its `require` knows the built-in ones
 * only), so the builder loads dist/ and typescript through a small CommonJS loader of its own
 * (`evalRequire`).
 */
// A script, not a module (no top-level import or export): the snapshot builder defines no
// `exports`. Hence the closure around everything.
(() => {
type CellCompilerType = import("../kernel/compiler/service").CellCompiler;
const ROLE = process.env.LAZYLAB_SNAPSHOT_ROLE;
const CELLS = ["const x: string = 1", "console.log(process.env.HOME, np.arange(3))"];

function report(compiler: CellCompilerType): void {
  const t = performance.now();
  const results = CELLS.map((c, i) => compiler.compile(c, `In[${i + 1}]`));
  const checkedAt = Date.now();
  const compileMs = performance.now() - t;
  // Memory once the process has settled (as an idle kernel would be measured).
  setTimeout(() => {
    const rollup = require("node:fs").readFileSync("/proc/self/smaps_rollup", "utf8") as string;
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, "m").exec(rollup)?.[1] ?? NaN);
    process.stdout.write(JSON.stringify({
      firstCell: results[0].ok ? "ok" : results[0].error.ename,
      secondCell: results[1].ok ? "ok" : results[1].error.ename,
      checkedAt,
      compileMs,
      rssMb: kb("Rss") / 1024,
      anonMb: kb("Anonymous") / 1024,
      heapMb: require("node:v8").getHeapStatistics().total_heap_size / 2 ** 20,
      mallocMb: require("node:v8").getHeapStatistics().malloced_memory / 2 ** 20,
    }) + "\n");
  }, 2000);
}

/** A CommonJS loader for the snapshot builder: reads, wraps and evaluates each file itself. */
function evalRequire(root: string): (file: string) => unknown {
  const fs = require("node:fs") as typeof import("node:fs");
  const path = require("node:path") as typeof import("node:path");
  const { builtinModules } = { builtinModules: ["assert", "buffer", "child_process", "crypto", "events", "fs", "module", "os", "path", "perf_hooks", "stream", "url", "util", "v8", "vm", "worker_threads", "zlib"] };
  const cache = new Map<string, { exports: unknown }>();
  const nodeModules = path.join(root, "node_modules");
  const resolve = (dir: string, spec: string): string => {
    const base = spec.startsWith(".") || spec.startsWith("/") ? path.resolve(dir, spec) : spec === "typescript" ? path.join(nodeModules, "typescript", "lib", "typescript.js") : path.join(nodeModules, spec);
    for (const f of [base, `${base}.js`, path.join(base, "index.js")]) if (fs.existsSync(f) && fs.statSync(f).isFile()) return fs.realpathSync(f);
    throw new Error(`evalRequire: cannot resolve ${spec} from ${dir}`);
  };
  const requireFrom = (dir: string) => {
    const r = (spec: string) => (spec.startsWith("node:") || builtinModules.includes(spec) ? require(spec) : load(resolve(dir, spec)));
    return Object.assign(r, { resolve: (spec: string) => resolve(dir, spec), cache: {} });
  };
  const load = (file: string): unknown => {
    const hit = cache.get(file);
    if (hit) return hit.exports;
    const mod = { exports: {} as unknown };
    cache.set(file, mod);
    if (file.endsWith(".json")) return (mod.exports = JSON.parse(fs.readFileSync(file, "utf8")));
    const wrapper = (0, eval)(`(function (exports, require, module, __filename, __dirname) {${fs.readFileSync(file, "utf8")}\n})`);
    wrapper.call(mod.exports, mod.exports, requireFrom(path.dirname(file)), mod, file, path.dirname(file));
    return mod.exports;
  };
  return load;
}

if (ROLE === "build") {
  const v8 = require("node:v8") as typeof import("node:v8");
  const path = require("node:path") as typeof import("node:path");
  const root = path.resolve(__dirname, "..", "..");
  const load = evalRequire(root);
  const { CellCompiler } = load(path.join(root, "dist", "kernel", "compiler", "service.js")) as typeof import("../kernel/compiler/service");
  const compiler = new CellCompiler(process.env.LAZYLAB_SNAPSHOT_CWD);
  compiler.warmUpCheck();
  v8.startupSnapshot.setDeserializeMainFunction(() => report(compiler));
} else if (ROLE === "plain") {
  const { loadTypeScript } = require("../kernel/compiler/code-cache") as typeof import("../kernel/compiler/code-cache");
  loadTypeScript();
  const { CellCompiler } = require("../kernel/compiler/service") as typeof import("../kernel/compiler/service");
  const compiler = new CellCompiler(process.env.LAZYLAB_SNAPSHOT_CWD);
  compiler.warmUpCheck();
  report(compiler);
} else {
  void (async () => {
    const { spawnSync } = await import("node:child_process");
    const { mkdtempSync, rmSync, statSync } = await import("node:fs");
    const os = await import("node:os");
    const path = await import("node:path");
    const { KERNEL_NODE_FLAGS } = await import("../kernel/install/kernelspec");
    const runs = Number(process.argv[2] ?? 5);
    const dir = mkdtempSync(path.join(os.tmpdir(), "lazylab-snapshot-"));
    const blob = path.join(dir, "compiler.blob");
    const env = { ...process.env, LAZYLAB_SNAPSHOT_CWD: dir };
    const t0 = performance.now();
    const built = spawnSync(process.execPath, [...KERNEL_NODE_FLAGS, "--snapshot-blob", blob, "--build-snapshot", __filename], { env: { ...env, LAZYLAB_SNAPSHOT_ROLE: "build" }, encoding: "utf8" });
    if (built.status !== 0) throw new Error(`building the snapshot failed: ${built.stderr}`);
    console.log(`snapshot built in ${((performance.now() - t0) / 1000).toFixed(1)} s, ${(statSync(blob).size / 2 ** 20).toFixed(1)} MB`);
    const run = (role: "snapshot" | "plain") => {
      const args = role === "snapshot" ? [...KERNEL_NODE_FLAGS, "--snapshot-blob", blob] : [...KERNEL_NODE_FLAGS, __filename];
      const spawnedAt = Date.now();
      const r = spawnSync(process.execPath, args, { env: { ...env, LAZYLAB_SNAPSHOT_ROLE: role === "plain" ? "plain" : "" }, encoding: "utf8" });
      if (r.status !== 0) throw new Error(`${role}: ${r.stderr}`);
      const out = JSON.parse(r.stdout.trim().split("\n").pop()!);
      return { role, spawnToCheckedMs: out.checkedAt - spawnedAt, ...out };
    };
    for (let i = 0; i < runs; i++) {
      for (const role of ["plain", "snapshot"] as const) {
        const load = os.loadavg()[0].toFixed(1);
        const r = run(role);
        console.log(`${role.padEnd(8)} spawn to two cells compiled ${r.spawnToCheckedMs.toFixed(0).padStart(5)} ms, two cells ${r.compileMs.toFixed(0).padStart(4)} ms (${r.firstCell}, ${r.secondCell}), RSS 2 s later ${r.rssMb.toFixed(0)} MB (anonymous ${r.anonMb.toFixed(0)}, V8 heap ${r.heapMb.toFixed(0)}), load ${load}`);
      }
    }
    rmSync(dir, { recursive: true, force: true });
  })();
}
})();
