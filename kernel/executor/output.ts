/**
 * Captures what a cell writes to stdout/stderr (console.log, process.stdout.write, output
 * from timers and promises) and sends it to the kernel in batches, in order, tagged with
 * the cell that was running when it was written.
 */
import type { FromExecutor } from "./ipc";

type StreamName = "stdout" | "stderr";

const BATCH_MS = 5;
const BATCH_BYTES = 64 * 1024;

export class OutputCapture {
  private name: StreamName | undefined;
  private text = "";
  private timer: NodeJS.Timeout | undefined;
  /** The cell output belongs to; null between cells. */
  cellId: number | null = null;

  constructor(private readonly send: (m: FromExecutor) => void) {}

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
