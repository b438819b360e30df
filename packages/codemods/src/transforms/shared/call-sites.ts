import ts from 'typescript';
import { isFunctionLike } from './source.js';

/** A call of a service method: `new PartnerService(db).createPartner(…)` or `service.createPartner(…)`. */
export interface ServiceCallSite {
  call: ts.CallExpression;
  className: string;
  method: string;
}

/**
 * The class whose instance an expression is: `new X(…)`, a local `const s = new X(…)`, or a local factory
 * `const make = (…): X => …` / `function make(): X` called as `make(request)`.
 */
function classOfReceiver(receiver: ts.Expression, source: ts.SourceFile): string | undefined {
  let target = receiver;
  while (ts.isParenthesizedExpression(target) || ts.isAwaitExpression(target) || ts.isNonNullExpression(target)) target = target.expression;
  if (ts.isNewExpression(target) && ts.isIdentifier(target.expression)) return target.expression.text;
  if (ts.isIdentifier(target)) {
    const declaration = findDeclaration(target, source);
    if (declaration?.initializer) return classOfReceiver(declaration.initializer, source);
    return undefined;
  }
  if (ts.isCallExpression(target) && ts.isIdentifier(target.expression)) {
    const declaration = findDeclaration(target.expression, source);
    const fn = declaration?.initializer;
    if (fn && (ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) && fn.type && ts.isTypeReferenceNode(fn.type) && ts.isIdentifier(fn.type.typeName)) {
      return fn.type.typeName.text;
    }
  }
  return undefined;
}

/** The nearest `const name = …` visible from `identifier` (its own function first, then outwards). */
function findDeclaration(identifier: ts.Identifier, source: ts.SourceFile): ts.VariableDeclaration | undefined {
  for (let scope: ts.Node | undefined = identifier.parent; scope; scope = scope.parent) {
    if (!ts.isBlock(scope) && !ts.isSourceFile(scope)) continue;
    for (const statement of scope.statements) {
      if (!ts.isVariableStatement(statement) || statement.pos > identifier.pos) continue;
      for (const declaration of statement.declarationList.declarations) {
        if (ts.isIdentifier(declaration.name) && declaration.name.text === identifier.text) return declaration;
      }
    }
  }
  void source;
  return undefined;
}

/** Every call of a method on a recognisable service instance in the file. */
export function serviceCallSites(source: ts.SourceFile): ServiceCallSite[] {
  const out: ServiceCallSite[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && ts.isIdentifier(node.expression.name)) {
      const className = classOfReceiver(node.expression.expression, source);
      if (className) out.push({ call: node, className, method: node.expression.name.text });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

/** The function (route handler) holding a node. */
export function enclosingFunction(node: ts.Node): ts.FunctionLikeDeclaration | undefined {
  for (let current = node.parent; current; current = current.parent) if (isFunctionLike(current)) return current;
  return undefined;
}

/** Is the node inside a loop of its own function? */
export function inLoop(node: ts.Node): boolean {
  for (let current = node.parent; current && !isFunctionLike(current); current = current.parent) {
    if (ts.isIterationStatement(current, false)) return true;
    if (ts.isCallExpression(current) && ts.isPropertyAccessExpression(current.expression) && ['map', 'forEach', 'flatMap', 'reduce'].includes(current.expression.name.text)) return true;
  }
  return false;
}

/**
 * The statement that runs next after the statement holding `node`, in the same function: its next sibling, or when it
 * is the last of its block, the sibling after the block's owner (leaving loops and ifs, never the function).
 */
export function nextStatement(node: ts.Node): ts.Statement | undefined {
  let current: ts.Node = node;
  while (current.parent && !isFunctionLike(current.parent)) {
    const parent = current.parent;
    if (ts.isBlock(parent) || ts.isCaseClause(parent) || ts.isDefaultClause(parent)) {
      const statements = parent.statements;
      const index = statements.indexOf(current as ts.Statement);
      if (index >= 0 && index < statements.length - 1) return statements[index + 1];
    }
    current = parent;
  }
  return undefined;
}
