import ts from 'typescript';
import type { Operation } from 'outbox-analysis';
import type { Transform, Workspace } from '../../engine/types.js';
import { applyEdits, todoEdit, detectStyle, indentAt, lineStartOf, relativeImport, removeStatement, render, type CodeStyle, type TextEdit } from '../shared/edits.js';
import { enclosingFunction, inLoop, keysByName, operationKey, resolveCallSite, serviceCallSites } from '../shared/call-sites.js';
import { commitStatements, handleOf, hoistableReturn, hoistedDeclaration, type HoistedReturn } from '../shared/operation-code.js';
import { classOf, freshName, insertionPoint, hasParseErrors, importEdit, isPlainRead, operationFunction, parse, resolvedReturnType, topLevelStatement } from '../shared/source.js';

const STORE = 'IdempotencyStore';
const STORE_HELPERS = [STORE, 'hashRequest', 'idempotencyError', 'idempotencyScope'];
const KEY = 'idempotencyKey';
const HEADER = 'idempotency-key';

/** An operation that got a key parameter: its call sites in routers pass the request's header in that position. */
interface Threaded {
  /** operationKey: file, class and method. */
  key: string;
  method: string;
  /** Index of the new key parameter. */
  position: number;
}

/**
 * inject-idempotency: each operation takes `idempotencyKey?: string` (last) and claims it through the idempotency
 * store in its own transaction before its first write, completing it with the response before the commit; a replay
 * returns the stored response. Routers pass the `Idempotency-Key` header. `--idempotency=redis` emits the seed's
 * Redis GET/SETEX pattern instead.
 */
export const injectIdempotency: Transform = {
  name: 'inject-idempotency',
  summary: 'thread the Idempotency-Key header into each operation and claim it before the first write',
  run(workspace) {
    const storeFile = workspace.files().find((file) => workspace.read(file).includes(`class ${STORE}`) && workspace.analysis(file).classes.some((c) => c.name === STORE));
    const threaded: Threaded[] = [];
    for (const file of workspace.files()) {
      const analysis = workspace.analysis(file);
      const needing = analysis.operations.filter((op) => op.missing.some((m) => m.flag === 'idempotency'));
      if (needing.length === 0) continue;
      if (analysis.diagnostics.some((d) => d.message.startsWith('parse error'))) {
        workspace.skip({ file, line: needing[0].line, reason: 'the file does not parse; left as it is' });
        continue;
      }
      const text = workspace.read(file);
      const source = parse(file, text);
      const style = detectStyle(text);
      const edits: TextEdit[] = [];
      let usesStore = false;
      for (const operation of needing) {
        const planned = planOperation(workspace, file, source, text, style, operation);
        if (!planned) continue;
        edits.push(...planned.edits);
        usesStore ||= planned.usesStore;
        if (planned.position !== undefined) threaded.push({ key: operationKey(file, operation.className!, operation.method), method: operation.method, position: planned.position });
      }
      if (edits.length === 0) continue;
      if (usesStore) {
        if (!storeFile) {
          workspace.skip({ file, reason: `no ${STORE} class found in the project; use --idempotency=redis or add the store` });
          continue;
        }
        const edit = importEdit(source, text, relativeImport(file, storeFile), STORE_HELPERS, style);
        if (edit) edits.push(edit);
      }
      workspace.write(file, applyEdits(text, edits));
    }
    threadHeader(workspace, threaded);
  },
};

function planOperation(
  workspace: Workspace,
  file: string,
  source: ts.SourceFile,
  text: string,
  style: CodeStyle,
  operation: Operation,
): { edits: TextEdit[]; usesStore: boolean; position?: number } | undefined {
  const who = operation.kind === 'service' ? `${operation.className}.${operation.method}` : operation.method;
  const skip = (reason: string) => {
    workspace.skip({ file, line: operation.line, reason: `${who}: ${reason}` });
    const todo = workspace.options.todoComments ? todoEdit(text, lineStartOf(text, operation.nameSpan.start), `${who}: ${reason}`, style) : undefined;
    return todo ? { edits: [todo], usesStore: false } : undefined;
  };
  if (operation.kind === 'router') return skip('a router handler: run extract-router-db first to give it a service');
  const missing = operation.missing.find((m) => m.flag === 'idempotency')!;
  if (missing.reason === 'idempotency-after-write') return skip('it checks its key after a write; move the check before the first write by hand');
  const fn = operationFunction(source, operation);
  if (!fn || !fn.body || !ts.isBlock(fn.body)) return skip('its body is not a block');
  const keyParam = fn.parameters.find((p) => ts.isIdentifier(p.name) && workspace.settings.idempotency.keyParams.includes(p.name.text));
  if (keyParam && (keyParam.name as ts.Identifier).text !== KEY) return skip(`it takes a key named ${(keyParam.name as ts.Identifier).text}; claim it by hand`);
  const last = fn.parameters[fn.parameters.length - 1];
  if (last?.dotDotDotToken) return skip('its last parameter is a rest parameter; add the key by hand');

  const commits = commitStatements(fn, workspace.settings);
  if (commits.length === 0) return skip('it does not commit itself; run service-commit first');
  if (commits.some((c) => !c.statement)) return skip('a commit is not a statement of its own');
  const firstWriteStatement = topLevelStatement(fn, { pos: operation.firstWrite.start, end: operation.firstWrite.end } as ts.Node);
  if (!firstWriteStatement) return skip('its first write is not in its body');
  if (commits.some((c) => c.call.getStart(source) < firstWriteStatement.getStart(source))) return skip('it commits before its first write');

  const returnType = resolvedReturnType(fn, source);
  const replayType = returnType && returnType !== 'void' ? returnType : 'never';
  const handle = handleOf(fn, workspace.settings, source) ?? commits[0].handle;
  const scopeOf = `idempotencyScope(${fn.parameters.some((p) => ts.isIdentifier(p.name) && p.name.text === 'organizationId') ? 'organizationId' : "'global'"}, '${operation.module}.${operation.method}')`;
  const args = fn.parameters.filter((p) => p !== keyParam && ts.isIdentifier(p.name)).map((p) => (p.name as ts.Identifier).text);
  const indent = indentAt(text, firstWriteStatement.getStart(source));
  const claimAt = insertionPoint(text, firstWriteStatement, source);
  const edits: TextEdit[] = [];

  // The response each commit completes the key with: the value returned right after it.
  const responses = commits.map((c) => responseAfter(c.statement!, source, returnType) ?? hoistedResponse(fn, c.statement!, source, c.handle));
  if (responses.some((r) => r === undefined)) return skip('the response is computed after the commit, so it cannot be stored with the key; restructure by hand');

  const redis = workspace.options.idempotency === 'redis';
  if (redis) {
    const cls = classOf(fn);
    const redisMember = cls?.members.find((m) => ts.isConstructorDeclaration(m))?.parameters.find((p) => ts.isIdentifier(p.name) && p.name.text === 'redis');
    if (!redisMember) return skip('its class holds no redis client for the Redis pattern');
    edits.push({
      start: claimAt,
      end: claimAt,
      text:
        render(
          [
            `if (${KEY} && this.redis) {`,
            `  const cached = await this.redis.get(\`idempotency:\${${KEY}}\`);`,
            `  if (cached) return JSON.parse(cached) as ${replayType};`,
            '}',
          ],
          indent,
          style,
        ) + style.eol,
    });
    commits.forEach((c, i) => {
      // The seed's order: commit, then SETEX (race-prone; the store is the default for a reason).
      const response = responses[i]!;
      const statement = c.statement!;
      const setex = `if (${KEY} && this.redis) await this.redis.setex(\`idempotency:\${${KEY}}\`, 86400, JSON.stringify(${response.text}));`;
      if (response.hoisted) {
        const at = insertionPoint(text, statement, source);
        edits.push({ start: at, end: at, text: hoistedDeclaration(response.hoisted, indentAt(text, statement.getStart(source)), style) }, response.hoisted.edit);
      }
      if (response.moveTo) {
        // As with the store: the commit moves past plain declarations to the return, and the response is cached after it.
        const at = insertionPoint(text, response.moveTo, source);
        const indent = indentAt(text, response.moveTo.getStart(source));
        edits.push(removeStatement(text, statement.getStart(source), statement.getEnd()));
        edits.push({ start: at, end: at, text: indent + statement.getText(source) + style.eol + render([setex], indent, style) + style.eol });
        return;
      }
      const end = statement.getEnd();
      edits.push({ start: end, end, text: style.eol + render([setex], indentAt(text, statement.getStart(source)), style) });
    });
  } else {
    const store = freshName(fn, 'idempotency', source);
    edits.push({
      start: claimAt,
      end: claimAt,
      text:
        render(
          [
            `// Claimed in this transaction: a concurrent duplicate waits, then replays the stored response.`,
            `const ${store} = new ${STORE}(${handle});`,
            `if (${KEY}) {`,
            `  const claim = await ${store}.begin(${scopeOf}, ${KEY}, hashRequest('CALL', '${operation.module}.${operation.method}', [${args.join(', ')}]));`,
            `  if (claim.state === 'replay') return claim.body as ${replayType};`,
            `  if (claim.state !== 'claimed') throw idempotencyError(claim);`,
            '}',
          ],
          indent,
          style,
        ) + style.eol,
    });
    commits.forEach((c, i) => {
      const response = responses[i]!;
      const complete = `if (${KEY}) await ${store}.complete(${scopeOf}, ${KEY}, 200, ${response.text});`;
      const statement = c.statement!;
      if (response.hoisted) {
        // `return masked(row)` after the commit: computed into a local before it, stored with the key, returned.
        const at = insertionPoint(text, statement, source);
        const indent = indentAt(text, statement.getStart(source));
        edits.push({ start: at, end: at, text: hoistedDeclaration(response.hoisted, indent, style) + render([complete], indent, style) + style.eol }, response.hoisted.edit);
        return;
      }
      if (response.moveTo) {
        // The commit moves past plain declarations to the return, so the response exists when the key completes.
        const at = insertionPoint(text, response.moveTo, source);
        const indent = indentAt(text, response.moveTo.getStart(source));
        edits.push(removeStatement(text, statement.getStart(source), statement.getEnd()));
        edits.push({ start: at, end: at, text: render([complete], indent, style) + style.eol + indent + statement.getText(source) + style.eol });
        return;
      }
      const at = insertionPoint(text, statement, source);
      edits.push({ start: at, end: at, text: render([complete], indentAt(text, statement.getStart(source)), style) + style.eol });
    });
  }

  let position: number | undefined;
  if (!keyParam) {
    position = fn.parameters.length;
    const closeParen = fn.getChildren(source).find((child) => child.kind === ts.SyntaxKind.CloseParenToken && child.pos >= (last?.end ?? 0));
    if (last) edits.push({ start: last.getEnd(), end: last.getEnd(), text: `, ${KEY}?: string` });
    else if (closeParen) edits.push({ start: closeParen.getStart(source), end: closeParen.getStart(source), text: `${KEY}?: string` });
    else return skip('cannot find its parameter list');
  }
  return { edits, usesStore: !redis, ...(position !== undefined ? { position } : {}) };
}

/**
 * The value the path returns after a commit statement, when it can be read before the commit: the return in the same
 * block (or, leaving try blocks and ifs, the next one outwards) whose value is not declared by the statements in between.
 * When those statements are only plain declarations (`const { hash, ...user } = account;`), the commit can move down
 * to the return instead: `moveTo` is then that return.
 */
interface Response {
  text: string;
  moveTo?: ts.Statement;
  hoisted?: HoistedReturn;
}

function responseAfter(commit: ts.Statement, source: ts.SourceFile, returnType: string | undefined): Response | undefined {
  const between: ts.Statement[] = [];
  let current: ts.Node = commit;
  for (;;) {
    const parent = current.parent;
    if (!ts.isBlock(parent) && !ts.isCaseClause(parent) && !ts.isDefaultClause(parent)) return undefined;
    const after = parent.statements.slice(parent.statements.indexOf(current as ts.Statement) + 1);
    const returned = after.find(ts.isReturnStatement);
    if (returned) {
      between.push(...after.slice(0, after.indexOf(returned)));
      if (!returned.expression) return { text: 'null' };
      if (!isPlainRead(returned.expression)) return undefined;
      const declared = new Set<string>();
      for (const statement of between) {
        if (ts.isVariableStatement(statement)) for (const d of statement.declarationList.declarations) collectNames(d.name, declared);
      }
      let usesLater = false;
      const visit = (node: ts.Node): void => {
        if (ts.isIdentifier(node) && declared.has(node.text)) usesLater = true;
        ts.forEachChild(node, visit);
      };
      visit(returned.expression);
      const text = returned.expression.getText(source);
      if (!usesLater) return { text };
      const movable = returned.parent === commit.parent && between.every((st) => ts.isVariableStatement(st) && st.declarationList.declarations.every((d) => !d.initializer || isPlainRead(d.initializer)));
      return movable ? { text, moveTo: returned } : undefined;
    }
    between.push(...after);
    const owner = parent.parent;
    if (ts.isBlock(parent) && owner && (ts.isTryStatement(owner) && owner.tryBlock === parent)) {
      current = owner;
      continue;
    }
    if (ts.isBlock(parent) && owner && isFunctionBody(owner)) return after.length === 0 && returnType === 'void' ? { text: 'null' } : undefined;
    return undefined;
  }
}

function hoistedResponse(fn: ts.FunctionLikeDeclaration, commit: ts.Statement, source: ts.SourceFile, handle: string): Response | undefined {
  const hoisted = hoistableReturn(fn, commit, source, handle);
  return hoisted && { text: hoisted.name, hoisted };
}

function isFunctionBody(node: ts.Node): boolean {
  return ts.isMethodDeclaration(node) || ts.isArrowFunction(node) || ts.isFunctionExpression(node) || ts.isFunctionDeclaration(node);
}

function collectNames(name: ts.BindingName, into: Set<string>): void {
  if (ts.isIdentifier(name)) into.add(name.text);
  else for (const element of name.elements) if (!ts.isOmittedExpression(element)) collectNames(element.name, into);
}

/** Routers pass the request's Idempotency-Key header to every operation that took a key. */
function threadHeader(workspace: Workspace, threaded: Threaded[]): void {
  if (threaded.length === 0) return;
  const byKey = new Map(threaded.map((t) => [t.key, t]));
  const byName = keysByName(byKey.keys());
  for (const file of workspace.files()) {
    if (workspace.analysis(file).role !== 'router') continue;
    const text = workspace.read(file);
    if (!threaded.some((t) => text.includes(t.method))) continue;
    const source = parse(file, text);
    if (hasParseErrors(source)) continue;
    const style = detectStyle(text);
    const edits: TextEdit[] = [];
    for (const site of serviceCallSites(source, file)) {
      const key = resolveCallSite(site, byName);
      const target = key ? byKey.get(key) : undefined;
      if (!target || site.call.arguments.length > target.position) continue;
      // One request, one key: a call repeated in a loop would replay the first call's response, so it gets none.
      if (inLoop(site.call)) continue;
      const handler = enclosingFunction(site.call);
      const request = handler?.parameters[0];
      if (!request || !ts.isIdentifier(request.name)) continue;
      const padding = Array.from({ length: target.position - site.call.arguments.length }, () => 'undefined');
      const header = `${request.name.text}.headers[${style.quote}${HEADER}${style.quote}] as string | undefined`;
      const args = [...padding, header];
      const list = site.call.arguments;
      if (list.length > 0) {
        const lastArg = list[list.length - 1];
        const multiline = source.getLineAndCharacterOfPosition(site.call.getStart(source)).line !== source.getLineAndCharacterOfPosition(lastArg.getStart(source)).line && list.hasTrailingComma;
        if (multiline) {
          const at = text.indexOf(',', lastArg.getEnd()) + 1;
          const indent = indentAt(text, lastArg.getStart(source));
          edits.push({ start: at, end: at, text: args.map((a) => `${style.eol}${indent}${a},`).join('') });
        } else {
          edits.push({ start: lastArg.getEnd(), end: lastArg.getEnd(), text: args.map((a) => `, ${a}`).join('') });
        }
      } else {
        const close = site.call.getEnd() - 1;
        edits.push({ start: close, end: close, text: args.join(', ') });
      }
    }
    if (edits.length > 0) workspace.write(file, applyEdits(text, edits));
  }
}
