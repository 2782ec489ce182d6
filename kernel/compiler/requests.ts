/** Requests from the protocol thread to the compiler thread, and their answers, declared once. */
import type { CompileResult, CompletionResult, IsComplete } from "./service";

export interface CompilerApi {
  compile(code: string, cellName: string): CompileResult;
  record(id: number): void;
  forget(names: string[]): void;
  reset(): void;
  names(): string[];
  complete(code: string, cursor: number): CompletionResult;
  inspect(code: string, cursor: number): string | undefined;
  isComplete(code: string): IsComplete;
  /** TypeScript expressions (user_expressions) to JavaScript, without type checking. */
  transpileExpressions(exprs: Record<string, string>): Record<string, string>;
}

export type CompilerMethod = keyof CompilerApi;

export interface CompilerRequest<M extends CompilerMethod = CompilerMethod> {
  seq: number;
  method: M;
  args: Parameters<CompilerApi[M]>;
}

export type CompilerResponse =
  | { seq: number; ok: true; value: unknown }
  | { seq: number; ok: false; error: string }
  | { seq: 0; ready: true; warmUpMs: number };
