/**
 * The debugger inside the executor: DAP requests (from the kernel, on the debug pipe) turned
 * into V8 inspector calls on a session the watchdog thread holds on the executor's main
 * thread. It lives on that thread because a breakpoint stops the whole main thread: only
 * another thread can still ask for its stack and variables, step, or resume it.
 *
 * Cells are scripts named `lazylab-cell-N.js`; the main thread tells this session each cell's
 * dumped path (the hash of its code, kernel/debugger/hash.ts) and source map before running it,
 * so breakpoints set on the dumped file's lines are set on the script's JavaScript lines, and
 * paused positions are reported in the cell's TypeScript lines. The compiler wraps each
 * top-level statement in an arrow function (compiler/statement-frames.ts); a step that ends in
 * that unmapped wrapper code steps on into the next statement, so `next` goes line to line.
 */
import { Session } from "node:inspector";
import { decodeMappings, originalPosition, type DecodedMap } from "./sourcemap";
import type { Shown } from "./debug-values";
import { DEBUG_HELPERS } from "./ipc";
import { MAIN_THREAD_ID, respond, type DapEvent, type DapRequest, type DapResponse } from "../debugger/dap";

/** What the main thread tells the session about a cell before running it. */
export interface CellScript {
  fileName: string;
  sourcePath: string;
  js: string;
  map: string;
}

interface KnownCell extends CellScript {
  decoded: DecodedMap;
  /** 0-based JavaScript lines that open a statement's frame. */
  openers: number[];
  v8Breakpoints: string[];
}

interface CallFrame {
  callFrameId: string;
  functionName: string;
  location: { scriptId: string; lineNumber: number; columnNumber: number };
  url: string;
  /** Where the frame's function starts: a statement wrapper's is an opener line. */
  functionLocation?: { scriptId: string; lineNumber: number; columnNumber: number };
  scopeChain: Array<{ type: string; name?: string; object: RemoteObject }>;
}

interface RemoteObject {
  type: string;
  subtype?: string;
  className?: string;
  value?: unknown;
  unserializableValue?: string;
  description?: string;
  objectId?: string;
}

interface PropertyDescriptor {
  name: string;
  value?: RemoteObject;
  get?: RemoteObject;
  isOwn?: boolean;
  enumerable?: boolean;
}

type Ref =
  | { kind: "object"; objectId: string }
  | { kind: "special"; objectId: string }
  | { kind: "globals" };

const GROUP = "lazylab-debug";
const MAX_CELLS = 500;
const MAX_VARIABLES = 1000;
const OPENER = /^ {4}(?:return |await )?\((?:async )?\(\) => \{$/;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** A DAP request that cannot be served now (not stopped, unknown frame...). */
class DebugRequestFailed extends Error {
  override name = "DebugRequestFailed";
}

export class DebugSession {
  private session: Session | undefined;
  private enabled = false;
  private readonly cells = new Map<string, KnownCell>();
  private readonly scriptUrls = new Map<string, string>();
  private readonly breakpoints = new Map<string, number[]>();
  /** The stopped cell's frames; frame ids are firstFrameId + index. */
  private paused: { callFrames: CallFrame[]; firstFrameId: number } | undefined;
  /**
   * Frame ids are new at every stop, as debugpy's are: JupyterLab keeps the frame it had
   * selected when a frame of the same id (and file) comes back, so with ids reused by index a
   * step to the next line would leave its current-line marker on the old one.
   */
  private nextFrameId = 1;
  private stopReported = false;
  private stepping = false;
  private pauseRequested = false;
  private interrupting = false;
  private refs = new Map<number, Ref>();
  private nextRef = 1;
  private eventSeq = 0;

  private readonly handlers: Record<string, (args: Record<string, unknown>) => Promise<Record<string, unknown>>> = {
    attach: () => this.attach(),
    disconnect: () => this.disconnect(),
    setBreakpoints: (a) => this.setBreakpoints(a),
    setExceptionBreakpoints: async () => ({}),
    threads: async () => ({ threads: [{ id: MAIN_THREAD_ID, name: "MainThread" }] }),
    stackTrace: async () => this.stackTrace(),
    scopes: async (a) => this.scopes(a),
    variables: (a) => this.variables(a),
    next: () => this.step("Debugger.stepOver"),
    stepIn: () => this.step("Debugger.stepInto"),
    stepOut: () => this.step("Debugger.stepOut"),
    continue: () => this.resume(),
    pause: () => this.pause(),
    evaluate: (a) => this.evaluate(a),
    inspectVariables: () => this.globalVariables(),
    richInspectVariables: (a) => this.richInspect(a),
    copyToGlobals: (a) => this.copyToGlobals(a),
  };

  /**
   * @param emit sends a DAP event to the kernel.
   * @param debuggingChanged tells the main thread whether to announce cells before running them.
   * @param terminated tells the main thread a paused cell was stopped by an interrupt.
   */
  constructor(
    private readonly emit: (event: DapEvent) => void,
    private readonly debuggingChanged: (on: boolean) => void,
    private readonly terminated: () => void,
  ) {}

  get isPaused(): boolean {
    return this.paused !== undefined;
  }

  async handle(req: DapRequest): Promise<DapResponse> {
    const handler = Object.hasOwn(this.handlers, req.command) ? this.handlers[req.command] : undefined;
    if (!handler) return respond(req, {}, `unknown debug command "${req.command}"`);
    try {
      return respond(req, await handler(req.arguments ?? {}));
    } catch (e) {
      return respond(req, {}, `${req.command}: ${(e as Error).message}`);
    }
  }

  /** A cell is about to run: its breakpoints are set on its script before it starts. */
  async addCell(cell: CellScript): Promise<void> {
    const known: KnownCell = { ...cell, decoded: decodeMappings(mappingsOf(cell.map)), openers: [], v8Breakpoints: [] };
    cell.js.split("\n").forEach((line, i) => OPENER.test(line) && known.openers.push(i));
    this.cells.set(cell.fileName, known);
    if (this.cells.size > MAX_CELLS) this.cells.delete(this.cells.keys().next().value!);
    if (this.enabled) await this.applyBreakpoints(known).catch(() => undefined);
  }

  /**
   * An interrupt arrived while the cell is stopped at a breakpoint: stop its JavaScript
   * (V8 terminates it once resumed) and resume, ignoring further breakpoints until it ends.
   * Once: further interrupts before it ends would terminate whatever runs after it.
   */
  interruptPaused(): void {
    if (!this.session || !this.paused || this.interrupting) return;
    this.interrupting = true;
    void this.post("Debugger.setSkipAllPauses", { skip: true }).catch(() => undefined);
    this.session.post("Runtime.terminateExecution", () => {
      this.interrupting = false;
      void this.post("Debugger.setSkipAllPauses", { skip: false }).catch(() => undefined);
      this.terminated();
    });
    void this.post("Debugger.resume").catch(() => undefined);
  }

  // ---- session --------------------------------------------------------------------------

  private connect(): Session {
    if (this.session) return this.session;
    const s = new Session();
    s.connectToMainThread();
    s.on("Debugger.scriptParsed", (m: { params: { scriptId: string; url: string } }) => {
      if (m.params.url.startsWith("lazylab-cell-")) this.scriptUrls.set(m.params.scriptId, m.params.url);
    });
    s.on("Debugger.paused", (m: { params: { callFrames: CallFrame[]; reason: string; hitBreakpoints?: string[] } }) => void this.onPaused(m.params));
    s.on("Debugger.resumed", () => this.onResumed());
    this.session = s;
    return s;
  }

  private post<T = Record<string, unknown>>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const s = this.connect();
    return new Promise<T>((resolve, reject) => {
      s.post(method, params, (err, result) => (err ? reject(new DebugRequestFailed(err.message)) : resolve(result as T)));
    });
  }

  private async attach(): Promise<Record<string, unknown>> {
    if (!this.enabled) {
      await this.post("Debugger.enable");
      // Only cells are the user's code: stepping never enters the library or Node.
      await this.post("Debugger.setBlackboxPatterns", { patterns: ["^(?!lazylab-cell-\\d+\\.js$)"] });
      this.enabled = true;
      this.debuggingChanged(true);
    }
    return {};
  }

  private async disconnect(): Promise<Record<string, unknown>> {
    this.debuggingChanged(false);
    this.breakpoints.clear();
    const s = this.session;
    if (s) {
      for (const cell of this.cells.values()) cell.v8Breakpoints = [];
      // Debugger.disable removes the breakpoints and resumes a stopped cell.
      await this.post("Runtime.releaseObjectGroup", { objectGroup: GROUP }).catch(() => undefined);
      await this.post("Debugger.disable").catch(() => undefined);
      // A session left connected makes process.exit() in a cell wait for it (watchdog.ts).
      s.disconnect();
    }
    this.session = undefined;
    this.enabled = false;
    this.cells.clear();
    this.scriptUrls.clear();
    this.paused = undefined;
    this.stopReported = false;
    this.refs.clear();
    return {};
  }

  // ---- breakpoints ------------------------------------------------------------------------

  private async setBreakpoints(a: Record<string, unknown>): Promise<Record<string, unknown>> {
    const path = (a.source as { path: string }).path;
    const lines = (a.breakpoints as Array<{ line: number }>).map((b) => b.line);
    this.breakpoints.set(path, lines);
    const known = [...this.cells.values()].filter((c) => c.sourcePath === path);
    for (const cell of known) await this.applyBreakpoints(cell);
    const text = typeof a.sourceText === "string" ? a.sourceText : undefined;
    return {
      breakpoints: lines.map((line) => {
        const verified = known.length ? jsPosition(known[known.length - 1], line) !== undefined : text !== undefined && hasCode(text, line);
        return { verified, line, source: { path }, ...(verified ? {} : { message: `line ${line} has no code to stop at` }) };
      }),
    };
  }

  private async applyBreakpoints(cell: KnownCell): Promise<void> {
    for (const id of cell.v8Breakpoints.splice(0)) await this.post("Debugger.removeBreakpoint", { breakpointId: id }).catch(() => undefined);
    for (const line of this.breakpoints.get(cell.sourcePath) ?? []) {
      const at = jsPosition(cell, line);
      if (!at) continue;
      const r = await this.post<{ breakpointId: string }>("Debugger.setBreakpointByUrl", { url: cell.fileName, lineNumber: at.line, columnNumber: at.col });
      cell.v8Breakpoints.push(r.breakpointId);
    }
  }

  // ---- stopping and stepping ---------------------------------------------------------------

  private async onPaused(p: { callFrames: CallFrame[]; reason: string; hitBreakpoints?: string[] }): Promise<void> {
    if (this.interrupting) return;
    const top = p.callFrames[0];
    const cell = top ? this.cellOf(top) : undefined;
    if (this.stepping && cell && !this.locate(cell, top)) {
      // Stopped in a statement's wrapper: on into the next statement, or let the cell end.
      const line = top.location.lineNumber;
      const more = cell.openers.some((o) => o >= line);
      await this.post(more ? "Debugger.stepInto" : "Debugger.resume").catch(() => undefined);
      return;
    }
    const reason = p.hitBreakpoints?.length ? "breakpoint" : this.stepping ? "step" : this.pauseRequested ? "pause" : p.reason === "other" ? "pause" : p.reason;
    this.stepping = false;
    this.pauseRequested = false;
    this.paused = { callFrames: p.callFrames, firstFrameId: this.nextFrameId };
    this.nextFrameId += p.callFrames.length;
    this.stopReported = true;
    // What the cell printed before the stop is shown now, as Python's is: a `next` over
    // console.log shows its line while the cell is stopped, not when the cell ends.
    await this.post("Runtime.evaluate", { expression: `globalThis.${DEBUG_HELPERS}.flushOutput()`, silent: true }).catch(() => undefined);
    this.event("stopped", { reason, threadId: MAIN_THREAD_ID, allThreadsStopped: true });
  }

  private onResumed(): void {
    this.paused = undefined;
    this.refs.clear();
    if (this.stopReported && !this.stepping) {
      this.stopReported = false;
      this.event("continued", { threadId: MAIN_THREAD_ID, allThreadsContinued: true });
    }
  }

  private requirePaused(): { callFrames: CallFrame[]; firstFrameId: number } {
    if (!this.paused) throw new DebugRequestFailed("the cell is not stopped");
    return this.paused;
  }

  private async step(method: string): Promise<Record<string, unknown>> {
    this.requirePaused();
    this.stepping = true;
    this.stopReported = false;
    await this.post("Runtime.releaseObjectGroup", { objectGroup: GROUP });
    await this.post(method);
    return {};
  }

  private async resume(): Promise<Record<string, unknown>> {
    this.requirePaused();
    this.stepping = false;
    await this.post("Runtime.releaseObjectGroup", { objectGroup: GROUP });
    await this.post("Debugger.resume");
    return { allThreadsContinued: true };
  }

  private async pause(): Promise<Record<string, unknown>> {
    if (!this.enabled) throw new DebugRequestFailed("the debugger is not attached");
    this.pauseRequested = true;
    await this.post("Debugger.pause");
    return {};
  }

  // ---- stack, scopes, variables --------------------------------------------------------------

  private cellOf(frame: CallFrame): KnownCell | undefined {
    const url = frame.url || this.scriptUrls.get(frame.location.scriptId);
    return url ? this.cells.get(url) : undefined;
  }

  private locate(cell: KnownCell, frame: CallFrame): { line: number; column: number } | undefined {
    const segs = cell.decoded[frame.location.lineNumber];
    if (!segs || !segs.length) return undefined;
    const pos = originalPosition(cell.decoded, frame.location.lineNumber + 1, frame.location.columnNumber + 1);
    return pos && { line: pos.line + 1, column: pos.col + 1 };
  }

  private stackTrace(): Record<string, unknown> {
    const { callFrames, firstFrameId } = this.requirePaused();
    const stackFrames = [];
    for (const [i, f] of callFrames.entries()) {
      const cell = this.cellOf(f);
      const at = cell && this.locate(cell, f);
      if (!cell || !at) continue;
      stackFrames.push({ id: firstFrameId + i, name: f.functionName || "<cell>", line: at.line, column: at.column, source: { name: cell.sourcePath.split(/[\\/]/).pop(), path: cell.sourcePath } });
    }
    return { stackFrames, totalFrames: stackFrames.length };
  }

  private frame(id: unknown): CallFrame {
    const { callFrames, firstFrameId } = this.requirePaused();
    const f = Number.isInteger(id) ? callFrames[(id as number) - firstFrameId] : undefined;
    if (!f) throw new DebugRequestFailed(`no stack frame ${String(id)}`);
    return f;
  }

  private ref(r: Ref): number {
    const n = this.nextRef++;
    this.refs.set(n, r);
    return n;
  }

  private scopes(a: Record<string, unknown>): Record<string, unknown> {
    const f = this.frame(a.frameId);
    // A top-level statement's frame is the compiler's wrapper (compiler/statement-frames.ts),
    // whose locals are empty: the cell's names are globals. Listing it first would make
    // JupyterLab's variables panel, which opens on the first scope, show nothing there.
    const cell = this.cellOf(f);
    const wrapper = cell !== undefined && f.functionLocation !== undefined && cell.openers.includes(f.functionLocation.lineNumber);
    const scopes = [];
    for (const s of f.scopeChain) {
      if (!["local", "closure", "block", "catch"].includes(s.type) || !s.object.objectId) continue;
      if (wrapper && s.type === "local") continue;
      const name = s.type === "local" ? "Locals" : s.type === "closure" ? `Closure${s.name ? ` (${s.name})` : ""}` : s.type === "block" ? "Block" : "Catch";
      scopes.push({ name, variablesReference: this.ref({ kind: "object", objectId: s.object.objectId }), expensive: false });
    }
    scopes.push({ name: "Globals", variablesReference: this.ref({ kind: "globals" }), expensive: false });
    return { scopes };
  }

  private async variables(a: Record<string, unknown>): Promise<Record<string, unknown>> {
    const r = this.refs.get(Number(a.variablesReference));
    if (!r) throw new DebugRequestFailed(`unknown variablesReference ${String(a.variablesReference)}`);
    if (r.kind === "globals") return this.globalVariables();
    if (r.kind === "special") {
      const { result } = await this.post<{ result: RemoteObject }>("Runtime.callFunctionOn", {
        objectId: r.objectId, functionDeclaration: `function () { return globalThis.${DEBUG_HELPERS}.children(this); }`, objectGroup: GROUP,
      });
      return { variables: await this.propertiesOf(result.objectId!) };
    }
    return { variables: await this.propertiesOf(r.objectId) };
  }

  private async globalVariables(): Promise<Record<string, unknown>> {
    const { result, exceptionDetails } = await this.post<{ result: RemoteObject; exceptionDetails?: unknown }>("Runtime.evaluate", {
      expression: `globalThis.${DEBUG_HELPERS}.globals()`, objectGroup: GROUP, silent: true,
    });
    if (exceptionDetails || !result.objectId) throw new DebugRequestFailed("the executor's globals could not be read");
    return { variables: await this.propertiesOf(result.objectId) };
  }

  private async propertiesOf(objectId: string): Promise<Array<Record<string, unknown>>> {
    const { result } = await this.post<{ result: PropertyDescriptor[] }>("Runtime.getProperties", { objectId, ownProperties: true, generatePreview: false });
    const out = [];
    for (const p of result.slice(0, MAX_VARIABLES)) {
      if (!p.value || p.name === "__proto__") continue;
      out.push({ name: p.name, evaluateName: p.name, ...(await this.show(p.value)) });
    }
    return out;
  }

  /** A value as DAP shows it: text, type, and a reference when it has children. */
  private async show(v: RemoteObject): Promise<{ value: string; type: string; variablesReference: number }> {
    if (v.type !== "object" && v.type !== "function") {
      const value = v.type === "string" ? JSON.stringify(v.value) : v.unserializableValue ?? v.description ?? String(v.value);
      return { value, type: primitiveType(v), variablesReference: 0 };
    }
    if (v.subtype === "null" || !v.objectId) return { value: "null", type: "null", variablesReference: 0 };
    if (v.type === "function") return { value: (v.description ?? "function").split("\n")[0], type: "function", variablesReference: 0 };
    if (v.className === "NDArray" || v.className === "LazyArray") {
      const r = await this.post<{ result: RemoteObject }>("Runtime.callFunctionOn", {
        objectId: v.objectId, functionDeclaration: `function () { return globalThis.${DEBUG_HELPERS}.show(this); }`, returnByValue: true, objectGroup: GROUP,
      }).catch(() => undefined);
      const shown = r?.result.value as Shown | undefined;
      if (shown) return { value: shown.value, type: shown.type, variablesReference: this.ref({ kind: shown.special ? "special" : "object", objectId: v.objectId }) };
    }
    return { value: v.description ?? v.className ?? "Object", type: v.className ?? "Object", variablesReference: this.ref({ kind: "object", objectId: v.objectId }) };
  }

  // ---- evaluation -------------------------------------------------------------------------

  /** Evaluates JavaScript in a stopped frame, or globally when no frame is given. */
  private async run(expression: string, frameId: unknown, returnByValue = false): Promise<RemoteObject> {
    const r = frameId !== undefined && frameId !== null
      ? await this.post<{ result: RemoteObject; exceptionDetails?: { exception?: RemoteObject; text: string } }>("Debugger.evaluateOnCallFrame", {
        callFrameId: this.frame(frameId).callFrameId, expression, objectGroup: GROUP, returnByValue, silent: true,
      })
      : await this.post<{ result: RemoteObject; exceptionDetails?: { exception?: RemoteObject; text: string } }>("Runtime.evaluate", {
        expression, objectGroup: GROUP, returnByValue, silent: true,
      });
    if (r.exceptionDetails) throw new DebugRequestFailed(r.exceptionDetails.exception?.description?.split("\n")[0] ?? r.exceptionDetails.text);
    return r.result;
  }

  private async evaluate(a: Record<string, unknown>): Promise<Record<string, unknown>> {
    if (typeof a.expression !== "string") throw new DebugRequestFailed("arguments.expression must be a string");
    const shown = await this.show(await this.run(a.expression, a.frameId));
    return { result: shown.value, type: shown.type, variablesReference: shown.variablesReference };
  }

  private async richInspect(a: Record<string, unknown>): Promise<Record<string, unknown>> {
    const name = a.variableName;
    if (typeof name !== "string" || !IDENTIFIER.test(name)) throw new DebugRequestFailed(`variableName must be an identifier, got ${JSON.stringify(name)}`);
    // JupyterLab's rich view of a variable asks again with the frame id it was opened with
    // whenever the variables change, so after a step it names a frame of an earlier stop:
    // the view then shows the variable as the current top frame sees it.
    let frameId: unknown;
    if (this.paused) {
      const { callFrames, firstFrameId } = this.paused;
      const index = Number.isInteger(a.frameId) ? (a.frameId as number) - firstFrameId : -1;
      frameId = index >= 0 && index < callFrames.length ? a.frameId : firstFrameId;
    }
    const r = await this.run(`globalThis.${DEBUG_HELPERS}.bundle(${name})`, frameId, true);
    return r.value as Record<string, unknown>;
  }

  private async copyToGlobals(a: Record<string, unknown>): Promise<Record<string, unknown>> {
    const src = a.srcVariableName;
    const dst = a.dstVariableName;
    if (typeof src !== "string" || !IDENTIFIER.test(src) || typeof dst !== "string" || !IDENTIFIER.test(dst)) {
      throw new DebugRequestFailed("srcVariableName and dstVariableName must be identifiers");
    }
    await this.run(`globalThis[${JSON.stringify(dst)}] = ${src}`, a.srcFrameId);
    return {};
  }

  private event(event: string, body: Record<string, unknown>): void {
    this.emit({ seq: ++this.eventSeq, type: "event", event, body });
  }
}

/**
 * A primitive's DAP type. JupyterLab's variables tree shows a variable's value only when its
 * type is one of Python's int, float, bool or str, and otherwise shows the type name in
 * its place (debugger/lib/panels/variables convertType): a `number` would read "a: number"
 * where ipykernel's reads "a: 41". So numbers, booleans and strings take those names
 * (integral numbers "int"); the value keeps its TypeScript spelling.
 */
function primitiveType(v: RemoteObject): string {
  switch (v.type) {
    case "number":
      return typeof v.value === "number" && Number.isInteger(v.value) && !Object.is(v.value, -0) ? "int" : "float";
    case "boolean":
      return "bool";
    case "string":
      return "str";
    default:
      return v.type;
  }
}

function mappingsOf(map: string): string {
  try {
    return (JSON.parse(map) as { mappings: string }).mappings;
  } catch {
    return "";
  }
}

/** The first JavaScript position (0-based) of a cell line (1-based), if the line has code. */
function jsPosition(cell: KnownCell, line: number): { line: number; col: number } | undefined {
  for (const [i, segs] of cell.decoded.entries()) {
    const hit = segs.filter((s) => s[1] === line - 1);
    if (hit.length) return { line: i, col: Math.min(...hit.map((s) => s[0])) };
  }
  return undefined;
}

/** Before a cell has run (no source map yet): a line has code unless blank or a comment. */
function hasCode(text: string, line: number): boolean {
  const l = text.split("\n")[line - 1];
  return l !== undefined && l.trim() !== "" && !/^\s*(\/\/|\/\*|\*)/.test(l);
}
