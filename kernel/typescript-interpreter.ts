/**
 * lazylab's interpreter: cells are type-checked and compiled on the compiler thread, then
 * run in the executor process. A crashed executor is reported on the running cell, with the
 * names that were lost, and replaced.
 */
import { CompilerClient } from "./compiler/client";
import { ExecutorCrashed, ExecutorSupervisor } from "./executor/supervisor";
import type { FromExecutor, RunRequest } from "./executor/ipc";
import type { ExecuteContext, ExecuteOutcome, Interpreter } from "./interpreter";
import type { InspectReply, IsCompleteReply } from "./protocol/messages";
import { markStart } from "./start-trace";
import { Debugger } from "./debugger/debugger";
import type { DapEvent, DapRequest, DapResponse } from "./debugger/dap";

const VERSION: string = require("../../package.json").version;
/** How long an interrupted cell may take to stop before the executor is replaced. */
const INTERRUPT_GRACE_MS = 3000;

export class TypeScriptInterpreter implements Interpreter {
  private readonly compiler: CompilerClient;
  private readonly executor: ExecutorSupervisor;
  private nextRunId = 1;
  private active: { id: number; ctx: ExecuteContext } | undefined;
  /**
   * Names the running cell deleted (`del()`, `%reset`) and left deleted: told to the compiler
   * after the cell's own declarations are recorded, so that a name a cell declares and deletes
   * lower down is not carried to later cells.
   */
  private deletedByRun: string[] = [];
  /** Output that arrived after its cell finished, while no later cell that shows output ran: shown at the start of the next one. */
  private late: Array<{ name: "stdout" | "stderr"; text: string }> = [];
  private interruptTimer: NodeJS.Timeout | undefined;
  /** A cell is being compiled; an interrupt now stops it before it runs. */
  private compiling = false;
  private interruptedWhileCompiling = false;
  private readonly debugListeners: Array<(event: DapEvent) => void> = [];
  private readonly debugger: Debugger;

  constructor(private readonly cwd: string) {
    this.compiler = new CompilerClient(cwd);
    this.executor = new ExecutorSupervisor({ cwd });
    this.executor.on("message", (m: FromExecutor) => this.route(m));
    this.executor.on("native", (name: "stdout" | "stderr", text: string) => this.streamTo(null, name, text));
    this.debugger = new Debugger({
      request: (r) => this.executor.debug(r),
      transpile: async (expression) => (await this.compiler.api.transpileExpressions({ expression })).expression,
    }, (event) => this.debugListeners.forEach((l) => l(event)));
    this.executor.on("debug_event", (event: DapEvent) => this.debugger.onEvent(event));
    this.executor.on("ended", () => this.debugger.executorEnded());
    void this.executor.start().catch(() => undefined);
  }

  debug(request: DapRequest): Promise<DapResponse> {
    return this.debugger.handle(request);
  }

  onDebugEvent(listener: (event: DapEvent) => void): void {
    this.debugListeners.push(listener);
  }

  kernelInfo() {
    return {
      implementation: "lazylab",
      implementation_version: VERSION,
      language_info: {
        name: "typescript",
        version: (require("typescript/package.json") as { version: string }).version,
        mimetype: "text/typescript",
        file_extension: ".ts",
        pygments_lexer: "typescript",
        codemirror_mode: { name: "javascript", typescript: true },
      },
      banner: `lazylab ${VERSION}: TypeScript with np, da, xr, psutil and sys preloaded`,
      help_links: [{ text: "lazylab", url: "https://github.com/lazylab/lazylab" }],
      debugger: true,
    };
  }

  async ready(): Promise<void> {
    await Promise.all([this.compiler.ready, this.executor.start()]);
  }

  async execute(code: string, userExpressions: Record<string, string>, ctx: ExecuteContext): Promise<ExecuteOutcome> {
    this.showLate(ctx);
    const cellName = `In[${ctx.executionCount}]`;
    markStart("kernel", "first cell received");
    this.compiling = true;
    this.interruptedWhileCompiling = false;
    const compiled = await this.compiler.api.compile(code, cellName).finally(() => (this.compiling = false));
    // What came while the cell was compiled (an earlier cell's report that was on its way).
    this.showLate(ctx);
    markStart("kernel", "first cell checked");
    if (this.interruptedWhileCompiling) {
      const content = { ename: "Interrupted", evalue: "the cell was interrupted before it ran; variables from earlier cells are kept", traceback: ["Interrupted: the cell was interrupted before it ran"] };
      ctx.error(content);
      return { status: "error", ...content };
    }
    if (!compiled.ok) {
      ctx.error(compiled.error);
      return { status: "error", ...compiled.error };
    }
    const exprs = Object.keys(userExpressions).length ? await this.compiler.api.transpileExpressions(userExpressions) : {};
    const id = this.nextRunId++;
    const req: RunRequest = {
      kind: "run", id, cellName, source: code, js: compiled.js, map: compiled.map, insertions: compiled.insertions,
      executionCount: ctx.executionCount, silent: ctx.silent, storeHistory: ctx.storeHistory, allowStdin: ctx.allowStdin,
      userExpressions: exprs, modules: compiled.modules,
      ...(this.debugger.active ? { debugPath: this.debugger.pathOf(code) } : {}),
      early: !!compiled.standalone && !compiled.declared.length && !Object.keys(exprs).length && !this.debugger.active,
    };
    this.active = { id, ctx };
    try {
      const done = await this.executor.run(req);
      void this.compiler.api.record(compiled.id);
      this.forgetDeletedByRun();
      // After the cell's own output, as its declarations are recorded: names later cells see as `any`.
      if (compiled.warnings?.length && !ctx.silent) ctx.stream("stderr", compiled.warnings.join("\n") + "\n");
      if (done.result) ctx.result(done.result.data, done.result.metadata);
      markStart("kernel", "first result published");
      if (done.error) {
        ctx.error(done.error);
        return { status: "error", ...done.error };
      }
      return { status: "ok", userExpressions: done.userExpressions };
    } catch (e) {
      if (!(e instanceof ExecutorCrashed)) throw e;
      return this.recoverFromCrash(e, ctx);
    } finally {
      clearTimeout(this.interruptTimer);
      this.interruptTimer = undefined;
      if (this.active?.id === id) this.active = undefined;
    }
  }

  private async recoverFromCrash(e: ExecutorCrashed, ctx: ExecuteContext): Promise<ExecuteOutcome> {
    this.deletedByRun = [];
    const lost = await this.compiler.api.names();
    await this.compiler.api.reset();
    const restarted = this.executor.start().then(() => this.debugger.replay()).then(() => true, () => false);
    const names = lost.length ? `: ${lost.join(", ")}` : "";
    const content = {
      ename: e.name,
      evalue: `${e.message}. The executor was restarted; all variables were lost${names}`,
      traceback: [`${e.name}: ${e.message}`, `The executor was restarted; state was lost${lost.length ? ` (variables: ${lost.join(", ")})` : ""}.`],
    };
    ctx.error(content);
    await restarted;
    return { status: "error", ...content };
  }

  complete(code: string, cursorPos: number) {
    return this.compiler.api.complete(code, cursorPos).then((r) => ({
      matches: r.matches,
      cursor_start: r.cursorStart,
      cursor_end: r.cursorEnd,
      metadata: { _jupyter_types_experimental: r.types.map((t) => ({ start: r.cursorStart, end: r.cursorEnd, ...t })) },
    }));
  }

  async inspect(code: string, cursorPos: number): Promise<Omit<InspectReply, "status">> {
    const text = await this.compiler.api.inspect(code, cursorPos);
    if (text === undefined) return { found: false, data: {}, metadata: {} };
    return { found: true, data: { "text/plain": text }, metadata: {} };
  }

  isComplete(code: string): Promise<IsCompleteReply> {
    return this.compiler.api.isComplete(code);
  }

  interrupt(): void {
    if (this.compiling) this.interruptedWhileCompiling = true;
    if (!this.active) return;
    this.executor.interrupt(this.active.id);
    // A cell that ignores the interrupt (stuck in native code) costs the executor, not the kernel.
    this.interruptTimer ??= setTimeout(() => {
      if (this.active) void this.executor.stop(`the cell did not stop within ${INTERRUPT_GRACE_MS / 1000} s of the interrupt (busy outside JavaScript, e.g. a synchronous native call)`);
    }, INTERRUPT_GRACE_MS);
  }

  codeProcessId(): number | undefined {
    return this.executor.alive ? this.executor.pid : undefined;
  }

  async shutdown(restart: boolean): Promise<void> {
    await this.executor.stop();
    await this.compiler.api.reset();
    if (restart) await this.executor.start();
    else await this.compiler.terminate();
  }

  private route(m: FromExecutor): void {
    switch (m.kind) {
      case "stream":
        return this.streamTo(m.id, m.name, m.text);
      case "display": {
        const ctx = this.contextFor(m.id);
        if (ctx) ctx.display(m.bundle.data, m.bundle.metadata, m.displayId, m.update);
        else this.lateOutput(m.id, "stdout", m.bundle.data["text/plain"] + "\n");
        return;
      }
      case "clear_output":
        return this.contextFor(m.id)?.clearOutput(m.wait);
      case "input_request": {
        const ctx = this.active?.ctx;
        const answer = ctx ? ctx.input(m.prompt, m.password) : Promise.resolve("");
        void answer.then((value) => this.executor.send({ kind: "input_reply", id: m.id, value }), () => this.executor.send({ kind: "input_reply", id: m.id, value: "" }));
        return;
      }
      case "forget":
        // Sent as a cell ends, before its "done": kept until its declarations are recorded.
        if (this.active) this.deletedByRun.push(...m.names);
        else void this.compiler.api.forget(m.names);
        return;
      default:
        return;
    }
  }

  private forgetDeletedByRun(): void {
    if (!this.deletedByRun.length) return;
    void this.compiler.api.forget(this.deletedByRun);
    this.deletedByRun = [];
  }

  private contextFor(id: number | null): ExecuteContext | undefined {
    if (this.active && (id === null || id === this.active.id)) return this.active.ctx;
    return undefined;
  }

  /** Late output waits for a cell that shows output: a silent one would drop it. */
  private showLate(ctx: ExecuteContext): void {
    if (!ctx.silent) for (const l of this.late.splice(0)) ctx.stream(l.name, l.text);
  }

  /**
   * Output of a cell that has finished (a timer's or a rejected promise's report, written after
   * its "done"): shown in the cell running now when that one came after it and shows output,
   * else at the start of the next cell that does. Never published after its own cell's idle.
   * The executor sends such a report with the finished cell's id when the next cell begins, so
   * in a notebook run cell after cell (nbconvert) it reached the kernel while the next cell ran,
   * and waited for the one after: the last cell's never showed.
   */
  private lateOutput(id: number | null, name: "stdout" | "stderr", text: string): void {
    const running = this.active;
    if (running && id !== null && id < running.id && !running.ctx.silent) running.ctx.stream(name, text);
    else this.late.push({ name, text });
  }

  private streamTo(id: number | null, name: "stdout" | "stderr", text: string): void {
    const ctx = this.contextFor(id);
    if (ctx) ctx.stream(name, text);
    else this.lateOutput(id, name, text);
  }
}
