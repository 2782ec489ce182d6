/**
 * What each completion is, for Jupyter's `_jupyter_types_experimental`: a type (function,
 * method, property, variable, class, ...) and, for callables, a signature, as IPython sends.
 *
 * The language service's own entry details cost 2-5 ms each here (every call recomputes the
 * whole completion list), so 60 members of `np.` took ~200 ms. Instead the symbols are looked
 * up once with the checker of the program the completion ran in: the members of the type left
 * of the dot, or the names in scope. At most DETAIL_LIMIT entries are described; the rest keep
 * the type the entry's kind gives and no signature.
 */
import ts from "typescript";

/** Entries described with a signature; beyond this they get a type from their kind only. */
export const DETAIL_LIMIT = 150;

export interface CompletionType {
  text: string;
  type: string;
  signature?: string;
}

export function describeCompletions(
  program: ts.Program,
  fileName: string,
  wordStart: number,
  entries: readonly ts.CompletionEntry[],
): CompletionType[] {
  const sf = program.getSourceFile(fileName);
  const checker = program.getTypeChecker();
  const symbols = sf ? symbolsAt(sf, checker, wordStart) : undefined;
  return entries.map((e, i) => {
    const sym = i < DETAIL_LIMIT ? symbols?.(e.name) : undefined;
    if (!sym || e.kind === ts.ScriptElementKind.keyword) return { text: e.name, type: kindType(e.kind) };
    return { text: e.name, ...describe(sym, checker, e.kind, sf) };
  });
}

/** A lookup of names at the completion point: members after `x.`, else names in scope. */
function symbolsAt(sf: ts.SourceFile, checker: ts.TypeChecker, wordStart: number): ((name: string) => ts.Symbol | undefined) | undefined {
  let dot = wordStart - 1;
  while (dot >= 0 && /\s/.test(sf.text[dot])) dot--;
  const node = innermost(sf, Math.max(0, dot));
  if (sf.text[dot] === ".") {
    for (let n: ts.Node | undefined = node; n; n = n.parent) {
      if ((ts.isPropertyAccessExpression(n) || ts.isQualifiedName(n)) && n.getStart(sf) <= dot) {
        const left = ts.isPropertyAccessExpression(n) ? n.expression : n.left;
        if (left.end > dot) continue;
        const type = checker.getTypeAtLocation(left);
        const target = type.getNonNullableType();
        if (ts.isQualifiedName(n) || type.flags & ts.TypeFlags.Any) {
          const s = checker.getSymbolAtLocation(left);
          const ns = s && s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
          if (ns) {
            const exports = checker.getExportsOfModule(ns);
            if (exports.length) return (name) => exports.find((x) => x.name === name);
          }
        }
        return (name) => checker.getPropertyOfType(checker.getApparentType(target), name);
      }
    }
    return undefined;
  }
  const scope = new Map<string, ts.Symbol>();
  const flags = ts.SymbolFlags.Value | ts.SymbolFlags.Type | ts.SymbolFlags.Namespace | ts.SymbolFlags.Alias;
  for (const s of checker.getSymbolsInScope(node, flags)) if (!scope.has(s.name)) scope.set(s.name, s);
  return (name) => scope.get(name);
}

function innermost(sf: ts.SourceFile, pos: number): ts.Node {
  let found: ts.Node = sf;
  const visit = (n: ts.Node) => {
    if (n.pos <= pos && pos < n.end) {
      found = n;
      n.forEachChild(visit);
    }
  };
  sf.forEachChild(visit);
  return found;
}

function describe(symbol: ts.Symbol, checker: ts.TypeChecker, kind: string, at: ts.Node | undefined): { type: string; signature?: string } {
  const sym = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  const f = sym.flags;
  if (f & ts.SymbolFlags.Class) return { type: "class" };
  if (f & ts.SymbolFlags.Enum) return { type: "enum" };
  if (f & (ts.SymbolFlags.ValueModule | ts.SymbolFlags.NamespaceModule) && !(f & (ts.SymbolFlags.Function | ts.SymbolFlags.Variable))) return { type: "module" };
  if (!(f & ts.SymbolFlags.Value)) return { type: f & ts.SymbolFlags.Interface ? "interface" : "type" };
  const type = checker.getTypeOfSymbol(sym);
  const calls = type.getCallSignatures();
  const member = !!(f & (ts.SymbolFlags.Method | ts.SymbolFlags.Property | ts.SymbolFlags.Accessor)) || kind === ts.ScriptElementKind.memberFunctionElement;
  if (calls.length && f & (ts.SymbolFlags.Function | ts.SymbolFlags.Method | ts.SymbolFlags.Variable | ts.SymbolFlags.Property)) {
    const more = calls.length > 1 ? ` (+${calls.length - 1} overload${calls.length > 2 ? "s" : ""})` : "";
    return {
      type: f & ts.SymbolFlags.Method || (member && !(f & ts.SymbolFlags.Function)) ? "method" : "function",
      signature: checker.signatureToString(calls[0], calls[0].declaration ?? at, ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.OmitParameterModifiers) + more,
    };
  }
  if (member) return { type: "property" };
  return { type: "variable" };
}

/** The type an entry's kind gives when its symbol is not looked up. */
export function kindType(kind: string): string {
  switch (kind) {
    case "method": return "method";
    case "function": case "local function": return "function";
    case "property": case "getter": case "setter": return "property";
    case "class": case "local class": return "class";
    case "interface": return "interface";
    case "type": case "type parameter": return "type";
    case "enum": return "enum";
    case "module": case "external module name": return "module";
    case "keyword": return "keyword";
    case "var": case "let": case "const": case "local var": case "parameter": case "alias": return "variable";
    default: return kind;
  }
}
