/**
 * The worker-thread pool (one thread per core, started on first use, never keeping the process
 * alive). A task that fails rejects with an error naming the task; a worker that dies is
 * reported on its running task and replaced, and the pool goes on.
 */
import { availableParallelism } from "node:os";
import path from "node:path";
import { Worker } from "node:worker_threads";
import type { FoldResult, PoolTask } from "./task";

interface Job {
  task: PoolTask;
  /** The compute the task belongs to (cancelled together). */
  group: number;
  resolve: (v: never) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  /** Tasks posted to this worker, in the order it runs them (the first is running). */
  jobs: Job[];
}

/**
 * Tasks posted ahead to each worker: it starts the next as soon as one ends, without waiting
 * for the notebook's thread to wake up and send it (on a loaded machine that wait is
 * milliseconds per task).
 */
const DEPTH = 4;

import { TaskError } from "../errors";

export { TaskError };

let slots: Slot[] = [];
const queue: Job[] = [];
let size = Math.max(1, Math.min(availableParallelism(), 8));
let nextId = 1;

/** Threads the pool uses (default: the number of cores). */
export function poolSize(): number {
  return size;
}

/** Sets the number of threads (1 runs everything in the notebook's thread). */
export function setPoolSize(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`setPoolSize: n must be a positive integer, got ${n}`);
  size = n;
  shutdownPool();
}

function spawn(): Slot {
  // A small young generation: fold tasks allocate almost nothing, and each thread then costs
  // a few MB of resident memory instead of tens.
  const worker = new Worker(path.join(__dirname, "worker.js"), { resourceLimits: { maxYoungGenerationSizeMb: 4 } });
  worker.unref();
  const slot: Slot = { worker, jobs: [] };
  worker.on("message", (r: FoldResult) => {
    const i = slot.jobs.findIndex((j) => j.task.id === r.id);
    const b = i < 0 ? undefined : slot.jobs.splice(i, 1)[0];
    if (b) {
      if (r.ok) b.resolve(r.acc as never);
      else b.reject(new TaskError(`task ${r.label ?? b.task.label} failed: ${r.error}`));
    }
    pump();
  });
  worker.on("error", (e) => crashed(slot, e));
  worker.on("exit", (code) => {
    if (slot.jobs.length) crashed(slot, new Error(`worker exited with code ${code}`));
  });
  return slot;
}

/** Takes a worker out of the pool; its tasks that had not started go back to the queue's front. */
function remove(slot: Slot, stopped?: Promise<unknown>[]): Job[] {
  const jobs = slot.jobs;
  slot.jobs = [];
  slots = slots.filter((s) => s !== slot);
  const exit = slot.worker.terminate();
  if (stopped) stopped.push(exit);
  else void exit;
  return jobs;
}

function crashed(slot: Slot, e: Error): void {
  if (!slots.includes(slot)) return;
  const [running, ...waiting] = remove(slot);
  queue.unshift(...waiting);
  if (running) running.reject(new TaskError(`worker crashed running task ${running.task.label}: ${e.message}; the pool was rebuilt`));
  pump();
}

function pump(): void {
  while (queue.length) {
    let slot: Slot | undefined;
    for (const s of slots) if (s.jobs.length < DEPTH && (!slot || s.jobs.length < slot.jobs.length)) slot = s;
    if ((!slot || slot.jobs.length > 0) && slots.length < size) slots.push((slot = spawn()));
    if (!slot) return;
    const job = queue.shift()!;
    slot.jobs.push(job);
    slot.worker.ref();
    slot.worker.postMessage(job.task);
  }
  for (const s of slots) if (!s.jobs.length) s.worker.unref();
}

type Without<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;

/**
 * Runs a task on the pool; `group` names the compute it belongs to, for {@link cancelGroup}.
 * A stream fold resolves to its accumulator, a block fold to its partial's values.
 */
export function runOnPool<T extends number | Float64Array = number>(task: Without<PoolTask, "id">, group = 0): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    queue.push({ task: { ...task, id: nextId++ } as PoolTask, group, resolve: resolve as (v: never) => void, reject });
    pump();
  });
}

/**
 * Cancels a compute's tasks: queued ones are dropped and the workers running its tasks are
 * stopped (their buffers go with them) and replaced on next use. Rejects each with `reason`.
 * Resolves once those workers' threads have ended: a task writing into shared memory (a map
 * task) writes nothing after that, so the buffer can be given back.
 */
export function cancelGroup(group: number, reason: Error): Promise<void> {
  const stopped: Promise<unknown>[] = [];
  for (let i = queue.length - 1; i >= 0; i--) if (queue[i].group === group) queue.splice(i, 1)[0].reject(reason);
  for (const s of [...slots]) {
    if (!s.jobs.some((j) => j.group === group)) continue;
    const jobs = remove(s, stopped);
    queue.unshift(...jobs.filter((j) => j.group !== group));
    for (const j of jobs) if (j.group === group) j.reject(reason);
  }
  pump();
  return Promise.all(stopped).then(() => undefined);
}

/** Threads running tasks now (for tests). */
export function busyWorkers(): number {
  return slots.filter((s) => s.jobs.length).length;
}

/** Stops every worker (queued tasks are rejected). */
export function shutdownPool(): void {
  const posted = [...slots].flatMap((s) => remove(s));
  for (const j of [...posted, ...queue.splice(0)]) j.reject(new TaskError(`task ${j.task.label} cancelled: the pool was shut down`));
}
