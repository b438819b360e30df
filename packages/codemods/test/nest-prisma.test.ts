import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { NestFactory } from '@nestjs/core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudit } from '../../audit-cli/src/index.js';
import { planMigration, type MigrationResult } from '../src/migrate.js';
import { writeChanges } from '../src/engine/write.js';
import { appBehaviourPasses, copyApp, dryRunIsThePatch, importFrom, prismaGenerate, retryProbe, start, repoRoot, type Listening, type Serve } from './support/apps.js';

/**
 * An app outbox-codemod was not written for, in NestJS's and Prisma's documented idioms (test/apps/nest-prisma): an
 * orders API on NestJS 11 and Prisma 7 — `prisma/schema.prisma` with the `prisma-client` generator, SQL migrations in
 * `prisma/migrations/<name>/migration.sql`, a global module providing `PrismaService extends PrismaClient` on the
 * node-postgres driver adapter (`@prisma/adapter-pg`), `@Controller('orders')` with `@Post()`, `@Patch(':id')`,
 * `@Post(':id/ship')`, `@Delete(':id')`, `@Get(':id')`, and an `@Injectable()` service that writes with
 * `this.prisma.order.*`: the create, the ship and the delete inside `this.prisma.$transaction(async (tx) => …)` (the
 * last two read, then 404 or 409 on the state, then write), the PATCH as a read-then-update guard whose update commits
 * by itself, outside any transaction, and a PUT of the note whose update sits in a try whose catch answers
 * `{ found: false }` (Prisma's P2025 for a missing row), which the controller turns into a 404.
 *
 * On a copy: `prisma generate`, `all --write`, then it type-checks (with the client generated before the run, which is
 * what the codemod's own check saw, and with the client regenerated from the migrated schema), the audit counts every
 * operation compliant, the app's own HTTP tests pass, and a retry probe sends every mutating route twice with one
 * Idempotency-Key: the second answer is the first, byte for byte, each change has exactly one outbox event naming the
 * changed row, another body with the same key is a 422, and five concurrent duplicates make one change.
 *
 * Prisma offline: the generated client (Prisma 7) has no Rust query engine, and `prisma generate` runs with the schema
 * engine pointed at /bin/true (support/apps.ts, prismaGenerate): CI has the npm registry and nothing else. The
 * generated client is written into each temporary copy (`generated/prisma`, ignored by git), never committed.
 *
 * Decorator metadata: as in nest-app.test.ts, the HTTP part compiles the app with its own tsconfig through `tsc` (which
 * emits `design:paramtypes`, esbuild does not) and loads that JS.
 *
 * PostgreSQL comes from DATABASE_URL (a database of its own is created and dropped); without it the HTTP part is
 * skipped, except under CI=true, where it fails.
 */
const databaseUrl = process.env.DATABASE_URL;
if (process.env.CI === 'true' && !databaseUrl) throw new Error('CI=true needs DATABASE_URL: the migrated NestJS + Prisma app is tested against PostgreSQL in CI, never skipped');

const APP = 'nest-prisma';
const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
const typeCheck = (root: string) => execFileSync(process.execPath, [tsc, '-p', root, '--noEmit'], { encoding: 'utf8' });

/** A copy of the app with its Prisma client generated, as a project has it before anyone runs the codemod. */
function generatedCopy(): string {
  const root = copyApp(APP);
  prismaGenerate(root);
  return root;
}

/** The app compiled by tsc (decorator metadata emitted, the generated client with it) into a folder of its own. */
function compile(root: string): string {
  const out = mkdtempSync(path.join(tmpdir(), `outbox-codemod-${APP}-js-`));
  execFileSync(process.execPath, [tsc, '-p', root, '--noEmit', 'false', '--rootDir', root, '--outDir', out], { encoding: 'utf8' });
  writeFileSync(path.join(out, 'package.json'), readFileSync(path.join(root, 'package.json')));
  symlinkSync(path.join(repoRoot, 'node_modules'), path.join(out, 'node_modules'), 'dir');
  return out;
}

/** Each tree is compiled once, and its JS kept for every server started on it (removed at the end). */
const compiled = new Map<string, string>();
afterAll(() => {
  for (const out of compiled.values()) rmSync(out, { recursive: true, force: true });
});

/** Nest: the compiled AppModule on the test's database, initialised; the relay takes the app's PrismaService. */
const serveNest: Serve = async (root, url) => {
  if (!compiled.has(root)) compiled.set(root, compile(root));
  const out = compiled.get(root)!;
  const { AppModule } = await importFrom<{ AppModule: { forDatabase(url: string): never } }>(out, 'src/app.module.js');
  const { PrismaService } = await importFrom<{ PrismaService: new (...args: never[]) => unknown }>(out, 'src/prisma/prisma.service.js');
  const app = await NestFactory.create(AppModule.forDatabase(url), { logger: false, abortOnError: false });
  await app.init();
  return { app: app.getHttpAdapter().getInstance() as Listening, relaySource: app.get(PrismaService), close: () => app.close() };
};

type HttpModule = typeof import('./apps/nest-prisma/test/http.js');

describe('outbox-codemod all --write on a NestJS + Prisma app (PrismaService extends PrismaClient, $transaction and an autocommitting update)', () => {
  let root: string;
  let result: MigrationResult;

  beforeAll(async () => {
    root = generatedCopy();
    result = await planMigration({ root, transform: 'all' });
    writeChanges(root, result.changes);
  }, 300_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('migrates every operation, the autocommitting update into a $transaction, reports nothing, and a second run changes nothing', async () => {
    expect(result.typeCheck.unavailable).toBeUndefined();
    expect(result.skipped).toEqual([]);
    expect(result.changes.map((c) => c.path).sort()).toEqual([
      '.github/workflows/pr-lint.yml',
      'prisma/migrations/0002_outbox/migration.sql',
      'prisma/schema.prisma',
      'src/orders/orders.controller.ts',
      'src/orders/orders.service.ts',
      'src/outbox/idempotency-store.ts',
      'src/outbox/outbox-relay.ts',
      'src/outbox/outbox-repository.ts',
    ]);
    // The controller takes the header the Nest way and passes it on.
    const controller = readFileSync(path.join(root, 'src/orders/orders.controller.ts'), 'utf8');
    expect(controller).toContain("import { BadRequestException, Body, Controller, Delete, Get, HttpCode, NotFoundException, Param, ParseUUIDPipe, Patch, Post, Put, Headers } from '@nestjs/common';");
    expect(controller).toContain("update(@Param('id', ParseUUIDPipe) id: string, @Body() body: UpdateOrderDto, @Headers('idempotency-key') idempotencyKey?: string): Promise<Order> {\n    return this.ordersService.update(id, checkUpdateOrder(body), idempotencyKey);");
    // The update's read, guard and write now run in one transaction, on its client.
    const service = readFileSync(path.join(root, 'src/orders/orders.service.ts'), 'utf8');
    const update = service.slice(service.indexOf('async update('), service.indexOf('async annotate('));
    expect(update).toContain('this.prisma.$transaction(async (tx) => {');
    expect(update).toContain('const order = await tx.order.findUnique({ where: { id } });');
    expect(update).toContain('await tx.order.update({ where: { id }, data: dto });');
    expect(update).not.toMatch(/this\.prisma\.order\./);
    // The note's update: the transaction inside the try, awaited, so a missing row still reaches the catch's answer;
    // the catch lets a key conflict through first.
    const annotate = service.slice(service.indexOf('async annotate('), service.indexOf('async ship('));
    expect(annotate).toMatch(/try \{\n\s+return await withReplay\(this\.prisma\.\$transaction\(async \(tx\) => \{/);
    expect(annotate).toMatch(/\} catch \(error\) \{\n\s+if \(error instanceof IdempotencyError\) throw error;\n\s+return \{ found: false \};/);
    // The tables: models for the client, and the SQL as the next `prisma migrate` folder.
    const schema = readFileSync(path.join(root, 'prisma/schema.prisma'), 'utf8');
    expect(schema).toMatch(/model OutboxEvent \{[^}]*@@map\("outbox"\)/);
    expect(schema).toMatch(/model IdempotencyKey \{[^}]*@@map\("idempotency_keys"\)/);
    const again = await planMigration({ root, transform: 'all' });
    expect(again.changes).toEqual([]);
    expect(again.skipped).toEqual([]);
  }, 300_000);

  it('the dry run is the patch: applied with git apply to a fresh copy, it gives the tree --write gave', async () => {
    const fresh = generatedCopy();
    try {
      // The generated client is not the codemod's: both trees get it from their (now equal) schema.
      await dryRunIsThePatch(fresh, root, 1, prismaGenerate);
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  }, 300_000);

  it('type-checks with its own tsconfig, with the client the codemod saw and with the client regenerated from the migrated schema', () => {
    const before = generatedCopy();
    try {
      // The migrated code on the client generated before the run (the scaffolded classes use `$queryRawUnsafe`, not
      // the new models' delegates, so a stale client is enough), then on the client of the migrated schema.
      for (const file of ['prisma', 'src']) {
        rmSync(path.join(before, file), { recursive: true, force: true });
        execFileSync('cp', ['-R', path.join(root, file), path.join(before, file)]);
      }
      expect(() => typeCheck(before)).not.toThrow();
    } finally {
      rmSync(before, { recursive: true, force: true });
    }
    prismaGenerate(root);
    expect(readFileSync(path.join(root, 'generated/prisma/models.ts'), 'utf8')).toContain('OutboxEvent');
    expect(() => typeCheck(root)).not.toThrow();
  }, 300_000);

  it('the audit counts every migrated operation compliant', async () => {
    const report = await runAudit({ root });
    expect(report.summary).toMatchObject({ operations: 5, compliant: 5, percent: 100, routerDbCommit: 0, routerDbExecute: 0 });
  }, 300_000);

  describe.skipIf(!databaseUrl)('on PostgreSQL', () => {
    let admin: pg.Client;
    beforeAll(async () => {
      admin = new pg.Client({ connectionString: databaseUrl });
      await admin.connect();
      // The HTTP tests run the migrated app on the client generated from its migrated schema.
      if (!existsSync(path.join(root, 'generated/prisma/models/OutboxEvent.ts'))) prismaGenerate(root);
    });
    afterAll(async () => admin?.end());
    const name = () => `codemods_nestprisma_${randomBytes(6).toString('hex')}`;

    it('the app as written passes its own HTTP tests (the baseline)', async () => {
      const original = generatedCopy();
      try {
        await appBehaviourPasses(original, admin, name(), serveNest);
      } finally {
        rmSync(original, { recursive: true, force: true });
      }
    }, 120_000);

    it('the migrated app passes the same HTTP tests', async () => {
      await appBehaviourPasses(root, admin, name(), serveNest);
    }, 120_000);

    it('retry probe: every mutating route twice with one key replays the first answer, and writes one event naming the row', async () => {
      const app = await start(root, admin, name(), serveNest);
      try {
        // The delete removes an order of its own (a shipped one cannot be deleted), made without a key first.
        await retryProbe(app, root, async ({ call }, base) => (JSON.parse((await call(base, 'POST', '/orders', { customer: 'Fresh', totalCents: 1 })).text) as { id: string }).id);
      } finally {
        await app.close();
      }
    }, 120_000);

    it('concurrent duplicates: five creates, then five updates, at once with one key each make one change each, and all get the same answer', async () => {
      const app = await start(root, admin, name(), serveNest);
      try {
        const { call, mutatingRequests } = await importFrom<HttpModule>(root, 'test/http.ts');
        const [create, update] = mutatingRequests();
        const five = (request: typeof create, id: string, key: string) => Promise.all(Array.from({ length: 5 }, () => call(app.base, request!.method, request!.path(id), request!.body, { 'idempotency-key': key })));
        const creates = await five(create, '', 'concurrent-create');
        expect(creates[0]!.status).toBe(create!.expect);
        for (const answer of creates) expect(answer).toEqual(creates[0]);
        const id = (JSON.parse(creates[0]!.text) as { id: string }).id;
        // The update was an autocommit outside any transaction: its key now commits with its read, guard and write.
        const updates = await five(update, id, 'concurrent-update');
        expect(updates[0]!.status, updates[0]!.text).toBe(update!.expect);
        for (const answer of updates) expect(answer).toEqual(updates[0]);
        const { rows } = await app.pool.query<{ event_type: string; aggregate_id: string }>('SELECT event_type, aggregate_id FROM outbox ORDER BY id');
        expect(rows).toEqual([
          { event_type: 'orders.create', aggregate_id: id },
          { event_type: 'orders.update', aggregate_id: id },
        ]);
        const { rows: orders } = await app.pool.query<{ id: string }>('SELECT id FROM orders');
        expect(orders.map((r) => r.id)).toEqual([id]);
      } finally {
        await app.close();
      }
    }, 120_000);
  });
});
