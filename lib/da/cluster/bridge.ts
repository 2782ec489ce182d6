/**
 * The pipe to `python/lazylab_bridge.py`: one child process per connection, requests and
 * replies as JSON lines each followed by the raw bytes its `buffers` field lists (array data
 * never goes through JSON). The bridge is what talks to the cluster (distributed.Client);
 * this file only moves messages and knows nothing of graphs.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

export interface BridgeReply {
  id: number;
  ok: boolean;
  name?: string;
  error?: string;
  buffers: number[];
  [k: string]: unknown;
}

/** The bridge process died or could not start. */
export class BridgeError extends Error {
  override name = "BridgeError";
}

/** Where the bridge script is: `python/` at the package root (dist/lib/da/cluster → ../../../..). */
export function bridgeScript(): string {
  for (const up of ["../../../..", "../../.."]) {
    const p = path.join(__dirname, up, "python", "lazylab_bridge.py");
    if (existsSync(p)) return path.resolve(p);
  }
  throw new BridgeError(`python/lazylab_bridge.py not found above ${__dirname}`);
}

export class Bridge {
  readonly process: ChildProcess;
  private nextId = 1;
  private pending = new Map<number, { resolve: (r: { reply: BridgeReply; buffers: Buffer[] }) => void; reject: (e: Error) => void }>();
  private input: Buffer = Buffer.alloc(0);
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Bytes the message being received needs in all, once its header line has been read. */
  private need: number | undefined;
  private stderrTail = "";
  private exited: Error | undefined;

  constructor(python = process.env.LAZYLAB_PYTHON ?? "/usr/bin/python3") {
    this.process = spawn(python, ["-u", bridgeScript()], { stdio: ["pipe", "pipe", "pipe"] });
    this.process.stdout!.on("data", (d: Buffer) => this.read(d));
    this.process.stderr!.setEncoding("utf8").on("data", (t: string) => {
      this.stderrTail = (this.stderrTail + t).slice(-4000);
    });
    this.process.stdin!.on("error", () => undefined);
    const fail = (why: string) => {
      this.exited = new BridgeError(`${why}${this.stderrTail ? `\n${this.stderrTail.trim().split("\n").slice(-5).join("\n")}` : ""}`);
      for (const p of this.pending.values()) p.reject(this.exited);
      this.pending.clear();
    };
    this.process.on("error", (e) => fail(`cannot start the cluster bridge with ${python}: ${e.message}`));
    this.process.on("exit", (code, signal) => fail(`the cluster bridge exited (${signal ?? `code ${code}`})`));
  }

  get alive(): boolean {
    return !this.exited;
  }

  /** Sends a request; resolves with the reply (ok or not) and its buffers. */
  request(msg: Record<string, unknown>, buffers: readonly ArrayBufferView[] = []): { id: number; reply: Promise<{ reply: BridgeReply; buffers: Buffer[] }> } {
    const id = this.nextId++;
    if (this.exited) return { id, reply: Promise.reject(this.exited) };
    const reply = new Promise<{ reply: BridgeReply; buffers: Buffer[] }>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    const line = JSON.stringify({ ...msg, id, buffers: buffers.map((b) => b.byteLength) }) + "\n";
    const stdin = this.process.stdin!;
    stdin.write(line);
    for (const b of buffers) stdin.write(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
    return { id, reply };
  }

  /** Asks the bridge to close its client and exit; kills it if it has not after `ms`. */
  async close(ms = 3000): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((r) => this.process.once("exit", () => r()));
    try {
      this.process.stdin!.end(JSON.stringify({ op: "close", id: 0, buffers: [] }) + "\n");
    } catch {
      /* already closed */
    }
    const timer = setTimeout(() => this.process.kill("SIGKILL"), ms);
    await gone;
    clearTimeout(timer);
  }

  private read(d: Buffer): void {
    // Chunks are kept in a list and joined only once a whole message is there: a big result
    // arrives in 64 KB pieces, and joining at every piece would copy it quadratically often.
    this.chunks.push(d);
    this.buffered += d.length;
    if (this.need !== undefined && this.buffered < this.need) return;
    this.input = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.buffered);
    this.chunks = [];
    this.buffered = 0;
    this.need = undefined;
    for (;;) {
      const nl = this.input.indexOf(10);
      if (nl < 0) break;
      const reply = JSON.parse(this.input.subarray(0, nl).toString("utf8")) as BridgeReply;
      const total = nl + 1 + reply.buffers.reduce((a, b) => a + b, 0);
      if (this.input.length < total) {
        this.need = total;
        break;
      }
      const buffers: Buffer[] = [];
      let at = nl + 1;
      for (const n of reply.buffers) {
        buffers.push(this.input.subarray(at, at + n));
        at += n;
      }
      this.input = this.input.subarray(at);
      const p = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      p?.resolve({ reply, buffers });
    }
    if (this.input.length) {
      this.chunks.push(this.input);
      this.buffered = this.input.length;
    }
    this.input = Buffer.alloc(0);
  }
}
