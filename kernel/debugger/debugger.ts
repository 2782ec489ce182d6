/**
 * The kernel's half of Jupyter's debugger: one handler per DAP command, in one table (as
 * xeus-python's xdebugger). Commands about files and the session's bookkeeping (initialize,
 * debugInfo, dumpCell, source, configurationDone) are answered here; the ones about running
 * code (breakpoints, stack, variables, stepping) go to the executor, where a V8 inspector
 * session on the executor's watchdog thread translates them (kernel/executor/debug-session.ts).
 * That thread keeps answering while a breakpoint holds the executor's main thread.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cellPath, HASH_METHOD, HASH_SEED, TMP_FILE_SUFFIX, tmpFilePrefix } from "./hash";
import { MAIN_THREAD_ID, respond, type DapEvent, type DapRequest, type DapResponse } from "./dap";

/** How the debugger reaches the executor's debug session. */
export interface DebugTransport {
  /** Sends a request to the executor's debug session; resolves with its response. */
  request(req: DapRequest): Promise<DapResponse>;
  /**
   * Compiles a TypeScript expression to the JavaScript the executor evaluates (the kernel's
   * transpiler, as for user_expressions): `evaluate` takes the cells' language.
   */
  transpile(expression: string): Promise<string>;
}

/** DAP commands the executor's debug session answers. */
const FORWARDED = new Set([
  "attach", "setBreakpoints", "setExceptionBreakpoints", "threads", "stackTrace", "scopes", "variables",
  "next", "stepIn", "stepOut", "continue", "pause", "inspectVariables", "richInspectVariables",
  "copyToGlobals", "disconnect",
]);

type Handler = (req: DapRequest) => Promise<DapResponse>;

/**
 * @example
 * const dbg = new Debugger({ request: (r) => executor.debug(r), transpile }, (event) => publish("debug_event", event));
 * const reply = await dbg.handle({ seq: 1, type: "request", command: "dumpCell", arguments: { code: "let a = 1" } });
 * // reply.body.sourcePath === "/tmp/lazylab_ipykernel_<pid>/<murmur2 of the code>.ts"
 */
export class Debugger {
  private attached = false;
  private readonly breakpoints = new Map<string, Array<Record<string, unknown>>>();
  private readonly stopped = new Set<number>();
  readonly prefix = tmpFilePrefix();

  private readonly handlers: Record<string, Handler> = {
    initialize: async (r) => respond(r, {
      supportsConfigurationDoneRequest: true,
      supportsEvaluateForHovers: true,
      supportsSetVariable: false,
      supportsStepBack: false,
      supportsConditionalBreakpoints: false,
      supportsExceptionInfoRequest: false,
      supportsDelayedStackTraceLoading: false,
      supportsValueFormattingOptions: false,
      exceptionBreakpointFilters: [],
    }),
    debugInfo: async (r) => respond(r, {
      isStarted: this.attached,
      hashMethod: HASH_METHOD,
      hashSeed: HASH_SEED,
      tmpFilePrefix: this.prefix,
      tmpFileSuffix: TMP_FILE_SUFFIX,
      breakpoints: [...this.breakpoints].map(([source, breakpoints]) => ({ source, breakpoints })),
      stoppedThreads: [...this.stopped],
      richRendering: true,
      exceptionPaths: [],
    }),
    dumpCell: async (r) => {
      const code = r.arguments?.code;
      if (typeof code !== "string") return respond(r, {}, "dumpCell: arguments.code must be a string");
      const sourcePath = cellPath(code, this.prefix);
      mkdirSync(this.prefix, { recursive: true });
      writeFileSync(sourcePath, code);
      return respond(r, { sourcePath });
    },
    source: async (r) => {
      const p = (r.arguments?.source as { path?: unknown } | undefined)?.path;
      if (typeof p !== "string") return respond(r, {}, "source: arguments.source.path must be a string");
      try {
        return respond(r, { content: readFileSync(p, "utf8") });
      } catch {
        return respond(r, {}, `source unavailable: ${p}`);
      }
    },
    configurationDone: async (r) => respond(r),
    evaluate: async (r) => {
      const expression = r.arguments?.expression;
      if (typeof expression !== "string") return respond(r, {}, "evaluate: arguments.expression must be a string");
      if (!this.attached) return respond(r, {}, "evaluate: the debugger is not attached (send initialize and attach first)");
      let js: string;
      try {
        js = await this.transport.transpile(expression);
      } catch (e) {
        return respond(r, {}, `evaluate: ${(e as Error).message}`);
      }
      return this.transport.request({ ...r, arguments: { ...r.arguments, expression: js } });
    },
    // JupyterLab asks after every cell for its "Kernel Sources" panel, whether or not
    // initialize announced supportsModulesRequest, and a failed reply is an uncaught error in
    // the page. A cell's code is its dumped file, not a module, and the library is not
    // stepped into (blackboxed): no modules to list.
    modules: async (r) => respond(r, { modules: [], totalModules: 0 }),
    setBreakpoints: async (r) => {
      const src = (r.arguments?.source as { path?: unknown } | undefined)?.path;
      const bps = r.arguments?.breakpoints;
      if (typeof src !== "string") return respond(r, {}, "setBreakpoints: arguments.source.path must be a string");
      if (!Array.isArray(bps) || bps.some((b) => !b || typeof b !== "object" || !Number.isInteger((b as { line?: unknown }).line))) {
        return respond(r, {}, "setBreakpoints: arguments.breakpoints must be a list of { line: integer }");
      }
      if (bps.length) this.breakpoints.set(src, bps as Array<Record<string, unknown>>);
      else this.breakpoints.delete(src);
      if (!this.attached) return respond(r, { breakpoints: bps.map((b) => ({ verified: false, line: (b as { line: number }).line, message: "the debugger is not attached" })) });
      const reply = await this.transport.request({ ...r, arguments: { ...r.arguments, sourceText: readText(src) } });
      return reply;
    },
  };

  /**
   * Removes the folder of dumped cells when the kernel process exits: the dumps are only read
   * while it lives (breakpoints, the debugger's source view), and ipykernel's, which it mirrors,
   * stay in /tmp after every kernel. Every way out of the kernel goes through process.exit
   * (shutdown_request, SIGTERM, its parent gone: cli.ts); a kernel killed by SIGKILL leaves it.
   */
  constructor(private readonly transport: DebugTransport, private readonly emit: (event: DapEvent) => void) {
    process.once("exit", () => rmSync(this.prefix, { recursive: true, force: true }));
  }

  /** Whether cells should be run so that breakpoints can stop them. */
  get active(): boolean {
    return this.attached;
  }

  /** The dumped path of a cell's code: where its breakpoints are set. */
  pathOf(code: string): string {
    return cellPath(code, this.prefix);
  }

  async handle(req: DapRequest): Promise<DapResponse> {
    const own = Object.hasOwn(this.handlers, req.command) ? this.handlers[req.command] : undefined;
    if (own) return own(req);
    if (!FORWARDED.has(req.command)) return respond(req, {}, `unknown debug command "${req.command}"`);
    const staticCommand = req.command === "inspectVariables" || req.command === "richInspectVariables";
    if (!this.attached && req.command !== "attach" && !staticCommand) {
      return respond(req, {}, `${req.command}: the debugger is not attached (send initialize and attach first)`);
    }
    const reply = await this.transport.request(req);
    if (req.command === "attach" && reply.success) {
      this.attached = true;
      // DAP's "ready for configuration" (debugpy sends it on attach too): JupyterLab opens its
      // debugger sidebar on this event, and shows no variables or call stack until it is open.
      this.emit({ seq: 0, type: "event", event: "initialized", body: {} });
    }
    if (req.command === "disconnect") this.reset();
    return reply;
  }

  /** An event from the executor's debug session, passed on with the stopped threads kept. */
  onEvent(event: DapEvent): void {
    const threadId = (event.body.threadId as number | undefined) ?? MAIN_THREAD_ID;
    if (event.event === "stopped") this.stopped.add(threadId);
    if (event.event === "continued") this.stopped.clear();
    this.emit(event);
  }

  /** The executor ended (restart, crash): nothing is stopped any more; breakpoints stay. */
  executorEnded(): void {
    if (this.stopped.size) this.onEvent({ seq: 0, type: "event", event: "continued", body: { threadId: MAIN_THREAD_ID, allThreadsContinued: true } });
  }

  /** Replays attach and the breakpoints into a fresh executor, so a crash does not end debugging. */
  async replay(): Promise<void> {
    if (!this.attached) return;
    await this.transport.request({ seq: 0, type: "request", command: "attach", arguments: {} });
    for (const [path, breakpoints] of this.breakpoints) {
      await this.transport.request({ seq: 0, type: "request", command: "setBreakpoints", arguments: { source: { path }, breakpoints, sourceText: readText(path) } });
    }
  }

  private reset(): void {
    this.attached = false;
    this.breakpoints.clear();
    this.stopped.clear();
  }
}

function readText(p: string): string | undefined {
  try {
    return readFileSync(p, "utf8");
  } catch {
    return undefined;
  }
}
