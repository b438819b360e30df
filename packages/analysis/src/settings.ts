/**
 * The one settings object every front-end reads: the ESLint rules take it from `settings.outbox` in the flat config,
 * the audit and the codemods from the project's config file. The key names are part of that file format.
 */

import { DEFAULT_CHECKLIST_SETTINGS, type ChecklistSettings } from './checklist/settings.js';
import { presetByName } from './presets/index.js';

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

export interface DualWriteSettings {
  /** A receiver whose last name contains one of these (case-insensitive) is a bus, a queue or a broker. */
  receivers: string[];
  /** Its methods that publish: a publish outside the transaction is a dual write, never an outbox event. */
  calls: string[];
}

export interface OutboxSettings {
  /**
   * Stacks the code is written on (`prisma`, `express`, `nestjs`, …; see presets/): each adds its DB handles, verbs,
   * transaction idioms and route declarations to what the keys below say. The keys below are the `session` style of
   * the reference runtime and are always on.
   */
  presets: string[];
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
  /** Methods that write, on top of the presets' own verbs, on any of their handles or model instances (`saveWithCtx`). */
  dbWriteCalls: string[];
  /** Methods that read, likewise (a read in a router is still a router DB call). */
  dbReadCalls: string[];
  /**
   * Name patterns of a team's own repositories and stores (`*Store`, `*Repository`): with a data preset on, a call on
   * one whose method starts like a write (`create…`, `update…`, `delete…`) writes, like a read (`get…`, `find…`) reads.
   */
  repositoryNames: string[];
  /** Whether SQL the analysis cannot read (built at run time) counts as a write. */
  unresolvedSqlIsWrite: boolean;
  /** `app.<method>(path, [options], handler)` registers a route; `app.route({ method, url, handler })` too. */
  routeMethods: string[];
  outbox: OutboxCallSettings;
  idempotency: IdempotencySettings;
  dualWrite: DualWriteSettings;
  checklist: ChecklistSettings;
  /**
   * In-scope files the audit may fail to analyse without failing its gate, each with the reason. Whatever else in
   * scope cannot be analysed (binary, not UTF-8, too large, unreadable, a parse that overflows) fails it.
   */
  unanalysable: UnanalysableEntry[];
}

/** A list in a config file: the list itself (it replaces the default), or what to add to and remove from the default. */
export type ListSetting = string[] | { add?: string[]; remove?: string[] };

/** What a config file or `settings.outbox` may hold: any subset, nested objects included. */
export type PartialSettings = {
  [K in keyof OutboxSettings]?: OutboxSettings[K] extends string[]
    ? ListSetting
    : OutboxSettings[K] extends unknown[]
      ? OutboxSettings[K]
      : OutboxSettings[K] extends object
      ? { [J in keyof OutboxSettings[K]]?: OutboxSettings[K][J] extends unknown[] ? ListSetting : OutboxSettings[K][J] }
      : OutboxSettings[K];
};

/** Source extensions a role glob covers: TypeScript and its JavaScript twins. */
const EXT = '{ts,mts,cts,js,mjs,cjs}';

export const DEFAULT_SETTINGS: OutboxSettings = deepFreeze({
  presets: [],
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
  testFiles: ['**/*.{test,spec}.*', '**/__tests__/**', '**/__testfixtures__/**', '**/test/**', '**/tests/**', '**/e2e/**', '**/*.e2e-spec.*', '**/__mocks__/**', '**/fixtures/**', '**/*.stories.*'],
  ignore: ['**/node_modules/**', '**/dist/**', '**/build/**', '**/coverage/**', '**/.next/**', '**/.svelte-kit/**', '**/.output/**', '**/*.d.{ts,mts,cts}'],
  dbHandles: ['db', 'session'],
  routerCalls: ['execute', 'commit'],
  strictRouterCalls: ['rollback', 'flush', 'begin', 'query'],
  executeCalls: ['execute'],
  commitCalls: ['commit'],
  writeStatements: ['INSERT', 'UPDATE', 'DELETE', 'MERGE'],
  dbWriteCalls: [],
  dbReadCalls: [],
  repositoryNames: ['*Repository', '*Repo', '*Store', '*Dao'],
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
  dualWrite: {
    receivers: ['eventemitter', 'emitter', 'eventbus', 'bus', 'queue', 'producer', 'publisher', 'broker', 'pubsub', 'kafka', 'nats', 'rabbit', 'amqp', 'sns', 'sqs', 'events'],
    calls: ['emit', 'emitAsync', 'publish', 'add', 'addBulk', 'send', 'sendMessage', 'sendToQueue', 'dispatch', 'enqueue', 'produce', 'xadd'],
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
  return mergeOver(withPresets(partial.presets), partial) as OutboxSettings;
}

/**
 * The defaults with the file globs of the named presets added (a NestJS app's `*.resolver.ts` are routers, a Next.js
 * app's `app/**\/route.ts` too). The presets' handles and verbs are read from the presets themselves (stack.ts).
 */
function withPresets(names: ListSetting | undefined): OutboxSettings {
  const list = Array.isArray(names) ? names : [...(names?.add ?? [])];
  if (list.length === 0) return DEFAULT_SETTINGS;
  const routerFiles = [...DEFAULT_SETTINGS.routerFiles];
  const serviceFiles = [...DEFAULT_SETTINGS.serviceFiles];
  for (const name of list) {
    const preset = presetByName(name);
    for (const glob of preset?.routerFiles ?? []) if (!routerFiles.includes(glob)) routerFiles.push(glob);
    for (const glob of preset?.serviceFiles ?? []) if (!serviceFiles.includes(glob)) serviceFiles.push(glob);
  }
  return { ...DEFAULT_SETTINGS, routerFiles, serviceFiles };
}

function mergeOver(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (Array.isArray(base) && isPlainObject(over)) {
    // `{ "add": [...], "remove": [...] }`: change the default list instead of replacing it.
    const remove = new Set(Array.isArray(over.remove) ? (over.remove as unknown[]) : []);
    const kept = base.filter((item) => !remove.has(item));
    for (const item of Array.isArray(over.add) ? (over.add as unknown[]) : []) if (!kept.includes(item)) kept.push(item);
    return kept;
  }
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
