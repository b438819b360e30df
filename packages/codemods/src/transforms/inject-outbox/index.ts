import ts from 'typescript';
import { ormWriteTarget, resolveText, sqlWriteTarget, type ClassFacts, type ConstLookup, type FileAnalysis, type MissingFlag, type Operation } from 'outbox-analysis';
import type { SkipCode } from '../../engine/skips.js';
import type { Transform, Workspace } from '../../engine/types.js';
import { applyEdits, todoEdit, detectStyle, indentAt, quoted, relativeImport, removeStatement, render, type CodeStyle, type TextEdit } from '../shared/edits.js';
import { aggregateTypeOf, autocommitObstacle, carriesSecret, commitStatements, committingHelperCalls, eventTypeOf, handleHandedTo, handleOf, hoistableReturn, hoistedDeclaration, idParams, ownReturnStatements, resultAt, scopeCallbacks } from '../shared/operation-code.js';
import { inLoop, operationKey } from '../shared/call-sites.js';
import { classOf, enclosingStatement, freshName, isPlainRead, insertionPoint, hasParseErrors, importEdit, nodeAt, operationFunction, parse } from '../shared/source.js';

/** The project's outbox repository: its class, the file that declares it, and its event method. */
interface Repository {
  name: string;
  file: string;
  eventCall: string;
}

/**
 * The class a service gets its events through: one named after `outbox.names` (`OutboxRepository`) that has an
 * event method (`outbox.eventCalls`, `addEvent`), by the analysis' class facts. The first in path order when there
 * are several (the project's own `src/` before vendored copies is the usual order).
 */
export function findOutboxRepository(workspace: Workspace): Repository | undefined {
  const names = workspace.settings.outbox.names.map((n) => n.toLowerCase());
  for (const file of workspace.files()) {
    const text = workspace.read(file);
    if (!names.some((n) => text.toLowerCase().includes(n)) || !/\bclass\b/.test(text)) continue;
    for (const facts of workspace.analysis(file).classes) {
      if (facts.abstract || !names.some((n) => facts.name.toLowerCase().includes(n))) continue;
      const eventCall = workspace.settings.outbox.eventCalls.find((call) => facts.methods.includes(call));
      if (eventCall) return { name: facts.name, file, eventCall };
    }
  }
  return undefined;
}
/** Rounds of plan → apply → re-analyse per file: a path fixed in one round can reveal the next one. */
const MAX_ROUNDS = 4;

/**
 * inject-outbox: every service class with operations gets an outbox repository (a constructor parameter with a
 * default, so every construction site keeps compiling), and every operation the analysis reports without an event
 * before its commit gets one: `<module>.<operation>`, with the operation's identifying fields and its result.
 */
export const injectOutbox: Transform = {
  name: 'inject-outbox',
  summary: 'inject an OutboxRepository and add an outbox event before the commit of every operation lacking one',
  run(workspace) {
    const repository = findOutboxRepository(workspace);
    for (const file of workspace.files()) {
      const first = workspace.analysis(file);
      const needing = first.operations.filter(needsWork);
      if (needing.length === 0) continue;
      if (first.diagnostics.some((d) => d.message.startsWith('parse error'))) {
        workspace.skip({ code: 'file-does-not-parse', file, line: needing[0].line, reason: 'the file does not parse; left as it is' });
        continue;
      }
      for (const operation of needing.filter((op) => op.kind === 'router')) {
        workspace.skip({ code: 'router-handler-needs-service', file, line: operation.line, reason: `${operation.method} writes in the router, where there is no outbox: extract-router-db has to move it into a service first (run \`all\`; if it did, its report says why it did not)` });
      }
      if (!repository) {
        workspace.skip({ code: 'no-outbox-repository-class', file, reason: `no outbox repository class in the project to inject (a class named after ${workspace.settings.outbox.names.join(' / ')} with a ${workspace.settings.outbox.eventCalls.join(' / ')} method)` });
        continue;
      }
      const tried = new Set<string>();
      for (let round = 0; round < MAX_ROUNDS; round++) {
        const analysis = workspace.analysis(file);
        const text = workspace.read(file);
        const edits = planFile(workspace, analysis, text, repository, tried);
        if (edits.length === 0) break;
        workspace.write(file, applyEdits(text, edits));
      }
    }
  },
};

function needsWork(operation: Operation): boolean {
  return operation.missing.some((missing) => missing.flag === 'outbox' || missing.flag === 'event');
}

interface ClassPlan {
  /** The repository's event method (`addEvent`). */
  eventCall?: string;
  /** How an operation reaches the outbox: `this.outboxRepo`, or for a session factory `this.outboxRepoFor(db)`. */
  receiver(handle: string): string;
}

function planFile(workspace: Workspace, analysis: FileAnalysis, text: string, repository: Repository, tried: Set<string>): TextEdit[] {
  const file = analysis.file;
  const source = parse(file, text);
  if (hasParseErrors(source)) return [];
  const style = detectStyle(text);
  const edits: TextEdit[] = [];
  const plans = new Map<ts.ClassLikeDeclaration, ClassPlan | undefined>();
  let needsImport = false;

  for (const operation of analysis.operations) {
    if (operation.kind !== 'service' || !needsWork(operation)) continue;
    const who = `${operation.className}.${operation.method}`;
    const key = operationKey(file, operation.className!, operation.method);
    if (workspace.excluded(key)) continue;
    const event = operation.missing.find((missing) => missing.flag === 'event');
    // An operation skipped in an earlier round stays skipped (its report is made); it is not "not fixed".
    if (event && tried.has(`skipped:${who}`)) continue;
    const attempt = event && `${who}:${event.reason}:${event.at.start}`;
    if (event && attempt && tried.has(attempt)) {
      // The analysis reports the same gap at the same place after this transform's edit: it did not take.
      workspace.skip({ code: 'event-not-fixed', file, line: event.at.line, reason: `${who}: the event this transform placed did not satisfy the analysis, which still says: ${event.message}` });
      continue;
    }
    const fn = operationFunction(source, operation);
    const cls = fn && classOf(fn);
    if (!fn || !cls) continue;
    const autocommit = autocommitObstacle(fn, operation);
    if (autocommit) {
      if (!tried.has(`skipped:${who}`)) workspace.skip({ code: 'autocommit-write', file, line: operation.line, reason: `${who}: ${autocommit}` });
      tried.add(`skipped:${who}`);
      continue;
    }
    // The operation's own edits, and the class's (its constructor, the import) that it needs.
    workspace.claim({ key, label: who, file, line: operation.line, className: operation.className!, member: operation.method });
    workspace.claim({ key, label: who, file, line: operation.line, className: operation.className!, member: '<constructor>' });
    if (!plans.has(cls)) {
      const facts = analysis.classes.find((c) => c.name === operation.className);
      const planned = facts && planClass(workspace, analysis, cls, facts, source, text, style, repository);
      const plan = planned && 'plan' in planned ? planned : undefined;
      plans.set(cls, plan?.plan);
      if (plan?.edit) {
        edits.push(plan.edit);
        needsImport = true;
      }
      if (planned && 'code' in planned) workspace.skip({ code: planned.code, file, line: operation.line, reason: `${operation.className}: ${planned.reason}; its operations get no outbox` });
    }
    const plan = plans.get(cls);
    if (!plan) continue;
    if (!event || !attempt) continue;
    tried.add(attempt);
    edits.push(...planEvent(workspace, file, source, text, style, operation, fn, event, { ...plan, eventCall: repository.eventCall }, tried));
  }
  if (needsImport) {
    const edit = importEdit(source, text, relativeImport(file, repository.file), [repository.name], style);
    if (edit) edits.push(edit);
  }
  return edits;
}

/**
 * The constructor parameter that gives a class its outbox repository (none if it holds one already), or why the class
 * cannot get one safely.
 */
function planClass(
  workspace: Workspace,
  analysis: FileAnalysis,
  cls: ts.ClassLikeDeclaration,
  facts: ClassFacts,
  source: ts.SourceFile,
  text: string,
  style: CodeStyle,
  repository: Repository,
): { plan: ClassPlan; edit?: TextEdit } | { code: SkipCode; reason: string } {
  const held = facts.outboxHolders?.[0];
  if (held) return { plan: { receiver: (handle) => (held.endsWith('For') && (facts.constructedByContainer || !handle.startsWith('this.')) ? `this.${held}(${handle})` : `this.${held}`) } };

  const ctor = cls.members.find(ts.isConstructorDeclaration);
  if (!ctor || ctor.parameters.length === 0) return { code: 'no-constructor', reason: `it has no constructor${ctor ? ' parameter' : ''} to take an ${repository.name} (add one that takes its DB handle)` };
  // Which handle do the class's operations write through: one of its own, or a session each method asks for? An
  // operation that only autocommits (`this.invoices.save(x)` beside `dataSource.transaction(…)` in the others) gets no
  // event (it is reported as autocommit-write), so its handle does not decide what the others get.
  const handles = new Map<string, string>();
  for (const operation of analysis.operations) {
    if (operation.className !== facts.name) continue;
    const fn = operationFunction(source, operation);
    // An operation whose writes commit by themselves gets no event (it is reported as such): its handle does not count.
    if (fn && autocommitObstacle(fn, operation)) continue;
    const handle = handleOf(operation);
    if (handle) handles.set(handle.startsWith('this.') ? 'own' : 'local', `${operation.method} writes through ${handle}`);
  }
  const name = repository.name;
  const dbParam = ctor.parameters.find((p) => ts.isIdentifier(p.name) && (facts.dbHandleParams ?? []).includes(p.name.text));
  if (handles.size > 1) return { code: 'mixed-handles', reason: `its operations write through different handles (${[...handles.values()].join('; ')}), so no one ${name} serves them all` };
  if (facts.constructedByContainer) {
    // A container constructs the class (NestJS `@Injectable()`): it would try to inject a new constructor parameter,
    // default or not, and fail at startup. A property that makes the repository for the handle each write uses needs
    // nothing from the container, and nothing initialised before it.
    const property = free(facts, `${repositoryProperty(workspace)}For`);
    const declaration = `private readonly ${property} = (session: ConstructorParameters<typeof ${name}>[0]) => new ${name}(session)${style.semicolons ? ';' : ''}`;
    const at = insertionPoint(text, ctor, source);
    const indent = indentAt(text, ctor.getStart(source));
    return { plan: { receiver: (handle) => `this.${property}(${handle})` }, edit: { start: at, end: at, text: `${indent}${declaration}${style.eol}${style.eol}` } };
  }
  let parameter: string;
  let plan: ClassPlan;
  if (!handles.has('local') && !dbParam) {
    return { code: 'no-handle-parameter', reason: `no constructor parameter named ${workspace.settings.dbHandles.join(' or ')} holds the DB handle to build the ${name} from${handles.has('own') ? ` (${handles.get('own')})` : ''}` };
  }
  if (handles.has('local')) {
    // A session factory: each method works in the session it asked for, so the outbox is made for that session.
    const property = free(facts, `${repositoryProperty(workspace)}For`);
    parameter = `private readonly ${property} = (session: ConstructorParameters<typeof ${name}>[0]) => new ${name}(session)`;
    plan = { receiver: (handle) => `this.${property}(${handle})` };
  } else {
    const property = free(facts, repositoryProperty(workspace));
    parameter = `private readonly ${property}: ${name} = new ${name}(${(dbParam!.name as ts.Identifier).text})`;
    plan = { receiver: () => `this.${property}` };
  }
  return { plan, edit: appendParameter(ctor, source, text, style, parameter) };
}

/**
 * The property that holds the repository: `outboxRepo`, or with other outbox names in the config a name that mentions
 * the first (`journalRepo` for `outbox.names: ["journal"]`), so the analysis sees the events made through it.
 */
function repositoryProperty(workspace: Workspace): string {
  const first = workspace.settings.outbox.names[0] ?? 'outbox';
  const base = first.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase());
  return `${base.charAt(0).toLowerCase()}${base.slice(1)}Repo`;
}

function free(facts: ClassFacts, base: string): string {
  const taken = new Set([...facts.constructorParams.map((p) => p.name), ...facts.properties.map((p) => p.name), ...facts.methods]);
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}${i}`)) return `${base}${i}`;
}

/** Adds a last constructor parameter in the layout of the others (one line, or one per line with its comma). */
export function appendParameter(ctor: ts.ConstructorDeclaration, source: ts.SourceFile, text: string, style: CodeStyle, parameter: string): TextEdit {
  const params = ctor.parameters;
  const last = params[params.length - 1];
  const open = ctor.getChildren(source).find((child) => child.kind === ts.SyntaxKind.OpenParenToken)!;
  const multiline = source.getLineAndCharacterOfPosition(open.getEnd()).line !== source.getLineAndCharacterOfPosition(last.getStart(source)).line;
  if (!multiline) return { start: last.getEnd(), end: last.getEnd(), text: `, ${parameter}` };
  const trailingComma = params.hasTrailingComma;
  const at = trailingComma ? text.indexOf(',', last.getEnd()) + 1 : last.getEnd();
  const indent = indentAt(text, last.getStart(source));
  return { start: at, end: at, text: `${trailingComma ? '' : ','}${style.eol}${indent}${parameter}${trailingComma ? ',' : ''}` };
}

function planEvent(
  workspace: Workspace,
  file: string,
  source: ts.SourceFile,
  text: string,
  style: CodeStyle,
  operation: Operation,
  fn: ts.FunctionLikeDeclaration,
  missing: MissingFlag,
  plan: ClassPlan,
  reported: Set<string>,
): TextEdit[] {
  const who = `${operation.className}.${operation.method}`;
  const settings = workspace.settings;
  // The handle the operation writes or commits through; for one whose writes and commit are a helper's, the handle
  // the helper commits on, when the operation can reach it too (`this.db`).
  const helperHandle = operation.committingHelpers.find((call) => call.handle?.startsWith('this.'))?.handle;
  const handle = handleOf(operation) ?? helperHandle;
  const skip = (code: SkipCode, reason: string, line = missing.at.line): TextEdit[] => {
    // Reported once, though later rounds of the same run meet it again.
    if (reported.has(`skip:${who}:${reason}`)) return [];
    reported.add(`skip:${who}:${reason}`);
    reported.add(`skipped:${who}`);
    workspace.skip({ code, file, line, reason: `${who}: ${reason}` });
    const todo = workspace.options.todoComments ? todoEdit(text, missing.at.start, reason, style) : undefined;
    return todo ? [todo] : [];
  };

  if (missing.reason === 'event-after-commit') {
    // Move the late event to just before the commit that precedes it.
    const eventNode = nodeAt(source, missing.at.start, missing.at.end);
    const eventStatement = eventNode && enclosingStatement(eventNode);
    const commit = commitStatements(fn, operation).filter((c) => c.call.getEnd() <= missing.at.start).pop();
    if (!eventStatement || !commit?.statement || eventStatement.parent !== commit.statement.parent) return skip('event-after-commit-not-beside', 'its event comes after the commit, in another block than the commit; move it before the commit by hand');
    const eventText = reindent(text, eventStatement, source, indentAt(text, commit.statement.getStart(source)), style);
    const before = insertionPoint(text, commit.statement, source);
    return [{ start: before, end: before, text: eventText + style.eol }, removeStatement(text, eventStatement.getStart(source), eventStatement.getEnd())];
  }

  // The event names the row the write before it targets (on the path to `statement`), and what that write set.
  const eventLines = (result: string | undefined, via: string, before?: ts.Statement) =>
    eventCode(operation, fn, plan.receiver(via), plan.eventCall ?? 'addEvent', result, style, before ? writeTargetBefore(before, operation, fn, source) : undefined);
  // The event before a commit, carrying the value returned right after it: read as is when it is a plain read, or
  // computed into a local just before the commit when it is a call (`return masked(rows[0]!);`).
  const eventAt = (statement: ts.Statement, via: string): TextEdit[] => {
    const inLoop = loopWriteEvent(statement, operation, fn, source);
    if (inLoop) {
      const indent = indentAt(text, inLoop.after.getStart(source));
      const lines = eventCode(operation, fn, plan.receiver(via), plan.eventCall ?? 'addEvent', undefined, style, inLoop.target);
      return [{ start: inLoop.after.getEnd(), end: inLoop.after.getEnd(), text: style.eol + render(lines, indent, style) }];
    }
    const plain = resultAt(statement, source, operation.method);
    const hoisted = plain === undefined && !carriesSecret(operation.method) ? hoistableReturn(fn, statement, source, via) : undefined;
    if (!hoisted || carriesSecret(operation.method, hoisted.declaration)) return [insertBefore(text, source, statement, eventLines(plain, via, statement), style)];
    const indent = indentAt(text, statement.getStart(source));
    const at = insertionPoint(text, statement, source);
    return [{ start: at, end: at, text: hoistedDeclaration(hoisted, indent, style) + render(eventLines(hoisted.name, via, statement), indent, style) + style.eol }, hoisted.edit];
  };
  if (missing.reason === 'event-missing-on-path') {
    const at = nodeAt(source, missing.at.start, missing.at.end);
    const commit = commitStatements(fn, operation).find((c) => at && c.call.getStart(source) === at.getStart(source));
    if (commit && !commit.statement) return skip('commit-not-a-statement', `the commit on line ${missing.at.line} is not a statement of its own (in a block), so the event cannot go right before it; put braces around it`);
    if (!commit) return skip('path-without-event', `${missing.message.replace(/\.$/, '')}; no commit is there to put the event before (the caller commits), so add it on that path by hand`);
    const statement = commit.statement!;
    const parent = statement.parent as ts.Block;
    const previous = parent.statements[parent.statements.indexOf(statement) - 1];
    // `if (x) { event }` right before the commit: the other path gets its event in an else branch.
    if (previous && ts.isIfStatement(previous) && !previous.elseStatement && ts.isBlock(previous.thenStatement)) {
      const indent = indentAt(text, previous.getStart(source));
      const body = render(eventLines(undefined, commit.handle, previous), indent + style.indentUnit, style);
      return [{ start: previous.getEnd(), end: previous.getEnd(), text: ` else {${style.eol}${body}${style.eol}${indent}}` }];
    }
    return eventAt(statement, commit.handle);
  }

  // no-event: before every commit of the operation (or before the call of a helper that commits).
  const commits = commitStatements(fn, operation);
  // A transaction scope (`$transaction(async (tx) => …)`, `dataSource.transaction(async (manager) => …)`): the event goes
  // inside its callback, through the transaction's handle, before each of the callback's returns (or at its end).
  const scopes = scopeCallbacks(fn, operation);
  if (commits.length === 0 && scopes.length > 0) {
    const edits: TextEdit[] = [];
    for (const scope of scopes) {
      const body = scope.callback.body;
      if (!ts.isBlock(body)) return skip('scope-callback-not-a-block', `its transaction callback (line ${source.getLineAndCharacterOfPosition(scope.callback.getStart(source)).line + 1}) is an expression, so no event can go inside it before it returns; give the callback a block body`);
      const returns = ownReturnStatements(scope.callback);
      // No SQL to read the written row from: the row is the one the operation names by its aggregate's id, else the
      // row the callback returns (a create's new row), never another entity's id.
      // The row is the one the write before the event names (an ORM call's criteria, or the row it handed back).
      const lines = (result: string | undefined, before?: ts.Statement) =>
        eventCode(operation, fn, plan.receiver(scope.handle), plan.eventCall ?? 'addEvent', result, style, before ? writeTargetBefore(before, operation, fn, source) : undefined, true);
      if (returns.length === 0) {
        const last = body.statements[body.statements.length - 1];
        const at = last ? last.getEnd() : body.getStart(source) + 1;
        const indent = last ? indentAt(text, last.getStart(source)) : indentAt(text, body.getStart(source)) + style.indentUnit;
        edits.push({ start: at, end: at, text: style.eol + render(lines(undefined), indent, style) });
        continue;
      }
      // A return before the callback's first write, outside any loop, ends a path that changed nothing: no event.
      const firstWrite = operation.writes.find((write) => write.start >= body.getStart(source) && write.end <= body.getEnd());
      for (const returned of returns) {
        if (firstWrite && returned.getEnd() <= firstWrite.start && !inLoop(returned)) continue;
        const inList = ts.isBlock(returned.parent) || ts.isCaseClause(returned.parent) || ts.isDefaultClause(returned.parent);
        if (!inList) return skip('return-not-in-block', `a return of its transaction callback (line ${source.getLineAndCharacterOfPosition(returned.getStart(source)).line + 1}) is not in a block, so the event cannot go before it; add braces`);
        const indent = indentAt(text, returned.getStart(source));
        const at = insertionPoint(text, returned, source);
        const value = returned.expression;
        if (!value || isPlainRead(value)) {
          edits.push({ start: at, end: at, text: render(lines(value?.getText(source), returned), indent, style) + style.eol });
          continue;
        }
        // `return tx.order.create(…)`: the value is awaited into a local first, so the event can carry it.
        const name = freshName(scope.callback, 'result', source);
        const awaited = ts.isAwaitExpression(value) ? value.getText(source) : `await ${value.getText(source)}`;
        edits.push({ start: at, end: at, text: `${indent}const ${name} = ${awaited}${style.semicolons ? ';' : ''}${style.eol}${render(lines(name, returned), indent, style)}${style.eol}` });
        edits.push({ start: value.getStart(source), end: value.getEnd(), text: name });
      }
    }
    return edits;
  }
  if (commits.some((c) => !c.statement)) return skip('commit-not-a-statement', 'a commit is part of an expression, not a statement of its own, so nothing can go right before it; add the event before it by hand');
  if (commits.length > 0) return commits.flatMap((c) => eventAt(c.statement!, c.handle));
  const helperCalls = committingHelperCalls(fn, operation);
  const statements = [...new Set(helperCalls.map((call) => enclosingStatement(call)))];
  if (helperCalls.length > 0 && statements.every((s) => s !== undefined)) {
    if (handle === undefined) return skip('no-handle-to-commit', `it writes and commits only through its helper \`${operation.committingHelpers[0]!.helper}\`, on a handle the analysis cannot name from ${operation.method} (not one of the class's own), so the event has no transaction to join; give the helper's session to ${operation.method}, or add the event in the helper by hand`);
    return statements.map((s) => insertBefore(text, source, s!, eventLines(undefined, handle), style));
  }
  if (operation.commitsAtExit) {
    return skip('commits-at-exit', 'its transaction comes from a decorator and commits when it returns, with no commit statement to put the event before; add the event before each return (inside the transaction), by hand');
  }
  if (operation.commit) {
    // The analysis sees a commit the own body does not hold: it is in a callback (`await withRetry(() => db.commit())`).
    return skip('commit-in-callback', 'it commits inside a callback, so nothing can go right before the commit; add the event before the call that runs the callback, by hand');
  }
  const outside = handleHandedTo(fn, operation);
  if (outside) return skip('commits-through-function', `it hands its DB handle to \`${outside}(…)\`, a function outside its class, which the analysis does not follow: if that commits, make it a private method (or commit in ${operation.method}) so the event can go before it`);
  return skip('caller-commits', 'it does not commit: its caller does, so the event has no commit to go before; service-commit moves a router commit that follows the call into it (run `all`), or commit in the operation by hand');
}

function insertBefore(text: string, source: ts.SourceFile, statement: ts.Statement, lines: string[], style: CodeStyle): TextEdit {
  const start = statement.getStart(source);
  const lineStart = insertionPoint(text, statement, source);
  return { start: lineStart, end: lineStart, text: render(lines, indentAt(text, start), style) + style.eol };
}

function reindent(text: string, statement: ts.Statement, source: ts.SourceFile, indent: string, style: CodeStyle): string {
  const own = indentAt(text, statement.getStart(source));
  return text
    .slice(statement.getStart(source), statement.getEnd())
    .split(/\r?\n/)
    .map((line, i) => (i === 0 ? indent + line : line.startsWith(own) ? indent + line.slice(own.length) : line))
    .join(style.eol);
}

/** The event statement, as template lines (two-space indentation, single quotes; `render` adapts them). */
/** What the write before an event says about its row: the key expression, whether it inserts a row, what it sets. */
interface EventTarget {
  /** The expression of the written row's key (`lotId`, `row.id`), in scope where the event goes. */
  key?: string;
  /** It inserts the row (and hands it back): the key is the result's id. */
  inserts: boolean;
  /** Columns set to a literal (`status: 'blocked'`). */
  literals: [string, string][];
}

/** The operation's own writes, as calls. */
function writeCalls(operation: Operation, source: ts.SourceFile): ts.CallExpression[] {
  return operation.writes.map((span) => nodeAt(source, span.start, span.end)).filter((node): node is ts.CallExpression => !!node && ts.isCallExpression(node));
}

/** The write that runs last before `statement` on its path (in the statements before it, then in those before the block holding it, outwards). */
function lastWriteBefore(statement: ts.Statement, operation: Operation, fn: ts.FunctionLikeDeclaration, source: ts.SourceFile): { write: ts.CallExpression; holder: ts.Statement } | undefined {
  const writes = writeCalls(operation, source);
  for (let current: ts.Node = statement; current !== fn && current.parent; current = current.parent) {
    const parent = current.parent;
    const siblings = ts.isBlock(parent) || ts.isCaseClause(parent) || ts.isDefaultClause(parent) || ts.isSourceFile(parent) ? parent.statements : undefined;
    if (!siblings) continue;
    for (const sibling of [...siblings.slice(0, siblings.indexOf(current as ts.Statement))].reverse()) {
      const write = writes.filter((w) => w.getStart(source) >= sibling.getStart(source) && w.getEnd() <= sibling.getEnd()).pop();
      if (write) return { write, holder: sibling };
    }
  }
  return undefined;
}

/**
 * The write that runs last before `statement` on its path, and what its SQL says about the row (the analysis reads the
 * statement: sqlWriteTarget), with the row's key when it is in scope at `statement`.
 */
function writeTargetBefore(statement: ts.Statement, operation: Operation, fn: ts.FunctionLikeDeclaration, source: ts.SourceFile): EventTarget | undefined {
  const found = lastWriteBefore(statement, operation, fn, source);
  return found && targetOf(found.write, statement, fn, source);
}

function targetOf(write: ts.CallExpression, at: ts.Statement, fn: ts.FunctionLikeDeclaration, source: ts.SourceFile): EventTarget | undefined {
  const lookup: ConstLookup = (name) => {
    for (const top of source.statements) {
      if (!ts.isVariableStatement(top) || !(top.declarationList.flags & ts.NodeFlags.Const)) continue;
      for (const d of top.declarationList.declarations) if (ts.isIdentifier(d.name) && d.name.text === name) return d.initializer;
    }
    return undefined;
  };
  const target = sqlWriteTarget(resolveText(write.arguments[0], lookup));
  if (!target) return ormTargetOf(write, at, fn, source);
  const params = write.arguments[1];
  let key: string | undefined;
  if (target.idParam !== undefined && params && ts.isArrayLiteralExpression(params)) {
    const element = params.elements[target.idParam - 1];
    if (element && !ts.isSpreadElement(element) && isPlainRead(element) && inScopeAt(element, at, fn)) key = element.getText(source);
  }
  return { ...(key ? { key } : {}), inserts: target.verb === 'INSERT' && target.returning, literals: Object.entries(target.literals) };
}

/**
 * An ORM write (`tx.invoice.update({ where: { id }, data: { status: 'paid' } })`, `repo.update({ id }, …)`): the key in
 * its criteria when it is `id` and in scope, else the row it hands back when the code keeps it (`const invoice = await
 * tx.invoice.update(…)`: the row's own id, the criteria's key when the row has none), and the fields it sets to a
 * literal. What the call says is the analysis' reading (ormWriteTarget).
 */
function ormTargetOf(write: ts.CallExpression, at: ts.Statement, fn: ts.FunctionLikeDeclaration, source: ts.SourceFile): EventTarget | undefined {
  const target = ormWriteTarget(write, source);
  if (!target) return undefined;
  const literals = target.literals;
  const keyNode = target.key !== undefined ? findExpression(write, target.key, source) : undefined;
  const key = keyNode && inScopeAt(keyNode, at, fn) ? target.key : undefined;
  if (key && target.keyField === 'id') return { key, inserts: false, literals };
  const row = keptRow(write, at, fn) ?? (target.entity !== undefined && entityInScope(write, target.entity, at, fn, source) ? target.entity : undefined);
  if (row) return { key: key ? `Object(${row}).id ?? ${key}` : `Object(${row}).id ?? ''`, inserts: target.inserts, literals };
  return { ...(key ? { key } : {}), inserts: target.inserts, literals };
}

/** The entity object a write is given (`save(article)`), when that name is in scope at `at`. */
function entityInScope(write: ts.CallExpression, name: string, at: ts.Statement, fn: ts.FunctionLikeDeclaration, source: ts.SourceFile): boolean {
  const node = findExpression(write, name, source);
  return node !== undefined && inScopeAt(node, at, fn);
}

/** `row` of `const row = await <write>` (or `row = await <write>`), when `row` is in scope at `at`. */
function keptRow(write: ts.CallExpression, at: ts.Statement, fn: ts.FunctionLikeDeclaration): string | undefined {
  let node: ts.Node = write;
  while (ts.isAwaitExpression(node.parent) || ts.isParenthesizedExpression(node.parent)) node = node.parent;
  const holder = node.parent;
  const name = ts.isVariableDeclaration(holder) && holder.initializer === node && ts.isIdentifier(holder.name) ? holder.name : undefined;
  return name && inScopeAt(name, at, fn) ? name.text : undefined;
}

/** The sub-expression of `call` whose text is `text`. */
function findExpression(call: ts.Node, text: string, source: ts.SourceFile): ts.Expression | undefined {
  let found: ts.Expression | undefined;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if ((ts.isIdentifier(node) || ts.isPropertyAccessExpression(node)) && node.getText(source) === text) found = node;
    else ts.forEachChild(node, visit);
  };
  visit(call);
  return found;
}

/**
 * A commit after a loop whose iterations each write one row (`for (const r of reservations) { UPDATE … WHERE id = r.lotId }`
 * then `commit`): the row's key is in scope only inside the loop, so the event goes there, right after the write, one
 * per iteration naming its row. (Every iteration's: a write that matched no row still gets its event, which the
 * analysis asks for on every path that wrote — it cannot know what a statement matched.) Undefined when the last write
 * before the commit is not such a write.
 */
function loopWriteEvent(statement: ts.Statement, operation: Operation, fn: ts.FunctionLikeDeclaration, source: ts.SourceFile): { after: ts.Statement; target: EventTarget } | undefined {
  const found = lastWriteBefore(statement, operation, fn, source);
  if (!found || !ts.isIterationStatement(found.holder, false)) return undefined;
  const writeStatement = enclosingStatement(found.write);
  if (!writeStatement || !ts.isBlock(writeStatement.parent) || writeStatement.parent.parent !== found.holder) return undefined;
  const target = targetOf(found.write, writeStatement, fn, source);
  if (!target?.key) return undefined;
  return { after: writeStatement, target };
}

/** Is every name the expression reads declared where `at` is (a parameter, or a local of a block holding `at`)? */
function inScopeAt(expression: ts.Expression, at: ts.Node, fn: ts.FunctionLikeDeclaration): boolean {
  const names = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) && !(ts.isPropertyAccessExpression(node.parent) && node.parent.name === node)) names.add(node.text);
    ts.forEachChild(node, visit);
  };
  visit(expression);
  for (const name of names) {
    if (fn.parameters.some((p) => ts.isIdentifier(p.name) && p.name.text === name)) continue;
    let declared = false;
    for (let scope: ts.Node | undefined = at.parent; scope && !declared; scope = scope.parent) {
      if (ts.isBlock(scope) || ts.isCaseClause(scope) || ts.isDefaultClause(scope)) {
        declared = scope.statements.some((s) => s.getEnd() <= at.getStart() && ts.isVariableStatement(s) && s.declarationList.declarations.some((d) => bindsName(d.name, name)));
      }
      // The variable of an enclosing `for (const row of rows)` is in scope in its body.
      if (!declared && (ts.isForOfStatement(scope) || ts.isForInStatement(scope) || ts.isForStatement(scope)) && scope.initializer && ts.isVariableDeclarationList(scope.initializer)) {
        declared = scope.initializer.declarations.some((d) => bindsName(d.name, name));
      }
      if (scope === fn) break;
    }
    if (!declared) return false;
  }
  return true;
}

function bindsName(name: ts.BindingName, wanted: string): boolean {
  if (ts.isIdentifier(name)) return name.text === wanted;
  return name.elements.some((e) => !ts.isOmittedExpression(e) && bindsName(e.name, wanted));
}

function eventCode(operation: Operation, fn: ts.FunctionLikeDeclaration, receiver: string, eventCall: string, result: string | undefined, style: CodeStyle, target?: EventTarget, ownIdOrResult = false): string[] {
  const ids = idParams(fn);
  const aggregateType = aggregateTypeOf(operation);
  const own = ids.find((id) => id.toLowerCase() === `${aggregateType.replace(/_/g, '')}id`);
  const preferred = ownIdOrResult && result && !own && !ids.includes('id') ? undefined : (own ?? ids.find((id) => id !== 'organizationId') ?? ids[0]);
  const stringParam = (name: string | undefined) => {
    const param = fn.parameters.find((p) => ts.isIdentifier(p.name) && p.name.text === name);
    return param?.type?.kind === ts.SyntaxKind.StringKeyword && !param.questionToken;
  };
  // The aggregate is the row the write targets: the key in its WHERE, the row it inserts; else the operation's own id.
  const aggregateId = target?.key
    ? stringParam(target.key) ? target.key : `String(${target.key})`
    : target?.inserts && result
      ? `String(Object(${result}).id ?? '')`
      : (preferred && (stringParam(preferred) ? preferred : `String(${preferred})`)) ?? (result ? `String(Object(${result}).id ?? '')` : quoted(operation.method, { ...style, quote: "'" }));
  const keyName = target?.key && /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/.test(target.key) && !ids.includes(target.key) && !target.key.includes('.') ? [target.key] : [];
  const taken = new Set([...ids, ...keyName, 'result']);
  const literals = (target?.literals ?? [])
    .map(([column, value]) => [column.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()), value] as const)
    .filter(([name]) => !taken.has(name))
    .map(([name, value]) => `${name}: ${quoted(value, { ...style, quote: "'" })}`);
  const rowKey = target?.key && target.key.includes('.') && !ids.includes('id') ? [`id: ${target.key}`] : [];
  const payload = [...ids, ...keyName, ...rowKey, ...literals, ...(result === 'result' ? ['result'] : result ? [`result: ${result}`] : [])];
  return [
    `await ${receiver}.${eventCall}({`,
    `  eventType: '${eventTypeOf(operation)}',`,
    `  aggregateType: '${aggregateType}',`,
    `  aggregateId: ${aggregateId},`,
    ...(ids.includes('organizationId') ? ['  organizationId,'] : []),
    `  payload: ${payload.length > 0 ? `{ ${payload.join(', ')} }` : '{}'},`,
    '});',
  ];
}
