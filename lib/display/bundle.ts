/** The mime bundle of any value: its own (see {@link MIME_BUNDLE}) or a plain-text repr. */
import { inspect } from "node:util";
import { hasMimeBundle, MIME_BUNDLE, type MimeBundle } from "./mime";

/** Python-REPL-like plain repr of a JavaScript value, without colours. */
export function plainRepr(value: unknown): string {
  if (hasMimeBundle(value)) return value[MIME_BUNDLE]()["text/plain"];
  return inspect(value, { colors: false, depth: 4, maxArrayLength: 100, maxStringLength: 10_000, breakLength: 80 });
}

export function mimeBundleOf(value: unknown): MimeBundle {
  if (hasMimeBundle(value)) {
    const b = value[MIME_BUNDLE]();
    if (typeof b?.["text/plain"] !== "string") return { ...b, "text/plain": plainRepr(Object.assign({}, value)) };
    return b;
  }
  return { "text/plain": plainRepr(value) };
}
