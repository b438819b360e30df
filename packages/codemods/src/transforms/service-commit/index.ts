import ts from 'typescript';
import type { Operation } from 'outbox-analysis';
import type { Transform, Workspace } from '../../engine/types.js';
import { applyEdits, detectStyle, indentAt, removeStatement, render, type TextEdit } from '../shared/edits.js';
import { keysByName, nextStatement, operationKey, resolveCallSite, serviceCallSites } from '../shared/call-sites.js';
import { classOf, commitCalls, insertionPoint, forEachOwnNode, freshName, hasParseErrors, isDbHandle, isPlainRead, operationFunction, parse, writeHandle } from '../shared/source.js';

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
          workspace.skip({ file, line: operation.line, reason: `${operation.className}.${operation.method}: the file does not parse; left as it is` });
          continue;
        }
        candidates.set(operationKey(file, operation.className, operation.method), { file, operation });
      }
    }
    if (candidates.size === 0) return;
    const byName = keysByName(candidates.keys());

    // The router commits that follow a call of a candidate: they move into the operation.
    const routerEdits = new Map<string, TextEdit[]>();
    const moved = new Set<string>();
    for (const file of workspace.files()) {
      const analysis = workspace.analysis(file);
      const commits = analysis.routerDbCalls.filter((call) => call.call === 'commit');
      if (commits.length === 0) continue;
      const text = workspace.read(file);
      const source = parse(file, text);
      if (hasParseErrors(source)) continue;
      const edits: TextEdit[] = [];
      const removed = new Set<number>();
      for (const site of serviceCallSites(source, file)) {
        const key = resolveCallSite(site, byName);
        if (!key) continue;
        const next = nextStatement(site.call);
        const commit = next && commitStatement(next, workspace);
        if (!commit || !commits.some((c) => c.start === commit.expression.getStart(source) || c.start === (commit.expression as ts.AwaitExpression).expression?.getStart(source))) continue;
        moved.add(key);
        if (removed.has(commit.getStart(source))) continue;
        removed.add(commit.getStart(source));
        edits.push(removeStatement(text, commit.getStart(source), commit.getEnd()));
      }
      if (edits.length > 0) routerEdits.set(file, edits);
    }

    const serviceEdits = new Map<string, TextEdit[]>();
    for (const [key, { file, operation }] of candidates) {
      if (!moved.has(key)) {
        workspace.skip({ file, line: operation.line, reason: `${operation.className}.${operation.method} leaves its commit to its caller, but no router commits right after calling it; not moved (commit where the caller expects it)` });
        continue;
      }
      const text = workspace.read(file);
      const edits = planCommits(workspace, file, text, operation);
      if (!edits) continue;
      serviceEdits.set(file, [...(serviceEdits.get(file) ?? []), ...edits]);
    }
    for (const [file, edits] of serviceEdits) workspace.write(file, applyEdits(workspace.read(file), edits));
    for (const [file, edits] of routerEdits) workspace.write(file, applyEdits(workspace.read(file), edits));
  },
};

/** `await db.commit();` as a statement, or undefined. */
function commitStatement(statement: ts.Statement, workspace: Workspace): ts.ExpressionStatement | undefined {
  if (!ts.isExpressionStatement(statement)) return undefined;
  let expression = statement.expression;
  if (ts.isAwaitExpression(expression)) expression = expression.expression;
  if (!ts.isCallExpression(expression) || !ts.isPropertyAccessExpression(expression.expression)) return undefined;
  const { settings } = workspace;
  return settings.commitCalls.includes(expression.expression.name.text) && isDbHandle(expression.expression.expression, settings) ? statement : undefined;
}

/** The edits that make `operation` commit at the end of every path that wrote. */
function planCommits(workspace: Workspace, file: string, text: string, operation: Operation): TextEdit[] | undefined {
  const source = parse(file, text);
  const fn = operationFunction(source, operation);
  const who = `${operation.className}.${operation.method}`;
  const skip = (reason: string, line = operation.line) => {
    workspace.skip({ file, line, reason: `${who}: ${reason}` });
    return undefined;
  };
  if (!fn || !fn.body || !ts.isBlock(fn.body)) return skip('its body is not a block; add the commit by hand');
  if (!fn.modifiers?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword)) return skip('it is not async; add the commit by hand');
  if (commitCalls(fn, workspace.settings).length > 0) return skip('it already commits on some path; finish it by hand');
  const handle = writeHandle(fn, workspace.settings, source) ?? classHandle(fn, workspace);
  if (!handle) return skip('no DB handle of its own to commit on');

  const style = detectStyle(text);
  const commitLine = `await ${handle}.commit();`;
  const edits: TextEdit[] = [];
  let problem: string | undefined;
  forEachOwnNode(fn, (node) => {
    if (!ts.isReturnStatement(node) || node.getEnd() <= operation.firstWrite.start) return;
    const parent = node.parent;
    if (!ts.isBlock(parent) && !ts.isCaseClause(parent) && !ts.isDefaultClause(parent)) {
      problem ??= `the return on line ${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1} is not in a block`;
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
  if (problem) return skip(problem);
  const statements = fn.body.statements;
  const last = statements[statements.length - 1];
  if (last && !ts.isReturnStatement(last) && !ts.isThrowStatement(last)) {
    const indent = indentAt(text, last.getStart(source));
    edits.push({ start: last.getEnd(), end: last.getEnd(), text: style.eol + render([commitLine], indent, style) });
  }
  return edits;
}

/** `this.db` when the operation's class holds a DB handle (for operations that write only through helpers). */
function classHandle(fn: ts.FunctionLikeDeclaration, workspace: Workspace): string | undefined {
  const cls = classOf(fn);
  if (!cls) return undefined;
  for (const member of cls.members) {
    if (ts.isConstructorDeclaration(member)) {
      for (const parameter of member.parameters) {
        if (ts.isIdentifier(parameter.name) && parameter.modifiers?.length && workspace.settings.dbHandles.includes(parameter.name.text)) return `this.${parameter.name.text}`;
      }
    } else if (ts.isPropertyDeclaration(member) && ts.isIdentifier(member.name) && workspace.settings.dbHandles.includes(member.name.text)) {
      return `this.${member.name.text}`;
    }
  }
  return undefined;
}
