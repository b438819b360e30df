/**
 * A preset says how one stack is written: how its DB handles are named and made, which of their methods write, read,
 * begin, commit or roll back, how it scopes a transaction, and how it declares routes. Presets are data; the model
 * (../model.ts) reads them through the compiled rules of ../stack.ts. Adding a stack is adding a file here.
 */

/** How a stack's calls reach the database from a handle. */
export type HandleShape =
  /** `pool.query(sql)`, `repo.save(x)`, `em.flush()`: the method is called on the handle itself. */
  | 'direct'
  /** `prisma.user.create()`, `tx.order.update()`, `db.query.posts.findMany()`: through a model delegate. */
  | 'delegate'
  /** `db.insertInto('t').values(…).execute()`, `db.update(t).set(…)`: a query-builder chain started on the handle. */
  | 'builder'
  /** `knex('items').insert(…)`, `trx('items').where(…).del()`: the handle is called with a table, then chained. */
  | 'callable';

/** See DataIdiom.wrapScope. */
export interface WrapScope {
  /** What is called on the handle with the callback: `$transaction`, `transaction`, `transaction().execute`. */
  open: string;
  /** The name the callback gives the transaction's handle, by the stack's own docs: `tx`, `trx`. */
  param: string;
  /**
   * Where the transaction's handle is a drop-in only for some handles (TypeORM's `manager` stands for an
   * `EntityManager` or a `DataSource`, not for an injected `Repository<T>`): the last names of those handles. A handle
   * of another name is a repository, put in the transaction through `repository`.
   */
  managerNames?: string[];
  /**
   * A repository's way into the transaction: opened on `<handle>.<openOn>` (`this.invoices.manager.transaction(…)`),
   * each use of the repository made on `<param>.<use>(<handle>)` (`manager.withRepository(this.invoices)`).
   */
  repository?: { openOn: string; use: string };
  /** Last names of handles that run their own transactions and are never wrapped (`queryRunner`). */
  never?: string[];
  /**
   * Every handle of this stack reaches one database through one connection pool, so one transaction can span several
   * (TypeORM's repositories and managers of the data source); not so for clients that are each their own pool.
   */
  shared?: boolean;
}

export interface DataIdiom {
  /** Last names that are a handle of this stack wherever they appear: `prisma`, `pool`, `em`, `knex`. */
  handleNames?: string[];
  /** Globs on the last name (`*Repository`, `*Repo`): an injected repository. */
  handleNamePatterns?: string[];
  /** A declared type whose text contains one of these makes a handle: `PrismaClient`, `Repository<`, `EntityManager`. */
  handleTypes?: string[];
  /** Methods or functions whose result is a handle: `getRepository(User)`, `pool.connect()`, `orm.em.fork()`. */
  producers?: string[];
  /** Calls that begin a transaction and return its handle when given no callback: `sequelize.transaction()`. */
  txProducers?: string[];
  shapes: HandleShape[];
  writeVerbs: string[];
  readVerbs: string[];
  /** Methods whose first argument is SQL (`query`, `raw`, `$executeRawUnsafe`): the SQL says read or write. */
  sqlVerbs?: string[];
  /** Tagged templates on a handle whose text is SQL: `` prisma.$executeRaw`…` ``. */
  sqlTags?: string[];
  beginVerbs?: string[];
  commitVerbs?: string[];
  rollbackVerbs?: string[];
  /** Methods that run a callback in a transaction and commit when it returns: `$transaction`, `transactional`. */
  scopeVerbs?: string[];
  /** Decorators that run a method in a transaction: `@Transactional()`. */
  txDecorators?: string[];
  /** A write outside a transaction commits by itself (ORMs); false where writes wait for a flush or a commit. */
  autocommit: boolean;
  /**
   * How writes that commit by themselves are put in one transaction: `<handle>.<open>(async (<param>) => …)`, inside
   * which the same calls made on `<param>` instead of the handle join it (Prisma's `$transaction`, whose `tx` has the
   * client's model delegates; Knex's callable `trx`; TypeORM's `manager`, through `withRepository` for an injected
   * repository). Absent where no callback's handle can stand in for the handle (Sequelize's `{ transaction: t }`
   * option, MikroORM's flush).
   */
  wrapScope?: WrapScope;
  /** How this stack runs several writes in one transaction, as a person writes it (for messages). */
  transactionIdiom?: string;
  /**
   * Handles that are pools: a transaction runs on a client checked out of one (`const client = await pool.connect()`),
   * never on the pool, whose every call may take another connection. By last name when a handle has no declared type
   * (`pool`), else by its declared type (`Pool`); `checkout` is the method that hands out a client.
   */
  pools?: { names: string[]; types: string[]; checkout: string };
  /** Classes that extend one of these are models whose statics reach the database (Sequelize's `Model`). */
  modelBases?: string[];
  /** PascalCase names imported from a path containing one of these are models: `models`, `.model`. */
  modelImports?: string[];
  /** Methods of a model instance that write (`user.save()`), on locals produced by a model read or `build`. */
  instanceWriteVerbs?: string[];
  /** Model statics whose result is an instance: `findByPk`, `findOne`, `build`, `create`. */
  instanceProducers?: string[];
  /** SQL that begins, commits or rolls back when passed to a SQL verb: node-postgres' `client.query('BEGIN')`. */
  sqlTransactionControl?: boolean;
  /** An options object with this key puts the call in that transaction: Sequelize's `{ transaction: t }`. */
  txOption?: string;
}

export interface WebIdiom {
  /** `app.<method>(path, …, handler)` declares a route. */
  routeMethods?: string[];
  /** Receivers that are routers whatever their first argument: `router`, `app`. (Any receiver with a path literal is.) */
  routerNames?: string[];
  /** Class decorators that make a class a router (HTTP or GraphQL): `@Controller`, `@Resolver`. */
  controllerDecorators?: string[];
  /** Method decorators that declare a route, with the verb they stand for: `@Post` → POST, `@Mutation` → MUTATION. */
  routeDecorators?: Record<string, string>;
  /** Class decorators of providers that are not HTTP even in a router file: `@Injectable`, `@Processor`. */
  serviceDecorators?: string[];
  /** Exported functions with these names are route handlers (`export async function POST`). */
  exportedHandlers?: string[];
  /** `new Router({ prefix })`, `router.prefix('/x')`, `basePath('/x')`, `register(fn, { prefix })`. */
  prefixes?: boolean;
  /**
   * Procedure builders (tRPC): `<x>Procedure.input(…).mutation(async ({ ctx, input }) => …)` declares a route named by
   * the property that holds it (`MUTATION createDocument`).
   */
  procedures?: { methods: string[]; receiverPattern: string };
}

export interface Preset {
  name: string;
  kind: 'data' | 'web';
  /** One sentence for `init` and the docs. */
  description: string;
  /** Dependencies in a package.json (or import specifiers) that switch the preset on. */
  enablers: string[];
  routerFiles?: string[];
  serviceFiles?: string[];
  data?: DataIdiom;
  web?: WebIdiom;
}
