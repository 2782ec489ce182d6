/**
 * The cell compiler: one TypeScript language service over a fixed set of virtual files
 * (the preloaded globals, the declaration history, the current cell), so that unchanged
 * files keep their parsed and bound SourceFiles between cells and only the cell is new.
 *
 * compile() type-checks a cell and emits the script the executor runs; nothing runs when
 * there is an error. record() carries a cell's declarations to later cells once it has run.
 */
import path from "node:path";
import ts from "typescript";
import { PRELOADED, PRELOADED_MODULES } from "../../lib/globals";
import { analyseCell, lineCol, MagicUsageError, parseCell, withoutMagics, type CellSource, type Insertion } from "./cell-source";
import { declarationFix, notCarried, reason, type DeclarationFix } from "./declaration-fallback";
import { completeMagic, magicHelp, MAGIC_RUNTIME_TYPE } from "./magics";
import { formatCompileError, toCellDiagnostics, type CellError } from "./diagnostics";
import { describeCompletions, type CompletionType } from "./completion-details";
import { inspectText, prepareDocsAt, quickInfoAt } from "./quick-info";
import { createDocumentRegistry } from "./bundled-docs";
import { DeclarationHistory, type HistorySnapshot } from "./history";
import { executorNodeTypes, LEAN_NODE_TYPES_FILE, needsFullNodeTypes, NodeTypes } from "./node-types";
import { standaloneProgram } from "./standalone-cell";
import { cellCompilerOptions, DEPENDENCIES_ROOT, PACKAGE_ROOT } from "./options";
import { declarationsToGlobals, importsToGlobals, moduleSyntaxToHooks, topLevelUsing } from "./transform";
import { RESERVED_GLOBALS } from "./reserved";
import { webGlobalsText } from "./web-globals";
import { emitLocalModule, fileVersion, isLocalSource, localModuleErrors, localModulesOf, type LocalModule } from "./local-modules";

export interface CompiledCell {
  ok: true;
  /** The script for the executor. */
  js: string;
  /** Its source map (v3 JSON), mapping to the checked text. */
  map: string;
  /** Where the compiler inserted text ("export ", magics), to map columns back to the user's text. */
  insertions: Insertion[];
  /** Names the cell declares at top level. */
  declared: string[];
  /** Key for record(). */
  id: number;
  /** The notebook's own TypeScript files the cell imports, compiled (local-modules.ts). */
  modules: LocalModule[];
  /** Checked on a program of its own (compileStandalone): the cell names nothing outside itself. */
  standalone?: true;
  /**
   * What the user should know about the declarations carried to later cells (stderr once the
   * cell has run): a name whose type cannot be written in a declaration is carried as `any`
   * (degradedDeclarations).
   */
  warnings?: string[];
}
export type CompileResult = CompiledCell | { ok: false; error: CellError };

interface Pending {
  sourceFile: ts.SourceFile;
  dts: string;
  checker: ts.TypeChecker;
  declared: Set<string>;
}

export interface CompletionResult {
  matches: string[];
  cursorStart: number; // UTF-16 offsets
  cursorEnd: number;
  /** Per match: function, method, property, variable, class, ...; a signature for callables. */
  types: CompletionType[];
}

const GLOBALS_NAME = "__lazylab_globals.d.ts";
/** The compiler's files that hold cells (not the globals): what the lean Node types' key leaves out. */
export const isCellFile = (f: string) => /__lazylab_(?:history|cell|scratch)/.test(path.basename(f));
const HISTORY_NAME = "__lazylab_history.ts";
const CELL_NAME = "__lazylab_cell.ts";
const SCRATCH_NAME = "__lazylab_scratch.ts";
const CACHE_LIMIT = 64;
/** Cells one checker serves before it is replaced (its memory grows ~20 KB per cell). */
const SHARED_LIMIT = 200;
/**
 * Recent declarations kept before the history is written instead (a cell gets those it names;
 * completion gets all, each costing ~25 µs to parse, bind and check).
 */
const MAX_RECENT = 256;
/** What a warm checker has already resolved: the names most cells use. */
const WARM_CELL = "const __lazylab_w = [1, 2].map((x) => x + 1).join(`${Math.max(1, 2)}`);\nconsole.log(__lazylab_w, np, Out);\nexport {};\n";
/**
 * 7016: "Could not find a declaration file for module 'x'". A notebook importing a plain
 * JavaScript package gets it typed `any`, as in a JavaScript file, instead of being refused.
 */
const TOLERATED = new Set([7016]);

export class CellCompiler {
  readonly history = new DeclarationHistory();
  private readonly files = new Map<string, { text: string; version: number }>();
  private readonly service: ts.LanguageService;
  private readonly host: ts.LanguageServiceHost;
  private readonly options: ts.CompilerOptions;
  private readonly cache = new Map<string, CompiledCell>();
  private readonly pending = new Map<number, Pending>();
  /** Declaring cells compileStandalone() answered, by id, until record(). */
  private readonly standalone = new Map<number, { code: string; cellName: string }>();
  private nextId = 1;
  private generation = 0;
  private filesChanged = true;
  /** Cells checked by the current program's checker, which keeps a little of each (~20 KB). */
  private sharedChecks = 0;
  private cellFiles = 0;
  // Weak, so that a program the language service has replaced (and its checker) can be collected.
  private checkedBy: WeakRef<ts.Program> | undefined;
  private warmed: WeakRef<ts.Program> | undefined;
  /**
   * Called each time the language service reads a file (while a program is built, ~240 times
   * for the first one) and, while it is set, after binding each file of a new program: the
   * compiler thread answers a first cell from there (worker.ts).
   */
  whileLoading: (() => void) | undefined;
  /** Programs whose checker has checked cells: each cost a new checker (for tests and benchmarks). */
  checkersBuilt = 0;
  /** recentDeclarations' entries for one history version and commit. */
  private recent: { key: string; entries: Array<{ name: string; text: string; words: Set<string> }> | undefined } | undefined;
  /** The history as the language service's history file holds it. */
  private committed!: HistorySnapshot;
  readonly cellPath: string;
  private readonly historyPath: string;
  private readonly scratchPath: string;
  /** Lean or full texts of Node's types (node-types.ts). */
  private readonly nodeTypes: NodeTypes;

  /**
   * `leanNodeTypes`: the lean texts of Node's types to use while no cell imports (false: always
   * the full types); `checkLibFiles`: type-check declaration files too (the build's check of
   * the lean texts).
   */
  constructor(readonly cwd: string = process.cwd(), options: { leanNodeTypes?: string | false; checkLibFiles?: boolean } = {}) {
    this.options = { ...cellCompilerOptions(), ...(options.checkLibFiles ? { skipLibCheck: false } : {}) };
    this.nodeTypes = new NodeTypes(options.leanNodeTypes === false ? null : (options.leanNodeTypes ?? LEAN_NODE_TYPES_FILE));
    this.cellPath = path.join(cwd, CELL_NAME);
    this.historyPath = path.join(cwd, HISTORY_NAME);
    this.scratchPath = path.join(cwd, SCRATCH_NAME);
    const globalsPath = path.join(cwd, GLOBALS_NAME);
    this.setFile(globalsPath, globalsText());
    this.commitHistory();
    this.setFile(this.cellPath, "export {};\n");
    this.setFile(this.scratchPath, "export {};\n");
    const registry = createDocumentRegistry();
    const host: ts.LanguageServiceHost = (this.host = {
      getCompilationSettings: () => this.options,
      getScriptFileNames: () => [globalsPath, this.historyPath, this.cellPath, this.scratchPath],
      // The notebook's own .ts files change while the kernel runs: their version is their mtime.
      getScriptVersion: (f) => this.nodeTypes.version(f) ?? (this.files.has(f) || !isLocalSource(f) ? String(this.files.get(f)?.version ?? 0) : (fileVersion(f) ?? "0")),
      getScriptSnapshot: (f) => {
        this.whileLoading?.();
        const v = this.files.get(f);
        if (v) return ts.ScriptSnapshot.fromString(v.text);
        const text = this.nodeTypes.text(f) ?? readBundled(f);
        return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
      },
      getCurrentDirectory: () => cwd,
      getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
      fileExists: (f) => this.files.has(f) || existsBundled(f),
      readFile: (f) => this.files.get(f)?.text ?? this.nodeTypes.text(f) ?? readBundled(f),
      readDirectory: ts.sys.readDirectory,
      directoryExists: ts.sys.directoryExists,
      getDirectories: ts.sys.getDirectories,
      realpath: ts.sys.realpath,
      useCaseSensitiveFileNames: () => ts.sys.useCaseSensitiveFileNames,
    });
    this.service = ts.createLanguageService(host, registry);
  }

  /** The whole warm-up at once: warmUpCheck() then warmUpRest(). */
  warmUp(): void {
    this.warmUpCheck();
    this.warmUpRest();
  }

  /**
   * Loads and binds the standard library and Node's types and builds the checker: the slow
   * first check, which a first cell cannot do without. Done at start.
   */
  warmUpCheck(): void {
    this.compile("const __lazylab_warm: number = 1 + 1; __lazylab_warm", "warm-up");
    this.cache.clear();
    this.pending.clear();
  }

  /**
   * What a first cell does not need: completion's code paths and the idle-time program
   * (prepare). The compiler thread runs it once it is idle, after the first cell if one is
   * waiting (worker.ts).
   */
  warmUpRest(): void {
    this.complete("Math.", 5);
    this.prepare();
  }

  compile(code: string, cellName: string): CompileResult {
    const key = `${this.history.version}\0${code}`;
    const hit = this.cache.get(key);
    if (hit) {
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    this.noteText(code);
    let cell: CellSource;
    try {
      cell = analyseCell(code, this.cellPath, this.history.deletedNames());
    } catch (e) {
      if (!(e instanceof MagicUsageError)) throw e;
      return { ok: false, error: magicError(e, code, cellName) };
    }
    const reserved = [...cell.declared].filter((n) => RESERVED_GLOBALS.has(n));
    if (reserved.length) {
      return {
        ok: false,
        error: {
          ename: "ReservedNameError",
          evalue: `cannot declare ${reserved.map((n) => `'${n}'`).join(", ")} at the top level of a notebook: it is a built-in global of Node.js`,
          traceback: [`${cellName}: choose another name for ${reserved.join(", ")}`],
        },
      };
    }
    let { program, sf, userEnd } = this.cellProgram(cell.checkedText, cell.declared);
    let errors = cellErrors(program, sf);
    if (userEnd !== undefined && errors.some((d) => (d.start ?? 0) >= userEnd!)) {
      // Never expected, but an error in the recent declarations appended to the cell is not
      // the user's: check the cell again with the whole history in the checker's globals.
      ({ program, sf } = this.cellProgram(cell.checkedText, cell.declared, true));
      errors = cellErrors(program, sf);
    }
    return this.finishCompile(key, code, cellName, cell, program, sf, errors);
  }

  /**
   * compile() of a fresh kernel's first cells, answered from a program of the cell alone
   * (standalone-cell.ts) when its check provably needs nothing else, so it gives what compile()
   * gives; undefined otherwise, and while any name has been declared (the history is not
   * empty). The compiler thread calls it while the full program is still being built.
   */
  compileStandalone(code: string, cellName: string): CompileResult | undefined {
    if (this.history.names().length || this.history.deletedNames().size || this.standalone.size || needsFullNodeTypes(code)) return undefined;
    let cell: CellSource;
    try {
      cell = analyseCell(code, this.cellPath, this.history.deletedNames());
    } catch {
      return undefined;
    }
    if ([...cell.declared].some((n) => RESERVED_GLOBALS.has(n))) return undefined;
    // The name compile() would give it (sharedFile): it is in the source map.
    const name = path.join(this.cwd, `__lazylab_cell_${this.cellFiles + 1}.ts`);
    const checked = standaloneProgram(cell.checkedText, name, this.options);
    if (!checked) return undefined;
    this.cellFiles++;
    const result = this.finishCompile(undefined, code, cellName, cell, checked.program, checked.sf, cellErrors(checked.program, checked.sf));
    if (result.ok) result.standalone = true;
    // Its declarations are recorded from the full program (record()).
    if (result.ok && cell.declared.size) {
      this.pending.delete(result.id);
      this.standalone.set(result.id, { code, cellName });
    }
    return result;
  }

  /**
   * compileStandalone()'s path once, on a cell of its own (`1 + 1` under a file name no cell
   * has), with nothing kept: the first cell a program of its own answers then runs warm code
   * (its parse, check and emit took 10-30 ms cold while the compiler thread started beside the
   * executor; docs/kernel.md, "Start"). Ids, file names and caches are untouched.
   */
  warmUpStandalone(): void {
    const code = "1 + 1";
    const cell = analyseCell(code, this.cellPath, new Set());
    const checked = standaloneProgram(cell.checkedText, path.join(this.cwd, "__lazylab_standalone_warm_up.ts"), this.options);
    if (!checked) return;
    const errors = cellErrors(checked.program, checked.sf);
    const id = this.nextId;
    this.finishCompile(undefined, code, "warm-up", cell, checked.program, checked.sf, errors);
    this.nextId = id;
  }

  /** compile() once the cell is checked: its errors, or its emit. `key`: for the cache (undefined: not cached). */
  private finishCompile(key: string | undefined, code: string, cellName: string, cell: CellSource, program: ts.Program, sf: ts.SourceFile, errors: ts.Diagnostic[]): CompileResult {
    if (errors.length) return { ok: false, error: formatCompileError(toCellDiagnostics(errors, cell, code), code, cellName) };
    // Only a cell that imports reaches local modules (it is checked in the language service's program).
    const localFiles = /\bimport\b/.test(code) ? localModulesOf(program, sf) : [];
    const moduleError = localFiles.length ? localModuleErrors(program, localFiles, TOLERATED, this.cwd, cellName) : undefined;
    if (moduleError) return { ok: false, error: moduleError };
    const modules = localFiles.map((f) => emitLocalModule(f, this.options));
    const checker = program.getTypeChecker();
    let js = "";
    let map = "";
    let dts = "";
    // declaration: true, so one emit gives the script, its map and the declarations. A cell
    // that declares nothing has no declarations to record: its emit skips them (the program's
    // options, switched for this synchronous call only), which measured 1-2 ms of a new cell's
    // 3-5 ms compile with the machine's caches cold between cells (bench/HISTORY.md).
    const options = program.getCompilerOptions();
    const declaration = options.declaration;
    if (!cell.declared.size) options.declaration = false;
    let emitted: ts.EmitResult;
    try {
      emitted = program.emit(sf, (name, text) => {
        if (name.endsWith(".map")) map = text;
        else if (name.endsWith(".d.ts")) dts = text;
        else if (name.endsWith(".js")) js = text;
      }, undefined, false, { before: [importsToGlobals(checker), moduleSyntaxToHooks, topLevelUsing], after: [declarationsToGlobals] });
    } finally {
      options.declaration = declaration;
    }
    js = js.replace(/\n\/\/# sourceMappingURL=.*\s*$/, "\n");
    let warnings: string[] | undefined;
    // TypeScript writes no .d.ts at all once one declaration cannot be written: without this,
    // every name of the cell would be unknown to later cells, without a word.
    if (cell.declared.size && !dts && emitted.diagnostics.length) {
      ({ dts, warnings } = this.degradedDeclarations(program, sf, emitted.diagnostics, cell));
    }
    const id = this.nextId++;
    if (cell.declared.size) {
      this.pending.set(id, { sourceFile: sf, dts, checker, declared: cell.declared });
      if (this.pending.size > 8) this.pending.delete(this.pending.keys().next().value!);
    }
    const result: CompiledCell = { ok: true, js, map, insertions: cell.insertions, declared: [...cell.declared], id, modules, ...(warnings?.length ? { warnings } : {}) };
    // A cell that declares names changes the history when it runs, so it is never a cache hit;
    // nor is one that imports local modules, which may have been edited since.
    if (key !== undefined && !cell.declared.size && !modules.length) {
      this.cache.set(key, result);
      if (this.cache.size > CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value!);
    }
    return result;
  }

  /**
   * A declaring cell's declarations when its declaration emit failed. TypeScript writes no
   * .d.ts once any declaration's type cannot be named in one (a value of a library's unexported
   * class, TS4023; a local class's private members, TS4094; a type only a dependency of the
   * library names, TS2883), which would drop every name of the cell. Instead each declaration a
   * diagnostic points at is annotated `: any` in a copy of the checked text (a top-level
   * statement that cannot be annotated is left out of it), and the copy's declarations are
   * emitted: every other name keeps its exact type. Each degraded name is a warning. Should
   * that fail (not expected: a diagnostic outside the user's text, or still diagnostics after
   * three rounds), no name of the cell is carried and the one warning says so. Never throws: a
   * cell that compiled must run.
   */
  private degradedDeclarations(program: ts.Program, sf: ts.SourceFile, diagnostics: readonly ts.Diagnostic[], cell: CellSource): { dts: string; warnings: string[] } {
    const warnings: string[] = [];
    try {
      let current = { program, sf };
      // Where the user's text (with the compiler's insertions) ends: recent declarations may follow.
      let userEnd = cell.checkedText.length;
      for (let round = 0; round < 3; round++) {
        const edits = new Map<number, { end: number; text: string }>();
        const reasons = new Map<string, { fix: DeclarationFix; texts: string[] }>();
        for (const d of diagnostics) {
          const fix = d.file === current.sf && d.start !== undefined ? declarationFix(current.sf, d.start, userEnd) : undefined;
          if (!fix) return { dts: "", warnings: [notCarried(cell.declared, diagnostics)] };
          const key = "at" in fix ? `${fix.at}` : `${fix.drop.pos}`;
          const entry = reasons.get(key) ?? { fix, texts: [] };
          entry.texts.push(reason(d));
          reasons.set(key, entry);
        }
        const dropped = [...reasons.values()].flatMap(({ fix }) => ("drop" in fix ? [fix.drop] : []));
        for (const { fix, texts } of reasons.values()) {
          const why = [...new Set(texts)].join("; ");
          if ("at" in fix) {
            if (dropped.some((d) => d.pos <= fix.at && fix.at <= d.end)) continue;
            edits.set(fix.at, { end: fix.at, text: ": any" });
            warnings.push(`Warning: ${fix.subject} 'any' in later cells: its type cannot be written in a declaration (${why}). Annotate it with a type later cells can name (${fix.example}) to keep its type.`);
          } else {
            edits.set(fix.drop.getStart(current.sf), { end: fix.drop.end, text: "" });
            const many = fix.names.length > 1;
            warnings.push(`Warning: ${fix.names.map((n) => `'${n}'`).join(", ")} ${many ? "are" : "is"} not carried to later cells: ${many ? "their declarations" : "its declaration"} cannot be written (${why}).`);
          }
        }
        let text = current.sf.text;
        for (const [at, e] of [...edits].sort((a, b) => b[0] - a[0])) {
          text = text.slice(0, at) + e.text + text.slice(e.end);
          if (at < userEnd) userEnd += e.text.length - (e.end - at);
        }
        const copy = this.emitDeclarations(current.program, current.sf, text);
        if (!copy.diagnostics.length) return { dts: copy.dts, warnings };
        current = copy;
        diagnostics = copy.diagnostics;
      }
      return { dts: "", warnings: [notCarried(cell.declared, diagnostics)] };
    } catch (e) {
      return { dts: "", warnings: [notCarried(cell.declared, [], (e as Error).message)] };
    }
  }

  /**
   * The declaration emit of `text`, a changed copy of `sf` (a cell), checked as `sf` is: on the
   * same checker when `sf` is a shared file (sharedFile), else in a program of its own that
   * reuses every other file of `program` (a new checker: this path is rare).
   */
  private emitDeclarations(program: ts.Program, sf: ts.SourceFile, text: string): { dts: string; diagnostics: readonly ts.Diagnostic[]; program: ts.Program; sf: ts.SourceFile } {
    let copy: ts.SourceFile;
    if (program.getSourceFile(sf.fileName) !== sf) {
      copy = this.sharedSourceFile(text);
      this.bindShared(copy);
    } else {
      const options = program.getCompilerOptions();
      const base = ts.createCompilerHost(options, true);
      const replaced = ts.createSourceFile(sf.fileName, text, { languageVersion: options.target!, impliedNodeFormat: sf.impliedNodeFormat }, true, ts.ScriptKind.TS);
      const host: ts.CompilerHost = {
        ...base,
        getSourceFile: (f, v) => (f === sf.fileName ? replaced : (program.getSourceFile(f) ?? base.getSourceFile(f, v))),
        fileExists: (f) => this.host.fileExists(f),
        readFile: (f) => this.host.readFile(f),
        getCurrentDirectory: () => this.cwd,
      };
      program = ts.createProgram({ rootNames: program.getRootFileNames(), options, host, oldProgram: program });
      copy = program.getSourceFile(sf.fileName)!;
    }
    let dts = "";
    const emitted = program.emit(copy, (name, t) => {
      if (name.endsWith(".d.ts")) dts = t;
    }, undefined, true);
    return { dts, diagnostics: emitted.diagnostics, program, sf: copy };
  }

  /**
   * The program a cell is checked in, the cell's SourceFile, and where the user's text ends in it.
   *
   * A cell that imports nothing and augments no global scope cannot change what any other
   * file means: it is a module whose names stay local. Such a cell is parsed and bound on
   * its own and checked by the checker of the current program (the language service's, which
   * holds the globals, the history and the standard library), under a file name of its own.
   * No new Program or checker is built, so the global symbol tables are not merged again and
   * the types the checker already resolved (Array, console, np, ...) are reused: that rebuild
   * was most of a new cell's cost (bench/compiler.ts).
   *
   * Declarations recorded since the checker's history was written are appended to such a
   * cell as module-level ambient declarations (`declare const x: number;`), which mean the
   * same to the cell as the global ones would, so a cell after a declaring cell needs no new
   * checker either. The history is written (a new program) at idle time (prepare), for
   * completion, and when the change cannot be expressed that way (a `del`, an import, or a
   * cell that declares a name those declarations refer to). Other cells go through the
   * language service as its cell file.
   */
  private cellProgram(checkedText: string, declared: ReadonlySet<string>, commit = false): { program: ts.Program; sf: ts.SourceFile; userEnd?: number } {
    const shared = commit ? undefined : this.sharedFile(checkedText, declared);
    if (shared) return shared;
    this.commitHistory();
    this.setFile(this.cellPath, checkedText);
    const program = this.languageServiceProgram();
    this.usedChecker(program);
    return { program, sf: program.getSourceFile(this.cellPath)! };
  }

  /**
   * `text` (a module) as a SourceFile of its own for the current program's checker, with the
   * recent declarations appended (userEnd: where they start), or undefined when it needs a
   * program of its own (see cellProgram).
   */
  private sharedFile(text: string, declared: ReadonlySet<string>, allRecent = false): { program: ts.Program; sf: ts.SourceFile; userEnd?: number } | undefined {
    if (/\bimport\b/.test(text)) return undefined;
    const preamble = this.recentDeclarations(declared, allRecent ? undefined : wordsOf(text));
    if (preamble === undefined) return undefined;
    const sf = this.sharedSourceFile(text + preamble);
    if (!isSelfContained(sf)) return undefined;
    const program = this.currentProgram();
    this.bindShared(sf);
    return { program, sf, userEnd: preamble ? text.length : undefined };
  }

  /** `text` as a SourceFile of its own, under a file name no other cell has, for bindShared(). */
  private sharedSourceFile(text: string): ts.SourceFile {
    const name = path.join(this.cwd, `__lazylab_cell_${++this.cellFiles}.ts`);
    // No parent pointers from the parser: binding sets them.
    const sf = ts.createSourceFile(name, text, { languageVersion: this.options.target!, impliedNodeFormat: undefined }, false, ts.ScriptKind.TS);
    return Object.assign(sf, { path: name, resolvedPath: name, originalFileName: name });
  }

  /** Binds a sharedSourceFile() for the current program's checker (call currentProgram() first). */
  private bindShared(sf: ts.SourceFile): void {
    this.sharedChecks++;
    (ts as unknown as { bindSourceFile(f: ts.SourceFile, o: ts.CompilerOptions): void }).bindSourceFile(sf, this.options);
  }

  /**
   * Declarations recorded since the history file was written, as ambient declarations for the
   * end of a cell, or undefined when they cannot stand in for the history file. Only those the
   * text names (`words`; all for completion, which lists them), with those they name in turn:
   * each costs a cell time to check. Names the cell declares itself are left out (its
   * declarations replace them, as a re-run should), and a declaration that refers to such a
   * name would refer to the cell's instead: undefined then.
   */
  private recentDeclarations(declared: ReadonlySet<string>, words?: ReadonlySet<string>): string | undefined {
    const key = `${this.history.version} ${this.committed.version}`;
    if (this.recent?.key !== key) {
      const changes = this.history.changesSince(this.committed);
      this.recent = {
        key,
        entries: changes && [...changes].map(([name, texts]) => {
          const text = texts.map(ambient).join("\n");
          // Words of the declarations, not of their TSDoc: those decide what a cell needs.
          return { name, text, words: wordsOf(texts.map((t) => t.slice(leadingDoc(t).length)).join("\n")) };
        }),
      };
    }
    const entries = this.recent.entries;
    if (!entries || entries.length > MAX_RECENT) return undefined;
    let kept = entries.filter((e) => !declared.has(e.name));
    if (words) {
      const named = new Set<string>();
      const visit = (ws: ReadonlySet<string>) => {
        for (const e of kept) {
          if (named.has(e.name) || !ws.has(e.name)) continue;
          named.add(e.name);
          visit(e.words);
        }
      };
      visit(words);
      kept = kept.filter((e) => named.has(e.name));
    }
    // `import("m").T` needs module resolution, which only a file of the program gets.
    if (kept.some((e) => e.words.has("import"))) return undefined;
    if (!kept.length) return "";
    for (const name of declared) if (kept.some((e) => e.words.has(name))) return undefined;
    return "\n" + kept.map((e) => e.text).join("\n") + "\n";
  }

  /** The language service's program (the first one with lean Node types is checked against their key). */
  languageServiceProgram(): ts.Program {
    let program = this.service.getProgram()!;
    if (this.nodeTypes.verify(program, isCellFile)) {
      this.filesChanged = true;
      program = this.service.getProgram()!;
    }
    if (this.whileLoading) {
      // Binding every file is a fifth of the first check and reads no file: bound here one
      // at a time (what the checker would do first; it binds only files not yet bound), the
      // compiler thread can answer a first cell between them too.
      const bind = (ts as unknown as { bindSourceFile(f: ts.SourceFile, o: ts.CompilerOptions): void }).bindSourceFile;
      for (const sf of program.getSourceFiles()) {
        bind(sf, program.getCompilerOptions());
        this.whileLoading?.();
      }
    }
    return program;
  }

  /** Full Node types from now on if `text` may reach beyond the lean ones. */
  private noteText(text: string): void {
    if (this.nodeTypes.forText(text)) this.filesChanged = true;
  }

  /** "lean" while cells get the lean Node types (node-types.ts). */
  get nodeTypesMode(): "lean" | "full" {
    return this.nodeTypes.mode;
  }

  private usedChecker(program: ts.Program): void {
    if (program === this.checkedBy?.deref()) return;
    this.checkedBy = new WeakRef(program);
    this.sharedChecks = 0;
    this.checkersBuilt++;
  }

  /** Gives the language service the whole history (its next program has a new checker). */
  private commitHistory(): void {
    this.setFile(this.historyPath, this.history.text());
    this.committed = this.history.snapshot();
  }

  /** The language service's program, renewed after SHARED_LIMIT cells so old cells' types are let go. */
  private currentProgram(): ts.Program {
    if (this.sharedChecks >= SHARED_LIMIT) {
      this.setFile(this.cellPath, `export {};\n// checker ${++this.generation}\n`);
    }
    // Asking the language service costs a version check of every file (~0.2 ms): skip it
    // while none of ours changed (bundled files never do).
    const unchanged = this.filesChanged ? undefined : this.checkedBy?.deref();
    const program = unchanged ?? this.languageServiceProgram();
    this.filesChanged = false;
    this.usedChecker(program);
    return program;
  }

  /**
   * Idle-time work (the compiler thread has nothing else to do while a cell runs or the user
   * types): when the next cell would need a new program anyway (a `del` or an import in the
   * history, many recent declarations, or a checker that has served SHARED_LIMIT / 2 cells),
   * builds and warms it now, so that cell does not pay for it. Not otherwise: each program the
   * language service builds leaves ~0.6 MB behind (measured over 120 programs), so the
   * history is written only when needed. Returns whether there was anything to do.
   */
  prepare(): boolean {
    if (this.sharedChecks >= SHARED_LIMIT / 2) this.sharedChecks = SHARED_LIMIT;
    const recent = this.recentDeclarations(new Set());
    if (recent === undefined || (this.recent?.entries?.length ?? 0) > MAX_RECENT / 4) this.commitHistory();
    const program = this.currentProgram();
    if (program === this.warmed?.deref()) return false;
    this.warmed = new WeakRef(program);
    const { program: p, sf } = this.cellProgram(WARM_CELL, new Set());
    p.getSemanticDiagnostics(sf);
    p.emit(sf, () => undefined);
    return true;
  }

  /** Carries a compiled cell's declarations to later cells (call once it has run). */
  record(id: number): void {
    const standalone = this.standalone.get(id);
    if (standalone) {
      // Checked on a program of its own: compiled again in the full one (the same result) for its declarations.
      this.standalone.delete(id);
      const again = this.compile(standalone.code, standalone.cellName);
      if (again.ok) this.record(again.id);
      return;
    }
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    this.history.record(p.sourceFile, p.dts, p.checker, p.declared);
  }

  /** Names removed by `del(...)`. */
  forget(names: string[]): void {
    this.history.forget(names);
  }

  reset(): void {
    this.history.clear();
    this.standalone.clear();
    this.cache.clear();
    this.pending.clear();
    this.commitHistory();
    this.setFile(this.cellPath, "export {};\n");
    this.setFile(this.scratchPath, "export {};\n");
    if (this.nodeTypes.restart()) this.filesChanged = true;
  }

  complete(code: string, cursor: number): CompletionResult {
    const magic = completeMagic(code, cursor);
    if (magic) return { matches: magic.matches, cursorStart: magic.start, cursorEnd: cursor, types: magic.matches.map((text) => ({ text, type: "magic" })) };
    code = withoutMagics(code);
    this.noteText(code);
    let start = cursor;
    while (start > 0 && /[\w$]/.test(code[start - 1])) start--;
    let end = cursor;
    while (end < code.length && /[\w$]/.test(code[end])) end++;
    const prefix = code.slice(start, cursor);
    // The `;` ends whatever the user's text leaves open (`np.`), so `export {}` keeps it a module.
    const text = code + "\n;export {};\n";
    const options: ts.GetCompletionsAtPositionOptions = { includeCompletionsWithInsertText: true, includeCompletionsForModuleExports: false, includeSymbol: true };
    // Like a cell, completion runs on the current program's checker when it can: a program
    // of its own would cost a new checker per keystroke (bench/compiler.ts).
    let program: ts.Program | undefined;
    let info: ts.CompletionInfo | undefined;
    const shared = this.sharedFile(text, analyseCell(code, this.scratchPath).declared, true);
    if (shared) {
      try {
        info = sharedCompletions(this.host, shared.program, shared.sf, cursor, options);
        program = shared.program;
      } catch {
        program = undefined;
      }
    }
    if (!program) {
      this.commitHistory();
      this.setFile(this.scratchPath, text);
      program = this.languageServiceProgram();
      info = this.service.getCompletionsAtPosition(this.scratchPath, cursor, options);
    }
    const entries = (info?.entries ?? [])
      .filter((e) => !e.name.startsWith("__lazylab") && e.name.toLowerCase().startsWith(prefix.toLowerCase()))
      .sort((a, b) => Number(!a.name.startsWith(prefix)) - Number(!b.name.startsWith(prefix)) || (a.sortText < b.sortText ? -1 : a.sortText > b.sortText ? 1 : a.name.localeCompare(b.name)));
    return {
      matches: entries.map((e) => e.name),
      cursorStart: start,
      cursorEnd: end,
      types: describeCompletions(program.getTypeChecker(), entries),
    };
  }

  /**
   * Signature and TSDoc of the name at the cursor, as Jupyter's inspect shows it. Like a cell
   * and completion, on the current program's checker when it can (quick-info.ts); through the
   * language service (a program of its own) otherwise.
   */
  inspect(code: string, cursor: number, via: "shared" | "service" = "shared"): string | undefined {
    const help = magicHelp(code, cursor);
    if (help) return help;
    code = withoutMagics(code);
    this.noteText(code);
    const text = code + "\nexport {};\n";
    const positions = [cursor, cursor - 1].filter((p) => p >= 0);
    // `via: "service"` (tests) asks the language service, the reference the shared path follows.
    const shared = via === "shared" ? this.sharedFile(text, analyseCell(code, this.scratchPath).declared) : undefined;
    if (shared) {
      try {
        const checker = shared.program.getTypeChecker();
        for (const pos of positions) {
          const q = quickInfoAt(checker, shared.sf, pos);
          if (q) return inspectText(q);
        }
        return undefined;
      } catch {
        // fall through to the language service
      }
    }
    this.commitHistory();
    this.setFile(this.scratchPath, text);
    const program = this.languageServiceProgram();
    this.usedChecker(program);
    for (const pos of positions) {
      prepareDocsAt(program.getTypeChecker(), program.getSourceFile(this.scratchPath)!, pos);
      const q = this.service.getQuickInfoAtPosition(this.scratchPath, pos);
      if (q) return inspectText(q);
    }
    return undefined;
  }

  private setFile(f: string, text: string): void {
    const old = this.files.get(f);
    if (old && old.text === text) return;
    this.files.set(f, { text, version: (old?.version ?? 0) + 1 });
    this.filesChanged = true;
  }
}

export type IsComplete = { status: "complete" } | { status: "incomplete"; indent: string } | { status: "invalid" };

/** Whether a frontend should run the code or let the user keep typing (console-style). */
export function isComplete(code: string): IsComplete {
  code = withoutMagics(code);
  const sf = parseCell(code, "is-complete.ts") as ts.SourceFile & { parseDiagnostics?: ts.Diagnostic[] };
  const diags = sf.parseDiagnostics ?? [];
  if (!diags.length) return { status: "complete" };
  const end = code.trimEnd().length;
  if (diags.some((d) => (d.start ?? 0) >= end || d.code === 1160 /* unterminated template */)) {
    const lastLine = code.slice(code.lastIndexOf("\n") + 1);
    const indent = /^\s*/.exec(lastLine)![0];
    return { status: "incomplete", indent: /[{([]\s*$/.test(code) ? indent + "    " : indent };
  }
  return { status: "invalid" };
}

// The standard library and the bundled types never change while the kernel runs: read them
// once. Files elsewhere (the notebook's own node_modules) are read afresh, as they may change.
const bundledRoots = [DEPENDENCIES_ROOT + path.sep, path.join(PACKAGE_ROOT, "dist", "lib") + path.sep];
const isBundled = (f: string) => bundledRoots.some((r) => f.startsWith(r));
const bundledText = new Map<string, string | undefined>();
const bundledExists = new Map<string, boolean>();

function readBundled(f: string): string | undefined {
  if (!isBundled(f)) return ts.sys.readFile(f);
  if (!bundledText.has(f)) {
    const text = ts.sys.readFile(f);
    bundledText.set(f, text === undefined ? undefined : executorNodeTypes(f, text));
  }
  return bundledText.get(f);
}

function existsBundled(f: string): boolean {
  if (!isBundled(f)) return ts.sys.fileExists(f);
  let e = bundledExists.get(f);
  if (e === undefined) bundledExists.set(f, (e = ts.sys.fileExists(f)));
  return e;
}

/**
 * The language service's completion list for a SourceFile the service does not hold, on a
 * program's checker: TypeScript's own completion code (its `Completions` namespace, what
 * getCompletionsAtPosition calls once it has found the file). Not public API: typescript is
 * pinned in package.json, and complete() falls back to the language service if this throws.
 */
function sharedCompletions(host: ts.LanguageServiceHost, program: ts.Program, sf: ts.SourceFile, pos: number, options: ts.GetCompletionsAtPositionOptions): ts.CompletionInfo | undefined {
  const completions = (ts as unknown as { Completions: { getCompletionsAtPosition(...a: unknown[]): ts.CompletionInfo | undefined } }).Completions;
  const never = { isCancellationRequested: () => false, throwIfCancellationRequested: () => undefined };
  return completions.getCompletionsAtPosition(host, program, () => undefined, sf, pos, options, undefined, undefined, never, undefined, true);
}

/** A recorded declaration as an ambient one, after its TSDoc (which must lead the statement to stay its documentation). */
function ambient(text: string): string {
  const doc = leadingDoc(text);
  return `${doc}declare ${text.slice(doc.length)}`;
}

function leadingDoc(text: string): string {
  return /^(?:\/\*[\s\S]*?\*\/\s*)*/.exec(text)![0];
}

/** The identifiers (and other words) of a text. */
function wordsOf(text: string): Set<string> {
  return new Set(text.match(/[\p{ID_Continue}$\u200c\u200d]+/gu));
}

/** A bad magic as a compile error: IPython's `UsageError`, at the magic's line. */
function magicError(e: MagicUsageError, code: string, cellName: string): CellError {
  const { line, col } = lineCol(code, e.offset);
  return {
    ename: e.name,
    evalue: e.message,
    traceback: [`Cell ${cellName}, line ${line + 1}, column ${col + 1}`, `--> ${String(line + 1).padStart(3)} | ${code.split("\n")[line]}`, `${e.name}: ${e.message}`],
  };
}

function cellErrors(program: ts.Program, sf: ts.SourceFile): ts.Diagnostic[] {
  const syntactic = program.getSyntacticDiagnostics(sf);
  const diags = syntactic.length ? syntactic : program.getSemanticDiagnostics(sf);
  return diags.filter((d) => d.category === ts.DiagnosticCategory.Error && !TOLERATED.has(d.code));
}

/** A module that imports nothing, references nothing and augments no global or module scope. */
function isSelfContained(sf: ts.SourceFile): boolean {
  if (sf.referencedFiles.length || sf.typeReferenceDirectives.length || sf.libReferenceDirectives.length) return false;
  return sf.statements.every((s) =>
    !(ts.isModuleDeclaration(s) && !ts.isIdentifier(s.name)) &&
    !(ts.isModuleDeclaration(s) && s.flags & ts.NodeFlags.GlobalAugmentation) &&
    !(ts.isExportDeclaration(s) && s.moduleSpecifier) &&
    !ts.isImportDeclaration(s) && !ts.isImportEqualsDeclaration(s));
}

/**
 * The preloaded names, typed from the library. `__lazylab` is also a global namespace alias of
 * the library so that declaration emit can name its types (`__lazylab.np.NDArray` rather than
 * `import("/path/dist/lib/np").NDArray`): a recorded declaration then needs no module
 * resolution and can be appended to later cells (CellCompiler.recentDeclarations). It exists
 * for the type checker only; completion hides `__lazylab` names.
 */
function globalsText(): string {
  const lines = [`import * as __lazylab_module from "lazylab";`, "export {};", "declare global {", "  export import __lazylab = __lazylab_module;"];
  for (const name of PRELOADED) {
    lines.push(PRELOADED_MODULES.has(name) ? `  export import ${name} = __lazylab.${name};` : `  const ${name}: typeof __lazylab.${name};`);
  }
  lines.push("  /** Node's gc function with Python's gc module's functions (lib/gc): `gc.collect()`. */");
  lines.push("  namespace NodeJS { interface GCFunction extends __lazylab.gc.GcModule {} }");
  lines.push(MAGIC_RUNTIME_TYPE);
  lines.push("  /** Results of earlier cells by execution count, like IPython's Out: they stay in memory while listed here. */");
  lines.push("  const Out: Record<number, unknown>;");
  lines.push(webGlobalsText());
  lines.push("}");
  return lines.join("\n") + "\n";
}

export type { CellSource };
