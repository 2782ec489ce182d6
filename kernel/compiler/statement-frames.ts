/**
 * Each top-level statement of a cell runs in a function frame of its own:
 *
 *   stmt;            →  (() => { stmt; })();
 *   stmt_with_await; →  await (async () => { stmt_with_await; })();
 *   lastExpression   →  return (() => { return lastExpression; })();
 *
 * Why: V8's interpreter keeps the values a statement computed (call arguments, receivers,
 * chained temporaries) in its function's register file, and an async function's registers
 * live in its generator object until the function returns. With the whole cell as one
 * function, an array passed to a call stayed alive until the cell ended even after `del`
 * removed its last name (issue 16: `np.isNDArray(d); del("d")` freed nothing until the next
 * cell). A frame per statement dies with the statement, so Python's rule holds: once a
 * statement has finished, nothing it created survives except what is bound to a name or
 * held by a live object.
 *
 * Arrow functions keep `this`, `arguments` and `new.target` of the cell; the statements'
 * own text ranges are kept, so source maps and traceback lines do not change, and the
 * wrappers (no text range) leave frames the traceback drops. `var` declared inside a
 * top-level block or loop would become local to its wrapper: such names are declared once
 * in the cell's frame (`let x;`, which like `var` starts undefined) and the declarations
 * become assignments, so later statements of the cell still see them.
 */
import ts from "typescript";

import { assignmentTarget } from "./binding-targets";

/** The statements of the cell's function body, each (but `keep`) in a frame of its own. */
export function inOwnFrames(f: ts.NodeFactory, statements: readonly ts.Statement[], opts: { value?: ts.ExpressionStatement; keep: (s: ts.Statement) => boolean }): ts.Statement[] {
  const lifted = new Set<string>();
  const out: ts.Statement[] = [];
  for (const stmt of statements) {
    if (ts.isEmptyStatement(stmt)) continue;
    if (opts.keep(stmt)) {
      out.push(stmt);
      continue;
    }
    if (stmt === opts.value) {
      const inner = ts.setTextRange(f.createReturnStatement(opts.value.expression), stmt);
      out.push(f.createReturnStatement(frameCall(f, inner, hasAwait(stmt))));
      continue;
    }
    const body = liftVars(f, stmt, lifted);
    const call = frameCall(f, body, hasAwait(stmt));
    out.push(f.createExpressionStatement(hasAwait(stmt) ? f.createAwaitExpression(call) : call));
  }
  if (lifted.size) {
    out.unshift(f.createVariableStatement(undefined, f.createVariableDeclarationList(
      [...lifted].map((n) => f.createVariableDeclaration(n)), ts.NodeFlags.Let)));
  }
  return out;
}

function frameCall(f: ts.NodeFactory, stmt: ts.Statement, async: boolean): ts.Expression {
  const mods = async ? [f.createModifier(ts.SyntaxKind.AsyncKeyword)] : undefined;
  const arrow = f.createArrowFunction(mods, undefined, [], undefined, f.createToken(ts.SyntaxKind.EqualsGreaterThanToken), f.createBlock([stmt], true));
  return f.createCallExpression(f.createParenthesizedExpression(arrow), undefined, []);
}

/** Whether `node` awaits in the cell's own function (not in a function nested in it). */
function hasAwait(node: ts.Node): boolean {
  if (ts.isAwaitExpression(node)) return true;
  if (ts.isForOfStatement(node) && node.awaitModifier) return true;
  if (ts.isFunctionLike(node)) {
    // Only a computed name is evaluated where the function is defined.
    const name = (node as ts.SignatureDeclarationBase).name;
    return !!name && ts.isComputedPropertyName(name) && hasAwait(name);
  }
  return ts.forEachChild(node, (c) => hasAwait(c) || undefined) ?? false;
}

const isVarList = (l: ts.Node | undefined): l is ts.VariableDeclarationList =>
  !!l && ts.isVariableDeclarationList(l) && (l.flags & ts.NodeFlags.BlockScoped) === 0;

/**
 * `stmt` with every `var` declaration outside nested functions turned into an assignment
 * (or nothing, without an initializer), the names added to `lifted`.
 */
function liftVars(f: ts.NodeFactory, stmt: ts.Statement, lifted: Set<string>): ts.Statement {
  if (!containsVar(stmt)) return stmt;
  const local = (id: ts.Identifier) => {
    lifted.add(id.text);
    return f.createIdentifier(id.text);
  };
  const assignTarget = (name: ts.BindingName) => assignmentTarget(f, name, local);
  // A declaration without an initializer only declares (a pattern cannot be written without one).
  const assignments = (l: ts.VariableDeclarationList) =>
    l.declarations.filter((d) => d.initializer).map((d) => f.createAssignment(assignTarget(d.name), d.initializer!));
  const visit = (node: ts.Node): ts.Node => {
    if (ts.isFunctionLike(node) || ts.isClassLike(node)) return node;
    if (ts.isVariableStatement(node) && isVarList(node.declarationList)) {
      for (const d of node.declarationList.declarations) assignTarget(d.name);
      const list = assignments(node.declarationList);
      return ts.setTextRange(list.length ? f.createExpressionStatement(list.slice(1).reduce<ts.Expression>((a, b) => f.createComma(a, b), list[0])) : f.createEmptyStatement(), node);
    }
    if (ts.isForStatement(node) && isVarList(node.initializer)) {
      for (const d of node.initializer.declarations) assignTarget(d.name);
      const list = assignments(node.initializer);
      return ts.visitEachChild(f.updateForStatement(node, list.length ? list.slice(1).reduce<ts.Expression>((a, b) => f.createComma(a, b), list[0]) : undefined, node.condition, node.incrementor, node.statement), visit, undefined);
    }
    if ((ts.isForOfStatement(node) || ts.isForInStatement(node)) && isVarList(node.initializer)) {
      const target = assignTarget(node.initializer.declarations[0].name);
      const updated = ts.isForOfStatement(node)
        ? f.updateForOfStatement(node, node.awaitModifier, target, node.expression, node.statement)
        : f.updateForInStatement(node, target, node.expression, node.statement);
      return ts.visitEachChild(updated, visit, undefined);
    }
    return ts.visitEachChild(node, visit, undefined);
  };
  return visit(stmt) as ts.Statement;
}

function containsVar(node: ts.Node): boolean {
  if (ts.isFunctionLike(node) || ts.isClassLike(node)) return false;
  if (isVarList(node)) return true;
  return ts.forEachChild(node, (c) => containsVar(c) || undefined) ?? false;
}
