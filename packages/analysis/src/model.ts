import type TS from 'typescript';
import ts from './typescript.js';
import type { ClassFacts, FileRole, FunctionFacts, RouterDbCall } from './types.js';
import type { OutboxSettings } from './settings.js';
import { resolveText, isWriteSql, type ConstLookup } from './sql.js';
import { lineOf, spanOf } from './spans.js';

// TypeScript's bundle exposes its API through getters; the walks below read these once, not once per node.
const {
  NodeFlags, SyntaxKind, canHaveModifiers, forEachChild, getModifiers, isArrayLiteralExpression, isArrowFunction,
  isAsExpression, isAwaitExpression, isCallExpression, isComputedPropertyName, isConstructorDeclaration,
  isElementAccessExpression, isFunctionDeclaration, isFunctionExpression, isIdentifier, isInterfaceDeclaration,
  isMethodDeclaration, isNamedExports, isNamedImports, isNamespaceExport, isNamespaceImport, isNewExpression,
  isNonNullExpression, isNumericLiteral, isObjectBindingPattern, isObjectLiteralExpression, isOptionalChain,
  isParameterPropertyDeclaration, isParenthesizedExpression, isPrivateIdentifier, isPropertyAccessExpression,
  isPropertyAssignment, isPropertyDeclaration, isSatisfiesExpression, isStringLiteral, isStringLiteralLike,
  isTypeAliasDeclaration, isTypeAssertionExpression, isVariableStatement
} = ts;

/**
 * One walk over a source file that records every fact the later steps need: which calls are DB-handle calls,
 * writes, commits, outbox events and idempotency checks; the classes with their members; the route handlers of a
 * router; the names a file declares and imports. Control flow is not looked at here (see flow.ts), but every node on
 * the way from a function to one of those calls is marked, so the flow walk can skip everything else.
 */

export type CheckStyle = 'redis' | 'store';

/** A call that matters to an operation's flags. */
export interface CallFacts {
  node: TS.CallExpression;
  /** A DB-handle execute of data-modifying (or unreadable) SQL. */
  write: boolean;
  /** A DB-handle commit. */
  commit: boolean;
  /** An outbox event: `this.outboxRepo.addEvent(...)`. */
  event: boolean;
  /** An idempotency check: a Redis `get` of an `idempotency:` key, or a call on an idempotency store. */
  check?: CheckStyle;
  /** `this.helper(...)` / `this.#helper(...)`: a call to a non-public method of the same class. */
  helper?: string;
  /** Reached through `?.`: it may not run at all. */
  optional: boolean;
}

/** A class method, an arrow-function property or a route handler: the code one operation is made of. */
export interface FunctionUnit {
  kind: 'method' | 'route';
  /** Member name (`createPartner`, `#audit`) or the route (`POST /organizations`). */
  name: string;
  /** What to point at: the member's name, or the route's path literal. */
  nameNode: TS.Node;
  /** The function whose body is the operation. */
  fn: TS.FunctionLikeDeclaration;
  /** Effect calls anywhere inside, nested callbacks included, in source order. */
  effects: CallFacts[];
  /** Parameter names (top-level identifiers) of `fn`. */
  params: Set<string>;
  /** Local names that hold the idempotency key (a parameter, a destructured property, `const k = input.key`). */
  keyNames: Set<string>;
  /** It takes an idempotency key: a parameter, or a property of a parameter, named in `keyParams`. */
  takesKey: boolean;
  /** Methods only. */
  owner?: ClassModel;
  isPublic: boolean;
  /** Route handlers only: the registering call (`app.post(...)`). */
  routeCall?: TS.CallExpression;
  /** An arrow-function property (`create = async () => …`): the property, which spans the whole member. */
  holder?: TS.PropertyDeclaration;
}

export interface ClassModel {
  node: TS.ClassLikeDeclaration;
  facts: ClassFacts;
  /** Instance methods and arrow-function properties by name (`#x` keeps its `#`). */
  members: Map<string, FunctionUnit>;
  /** Names of the members that are not public: the same-class helpers an operation's effects may come from. */
  helpers: Set<string>;
  /** It holds an outbox repository (constructor parameter or property whose name, type or `new` mentions it). */
  holdsOutbox: boolean;
}

export interface FileModel {
  sourceFile: TS.SourceFile;
  settings: OutboxSettings;
  role: FileRole;
  routerDbCalls: RouterDbCall[];
  classes: ClassModel[];
  routes: FunctionUnit[];
  functions: FunctionFacts[];
  imports: { from: string; names: string[] }[];
  /** Every node that is, or contains, an effect call. */
  effectful: Set<TS.Node>;
  calls: Map<TS.CallExpression, CallFacts>;
}

/** What a local name is bound to, within its function. */
type Binding =
  | { kind: 'handle'; text: string }
  | { kind: 'method'; method: string; handle: string }
  | { kind: 'const'; init: TS.Expression }
  | { kind: 'outbox' }
  | { kind: 'other' };

interface Scope {
  parent: Scope | undefined;
  bindings: Map<string, Binding>;
}

interface LowerNames {
  outbox: string[];
  stores: string[];
}

const lowerNamesCache = new WeakMap<OutboxSettings, LowerNames>();

/** An initializer that constructs something: `new OutboxRepository(db)`. */
const NEW_EXPRESSION = /^new\s/;

function lowerNamesFor(settings: OutboxSettings): LowerNames {
  let names = lowerNamesCache.get(settings);
  if (!names) {
    names = {
      outbox: settings.outbox.names.map((name) => name.toLowerCase()),
      stores: settings.idempotency.storeNames.map((name) => name.toLowerCase()),
    };
    lowerNamesCache.set(settings, names);
  }
  return names;
}

export function mentionsAny(text: string, lowerNames: string[]): boolean {
  if (lowerNames.length === 0) return false;
  const lower = text.toLowerCase();
  return lowerNames.some((name) => lower.includes(name));
}

function hasModifier(node: TS.Node, kind: TS.SyntaxKind): boolean {
  return canHaveModifiers(node) && (getModifiers(node)?.some((modifier) => modifier.kind === kind) ?? false);
}

function memberName(name: TS.PropertyName | undefined): string | undefined {
  if (!name) return undefined;
  if (isIdentifier(name) || isPrivateIdentifier(name) || isStringLiteral(name) || isNumericLiteral(name)) {
    return name.text;
  }
  return undefined;
}

function unwrap(expression: TS.Expression): TS.Expression {
  let current = expression;
  for (;;) {
    if (
      isParenthesizedExpression(current) ||
      isNonNullExpression(current) ||
      isAsExpression(current) ||
      isSatisfiesExpression(current) ||
      isTypeAssertionExpression(current) ||
      isAwaitExpression(current)
    ) {
      current = current.expression;
    } else {
      return current;
    }
  }
}

/** The method name and receiver of a call: `a.b()`, `a?.b()`, `a['b']()`. */
function calleeParts(callee: TS.Expression): { method: string; receiver: TS.Expression } | undefined {
  const target = unwrap(callee);
  if (isPropertyAccessExpression(target)) return { method: target.name.text, receiver: target.expression };
  if (isElementAccessExpression(target) && isStringLiteralLike(target.argumentExpression)) {
    return { method: target.argumentExpression.text, receiver: target.expression };
  }
  return undefined;
}

/** The last name of `a.b.c` / `a['c']` / `c`, without a leading `#`. */
function lastName(expression: TS.Expression): string | undefined {
  const target = unwrap(expression);
  if (isIdentifier(target)) return target.text;
  if (isPropertyAccessExpression(target)) {
    return isPrivateIdentifier(target.name) ? target.name.text.slice(1) : target.name.text;
  }
  if (isElementAccessExpression(target) && isStringLiteralLike(target.argumentExpression)) {
    return target.argumentExpression.text;
  }
  if (target.kind === SyntaxKind.ThisKeyword) return 'this';
  return undefined;
}

function isFunctionValue(node: TS.Node | undefined): node is TS.ArrowFunction | TS.FunctionExpression {
  return !!node && (isArrowFunction(node) || isFunctionExpression(node));
}

function paramNames(fn: TS.SignatureDeclaration): Set<string> {
  const names = new Set<string>();
  for (const parameter of fn.parameters) if (isIdentifier(parameter.name)) names.add(parameter.name.text);
  return names;
}

/** The settings' name lists as sets, made once per settings object rather than once per file. */
interface CallSets {
  handleNames: Set<string>;
  handleMethods: Set<string>;
  routerCalls: Set<string>;
  strictRouterCalls: Set<string>;
  executeCalls: Set<string>;
  commitCalls: Set<string>;
  eventCalls: Set<string>;
  redisCalls: Set<string>;
  storeCalls: Set<string>;
  routeMethods: Set<string>;
  keyParams: Set<string>;
}

const callSetsCache = new WeakMap<OutboxSettings, CallSets>();

function callSetsFor(settings: OutboxSettings): CallSets {
  let sets = callSetsCache.get(settings);
  if (!sets) {
    sets = {
      handleNames: new Set(settings.dbHandles),
      handleMethods: new Set([...settings.executeCalls, ...settings.commitCalls, ...settings.routerCalls, ...settings.strictRouterCalls]),
      routerCalls: new Set(settings.routerCalls),
      strictRouterCalls: new Set(settings.strictRouterCalls),
      executeCalls: new Set(settings.executeCalls),
      commitCalls: new Set(settings.commitCalls),
      eventCalls: new Set(settings.outbox.eventCalls),
      redisCalls: new Set(settings.idempotency.redisCalls),
      storeCalls: new Set(settings.idempotency.storeCalls),
      routeMethods: new Set(settings.routeMethods),
      keyParams: new Set(settings.idempotency.keyParams),
    };
    callSetsCache.set(settings, sets);
  }
  return sets;
}

class ModelBuilder {
  private readonly sourceFile: TS.SourceFile;
  private readonly settings: OutboxSettings;
  private readonly role: FileRole;
  private readonly names: LowerNames;
  private readonly handleNames: Set<string>;
  private readonly handleMethods: Set<string>;
  private readonly routerCalls: Set<string>;
  private readonly strictRouterCalls: Set<string>;
  private readonly executeCalls: Set<string>;
  private readonly commitCalls: Set<string>;
  private readonly eventCalls: Set<string>;
  private readonly redisCalls: Set<string>;
  private readonly storeCalls: Set<string>;
  private readonly routeMethods: Set<string>;
  private readonly keyParams: Set<string>;

  private scope: Scope;
  private currentClass: ClassModel | undefined;
  private currentUnit: FunctionUnit | undefined;
  /** The class whose constructor is being walked (for `this.x = …` properties). */
  private constructorOf: ClassModel | undefined;
  /** Functions that start a unit (a member's function, a route's handler). */
  private readonly unitByFunction = new Map<TS.Node, FunctionUnit>();
  /**
   * The analysis never reads `node.parent`, so the audit can parse without parent pointers (a quarter of the parse):
   * what it would have asked a parent is kept here, from the walk, instead.
   */
  private readonly topLevel: Set<TS.Node>;
  /** Declarations of `const` lists (a catch clause's variable is in no list). */
  private readonly constDeclarations = new Set<TS.VariableDeclaration>();
  /** Names called in each class, collected as a set and listed in ClassFacts.calls at the end of the class. */
  private readonly classCalls = new Map<ClassModel, Set<string>>();
  /** `visit` as a callback for forEachChild, created once (it returns nothing, so forEachChild never stops early). */
  private readonly visitChild = (child: TS.Node): undefined => {
    this.visit(child);
  };
  private readonly constLookup: ConstLookup = (name) => {
    const binding = this.lookup(name);
    return binding?.kind === 'const' ? binding.init : undefined;
  };

  readonly model: FileModel;

  constructor(sourceFile: TS.SourceFile, settings: OutboxSettings, role: FileRole) {
    this.sourceFile = sourceFile;
    this.settings = settings;
    this.role = role;
    this.topLevel = new Set(sourceFile.statements);
    this.names = lowerNamesFor(settings);
    const sets = callSetsFor(settings);
    this.handleNames = sets.handleNames;
    this.routerCalls = sets.routerCalls;
    this.strictRouterCalls = sets.strictRouterCalls;
    this.executeCalls = sets.executeCalls;
    this.commitCalls = sets.commitCalls;
    this.handleMethods = sets.handleMethods;
    this.eventCalls = sets.eventCalls;
    this.redisCalls = sets.redisCalls;
    this.storeCalls = sets.storeCalls;
    this.routeMethods = sets.routeMethods;
    this.keyParams = sets.keyParams;
    this.scope = { parent: undefined, bindings: new Map() };
    this.model = {
      sourceFile,
      settings,
      role,
      routerDbCalls: [],
      classes: [],
      routes: [],
      functions: [],
      imports: [],
      effectful: new Set(),
      calls: new Map(),
    };
  }

  build(): FileModel {
    // Module-level constants may be declared below the function that uses them (SQL at the bottom of a file).
    for (const statement of this.sourceFile.statements) {
      if (isVariableStatement(statement)) this.declareModuleConsts(statement);
    }
    for (const statement of this.sourceFile.statements) this.visit(statement);
    return this.model;
  }

  // ---- scopes -------------------------------------------------------------------------------------------------

  private lookup(name: string): Binding | undefined {
    for (let scope: Scope | undefined = this.scope; scope; scope = scope.parent) {
      const binding = scope.bindings.get(name);
      if (binding) return binding;
    }
    return undefined;
  }

  private bind(name: string, binding: Binding): void {
    this.scope.bindings.set(name, binding);
  }

  private declareModuleConsts(statement: TS.VariableStatement): void {
    if (!(statement.declarationList.flags & NodeFlags.Const)) return;
    for (const declaration of statement.declarationList.declarations) {
      if (isIdentifier(declaration.name) && declaration.initializer) {
        this.bind(declaration.name.text, { kind: 'const', init: declaration.initializer });
      }
    }
  }

  /** Is this expression a DB handle: `db`, `this.db`, `req.db`, `ctx?.session`, `req['db']`, or an alias of one? */
  private isHandle(expression: TS.Expression): boolean {
    const target = unwrap(expression);
    if (isIdentifier(target)) {
      if (this.handleNames.has(target.text)) return true;
      return this.lookup(target.text)?.kind === 'handle';
    }
    const name = isPropertyAccessExpression(target) || isElementAccessExpression(target) ? lastName(target) : undefined;
    return name !== undefined && this.handleNames.has(name);
  }

  private mentionsOutbox(expression: TS.Expression): boolean {
    let target: TS.Expression = unwrap(expression);
    for (;;) {
      const name = isNewExpression(target) ? lastName(target.expression) : lastName(target);
      if (name !== undefined && mentionsAny(name, this.names.outbox)) return true;
      if (isIdentifier(target)) return this.lookup(target.text)?.kind === 'outbox';
      if (isPropertyAccessExpression(target) || isElementAccessExpression(target) || isCallExpression(target)) {
        target = unwrap(target.expression);
      } else {
        return false;
      }
    }
  }

  // ---- the walk -----------------------------------------------------------------------------------------------

  /**
   * The walk's way down from the file: `ancestors[0 … depth-1]` are the nodes being visited, the last one innermost.
   * When a call is recorded they are exactly the nodes that contain it, which is what `effectful` holds, and no
   * parent pointer is needed to find them.
   */
  private readonly ancestors: TS.Node[] = [];
  private depth = 0;

  private visit(node: TS.Node): void {
    // Tokens and identifiers have no children and nothing to note.
    if (node.kind <= SyntaxKind.LastToken) return;
    this.ancestors[this.depth++] = node;
    this.visitNode(node);
    this.depth--;
  }

  private visitNode(node: TS.Node): void {
    switch (node.kind) {
      case SyntaxKind.ClassDeclaration:
      case SyntaxKind.ClassExpression:
        this.visitClass(node as TS.ClassLikeDeclaration);
        return;
      case SyntaxKind.FunctionDeclaration:
      case SyntaxKind.FunctionExpression:
      case SyntaxKind.ArrowFunction:
      case SyntaxKind.MethodDeclaration:
      case SyntaxKind.Constructor:
      case SyntaxKind.GetAccessor:
      case SyntaxKind.SetAccessor:
        this.visitFunction(node as TS.FunctionLikeDeclaration);
        return;
      case SyntaxKind.VariableDeclaration:
        this.visitVariable(node as TS.VariableDeclaration);
        return;
      case SyntaxKind.CallExpression:
        this.visitCall(node as TS.CallExpression);
        return;
      case SyntaxKind.BinaryExpression:
        this.visitBinary(node as TS.BinaryExpression);
        return;
      case SyntaxKind.PropertyAccessExpression:
      case SyntaxKind.ElementAccessExpression:
        this.noteKeyRead(node as TS.PropertyAccessExpression | TS.ElementAccessExpression);
        break;
      case SyntaxKind.ImportDeclaration:
        this.visitImport(node as TS.ImportDeclaration);
        return;
      case SyntaxKind.ExportDeclaration:
        this.visitReexport(node as TS.ExportDeclaration);
        return;
      case SyntaxKind.VariableStatement:
        if (this.topLevel.has(node)) this.noteTopLevelFunctions(node as TS.VariableStatement);
        break;
      case SyntaxKind.VariableDeclarationList:
        if (node.flags & NodeFlags.Const) for (const declaration of (node as TS.VariableDeclarationList).declarations) this.constDeclarations.add(declaration);
        break;
      default:
        // Types never hold calls.
        if (node.kind >= SyntaxKind.FirstTypeNode && node.kind <= SyntaxKind.LastTypeNode) return;
        if (isInterfaceDeclaration(node) || isTypeAliasDeclaration(node)) return;
    }
    forEachChild(node, this.visitChild);
  }

  private visitFunction(fn: TS.FunctionLikeDeclaration): void {
    if (isFunctionDeclaration(fn) && this.topLevel.has(fn) && fn.name) {
      this.model.functions.push({
        name: fn.name.text,
        line: lineOf(fn.name, this.sourceFile),
        exported: hasModifier(fn, SyntaxKind.ExportKeyword),
      });
    }
    // The name of a method or accessor may be computed; visit it in the outer scope.
    if (fn.name && isComputedPropertyName(fn.name)) this.visit(fn.name);

    const outerScope = this.scope;
    const outerUnit = this.currentUnit;
    const outerConstructorOf = this.constructorOf;
    this.scope = { parent: outerScope, bindings: new Map() };
    const unit = this.unitByFunction.get(fn);
    if (unit) this.currentUnit = unit;
    if (isConstructorDeclaration(fn)) this.constructorOf = this.currentClass;
    else if (!isArrowFunction(fn)) this.constructorOf = undefined;

    for (const parameter of fn.parameters) this.visitParameter(parameter, unit, fn);
    if (fn.body) this.visit(fn.body);

    this.scope = outerScope;
    this.currentUnit = outerUnit;
    this.constructorOf = outerConstructorOf;
  }

  private visitParameter(parameter: TS.ParameterDeclaration, unit: FunctionUnit | undefined, fn: TS.FunctionLikeDeclaration): void {
    if (parameter.initializer) {
      // Not reached through `visit`, so it joins the way down here (a call in a default value has it as an ancestor).
      this.ancestors[this.depth++] = parameter;
      this.visit(parameter.initializer);
      this.depth--;
    }
    const name = parameter.name;
    if (isIdentifier(name)) {
      // A parameter shadows any alias of the same name from an outer function; one named `db` is a handle by name.
      this.bind(name.text, { kind: 'other' });
      if (unit && unit.fn === fn && this.keyParams.has(name.text)) {
        unit.takesKey = true;
        unit.keyNames.add(name.text);
      }
    } else if (isObjectBindingPattern(name)) {
      for (const element of name.elements) {
        if (!isIdentifier(element.name)) continue;
        this.bind(element.name.text, { kind: 'other' });
        const property = element.propertyName ? memberName(element.propertyName) : element.name.text;
        if (unit && unit.fn === fn && property !== undefined && this.keyParams.has(property)) {
          unit.takesKey = true;
          unit.keyNames.add(element.name.text);
        }
      }
    }
  }

  private visitVariable(declaration: TS.VariableDeclaration): void {
    const init = declaration.initializer;
    if (init) this.visit(init);
    const name = declaration.name;
    if (isIdentifier(name)) {
      if (!init) {
        this.bind(name.text, { kind: 'other' });
      } else if (this.isHandle(init)) {
        this.bind(name.text, { kind: 'handle', text: unwrap(init).getText(this.sourceFile) });
      } else if (this.mentionsOutbox(init)) {
        this.bind(name.text, { kind: 'outbox' });
      } else if (this.constDeclarations.has(declaration)) {
        this.bind(name.text, { kind: 'const', init });
      } else {
        this.bind(name.text, { kind: 'other' });
      }
      // `const key = input.idempotencyKey`: the local name now holds the key.
      const unit = this.currentUnit;
      if (unit && init && this.isKeyRead(init)) unit.keyNames.add(name.text);
      return;
    }
    if (!isObjectBindingPattern(name)) return;
    const source = init !== undefined ? unwrap(init) : undefined;
    const sourceText = source ? source.getText(this.sourceFile) : '';
    const fromHandle = source !== undefined && this.isHandle(source);
    const fromParameter = source !== undefined && isIdentifier(source) && this.isUnitParameter(source);
    for (const element of name.elements) {
      if (!isIdentifier(element.name)) continue;
      const local = element.name.text;
      const property = element.propertyName ? memberName(element.propertyName) : local;
      if (fromHandle && property !== undefined && this.handleMethods.has(property)) {
        // `const { commit } = db` / `const { execute: run } = req.db`: calling the local calls the handle.
        this.bind(local, { kind: 'method', method: property, handle: sourceText });
      } else if (property !== undefined && this.handleNames.has(property)) {
        // `const { db: conn } = request`.
        this.bind(local, { kind: 'handle', text: `${sourceText}.${property}` });
      } else {
        this.bind(local, { kind: 'other' });
      }
      if (fromParameter && property !== undefined && this.keyParams.has(property) && this.currentUnit) {
        this.currentUnit.takesKey = true;
        this.currentUnit.keyNames.add(local);
      }
    }
  }

  private isUnitParameter(identifier: TS.Identifier): boolean {
    return this.currentUnit?.params.has(identifier.text) ?? false;
  }

  /** `input.idempotencyKey` / `input['idempotency_key']` where `input` is a parameter of the unit. */
  private isKeyRead(expression: TS.Expression): boolean {
    const target = unwrap(expression);
    if (!isPropertyAccessExpression(target) && !isElementAccessExpression(target)) return false;
    const name = lastName(target);
    if (name === undefined || !this.keyParams.has(name)) return false;
    const object = unwrap(target.expression);
    return isIdentifier(object) && this.isUnitParameter(object);
  }

  private noteKeyRead(access: TS.PropertyAccessExpression | TS.ElementAccessExpression): void {
    const unit = this.currentUnit;
    if (!unit || unit.takesKey) return;
    // Every property access passes here: compare the name before anything else.
    const name = isPropertyAccessExpression(access)
      ? access.name.text
      : isStringLiteralLike(access.argumentExpression)
        ? access.argumentExpression.text
        : undefined;
    if (name !== undefined && this.keyParams.has(name) && this.isKeyRead(access)) unit.takesKey = true;
  }

  private visitBinary(binary: TS.BinaryExpression): void {
    this.visit(binary.left);
    this.visit(binary.right);
    if (binary.operatorToken.kind !== SyntaxKind.EqualsToken) return;
    const left = unwrap(binary.left);
    if (isIdentifier(left)) {
      // `let conn; conn = this.db;`
      if (this.isHandle(binary.right)) {
        this.bind(left.text, { kind: 'handle', text: unwrap(binary.right).getText(this.sourceFile) });
      } else if (this.mentionsOutbox(binary.right)) {
        this.bind(left.text, { kind: 'outbox' });
      }
    } else if (
      this.constructorOf &&
      isPropertyAccessExpression(left) &&
      left.expression.kind === SyntaxKind.ThisKeyword
    ) {
      this.constructorOf.facts.properties.push({
        name: left.name.text,
        initializer: binary.right.getText(this.sourceFile),
        line: lineOf(left, this.sourceFile),
      });
    }
  }

  private visitCall(call: TS.CallExpression): void {
    if (this.role === 'router') this.noteRoute(call);
    forEachChild(call, this.visitChild);

    const callee = call.expression;
    const parts = calleeParts(callee);
    if (this.currentClass) {
      const called = parts?.method ?? (isIdentifier(unwrap(callee)) ? (unwrap(callee) as TS.Identifier).text : undefined);
      if (called !== undefined) this.classCalls.get(this.currentClass)!.add(called);
    }
    if (this.role === 'other') return;

    let method: string | undefined;
    let handleText: string | undefined;
    if (parts && this.isHandle(parts.receiver)) {
      method = parts.method;
      handleText = unwrap(parts.receiver).getText(this.sourceFile);
    } else if (!parts && isIdentifier(unwrap(callee))) {
      const binding = this.lookup((unwrap(callee) as TS.Identifier).text);
      if (binding?.kind === 'method') {
        method = binding.method;
        handleText = binding.handle;
      }
    }

    let write = false;
    let commit = false;
    let event = false;
    let check: CheckStyle | undefined;
    let helper: string | undefined;
    if (method !== undefined && handleText !== undefined) {
      if (this.role === 'router' && (this.routerCalls.has(method) || this.strictRouterCalls.has(method))) {
        this.model.routerDbCalls.push({
          ...spanOf(call, this.sourceFile),
          call: method,
          kind: this.commitCalls.has(method) ? 'commit' : this.executeCalls.has(method) ? 'execute' : 'other',
          handle: handleText,
          strictOnly: !this.routerCalls.has(method),
          ...(this.currentUnit?.kind === 'route' ? { route: this.currentUnit.name } : {}),
        });
      }
      if (this.executeCalls.has(method)) write = isWriteSql(resolveText(call.arguments[0], this.constLookup), this.settings);
      commit = this.commitCalls.has(method);
    } else if (parts) {
      const { method: called, receiver } = parts;
      if (this.eventCalls.has(called) && this.mentionsOutbox(receiver)) {
        event = true;
      } else if (this.redisCalls.has(called) && this.isIdempotencyRedisKey(call.arguments[0])) {
        check = 'redis';
      } else if (this.storeCalls.has(called) && mentionsAny(lastName(receiver) ?? '', this.names.stores)) {
        check = 'store';
      } else if (
        unwrap(receiver).kind === SyntaxKind.ThisKeyword &&
        this.currentUnit?.owner !== undefined &&
        this.currentUnit.owner === this.currentClass &&
        this.currentClass.helpers.has(called)
      ) {
        helper = called;
      }
    }
    // Most calls are none of these; only the ones that are get a record.
    if (write || commit || event || check || helper) {
      this.record({
        node: call,
        write,
        commit,
        event,
        optional: isOptionalChain(call),
        ...(check ? { check } : {}),
        ...(helper !== undefined ? { helper } : {}),
      });
    }
  }

  private isIdempotencyRedisKey(argument: TS.Expression | undefined): boolean {
    const prefix = this.settings.idempotency.redisKeyPrefix;
    const key = resolveText(argument, this.constLookup);
    return key !== undefined && prefix.length > 0 && key.head.startsWith(prefix);
  }

  private record(facts: CallFacts): void {
    this.model.calls.set(facts.node, facts);
    this.currentUnit?.effects.push(facts);
    // The call and every node that contains it are effectful. A node already marked has its own ancestors marked.
    const effectful = this.model.effectful;
    effectful.add(this.sourceFile);
    for (let i = this.depth - 1; i >= 0; i--) {
      const node = this.ancestors[i]!;
      if (effectful.has(node)) break;
      effectful.add(node);
    }
  }

  // ---- routes -------------------------------------------------------------------------------------------------

  /** `app.post('/x', [opts], handler)` or `app.route({ method, url, handler })`: the handler becomes a unit. */
  private noteRoute(call: TS.CallExpression): void {
    const parts = calleeParts(call.expression);
    if (!parts) return;
    const args = call.arguments;
    if (this.routeMethods.has(parts.method) && args.length >= 2) {
      const handler = args[args.length - 1];
      if (!isFunctionValue(handler)) return;
      const pathNode = args[0]!;
      const verb = parts.method.toUpperCase();
      const path = isStringLiteralLike(pathNode) ? pathNode.text : undefined;
      const name =
        path !== undefined ? `${verb} ${path}` : (handlerName(handler) ?? `${verb} ${pathNode.getText(this.sourceFile)}`);
      this.addRoute(name, pathNode, handler, call);
      return;
    }
    if (parts.method === 'route' && args.length === 1 && isObjectLiteralExpression(args[0]!)) {
      let verbs: string[] = [];
      let pathNode: TS.Node | undefined;
      let handler: TS.FunctionLikeDeclaration | undefined;
      for (const property of args[0].properties) {
        const key = memberName(property.name);
        if (isMethodDeclaration(property) && key === 'handler') handler = property;
        if (!isPropertyAssignment(property)) continue;
        if (key === 'handler' && isFunctionValue(property.initializer)) handler = property.initializer;
        if (key === 'url' || key === 'path') pathNode = property.initializer;
        if (key === 'method') {
          const value = property.initializer;
          if (isStringLiteralLike(value)) verbs = [value.text];
          else if (isArrayLiteralExpression(value)) verbs = value.elements.filter(ts.isStringLiteralLike).map((e) => e.text);
        }
      }
      if (!handler) return;
      const verb = verbs.map((v) => v.toUpperCase()).join(',') || 'ROUTE';
      const path = pathNode && isStringLiteralLike(pathNode) ? pathNode.text : undefined;
      const name = path !== undefined ? `${verb} ${path}` : handlerName(handler) ?? verb;
      this.addRoute(name, pathNode ?? call.expression, handler, call);
    }
  }

  private addRoute(name: string, nameNode: TS.Node, fn: TS.FunctionLikeDeclaration, call: TS.CallExpression): void {
    const unit: FunctionUnit = {
      kind: 'route',
      name,
      nameNode,
      fn,
      effects: [],
      params: paramNames(fn),
      keyNames: new Set(),
      takesKey: false,
      isPublic: true,
      routeCall: call,
    };
    this.unitByFunction.set(fn, unit);
    this.model.routes.push(unit);
  }

  // ---- classes ------------------------------------------------------------------------------------------------

  private visitClass(node: TS.ClassLikeDeclaration): void {
    const sourceFile = this.sourceFile;
    const facts: ClassFacts = {
      name: node.name?.text ?? '',
      line: lineOf(node.name ?? node, sourceFile),
      abstract: hasModifier(node, SyntaxKind.AbstractKeyword),
      implements: [],
      methods: [],
      constructorParams: [],
      properties: [],
      calls: [],
    };
    for (const clause of node.heritageClauses ?? []) {
      const names = clause.types.map((type) => type.expression.getText(sourceFile));
      if (clause.token === SyntaxKind.ExtendsKeyword) facts.extends = names[0];
      else facts.implements.push(...names);
    }
    const model: ClassModel = { node, facts, members: new Map(), helpers: new Set(), holdsOutbox: false };

    for (const member of node.members) {
      const name = memberName(member.name);
      if (isConstructorDeclaration(member)) {
        for (const parameter of member.parameters) {
          if (!isIdentifier(parameter.name)) continue;
          const entry = {
            name: parameter.name.text,
            ...(parameter.type ? { type: parameter.type.getText(sourceFile) } : {}),
            ...(parameter.initializer ? { initializer: parameter.initializer.getText(sourceFile) } : {}),
          };
          facts.constructorParams.push(entry);
          if (isParameterPropertyDeclaration(parameter, member)) {
            facts.properties.push({ ...entry, line: lineOf(parameter, sourceFile) });
          }
        }
        continue;
      }
      if (name === undefined) continue;
      const isStatic = hasModifier(member, SyntaxKind.StaticKeyword);
      let fn: TS.FunctionLikeDeclaration | undefined;
      if (isMethodDeclaration(member)) {
        facts.methods.push(name);
        if (member.body && !isStatic) fn = member;
      } else if (isPropertyDeclaration(member)) {
        facts.properties.push({
          name,
          ...(member.type ? { type: member.type.getText(sourceFile) } : {}),
          ...(member.initializer ? { initializer: member.initializer.getText(sourceFile) } : {}),
          line: lineOf(member, sourceFile),
        });
        if (isFunctionValue(member.initializer)) {
          facts.methods.push(name);
          if (!isStatic) fn = member.initializer;
        }
      }
      if (!fn) continue;
      const isPublic =
        !isPrivateIdentifier(member.name!) &&
        !name.startsWith('_') &&
        !hasModifier(member, SyntaxKind.PrivateKeyword) &&
        !hasModifier(member, SyntaxKind.ProtectedKeyword);
      const unit: FunctionUnit = {
        kind: 'method',
        name,
        nameNode: member.name!,
        fn,
        effects: [],
        params: paramNames(fn),
        keyNames: new Set(),
        takesKey: false,
        owner: model,
        isPublic,
        ...(isPropertyDeclaration(member) ? { holder: member } : {}),
      };
      model.members.set(name, unit);
      if (!isPublic) model.helpers.add(name);
      this.unitByFunction.set(fn, unit);
    }

    const outerClass = this.currentClass;
    const outerUnit = this.currentUnit;
    this.currentClass = model;
    this.classCalls.set(model, new Set());
    // A nested class is not part of the enclosing operation.
    this.currentUnit = undefined;
    forEachChild(node, this.visitChild);
    this.currentClass = outerClass;
    this.currentUnit = outerUnit;
    facts.calls = [...this.classCalls.get(model)!];
    // `this.x = …` in the constructor was appended during the walk; list properties in source order.
    facts.properties.sort((a, b) => a.line - b.line);

    model.holdsOutbox = [...facts.constructorParams, ...facts.properties].some(
      (entry) =>
        mentionsAny(entry.name, this.names.outbox) ||
        (entry.type !== undefined && mentionsAny(entry.type, this.names.outbox)) ||
        (entry.initializer !== undefined &&
          NEW_EXPRESSION.test(entry.initializer) &&
          mentionsAny(entry.initializer.split('(')[0]!, this.names.outbox)),
    );
    this.model.classes.push(model);
  }

  // ---- names a file declares and imports ------------------------------------------------------------------------

  private noteTopLevelFunctions(statement: TS.VariableStatement): void {
    const exported = hasModifier(statement, SyntaxKind.ExportKeyword);
    for (const declaration of statement.declarationList.declarations) {
      if (isIdentifier(declaration.name) && isFunctionValue(declaration.initializer)) {
        const line = lineOf(declaration.name, this.sourceFile);
        this.model.functions.push({ name: declaration.name.text, line, exported });
      }
    }
  }

  private visitImport(declaration: TS.ImportDeclaration): void {
    if (!isStringLiteral(declaration.moduleSpecifier)) return;
    const names: string[] = [];
    const clause = declaration.importClause;
    if (clause?.name) names.push(clause.name.text);
    const bindings = clause?.namedBindings;
    if (bindings && isNamespaceImport(bindings)) names.push(bindings.name.text);
    if (bindings && isNamedImports(bindings)) {
      for (const element of bindings.elements) names.push((element.propertyName ?? element.name).text);
    }
    this.model.imports.push({ from: declaration.moduleSpecifier.text, names });
  }

  private visitReexport(declaration: TS.ExportDeclaration): void {
    if (!declaration.moduleSpecifier || !isStringLiteral(declaration.moduleSpecifier)) return;
    const names: string[] = [];
    const clause = declaration.exportClause;
    if (clause && isNamedExports(clause)) {
      for (const element of clause.elements) names.push((element.propertyName ?? element.name).text);
    } else if (clause && isNamespaceExport(clause)) {
      names.push(clause.name.text);
    }
    this.model.imports.push({ from: declaration.moduleSpecifier.text, names });
  }
}

function handlerName(handler: TS.FunctionLikeDeclaration): string | undefined {
  return handler.name && isIdentifier(handler.name) ? handler.name.text : undefined;
}

/** Walks the file once and returns what it found. `role` 'other' records only classes, functions and imports. */
export function buildFileModel(sourceFile: TS.SourceFile, settings: OutboxSettings, role: FileRole): FileModel {
  return new ModelBuilder(sourceFile, settings, role).build();
}
