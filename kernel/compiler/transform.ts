/**
 * Turns a checked cell into a script the executor runs:
 *
 *   (async function () { "use strict"; ...cell... })()
 *
 * Top-level declarations become properties of `globalThis`, so later cells (and functions
 * defined earlier) see the current binding, and re-running a cell rebinds instead of
 * failing with "already declared". Imports, static and `import()`, become calls of the
 * executor's loader, which resolves them from the notebook's folder, and `import.meta` is the
 * notebook's. The last expression statement becomes the return
 * value: the cell's result. Each top-level statement runs in a function frame of its own, so
 * what it computed and did not bind is garbage once it ends (./statement-frames.ts).
 */
import ts from "typescript";

import { assignmentTarget } from "./binding-targets";
import { usingKind } from "./cell-source";
import { inOwnFrames } from "./statement-frames";
import { CELL_RESOURCES, CELL_RESOURCES_LOCAL, IMPORT_HOOK, IMPORT_META, IMPORT_META_OF, LOCAL_PREFIX } from "./transform-names";

const globalRef = (f: ts.NodeFactory, name: string, range: ts.TextRange) =>
  ts.setTextRange(f.createPropertyAccessExpression(f.createIdentifier("globalThis"), name), range);

/** `import d, { a, b as c } from "m"` → `const __m = await import_("m"); globalThis.d = __m.default; ...` */
export function importsToGlobals(checker: ts.TypeChecker): ts.TransformerFactory<ts.SourceFile> {
  return (ctx) => (sf) => {
    const f = ctx.factory;
    let n = 0;
    // Names that are only types (an imported interface) have nothing to bind at run time.
    const isValue = (id: ts.Identifier) => {
      const sym = checker.getSymbolAtLocation(id);
      if (!sym) return true;
      const target = sym.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(sym) : sym;
      return (target.flags & ts.SymbolFlags.Value) !== 0 || (target.flags & ts.SymbolFlags.Type) === 0;
    };
    const statements: ts.Statement[] = [];
    for (const stmt of sf.statements) {
      if (!ts.isImportDeclaration(stmt)) {
        statements.push(stmt);
        continue;
      }
      const clause = stmt.importClause;
      if (clause?.isTypeOnly) continue;
      const tmp = f.createIdentifier(`${LOCAL_PREFIX}m${n++}`);
      const load = f.createAwaitExpression(f.createCallExpression(f.createIdentifier(IMPORT_HOOK), undefined, [
        f.createStringLiteral((stmt.moduleSpecifier as ts.StringLiteral).text),
      ]));
      statements.push(ts.setTextRange(f.createVariableStatement(undefined, f.createVariableDeclarationList(
        [f.createVariableDeclaration(tmp, undefined, undefined, load)], ts.NodeFlags.Const)), stmt));
      const bind = (local: ts.Identifier, value: ts.Expression) => {
        if (!isValue(local)) return;
        statements.push(ts.setTextRange(f.createExpressionStatement(
          f.createAssignment(globalRef(f, local.text, local), value)), stmt));
      };
      if (clause?.name) bind(clause.name, f.createPropertyAccessExpression(tmp, "default"));
      const nb = clause?.namedBindings;
      if (nb && ts.isNamespaceImport(nb)) bind(nb.name, tmp);
      else if (nb) {
        for (const s of nb.elements) {
          if (s.isTypeOnly) continue;
          const imported = (s.propertyName ?? s.name) as ts.Identifier | ts.StringLiteral;
          bind(s.name, f.createElementAccessExpression(tmp, f.createStringLiteral(imported.text)));
        }
      }
    }
    return f.updateSourceFile(sf, statements);
  };
}

/** `import(...)`, the call (TypeScript's own predicate is internal). */
export const isImportCall = (node: ts.Node): node is ts.CallExpression => ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword;

/** `import.meta`. */
const isImportMeta = (node: ts.Node): boolean => ts.isMetaProperty(node) && node.keywordToken === ts.SyntaxKind.ImportKeyword;

/**
 * `import(s)` anywhere in a cell (a function it defines included) → `__lazylab_import(s)`: the
 * executor's loader, which resolves as a static import does (the notebook's folder, `lazylab`,
 * its own .ts files). A cell is a script run by vm, which has no loader of its own for
 * `import()`: without this, V8 throws "A dynamic import callback was not specified". Likewise
 * `import.meta` (a SyntaxError in a script) → the notebook's, `__lazylab_import_meta`.
 */
export const moduleSyntaxToHooks: ts.TransformerFactory<ts.SourceFile> = (ctx) => (sf) => {
  if (!/\bimport\s*[(.]/.test(sf.text)) return sf;
  const f = ctx.factory;
  const visit = (node: ts.Node): ts.Node => {
    if (isImportCall(node)) {
      const args = node.arguments.map((a) => ts.visitNode(a, visit) as ts.Expression);
      return ts.setTextRange(f.createCallExpression(ts.setTextRange(f.createIdentifier(IMPORT_HOOK), node.expression), undefined, args), node);
    }
    if (isImportMeta(node)) return ts.setTextRange(f.createIdentifier(IMPORT_META), node);
    return ts.visitEachChild(node, visit, ctx);
  };
  return ts.visitEachChild(sf, visit, ctx);
};

/**
 * `import.meta` in a notebook's .ts file compiled to CommonJS (local-modules.ts) →
 * `__lazylab_import_meta_of(__filename)`. Left as it was, Node 20 took the file for an ES
 * module and the import gave an empty module, silently.
 */
export const importMetaToCommonJS: ts.TransformerFactory<ts.SourceFile> = (ctx) => (sf) => {
  if (!/\bimport\s*\.\s*meta\b/.test(sf.text)) return sf;
  const f = ctx.factory;
  const visit = (node: ts.Node): ts.Node =>
    isImportMeta(node)
      ? ts.setTextRange(f.createCallExpression(f.createIdentifier(IMPORT_META_OF), undefined, [f.createIdentifier("__filename")]), node)
      : ts.visitEachChild(node, visit, ctx);
  return ts.visitEachChild(sf, visit, ctx);
};

/**
 * A top-level `using x = v` (`await using`) → `const x = __lazylab_cell.use(v, isAwait)`, the
 * cell's own resource, disposed when the cell ends (declarationsToGlobals wraps the body;
 * kernel/executor/resources.ts). TypeScript lowers `using` for Node 20 itself, but at a module's
 * top level it moved the cell's other declarations into a try block, out of this transform's reach.
 */
export const topLevelUsing: ts.TransformerFactory<ts.SourceFile> = (ctx) => (sf) => {
  if (!sf.statements.some((s) => usingKind(s))) return sf;
  const f = ctx.factory;
  const use = (value: ts.Expression, isAwait: boolean) =>
    f.createCallExpression(f.createPropertyAccessExpression(f.createIdentifier(CELL_RESOURCES_LOCAL), "use"), undefined, [value, isAwait ? f.createTrue() : f.createFalse()]);
  const statements = sf.statements.map((stmt) => {
    const kind = usingKind(stmt);
    if (!kind) return stmt;
    const list = (stmt as ts.VariableStatement).declarationList;
    const declarations = list.declarations.map((d) =>
      ts.setTextRange(f.updateVariableDeclaration(d, d.name, d.exclamationToken, d.type, use(d.initializer ?? f.createVoidZero(), kind === "await using")), d));
    return ts.setTextRange(f.createVariableStatement(undefined, ts.setTextRange(f.createVariableDeclarationList(declarations, ts.NodeFlags.Const), list)), stmt);
  });
  return f.updateSourceFile(sf, statements);
};

const isLocal = (stmt: ts.VariableStatement) =>
  stmt.declarationList.declarations.every((d) => ts.isIdentifier(d.name) && d.name.text.startsWith(LOCAL_PREFIX));

/** `const x = __lazylab_cell.use(...)`, what topLevelUsing made of a `using` declaration. */
const isResource = (stmt: ts.VariableStatement) =>
  stmt.declarationList.declarations.every((d) => {
    const init = d.initializer;
    return !!init && ts.isCallExpression(init) && ts.isPropertyAccessExpression(init.expression) &&
      ts.isIdentifier(init.expression.expression) && init.expression.expression.text === CELL_RESOURCES_LOCAL;
  });

/**
 * The cell's body when it has `using` resources:
 *   const __lazylab_cell = __lazylab_resources();
 *   try { body } catch (e) { __lazylab_cell.fail(e); }
 *   finally { const d = __lazylab_cell.dispose(); if (d) await d; }
 * Disposal runs after the last statement (its value already computed) or after a throw, whose
 * error it rethrows; it is awaited only when an `await using` declaration ran.
 */
function withResources(f: ts.NodeFactory, body: ts.Statement[]): ts.Statement[] {
  const cell = f.createIdentifier(CELL_RESOURCES_LOCAL);
  const error = f.createIdentifier(`${LOCAL_PREFIX}error`);
  const disposed = f.createIdentifier(`${LOCAL_PREFIX}disposed`);
  const call = (target: ts.Expression, method: string, args: ts.Expression[] = []) =>
    f.createCallExpression(f.createPropertyAccessExpression(target, method), undefined, args);
  return [
    f.createVariableStatement(undefined, f.createVariableDeclarationList(
      [f.createVariableDeclaration(cell, undefined, undefined, f.createCallExpression(f.createIdentifier(CELL_RESOURCES), undefined, []))], ts.NodeFlags.Const)),
    f.createTryStatement(
      f.createBlock(body, true),
      f.createCatchClause(error, f.createBlock([f.createExpressionStatement(call(cell, "fail", [error]))], true)),
      f.createBlock([
        f.createVariableStatement(undefined, f.createVariableDeclarationList([f.createVariableDeclaration(disposed, undefined, undefined, call(cell, "dispose"))], ts.NodeFlags.Const)),
        f.createIfStatement(disposed, f.createExpressionStatement(f.createAwaitExpression(disposed))),
      ], true)),
  ];
}

/**
 * An arrow function, or a function or class expression without a name (through parentheses and
 * erased type syntax): JavaScript names it after the variable it initialises (`const f = () =>
 * 1` has `f.name === "f"`, and stack frames say `at f`), but not after a property it is
 * assigned to, as a declaration made global is.
 */
function isAnonymousFunctionDefinition(e: ts.Expression): boolean {
  while (ts.isParenthesizedExpression(e) || ts.isPartiallyEmittedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e) || ts.isNonNullExpression(e) || ts.isTypeAssertionExpression(e)) e = e.expression;
  return ts.isArrowFunction(e) || ((ts.isFunctionExpression(e) || ts.isClassExpression(e)) && !e.name);
}

/**
 * `({ "name": value })["name"]`: the object literal's property definition names the function or class
 * as the declaration would have (the same NamedEvaluation: a class's own static `name` still wins).
 */
function named(f: ts.NodeFactory, name: string, value: ts.Expression): ts.Expression {
  const literal = f.createObjectLiteralExpression([f.createPropertyAssignment(f.createStringLiteral(name), value)]);
  return f.createElementAccessExpression(f.createParenthesizedExpression(literal), f.createStringLiteral(name));
}

/** Runs after TypeScript's own transforms, on plain JavaScript. */
export const declarationsToGlobals: ts.TransformerFactory<ts.SourceFile> = (ctx) => (sf) => {
  const f = ctx.factory;
  const hoisted: ts.Statement[] = [];
  const body: ts.Statement[] = [];
  // The cell's value is its last statement if that is an expression the user wrote, not an
  // assignment this transform made from a declaration.
  // The cell compiler's `export {}` marks the end of the user's text: what follows are
  // ambient declarations (the recent history, kernel/compiler/service.ts) with nothing to run.
  const isMarker = (s: ts.Node) => ts.isExportDeclaration(s) && !s.moduleSpecifier;
  const marker = (ts.getOriginalNode(sf) as ts.SourceFile).statements?.findLast(isMarker);
  const statements = sf.statements.filter((s) => !marker || ts.getOriginalNode(s).pos < marker.pos);
  const userStatements = statements.filter((s) => !isMarker(s));
  const lastUser = userStatements[userStatements.length - 1];
  const valueStatement: ts.ExpressionStatement | undefined = lastUser && ts.isExpressionStatement(lastUser) ? lastUser : undefined;
  for (const stmt of statements) {
    if (isMarker(stmt)) continue;
    if (ts.isFunctionDeclaration(stmt) && stmt.name && stmt.body) {
      const mods = (ts.getModifiers(stmt) ?? []).filter((m) => m.kind === ts.SyntaxKind.AsyncKeyword);
      const fn = f.createFunctionExpression(mods, stmt.asteriskToken, stmt.name, stmt.typeParameters, stmt.parameters, undefined, stmt.body);
      hoisted.push(ts.setTextRange(f.createExpressionStatement(f.createAssignment(globalRef(f, stmt.name.text, stmt.name), ts.setTextRange(fn, stmt))), stmt));
      continue;
    }
    if (ts.isClassDeclaration(stmt) && stmt.name) {
      const mods = (ts.getModifiers(stmt) ?? []).filter((m) => m.kind !== ts.SyntaxKind.ExportKeyword && m.kind !== ts.SyntaxKind.DefaultKeyword);
      const cls = f.createClassExpression(mods, stmt.name, stmt.typeParameters, stmt.heritageClauses, stmt.members);
      body.push(ts.setTextRange(f.createExpressionStatement(f.createAssignment(globalRef(f, stmt.name.text, stmt.name), ts.setTextRange(cls, stmt))), stmt));
      continue;
    }
    if (ts.isVariableStatement(stmt) && !isLocal(stmt) && !isResource(stmt)) {
      for (const decl of stmt.declarationList.declarations) {
        const init = decl.initializer && ts.isIdentifier(decl.name) && isAnonymousFunctionDefinition(decl.initializer)
          ? named(f, decl.name.text, decl.initializer)
          : (decl.initializer ?? f.createVoidZero());
        const target = assignmentTarget(f, decl.name, (id) => globalRef(f, id.text, id));
        const assign = ts.isIdentifier(decl.name)
          ? f.createAssignment(target, init)
          : f.createParenthesizedExpression(f.createAssignment(target, init));
        body.push(ts.setTextRange(f.createExpressionStatement(assign), decl));
      }
      continue;
    }
    body.push(stmt);
  }
  const value = valueStatement && body[body.length - 1] === valueStatement ? valueStatement : undefined;
  // Import temporaries and `using` resources stay in the cell's frame: the statements after them read them.
  const keep = (s: ts.Statement) => ts.isVariableStatement(s) && (isLocal(s) || isResource(s));
  const frames = inOwnFrames(f, [...hoisted, ...body], { value, keep });
  const resources = body.some((s) => ts.isVariableStatement(s) && isResource(s));
  const fn = f.createFunctionExpression([f.createModifier(ts.SyntaxKind.AsyncKeyword)], undefined, undefined, undefined, [], undefined,
    f.createBlock([f.createExpressionStatement(f.createStringLiteral("use strict")), ...(resources ? withResources(f, frames) : frames)], true));
  const call = f.createCallExpression(f.createParenthesizedExpression(fn), undefined, []);
  return f.updateSourceFile(sf, [f.createExpressionStatement(call)]);
};
