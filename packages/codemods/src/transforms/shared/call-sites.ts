import path from 'node:path';
import ts from 'typescript';
import { isFunctionLike } from './source.js';

/** A call of a service method: `new PartnerService(db).createPartner(…)` or `service.createPartner(…)`. */
export interface ServiceCallSite {
  call: ts.CallExpression;
  className: string;
  method: string;
  /**
   * The file (relative, with '/') the class comes from: the relative import that brings it in, or this file when it
   * declares it. Undefined for a package import or a class whose origin the file does not show.
   */
  declaredIn?: string;
}

/** The identity of a service operation across the project: two packages may each have an `OrderService`. */
export function operationKey(file: string, className: string, method: string): string {
  return `${file}#${className}.${method}`;
}

/**
 * The operation a call site calls, among `keys` (every `operationKey` of the candidates, grouped by
 * `Class.method`): the one in the file the class is imported from; failing that (a barrel file re-exporting it, say)
 * the only one of that name; never a guess between two.
 */
export function resolveCallSite(site: ServiceCallSite, keys: ReadonlyMap<string, readonly string[]>): string | undefined {
  const named = keys.get(`${site.className}.${site.method}`) ?? [];
  if (site.declaredIn) {
    const exact = operationKey(site.declaredIn, site.className, site.method);
    if (named.includes(exact)) return exact;
  }
  return named.length === 1 ? named[0] : undefined;
}

/** Groups operation keys by `Class.method`, for resolveCallSite. */
export function keysByName(keys: Iterable<string>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const key of keys) {
    const name = key.slice(key.indexOf('#') + 1);
    out.set(name, [...(out.get(name) ?? []), key]);
  }
  return out;
}

/** Where `className` comes from in `file`: see ServiceCallSite.declaredIn. Aliased imports give the original name. */
function origin(className: string, source: ts.SourceFile, file: string | undefined): { name: string; declaredIn?: string } {
  for (const statement of source.statements) {
    if (ts.isClassDeclaration(statement) && statement.name?.text === className) return { name: className, ...(file ? { declaredIn: file } : {}) };
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    const bindings = statement.importClause?.namedBindings;
    if (!bindings || !ts.isNamedImports(bindings)) continue;
    const element = bindings.elements.find((e) => e.name.text === className);
    if (!element) continue;
    const name = element.propertyName?.text ?? className;
    const specifier = statement.moduleSpecifier.text;
    if (!file || !specifier.startsWith('.')) return { name };
    const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
    return { name, declaredIn: /\.[cm]?js$/.test(target) ? target.replace(/\.[cm]?js$/, '.ts') : target.endsWith('.ts') ? target : `${target}.ts` };
  }
  return { name: className };
}

/**
 * The class whose instance an expression is: `new X(…)`, a local `const s = new X(…)`, or a local factory
 * `const make = (…): X => …` / `function make(): X` called as `make(request)`.
 */
function classOfReceiver(receiver: ts.Expression, source: ts.SourceFile): string | undefined {
  let target = receiver;
  while (ts.isParenthesizedExpression(target) || ts.isAwaitExpression(target) || ts.isNonNullExpression(target)) target = target.expression;
  if (ts.isNewExpression(target) && ts.isIdentifier(target.expression)) return target.expression.text;
  if (ts.isPropertyAccessExpression(target) && target.expression.kind === ts.SyntaxKind.ThisKeyword) return classOfMember(target);
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

/**
 * The class of `this.x` in a class whose constructor injects it (`constructor(private readonly invoices:
 * InvoicesService)`, NestJS's idiom) or whose property declares it (`private readonly x: X` / `= new X(…)`).
 */
function classOfMember(access: ts.PropertyAccessExpression): string | undefined {
  let cls: ts.Node | undefined = access.parent;
  while (cls && !ts.isClassLike(cls)) cls = cls.parent;
  if (!cls || !ts.isClassLike(cls)) return undefined;
  const wanted = access.name.text;
  const typeName = (type: ts.TypeNode | undefined) => (type && ts.isTypeReferenceNode(type) && ts.isIdentifier(type.typeName) && !type.typeArguments ? type.typeName.text : undefined);
  for (const member of cls.members) {
    if (ts.isConstructorDeclaration(member)) {
      const parameter = member.parameters.find((p) => ts.isIdentifier(p.name) && p.name.text === wanted && ts.isParameterPropertyDeclaration(p, member));
      if (parameter) return typeName(parameter.type);
    } else if (ts.isPropertyDeclaration(member) && ts.isIdentifier(member.name) && member.name.text === wanted) {
      return typeName(member.type) ?? (member.initializer && ts.isNewExpression(member.initializer) && ts.isIdentifier(member.initializer.expression) ? member.initializer.expression.text : undefined);
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

/** Every call of a method on a recognisable service instance in the file (`file`: its relative path, to resolve imports). */
export function serviceCallSites(source: ts.SourceFile, file?: string): ServiceCallSite[] {
  const out: ServiceCallSite[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && ts.isIdentifier(node.expression.name)) {
      const local = classOfReceiver(node.expression.expression, source);
      if (local) {
        const { name, declaredIn } = origin(local, source, file);
        out.push({ call: node, className: name, method: node.expression.name.text, ...(declaredIn ? { declaredIn } : {}) });
      }
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
