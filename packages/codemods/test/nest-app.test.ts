import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { NestFactory } from '@nestjs/core';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudit } from '../../audit-cli/src/index.js';
import { planMigration, type MigrationResult } from '../src/migrate.js';
import { writeChanges } from '../src/engine/write.js';
import { appBehaviourPasses, copyApp, dryRunIsThePatch, importFrom, quiet, repoRoot, retryProbe, start, type Listening, type Serve } from './support/apps.js';

/**
 * An app outbox-codemod was not written for, in NestJS's documented idioms (test/apps/nest-typeorm): an invoicing API
 * on NestJS 11 and TypeORM — a module, `@Controller('invoices')` with `@Post()`, `@Patch(':id')`, `@Post(':id/pay')`,
 * `@Delete(':id')`, `@Get(':id')`, `@Param` and `@Body` DTOs; an `@Injectable()` service that gets `DataSource` and
 * `@InjectRepository(Invoice) Repository<Invoice>` by constructor injection, writes in
 * `this.dataSource.transaction(async (manager) => …)`, and updates through a plain `this.invoices.save(…)`.
 *
 * On a copy: `all --write`, then it type-checks, the audit counts what was migrated, the app's own HTTP tests pass, and
 * a retry probe sends every mutating route twice with one Idempotency-Key: the second answer is the first, byte for
 * byte, each change has exactly one outbox event naming the changed row, another body with the same key is a 422, and
 * five concurrent duplicates make one change.
 *
 * The plain `this.invoices.save(…)` (PATCH) commits by itself: wrap-transaction moves it, with the read that guards it
 * (`await this.findOne(id)`), into `this.invoices.manager.transaction(async (manager) => …)`, the repository made on
 * `manager.withRepository(this.invoices)`, so the key is claimed before the guard and the event commits with the row.
 *
 * Decorator metadata: Nest resolves constructor injection from `design:paramtypes`, which TypeScript emits under
 * `emitDecoratorMetadata` and esbuild (vitest's transform) does not. So the HTTP part compiles the app — as written and
 * as migrated — with its own tsconfig through `tsc` into a temporary folder and loads that JS: the app keeps Nest's
 * idioms (no explicit `@Inject(…)` tokens written for the test's sake).
 *
 * PostgreSQL comes from DATABASE_URL (a database of its own is created and dropped); without it the HTTP part is
 * skipped, except under CI=true, where it fails.
 */
const databaseUrl = process.env.DATABASE_URL;
if (process.env.CI === 'true' && !databaseUrl) throw new Error('CI=true needs DATABASE_URL: the migrated NestJS app is tested against PostgreSQL in CI, never skipped');

const APP = 'nest-typeorm';
const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');

/** The app compiled by tsc (decorator metadata emitted) into a folder of its own, beside a link to node_modules. */
function compile(root: string): string {
  const out = mkdtempSync(path.join(tmpdir(), `outbox-codemod-${APP}-js-`));
  execFileSync(process.execPath, [tsc, '-p', root, '--noEmit', 'false', '--rootDir', root, '--outDir', out], { encoding: 'utf8' });
  writeFileSync(path.join(out, 'package.json'), readFileSync(path.join(root, 'package.json')));
  symlinkSync(path.join(repoRoot, 'node_modules'), path.join(out, 'node_modules'), 'dir');
  return out;
}

/** Nest: the compiled AppModule on the test's database, initialised (not listening: `start` listens on its adapter). */
const serveNest: Serve = async (root, url) => {
  const out = compile(root);
  try {
    const { AppModule } = await importFrom<{ AppModule: { forDatabase(url: string): never } }>(out, 'src/app.module.js');
    const app = await NestFactory.create(AppModule.forDatabase(url), { logger: false, abortOnError: false });
    await app.init();
    const dataSource = app.get(DataSource);
    const driverPool = (dataSource as { driver?: { master?: { on(event: 'error', listener: (error: Error) => void): unknown } } }).driver?.master;
    if (driverPool) quiet(driverPool);
    return {
      app: app.getHttpAdapter().getInstance() as Listening,
      relaySource: dataSource,
      close: async () => {
        await app.close();
        rmSync(out, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(out, { recursive: true, force: true });
    throw error;
  }
};

type HttpModule = typeof import('./apps/nest-typeorm/test/http.js');

describe('outbox-codemod all --write on a NestJS + TypeORM app (controller, injected DataSource and Repository<Invoice>)', () => {
  let root: string;
  let result: MigrationResult;

  beforeAll(async () => {
    root = copyApp(APP);
    result = await planMigration({ root, transform: 'all' });
    writeChanges(root, result.changes);
  }, 300_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('migrates every operation, the autocommitting update inside a transaction of its repository, and a second run changes nothing', async () => {
    expect(result.typeCheck.unavailable).toBeUndefined();
    expect(result.skipped).toEqual([]);
    expect(result.changes.map((c) => c.path).sort()).toEqual([
      '.github/workflows/pr-lint.yml',
      'migrations/002_outbox.sql',
      'src/invoices/invoices.controller.ts',
      'src/invoices/invoices.service.ts',
      'src/outbox/idempotency-store.ts',
      'src/outbox/outbox-entities.ts',
      'src/outbox/outbox-relay.ts',
      'src/outbox/outbox-repository.ts',
    ]);
    // The update's guard (a read through another member) runs in the transaction, after the claim.
    const service = readFileSync(path.join(root, 'src/invoices/invoices.service.ts'), 'utf8');
    expect(service).toMatch(/return withReplay\(this\.invoices\.manager\.transaction\(async \(manager\) => \{[^]*?idempotency\.begin\([^]*?await this\.findOne\(id\);[^]*?manager\.withRepository\(this\.invoices\)\.save\(/);
    // The controller takes the header the Nest way and passes it on.
    const controller = readFileSync(path.join(root, 'src/invoices/invoices.controller.ts'), 'utf8');
    expect(controller).toContain("import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Headers } from '@nestjs/common';");
    expect(controller).toContain("pay(@Param('id', ParseUUIDPipe) id: string, @Headers('idempotency-key') idempotencyKey?: string): Promise<Invoice> {\n    return this.invoicesService.pay(id, idempotencyKey);");
    expect(controller).toContain("update(@Param('id', ParseUUIDPipe) id: string, @Body() body: UpdateInvoiceDto, @Headers('idempotency-key') idempotencyKey?: string): Promise<Invoice> {\n    return this.invoicesService.update(id, checkUpdateInvoice(body), idempotencyKey);");
    const again = await planMigration({ root, transform: 'all' });
    expect(again.changes).toEqual([]);
  }, 300_000);

  it('the dry run is the patch: applied with git apply to a fresh copy, it gives the tree --write gave', async () => {
    const fresh = copyApp(APP);
    try {
      await dryRunIsThePatch(fresh, root, 1);
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  }, 300_000);

  it('type-checks with its own tsconfig', () => {
    expect(() => execFileSync(process.execPath, [tsc, '-p', root, '--noEmit'], { encoding: 'utf8' })).not.toThrow();
  }, 300_000);

  it('the audit counts every operation compliant', async () => {
    const report = await runAudit({ root });
    expect(report.summary).toMatchObject({ operations: 4, compliant: 4, routerDbCommit: 0, routerDbExecute: 0 });
  }, 300_000);

  describe.skipIf(!databaseUrl)('on PostgreSQL', () => {
    let admin: pg.Client;
    beforeAll(async () => {
      admin = new pg.Client({ connectionString: databaseUrl });
      await admin.connect();
    });
    afterAll(async () => admin?.end());
    const name = () => `codemods_nest_${randomBytes(6).toString('hex')}`;

    it('the app as written passes its own HTTP tests (the baseline)', async () => {
      const original = copyApp(APP);
      try {
        await appBehaviourPasses(original, admin, name(), serveNest);
      } finally {
        rmSync(original, { recursive: true, force: true });
      }
    }, 120_000);

    it('the migrated app passes the same HTTP tests', async () => {
      await appBehaviourPasses(root, admin, name(), serveNest);
    }, 120_000);

    it('retry probe: every migrated mutating route twice with one key replays the first answer, and writes one event naming the row', async () => {
      const app = await start(root, admin, name(), serveNest);
      try {
        // The delete removes an invoice of its own (a paid one cannot be deleted), made without a key first.
        await retryProbe(app, root, async ({ call }, base) => (JSON.parse((await call(base, 'POST', '/invoices', { customer: 'Fresh', amountCents: 1 })).text) as { id: string }).id);
      } finally {
        await app.close();
      }
    }, 120_000);

    it('concurrent duplicates: five creates at once with one key make one change (one event: the event commits with the row), and all get the same answer', async () => {
      const app = await start(root, admin, name(), serveNest);
      try {
        const { call, mutatingRequests } = await importFrom<HttpModule>(root, 'test/http.ts');
        const create = mutatingRequests()[0]!;
        const answers = await Promise.all(Array.from({ length: 5 }, () => call(app.base, create.method, create.path(''), create.body, { 'idempotency-key': 'concurrent-create' })));
        expect(answers[0]!.status).toBe(create.expect);
        for (const answer of answers) expect(answer).toEqual(answers[0]);
        const id = (JSON.parse(answers[0]!.text) as { id: string }).id;
        const { rows } = await app.pool.query<{ aggregate_id: string }>('SELECT aggregate_id FROM outbox');
        expect(rows.map((r) => r.aggregate_id)).toEqual([id]);
        const { rows: invoices } = await app.pool.query<{ id: string }>('SELECT id FROM invoices');
        expect(invoices.map((r) => r.id)).toEqual([id]);
      } finally {
        await app.close();
      }
    }, 120_000);
  });
});
