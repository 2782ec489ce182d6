/**
 * The executor's side of the timing magics (the compiler's side: kernel/compiler/magics.ts):
 * `%time`/`%%time` print IPython's `CPU times: ...` and `Wall time: ...` lines, `%timeit`/
 * `%%timeit` run the compiled code in loops as IPython's TimeitMagics does and print its
 * `mean ± std per loop` line. Numbers are formatted as IPython's `_format_time` does.
 */
import { inspect } from "node:util";
import { MIME_BUNDLE, type MimeBundle } from "../../lib/display/mime";
import { onInterrupt } from "../../lib/notebook";

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

interface TimeitOptions {
  number: number;
  repeat: number;
  precision: number;
  quiet: boolean;
  result: boolean;
}

const AsyncFunction = (async () => undefined).constructor;
const print = (text: string) => process.stdout.write(text + "\n");

/** The global the compiled magics call (MAGIC_RUNTIME). */
export class MagicRuntime {
  private readonly started: Array<{ wall: number; cpu: NodeJS.CpuUsage }> = [];

  /** A new cell: timings a failed statement left open are dropped. */
  reset(): void {
    this.started.length = 0;
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

/** IPython's choice of loops: 10^k, k = 0..9, the first whose run takes 0.2 s or more. */
function autorange(run: (n: number) => number): number {
  let number = 1;
  for (let k = 0; k < 10; k++) {
    number = 10 ** k;
    if (run(number) >= 0.2) break;
  }
  return number;
}
