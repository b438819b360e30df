import ts from 'typescript';
import type { Operation, OutboxSettings } from 'eslint-plugin-outbox/analysis';
import { snakeCase } from './edits.js';
import { classOf, commitCalls, enclosingStatement, isPlainRead, writeHandle } from './source.js';

/**
 * What generated code needs to know about one operation: the names of its identifying parameters, the value it
 * returns at a commit, the handle it writes through. Shared by inject-outbox and inject-idempotency.
 */

/** Parameters that identify what the operation acts on: `partnerId`, `organizationId`, `id`. */
export function idParams(fn: ts.FunctionLikeDeclaration): string[] {
  return fn.parameters
    .map((parameter) => (ts.isIdentifier(parameter.name) ? parameter.name.text : ''))
    .filter((name) => name === 'id' || /[a-z]Id$/.test(name));
}

/** Results that carry credentials never go into an event payload or log. */
const SECRET = /token|password|secret|otp|code|credential/i;

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

/** `PartnerService` → `partner`; `RBACService` → `rbac`; a router handler → its module. */
export function aggregateTypeOf(operation: Operation): string {
  const base = (operation.className ?? operation.module).replace(/Service$/, '') || operation.module;
  return snakeCase(base);
}

/** `<module>.<operation>` in snake case: `partners.create_partner`. */
export function eventTypeOf(operation: Operation): string {
  return `${operation.module}.${snakeCase(operation.method)}`;
}

/** The `await <handle>.commit();` statements of the operation's own body, in source order. */
export function commitStatements(fn: ts.FunctionLikeDeclaration, settings: OutboxSettings): { call: ts.CallExpression; statement: ts.Statement | undefined; handle: string }[] {
  return commitCalls(fn, settings).map((call) => {
    const statement = enclosingStatement(call);
    const isCommit = (s: ts.Statement): boolean =>
      ts.isExpressionStatement(s) && (s.expression === call || (ts.isAwaitExpression(s.expression) && s.expression.expression === call));
    // `if (!dryRun) await db.commit();`: code that must run before the commit goes before the if.
    const standalone = statement && (isCommit(statement) || (ts.isIfStatement(statement) && !statement.elseStatement && isCommit(statement.thenStatement)));
    return { call, statement: standalone ? statement : undefined, handle: receiverText(call) };
  });
}

/** Calls `this.<helper>(…)` whose helper (a non-public member of the class) commits. */
export function committingHelperCalls(fn: ts.FunctionLikeDeclaration, settings: OutboxSettings): ts.CallExpression[] {
  const cls = classOf(fn);
  if (!cls) return [];
  const committing = new Set<string>();
  for (const member of cls.members) {
    if (ts.isMethodDeclaration(member) && ts.isIdentifier(member.name) && member !== fn && commitCalls(member, settings).length > 0) committing.add(member.name.text);
  }
  const out: ts.CallExpression[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.expression.kind === ts.SyntaxKind.ThisKeyword && committing.has(node.expression.name.text)) out.push(node);
    if (node !== fn && (ts.isArrowFunction(node) || ts.isFunctionExpression(node))) return;
    ts.forEachChild(node, visit);
  };
  if (fn.body) visit(fn.body);
  return out;
}

/** The handle an operation writes through, as text (`this.db`, or a local `db` from a session factory). */
export function handleOf(fn: ts.FunctionLikeDeclaration, settings: OutboxSettings, source: ts.SourceFile): string | undefined {
  return writeHandle(fn, settings, source);
}

function receiverText(call: ts.CallExpression): string {
  const callee = call.expression;
  return ts.isPropertyAccessExpression(callee) ? callee.expression.getText() : 'this.db';
}
