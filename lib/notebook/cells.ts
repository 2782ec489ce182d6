/**
 * Hooks around every notebook cell, run by the kernel's executor: `before` just before a cell
 * runs, `after` once it has finished (its returned text is appended to the cell's stdout).
 */
export interface CellHooks {
  before?(): void;
  after?(): string | undefined;
}

const hooks = new Map<string, CellHooks>();

/** Installs (or, with `undefined`, removes) the hooks registered under `key`. */
export function setCellHooks(key: string, h: CellHooks | undefined): void {
  if (h) hooks.set(key, h);
  else hooks.delete(key);
}

/** @internal Called by the executor before each cell. */
export function runBeforeCell(): void {
  for (const h of hooks.values()) h.before?.();
}

/** @internal Called by the executor after each cell; returns text to print. */
export function runAfterCell(): string {
  let out = "";
  for (const h of hooks.values()) {
    const t = h.after?.();
    if (t) out += t.endsWith("\n") ? t : `${t}\n`;
  }
  return out;
}
