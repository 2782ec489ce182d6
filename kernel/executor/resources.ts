/**
 * A cell's top-level `using` and `await using` declarations: the resources are disposed when
 * the cell ends (after its last statement, or after it threw), last first, as a module's
 * top-level ones are when its body has run. The compiler turns each such declaration into
 * `const x = __lazylab_cell.use(value, isAwait)` kept in the cell's own frame (not a global:
 * a disposed resource is of no use to a later cell, and holding it there would keep its memory),
 * and wraps the cell's body so that {@link CellResources.dispose} runs at its end
 * (kernel/compiler/transform.ts). Node 20 has `Symbol.dispose` but not the syntax, which
 * TypeScript lowers inside blocks and functions only; at a cell's top level its lowering hoisted
 * the cell's declarations into a try block, so this does what the proposal says, here.
 */

interface Resource {
  value: unknown;
  dispose: ((this: unknown) => unknown) | undefined;
  /** Declared with `await using`: an await follows its disposal. */
  async: boolean;
  /** Its disposal is `[Symbol.asyncDispose]`, whose result is awaited (a `[Symbol.dispose]`'s is not). */
  awaitResult: boolean;
}

/** The error a failing disposal raises over an earlier one (a global from Node 24; made here before). */
function suppressedError(error: unknown, suppressed: unknown): Error {
  const Native = (globalThis as { SuppressedError?: new (error: unknown, suppressed: unknown, message: string) => Error }).SuppressedError;
  const message = "An error was suppressed during disposal.";
  if (Native) return new Native(error, suppressed, message);
  return Object.assign(new Error(message), { name: "SuppressedError", error, suppressed });
}

const describe = (v: unknown): string => (v === null ? "null" : typeof v === "object" ? (v.constructor?.name ?? "object") : typeof v);

export class CellResources {
  private readonly stack: Resource[] = [];
  private error: unknown = undefined;
  private hasError = false;

  /** Adds a `using` (or `await using`, `isAwait`) declaration's value; returns it. */
  use<T>(value: T, isAwait: boolean): T {
    if (value === null || value === undefined) {
      // Nothing to dispose; `await using` still awaits at the end (the proposal's rule).
      if (isAwait) this.stack.push({ value, dispose: undefined, async: true, awaitResult: false });
      return value;
    }
    if (typeof value !== "object" && typeof value !== "function") {
      throw new TypeError(`${isAwait ? "await using" : "using"}: the value must be an object with a [Symbol.${isAwait ? "asyncDispose" : "dispose"}]() method, not a ${typeof value}`);
    }
    const v = value as Record<symbol, unknown>;
    let dispose = isAwait ? v[Symbol.asyncDispose] : undefined;
    const awaitResult = dispose !== undefined;
    if (dispose === undefined) dispose = v[Symbol.dispose];
    if (typeof dispose !== "function") {
      throw new TypeError(`${isAwait ? "await using" : "using"}: the value (${describe(value)}) has no [Symbol.${isAwait ? "asyncDispose" : "dispose"}]() method${isAwait ? " nor [Symbol.dispose]()" : ""}`);
    }
    this.stack.push({ value, dispose: dispose as (this: unknown) => unknown, async: isAwait, awaitResult });
    return value;
  }

  /** The cell threw: disposal still runs, and this error is rethrown after it. */
  fail(e: unknown): void {
    this.record(e);
  }

  /**
   * Disposes what the cell's `using` declarations hold, last first, then throws the cell's error
   * or a disposal's (a SuppressedError when there were several). Synchronous unless an
   * `await using` declaration ran; then each asynchronous disposal is awaited in turn.
   */
  dispose(): Promise<void> | undefined {
    if (this.stack.some((r) => r.async)) return this.disposeAsync();
    for (let r = this.stack.pop(); r; r = this.stack.pop()) {
      try {
        r.dispose!.call(r.value);
      } catch (e) {
        this.record(e);
      }
    }
    if (this.hasError) throw this.error;
    return undefined;
  }

  private async disposeAsync(): Promise<void> {
    for (let r = this.stack.pop(); r; r = this.stack.pop()) {
      try {
        const out = r.dispose?.call(r.value);
        if (r.async) await (r.awaitResult ? out : undefined);
      } catch (e) {
        this.record(e);
      }
    }
    if (this.hasError) throw this.error;
  }

  private record(e: unknown): void {
    this.error = this.hasError ? suppressedError(e, this.error) : e;
    this.hasError = true;
  }
}
