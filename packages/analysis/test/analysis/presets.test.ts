import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectPresets, resolveSettings, validateConfig } from '../../src/index.js';
import { analyze, missingOf, operation, ROUTER_PATH } from './support.js';

// What the presets add, case by case. Each stack's whole idiom is covered by its fixture app (test/apps).

describe('routes', () => {
  it('a cache get(key, fn) in a router is no route; a path literal or a router receiver is', () => {
    const code = [
      "app.get('/items', async (req) => this.cache.get(ctx, key, () => req.db.execute('INSERT INTO t DEFAULT VALUES')));",
      'router.post(PATHS.create, async function create(req) { await req.db.execute("INSERT INTO t DEFAULT VALUES"); });',
      'cache.get(ctx, key, async () => { await db.execute("DELETE FROM t"); });',
    ].join('\n');
    expect(analyze(code, ROUTER_PATH).operations.map((op) => op.method)).toEqual(['GET /items', 'create']);
  });

  it('a class-based controller in a router file: its public methods that take a request are route handlers', () => {
    const code = [
      'export class ItemsRoutes {',
      '  constructor(private readonly db: DbSession) {}',
      "  async rename(req: Request, res: Response) { await this.db.execute('UPDATE items SET name = $1', [req.body.name]); await this.db.commit(); }",
      "  async save(x: Item) { await this.db.execute('INSERT INTO items DEFAULT VALUES'); }",
      '}',
    ].join('\n');
    const found = analyze(code, ROUTER_PATH);
    expect(found.operations.map((op) => [op.kind, op.method])).toEqual([['router', 'ItemsRoutes.rename']]);
    expect(found.routerDbCalls.map((call) => call.route)).toEqual(['ItemsRoutes.rename', 'ItemsRoutes.rename', undefined]);
  });

  it('literal prefixes: new Router({ prefix }), router.prefix(), register(fn, { prefix }), @Controller(path)', () => {
    const write = "await Group.destroy({ where: { id: ctx.params.id } });";
    const koa = `import Router from '@koa/router';\nimport { Group } from '../models/group';\nconst router = new Router({ prefix: '/api' });\nrouter.del('/groups/:id', async (ctx) => { ${write} });`;
    expect(analyze(koa, 'src/routes/groups.ts', { presets: ['koa', 'sequelize'] }).operations.map((op) => op.method)).toEqual(['DELETE /api/groups/:id']);
    const fastify = "app.register(async (v1) => { v1.post('/items', async (request) => { await request.db.execute('INSERT INTO items DEFAULT VALUES'); }); }, { prefix: '/v1' });";
    expect(analyze(fastify, ROUTER_PATH).operations.map((op) => op.method)).toEqual(['POST /v1/items']);
    const nest = [
      "@Controller('users')",
      'export class UsersController {',
      '  constructor(private readonly prisma: PrismaService) {}',
      "  @Patch(':id') rename(@Param('id') id: string) { return this.prisma.user.update({ where: { id }, data: {} }); }",
      '}',
    ].join('\n');
    const found = analyze(nest, 'src/users/anything.ts', { presets: ['nestjs', 'prisma'] });
    expect(found.role).toBe('router');
    expect(found.operations.map((op) => op.method)).toEqual(['PATCH /users/:id']);
  });
});

describe('data access', () => {
  it('an ORM write outside a transaction commits by itself; inside a scope the scope commits, after the event', () => {
    const code = [
      'export class OrdersService {',
      '  constructor(private readonly prisma: PrismaService, private readonly events: EventEmitter2) {}',
      '  async place(input: Input) {',
      '    return this.prisma.$transaction(async (tx) => {',
      '      const order = await tx.order.create({ data: input });',
      "      await tx.outboxEvent.create({ data: { type: 'order.placed', aggregateId: order.id } });",
      '      return order;',
      '    });',
      '  }',
      '  async cancel(id: string) {',
      "    await this.prisma.order.update({ where: { id }, data: { status: 'CANCELLED' } });",
      "    this.events.emit('order.cancelled', { id });",
      '  }',
      '}',
    ].join('\n');
    const settings = { presets: ['prisma'] };
    const place = operation(code, 'place', 'src/orders/orders.service.ts', settings);
    expect([place.outbox, place.event, place.commit]).toEqual([true, true, true]);
    const cancel = operation(code, 'cancel', 'src/orders/orders.service.ts', settings);
    expect([cancel.event, cancel.commit]).toEqual([false, true]);
    expect(missingOf(cancel, 'event')?.reason).toBe('event-dual-write');
  });

  it('node-postgres: BEGIN … COMMIT on a client; SQL decides read or write; an object without text is no SQL', () => {
    const code = [
      "import { Pool } from 'pg';",
      'export async function rename(pool: Pool, id: string, name: string) {',
      '  const client = await pool.connect();',
      "  await client.query('BEGIN');",
      "  await client.query('UPDATE items SET name = $2 WHERE id = $1', [id, name]);",
      "  await client.query({ text: 'INSERT INTO outbox (type) VALUES ($1)', values: ['item.renamed'] });",
      "  await client.query('COMMIT');",
      '}',
      "export async function list(pool: Pool) { return pool.query('SELECT * FROM items'); }",
      'export async function apollo(client: ApolloClient) { return client.query({ query: ITEMS }); }',
    ].join('\n');
    const found = analyze(code, 'src/items/items.service.ts', { presets: ['node-postgres'] });
    expect(found.operations.map((op) => [op.method, op.event, op.commit])).toEqual([['rename', true, true]]);
  });

  it('a team\'s own ORM verbs join through dbWriteCalls', () => {
    const code = "import { Document } from '@server/models';\nexport async function publish(id: string) { const doc = await Document.findByPk(id); await doc.saveWithCtx(ctx); }";
    expect(analyze(code, 'src/services/publish.ts', { presets: ['sequelize'] }).operations).toEqual([]);
    expect(analyze(code, 'src/services/publish.ts', { presets: ['sequelize'], dbWriteCalls: ['saveWithCtx'] }).operations.map((op) => op.method)).toEqual(['publish']);
  });
});

describe('config', () => {
  it('a list key takes { add, remove } to change its default instead of replacing it', () => {
    const settings = resolveSettings({ ignore: { add: ['generated/**'], remove: ['**/build/**'] } });
    expect(settings.ignore).toContain('**/dist/**');
    expect(settings.ignore).toContain('generated/**');
    expect(settings.ignore).not.toContain('**/build/**');
    expect(validateConfig({ ignore: { add: ['x'], keep: ['y'] } })).toEqual([{ key: 'ignore.keep', message: 'unknown key' }]);
  });

  it('presets are validated by name', () => {
    expect(validateConfig({ presets: ['prisma', 'prizma'] })[0]?.message).toMatch(/unknown value "prizma" \(did you mean "prisma"\?\)/);
  });

  it("a preset's globs join the defaults: a resolver is a router under nestjs", () => {
    expect(resolveSettings({ presets: ['nestjs'] }).routerFiles.some((glob) => glob.includes('*.resolver.'))).toBe(true);
  });
});

describe('detectPresets', () => {
  it('reads every package.json and the imports of router and service files; pg under an ORM is its driver', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'outbox-detect-'));
    try {
      mkdirSync(path.join(root, 'api/src/routes'), { recursive: true });
      writeFileSync(path.join(root, 'package.json'), JSON.stringify({ workspaces: ['api'] }));
      writeFileSync(path.join(root, 'api/package.json'), JSON.stringify({ dependencies: { knex: '3', pg: '8' } }));
      writeFileSync(path.join(root, 'api/src/routes/items.ts'), "import type { Context } from 'hono';\nimport express from 'express';\n");
      const found = detectPresets(root);
      expect(found.presets).toEqual(['express', 'knex']);
      expect(found.evidence).toContainEqual({ preset: 'express', where: 'api/src/routes/items.ts:2', enabler: 'express' });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe("a team's own repositories and stores", () => {
  const code = [
    'export class FeatureService {',
    '  constructor(private readonly featureStore: FeatureStore, private readonly outboxRepo: OutboxRepository, private readonly db: Knex) {}',
    '  async archive(name: string) {',
    '    await this.featureStore.archiveFeature(name);',
    "    await this.outboxRepo.addEvent({ type: 'feature.archived', name });",
    '  }',
    '  async list() { return this.featureStore.getAll(); }',
    '}',
  ].join('\n');

  it('with a data preset on, a *Store method named like a write writes; the outbox call stays an event call', () => {
    const found = analyze(code, 'src/services/feature-service.ts', { presets: ['knex'] });
    expect(found.operations.map((op) => [op.method, op.commit])).toEqual([['archive', true]]);
  });

  it('without a data preset nothing changes, and repositoryNames: [] turns it off', () => {
    expect(analyze(code, 'src/services/feature-service.ts').operations).toEqual([]);
    expect(analyze(code, 'src/services/feature-service.ts', { presets: ['knex'], repositoryNames: [] }).operations).toEqual([]);
  });
  it('a parameter typed by the store class, or a local made from it, is one; a name alone is not', () => {
    const functions = [
      "import { cookies } from './request-cookies';",
      'export async function archiveAll(featureStore: IFeatureStore, names: string[]) {',
      '  for (const name of names) await featureStore.archiveFeature(name);',
      '}',
      'export async function seedOne(db: Knex) {',
      '  const featureStore = new FeatureStore(db);',
      "  await featureStore.createFeature({ name: 'a' });",
      '}',
      'export async function setCookie(name: string, value: string) {',
      '  const cookieStore = await cookies();',
      '  cookieStore.set(name, value);',
      '}',
      'export function remember(key: string, value: string) {',
      '  const memoryStore = new Map<string, string>();',
      '  memoryStore.set(key, value);',
      '}',
    ].join('\n');
    const found = analyze(functions, 'src/services/features.ts', { presets: ['knex'] });
    expect(found.operations.map((op) => [op.method, op.firstWrite.line])).toEqual([['archiveAll', 3], ['seedOne', 7]]);
  });

  it('a member that is a Map or of no store type, a component file and a front-end module have no repositories', () => {
    const members = [
      'export class CacheService {',
      '  private readonly sessionStore = new Map<string, Session>();',
      '  constructor(private readonly settings: Settings, private readonly rootStore: RootStore) {}',
      '  async save(id: string, session: Session) { this.sessionStore.set(id, session); }',
      '  async clear() { this.sessionStore.delete(\'all\'); }',
      '  async reset() { await this.rootStore.deleteAll(); }',
      '}',
    ].join('\n');
    // `rootStore: RootStore` is typed by a class so named: a repository in a backend service file.
    expect(analyze(members, 'src/services/cache.service.ts', { presets: ['knex'] }).operations.map((op) => op.method)).toEqual(['reset']);
    // The same class in a module that imports MobX, or in a component file: a front-end store, no DB work.
    expect(analyze(`import { observable } from 'mobx';\n${members}`, 'src/services/cache.service.ts', { presets: ['knex'] }).operations).toEqual([]);
    expect(analyze(members, 'src/services/cache.service.tsx', { presets: ['knex'] }).operations).toEqual([]);
  });
});

describe("a codebase's own write methods over its ORM", () => {
  const base = [
    "import { Model as SequelizeModel } from 'sequelize-typescript';",
    'export class Model extends SequelizeModel {',
    '  public saveWithCtx(ctx: APIContext, options?: SaveOptions) {',
    '    return this.save({ ...options, ...ctx.context });',
    '  }',
    '  public static createWithCtx(ctx: APIContext, values: object) {',
    '    return this.create(values, { ...ctx.context });',
    '  }',
    '  public toPlainWithCtx(ctx: APIContext) { return this.get({ plain: true }); }',
    '  public async save(options?: SaveOptions) { return super.save(options); }',
    '}',
    'export class DraftCache {',
    '  saveWithCtx(ctx: APIContext) { return this.save(ctx); }',
    '  save(ctx: APIContext) { return ctx; }',
    '}',
  ].join('\n');

  it('a model class publishes the methods that write through the model itself; other classes and its own verbs do not', () => {
    const found = analyze(base, 'server/models/base/Model.ts', { presets: ['sequelize'] });
    expect(found.classes.map((cls) => [cls.name, cls.writeWrappers])).toEqual([
      ['Model', [{ method: 'saveWithCtx', verb: 'save', line: 4 }, { method: 'createWithCtx', verb: 'create', line: 7 }]],
      ['DraftCache', undefined],
    ]);
  });

  it('named in dbWriteCalls, they write on models and their instances', () => {
    const command = [
      "import { Document } from '@server/models';",
      'export async function documentRenamer(ctx: APIContext, id: string, title: string) {',
      '  const document = await Document.findByPk(id, { rejectOnEmpty: true });',
      '  document.title = title;',
      '  await document.saveWithCtx(ctx);',
      '}',
      'export async function documentImporter(ctx: APIContext, title: string) {',
      '  return Document.createWithCtx(ctx, { title });',
      '}',
    ].join('\n');
    const path = 'server/services/documents.ts';
    expect(analyze(command, path, { presets: ['sequelize'] }).operations).toEqual([]);
    const found = analyze(command, path, { presets: ['sequelize'], dbWriteCalls: ['saveWithCtx', 'createWithCtx'] });
    expect(found.operations.map((op) => [op.method, op.firstWrite.line])).toEqual([['documentRenamer', 5], ['documentImporter', 8]]);
  });
});

describe('a transaction handed to a function named like a write', () => {
  const code = [
    "import { db } from '@/lib/db';",
    "import { loadPolicies, savePolicies } from './_shared';",
    'export const updatePolicy = workspaceProcedure.input(policySchema).mutation(async ({ ctx, input }) => {',
    '  await db.transaction(async (tx) => {',
    '    const current = await loadPolicies(ctx.workspace.id, tx);',
    '    await savePolicies(ctx.workspace.id, [...current, input.policy], tx);',
    '  });',
    '});',
    'export const listPolicies = workspaceProcedure.query(async ({ ctx }) => db.transaction(async (tx) => loadPolicies(ctx.workspace.id, tx)));',
    'export function createPolicyService(database: typeof db) {',
    '  return { save: (policy: Policy) => savePolicies(policy.workspaceId, [policy], database) };',
    '}',
  ].join('\n');

  it('writes in that transaction; a read with it, or a plain handle handed to a factory, does not', () => {
    const found = analyze(code, 'lib/trpc/routers/policies/update.ts', { presets: ['drizzle', 'trpc'] });
    expect(found.operations.map((op) => [op.method, op.firstWrite.line])).toEqual([['MUTATION updatePolicy', 6]]);
    expect(found.routerDbCalls.map((call) => [call.line, call.call]).sort((a, b) => (a[0] as number) - (b[0] as number))).toEqual([[4, 'transaction'], [6, 'savePolicies'], [9, 'transaction']]);
  });
});

describe('SQL chosen by a condition', () => {
  const code = [
    'export class CollectionService {',
    '  constructor(private readonly prisma: PrismaService) {}',
    '  async lockSiblings(tx: Prisma.TransactionClient, teamId: string, parentId: string | null) {',
    '    const lock = parentId',
    '      ? Prisma.sql`SELECT "orderIndex" FROM "TeamCollection" WHERE "teamID" = ${teamId} AND "parentID" = ${parentId} FOR UPDATE`',
    '      : Prisma.sql`SELECT "orderIndex" FROM "TeamCollection" WHERE "teamID" = ${teamId} AND "parentID" IS NULL FOR UPDATE`;',
    '    return tx.$executeRaw(lock);',
    '  }',
    '  async shift(tx: Prisma.TransactionClient, teamId: string, up: boolean) {',
    '    const move = up',
    '      ? Prisma.sql`UPDATE "TeamCollection" SET "orderIndex" = "orderIndex" - 1 WHERE "teamID" = ${teamId}`',
    '      : Prisma.sql`UPDATE "TeamCollection" SET "orderIndex" = "orderIndex" + 1 WHERE "teamID" = ${teamId}`;',
    '    return tx.$executeRaw(move);',
    '  }',
    '}',
  ].join('\n');

  it('is a read when both branches read and a write when both write', () => {
    const found = analyze(code, 'src/team-collection/team-collection.service.ts', { presets: ['prisma'] });
    expect(found.operations.map((op) => [op.method, op.firstWrite.line])).toEqual([['shift', 13]]);
  });
});

describe('Medusa module services', () => {
  const code = [
    "import { InjectManager, InjectTransactionManager, MedusaContext } from '@medusajs/framework/utils';",
    'export default class CustomerModuleService {',
    '  protected customerService_: ModulesSdkTypes.IMedusaInternalService<Customer>;',
    '  protected addressCache_: Map<string, Address>;',
    '  constructor({ customerService }: InjectedDependencies) {',
    '    this.customerService_ = customerService;',
    '  }',
    '  @InjectManager()',
    '  async createCustomers(data: CreateCustomerDTO[], @MedusaContext() sharedContext: Context = {}) {',
    '    return await this.createCustomers_(data, sharedContext);',
    '  }',
    '  @InjectTransactionManager()',
    '  async createCustomers_(data: CreateCustomerDTO[], @MedusaContext() sharedContext: Context = {}) {',
    '    return await this.customerService_.create(data, sharedContext);',
    '  }',
    '  @InjectManager()',
    '  async listCustomers(filters: FilterableCustomerProps, @MedusaContext() sharedContext: Context = {}) {',
    "    this.addressCache_.set('last', filters);",
    '    return await this.customerService_.list(filters, {}, sharedContext);',
    '  }',
    '  async deleteCustomers(ids: string[], @MedusaContext() sharedContext: Context = {}) {',
    '    await this.customerService_.delete(ids, sharedContext);',
    '  }',
    '}',
  ].join('\n');

  it('@InjectTransactionManager() owns the transaction of the *_ helper its public method calls; an internal service writes', () => {
    const found = analyze(code, 'packages/modules/customer/src/services/customer-module.ts', { presets: ['medusa', 'mikro-orm'] });
    // A read and a Map's `set` are no write; the trailing underscore marks the helper, not an operation of its own.
    expect(found.operations.map((op) => [op.method, op.firstWrite.line, op.commit])).toEqual([['createCustomers', 10, true], ['deleteCustomers', 22, true]]);
  });

  it('without the preset the internal services are no handles', () => {
    expect(analyze(code, 'packages/modules/customer/src/services/customer-module.ts', { presets: ['mikro-orm'] }).operations).toEqual([]);
  });
});

describe('tRPC', () => {
  it('a procedure that writes is a router operation named by its key; its DB calls are router findings', () => {
    const code = [
      "import { prisma } from '@documenso/prisma';",
      'export const documentRouter = router({',
      '  rename: authenticatedProcedure.input(ZRename).mutation(async ({ ctx, input }) => {',
      '    await prisma.document.update({ where: { id: input.id }, data: { title: input.title } });',
      '  }),',
      '  list: authenticatedProcedure.query(async ({ ctx }) => prisma.document.findMany({ where: { userId: ctx.user.id } })),',
      '});',
      'export const deleteDocumentRoute = authenticatedProcedure.input(ZDelete).mutation(async ({ input }) => prisma.document.delete({ where: { id: input.id } }));',
    ].join('\n');
    const found = analyze(code, 'packages/trpc/server/document-router/router.ts', { presets: ['prisma', 'trpc'] });
    expect(found.operations.map((op) => op.method)).toEqual(['MUTATION rename', 'MUTATION deleteDocumentRoute']);
    expect(found.routerDbCalls.map((call) => [call.line, call.route])).toEqual([[4, 'MUTATION rename'], [6, 'QUERY list'], [8, 'MUTATION deleteDocumentRoute']]);
  });
});
