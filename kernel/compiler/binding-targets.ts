/** Declarations rewritten as assignments: a binding pattern as the assignment target it stands for. */
import ts from "typescript";

/**
 * `{ a, b: [c, ...d] }` as a declaration's name → the same shape as an assignment target,
 * each identifier replaced by `ref(identifier)` (a global property, or a name of the cell).
 */
export function assignmentTarget(f: ts.NodeFactory, name: ts.BindingName, ref: (id: ts.Identifier) => ts.Expression): ts.Expression {
  if (ts.isIdentifier(name)) return ref(name);
  if (ts.isObjectBindingPattern(name)) {
    return f.createObjectLiteralExpression(name.elements.map((el) => {
      const target = assignmentTarget(f, el.name, ref);
      if (el.dotDotDotToken) return f.createSpreadAssignment(target);
      const value = el.initializer ? f.createAssignment(target, el.initializer) : target;
      const key = el.propertyName ?? (ts.isIdentifier(el.name) ? f.createIdentifier(el.name.text) : undefined);
      return f.createPropertyAssignment(key as ts.PropertyName, value);
    }));
  }
  return f.createArrayLiteralExpression(name.elements.map((el) => {
    if (ts.isOmittedExpression(el)) return f.createOmittedExpression();
    const target = assignmentTarget(f, el.name, ref);
    if (el.dotDotDotToken) return f.createSpreadElement(target);
    return el.initializer ? f.createAssignment(target, el.initializer) : target;
  }));
}
