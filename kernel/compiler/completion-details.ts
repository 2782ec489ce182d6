/**
 * What each completion is, for Jupyter's `_jupyter_types_experimental`: a type (function,
 * method, property, variable, class, ...) and, for callables, a signature, as IPython sends.
 *
 * The language service's own entry details cost 2-5 ms each here (every call recomputes the
 * whole completion list), so 60 members of `np.` took ~200 ms. Instead each entry's symbol
 * (the completion's `includeSymbol`) is described with the checker of the program the
 * completion ran in. At most DETAIL_LIMIT entries are described; the rest keep the type the
 * entry's kind gives and no signature.
 */
import ts from "typescript";
import { userFacing } from "./diagnostics";

/**
 * Entries described with a signature; beyond this they get a type from their kind only (a
 * re-exported function's kind is "alias": a variable). np's members are 153: at 150, `zeros`
 * was listed as a variable without its signature. Describing all of them costs no measurable
 * time (`np.` completed in 13-14 ms either way).
 */
export const DETAIL_LIMIT = 300;

export interface CompletionType {
  text: string;
  type: string;
  signature?: string;
}

export function describeCompletions(checker: ts.TypeChecker, entries: readonly ts.CompletionEntry[]): CompletionType[] {
  return entries.map((e, i) => {
    if (i >= DETAIL_LIMIT || !e.symbol || e.kind === ts.ScriptElementKind.keyword) return { text: e.name, type: kindType(e.kind) };
    return { text: e.name, ...describe(e.symbol, checker, e.kind) };
  });
}

function describe(symbol: ts.Symbol, checker: ts.TypeChecker, kind: string): { type: string; signature?: string } {
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
      signature: userFacing(signatureText(calls[0], checker)) + more,
    };
  }
  if (member) return { type: "property" };
  return { type: "variable" };
}

/**
 * `(a: number, b?: string): T` as the declaration writes it (a library's .d.ts, or the
 * user's cell); printing it through the checker measured ~0.5-1.5 ms per entry, too slow
 * for 60 members. A signature without a declaration (a type's) is printed by the checker.
 */
function signatureText(sig: ts.Signature, checker: ts.TypeChecker): string {
  const d = sig.declaration;
  if (!d || ts.isJSDocSignature(d)) return checker.signatureToString(sig, undefined, ts.TypeFormatFlags.NoTruncation);
  const sf = d.getSourceFile();
  const text = (n: ts.Node) => n.getText(sf).replace(/\s+/g, " ");
  const typeParams = d.typeParameters?.length ? `<${d.typeParameters.map(text).join(", ")}>` : "";
  const returns = d.type ? text(d.type) : checker.typeToString(sig.getReturnType(), undefined, ts.TypeFormatFlags.NoTruncation);
  return `${typeParams}(${d.parameters.map(text).join(", ")}): ${returns}`;
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
