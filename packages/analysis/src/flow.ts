import type TS from 'typescript';
import ts from './typescript.js';
import type { CallFacts, FileModel, FunctionUnit } from './model.js';
import type { OutboxSettings } from './settings.js';
import { lineOf } from './spans.js';

// TypeScript's bundle exposes its API through getters; the walks below read these once, not once per node.
const {
  SyntaxKind, forEachChild, isBlock, isDefaultClause, isDoStatement, isForInStatement, isForOfStatement,
  isForStatement, isIdentifier, isIterationStatement, isLabeledStatement, isPropertyAccessExpression,
  isSwitchStatement, isVariableDeclarationList, isWhileStatement
} = ts;

/**
 * "Before the commit on every path" as a structural walk over statements. A path is summarised by a few facts that
 * only ever become true along it (event added, key checked, written, committed), so the set of distinct summaries at
 * any point is tiny and the walk keeps all of them: if/else, switch, loops, try/catch/finally, labelled jumps and
 * short-circuits split and join sets of path states instead of paths. A same-class helper is walked once into a
 * summary (the states it can end in, plus what it needed from its caller) that is applied at each call site.
 */

/** The event was added on this path. */
const EVENT = 1;
/** The idempotency key was checked. */
const CHECK = 2;
/** Something was written. */
const WRITE = 4;
/** The transaction was committed. */
const COMMIT = 8;
// What a helper needs from its caller, found while summarising it:
/** It commits before adding an event itself: the caller must have added one. */
const NEEDS_EVENT = 16;
/** It writes before checking the key itself: the caller must have checked it. */
const NEEDS_CHECK = 32;
/** It adds its first event with nothing committed yet: after the caller's commit, that is an event after commit. */
const EVENT_FIRST = 64;
/** It adds its first event after its own commit. */
const EVENT_AFTER_OWN_COMMIT = 128;
const PATH_FACTS = EVENT | CHECK | WRITE | COMMIT;

/** The branch a path took, for messages: "the path through line 12 (where the condition on line 11 is false)". */
export interface Branch {
  line: number;
  description: string;
}

export interface PathState {
  bits: number;
  /** The last branch this path entered. */
  branch?: Branch;
  /** The branch where this path parted from paths that do add the event. */
  eventSkippedAt?: Branch;
  /** The first commit on this path. */
  commitAt?: TS.Node;
}

type States = readonly PathState[];

export interface Summary {
  /** The states in which a normal exit or a `return` leaves the function (throwing paths are not operations' paths). */
  exits: PathState[];
}

/** Where, in an operation, a path breaks a rule. */
export interface Violation {
  node: TS.Node;
  why?: Branch;
  commitAt?: TS.Node;
  /** The path falls off the end of the function (node is its body). */
  atEnd?: boolean;
}

export interface Violations {
  /** A commit (or a helper that commits) reached without an event. */
  commitWithoutEvent: Violation[];
  /** An event added after a commit on the same path. */
  eventAfterCommit: Violation[];
  /** A write (or a helper that writes) reached before the key is checked. */
  writeBeforeCheck: Violation[];
  /** For operations that never commit: a return or the end reached after writing without an event. */
  exitWithoutEvent: Violation[];
}

/** What the walker asks of the operation analysis. */
export interface FlowContext {
  model: FileModel;
  settings: OutboxSettings;
  /** The unit whose code is walked (for its key names and its helpers). */
  unit: FunctionUnit;
  summaryOfHelper(unit: FunctionUnit, name: string): Summary | undefined;
  summaryOfNested(unit: FunctionUnit, fn: TS.FunctionLikeDeclaration): Summary;
  /** Is there an idempotency check (directly or in a helper) inside `node`? */
  hasCheckIn(unit: FunctionUnit, node: TS.Node): boolean;
}

interface JumpTarget {
  kind: 'loop' | 'switch' | 'block';
  labels: readonly string[];
  breaks: PathState[];
  continues: PathState[];
}

interface PendingJump {
  kind: 'return' | 'break' | 'continue';
  label?: string;
  node: TS.Node;
  states: States;
}

interface FinallyFrame {
  /** Jump targets at or above this index lie inside the try statement. */
  targetDepth: number;
  jumps: PendingJump[];
}

function isFunctionNode(node: TS.Node): node is TS.FunctionLikeDeclaration {
  switch (node.kind) {
    case SyntaxKind.ArrowFunction:
    case SyntaxKind.FunctionExpression:
    case SyntaxKind.FunctionDeclaration:
    case SyntaxKind.MethodDeclaration:
    case SyntaxKind.GetAccessor:
    case SyntaxKind.SetAccessor:
    case SyntaxKind.Constructor:
      return true;
    default:
      return false;
  }
}

function isShortCircuit(kind: TS.SyntaxKind): boolean {
  return (
    kind === SyntaxKind.AmpersandAmpersandToken ||
    kind === SyntaxKind.BarBarToken ||
    kind === SyntaxKind.QuestionQuestionToken ||
    kind === SyntaxKind.AmpersandAmpersandEqualsToken ||
    kind === SyntaxKind.BarBarEqualsToken ||
    kind === SyntaxKind.QuestionQuestionEqualsToken
  );
}

function enter(states: States, branch: Branch): PathState[] {
  return states.map((state) => ({ ...state, branch }));
}

function withCheck(states: States): PathState[] {
  return states.map((state) => ({ ...state, bits: state.bits | CHECK }));
}

/**
 * Unions path states, one per distinct set of facts. Where paths with and without the event meet, the ones without
 * remember the branch they came through: that is the branch that skipped the event.
 */
function join(...lists: States[]): PathState[] {
  let withEvent = false;
  let withoutEvent = false;
  for (const list of lists) {
    for (const state of list) {
      if (state.bits & EVENT) withEvent = true;
      else withoutEvent = true;
    }
  }
  const mixed = withEvent && withoutEvent;
  const byBits = new Map<number, PathState>();
  for (const list of lists) {
    for (let state of list) {
      if (mixed && !(state.bits & EVENT) && !state.eventSkippedAt && state.branch) {
        state = { ...state, eventSkippedAt: state.branch };
      }
      const existing = byBits.get(state.bits);
      if (!existing || (!existing.eventSkippedAt && state.eventSkippedAt)) byBits.set(state.bits, state);
    }
  }
  return [...byBits.values()];
}

function sameFacts(a: States, b: States): boolean {
  if (a.length !== b.length) return false;
  const bits = new Set(a.map((state) => state.bits));
  return b.every((state) => bits.has(state.bits));
}

export class FlowWalker {
  private readonly returns: PathState[] = [];
  private readonly targets: JumpTarget[] = [];
  private readonly collectors: PathState[][] = [];
  private readonly finallyFrames: FinallyFrame[] = [];
  private readonly sourceFile: TS.SourceFile;
  private readonly keyParams: Set<string>;

  /**
   * @param violations given for an operation (its rule breaks are recorded there); absent when summarising a helper
   *   or a callback (its rule breaks become what it needs from its caller).
   * @param checkExits also record returns and the end reached after writing without an event (operations that never
   *   commit).
   */
  constructor(
    private readonly context: FlowContext,
    private readonly violations: Violations | undefined,
    private readonly checkExits = false,
  ) {
    this.sourceFile = context.model.sourceFile;
    this.keyParams = new Set(context.settings.idempotency.keyParams);
  }

  run(fn: TS.FunctionLikeDeclaration): Summary {
    const body = fn.body;
    const start: PathState[] = [{ bits: 0 }];
    if (!body) return { exits: start };
    if (isBlock(body)) {
      const end = this.block(body.statements, start);
      if (end.length > 0) this.exit(body, end, true);
    } else {
      this.exit(body, this.expr(body, start), false);
    }
    return { exits: join(this.returns) };
  }

  // ---- effects ----------------------------------------------------------------------------------------------------

  private onWrite(state: PathState, out: PathState, node: TS.Node): void {
    if (state.bits & CHECK) return;
    if (this.violations) this.violations.writeBeforeCheck.push({ node, ...(state.branch ? { why: state.branch } : {}) });
    else out.bits |= NEEDS_CHECK;
  }

  /**
   * A commit reached without an event, on a path that wrote (before it, or in the committing call itself: `wrote`): a
   * commit with nothing written on its path (a loop that ran no iteration, a transaction holding only an idempotency
   * key) has nothing for an event to announce. A helper's summary leaves that to its caller, whose path it does not see.
   */
  private onCommit(state: PathState, out: PathState, node: TS.Node, wrote = false): void {
    if (state.bits & EVENT) return;
    if (this.violations && !wrote && !(state.bits & WRITE)) return;
    const why = state.eventSkippedAt ?? state.branch;
    if (this.violations) this.violations.commitWithoutEvent.push({ node, ...(why ? { why } : {}) });
    else out.bits |= NEEDS_EVENT;
  }

  private onEvent(state: PathState, out: PathState, node: TS.Node): void {
    if (state.bits & EVENT) return;
    if (state.bits & COMMIT) {
      const commitAt = state.commitAt ? { commitAt: state.commitAt } : {};
      if (this.violations) this.violations.eventAfterCommit.push({ node, ...commitAt });
      else out.bits |= EVENT_AFTER_OWN_COMMIT;
    } else if (!this.violations) {
      out.bits |= EVENT_FIRST;
    }
  }

  private applyCall(facts: CallFacts, states: States): PathState[] {
    this.mayThrow(states);
    const node = facts.node;
    let out: PathState[];
    if (facts.helper !== undefined) {
      const summary = this.context.summaryOfHelper(this.context.unit, facts.helper);
      out = summary ? this.applySummary(states, summary, node) : [...states];
    } else {
      out = states.map((state) => {
        const next: PathState = { ...state };
        if (facts.write) {
          this.onWrite(state, next, node);
          next.bits |= WRITE;
        }
        if (facts.check) next.bits |= CHECK;
        if (facts.event) {
          this.onEvent(state, next, node);
          next.bits |= EVENT;
          delete next.eventSkippedAt;
        }
        if (facts.commit) {
          this.onCommit(state, next, node, facts.write);
          next.bits |= COMMIT;
          next.commitAt ??= node;
        }
        return next;
      });
    }
    if (facts.optional) {
      const line = lineOf(node, this.sourceFile);
      out = join(enter(states, { line, description: `where the optional call on line ${line} does not run` }), out);
    }
    return join(out);
  }

  /** Continues each state through each way the summarised function can end. */
  private applySummary(states: States, summary: Summary, node: TS.Node): PathState[] {
    const out: PathState[] = [];
    for (const state of states) {
      for (const end of summary.exits) {
        const next: PathState = { ...state };
        if (end.bits & NEEDS_CHECK) this.onWrite(state, next, node);
        if (end.bits & EVENT_FIRST) this.onEvent(state, next, node);
        if (end.bits & EVENT_AFTER_OWN_COMMIT) {
          this.onEvent({ ...state, bits: state.bits | COMMIT, commitAt: state.commitAt ?? node }, next, node);
        }
        if (end.bits & NEEDS_EVENT) this.onCommit(state, next, node, (end.bits & WRITE) !== 0);
        next.bits |= end.bits & PATH_FACTS;
        if (next.bits & EVENT) delete next.eventSkippedAt;
        if (end.bits & COMMIT) next.commitAt ??= node;
        out.push(next);
      }
    }
    return out;
  }

  private certain(fn: TS.FunctionLikeDeclaration, states: States): States {
    const summary = this.context.summaryOfNested(this.context.unit, fn);
    if (summary.exits.length === 1 && summary.exits[0]!.bits === 0) return states;
    return join(this.applySummary(states, summary, fn));
  }

  private nested(fn: TS.FunctionLikeDeclaration, states: States): States {
    const summary = this.context.summaryOfNested(this.context.unit, fn);
    if (summary.exits.length === 1 && summary.exits[0]!.bits === 0) return states;
    const line = lineOf(fn, this.sourceFile);
    // A callback may run once, many times or never: its effects are possible, not certain.
    const skipped = enter(states, { line, description: `where the function on line ${line} does not run` });
    return join(skipped, this.applySummary(states, summary, fn));
  }

  private mayThrow(states: States): void {
    const collector = this.collectors[this.collectors.length - 1];
    if (collector) collector.push(...states);
  }

  // ---- idempotency-key guards -------------------------------------------------------------------------------------

  /** Does the expression test the idempotency key (`idempotencyKey && this.redis`, `!input.idempotencyKey`)? */
  private mentionsKey(node: TS.Node): boolean {
    if (isIdentifier(node)) return this.context.unit.keyNames.has(node.text);
    if (isPropertyAccessExpression(node) && this.keyParams.has(node.name.text)) return true;
    if (isFunctionNode(node)) return false;
    return forEachChild(node, (child) => (this.mentionsKey(child) ? true : undefined)) ?? false;
  }

  /**
   * `if (idempotencyKey) { check }`: without a key there is nothing to check, so the branch that skips the check
   * counts as checked. Returns which of the two branches (0 or 1) should be entered as checked, or -1.
   */
  private keyGuard(condition: TS.Expression, first: TS.Node | undefined, second: TS.Node | undefined): number {
    const unit = this.context.unit;
    const firstHas = first ? this.context.hasCheckIn(unit, first) : false;
    const secondHas = second ? this.context.hasCheckIn(unit, second) : false;
    if (firstHas === secondHas || !this.mentionsKey(condition)) return -1;
    return firstHas ? 1 : 0;
  }

  // ---- expressions -------------------------------------------------------------------------------------------------

  private expr(node: TS.Node | undefined, states: States): States {
    if (!node || states.length === 0 || !this.context.model.effectful.has(node)) return states;
    if (isFunctionNode(node)) return this.nested(node, states);
    switch (node.kind) {
      case SyntaxKind.CallExpression: {
        const call = node as TS.CallExpression;
        let current = this.expr(call.expression, states);
        const facts = this.context.model.calls.get(call);
        for (const argument of call.arguments) {
          // A transaction scope runs its callback once, before it commits: its effects are certain, not possible.
          current = facts?.scope && isFunctionNode(argument) ? this.certain(argument, current) : this.expr(argument, current);
        }
        return facts ? this.applyCall(facts, current) : current;
      }
      case SyntaxKind.TaggedTemplateExpression: {
        const current = this.expr((node as TS.TaggedTemplateExpression).template, states);
        const facts = this.context.model.calls.get(node);
        return facts ? this.applyCall(facts, current) : current;
      }
      case SyntaxKind.BinaryExpression: {
        const binary = node as TS.BinaryExpression;
        if (!isShortCircuit(binary.operatorToken.kind)) break;
        const left = this.expr(binary.left, states);
        const line = lineOf(binary.operatorToken, this.sourceFile);
        const operator = binary.operatorToken.getText(this.sourceFile);
        let skipped = enter(left, { line, description: `where the \`${operator}\` on line ${line} skips its right side` });
        if (this.keyGuard(binary.left, binary.right, undefined) === 1) skipped = withCheck(skipped);
        const running = enter(left, { line, description: `where the right side of the \`${operator}\` on line ${line} runs` });
        const ran = this.expr(binary.right, running);
        return join(skipped, ran);
      }
      case SyntaxKind.ConditionalExpression: {
        const conditional = node as TS.ConditionalExpression;
        const condition = this.expr(conditional.condition, states);
        const line = lineOf(conditional, this.sourceFile);
        const guard = this.keyGuard(conditional.condition, conditional.whenTrue, conditional.whenFalse);
        let whenTrue = enter(condition, {
          line: lineOf(conditional.whenTrue, this.sourceFile),
          description: `where the condition on line ${line} is true`,
        });
        let whenFalse = enter(condition, {
          line: lineOf(conditional.whenFalse, this.sourceFile),
          description: `where the condition on line ${line} is false`,
        });
        if (guard === 0) whenTrue = withCheck(whenTrue);
        if (guard === 1) whenFalse = withCheck(whenFalse);
        return join(this.expr(conditional.whenTrue, whenTrue), this.expr(conditional.whenFalse, whenFalse));
      }
      case SyntaxKind.ClassExpression:
        return states;
      default:
        break;
    }
    let current = states;
    forEachChild(node, (child) => {
      current = this.expr(child, current);
    });
    return current;
  }

  /** The line a branch's code starts on: its first statement, not the brace that opens it. */
  private firstLineOf(statement: TS.Statement): number {
    const first = isBlock(statement) ? statement.statements[0] : statement;
    return lineOf(first ?? statement, this.sourceFile);
  }

  // ---- statements --------------------------------------------------------------------------------------------------

  private block(statements: readonly TS.Statement[], states: States): States {
    let current = states;
    for (const statement of statements) {
      if (current.length === 0) break;
      current = this.statement(statement, current);
    }
    return current;
  }

  private statement(statement: TS.Statement, states: States): States {
    switch (statement.kind) {
      case SyntaxKind.Block:
        return this.block((statement as TS.Block).statements, states);
      case SyntaxKind.ExpressionStatement:
        return this.expr((statement as TS.ExpressionStatement).expression, states);
      case SyntaxKind.VariableStatement:
        return this.declarations((statement as TS.VariableStatement).declarationList, states);
      case SyntaxKind.IfStatement:
        return this.ifStatement(statement as TS.IfStatement, states);
      case SyntaxKind.ReturnStatement: {
        const after = this.expr((statement as TS.ReturnStatement).expression, states);
        this.leave({ kind: 'return', node: statement, states: after });
        return [];
      }
      case SyntaxKind.ThrowStatement:
        this.mayThrow(this.expr((statement as TS.ThrowStatement).expression, states));
        return [];
      case SyntaxKind.BreakStatement:
      case SyntaxKind.ContinueStatement: {
        const jump = statement as TS.BreakOrContinueStatement;
        this.leave({
          kind: statement.kind === SyntaxKind.BreakStatement ? 'break' : 'continue',
          node: statement,
          states,
          ...(jump.label ? { label: jump.label.text } : {}),
        });
        return [];
      }
      case SyntaxKind.ForStatement:
      case SyntaxKind.ForOfStatement:
      case SyntaxKind.ForInStatement:
      case SyntaxKind.WhileStatement:
      case SyntaxKind.DoStatement:
        return this.loop(statement as TS.IterationStatement, states, []);
      case SyntaxKind.SwitchStatement:
        return this.switchStatement(statement as TS.SwitchStatement, states, []);
      case SyntaxKind.TryStatement:
        return this.tryStatement(statement as TS.TryStatement, states);
      case SyntaxKind.LabeledStatement:
        return this.labeled(statement as TS.LabeledStatement, states);
      case SyntaxKind.FunctionDeclaration:
        if (!this.context.model.effectful.has(statement)) return states;
        return this.nested(statement as TS.FunctionDeclaration, states);
      default:
        return states;
    }
  }

  private declarations(list: TS.VariableDeclarationList, states: States): States {
    let current = states;
    for (const declaration of list.declarations) current = this.expr(declaration.initializer, current);
    return current;
  }

  private ifStatement(statement: TS.IfStatement, states: States): States {
    const condition = this.expr(statement.expression, states);
    const line = lineOf(statement, this.sourceFile);
    let thenIn = enter(condition, {
      line: this.firstLineOf(statement.thenStatement),
      description: `where the condition on line ${line} is true`,
    });
    let elseIn = enter(condition, {
      line: statement.elseStatement ? this.firstLineOf(statement.elseStatement) : line,
      description: statement.elseStatement
        ? `the else branch of the if on line ${line}`
        : `where the condition on line ${line} is false`,
    });
    const guard = this.keyGuard(statement.expression, statement.thenStatement, statement.elseStatement);
    if (guard === 0) thenIn = withCheck(thenIn);
    if (guard === 1) elseIn = withCheck(elseIn);
    const thenOut = this.statement(statement.thenStatement, thenIn);
    const elseOut = statement.elseStatement ? this.statement(statement.elseStatement, elseIn) : elseIn;
    return join(thenOut, elseOut);
  }

  private loop(statement: TS.IterationStatement, states: States, labels: readonly string[]): States {
    let entry = states;
    let condition: TS.Expression | undefined;
    let incrementor: TS.Expression | undefined;
    if (isForStatement(statement)) {
      const init = statement.initializer;
      if (init) entry = isVariableDeclarationList(init) ? this.declarations(init, entry) : this.expr(init, entry);
      condition = statement.condition;
      incrementor = statement.incrementor;
    } else if (isForOfStatement(statement) || isForInStatement(statement)) {
      entry = this.expr(statement.expression, entry);
    } else if (isWhileStatement(statement) || isDoStatement(statement)) {
      condition = statement.expression;
    }
    const endless =
      (isForStatement(statement) && !condition) ||
      (condition !== undefined && condition.kind === SyntaxKind.TrueKeyword);
    const line = lineOf(statement, this.sourceFile);
    const bodyBranch: Branch = {
      line: this.firstLineOf(statement.statement),
      description: `the body of the loop on line ${line}`,
    };
    const exitBranch: Branch = { line, description: `where the loop on line ${line} runs zero times or ends` };
    const target: JumpTarget = { kind: 'loop', labels, breaks: [], continues: [] };
    this.targets.push(target);

    let head: States = entry;
    let exits: States = [];
    // The facts only grow, so the set of states at the loop head reaches a fixed point within a few rounds.
    for (let round = 0; round < 16; round++) {
      let next: States;
      if (isDoStatement(statement)) {
        const bodyOut = this.statement(statement.statement, enter(head, bodyBranch));
        const tested = this.expr(condition, join(bodyOut, target.continues));
        exits = endless ? [] : tested;
        next = join(entry, tested);
      } else {
        const tested = condition ? this.expr(condition, head) : head;
        exits = endless ? [] : tested;
        const bodyOut = this.statement(statement.statement, enter(tested, bodyBranch));
        const back = this.expr(incrementor, join(bodyOut, target.continues));
        next = join(head, back);
      }
      if (sameFacts(next, head)) break;
      head = next;
    }
    this.targets.pop();
    return join(enter(exits, exitBranch), target.breaks);
  }

  private switchStatement(statement: TS.SwitchStatement, states: States, labels: readonly string[]): States {
    const discriminant = this.expr(statement.expression, states);
    const line = lineOf(statement, this.sourceFile);
    const target: JumpTarget = { kind: 'switch', labels, breaks: [], continues: [] };
    this.targets.push(target);
    let fallingThrough: States = [];
    let hasDefault = false;
    for (const clause of statement.caseBlock.clauses) {
      const isDefault = isDefaultClause(clause);
      hasDefault ||= isDefault;
      const description = isDefault
        ? `the default case of the switch on line ${line}`
        : `case ${(clause as TS.CaseClause).expression.getText(this.sourceFile)} of the switch on line ${line}`;
      const entry = join(enter(discriminant, { line: lineOf(clause, this.sourceFile), description }), fallingThrough);
      fallingThrough = this.block(clause.statements, entry);
    }
    this.targets.pop();
    const unmatched = hasDefault
      ? []
      : enter(discriminant, { line, description: `where no case of the switch on line ${line} matches` });
    return join(fallingThrough, target.breaks, unmatched);
  }

  private tryStatement(statement: TS.TryStatement, states: States): States {
    const finallyBlock = statement.finallyBlock;
    const frame: FinallyFrame | undefined = finallyBlock ? { targetDepth: this.targets.length, jumps: [] } : undefined;
    if (frame) this.finallyFrames.push(frame);

    // Any point of the try block may throw: the catch starts from any state the block passes through.
    const thrownInTry: PathState[] = [...states];
    this.collectors.push(thrownInTry);
    const tryOut = this.block(statement.tryBlock.statements, states);
    this.collectors.pop();
    thrownInTry.push(...tryOut);

    let normal: States = tryOut;
    let leaving: States = [];
    const catchClause = statement.catchClause;
    if (catchClause) {
      const thrownInCatch: PathState[] = [];
      if (finallyBlock) this.collectors.push(thrownInCatch);
      const line = lineOf(catchClause, this.sourceFile);
      const catchIn = enter(join(thrownInTry), {
        line: this.firstLineOf(catchClause.block),
        description: `the catch block on line ${line}`,
      });
      const catchOut = this.block(catchClause.block.statements, catchIn);
      if (finallyBlock) this.collectors.pop();
      normal = join(tryOut, catchOut);
      leaving = thrownInCatch;
    } else {
      leaving = thrownInTry;
    }
    if (!frame || !finallyBlock) return normal;
    this.finallyFrames.pop();

    const line = lineOf(finallyBlock, this.sourceFile);
    if (leaving.length > 0) {
      const afterException = enter(join(leaving), {
        line: this.firstLineOf(finallyBlock),
        description: `the finally block on line ${line}, after an exception`,
      });
      const afterFinally = this.block(finallyBlock.statements, afterException);
      this.mayThrow(afterFinally);
    }
    for (const jump of frame.jumps) {
      const afterFinally = this.block(finallyBlock.statements, jump.states);
      if (afterFinally.length > 0) this.leave({ ...jump, states: afterFinally });
    }
    return normal.length > 0 ? this.block(finallyBlock.statements, normal) : [];
  }

  private labeled(statement: TS.LabeledStatement, states: States): States {
    const labels = [statement.label.text];
    let inner = statement.statement;
    while (isLabeledStatement(inner)) {
      labels.push(inner.label.text);
      inner = inner.statement;
    }
    if (isIterationStatement(inner, false)) return this.loop(inner, states, labels);
    if (isSwitchStatement(inner)) return this.switchStatement(inner, states, labels);
    const target: JumpTarget = { kind: 'block', labels, breaks: [], continues: [] };
    this.targets.push(target);
    const out = this.statement(inner, states);
    this.targets.pop();
    return join(out, target.breaks);
  }

  /** A return, break or continue: through any finally block in between, to its target. */
  private leave(jump: PendingJump): void {
    const frame = this.finallyFrames[this.finallyFrames.length - 1];
    if (jump.kind === 'return') {
      if (frame) frame.jumps.push(jump);
      else this.exit(jump.node, jump.states, false);
      return;
    }
    let index = this.targets.length - 1;
    for (; index >= 0; index--) {
      const target = this.targets[index]!;
      if (jump.label !== undefined) {
        if (target.labels.includes(jump.label) && (jump.kind === 'break' || target.kind === 'loop')) break;
      } else if (jump.kind === 'break' ? target.kind !== 'block' : target.kind === 'loop') {
        break;
      }
    }
    if (index < 0) return;
    if (frame && frame.targetDepth > index) {
      frame.jumps.push(jump);
      return;
    }
    const target = this.targets[index]!;
    (jump.kind === 'break' ? target.breaks : target.continues).push(...jump.states);
  }

  private exit(node: TS.Node, states: States, atEnd: boolean): void {
    if (this.violations && this.checkExits) {
      for (const state of states) {
        if (state.bits & WRITE && !(state.bits & EVENT)) {
          const why = state.eventSkippedAt ?? state.branch;
          this.violations.exitWithoutEvent.push({ node, ...(why ? { why } : {}), ...(atEnd ? { atEnd } : {}) });
        }
      }
    }
    this.returns.push(...states);
  }
}
