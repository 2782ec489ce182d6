/**
 * Rich output from a cell: `display(value)` sends the value's mime bundle as its own output,
 * `clearOutput()` clears the cell's output.
 */
import { mimeBundleOf } from "./bundle";
import { notebookHost, type DisplayOptions } from "../notebook/host";
import type { MimeBundle } from "./mime";

export { MIME_BUNDLE, hasMimeBundle, type MimeBundle, type HasMimeBundle } from "./mime";
export { mimeBundleOf, plainRepr } from "./bundle";
export type { DisplayOptions } from "../notebook/host";

/**
 * Shows a value as an output of the running cell, using its mime bundle.
 * @example
 * display(np.arange(3));                       // a new output
 * display("50 %", { id: "p" }); display("100 %", { id: "p", update: true }); // updated in place
 */
export function display(value: unknown, options: DisplayOptions = {}): void {
  notebookHost().display(mimeBundleOf(value), {}, options);
}

/**
 * Shows a mime bundle as it is: `displayBundle({ "text/html": "<b>hi</b>", "text/plain": "hi" })`.
 * @example displayBundle({ "image/svg+xml": svg, "text/plain": "a plot" })
 */
export function displayBundle(bundle: MimeBundle, options: DisplayOptions = {}): void {
  notebookHost().display(bundle, {}, options);
}

/**
 * Clears the output of the running cell; with `wait`, only when the next output arrives.
 * @example clearOutput(true); display(frame)
 */
export function clearOutput(wait = false): void {
  notebookHost().clearOutput(wait);
}
