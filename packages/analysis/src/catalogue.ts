import type { Finding } from './findings.js';
import type { MissingReason, OperationFlag } from './types.js';

/**
 * The catalogue: every rule and every reason the analysis reports, with its words. The ESLint rules' `meta`, the
 * audit's SARIF rules, the order findings are ranked in and the Markdown report's short reasons are all read from
 * here, and the analysis writes its sentences with these templates, so the editor, the gate and every report say
 * the same thing in the same words.
 */

/** The repository the docs live in; `docs` paths below are relative to its root, so they resolve in a checkout too. */
export const REPOSITORY_URL = 'https://github.com/outbox-toolkit/outbox-toolkit';
/** Web address of a file of the repository (for ESLint's `meta.docs.url` and SARIF's `helpUri`, which want absolute URLs). */
export const repositoryUrl = (path: string): string => `${REPOSITORY_URL}/blob/main/${path}`;

export type RuleName = 'no-db-in-router' | 'require-outbox-event' | 'require-service-commit' | 'require-idempotency';
export type Severity = 'error' | 'warning';

/** A message template: `{{name}}` placeholders, filled from a finding's data (ESLint's syntax, so ESLint fills them too). */
export interface MessageEntry {
  rule: RuleName;
  /** The reason the message explains (`router-db-call` for the router rule's two, a warning's kind for a warning). */
  reason: CatalogueReason;
  template: string;
}

export interface RuleEntry {
  name: RuleName;
  /** The id ESLint and code scanning know it by. */
  id: `outbox/${RuleName}`;
  /** What the rule does, as an imperative (ESLint's `meta.docs.description`, the README's rule table). */
  description: string;
  /** One line: what a finding of this rule is. */
  short: string;
  /** What the rule requires and why. */
  full: string;
  /** Its page, relative to the repository root. */
  docs: string;
  severity: Severity;
  /** Most important first: findings are ranked by severity, then by this. */
  rank: number;
  remediation: string;
  /** On in the plugin's `recommended` config. */
  recommended: boolean;
}

export type CatalogueReason = MissingReason | 'router-db-call' | 'racy-redis-idempotency';

export interface ReasonEntry {
  reason: CatalogueReason;
  rule: RuleName;
  /** The flag an operation lacks for this reason (none for a router call or a warning). */
  flag?: OperationFlag;
  /** A few words, for tables. */
  short: string;
  /** What it means. */
  full: string;
  severity: Severity;
  /** True when the finding points somewhere other than the operation's name (the commit, the late check, …). */
  located: boolean;
  remediation: string;
}

const docsOf = (rule: RuleName): string => `packages/eslint-plugin-outbox/docs/rules/${rule}.md`;

export const RULES: Record<RuleName, RuleEntry> = {
  'no-db-in-router': {
    name: 'no-db-in-router',
    id: 'outbox/no-db-in-router',
    description: 'Disallow DB-handle calls (`db.execute()`, `db.commit()`) in router files',
    short: 'Database call in a router',
    full: 'Routers must not execute SQL or commit; the service layer owns the transaction so the outbox event commits with the data.',
    docs: docsOf('no-db-in-router'),
    severity: 'error',
    rank: 0,
    remediation: 'Move the database work into a service method that adds its outbox event and commits; the router only calls it.',
    recommended: true,
  },
  'require-outbox-event': {
    name: 'require-outbox-event',
    id: 'outbox/require-outbox-event',
    description: 'Require every mutating operation to hold an outbox repository and add an outbox event before its commit on every path',
    short: 'Mutating operation without an outbox event before its commit',
    full: 'Every mutating operation adds an outbox event through an outbox repository before the commit, on every path.',
    docs: docsOf('require-outbox-event'),
    severity: 'error',
    rank: 1,
    remediation: 'Inject an outbox repository and add the event before the commit, on every path that writes.',
    recommended: true,
  },
  'require-service-commit': {
    name: 'require-service-commit',
    id: 'outbox/require-service-commit',
    description: 'Require every mutating operation to commit inside its service, not leave the commit to the router',
    short: 'Mutating operation that leaves its commit to the router',
    full: 'A service operation commits its own transaction (with its outbox event) rather than leaving it to the router.',
    docs: docsOf('require-service-commit'),
    severity: 'error',
    rank: 2,
    remediation: 'Commit in the service method, after its outbox event; the router neither begins nor commits.',
    recommended: true,
  },
  'require-idempotency': {
    name: 'require-idempotency',
    id: 'outbox/require-idempotency',
    description: 'Require every mutating operation to take an idempotency key and check it before its first write',
    short: 'Mutating operation without an idempotency check before its first write',
    full: 'Every mutating operation takes an idempotency key and claims it before its first write.',
    docs: docsOf('require-idempotency'),
    severity: 'error',
    rank: 3,
    remediation: 'Accept an idempotency key and claim it (an idempotency store, in the same transaction) before the first write.',
    recommended: true,
  },
};

/** The rules, most important first. */
export const RULE_LIST: RuleEntry[] = Object.values(RULES).sort((a, b) => a.rank - b.rank);

export const REASONS: Record<CatalogueReason, ReasonEntry> = {
  'router-db-call': {
    reason: 'router-db-call',
    rule: 'no-db-in-router',
    short: 'DB call in a router',
    full: 'A router file calls a DB handle (commits, executes, or another configured call).',
    severity: 'error',
    located: true,
    remediation: RULES['no-db-in-router'].remediation,
  },
  'no-outbox-repository': {
    reason: 'no-outbox-repository',
    rule: 'require-outbox-event',
    flag: 'outbox',
    short: 'no outbox repository',
    full: 'The operation writes, but neither its class nor its file holds an outbox repository to record an event with.',
    severity: 'error',
    located: false,
    remediation: 'Inject an OutboxRepository (or write the outbox row through the same handle) and add an event before the commit.',
  },
  'no-event': {
    reason: 'no-event',
    rule: 'require-outbox-event',
    flag: 'event',
    short: 'no event',
    full: 'The operation writes but adds no outbox event.',
    severity: 'error',
    located: false,
    remediation: 'Add the outbox event before the commit.',
  },
  'event-after-commit': {
    reason: 'event-after-commit',
    rule: 'require-outbox-event',
    flag: 'event',
    short: 'event after the commit',
    full: 'The outbox event is added after the commit, outside the transaction.',
    severity: 'error',
    located: true,
    remediation: 'Move the event before the commit.',
  },
  'event-missing-on-path': {
    reason: 'event-missing-on-path',
    rule: 'require-outbox-event',
    flag: 'event',
    short: 'event missing on a path',
    full: 'Some path reaches the commit (or returns after writing) without an outbox event.',
    severity: 'error',
    located: true,
    remediation: 'Add the event on every path that writes, before its commit.',
  },
  'event-dual-write': {
    reason: 'event-dual-write',
    rule: 'require-outbox-event',
    flag: 'event',
    short: 'event published outside the transaction (dual write)',
    full: 'The operation publishes its event on a bus, a queue or a broker instead of writing it to the outbox in its transaction.',
    severity: 'error',
    located: false,
    remediation: 'Write the event to the outbox in the same transaction; the relay publishes it.',
  },
  'no-idempotency-check': {
    reason: 'no-idempotency-check',
    rule: 'require-idempotency',
    flag: 'idempotency',
    short: 'no idempotency check',
    full: 'The operation takes no idempotency key, or never checks the one it takes.',
    severity: 'error',
    located: false,
    remediation: 'Accept an idempotency key and claim it before the first write.',
  },
  'idempotency-after-write': {
    reason: 'idempotency-after-write',
    rule: 'require-idempotency',
    flag: 'idempotency',
    short: 'key checked after the first write',
    full: 'The idempotency key is checked, but a write can run before the check.',
    severity: 'error',
    located: true,
    remediation: 'Check the key before the first write on every path.',
  },
  'idempotency-after-guard': {
    reason: 'idempotency-after-guard',
    rule: 'require-idempotency',
    flag: 'idempotency',
    short: 'key checked after a state-dependent guard',
    full: 'The idempotency key is checked, but only after a return or throw that depends on state read before it: a retry after the first success leaves at that guard instead of replaying the first answer.',
    severity: 'error',
    located: true,
    remediation: "Check or claim the key at the operation's entry, before any read or guard.",
  },
  'commit-left-to-router': {
    reason: 'commit-left-to-router',
    rule: 'require-service-commit',
    flag: 'commit',
    short: 'commit left to the router',
    full: 'Nothing commits in the operation: the router (or nobody) commits its writes.',
    severity: 'error',
    located: false,
    remediation: 'Commit in the service method, after the outbox event.',
  },
  'racy-redis-idempotency': {
    reason: 'racy-redis-idempotency',
    rule: 'require-idempotency',
    short: 'race-prone Redis idempotency',
    full: 'A Redis GET-then-SETEX idempotency check: counted as idempotent, but two concurrent duplicates can both pass it.',
    severity: 'warning',
    located: true,
    remediation: 'Claim the key in the same transaction with an idempotency store (INSERT … ON CONFLICT).',
  },
};

/** Every message, by its id (the ESLint messageId). */
export const MESSAGES = {
  commitInRouter: {
    rule: 'no-db-in-router',
    reason: 'router-db-call',
    template:
      '`{{handle}}.{{call}}()` in a router: the router must not own the transaction. Move the work into a service method that adds its outbox event and commits.',
  },
  dbCallInRouter: {
    rule: 'no-db-in-router',
    reason: 'router-db-call',
    template: '`{{handle}}.{{call}}()` in a router: routers must not touch the database. Move this into a service method.',
  },
  commitInRoute: {
    rule: 'no-db-in-router',
    reason: 'router-db-call',
    template:
      '`{{handle}}.{{call}}()` in a router ({{route}}): the router must not own the transaction. Move the work into a service method that adds its outbox event and commits.',
  },
  dbCallInRoute: {
    rule: 'no-db-in-router',
    reason: 'router-db-call',
    template: '`{{handle}}.{{call}}()` in a router ({{route}}): routers must not touch the database. Move this into a service method.',
  },
  noOutboxRepositoryInRouter: {
    rule: 'require-outbox-event',
    reason: 'no-outbox-repository',
    template: '{{who}} writes from the router, where there is no outbox repository; move the writes into a service method that holds an OutboxRepository.',
  },
  noOutboxInFile: {
    rule: 'require-outbox-event',
    reason: 'no-outbox-repository',
    template: '{{who}} writes no outbox row in its transaction and its file holds no outbox repository; write the event to the outbox in the same transaction as the change.',
  },
  noOutboxRepository: {
    rule: 'require-outbox-event',
    reason: 'no-outbox-repository',
    template: '{{className}} holds no outbox repository, so {{method}} cannot record an event in its transaction; inject an OutboxRepository and add an event before the commit.',
  },
  eventDualWrite: {
    rule: 'require-outbox-event',
    reason: 'event-dual-write',
    template:
      '{{who}} publishes its event on a bus, a queue or a broker outside the transaction (a dual write: a crash between the commit and the publish loses it, a rollback after it announces a change that never happened); write the event to the outbox in the same transaction instead.',
  },
  noEvent: {
    rule: 'require-outbox-event',
    reason: 'no-event',
    template: '{{who}} writes but adds no outbox event; call {{eventCall}}(...) on the outbox repository before the commit so the change is published.',
  },
  eventAfterCommit: {
    rule: 'require-outbox-event',
    reason: 'event-after-commit',
    template: 'This outbox event is added after the commit, outside the transaction (a crash in between loses it); add it before the commit.',
  },
  eventAfterCommitOnLine: {
    rule: 'require-outbox-event',
    reason: 'event-after-commit',
    template: 'This outbox event is added after the commit on line {{commitLine}}, outside the transaction (a crash in between loses it); add it before the commit.',
  },
  eventMissingAtCommit: {
    rule: 'require-outbox-event',
    reason: 'event-missing-on-path',
    template: '{{path}} reaches this commit without an outbox event; add the event before the commit on every path.',
  },
  eventMissingAtEnd: {
    rule: 'require-outbox-event',
    reason: 'event-missing-on-path',
    template: '{{path}} reaches the end of {{who}} after writing without an outbox event; add the event on every path that writes.',
  },
  eventMissingAtReturn: {
    rule: 'require-outbox-event',
    reason: 'event-missing-on-path',
    template: '{{path}} returns after writing without an outbox event; add the event on every path that writes.',
  },
  noIdempotencyKey: {
    rule: 'require-idempotency',
    reason: 'no-idempotency-check',
    template: '{{who}} takes no idempotency key, so a retried request repeats its writes; accept an {{keyName}} and check it before the first write (line {{writeLine}}).',
  },
  noIdempotencyCheck: {
    rule: 'require-idempotency',
    reason: 'no-idempotency-check',
    template: '{{who}} takes an idempotency key but never checks it; check or claim the key (e.g. with an idempotency store) before the first write on line {{writeLine}}.',
  },
  idempotencyAfterWrite: {
    rule: 'require-idempotency',
    reason: 'idempotency-after-write',
    template: 'The idempotency key is checked here, but the write on line {{writeLine}} can run before it; check the key before the first write, or a retry repeats that write.',
  },
  idempotencyAfterWriteOnPath: {
    rule: 'require-idempotency',
    reason: 'idempotency-after-write',
    template:
      'The idempotency key is checked here, but the write on line {{writeLine}} can run before it on the path through line {{branchLine}} ({{branch}}); check the key before the first write, or a retry repeats that write.',
  },
  idempotencyAfterGuard: {
    rule: 'require-idempotency',
    reason: 'idempotency-after-guard',
    template:
      "{{who}} checks its idempotency key only after this exit, which depends on state read on line {{readLine}}: a retry after the first success leaves here (an error, a different answer) instead of replaying the first response; check or claim the key at the operation's entry, before any read or guard.",
  },
  racyRedisIdempotency: {
    rule: 'require-idempotency',
    reason: 'racy-redis-idempotency',
    template:
      'This Redis GET-then-SETEX idempotency check is race-prone: two concurrent duplicates can both miss the GET and both write, and a crash between the commit and the SETEX loses the record; claim the key in the same transaction with an idempotency store (INSERT … ON CONFLICT).',
  },
  commitInRouterHandler: {
    rule: 'require-service-commit',
    reason: 'commit-left-to-router',
    template: '{{who}} commits in the router; move the writes, the outbox event and the commit into a service method.',
  },
  nothingCommits: {
    rule: 'require-service-commit',
    reason: 'commit-left-to-router',
    template: 'Nothing commits the writes of {{who}}; move them into a service method that commits after adding its outbox event.',
  },
  commitLeftToRouter: {
    rule: 'require-service-commit',
    reason: 'commit-left-to-router',
    template: '{{who}} never commits: the router (or nobody) commits its writes; commit in the service, after the outbox event.',
  },
} as const satisfies Record<string, MessageEntry>;

export type MessageId = keyof typeof MESSAGES;
/** A message's data: its placeholders' values. */
export type MessageData = Record<string, string | number>;

/** The message ids a rule reports, with their templates: an ESLint rule's `meta.messages`. */
export function messagesOf(rule: RuleName): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [id, entry] of Object.entries(MESSAGES) as [MessageId, MessageEntry][]) if (entry.rule === rule) out[id] = entry.template;
  return out;
}

/**
 * A template filled with its data, as ESLint fills `meta.messages` (`{{ name }}`, spaces allowed; a placeholder
 * without data stays as written). A placeholder's value is never read as a template itself.
 */
export function formatMessage(id: MessageId, data: MessageData = {}): string {
  return MESSAGES[id].template.replace(/\{\{\s*([^{}]+?)\s*\}\}/g, (whole, name: string) => (name in data ? String(data[name]) : whole));
}

/** Most important first: errors before warnings, then by the rule's rank, then by file and line. */
export function compareFindings(a: Pick<Finding, 'severity' | 'rule' | 'file' | 'span'>, b: Pick<Finding, 'severity' | 'rule' | 'file' | 'span'>): number {
  const rank = (rule: string): number => RULES[rule as RuleName]?.rank ?? RULE_LIST.length;
  return (
    (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1) ||
    rank(a.rule) - rank(b.rule) ||
    a.file.localeCompare(b.file) ||
    a.span.line - b.span.line
  );
}
