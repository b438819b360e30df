import type TS from 'typescript';
import type { MissingFlag, Operation, OperationWarning, SourceSpan } from './types.js';
import type { OutboxSettings } from './settings.js';
import type { CallFacts, CheckStyle, FileModel, FunctionUnit } from './model.js';
import { FlowWalker, type FlowContext, type Summary, type Violation, type Violations } from './flow.js';
import { lineOf, spanOf, spanOfRange } from './spans.js';
import ts from './typescript.js';
import { formatMessage, type MessageData, type MessageId } from './catalogue.js';

/** A message of the catalogue with its data, and the sentence they make. */
function said(messageId: MessageId, data: MessageData): { messageId: MessageId; data: MessageData; message: string } {
  return { messageId, data, message: formatMessage(messageId, data) };
}

/** What a unit does at all, same-class helpers included, on any path (nested callbacks count). */
interface UnitFacts {
  write: boolean;
  commit: boolean;
  event: boolean;
  /** It publishes on a bus, a queue or a broker. */
  publish: boolean;
  checks: Set<CheckStyle>;
}

const NOTHING: UnitFacts = { write: false, commit: false, event: false, publish: false, checks: new Set() };

/**
 * Decides which units are operations and computes their four flags. One instance per file: helper facts and
 * summaries are computed once and shared by every operation of the class.
 */
export class OperationAnalyzer {
  private readonly facts = new Map<FunctionUnit, UnitFacts>();
  private readonly summaries = new Map<FunctionUnit, Summary>();
  private readonly nestedSummaries = new Map<TS.Node, Summary>();
  private readonly inProgress = new Set<FunctionUnit>();
  private readonly contexts = new Map<FunctionUnit, FlowContext>();
  private readonly sourceFile: TS.SourceFile;
  private readonly settings: OutboxSettings;

  constructor(
    private readonly model: FileModel,
    private readonly file: string,
    private readonly module: string,
  ) {
    this.sourceFile = model.sourceFile;
    this.settings = model.settings;
  }

  operations(): Operation[] {
    const operations: Operation[] = [];
    const fileRole = this.model.role;
    // A class's decorators may give it a role of its own (`@Controller` in any file, `@Injectable` in a controller file).
    const owners = [...this.model.classes.filter((cls) => (cls.role ?? fileRole) === 'service')];
    if (fileRole === 'service') owners.push(this.model.moduleUnits);
    for (const owner of owners) {
      for (const unit of owner.members.values()) {
        if (unit.kind === 'method' && unit.isPublic && this.unitFacts(unit).write) operations.push(this.operation(unit));
      }
    }
    for (const unit of this.model.routes) {
      if (this.unitFacts(unit).write) operations.push(this.operation(unit));
    }
    return operations.sort((a, b) => a.span.start - b.span.start);
  }

  // ---- facts and summaries -----------------------------------------------------------------------------------------

  private helperOf(unit: FunctionUnit, name: string): FunctionUnit | undefined {
    const owner = unit.owner;
    return owner && owner.helpers.has(name) ? owner.members.get(name) : undefined;
  }

  private unitFacts(unit: FunctionUnit): UnitFacts {
    const known = this.facts.get(unit);
    if (known) return known;
    // A recursive helper contributes nothing more than what is already being collected.
    this.facts.set(unit, NOTHING);
    const facts: UnitFacts = { write: false, commit: unit.commitsAtExit === true, event: false, publish: false, checks: new Set() };
    for (const effect of unit.effects) {
      const helper = effect.helper !== undefined ? this.helperOf(unit, effect.helper) : undefined;
      const inner = helper ? this.unitFacts(helper) : NOTHING;
      facts.write ||= effect.write || inner.write;
      facts.commit ||= effect.commit || inner.commit;
      facts.event ||= effect.event || inner.event;
      facts.publish ||= effect.publish === true || inner.publish;
      if (effect.check) facts.checks.add(effect.check);
      for (const style of inner.checks) facts.checks.add(style);
    }
    this.facts.set(unit, facts);
    return facts;
  }

  private contextOf(unit: FunctionUnit): FlowContext {
    let context = this.contexts.get(unit);
    if (!context) {
      context = {
        model: this.model,
        settings: this.settings,
        unit,
        summaryOfHelper: (caller, name) => this.summaryOfHelper(caller, name),
        summaryOfNested: (owner, fn) => this.summaryOfNested(owner, fn),
        hasCheckIn: (owner, node) => this.hasCheckIn(owner, node),
      };
      this.contexts.set(unit, context);
    }
    return context;
  }

  /** Does the same-class helper `name` (or a helper it calls) make a write that commits by itself? */
  private autocommitsWithin(caller: FunctionUnit, name: string, seen: Set<FunctionUnit>): boolean {
    const helper = this.helperOf(caller, name);
    if (!helper || seen.has(helper)) return false;
    seen.add(helper);
    return helper.effects.some((effect) => (effect.commit && effect.write) || (effect.helper !== undefined && this.autocommitsWithin(helper, effect.helper, seen)));
  }

  /**
   * Does the same-class helper `name` (or a helper it calls) commit a transaction: a commit, a scope, a method run in a
   * transaction that commits when it returns? A write that commits by itself is not one (see autocommitsWithin).
   */
  private commitsWithin(caller: FunctionUnit, name: string, seen: Set<FunctionUnit>): boolean {
    const helper = this.helperOf(caller, name);
    if (!helper || seen.has(helper)) return false;
    seen.add(helper);
    if (helper.commitsAtExit) return true;
    return helper.effects.some((effect) => (effect.commit && !effect.write) || (effect.helper !== undefined && this.commitsWithin(helper, effect.helper, seen)));
  }

  /** The handle the first commit of the same-class helper `name` (or of a helper it calls) runs on, as written there. */
  private commitHandleWithin(caller: FunctionUnit, name: string, seen: Set<FunctionUnit>): string | undefined {
    const helper = this.helperOf(caller, name);
    if (!helper || seen.has(helper)) return undefined;
    seen.add(helper);
    for (const effect of helper.effects) {
      if (effect.commit && !effect.write && effect.handle !== undefined) return effect.handle;
      const inner = effect.helper !== undefined ? this.commitHandleWithin(helper, effect.helper, seen) : undefined;
      if (inner !== undefined) return inner;
    }
    return undefined;
  }

  private summaryOfHelper(caller: FunctionUnit, name: string): Summary | undefined {
    const helper = this.helperOf(caller, name);
    if (!helper) return undefined;
    const known = this.summaries.get(helper);
    if (known) return known;
    // Recursion: the inner call is taken to change nothing; the outer walk accounts for the helper's effects.
    if (this.inProgress.has(helper)) return { exits: [{ bits: 0 }] };
    this.inProgress.add(helper);
    const summary = new FlowWalker(this.contextOf(helper), undefined).run(helper.fn);
    this.inProgress.delete(helper);
    this.summaries.set(helper, summary);
    return summary;
  }

  private summaryOfNested(owner: FunctionUnit, fn: TS.FunctionLikeDeclaration): Summary {
    let summary = this.nestedSummaries.get(fn);
    if (!summary) {
      summary = new FlowWalker(this.contextOf(owner), undefined).run(fn);
      this.nestedSummaries.set(fn, summary);
    }
    return summary;
  }

  private isCheckEffect(unit: FunctionUnit, effect: CallFacts): boolean {
    if (effect.check) return true;
    const helper = effect.helper !== undefined ? this.helperOf(unit, effect.helper) : undefined;
    return helper !== undefined && this.unitFacts(helper).checks.size > 0;
  }

  private isWriteEffect(unit: FunctionUnit, effect: CallFacts): boolean {
    if (effect.write) return true;
    const helper = effect.helper !== undefined ? this.helperOf(unit, effect.helper) : undefined;
    return helper !== undefined && this.unitFacts(helper).write;
  }

  private hasCheckIn(unit: FunctionUnit, node: TS.Node): boolean {
    return unit.effects.some((effect) => effect.node.pos >= node.pos && effect.node.end <= node.end && this.isCheckEffect(unit, effect));
  }

  // ---- one operation -------------------------------------------------------------------------------------------------

  private operation(unit: FunctionUnit): Operation {
    const sourceFile = this.sourceFile;
    const facts = this.unitFacts(unit);
    const isRoute = unit.kind === 'route';
    const className = unit.owner?.isModule ? undefined : unit.owner?.facts.name;
    const who = isRoute || className === undefined ? unit.name : `${className}.${unit.name}`;
    const nameSpan = spanOf(unit.nameNode, sourceFile);
    const where = unit.routeCall ? spanOf(unit.routeCall, sourceFile) : nameSpan;
    const wholeNode = unit.holder ?? unit.fn;
    const firstWriteEffect = unit.effects.find((effect) => this.isWriteEffect(unit, effect));
    const firstWrite = firstWriteEffect ? spanOf(firstWriteEffect.node, sourceFile) : nameSpan;
    const firstCheckEffect = unit.effects.find((effect) => this.isCheckEffect(unit, effect));

    // The path walk is only needed for the facts that depend on order; an operation with no event and no check
    // (most legacy ones) is decided by what it contains.
    const violations: Violations = { commitWithoutEvent: [], eventAfterCommit: [], writeBeforeCheck: [], exitWithoutEvent: [] };
    if (facts.event || (facts.checks.size > 0 && unit.takesKey)) {
      // A method that commits when it returns (`@Transactional()`) needs its event on every path, like one that
      // never commits.
      new FlowWalker(this.contextOf(unit), violations, !facts.commit || unit.commitsAtExit === true).run(unit.fn);
    }
    const missing: MissingFlag[] = [];

    // An ORM service writes its outbox entity or table through the handle it already has: that is holding an outbox.
    const outbox = !isRoute && (unit.owner!.holdsOutbox || facts.event);
    if (!outbox) {
      missing.push({
        flag: 'outbox',
        reason: 'no-outbox-repository',
        ...(isRoute
          ? said('noOutboxRepositoryInRouter', { who })
          : className === undefined
            ? said('noOutboxInFile', { who })
            : said('noOutboxRepository', { className, method: unit.name })),
        at: nameSpan,
      });
    }

    const eventMissing = this.eventFinding(who, facts, violations, nameSpan);
    if (eventMissing) missing.push(eventMissing);

    const idempotencyMissing = this.idempotencyFinding(who, unit, facts, violations, nameSpan, firstWrite, firstCheckEffect);
    if (idempotencyMissing) missing.push(idempotencyMissing);

    const commit = !isRoute && facts.commit;
    if (!commit) {
      missing.push({
        flag: 'commit',
        reason: 'commit-left-to-router',
        ...said(isRoute ? (facts.commit ? 'commitInRouterHandler' : 'nothingCommits') : 'commitLeftToRouter', { who }),
        at: nameSpan,
      });
    }

    const warnings: OperationWarning[] = [];
    const redisCheck = unit.effects.find((effect) => effect.check === 'redis') ?? (facts.checks.has('redis') ? firstCheckEffect : undefined);
    if (redisCheck) {
      warnings.push({
        kind: 'racy-redis-idempotency',
        ...said('racyRedisIdempotency', {}),
        at: spanOf(redisCheck.node, sourceFile),
      });
    }

    const flags = {
      outbox,
      idempotency: !missing.some((entry) => entry.flag === 'idempotency'),
      event: !missing.some((entry) => entry.flag === 'event'),
      commit,
    };
    return {
      module: this.module,
      kind: isRoute ? 'router' : 'service',
      ...(className !== undefined && !isRoute ? { className } : {}),
      method: unit.name,
      file: this.file,
      line: where.line,
      column: where.column,
      nameSpan,
      span: spanOf(wholeNode, sourceFile),
      ...flags,
      compliant: flags.outbox && flags.idempotency && flags.event && flags.commit,
      ...(facts.checks.size > 0 ? { idempotencyStyle: facts.checks.has('store') ? 'store' : 'redis' } : {}),
      missing,
      warnings,
      firstWrite,
      ...(firstWriteEffect?.handle !== undefined ? { writeHandle: firstWriteEffect.handle } : {}),
      writes: unit.effects.filter((effect) => effect.write).map((effect) => spanOf(effect.node, sourceFile)),
      commits: unit.effects
        .filter((effect) => effect.commit && !effect.write)
        .map((effect) => ({ ...spanOf(effect.node, sourceFile), ...(effect.handle !== undefined ? { handle: effect.handle } : {}), ...(effect.scope ? { scope: true as const } : {}), ...(effect.transactionHandle !== undefined ? { transactionHandle: effect.transactionHandle } : {}), ...(effect.rollback !== undefined ? { rollback: effect.rollback } : {}) })),
      begins: (unit.begins ?? []).map((begin) => ({ ...spanOf(begin.node, sourceFile), ...(begin.handle !== undefined ? { handle: begin.handle } : {}) })),
      autocommits: unit.effects
        .filter((effect) => effect.commit && effect.write)
        .map((effect) => ({ ...spanOf(effect.node, sourceFile), ...(effect.handle !== undefined ? { handle: effect.handle } : {}), ...(effect.wrapIn ? { wrapIn: effect.wrapIn } : {}), ...(effect.transactionIdiom !== undefined ? { transactionIdiom: effect.transactionIdiom } : {}) })),
      helperAutocommits: unit.effects
        .filter((effect) => effect.helper !== undefined && this.autocommitsWithin(unit, effect.helper, new Set()))
        .map((effect) => ({ ...spanOf(effect.node, sourceFile), helper: effect.helper! })),
      rollbacks: (unit.rollbacks ?? []).map((rollback) => ({ ...spanOf(rollback.node, sourceFile), ...(rollback.handle !== undefined ? { handle: rollback.handle } : {}) })),
      ...(unit.commitsAtExit === true ? { commitsAtExit: true as const } : {}),
      committingHelpers: unit.effects.flatMap((effect) => {
        const helper = effect.helper !== undefined ? this.helperOf(unit, effect.helper) : undefined;
        if (!helper || !ts.isCallExpression(effect.node) || !this.commitsWithin(unit, effect.helper!, new Set())) return [];
        const handle = this.commitHandleWithin(unit, effect.helper!, new Set());
        return [{ ...spanOf(effect.node, sourceFile), helper: effect.helper!, ...(handle !== undefined ? { handle } : {}) }];
      }),
      ...(unit.keyParameter !== undefined ? { keyParameter: unit.keyParameter } : {}),
      stateReads: this.stateReads(unit).sort((a, b) => a.pos - b.pos).map((node) => spanOf(node, sourceFile)),
      handoffs: (unit.handoffs ?? []).map((handoff) => ({ ...spanOf(handoff.node, sourceFile), callee: handoff.callee, handle: handoff.handle, transaction: handoff.transaction })),
    } satisfies Operation;
  }

  private eventFinding(who: string, facts: UnitFacts, violations: Violations, nameSpan: SourceSpan): MissingFlag | undefined {
    const eventCall = this.settings.outbox.eventCalls[0] ?? 'addEvent';
    if (!facts.event && facts.publish) {
      return {
        flag: 'event',
        reason: 'event-dual-write',
        ...said('eventDualWrite', { who }),
        at: nameSpan,
      };
    }
    if (!facts.event) {
      return {
        flag: 'event',
        reason: 'no-event',
        ...said('noEvent', { who, eventCall }),
        at: nameSpan,
      };
    }
    const afterCommit = first(violations.eventAfterCommit);
    if (afterCommit) {
      const commitLine = afterCommit.commitAt ? lineOf(afterCommit.commitAt, this.sourceFile) : undefined;
      return {
        flag: 'event',
        reason: 'event-after-commit',
        ...(commitLine !== undefined ? said('eventAfterCommitOnLine', { commitLine }) : said('eventAfterCommit', {})),
        at: spanOf(afterCommit.node, this.sourceFile),
      };
    }
    const commitWithout = first(violations.commitWithoutEvent);
    if (commitWithout) {
      return {
        flag: 'event',
        reason: 'event-missing-on-path',
        ...said('eventMissingAtCommit', { path: pathPhrase(commitWithout, 'This path') }),
        at: spanOf(commitWithout.node, this.sourceFile),
      };
    }
    const exitWithout = first(violations.exitWithoutEvent);
    if (exitWithout) {
      const path = pathPhrase(exitWithout, 'A path');
      return {
        flag: 'event',
        reason: 'event-missing-on-path',
        ...(exitWithout.atEnd ? said('eventMissingAtEnd', { path, who }) : said('eventMissingAtReturn', { path })),
        at: exitWithout.atEnd ? closingBrace(exitWithout.node, this.sourceFile) : spanOf(exitWithout.node, this.sourceFile),
      };
    }
    return undefined;
  }

  private idempotencyFinding(
    who: string,
    unit: FunctionUnit,
    facts: UnitFacts,
    violations: Violations,
    nameSpan: SourceSpan,
    firstWrite: SourceSpan,
    firstCheck: CallFacts | undefined,
  ): MissingFlag | undefined {
    const keyName = this.settings.idempotency.keyParams[0] ?? 'idempotencyKey';
    if (!unit.takesKey) {
      return {
        flag: 'idempotency',
        reason: 'no-idempotency-check',
        ...said('noIdempotencyKey', { who, keyName, writeLine: firstWrite.line }),
        at: nameSpan,
      };
    }
    if (facts.checks.size === 0 || !firstCheck) {
      return {
        flag: 'idempotency',
        reason: 'no-idempotency-check',
        ...said('noIdempotencyCheck', { who, writeLine: firstWrite.line }),
        at: nameSpan,
      };
    }
    const early = first(violations.writeBeforeCheck);
    if (early) {
      const writeLine = lineOf(early.node, this.sourceFile);
      return {
        flag: 'idempotency',
        reason: 'idempotency-after-write',
        ...(early.why
          ? said('idempotencyAfterWriteOnPath', { writeLine, branchLine: early.why.line, branch: early.why.description })
          : said('idempotencyAfterWrite', { writeLine })),
        at: spanOf(firstCheck.node, this.sourceFile),
      };
    }
    const guard = this.guardBeforeCheck(unit, firstCheck);
    if (guard) {
      return {
        flag: 'idempotency',
        reason: 'idempotency-after-guard',
        ...said('idempotencyAfterGuard', { who, readLine: guard.readLine }),
        at: spanOf(guard.exit, this.sourceFile),
      };
    }
    return undefined;
  }

  /**
   * What in the unit may read state: its DB reads, its calls of same-class helpers (not idempotency checks), and its
   * calls of public members of the same class that reach the database (`const invoice = await this.findOne(id)`).
   */
  private stateReads(unit: FunctionUnit): TS.Node[] {
    return [
      ...(unit.reads ?? []),
      ...unit.effects.filter((effect) => effect.helper !== undefined && !this.isCheckEffect(unit, effect)).map((effect) => effect.node),
      ...(unit.memberCalls ?? []).filter((call) => touchesDb(unit.owner?.members.get(call.name))).map((call) => call.node),
    ];
  }

  /**
   * A `return` or `throw` of the operation's own body that lies between a read of state (a DB read, or a call to a
   * same-class helper, which may read) and the first idempotency check. After the first success the state has
   * changed, so a retry with the same key stops at that exit (`409 already approved`) and never reaches the replay:
   * the check can be bypassed. Exits of the check's own replay branch come after the check and do not count; guards
   * on the input alone (no read before them) do not count either, since a retry sees the same input.
   */
  private guardBeforeCheck(unit: FunctionUnit, check: CallFacts): { exit: TS.Node; readLine: number } | undefined {
    const checkStart = check.node.getStart(this.sourceFile);
    const candidates = this.stateReads(unit);
    let read: TS.Node | undefined;
    for (const node of candidates) {
      if (node.end <= checkStart && !isInsideNestedFunction(node, unit.fn) && (!read || node.pos < read.pos)) read = node;
    }
    if (!read || !unit.fn.body) return undefined;
    let exit: TS.Node | undefined;
    const visit = (node: TS.Node): void => {
      if (exit || node.pos >= checkStart) return;
      if (ts.isFunctionLike(node) || ts.isClassLike(node)) return;
      if ((ts.isReturnStatement(node) || ts.isThrowStatement(node)) && node.getStart(this.sourceFile) >= read.end && node.end <= checkStart) {
        exit = node;
        return;
      }
      ts.forEachChild(node, visit);
    };
    ts.forEachChild(unit.fn.body, visit);
    const readAt = read;
    return exit ? { exit, readLine: lineOf(readAt, this.sourceFile) } : undefined;
  }
}

/** A member that reads or writes the database itself (not through further members: one level is what a guard shows). */
function touchesDb(member: FunctionUnit | undefined): boolean {
  return member !== undefined && ((member.reads?.length ?? 0) > 0 || member.effects.some((effect) => effect.write));
}

/** True when `node` sits in a function nested inside `fn` (a callback that may run later, or never). */
function isInsideNestedFunction(node: TS.Node, fn: TS.Node): boolean {
  for (let parent = node.parent; parent && parent !== fn; parent = parent.parent) {
    if (ts.isFunctionLike(parent)) return true;
  }
  return false;
}

/** The first violation in source order (the walk may visit a node more than once: loops, finally blocks). */
function first(violations: Violation[]): Violation | undefined {
  let best: Violation | undefined;
  for (const violation of violations) {
    if (!best || violation.node.pos < best.node.pos) best = violation;
  }
  return best;
}

function pathPhrase(violation: Violation, fallback: string): string {
  return violation.why ? `The path through line ${violation.why.line} (${violation.why.description})` : fallback;
}

function closingBrace(body: TS.Node, sourceFile: TS.SourceFile): SourceSpan {
  return spanOfRange(Math.max(body.getEnd() - 1, body.getStart(sourceFile)), body.getEnd(), sourceFile);
}
