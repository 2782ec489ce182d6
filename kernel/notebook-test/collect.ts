/** Fresh iopub messages of one cell turned into nbformat outputs, as a notebook would show them. */
import type { Message } from "../protocol/messages";
import type { Output } from "./notebook";

export function outputsFromMessages(messages: readonly Message<Record<string, unknown>>[]): Output[] {
  const outputs: Output[] = [];
  const byDisplayId = new Map<string, Output[]>();
  let clearPending = false;
  const add = (o: Output) => {
    if (clearPending) {
      outputs.length = 0;
      clearPending = false;
    }
    outputs.push(o);
  };
  for (const m of messages) {
    const c = m.content;
    switch (m.header.msg_type) {
      case "stream":
        add({ output_type: "stream", name: String(c.name), text: String(c.text) });
        break;
      case "execute_result":
      case "display_data": {
        const o: Output = { output_type: m.header.msg_type, data: (c.data ?? {}) as Record<string, unknown> };
        add(o);
        const id = (c.transient as { display_id?: string } | undefined)?.display_id;
        if (id) byDisplayId.set(id, [...(byDisplayId.get(id) ?? []), o]);
        break;
      }
      case "update_display_data": {
        const id = (c.transient as { display_id?: string } | undefined)?.display_id;
        for (const o of (id && byDisplayId.get(id)) || []) o.data = (c.data ?? {}) as Record<string, unknown>;
        break;
      }
      case "error":
        add({ output_type: "error", ename: String(c.ename), evalue: String(c.evalue) });
        break;
      case "clear_output":
        if (c.wait) clearPending = true;
        else outputs.length = 0;
        break;
    }
  }
  return outputs;
}
