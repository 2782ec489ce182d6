/**
 * The kernel: wires channels to an interpreter. One dispatch table per channel; status
 * busy/idle is published in exactly one place (dispatch), and every reply goes through
 * reply(). Shell requests run one at a time in arrival order; control requests are served
 * at once, even while a cell runs, since the interpreter never blocks this thread.
 */
import { Channels, type ChannelName } from "./protocol/channels";
import type { ConnectionInfo } from "./protocol/connection";
import { codePointsToUtf16, utf16ToCodePoints } from "./protocol/cursor";
import {
  createMessage, PROTOCOL_VERSION, replyType,
  type ExecuteReply, type ExecuteRequest, type HistoryReply, type HistoryRequest, type Incoming, type Message, type Outgoing, type OutgoingType,
} from "./protocol/messages";
import type { WireFault } from "./protocol/wire";
import type { ExecuteContext, Interpreter } from "./interpreter";
import { validateContent } from "./protocol/validate";
import { UsageSampler } from "./usage";

type Handler = (msg: Message, channel: ChannelName) => Promise<void>;

/** Cells history_request can return (Kernel.recordHistory). */
export const HISTORY_LIMIT = 5_000;

export interface KernelOptions {
  log?: (line: string) => void;
  /** Called after a shutdown_request has been answered. */
  onShutdown?: () => void;
}

export class Kernel {
  readonly channels: Channels;
  readonly session = crypto.randomUUID();
  private executionCount = 0;
  private readonly history: Array<{ line: number; input: string; output: string | null }> = [];
  private readonly shellQueue: Array<{ msg: Message; channel: ChannelName }> = [];
  private shellBusy = false;
  private readonly loggedFaults = new Set<string>();
  private readonly pendingInput = new Map<string, (value: string) => void>();
  private readonly log: (line: string) => void;
  private shuttingDown = false;
  private readonly usage = new UsageSampler();

  private readonly shellHandlers: Record<string, Handler> = {
    execute_request: (m) => this.execute(m as Message<ExecuteRequest>),
    complete_request: (m, c) => this.complete(m as Message<Incoming["complete_request"]>, c),
    inspect_request: (m, c) => this.inspect(m as Message<Incoming["inspect_request"]>, c),
    is_complete_request: (m, c) => this.isComplete(m as Message<Incoming["is_complete_request"]>, c),
    history_request: (m, c) => this.historyRequest(m as Message<HistoryRequest>, c),
    kernel_info_request: (m, c) => this.kernelInfo(m, c),
    comm_info_request: async (m, c) => this.reply(c, m, "comm_info_reply", { status: "ok", comms: {} }),
    shutdown_request: (m, c) => this.shutdown(m as Message<Incoming["shutdown_request"]>, c),
  };

  private readonly controlHandlers: Record<string, Handler> = {
    kernel_info_request: (m, c) => this.kernelInfo(m, c),
    interrupt_request: async (m, c) => {
      this.interpreter.interrupt();
      this.reply(c, m, "interrupt_reply", { status: "ok" });
    },
    shutdown_request: (m, c) => this.shutdown(m as Message<Incoming["shutdown_request"]>, c),
    is_complete_request: (m, c) => this.isComplete(m as Message<Incoming["is_complete_request"]>, c),
    // ipykernel answers it on control only; JupyterLab's kernel-usage panel asks every few seconds.
    usage_request: async (m, c) => this.reply(c, m, "usage_reply", await this.usage.sample(this.interpreter.codeProcessId())),
  };

  /** Messages that by the spec get no reply. */
  private static readonly NO_REPLY = new Set(["comm_open", "comm_msg", "comm_close", "input_reply"]);

  constructor(private readonly interpreter: Interpreter, info: ConnectionInfo, private readonly options: KernelOptions = {}) {
    this.channels = new Channels(info);
    this.log = options.log ?? ((l) => process.stderr.write(`[lazylab] ${l}\n`));
  }

  async start(): Promise<void> {
    await this.channels.bind({
      onMessage: (channel, msg) => this.receive(channel, msg),
      onWireError: (channel, fault, detail) => this.wireError(channel, fault, detail),
    });
    this.publish(undefined, "status", { execution_state: "starting" });
  }

  /** SIGINT to the kernel process interrupts the running cell, like an interrupt_request. */
  interrupt(): void {
    this.interpreter.interrupt();
  }

  private wireError(channel: ChannelName, fault: WireFault, detail: string): void {
    const key = `${channel}:${fault}`;
    if (this.loggedFaults.has(key)) return;
    this.loggedFaults.add(key);
    this.log(`ignored a message on ${channel}: ${detail} (further ${fault} messages on ${channel} are ignored silently)`);
  }

  private receive(channel: ChannelName, msg: Message): void {
    if (channel === "stdin") {
      if (msg.header.msg_type !== "input_reply") {
        // stdin carries only the frontend's answers to input_request; a request sent here is
        // answered with an error (no busy/idle: nothing ran).
        if (!Kernel.NO_REPLY.has(msg.header.msg_type)) this.replyError(channel, msg, "UnknownMessageType", `lazylab does not handle ${msg.header.msg_type} on stdin`);
        return;
      }
      if (!msg.invalid) {
        const parentId = (msg.parent_header as { msg_id?: string }).msg_id ?? "";
        const resolve = this.pendingInput.get(parentId) ?? [...this.pendingInput.values()][0];
        const value = (msg.content as { value?: unknown }).value;
        resolve?.(typeof value === "string" ? value : "");
        this.pendingInput.clear();
      }
      return;
    }
    if (channel === "control") {
      void this.dispatch(msg, channel, this.controlHandlers);
      return;
    }
    this.shellQueue.push({ msg, channel });
    void this.drainShell();
  }

  private async drainShell(): Promise<void> {
    if (this.shellBusy) return;
    this.shellBusy = true;
    try {
      while (this.shellQueue.length) {
        const { msg, channel } = this.shellQueue.shift()!;
        await this.dispatch(msg, channel, this.shellHandlers);
      }
    } finally {
      this.shellBusy = false;
    }
  }

  /** The one place busy/idle is published around a request. */
  private async dispatch(msg: Message, channel: ChannelName, table: Record<string, Handler>): Promise<void> {
    const type = msg.header.msg_type;
    if (Kernel.NO_REPLY.has(type)) return;
    this.publish(msg, "status", { execution_state: "busy" });
    try {
      const problem = msg.invalid ? `${type}: ${msg.invalid}` : validateContent(type, msg.content);
      // Own properties only: "constructor" or "toString" must not find Object.prototype's.
      const handler = Object.hasOwn(table, type) ? table[type] : undefined;
      if (problem) this.replyError(channel, msg, "BadRequest", problem);
      else if (!handler) this.replyError(channel, msg, "UnknownMessageType", `lazylab does not handle ${type} on ${channel}`);
      else await handler(msg, channel);
    } catch (e) {
      this.log(`error handling ${type}: ${(e as Error).stack ?? e}`);
      this.replyError(channel, msg, (e as Error).name || "Error", (e as Error).message ?? String(e));
    } finally {
      this.publish(msg, "status", { execution_state: "idle" });
    }
  }

  private replyError(channel: ChannelName, msg: Message, ename: string, evalue: string): void {
    const type = msg.header.msg_type.endsWith("_request") ? replyType(msg.header.msg_type) : `${msg.header.msg_type}_reply`;
    const m = createMessage("error_reply", { status: "error", ename, evalue, traceback: [`${ename}: ${evalue}`] }, msg, this.session);
    m.header.msg_type = type;
    void this.channels.send(channel, m);
  }

  private reply<T extends OutgoingType>(channel: ChannelName, parent: Message, type: T, content: Outgoing[T]): void {
    void this.channels.send(channel, createMessage(type, content, parent, this.session));
  }

  private publish<T extends OutgoingType>(parent: Message | undefined, type: T, content: Outgoing[T]): void {
    const m = createMessage(type, content, parent, this.session);
    m.identities = [Buffer.from(`kernel.${this.session}.${type}`)];
    void this.channels.send("iopub", m);
  }

  private async execute(msg: Message<ExecuteRequest>): Promise<void> {
    const c = msg.content;
    const silent = c.silent ?? false;
    const storeHistory = silent ? false : (c.store_history ?? true);
    if (storeHistory) this.executionCount++;
    const count = this.executionCount;
    if (!silent) this.publish(msg, "execute_input", { code: c.code, execution_count: count });
    const quiet = <T extends OutgoingType>(type: T, content: Outgoing[T]) => {
      if (!silent) this.publish(msg, type, content);
    };
    let lastResult: string | null = null;
    const ctx: ExecuteContext = {
      executionCount: count,
      silent,
      storeHistory,
      allowStdin: c.allow_stdin ?? false,
      stream: (name, text) => quiet("stream", { name, text }),
      display: (data, metadata, displayId, update) =>
        quiet(update ? "update_display_data" : "display_data", { data, metadata, transient: displayId ? { display_id: displayId } : {} }),
      clearOutput: (wait) => quiet("clear_output", { wait }),
      result: (data, metadata) => {
        lastResult = data["text/plain"] ?? null;
        quiet("execute_result", { data, metadata, execution_count: count });
      },
      error: (content) => quiet("error", content),
      input: (prompt, password) => this.requestInput(msg, prompt, password),
    };
    const outcome = await this.interpreter.execute(c.code, c.user_expressions ?? {}, ctx);
    if (storeHistory) this.recordHistory({ line: count, input: c.code, output: lastResult });
    const reply: ExecuteReply = outcome.status === "ok"
      ? { status: "ok", execution_count: count, user_expressions: outcome.userExpressions, payload: [] }
      : { status: "error", execution_count: count, ename: outcome.ename, evalue: outcome.evalue, traceback: outcome.traceback };
    this.reply("shell", msg, "execute_reply", reply);
    if (outcome.status === "error" && (c.stop_on_error ?? true)) this.abortQueued();
  }

  /**
   * history_request answers from the session's last HISTORY_LIMIT cells: unbounded, the inputs
   * and results of a long session (a soak runs 50 cells a second) would grow the kernel
   * process for as long as it runs. Dropped a tenth at a time.
   */
  private recordHistory(entry: { line: number; input: string; output: string | null }): void {
    this.history.push(entry);
    if (this.history.length > HISTORY_LIMIT) this.history.splice(0, HISTORY_LIMIT / 10);
  }

  /** After an error, execute requests already queued are answered `aborted`, not run. */
  private abortQueued(): void {
    const queued = this.shellQueue.splice(0);
    for (const item of queued) {
      if (item.msg.header.msg_type !== "execute_request") {
        this.shellQueue.push(item);
        continue;
      }
      this.publish(item.msg, "status", { execution_state: "busy" });
      this.reply(item.channel, item.msg, "execute_reply", { status: "aborted", execution_count: this.executionCount });
      this.publish(item.msg, "status", { execution_state: "idle" });
    }
  }

  private requestInput(parent: Message, prompt: string, password: boolean): Promise<string> {
    return new Promise((resolve) => {
      const m = createMessage("input_request", { prompt, password }, parent, this.session);
      this.pendingInput.set(m.header.msg_id, resolve);
      void this.channels.send("stdin", m);
    });
  }

  private async complete(msg: Message<Incoming["complete_request"]>, channel: ChannelName): Promise<void> {
    const { code, cursor_pos } = msg.content;
    const cursor = codePointsToUtf16(code, cursor_pos ?? code.length);
    const r = await this.interpreter.complete(code, cursor);
    this.reply(channel, msg, "complete_reply", {
      status: "ok",
      matches: r.matches,
      cursor_start: utf16ToCodePoints(code, r.cursor_start),
      cursor_end: utf16ToCodePoints(code, r.cursor_end),
      metadata: r.metadata,
    });
  }

  private async inspect(msg: Message<Incoming["inspect_request"]>, channel: ChannelName): Promise<void> {
    const { code, cursor_pos, detail_level } = msg.content;
    const r = await this.interpreter.inspect(code, codePointsToUtf16(code, cursor_pos ?? code.length), detail_level ?? 0);
    this.reply(channel, msg, "inspect_reply", { status: "ok", ...r });
  }

  private async isComplete(msg: Message<Incoming["is_complete_request"]>, channel: ChannelName): Promise<void> {
    this.reply(channel, msg, "is_complete_reply", await this.interpreter.isComplete(msg.content.code));
  }

  private async historyRequest(msg: Message<HistoryRequest>, channel: ChannelName): Promise<void> {
    const c = msg.content;
    let entries = this.history;
    if (c.hist_access_type === "range") {
      const start = c.start ?? 0;
      const stop = c.stop ?? Infinity;
      entries = entries.filter((e) => e.line >= start && e.line < stop);
    } else if (c.hist_access_type === "search") {
      const re = globToRegExp(c.pattern ?? "*");
      entries = entries.filter((e) => re.test(e.input));
      if (c.unique) {
        const seen = new Set<string>();
        entries = entries.filter((e) => !seen.has(e.input) && seen.add(e.input));
      }
      if (c.n) entries = entries.slice(-c.n);
    } else {
      entries = entries.slice(-(c.n ?? 10));
    }
    const history: HistoryReply["history"] = entries.map((e) => (c.output ? [0, e.line, [e.input, e.output]] : [0, e.line, e.input]));
    this.reply(channel, msg, "history_reply", { status: "ok", history });
  }

  private async kernelInfo(msg: Message, channel: ChannelName): Promise<void> {
    this.reply(channel, msg, "kernel_info_reply", { status: "ok", protocol_version: PROTOCOL_VERSION, ...this.interpreter.kernelInfo() });
  }

  private async shutdown(msg: Message<Incoming["shutdown_request"]>, channel: ChannelName): Promise<void> {
    const restart = !!msg.content.restart;
    this.reply(channel, msg, "shutdown_reply", { status: "ok", restart });
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    // The kernel manager restarts a kernel by starting a new process; this one ends either way.
    await this.interpreter.shutdown(false).catch(() => undefined);
    await this.channels.close();
    this.options.onShutdown?.();
  }
}

function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${body}$`, "s");
}
