/**
 * Captures what a cell writes to stdout/stderr (console.log, process.stdout.write, output
 * from timers and promises) and sends it to the kernel in batches, in order, tagged with
 * the cell that was running when it was written.
 */
import type { FromExecutor } from "./ipc";

type StreamName = "stdout" | "stderr";

const BATCH_MS = 5;
const BATCH_BYTES = 64 * 1024;

/**
 * Text one cell may write before the rest is dropped (LAZYLAB_OUTPUT_LIMIT_MB, default 8).
 * A frontend given 100 MB of stream output freezes, and every byte would cross the IPC pipe,
 * the kernel and ZeroMQ; a printing loop is almost always a mistake. The cell keeps running;
 * the user is told when the limit is hit and, at the end, how much was dropped.
 */
export function outputLimit(env: NodeJS.ProcessEnv = process.env): number {
  const mb = Number(env.LAZYLAB_OUTPUT_LIMIT_MB);
  return Math.round((Number.isFinite(mb) && mb > 0 ? mb : 8) * 1024 * 1024);
}

const MB = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

export class OutputCapture {
  private name: StreamName | undefined;
  private text = "";
  private timer: NodeJS.Timeout | undefined;
  /** The cell output belongs to; null between cells. */
  cellId: number | null = null;
  /** Characters written by the current cell so far, and those dropped past the limit. */
  private written = 0;
  private dropped = 0;

  constructor(private readonly send: (m: FromExecutor) => void, private readonly limit = outputLimit()) {}

  /** Starts counting a new cell's output against the limit. */
  beginCell(id: number): void {
    this.flush();
    this.cellId = id;
    this.written = 0;
    this.dropped = 0;
  }

  /** At the end of a cell: says how much output the limit dropped, if any. */
  endCell(): void {
    if (!this.dropped) return;
    const dropped = this.dropped;
    this.dropped = 0;
    this.emit("stderr", `[lazylab] ${MB(dropped)} of this cell's output was not shown (limit ${MB(this.limit)} per cell, LAZYLAB_OUTPUT_LIMIT_MB).\n`);
    this.flush();
  }

  install(): void {
    for (const name of ["stdout", "stderr"] as const) {
      const stream = process[name];
      stream.write = ((chunk: unknown, encoding?: unknown, cb?: unknown) => {
        const text = typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString(typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8");
        this.write(name, text);
        const done = typeof encoding === "function" ? encoding : cb;
        if (typeof done === "function") process.nextTick(done as () => void);
        return true;
      }) as typeof stream.write;
    }
  }

  write(name: StreamName, text: string): void {
    if (!text) return;
    const room = this.limit - this.written;
    if (text.length > room) {
      if (room > 0) {
        this.emit(name, text.slice(0, room));
        this.emit("stderr", `\n[lazylab] output limit of ${MB(this.limit)} per cell reached: the rest of this cell's output is dropped.\n`);
      }
      this.written = this.limit;
      this.dropped += text.length - Math.max(room, 0);
      return;
    }
    this.written += text.length;
    this.emit(name, text);
  }

  /** Output from lazylab itself (late errors, hook failures): never dropped by the limit. */
  report(name: StreamName, text: string): void {
    this.emit(name, text);
  }

  private emit(name: StreamName, text: string): void {
    if (this.name !== name) this.flush();
    this.name = name;
    this.text += text;
    if (this.text.length >= BATCH_BYTES) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), BATCH_MS);
  }

  /** Sends what is buffered; called before any other output so order is kept. */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.text && this.name) this.send({ kind: "stream", id: this.cellId, name: this.name, text: this.text });
    this.text = "";
    this.name = undefined;
  }
}
