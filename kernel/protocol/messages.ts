/**
 * Jupyter messaging protocol 5.3, as types. Every message is keyed by its literal
 * `msg_type`; content shapes follow https://jupyter-client.readthedocs.io/en/latest/messaging.html.
 * Handlers import these instead of building objects by hand, so the spec is readable here.
 */
import { randomUUID } from "node:crypto";
import type { DapEvent, DapResponse } from "../debugger/dap";

export const PROTOCOL_VERSION = "5.3";

export interface Header {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
}

/** One decoded message; `identities` are the ROUTER routing frames it arrived with. */
export interface Message<C = unknown> {
  identities: Buffer[];
  header: Header;
  parent_header: Header | Record<string, never>;
  metadata: Record<string, unknown>;
  content: C;
  buffers: Buffer[];
  /** Set by the codec when a signed message's header is readable but another frame is not. */
  invalid?: string;
}

export type Status = "ok" | "error" | "aborted";

// ---- shell / control requests -------------------------------------------------------
export interface ExecuteRequest {
  code: string;
  silent?: boolean;
  store_history?: boolean;
  user_expressions?: Record<string, string>;
  allow_stdin?: boolean;
  stop_on_error?: boolean;
}
export interface CompleteRequest { code: string; cursor_pos: number }
export interface InspectRequest { code: string; cursor_pos: number; detail_level?: 0 | 1 }
export interface IsCompleteRequest { code: string }
export interface HistoryRequest {
  output?: boolean;
  raw?: boolean;
  hist_access_type: "range" | "tail" | "search";
  session?: number;
  start?: number;
  stop?: number;
  n?: number;
  pattern?: string;
  unique?: boolean;
}
export interface ShutdownRequest { restart: boolean }
export interface CommInfoRequest { target_name?: string }
/** ipykernel's usage_request (control channel, no content): JupyterLab's kernel-usage panel. */
export type UsageRequest = Record<string, never>;
export interface InputReply { value: string }
/** Jupyter's debugger (spec 5.3, control channel): the content is a DAP request (kernel/debugger/dap.ts). */
export type DebugRequest = Record<string, unknown>;

// ---- replies -------------------------------------------------------------------------
export interface ErrorContent { ename: string; evalue: string; traceback: string[] }

export type ExecuteReply =
  | { status: "ok"; execution_count: number; user_expressions: Record<string, unknown>; payload: unknown[] }
  | ({ status: "error"; execution_count: number } & ErrorContent)
  | { status: "aborted"; execution_count: number };

export interface CompleteReply {
  status: "ok";
  matches: string[];
  cursor_start: number;
  cursor_end: number;
  metadata: Record<string, unknown>;
}
export interface InspectReply {
  status: "ok";
  found: boolean;
  data: Record<string, string>;
  metadata: Record<string, unknown>;
}
export type IsCompleteReply =
  | { status: "complete" }
  | { status: "incomplete"; indent: string }
  | { status: "invalid" }
  | { status: "unknown" };
export interface HistoryReply { status: "ok"; history: Array<[number, number, string | [string, string | null]]> }
export interface KernelInfoReply {
  status: "ok";
  protocol_version: string;
  implementation: string;
  implementation_version: string;
  language_info: {
    name: string;
    version: string;
    mimetype: string;
    file_extension: string;
    pygments_lexer: string;
    codemirror_mode: string | Record<string, unknown>;
  };
  banner: string;
  help_links: Array<{ text: string; url: string }>;
  debugger: boolean;
}

/**
 * ipykernel's usage_reply (ipykernel/kernelbase.py `usage_request`; not in the 5.3 spec):
 * CPU % and memory of the process running the user's code, and the host's.
 */
export interface UsageReply {
  hostname: string;
  /** The process that runs the user's code (lazylab's executor). */
  pid: number;
  /** Its CPU use in % since the previous request (100 = one core). */
  kernel_cpu: number;
  /** Its memory in bytes. */
  kernel_memory: number;
  /** The host's CPU use in % since the previous request; absent on the first (as in ipykernel). */
  host_cpu_percent?: number;
  cpu_count: number;
  /** psutil.virtual_memory()._asdict() of the host. */
  host_virtual_memory: Record<string, number>;
}

// ---- iopub ---------------------------------------------------------------------------
export interface StatusContent { execution_state: "busy" | "idle" | "starting" }
export interface StreamContent { name: "stdout" | "stderr"; text: string }
export interface ExecuteInputContent { code: string; execution_count: number }
export interface DisplayDataContent {
  data: Record<string, string>;
  metadata: Record<string, unknown>;
  transient?: { display_id?: string };
}
export interface ExecuteResultContent extends DisplayDataContent { execution_count: number }
export interface ClearOutputContent { wait: boolean }
export interface InputRequestContent { prompt: string; password: boolean }
export interface CommOpenContent { comm_id: string; target_name: string; data?: Record<string, unknown> }
export interface CommCloseContent { comm_id: string; data: Record<string, unknown> }

/** msg_type → content, for the messages the kernel sends. */
export interface Outgoing {
  execute_reply: ExecuteReply;
  complete_reply: CompleteReply;
  inspect_reply: InspectReply;
  is_complete_reply: IsCompleteReply;
  history_reply: HistoryReply;
  kernel_info_reply: KernelInfoReply;
  comm_info_reply: { status: "ok"; comms: Record<string, { target_name: string }> };
  shutdown_reply: { status: "ok"; restart: boolean };
  interrupt_reply: { status: "ok" };
  /** Deprecated since 5.1 but still in the spec; ipykernel answers it. */
  connect_reply: { shell_port: number; iopub_port: number; stdin_port: number; hb_port: number; control_port: number };
  usage_reply: UsageReply;
  /** The DAP response itself. */
  debug_reply: DapResponse;
  /** A DAP event (stopped, continued), on iopub. */
  debug_event: DapEvent;
  error_reply: { status: "error" } & ErrorContent;
  status: StatusContent;
  stream: StreamContent;
  execute_input: ExecuteInputContent;
  execute_result: ExecuteResultContent;
  display_data: DisplayDataContent;
  update_display_data: DisplayDataContent;
  clear_output: ClearOutputContent;
  error: ErrorContent;
  input_request: InputRequestContent;
  comm_close: CommCloseContent;
  /**
   * On iopub, to each new subscriber once its subscription is in place (JEP 65, messaging
   * 5.5): a client that waits for an iopub message before it trusts the channel (jupyter_client's
   * wait_for_ready, jupyter_server's nudge) gets one at once.
   */
  iopub_welcome: { subscription: string };
}
export type OutgoingType = keyof Outgoing;

/** msg_type → content, for the requests the kernel answers. */
export interface Incoming {
  execute_request: ExecuteRequest;
  complete_request: CompleteRequest;
  inspect_request: InspectRequest;
  is_complete_request: IsCompleteRequest;
  history_request: HistoryRequest;
  kernel_info_request: Record<string, never>;
  comm_info_request: CommInfoRequest;
  shutdown_request: ShutdownRequest;
  interrupt_request: Record<string, never>;
  connect_request: Record<string, never>;
  usage_request: UsageRequest;
  debug_request: DebugRequest;
  input_reply: InputReply;
  comm_open: CommOpenContent;
  comm_msg: { comm_id: string; data?: Record<string, unknown> };
  comm_close: { comm_id: string; data?: Record<string, unknown> };
}
export type IncomingType = keyof Incoming;

export function isRequest<T extends IncomingType>(msg: Message, type: T): msg is Message<Incoming[T]> {
  return msg.header.msg_type === type;
}

/** The one factory for outgoing messages: a reply to `parent` (or a broadcast without one). */
export function createMessage<T extends OutgoingType>(
  type: T,
  content: Outgoing[T],
  parent: Message | undefined,
  session: string,
  metadata: Record<string, unknown> = {},
): Message<Outgoing[T]> {
  return {
    identities: parent ? parent.identities : [],
    header: {
      msg_id: randomUUID(),
      session,
      username: "lazylab",
      date: new Date().toISOString(),
      msg_type: type,
      version: PROTOCOL_VERSION,
    },
    parent_header: parent ? parent.header : {},
    metadata,
    content,
    buffers: [],
  };
}

/** Replies are named after their request: execute_request → execute_reply. */
export function replyType(requestType: string): string {
  return requestType.replace(/_request$/, "_reply");
}
