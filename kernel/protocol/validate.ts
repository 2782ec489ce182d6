/**
 * Checks a signed request's content before a handler sees it: a message with the right
 * signature but the wrong shape gets an error reply naming the field, never a crash.
 */
type FieldType = "string" | "number" | "boolean" | "object";

const SCHEMAS: Record<string, Record<string, { type: FieldType; required?: boolean }>> = {
  execute_request: {
    code: { type: "string", required: true },
    silent: { type: "boolean" },
    store_history: { type: "boolean" },
    user_expressions: { type: "object" },
    allow_stdin: { type: "boolean" },
    stop_on_error: { type: "boolean" },
  },
  complete_request: { code: { type: "string", required: true }, cursor_pos: { type: "number" } },
  inspect_request: { code: { type: "string", required: true }, cursor_pos: { type: "number" }, detail_level: { type: "number" } },
  is_complete_request: { code: { type: "string", required: true } },
  history_request: { hist_access_type: { type: "string" }, n: { type: "number" }, start: { type: "number" }, stop: { type: "number" }, pattern: { type: "string" } },
  shutdown_request: { restart: { type: "boolean" } },
  comm_open: { comm_id: { type: "string", required: true }, target_name: { type: "string", required: true }, data: { type: "object" } },
  comm_msg: { comm_id: { type: "string", required: true }, data: { type: "object" } },
  comm_close: { comm_id: { type: "string", required: true }, data: { type: "object" } },
};

const MAX_CODE = 64 * 1024 * 1024;

/** A description of what is wrong, or undefined when the content is acceptable. */
export function validateContent(msgType: string, content: unknown): string | undefined {
  if (!Object.hasOwn(SCHEMAS, msgType)) return undefined;
  const schema = SCHEMAS[msgType];
  if (content === null || typeof content !== "object") return `${msgType}: content must be an object`;
  const c = content as Record<string, unknown>;
  for (const [field, rule] of Object.entries(schema)) {
    const v = c[field];
    if (v === undefined || v === null) {
      if (rule.required) return `${msgType}: content.${field} is required`;
      continue;
    }
    const actual = Array.isArray(v) ? "array" : typeof v;
    if (actual !== rule.type) return `${msgType}: content.${field} must be a ${rule.type}, got ${actual}`;
    if (rule.type === "number" && (!Number.isFinite(v as number) || (v as number) < 0)) return `${msgType}: content.${field} must be a non-negative number`;
  }
  if (msgType === "execute_request") {
    if ((c.code as string).length > MAX_CODE) return `${msgType}: content.code is longer than ${MAX_CODE} characters`;
    const ue = c.user_expressions as Record<string, unknown> | undefined;
    if (ue && Object.values(ue).some((x) => typeof x !== "string")) return `${msgType}: content.user_expressions values must be strings`;
  }
  return undefined;
}
