import ts from 'typescript';
import { resolveText, sqlWriteTarget, type ConstLookup, type Operation } from 'outbox-analysis';
import { snakeCase, type CodeStyle } from './edits.js';
import { enclosingStatement, freshName, isFunctionLike, isPlainRead, nodeAt } from './source.js';

/**
 * What generated code needs to know about one operation: the names of its identifying parameters, the value it
 * returns at a commit, the handle it writes through. Shared by inject-outbox and inject-idempotency.
 */

const isIdName = (name: string): boolean => name === 'id' || /[a-z]Id$/.test(name);

/**
 * Names that identify what the operation acts on and are in scope everywhere in its body: parameters (`partnerId`,
 * `organizationId`, `id`) and names destructured from a parameter at the top of the body
 * (`const { id, branchId } = params;`, the shape extract-router-db gives a handler's route parameters).
 */
export function idParams(fn: ts.FunctionLikeDeclaration): string[] {
  const names = fn.parameters.map((parameter) => (ts.isIdentifier(parameter.name) ? parameter.name.text : '')).filter(isIdName);
  const parameterNames = new Set(fn.parameters.flatMap((p) => (ts.isIdentifier(p.name) ? [p.name.text] : [])));
  if (fn.body && ts.isBlock(fn.body)) {
    for (const statement of fn.body.statements) {
      if (!ts.isVariableStatement(statement) || !(statement.declarationList.flags & ts.NodeFlags.Const)) continue;
      for (const declaration of statement.declarationList.declarations) {
        if (!ts.isObjectBindingPattern(declaration.name) || !declaration.initializer || !ts.isIdentifier(declaration.initializer)) continue;
        if (!parameterNames.has(declaration.initializer.text)) continue;
        for (const element of declaration.name.elements) {
          if (ts.isIdentifier(element.name) && !element.dotDotDotToken && isIdName(element.name.text) && !names.includes(element.name.text)) names.push(element.name.text);
        }
      }
    }
  }
  return names;
}

/** Results that carry credentials never go into an event payload or log. */
const SECRET = /token|password|secret|otp|code|credential/i;

/** May this operation's result (or this expression) carry a credential? Then it stays out of event payloads. */
export function carriesSecret(operationName: string, text = ''): boolean {
  return SECRET.test(operationName) || SECRET.test(text);
}

/**
 * The value the path returns right after the commit statement, when it is a plain read (no call) that can be read
 * just before the commit: `return partner;`, `return rows[0];`, `return { partnerId, changed: true };`.
 */
export function resultAt(commit: ts.Statement, source: ts.SourceFile, operationName: string): string | undefined {
  const parent = commit.parent;
  if (!ts.isBlock(parent) && !ts.isCaseClause(parent) && !ts.isDefaultClause(parent)) return undefined;
  const next = parent.statements[parent.statements.indexOf(commit) + 1];
  if (!next || !ts.isReturnStatement(next) || !next.expression || !isPlainRead(next.expression)) return undefined;
  const text = next.expression.getText(source);
  if (text.includes('\n') || SECRET.test(text) || SECRET.test(operationName)) return undefined;
  return text;
}

/**
 * A return right after the commit whose value is computed (`return masked(rows[0]!);`, a template, a call) but can be
 * computed just before the commit instead: synchronous, no assignment, no function, and never touching the DB handle —
 * so the only difference is that it runs inside the transaction (and a throw there rolls back rather than answering
 * 500 after a commit). The caller declares `name` before the commit and returns it.
 */
export interface HoistedReturn {
  name: string;
  /** `const <name> = <expression>` (no semicolon; the file's style decides), to insert before the commit as is. */
  declaration: string;
  /** Replaces the returned expression with `name`. */
  edit: { start: number; end: number; text: string };
}

/** The hoisted `const result = …` as a line of its own at `indent`, in the file's semicolon style. */
export function hoistedDeclaration(hoisted: HoistedReturn, indent: string, style: CodeStyle): string {
  return indent + hoisted.declaration + (style.semicolons ? ';' : '') + style.eol;
}

export function hoistableReturn(fn: ts.FunctionLikeDeclaration, commit: ts.Statement, source: ts.SourceFile, handle: string): HoistedReturn | undefined {
  const parent = commit.parent;
  if (!ts.isBlock(parent) && !ts.isCaseClause(parent) && !ts.isDefaultClause(parent)) return undefined;
  const next = parent.statements[parent.statements.indexOf(commit) + 1];
  if (!next || !ts.isReturnStatement(next) || !next.expression || isPlainRead(next.expression)) return undefined;
  const handleRoot = handle.startsWith('this.') ? undefined : handle.split('.')[0];
  let safe = true;
  const visit = (node: ts.Node): void => {
    if (!safe) return;
    if (
      ts.isAwaitExpression(node) ||
      ts.isYieldExpression(node) ||
      isFunctionLike(node) ||
      ts.isClassExpression(node) ||
      (ts.isBinaryExpression(node) && node.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && node.operatorToken.kind <= ts.SyntaxKind.LastAssignment) ||
      (ts.isPrefixUnaryExpression(node) && (node.operator === ts.SyntaxKind.PlusPlusToken || node.operator === ts.SyntaxKind.MinusMinusToken)) ||
      ts.isPostfixUnaryExpression(node) ||
      ts.isDeleteExpression(node) ||
      (ts.isPropertyAccessExpression(node) && node.getText(source) === handle) ||
      (handleRoot !== undefined && ts.isIdentifier(node) && node.text === handleRoot)
    ) {
      safe = false;
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(next.expression);
  if (!safe) return undefined;
  const name = freshName(fn, 'result', source);
  const expression = next.expression;
  return {
    name,
    declaration: `const ${name} = ${expression.getText(source)}`,
    edit: { start: expression.getStart(source), end: expression.getEnd(), text: name },
  };
}

/** `PartnerService` → `partner`; `RBACService` → `rbac`; a router handler → its module. */
export function aggregateTypeOf(operation: Operation): string {
  const base = (operation.className ?? operation.module).replace(/Service$/, '') || operation.module;
  return snakeCase(base);
}

/** `<module>.<operation>` in snake case: `partners.create_partner`. */
export function eventTypeOf(operation: Operation): string {
  return `${operation.module}.${snakeCase(operation.method)}`;
}

/**
 * The commit statements of the operation's own body, in source order: the commits the analysis publishes for it
 * (`operation.commits`: `db.commit()`, `client.query('COMMIT')`, with the handle each runs on). A transaction scope
 * (`$transaction(cb)`) is not a statement something can go before: see scopeCommits.
 */
export function commitStatements(fn: ts.FunctionLikeDeclaration, operation: Operation): { call: ts.CallExpression; statement: ts.Statement | undefined; handle: string }[] {
  const source = fn.getSourceFile();
  return operation.commits
    .filter((commit) => !commit.scope)
    .map((commit) => ({ commit, node: nodeAt(source, commit.start, commit.end) }))
    .filter((found): found is { commit: typeof found.commit; node: ts.CallExpression } => found.node !== undefined && ts.isCallExpression(found.node) && ownCall(fn, found.node))
    .flatMap(({ commit, node }) => {
      const handle = commit.handle ?? receiverOf(node);
      return handle !== undefined ? [{ ...commitStatementOf(node), handle }] : [];
    });
}

/**
 * The statements that begin the operation's transaction (`await client.query('BEGIN');`), or with `rollbacks` those that
 * roll it back, from the analysis.
 */
export function beginStatements(fn: ts.FunctionLikeDeclaration, operation: Operation, which: 'begins' | 'rollbacks' = 'begins'): { call: ts.CallExpression; statement: ts.Statement | undefined; handle: string | undefined }[] {
  const source = fn.getSourceFile();
  return operation[which]
    .map((begin) => ({ begin, node: nodeAt(source, begin.start, begin.end) }))
    .filter((found): found is { begin: typeof found.begin; node: ts.CallExpression } => found.node !== undefined && ts.isCallExpression(found.node) && ownCall(fn, found.node))
    .map(({ begin, node }) => ({ ...commitStatementOf(node), handle: begin.handle }));
}

function commitStatementOf(call: ts.CallExpression): { call: ts.CallExpression; statement: ts.Statement | undefined } {
  const statement = enclosingStatement(call);
  const isCommit = (s: ts.Statement): boolean =>
    ts.isExpressionStatement(s) && (s.expression === call || (ts.isAwaitExpression(s.expression) && s.expression.expression === call));
  // `if (!dryRun) await db.commit();`: code that must run before the commit goes before the if.
  const standalone = statement && (isCommit(statement) || (ts.isIfStatement(statement) && !statement.elseStatement && isCommit(statement.thenStatement)));
  return { call, statement: standalone ? statement : undefined };
}

/** The call is in the function's own body, not in a callback nested in it (commitCalls' reach). */
function ownCall(fn: ts.FunctionLikeDeclaration, node: ts.Node): boolean {
  for (let current = node.parent; current; current = current.parent) {
    if (current === fn) return true;
    if (isFunctionLike(current) || ts.isClassLike(current)) return false;
  }
  return false;
}

/** Calls `this.<helper>(…)` of the operation's own body whose helper commits (the analysis' `committingHelpers`). */
export function committingHelperCalls(fn: ts.FunctionLikeDeclaration, operation: Operation): ts.CallExpression[] {
  const source = fn.getSourceFile();
  return operation.committingHelpers
    .map((call) => nodeAt(source, call.start, call.end))
    .filter((node): node is ts.CallExpression => node !== undefined && ts.isCallExpression(node) && ownCall(fn, node));
}

/**
 * The first function of the operation's own body that it hands a DB handle to (`commitAndLog(this.db)`), by name, from
 * the analysis' `handoffs`; undefined when there is none.
 */
export function handleHandedTo(fn: ts.FunctionLikeDeclaration, operation: Operation): string | undefined {
  const source = fn.getSourceFile();
  return operation.handoffs.find((handoff) => {
    const node = nodeAt(source, handoff.start, handoff.end);
    return node !== undefined && ownCall(fn, node);
  })?.callee;
}

/**
 * The handle an operation writes through, as text: `this.db`, or a local `db` from a session factory. The analysis
 * resolves local aliases (`const db = this.db` writes through `this.db`); an operation that writes only through a
 * helper works on the handle of its own first commit.
 */
export function handleOf(operation: Operation): string | undefined {
  return operation.writeHandle ?? operation.commits.find((commit) => !commit.scope)?.handle;
}

/** `this.db` of `this.db.commit()`; undefined for a call made on no receiver. */
function receiverOf(call: ts.CallExpression): string | undefined {
  const callee = call.expression;
  return ts.isPropertyAccessExpression(callee) ? callee.expression.getText() : undefined;
}

/** A transaction scope of the operation (`prisma.$transaction(async (tx) => …)`): its callback and the handle it names. */
export interface ScopeCallback {
  call: ts.CallExpression;
  callback: ts.ArrowFunction | ts.FunctionExpression;
  /** The callback's name for the transaction's handle (`tx`, `manager`), from the analysis. */
  handle: string;
}

/**
 * The operation's own transaction scopes, from the analysis' commits (`scope: true`, with the name the callback gives
 * the transaction). A scope whose callback is not a function written in place, or names no handle, is left out.
 */
export function scopeCallbacks(fn: ts.FunctionLikeDeclaration, operation: Operation): ScopeCallback[] {
  const source = fn.getSourceFile();
  const out: ScopeCallback[] = [];
  for (const commit of operation.commits) {
    if (!commit.scope || commit.transactionHandle === undefined) continue;
    const node = nodeAt(source, commit.start, commit.end);
    if (!node || !ts.isCallExpression(node) || !ownCall(fn, node)) continue;
    const callback = node.arguments.find((a): a is ts.ArrowFunction | ts.FunctionExpression => ts.isArrowFunction(a) || ts.isFunctionExpression(a));
    if (callback) out.push({ call: node, callback, handle: commit.transactionHandle });
  }
  return out;
}

/** The return statements of a function's own body (not of functions nested in it). */
export function ownReturnStatements(fn: ts.FunctionLikeDeclaration): ts.ReturnStatement[] {
  const out: ts.ReturnStatement[] = [];
  const visit = (node: ts.Node): void => {
    if (node !== fn && (isFunctionLike(node) || ts.isClassLike(node))) return;
    if (ts.isReturnStatement(node)) out.push(node);
    ts.forEachChild(node, visit);
  };
  if (fn.body) ts.forEachChild(fn.body, visit);
  return out;
}

/**
 * Why an operation that writes only through statements that commit by themselves (the analysis' `autocommits`:
 * `pool.query('UPDATE …')` outside any transaction) cannot get an event or a key: there is no transaction to join.
 * Undefined when it has a transaction of its own (a commit, a scope) or no such write.
 */
export function autocommitObstacle(fn: ts.FunctionLikeDeclaration, operation: Operation): string | undefined {
  const own = operation.autocommits.filter((write) => {
    const node = nodeAt(fn.getSourceFile(), write.start, write.end);
    return node !== undefined && ownCall(fn, node);
  });
  if (operation.commits.length > 0) return undefined;
  if (own.length === 0) {
    // Its writes are a helper's, and they commit one by one: an event before the call would be one more of them.
    const viaHelper = operation.helperAutocommits.find((call) => {
      const node = nodeAt(fn.getSourceFile(), call.start, call.end);
      return node !== undefined && ownCall(fn, node);
    });
    if (!viaHelper || operation.committingHelpers.length > 0) return undefined;
    return `its helper \`${viaHelper.helper}\` (called on line ${viaHelper.line}) writes outside any transaction (each statement commits by itself), so no event or key can commit with it; give the helper the transaction's handle, or move its writes into ${operation.method} in one transaction, then run the codemod again`;
  }
  const first = own[0]!;
  return `it writes through \`${first.handle ?? 'its handle'}\` outside any transaction (line ${first.line}: each statement commits by itself), so no event or key can commit with it; run its writes in one transaction (${first.transactionIdiom ? `on this stack: ${first.transactionIdiom}` : "the stack's own"}), then run the codemod again`;
}

/**
 * What a loop iterates over, as the row its writes name: the key of the first write of the operation inside `loop`
 * whose SQL names its row by id (`UPDATE … WHERE id = $1` with `[row.id]`: `row.id`), when that key reads only names
 * in scope at the top of the loop's body (the loop's variable, the function's parameters, locals declared before the
 * loop in the body's top level). Undefined otherwise.
 */
export function loopItemKey(fn: ts.FunctionLikeDeclaration, loop: ts.IterationStatement, operation: Operation): string | undefined {
  const source = fn.getSourceFile();
  const lookup: ConstLookup = (name) => {
    for (const top of source.statements) {
      if (!ts.isVariableStatement(top) || !(top.declarationList.flags & ts.NodeFlags.Const)) continue;
      for (const d of top.declarationList.declarations) if (ts.isIdentifier(d.name) && d.name.text === name) return d.initializer;
    }
    return undefined;
  };
  const inScope = new Set<string>(fn.parameters.flatMap((p) => namesOf(p.name)));
  if ((ts.isForOfStatement(loop) || ts.isForInStatement(loop) || ts.isForStatement(loop)) && loop.initializer && ts.isVariableDeclarationList(loop.initializer)) {
    for (const d of loop.initializer.declarations) for (const name of namesOf(d.name)) inScope.add(name);
  }
  if (fn.body && ts.isBlock(fn.body)) {
    for (const statement of fn.body.statements) {
      if (statement.getEnd() > loop.getStart(source)) break;
      if (ts.isVariableStatement(statement)) for (const d of statement.declarationList.declarations) for (const name of namesOf(d.name)) inScope.add(name);
    }
  }
  for (const span of operation.writes) {
    if (span.start < loop.getStart(source) || span.end > loop.getEnd()) continue;
    const write = nodeAt(source, span.start, span.end);
    if (!write || !ts.isCallExpression(write)) continue;
    const target = sqlWriteTarget(resolveText(write.arguments[0], lookup));
    const params = write.arguments[1];
    if (!target || target.idParam === undefined || !params || !ts.isArrayLiteralExpression(params)) continue;
    const element = params.elements[target.idParam - 1];
    if (!element || ts.isSpreadElement(element) || !isPlainRead(element)) continue;
    let free = true;
    const visit = (node: ts.Node): void => {
      if (ts.isIdentifier(node) && !(ts.isPropertyAccessExpression(node.parent) && node.parent.name === node) && !inScope.has(node.text)) free = false;
      ts.forEachChild(node, visit);
    };
    visit(element);
    if (free) return element.getText(source);
  }
  return undefined;
}

function namesOf(name: ts.BindingName): string[] {
  if (ts.isIdentifier(name)) return [name.text];
  return name.elements.flatMap((e) => (ts.isOmittedExpression(e) ? [] : namesOf(e.name)));
}
