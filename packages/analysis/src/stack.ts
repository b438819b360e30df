import { compileGlobs } from './patterns.js';
import type { OutboxSettings } from './settings.js';
import { presetByName, type DataIdiom, type HandleShape, type WrapScope } from './presets/index.js';

/**
 * The presets named in the settings, compiled once per settings object into the sets and matchers the model reads:
 * which names, name patterns and declared types make a DB handle, and which verbs of each stack write, read, begin,
 * commit, roll back or scope a transaction; which decorators and exports declare routes.
 */

export interface Idiom {
  preset: string;
  shapes: ReadonlySet<HandleShape>;
  write: ReadonlySet<string>;
  read: ReadonlySet<string>;
  sql: ReadonlySet<string>;
  sqlTags: ReadonlySet<string>;
  begin: ReadonlySet<string>;
  commit: ReadonlySet<string>;
  rollback: ReadonlySet<string>;
  scope: ReadonlySet<string>;
  producers: ReadonlySet<string>;
  txProducers: ReadonlySet<string>;
  instanceWrite: ReadonlySet<string>;
  instanceProducers: ReadonlySet<string>;
  autocommit: boolean;
  sqlTransactionControl: boolean;
  txOption?: string;
  wrapScope?: WrapScope;
  transactionIdiom?: string;
  pools?: { names: ReadonlySet<string>; types: ReadonlySet<string>; checkout: string };
  /** Verbs by the start of their name, for a team's own repositories (`createFeature`, `getAll`). */
  writePrefix?: RegExp;
  readPrefix?: RegExp;
}

export interface WebRules {
  routeMethods: ReadonlySet<string>;
  routerNames: ReadonlySet<string>;
  controllerDecorators: ReadonlySet<string>;
  routeDecorators: ReadonlyMap<string, string>;
  serviceDecorators: ReadonlySet<string>;
  exportedHandlers: ReadonlySet<string>;
  procedureMethods: ReadonlySet<string>;
  procedureReceiver?: RegExp;
}

export interface StackRules {
  /** Any preset that brings DB idioms of its own (beyond the runtime's session style). */
  hasData: boolean;
  idioms: readonly Idiom[];
  byName: ReadonlyMap<string, Idiom>;
  namePatterns: readonly { matches: (name: string) => boolean; idiom: Idiom }[];
  /**
   * A team's own repositories and stores (`repositoryNames`): unlike a preset's names, a name alone does not make
   * one (`cookieStore`, a MobX `RootStore`, a `Map` named `store` are none); the model asks for evidence of
   * injection (see repositoryHandle in model.ts) before it uses this idiom.
   */
  repository?: { matches: (name: string) => boolean; idiom: Idiom };
  typeMarks: readonly { mark: string; idiom: Idiom }[];
  /** A class that extends one of these is a model of that stack. */
  modelBases: ReadonlyMap<string, Idiom>;
  /** A PascalCase name imported from a specifier containing one of these is a model. */
  modelImports: readonly { mark: string; idiom: Idiom }[];
  /** Functions (not methods) whose result is a handle: `getRepository(User)`. */
  producerFunctions: ReadonlyMap<string, Idiom>;
  txDecorators: ReadonlySet<string>;
  web: WebRules;
  /** Words that make a file without a role worth parsing: a NestJS controller can live anywhere. */
  roleMarkers: readonly string[];
}

const cache = new WeakMap<OutboxSettings, StackRules>();

const set = (values: readonly string[] | undefined): ReadonlySet<string> => new Set(values ?? []);

function compileIdiom(preset: string, data: DataIdiom, settings: OutboxSettings): Idiom {
  return {
    preset,
    shapes: new Set(data.shapes),
    write: set([...data.writeVerbs, ...settings.dbWriteCalls]),
    read: set([...data.readVerbs, ...settings.dbReadCalls]),
    sql: set(data.sqlVerbs),
    sqlTags: set(data.sqlTags),
    begin: set(data.beginVerbs),
    commit: set(data.commitVerbs),
    rollback: set(data.rollbackVerbs),
    scope: set(data.scopeVerbs),
    producers: set(data.producers),
    txProducers: set(data.txProducers),
    instanceWrite: set([...(data.instanceWriteVerbs ?? []), ...(data.instanceWriteVerbs ? settings.dbWriteCalls : [])]),
    instanceProducers: set(data.instanceProducers),
    autocommit: data.autocommit,
    sqlTransactionControl: data.sqlTransactionControl ?? false,
    ...(data.txOption !== undefined ? { txOption: data.txOption } : {}),
    ...(data.wrapScope !== undefined ? { wrapScope: data.wrapScope } : {}),
    ...(data.transactionIdiom !== undefined ? { transactionIdiom: data.transactionIdiom } : {}),
    ...(data.pools ? { pools: { names: new Set(data.pools.names), types: new Set(data.pools.types), checkout: data.pools.checkout } } : {}),
  };
}

export function stackRulesFor(settings: OutboxSettings): StackRules {
  let rules = cache.get(settings);
  if (rules) return rules;
  const idioms: Idiom[] = [];
  const byName = new Map<string, Idiom>();
  const namePatterns: { matches: (name: string) => boolean; idiom: Idiom }[] = [];
  const typeMarks: { mark: string; idiom: Idiom }[] = [];
  const modelBases = new Map<string, Idiom>();
  const modelImports: { mark: string; idiom: Idiom }[] = [];
  const producerFunctions = new Map<string, Idiom>();
  const txDecorators = new Set<string>();
  const routeMethods = new Set<string>();
  const routerNames = new Set<string>();
  const controllerDecorators = new Set<string>();
  const routeDecorators = new Map<string, string>();
  const serviceDecorators = new Set<string>();
  const exportedHandlers = new Set<string>();
  const procedureMethods = new Set<string>();
  let procedureReceiver: RegExp | undefined;
  const roleMarkers: string[] = [];

  for (const name of settings.presets) {
    const preset = presetByName(name);
    if (!preset) continue;
    if (preset.data && preset.data.shapes) {
      const data = preset.data;
      const idiom = compileIdiom(preset.name, data, settings);
      idioms.push(idiom);
      // The first preset to claim a name keeps it: `db` is Drizzle's in a Drizzle app, Kysely's in a Kysely one.
      for (const handle of data.handleNames ?? []) if (!byName.has(handle)) byName.set(handle, idiom);
      for (const pattern of data.handleNamePatterns ?? []) {
        namePatterns.push({ matches: compileGlobs([pattern.toLowerCase()]), idiom });
      }
      for (const mark of data.handleTypes ?? []) typeMarks.push({ mark, idiom });
      for (const base of data.modelBases ?? []) if (!modelBases.has(base)) modelBases.set(base, idiom);
      for (const mark of data.modelImports ?? []) modelImports.push({ mark, idiom });
      for (const producer of data.producers ?? []) if (!producerFunctions.has(producer)) producerFunctions.set(producer, idiom);
      for (const decorator of data.txDecorators ?? []) txDecorators.add(decorator);
    }
    const web = preset.web;
    if (web) {
      for (const method of web.routeMethods ?? []) routeMethods.add(method);
      for (const router of web.routerNames ?? []) routerNames.add(router);
      for (const decorator of web.controllerDecorators ?? []) {
        controllerDecorators.add(decorator);
        roleMarkers.push(`@${decorator}(`);
      }
      for (const [decorator, verb] of Object.entries(web.routeDecorators ?? {})) routeDecorators.set(decorator, verb);
      for (const decorator of web.serviceDecorators ?? []) serviceDecorators.add(decorator);
      for (const handler of web.exportedHandlers ?? []) exportedHandlers.add(handler);
      if (web.procedures) {
        for (const method of web.procedures.methods) procedureMethods.add(method);
        procedureReceiver = new RegExp(web.procedures.receiverPattern, 'i');
      }
    }
  }
  // A team's own repositories and stores (`this.featureStore.create(…)`, `this.orderRepository.updateStatus(…)`): in a
  // codebase on a data preset they are how services reach the database. Matched after the presets' own names, and
  // only where the model sees them injected or made from a class so named.
  let repository: StackRules['repository'];
  if (idioms.length > 0 && settings.repositoryNames.length > 0) {
    const idiom: Idiom = {
      ...compileIdiom('repository', { shapes: ['direct'], writeVerbs: [], readVerbs: [], autocommit: true }, settings),
      writePrefix: /^(create|insert|update|upsert|delete|remove|save|destroy|set|add|increment|decrement|archive|restore|bulk|batch|mark|replace)(?![a-z])/,
      readPrefix: /^(get|find|count|exists|list|search|load|fetch|read|query|is|has)(?![a-z])/,
    };
    idioms.push(idiom);
    // Linear-time matching: repositoryNames comes from a config a pull request can change (patterns.ts).
    repository = { matches: compileGlobs(settings.repositoryNames.map((pattern) => pattern.toLowerCase())), idiom };
  }
  rules = {
    hasData: idioms.length > 0,
    idioms,
    byName,
    namePatterns,
    ...(repository ? { repository } : {}),
    typeMarks,
    modelBases,
    modelImports,
    producerFunctions,
    txDecorators,
    web: { routeMethods, routerNames, controllerDecorators, routeDecorators, serviceDecorators, exportedHandlers, procedureMethods, ...(procedureReceiver ? { procedureReceiver } : {}) },
    roleMarkers,
  };
  cache.set(settings, rules);
  return rules;
}

/**
 * The idiom a handle's last name or declared type points at, if any. The model asks for every name on the way to
 * every call, and a file names the same few over and over: the patterns' answer is remembered per name.
 */
export function idiomByName(rules: StackRules, name: string): Idiom | undefined {
  const exact = rules.byName.get(name);
  if (exact) return exact;
  if (rules.namePatterns.length === 0) return undefined;
  let known = byPatternCache.get(rules);
  if (!known) {
    known = new Map();
    byPatternCache.set(rules, known);
  }
  let found = known.get(name);
  if (found === undefined) {
    const lower = name.toLowerCase();
    found = rules.namePatterns.find((pattern) => pattern.matches(lower))?.idiom ?? null;
    // Names come from the files: a bounded memory, cleared when it is full.
    if (known.size >= 50_000) known.clear();
    known.set(name, found);
  }
  return found ?? undefined;
}

const byPatternCache = new WeakMap<StackRules, Map<string, Idiom | null>>();

/** The team-repository idiom when `name` matches `repositoryNames` (the caller has the evidence that it is one). */
export function repositoryByName(rules: StackRules, name: string): Idiom | undefined {
  return rules.repository?.matches(name.toLowerCase()) ? rules.repository.idiom : undefined;
}

export function idiomByType(rules: StackRules, typeText: string): Idiom | undefined {
  for (const { mark, idiom } of rules.typeMarks) {
    const at = typeText.indexOf(mark);
    if (at < 0) continue;
    // A whole name, not part of a longer one: `Pool` but not `ThreadPool`.
    const before = at === 0 ? '' : typeText[at - 1]!;
    if (/[A-Za-z0-9_]/.test(before)) continue;
    return idiom;
  }
  return undefined;
}
