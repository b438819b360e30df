import type TS from 'typescript';
import ts from './typescript.js';
import type { ClassFacts, DbEffect, FileRole, FunctionFacts, RouterDbCall, StrayDbCall, WrapIn } from './types.js';
import type { OutboxSettings } from './settings.js';
import { resolveText, isWriteSql, classifySql, type ConstLookup } from './sql.js';
import { idiomByName, idiomByType, repositoryByName, stackRulesFor, type Idiom, type StackRules } from './stack.js';
import { lineOf, spanOf } from './spans.js';

// TypeScript's bundle exposes its API through getters; the walks below read these once, not once per node.
const {
  NodeFlags, SyntaxKind, canHaveModifiers, forEachChild, getModifiers, isArrayLiteralExpression, isArrowFunction,
  isAsExpression, isAwaitExpression, isCallExpression, isComputedPropertyName, isConstructorDeclaration,
  isElementAccessExpression, isFunctionDeclaration, isFunctionExpression, isIdentifier, isInterfaceDeclaration,
  isMethodDeclaration, isNamedExports, isNamedImports, isNamespaceExport, isNamespaceImport, isNewExpression,
  isNonNullExpression, isNumericLiteral, isObjectBindingPattern, isObjectLiteralExpression, isOptionalChain,
  isParameterPropertyDeclaration, isParenthesizedExpression, isPrivateIdentifier, isPropertyAccessExpression,
  isPropertyAssignment, isPropertyDeclaration, isSatisfiesExpression, isStringLiteral, isStringLiteralLike,
  isTypeAliasDeclaration, isTypeAssertionExpression, isVariableStatement, isTaggedTemplateExpression, getDecorators,
  isDecorator, isTemplateExpression, isNoSubstitutionTemplateLiteral, isBlock
} = ts;

/**
 * One walk over a source file that records every fact the later steps need: which calls are DB-handle calls,
 * writes, commits, outbox events and idempotency checks; the classes with their members; the route handlers of a
 * router; the names a file declares and imports. Control flow is not looked at here (see flow.ts), but every node on
 * the way from a function to one of those calls is marked, so the flow walk can skip everything else.
 */

export type CheckStyle = 'redis' | 'store';

/** A call that matters to an operation's flags. */
export interface CallFacts {
  /** The call; or a tagged template that runs SQL (`` prisma.$executeRaw`…` ``). */
  node: TS.CallExpression | TS.TaggedTemplateExpression;
  /** A DB-handle execute of data-modifying (or unreadable) SQL. */
  write: boolean;
  /** A DB-handle commit. */
  commit: boolean;
  /** An outbox event: `this.outboxRepo.addEvent(...)`. */
  event: boolean;
  /** An idempotency check: a Redis `get` of an `idempotency:` key, or a call on an idempotency store. */
  check?: CheckStyle;
  /** `this.helper(...)` / `this.#helper(...)`: a call to a non-public method of the same class (or a same-file function). */
  helper?: string;
  /** Reached through `?.`: it may not run at all. */
  optional: boolean;
  /** A transaction scope (`$transaction(cb)`, `em.transactional(cb)`): its callbacks run once, then it commits. */
  scope?: boolean;
  /** A publish on a bus, a queue or a broker: outside the transaction it is a dual write, never an outbox event. */
  publish?: boolean;
  /** What the call does to the database, for a DB call of any style. */
  effect?: DbEffect;
  /** For a DB-handle call: the handle, local aliases resolved (`this.db` for `const db = this.db; db.execute()`). */
  handle?: string;
  /** A scope: the name its callback gives the transaction's handle (`tx` of `$transaction(async (tx) => …)`). */
  transactionHandle?: string;
  /** A write that commits by itself, on a stack that can put it in a transaction: how (see TransactionCall.wrapIn). */
  wrapIn?: WrapIn;
  /** A write that commits by itself: how its stack runs writes in one transaction, for a person (the preset's words). */
  transactionIdiom?: string;
  /** A commit: the call that rolls its transaction back instead, as code, when the style has one (`db.rollback()`). */
  rollback?: string;
}

/** How a write that commits by itself could be put in a transaction, when its stack says how and its handle is plain. */
function wrapInOf(db: PresetDbCall): { wrapIn?: WrapIn; transactionIdiom?: string } {
  if (!db.commitsToo) return {};
  const idiom = db.idiom.transactionIdiom !== undefined ? { transactionIdiom: db.idiom.transactionIdiom } : {};
  const scope = db.idiom.wrapScope;
  if (!scope || db.handle.model || db.handle.instance) return idiom;
  const handle = db.handle.root ?? db.handle.text;
  if (!handle) return idiom;
  const last = lastNameOf(handle);
  if (scope.never?.includes(last)) return idiom;
  const shares = scope.shared ? { shares: db.idiom.preset } : {};
  if (scope.managerNames && !scope.managerNames.includes(last)) {
    if (!scope.repository) return idiom;
    return { ...idiom, wrapIn: { handle, open: `${scope.repository.openOn}.${scope.open}`, param: scope.param, use: scope.repository.use, ...shares } };
  }
  return { ...idiom, wrapIn: { handle, open: scope.open, param: scope.param, ...shares } };
}

/** `invoices` of `this.invoices`, `repo` of `repo`, `getRepository` of `getRepository(User)`. */
function lastNameOf(handle: string): string {
  const name = /([A-Za-z_$#][\w$]*)\s*(?:\([^)]*\))?\s*$/.exec(handle);
  return name ? name[1]! : handle;
}

/** An initializer that is a function (`= () => …`): a method, not a held handle. */
function isFunctionValueText(initializer: string | undefined): boolean {
  return initializer !== undefined && /^(async\s*)?(\([^)]*\)|[A-Za-z_$][\w$]*)\s*(:[^=]*)?=>|^(async\s+)?function\b/.test(initializer);
}

/** The first parameter of a transaction scope's callback, when it is a plain name: the transaction's handle. */
function scopeTransactionOf(call: TS.CallExpression): { transactionHandle?: string } {
  for (const argument of call.arguments) {
    const fn = unwrap(argument);
    if (!isFunctionValue(fn)) continue;
    const first = fn.parameters[0];
    return first && isIdentifier(first.name) ? { transactionHandle: first.name.text } : {};
  }
  return {};
}

/** A class method, an arrow-function property or a route handler: the code one operation is made of. */
export interface FunctionUnit {
  kind: 'method' | 'route';
  /** Member name (`createPartner`, `#audit`) or the route (`POST /organizations`). */
  name: string;
  /** What to point at: the member's name, or the route's path literal. */
  nameNode: TS.Node;
  /** The function whose body is the operation. */
  fn: TS.FunctionLikeDeclaration;
  /** Effect calls anywhere inside, nested callbacks included, in source order. */
  effects: CallFacts[];
  /** Parameter names (top-level identifiers) of `fn`. */
  params: Set<string>;
  /** Local names that hold the idempotency key (a parameter, a destructured property, `const k = input.key`). */
  keyNames: Set<string>;
  /** It takes an idempotency key: a parameter, or a property of a parameter, named in `keyParams`. */
  takesKey: boolean;
  /** The parameter that is the idempotency key (named in `keyParams`), when one is. */
  keyParameter?: string;
  /** Methods only. */
  owner?: ClassModel;
  isPublic: boolean;
  /** Route handlers only: the registering call (`app.post(...)`); absent for a decorated method or an exported handler. */
  routeCall?: TS.CallExpression;
  /** An arrow-function property (`create = async () => …`): the property, which spans the whole member. */
  holder?: TS.PropertyDeclaration | TS.VariableStatement;
  /** It runs in a transaction that commits when it returns (`@Transactional()`). */
  commitsAtExit?: boolean;
  /** A transaction was begun earlier in it (`client.query('BEGIN')`, `queryRunner.startTransaction()`). */
  inTransaction?: boolean;
  /**
   * Its DB reads (a SELECT through an execute call, a preset's read verb), in source order. Kept apart from `effects`:
   * a read changes no flag; it only tells the idempotency check whether a guard before it depends on state.
   */
  reads?: TS.Node[];
  /** Its calls of public members of its own class (`this.findOne(id)`), in source order: they may read state. */
  memberCalls?: { node: TS.CallExpression; name: string }[];
  /** Its own transaction begins, in source order, with the handle each runs on. */
  begins?: { node: TS.CallExpression | TS.TaggedTemplateExpression; handle?: string }[];
  /** Its own rollbacks (`client.query('ROLLBACK')`), in source order. */
  rollbacks?: { node: TS.CallExpression | TS.TaggedTemplateExpression; handle?: string }[];
  /**
   * Its calls that hand a DB handle to a function the walk does not follow (`commitAndLog(this.db)`,
   * `savePolicies(id, next, tx)`), nested callbacks included, in source order.
   */
  handoffs?: { node: TS.CallExpression; callee: string; handle: string; transaction: boolean }[];
}

export interface ClassModel {
  node: TS.ClassLikeDeclaration;
  facts: ClassFacts;
  /** Instance methods and arrow-function properties by name (`#x` keeps its `#`). */
  members: Map<string, FunctionUnit>;
  /** Names of the members that are not public: the same-class helpers an operation's effects may come from. */
  helpers: Set<string>;
  /** It holds an outbox repository (constructor parameter or property whose name, type or `new` mentions it). */
  holdsOutbox: boolean;
  /** Its role when its decorators say so (`@Controller` → router, `@Injectable` → service), whatever the file's. */
  role?: FileRole;
  /** Declared types of its constructor parameters and properties, for `this.x` handles by type. */
  memberTypes: Map<string, string>;
  /** The preset whose model class this is (`class Model extends SequelizeModel`), for its write wrappers. */
  modelIdiom?: Idiom;
  /** The file's top-level functions, gathered like a class's members (not a class: no facts are published). */
  isModule?: boolean;
}

export interface FileModel {
  sourceFile: TS.SourceFile;
  settings: OutboxSettings;
  role: FileRole;
  routerDbCalls: RouterDbCall[];
  classes: ClassModel[];
  routes: FunctionUnit[];
  functions: FunctionFacts[];
  imports: { from: string; names: string[] }[];
  /** Top-level functions of the file as units: exported ones can be operations, the others their helpers. */
  moduleUnits: ClassModel;
  strayDbCalls: StrayDbCall[];
  /** Every node that is, or contains, an effect call. */
  effectful: Set<TS.Node>;
  calls: Map<TS.Node, CallFacts>;
}

/** What a local name is bound to, within its function. */
/** A function named like a write: `savePolicies`, `insertAuditLogs`, `createKeyCore`, `setWorkspaceLimits`. */
const WRITER_NAME = /^(create|insert|update|upsert|delete|remove|save|destroy|set|add|increment|decrement|archive|restore|bulk|batch|mark|replace|write|persist)(?![a-z])/;

/** Component files: a `*Store` there is a front-end store, never a DB handle. */
const COMPONENT_FILE = /\.(?:tsx|jsx|vue|svelte)$/;
/** Modules only a front-end imports (a MobX store, a React hook, Next's request cookies). */
const FRONTEND_MODULE = /^(?:react|react-dom|mobx|mobx-react|mobx-react-lite|mobx-state-tree|vue|pinia|svelte|zustand|next\/headers|next\/navigation|next\/router)(?:\/|$)/;
/** Collections a `*Store` may be: an in-memory cache is no repository. */
const COLLECTIONS = new Set(['Map', 'Set', 'WeakMap', 'WeakSet', 'ReadonlyMap', 'ReadonlySet', 'LRUCache', 'LRU', 'Array', 'Record']);

type Binding =
  | { kind: 'handle'; text: string }
  /** A handle of a preset's stack; `tx` when it is a transaction's (a scope's callback parameter, `trx`). */
  | { kind: 'db'; idiom: Idiom; tx: boolean; text: string; origin?: string; instance?: boolean; pool?: boolean }
  | { kind: 'method'; method: string; handle: string }
  | { kind: 'const'; init: TS.Expression }
  | { kind: 'outbox' }
  | { kind: 'other' };

interface Scope {
  parent: Scope | undefined;
  bindings: Map<string, Binding>;
}

interface LowerNames {
  outbox: string[];
  stores: string[];
}

const lowerNamesCache = new WeakMap<OutboxSettings, LowerNames>();

/** An initializer that constructs something: `new OutboxRepository(db)`. */
const NEW_EXPRESSION = /^new\s/;

function lowerNamesFor(settings: OutboxSettings): LowerNames {
  let names = lowerNamesCache.get(settings);
  if (!names) {
    names = {
      outbox: settings.outbox.names.map((name) => name.toLowerCase()),
      stores: settings.idempotency.storeNames.map((name) => name.toLowerCase()),
    };
    lowerNamesCache.set(settings, names);
  }
  return names;
}

export function mentionsAny(text: string, lowerNames: string[]): boolean {
  if (lowerNames.length === 0) return false;
  const lower = text.toLowerCase();
  return lowerNames.some((name) => lower.includes(name));
}

function hasModifier(node: TS.Node, kind: TS.SyntaxKind): boolean {
  return canHaveModifiers(node) && (getModifiers(node)?.some((modifier) => modifier.kind === kind) ?? false);
}

function memberName(name: TS.PropertyName | undefined): string | undefined {
  if (!name) return undefined;
  if (isIdentifier(name) || isPrivateIdentifier(name) || isStringLiteral(name) || isNumericLiteral(name)) {
    return name.text;
  }
  return undefined;
}

function unwrap(expression: TS.Expression): TS.Expression {
  let current = expression;
  for (;;) {
    if (
      isParenthesizedExpression(current) ||
      isNonNullExpression(current) ||
      isAsExpression(current) ||
      isSatisfiesExpression(current) ||
      isTypeAssertionExpression(current) ||
      isAwaitExpression(current)
    ) {
      current = current.expression;
    } else {
      return current;
    }
  }
}

/** The method name and receiver of a call: `a.b()`, `a?.b()`, `a['b']()`. */
function calleeParts(callee: TS.Expression): { method: string; receiver: TS.Expression } | undefined {
  const target = unwrap(callee);
  if (isPropertyAccessExpression(target)) return { method: target.name.text, receiver: target.expression };
  if (isElementAccessExpression(target) && isStringLiteralLike(target.argumentExpression)) {
    return { method: target.argumentExpression.text, receiver: target.expression };
  }
  return undefined;
}

/** The last name of `a.b.c` / `a['c']` / `c`, without a leading `#`. */
function lastName(expression: TS.Expression): string | undefined {
  const target = unwrap(expression);
  if (isIdentifier(target)) return target.text;
  if (isPropertyAccessExpression(target)) {
    return isPrivateIdentifier(target.name) ? target.name.text.slice(1) : target.name.text;
  }
  if (isElementAccessExpression(target) && isStringLiteralLike(target.argumentExpression)) {
    return target.argumentExpression.text;
  }
  if (target.kind === SyntaxKind.ThisKeyword) return 'this';
  return undefined;
}

function isFunctionValue(node: TS.Node | undefined): node is TS.ArrowFunction | TS.FunctionExpression {
  return !!node && (isArrowFunction(node) || isFunctionExpression(node));
}

function paramNames(fn: TS.SignatureDeclaration): Set<string> {
  const names = new Set<string>();
  for (const parameter of fn.parameters) if (isIdentifier(parameter.name)) names.add(parameter.name.text);
  return names;
}

/** The settings' name lists as sets, made once per settings object rather than once per file. */
interface CallSets {
  handleNames: Set<string>;
  handleMethods: Set<string>;
  routerCalls: Set<string>;
  strictRouterCalls: Set<string>;
  executeCalls: Set<string>;
  commitCalls: Set<string>;
  eventCalls: Set<string>;
  redisCalls: Set<string>;
  storeCalls: Set<string>;
  routeMethods: Set<string>;
  keyParams: Set<string>;
}

const callSetsCache = new WeakMap<OutboxSettings, CallSets>();

function callSetsFor(settings: OutboxSettings): CallSets {
  let sets = callSetsCache.get(settings);
  if (!sets) {
    sets = {
      handleNames: new Set(settings.dbHandles),
      handleMethods: new Set([...settings.executeCalls, ...settings.commitCalls, ...settings.routerCalls, ...settings.strictRouterCalls]),
      routerCalls: new Set(settings.routerCalls),
      strictRouterCalls: new Set(settings.strictRouterCalls),
      executeCalls: new Set(settings.executeCalls),
      commitCalls: new Set(settings.commitCalls),
      eventCalls: new Set(settings.outbox.eventCalls),
      redisCalls: new Set(settings.idempotency.redisCalls),
      storeCalls: new Set(settings.idempotency.storeCalls),
      routeMethods: new Set(settings.routeMethods),
      keyParams: new Set(settings.idempotency.keyParams),
    };
    callSetsCache.set(settings, sets);
  }
  return sets;
}

/** What the session style's other router calls do (`rollback`, `begin`, `query`, `flush`). */
const SESSION_EFFECTS = new Map<string, DbEffect>([['rollback', 'rollback'], ['begin', 'begin'], ['query', 'read'], ['flush', 'write']]);
/** The session style's rollback verb (the one SESSION_EFFECTS maps to a rollback). */
const SESSION_ROLLBACK = [...SESSION_EFFECTS].find(([, effect]) => effect === 'rollback')![0];

/** A handle of a preset's stack, as the model found it. */
interface DbHandle {
  idiom: Idiom;
  /** It belongs to a transaction (a scope's callback parameter, `await sequelize.transaction()`). */
  tx: boolean;
  text: string;
  /**
   * The handle this one was made from, local aliases and producers followed: `pool` for `const client = await
   * pool.connect()`; absent when it is its own (a name, a parameter, `this.db`).
   */
  origin?: string;
  /** A model instance (`const group = await Group.findByPk(id)`): only its own write verbs reach the DB. */
  instance?: boolean;
  /** A model class (`Group` in `Group.destroy(…)`). */
  model?: boolean;
  /** For a model delegate (`this.prisma.user`), the handle it hangs off (`this.prisma`). */
  root?: string;
  /** A pool of its stack (`Idiom.pools`): a transaction needs a client checked out of it. */
  pool?: boolean;
}

/** Is a handle of `idiom` with this declared type (or, untyped, this last name) a pool? */
function isPool(idiom: Idiom, name: string | undefined, typeText: string | undefined): { pool?: true } {
  const pools = idiom.pools;
  if (!pools) return {};
  if (typeText !== undefined) return pools.types.has(typeText.trim()) ? { pool: true } : {};
  return name !== undefined && pools.names.has(name) ? { pool: true } : {};
}

interface DbChain {
  handle: DbHandle;
  /** Methods called along the chain, outermost first; the last one is called on the handle itself. */
  methods: string[];
  /** The call made on the handle itself (it holds the SQL of a SQL verb). */
  innermost: TS.CallExpression;
  /** Rooted at a call of the handle: `knex('items')…`. */
  callable: boolean;
}

interface PresetDbCall {
  idiom: Idiom;
  handle: DbHandle;
  effect: DbEffect;
  verb: string;
  /** Inside a transaction: its writes wait for the commit. */
  tx: boolean;
  /** A write that commits by itself (an ORM call outside any transaction). */
  commitsToo: boolean;
  /** A write into the outbox table, entity or model. */
  outbox: boolean;
}

/** `{ transaction: t }` among a call's arguments. */
function hasProperty(argument: TS.Expression, name: string): boolean {
  const value = unwrap(argument);
  return isObjectLiteralExpression(value) && value.properties.some((property) => memberName(property.name) === name);
}

class ModelBuilder {
  private readonly sourceFile: TS.SourceFile;
  private readonly settings: OutboxSettings;
  private readonly role: FileRole;
  private readonly names: LowerNames;
  private readonly handleNames: Set<string>;
  private readonly handleMethods: Set<string>;
  private readonly routerCalls: Set<string>;
  private readonly strictRouterCalls: Set<string>;
  private readonly executeCalls: Set<string>;
  private readonly commitCalls: Set<string>;
  private readonly eventCalls: Set<string>;
  private readonly redisCalls: Set<string>;
  private readonly storeCalls: Set<string>;
  private readonly routeMethods: Set<string>;
  private readonly keyParams: Set<string>;

  private readonly stack: StackRules;
  private readonly publishCalls: Set<string>;
  private readonly publishReceivers: string[];
  /** Model classes of a preset's ORM known in this file (declared here, or imported from a models path). */
  private readonly modelNames = new Map<string, Idiom>();
  /** Route prefixes of router objects of this file: `new Router({ prefix: '/api' })`, `router.prefix('/x')`. */
  private readonly routerPrefixes = new Map<string, string>();
  /** Functions passed to a transaction scope: their first parameter is the transaction's handle. */
  private readonly scopeCallbacks = new Map<TS.Node, Idiom>();
  /** Calls that are the inner links of a chain (`knex('t')` in `knex('t').where(…).update(…)`): the outer call records. */
  private readonly chainLinks = new Set<TS.Node>();
  /**
   * Whether a team's own `*Store` / `*Repository` can be a DB handle in this file: never in a component file
   * (`.tsx`, `.jsx`, `.vue`) or a module that imports a front-end library (a MobX store, Next's `cookies()`).
   */
  private repositoriesHere = true;
  /** Local names of a preset's model base class: `import { Model as SequelizeModel } from 'sequelize-typescript'`. */
  private readonly modelBaseAliases = new Map<string, Idiom>();
  /** Methods (static ones too) of the model classes of this file, by their declaration: their names. */
  private readonly modelMethods = new Map<TS.Node, string>();
  /** The model-class method being walked, if any. */
  private modelMethod: string | undefined;
  /** Local names imported from a module of the codebase (a relative path): `import { featureStore } from './stores'`. */
  private readonly localImports = new Set<string>();
  /** How many transaction-scope callbacks the walk is inside. */
  private txDepth = 0;
  /** The key of the object property being walked, if any. */
  private propertyKey: string | undefined;
  /** The prefix of routes registered inside a `register(plugin, { prefix })` callback. */
  private registerPrefix = '';

  private scope: Scope;
  private currentClass: ClassModel | undefined;
  private currentUnit: FunctionUnit | undefined;
  /** The class whose constructor is being walked (for `this.x = …` properties). */
  private constructorOf: ClassModel | undefined;
  /** Functions that start a unit (a member's function, a route's handler). */
  private readonly unitByFunction = new Map<TS.Node, FunctionUnit>();
  /**
   * The analysis never reads `node.parent`, so the audit can parse without parent pointers (a quarter of the parse):
   * what it would have asked a parent is kept here, from the walk, instead.
   */
  private readonly topLevel: Set<TS.Node>;
  /** Declarations of `const` lists (a catch clause's variable is in no list). */
  private readonly constDeclarations = new Set<TS.VariableDeclaration>();
  /** Names called in each class, collected as a set and listed in ClassFacts.calls at the end of the class. */
  private readonly classCalls = new Map<ClassModel, Set<string>>();
  /** `visit` as a callback for forEachChild, created once (it returns nothing, so forEachChild never stops early). */
  private readonly visitChild = (child: TS.Node): undefined => {
    this.visit(child);
  };
  private readonly constLookup: ConstLookup = (name) => {
    const binding = this.lookup(name);
    return binding?.kind === 'const' ? binding.init : undefined;
  };

  readonly model: FileModel;

  constructor(sourceFile: TS.SourceFile, settings: OutboxSettings, role: FileRole, private readonly path: string, private readonly test = false) {
    this.sourceFile = sourceFile;
    this.settings = settings;
    this.role = role;
    this.topLevel = new Set(sourceFile.statements);
    this.names = lowerNamesFor(settings);
    const sets = callSetsFor(settings);
    this.handleNames = sets.handleNames;
    this.routerCalls = sets.routerCalls;
    this.strictRouterCalls = sets.strictRouterCalls;
    this.executeCalls = sets.executeCalls;
    this.commitCalls = sets.commitCalls;
    this.handleMethods = sets.handleMethods;
    this.eventCalls = sets.eventCalls;
    this.redisCalls = sets.redisCalls;
    this.storeCalls = sets.storeCalls;
    this.routeMethods = sets.routeMethods;
    this.keyParams = sets.keyParams;
    this.scope = { parent: undefined, bindings: new Map() };
    this.stack = stackRulesFor(settings);
    this.publishCalls = new Set(settings.dualWrite.calls);
    this.publishReceivers = settings.dualWrite.receivers.map((name) => name.toLowerCase());
    this.model = {
      sourceFile,
      settings,
      role,
      routerDbCalls: [],
      classes: [],
      routes: [],
      functions: [],
      imports: [],
      moduleUnits: { node: sourceFile as unknown as TS.ClassLikeDeclaration, facts: { name: '', line: 1, abstract: false, implements: [], methods: [], constructorParams: [], properties: [], calls: [] }, members: new Map(), helpers: new Set(), holdsOutbox: false, memberTypes: new Map(), isModule: true },
      strayDbCalls: [],
      effectful: new Set(),
      calls: new Map(),
    };
  }

  build(): FileModel {
    // Module-level constants may be declared below the function that uses them (SQL at the bottom of a file).
    this.repositoriesHere = this.stack.repository !== undefined && !COMPONENT_FILE.test(this.path);
    for (const statement of this.sourceFile.statements) {
      if (isVariableStatement(statement)) this.declareModuleConsts(statement);
      if (this.stack.hasData) this.noteModelDeclarations(statement);
      if (this.stack.repository !== undefined && ts.isImportDeclaration(statement)) this.noteImportForRepositories(statement);
    }
    if (this.role !== 'other') this.declareModuleUnits();
    for (const statement of this.sourceFile.statements) this.visit(statement);
    this.dropRegisteringFunctions();
    return this.model;
  }

  // ---- the file's own functions ---------------------------------------------------------------------------------

  /**
   * Top-level functions become units before the walk, like a class's members: in a service file an exported one that
   * writes is an operation (`export async function createOrder`), in a router file an exported one is a route handler
   * (`export async function POST`, `export const rename = async (req, res) => …`); the others are their helpers.
   */
  private declareModuleUnits(): void {
    const owner = this.model.moduleUnits;
    for (const statement of this.sourceFile.statements) {
      if (isFunctionDeclaration(statement) && statement.name && statement.body) {
        this.addModuleUnit(owner, statement.name.text, statement.name, statement, hasModifier(statement, SyntaxKind.ExportKeyword));
      } else if (isVariableStatement(statement)) {
        const exported = hasModifier(statement, SyntaxKind.ExportKeyword);
        for (const declaration of statement.declarationList.declarations) {
          if (isIdentifier(declaration.name) && isFunctionValue(declaration.initializer)) {
            this.addModuleUnit(owner, declaration.name.text, declaration.name, declaration.initializer, exported, statement);
          }
        }
      }
    }
  }

  private addModuleUnit(owner: ClassModel, name: string, nameNode: TS.Node, fn: TS.FunctionLikeDeclaration, exported: boolean, holder?: TS.VariableStatement): void {
    const handler = this.role === 'router' && exported && (this.stack.web.exportedHandlers.has(name) || takesRequest(fn));
    const unit: FunctionUnit = {
      kind: handler ? 'route' : 'method',
      name: handler ? this.exportedRouteName(name) : name,
      nameNode,
      fn,
      effects: [],
      params: paramNames(fn),
      keyNames: new Set(),
      takesKey: false,
      owner,
      isPublic: exported,
      ...(holder ? { holder } : {}),
    };
    owner.members.set(name, unit);
    if (!exported) owner.helpers.add(name);
    this.unitByFunction.set(fn, unit);
    if (handler) this.model.routes.push(unit);
  }

  /** `POST` in `app/api/orders/route.ts` is `POST /api/orders`; any other exported handler keeps its name. */
  private exportedRouteName(name: string): string {
    if (!this.stack.web.exportedHandlers.has(name)) return name;
    const segments = this.path.replace(/\\/g, '/').split('/');
    const file = segments.pop() ?? '';
    const appAt = segments.lastIndexOf('app');
    const pagesAt = segments.lastIndexOf('pages');
    const from = appAt >= 0 ? appAt + 1 : pagesAt >= 0 ? pagesAt + 1 : -1;
    if (from < 0) return name;
    const parts = segments.slice(from).filter((part) => !(part.startsWith('(') && part.endsWith(')')));
    if (pagesAt >= 0 && appAt < 0 && !/^index\./.test(file)) parts.push(file.replace(/\.[^.]+$/, ''));
    return `${name} /${parts.join('/')}`;
  }

  /**
   * A router file's exported `registerRoutes(app)` holds route handlers; it is not a handler itself. Units that
   * contain a route are dropped, and so are their effects from the routes they hold.
   */
  private dropRegisteringFunctions(): void {
    const routes = this.model.routes;
    const registering = new Set<FunctionUnit>();
    for (const unit of routes) {
      if (unit.owner?.isModule !== true) continue;
      if (routes.some((other) => other !== unit && other.fn.pos >= unit.fn.pos && other.fn.end <= unit.fn.end)) registering.add(unit);
    }
    if (registering.size === 0) return;
    this.model.routes = routes.filter((unit) => !registering.has(unit));
    for (const unit of registering) this.model.moduleUnits.members.delete(unit.name);
  }

  /** `class Group extends Model {}`, `import { Group } from '../models/group'`: a model whose statics reach the DB. */
  private noteModelDeclarations(statement: TS.Statement): void {
    if (ts.isClassDeclaration(statement) && statement.name) {
      for (const clause of statement.heritageClauses ?? []) {
        if (clause.token !== SyntaxKind.ExtendsKeyword) continue;
        const base = clause.types[0] ? lastName(clause.types[0].expression) : undefined;
        const idiom = base !== undefined ? (this.stack.modelBases.get(base) ?? this.modelBaseAliases.get(base)) : undefined;
        if (idiom) this.modelNames.set(statement.name.text, idiom);
      }
      return;
    }
    if (ts.isImportDeclaration(statement) && isStringLiteral(statement.moduleSpecifier) && !statement.moduleSpecifier.text.startsWith('.')) {
      // `import { Model as SequelizeModel } from 'sequelize-typescript'`: the ORM's base class under another name.
      const named = statement.importClause?.namedBindings;
      if (named && isNamedImports(named)) {
        for (const element of named.elements) {
          const idiom = this.stack.modelBases.get((element.propertyName ?? element.name).text);
          if (idiom) this.modelBaseAliases.set(element.name.text, idiom);
        }
      }
    }
    if (!ts.isImportDeclaration(statement) || !isStringLiteral(statement.moduleSpecifier) || this.stack.modelImports.length === 0) return;
    const from = statement.moduleSpecifier.text.toLowerCase();
    const mark = this.stack.modelImports.find((entry) => from.includes(entry.mark));
    if (!mark) return;
    const clause = statement.importClause;
    if (!clause || clause.isTypeOnly) return;
    const names: string[] = [];
    if (clause.name) names.push(clause.name.text);
    if (clause.namedBindings && isNamedImports(clause.namedBindings)) {
      for (const element of clause.namedBindings.elements) if (!element.isTypeOnly) names.push(element.name.text);
    }
    for (const name of names) if (/^[A-Z]/.test(name)) this.modelNames.set(name, mark.idiom);
  }

  // ---- scopes -------------------------------------------------------------------------------------------------

  private lookup(name: string): Binding | undefined {
    for (let scope: Scope | undefined = this.scope; scope; scope = scope.parent) {
      const binding = scope.bindings.get(name);
      if (binding) return binding;
    }
    return undefined;
  }

  private bind(name: string, binding: Binding): void {
    this.scope.bindings.set(name, binding);
  }

  private declareModuleConsts(statement: TS.VariableStatement): void {
    if (!(statement.declarationList.flags & NodeFlags.Const)) return;
    for (const declaration of statement.declarationList.declarations) {
      if (isIdentifier(declaration.name) && declaration.initializer) {
        this.bind(declaration.name.text, { kind: 'const', init: declaration.initializer });
      }
    }
  }

  /** Is this expression a DB handle: `db`, `this.db`, `req.db`, `ctx?.session`, `req['db']`, or an alias of one? */
  private isHandle(expression: TS.Expression): boolean {
    const target = unwrap(expression);
    if (isIdentifier(target)) {
      if (this.handleNames.has(target.text)) return true;
      return this.lookup(target.text)?.kind === 'handle';
    }
    const name = isPropertyAccessExpression(target) || isElementAccessExpression(target) ? lastName(target) : undefined;
    return name !== undefined && this.handleNames.has(name);
  }

  /** The role where the walk is: a decorated class's own (`@Controller`, `@Injectable`), else the file's. */
  private roleHere(): FileRole {
    return this.currentClass?.role ?? this.role;
  }

  /**
   * A handle of a preset's stack: a local bound to one (a scope's transaction, `const repo = getRepository(X)`), a
   * model class, a name or name pattern (`prisma`, `*Repository`), `this.x` by its declared type, or a model
   * delegate of a handle (`prisma.user`, `tx.order`).
   */
  private dbHandleOf(expression: TS.Expression, depth = 0): DbHandle | undefined {
    const target = unwrap(expression);
    if (isIdentifier(target)) {
      const binding = this.lookup(target.text);
      if (binding?.kind === 'db') return { idiom: binding.idiom, tx: binding.tx, text: binding.text, ...(binding.origin !== undefined ? { origin: binding.origin } : {}), ...(binding.instance ? { instance: true } : {}), ...(binding.pool ? { pool: true } : {}) };
      const model = this.modelNames.get(target.text);
      if (model) return { idiom: model, tx: false, text: target.text, model: true };
      const idiom = idiomByName(this.stack, target.text) ?? (binding === undefined && this.localImports.has(target.text) ? this.repositoryIdiom(target.text) : undefined);
      return idiom ? { idiom, tx: false, text: target.text, ...isPool(idiom, target.text, undefined) } : undefined;
    }
    if (!isPropertyAccessExpression(target) && !isElementAccessExpression(target)) return undefined;
    const name = lastName(target);
    if (name === undefined || depth > 6) return undefined;
    const object = unwrap(target.expression);
    if (object.kind === SyntaxKind.ThisKeyword) {
      const type = this.currentClass?.memberTypes.get(name);
      const byType = type !== undefined ? idiomByType(this.stack, type) : undefined;
      if (byType) return { idiom: byType, tx: /Transaction/.test(type!), text: target.getText(this.sourceFile), ...isPool(byType, name, type) };
    }
    const idiom = idiomByName(this.stack, name) ?? (object.kind === SyntaxKind.ThisKeyword ? this.injectedRepository(name) : undefined);
    if (idiom) return { idiom, tx: false, text: target.getText(this.sourceFile), ...isPool(idiom, name, undefined) };
    // `prisma.user`, `tx.outboxEvent`, `db.query.posts`, `models.Group`: a model delegate of a handle.
    const inner = this.dbHandleOf(object, depth + 1);
    if (inner && !inner.instance && inner.idiom.shapes.has('delegate')) return { ...inner, text: target.getText(this.sourceFile), root: inner.root ?? inner.text };
    return undefined;
  }

  /**
   * `saveWithCtx(ctx) { return this.save(…) }`, `static createWithCtx(ctx, values) { return this.create(values, …) }` in
   * a model class: a codebase's own write method over its ORM, published in the class facts (`writeWrappers`) so
   * `outbox-audit init` can add it to `dbWriteCalls`. A method named like one of the preset's own verbs is none.
   */
  private noteWriteWrapper(call: TS.CallExpression): void {
    const owner = this.currentClass;
    const idiom = owner?.modelIdiom;
    const method = this.modelMethod!;
    const callee = unwrap(call.expression);
    if (!owner || !idiom || !isPropertyAccessExpression(callee) || unwrap(callee.expression).kind !== SyntaxKind.ThisKeyword) return;
    const verb = callee.name.text;
    if (!idiom.instanceWrite.has(verb) && !idiom.write.has(verb)) return;
    if (idiom.write.has(method) || idiom.instanceWrite.has(method) || idiom.read.has(method) || idiom.instanceProducers.has(method)) return;
    const wrappers = (owner.facts.writeWrappers ??= []);
    if (!wrappers.some((wrapper) => wrapper.method === method)) wrappers.push({ method, verb, line: lineOf(call, this.sourceFile) });
  }

  /** The team-repository idiom for `name`, where such handles can be (see repositoriesHere). */
  private repositoryIdiom(name: string): Idiom | undefined {
    return this.repositoriesHere ? repositoryByName(this.stack, name) : undefined;
  }

  /**
   * `this.featureStore` is a team's repository only when the class shows it injected or made from a class so named:
   * a constructor parameter or property typed `IFeatureStore` / `UserRepository`, initialised `new FeatureStore(db)`,
   * or (JavaScript) an untyped constructor parameter. A `Map`, a `Set`, or a value of any other type is none.
   */
  private injectedRepository(name: string): Idiom | undefined {
    const owner = this.currentClass;
    const idiom = owner && !owner.isModule ? this.repositoryIdiom(name) : undefined;
    if (!owner || !idiom) return undefined;
    const entries = [...owner.facts.constructorParams, ...owner.facts.properties].filter((entry) => entry.name === name);
    let evidence = false;
    for (const entry of entries) {
      const byType = entry.type !== undefined ? this.repositoryEvidence(entry.type, false) : undefined;
      const byInit = entry.initializer !== undefined ? this.repositoryEvidence(entry.initializer, true) : undefined;
      if (byType === false || byInit === false) return undefined;
      if (byType === true || byInit === true) evidence = true;
    }
    if (!evidence && owner.facts.constructorParams.some((param) => param.name === name && param.type === undefined && param.initializer === undefined)) evidence = true;
    return evidence ? idiom : undefined;
  }

  /**
   * Whether a declared type (or, with `made`, an initializer `new X(…)`) names a class matching repositoryNames:
   * true, false when it names a collection (`Map<…>`, `new Set()`), undefined when it says neither.
   */
  private repositoryEvidence(text: string, made: boolean): boolean | undefined {
    const names = made ? [/^\s*new\s+([\w$.]+)/.exec(text)?.[1]?.split('.').pop()].filter((n): n is string => n !== undefined) : text.replace(/(['"`])(?:\\.|(?!\1).)*\1/g, '').match(/[A-Za-z_$][\w$]*/g) ?? [];
    if (names.some((n) => COLLECTIONS.has(n))) return false;
    if (names.some((n) => repositoryByName(this.stack, n) !== undefined)) return true;
    return undefined;
  }

  /** Front-end imports turn the team-repository names off; relative imports are codebase modules. */
  private noteImportForRepositories(statement: TS.ImportDeclaration): void {
    if (!isStringLiteral(statement.moduleSpecifier)) return;
    const from = statement.moduleSpecifier.text;
    if (FRONTEND_MODULE.test(from)) this.repositoriesHere = false;
    const clause = statement.importClause;
    if (!from.startsWith('.') || !clause || clause.isTypeOnly) return;
    if (clause.name) this.localImports.add(clause.name.text);
    if (clause.namedBindings && isNamedImports(clause.namedBindings)) {
      for (const element of clause.namedBindings.elements) if (!element.isTypeOnly) this.localImports.add(element.name.text);
    }
  }

  /**
   * The chain a call ends: `knex('t').where(…).update(…)` is one DB call made of three, rooted at the handle `knex`.
   * Returns the handle and the methods called along the way, outermost first.
   */
  private dbChain(call: TS.CallExpression): DbChain | undefined {
    const methods: string[] = [];
    let node: TS.CallExpression = call;
    for (let depth = 0; depth < 24; depth++) {
      const callee = unwrap(node.expression);
      if (isPropertyAccessExpression(callee)) {
        // `this.knex('items')`, `fastify.knex('items')`: a callable handle reached through a property.
        const handle = this.dbHandleOf(callee);
        if (handle && handle.idiom.shapes.has('callable') && !handle.instance && !handle.model) return { handle, methods, innermost: node, callable: true };
      }
      const parts = calleeParts(node.expression);
      if (!parts) {
        const callee = unwrap(node.expression);
        const handle = this.dbHandleOf(callee);
        // `knex('items')`, `trx('outbox')`: the handle called with a table.
        if (handle && handle.idiom.shapes.has('callable') && !handle.instance) return { handle, methods, innermost: node, callable: true };
        // `getRepository(User)`: a function that returns a handle.
        if (isIdentifier(callee)) {
          const idiom = this.stack.producerFunctions.get(callee.text);
          if (idiom && this.lookup(callee.text) === undefined) return { handle: { idiom, tx: false, text: callee.text }, methods: [...methods, callee.text], innermost: node, callable: false };
        }
        return undefined;
      }
      methods.push(parts.method);
      const receiver = unwrap(parts.receiver);
      const handle = this.dbHandleOf(receiver);
      if (handle) return { handle, methods, innermost: node, callable: false };
      // `this.connection.getRepository(ctx, User).save(…)`: a repository made by a call whose name says so, on
      // whatever object the team wraps its ORM in.
      const made = this.stack.producerFunctions.get(parts.method);
      if (made && methods.length > 1 && /Repository|EntityManager|QueryRunner/.test(parts.method)) {
        return { handle: { idiom: made, tx: false, text: receiver.getText(this.sourceFile) }, methods, innermost: node, callable: false };
      }
      if (!isCallExpression(receiver)) return undefined;
      node = receiver;
    }
    return undefined;
  }

  /** What a call does to the database in a preset's idiom, or undefined when it is no DB call of any preset. */
  private presetDbCall(call: TS.CallExpression): PresetDbCall | undefined {
    const chain = this.dbChain(call);
    if (!chain) return this.transactionHandedToWriter(call);
    const { handle, methods } = chain;
    const idiom = handle.idiom;
    const found = (verbs: ReadonlySet<string>) => methods.find((method) => verbs.has(method));
    let effect: DbEffect | undefined;
    let verb: string | undefined;
    let sql: string | undefined;
    if (handle.instance) {
      // `group.save()`, `user.destroy()`: only the instance's own writes.
      const own = methods[methods.length - 1];
      if (own !== undefined && idiom.instanceWrite.has(own)) [effect, verb] = ['write', own];
    } else {
      const onHandle = methods[methods.length - 1];
      const hasCallback = call.arguments.some((argument) => isFunctionValue(unwrap(argument)));
      if (onHandle !== undefined && idiom.sql.has(onHandle)) {
        const text = this.sqlText(chain.innermost.arguments[0]);
        if (text === null) return undefined;
        verb = onHandle;
        sql = text?.literal;
        effect = this.sqlEffect(text, idiom);
      } else {
        const scope = methods.find((method) => idiom.scope.has(method) && (hasCallback || !idiom.txProducers.has(method)));
        const begin = found(idiom.txProducers) ?? found(idiom.begin);
        const write = found(idiom.write) ?? (idiom.writePrefix ? methods.find((method) => idiom.writePrefix!.test(method)) : undefined);
        const commit = found(idiom.commit);
        const rollback = found(idiom.rollback);
        const read = found(idiom.read) ?? (idiom.readPrefix ? methods.find((method) => idiom.readPrefix!.test(method)) : undefined);
        if (scope !== undefined) [effect, verb] = ['scope', scope];
        else if (write !== undefined) [effect, verb] = ['write', write];
        else if (commit !== undefined) [effect, verb] = ['commit', commit];
        else if (rollback !== undefined) [effect, verb] = ['rollback', rollback];
        else if (begin !== undefined) [effect, verb] = ['begin', begin];
        else if (read !== undefined) [effect, verb] = ['read', read];
        else if (chain.callable) [effect, verb] = ['read', methods[0] ?? handle.text];
      }
    }
    if (effect === undefined || verb === undefined) return undefined;
    const unit = this.currentUnit;
    const tx =
      handle.tx ||
      this.txDepth > 0 ||
      (unit?.inTransaction ?? false) ||
      (idiom.txOption !== undefined && call.arguments.some((argument) => hasProperty(argument, idiom.txOption!)));
    const commitsToo = effect === 'write' && !tx && (idiom.autocommit || idiom.commit.has(verb));
    const outbox = effect === 'write' && this.writesOutbox(call, sql);
    return { idiom, handle, effect, verb, tx, commitsToo, outbox };
  }

  /**
   * `await savePolicies(workspaceId, next, tx)`, `await insertAuditLogs(tx, logs)`: a transaction's handle handed to a
   * function (of another module) named like a write writes in that transaction. Only a transaction's handle (a scope's
   * callback parameter, a begun transaction, a handle typed as one): a plain `db` handed to `createServices(db)` is
   * a factory's argument. Same-file helpers (not exported, private) are followed as helpers instead.
   */
  private transactionHandedToWriter(call: TS.CallExpression): PresetDbCall | undefined {
    if (call.arguments.length === 0) return undefined;
    const callee = unwrap(call.expression);
    const name = isIdentifier(callee) ? callee.text : isPropertyAccessExpression(callee) ? callee.name.text : undefined;
    if (name === undefined || !WRITER_NAME.test(name)) return undefined;
    if (isIdentifier(callee) ? this.model.moduleUnits.helpers.has(name) : isPropertyAccessExpression(callee) && unwrap(callee.expression).kind === SyntaxKind.ThisKeyword && this.currentClass?.helpers.has(name)) return undefined;
    for (const argument of call.arguments) {
      const value = unwrap(argument);
      if (!isIdentifier(value) && !isPropertyAccessExpression(value)) continue;
      const handle = this.dbHandleOf(value);
      if (!handle || !handle.tx || handle.model || handle.instance) continue;
      return { idiom: handle.idiom, handle, effect: 'write', verb: name, tx: true, commitsToo: false, outbox: this.writesOutbox(call, undefined) };
    }
    return undefined;
  }

  /** SQL a call passes: a string, a template, a constant, `{ text: '…' }`; null when the argument is not SQL at all. */
  private sqlText(argument: TS.Expression | undefined): ReturnType<typeof resolveText> | null {
    if (!argument) return null;
    const value = unwrap(argument);
    if (isObjectLiteralExpression(value)) {
      const text = value.properties.find((property) => isPropertyAssignment(property) && memberName(property.name) === 'text');
      return text && isPropertyAssignment(text) ? resolveText(text.initializer, this.constLookup) : null;
    }
    if (isFunctionValue(value) || isArrayLiteralExpression(value)) return null;
    // `const lock = parentId ? Prisma.sql\`SELECT … FOR UPDATE\` : Prisma.sql\`SELECT …\``: both branches, when they are
    // statements of the same kind (both reads, both writes); otherwise unreadable.
    let target: TS.Expression = value;
    for (let depth = 0; depth < 4 && isIdentifier(target); depth++) {
      const init = this.constLookup(target.text);
      if (!init) break;
      target = unwrap(init);
    }
    if (ts.isConditionalExpression(target)) {
      const [whenTrue, whenFalse] = [resolveText(unwrap(target.whenTrue), this.constLookup), resolveText(unwrap(target.whenFalse), this.constLookup)];
      return whenTrue && whenFalse && classifySql(whenTrue, this.settings) === classifySql(whenFalse, this.settings) ? whenTrue : undefined;
    }
    return resolveText(value, this.constLookup);
  }

  private sqlEffect(text: ReturnType<typeof resolveText>, idiom: Idiom): DbEffect {
    if (text && idiom.sqlTransactionControl) {
      const keyword = /^\s*(\w+)/.exec(text.head)?.[1]?.toUpperCase();
      if (keyword === 'BEGIN' || (keyword === 'START' && /^\s*START\s+TRANSACTION/i.test(text.head))) return 'begin';
      if (keyword === 'COMMIT' || keyword === 'END') return 'commit';
      if (keyword === 'ROLLBACK' || keyword === 'ABORT') return 'rollback';
    }
    const kind = classifySql(text, this.settings);
    return kind === 'write' || (kind === 'unresolved' && this.settings.unresolvedSqlIsWrite) ? 'write' : 'read';
  }

  /**
   * A local that holds a handle: `const repo = this.dataSource.getRepository(User)`, `const client = await
   * pool.connect()`, `const t = await sequelize.transaction()`, `const group = await Group.findByPk(id)`,
   * `const prisma = new PrismaClient()`, `const tx: Prisma.TransactionClient = …`, or an alias of a handle.
   */
  /** `const router = new Router({ prefix: '/api' })`, `const app = new Hono().basePath('/api')`. */
  private noteRouterPrefix(name: string, init: TS.Expression): void {
    let value = unwrap(init);
    if (isCallExpression(value)) {
      const parts = calleeParts(value.expression);
      if (parts?.method === 'basePath' && value.arguments[0] && isStringLiteralLike(value.arguments[0])) this.routerPrefixes.set(name, value.arguments[0].text);
      return;
    }
    if (!isNewExpression(value) || !value.arguments?.[0]) return;
    value = unwrap(value.arguments[0]);
    if (!isObjectLiteralExpression(value)) return;
    const prefix = value.properties.find((property) => isPropertyAssignment(property) && memberName(property.name) === 'prefix');
    if (prefix && isPropertyAssignment(prefix) && isStringLiteralLike(prefix.initializer)) this.routerPrefixes.set(name, prefix.initializer.text);
  }

  private handleFromDeclaration(declaration: TS.VariableDeclaration): DbHandle | undefined {
    const typeText = declaration.type?.getText(this.sourceFile);
    const byType = typeText !== undefined ? idiomByType(this.stack, typeText) : undefined;
    if (byType) return { idiom: byType, tx: /Transaction/.test(typeText!), text: '', ...isPool(byType, undefined, typeText) };
    // `const featureStore: IFeatureStore = …`, `const featureStore = new FeatureStore(db)`: a team's repository.
    const repository = isIdentifier(declaration.name) ? this.repositoryIdiom(declaration.name.text) : undefined;
    if (repository) {
      const evidence = typeText !== undefined ? this.repositoryEvidence(typeText, false) : declaration.initializer ? this.repositoryEvidence(declaration.initializer.getText(this.sourceFile), true) : undefined;
      if (evidence === true) return { idiom: repository, tx: false, text: '' };
    }
    const init = declaration.initializer ? unwrap(declaration.initializer) : undefined;
    if (!init) return undefined;
    if (isNewExpression(init)) {
      const name = lastName(init.expression);
      if (name === undefined) return undefined;
      const model = this.modelNames.get(name);
      if (model) return { idiom: model, tx: false, text: '', instance: true };
      const idiom = idiomByType(this.stack, name);
      return idiom ? { idiom, tx: false, text: '', ...isPool(idiom, undefined, init.expression.getText(this.sourceFile)) } : undefined;
    }
    if (isIdentifier(init) || isPropertyAccessExpression(init) || isElementAccessExpression(init)) {
      const alias = this.dbHandleOf(init);
      return alias && !alias.model ? { ...alias, ...(alias.origin === undefined && alias.text ? { origin: alias.text } : {}) } : undefined;
    }
    if (!isCallExpression(init)) return undefined;
    const chain = this.dbChain(init);
    if (!chain) return undefined;
    const outer = chain.methods[0];
    if (outer === undefined) return undefined;
    const { idiom } = chain.handle;
    const hasCallback = init.arguments.some((argument) => isFunctionValue(unwrap(argument)));
    const origin = chain.handle.model || chain.handle.instance ? undefined : (chain.handle.origin ?? (chain.handle.text || undefined));
    if (idiom.txProducers.has(outer) && !hasCallback) return { idiom, tx: true, text: '', ...(origin !== undefined ? { origin } : {}) };
    if (idiom.producers.has(outer)) return { idiom, tx: chain.handle.tx, text: '', ...(origin !== undefined ? { origin } : {}) };
    if (chain.handle.model && idiom.instanceProducers.has(outer)) return { idiom, tx: false, text: '', instance: true };
    return undefined;
  }

  /** A write into the outbox: its table, entity or model named in the chain, in its first argument, or in its SQL. */
  private writesOutbox(call: TS.CallExpression | TS.TaggedTemplateExpression, sql: string | undefined): boolean {
    const outbox = this.names.outbox;
    if (sql !== undefined) {
      const table = /\b(?:insert\s+into|update|delete\s+from|merge\s+into)\s+["`]?([\w."]+)/i.exec(sql)?.[1];
      return table !== undefined && mentionsAny(table, outbox);
    }
    if (!isCallExpression(call)) return false;
    if (mentionsAny(call.expression.getText(this.sourceFile), outbox)) return true;
    const first = call.arguments[0] ? unwrap(call.arguments[0]) : undefined;
    if (!first) return false;
    const named = isNewExpression(first) ? first.expression : first;
    return (isIdentifier(named) || isPropertyAccessExpression(named) || isStringLiteralLike(named)) && mentionsAny(named.getText(this.sourceFile), outbox);
  }

  /** `this.eventEmitter.emit(…)`, `this.queue.add(…)`, `bus.publish(…)`: a publish outside any transaction. */
  private isPublish(method: string, receiver: TS.Expression): boolean {
    if (!this.publishCalls.has(method)) return false;
    const name = lastName(receiver);
    return name !== undefined && mentionsAny(name, this.publishReceivers);
  }

  /** `this.outboxRepo.addEvent(…)`, `this.idempotency.claim(…)`: the outbox's and the idempotency store's own calls. */
  private isOutboxOrStoreCall(call: TS.CallExpression): boolean {
    const parts = calleeParts(call.expression);
    if (!parts) return false;
    if (this.eventCalls.has(parts.method) && this.mentionsOutbox(parts.receiver)) return true;
    return this.storeCalls.has(parts.method) && mentionsAny(lastName(parts.receiver) ?? '', this.names.stores);
  }

  /** Inner links of a chain are recorded by its outermost call, once. */
  private markChainLinks(call: TS.CallExpression): void {
    let node: TS.Expression = call.expression;
    for (let depth = 0; depth < 24; depth++) {
      const target = unwrap(node);
      if (isCallExpression(target)) {
        this.chainLinks.add(target);
        node = target.expression;
      } else if (isPropertyAccessExpression(target) || isElementAccessExpression(target)) {
        node = target.expression;
      } else {
        return;
      }
    }
  }

  /** The handle an expression stands for, through local aliases: `this.db` for `db` after `const db = this.db`. */
  private handleOrigin(expression: TS.Expression): string {
    const target = unwrap(expression);
    const binding = isIdentifier(target) ? this.lookup(target.text) : undefined;
    return binding?.kind === 'handle' ? binding.text : target.getText(this.sourceFile);
  }

  private mentionsOutbox(expression: TS.Expression): boolean {
    let target: TS.Expression = unwrap(expression);
    for (;;) {
      const name = isNewExpression(target) ? lastName(target.expression) : lastName(target);
      if (name !== undefined && mentionsAny(name, this.names.outbox)) return true;
      if (isIdentifier(target)) return this.lookup(target.text)?.kind === 'outbox';
      if (isPropertyAccessExpression(target) || isElementAccessExpression(target) || isCallExpression(target)) {
        target = unwrap(target.expression);
      } else {
        return false;
      }
    }
  }

  // ---- the walk -----------------------------------------------------------------------------------------------

  /**
   * The walk's way down from the file: `ancestors[0 … depth-1]` are the nodes being visited, the last one innermost.
   * When a call is recorded they are exactly the nodes that contain it, which is what `effectful` holds, and no
   * parent pointer is needed to find them.
   */
  private readonly ancestors: TS.Node[] = [];
  private depth = 0;

  private visit(node: TS.Node): void {
    // Tokens and identifiers have no children and nothing to note.
    if (node.kind <= SyntaxKind.LastToken) return;
    this.ancestors[this.depth++] = node;
    this.visitNode(node);
    this.depth--;
  }

  private visitNode(node: TS.Node): void {
    switch (node.kind) {
      case SyntaxKind.ClassDeclaration:
      case SyntaxKind.ClassExpression:
        this.visitClass(node as TS.ClassLikeDeclaration);
        return;
      case SyntaxKind.FunctionDeclaration:
      case SyntaxKind.FunctionExpression:
      case SyntaxKind.ArrowFunction:
      case SyntaxKind.MethodDeclaration:
      case SyntaxKind.Constructor:
      case SyntaxKind.GetAccessor:
      case SyntaxKind.SetAccessor:
        this.visitFunction(node as TS.FunctionLikeDeclaration);
        return;
      case SyntaxKind.VariableDeclaration:
        this.visitVariable(node as TS.VariableDeclaration);
        return;
      case SyntaxKind.CallExpression:
        this.visitCall(node as TS.CallExpression);
        return;
      case SyntaxKind.BinaryExpression:
        this.visitBinary(node as TS.BinaryExpression);
        return;
      case SyntaxKind.PropertyAssignment: {
        // The key a value is held under names a tRPC procedure (`createDocument: authedProcedure…mutation(…)`).
        const outer = this.propertyKey;
        this.propertyKey = memberName((node as TS.PropertyAssignment).name) ?? outer;
        forEachChild(node, this.visitChild);
        this.propertyKey = outer;
        return;
      }
      case SyntaxKind.TaggedTemplateExpression:
        forEachChild(node, this.visitChild);
        if (this.stack.hasData) this.visitTaggedSql(node as TS.TaggedTemplateExpression);
        return;
      case SyntaxKind.PropertyAccessExpression:
      case SyntaxKind.ElementAccessExpression:
        this.noteKeyRead(node as TS.PropertyAccessExpression | TS.ElementAccessExpression);
        break;
      case SyntaxKind.ImportDeclaration:
        this.visitImport(node as TS.ImportDeclaration);
        return;
      case SyntaxKind.ExportDeclaration:
        this.visitReexport(node as TS.ExportDeclaration);
        return;
      case SyntaxKind.VariableStatement:
        if (this.topLevel.has(node)) this.noteTopLevelFunctions(node as TS.VariableStatement);
        break;
      case SyntaxKind.VariableDeclarationList:
        if (node.flags & NodeFlags.Const) for (const declaration of (node as TS.VariableDeclarationList).declarations) this.constDeclarations.add(declaration);
        break;
      default:
        // Types never hold calls.
        if (node.kind >= SyntaxKind.FirstTypeNode && node.kind <= SyntaxKind.LastTypeNode) return;
        if (isInterfaceDeclaration(node) || isTypeAliasDeclaration(node)) return;
    }
    forEachChild(node, this.visitChild);
  }

  private visitFunction(fn: TS.FunctionLikeDeclaration): void {
    if (isFunctionDeclaration(fn) && this.topLevel.has(fn) && fn.name) {
      this.model.functions.push({
        name: fn.name.text,
        line: lineOf(fn.name, this.sourceFile),
        exported: hasModifier(fn, SyntaxKind.ExportKeyword),
      });
    }
    // The name of a method or accessor may be computed; visit it in the outer scope.
    if (fn.name && isComputedPropertyName(fn.name)) this.visit(fn.name);

    const outerScope = this.scope;
    const outerUnit = this.currentUnit;
    const outerConstructorOf = this.constructorOf;
    this.scope = { parent: outerScope, bindings: new Map() };
    const unit = this.unitByFunction.get(fn);
    if (unit) this.currentUnit = unit;
    const outerModelMethod = this.modelMethod;
    if (this.modelMethods.has(fn)) this.modelMethod = this.modelMethods.get(fn);
    else if (!isArrowFunction(fn) && !ts.isFunctionExpression(fn)) this.modelMethod = undefined;
    if (isConstructorDeclaration(fn)) this.constructorOf = this.currentClass;
    else if (!isArrowFunction(fn)) this.constructorOf = undefined;

    for (const parameter of fn.parameters) this.visitParameter(parameter, unit, fn);
    if (fn.body) this.visit(fn.body);

    this.scope = outerScope;
    this.currentUnit = outerUnit;
    this.constructorOf = outerConstructorOf;
    this.modelMethod = outerModelMethod;
  }

  private visitParameter(parameter: TS.ParameterDeclaration, unit: FunctionUnit | undefined, fn: TS.FunctionLikeDeclaration): void {
    if (parameter.initializer) {
      // Not reached through `visit`, so it joins the way down here (a call in a default value has it as an ancestor).
      this.ancestors[this.depth++] = parameter;
      this.visit(parameter.initializer);
      this.depth--;
    }
    const name = parameter.name;
    if (isIdentifier(name)) {
      // A parameter shadows any alias of the same name from an outer function; one named `db` is a handle by name.
      this.bind(name.text, { kind: 'other' });
      if (this.stack.hasData) {
        // `$transaction(async (tx) => …)`: the scope's transaction; `(manager: EntityManager)`: a handle by its type.
        const scope = fn.parameters[0] === parameter ? this.scopeCallbacks.get(fn) : undefined;
        const typeText = parameter.type?.getText(this.sourceFile);
        const byType = typeText !== undefined ? idiomByType(this.stack, typeText) : undefined;
        if (scope) this.bind(name.text, { kind: 'db', idiom: scope, tx: true, text: name.text });
        // A client, a manager or a transaction handed in by the caller belongs to the caller's transaction.
        else if (byType) this.bind(name.text, { kind: 'db', idiom: byType, tx: /Transaction|PoolClient|EntityManager|QueryRunner/.test(typeText!), text: name.text, ...isPool(byType, undefined, typeText) });
        // `(featureStore: IFeatureStore)`: a team's repository handed in, by its type.
        else if (typeText !== undefined && this.repositoryIdiom(name.text) && this.repositoryEvidence(typeText, false) === true) {
          this.bind(name.text, { kind: 'db', idiom: this.repositoryIdiom(name.text)!, tx: false, text: name.text });
        }
      }
      if (unit && unit.fn === fn && this.keyParams.has(name.text)) {
        unit.takesKey = true;
        unit.keyNames.add(name.text);
        unit.keyParameter ??= name.text;
      }
    } else if (isObjectBindingPattern(name)) {
      for (const element of name.elements) {
        if (!isIdentifier(element.name)) continue;
        this.bind(element.name.text, { kind: 'other' });
        const property = element.propertyName ? memberName(element.propertyName) : element.name.text;
        if (unit && unit.fn === fn && property !== undefined && this.keyParams.has(property)) {
          unit.takesKey = true;
          unit.keyNames.add(element.name.text);
        }
      }
    }
  }

  private visitVariable(declaration: TS.VariableDeclaration): void {
    const init = declaration.initializer;
    if (init) {
      // `export const createDocument = authedProcedure…mutation(…)`: the name a tRPC procedure is held under.
      const outer = this.propertyKey;
      if (isIdentifier(declaration.name)) this.propertyKey = declaration.name.text;
      this.visit(init);
      this.propertyKey = outer;
    }
    const name = declaration.name;
    if (isIdentifier(name)) {
      if (init && this.role === 'router') this.noteRouterPrefix(name.text, init);
      const db = this.stack.hasData ? this.handleFromDeclaration(declaration) : undefined;
      if (db) {
        this.bind(name.text, { kind: 'db', idiom: db.idiom, tx: db.tx, text: name.text, ...(db.origin !== undefined ? { origin: db.origin } : {}), ...(db.instance ? { instance: true } : {}), ...(db.pool ? { pool: true } : {}) });
      } else if (!init) {
        this.bind(name.text, { kind: 'other' });
      } else if (this.isHandle(init)) {
        this.bind(name.text, { kind: 'handle', text: this.handleOrigin(init) });
      } else if (this.mentionsOutbox(init)) {
        this.bind(name.text, { kind: 'outbox' });
      } else if (this.constDeclarations.has(declaration)) {
        this.bind(name.text, { kind: 'const', init });
      } else {
        this.bind(name.text, { kind: 'other' });
      }
      // `const key = input.idempotencyKey`: the local name now holds the key.
      const unit = this.currentUnit;
      if (unit && init && this.isKeyRead(init)) unit.keyNames.add(name.text);
      return;
    }
    if (!isObjectBindingPattern(name)) return;
    const source = init !== undefined ? unwrap(init) : undefined;
    const sourceText = source ? source.getText(this.sourceFile) : '';
    const fromHandle = source !== undefined && this.isHandle(source);
    const fromParameter = source !== undefined && isIdentifier(source) && this.isUnitParameter(source);
    for (const element of name.elements) {
      if (!isIdentifier(element.name)) continue;
      const local = element.name.text;
      const property = element.propertyName ? memberName(element.propertyName) : local;
      if (fromHandle && property !== undefined && this.handleMethods.has(property)) {
        // `const { commit } = db` / `const { execute: run } = req.db`: calling the local calls the handle.
        this.bind(local, { kind: 'method', method: property, handle: sourceText });
      } else if (property !== undefined && this.handleNames.has(property)) {
        // `const { db: conn } = request`.
        this.bind(local, { kind: 'handle', text: `${source !== undefined ? this.handleOrigin(source) : sourceText}.${property}` });
      } else {
        this.bind(local, { kind: 'other' });
      }
      if (fromParameter && property !== undefined && this.keyParams.has(property) && this.currentUnit) {
        this.currentUnit.takesKey = true;
        this.currentUnit.keyNames.add(local);
      }
    }
  }

  private isUnitParameter(identifier: TS.Identifier): boolean {
    return this.currentUnit?.params.has(identifier.text) ?? false;
  }

  /** `input.idempotencyKey` / `input['idempotency_key']` where `input` is a parameter of the unit. */
  private isKeyRead(expression: TS.Expression): boolean {
    const target = unwrap(expression);
    if (!isPropertyAccessExpression(target) && !isElementAccessExpression(target)) return false;
    const name = lastName(target);
    if (name === undefined || !this.keyParams.has(name)) return false;
    const object = unwrap(target.expression);
    return isIdentifier(object) && this.isUnitParameter(object);
  }

  private noteKeyRead(access: TS.PropertyAccessExpression | TS.ElementAccessExpression): void {
    const unit = this.currentUnit;
    if (!unit || unit.takesKey) return;
    // Every property access passes here: compare the name before anything else.
    const name = isPropertyAccessExpression(access)
      ? access.name.text
      : isStringLiteralLike(access.argumentExpression)
        ? access.argumentExpression.text
        : undefined;
    if (name !== undefined && this.keyParams.has(name) && this.isKeyRead(access)) unit.takesKey = true;
  }

  private visitBinary(binary: TS.BinaryExpression): void {
    this.visit(binary.left);
    this.visit(binary.right);
    if (binary.operatorToken.kind !== SyntaxKind.EqualsToken) return;
    const left = unwrap(binary.left);
    if (isIdentifier(left)) {
      // `let conn; conn = this.db;`
      if (this.isHandle(binary.right)) {
        this.bind(left.text, { kind: 'handle', text: this.handleOrigin(binary.right) });
      } else if (this.mentionsOutbox(binary.right)) {
        this.bind(left.text, { kind: 'outbox' });
      }
    } else if (
      this.constructorOf &&
      isPropertyAccessExpression(left) &&
      left.expression.kind === SyntaxKind.ThisKeyword
    ) {
      this.constructorOf.facts.properties.push({
        name: left.name.text,
        initializer: binary.right.getText(this.sourceFile),
        line: lineOf(left, this.sourceFile),
      });
    }
  }

  private visitCall(call: TS.CallExpression): void {
    if (this.modelMethod !== undefined) this.noteWriteWrapper(call);
    const role = this.roleHere();
    if (role === 'router') this.noteRoute(call);
    this.markChainLinks(call);
    // Decided before the walk goes inside: a transaction scope's callbacks hold its transaction handle.
    const db = this.stack.hasData && !this.chainLinks.has(call) && !this.isOutboxOrStoreCall(call) ? this.presetDbCall(call) : undefined;
    const prefix = this.registerPrefixOf(call);
    const outerPrefix = this.registerPrefix;
    if (prefix !== undefined) this.registerPrefix = outerPrefix + prefix;
    if (db?.effect === 'scope') {
      for (const argument of call.arguments) {
        const fn = unwrap(argument);
        if (isFunctionValue(fn)) this.scopeCallbacks.set(fn, db.idiom);
      }
      this.txDepth++;
      forEachChild(call, this.visitChild);
      this.txDepth--;
    } else {
      forEachChild(call, this.visitChild);
    }
    this.registerPrefix = outerPrefix;

    const callee = call.expression;
    const parts = calleeParts(callee);
    if (this.currentClass) {
      const called = parts?.method ?? (isIdentifier(unwrap(callee)) ? (unwrap(callee) as TS.Identifier).text : undefined);
      if (called !== undefined) this.classCalls.get(this.currentClass)!.add(called);
    }
    if (role === 'other') {
      if (db) this.model.strayDbCalls.push({ line: lineOf(call, this.sourceFile), call: db.verb, effect: db.effect, preset: db.idiom.preset });
      return;
    }
    this.noteHandoff(call);
    if (db) {
      this.recordPresetCall(call, db, role);
      return;
    }

    let method: string | undefined;
    let handleText: string | undefined;
    let handleOrigin: string | undefined;
    if (parts && this.isHandle(parts.receiver)) {
      method = parts.method;
      handleText = unwrap(parts.receiver).getText(this.sourceFile);
      handleOrigin = this.handleOrigin(parts.receiver);
    } else if (!parts && isIdentifier(unwrap(callee))) {
      const binding = this.lookup((unwrap(callee) as TS.Identifier).text);
      if (binding?.kind === 'method') {
        method = binding.method;
        handleText = binding.handle;
        handleOrigin = binding.handle;
      }
    }

    let write = false;
    let commit = false;
    let event = false;
    let check: CheckStyle | undefined;
    let helper: string | undefined;
    let publish = false;
    if (method !== undefined && handleText !== undefined) {
      if (this.executeCalls.has(method)) write = isWriteSql(resolveText(call.arguments[0], this.constLookup), this.settings);
      commit = this.commitCalls.has(method);
      if (role === 'router' && (this.routerCalls.has(method) || this.strictRouterCalls.has(method))) {
        const effect: DbEffect | undefined = commit ? 'commit' : this.executeCalls.has(method) ? (write ? 'write' : 'read') : SESSION_EFFECTS.get(method);
        this.model.routerDbCalls.push({
          ...spanOf(call, this.sourceFile),
          call: method,
          kind: this.commitCalls.has(method) ? 'commit' : this.executeCalls.has(method) ? 'execute' : 'other',
          handle: handleText,
          ...(handleOrigin !== undefined && handleOrigin !== handleText ? { origin: handleOrigin } : {}),
          strictOnly: !this.routerCalls.has(method),
          ...(this.currentUnit?.kind === 'route' ? { route: this.currentUnit.name } : {}),
          ...(effect ? { effect } : {}),
        });
      }
    } else if (parts) {
      const { method: called, receiver } = parts;
      if (this.eventCalls.has(called) && this.mentionsOutbox(receiver)) {
        event = true;
      } else if (this.redisCalls.has(called) && this.isIdempotencyRedisKey(call.arguments[0])) {
        check = 'redis';
      } else if (this.storeCalls.has(called) && mentionsAny(lastName(receiver) ?? '', this.names.stores)) {
        check = 'store';
      } else if (
        unwrap(receiver).kind === SyntaxKind.ThisKeyword &&
        this.currentUnit?.owner !== undefined &&
        this.currentUnit.owner === this.currentClass &&
        this.currentClass.helpers.has(called)
      ) {
        helper = called;
      } else if (unwrap(receiver).kind === SyntaxKind.ThisKeyword && this.currentUnit?.owner !== undefined && this.currentUnit.owner === this.currentClass) {
        // `this.findOne(id)`: another public member; whether it reads is known once the class is walked (operations.ts).
        (this.currentUnit.memberCalls ??= []).push({ node: call, name: called });
      } else if (this.isPublish(called, receiver)) {
        publish = true;
      }
    } else if (!parts && isIdentifier(unwrap(callee))) {
      // `insertLine(client, …)`: a same-file function helping an exported one.
      const name = (unwrap(callee) as TS.Identifier).text;
      const owner = this.currentUnit?.owner;
      if (owner?.isModule && owner.helpers.has(name) && this.lookup(name) === undefined) helper = name;
    }
    if (!write && method !== undefined && handleText !== undefined && this.executeCalls.has(method)) this.recordRead(call);
    // `db.rollback()` on a session: the unit's own rollback.
    if (method !== undefined && handleText !== undefined && !commit && SESSION_EFFECTS.get(method) === 'rollback' && this.currentUnit) {
      (this.currentUnit.rollbacks ??= []).push({ node: call, handle: handleOrigin ?? handleText });
    }
    // Most calls are none of these; only the ones that are get a record.
    if (write || commit || event || check || helper || publish) {
      this.record({
        node: call,
        write,
        commit,
        event,
        optional: isOptionalChain(call),
        ...(handleOrigin !== undefined && (write || commit) ? { handle: handleOrigin } : {}),
        ...(check ? { check } : {}),
        ...(helper !== undefined ? { helper } : {}),
        ...(publish ? { publish } : {}),
        ...(write ? { effect: 'write' as const } : commit ? { effect: 'commit' as const } : {}),
        // The session's own way back: `db.rollback()` on the handle as written.
        ...(commit && !write ? { rollback: `${handleText}.${SESSION_ROLLBACK}()` } : {}),
      });
    }
  }

  /**
   * `commitAndLog(this.db)`, `savePolicies(id, next, tx)`: a function called by its name (not a method, not a same-file
   * helper the walk follows) with a DB handle among its arguments. What it does with the handle is out of sight.
   */
  private noteHandoff(call: TS.CallExpression): void {
    const unit = this.currentUnit;
    const callee = unwrap(call.expression);
    if (!unit || !isIdentifier(callee) || call.arguments.length === 0) return;
    const name = callee.text;
    if (unit.owner?.isModule && unit.owner.helpers.has(name) && this.lookup(name) === undefined) return;
    for (const argument of call.arguments) {
      const value = unwrap(argument);
      if (!isIdentifier(value) && !isPropertyAccessExpression(value) && !isElementAccessExpression(value)) continue;
      if (this.isHandle(value)) {
        (unit.handoffs ??= []).push({ node: call, callee: name, handle: this.handleOrigin(value), transaction: false });
        return;
      }
      const handle = this.stack.hasData ? this.dbHandleOf(value) : undefined;
      if (handle && !handle.model && !handle.instance) {
        (unit.handoffs ??= []).push({ node: call, callee: name, handle: handle.text, transaction: handle.tx });
        return;
      }
    }
  }

  private recordRead(call: TS.Node): void {
    const unit = this.currentUnit;
    if (unit) (unit.reads ??= []).push(call);
  }

  /** A DB call in a preset's idiom: a router finding in a router, an effect of the operation around it. */
  private recordPresetCall(call: TS.CallExpression | TS.TaggedTemplateExpression, db: PresetDbCall, role: FileRole): void {
    if (role === 'router') {
      this.model.routerDbCalls.push({
        ...spanOf(call, this.sourceFile),
        call: db.verb,
        kind: db.effect === 'commit' || db.effect === 'scope' ? 'commit' : db.effect === 'write' ? 'execute' : 'other',
        handle: db.handle.text,
        ...(db.handle.origin !== undefined ? { origin: db.handle.origin } : {}),
        ...(db.handle.pool && db.idiom.pools ? { checkout: db.idiom.pools.checkout } : {}),
        strictOnly: false,
        ...(this.currentUnit?.kind === 'route' ? { route: this.currentUnit.name } : {}),
        effect: db.effect,
        preset: db.idiom.preset,
      });
    }
    const unit = this.currentUnit;
    if (db.effect === 'begin' && unit) {
      unit.inTransaction = true;
      (unit.begins ??= []).push({ node: call, ...(db.handle.text ? { handle: db.handle.text } : {}) });
    }
    if (db.effect === 'rollback' && unit) (unit.rollbacks ??= []).push({ node: call, ...(db.handle.text ? { handle: db.handle.text } : {}) });
    const write = db.effect === 'write';
    const event = write && db.outbox && !db.commitsToo;
    const commit = db.effect === 'commit' || db.effect === 'scope' || db.commitsToo;
    if (db.effect === 'read') this.recordRead(call);
    if (!write && !commit) return;
    this.record({
      node: call,
      write,
      commit,
      event,
      optional: isCallExpression(call) && isOptionalChain(call),
      effect: db.effect,
      ...(db.effect === 'scope' ? { scope: true } : {}),
      ...(db.handle.text ? { handle: db.handle.text } : {}),
      ...(db.effect === 'scope' && isCallExpression(call) ? scopeTransactionOf(call) : {}),
      ...wrapInOf(db),
    });
  }

  /** `` prisma.$executeRaw`UPDATE …` ``: a tagged template on a handle whose text is SQL. */
  private visitTaggedSql(tagged: TS.TaggedTemplateExpression): void {
    const parts = calleeParts(tagged.tag);
    if (!parts) return;
    const handle = this.dbHandleOf(parts.receiver);
    if (!handle || !handle.idiom.sqlTags.has(parts.method)) return;
    const effect = this.sqlEffect(resolveText(tagged.template, this.constLookup), handle.idiom);
    const role = this.roleHere();
    const tx = handle.tx || this.txDepth > 0 || (this.currentUnit?.inTransaction ?? false);
    const db: PresetDbCall = {
      idiom: handle.idiom,
      handle,
      effect,
      verb: parts.method,
      tx,
      commitsToo: effect === 'write' && !tx && handle.idiom.autocommit,
      outbox: effect === 'write' && this.writesOutbox(tagged, resolveText(tagged.template, this.constLookup)?.literal ?? ''),
    };
    if (role === 'other') {
      this.model.strayDbCalls.push({ line: lineOf(tagged, this.sourceFile), call: db.verb, effect: db.effect, preset: db.idiom.preset });
      return;
    }
    this.recordPresetCall(tagged, db, role);
  }

  /** `fastify.register(async (app) => { … }, { prefix: '/v1' })`: the routes inside get the prefix. */
  private registerPrefixOf(call: TS.CallExpression): string | undefined {
    const parts = calleeParts(call.expression);
    if (!parts || parts.method !== 'register' || call.arguments.length < 2) return undefined;
    const options = unwrap(call.arguments[1]!);
    if (!isObjectLiteralExpression(options)) return undefined;
    const prefix = options.properties.find((property) => isPropertyAssignment(property) && memberName(property.name) === 'prefix');
    return prefix && isPropertyAssignment(prefix) && isStringLiteralLike(prefix.initializer) ? prefix.initializer.text : undefined;
  }

  private isIdempotencyRedisKey(argument: TS.Expression | undefined): boolean {
    const prefix = this.settings.idempotency.redisKeyPrefix;
    const key = resolveText(argument, this.constLookup);
    return key !== undefined && prefix.length > 0 && key.head.startsWith(prefix);
  }

  private record(facts: CallFacts): void {
    this.model.calls.set(facts.node, facts);
    this.currentUnit?.effects.push(facts);
    // The call and every node that contains it are effectful. A node already marked has its own ancestors marked.
    const effectful = this.model.effectful;
    effectful.add(this.sourceFile);
    for (let i = this.depth - 1; i >= 0; i--) {
      const node = this.ancestors[i]!;
      if (effectful.has(node)) break;
      effectful.add(node);
    }
  }

  // ---- routes -------------------------------------------------------------------------------------------------

  /** `app.post('/x', [opts], handler)` or `app.route({ method, url, handler })`: the handler becomes a unit. */
  private noteRoute(call: TS.CallExpression): void {
    const parts = calleeParts(call.expression);
    if (!parts) return;
    const args = call.arguments;
    // Prefixes of router objects: `router.prefix('/api')`, `const api = new Hono().basePath('/api')`.
    if ((parts.method === 'prefix' || parts.method === 'basePath') && args.length === 1 && isStringLiteralLike(args[0]!)) {
      const owner = lastName(parts.receiver);
      if (owner !== undefined) this.routerPrefixes.set(owner, args[0].text);
    }
    const web = this.stack.web;
    if (web.procedureMethods.has(parts.method) && args.length === 1 && isFunctionValue(args[0]) && web.procedureReceiver) {
      // `authedProcedure.input(schema).mutation(async ({ ctx, input }) => …)`: named by the key that holds it.
      let root: TS.Expression = parts.receiver;
      for (let depth = 0; depth < 16 && (isCallExpression(root) || isPropertyAccessExpression(root)); depth++) root = unwrap(root.expression);
      const rootName = lastName(root);
      if (rootName !== undefined && web.procedureReceiver.test(rootName)) {
        const key = this.propertyKey ?? handlerName(args[0]) ?? 'procedure';
        this.addRoute(`${parts.method.toUpperCase()} ${key}`, call.expression, args[0], call);
        return;
      }
    }
    if ((this.routeMethods.has(parts.method) || this.stack.web.routeMethods.has(parts.method)) && args.length >= 2) {
      const handler = args[args.length - 1];
      if (!isFunctionValue(handler)) return;
      const pathNode = args[0]!;
      const path = isStringLiteralLike(pathNode) ? pathNode.text : undefined;
      // `this.cache.get(ctx, key, () => …)` is no route: a route's path is a literal, or its receiver is a router.
      if (path === undefined && !isTemplateExpression(pathNode) && !this.isRouterReceiver(parts.receiver)) return;
      const verb = parts.method === 'del' ? 'DELETE' : parts.method.toUpperCase();
      const name =
        path !== undefined ? `${verb} ${this.prefixed(parts.receiver, path)}` : (handlerName(handler) ?? `${verb} ${pathNode.getText(this.sourceFile)}`);
      this.addRoute(name, pathNode, handler, call);
      return;
    }
    if (parts.method === 'route' && args.length === 1 && isObjectLiteralExpression(args[0]!)) {
      let verbs: string[] = [];
      let pathNode: TS.Node | undefined;
      let handler: TS.FunctionLikeDeclaration | undefined;
      for (const property of args[0].properties) {
        const key = memberName(property.name);
        if (isMethodDeclaration(property) && key === 'handler') handler = property;
        if (!isPropertyAssignment(property)) continue;
        if (key === 'handler' && isFunctionValue(property.initializer)) handler = property.initializer;
        if (key === 'url' || key === 'path') pathNode = property.initializer;
        if (key === 'method') {
          const value = property.initializer;
          if (isStringLiteralLike(value)) verbs = [value.text];
          else if (isArrayLiteralExpression(value)) verbs = value.elements.filter(ts.isStringLiteralLike).map((e) => e.text);
        }
      }
      if (!handler) return;
      const verb = verbs.map((v) => v.toUpperCase()).join(',') || 'ROUTE';
      const path = pathNode && isStringLiteralLike(pathNode) ? pathNode.text : undefined;
      const name = path !== undefined ? `${verb} ${path}` : handlerName(handler) ?? verb;
      this.addRoute(name, pathNode ?? call.expression, handler, call);
    }
  }

  private isRouterReceiver(receiver: TS.Expression): boolean {
    const name = lastName(receiver);
    if (name === undefined) return false;
    return this.stack.web.routerNames.has(name) || /^(app|router|routes|server|fastify|instance|api)$/i.test(name) || /(Router|Routes|App)$/.test(name);
  }

  /** The path with the prefixes known for its router: `register(…, { prefix })` around it, `new Router({ prefix })`. */
  private prefixed(receiver: TS.Expression, path: string): string {
    const owner = lastName(receiver);
    const own = owner !== undefined ? this.routerPrefixes.get(owner) : undefined;
    if (own === undefined && this.registerPrefix === '') return path;
    return joinPaths(this.registerPrefix, own ?? '', path);
  }

  private addRoute(name: string, nameNode: TS.Node, fn: TS.FunctionLikeDeclaration, call: TS.CallExpression): void {
    const unit: FunctionUnit = {
      kind: 'route',
      name,
      nameNode,
      fn,
      effects: [],
      params: paramNames(fn),
      keyNames: new Set(),
      takesKey: false,
      isPublic: true,
      routeCall: call,
    };
    this.unitByFunction.set(fn, unit);
    this.model.routes.push(unit);
  }

  // ---- classes ------------------------------------------------------------------------------------------------

  private visitClass(node: TS.ClassLikeDeclaration): void {
    const sourceFile = this.sourceFile;
    const facts: ClassFacts = {
      name: node.name?.text ?? '',
      line: lineOf(node.name ?? node, sourceFile),
      abstract: hasModifier(node, SyntaxKind.AbstractKeyword),
      implements: [],
      methods: [],
      constructorParams: [],
      properties: [],
      calls: [],
    };
    for (const clause of node.heritageClauses ?? []) {
      const names = clause.types.map((type) => type.expression.getText(sourceFile));
      if (clause.token === SyntaxKind.ExtendsKeyword) facts.extends = names[0];
      else facts.implements.push(...names);
    }
    const model: ClassModel = { node, facts, members: new Map(), helpers: new Set(), holdsOutbox: false, memberTypes: new Map() };
    // `@Controller('users')` / `@Resolver()` make a router wherever the file is; `@Injectable()` in a
    // `*.controller.ts` is a provider (a worker), not HTTP.
    const web = this.stack.web;
    let routePrefix = '';
    for (const decorator of this.test ? [] : decoratorsOf(node)) {
      if (web.controllerDecorators.has(decorator.name)) {
        model.role = 'router';
        routePrefix = pathArgument(decorator.args[0]) ?? '';
      }
    }
    if (decoratorsOf(node).some((decorator) => web.serviceDecorators.has(decorator.name) || web.controllerDecorators.has(decorator.name))) facts.constructedByContainer = true;
    if (model.role === undefined && this.role === 'router' && decoratorsOf(node).some((decorator) => web.serviceDecorators.has(decorator.name))) {
      // A provider in a `*.controller.ts` (a worker, a listener) is not HTTP: what it writes are service operations.
      model.role = 'service';
    }
    const isRouterClass = (model.role ?? this.role) === 'router';
    const base = facts.extends !== undefined ? facts.extends.split('<')[0]!.split('.').pop()! : undefined;
    const modelIdiom = base === undefined || !this.stack.hasData ? undefined : (this.stack.modelBases.get(base) ?? this.modelBaseAliases.get(base) ?? this.modelNames.get(base));
    if (modelIdiom) {
      model.modelIdiom = modelIdiom;
      for (const member of node.members) {
        const name = isMethodDeclaration(member) && member.body ? memberName(member.name) : undefined;
        if (name !== undefined) this.modelMethods.set(member, name);
      }
    }

    for (const member of node.members) {
      const name = memberName(member.name);
      if (isConstructorDeclaration(member)) {
        for (const parameter of member.parameters) {
          if (!isIdentifier(parameter.name)) continue;
          const entry = {
            name: parameter.name.text,
            ...(parameter.type ? { type: parameter.type.getText(sourceFile) } : {}),
            ...(parameter.initializer ? { initializer: parameter.initializer.getText(sourceFile) } : {}),
          };
          facts.constructorParams.push(entry);
          if (isParameterPropertyDeclaration(parameter, member)) {
            facts.properties.push({ ...entry, line: lineOf(parameter, sourceFile) });
          }
        }
        continue;
      }
      if (name === undefined) continue;
      const isStatic = hasModifier(member, SyntaxKind.StaticKeyword);
      let fn: TS.FunctionLikeDeclaration | undefined;
      if (isMethodDeclaration(member)) {
        facts.methods.push(name);
        if (member.body && !isStatic) fn = member;
      } else if (isPropertyDeclaration(member)) {
        facts.properties.push({
          name,
          ...(member.type ? { type: member.type.getText(sourceFile) } : {}),
          ...(member.initializer ? { initializer: member.initializer.getText(sourceFile) } : {}),
          line: lineOf(member, sourceFile),
        });
        if (isFunctionValue(member.initializer)) {
          facts.methods.push(name);
          if (!isStatic) fn = member.initializer;
        }
      }
      if (!fn) continue;
      const isPublic =
        !isPrivateIdentifier(member.name!) &&
        // `_helper` and, in the style that marks private members with a trailing underscore (Medusa's `create_`), `helper_`.
        !name.startsWith('_') &&
        !name.endsWith('_') &&
        !hasModifier(member, SyntaxKind.PrivateKeyword) &&
        !hasModifier(member, SyntaxKind.ProtectedKeyword);
      const memberDecorators = decoratorsOf(member);
      // A public method of a controller class, or of a router file's class that takes a request, is a route handler:
      // named by its route decorator when it has one.
      const asRoute = isRouterClass && isPublic && (model.role === 'router' || (fn !== undefined && takesRequest(fn, true)));
      let routeName = `${facts.name || 'class'}.${name}`;
      for (const decorator of memberDecorators) {
        const verb = web.routeDecorators.get(decorator.name);
        if (verb === undefined) continue;
        const path = pathArgument(decorator.args[0]);
        routeName = /^[A-Z]+$/.test(verb) && ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'ALL', 'HEAD', 'OPTIONS'].includes(verb)
          ? `${verb} ${joinPaths(routePrefix, path ?? '')}`
          : `${verb} ${path ?? name}`;
        break;
      }
      const inTransaction = memberDecorators.some((decorator) => this.stack.txDecorators.has(decorator.name));
      const unit: FunctionUnit = {
        kind: asRoute ? 'route' : 'method',
        ...(inTransaction ? { commitsAtExit: true, inTransaction: true } : {}),
        name: asRoute ? routeName : name,
        nameNode: member.name!,
        fn,
        effects: [],
        params: paramNames(fn),
        keyNames: new Set(),
        takesKey: false,
        owner: model,
        isPublic,
        ...(isPropertyDeclaration(member) ? { holder: member } : {}),
      };
      model.members.set(name, unit);
      if (!isPublic) model.helpers.add(name);
      this.unitByFunction.set(fn, unit);
      if (asRoute) this.model.routes.push(unit);
    }
    for (const entry of [...facts.constructorParams, ...facts.properties]) {
      if (entry.type !== undefined) model.memberTypes.set(entry.name, entry.type);
    }
    // Which of them hold a DB handle: by the handle vocabulary (`db`, `session`), a preset's handle name or type.
    const holdsHandle = (entry: { name: string; type?: string }): boolean =>
      this.handleNames.has(entry.name) ||
      (this.stack.hasData && (idiomByName(this.stack, entry.name) !== undefined || (entry.type !== undefined && idiomByType(this.stack, entry.type) !== undefined)));
    const handleParams = facts.constructorParams.filter(holdsHandle).map((entry) => entry.name);
    const handleProperties = facts.properties.filter((entry) => !isFunctionValueText(entry.initializer) && holdsHandle(entry)).map((entry) => entry.name);
    if (handleParams.length > 0) facts.dbHandleParams = handleParams;
    if (handleProperties.length > 0) facts.dbHandleProperties = handleProperties;

    const outerClass = this.currentClass;
    const outerUnit = this.currentUnit;
    this.currentClass = model;
    this.classCalls.set(model, new Set());
    // A nested class is not part of the enclosing operation.
    this.currentUnit = undefined;
    forEachChild(node, this.visitChild);
    this.currentClass = outerClass;
    this.currentUnit = outerUnit;
    facts.calls = [...this.classCalls.get(model)!];
    // `this.x = …` in the constructor was appended during the walk; list properties in source order.
    facts.properties.sort((a, b) => a.line - b.line);

    const holders = [...facts.constructorParams, ...facts.properties].filter(
      (entry) =>
        mentionsAny(entry.name, this.names.outbox) ||
        (entry.type !== undefined && mentionsAny(entry.type, this.names.outbox)) ||
        (entry.initializer !== undefined &&
          NEW_EXPRESSION.test(entry.initializer) &&
          mentionsAny(entry.initializer.split('(')[0]!, this.names.outbox)),
    );
    model.holdsOutbox = holders.length > 0;
    if (holders.length > 0) facts.outboxHolders = [...new Set(holders.map((entry) => entry.name))];
    this.model.classes.push(model);
  }

  // ---- names a file declares and imports ------------------------------------------------------------------------

  private noteTopLevelFunctions(statement: TS.VariableStatement): void {
    const exported = hasModifier(statement, SyntaxKind.ExportKeyword);
    for (const declaration of statement.declarationList.declarations) {
      if (isIdentifier(declaration.name) && isFunctionValue(declaration.initializer)) {
        const line = lineOf(declaration.name, this.sourceFile);
        this.model.functions.push({ name: declaration.name.text, line, exported });
      }
    }
  }

  private visitImport(declaration: TS.ImportDeclaration): void {
    if (!isStringLiteral(declaration.moduleSpecifier)) return;
    const names: string[] = [];
    const clause = declaration.importClause;
    if (clause?.name) names.push(clause.name.text);
    const bindings = clause?.namedBindings;
    if (bindings && isNamespaceImport(bindings)) names.push(bindings.name.text);
    if (bindings && isNamedImports(bindings)) {
      for (const element of bindings.elements) names.push((element.propertyName ?? element.name).text);
    }
    this.model.imports.push({ from: declaration.moduleSpecifier.text, names });
  }

  private visitReexport(declaration: TS.ExportDeclaration): void {
    if (!declaration.moduleSpecifier || !isStringLiteral(declaration.moduleSpecifier)) return;
    const names: string[] = [];
    const clause = declaration.exportClause;
    if (clause && isNamedExports(clause)) {
      for (const element of clause.elements) names.push((element.propertyName ?? element.name).text);
    } else if (clause && isNamespaceExport(clause)) {
      names.push(clause.name.text);
    }
    this.model.imports.push({ from: declaration.moduleSpecifier.text, names });
  }
}

/** `(req, res)`, `(ctx)`, `(request: FastifyRequest)`, `(c: Context)`: a function that handles a request. */
function takesRequest(fn: TS.FunctionLikeDeclaration, method = false): boolean {
  const first = fn.parameters[0];
  if (!first) return false;
  const type = first.type && ts.isTypeReferenceNode(first.type) ? (isIdentifier(first.type.typeName) ? first.type.typeName.text : first.type.typeName.right.text) : undefined;
  // A method's `ctx` is as often a service's request context (`ctx: RequestContext`) as Koa's: only a request counts.
  if (method) return (isIdentifier(first.name) && /^(req|request)$/.test(first.name.text) && (type === undefined || /Request$/.test(type))) || (type !== undefined && /^(Request|FastifyRequest|ExpressRequest)$/.test(type));
  if (type !== undefined) return /(Request|Context)$/.test(type) && type !== 'RequestContext';
  return isIdentifier(first.name) && /^(req|request|ctx|context|c)$/.test(first.name.text);
}

/** `@Post(':id')` → { name: 'Post', args: [':id'] }; `@Injectable` → { name: 'Injectable', args: [] }. */
function decoratorsOf(node: TS.Node): { name: string; args: readonly TS.Expression[] }[] {
  const decorators = ts.canHaveDecorators(node) ? getDecorators(node) : undefined;
  if (!decorators) return [];
  const found: { name: string; args: readonly TS.Expression[] }[] = [];
  for (const decorator of decorators) {
    const expression = decorator.expression;
    const call = isCallExpression(expression) ? expression : undefined;
    const name = lastName(call ? call.expression : expression);
    if (name !== undefined) found.push({ name, args: call ? call.arguments : [] });
  }
  return found;
}

/** A route path given as a literal, or as `{ path: '…' }` (`@Controller({ path: 'users' })`). */
function pathArgument(argument: TS.Expression | undefined): string | undefined {
  if (!argument) return undefined;
  const value = unwrap(argument);
  if (isStringLiteralLike(value)) return value.text;
  if (isObjectLiteralExpression(value)) {
    const path = value.properties.find((property) => isPropertyAssignment(property) && memberName(property.name) === 'path');
    if (path && isPropertyAssignment(path) && isStringLiteralLike(path.initializer)) return path.initializer.text;
  }
  return undefined;
}

/** `/api` + `users/:id` → `/api/users/:id`. */
function joinPaths(...parts: string[]): string {
  const joined = parts.map((part) => part.replace(/^\/+|\/+$/g, '')).filter((part) => part.length > 0).join('/');
  return `/${joined}`;
}

function handlerName(handler: TS.FunctionLikeDeclaration): string | undefined {
  return handler.name && isIdentifier(handler.name) ? handler.name.text : undefined;
}

/** Walks the file once and returns what it found. `role` 'other' records only classes, functions and imports. */
export function buildFileModel(sourceFile: TS.SourceFile, settings: OutboxSettings, role: FileRole, path = sourceFile.fileName, test = false): FileModel {
  return new ModelBuilder(sourceFile, settings, role, path, test).build();
}
