/**
 * The notebook a library call is running in. The kernel's executor installs a host; outside
 * a kernel (a plain `node` script importing lazylab) the fallback prints text to the console.
 */
import type { MimeBundle } from "../display/mime";

export interface DisplayOptions {
  /** A display id: later `display(v, { id, update: true })` replaces this output in place. */
  id?: string;
  /** Replace the output shown under `id` instead of adding a new one. */
  update?: boolean;
}

export interface NotebookHost {
  display(bundle: MimeBundle, metadata: Record<string, unknown>, options: DisplayOptions): void;
  clearOutput(wait: boolean): void;
  input(prompt: string, password: boolean): Promise<string>;
  forget(names: string[]): void;
}

const consoleHost: NotebookHost = {
  display: (bundle) => console.log(bundle["text/plain"]),
  clearOutput: () => undefined,
  input: () => Promise.reject(new StdinNotAvailable("input() needs a notebook kernel with stdin")),
  forget: () => undefined,
};

let current: NotebookHost = consoleHost;

export function setNotebookHost(host: NotebookHost | undefined): void {
  current = host ?? consoleHost;
}

export function notebookHost(): NotebookHost {
  return current;
}

/** Whether a kernel installed its host (false in a plain `node` script). */
export function inNotebook(): boolean {
  return current !== consoleHost;
}

const interruptListeners = new Set<() => void>();

/**
 * Calls `listener` when the kernel interrupts the running cell (long computes use it to cancel
 * their tasks and free their buffers). Returns the function that removes it.
 */
export function onInterrupt(listener: () => void): () => void {
  interruptListeners.add(listener);
  return () => interruptListeners.delete(listener);
}

/** Called by the kernel's executor when an interrupt reaches the running cell. */
export function notifyInterrupt(): void {
  for (const l of [...interruptListeners]) {
    try {
      l();
    } catch {
      // A listener's failure must not stop the others or the interrupt.
    }
  }
}

/** Raised by `input()` when the frontend does not accept input (allow_stdin false). */
export class StdinNotAvailable extends Error {
  override name = "StdinNotAvailable";
}
