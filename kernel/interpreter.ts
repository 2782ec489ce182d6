/**
 * What a language brings to the kernel: one method per request, as in xeus's
 * xinterpreter. The kernel (kernel.ts) owns sockets, message order, busy/idle and
 * execution counts; an interpreter only answers, and talks back through ExecuteContext.
 */
import type { DapEvent, DapRequest, DapResponse } from "./debugger/dap";
import type {
  CompleteReply, ErrorContent, InspectReply, IsCompleteReply, KernelInfoReply,
} from "./protocol/messages";

export interface ExecuteContext {
  readonly executionCount: number;
  readonly silent: boolean;
  readonly storeHistory: boolean;
  readonly allowStdin: boolean;
  stream(name: "stdout" | "stderr", text: string): void;
  display(data: Record<string, string>, metadata: Record<string, unknown>, displayId: string | undefined, update: boolean): void;
  clearOutput(wait: boolean): void;
  result(data: Record<string, string>, metadata: Record<string, unknown>): void;
  error(content: ErrorContent): void;
  input(prompt: string, password: boolean): Promise<string>;
}

export type ExecuteOutcome =
  | { status: "ok"; userExpressions: Record<string, unknown> }
  | ({ status: "error" } & ErrorContent);

export interface Interpreter {
  kernelInfo(): Omit<KernelInfoReply, "status" | "protocol_version">;
  /** Resolves when the interpreter can take requests (compiler and executor warmed up). */
  ready(): Promise<void>;
  execute(code: string, userExpressions: Record<string, string>, ctx: ExecuteContext): Promise<ExecuteOutcome>;
  complete(code: string, cursorPos: number): Promise<Omit<CompleteReply, "status">>;
  inspect(code: string, cursorPos: number, detailLevel: number): Promise<Omit<InspectReply, "status">>;
  isComplete(code: string): Promise<IsCompleteReply>;
  interrupt(): void;
  /**
   * One request of Jupyter's debugger (a DAP request from debug_request); events the debugger
   * sends on its own (stopped, continued) go to the listener given to onDebugEvent.
   */
  debug(request: DapRequest): Promise<DapResponse>;
  onDebugEvent(listener: (event: DapEvent) => void): void;
  /** The process that runs the user's code (usage_request describes it), if it is running. */
  codeProcessId(): number | undefined;
  /** Clears all state (restart) or ends (shutdown). */
  shutdown(restart: boolean): Promise<void>;
}
