import ts from 'typescript';
import type { RouteFact } from 'outbox-analysis';
import { nodeAt } from '../shared/source.js';
import type { SkipCode } from '../../engine/skips.js';

/**
 * How one route handler is cut in two: what moves into a service method, and what the router keeps. Planned on the
 * router's AST only; nothing here edits a file.
 */

/** The parts of a Fastify request a handler may read; anything else (headers, log, the request itself) stays put. */
const REQUEST_PARTS = { params: 'Params', query: 'Querystring', body: 'Body' } as const;
type RequestPart = keyof typeof REQUEST_PARTS;
const PART_ORDER: RequestPart[] = ['params', 'query', 'body'];

export interface Replacement {
  start: number;
  end: number;
  text: string;
}

/**
 * - `plain`: the handler only returns values; the method returns them and the router returns the method's result.
 * - `status`: every return is `reply.code(S).send(x)` with one S; the method returns x, the router sends it with S.
 * - `mixed`: returns with different statuses (a 409 before any write, a 422 after a rollback); the method returns
 *   `{ statusCode, payload }` and the router sends that, so every response stays byte for byte what it was.
 * - `prefix`: the handler uses the reply in ways a method cannot carry (`reply.type(...).header(...)`); only its
 *   leading statements up to the last DB call move, and the method hands back the locals the rest reads.
 */
export type ExtractionMode = 'plain' | 'status' | 'mixed' | 'prefix' | 'express';

/**
 * How an Express handler answers, once its answers became the method's returns: `single` keeps the router's own
 * response statement with the method's result in place of the payload (`res.status(201).json(await …)`, or the
 * call then `res.sendStatus(204)`); `mixed` sends `{ statusCode, payload }` with the one method every answer used.
 */
export type ExpressAnswer =
  | { kind: 'single'; before: string; after: string; withPayload: boolean; statement: string }
  | { kind: 'mixed'; method: string };

/**
 * The transaction an extracted method begins around writes that committed by themselves (`pool.query('INSERT …')`),
 * so that an outbox event and an idempotency key can join them: node-postgres' BEGIN … COMMIT on a client of the pool.
 */
export interface WrapInTransaction {
  /** The pool, as the method reaches it (`this.pool`, or an imported `pool`). */
  pool: string;
  /** The client's local name in the method. */
  client: string;
  /** The pool's method that checks a client out (`connect`), from the analysis. */
  checkout: string;
  quote: string;
  semi: string;
}

export interface ExtractedHandler {
  fn: ts.ArrowFunction | ts.FunctionExpression;
  /** The route registration call `app.post(...)` and its statement. */
  registration: ts.CallExpression;
  statement: ts.Statement;
  route: string;
  requestName: string;
  replyName: string | undefined;
  mode: ExtractionMode;
  /** The method's parameters, in order: name and type text. */
  params: { part: RequestPart; name: string; type: string; typeRefs: ts.Node[] }[];
  /** The text of the method body's statements (in the router's indentation), with the planned replacements applied. */
  bodyText: string;
  /** Where the body text starts in the router (for re-indenting and template-literal ranges). */
  bodyStart: number;
  bodyEnd: number;
  /** Replacements to apply inside [bodyStart, bodyEnd) to get the method body. */
  bodyEdits: Replacement[];
  /** Text appended to the method body (prefix mode: `return { rows };`). */
  bodyTail: string | undefined;
  /** For `status`: the reply method (`code` or `status`), the status and whether anything is sent. */
  status?: { method: string; code: string; withPayload: boolean };
  /** For `express`: how the router answers with the method's result. */
  express?: ExpressAnswer;
  /** The method runs its body in a transaction it begins (the writes committed by themselves in the router). */
  wrap?: WrapInTransaction;
  /** For `prefix`: the span of router statements the call replaces, and the locals it hands back. */
  prefix?: { start: number; end: number; names: string[]; kind: 'const' | 'let' };
  /** Top-level names of the router the moved code refers to. */
  references: Set<string>;
  /** The handler's leading comment lines (copied above the method: they say why the code does what it does). */
  comments: string[];
  /** Node where a skip or TODO is reported. */
  at: ts.Node;
}

export type HandlerPlan = { ok: true; handler: ExtractedHandler } | { ok: false; at: ts.Node; code: SkipCode; reason: string };

function isFunction(node: ts.Node): node is ts.FunctionLikeDeclaration {
  return ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isArrowFunction(node) || ts.isMethodDeclaration(node) || ts.isConstructorDeclaration(node) || ts.isGetAccessor(node) || ts.isSetAccessor(node);
}

/** Identifiers that are references (not property names, member names or the names of declarations' keys). */
export function isReference(id: ts.Identifier): boolean {
  const parent = id.parent;
  if (!parent) return true;
  if (ts.isPropertyAccessExpression(parent) && parent.name === id) return false;
  if (ts.isQualifiedName(parent) && parent.right === id) return false;
  if ((ts.isPropertyAssignment(parent) || ts.isPropertySignature(parent) || ts.isPropertyDeclaration(parent) || ts.isMethodDeclaration(parent) || ts.isMethodSignature(parent) || ts.isGetAccessor(parent) || ts.isSetAccessor(parent) || ts.isEnumMember(parent)) && parent.name === id) return false;
  if (ts.isBindingElement(parent) && parent.propertyName === id) return false;
  if ((ts.isImportSpecifier(parent) || ts.isExportSpecifier(parent)) && parent.propertyName === id) return false;
  if (ts.isLabeledStatement(parent) || ts.isBreakOrContinueStatement(parent)) return false;
  return true;
}

export function collectReferences(node: ts.Node, into: Set<string>): void {
  const visit = (n: ts.Node): void => {
    if (ts.isIdentifier(n) && isReference(n)) into.add(n.text);
    ts.forEachChild(n, visit);
  };
  visit(node);
}

/** Names declared anywhere inside `node` (variables, parameters, functions, classes). */
function declaredNames(node: ts.Node): Set<string> {
  const names = new Set<string>();
  const addBinding = (name: ts.BindingName): void => {
    if (ts.isIdentifier(name)) names.add(name.text);
    else for (const element of name.elements) if (!ts.isOmittedExpression(element)) addBinding(element.name);
  };
  const visit = (n: ts.Node): void => {
    if (ts.isVariableDeclaration(n) || ts.isParameter(n) || ts.isBindingElement(n)) addBinding(n.name);
    if ((ts.isFunctionDeclaration(n) || ts.isClassDeclaration(n) || ts.isFunctionExpression(n)) && n.name) names.add(n.name.text);
    ts.forEachChild(n, visit);
  };
  visit(node);
  return names;
}

/**
 * The route handler holding `node`, from the analysis' routes (`analysis.routes`: the registering call and the handler
 * function of each): the innermost whose handler is a function written in place as the registration's last argument.
 */
export function enclosingHandler(node: ts.Node, routes: readonly RouteFact[], source: ts.SourceFile): { fn: ts.ArrowFunction | ts.FunctionExpression; registration: ts.CallExpression; route: string } | undefined {
  const at = node.getStart(source);
  const holding = routes.filter((r) => r.handler.start <= at && at < r.handler.end).sort((a, b) => a.handler.end - a.handler.start - (b.handler.end - b.handler.start));
  for (const route of holding) {
    const fn = nodeAt(source, route.handler.start, route.handler.end);
    const registration = nodeAt(source, route.registration.start, route.registration.end);
    if (!fn || !(ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) || !registration || !ts.isCallExpression(registration)) continue;
    if (registration.arguments[registration.arguments.length - 1] !== fn) continue;
    return { fn, registration, route: route.route };
  }
  return undefined;
}

/**
 * The type of one part of the request (`Params`, `Body`, …) as the route's type argument gives it, written so that it
 * means the same in the service: the member's own type for an inline literal (`{ Params: { id: string } }`), an
 * indexed access for a named route type (`BinRoute['Params']`, `Routed<P, B>['Body']`), both joined for an
 * intersection. A type the router does not declare (imported) gets `(T & { Body?: unknown })['Body']`, which is the
 * member's type when T has it and `unknown` otherwise, as Fastify types it. `unknown` when no type argument says.
 */
export function requestPartType(registration: ts.CallExpression, key: string, source: ts.SourceFile): { text: string; refs: ts.Node[] } {
  const argument = registration.typeArguments?.[0];
  const found = argument ? partOf(argument, key, source, new Set()) : undefined;
  return found ?? { text: 'unknown', refs: [] };
}

function partOf(type: ts.TypeNode, key: string, source: ts.SourceFile, seen: Set<string>): { text: string; refs: ts.Node[] } | undefined {
  if (ts.isParenthesizedTypeNode(type)) return partOf(type.type, key, source, seen);
  if (ts.isTypeLiteralNode(type)) {
    const member = memberType(type.members, key);
    return member ? { text: member.getText(source), refs: [member] } : undefined;
  }
  if (ts.isIntersectionTypeNode(type)) {
    const parts = type.types.map((t) => partOf(t, key, source, seen)).filter((p) => p !== undefined);
    if (parts.length === 0) return undefined;
    if (parts.length === 1) return parts[0];
    return { text: parts.map((p) => (/[|&]|=>|\bextends\b/.test(p.text) ? `(${p.text})` : p.text)).join(' & '), refs: parts.flatMap((p) => p.refs) };
  }
  if (ts.isTypeReferenceNode(type) && ts.isIdentifier(type.typeName)) {
    const name = type.typeName.text;
    const declaration = localTypeDeclaration(source, name);
    const text = type.getText(source);
    if (!declaration) return { text: `(${text} & { ${key}?: unknown })['${key}']`, refs: [type] };
    if (seen.has(name)) return undefined;
    seen.add(name);
    const has = ts.isInterfaceDeclaration(declaration) ? memberType(declaration.members, key) !== undefined || inheritsMember(declaration, key, source, seen) : partOf(declaration.type, key, source, seen) !== undefined;
    return has ? { text: `${text}['${key}']`, refs: [type] } : undefined;
  }
  return undefined;
}

function memberType(members: ts.NodeArray<ts.TypeElement>, key: string): ts.TypeNode | undefined {
  for (const member of members) {
    if (ts.isPropertySignature(member) && member.type && (ts.isIdentifier(member.name) || ts.isStringLiteral(member.name)) && member.name.text === key) return member.type;
  }
  return undefined;
}

function inheritsMember(declaration: ts.InterfaceDeclaration, key: string, source: ts.SourceFile, seen: Set<string>): boolean {
  for (const clause of declaration.heritageClauses ?? []) {
    for (const base of clause.types) {
      if (!ts.isIdentifier(base.expression)) continue;
      const inner = localTypeDeclaration(source, base.expression.text);
      // An interface extending what the router does not declare may have the member: the safe indexed form is used.
      if (!inner) return true;
      if (seen.has(base.expression.text)) continue;
      seen.add(base.expression.text);
      if (ts.isInterfaceDeclaration(inner) ? memberType(inner.members, key) !== undefined || inheritsMember(inner, key, source, seen) : partOf(inner.type, key, source, seen) !== undefined) return true;
    }
  }
  return false;
}

function localTypeDeclaration(source: ts.SourceFile, name: string): ts.InterfaceDeclaration | ts.TypeAliasDeclaration | undefined {
  for (const statement of source.statements) {
    if ((ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement)) && statement.name.text === name) return statement;
  }
  return undefined;
}

/** `return reply.code(201).send(x)`: the reply method, the status literal and the payload. */
function replySend(statement: ts.ReturnStatement, replyName: string): { method: string; code: string; payload: ts.Expression | undefined } | undefined {
  const call = statement.expression;
  if (!call || !ts.isCallExpression(call) || !ts.isPropertyAccessExpression(call.expression) || call.expression.name.text !== 'send') return undefined;
  const status = call.expression.expression;
  if (!ts.isCallExpression(status) || !ts.isPropertyAccessExpression(status.expression)) return undefined;
  const receiver = status.expression.expression;
  const method = status.expression.name.text;
  if (!ts.isIdentifier(receiver) || receiver.text !== replyName || (method !== 'code' && method !== 'status')) return undefined;
  const code = status.arguments[0];
  if (status.arguments.length !== 1 || !code || !ts.isNumericLiteral(code) || call.arguments.length > 1) return undefined;
  return { method, code: code.text, payload: call.arguments[0] };
}

/** Return statements of the function itself (not of functions nested in it). */
function ownReturns(body: ts.Node): ts.ReturnStatement[] {
  const out: ts.ReturnStatement[] = [];
  const visit = (n: ts.Node): void => {
    if (isFunction(n) || ts.isClassLike(n)) return;
    if (ts.isReturnStatement(n)) out.push(n);
    ts.forEachChild(n, visit);
  };
  ts.forEachChild(body, visit);
  return out;
}

/** Can control reach the end of this statement list (so the handler would resolve to undefined)? */
function mayFallThrough(statements: readonly ts.Statement[], exits: ReadonlySet<ts.Statement> = new Set()): boolean {
  const last = statements[statements.length - 1];
  if (!last) return true;
  if (ts.isReturnStatement(last) || ts.isThrowStatement(last) || exits.has(last)) return false;
  if (ts.isBlock(last)) return mayFallThrough(last.statements, exits);
  if (ts.isIfStatement(last)) {
    return !last.elseStatement || mayFallThrough(blockOf(last.thenStatement), exits) || mayFallThrough(blockOf(last.elseStatement), exits);
  }
  if (ts.isTryStatement(last)) {
    if (last.finallyBlock && !mayFallThrough(last.finallyBlock.statements, exits)) return false;
    return mayFallThrough(last.tryBlock.statements, exits) || (last.catchClause !== undefined && mayFallThrough(last.catchClause.block.statements, exits));
  }
  return true;
}

function blockOf(statement: ts.Statement): readonly ts.Statement[] {
  return ts.isBlock(statement) ? statement.statements : [statement];
}

interface PlanContext {
  source: ts.SourceFile;
  text: string;
  /** The service's session property: the request's DB handle (`request.db`) becomes `this.<dbProperty>`. */
  dbProperty: string;
  /** The analysis's router DB calls inside this handler. */
  dbCalls: { start: number; end: number; handle: string; origin?: string }[];
  /**
   * Handles the handler closes over (`pool`, a parameter of `commentsRouter(pool)`, or imported), by name, with what
   * each becomes in the method: `this.pool` (the service is built with it), or its own name (the service imports it).
   */
  outerHandles?: Map<string, string>;
  /** Express: the request parts' types are Express's (`Request<P, ResBody, ReqBody, Query>`, the route's params). */
  express?: boolean;
  /** Begin a transaction in the method around the handler's writes that commit by themselves (see WrapInTransaction). */
  wrap?: WrapInTransaction;
}

/**
 * Plans the extraction of one handler. The handler may read `request.db`, `request.params`, `request.query` and
 * `request.body`, and answer through its return values or `return reply.code(S).send(x)`; anything else it needs from
 * the request or from the function that registers the routes keeps it in the router (a skip with the reason).
 */
export function planHandler(
  found: { fn: ts.ArrowFunction | ts.FunctionExpression; registration: ts.CallExpression; route: string },
  ctx: PlanContext,
): HandlerPlan {
  const { fn, registration, route } = found;
  const { source, text } = ctx;
  const statement = registration.parent && ts.isExpressionStatement(registration.parent) ? registration.parent : undefined;
  if (!statement) return { ok: false, at: registration, code: 'registration-not-a-statement', reason: `${route}: the route registration is not a statement of its own` };
  const [requestParam, replyParam] = fn.parameters;
  if (!requestParam || !ts.isIdentifier(requestParam.name)) return { ok: false, at: registration, code: 'request-destructured', reason: `${route}: the handler's request parameter is destructured or missing` };
  if (replyParam && !ts.isIdentifier(replyParam.name)) return { ok: false, at: registration, code: 'reply-destructured', reason: `${route}: the handler's reply parameter is destructured` };
  const requestName = requestParam.name.text;
  const replyName = replyParam && ts.isIdentifier(replyParam.name) ? replyParam.name.text : undefined;
  // The request's members that are DB handles: those the analysis says the handler's DB calls run on (`request.db`,
  // or the origin of `const { db } = request`).
  const dbMembers = new Set(
    ctx.dbCalls.flatMap((call) => {
      const member = new RegExp(`^${requestName.replace(/\$/g, '\\$')}\\.([A-Za-z_$][\\w$]*)$`).exec(call.origin ?? call.handle);
      return member ? [member[1]!] : [];
    }),
  );
  const body = fn.body;

  // What the body reads from the request, and whether everything it reads can be passed in.
  const used = new Set<RequestPart>();
  const requestEdits: Replacement[] = [];
  let problem: { code: SkipCode; text: string } | undefined;
  const insideNestedFunction = (node: ts.Node): boolean => {
    for (let p: ts.Node | undefined = node.parent; p && p !== fn; p = p.parent) if (ts.isFunctionExpression(p) || ts.isFunctionDeclaration(p) || ts.isMethodDeclaration(p)) return true;
    return false;
  };
  const visit = (n: ts.Node): void => {
    if (problem) return;
    if (n.kind === ts.SyntaxKind.ThisKeyword && !insideNestedFunction(n)) {
      problem = { code: 'handler-uses-this', text: 'the handler uses `this`, which a service method does not have' };
      return;
    }
    if (ts.isIdentifier(n) && ctx.outerHandles?.has(n.text) && isReference(n) && !declaredNames(fn).has(n.text)) {
      if (insideNestedFunction(n)) problem = { code: 'nested-function-uses-db', text: `a function nested in the handler uses ${n.text}` };
      else requestEdits.push({ start: n.getStart(source), end: n.getEnd(), text: ctx.wrap && isDbCallReceiver(n, ctx.dbCalls, source) ? ctx.wrap.client : ctx.outerHandles.get(n.text)! });
      return;
    }
    if (ts.isIdentifier(n) && n.text === requestName && isReference(n)) {
      const parent = n.parent;
      if (ts.isPropertyAccessExpression(parent) && parent.expression === n) {
        const member = parent.name.text;
        if (dbMembers.has(member)) {
          if (insideNestedFunction(n)) problem = { code: 'nested-function-uses-db', text: `a function nested in the handler uses ${requestName}.${member}` };
          else requestEdits.push({ start: parent.getStart(source), end: parent.getEnd(), text: `this.${ctx.dbProperty}` });
          return;
        }
        if (member in REQUEST_PARTS) {
          used.add(member as RequestPart);
          requestEdits.push({ start: parent.getStart(source), end: parent.getEnd(), text: `\u0000${member}\u0000` });
          return;
        }
        problem = { code: 'handler-reads-request', text: `the handler reads ${requestName}.${member}, which a service method is not given` };
        return;
      }
      // `const { db } = request` → `const db = this.db`.
      if (ts.isVariableDeclaration(parent) && parent.initializer === n && ts.isObjectBindingPattern(parent.name) && parent.name.elements.length === 1 && !insideNestedFunction(n)) {
        const element = parent.name.elements[0]!;
        const member = element.propertyName && ts.isIdentifier(element.propertyName) ? element.propertyName.text : ts.isIdentifier(element.name) ? element.name.text : undefined;
        if (member && dbMembers.has(member) && ts.isIdentifier(element.name) && !element.initializer && !element.dotDotDotToken) {
          requestEdits.push({ start: parent.getStart(source), end: parent.getEnd(), text: `${element.name.text} = this.${ctx.dbProperty}` });
          return;
        }
      }
      problem = { code: 'handler-passes-request', text: `the handler passes ${requestName} itself along` };
      return;
    }
    ts.forEachChild(n, visit);
  };
  visit(body);

  // Names the handler takes from the function that registers the routes (`deps`, a local helper) cannot follow it.
  const outer = new Set<string>();
  for (let p: ts.Node | undefined = fn.parent; p && !ts.isSourceFile(p); p = p.parent) {
    if (isFunction(p)) {
      for (const parameter of p.parameters) for (const name of declaredNames(parameter)) outer.add(name);
      if (p.body && ts.isBlock(p.body)) {
        for (const s of p.body.statements) {
          if (s.pos <= fn.pos && s.end >= fn.end) continue;
          if (ts.isVariableStatement(s) || ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s)) for (const name of declaredNames(s)) outer.add(name);
        }
      }
    }
  }
  const references = new Set<string>();
  collectReferences(body, references);
  const own = declaredNames(body);
  for (const name of references) {
    if (!problem && outer.has(name) && !own.has(name) && name !== requestName && name !== replyName && !ctx.outerHandles?.has(name)) problem = { code: 'handler-uses-outer-name', text: `the handler uses \`${name}\` from the function that registers the routes` };
  }
  if (problem) return { ok: false, at: registration, code: problem.code, reason: `${route}: ${problem.text}; left in the router` };

  // The method's parameters; a local of the same name would shadow one, so those get a longer name.
  const params = PART_ORDER.filter((part) => used.has(part)).map((part) => {
    const type = ctx.express ? expressPartType(fn, route, part, source) : requestPartType(registration, REQUEST_PARTS[part], source);
    let name: string = part;
    if (own.has(name) || references.has(name)) name = { params: 'routeParams', query: 'querystring', body: 'requestBody' }[part];
    return { part, name, type: type.text, typeRefs: type.refs };
  });
  const nameOf = (part: string) => params.find((p) => p.part === part)!.name;
  for (const edit of requestEdits) edit.text = edit.text.replace(/\u0000(\w+)\u0000/, (_, part: string) => nameOf(part));
  for (const p of params) for (const ref of p.typeRefs) collectReferences(ref, references);

  // The body as a statement list (an expression-bodied arrow returns its expression).
  const isBlock = ts.isBlock(body);
  const bodyStart = isBlock ? body.getStart(source) + 1 : body.getStart(source);
  const bodyEnd = isBlock ? body.getEnd() - 1 : body.getEnd();
  const statements = isBlock ? body.statements : [];
  const comments = leadingCommentLines(text, statement, source);

  // How the handler answers.
  const replyRefs: ts.Identifier[] = [];
  if (replyName) {
    const find = (n: ts.Node): void => {
      if (ts.isIdentifier(n) && n.text === replyName && isReference(n)) replyRefs.push(n);
      ts.forEachChild(n, find);
    };
    find(body);
  }
  const returns = isBlock ? ownReturns(body) : [];
  const sends = new Map<ts.ReturnStatement, NonNullable<ReturnType<typeof replySend>>>();
  for (const r of returns) {
    const send = replyName ? replySend(r, replyName) : undefined;
    if (send) sends.set(r, send);
  }
  const allReplyRefsInSends = replyRefs.every((ref) => [...sends.keys()].some((r) => ref.pos >= r.pos && ref.end <= r.end));
  const base = { fn, registration, statement, route, requestName, replyName, params, bodyStart, bodyEnd, references, comments, at: registration as ts.Node, bodyTail: undefined };

  if (!isBlock) {
    if (replyRefs.length > 0) return { ok: false, at: registration, code: 'expression-handler-uses-reply', reason: `${route}: the handler's expression uses the reply; left in the router` };
    return { ok: true, handler: { ...base, mode: 'plain', bodyEdits: requestEdits, bodyText: '' } };
  }
  if (replyRefs.length === 0) return { ok: true, handler: { ...base, mode: 'plain', bodyEdits: requestEdits, bodyText: '' } };

  if (allReplyRefsInSends) {
    const statuses = new Set([...sends.values()].map((s) => s.code));
    const methods = new Set([...sends.values()].map((s) => s.method));
    if (sends.size === returns.length && statuses.size === 1 && methods.size === 1) {
      const first = [...sends.values()][0]!;
      const edits = [...requestEdits];
      for (const [r, send] of sends) {
        const expression = r.expression!;
        edits.push(send.payload
          ? { start: expression.getStart(source), end: send.payload.getStart(source), text: '' }
          : { start: r.getStart(source), end: r.getEnd(), text: 'return;' });
        if (send.payload) edits.push({ start: send.payload.getEnd(), end: expression.getEnd(), text: '' });
      }
      return {
        ok: true,
        handler: { ...base, mode: 'status', bodyEdits: edits, bodyText: '', status: { method: first.method, code: first.code, withPayload: [...sends.values()].some((s) => s.payload) } },
      };
    }
    if (mayFallThrough(statements)) return { ok: false, at: registration, code: 'statuses-may-fall-through', reason: `${route}: the handler answers with several statuses and may end without a response; left in the router` };
    const edits = [...requestEdits];
    for (const r of returns) {
      const send = sends.get(r);
      const expression = r.expression;
      if (send) {
        const payload = send.payload ? `payload: ${text.slice(send.payload.getStart(source), send.payload.getEnd())}` : 'payload: undefined';
        // Replacements inside the payload (request.body → body) must still apply: split around it.
        if (send.payload) {
          edits.push({ start: expression!.getStart(source), end: send.payload.getStart(source), text: `{ statusCode: ${send.code}, payload: ` });
          edits.push({ start: send.payload.getEnd(), end: expression!.getEnd(), text: ' }' });
        } else {
          edits.push({ start: expression!.getStart(source), end: expression!.getEnd(), text: `{ statusCode: ${send.code}, ${payload} }` });
        }
      } else if (expression) {
        edits.push({ start: expression.getStart(source), end: expression.getStart(source), text: '{ statusCode: 200, payload: ' });
        edits.push({ start: expression.getEnd(), end: expression.getEnd(), text: ' }' });
      } else {
        edits.push({ start: r.getStart(source), end: r.getEnd(), text: 'return { statusCode: 200, payload: undefined };' });
      }
    }
    return { ok: true, handler: { ...base, mode: 'mixed', bodyEdits: edits, bodyText: '' } };
  }

  if (ctx.express) {
    const answered = expressAnswers(body, replyName!, replyRefs, source);
    if (answered.ok) {
      const { answers } = answered;
      const exits = new Set(answers.map((a) => a.statement));
      const edits = [...requestEdits];
      const methods = new Set(answers.map((a) => a.method));
      const statuses = new Set(answers.map((a) => a.status));
      const single = statuses.size === 1 && methods.size === 1 && new Set(answers.map((a) => a.before + a.after)).size === 1;
      if (!single && (methods.size > 1 || answers.some((a) => !a.payload || (a.method !== 'json' && a.method !== 'send')))) {
        return { ok: false, at: registration, code: 'responses-differ', reason: `${route}: the handler answers in several ways (${[...new Set(answers.map((a) => a.text))].join(', ')}), which one returned value cannot carry; left in the router` };
      }
      if (!single && mayFallThrough(statements, exits)) return { ok: false, at: registration, code: 'statuses-may-fall-through', reason: `${route}: the handler answers with several statuses and may end without a response; left in the router` };
      for (const answer of answers) {
        const { statement: st, payload, end } = answer;
        const open = single ? 'return ' : `return { statusCode: ${answer.status}, payload: `;
        const close = single ? ';' : ' };';
        if (payload) {
          edits.push({ start: st.getStart(source), end: payload.getStart(source), text: open });
          edits.push({ start: payload.getEnd(), end: end.getEnd(), text: close });
        } else {
          edits.push({ start: st.getStart(source), end: end.getEnd(), text: 'return;' });
        }
      }
      const first = answers[0]!;
      const express: ExpressAnswer = single
        ? { kind: 'single', before: first.before, after: first.after, withPayload: first.payload !== undefined, statement: first.statementText }
        : { kind: 'mixed', method: [...methods][0]! };
      if (ctx.wrap) edits.push(...commitEdits(body, exits, new Set(answers.map((a) => a.end)), ctx.wrap, ctx.dbCalls, text, source));
      const wrapTail = ctx.wrap && mayFallThrough(statements, exits) ? `await ${ctx.wrap.client}.query(${ctx.wrap.quote}COMMIT${ctx.wrap.quote})${ctx.wrap.semi}` : undefined;
      return { ok: true, handler: { ...base, mode: 'express', bodyEdits: edits, bodyText: '', express, ...(ctx.wrap ? { wrap: ctx.wrap } : {}), bodyTail: wrapTail } };
    }
    if (answered.code) return { ok: false, at: registration, code: answered.code, reason: `${route}: ${answered.reason}; left in the router` };
  }

  // The reply is used in ways a method cannot return: move only the statements up to the last DB call.
  const touchesDb = (s: ts.Statement) => [...requestEdits.filter((e) => e.text.includes('this.')), ...ctx.dbCalls].some((e) => e.start >= s.getStart(source) && e.end <= s.getEnd());
  let last = -1;
  statements.forEach((s, i) => {
    if (touchesDb(s)) last = i;
  });
  const prefix = statements.slice(0, last + 1);
  const rest = statements.slice(last + 1);
  const prefixReturns = returns.filter((r) => prefix.some((s) => r.pos >= s.pos && r.end <= s.end));
  const prefixReplyRefs = replyRefs.filter((ref) => prefix.some((s) => ref.pos >= s.pos && ref.end <= s.end));
  if (prefix.length === 0 || prefixReturns.length > 0 || prefixReplyRefs.length > 0) {
    return { ok: false, at: registration, code: 'reply-beside-db-calls', reason: `${route}: the handler uses the reply beside its DB calls in a way a service method cannot return; left in the router` };
  }
  // Locals the prefix declares at its top level and the rest reads come back from the method.
  const declared: { name: string; kind: 'const' | 'let' }[] = [];
  for (const s of prefix) {
    if (!ts.isVariableStatement(s)) continue;
    const kind = s.declarationList.flags & ts.NodeFlags.Let ? 'let' : 'const';
    for (const d of s.declarationList.declarations) for (const name of declaredNames(d)) declared.push({ name, kind });
  }
  const restRefs = new Set<string>();
  for (const s of rest) collectReferences(s, restRefs);
  const handedBack = declared.filter((d) => restRefs.has(d.name));
  // The rest needs nothing else of the prefix: it holds no DB call and no request part (the prefix ends at the last).
  const prefixStart = prefix[0]!.getStart(source);
  const prefixEnd = prefix[prefix.length - 1]!.getEnd();
  return {
    ok: true,
    handler: {
      ...base,
      mode: 'prefix',
      bodyStart: prefixStart,
      bodyEnd: prefixEnd,
      bodyEdits: requestEdits.filter((e) => e.start >= prefixStart && e.end <= prefixEnd),
      bodyText: '',
      bodyTail: handedBack.length > 0 ? `return { ${handedBack.map((d) => d.name).join(', ')} };` : undefined,
      prefix: { start: prefixStart, end: prefixEnd, names: handedBack.map((d) => d.name), kind: handedBack.some((d) => d.kind === 'let') ? 'let' : 'const' },
    },
  };
}

/** The comment lines directly above a statement (each on its own line). */
function leadingCommentLines(text: string, statement: ts.Node, source: ts.SourceFile): string[] {
  const ranges = ts.getLeadingCommentRanges(text, statement.getFullStart()) ?? [];
  void source;
  return ranges
    .filter((r) => /^[ \t]*$/.test(text.slice(text.lastIndexOf('\n', r.pos - 1) + 1, r.pos)))
    .flatMap((r) => text.slice(r.pos, r.end).split(/\r?\n/).map((line) => line.trim()));
}

/** One way an Express handler answers: `res.status(201).json(x)`, `res.json(x)`, `res.sendStatus(204)`, `res.status(204).end()`. */
interface ExpressResponse {
  /** The statement that answers (an expression statement, or `return res.json(x)`), and through which statement the
   * answer reaches: a bare `return;` right after it goes with it. */
  statement: ts.Statement;
  end: ts.Statement;
  statementText: string;
  method: string;
  status: string;
  payload: ts.Expression | undefined;
  /** The call's text before and after the payload (the whole call when there is none). */
  before: string;
  after: string;
  text: string;
}

const EXPRESS_SENDS = new Set(['json', 'send', 'end', 'sendStatus']);

/** `res.status(201).json(x)` and its kin, as one answer; undefined for any other use of the response. */
function expressResponse(expression: ts.Expression | undefined, replyName: string, source: ts.SourceFile): Omit<ExpressResponse, 'statement' | 'end' | 'statementText'> | undefined {
  if (!expression || !ts.isCallExpression(expression) || !ts.isPropertyAccessExpression(expression.expression)) return undefined;
  const method = expression.expression.name.text;
  if (!EXPRESS_SENDS.has(method)) return undefined;
  const receiver = expression.expression.expression;
  let status = '200';
  if (ts.isCallExpression(receiver)) {
    if (method === 'sendStatus' || !ts.isPropertyAccessExpression(receiver.expression) || receiver.expression.name.text !== 'status') return undefined;
    const code = receiver.arguments[0];
    if (receiver.arguments.length !== 1 || !code || !ts.isNumericLiteral(code)) return undefined;
    if (!ts.isIdentifier(receiver.expression.expression) || receiver.expression.expression.text !== replyName) return undefined;
    status = code.text;
  } else if (!ts.isIdentifier(receiver) || receiver.text !== replyName) {
    return undefined;
  }
  const args = expression.arguments;
  let payload: ts.Expression | undefined;
  if (method === 'sendStatus') {
    const code = args[0];
    if (args.length !== 1 || !code || !ts.isNumericLiteral(code)) return undefined;
    status = code.text;
  } else if (method === 'end') {
    if (args.length > 0) return undefined;
  } else {
    if (args.length > 1) return undefined;
    payload = args[0];
  }
  const text = expression.getText(source);
  const start = expression.getStart(source);
  return {
    method,
    status,
    payload,
    before: payload ? text.slice(0, payload.getStart(source) - start) : text,
    after: payload ? text.slice(payload.getEnd() - start) : '',
    text: payload ? `${text.slice(0, payload.getStart(source) - start)}…${text.slice(payload.getEnd() - start)}` : text,
  };
}

/**
 * The answers of an Express handler, when each is a statement after which the handler ends (the last of its
 * block, up through ifs and trys, or followed by a bare `return;`) and the response is used nowhere else. `code`
 * says why not when the handler answers and then goes on; no code when the response is used otherwise (the prefix
 * mode may still move the DB work).
 */
function expressAnswers(body: ts.Block, replyName: string, replyRefs: ts.Identifier[], source: ts.SourceFile): { ok: true; answers: ExpressResponse[] } | { ok: false; code?: SkipCode; reason: string } {
  const answers: ExpressResponse[] = [];
  const otherReturns: ts.ReturnStatement[] = [];
  const visit = (n: ts.Node): void => {
    if (isFunction(n) || ts.isClassLike(n)) return;
    if (ts.isExpressionStatement(n) || ts.isReturnStatement(n)) {
      const found = expressResponse(n.expression, replyName, source);
      if (found) {
        answers.push({ ...found, statement: n, end: n, statementText: n.getText(source) });
        return;
      }
      if (ts.isReturnStatement(n)) otherReturns.push(n);
    }
    ts.forEachChild(n, visit);
  };
  ts.forEachChild(body, visit);
  if (answers.length === 0) return { ok: false, reason: 'the handler never answers with res.json / send / sendStatus / end' };
  if (!replyRefs.every((ref) => answers.some((a) => ref.pos >= a.statement.pos && ref.end <= a.statement.end))) return { ok: false, reason: 'the handler uses the response beside its answers' };
  for (const answer of answers) {
    if (ts.isReturnStatement(answer.statement)) continue;
    const tail = tailOf(answer.statement, body);
    if (!tail) return { ok: false, code: 'response-not-at-end', reason: `the handler answers (\`${answer.text}\`) and then goes on, so the answer cannot become the method's return` };
    answer.end = tail;
  }
  const folded = new Set(answers.map((a) => a.end));
  if (otherReturns.some((r) => !folded.has(r))) return { ok: false, reason: 'the handler returns without answering' };
  return { ok: true, answers };
}

/**
 * Whether the handler ends right after `statement`: it is the last of its block, up through ifs, trys and blocks to
 * the handler's body, or a bare `return;` follows it. The statement the answer reaches through (that `return;`, folded
 * into the answer's return), or undefined.
 */
function tailOf(statement: ts.Statement, body: ts.Block): ts.Statement | undefined {
  let node: ts.Node = statement;
  let end: ts.Statement = statement;
  for (;;) {
    const parent: ts.Node = node.parent;
    if (ts.isBlock(parent)) {
      const list = parent.statements;
      const i = list.indexOf(node as ts.Statement);
      const next = list[i + 1];
      if (next) {
        // `res.status(404).json(…); return;`: the handler ends there, wherever it is.
        if (node === statement && ts.isReturnStatement(next) && !next.expression) return next;
        return undefined;
      }
      if (parent === body) return end;
      const owner = parent.parent;
      if (ts.isTryStatement(owner) && owner.finallyBlock !== parent) node = owner;
      else if (ts.isCatchClause(owner)) node = owner.parent;
      else if (ts.isIfStatement(owner) || ts.isBlock(owner)) node = ts.isBlock(owner) ? parent : owner;
      else return undefined;
      continue;
    }
    if (ts.isIfStatement(parent)) {
      node = parent;
      continue;
    }
    return undefined;
  }
}

/** `await client.query('COMMIT');` before each return of the method (an answer that became one, or the handler's own). */
function commitEdits(body: ts.Block, exits: ReadonlySet<ts.Statement>, folded: ReadonlySet<ts.Statement>, wrap: WrapInTransaction, dbCalls: PlanContext['dbCalls'], text: string, source: ts.SourceFile): Replacement[] {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const end = (verb: string) => `await ${wrap.client}.query(${wrap.quote}${verb}${wrap.quote})${wrap.semi}`;
  const edits: Replacement[] = [];
  const points = new Set<ts.Statement>([...exits, ...ownReturns(body).filter((r) => exits.has(r) || !folded.has(r))]);
  for (const point of points) {
    // An answer from a catch around DB calls follows a failed statement, which aborted the transaction: it ends it
    // with ROLLBACK (nothing of it was kept before either).
    const commit = end(inCatchOfDbCalls(point, body, dbCalls, source) ? 'ROLLBACK' : 'COMMIT');
    const start = point.getStart(source);
    const parent = point.parent;
    if (ts.isBlock(parent) || ts.isCaseClause(parent) || ts.isDefaultClause(parent)) {
      const lineStart = text.lastIndexOf('\n', start - 1) + 1;
      edits.push({ start, end: start, text: `${commit}${eol}${text.slice(lineStart, start).replace(/\S.*$/, '')}` });
    } else {
      edits.push({ start, end: start, text: `{ ${commit} ` });
      edits.push({ start: point.getEnd(), end: point.getEnd(), text: ' }' });
    }
  }
  return edits;
}

/** Is `node` in the catch clause of a try (in the handler) whose block makes DB calls? */
function inCatchOfDbCalls(node: ts.Node, body: ts.Block, dbCalls: PlanContext['dbCalls'], source: ts.SourceFile): boolean {
  for (let p: ts.Node | undefined = node.parent; p && p !== body; p = p.parent) {
    if (isFunction(p)) return false;
    if (ts.isCatchClause(p)) {
      const block = (p.parent as ts.TryStatement).tryBlock;
      if (dbCalls.some((c) => c.start >= block.getStart(source) && c.end <= block.getEnd())) return true;
    }
  }
  return false;
}

/** `pool` in `pool.query(…)`, a call the analysis found in the handler on that handle itself. */
function isDbCallReceiver(n: ts.Identifier, dbCalls: PlanContext['dbCalls'], source: ts.SourceFile): boolean {
  const access = n.parent;
  if (!ts.isPropertyAccessExpression(access) || access.expression !== n || !ts.isCallExpression(access.parent) || access.parent.expression !== access) return false;
  const call = access.parent;
  return dbCalls.some((c) => c.start === call.getStart(source) && c.end === call.getEnd() && c.handle === n.text && c.origin === undefined);
}

const EXPRESS_PART_INDEX: Record<RequestPart, number> = { params: 0, body: 2, query: 3 };

/**
 * The type Express gives a request part in this handler: the argument of its `Request<P, ResBody, ReqBody, Query>`
 * annotation, Express's default for one it leaves out (`import('express').Request['params']`, `any` for the body),
 * `T['body']` for a request typed otherwise; unannotated, the route's own params (`/:id` → `{ id: string }`, as
 * Express 5 infers them), an `any` body and the parsed query.
 */
function expressPartType(fn: ts.ArrowFunction | ts.FunctionExpression, route: string, part: RequestPart, source: ts.SourceFile): { text: string; refs: ts.Node[] } {
  const annotation = fn.parameters[0]?.type;
  const express = (key: RequestPart) => `import('express').Request['${key}']`;
  if (annotation) {
    const isRequest = ts.isTypeReferenceNode(annotation) && (ts.isIdentifier(annotation.typeName) ? annotation.typeName.text : annotation.typeName.right.text) === 'Request';
    if (!isRequest) return { text: `(${annotation.getText(source)})['${part}']`, refs: [annotation] };
    const argument = (annotation as ts.TypeReferenceNode).typeArguments?.[EXPRESS_PART_INDEX[part]];
    if (argument) return { text: argument.getText(source), refs: [argument] };
    return { text: part === 'body' ? 'any' : express(part), refs: [] };
  }
  if (part === 'body') return { text: 'any', refs: [] };
  if (part === 'query') return { text: express(part), refs: [] };
  const path = route.split(/\s+/)[1] ?? '';
  const names = [...path.matchAll(/:([A-Za-z_$][\w$]*)(\?)?/g)].map((m) => `${m[1]}${m[2] ?? ''}: string`);
  return { text: names.length > 0 ? `{ ${names.join('; ')} }` : express(part), refs: [] };
}
