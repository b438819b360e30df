import ts from 'typescript';
import type { Operation } from 'outbox-analysis';
import type { SkipCode } from '../../engine/skips.js';
import type { Transform, Workspace } from '../../engine/types.js';
import { applyEdits, todoEdit, detectStyle, indentAt, lineStartOf, relativeImport, removeStatement, render, type CodeStyle, type TextEdit } from '../shared/edits.js';
import { enclosingFunction, inLoop, keysByName, operationKey, resolveCallSite, serviceCallSites } from '../shared/call-sites.js';
import { autocommitObstacle, beginStatements, commitStatements, loopItemKey, scopeCallbacks, type ScopeCallback, handleHandedTo, handleOf, hoistableReturn, hoistedDeclaration, type HoistedReturn } from '../shared/operation-code.js';
import { classOf, freshName, insertionPoint, hasParseErrors, importEdit, isPlainRead, operationFunction, parse, resolvedReturnType, rethrows, topLevelStatement } from '../shared/source.js';

/** The functions beside the store that the claim code calls (the runtime's idempotency module). */
const STORE_HELPERS = ['hashRequest', 'idempotencyError', 'idempotencyScope'];
const STORE_METHODS = ['begin', 'complete'];
/** What the claim code inside a transaction scope also calls, beside the store. */
const SCOPE_HELPERS = ['IdempotencyReplay', 'withReplay'];

/** The project's idempotency store: its class and file, or why there is none to use. */
type Store = { name: string; file: string } | { missing: string };

/**
 * The store the claim goes through: a class named after `idempotency.storeNames` (`IdempotencyStore`) with `begin`
 * and `complete`, declared beside the functions the claim code calls, by the analysis' facts of its file.
 */
export function findIdempotencyStore(workspace: Workspace): Store {
  const names = workspace.settings.idempotency.storeNames.map((n) => n.toLowerCase());
  let near: string | undefined;
  for (const file of workspace.files()) {
    const text = workspace.read(file);
    if (!names.some((n) => text.toLowerCase().includes(n)) || !/\bclass\b/.test(text)) continue;
    const analysis = workspace.analysis(file);
    for (const facts of analysis.classes) {
      if (facts.abstract || !names.some((n) => facts.name.toLowerCase().includes(n)) || !STORE_METHODS.every((m) => facts.methods.includes(m))) continue;
      const exported = new Set(analysis.functions.filter((f) => f.exported).map((f) => f.name));
      const lacking = STORE_HELPERS.filter((helper) => !exported.has(helper));
      if (lacking.length === 0) return { name: facts.name, file };
      near ??= `${facts.name} (${file}) lacks the exported ${lacking.join(', ')} the claim code calls`;
    }
  }
  return { missing: near ?? `no class named after ${workspace.settings.idempotency.storeNames.join(' / ')} with ${STORE_METHODS.join(' and ')}` };
}
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
    const store = workspace.options.idempotency === 'redis' ? undefined : findIdempotencyStore(workspace);
    const storeExports = new Set(store && 'name' in store ? workspace.analysis(store.file).functions.filter((f) => f.exported).map((f) => f.name).concat(workspace.analysis(store.file).classes.map((c) => c.name)) : []);
    const threaded: Threaded[] = [];
    for (const file of workspace.files()) {
      const analysis = workspace.analysis(file);
      const needing = analysis.operations.filter((op) => op.missing.some((m) => m.flag === 'idempotency'));
      if (needing.length === 0) continue;
      if (analysis.diagnostics.some((d) => d.message.startsWith('parse error'))) {
        workspace.skip({ code: 'file-does-not-parse', file, line: needing[0].line, reason: 'the file does not parse; left as it is' });
        continue;
      }
      const text = workspace.read(file);
      const source = parse(file, text);
      const style = detectStyle(text);
      const edits: TextEdit[] = [];
      let usesStore = false;
      const extraImports = new Set<string>();
      for (const operation of needing) {
        if (operation.kind === 'service' && operation.className) {
          const key = operationKey(file, operation.className, operation.method);
          if (workspace.excluded(key)) continue;
          workspace.claim({ key, label: `${operation.className}.${operation.method}`, file, line: operation.line, className: operation.className, member: operation.method });
        }
        const planned = planOperation(workspace, file, source, text, style, operation, store && 'name' in store ? store.name : 'IdempotencyStore', storeExports);
        if (!planned) continue;
        edits.push(...planned.edits);
        usesStore ||= planned.usesStore;
        for (const name of planned.imports ?? []) extraImports.add(name);
        if (planned.position !== undefined) threaded.push({ key: operationKey(file, operation.className!, operation.method), method: operation.method, position: planned.position });
      }
      if (edits.length === 0) continue;
      if (usesStore) {
        if (!store || 'missing' in store) {
          workspace.skip({ code: 'no-idempotency-store-class', file, reason: `no idempotency store to claim keys with: ${store && 'missing' in store ? store.missing : 'none'}; add the store, or use --idempotency=redis` });
          continue;
        }
        const edit = importEdit(source, text, relativeImport(file, store.file), [store.name, ...STORE_HELPERS, ...extraImports], style);
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
  storeName: string,
  storeExports: ReadonlySet<string> = new Set(),
): { edits: TextEdit[]; usesStore: boolean; position?: number; imports?: string[] } | undefined {
  const who = operation.kind === 'service' ? `${operation.className}.${operation.method}` : operation.method;
  const skip = (code: SkipCode, reason: string) => {
    workspace.skip({ code, file, line: operation.line, reason: `${who}: ${reason}` });
    const todo = workspace.options.todoComments ? todoEdit(text, lineStartOf(text, operation.nameSpan.start), `${who}: ${reason}`, style) : undefined;
    return todo ? { edits: [todo], usesStore: false } : undefined;
  };
  if (operation.kind === 'router') return skip('router-handler-needs-service', 'it writes in the router: extract-router-db has to move it into a service first (run `all`; if it did, its report says why it did not)');
  const missing = operation.missing.find((m) => m.flag === 'idempotency')!;
  if (missing.reason === 'idempotency-after-guard') return skip('key-checked-after-guard', 'it checks its key, but only after a guard that depends on state it read, so a retry after the first success stops at that guard instead of replaying; move the check to the top of the method by hand');
  if (missing.reason === 'idempotency-after-write') return skip('key-checked-after-write', 'it checks its key, but only after a write, so a retry repeats that write; move the check before the first write by hand');
  const fn = operationFunction(source, operation);
  if (!fn || !fn.body || !ts.isBlock(fn.body)) return skip('body-not-a-block', 'its body is an expression, so no claim can go before its first write; give it a block body');
  const keyParam = fn.parameters.find((p) => ts.isIdentifier(p.name) && p.name.text === operation.keyParameter);
  if (keyParam && (keyParam.name as ts.Identifier).text !== KEY) return skip('key-named-differently', `it takes its key as \`${(keyParam.name as ts.Identifier).text}\`, not \`${KEY}\`; claim it by hand (or rename it)`);
  const last = fn.parameters[fn.parameters.length - 1];
  if (last?.dotDotDotToken) return skip('rest-parameter', 'its last parameter is a rest parameter, so a key parameter cannot follow it; add the key by hand');

  const autocommit = autocommitObstacle(fn, operation);
  if (autocommit && scopeCallbacks(fn, operation).length === 0) return skip('autocommit-write', autocommit);
  const commits = commitStatements(fn, operation);
  const scopes = scopeCallbacks(fn, operation);
  if (commits.length === 0 && scopes.length > 0) {
    const planned = planScopeClaim(workspace, fn, source, text, style, operation, storeName, storeExports, scopes, skip);
    if (!planned || planned.usesStore === false) return planned;
    return { ...withKeyParameter(fn, source, keyParam, last, planned.edits), imports: [...SCOPE_HELPERS, ...(planned.imports ?? [])] };
  }
  if (commits.length === 0) {
    const outside = handleHandedTo(fn, operation);
    if (outside) return skip('commits-through-function', `it hands its DB handle to \`${outside}(…)\`, a function outside its class, which the analysis does not follow: if that commits, make it a private method (or commit in ${operation.method}) so the key can be completed before it`);
    const helper = operation.committingHelpers[0];
    if (helper) {
      return skip(
        'commits-in-helper',
        `it commits only inside its helper \`${helper.helper}\` (called on line ${helper.line}), in a transaction that ends there, so a key claimed in ${operation.method} cannot be completed in it; claim and complete the key in the helper, or move the helper's commit into ${operation.method}, by hand`,
      );
    }
    if (operation.commitsAtExit) {
      return skip(
        'commits-at-exit',
        'its transaction comes from a decorator and commits when it returns, with no commit statement to complete the key before; claim the key at its top and complete it before each return, by hand',
      );
    }
    return skip('caller-commits', 'it does not commit: its caller does, so the key cannot be completed in its transaction; service-commit moves a router commit that follows the call into it (run `all`)');
  }
  // One key is one request is one transaction: a commit per iteration needs a key per iteration (planLoopClaims).
  const looping = commits.find((c) => inLoop(c.call));
  if (looping) {
    const planned = planLoopClaims(workspace, fn, source, text, style, operation, storeName, commits, looping, skip);
    if (!planned || planned.usesStore === false) return planned;
    return withKeyParameter(fn, source, keyParam, last, planned.edits);
  }
  if (commits.some((c) => !c.statement)) return skip('commit-not-a-statement', 'a commit is part of an expression, not a statement of its own, so the key cannot be completed right before it');
  // Before the statement of the body that holds the first write (the body's first statement, should the analysis
  // place the first write elsewhere: claiming earlier is never wrong).
  const firstWriteStatement = topLevelStatement(fn, { pos: operation.firstWrite.start, end: operation.firstWrite.end } as ts.Node) ?? fn.body.statements[0];
  if (!firstWriteStatement) return skip('body-not-a-block', 'its body is empty');
  if (commits.some((c) => c.call.getStart(source) < firstWriteStatement.getStart(source))) return skip('commits-before-first-write', 'it commits before its first write, so the claim and the writes would not share a transaction');

  const returnType = resolvedReturnType(fn, source);
  const replayType = returnType && returnType !== 'void' ? returnType : 'never';
  const handle = handleOf(operation) ?? commits[0].handle;
  const scopeOf = `idempotencyScope(${fn.parameters.some((p) => ts.isIdentifier(p.name) && p.name.text === 'organizationId') ? 'organizationId' : "'global'"}, '${operation.module}.${operation.method}')`;
  const args = fn.parameters.filter((p) => p !== keyParam && ts.isIdentifier(p.name)).map((p) => (p.name as ts.Identifier).text);
  // At the door: before any read, guard or early return a retry could meet instead of the replay (a retried state
  // change would otherwise find the state it made and answer 409).
  // In a transaction the operation begins itself (`await client.query('BEGIN')`), right after the begin: the claim runs
  // in that transaction, so it commits or rolls back with the work.
  const begun = beginStatements(fn, operation).find((b) => b.call.getStart(source) < firstWriteStatement.getEnd());
  if (begun && !begun.statement) return skip('begin-not-a-statement', `the transaction begins on line ${source.getLineAndCharacterOfPosition(begun.call.getStart(source)).line + 1} inside an expression, so the claim cannot go right after it`);
  const afterBegin = begun?.statement && statementAfter(begun.statement);
  if (begun && !afterBegin) return skip('begin-not-a-statement', `nothing follows the begin on line ${source.getLineAndCharacterOfPosition(begun.call.getStart(source)).line + 1} in its block, so the claim has no place in the transaction`);
  const door = afterBegin ?? doorStatement(fn, handle, firstWriteStatement);
  // A replay writes nothing: it ends the transaction it began (releasing the claim's lock) as the operation's own
  // rollback does, so the client goes back to its pool without an open transaction.
  const rollback = begun && beginStatements(fn, operation, 'rollbacks').find((r) => r.statement && r.handle === begun.handle);
  if (begun && !rollback) return skip('no-rollback-to-copy', `it begins a transaction on line ${source.getLineAndCharacterOfPosition(begun.call.getStart(source)).line + 1} but never rolls it back, so a replay has no way to end it that the transform can copy; add the claim by hand`);
  const endsTransaction = rollback?.statement?.getText(source);
  const indent = indentAt(text, door.getStart(source));
  const claimAt = insertionPoint(text, door, source);
  const edits: TextEdit[] = [];
  // Paths that return between the door and the first write store their answer too, so a retry replays it.
  const earlyReturns = ownReturns(fn).filter((r) => r.getStart(source) >= door.getStart(source) && r.getEnd() <= firstWriteStatement.getStart(source));

  // The response each commit completes the key with: the value returned right after it.
  const responses = commits.map((c) => responseAfter(c.statement!, source, returnType) ?? hoistedResponse(fn, c.statement!, source, c.handle));
  if (responses.some((r) => r === undefined)) return skip('response-after-commit', 'the response is computed after the commit, so it cannot be stored with the key in the transaction; compute it before the commit');

  const redis = workspace.options.idempotency === 'redis';
  if (redis) {
    const cls = classOf(fn);
    const redisMember = cls?.members.find((m) => ts.isConstructorDeclaration(m))?.parameters.find((p) => ts.isIdentifier(p.name) && p.name.text === 'redis');
    if (!redisMember) return skip('no-redis-client', 'its class holds no `redis` constructor parameter for the Redis pattern (--idempotency=redis)');
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
    for (const early of earlyReturns) edits.push(...storeBeforeReturn(fn, early, source, text, style, (value) => `if (${KEY} && this.redis) await this.redis.setex(\`idempotency:\${${KEY}}\`, 86400, JSON.stringify(${value}));`));
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
            `const ${store} = new ${storeName}(${handle});`,
            `if (${KEY}) {`,
            `  const claim = await ${store}.begin(${scopeOf}, ${KEY}, hashRequest('CALL', '${operation.module}.${operation.method}', [${args.join(', ')}]));`,
            ...(endsTransaction
              ? [`  if (claim.state === 'replay') {`, `    ${endsTransaction}`, `    return claim.body as ${replayType};`, '  }']
              : [`  if (claim.state === 'replay') return claim.body as ${replayType};`]),
            `  if (claim.state !== 'claimed') throw idempotencyError(claim);`,
            '}',
          ],
          indent,
          style,
        ) + style.eol,
    });
    for (const early of earlyReturns) edits.push(...storeBeforeReturn(fn, early, source, text, style, (value) => `if (${KEY}) await ${store}.complete(${scopeOf}, ${KEY}, 200, ${value});`));
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

  if (redis) return { ...withKeyParameter(fn, source, keyParam, last, edits), usesStore: false };
  return withKeyParameter(fn, source, keyParam, last, edits);
}

/**
 * An operation that commits once per iteration of a loop (`for (const row of rows) { …write…; await db.commit(); }`):
 * one key cannot be claimed and completed in one transaction, and a claim committed with the first iteration would
 * leave the key in flight for good if a later iteration failed. So:
 *
 * - at the door the key is checked (a completed key replays, another request with it is a 422, one in flight a 409)
 *   and let go again (the check's transaction is rolled back: nothing was done yet);
 * - each iteration claims a key of its own, the key and its row (`key:row.id`), in its transaction, and completes it
 *   with the iteration's writes and event: a row done by an earlier attempt (or by a concurrent duplicate, once it
 *   commits) is skipped;
 * - after the loop the key is claimed and completed with the answer, in a last transaction.
 *
 * A retry after a partial failure does the rows left and answers; a retry after success replays the answer byte for
 * byte; each row changes once, with one event. Only in the style whose rollback the analysis knows for the commit's
 * handle, with the loop as a statement whose body holds the commit, and a row key the writes in the loop name.
 */
function planLoopClaims(
  workspace: Workspace,
  fn: ts.FunctionLikeDeclaration,
  source: ts.SourceFile,
  text: string,
  style: CodeStyle,
  operation: Operation,
  storeName: string,
  commits: { call: ts.CallExpression; statement: ts.Statement | undefined; handle: string }[],
  looping: { call: ts.CallExpression; statement: ts.Statement | undefined; handle: string },
  skip: (code: SkipCode, reason: string) => { edits: TextEdit[]; usesStore: boolean } | undefined,
): { edits: TextEdit[]; usesStore: boolean } | undefined {
  const line = (node: ts.Node) => source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
  const where = `it commits inside a loop (line ${line(looping.call)}), one transaction per iteration`;
  if (workspace.options.idempotency === 'redis') return skip('commit-in-loop', `${where}, and the Redis pattern (--idempotency=redis) has no claim per iteration; use the store`);
  if (operation.begins.length > 0) return skip('commit-in-loop', `${where}, in transactions it begins itself; claim per item by hand`);
  const statement = looping.statement;
  const body = statement?.parent;
  const loop = body && ts.isBlock(body) && ts.isIterationStatement(body.parent, false) ? body.parent : undefined;
  if (!statement || !loop || !body || !ts.isBlock(body)) return skip('commit-in-loop', `${where}, but not as a statement of the loop's own body; claim per item by hand`);
  if (commits.some((c) => c.statement?.parent !== body)) return skip('commit-in-loop', `${where}, and commits elsewhere too, so no one answer can be completed after the loop; claim per item by hand`);
  const rollback = operation.commits.find((c) => c.start === looping.call.getStart(source) && c.end === looping.call.getEnd())?.rollback;
  if (!rollback) return skip('commit-in-loop', `${where}, and the analysis knows no rollback for \`${looping.handle}\` to let the door's check go with; claim per item by hand`);
  const item = loopItemKey(fn, loop, operation);
  if (!item) return skip('commit-in-loop', `${where}, and no write in the loop names its row by a key in scope there (\`WHERE id = $n\`), so an iteration has no key of its own; claim per item by hand`);
  const returns = ownReturns(fn);
  const early = returns.find((r) => r.getStart(source) < loop.getEnd());
  if (early) return skip('commit-in-loop', `${where}, and it returns on line ${line(early)} before the loop ends, where no answer would be stored; claim per item by hand`);
  const returnType = resolvedReturnType(fn, source);
  const response = responseAfter(loop, source, returnType);
  if (!response || response.moveTo || response.hoisted) return skip('response-after-commit', `${where}, and what it answers after the loop is not a value that can be read right after it, so it cannot be stored with the key; compute it before the loop ends`);
  const fnBody = fn.body as ts.Block;
  const door = fnBody.statements[0];
  if (!door) return skip('body-not-a-block', 'its body is empty');

  const replayType = returnType && returnType !== 'void' ? returnType : 'never';
  const args = fn.parameters.filter((p) => ts.isIdentifier(p.name) && p.name.text !== KEY).map((p) => (p.name as ts.Identifier).text);
  const scopeOf = `idempotencyScope(${args.includes('organizationId') ? 'organizationId' : "'global'"}, '${operation.module}.${operation.method}')`;
  const store = freshName(fn, 'idempotency', source);
  const request = freshName(fn, 'idempotencyRequest', source);
  const step = freshName(fn, 'step', source);
  const handle = handleOf(operation) ?? looping.handle;
  const itemKey = `\`\${${KEY}}:\${${item}}\``;
  const edits: TextEdit[] = [];
  const doorAt = insertionPoint(text, door, source);
  edits.push({
    start: doorAt,
    end: doorAt,
    text:
      render(
        [
          '// One transaction per iteration: the key is checked here and let go again; each iteration claims the key and its',
          '// row in its own transaction, and the answer is stored after the loop. A retry after a partial failure does the',
          '// rows left; a retry after success replays.',
          `const ${store} = new ${storeName}(${handle});`,
          `const ${request} = hashRequest('CALL', '${operation.module}.${operation.method}', [${args.join(', ')}]);`,
          `if (${KEY}) {`,
          `  const claim = await ${store}.begin(${scopeOf}, ${KEY}, ${request});`,
          `  if (claim.state === 'replay') return claim.body as ${replayType};`,
          `  if (claim.state !== 'claimed') throw idempotencyError(claim);`,
          `  await ${rollback};`,
          '}',
        ],
        indentAt(text, door.getStart(source)),
        style,
      ) + style.eol,
  });
  const first = body.statements[0]!;
  const stepAt = insertionPoint(text, first, source);
  edits.push({
    start: stepAt,
    end: stepAt,
    text:
      render(
        [
          `if (${KEY}) {`,
          `  const ${step} = await ${store}.begin(${scopeOf}, ${itemKey}, ${request});`,
          `  if (${step}.state === 'replay') continue;`,
          `  if (${step}.state !== 'claimed') throw idempotencyError(${step});`,
          '}',
        ],
        indentAt(text, first.getStart(source)),
        style,
      ) + style.eol,
  });
  const completeAt = insertionPoint(text, statement, source);
  edits.push({ start: completeAt, end: completeAt, text: render([`if (${KEY}) await ${store}.complete(${scopeOf}, ${itemKey}, 200, null);`], indentAt(text, statement.getStart(source)), style) + style.eol });
  const loopIndent = indentAt(text, loop.getStart(source));
  edits.push({
    start: loop.getEnd(),
    end: loop.getEnd(),
    text:
      style.eol +
      render(
        [
          `if (${KEY}) {`,
          `  const claim = await ${store}.begin(${scopeOf}, ${KEY}, ${request});`,
          `  if (claim.state === 'replay') return claim.body as ${replayType};`,
          `  if (claim.state !== 'claimed') throw idempotencyError(claim);`,
          `  await ${store}.complete(${scopeOf}, ${KEY}, 200, ${response.text});`,
          `  ${statement.getText(source)}`,
          '}',
        ],
        loopIndent,
        style,
      ),
  });
  return { edits, usesStore: true };
}

/** The edits plus `idempotencyKey?: string` as the last parameter (when the operation has no key parameter yet). */
function withKeyParameter(fn: ts.FunctionLikeDeclaration, source: ts.SourceFile, keyParam: ts.ParameterDeclaration | undefined, last: ts.ParameterDeclaration | undefined, edits: TextEdit[]): { edits: TextEdit[]; usesStore: boolean; position?: number } {
  let position: number | undefined;
  if (!keyParam) {
    position = fn.parameters.length;
    const closeParen = fn.getChildren(source).find((child) => child.kind === ts.SyntaxKind.CloseParenToken && child.pos >= (last?.end ?? 0));
    if (last && closeParen) edits.push({ start: last.getEnd(), end: last.getEnd(), text: `, ${KEY}?: string` });
    else if (last) edits.push({ start: last.getStart(source), end: last.getEnd(), text: `(${last.getText(source)}, ${KEY}?: string)` }); // `async x => …`
    else if (closeParen) edits.push({ start: closeParen.getStart(source), end: closeParen.getStart(source), text: `${KEY}?: string` });
  }
  return { edits, usesStore: true, ...(position !== undefined ? { position } : {}) };
}

/**
 * The claim inside a transaction scope (`$transaction(async (tx) => …)`): at the top of its callback, through the
 * transaction's handle; each return of the callback completes the key with what it returns. The operation must answer
 * with what the scope returns (`return this.prisma.$transaction(…)`), or nothing: otherwise the stored answer would
 * not be the answer.
 */
function planScopeClaim(
  workspace: Workspace,
  fn: ts.FunctionLikeDeclaration,
  source: ts.SourceFile,
  text: string,
  style: CodeStyle,
  operation: Operation,
  storeName: string,
  storeExports: ReadonlySet<string>,
  scopes: ScopeCallback[],
  skip: (code: SkipCode, reason: string) => { edits: TextEdit[]; usesStore: boolean } | undefined,
): { edits: TextEdit[]; usesStore: boolean; imports?: string[] } | undefined {
  if (workspace.options.idempotency === 'redis') return skip('no-redis-client', 'it runs in a transaction scope, where the Redis pattern (--idempotency=redis) has no place; use the store');
  const lacking = SCOPE_HELPERS.filter((name) => !storeExports.has(name));
  if (storeExports.size > 0 && lacking.length > 0) return skip('no-idempotency-store-class', `it runs in a transaction scope, and the idempotency store's module lacks ${lacking.join(' and ')}, which turn a replay into a rollback of the scope and back into the stored answer (scaffold writes them)`);
  if (scopes.length > 1) return skip('several-transactions', `it runs ${scopes.length} transaction scopes, so one key cannot be claimed and completed in one transaction; claim it by hand`);
  const scope = scopes[0]!;
  const body = scope.callback.body;
  const line = (node: ts.Node) => source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
  if (!ts.isBlock(body)) return skip('scope-callback-not-a-block', `its transaction callback (line ${line(scope.callback)}) is an expression, so no claim can go inside it; give the callback a block body`);
  const door = body.statements[0];
  if (!door) return skip('body-not-a-block', 'its transaction callback is empty');
  // What the operation answers must be what the scope returns.
  const holder = enclosingStatementOf(scope.call);
  const returnType = resolvedReturnType(fn, source);
  const answersScope = holder && ts.isReturnStatement(holder) && holder.expression && unwrapAwait(holder.expression) === scope.call;
  const voidScope = holder && ts.isExpressionStatement(holder) && unwrapAwait(holder.expression) === scope.call && (returnType === 'void' || returnType === undefined) && ownReturns(fn).every((r) => !r.expression);
  if (!answersScope && !voidScope) return skip('response-after-commit', `its answer is not what its transaction scope (line ${line(scope.call)}) returns, so the response cannot be stored with the key in that transaction; return the scope's result`);
  const replayType = returnType && returnType !== 'void' ? returnType : 'never';
  const args = fn.parameters.filter((p) => ts.isIdentifier(p.name) && p.name.text !== KEY).map((p) => (p.name as ts.Identifier).text);
  const scopeOf = `idempotencyScope(${args.includes('organizationId') ? 'organizationId' : "'global'"}, '${operation.module}.${operation.method}')`;
  const store = freshName(fn, 'idempotency', source);
  const indent = indentAt(text, door.getStart(source));
  const claimAt = insertionPoint(text, door, source);
  const edits: TextEdit[] = [
    {
      start: claimAt,
      end: claimAt,
      text:
        render(
          [
            `// Claimed in this transaction: a concurrent duplicate waits, then replays the stored response.`,
            `const ${store} = new ${storeName}(${scope.handle});`,
            `if (${KEY}) {`,
            `  const claim = await ${store}.begin(${scopeOf}, ${KEY}, hashRequest('CALL', '${operation.module}.${operation.method}', [${args.join(', ')}]));`,
            // A replay leaves the scope by a throw (it rolls back, where a return would commit); withReplay() answers it.
            `  if (claim.state === 'replay') throw new IdempotencyReplay(claim.body);`,
            `  if (claim.state !== 'claimed') throw idempotencyError(claim);`,
            '}',
          ],
          indent,
          style,
        ) + style.eol,
    },
    { start: scope.call.getStart(source), end: scope.call.getStart(source), text: 'withReplay(' },
    { start: scope.call.getEnd(), end: scope.call.getEnd(), text: ')' },
  ];
  const complete = (value: string) => `if (${KEY}) await ${store}.complete(${scopeOf}, ${KEY}, 200, ${value});`;
  const returns = ownReturns(scope.callback);
  if (returns.length === 0) {
    const lastStatement = body.statements[body.statements.length - 1]!;
    edits.push({ start: lastStatement.getEnd(), end: lastStatement.getEnd(), text: style.eol + render([complete('null')], indentAt(text, lastStatement.getStart(source)), style) });
  }
  for (const returned of returns) edits.push(...storeBeforeReturn(scope.callback, returned, source, text, style, complete));
  // The scope awaited in a `try` whose catch answers (`catch { return E.left(NOT_FOUND) }`): a key reused with another
  // request, or still in flight, must not turn into that answer. The catch lets the store's error through first.
  const guard = answeringTry(scope.call, fn);
  if (guard) {
    if (storeExports.size > 0 && !storeExports.has('IdempotencyError')) return skip('no-idempotency-store-class', `its transaction runs in a try whose catch answers (line ${line(guard)}), which would swallow a key conflict, and the idempotency store's module exports no IdempotencyError to let through (scaffold writes it)`);
    const block = guard.block;
    const first = block.statements[0];
    const declared = guard.variableDeclaration;
    const name = declared && ts.isIdentifier(declared.name) ? declared.name.text : freshName(fn, 'error', source);
    const rethrow = `if (${name} instanceof IdempotencyError) throw ${name};`;
    if (!declared) {
      // `catch {` gains its binding.
      const brace = block.getStart(source);
      edits.push({ start: brace, end: brace, text: `(${name}) ` });
    } else if (!ts.isIdentifier(declared.name)) {
      return skip('catch-hides-key-conflict', `its transaction runs in a try whose catch answers and destructures the error (line ${line(guard)}), which would turn a key conflict into that answer; name the error (\`catch (error)\`) or let IdempotencyError through by hand`);
    }
    if (first) {
      edits.push({ start: insertionPoint(text, first, source), end: insertionPoint(text, first, source), text: render([rethrow], indentAt(text, first.getStart(source)), style) + style.eol });
    } else {
      const at = block.getStart(source) + 1;
      edits.push({ start: at, end: at, text: style.eol + render([rethrow], indentAt(text, guard.getStart(source)) + style.indentUnit, style) + style.eol + indentAt(text, guard.getStart(source)) });
    }
    return { edits, usesStore: true, imports: ['IdempotencyError'] };
  }
  return { edits, usesStore: true };
}

/** The catch clause of the `try` (within the operation) whose block holds the call, when that catch does not always rethrow. */
function answeringTry(call: ts.Node, fn: ts.FunctionLikeDeclaration): ts.CatchClause | undefined {
  for (let node: ts.Node = call; node !== fn && node.parent; node = node.parent) {
    const parent = node.parent;
    if (ts.isFunctionLike(parent) && parent !== fn) return undefined;
    if (ts.isTryStatement(parent) && parent.tryBlock === node && parent.catchClause) return rethrows(parent.catchClause.block) ? undefined : parent.catchClause;
  }
  return undefined;
}

function unwrapAwait(expression: ts.Expression): ts.Expression {
  let current = expression;
  while (ts.isAwaitExpression(current) || ts.isParenthesizedExpression(current)) current = current.expression;
  return current;
}

/** The statement that holds a node directly (its expression is the node, awaited or not). */
function enclosingStatementOf(node: ts.Node): ts.Statement | undefined {
  let current: ts.Node = node;
  while (current.parent && !ts.isBlock(current.parent) && !ts.isSourceFile(current.parent) && !ts.isCaseClause(current.parent)) current = current.parent;
  return ts.isBlock(current.parent) || ts.isCaseClause(current.parent) ? (current as ts.Statement) : undefined;
}

/**
 * The statement the claim goes before: the body's first, unless the handle is a local the body declares (a session it
 * opens), then the one after that declaration; never after the first write.
 */
function doorStatement(fn: ts.FunctionLikeDeclaration, handle: string, firstWrite: ts.Statement): ts.Statement {
  const statements = (fn.body as ts.Block).statements;
  const root = handle.split(/[.?[]/)[0]!;
  const isParameter = fn.parameters.some((p) => ts.isIdentifier(p.name) && p.name.text === root);
  if (root === 'this' || isParameter) return statements[0] ?? firstWrite;
  const declaring = statements.findIndex((st) => ts.isVariableStatement(st) && st.declarationList.declarations.some((d) => declaresName(d.name, root)));
  const limit = statements.indexOf(firstWrite);
  if (declaring >= 0 && declaring < limit) return statements[declaring + 1]!;
  return firstWrite;
}

/** The statement right after `statement` in its block (or case clause), if any. */
function statementAfter(statement: ts.Statement): ts.Statement | undefined {
  const parent = statement.parent;
  if (!ts.isBlock(parent) && !ts.isCaseClause(parent) && !ts.isDefaultClause(parent) && !ts.isSourceFile(parent)) return undefined;
  return parent.statements[parent.statements.indexOf(statement) + 1];
}

function declaresName(name: ts.BindingName, wanted: string): boolean {
  if (ts.isIdentifier(name)) return name.text === wanted;
  return name.elements.some((element) => !ts.isOmittedExpression(element) && declaresName(element.name, wanted));
}

/** The function's own return statements (not those of functions nested in it). */
function ownReturns(fn: ts.FunctionLikeDeclaration): ts.ReturnStatement[] {
  const out: ts.ReturnStatement[] = [];
  const visit = (node: ts.Node): void => {
    if (node !== fn && (ts.isFunctionLike(node) || ts.isClassLike(node))) return;
    if (ts.isReturnStatement(node)) out.push(node);
    ts.forEachChild(node, visit);
  };
  if (fn.body) ts.forEachChild(fn.body, visit);
  return out;
}

/**
 * The edits that store a return's value with the key right before it returns (`store(value)` is the statement). A
 * plain read is stored as it is; anything else is computed into a local first, so it runs once, in the same order.
 */
function storeBeforeReturn(fn: ts.FunctionLikeDeclaration, statement: ts.ReturnStatement, source: ts.SourceFile, text: string, style: CodeStyle, store: (value: string) => string): TextEdit[] {
  const expression = statement.expression;
  const inList = ts.isBlock(statement.parent) || ts.isCaseClause(statement.parent) || ts.isDefaultClause(statement.parent);
  const indent = indentAt(text, statement.getStart(source));
  if (!expression || isPlainRead(expression)) {
    const value = expression ? expression.getText(source) : 'null';
    if (inList) {
      const at = insertionPoint(text, statement, source);
      return [{ start: at, end: at, text: render([store(value)], indent, style) + style.eol }];
    }
    return [{ start: statement.getStart(source), end: statement.getEnd(), text: `{${style.eol}${render([store(value), statement.getText(source)], indent + style.indentUnit, style)}${style.eol}${indent}}` }];
  }
  const name = freshName(fn, 'response', source);
  const semi = style.semicolons ? ';' : '';
  // `return this.copyOf(x)` in an async function returns what the promise resolves to: that is what is stored.
  const isAsync = (ts.getModifiers(fn) ?? []).some((m) => m.kind === ts.SyntaxKind.AsyncKeyword);
  const value = isAsync && !ts.isAwaitExpression(expression) ? `await ${expression.getText(source)}` : expression.getText(source);
  const declaration = `const ${name} = ${value}${semi}`;
  if (inList) {
    const at = insertionPoint(text, statement, source);
    return [
      { start: at, end: at, text: indent + declaration + style.eol + render([store(name)], indent, style) + style.eol },
      { start: expression.getStart(source), end: expression.getEnd(), text: name },
    ];
  }
  const inner = indent + style.indentUnit;
  return [{ start: statement.getStart(source), end: statement.getEnd(), text: `{${style.eol}${inner}${declaration}${style.eol}${render([store(name), `return ${name};`], inner, style)}${style.eol}${indent}}` }];
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

/** Identifier-like words of a text (Unicode letters included), for `mentionsAny`. */
const WORD = /[\p{ID_Start}$_][\p{ID_Continue}$\u200c\u200d]*/gu;

/**
 * Whether a text may call one of the methods: one of its words is one of the names. A call `x.method(…)` names the
 * method as a whole word, so this keeps every file that has such a call; one pass over the text instead of one per
 * method threaded (thousands in a large tree). A text with a Unicode escape (an identifier may be spelt with one)
 * keeps the plain test of each name.
 */
function mentionsAny(text: string, names: ReadonlySet<string>): boolean {
  if (text.includes('\\u')) return [...names].some((name) => text.includes(name));
  for (const [word] of text.matchAll(WORD)) if (names.has(word)) return true;
  return false;
}

/** Routers pass the request's Idempotency-Key header to every operation that took a key. */
function threadHeader(workspace: Workspace, threaded: Threaded[]): void {
  if (threaded.length === 0) return;
  const byKey = new Map(threaded.map((t) => [t.key, t]));
  const byName = keysByName(byKey.keys());
  const methods = new Set(threaded.map((t) => t.method));
  for (const file of workspace.files()) {
    if (workspace.analysis(file).role !== 'router') continue;
    const text = workspace.read(file);
    if (!mentionsAny(text, methods)) continue;
    const source = parse(file, text);
    if (hasParseErrors(source)) continue;
    const style = detectStyle(text);
    const edits: TextEdit[] = [];
    const controllerKeys = new Map<ts.FunctionLikeDeclaration, string>();
    for (const site of serviceCallSites(source, file)) {
      const key = resolveCallSite(site, byName);
      const target = key ? byKey.get(key) : undefined;
      if (!target || site.call.arguments.length > target.position) continue;
      const routeFact = workspace.analysis(file).routes.find((r) => r.handler.start <= site.call.getStart(source) && site.call.getEnd() <= r.handler.end);
      const route = routeFact?.route;
      workspace.claim({ key: target.key, label: target.key.slice(target.key.indexOf('#') + 1), file, ...(route ? { route } : {}) });
      // One request, one key: a call repeated in a loop would replay the first call's response, so it gets none.
      if (inLoop(site.call)) continue;
      const handler = enclosingFunction(site.call);
      const padding = Array.from({ length: target.position - site.call.arguments.length }, () => 'undefined');
      let header: string;
      if (routeFact?.controller && handler && ts.isMethodDeclaration(handler) && handler.getStart(source) <= routeFact.handler.start) {
        // A controller method (NestJS) has no request object: it takes the header through `@Headers('idempotency-key')`.
        const known = controllerKeys.get(handler) ?? headerParameter(handler, edits, source, text, style);
        if (!known) continue;
        controllerKeys.set(handler, known);
        header = known;
      } else {
        const request = handler?.parameters[0];
        if (!request || !ts.isIdentifier(request.name)) continue;
        header = `${request.name.text}.headers[${style.quote}${HEADER}${style.quote}] as string | undefined`;
      }
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
    if (controllerKeys.size > 0) {
      const edit = importEdit(source, text, NEST_COMMON, ['Headers'], style);
      if (edit) edits.push(edit);
    }
    if (edits.length > 0) workspace.write(file, applyEdits(text, edits));
  }
}

/** Where NestJS's parameter decorators come from. */
const NEST_COMMON = '@nestjs/common';

/**
 * The name under which a controller method receives the Idempotency-Key header: its own `@Headers('idempotency-key')`
 * parameter, or a new last parameter `@Headers('idempotency-key') idempotencyKey?: string` (the edit goes to `edits`).
 * Undefined when the last parameter is a rest parameter.
 */
function headerParameter(method: ts.MethodDeclaration, edits: TextEdit[], source: ts.SourceFile, text: string, style: CodeStyle): string | undefined {
  for (const parameter of method.parameters) {
    const decorated = (ts.getDecorators(parameter) ?? []).some((d) => {
      const call = d.expression;
      return ts.isCallExpression(call) && ts.isIdentifier(call.expression) && call.expression.text === 'Headers' && call.arguments.length === 1 && ts.isStringLiteralLike(call.arguments[0]!) && call.arguments[0].text.toLowerCase() === HEADER;
    });
    if (decorated && ts.isIdentifier(parameter.name)) return parameter.name.text;
  }
  const last = method.parameters[method.parameters.length - 1];
  if (last?.dotDotDotToken) return undefined;
  const name = freshName(method, KEY, source);
  const parameter = `@Headers(${style.quote}${HEADER}${style.quote}) ${name}?: string`;
  if (last) edits.push({ start: last.getEnd(), end: last.getEnd(), text: `, ${parameter}` });
  else {
    const open = text.indexOf('(', method.name.getEnd());
    edits.push({ start: open + 1, end: open + 1, text: parameter });
  }
  return name;
}
