/**
 * Messages between the kernel (protocol process) and its executor child, declared once.
 * The executor knows nothing of ZeroMQ or Jupyter messages; the kernel turns these into them.
 */
import type { LocalModule } from "../compiler/local-modules";
import type { Insertion } from "../compiler/cell-source";
import type { Readable } from "node:stream";

export interface RunRequest {
  kind: "run";
  id: number;
  /** "In[3]": how tracebacks name the cell. */
  cellName: string;
  /** The user's source, for traceback snippets. */
  source: string;
  js: string;
  map: string;
  /** Text the compiler inserted into the user's (cell-source.ts), to map columns back. */
  insertions: Insertion[];
  executionCount: number;
  silent: boolean;
  storeHistory: boolean;
  allowStdin: boolean;
  /** name → compiled JavaScript expression, evaluated after the cell. */
  userExpressions: Record<string, string>;
  /** The notebook's own TypeScript modules the cell imports, compiled (compiler/local-modules.ts). */
  modules: LocalModule[];
  /** The path the debugger's dumpCell gives this code (kernel/debugger/hash.ts), while a debugger is attached. */
  debugPath?: string;
  /**
   * The cell names nothing outside itself, declares nothing and has no user expressions: it
   * cannot use the library, so it may run before the executor's warm-up is done (between its
   * steps; docs/kernel.md, "Start").
   */
  early?: boolean;
}

export type ToExecutor =
  | RunRequest
  | { kind: "input_reply"; id: number; value: string }
  | { kind: "interrupt" }
  | { kind: "warm_up" };

export interface ErrorInfo {
  ename: string;
  evalue: string;
  traceback: string[];
}

export interface Bundle {
  data: Record<string, string>;
  metadata: Record<string, unknown>;
}

export type UserExpressionResult = ({ status: "ok" } & Bundle) | ({ status: "error" } & ErrorInfo);

export type FromExecutor =
  | { kind: "ready"; pid: number; warmUpMs: number }
  | { kind: "stream"; id: number | null; name: "stdout" | "stderr"; text: string }
  | { kind: "display"; id: number | null; bundle: Bundle; displayId?: string; update: boolean }
  | { kind: "clear_output"; id: number | null; wait: boolean }
  | { kind: "input_request"; id: number; prompt: string; password: boolean }
  | { kind: "forget"; names: string[] }
  | {
      kind: "done";
      id: number;
      result?: Bundle;
      error?: ErrorInfo;
      userExpressions: Record<string, UserExpressionResult>;
      /** The cell was stopped by an interrupt. */
      interrupted: boolean;
    };

/** File descriptor of the pipe the kernel writes interrupts to (see supervisor and interruptLine). */
export const INTERRUPT_FD = 4;
/**
 * An interrupt on INTERRUPT_FD names the run it is for: `i<run id>\n`. A byte alone could reach
 * the executor after that cell ended (its watchdog thread not scheduled for a moment on a
 * loaded machine) and stop the next one, or before the cell's run message and be lost.
 */
export const interruptLine = (runId: number): string => `i${runId}\n`;

/**
 * Calls `line` with each newline-ended line read from `pipe` (the interrupt and debugger pipes
 * between the kernel, the executor and its watchdog are newline-framed); a line split across
 * chunks waits for its end.
 */
export function onLines(pipe: Readable, encoding: BufferEncoding, line: (text: string) => void): void {
  let pending = "";
  pipe.setEncoding(encoding).on("data", (text: string) => {
    pending += text;
    let nl;
    while ((nl = pending.indexOf("\n")) >= 0) {
      const one = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      line(one);
    }
  });
}
/**
 * Shared by the executor's main thread and its watchdog (Int32Array over a SharedArrayBuffer):
 * - running: the run id of the cell running now (0: none), or minus it once the watchdog has
 *   claimed that run for a termination (one per run; main.ts finish() and watchdog.ts interrupt());
 * - interrupted: the latest run id an interrupt was asked for;
 * - landed: the latest run id whose termination has happened (V8 answered it).
 */
export const RUN_STATE = { running: 0, interrupted: 1, landed: 2 } as const;
/** RUN_STATE's size in Int32 slots. */
export const RUN_STATE_SLOTS = 3;
/** File descriptor of the debugger's pipe (JSON lines both ways, read by the watchdog thread). */
export const DEBUG_FD = 5;

/** The global through which the debug session reaches executor/debug-values.ts (not enumerable). */
export const DEBUG_HELPERS = "__lazylab_debug";
