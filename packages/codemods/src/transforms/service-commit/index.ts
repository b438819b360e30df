import ts from 'typescript';
import type { ClassFacts, Operation } from 'outbox-analysis';
import type { SkipCode } from '../../engine/skips.js';
import type { Transform, Workspace } from '../../engine/types.js';
import { applyEdits, detectStyle, indentAt, removeStatement, render, type TextEdit } from '../shared/edits.js';
import { keysByName, nextStatement, operationKey, resolveCallSite, serviceCallSites } from '../shared/call-sites.js';
import { insertionPoint, forEachOwnNode, freshName, hasParseErrors, isPlainRead, operationFunction, parse } from '../shared/source.js';
import { handleHandedTo, handleOf } from '../shared/operation-code.js';

interface Candidate {
  file: string;
  operation: Operation;
}

/**
 * service-commit: an operation that the analysis says leaves its commit to the router, and whose router commits
 * right after calling it, commits itself at the end of every path that wrote; the router's commit goes.
 */
export const serviceCommit: Transform = {
  name: 'service-commit',
  summary: 'move the commit a router does right after calling a service operation into that operation',
  run(workspace) {
    const candidates = new Map<string, Candidate>();
    for (const file of workspace.files()) {
      const analysis = workspace.analysis(file);
      if (analysis.role !== 'service') continue;
      for (const operation of analysis.operations) {
        if (operation.kind !== 'service' || !operation.className) continue;
        if (!operation.missing.some((missing) => missing.reason === 'commit-left-to-router')) continue;
        if (analysis.diagnostics.some((d) => d.message.startsWith('parse error'))) {
          workspace.skip({ code: 'file-does-not-parse', file, line: operation.line, reason: `${operation.className}.${operation.method}: the file does not parse; left as it is` });
          continue;
        }
        const key = operationKey(file, operation.className, operation.method);
        if (workspace.excluded(key)) continue;
        candidates.set(key, { file, operation });
      }
    }
    if (candidates.size === 0) return;
    const byName = keysByName(candidates.keys());

    // The router commits that follow a call of a candidate: they move into the operation.
    // Planned per operation: a router commit only goes once its operation commits itself.
    const routerEdits = new Map<string, { key: string; edit: TextEdit }[]>();
    const moved = new Set<string>();
    for (const file of workspace.files()) {
      const analysis = workspace.analysis(file);
      const commits = analysis.routerDbCalls.filter((call) => call.effect === 'commit');
      if (commits.length === 0) continue;
      const text = workspace.read(file);
      const source = parse(file, text);
      if (hasParseErrors(source)) continue;
      const edits: { key: string; edit: TextEdit }[] = [];
      const removed = new Set<number>();
      for (const site of serviceCallSites(source, file)) {
        const key = resolveCallSite(site, byName);
        if (!key) continue;
        const next = nextStatement(site.call);
        const commit = next && commitStatement(next, source, commits);
        if (!commit) continue;
        moved.add(key);
        const candidate = candidates.get(key)!;
        const route = analysis.routes.find((r) => r.handler.start <= site.call.getStart(source) && site.call.getEnd() <= r.handler.end)?.route;
        workspace.claim({ key, label: `${candidate.operation.className}.${candidate.operation.method}`, file, ...(route ? { route } : {}) });
        if (removed.has(commit.getStart(source))) continue;
        removed.add(commit.getStart(source));
        edits.push({ key, edit: removeStatement(text, commit.getStart(source), commit.getEnd()) });
      }
      if (edits.length > 0) routerEdits.set(file, edits);
    }

    const serviceEdits = new Map<string, TextEdit[]>();
    const planned = new Set<string>();
    for (const [key, { file, operation }] of candidates) {
      if (!moved.has(key)) {
        const who = `${operation.className}.${operation.method}`;
        const source = parse(file, workspace.read(file));
        const fn = operationFunction(source, operation);
        const outside = fn && handleHandedTo(fn, operation);
        if (outside) {
          workspace.skip({ code: 'commits-through-function', file, line: operation.line, reason: `${who} hands its DB handle to \`${outside}(…)\`, a function outside its class, which the analysis does not follow: if that commits, make it a private method of the class (or commit in ${operation.method}); nothing moved` });
        } else {
          workspace.skip({ code: 'no-router-commit-after-call', file, line: operation.line, reason: `${who} leaves its commit to its caller, but no router commits right after calling it; not moved (commit where the caller expects it)` });
        }
        continue;
      }
      const text = workspace.read(file);
      workspace.claim({ key, label: `${operation.className}.${operation.method}`, file, line: operation.line, className: operation.className!, member: operation.method });
      const edits = planCommits(workspace, file, text, operation);
      if (!edits) continue;
      planned.add(key);
      serviceEdits.set(file, [...(serviceEdits.get(file) ?? []), ...edits]);
    }
    for (const [file, edits] of serviceEdits) workspace.write(file, applyEdits(workspace.read(file), edits));
    for (const [file, edits] of routerEdits) {
      const kept = edits.filter((e) => planned.has(e.key)).map((e) => e.edit);
      if (kept.length > 0) workspace.write(file, applyEdits(workspace.read(file), kept));
    }
  },
};

/** `await db.commit();` as a statement, or undefined: a statement that is (or awaits) one of the router's commits. */
function commitStatement(statement: ts.Statement, source: ts.SourceFile, commits: readonly { start: number; end: number }[]): ts.ExpressionStatement | undefined {
  if (!ts.isExpressionStatement(statement)) return undefined;
  let expression = statement.expression;
  if (ts.isAwaitExpression(expression)) expression = expression.expression;
  if (!ts.isCallExpression(expression)) return undefined;
  const call = expression;
  return commits.some((c) => c.start === call.getStart(source) && c.end === call.getEnd()) ? statement : undefined;
}

/** The edits that make `operation` commit at the end of every path that wrote. */
function planCommits(workspace: Workspace, file: string, text: string, operation: Operation): TextEdit[] | undefined {
  const source = parse(file, text);
  const fn = operationFunction(source, operation);
  const who = `${operation.className}.${operation.method}`;
  const skip = (code: SkipCode, reason: string, line = operation.line) => {
    workspace.skip({ code, file, line, reason: `${who}: ${reason}` });
    return undefined;
  };
  if (!fn || !fn.body || !ts.isBlock(fn.body)) return skip('body-not-a-block', 'its body is an expression, so no commit can follow it; give it a block body');
  if (!fn.modifiers?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword)) return skip('not-async', 'it is not async, so it cannot await a commit; make it async (its callers await it already if it returns a promise)');
  const handle = handleOf(operation) ?? classHandle(workspace.analysis(file).classes.find((c) => c.name === operation.className));
  if (!handle) return skip('no-handle-to-commit', 'it writes only through helpers, and its class holds no DB handle (a constructor parameter or property such as ' + workspace.settings.dbHandles.join(' or ') + ') to commit on');

  const style = detectStyle(text);
  const commitLine = `await ${handle}.commit();`;
  const edits: TextEdit[] = [];
  let problem: string | undefined;
  forEachOwnNode(fn, (node) => {
    if (!ts.isReturnStatement(node) || node.getEnd() <= operation.firstWrite.start) return;
    const parent = node.parent;
    if (!ts.isBlock(parent) && !ts.isCaseClause(parent) && !ts.isDefaultClause(parent)) {
      problem ??= `the return on line ${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1} is not in a block, so the commit cannot go right before it; put braces around it`;
      return;
    }
    const start = node.getStart(source);
    const indent = indentAt(text, start);
    const lineStart = insertionPoint(text, node, source);
    if (!node.expression || isPlainRead(node.expression)) {
      edits.push({ start: lineStart, end: lineStart, text: render([commitLine], indent, style) + style.eol });
      return;
    }
    // The value is computed before the commit (it may write), then returned.
    const name = freshName(fn, 'result', source);
    const expression = node.expression.getText(source);
    const awaited = ts.isAwaitExpression(node.expression) ? expression : `await ${expression}`;
    edits.push({
      start,
      end: node.getEnd(),
      text: `const ${name} = ${awaited}${style.semicolons ? ';' : ''}${style.eol}${render([commitLine, `return ${name};`], indent, style)}`,
    });
  });
  if (problem) return skip('return-not-in-block', problem);
  const statements = fn.body.statements;
  const last = statements[statements.length - 1];
  if (last && !ts.isReturnStatement(last) && !ts.isThrowStatement(last)) {
    const indent = indentAt(text, last.getStart(source));
    edits.push({ start: last.getEnd(), end: last.getEnd(), text: style.eol + render([commitLine], indent, style) });
  }
  return edits;
}

/** `this.db` when the operation's class holds a DB handle (for operations that write only through helpers). */
function classHandle(facts: ClassFacts | undefined): string | undefined {
  const held = facts?.dbHandleProperties?.[0];
  return held === undefined ? undefined : `this.${held}`;
}
