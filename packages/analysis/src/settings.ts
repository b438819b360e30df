/**
 * The one settings object every front-end reads: the ESLint rules take it from `settings.outbox` in the flat config,
 * the audit and the codemods from the project's config file. The key names are part of that file format.
 */

import { DEFAULT_CHECKLIST_SETTINGS, type ChecklistSettings } from './checklist/settings.js';

export interface OutboxCallSettings {
  /** A receiver, constructor parameter, property or type whose name contains one of these (case-insensitive) is an outbox. */
  names: string[];
  /** Methods that add an event to the outbox: `this.outboxRepo.addEvent(...)`. */
  eventCalls: string[];
}

export interface IdempotencySettings {
  /** Parameter (or parameter property) names that carry the idempotency key. */
  keyParams: string[];
  /** A Redis `get` of a key starting with this prefix is the seed's idempotency check. */
  redisKeyPrefix: string;
  /** Redis methods that read the key. */
  redisCalls: string[];
  /** A receiver whose name contains one of these (case-insensitive) is an idempotency store. */
  storeNames: string[];
  /** Store methods that check or claim a key: `this.idempotency.begin(...)`. */
  storeCalls: string[];
}

/** A file or folder the audit is allowed not to analyse, and why (outbox.config.json's `unanalysable`). */
export interface UnanalysableEntry {
  /** Relative to the audited root, with `/`, exactly as the audit reports it. */
  path: string;
  reason: string;
}

export interface OutboxSettings {
  /** Globs of router files (`/`-separated, matched against the whole path). */
  routerFiles: string[];
  /** Globs of service files. */
  serviceFiles: string[];
  /** Globs of test files: analysed like any file, but they never have a role. */
  testFiles: string[];
  /** Globs of paths that are never analysed. */
  ignore: string[];
  /** Last names that make an expression a DB handle: `db`, `this.db`, `req.db`, `ctx.session`. */
  dbHandles: string[];
  /** Handle methods forbidden in routers. */
  routerCalls: string[];
  /** Handle methods the strict configuration also forbids in routers. */
  strictRouterCalls: string[];
  /** Handle methods whose first argument is SQL. */
  executeCalls: string[];
  /** Handle methods that commit the transaction. */
  commitCalls: string[];
  /** First keywords of statements that modify data. */
  writeStatements: string[];
  /** Whether SQL the analysis cannot read (built at run time) counts as a write. */
  unresolvedSqlIsWrite: boolean;
  /** `app.<method>(path, [options], handler)` registers a route; `app.route({ method, url, handler })` too. */
  routeMethods: string[];
  outbox: OutboxCallSettings;
  idempotency: IdempotencySettings;
  checklist: ChecklistSettings;
  /**
   * In-scope files the audit may fail to analyse without failing its gate, each with the reason. Whatever else in
   * scope cannot be analysed (binary, not UTF-8, too large, unreadable, a parse that overflows) fails it.
   */
  unanalysable: UnanalysableEntry[];
}

/** What a config file or `settings.outbox` may hold: any subset, nested objects included. */
export type PartialSettings = {
  [K in keyof OutboxSettings]?: OutboxSettings[K] extends unknown[]
    ? OutboxSettings[K]
    : OutboxSettings[K] extends object
      ? Partial<OutboxSettings[K]>
      : OutboxSettings[K];
};

/** Source extensions a role glob covers: TypeScript and its JavaScript twins. */
const EXT = '{ts,mts,cts,js,mjs,cjs}';

export const DEFAULT_SETTINGS: OutboxSettings = deepFreeze({
  routerFiles: [
    `**/router.${EXT}`,
    `**/router.*.${EXT}`,
    `**/*.router.${EXT}`,
    `**/routes/**/*.${EXT}`,
    `**/*.routes.${EXT}`,
    `**/*.controller.${EXT}`,
    `**/controllers/**/*.${EXT}`,
  ],
  serviceFiles: [`**/*.service.${EXT}`, `**/service.${EXT}`, `**/services/**/*.${EXT}`, `**/*-service.${EXT}`],
  testFiles: ['**/*.{test,spec}.*', '**/__tests__/**', '**/__testfixtures__/**'],
  ignore: ['**/node_modules/**', '**/dist/**', '**/build/**', '**/coverage/**', '**/*.d.{ts,mts,cts}'],
  dbHandles: ['db', 'session'],
  routerCalls: ['execute', 'commit'],
  strictRouterCalls: ['rollback', 'flush', 'begin', 'query'],
  executeCalls: ['execute'],
  commitCalls: ['commit'],
  writeStatements: ['INSERT', 'UPDATE', 'DELETE', 'MERGE'],
  unresolvedSqlIsWrite: true,
  routeMethods: ['get', 'post', 'put', 'patch', 'delete', 'all'],
  outbox: { names: ['outbox'], eventCalls: ['addEvent', 'add_event'] },
  idempotency: {
    keyParams: ['idempotencyKey', 'idempotency_key'],
    redisKeyPrefix: 'idempotency:',
    redisCalls: ['get'],
    storeNames: ['idempotency'],
    storeCalls: ['begin', 'claim', 'check'],
  },
  checklist: DEFAULT_CHECKLIST_SETTINGS,
  unanalysable: [],
});

/**
 * Merges `partial` over the defaults: nested objects merge key by key, arrays and scalars replace. Without an
 * argument it returns DEFAULT_SETTINGS itself, so front-ends that cache per settings object share one entry.
 */
export function resolveSettings(partial?: PartialSettings): OutboxSettings {
  if (partial === undefined || partial === null) return DEFAULT_SETTINGS;
  return mergeOver(DEFAULT_SETTINGS, partial) as OutboxSettings;
}

function mergeOver(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(over)) return Array.isArray(over) ? [...over] : over;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) merged[key] = mergeOver(base[key], value);
  return merged;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
