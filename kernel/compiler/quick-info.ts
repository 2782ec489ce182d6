/**
 * What inspect_request shows for the name at the cursor: its signature and TSDoc, as the
 * language service's quick info gives them, but computed on a checker for a SourceFile the
 * language service does not hold (a cell checked on the shared checker, service.ts), so an
 * inspect costs no new Program or checker.
 *
 * This follows TypeScript's own getQuickInfoAtPosition step by step with the functions it
 * calls (not public API: typescript is pinned in package.json, and CellCompiler.inspect falls
 * back to the language service if anything here throws).
 */
import ts from "typescript";
import { attachDocs } from "./bundled-docs";
import { userFacing } from "./diagnostics";

/** The language service's default truncation of a hover's type text. */
const MAXIMUM_LENGTH = 500;

interface Internals {
  getTouchingPropertyName(sf: ts.SourceFile, pos: number): ts.Node;
  getContainerNode(node: ts.Node): ts.Declaration | undefined;
  getContainingObjectLiteralElement(node: ts.Node): (ts.ObjectLiteralElement & { parent: ts.ObjectLiteralExpression }) | undefined;
  getPropertySymbolsFromContextualType(node: ts.ObjectLiteralElement, checker: ts.TypeChecker, type: ts.Type, unionSymbolOk: boolean): readonly ts.Symbol[];
  typeToDisplayParts(checker: ts.TypeChecker, type: ts.Type, enclosing?: ts.Node): ts.SymbolDisplayPart[];
  SymbolDisplay: {
    getSymbolDisplayPartsDocumentationAndSymbolKind(
      checker: ts.TypeChecker, symbol: ts.Symbol, sf: ts.SourceFile, enclosing: ts.Node | undefined, location: ts.Node,
      meaning: undefined, alias: undefined, maximumLength: number,
    ): { displayParts: ts.SymbolDisplayPart[]; documentation: ts.SymbolDisplayPart[]; tags: ts.JSDocTagInfo[] | undefined };
  };
}
const internals = ts as unknown as Internals;

type Info = Pick<ts.QuickInfo, "displayParts" | "documentation" | "tags">;

/** Display parts, documentation and tags of the name at `pos` in `sf`, or undefined (nothing there). */
export function quickInfoAt(checker: ts.TypeChecker, sf: ts.SourceFile, pos: number): Info | undefined {
  const touching = internals.getTouchingPropertyName(sf, pos);
  if (touching === sf) return undefined;
  const node = nodeForQuickInfo(touching);
  const symbol = symbolForQuickInfo(node, checker);
  prepareDocs(checker, node, symbol);
  if (!symbol || (checker as ts.TypeChecker & { isUnknownSymbol(s: ts.Symbol): boolean }).isUnknownSymbol(symbol)) {
    // `this`, a property access on an untyped value...: the type, as the language service shows it.
    if (!ts.isIdentifier(node) && !ts.isPropertyAccessExpression(node) && !ts.isQualifiedName(node) && node.kind !== ts.SyntaxKind.ThisKeyword) return undefined;
    const type = checker.getTypeAtLocation(node);
    return {
      displayParts: internals.typeToDisplayParts(checker, type, internals.getContainerNode(node)),
      documentation: type.symbol?.getDocumentationComment(checker),
      tags: type.symbol?.getJsDocTags(checker),
    };
  }
  const { displayParts, documentation, tags } = internals.SymbolDisplay.getSymbolDisplayPartsDocumentationAndSymbolKind(
    checker, symbol, sf, internals.getContainerNode(node), node, undefined, undefined, MAXIMUM_LENGTH);
  return { displayParts, documentation, tags };
}

/**
 * Before quick info at `pos` is computed (here or by the language service): TSDoc for whatever
 * it may document there, from files parsed without it (bundled-docs.ts).
 */
export function prepareDocsAt(checker: ts.TypeChecker, sf: ts.SourceFile, pos: number): void {
  const touching = internals.getTouchingPropertyName(sf, pos);
  if (touching === sf) return;
  const node = nodeForQuickInfo(touching);
  prepareDocs(checker, node, symbolForQuickInfo(node, checker));
}

/** The symbol's declarations (and an alias's target's), and those of its type's and the node's type's signatures. */
function prepareDocs(checker: ts.TypeChecker, node: ts.Node, symbol: ts.Symbol | undefined): void {
  const decls: ts.Node[] = [];
  const types: ts.Type[] = [checker.getTypeAtLocation(node)];
  for (const s of symbol ? [symbol, ...(symbol.flags & ts.SymbolFlags.Alias ? [checker.getAliasedSymbol(symbol)] : [])] : []) {
    decls.push(...(s.declarations ?? []));
    if (s.flags & ts.SymbolFlags.Value) types.push(checker.getTypeOfSymbolAtLocation(s, node));
  }
  for (const t of types) {
    decls.push(...(t.symbol?.declarations ?? []));
    for (const sig of [...t.getCallSignatures(), ...t.getConstructSignatures()]) if (sig.declaration) decls.push(sig.declaration);
  }
  attachDocs(decls);
}

/** `new C(...)`'s quick info is C's constructor: the language service looks at the expression. */
function nodeForQuickInfo(node: ts.Node): ts.Node {
  if (ts.isNewExpression(node.parent) && node.pos === node.parent.pos) return node.parent.expression;
  return node;
}

/** A property in an object literal means the contextual type's property, as in the language service. */
function symbolForQuickInfo(node: ts.Node, checker: ts.TypeChecker): ts.Symbol | undefined {
  const element = internals.getContainingObjectLiteralElement(node);
  if (element) {
    const contextual = checker.getContextualType(element.parent);
    const props = contextual && internals.getPropertySymbolsFromContextualType(element, checker, contextual, false);
    if (props && props.length === 1) return props[0];
  }
  return checker.getSymbolAtLocation(node);
}

/** The text inspect_request shows: signature, TSDoc, then its tags. */
export function inspectText(q: Info): string {
  // A re-exported library function shows as "(alias) zeros(...)\nexport zeros": the
  // signature is what matters, not how the name reached the notebook.
  const sig = ts.displayPartsToString(q.displayParts).replace(/^\(alias\) /, "").replace(/\n(?:export|import) [\w$]+$/, "");
  const doc = ts.displayPartsToString(q.documentation);
  const tags = (q.tags ?? []).map((t) => `@${t.name} ${ts.displayPartsToString(t.text)}`.trimEnd());
  return userFacing([sig, doc, ...tags].filter((s) => s).join("\n\n"));
}
