/**
 * `psutil`: memory probes with psutil's names, fields, formulas and reprs, plus a
 * deterministic *process view* for notebooks.
 *
 * The system's `MemAvailable` moves by megabytes for reasons outside the notebook, so a
 * tutorial that prints "Change in available memory" would print different numbers every run.
 * In the process view (the default inside the lazylab kernel) every field is the system's
 * value when the view's baseline was taken, adjusted by exactly how much the executor's own
 * footprint (footprint.ts: live V8 heap objects after a full GC, compiled code excluded,
 * plus malloc's bytes in use (every array buffer, zlib, addons), worker threads' heaps and
 * WebAssembly memories) changed since: `available` and `free` go down by it, `used` goes up, `percent` follows.
 * `virtualMemory({ view: "system" })`, or `setView("system")`, gives psutil's raw numbers.
 */
import { inspect } from "node:util";
import { MIME_BUNDLE, MimeBundle } from "../display/mime";
import { footprint, collectGarbage } from "./footprint";
import { keepHeapRoom } from "./heap-room";
import { limitHugePages } from "./huge-pages";
import { readFileSync } from "node:fs";
import { readMeminfo, readStatm, readText, SswapField, SswapValues, SSWAP_FIELDS, sswapFromMeminfo, SvmemField, SvmemValues, SVMEM_FIELDS, svmemFromMeminfo, usagePercent } from "./meminfo";
import { pythonClass } from "../python-class";

export { cpuCount } from "./cpu";

export { footprint, collectGarbage };

// The memory figures need malloc's heap to grow in place for as long as the process runs, and
// pages that follow what was written; the kernel's executor has done both before its first
// thread (lib/psutil/heap-room.ts, lib/psutil/huge-pages.ts).
keepHeapRoom();
limitHugePages();

/** Python's repr of a float: always with a decimal point or exponent. */
function pyFloat(x: number): string {
  if (Number.isInteger(x) && Math.abs(x) < 1e16) return `${x}.0`;
  return String(x);
}

/** A named tuple printed as Python prints it: `name(field=value, ...)`. */
abstract class NamedTuple<F extends string> {
  protected abstract readonly typeName: string;
  protected abstract readonly fieldNames: readonly F[];
  protected abstract readonly floatFields: readonly F[];

  /** Python's repr. */
  toString(): string {
    const self = this as unknown as Record<F, number>;
    const parts = this.fieldNames.map((f) => `${f}=${this.floatFields.includes(f) ? pyFloat(self[f]) : String(self[f])}`);
    return `${this.typeName}(${parts.join(", ")})`;
  }
  /** @internal */
  [inspect.custom](): string {
    return this.toString();
  }
  /** @internal */
  [MIME_BUNDLE](): MimeBundle {
    return { "text/plain": this.toString() };
  }
  /** The values in field order, like a Python tuple. */
  toArray(): number[] {
    const self = this as unknown as Record<F, number>;
    return this.fieldNames.map((f) => self[f]);
  }
  /** A plain object (`_asdict()`). */
  asDict(): Record<F, number> {
    const self = this as unknown as Record<F, number>;
    return Object.fromEntries(this.fieldNames.map((f) => [f, self[f]])) as Record<F, number>;
  }
}

/** psutil's `svmem`: system memory in bytes (percent in %). */
export class Svmem extends NamedTuple<SvmemField> implements SvmemValues {
  protected readonly typeName = "svmem";
  protected readonly fieldNames = SVMEM_FIELDS;
  protected readonly floatFields = ["percent"] as const;
  /** Total physical memory. */
  readonly total: number;
  /** Memory that can be given to processes without swapping (the tutorial's figure). */
  readonly available: number;
  /** (total - available) / total, in %, rounded to 0.1. */
  readonly percent: number;
  /** total - free - cached - buffers. */
  readonly used: number;
  /** Memory not used at all. */
  readonly free: number;
  /** Recently used memory. */
  readonly active: number;
  /** Memory not recently used. */
  readonly inactive: number;
  /** Kernel buffers. */
  readonly buffers: number;
  /** Page cache plus reclaimable slab. */
  readonly cached: number;
  /** Shared memory (tmpfs). */
  readonly shared: number;
  /** Kernel data structures. */
  readonly slab: number;

  /** @internal */
  constructor(v: SvmemValues) {
    super();
    this.total = v.total;
    this.available = v.available;
    this.percent = v.percent;
    this.used = v.used;
    this.free = v.free;
    this.active = v.active;
    this.inactive = v.inactive;
    this.buffers = v.buffers;
    this.cached = v.cached;
    this.shared = v.shared;
    this.slab = v.slab;
  }
}

/** psutil's `sswap`: swap memory in bytes (percent in %). */
export class Sswap extends NamedTuple<SswapField> implements SswapValues {
  protected readonly typeName = "sswap";
  protected readonly fieldNames = SSWAP_FIELDS;
  protected readonly floatFields = ["percent"] as const;
  /** Total swap space. */
  readonly total: number;
  /** total - free. */
  readonly used: number;
  /** Swap space not in use. */
  readonly free: number;
  /** used / total, in %, rounded to 0.1. */
  readonly percent: number;
  /** Bytes swapped in from disk since boot. */
  readonly sin: number;
  /** Bytes swapped out to disk since boot. */
  readonly sout: number;

  /** @internal */
  constructor(v: SswapValues) {
    super();
    this.total = v.total;
    this.used = v.used;
    this.free = v.free;
    this.percent = v.percent;
    this.sin = v.sin;
    this.sout = v.sout;
  }
}

/**
 * `psutil.swap_memory()`: the system's swap, with psutil's fields, formulas and repr. Always
 * the system's figures (the process view is about the notebook's own memory, which a swapped
 * page still is).
 * @example psutil.swapMemory().percent
 */
export function swapMemory(): Sswap {
  return new Sswap(sswapFromMeminfo(readMeminfo(), readText("/proc/vmstat")));
}

/** Which numbers `virtualMemory()` reports. */
export type MemoryView = "process" | "system";

interface Baseline {
  system: SvmemValues;
  footprint: number;
}

let view: MemoryView = "system";
let baseline: Baseline | undefined;

/**
 * Chooses what `virtualMemory()` reports by default: `"process"` (deterministic: the
 * system at the baseline adjusted by this process's footprint change) or `"system"`
 * (psutil's raw numbers). The lazylab kernel selects `"process"` when it starts.
 */
export function setView(v: MemoryView): void {
  if (v !== "process" && v !== "system") throw new TypeError(`setView: view must be "process" or "system", got ${JSON.stringify(v)}`);
  view = v;
}

/** The current default view. */
export function getView(): MemoryView {
  return view;
}

/**
 * Takes the process view's baseline now: the system's memory and this process's footprint.
 * The kernel does this once at start, after warming the library up.
 */
export function resetBaseline(): void {
  const fp = footprint();
  baseline = { system: svmemFromMeminfo(readMeminfo()), footprint: fp };
}

/**
 * `psutil.virtual_memory()`: system memory statistics (bytes) with psutil's fields,
 * formulas and repr. See the module comment for the process view. Always this kernel's host
 * and process, also while computes run on a Dask cluster (`da.connect`): the workers' memory
 * is `(await da.clusterInfo()).workers[i].memory`, from the scheduler.
 * @example psutil.virtualMemory().available / 2 ** 20  // MB available to this kernel
 */
export function virtualMemory(options: { view?: MemoryView } = {}): Svmem {
  const v = options.view ?? view;
  if (v !== "process" && v !== "system") throw new TypeError(`virtualMemory: view must be "process" or "system", got ${JSON.stringify(v)}`);
  if (v === "system") return new Svmem(svmemFromMeminfo(readMeminfo()));
  if (!baseline) resetBaseline();
  const b = baseline!;
  const delta = footprint() - b.footprint;
  const s = b.system;
  const available = Math.min(s.total, Math.max(0, s.available - delta));
  return new Svmem({
    ...s,
    available,
    free: Math.max(0, s.free - delta),
    used: s.used + delta,
    percent: usagePercent(s.total - available, s.total),
  });
}

/** psutil's `pmem` for Linux: a process's memory in bytes. */
export class Pmem extends NamedTuple<"rss" | "vms" | "shared" | "text" | "lib" | "data" | "dirty"> {
  protected readonly typeName = "pmem";
  protected readonly fieldNames = ["rss", "vms", "shared", "text", "lib", "data", "dirty"] as const;
  protected readonly floatFields = [] as const;
  constructor(
    readonly rss: number,
    readonly vms: number,
    readonly shared: number,
    readonly text: number,
    readonly lib: number,
    readonly data: number,
    readonly dirty: number,
  ) {
    super();
  }
}

/** psutil's `pfullmem` for Linux: `pmem` plus uss, pss and swap (bytes). */
export class Pfullmem extends NamedTuple<"rss" | "vms" | "shared" | "text" | "lib" | "data" | "dirty" | "uss" | "pss" | "swap"> {
  protected readonly typeName = "pfullmem";
  protected readonly fieldNames = ["rss", "vms", "shared", "text", "lib", "data", "dirty", "uss", "pss", "swap"] as const;
  protected readonly floatFields = [] as const;
  constructor(
    readonly rss: number,
    readonly vms: number,
    readonly shared: number,
    readonly text: number,
    readonly lib: number,
    readonly data: number,
    readonly dirty: number,
    /** Memory only this process holds (Private_* of smaps_rollup). */
    readonly uss: number,
    /** Proportional set size: shared pages divided among their sharers. */
    readonly pss: number,
    /** Swapped out. */
    readonly swap: number,
  ) {
    super();
  }
}

/**
 * psutil's `NoSuchProcess`: the process asked about does not exist (any more). The message is
 * psutil's: `process no longer exists (pid=123)`, or `process PID not found (pid=123)` from the
 * constructor.
 */
export class NoSuchProcess extends Error {
  override name = "NoSuchProcess";
  constructor(
    readonly pid: number,
    readonly msg = "process no longer exists",
  ) {
    super(`${msg} (pid=${pid})`);
  }
}

/**
 * A process, as {@link Process} makes it (with or without `new`): `psutil.Process` in a cell's
 * types. An interface merged with the constructor of the same name rather than the class
 * itself, so that the declaration a cell emits for `const p = psutil.Process()` can name it
 * (kernel/compiler/service.ts carries it to later cells).
 */
export interface Process {
  /** Process id. */
  readonly pid: number;
  /** `memory_info()`: rss, vms, shared, text, lib, data, dirty from /proc/PID/statm. */
  memoryInfo(): Pmem;
  /**
   * `memory_full_info()`: memoryInfo()'s fields and uss, pss, swap from /proc/PID/smaps_rollup,
   * read as psutil reads them.
   *
   * @example
   * psutil.Process().memoryFullInfo(); // pfullmem(rss=..., ..., uss=..., pss=..., swap=...)
   */
  memoryFullInfo(): Pfullmem;
  /** This process's footprint as the process view counts it (after a full GC). */
  footprint(): number;
  /** Python's repr: `psutil.Process(pid=123)`. */
  toString(): string;
}

class ProcessObject implements Process {
  readonly pid: number;
  constructor(pid?: number) {
    if (pid !== undefined && (!Number.isInteger(pid) || pid <= 0)) throw new RangeError(`Process: pid must be a positive integer, got ${pid}`);
    this.pid = pid ?? process.pid;
    try {
      readStatm(this.pid);
    } catch {
      throw new NoSuchProcess(this.pid, "process PID not found");
    }
  }
  private proc(): number | "self" {
    return this.pid === process.pid ? "self" : this.pid;
  }
  memoryInfo(): Pmem {
    let st: number[];
    try {
      st = readStatm(this.proc());
    } catch {
      throw new NoSuchProcess(this.pid);
    }
    const [vms, rss, shared, text, lib, data, dirty] = st;
    return new Pmem(rss, vms, shared, text, lib, data, dirty);
  }
  memoryFullInfo(): Pfullmem {
    let text: string;
    try {
      text = readFileSync(`/proc/${this.proc()}/smaps_rollup`, "latin1");
    } catch {
      throw new NoSuchProcess(this.pid);
    }
    let uss = 0;
    let pss = 0;
    let swap = 0;
    for (const line of text.split("\n")) {
      const kb = () => Number(line.split(/\s+/)[1]) * 1024;
      // Private_Clean, Private_Dirty, Private_Hugetlb
      if (line.startsWith("Private_")) uss += kb();
      else if (line.startsWith("Pss:")) pss = kb();
      else if (line.startsWith("Swap:")) swap = kb();
    }
    const m = this.memoryInfo();
    return new Pfullmem(m.rss, m.vms, m.shared, m.text, m.lib, m.data, m.dirty, uss, pss, swap);
  }
  footprint(): number {
    return this.pid === process.pid ? footprint() : this.memoryInfo().rss;
  }
  toString(): string {
    return `psutil.Process(pid=${this.pid})`;
  }
  /** @internal */
  [inspect.custom](): string {
    return this.toString();
  }
}
/**
 * `psutil.Process(pid)`: a process (the executor itself by default), as in Python: with or
 * without `new`. Throws {@link NoSuchProcess} when there is no process `pid`, and its methods
 * throw it once the process has ended. `p instanceof psutil.Process` holds.
 *
 * @example
 * const p = psutil.Process();
 * p.memoryFullInfo().uss / 2 ** 20; // MB only this process holds
 */
export const Process = pythonClass<typeof ProcessObject, Process>(ProcessObject, "Process");
