/**
 * How a value shows itself in a notebook. An object that has a method under
 * {@link MIME_BUNDLE} returns its own bundle (`text/plain` always, plus `text/html`,
 * `image/svg+xml`, `image/png` as it likes); the kernel uses it for a cell's result and
 * for `display(value)`.
 *
 * @example
 * class Money { [MIME_BUNDLE]() { return { "text/plain": "€3", "text/html": "<b>€3</b>" }; } }
 */
export const MIME_BUNDLE: unique symbol = Symbol.for("lazylab.mimeBundle") as never;

/** MIME type to content; binary types (image/png) are base64 strings, as on the wire. */
export type MimeBundle = { "text/plain": string } & Record<string, string>;

export interface HasMimeBundle {
  [MIME_BUNDLE](): MimeBundle;
}

export function hasMimeBundle(value: unknown): value is HasMimeBundle {
  return (
    value !== null &&
    (typeof value === "object" || typeof value === "function") &&
    typeof (value as Record<symbol, unknown>)[MIME_BUNDLE] === "function"
  );
}
