/**
 * A cell checked on a program of its own, for a fresh kernel's first cell (docs/kernel.md,
 * "Start"): the full program (the standard library, Node's types, the library's, 1.7 MB of
 * declarations) takes the compiler thread ~0.9 s to parse and bind, while a cell such as `1+1`
 * or `const x: string = 1` needs none of it.
 *
 * The answer must be the one the full program gives, so this is used only for a cell whose
 * check provably consults nothing outside the cell. Every node of the cell is of a kind in
 * `SELF_CONTAINED_KINDS` (literals, operators, variable declarations, primitive type
 * annotations: nothing whose type comes from a declaration of the standard library, such as an
 * array literal (`Array<T>`), a call, a property access, `typeof`, a regular expression), and
 * every identifier resolves to a declaration in the cell itself. Declarations elsewhere can
 * then only matter through the global types the checker requires to exist (`Array`, `Object`,
 * ...), which `MINIMAL_LIB` declares and the cell never reaches. Anything else is undefined
 * here and goes to the full program.
 */
import path from "node:path";
import ts from "typescript";

/** The global types TypeScript's checker requires (createTypeChecker's getGlobalType(..., true)), empty. */
const MINIMAL_LIB = [
  "interface Array<T> { length: number; [n: number]: T }",
  "interface ReadonlyArray<T> { readonly length: number; readonly [n: number]: T }",
  "interface Boolean {}", "interface Function {}", "interface CallableFunction {}", "interface NewableFunction {}",
  "interface IArguments {}", "interface Number {}", "interface Object {}", "interface RegExp {}", "interface String {}",
].join("\n") + "\n";
const MINIMAL_LIB_NAME = "__lazylab_standalone_lib.d.ts";

const K = ts.SyntaxKind;
/** Node kinds whose checking needs no declaration outside the cell (tokens included: forEachChild visits them). */
const SELF_CONTAINED_KINDS = new Set<ts.SyntaxKind>([
  K.ExpressionStatement, K.VariableStatement, K.VariableDeclarationList, K.VariableDeclaration, K.Identifier,
  K.NumericLiteral, K.StringLiteral, K.NoSubstitutionTemplateLiteral, K.TemplateExpression, K.TemplateHead,
  K.TemplateSpan, K.TemplateMiddle, K.TemplateTail, K.TrueKeyword, K.FalseKeyword, K.NullKeyword,
  K.BinaryExpression, K.PrefixUnaryExpression, K.PostfixUnaryExpression, K.ParenthesizedExpression,
  K.ConditionalExpression, K.QuestionToken, K.ColonToken, K.ExportKeyword, K.ExportDeclaration, K.NamedExports,
  K.EmptyStatement, K.EndOfFileToken,
  // Annotations of primitive types only.
  K.NumberKeyword, K.StringKeyword, K.BooleanKeyword, K.LiteralType, K.UnionType,
  // Binary operators (none of them consults a declaration: `instanceof` and `in` are not here).
  K.PlusToken, K.MinusToken, K.AsteriskToken, K.SlashToken, K.PercentToken, K.AsteriskAsteriskToken,
  K.LessThanToken, K.GreaterThanToken, K.LessThanEqualsToken, K.GreaterThanEqualsToken, K.EqualsEqualsToken,
  K.ExclamationEqualsToken, K.EqualsEqualsEqualsToken, K.ExclamationEqualsEqualsToken, K.AmpersandAmpersandToken,
  K.BarBarToken, K.QuestionQuestionToken, K.AmpersandToken, K.BarToken, K.CaretToken, K.LessThanLessThanToken,
  K.GreaterThanGreaterThanToken, K.GreaterThanGreaterThanGreaterThanToken, K.EqualsToken, K.PlusEqualsToken,
  K.MinusEqualsToken, K.AsteriskEqualsToken, K.SlashEqualsToken, K.PercentEqualsToken, K.AsteriskAsteriskEqualsToken,
  K.CommaToken,
]);

/** `text` (a cell's checked text) in a program of its own under `fileName`, or undefined when its check could depend on anything else. */
export function standaloneProgram(text: string, fileName: string, options: ts.CompilerOptions): { program: ts.Program; sf: ts.SourceFile } | undefined {
  if (/\bimport\b|\brequire\b|\/\/\/|@jsx/.test(text)) return undefined; // cheap refusals before parsing
  const libPath = path.join(path.dirname(fileName), MINIMAL_LIB_NAME);
  // Parsed as CellCompiler parses a cell of its own (sharedFile), so syntax errors are the same.
  const cell = ts.createSourceFile(fileName, text, { languageVersion: options.target!, impliedNodeFormat: undefined }, false, ts.ScriptKind.TS);
  const texts = new Map([[fileName, text], [libPath, MINIMAL_LIB]]);
  const opts: ts.CompilerOptions = { ...options, lib: undefined, types: [], typeRoots: undefined, paths: undefined };
  const host: ts.CompilerHost = {
    getSourceFile: (f, languageVersion) => (f === fileName ? cell : f === libPath ? ts.createSourceFile(f, MINIMAL_LIB, languageVersion) : undefined),
    getDefaultLibFileName: () => libPath,
    writeFile: () => undefined,
    getCurrentDirectory: () => path.dirname(fileName),
    getCanonicalFileName: (f) => f,
    useCaseSensitiveFileNames: () => true,
    getNewLine: () => "\n",
    fileExists: (f) => texts.has(f),
    readFile: (f) => texts.get(f),
    directoryExists: () => false,
    getDirectories: () => [],
  };
  const program = ts.createProgram({ rootNames: [fileName], options: opts, host });
  const sf = program.getSourceFile(fileName);
  if (!sf || program.getOptionsDiagnostics().length || program.getGlobalDiagnostics().length) return undefined;
  // Syntax errors are the same in any program (the parser reads the cell alone).
  if (program.getSyntacticDiagnostics(sf).length) return { program, sf };
  return selfContained(sf, program.getTypeChecker()) ? { program, sf } : undefined;
}

/** Every node of a kind that consults no declaration, every identifier one of the cell's own. */
function selfContained(sf: ts.SourceFile, checker: ts.TypeChecker): boolean {
  if (sf.referencedFiles.length || sf.typeReferenceDirectives.length || sf.libReferenceDirectives.length) return false;
  const visit = (node: ts.Node): boolean => {
    if (!SELF_CONTAINED_KINDS.has(node.kind)) return false;
    if (ts.isExportDeclaration(node) && (node.moduleSpecifier || node.isTypeOnly)) return false;
    if (ts.isIdentifier(node)) {
      const declarations = checker.getSymbolAtLocation(node)?.declarations;
      if (!declarations?.length || declarations.some((d) => d.getSourceFile() !== sf)) return false;
    }
    return !ts.forEachChild(node, (child) => (visit(child) ? undefined : true));
  };
  return sf.statements.every(visit);
}
