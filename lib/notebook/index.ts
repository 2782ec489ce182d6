/** Notebook facilities available as globals in every cell: `input` and `del`. */
import { notebookHost } from "./host";

export { setCellHooks, runBeforeCell, runAfterCell, type CellHooks } from "./cells";
export { setNotebookHost, notebookHost, inNotebook, onInterrupt, notifyInterrupt, StdinNotAvailable, type NotebookHost, type DisplayOptions } from "./host";

/**
 * Asks the user for a line of text through the notebook (an input_request).
 * Fails with `StdinNotAvailable` when the frontend does not allow input.
 * @example const name = await input("Your name: ");
 */
export function input(prompt = "", options: { password?: boolean } = {}): Promise<string> {
  return notebookHost().input(String(prompt), options.password ?? false);
}

/**
 * Python's `del name` at notebook top level: removes the variables, so what only they held
 * can be garbage-collected, and later cells no longer see the names.
 * @example del("random_array")   // like `del random_array`
 */
export function del(...names: string[]): void {
  const g = globalThis as Record<string, unknown>;
  const isDeleted = (n: string) => Object.getOwnPropertyDescriptor(g, n)?.get?.name === DELETED;
  // As Python's `del a, b, c`: the names in order, stopping at the first that is not defined
  // (those before it are deleted) with Python's NameError text.
  const first = names.findIndex((n) => !Object.prototype.hasOwnProperty.call(g, n) || isDeleted(n));
  const deleted = first < 0 ? names : names.slice(0, first);
  if (deleted.length) deleteVariables(deleted, (n) => `del("${n}")`);
  if (first >= 0) throw new ReferenceError(`name '${names[first]}' is not defined`);
}

/**
 * @internal What `del` does once it has checked that the names exist, for the executor's
 * `%reset`, which deletes the variables it found: reading one then fails with a ReferenceError
 * that says it was deleted `how(name)` (`del("x")`, `%reset`), and the type checker forgets them.
 */
export function deleteVariables(names: readonly string[], how: (name: string) => string): void {
  const g = globalThis as Record<string, unknown>;
  for (const n of names) {
    delete g[n];
    // Like Python: reading the name now fails, assigning it binds it again.
    Object.defineProperty(g, n, {
      configurable: true,
      enumerable: false,
      get: { [DELETED]() { throw new ReferenceError(`name '${n}' is not defined (it was deleted with ${how(n)})`); } }[DELETED],
      set(value: unknown) {
        Object.defineProperty(g, n, { value, writable: true, configurable: true, enumerable: true });
      },
    });
  }
  notebookHost().forget([...names]);
}

const DELETED = "__lazylab_deleted";
