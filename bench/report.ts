/**
 * What every benchmark prints and checks the same way: the machine and its load, every run
 * (min / median / max), and that both sides computed the same result — to the bit where they
 * run the same algorithm, else within a tolerance the script states. A mismatch throws
 * BenchMismatch, so a benchmark that compares different work fails instead of printing a ratio.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { availableParallelism, cpus } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { executorEnvironment, executorNodeArgs } from "../kernel/executor/supervisor";

/** Both sides of a benchmark computed different results (beyond the stated tolerance). */
export class BenchMismatch extends Error {
  override name = "BenchMismatch";
  constructor(readonly what: string, readonly detail: string) {
    super(`${what}: the two sides computed different results (${detail})`);
  }
}

/** Set in a benchmark process that runLikeExecutor started. */
const LIKE_EXECUTOR = "LAZYLAB_BENCH_EXECUTOR";

/**
 * Unless this process already is one, runs `script` again, with this process's arguments, in
 * a process started as the kernel starts its executor (its Node arguments and environment,
 * kernel/executor/supervisor.ts), and exits with its status: lazylab's side is then timed as a notebook cell
 * runs. Returns only in that process.
 */
export function runLikeExecutor(script: string): void {
  if (process.env[LIKE_EXECUTOR]) return;
  const executor = executorEnvironment(process.env);
  // What the executor's environment changed, as the user had it (null: unset), for the peers.
  const changed = Object.fromEntries(Object.keys(executor).filter((k) => executor[k] !== process.env[k]).map((k) => [k, process.env[k] ?? null]));
  const env = { ...executor, [LIKE_EXECUTOR]: "1", [PEER_ENV]: JSON.stringify(changed) };
  const r = spawnSync(process.execPath, [...executorNodeArgs(process.env), script, ...process.argv.slice(2)], { env, stdio: "inherit" });
  process.exit(r.status ?? 1);
}

/** Set by runLikeExecutor: the variables the executor's environment changed, with the user's values. */
const PEER_ENV = "LAZYLAB_BENCH_PEER_ENV";

/**
 * The environment a peer (NumPy, Dask) runs in: the user's, without the executor's malloc
 * settings (a fixed mmap threshold, no per-thread caches) that runLikeExecutor gives lazylab's
 * side. An ipykernel has none of them, and under them NumPy's `v * 2` of 100,000 elements took
 * 2.46 ns/element instead of 0.27 (each 800 KB result mmapped and faulted in afresh).
 */
export function peerEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  const changed = env[PEER_ENV] ? (JSON.parse(env[PEER_ENV]) as Record<string, string | null>) : {};
  for (const [k, v] of Object.entries(changed)) {
    if (v === null) delete env[k];
    else env[k] = v;
  }
  delete env[PEER_ENV];
  delete env[LIKE_EXECUTOR];
  return env;
}

/** The CPU model (lscpu's "Model name") and the cores this process may use. */
export function machine(): string {
  let model = cpus()[0]?.model ?? "unknown CPU";
  try {
    const m = /^Model name:\s*(.+)$/m.exec(execFileSync("lscpu", { encoding: "utf8" }));
    if (m) model = m[1].trim();
  } catch {
    // lscpu missing: os.cpus()' model string
  }
  return `${model}, ${availableParallelism()} cores`;
}

/** The 1/5/15-minute load averages, as `uptime` prints them. */
export function load(): string {
  const up = execFileSync("uptime", { encoding: "utf8" });
  return /load average:\s*(.+)$/m.exec(up)?.[1].trim() ?? up.trim();
}

/** The header every benchmark prints first: machine, load, both sides' versions. */
export function header(what: string, versions: string): string {
  return `${what}\nmachine: ${machine()}; load (1/5/15 min): ${load()}\nversions: ${versions}; Node ${process.version}`;
}

/** lazylab's package version and the checkout's commit (with "+changes" when the tree is dirty). */
export function lazylabVersion(): string {
  const root = path.resolve(__dirname, "..", "..");
  const version = (JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { version: string }).version;
  try {
    const commit = execFileSync("git", ["-C", root, "rev-parse", "--short", "HEAD"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    const dirty = execFileSync("git", ["-C", root, "status", "--porcelain", "--untracked-files=no"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim() !== "";
    return `lazylab ${version} (${commit}${dirty ? "+changes" : ""})`;
  } catch {
    return `lazylab ${version}`;
  }
}

/** Python's and some of its modules' versions (`modules` imported by name). */
export function pythonVersions(python: string, modules: readonly string[]): string {
  const code = `import sys\nprint("Python " + sys.version.split()[0])\n` + modules.map((m) => `import ${m}\nprint("${m} " + ${m}.__version__)`).join("\n");
  return execFileSync(python, ["-c", code], { encoding: "utf8" }).trim().split("\n").join(", ");
}

export interface Spread {
  min: number;
  median: number;
  max: number;
}

/** min / median / max (the median of an even count is the mean of the middle two). */
export function spread(xs: readonly number[]): Spread {
  if (xs.length === 0) return { min: NaN, median: NaN, max: NaN };
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return { min: s[0], median: s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2, max: s[s.length - 1] };
}

/** "median (min-max)" with `digits` decimals. */
export function formatSpread(xs: readonly number[], digits = 3): string {
  const s = spread(xs);
  return `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}-${s.max.toFixed(digits)})`;
}

/** Every run, in order: "a / b / c". */
export function allRuns(xs: readonly number[], digits = 3): string {
  return xs.map((x) => x.toFixed(digits)).join(" / ");
}

/** SHA-1 of an array's bytes (little-endian, as NumPy's `tobytes()` on this machine). */
export function digest(data: ArrayBufferView): string {
  return createHash("sha1").update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)).digest("hex");
}

/** Distance in units in the last place between two doubles (0 when equal, ∞ across NaN). */
export function ulps(a: number, b: number): number {
  if (Object.is(a, b) || a === b) return 0;
  if (Number.isNaN(a) || Number.isNaN(b)) return Infinity;
  const f = new Float64Array([a, b]);
  const i = new BigInt64Array(f.buffer);
  // Map the sign-magnitude bit patterns onto a monotonic integer line.
  const key = (v: bigint) => (v < 0n ? -(v & 0x7fffffffffffffffn) : v);
  const d = key(i[0]) - key(i[1]);
  return Number(d < 0n ? -d : d);
}

/** How far apart two arrays of numbers are: elements differing, the largest ulp and relative gaps. */
export function difference(a: ArrayLike<number>, b: ArrayLike<number>): { differing: number; maxUlps: number; maxRel: number } {
  if (a.length !== b.length) return { differing: Math.max(a.length, b.length), maxUlps: Infinity, maxRel: Infinity };
  let differing = 0, maxUlps = 0, maxRel = 0;
  for (let k = 0; k < a.length; k++) {
    const x = a[k], y = b[k];
    if (x === y || (Number.isNaN(x) && Number.isNaN(y))) continue;
    differing++;
    maxUlps = Math.max(maxUlps, ulps(x, y));
    maxRel = Math.max(maxRel, Math.abs(x - y) / Math.max(Math.abs(x), Math.abs(y)));
  }
  return { differing, maxUlps, maxRel };
}

/** A tolerance: `bits` (identical), or at most `ulps` apart, or a relative gap of at most `rel`. */
export type Tolerance = { bits: true } | { ulps: number } | { rel: number };

export function describeTolerance(t: Tolerance): string {
  return "bits" in t ? "bit-identical" : "ulps" in t ? `within ${t.ulps} ulp` : `relative gap ≤ ${t.rel}`;
}

/**
 * Throws BenchMismatch unless `a` and `b` agree within `tol`; returns what was found, for the
 * report ("bit-identical", or the largest gap when the tolerance allowed one).
 */
export function check(what: string, a: ArrayLike<number>, b: ArrayLike<number>, tol: Tolerance): string {
  const d = difference(a, b);
  if (d.differing === 0) return "bit-identical";
  const found = `${d.differing} of ${a.length} elements differ, up to ${d.maxUlps} ulp, relative ${d.maxRel.toExponential(2)}`;
  const ok = "bits" in tol ? false : "ulps" in tol ? d.maxUlps <= tol.ulps : d.maxRel <= tol.rel;
  if (!ok) throw new BenchMismatch(what, `${found}; allowed: ${describeTolerance(tol)}`);
  return found;
}

/** A Python child (`python -c code args`, in {@link peerEnvironment}) answering one request per stdin line with one stdout line, after a first line it prints when ready. */
export function pythonChild(python: string, code: string, args: string[] = []): { ask(line: string): Promise<string>; close(): void } {
  const child = spawn(python, ["-c", code, ...args], { stdio: ["pipe", "pipe", "inherit"], env: peerEnvironment() });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async (): Promise<string> => {
    const r = await lines.next();
    if (r.done) throw new Error("a Python helper process ended early");
    return r.value;
  };
  const ready = next();
  return {
    async ask(line) {
      await ready;
      child.stdin!.write(`${line}\n`);
      return next();
    },
    close: () => child.stdin!.end(),
  };
}
