/** Compile errors as the user sees them: at cell line numbers, named by their TS code. */
import ts from "typescript";
import { lineCol, toUserOffset, type CellSource } from "./cell-source";

export interface CellError {
  ename: string;
  evalue: string;
  traceback: string[];
}

export interface CellDiagnostic {
  code: string;
  message: string;
  line: number; // 1-based, in the user's text
  col: number; // 1-based
}

/**
 * Type names as the user knows them: the checker names library types through the global alias
 * that makes recorded declarations self-contained (`__lazylab.np.NDArray`, service.ts); they
 * are shown by their own names, as the library's declarations write them (`NDArray`).
 */
export function userFacing(text: string): string {
  return text
    .replace(/\b__lazylab\.(?:[A-Za-z_$][\w$]*\.)*/g, "")
    // The library and target follow the Node that runs the kernel (runtime-lib.ts): what TypeScript
    // suggests, changing the 'lib' option, is not the user's to do, and would not make it run.
    .replace(/Do you need to change your target library\? Try changing the 'lib' compiler option to '([^']+)' or later\./g,
      `Node ${process.version}, which runs this kernel, does not have it ('$1' has it; cells are checked against what this Node has).`)
    .replace(/Do you need to change your target library\? Try changing the 'lib' compiler option to include 'dom'\./g, "Node has no DOM.")
    .replace(/(This regular expression (?:flag|syntax) is only available when targeting '[^']+' or later)\./g, `$1; Node ${process.version}, which runs this kernel, does not parse it.`);
}

export function toCellDiagnostics(diags: readonly ts.Diagnostic[], cell: CellSource, userText: string): CellDiagnostic[] {
  return diags.map((d) => {
    const at = d.start === undefined ? 0 : Math.min(toUserOffset(cell, d.start), userText.length);
    const { line, col } = lineCol(userText, at);
    return { code: `TS${d.code}`, message: userFacing(ts.flattenDiagnosticMessageText(d.messageText, "\n")), line: line + 1, col: col + 1 };
  });
}

/** An IPython-like traceback: where, the line with a caret, the message. */
export function formatCompileError(diags: CellDiagnostic[], userText: string, cellName: string): CellError {
  const lines = userText.split("\n");
  const traceback: string[] = [];
  for (const d of diags) {
    const src = lines[d.line - 1] ?? "";
    traceback.push(
      `Cell ${cellName}, line ${d.line}, column ${d.col}`,
      `--> ${String(d.line).padStart(3)} | ${src}`,
      `          ${" ".repeat(Math.max(0, d.col - 1))}^`,
      `${d.code}: ${d.message}`,
    );
  }
  const first = diags[0];
  const more = diags.length > 1 ? ` (and ${diags.length - 1} more)` : "";
  return { ename: first.code, evalue: `${first.message} (line ${first.line})${more}`, traceback };
}
