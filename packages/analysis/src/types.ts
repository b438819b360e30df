/**
 * The facts the analysis yields about one file. Every front-end (ESLint rules, outbox-audit, outbox-codemod) reads
 * these and nothing else; none of them decides on its own what a router, a DB call or an operation is.
 */

import type { SuppressionDirective } from './suppressions.js';
import type { MessageData, MessageId } from './catalogue.js';

export type FileRole = 'router' | 'service' | 'other';

/** A 1-based line and column, as editors and SARIF count them, plus the 0-based offsets into the source text. */
export interface SourceSpan {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** Offset of the first character (0-based, UTF-16 code units, like ts.Node.getStart()). */
  start: number;
  /** Offset just past the last character. */
  end: number;
}

/**
 * How the reports count a router DB call: `commit` (commit-like: a `commitCalls` method, or a preset's commit or
 * transaction scope), `execute` (write-like: an `executeCalls` method, which runs SQL, or a preset's write), `other`
 * (anything else forbidden: reads, rollbacks, the strict calls).
 */
export type RouterDbCallKind = 'commit' | 'execute' | 'other';

/** What a DB call does: writes, reads, or controls a transaction (`scope` runs a callback in one and commits). */
export type DbEffect = 'write' | 'read' | 'begin' | 'commit' | 'rollback' | 'scope';

/** A DB-handle call in a router file: `db.commit()`, `req.db.execute(...)`, `conn?.['commit']()`, … */
export interface RouterDbCall extends SourceSpan {
  /** The method called: `execute`, `commit`, and in strict mode also `rollback`, `flush`, `begin`, `query`. */
  call: string;
  /** Its kind by the configured names; printers and the checklist count kinds, never method names. */
  kind: RouterDbCallKind;
  /** Source text of the handle expression, e.g. `request.db`. */
  handle: string;
  /**
   * The handle `handle` was made from, local aliases and producers followed: `pool` for `client.query(…)` after
   * `const client = await pool.connect()`, `request.db` after `const { db } = request`. Absent when the handle is
   * its own origin (`pool.query(…)`, `request.db.execute(…)`): the handle a service must be given to run the call.
   */
  origin?: string;
  /**
   * The call runs on a pool (`pool.query(…)` on a `Pool`, or an untyped `pool`): a transaction around it needs a client
   * checked out of the pool first, with this method (`connect`). Absent for a client or any other handle.
   */
  checkout?: string;
  /** True when only the strict configuration forbids this call. */
  strictOnly: boolean;
  /** The route whose handler holds the call (`POST /organizations`), when it sits inside one. */
  route?: string;
  /** What the call does, when the analysis can tell (a stack's verb, the SQL it runs). */
  effect?: DbEffect;
  /** The preset whose idiom the call is written in (`prisma`, `knex`); absent for the session style. */
  preset?: string;
}

export type OperationFlag = 'outbox' | 'idempotency' | 'event' | 'commit';

export type MissingReason =
  /** outbox: the class holds no outbox repository. */
  | 'no-outbox-repository'
  /** idempotency: the operation takes no idempotency key / never checks one. */
  | 'no-idempotency-check'
  /** idempotency: the key is checked, but only after the first write. */
  | 'idempotency-after-write'
  /**
   * idempotency: the key is checked, but only after a guard that depends on state read before it (a `throw` or
   * `return` after a lookup): a retry after the first success stops at the guard instead of replaying.
   */
  | 'idempotency-after-guard'
  /** event: no outbox event at all. */
  | 'no-event'
  /** event: the event is added after the commit. */
  | 'event-after-commit'
  /** event: some path reaches the commit (or the end, after writing) without an event. */
  | 'event-missing-on-path'
  /** event: it publishes on a bus, a queue or a broker instead, outside the transaction (a dual write). */
  | 'event-dual-write'
  /** commit: nothing commits in the operation; the router (or nobody) does. */
  | 'commit-left-to-router';

/** Why a flag is false, and where to look. */
export interface MissingFlag {
  flag: OperationFlag;
  reason: MissingReason;
  /** One sentence for a person: what is wrong and what to do (the catalogue's template `messageId` filled with `data`). */
  message: string;
  messageId: MessageId;
  data: MessageData;
  /** Where the problem shows: the operation's name, the commit, the late check, the path's branch, … */
  at: SourceSpan;
}

/** Something compliant but worth a warning (the race-prone Redis check-then-act of the seed). */
export interface OperationWarning {
  kind: 'racy-redis-idempotency';
  message: string;
  messageId: MessageId;
  data: MessageData;
  at: SourceSpan;
}

export interface OperationFlags {
  outbox: boolean;
  idempotency: boolean;
  event: boolean;
  commit: boolean;
}

export interface Operation extends OperationFlags {
  module: string;
  kind: 'service' | 'router';
  /** The class of a service operation; absent for a router handler. */
  className?: string;
  /** The method name, or for a router handler its route (`POST /organizations`). */
  method: string;
  /** Path as given to the analysis (front-ends make it relative). */
  file: string;
  /** Where the method or handler starts (its name for a method; the route call for a handler). */
  line: number;
  column: number;
  /** The span to report on: the method's name, or the route's path literal. */
  nameSpan: SourceSpan;
  /** The whole method / handler function. */
  span: SourceSpan;
  compliant: boolean;
  /** 'redis' for the seed's GET/SETEX pattern, 'store' for an idempotency store; absent when no check. */
  idempotencyStyle?: 'redis' | 'store';
  /** One entry per false flag. */
  missing: MissingFlag[];
  warnings: OperationWarning[];
  /** The first write's location (a DB-handle execute of a modifying statement). */
  firstWrite: SourceSpan;
  /**
   * The DB handle the first write runs on, local aliases resolved: `this.db` for `const db = this.db; db.execute(…)`,
   * `request.db` for `const { db } = request`. Absent when the operation writes only through a helper.
   */
  writeHandle?: string;
  /** Its own writes (DB-handle executes of modifying SQL, not those of helpers), in source order: each call's span. */
  writes: SourceSpan[];
  /**
   * Its own commits, in source order: a `commitCalls` method (`db.commit()`), a preset's commit (`client.query('COMMIT')`,
   * `queryRunner.commitTransaction()`) or a transaction scope (`prisma.$transaction(cb)`, `scope: true`), each with the
   * handle it runs on; not a write that commits by itself (an ORM call outside a transaction). Empty when it commits
   * nothing itself.
   */
  commits: TransactionCall[];
  /** Its own transaction begins (`client.query('BEGIN')`, `queryRunner.startTransaction()`), in source order. */
  begins: TransactionCall[];
  /**
   * Its own writes that commit by themselves (`pool.query('UPDATE …')`, an ORM call outside any transaction): nothing
   * can join their transaction, so an outbox event or an idempotency key needs one begun around them first.
   */
  autocommits: TransactionCall[];
  /** Its own rollbacks of such a transaction (`client.query('ROLLBACK')`, `queryRunner.rollbackTransaction()`). */
  rollbacks: TransactionCall[];
  /**
   * Its calls of same-class helpers that commit a transaction (`await this.finish(id)` where the private `finish` runs
   * `this.db.commit()`, or a scope), in source order, each with the helper's name; not helpers whose only commits are
   * writes that commit by themselves (those are `helperAutocommits`).
   */
  committingHelpers: HelperCall[];
  /**
   * Its transaction is opened around it by a decorator (`@Transactional()`, Medusa's `@InjectTransactionManager()`) and
   * commits when it returns: its `commit` is true with no commit call of its own.
   */
  commitsAtExit?: true;
  /**
   * Its calls of same-class helpers that make writes which commit by themselves (directly or through their own
   * helpers), each with the helper's name: a transaction begun around the operation's own code would not include them.
   */
  helperAutocommits: HelperCall[];
  /** The parameter that takes its idempotency key (one named in `idempotency.keyParams`), when it has one. */
  keyParameter?: string;
  /**
   * What in its body (callbacks included) may read state, in source order: its DB reads, its calls of same-class
   * helpers, its calls of public members of the same class that reach the database (`await this.findOne(id)`). A guard
   * after one of these depends on state, so an idempotency check must come before the first.
   */
  stateReads: SourceSpan[];
  /**
   * Its calls that hand a DB handle or a transaction's handle to a function the analysis does not follow
   * (`await commitAndLog(this.db)`, `await savePolicies(id, next, tx)`), in source order: whatever that function does
   * with the handle (a write, a commit) is invisible to the operation's flags.
   */
  handoffs: HandleHandoff[];
}

/** A call of a same-class helper, by the helper's name. */
export interface HelperCall extends SourceSpan {
  helper: string;
  /**
   * For a committing helper: the handle its first commit runs on, as written in the helper (`this.db`), when the
   * analysis knows it.
   */
  handle?: string;
}

/** A call that hands a DB handle to a function: the function's name as called, and the handle as written. */
export interface HandleHandoff extends SourceSpan {
  /** The called function as written (`commitAndLog`, `audit.record`). */
  callee: string;
  /** The handle passed, local aliases resolved (`this.db`, `tx`). */
  handle: string;
  /** The handle is a transaction's (a scope's callback parameter, a begun transaction), not a plain session or pool. */
  transaction: boolean;
}

/** A call that begins or ends an operation's transaction, and the handle it runs on (`client`, `this.db`, `tx`). */
export interface TransactionCall extends SourceSpan {
  handle?: string;
  /** A scope: the callback runs in the transaction, which commits when it returns. */
  scope?: true;
  /** A scope: the name its callback gives the transaction's handle (`tx`, `manager`), when it is a plain name. */
  transactionHandle?: string;
  /**
   * A commit: the call that would roll its transaction back instead, as code on the handle as written
   * (`this.db.rollback()` in the session style), when the analysis knows the stack's rollback for it.
   */
  rollback?: string;
  /**
   * A write that commits by itself, on a stack that says how to put it in a transaction: run it (and the operation's
   * other writes on the same handle) in `<handle>.<open>(async (<param>) => …)`, made on `<param>` instead.
   */
  wrapIn?: WrapIn;
  /** A write that commits by itself: how its stack runs writes in one transaction, in the preset's words. */
  transactionIdiom?: string;
}

/**
 * `this.prisma.$transaction(async (tx) => …)`: `{ handle: 'this.prisma', open: '$transaction', param: 'tx' }`.
 * TypeORM's injected repository: `{ handle: 'this.invoices', open: 'manager.transaction', param: 'manager', use:
 * 'withRepository' }` — `this.invoices.manager.transaction(async (manager) => …)`, in which each use of the repository
 * is `manager.withRepository(this.invoices)`.
 */
export interface WrapIn {
  handle: string;
  /** What is called on the handle with the callback. */
  open: string;
  param: string;
  /** When set, a use of the handle inside the callback is `<param>.<use>(<handle>)`; otherwise it is `<param>`. */
  use?: string;
  /**
   * Handles whose `shares` is the same run in one transaction opened on any of them (TypeORM: every repository and
   * manager of the application's data source, `'typeorm'`). Absent: a transaction spans only its own handle.
   */
  shares?: string;
}

/** A class's shape, for the checklist's structural checks (AI orchestrator, WebSocket manager, webhooks). */
export interface ClassFacts {
  name: string;
  line: number;
  abstract: boolean;
  extends?: string;
  implements: string[];
  methods: string[];
  /** Constructor parameters: name, declared type text, default initializer text. */
  constructorParams: { name: string; type?: string; initializer?: string }[];
  /** Properties with their declared type and initializer text (including `this.x = …` in the constructor). */
  properties: { name: string; type?: string; initializer?: string; line: number }[];
  /** Names of functions called anywhere in the class body (e.g. `getOrchestrator`). */
  calls: string[];
  /** Constructor parameters that are DB handles (`db: DbSession`, `prisma: PrismaClient`), when there are any. */
  dbHandleParams?: string[];
  /** Properties (parameter properties included) that hold a DB handle (`this.db`), when there are any. */
  dbHandleProperties?: string[];
  /**
   * Constructor parameters and properties that hold an outbox repository (their name, type or `new` mentions
   * `outbox.names`): what makes its operations' `outbox` flag true. Absent when none.
   */
  outboxHolders?: string[];
  /**
   * A class a framework's container constructs (NestJS: `@Injectable()`, `@Controller()` — a preset's service or
   * controller decorator): every constructor parameter is resolved as a dependency, even one with a default, so
   * nothing may be added to its constructor that the container cannot provide.
   */
  constructedByContainer?: true;
  /**
   * A model class of a data preset only: its methods that write through the model itself (`saveWithCtx` calling
   * `this.save`), with the verb and the line of that call — the codebase's own write verbs (init writes them to
   * `dbWriteCalls`).
   */
  writeWrappers?: { method: string; verb: string; line: number }[];
}

/** A route a router file registers (`app.post('/x', handler)`, `app.route({ … })`), whether or not it writes. */
export interface RouteFact {
  /** `POST /organizations`, or the handler's name when the path is not a literal. */
  route: string;
  /** The registering call. */
  registration: SourceSpan;
  /** The handler function. */
  handler: SourceSpan;
  /**
   * A method of a controller class (`@Controller` for NestJS): the class's name. Such a handler has no request
   * parameter: it receives what it needs through parameter decorators (`@Param`, `@Body`, `@Headers`).
   */
  controller?: string;
}

export interface FunctionFacts {
  name: string;
  line: number;
  exported: boolean;
}

export interface FileDiagnostic {
  file: string;
  message: string;
  line?: number;
  /**
   * The file yielded no facts at all: its parse or its analysis failed (a parse that overflows the stack, say). A
   * syntax error the parser recovers from is not fatal: what parsed is still analysed.
   */
  fatal?: true;
}

/** A DB call in a file that has no role: work that no router or service rule looks at (`init` lists these). */
export interface StrayDbCall {
  line: number;
  call: string;
  effect: DbEffect;
  preset?: string;
}

export interface FileAnalysis {
  file: string;
  role: FileRole;
  module: string;
  routerDbCalls: RouterDbCall[];
  /** The routes of a router file, in source order (empty for other files). */
  routes: RouteFact[];
  operations: Operation[];
  classes: ClassFacts[];
  functions: FunctionFacts[];
  /** Names this file imports (module specifier → imported names), for wiring checks. */
  imports: { from: string; names: string[] }[];
  /** ESLint disable comments that can hide an outbox finding (suppressions.ts); absent in analyses made before them. */
  suppressions?: SuppressionDirective[];
  /** Files without a role only: the DB calls found there (a role glob or a preset may be missing). */
  strayDbCalls?: StrayDbCall[];
  diagnostics: FileDiagnostic[];
}
