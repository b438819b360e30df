import ts from 'typescript';
import type { FileAnalysis, Operation } from 'outbox-analysis';
import type { SkipCode } from '../../engine/skips.js';
import type { Transform, Workspace } from '../../engine/types.js';
import { applyEdits, detectStyle, indentAt, lineStartOf, type TextEdit } from '../shared/edits.js';
import { operationKey } from '../shared/call-sites.js';
import { freshName, hasParseErrors, nodeAt, operationFunction, parse, rethrows } from '../shared/source.js';

/**
 * wrap-transaction: an operation whose writes each commit by themselves (`this.prisma.user.update(…)` outside any
 * transaction) has nothing an outbox event or an idempotency key could commit with. On a stack whose preset says how
 * to open a callback transaction whose handle is a drop-in for the client (Prisma's `$transaction(async (tx) => …)`,
 * Knex's `transaction(async (trx) => …)`, Drizzle's, Kysely's `transaction().execute(…)`, TypeORM's
 * `repo.manager.transaction(async (manager) => …)` with `manager.withRepository(repo)`), the operation's code from
 * its first use of that client to its end moves into such a callback, made on the callback's handle; inject-outbox and
 * inject-idempotency then place the event and the key inside it. Which writes commit by themselves, on which handle,
 * and how a transaction is opened on it are facts of the analysis (`Operation.autocommits[].wrapIn`).
 */
export const wrapTransaction: Transform = {
  name: 'wrap-transaction',
  summary: 'put the writes of an operation that commit one by one (ORM calls outside a transaction) in one transaction of the stack',
  run(workspace) {
    for (const file of workspace.files()) {
      const analysis = workspace.analysis(file);
      if (analysis.role !== 'service' || analysis.operations.length === 0) continue;
      const text = workspace.read(file);
      const edits = planFile(workspace, analysis, text);
      if (edits.length > 0) workspace.write(file, applyEdits(text, edits));
    }
  },
};

/** Operations that lack an event or a key, and whose only obstacle to one is writes that commit by themselves. */
function wanted(operation: Operation): boolean {
  if (operation.kind !== 'service' || !operation.className) return false;
  if ((operation.autocommits ?? []).length === 0) return false;
  if ((operation.commits ?? []).length > 0 || (operation.begins ?? []).length > 0) return false;
  return operation.missing.some((missing) => missing.flag === 'event' || missing.flag === 'idempotency' || missing.flag === 'outbox');
}

function planFile(workspace: Workspace, analysis: FileAnalysis, text: string): TextEdit[] {
  const file = analysis.file;
  const candidates = analysis.operations.filter(wanted);
  if (candidates.length === 0) return [];
  const source = parse(file, text);
  if (hasParseErrors(source)) return [];
  const edits: TextEdit[] = [];
  for (const operation of candidates) {
    const who = `${operation.className}.${operation.method}`;
    const key = operationKey(file, operation.className!, operation.method);
    if (workspace.excluded(key)) continue;
    const skip = (code: SkipCode, reason: string, line = operation.line): void => workspace.skip({ code, file, line, reason: `${who}: ${reason}` });
    const fn = operationFunction(source, operation);
    if (!fn) continue;
    const planned = planOperation(fn, operation, source, text);
    if ('code' in planned) {
      if (planned.code !== 'nothing') skip(planned.code, planned.reason, planned.line);
      continue;
    }
    workspace.claim({ key, label: who, file, line: operation.line, className: operation.className!, member: operation.method });
    edits.push(planned.edit);
  }
  return edits;
}

type Planned = { edit: TextEdit } | { code: SkipCode | 'nothing'; reason: string; line?: number };

function lineOf(source: ts.SourceFile, offset: number): number {
  return source.getLineAndCharacterOfPosition(offset).line + 1;
}

/** True when `node` lies in `fn` itself, not in a function declared inside it. */
function within(fn: ts.Node, node: ts.Node): boolean {
  for (let current: ts.Node | undefined = node; current; current = current.parent) if (current === fn) return true;
  return false;
}

function planOperation(fn: ts.FunctionLikeDeclaration, operation: Operation, source: ts.SourceFile, text: string): Planned {
  const body = fn.body;
  if (!body || !ts.isBlock(body)) return { code: 'body-not-a-block', reason: 'its body is an expression, so its writes cannot be moved into a transaction; give it a block body' };
  if (fn.asteriskToken) return { code: 'nothing', reason: '' };
  const autocommits = operation.autocommits ?? [];
  const located = autocommits.map((write) => ({ write, node: nodeAt(source, write.start, write.end) }));
  // A write made by a helper would stay outside the transaction the operation's own code moves into.
  const outside = located.find(({ node }) => !node || !within(fn, node));
  if (outside) {
    return { code: 'wrap-helper-writes', reason: `a write that commits by itself is made by a helper it calls (line ${outside.write.line}), which would stay outside the transaction; move that write into the operation or give the helper the transaction's handle`, line: outside.write.line };
  }
  const viaHelper = operation.helperAutocommits[0];
  if (viaHelper) {
    return { code: 'wrap-helper-writes', reason: `its helper \`${viaHelper.helper}\` (called on line ${viaHelper.line}) makes a write that commits by itself, which would stay outside the transaction; give the helper the transaction's handle as a parameter, or move its write into the operation`, line: viaHelper.line };
  }
  const how = located.map(({ write }) => write.wrapIn);
  if (how.some((w) => w === undefined)) {
    const first = located.find(({ write }) => !write.wrapIn)!.write;
    return { code: 'nothing', reason: `line ${first.line}` };
  }
  // One transaction for every handle written through: one handle, or handles the analysis says share one (TypeORM's
  // repositories of the data source), opened on a manager among them when there is one.
  const byHandle = new Map(how.map((w) => [w!.handle, w!]));
  const shares = how[0]!.shares;
  if (byHandle.size > 1 && (shares === undefined || how.some((w) => w!.shares !== shares))) {
    return { code: 'wrap-mixed-handles', reason: `its writes commit by themselves on different clients (${[...byHandle.keys()].map((h) => `\`${h}\``).join(', ')}), which one transaction cannot span; keep one client per operation` };
  }
  const wrap = [...byHandle.values()].find((w) => w.use === undefined) ?? how[0]!;

  // The region: from the body's first statement that uses the client or reads state some other way (`await
  // this.findOne(id)`: a read that guards a write belongs in the transaction, and the key is claimed before it) to the
  // end of the body.
  const uses = outermost([...byHandle.keys()].flatMap((handle) => handleUses(body, handle, source)), source);
  const firstUse = uses[0] ?? located[0]!.node!;
  // Where every use of the client lies in the `try` block of one statement of the body whose catch answers instead
  // of rethrowing (`try { return E.right(await this.prisma.x.update(…)) } catch { return E.left(NOT_FOUND) }`), the
  // transaction goes inside that block and is awaited there: a failed write rolls it back and its error still reaches
  // the catch, which answers as before.
  const guarded = tryAroundAll(body, uses, source);
  const container = guarded?.tryBlock ?? body;
  const bodyStart = container.getStart(source);
  const firstRead = operation.stateReads.find((read) => read.start > bodyStart && read.end <= container.getEnd());
  const from = Math.min(firstUse.getStart(source), firstRead?.start ?? Number.POSITIVE_INFINITY);
  const statements = container.statements;
  const startIndex = statements.findIndex((statement) => statement.getStart(source) <= from && from < statement.getEnd());
  if (startIndex < 0) return { code: 'nothing', reason: '' };
  const region = statements.slice(startIndex);
  const regionStart = region[0]!.getStart(source);
  const regionEnd = region[region.length - 1]!.getEnd();

  // Every use of the client in the region must be a call made on it (`this.prisma.user…`, `this.knex('t')`): handed
  // to a function or stored, it would keep committing by itself.
  const escaping = uses.find((use) => use.getStart(source) >= regionStart && !madeOn(use));
  if (escaping) {
    return { code: 'wrap-handle-escapes', reason: `it hands \`${escaping.getText(source)}\` on (line ${lineOf(source, escaping.getStart(source))}) instead of calling it, so what it does there would not join the transaction; call the client in the operation, or give that code the transaction's handle`, line: lineOf(source, escaping.getStart(source)) };
  }
  // PostgreSQL aborts a transaction at its first failed statement: code that catches a DB error and goes on (a
  // `try`/`catch` around a write, `.catch(…)` on a query) would then fail on its next statement, and at the commit.
  const caught = uses.find((use) => use.getStart(source) >= regionStart && caughtWithin(use, container));
  if (caught) {
    const line = lineOf(source, caught.getStart(source));
    return { code: 'wrap-catches-db-error', reason: `it catches the error of a DB call (line ${line}) and goes on; in one transaction the first failed statement aborts it, so nothing after it could run or commit; check before writing (a lookup) instead of catching, or let the error propagate`, line };
  }
  const returns = ownReturns(fn).filter((ret) => ret.getStart(source) >= regionStart && ret.getEnd() <= regionEnd);
  const isAsync = fn.modifiers?.some((modifier) => modifier.kind === ts.SyntaxKind.AsyncKeyword) ?? false;
  if (returns.length === 0 && !isAsync) {
    return { code: 'not-async', reason: 'it is not async and returns nothing, so it cannot wait for a transaction; make it async' };
  }

  const param = freshName(fn, wrap.param, source);
  const style = detectStyle(text);
  const indent = indentAt(text, regionStart);
  const inner = indent + style.indentUnit;
  // The region's own text, its uses of the client made on the transaction's handle, one level deeper.
  const lineStart = lineStartOf(text, regionStart);
  const replacements: TextEdit[] = uses
    .filter((use) => use.getStart(source) >= regionStart)
    .map((use) => {
      const own = byHandle.get(use.getText(source))!;
      return { start: use.getStart(source) - lineStart, end: use.getEnd() - lineStart, text: own.use ? `${param}.${own.use}(${own.handle})` : param };
    });
  // Lines that continue a multi-line template literal are its text: they keep their indentation.
  const verbatim = templateContinuationLines(region, source, lineOf(source, lineStart));
  const moved = applyEdits(text.slice(lineStart, regionEnd), replacements)
    .split(/\r?\n/)
    .map((line, index) => (verbatim.has(index) ? line : line.trim() === '' ? '' : inner + (line.startsWith(indent) ? line.slice(indent.length) : line.trimStart())))
    .join(style.eol);
  const semi = style.semicolons ? ';' : '';
  const opening = `${returns.length > 0 ? (guarded ? 'return await' : 'return') : 'await'} ${wrap.handle}.${wrap.open}(async (${param}) => {`;
  return { edit: { start: lineStart, end: regionEnd, text: `${indent}${opening}${style.eol}${moved}${style.eol}${indent}})${semi}` } };
}

/** The client's expressions in `node`, outermost only (`this.prisma` of `this.prisma.user.update`), in source order. */
function handleUses(node: ts.Node, handle: string, source: ts.SourceFile): ts.Expression[] {
  const found: ts.Expression[] = [];
  const visit = (child: ts.Node): void => {
    if ((ts.isIdentifier(child) || ts.isPropertyAccessExpression(child)) && child.getText(source) === handle && !isNameOfAccess(child)) {
      found.push(child);
      return;
    }
    ts.forEachChild(child, visit);
  };
  ts.forEachChild(node, visit);
  return found;
}

/**
 * The statement of the body that is a `try` with a catch that does not rethrow, holding every use of the client in
 * its `try` block (none in its catch or finally), when there is one.
 */
function tryAroundAll(body: ts.Block, uses: readonly ts.Expression[], source: ts.SourceFile): ts.TryStatement | undefined {
  if (uses.length === 0) return undefined;
  const statement = body.statements.find((st) => st.getStart(source) <= uses[0]!.getStart(source) && uses[0]!.getEnd() <= st.getEnd());
  if (!statement || !ts.isTryStatement(statement) || !statement.catchClause || rethrows(statement.catchClause.block)) return undefined;
  const block = statement.tryBlock;
  return uses.every((use) => block.getStart(source) <= use.getStart(source) && use.getEnd() <= block.getEnd()) ? statement : undefined;
}

/** Uses in source order, without those inside another (`this.dataSource` of a `this.dataSource.manager` use). */
function outermost(uses: ts.Expression[], source: ts.SourceFile): ts.Expression[] {
  const sorted = [...uses].sort((a, b) => a.getStart(source) - b.getStart(source) || b.getEnd() - a.getEnd());
  const kept: ts.Expression[] = [];
  for (const use of sorted) {
    const last = kept[kept.length - 1];
    if (last && use.getStart(source) < last.getEnd()) continue;
    kept.push(use);
  }
  return kept;
}

/** Is the use inside the `try` block of a statement with a `catch`, or inside a promise chain ended by `.catch(…)`? */
function caughtWithin(use: ts.Node, stop: ts.Node): boolean {
  for (let node: ts.Node = use; node !== stop && node.parent; node = node.parent) {
    const parent: ts.Node = node.parent;
    if (ts.isTryStatement(parent) && parent.tryBlock === node && parent.catchClause && !rethrows(parent.catchClause.block)) return true;
    if (ts.isPropertyAccessExpression(parent) && parent.expression === node && parent.name.text === 'catch' && ts.isCallExpression(parent.parent)) return true;
  }
  return false;
}

/** `x` in `a.x`: a property name, not a use. */
function isNameOfAccess(node: ts.Node): boolean {
  return ts.isIdentifier(node) && node.parent !== undefined && ts.isPropertyAccessExpression(node.parent) && node.parent.name === node;
}

/** A call made on the client: `h.user.create(…)`, `h.$executeRaw\`…\``, `h('items')…`, `h.insert(t)…`. */
function madeOn(use: ts.Expression): boolean {
  const parent = use.parent;
  if (ts.isPropertyAccessExpression(parent) && parent.expression === use) return true;
  if (ts.isCallExpression(parent) && parent.expression === use) return true;
  return false;
}

/** Indexes (from `firstLine`) of the lines that begin inside a template literal of `nodes`. */
function templateContinuationLines(nodes: readonly ts.Node[], source: ts.SourceFile, firstLine: number): Set<number> {
  const lines = new Set<number>();
  const visit = (node: ts.Node): void => {
    if (ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateExpression(node)) {
      const from = lineOf(source, node.getStart(source));
      const to = lineOf(source, node.getEnd());
      for (let line = from + 1; line <= to; line++) lines.add(line - firstLine);
    }
    ts.forEachChild(node, visit);
  };
  for (const node of nodes) visit(node);
  return lines;
}

/** The function's own return statements (not those of functions inside it). */
function ownReturns(fn: ts.FunctionLikeDeclaration): ts.ReturnStatement[] {
  const found: ts.ReturnStatement[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && node !== fn) return;
    if (ts.isReturnStatement(node)) found.push(node);
    ts.forEachChild(node, visit);
  };
  if (fn.body) ts.forEachChild(fn.body, visit);
  return found;
}

