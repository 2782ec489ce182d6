/**
 * IPython's timing magics in a TypeScript cell: `%%time` and `%%timeit` on a cell's first
 * line, `%time` and `%timeit` before a statement on any line; memory_profiler's `%memit` /
 * `%%memit`, the peak memory of a statement; and IPython's `%who`, `%whos`, `%reset` and
 * `%load_ext`, which take words rather than a statement and run where their line is, as one.
 *
 * A magic is not TypeScript, so it never reaches the type checker: findMagics() blanks each
 * magic (and its options) with spaces, which keeps every offset, line and column of the
 * user's text; planMagics() then says what code to insert around the statements it times
 * (calls to the executor's MAGIC_RUNTIME, kernel/executor/magics.ts). Those insertions are
 * recorded like the `export ` ones (cell-source.ts), so errors still point at the user's
 * line and column.
 */
import ts from "typescript";
import { MAGIC_RUNTIME } from "./transform-names";
import { MagicUsageError } from "./magic-usage-error";
import { resetOptions, type ResetOptions } from "./reset-options";

export type { ResetOptions };
export { MagicUsageError };

export const CELL_MAGICS = ["memit", "time", "timeit"] as const;
export const LINE_MAGICS = ["load_ext", "memit", "reset", "time", "timeit", "who", "whos"] as const;
type MagicName = (typeof LINE_MAGICS)[number];

/**
 * Line magics that take the rest of their line as words (type names, a module name, %reset's
 * options and targets), not a statement: each is a call of its own where its line is, as IPython runs a line magic.
 */
const STATEMENT_MAGICS: readonly MagicName[] = ["load_ext", "reset", "who", "whos"];

/** The magics a cell may use, as the user writes them (for errors and completion). */
export const MAGIC_LIST = [...CELL_MAGICS.map((m) => `%%${m}`), ...LINE_MAGICS.map((m) => `%${m}`)];

/** `%timeit`'s options, IPython's: `-n<N> -r<R> -p<P> -q -o`. */
export interface TimeitOptions {
  /** Loops per run; 0: chosen as IPython does (10^k until a run takes ≥ 0.2 s). */
  number: number;
  repeat: number;
  precision: number;
  quiet: boolean;
  /** Return the TimeitResult (the cell's value when the magic is its last statement). */
  result: boolean;
}

/**
 * `%memit`'s options, memory_profiler's: `-r<R> -t<T> -i<I> -q -o` (`-c`, children, is refused).
 * `-t` and `-i` (the sampling's timeout and interval) are read and have nothing to do: the
 * peak is the kernel's high-water mark, not a sample.
 */
export interface MemitOptions {
  repeat: number;
  timeout: number | null;
  interval: number;
  quiet: boolean;
  /** Return the MemitResult (the cell's value when the magic is its last statement). */
  result: boolean;
}


interface FoundMagic {
  name: MagicName;
  cell: boolean;
  /** Offset of the `%`. */
  at: number;
  /** Offset of the code after the magic and its options (the statement, or %%timeit's setup). */
  code: number;
  /** End of the magic's line (the offset of its newline, or the text's end). */
  lineEnd: number;
  options?: TimeitOptions;
  memit?: MemitOptions;
  /** A statement magic's words: the rest of its line, trimmed, as IPython passes it. */
  argument?: string;
  reset?: ResetOptions;
}

export interface Magics {
  /** The user's text with the magics blanked: same length, same lines and columns. */
  clean: string;
  found: FoundMagic[];
}

const MAGIC_LINE = /^([ \t]*)(%%?)([A-Za-z_]\w*)/gm;

/**
 * The magics in a cell's text. A line whose first non-blank characters are `%name` is a line
 * magic and `%%name` on the first non-blank line a cell magic (as in IPython, where a cell
 * magic must come first). Throws MagicUsageError for an unknown magic or bad options.
 */
export function findMagics(text: string): Magics {
  const found: FoundMagic[] = [];
  let clean = text;
  const firstCode = /^\s*/.exec(text)![0].length;
  let literals: Array<[number, number]> | undefined;
  for (const m of text.matchAll(MAGIC_LINE)) {
    const at = m.index! + m[1].length;
    // `%d` at the start of a line of a template literal or a comment is text, not a magic.
    literals ??= literalRanges(text);
    if (literals.some(([a, b]) => a < at && at < b)) continue;
    const cell = m[2] === "%%";
    const name = m[3];
    const nl = text.indexOf("\n", at);
    const lineEnd = nl < 0 ? text.length : nl;
    const known: readonly string[] = cell ? CELL_MAGICS : LINE_MAGICS;
    if (!known.includes(name)) {
      const kind = cell ? "Cell magic" : "Line magic function";
      throw new MagicUsageError(`${kind} \`${m[2]}${name}\` not found. The magics are ${MAGIC_LIST.join(", ")}`, at);
    }
    if (cell && at !== firstCode) {
      throw new MagicUsageError(`\`%%${name}\` must be on the cell's first line (a cell magic applies to the whole cell); on another line use \`%${name}\``, at);
    }
    let code = at + m[2].length + name.length;
    if (STATEMENT_MAGICS.includes(name as MagicName)) {
      const argument = text.slice(code, lineEnd).trim();
      if (name === "load_ext" && !argument) throw new MagicUsageError("Missing module name.", at);
      const reset = name === "reset" ? resetOptions(argument, at) : undefined;
      clean = clean.slice(0, at) + " ".repeat(lineEnd - at) + clean.slice(lineEnd);
      found.push({ name: name as MagicName, cell, at, code: lineEnd, lineEnd, argument, reset });
      continue;
    }
    let options: TimeitOptions | undefined;
    let memit: MemitOptions | undefined;
    if (name === "timeit") ({ options, code } = timeitOptions(text, code, lineEnd, `${m[2]}${name}`));
    else if (name === "memit") ({ memit, code } = memitOptions(text, code, lineEnd, `${m[2]}${name}`));
    else code = skipBlanks(text, code, lineEnd);
    if (cell && name !== "timeit" && code < lineEnd && !text.slice(code, lineEnd).trimStart().startsWith("//")) {
      const what = name === "time" ? "takes no arguments: put the code to time" : "takes only its options: put the code to measure";
      throw new MagicUsageError(`\`%%${name}\` ${what} on the lines below it (or use \`%${name} statement\` on one line)`, code);
    }
    if (!cell && code >= lineEnd) {
      throw new MagicUsageError(`\`%${name}\` needs a statement after it on the same line, e.g. \`%${name} x.sum()\``, at);
    }
    clean = clean.slice(0, at) + " ".repeat(code - at) + clean.slice(code);
    found.push({ name: name as MagicName, cell, at, code, lineEnd, options, memit });
  }
  return { clean, found };
}

/**
 * Where the text's comments, strings, templates and regular expressions are, from
 * TypeScript's scanner (which reads `%%time` as two `%` tokens and a name, so the magics
 * themselves do not disturb it).
 */
function literalRanges(text: string): Array<[number, number]> {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, false, ts.LanguageVariant.Standard, text);
  const out: Array<[number, number]> = [];
  // Brace depth at each open template `${`: its `}` resumes the template.
  const templates: number[] = [];
  let depth = 0;
  let previous = ts.SyntaxKind.Unknown;
  const K = ts.SyntaxKind;
  for (let kind = scanner.scan(); kind !== K.EndOfFileToken; kind = scanner.scan()) {
    if (kind === K.OpenBraceToken) depth++;
    else if (kind === K.CloseBraceToken) {
      if (templates.length && templates[templates.length - 1] === depth) {
        templates.pop();
        kind = scanner.reScanTemplateToken(false);
      } else depth--;
    } else if ((kind === K.SlashToken || kind === K.SlashEqualsToken) && !endsExpression(previous)) {
      kind = scanner.reScanSlashToken();
    }
    if (kind === K.TemplateHead || kind === K.TemplateMiddle) templates.push(depth);
    if (
      kind === K.SingleLineCommentTrivia || kind === K.MultiLineCommentTrivia || kind === K.StringLiteral ||
      kind === K.NoSubstitutionTemplateLiteral || kind === K.TemplateHead || kind === K.TemplateMiddle || kind === K.TemplateTail ||
      kind === K.RegularExpressionLiteral
    ) {
      out.push([scanner.getTokenStart(), scanner.getTokenEnd()]);
    }
    if (kind !== K.WhitespaceTrivia && kind !== K.NewLineTrivia && kind !== K.SingleLineCommentTrivia && kind !== K.MultiLineCommentTrivia) previous = kind;
  }
  return out;
}

/** Tokens after which `/` divides (anything else: it starts a regular expression). */
function endsExpression(kind: ts.SyntaxKind): boolean {
  const K = ts.SyntaxKind;
  return kind === K.Identifier || kind === K.NumericLiteral || kind === K.BigIntLiteral || kind === K.StringLiteral || kind === K.CloseParenToken ||
    kind === K.CloseBracketToken || kind === K.CloseBraceToken || kind === K.TemplateTail || kind === K.NoSubstitutionTemplateLiteral ||
    kind === K.ThisKeyword || kind === K.SuperKeyword || kind === K.TrueKeyword || kind === K.FalseKeyword || kind === K.NullKeyword ||
    kind === K.PlusPlusToken || kind === K.MinusMinusToken || kind === K.RegularExpressionLiteral;
}

function skipBlanks(text: string, i: number, end: number): number {
  while (i < end && (text[i] === " " || text[i] === "\t")) i++;
  return i;
}

/** How a magic's option reads: a switch, a whole number ≥ 1, a number > 0 (seconds), or refused with a reason. */
type OptionKind = { switch: () => void } | { whole: (n: number) => void; example: string } | { seconds: (n: number) => void; example: string } | { refused: string };

/**
 * IPython's option syntax for a magic: `-x` switches, grouped (`-qo`), and values joined
 * (`-n10`) or after a space (`-n 10`). Returns where the code after the options starts.
 */
function readOptions(text: string, from: number, end: number, magic: string, usage: string, flags: Record<string, OptionKind>): number {
  let i = skipBlanks(text, from, end);
  while (i < end && text[i] === "-" && /[A-Za-z]/.test(text[i + 1] ?? "")) {
    const start = i;
    i++;
    while (i < end && /[A-Za-z]/.test(text[i])) {
      const flag = text[i++];
      const kind = Object.hasOwn(flags, flag) ? flags[flag] : undefined;
      if (!kind) throw new MagicUsageError(`${magic}: unknown option -${flag}; ${usage}`, start);
      if ("refused" in kind) throw new MagicUsageError(`${magic}: -${flag} ${kind.refused}; ${usage}`, start);
      if ("switch" in kind) {
        kind.switch();
        continue;
      }
      const whole = "whole" in kind;
      if (i >= end || !/[\d.]/.test(text[i])) i = skipBlanks(text, i, end);
      const digits = (whole ? /^\d+/ : /^(\d+\.?\d*|\.\d+)/).exec(text.slice(i, end))?.[0];
      const value = digits === undefined ? NaN : Number(digits);
      if (!(whole ? value >= 1 : value > 0)) {
        throw new MagicUsageError(`${magic}: -${flag} needs a positive ${whole ? "whole number" : "number of seconds"}, e.g. -${flag}${kind.example}; ${usage}`, start);
      }
      i += digits!.length;
      if (whole) kind.whole(value);
      else kind.seconds(value);
      break;
    }
    if (i < end && !/\s/.test(text[i])) throw new MagicUsageError(`${magic}: cannot read the option at "${text.slice(start, end).split(/\s/)[0]}"; ${usage}`, start);
    i = skipBlanks(text, i, end);
  }
  return i;
}

const TIMEIT_USAGE = "the options are -n<N> (loops per run), -r<R> (runs, default 7), -p<P> (significant digits, default 3), -q (quiet), -o (return the TimeitResult)";

/** IPython's `-n<N> -r<R> -p<P> -q -o`. */
function timeitOptions(text: string, from: number, end: number, magic: string): { options: TimeitOptions; code: number } {
  const options: TimeitOptions = { number: 0, repeat: 7, precision: 3, quiet: false, result: false };
  const code = readOptions(text, from, end, magic, TIMEIT_USAGE, {
    q: { switch: () => (options.quiet = true) },
    o: { switch: () => (options.result = true) },
    n: { whole: (n) => (options.number = n), example: "10" },
    r: { whole: (n) => (options.repeat = n), example: "10" },
    p: { whole: (n) => (options.precision = n), example: "4" },
  });
  return { options, code };
}

const MEMIT_USAGE = "the options are -r<R> (runs, default 1), -t<T> and -i<I> (memory_profiler's sampling: accepted, nothing to do here, the peak is exact), -q (quiet), -o (return the MemitResult)";

/** memory_profiler's `-r<R> -t<T> -i<I> -q -o` (`-c` refused). */
function memitOptions(text: string, from: number, end: number, magic: string): { memit: MemitOptions; code: number } {
  const memit: MemitOptions = { repeat: 1, timeout: null, interval: 0.1, quiet: false, result: false };
  const code = readOptions(text, from, end, magic, MEMIT_USAGE, {
    q: { switch: () => (memit.quiet = true) },
    o: { switch: () => (memit.result = true) },
    r: { whole: (n) => (memit.repeat = n), example: "3" },
    t: { whole: (n) => (memit.timeout = n), example: "3" },
    i: { seconds: (n) => (memit.interval = n), example: "0.01" },
    c: { refused: "(child processes) is not supported: the peak is this kernel's executor process's" },
  });
  return { memit, code };
}

/** Code inserted into the checked text at `at` (before the user's text there when `first`). */
export interface MagicInsertion {
  at: number;
  text: string;
  first: boolean;
}

export interface MagicPlan {
  insertions: MagicInsertion[];
  /** Ranges of the user's text that become the body of a function (%timeit): nothing there is a top-level declaration. */
  local: Array<[number, number]>;
  /** Top-level statements whose first token a magic call now precedes: never rebinding targets. */
  wrapped: Set<ts.Statement>;
}

const R = MAGIC_RUNTIME;

/** The runtime's type, for inside `declare global` (kernel/executor/magics.ts implements it). */
export const MAGIC_RUNTIME_TYPE = `  const ${R}: {
    timeStart(): void;
    timeEnd(): void;
    timeEnd<T>(value: T): T;
    timeit(options: { number: number; repeat: number; precision: number; quiet: boolean; result: boolean }, setup: () => unknown): unknown;
    memitStart(options: { repeat: number; timeout: number | null; interval: number; quiet: boolean; result: boolean }): void;
    memitEnd(value?: unknown): void;
    memit(options: { repeat: number; timeout: number | null; interval: number; quiet: boolean; result: boolean }, setup: () => unknown): unknown;
    who(types: string[]): void;
    whos(types: string[]): void;
    loadExt(name: string): void;
    resetNamespace(options: { force: boolean; soft: boolean; targets: string[] }): void | Promise<void>;
  };`;

/** What to insert for each magic: around the statements it measures, or a call of its own (`sf`: the parsed clean text). */
export function planMagics(sf: ts.SourceFile, magics: Magics): MagicPlan {
  const plan: MagicPlan = { insertions: [], local: [], wrapped: new Set() };
  const add = (at: number, text: string, first = true) => plan.insertions.push({ at, text, first });
  for (const m of magics.found) {
    if (m.argument !== undefined) {
      planStatementMagic(sf, m, add);
      continue;
    }
    // %memit with -r or -o runs its code in a function, as %timeit does; else in place, as %time.
    const inPlace = m.name === "time" || (m.name === "memit" && m.memit!.repeat === 1 && !m.memit!.result);
    const [start, end] = m.name === "memit" ? [`memitStart(${JSON.stringify(m.memit)})`, "memitEnd"] : ["timeStart()", "timeEnd"];
    if (m.cell) {
      // %%timeit's setup (on the magic's line) and body; %%time has nothing on its line.
      const stmts = sf.statements.filter((s) => s.getStart(sf) >= m.code);
      if (inPlace) planCellTime(stmts, sf, plan, add, m, start, end);
      else planTimeit(sf, m, stmts, true, plan, add);
      continue;
    }
    const stmts = statementsOnLine(sf, m);
    if (!stmts.length) throw new MagicUsageError(`\`%${m.name}\` must be followed by a statement on its line (not the middle of an expression)`, m.at);
    if (inPlace) {
      const first = stmts[0];
      const last = stmts[stmts.length - 1];
      if (stmts.length === 1 && ts.isExpressionStatement(first)) {
        add(first.getStart(sf), `${R}.${end}((${R}.${start}, (`);
        add(first.expression.end, ")))", false);
      } else {
        add(first.getStart(sf), `${R}.${start}; `);
        add(last.end, `;${R}.${end}();`, false);
      }
      if (first.parent === sf) plan.wrapped.add(first);
    } else {
      planTimeit(sf, m, stmts, false, plan, add);
    }
  }
  return plan;
}

/** `%%time` (and `%%memit`): `start` before the cell's first statement, `end` after its last. */
function planCellTime(body: ts.Statement[], sf: ts.SourceFile, plan: MagicPlan, add: (at: number, text: string, first?: boolean) => void, m: FoundMagic, start: string, end: string): void {
  if (!body.length) {
    add(m.lineEnd, `;${R}.${start};${R}.${end}();`, false);
    return;
  }
  const first = body[0];
  const last = body[body.length - 1];
  add(first.getStart(sf), `${R}.${start}; `);
  plan.wrapped.add(first);
  // The cell's value stays its last expression's: the end call returns what it is given.
  if (ts.isExpressionStatement(last)) {
    add(last.getStart(sf), `${R}.${end}((`, first !== last);
    add(last.expression.end, "))", false);
    plan.wrapped.add(last);
  } else {
    add(last.end, `;${R}.${end}();`, false);
  }
}

/**
 * `%timeit stmt` → `await R.timeit(options, () => () => { stmt })` (`%memit -r/-o` the same, with memit); `%%timeit setup` → the
 * setup in the outer function (run before each run, as IPython does) and the cell's body in
 * the inner one. Both are functions, so the timed code's declarations stay local, as in
 * IPython's `%timeit` (it runs in a namespace of its own).
 */
function planTimeit(sf: ts.SourceFile, m: FoundMagic, stmts: readonly ts.Statement[], cell: boolean, plan: MagicPlan, add: (at: number, text: string, first?: boolean) => void): void {
  const isAsync = stmts.some((s) => containsAwait(s));
  const fn = isAsync ? "async () =>" : "() =>";
  const topLevel = !stmts.length || stmts[0].parent === sf;
  const awaitIt = topLevel || isAsync || insideAsync(stmts[0]) ? "await " : "";
  const options = JSON.stringify(m.name === "memit" ? m.memit : m.options);
  const call = m.name === "memit" ? "memit" : "timeit";
  if (cell) {
    const end = sf.text.length;
    add(m.code, `${awaitIt}${R}.${call}(${options}, ${fn} { `);
    // After the magic's line, whatever it ends with (a `//` comment would swallow code on it).
    const bodyAt = m.lineEnd < end ? m.lineEnd + 1 : end;
    add(bodyAt, `return ${fn} { `, m.lineEnd < end);
    add(end, "\n}; });", false);
    plan.local.push([m.code, end]);
    return;
  }
  const last = stmts[stmts.length - 1];
  add(stmts[0].getStart(sf), `${awaitIt}${R}.${call}(${options}, () => ${fn} { `);
  add(last.end, " });", false);
  plan.local.push([stmts[0].getStart(sf), last.end]);
}

/**
 * `%who`, `%whos`, `%reset`, `%load_ext`: a call of their own where the magic's line was, as
 * IPython runs a line magic (`get_ipython().run_line_magic(...)`, a statement). The line must
 * therefore be between statements (at the top level or in a block), not inside one. `%reset`
 * without -f awaits its question's answer, so it needs a place where `await` is allowed.
 */
function planStatementMagic(sf: ts.SourceFile, m: FoundMagic, add: (at: number, text: string, first?: boolean) => void): void {
  const enclosing = enclosingNode(sf, m.at);
  if (!statementList(enclosing)) {
    throw new MagicUsageError(`\`%${m.name}\` must be on a line between statements (it runs as a statement of its own, as in IPython), not inside an expression or a statement`, m.at);
  }
  const argument = m.argument!;
  let call: string;
  if (m.reset) {
    const asks = !m.reset.force;
    if (asks && !insideAsync(enclosing)) {
      throw new MagicUsageError("`%reset` asks its question through input(), which is awaited: in a function that is not async, use `%reset -f`", m.at);
    }
    call = `${asks ? "await " : ""}${R}.resetNamespace(${JSON.stringify(m.reset)})`;
  } else {
    call = m.name === "load_ext" ? `${R}.loadExt(${JSON.stringify(argument)})` : `${R}.${m.name}(${JSON.stringify(argument.split(/\s+/).filter(Boolean))})`;
  }
  // The `;` before it ends the statement above when that has none of its own.
  add(m.at, `;${call};`);
}

/** The innermost node whose text surrounds `at` (a blanked magic, so never on a token). */
function enclosingNode(sf: ts.SourceFile, at: number): ts.Node {
  let node: ts.Node = sf;
  for (;;) {
    const inner: ts.Node | undefined = ts.forEachChild(node, (child) => (child.getStart(sf) < at && at < child.end ? child : undefined));
    if (!inner) return node;
    node = inner;
  }
}

/** The statements that start on the magic's line, in the innermost statement list holding the first. */
function statementsOnLine(sf: ts.SourceFile, m: FoundMagic): ts.Statement[] {
  let list: readonly ts.Statement[] | undefined;
  const visit = (node: ts.Node): void => {
    if (list) return;
    const stmts = statementList(node);
    if (stmts) {
      const hit = stmts.find((s) => s.getStart(sf) === m.code);
      if (hit) {
        list = stmts;
        return;
      }
    }
    if (node.pos <= m.code && m.code < node.end) ts.forEachChild(node, visit);
  };
  visit(sf);
  return list ? list.filter((s) => s.getStart(sf) >= m.code && s.getStart(sf) < m.lineEnd) : [];
}

function statementList(node: ts.Node): readonly ts.Statement[] | undefined {
  if (ts.isSourceFile(node) || ts.isBlock(node) || ts.isModuleBlock(node) || ts.isCaseClause(node) || ts.isDefaultClause(node)) return node.statements;
  return undefined;
}

/** An `await` (or `for await`) of this statement's own, not of a function inside it. */
function containsAwait(node: ts.Node): boolean {
  if (ts.isAwaitExpression(node) || (ts.isForOfStatement(node) && node.awaitModifier)) return true;
  if (ts.isFunctionLike(node) || ts.isClassLike(node)) return false;
  return ts.forEachChild(node, containsAwait) ?? false;
}

function insideAsync(node: ts.Node): boolean {
  for (let p = node.parent; p; p = p.parent) {
    if (ts.isFunctionLike(p)) return (ts.getCombinedModifierFlags(p as ts.Declaration) & ts.ModifierFlags.Async) !== 0;
  }
  return true;
}

/** Magic names completing `%ti` / `%%ti` at the start of a line, or undefined when the cursor is not on one. */
export function completeMagic(code: string, cursor: number): { matches: string[]; start: number } | undefined {
  const lineStart = code.lastIndexOf("\n", cursor - 1) + 1;
  const m = /^[ \t]*(%%?)(\w*)$/.exec(code.slice(lineStart, cursor));
  if (!m) return undefined;
  const start = cursor - m[1].length - m[2].length;
  const names = m[1] === "%%" ? CELL_MAGICS.map((n) => `%%${n}`) : MAGIC_LIST;
  return { matches: names.filter((n) => n.startsWith(m[1] + m[2])), start };
}

const HELP: Record<string, string> = {
  "%%memit": "%%memit [-r<R> -q -o] (first line of a cell)\n\nRuns the cell, then prints memory_profiler's line:\n  peak memory: 265.31 MiB, increment: 76.30 MiB\nthe peak of this kernel's executor process (its resident set's high-water mark, exact, not sampled) and how far above the start it went. The cell's value and declarations are kept (with -r or -o the cell runs in a function, as %%timeit's).\n@example %%memit\nconst s = np.ones([1000, 1000]).mul(2).sum()",
  "%memit": "%memit [-r<R> -q -o] statement\n\nThe peak memory of the statements on its line, as memory_profiler's %memit prints it (see %%memit): a temporary the statement frees again counts, as it is in memory at the peak.\n@example %memit np.ones([10000000]).mul(2).sum()",
  "%%time": "%%time (first line of a cell)\n\nRuns the cell, then prints IPython's lines:\n  CPU times: user 1.2 ms, sys: 0 ns, total: 1.2 ms\n  Wall time: 1.5 ms\nThe cell's value and declarations are kept.\n@example %%time\nconst s = np.ones([1000, 1000]).sum()",
  "%time": "%time statement\n\nTimes the statements on its line (IPython's CPU times and Wall time lines); the rest of the cell runs untimed.\n@example %time const s = await x.sum().compute()",
  "%%timeit": "%%timeit [-n<N> -r<R> -p<P> -q -o] [setup]\n\nTimes the cell's body as IPython does: loops 1, 10, 100, ... until a run takes 0.2 s (or -n), 7 runs (or -r), then\n  12.3 µs ± 1.1 µs per loop (mean ± std. dev. of 7 runs, 100,000 loops each)\nThe setup (rest of the first line) runs before each run; -o makes the TimeitResult the cell's value.\n@example %%timeit -r 3\nnp.zeros([100, 100]).sum()",
  "%timeit": "%timeit [-n<N> -r<R> -p<P> -q -o] statement\n\nTimes the statements on its line as IPython's %timeit does (see %%timeit).\n@example %timeit np.zeros([100, 100]).sum()",
  "%who": "%who [type ...]\n\nThe names of the notebook's variables, as IPython's %who prints them (sorted, names starting with _ left out). With type names, only variables of those Python types: ndarray, Array (a lazy array), int, float, str, bool, NoneType, list, dict, function, type, or a class's name.\n@example %who ndarray",
  "%whos": "%whos [type ...]\n\nIPython's table of the notebook's variables: name, Python type and Data/Info (an np array's shape, elements, dtype and bytes; n= for a list or dict; str() of anything else). Type names filter as %who's.\n@example %whos ndarray",
  "%reset": "%reset [-f] [-s] [out | array]\n\nIPython's %reset: deletes every variable the notebook declared (what %who lists, and its _ names) and empties Out, as del() deletes a name: reading it is an error, assigning it binds it again, and the memory only those variables held can be freed. The preloaded np, da, xr, ... stay. Without -f it first asks through input(): Once deleted, variables cannot be recovered. Proceed (y/[n])? (a frontend without input resets without asking, as ipykernel). -s: only what %who lists, Out kept. out: only Out (Flushing output cache (N entries)). array: only the np arrays.\n@example %reset -f",
  "%load_ext": "%load_ext module\n\n%load_ext memory_profiler does nothing: %memit and %%memit are built in. Any other module is Python's ModuleNotFoundError, as in IPython for a module that is not installed.\n@example %load_ext memory_profiler",
};

/** The help of the magic under the cursor (inspect, Shift+Tab), or undefined when the cursor is not on one. */
export function magicHelp(code: string, cursor: number): string | undefined {
  const lineStart = code.lastIndexOf("\n", cursor - 1) + 1;
  const m = /^[ \t]*(%%?\w+)/.exec(code.slice(lineStart));
  if (!m || cursor > lineStart + m[0].length || cursor < lineStart + m[0].length - m[1].length) return undefined;
  return HELP[m[1]] ?? `${m[1]} is not a magic. The magics are ${MAGIC_LIST.join(", ")}`;
}
