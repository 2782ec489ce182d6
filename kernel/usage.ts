/**
 * Answers ipykernel's usage_request: the CPU and memory of the process running the user's code
 * (lazylab's executor, sampled from outside with pidusage so a busy cell does not delay the
 * answer), and the host's CPU, core count and memory with psutil's formulas. Runs in the
 * protocol process; the kernel routes the request here from its control table.
 */
import { readFileSync } from "node:fs";
import { cpus, hostname } from "node:os";
import pidusage from "pidusage";
import { readMeminfo, svmemFromMeminfo, usagePercent } from "../lib/psutil/meminfo";
import type { UsageReply } from "./protocol/messages";

/** /proc/stat's first line as psutil reads it: [busy, total] CPU time in ticks. */
function hostCpuTimes(): [number, number] | undefined {
  try {
    const line = readFileSync("/proc/stat", "latin1").split("\n")[0];
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal guest guest_nice; psutil's total leaves
    // out guest and guest_nice (already in user and nice) and its busy time leaves out idle
    // and iowait (psutil._cpu_busy_time).
    const [user, nice, system, idle, iowait = 0, irq = 0, softirq = 0, steal = 0] = v;
    const total = user + nice + system + idle + iowait + irq + softirq + steal;
    return [total - idle - iowait, total];
  } catch {
    return undefined;
  }
}

export class UsageSampler {
  private lastHost = hostCpuTimes();

  /** psutil.cpu_percent(interval=None): host CPU % since the previous call, rounded to 0.1. */
  private hostCpuPercent(): number {
    const now = hostCpuTimes();
    const prev = this.lastHost;
    this.lastHost = now;
    if (!now || !prev) return 0;
    const all = now[1] - prev[1];
    const busy = Math.max(0, now[0] - prev[0]);
    return all <= 0 ? 0 : Math.min(100, usagePercent(busy, all));
  }

  /**
   * One usage_reply. `pid` is the executor's (undefined while it is starting again after a
   * crash: then the kernel's own process is described).
   */
  async sample(pid: number | undefined): Promise<UsageReply> {
    const target = pid ?? process.pid;
    let cpu = 0;
    let memory = 0;
    try {
      const s = await pidusage(target);
      cpu = s.cpu;
      memory = s.memory;
    } catch {
      // The executor ended between the question and the sampling: it holds nothing now.
    }
    const reply: UsageReply = {
      hostname: hostname(),
      pid: target,
      kernel_cpu: cpu,
      kernel_memory: memory,
      cpu_count: cpus().length,
      host_virtual_memory: { ...svmemFromMeminfo(readMeminfo()) },
    };
    const host = this.hostCpuPercent();
    // ipykernel leaves the field out when psutil answers 0.0 (its first, meaningless, call).
    if (host !== 0) reply.host_cpu_percent = host;
    return reply;
  }
}
