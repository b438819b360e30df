import ts from 'typescript';
import type { ClassFacts, FileAnalysis, MissingFlag, Operation } from 'outbox-analysis';
import type { Transform, Workspace } from '../../engine/types.js';
import { applyEdits, todoEdit, detectStyle, indentAt, quoted, relativeImport, removeStatement, render, type CodeStyle, type TextEdit } from '../shared/edits.js';
import { aggregateTypeOf, carriesSecret, commitStatements, committingHelperCalls, eventTypeOf, handleOf, hoistableReturn, hoistedDeclaration, idParams, resultAt } from '../shared/operation-code.js';
import { classOf, enclosingStatement, insertionPoint, hasParseErrors, importEdit, nodeAt, operationFunction, parse } from '../shared/source.js';

const REPOSITORY = 'OutboxRepository';
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
    const repositoryFile = workspace.files().find((file) => workspace.read(file).includes(`class ${REPOSITORY}`) && workspace.analysis(file).classes.some((c) => c.name === REPOSITORY));
    for (const file of workspace.files()) {
      const first = workspace.analysis(file);
      const needing = first.operations.filter(needsWork);
      if (needing.length === 0) continue;
      if (first.diagnostics.some((d) => d.message.startsWith('parse error'))) {
        workspace.skip({ file, line: needing[0].line, reason: 'the file does not parse; left as it is' });
        continue;
      }
      for (const operation of needing.filter((op) => op.kind === 'router')) {
        workspace.skip({ file, line: operation.line, reason: `${operation.method} is a router handler: run extract-router-db first to give it a service` });
      }
      if (!repositoryFile) {
        workspace.skip({ file, reason: `no ${REPOSITORY} class found in the project to inject` });
        continue;
      }
      const tried = new Set<string>();
      for (let round = 0; round < MAX_ROUNDS; round++) {
        const analysis = workspace.analysis(file);
        const text = workspace.read(file);
        const edits = planFile(workspace, analysis, text, repositoryFile, tried);
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
  /** How an operation reaches the outbox: `this.outboxRepo`, or for a session factory `this.outboxRepoFor(db)`. */
  receiver(handle: string): string;
}

function planFile(workspace: Workspace, analysis: FileAnalysis, text: string, repositoryFile: string, tried: Set<string>): TextEdit[] {
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
    const fn = operationFunction(source, operation);
    const cls = fn && classOf(fn);
    if (!fn || !cls) continue;
    if (!plans.has(cls)) {
      const facts = analysis.classes.find((c) => c.name === operation.className);
      const planned = facts && planClass(workspace, analysis, cls, facts, source, text, style);
      plans.set(cls, planned?.plan);
      if (planned?.edit) {
        edits.push(planned.edit);
        needsImport = true;
      }
      if (!planned) workspace.skip({ file, line: operation.line, reason: `${operation.className}: cannot inject an outbox repository safely (no constructor parameter holding its DB handle)` });
    }
    const plan = plans.get(cls);
    if (!plan) continue;
    const event = operation.missing.find((missing) => missing.flag === 'event');
    if (!event) continue;
    const key = `${who}:${event.reason}:${event.at.start}`;
    if (tried.has(key)) {
      workspace.skip({ file, line: event.at.line, reason: `${who}: ${event.message} (could not be fixed by machine)` });
      continue;
    }
    tried.add(key);
    edits.push(...planEvent(workspace, file, source, text, style, operation, fn, event, plan, tried));
  }
  if (needsImport) {
    const edit = importEdit(source, text, relativeImport(file, repositoryFile), [REPOSITORY], style);
    if (edit) edits.push(edit);
  }
  return edits;
}

/** The constructor parameter that gives a class its outbox repository (none if it holds one already). */
function planClass(
  workspace: Workspace,
  analysis: FileAnalysis,
  cls: ts.ClassLikeDeclaration,
  facts: ClassFacts,
  source: ts.SourceFile,
  text: string,
  style: CodeStyle,
): { plan: ClassPlan; edit?: TextEdit } | undefined {
  const names = workspace.settings.outbox.names.map((n) => n.toLowerCase());
  const mentions = (name: string) => names.some((n) => name.toLowerCase().includes(n));
  const held = [...facts.constructorParams.map((p) => p.name), ...facts.properties.map((p) => p.name)].find(mentions);
  if (held) return { plan: { receiver: (handle) => (held.endsWith('For') && !handle.startsWith('this.') ? `this.${held}(${handle})` : `this.${held}`) } };

  const ctor = cls.members.find(ts.isConstructorDeclaration);
  if (!ctor || ctor.parameters.length === 0) return undefined;
  // Which handle do the class's operations write through: one of its own, or a session each method asks for?
  const handles = new Set<string>();
  for (const operation of analysis.operations) {
    if (operation.className !== facts.name) continue;
    const fn = operationFunction(source, operation);
    const handle = fn && handleOf(fn, workspace.settings, source);
    if (handle) handles.add(handle.startsWith('this.') ? 'own' : 'local');
  }
  let parameter: string;
  let plan: ClassPlan;
  const dbParam = ctor.parameters.find((p) => ts.isIdentifier(p.name) && workspace.settings.dbHandles.includes(p.name.text));
  if (handles.size === 1 && handles.has('own') && dbParam) {
    const name = free(facts, 'outboxRepo');
    parameter = `private readonly ${name}: ${REPOSITORY} = new ${REPOSITORY}(${(dbParam.name as ts.Identifier).text})`;
    plan = { receiver: () => `this.${name}` };
  } else if (handles.size === 1 && handles.has('local')) {
    // A session factory: each method works in the session it asked for, so the outbox is made for that session.
    const name = free(facts, 'outboxRepoFor');
    parameter = `private readonly ${name} = (session: ConstructorParameters<typeof ${REPOSITORY}>[0]) => new ${REPOSITORY}(session)`;
    plan = { receiver: (handle) => `this.${name}(${handle})` };
  } else {
    return undefined;
  }
  return { plan, edit: appendParameter(ctor, source, text, style, parameter) };
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
  const handle = handleOf(fn, settings, source) ?? 'this.db';
  const skip = (reason: string, line = missing.at.line): TextEdit[] => {
    // Reported once, though later rounds of the same run meet it again.
    if (reported.has(`skip:${who}:${reason}`)) return [];
    reported.add(`skip:${who}:${reason}`);
    workspace.skip({ file, line, reason: `${who}: ${reason}` });
    const todo = workspace.options.todoComments ? todoEdit(text, missing.at.start, reason, style) : undefined;
    return todo ? [todo] : [];
  };

  if (missing.reason === 'event-after-commit') {
    // Move the late event to just before the commit that precedes it.
    const eventNode = nodeAt(source, missing.at.start, missing.at.end);
    const eventStatement = eventNode && enclosingStatement(eventNode);
    const commit = commitStatements(fn, settings).filter((c) => c.call.getEnd() <= missing.at.start).pop();
    if (!eventStatement || !commit?.statement || eventStatement.parent !== commit.statement.parent) return skip('the event after the commit is not beside it; move it before the commit by hand');
    const eventText = reindent(text, eventStatement, source, indentAt(text, commit.statement.getStart(source)), style);
    const before = insertionPoint(text, commit.statement, source);
    return [{ start: before, end: before, text: eventText + style.eol }, removeStatement(text, eventStatement.getStart(source), eventStatement.getEnd())];
  }

  const eventLines = (result: string | undefined, via = handle) => eventCode(operation, fn, plan.receiver(via), result, style);
  // The event before a commit, carrying the value returned right after it: read as is when it is a plain read, or
  // computed into a local just before the commit when it is a call (`return masked(rows[0]!);`).
  const eventAt = (statement: ts.Statement, via: string): TextEdit[] => {
    const plain = resultAt(statement, source, operation.method);
    const hoisted = plain === undefined && !carriesSecret(operation.method) ? hoistableReturn(fn, statement, source, via) : undefined;
    if (!hoisted || carriesSecret(operation.method, hoisted.declaration)) return [insertBefore(text, source, statement, eventLines(plain, via), style)];
    const indent = indentAt(text, statement.getStart(source));
    const at = insertionPoint(text, statement, source);
    return [{ start: at, end: at, text: hoistedDeclaration(hoisted, indent, style) + render(eventLines(hoisted.name, via), indent, style) + style.eol }, hoisted.edit];
  };
  if (missing.reason === 'event-missing-on-path') {
    const at = nodeAt(source, missing.at.start, missing.at.end);
    const commit = commitStatements(fn, settings).find((c) => at && c.call.getStart(source) === at.getStart(source));
    if (!commit?.statement) return skip('a path reaches the end without an event; add it on that path by hand');
    const statement = commit.statement;
    const parent = statement.parent as ts.Block;
    const previous = parent.statements[parent.statements.indexOf(statement) - 1];
    // `if (x) { event }` right before the commit: the other path gets its event in an else branch.
    if (previous && ts.isIfStatement(previous) && !previous.elseStatement && ts.isBlock(previous.thenStatement)) {
      const indent = indentAt(text, previous.getStart(source));
      const body = render(eventLines(undefined), indent + style.indentUnit, style);
      return [{ start: previous.getEnd(), end: previous.getEnd(), text: ` else {${style.eol}${body}${style.eol}${indent}}` }];
    }
    return eventAt(statement, commit.handle);
  }

  // no-event: before every commit of the operation (or before the call of a helper that commits).
  const commits = commitStatements(fn, settings);
  if (commits.some((c) => !c.statement)) return skip('a commit is not a statement of its own; add the event before it by hand');
  if (commits.length > 0) return commits.flatMap((c) => eventAt(c.statement!, c.handle));
  const helperCalls = committingHelperCalls(fn, settings);
  const statements = [...new Set(helperCalls.map((call) => enclosingStatement(call)))];
  if (helperCalls.length > 0 && statements.every((s) => s !== undefined)) return statements.map((s) => insertBefore(text, source, s!, eventLines(undefined), style));
  return skip('it does not commit itself (the caller does); run service-commit first or add the event by hand');
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
function eventCode(operation: Operation, fn: ts.FunctionLikeDeclaration, receiver: string, result: string | undefined, style: CodeStyle): string[] {
  const ids = idParams(fn);
  const aggregateType = aggregateTypeOf(operation);
  const preferred = ids.find((id) => id.toLowerCase() === `${aggregateType.replace(/_/g, '')}id`) ?? ids.find((id) => id !== 'organizationId') ?? ids[0];
  const preferredParam = fn.parameters.find((p) => ts.isIdentifier(p.name) && p.name.text === preferred);
  const plainString = preferredParam?.type?.kind === ts.SyntaxKind.StringKeyword && !preferredParam.questionToken;
  const aggregateId = (preferred && (plainString ? preferred : `String(${preferred})`)) ?? (result ? `String(Object(${result}).id ?? '')` : quoted(operation.method, { ...style, quote: "'" }));
  const payload = [...ids, ...(result === 'result' ? ['result'] : result ? [`result: ${result}`] : [])];
  return [
    `await ${receiver}.addEvent({`,
    `  eventType: '${eventTypeOf(operation)}',`,
    `  aggregateType: '${aggregateType}',`,
    `  aggregateId: ${aggregateId},`,
    ...(ids.includes('organizationId') ? ['  organizationId,'] : []),
    `  payload: ${payload.length > 0 ? `{ ${payload.join(', ')} }` : '{}'},`,
    '});',
  ];
}
