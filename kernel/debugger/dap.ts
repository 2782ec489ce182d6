/**
 * The Debug Adapter Protocol messages Jupyter's debugger carries in `debug_request`,
 * `debug_reply` and `debug_event` (messaging spec 5.3, "Debug request"): the DAP request,
 * response and event objects themselves, as JupyterLab's debugger panel sends them.
 */

export interface DapRequest {
  seq: number;
  type: "request";
  command: string;
  arguments?: Record<string, unknown>;
}

export interface DapResponse {
  seq: number;
  type: "response";
  request_seq: number;
  success: boolean;
  command: string;
  /** Why success is false (DAP's `message`). */
  message?: string;
  body: Record<string, unknown>;
}

export interface DapEvent {
  seq: number;
  type: "event";
  event: string;
  body: Record<string, unknown>;
}

/** The one thread lazylab's debugger reports: the executor's main thread, where cells run. */
export const MAIN_THREAD_ID = 1;

/** A debug_request whose content is not a DAP request (no command, arguments not an object). */
export class MalformedDebugRequest extends Error {
  override name = "MalformedDebugRequest";
}

/** Checks a debug_request's content; the error names what is wrong. */
export function parseDapRequest(content: unknown): DapRequest {
  if (!content || typeof content !== "object" || Array.isArray(content)) throw new MalformedDebugRequest("debug_request: content must be a DAP request object");
  const c = content as Record<string, unknown>;
  if (typeof c.command !== "string" || !c.command) throw new MalformedDebugRequest("debug_request: `command` must be a non-empty string");
  if (c.arguments !== undefined && (c.arguments === null || typeof c.arguments !== "object" || Array.isArray(c.arguments))) {
    throw new MalformedDebugRequest(`debug_request ${c.command}: \`arguments\` must be an object`);
  }
  const seq = typeof c.seq === "number" && Number.isFinite(c.seq) ? c.seq : 0;
  return { seq, type: "request", command: c.command, arguments: (c.arguments as Record<string, unknown> | undefined) ?? {} };
}

let responseSeq = 0;

/** A response to `req`; `message` makes it a failure. */
export function respond(req: Pick<DapRequest, "seq" | "command">, body: Record<string, unknown> = {}, message?: string): DapResponse {
  const r: DapResponse = { seq: ++responseSeq, type: "response", request_seq: req.seq, success: message === undefined, command: req.command, body };
  if (message !== undefined) r.message = message;
  return r;
}
