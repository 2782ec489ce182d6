/**
 * A bad magic: IPython's name for it (`UsageError`), with what is allowed. Its own module, as
 * both the magics' parser (magics.ts) and `%reset`'s options (reset-options.ts) throw it.
 */
export class MagicUsageError extends Error {
  override name = "UsageError";
  constructor(message: string, readonly offset: number) {
    super(message);
  }
}
