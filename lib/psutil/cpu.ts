/**
 * `psutil.cpu_count()`, read as psutil 5.9 reads it on Linux (psutil/_pslinux.py).
 */
import { readdirSync } from "node:fs";
import { readText } from "./meminfo";

/** The CPUs in a kernel CPU list (`0-3,8,10-11`). */
function listLength(list: string): number {
  let n = 0;
  for (const part of list.trim().split(",").filter(Boolean)) {
    const [a, b] = part.split("-").map(Number);
    n += b === undefined ? 1 : b - a + 1;
  }
  return n;
}

/** The online CPUs (glibc's sysconf(_SC_NPROCESSORS_ONLN) reads the same file), else psutil's fallbacks. */
function logicalCount(): number | null {
  const online = readText("/sys/devices/system/cpu/online");
  if (online && /^[\d,-]+\s*$/.test(online)) return listLength(online);
  const cpuinfo = readText("/proc/cpuinfo") ?? "";
  let n = cpuinfo.split("\n").filter((l) => l.toLowerCase().startsWith("processor")).length;
  if (n === 0) n = (readText("/proc/stat") ?? "").split("\n").filter((l) => /^cpu\d/.test(l.split(" ")[0])).length;
  return n === 0 ? null : n;
}

/** The distinct cores: CPUs that share a core list one another as siblings; else /proc/cpuinfo's cores per package. */
function coreCount(): number | null {
  const root = "/sys/devices/system/cpu";
  let cpus: string[] = [];
  try {
    cpus = readdirSync(root).filter((d) => /^cpu\d+$/.test(d));
  } catch {
    // no sysfs: /proc/cpuinfo below
  }
  for (const file of ["core_cpus_list", "thread_siblings_list"]) {
    const lists = new Set(cpus.map((c) => readText(`${root}/${c}/topology/${file}`)?.trim()).filter((l): l is string => l !== undefined));
    if (lists.size) return lists.size;
  }
  const packages = new Map<number, number>();
  let current: Record<string, number> = {};
  for (const raw of `${readText("/proc/cpuinfo") ?? ""}\n`.split("\n")) {
    const line = raw.trim().toLowerCase();
    if (!line) {
      if ("physical id" in current && "cpu cores" in current) packages.set(current["physical id"], current["cpu cores"]);
      current = {};
    } else if (line.startsWith("physical id") || line.startsWith("cpu cores")) {
      const [key, value] = line.split("\t:");
      current[key] = Number(value);
    }
  }
  const total = [...packages.values()].reduce((a, b) => a + b, 0);
  return total || null;
}

/**
 * `psutil.cpu_count(logical=True)`: the logical CPUs online, or with `{ logical: false }` the
 * physical cores; null when it cannot be told, as psutil's None.
 * @example psutil.cpuCount()                      // psutil.cpu_count()
 * @example psutil.cpuCount({ logical: false })    // psutil.cpu_count(logical=False)
 */
export function cpuCount(options: { logical?: boolean } = {}): number | null {
  const n = options.logical ?? true ? logicalCount() : coreCount();
  return n !== null && n >= 1 ? n : null;
}
