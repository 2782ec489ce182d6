/**
 * The kernel: wires channels to an interpreter. One dispatch table per channel; status
 * busy/idle is published in exactly one place (dispatch), and every reply goes through
 * reply(). Shell requests run one at a time in arrival order; control requests are served
 * at once, even while a cell runs, since the interpreter never blocks this thread.
 *
 * What each channel carries (messaging spec 5.3), and what happens to the rest:
 * - shell: every request below, in order; `comm_*` get no reply (a comm_open is closed at
 *   once on iopub: lazylab registers no comm targets). interrupt_request belongs on control
 *   but is accepted here as ipykernel does; in order, it finds nothing running.
 * - control: "identical to shell, but on a separate socket", so every shell request is
 *   answered there too, at once; execute_request joins the shell queue (one interpreter runs
 *   one cell at a time) and is answered on control.
 * - stdin: only input_reply, the frontend's answer to the kernel's input_request. The kernel
 *   never sends anything else there: jupyter_client takes any message on stdin for an
 *   input_request, so a reply sent there would break that client's next executes. Anything
 *   else is dropped and logged once, as ipykernel does.
 * - iopub is PUB and heartbeat echoes; neither reads requests.
 * A message type with no reply (input_reply, comm_*) on a channel it does not belong to is
 * dropped and logged once; an unknown request type gets an error reply (ipykernel only logs
 * it, which leaves a client waiting for the reply forever).
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
import { MalformedDebugRequest, parseDapRequest, respond } from "./debugger/dap";
import { markStart } from "./start-trace";

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
    execute_request: (m, c) => this.execute(m as Message<ExecuteRequest>, c),
    complete_request: (m, c) => this.complete(m as Message<Incoming["complete_request"]>, c),
    inspect_request: (m, c) => this.inspect(m as Message<Incoming["inspect_request"]>, c),
    is_complete_request: (m, c) => this.isComplete(m as Message<Incoming["is_complete_request"]>, c),
    history_request: (m, c) => this.historyRequest(m as Message<HistoryRequest>, c),
    kernel_info_request: (m, c) => this.kernelInfo(m, c),
    comm_info_request: async (m, c) => this.reply(c, m, "comm_info_reply", { status: "ok", comms: {} }),
    connect_request: async (m, c) => this.reply(c, m, "connect_reply", this.ports),
    shutdown_request: (m, c) => this.shutdown(m as Message<Incoming["shutdown_request"]>, c),
    interrupt_request: (m, c) => this.interruptRequest(m, c),
    // No comm targets are registered: the spec asks for an immediate comm_close on a
    // comm_open whose target is unknown, so the frontend does not wait on a dead comm.
    comm_open: async (m) => this.publish(m, "comm_close", { comm_id: (m as Message<Incoming["comm_open"]>).content.comm_id, data: {} }),
    comm_msg: async () => undefined,
    comm_close: async () => undefined,
  };

  /** Control is shell on its own socket (spec 5.3); execute_request goes through the shell queue instead. */
  private readonly controlHandlers: Record<string, Handler> = {
    complete_request: this.shellHandlers.complete_request,
    inspect_request: this.shellHandlers.inspect_request,
    is_complete_request: this.shellHandlers.is_complete_request,
    history_request: this.shellHandlers.history_request,
    kernel_info_request: this.shellHandlers.kernel_info_request,
    comm_info_request: this.shellHandlers.comm_info_request,
    connect_request: this.shellHandlers.connect_request,
    shutdown_request: this.shellHandlers.shutdown_request,
    interrupt_request: this.shellHandlers.interrupt_request,
    // ipykernel answers it on control only; JupyterLab's kernel-usage panel asks every few seconds.
    usage_request: async (m, c) => this.reply(c, m, "usage_reply", await this.usage.sample(this.interpreter.codeProcessId())),
    // Jupyter's debugger: routed to the interpreter's debugger (kernel/debugger/), answered
    // while a breakpoint holds the cell, since control never waits for the shell queue.
    debug_request: (m, c) => this.debugRequest(m, c),
  };

  /** Messages that by the spec get no reply, and the one channel each belongs on. */
  private static readonly NO_REPLY: ReadonlyMap<string, ChannelName> = new Map([
    ["comm_open", "shell"], ["comm_msg", "shell"], ["comm_close", "shell"], ["input_reply", "stdin"],
  ]);

  private readonly ports: Outgoing["connect_reply"];
  /** The last debug_request: the parent of debug events, as ipykernel's control parent. */
  private debugParent: Message | undefined;

  constructor(private readonly interpreter: Interpreter, info: ConnectionInfo, private readonly options: KernelOptions = {}) {
    this.channels = new Channels(info);
    this.ports = { shell_port: info.shell_port, iopub_port: info.iopub_port, stdin_port: info.stdin_port, hb_port: info.hb_port, control_port: info.control_port };
    this.log = options.log ?? ((l) => process.stderr.write(`[lazylab] ${l}\n`));
    interpreter.onDebugEvent((event) => this.publish(this.debugParent, "debug_event", event));
  }

  async start(): Promise<void> {
    await this.channels.bind({
      onMessage: (channel, msg) => this.receive(channel, msg),
      onWireError: (channel, fault, detail) => this.logDropped(channel, fault, detail),
      // Under the subscriber's own topic, so that its subscription matches the welcome.
      onSubscribe: (topic) => this.publish(undefined, "iopub_welcome", { subscription: topic }, topic || undefined),
    });
    this.publish(undefined, "status", { execution_state: "starting" });
  }

  /** SIGINT to the kernel process interrupts the running cell, like an interrupt_request. */
  interrupt(): void {
    this.interpreter.interrupt();
  }

  /** Logs the first message of each kind dropped on a channel; a flood cannot fill the log. */
  private logDropped(channel: ChannelName, fault: WireFault | "wrong-channel" | "bad-content", detail: string): void {
    const key = `${channel}:${fault}`;
    if (this.loggedFaults.has(key)) return;
    this.loggedFaults.add(key);
    this.log(`ignored a message on ${channel}: ${detail} (further ${fault} messages on ${channel} are ignored silently)`);
  }

  private receive(channel: ChannelName, msg: Message): void {
    const type = msg.header.msg_type;
    if (channel === "stdin" && type === "input_reply") return this.answerInput(msg);
    const home = Kernel.NO_REPLY.get(type);
    if (channel === "stdin" || (home !== undefined && home !== channel)) {
      // Nothing is ever sent back on stdin but input_request (see the top of this file), and
      // a message the spec gives no reply has nobody waiting for one.
      const where = channel === "stdin" ? "stdin carries only input_reply" : `${type} belongs on ${home}`;
      return this.logDropped(channel, "wrong-channel", `${type.slice(0, 100)} dropped: ${where}`);
    }
    if (channel === "control" && type !== "execute_request") {
      void this.dispatch(msg, channel, this.controlHandlers);
      return;
    }
    this.shellQueue.push({ msg, channel });
    void this.drainShell();
  }

  private answerInput(msg: Message): void {
    if (msg.invalid) return;
    const parentId = (msg.parent_header as { msg_id?: string }).msg_id ?? "";
    const resolve = this.pendingInput.get(parentId) ?? [...this.pendingInput.values()][0];
    const value = (msg.content as { value?: unknown }).value;
    resolve?.(typeof value === "string" ? value : "");
    this.pendingInput.clear();
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
    this.publish(msg, "status", { execution_state: "busy" });
    try {
      const problem = msg.invalid ? `${type}: ${msg.invalid}` : validateContent(type, msg.content);
      // Own properties only: "constructor" or "toString" must not find Object.prototype's.
      const handler = Object.hasOwn(table, type) ? table[type] : undefined;
      if (problem && Kernel.NO_REPLY.has(type)) this.logDropped(channel, "bad-content", problem);
      else if (problem) this.replyError(channel, msg, "BadRequest", problem);
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

  /** `topic`: the ZeroMQ topic frame, by default `kernel.<session>.<type>`. */
  private publish<T extends OutgoingType>(parent: Message | undefined, type: T, content: Outgoing[T], topic = `kernel.${this.session}.${type}`): void {
    const m = createMessage(type, content, parent, this.session);
    m.identities = [Buffer.from(topic)];
    void this.channels.send("iopub", m);
  }

  private async execute(msg: Message<ExecuteRequest>, channel: ChannelName): Promise<void> {
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
    this.reply(channel, msg, "execute_reply", reply);
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

  /** On control, stops the running cell at once; on shell (in order) nothing of shell's is running. */
  private async interruptRequest(msg: Message, channel: ChannelName): Promise<void> {
    if (channel === "control") this.interpreter.interrupt();
    this.reply(channel, msg, "interrupt_reply", { status: "ok" });
  }

  /** A debug_request whose content is not a DAP request gets a failed DAP response naming why. */
  private async debugRequest(msg: Message, channel: ChannelName): Promise<void> {
    this.debugParent = msg;
    let request;
    try {
      request = parseDapRequest(msg.content);
    } catch (e) {
      if (!(e instanceof MalformedDebugRequest)) throw e;
      const c = (msg.content ?? {}) as { seq?: unknown; command?: unknown };
      const seq = typeof c.seq === "number" ? c.seq : 0;
      return this.reply(channel, msg, "debug_reply", respond({ seq, command: typeof c.command === "string" ? c.command : "" }, {}, e.message));
    }
    this.reply(channel, msg, "debug_reply", await this.interpreter.debug(request));
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
    markStart("kernel", "kernel_info answered");
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
