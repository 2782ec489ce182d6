/**
 * A minimal Jupyter client over the kernel's own wire code: shell and control as DEALER
 * sockets, iopub as SUB. It is what `lazylab test` drives a notebook with; it speaks to any
 * kernel that follows protocol 5.x, not only lazylab.
 */
import { randomUUID } from "node:crypto";
import * as zmq from "zeromq";
import { endpoint, uninterrupted, type ConnectionInfo } from "../protocol/connection";
import { PROTOCOL_VERSION, type Header, type Message } from "../protocol/messages";
import { decode, encode, Signer } from "../protocol/wire";

export class KernelTimeoutError extends Error {
  override name = "KernelTimeoutError";
}

/** Everything one execute_request produced on iopub, and its reply. */
export interface Execution {
  reply: Record<string, unknown>;
  /** iopub messages with this request as parent, busy/idle and execute_input left out. */
  outputs: Message<Record<string, unknown>>[];
}

type Waiter = (msg: Message<Record<string, unknown>>) => void;

export class KernelClient {
  private readonly signer: Signer;
  private readonly session = randomUUID();
  private readonly shell = new zmq.Dealer();
  private readonly control = new zmq.Dealer();
  private readonly iopub = new zmq.Subscriber();
  private readonly replies = new Map<string, Waiter>();
  private readonly iopubWaiters = new Map<string, Waiter>();
  private closed = false;

  constructor(private readonly info: ConnectionInfo) {
    this.signer = new Signer(info.key, info.signature_scheme);
    for (const s of [this.shell, this.control, this.iopub]) uninterrupted(() => (s.linger = 0));
    uninterrupted(() => this.shell.connect(endpoint(info, info.shell_port)));
    uninterrupted(() => this.control.connect(endpoint(info, info.control_port)));
    uninterrupted(() => this.iopub.connect(endpoint(info, info.iopub_port)));
    uninterrupted(() => this.iopub.subscribe());
    void this.pump(this.shell, this.replies);
    void this.pump(this.control, this.replies);
    void this.pump(this.iopub, this.iopubWaiters);
  }

  private async pump(socket: zmq.Dealer | zmq.Subscriber, waiters: Map<string, Waiter>): Promise<void> {
    try {
      for await (const frames of socket) {
        let msg: Message<Record<string, unknown>>;
        try {
          msg = decode(frames as Buffer[], this.signer) as Message<Record<string, unknown>>;
        } catch {
          continue; // not for us or not signed with our key
        }
        const parent = (msg.parent_header as Header).msg_id;
        if (parent) waiters.get(parent)?.(msg);
      }
    } catch (e) {
      if (!this.closed) throw e;
    }
  }

  private message(msgType: string, content: Record<string, unknown>): Message {
    const header: Header = { msg_id: randomUUID(), session: this.session, username: "lazylab-test", date: new Date().toISOString(), msg_type: msgType, version: PROTOCOL_VERSION };
    return { identities: [], header, parent_header: {}, metadata: {}, content, buffers: [] };
  }

  /** Sends a request and resolves with its reply's content (rejects after `timeoutMs`). */
  async request(channel: "shell" | "control", msgType: string, content: Record<string, unknown>, timeoutMs: number): Promise<Record<string, unknown>> {
    const msg = this.message(msgType, content);
    const id = msg.header.msg_id;
    const reply = new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.replies.delete(id);
        reject(new KernelTimeoutError(`no ${msgType.replace("_request", "_reply")} within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      this.replies.set(id, (m) => {
        clearTimeout(timer);
        this.replies.delete(id);
        resolve(m.content);
      });
    });
    await (channel === "shell" ? this.shell : this.control).send(encode(msg, this.signer));
    return reply;
  }

  /**
   * Waits until the kernel answers kernel_info and its iopub reaches us (ZeroMQ drops what a
   * SUB socket misses before it is connected, so the first status message is the proof).
   */
  async waitForReady(timeoutMs: number): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) throw new KernelTimeoutError(`the kernel did not become ready within ${timeoutMs / 1000} s`);
      const msg = this.message("kernel_info_request", {});
      let sawIopub = false;
      this.iopubWaiters.set(msg.header.msg_id, () => (sawIopub = true));
      const got = new Promise<Record<string, unknown> | undefined>((resolve) => {
        const timer = setTimeout(() => resolve(undefined), Math.min(1000, left));
        this.replies.set(msg.header.msg_id, (m) => {
          clearTimeout(timer);
          resolve(m.content);
        });
      });
      await this.shell.send(encode(msg, this.signer));
      const info = await got;
      if (info) await new Promise((r) => setTimeout(r, 50));
      this.replies.delete(msg.header.msg_id);
      this.iopubWaiters.delete(msg.header.msg_id);
      if (info && sawIopub) return info;
    }
  }

  /**
   * Runs `code` and collects its outputs up to the kernel's idle status for it. `silent` runs
   * it as Jupyter's silent requests do: no outputs, no history, no execution count.
   */
  async execute(code: string, timeoutMs: number, silent = false): Promise<Execution> {
    const msg = this.message("execute_request", { code, silent, store_history: !silent, user_expressions: {}, allow_stdin: false, stop_on_error: false });
    const id = msg.header.msg_id;
    const outputs: Message<Record<string, unknown>>[] = [];
    let replyContent: Record<string, unknown> | undefined;
    const done = new Promise<Execution>((resolve, reject) => {
      let idle = false;
      const finish = () => {
        if (idle && replyContent) {
          clearTimeout(timer);
          this.iopubWaiters.delete(id);
          this.replies.delete(id);
          resolve({ reply: replyContent, outputs });
        }
      };
      const timer = setTimeout(() => {
        this.iopubWaiters.delete(id);
        this.replies.delete(id);
        reject(new KernelTimeoutError(`the cell did not finish within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      this.iopubWaiters.set(id, (m) => {
        const t = m.header.msg_type;
        if (t === "status") {
          if (m.content.execution_state === "idle") {
            idle = true;
            finish();
          }
        } else if (t !== "execute_input") outputs.push(m);
      });
      this.replies.set(id, (m) => {
        replyContent = m.content;
        finish();
      });
    });
    await this.shell.send(encode(msg, this.signer));
    return done;
  }

  /** Asks the kernel to shut down (best effort) and closes the sockets. */
  async shutdown(timeoutMs = 3000): Promise<void> {
    try {
      await this.request("control", "shutdown_request", { restart: false }, timeoutMs);
    } catch {
      /* the caller kills the process anyway */
    }
    this.close();
  }

  close(): void {
    this.closed = true;
    for (const s of [this.shell, this.control, this.iopub]) s.close();
  }
}
