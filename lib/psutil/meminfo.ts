/**
 * Reading Linux's /proc memory files with psutil 5.9's formulas.
 */
import { readFileSync } from "node:fs";

/** /proc/meminfo as bytes per key (`MemTotal`, `MemAvailable`, ...). */
export function readMeminfo(path = "/proc/meminfo"): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of readFileSync(path, "latin1").split("\n")) {
    const m = /^([^:]+):\s+(\d+)(?:\s+kB)?/.exec(line);
    if (m) out.set(m[1], Number(m[2]) * (line.includes("kB") ? 1024 : 1));
  }
  return out;
}

/** The fields of psutil's `svmem`, in psutil's order. */
export const SVMEM_FIELDS = ["total", "available", "percent", "used", "free", "active", "inactive", "buffers", "cached", "shared", "slab"] as const;
export type SvmemField = (typeof SVMEM_FIELDS)[number];
export type SvmemValues = Record<SvmemField, number>;

/** Python's `round(x, 1)`: correctly rounded, ties to even. */
export function round1(x: number): number {
  const scaled = x * 10;
  const fl = Math.floor(scaled);
  if (scaled - fl === 0.5 && fl / 10 + 0.05 === x) return (fl % 2 === 0 ? fl : fl + 1) / 10;
  return Number(x.toFixed(1));
}

/** psutil's `usage_percent(used, total, round_=1)`. */
export function usagePercent(used: number, total: number): number {
  return total === 0 ? 0 : round1((used / total) * 100);
}

/**
 * psutil 5.9's `virtual_memory()` from a meminfo map (psutil/_pslinux.py). `procfs` is the
 * folder the map came from: psutil reads `zoneinfo` from the same folder when the kernel has
 * no MemAvailable line.
 */
export function svmemFromMeminfo(mems: Map<string, number>, procfs = "/proc"): SvmemValues {
  const get = (k: string) => mems.get(k) ?? 0;
  const total = get("MemTotal");
  const free = get("MemFree");
  const buffers = get("Buffers");
  // psutil adds SReclaimable (as `free` does) only when there is a Cached line at all.
  const cached = mems.has("Cached") ? get("Cached") + get("SReclaimable") : 0;
  const shared = mems.has("Shmem") ? get("Shmem") : get("MemShared");
  const active = get("Active");
  const inactive = mems.has("Inactive") ? get("Inactive") : get("Inact_dirty") + get("Inact_clean") + get("Inact_laundry");
  const slab = get("Slab");
  let used = total - free - cached - buffers;
  if (used < 0) used = total - free;
  let available = mems.has("MemAvailable") ? get("MemAvailable") : fallbackAvailable(mems, procfs);
  if (available < 0) available = 0;
  if (available > total) available = free;
  const percent = usagePercent(total - available, total);
  return { total, available, percent, used, free, active, inactive, buffers, cached, shared, slab };
}

/** psutil's `calculate_avail_vmem` for kernels without MemAvailable. */
function fallbackAvailable(mems: Map<string, number>, procfs: string): number {
  const get = (k: string) => mems.get(k) ?? 0;
  const free = get("MemFree");
  const fallback = free + get("Cached");
  if (!mems.has("Active(file)") || !mems.has("Inactive(file)") || !mems.has("SReclaimable")) return fallback;
  let lowmark = 0;
  try {
    const zoneinfo = readFileSync(`${procfs}/zoneinfo`, "latin1");
    for (const m of zoneinfo.matchAll(/^\s+low\s+(\d+)/gm)) lowmark += Number(m[1]);
  } catch {
    return fallback;
  }
  lowmark *= 4096;
  let avail = free - lowmark;
  const pagecache = get("Active(file)") + get("Inactive(file)");
  avail += pagecache - Math.min(pagecache / 2, lowmark);
  const slabReclaimable = get("SReclaimable");
  avail += slabReclaimable - Math.min(slabReclaimable / 2, lowmark);
  return Math.trunc(avail);
}

/** Page size in bytes (4096 on the machines lazylab targets; read from the aux vector when possible). */
export const PAGE_SIZE = 4096;

/** /proc/self/statm in bytes: [size, resident, shared, text, lib, data, dt]. */
export function readStatm(pid: number | "self" = "self"): number[] {
  return readFileSync(`/proc/${pid}/statm`, "latin1").trim().split(/\s+/).map((v) => Number(v) * PAGE_SIZE);
}

/** The fields of psutil's `sswap`, in psutil's order. */
export const SSWAP_FIELDS = ["total", "used", "free", "percent", "sin", "sout"] as const;
export type SswapField = (typeof SSWAP_FIELDS)[number];
export type SswapValues = Record<SswapField, number>;

/**
 * psutil 5.9's `swap_memory()` from a meminfo map and the text of `vmstat` (psutil/_pslinux.py):
 * sin and sout are the pages swapped in and out since boot, counted by the kernel in 4 KiB
 * units. Where meminfo has no swap lines psutil asks sysinfo(2), which Node cannot: 0 here.
 * Without vmstat (or its pswpin/pswpout lines) both are 0, as psutil's fallback.
 */
export function sswapFromMeminfo(mems: Map<string, number>, vmstat: string | undefined): SswapValues {
  const total = mems.get("SwapTotal") ?? 0;
  const free = mems.get("SwapFree") ?? 0;
  const used = total - free;
  const pages = (key: string) => {
    const m = new RegExp(`^${key} (\\d+)`, "m").exec(vmstat ?? "");
    return m ? Number(m[1]) * 4 * 1024 : undefined;
  };
  const sin = pages("pswpin"), sout = pages("pswpout");
  const both = sin !== undefined && sout !== undefined;
  return { total, used, free, percent: usagePercent(used, total), sin: both ? sin : 0, sout: both ? sout : 0 };
}

/** A file's text, or undefined when it cannot be read. */
export function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "latin1");
  } catch {
    return undefined;
  }
}
