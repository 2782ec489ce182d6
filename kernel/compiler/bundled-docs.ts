/**
 * The standard library and Node's types are parsed without their TSDoc, which is read back
 * only for the symbol an inspect asks about.
 *
 * Two thirds of those files' text is TSDoc (1.8 of 2.9 MB), and parsing it into JSDoc nodes
 * that stay in every SourceFile cost the compiler thread ~8 MB of heap (bench/HISTORY.md). Type
 * checking never reads JSDoc in .d.ts files, so nothing else changes. The library's own types
 * (dist/lib) and the notebook's cells keep their TSDoc parsed.
 */
import ts from "typescript";

/** Files whose TSDoc is not parsed: TypeScript's lib files, Node's types and what they import. */
export function withoutParsedDocs(fileName: string): boolean {
  return /[\\/]node_modules[\\/](?:typescript[\\/]lib|@types[\\/]node|undici-types)[\\/][^\\/]*/.test(fileName);
}

/**
 * A document registry that parses the files withoutParsedDocs names with
 * JSDocParsingMode.ParseNone and every other file as usual (TypeScript's registries take one
 * mode each, so this routes each file to one of two).
 */
export function createDocumentRegistry(): ts.DocumentRegistry {
  const all = ts.createDocumentRegistry();
  const none = ts.createDocumentRegistry(undefined, undefined, ts.JSDocParsingMode.ParseNone);
  const pick = (fileName: string) => (withoutParsedDocs(fileName) ? none : all);
  const options = (fileName: string, o: ts.CreateSourceFileOptions | ts.ScriptTarget | undefined) =>
    withoutParsedDocs(fileName) && typeof o === "object" ? { ...o, jsDocParsingMode: ts.JSDocParsingMode.ParseNone } : o;
  return {
    acquireDocument: (f, s, snap, v, kind, o) => pick(f).acquireDocument(f, s, snap, v, kind, options(f, o)),
    acquireDocumentWithKey: (f, p, s, key, snap, v, kind, o) => pick(f).acquireDocumentWithKey(f, p, s, key, snap, v, kind, options(f, o)),
    updateDocument: (f, s, snap, v, kind, o) => pick(f).updateDocument(f, s, snap, v, kind, options(f, o)),
    updateDocumentWithKey: (f, p, s, key, snap, v, kind, o) => pick(f).updateDocumentWithKey(f, p, s, key, snap, v, kind, options(f, o)),
    getKeyForCompilationSettings: (s) => all.getKeyForCompilationSettings(s),
    releaseDocument: (f: string, s: ts.CompilerOptions, kind?: ts.ScriptKind, mode?: ts.ResolutionMode) => pick(f).releaseDocument(f, s, kind!, mode),
    releaseDocumentWithKey: (p: ts.Path, key: ts.DocumentRegistryBucketKey, kind?: ts.ScriptKind, mode?: ts.ResolutionMode) => pick(p).releaseDocumentWithKey(p, key, kind!, mode),
    reportStats: () => all.reportStats() + none.reportStats(),
  } as ts.DocumentRegistry;
}

const attached = new WeakSet<ts.Node>();

/**
 * Gives declarations from files parsed without TSDoc their TSDoc nodes, parsed from the file's
 * text as the parser would have (each `/** ... *\/` before the declaration, or before the
 * statement of a variable), so that TypeScript's own quick info then documents them exactly as
 * with everything parsed. Declarations in other files are left alone.
 */
export function attachDocs(declarations: Iterable<ts.Node>): void {
  for (const decl of declarations) {
    const host = ts.isVariableDeclaration(decl) && ts.isVariableDeclarationList(decl.parent) ? decl.parent.parent : decl;
    if (attached.has(host)) continue;
    attached.add(host);
    const sf = host.getSourceFile() as ts.SourceFile & { jsDocParsingMode?: ts.JSDocParsingMode };
    if (sf.jsDocParsingMode !== ts.JSDocParsingMode.ParseNone || (host as { jsDoc?: unknown }).jsDoc) continue;
    const comments = (ts.getLeadingCommentRanges(sf.text, host.pos) ?? []).filter((r) => sf.text.startsWith("/**", r.pos) && r.end - r.pos > 4);
    if (!comments.length) continue;
    const text = comments.map((r) => sf.text.slice(r.pos, r.end)).join("\n");
    const mini = ts.createSourceFile("docs.ts", `${text}\ndeclare var docOf: 0;\n`, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    const jsDoc = (mini.statements[0] as ts.Node & { jsDoc?: ts.JSDoc[] }).jsDoc;
    if (jsDoc) Object.assign(host, { jsDoc });
  }
}
