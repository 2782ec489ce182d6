/**
 * The executor's side of the timing magics (the compiler's side: kernel/compiler/magics.ts):
 * `%time`/`%%time` print IPython's `CPU times: ...` and `Wall time: ...` lines, `%timeit`/
 * `%%timeit` run the compiled code in loops as IPython's TimeitMagics does and print its
 * `mean ± std per loop` line. Numbers are formatted as IPython's `_format_time` does.
 *
 * `%memit`/`%%memit` print memory_profiler's `peak memory: X MiB, increment: Y MiB`: the
 * executor process's peak resident set while the code ran, and how far that is above the start.
 * memory_profiler samples the resident set every 0.1 s, so a temporary that lives less long is
 * missed (its `%memit (np.ones(10**7) * 2).sum()` says 0.52 MiB here, where 152.6 MiB were
 * held at once); the peak here is the kernel's own high-water mark (VmHWM, reset through
 * /proc/self/clear_refs before the code runs), which misses nothing. The start is read after a
 * full collection and malloc_trim, so garbage of earlier cells is not in it: what Python's
 * reference counting has already freed when memory_profiler reads its baseline.
 *
 * `%who`/`%whos` print IPython's listing of the notebook's variables and `%reset` deletes them
 * (./namespace.ts), after IPython's question; `%load_ext` stands for IPython's extension
 * loading: memory_profiler's extension is what gives Python its `%memit`, built in here.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { inspect } from "node:util";
import { collectGarbage } from "../../lib/psutil/gc";
import type { MemitOptions, ResetOptions, TimeitOptions } from "../compiler/magics";
import { memoryCalls } from "../../lib/psutil/native";
import { MIME_BUNDLE, type MimeBundle } from "../../lib/display/mime";
import { input, onInterrupt, StdinNotAvailable } from "../../lib/notebook";

/** IPython's `%.*g`: `precision` significant digits, trailing zeros dropped, exponent form outside 1e-4 ≤ |x| < 10^precision. */
export function formatG(x: number, precision: number): string {
  if (x === 0) return "0";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : x < 0 ? "-inf" : "nan";
  const p = Math.max(precision, 1);
  const [mantissa, exp] = x.toExponential(p - 1).split("e");
  const e = Number(exp);
  const strip = (s: string) => (s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s);
  if (e < -4 || e >= p) return `${strip(mantissa)}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
  return strip(x.toFixed(p - 1 - e));
}

/** IPython's `_format_time(timespan, precision)`: `12.3 µs`, `1.5 s`, `1min 15s`. */
export function formatTime(seconds: number, precision = 3): string {
  if (seconds >= 60) {
    const parts: Array<[string, number]> = [["d", 86400], ["h", 3600], ["min", 60], ["s", 1]];
    const out: string[] = [];
    let left = seconds;
    for (const [suffix, length] of parts) {
      const value = Math.trunc(left / length);
      if (value > 0) {
        left = left % length;
        out.push(`${value}${suffix}`);
      }
      if (left < 1) break;
    }
    return out.join(" ");
  }
  const units = ["s", "ms", "µs", "ns"];
  const order = seconds > 0 ? Math.min(-Math.floor(Math.floor(Math.log10(seconds)) / 3), 3) : 3;
  return `${formatG(seconds * 10 ** (3 * order), precision)} ${units[order]}`;
}

/** What `%timeit -o` returns, IPython's TimeitResult: every run's time and their mean and spread. */
export class TimeitResult {
  /** Seconds per loop of each run. */
  readonly timings: number[];
  constructor(
    /** Loops per run. */
    readonly loops: number,
    /** Runs. */
    readonly repeat: number,
    /** The fastest run's seconds per loop. */
    readonly best: number,
    /** The slowest run's seconds per loop. */
    readonly worst: number,
    /** Each run's total seconds. */
    readonly allRuns: number[],
    private readonly precision = 3,
  ) {
    this.timings = allRuns.map((t) => t / loops);
  }
  /** Mean seconds per loop. */
  get average(): number {
    return this.timings.reduce((a, b) => a + b, 0) / this.timings.length;
  }
  /** Standard deviation of the runs' seconds per loop (of the population, as IPython). */
  get stdev(): number {
    const m = this.average;
    return Math.sqrt(this.timings.reduce((a, t) => a + (t - m) ** 2, 0) / this.timings.length);
  }
  toString(): string {
    const s = (n: number) => (n === 1 ? "" : "s");
    return `${formatTime(this.average, this.precision)} ± ${formatTime(this.stdev, this.precision)} per loop (mean ± std. dev. of ${this.repeat} run${s(this.repeat)}, ${this.loops.toLocaleString("en-US")} loop${s(this.loops)} each)`;
  }
  [inspect.custom](): string {
    return `<TimeitResult : ${this}>`;
  }
  [MIME_BUNDLE](): MimeBundle {
    return { "text/plain": `<TimeitResult : ${this}>` };
  }
}

/** What `%memit -o` returns, memory_profiler's MemitResult. */
export class MemitResult {
  constructor(
    /** Each run's peak, MiB (the process's resident set). */
    readonly memUsage: number[],
    /** The resident set before the first run, MiB. */
    readonly baseline: number,
    readonly repeat: number,
    readonly timeout: number | null,
    readonly interval: number,
    readonly includeChildren = false,
  ) {}
  toString(): string {
    const peak = Math.max(...this.memUsage);
    return `peak memory: ${peak.toFixed(2)} MiB, increment: ${(peak - this.baseline).toFixed(2)} MiB`;
  }
  [inspect.custom](): string {
    return `<MemitResult : ${this}>`;
  }
  [MIME_BUNDLE](): MimeBundle {
    return { "text/plain": `<MemitResult : ${this}>` };
  }
}

const MiB = 1024 * 1024;

/** The process's resident set now and its peak since the last reset, MiB (/proc/self/status). */
function residentSet(): { rss: number; peak: number } {
  const status = readFileSync("/proc/self/status", "utf8");
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kb("VmRSS") / MiB, peak: kb("VmHWM") / MiB };
}

/**
 * Frees what is dead (a full collection, then malloc's free pages back to the system) and
 * resets the kernel's peak to the resident set now; returns that resident set, MiB.
 */
function settle(): number {
  collectGarbage();
  memoryCalls?.mallocTrim();
  try {
    writeFileSync("/proc/self/clear_refs", "5");
  } catch (e) {
    throw new Error(`%memit needs Linux's /proc/self/clear_refs to reset the process's peak memory (${(e as Error).message})`);
  }
  return residentSet().rss;
}

/** Python's error for a module that does not exist, which IPython's `%load_ext` raises for a name it cannot import. */
export class ModuleNotFoundError extends Error {
  override name = "ModuleNotFoundError";
}

/** Python's `repr()` of a string: single quotes unless it holds one and no double quote. */
function pythonStringRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  return quote + s.replace(/\\/g, "\\\\").replaceAll(quote, `\\${quote}`) + quote;
}

/** The extension `%load_ext` knows: memory_profiler's, whose `%memit` and `%%memit` lazylab has built in. */
const MEMORY_PROFILER = "memory_profiler";

/** ./namespace.ts, loaded at the first `%who`, `%whos` or `%reset`: it reads the library's types, which the executor loads after it starts. */
const namespace = () => require("./namespace") as typeof import("./namespace");

const AsyncFunction = (async () => undefined).constructor;
const print = (text: string) => process.stdout.write(text + "\n");

/** The global the compiled magics call (MAGIC_RUNTIME). */
export class MagicRuntime {
  private readonly started: Array<{ wall: number; cpu: NodeJS.CpuUsage }> = [];
  private readonly measured: Array<{ options: MemitOptions; baseline: number }> = [];
  /** Whether `%load_ext memory_profiler` ran in this kernel: IPython says so when it runs again. */
  private memoryProfilerLoaded = false;

  /** A new cell: timings a failed statement left open are dropped. */
  reset(): void {
    this.started.length = 0;
    this.measured.length = 0;
  }

  /** `%memit` without -r or -o: the start of the code it measures. */
  memitStart(options: MemitOptions): void {
    this.measured.push({ options, baseline: settle() });
  }

  /**
   * Ends the innermost `%memit` and prints memory_profiler's line. Returns nothing, whatever the
   * code's value: memory_profiler's `%memit` has no value (`-o`, which returns the MemitResult,
   * runs through {@link memit}), so no result is kept in `Out` to stand in the next peak.
   */
  memitEnd(value?: unknown): undefined {
    void value;
    const start = this.measured.pop();
    if (!start) return undefined;
    const result = new MemitResult([residentSet().peak], start.baseline, 1, start.options.timeout, start.options.interval);
    if (!start.options.quiet) print(String(result));
    return undefined;
  }

  /**
   * `%memit -r<R>` / `-o`: `setup()` returns the statement; each of the R runs starts settled
   * (dead results of the run before are freed, the peak reset), and the peak is the largest.
   */
  memit(options: MemitOptions, setup: () => unknown): MemitResult | undefined | Promise<MemitResult | undefined> {
    const baseline = settle();
    const peaks: number[] = [];
    const finish = () => {
      const result = new MemitResult(peaks, baseline, options.repeat, options.timeout, options.interval);
      if (!options.quiet) print(String(result));
      return options.result ? result : undefined;
    };
    if (!(setup instanceof AsyncFunction)) {
      for (let r = 0; r < options.repeat; r++) {
        const stmt = setup() as () => unknown;
        if (r > 0) settle();
        stmt();
        peaks.push(residentSet().peak);
      }
      return finish();
    }
    return (async () => {
      for (let r = 0; r < options.repeat; r++) {
        const stmt = (await setup()) as () => Promise<unknown>;
        if (r > 0) settle();
        await stmt();
        peaks.push(residentSet().peak);
      }
      return finish();
    })();
  }

  /** `%who [types]`: the notebook's variables' names, as IPython lists them. */
  who(types: string[]): void {
    process.stdout.write(namespace().who(types));
  }

  /** `%whos [types]`: the notebook's variables with their Python types and a summary, IPython's table. */
  whos(types: string[]): void {
    process.stdout.write(namespace().whos(types));
  }

  /**
   * `%reset [-f] [-s] [targets]`: without -f, IPython's question first, through input() (the
   * compiled cell awaits it then). Where the frontend allows no input, the namespace is reset
   * without asking, as ipykernel's IPython does (its input raises StdinNotImplementedError,
   * which `%reset` takes for yes).
   */
  resetNamespace(options: ResetOptions): void | Promise<void> {
    const resetNow = () => void process.stdout.write(namespace().reset(options.soft, options.targets));
    if (options.force) return resetNow();
    return confirm("Once deleted, variables cannot be recovered. Proceed (y/[n])?").then((yes) => {
      if (yes) resetNow();
      else print("Nothing done.");
    });
  }

  /**
   * `%load_ext name` as IPython's: memory_profiler loads silently the first time and says it is
   * already loaded after that; any other name is a module Python cannot import (lazylab has no
   * other extension), failing with importlib's ModuleNotFoundError for it.
   */
  loadExt(name: string): void {
    if (name === MEMORY_PROFILER) {
      if (this.memoryProfilerLoaded) print(`The ${name} extension is already loaded. To reload it, use:\n  %reload_ext ${name}`);
      this.memoryProfilerLoaded = true;
      return;
    }
    if (name.startsWith(".")) throw new TypeError(`the 'package' argument is required to perform a relative import for ${pythonStringRepr(name)}`);
    // importlib imports a dotted name's packages first: the first that is missing is the one named.
    const [top] = name.split(".");
    if (top === MEMORY_PROFILER) throw new ModuleNotFoundError(`No module named ${pythonStringRepr(name)}; '${MEMORY_PROFILER}' is not a package`);
    throw new ModuleNotFoundError(`No module named ${pythonStringRepr(top)}`);
  }

  timeStart(): void {
    this.started.push({ wall: performance.now(), cpu: process.cpuUsage() });
  }

  /** Ends the innermost timing, prints it as IPython's `%time` does and returns `value`. */
  timeEnd<T>(value?: T): T | undefined {
    const start = this.started.pop();
    if (!start) return value;
    const cpu = process.cpuUsage(start.cpu);
    const wall = (performance.now() - start.wall) / 1000;
    const user = cpu.user / 1e6;
    const sys = cpu.system / 1e6;
    print(`CPU times: user ${formatTime(user)}, sys: ${formatTime(sys)}, total: ${formatTime(user + sys)}\nWall time: ${formatTime(wall)}`);
    return value;
  }

  /**
   * IPython's `%timeit`: `setup()` runs before each run and returns the timed statement; with
   * no `-n`, loops are 1, 10, 100, ... until one run takes 0.2 s; then `repeat` runs of that
   * many loops. Synchronous code is timed in a synchronous loop (nothing else runs between
   * loops); code with `await` awaits each loop.
   */
  timeit(options: TimeitOptions, setup: () => unknown): TimeitResult | undefined | Promise<TimeitResult | undefined> {
    const isAsync = setup instanceof AsyncFunction;
    if (!isAsync) {
      const run = (n: number): number => {
        const stmt = setup() as () => unknown;
        const t0 = performance.now();
        for (let i = 0; i < n; i++) stmt();
        return (performance.now() - t0) / 1000;
      };
      let number = options.number;
      if (!number) number = autorange(run);
      const runs: number[] = [];
      for (let r = 0; r < options.repeat; r++) runs.push(run(number));
      return this.report(options, number, runs);
    }
    // An interrupt fails the cell at once (main.ts); the loops must stop too, not run on unseen.
    let stopped = false;
    const stop = onInterrupt(() => (stopped = true));
    const run = async (n: number): Promise<number> => {
      const stmt = (await setup()) as () => Promise<unknown>;
      const t0 = performance.now();
      for (let i = 0; i < n && !stopped; i++) await stmt();
      if (stopped) throw new Error("%timeit was interrupted");
      return (performance.now() - t0) / 1000;
    };
    return (async () => {
      let number = options.number;
      if (!number) {
        for (let k = 0; k < 10; k++) {
          number = 10 ** k;
          if ((await run(number)) >= 0.2) break;
        }
      }
      const runs: number[] = [];
      for (let r = 0; r < options.repeat; r++) runs.push(await run(number));
      return this.report(options, number, runs);
    })().finally(stop);
  }

  private report(options: TimeitOptions, number: number, runs: number[]): TimeitResult | undefined {
    const best = Math.min(...runs) / number;
    const worst = Math.max(...runs) / number;
    const result = new TimeitResult(number, options.repeat, best, worst, runs, options.precision);
    if (!options.quiet) {
      if (worst > 4 * best && best > 0 && worst > 1e-6) {
        print(`The slowest run took ${(worst / best).toFixed(2)} times longer than the fastest. This could mean that an intermediate result is being cached.`);
      }
      print(String(result));
    }
    return options.result ? result : undefined;
  }
}

/**
 * IPython's ask_yes_no(prompt, default='n'): the question again until the answer is y, yes, n or
 * no (any case), an empty answer n. True when the frontend allows no input (see
 * MagicRuntime.resetNamespace).
 */
async function confirm(prompt: string): Promise<boolean> {
  const answers: Record<string, boolean> = { y: true, yes: true, n: false, no: false };
  for (;;) {
    let answer: string;
    try {
      answer = (await input(`${prompt} `)).toLowerCase() || "n";
    } catch (e) {
      if (e instanceof StdinNotAvailable) return true;
      throw e;
    }
    if (Object.hasOwn(answers, answer)) return answers[answer];
  }
}

/** IPython's choice of loops: 10^k, k = 0..9, the first whose run takes 0.2 s or more. */
function autorange(run: (n: number) => number): number {
  let number = 1;
  for (let k = 0; k < 10; k++) {
    number = 10 ** k;
    if (run(number) >= 0.2) break;
  }
  return number;
}
