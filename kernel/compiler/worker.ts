/**
 * The compiler thread: TypeScript and its language service live here, in a worker of the
 * protocol process, so the protocol thread stays free (heartbeat, control, interrupts) while
 * a cell is checked, and the executor's heap never holds the compiler.
 */
import { parentPort, receiveMessageOnPort, workerData } from "node:worker_threads";
import { loadTypeScript } from "./code-cache";
import type { CompilerApi, CompilerRequest, CompilerResponse } from "./requests";
import { compactHeap, relaxGcWhileStarting } from "./start-gc";
import { markStart } from "../start-trace";

const t0 = performance.now();
markStart("compiler", "thread start");
// Before anything requires typescript (code-cache.ts says why).
const typescript = loadTypeScript();
const ts = require("typescript") as typeof import("typescript");
const { CellCompiler, isComplete } = require("./service") as typeof import("./service");

markStart("compiler", "typescript loaded");
const compiler = new CellCompiler(workerData.cwd as string);

const api: CompilerApi = {
  compile: (code, cellName) => compiler.compile(code, cellName),
  record: (id) => compiler.record(id),
  forget: (names) => compiler.forget(names),
  reset: () => compiler.reset(),
  names: () => compiler.history.names(),
  complete: (code, cursor) => compiler.complete(code, cursor),
  inspect: (code, cursor) => compiler.inspect(code, cursor),
  isComplete: (code) => isComplete(code),
  transpileExpressions(exprs) {
    const out: Record<string, string> = {};
    for (const [k, expr] of Object.entries(exprs)) {
      out[k] = ts.transpileModule(`(${expr}\n)`, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext } }).outputText;
    }
    return out;
  },
};

/**
 * The part of the warm-up a first cell does not need (completion, the idle-time program, and
 * writing the code cache, which should hold the functions those compile): run once the thread
 * is idle, or before serving any request other than a cell's, whichever comes first.
 */
let restOfWarmUp: (() => void) | undefined = () => {
  compiler.warmUpRest();
  typescript.saveIfNeeded();
  compactHeap();
  markStart("compiler", "rest of warm-up done");
};
function finishWarmUp(): void {
  const rest = restOfWarmUp;
  restOfWarmUp = undefined;
  try { rest?.(); } catch { /* a failed warm-up only costs a later request time */ }
}
/** Requests a first cell sends: answered before the rest of the warm-up. */
const CELL_METHODS = new Set<string>(["compile", "record", "isComplete", "transpileExpressions"]);

const port = parentPort!;
port.on("message", serve);
function serve(req: CompilerRequest): void {
  if (!CELL_METHODS.has(req.method)) finishWarmUp();
  let res: CompilerResponse;
  try {
    const value = (api[req.method] as (...a: unknown[]) => unknown)(...req.args);
    res = { seq: req.seq, ok: true, value };
  } catch (e) {
    res = { seq: req.seq, ok: false, error: (e as Error).stack ?? String(e) };
  }
  port.postMessage(res);
  if (req.method === "record" || req.method === "forget" || req.method === "reset" || req.method === "compile") prepareWhenIdle();
  else if (prepareTimer) prepareWhenIdle();
}

/**
 * While the first program is built, requests are read from the port between the files it
 * reads: a first cell that a program of its own can check (compileStandalone) is answered at
 * once; every other request, and every one after it (answers keep their order), waits for the
 * full program and is served right after it is built.
 */
const early: CompilerRequest[] = [];
let answeredEarly = false;
function serveEarly(): void {
  for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) {
    const req = m.message as CompilerRequest;
    let value: unknown;
    if (!early.length && req.method === "compile") {
      try {
        value = compiler.compileStandalone(...(req.args as [string, string]));
      } catch {
        value = undefined; // the full program answers it
      }
    }
    if (value === undefined) early.push(req);
    else {
      answeredEarly = true;
      markStart("compiler", "first cell answered standalone");
      port.postMessage({ seq: req.seq, ok: true, value } satisfies CompilerResponse);
    }
  }
}

/**
 * After a request that may change the next cell's program, warm that program once the thread
 * has had no request for IDLE_MS (the user is reading or typing). Not at once: cells arriving
 * back to back would wait for it, and they do not need it (recent declarations reach them
 * without a new checker, service.ts).
 */
const IDLE_MS = 300;
let prepareTimer: NodeJS.Timeout | undefined;
function prepareWhenIdle(): void {
  clearTimeout(prepareTimer);
  prepareTimer = setTimeout(() => {
    prepareTimer = undefined;
    if (restOfWarmUp) return finishWarmUp(); // it ends with prepare()
    try { compiler.prepare(); } catch { /* a failed warm-up only costs the next cell time */ }
  }, IDLE_MS);
  prepareTimer.unref();
}

const restoreGc = relaxGcWhileStarting();
compiler.whileLoading = serveEarly;
try {
  // A first cell already waiting is answered cold; otherwise the path is warmed for it.
  serveEarly();
  if (!answeredEarly) {
    try { compiler.warmUpStandalone(); } catch { /* only the first cell's time */ }
  }
  compiler.warmUpCheck();
} finally {
  compiler.whileLoading = undefined;
  restoreGc();
}
markStart("compiler", "checker ready");
port.postMessage({ seq: 0, ready: true, warmUpMs: performance.now() - t0 } satisfies CompilerResponse);
// In their order, before any request still in the port's queue (those are delivered later).
for (const req of early.splice(0)) serve(req);
prepareWhenIdle();
