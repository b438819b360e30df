import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudit } from '../../audit-cli/src/index.js';
import { planMigration, type MigrationResult } from '../src/migrate.js';
import { writeChanges } from '../src/engine/write.js';
import { copyApp, importFrom, repoRoot, serveDataSource, servePool, start, type HttpModule, type Serve } from './support/apps.js';
import { cli, treeDifferences, treeOf } from './support/projects.js';

/**
 * Apps outbox-codemod was not written for (test/apps/): a help desk on Express 5 and node-postgres, whose services
 * BEGIN/COMMIT on a client checked out of the pool, and a project tracker on Express 5 and TypeORM, whose services run
 * `dataSource.transaction(async (manager) => …)`. On a copy of each: `all --write`, then it type-checks, the audit says
 * 100%, the app's own HTTP tests pass, and a retry probe sends every mutating route twice with one Idempotency-Key:
 * the second answer is the first, byte for byte, and each change has exactly one outbox event, naming the changed row.
 *
 * PostgreSQL comes from DATABASE_URL (a database of its own is created and dropped); without it the HTTP part is
 * skipped, except under CI=true, where it fails.
 */
const databaseUrl = process.env.DATABASE_URL;
if (process.env.CI === 'true' && !databaseUrl) throw new Error('CI=true needs DATABASE_URL: the migrated Express app is tested against PostgreSQL in CI, never skipped');

interface AppCase {
  app: string;
  title: string;
  /** What `all --write` changes. */
  changed: string[];
  operations: number;
  serve: Serve;
}

const CASES: AppCase[] = [
  {
    app: 'express-pg',
    title: 'an Express + node-postgres app (BEGIN/COMMIT on a pooled client)',
    changed: [
      '.github/workflows/pr-lint.yml',
      'migrations/003_outbox.sql',
      'src/comments/comment.service.ts',
      'src/outbox/idempotency-store.ts',
      'src/outbox/outbox-relay.ts',
      'src/outbox/outbox-repository.ts',
      'src/routes/comments.routes.ts',
      'src/routes/tickets.routes.ts',
      'src/tickets/ticket.service.ts',
    ],
    // The tickets' four through their service, the comments' four extracted from the router that ran them on the pool.
    operations: 8,
    serve: servePool,
  },
  {
    app: 'express-typeorm',
    title: 'an Express + TypeORM app (dataSource.transaction with the manager)',
    changed: [
      '.github/workflows/pr-lint.yml',
      'migrations/002_outbox.sql',
      'src/outbox/idempotency-store.ts',
      'src/outbox/outbox-entities.ts',
      'src/outbox/outbox-relay.ts',
      'src/outbox/outbox-repository.ts',
      'src/projects/project.service.ts',
      'src/routes/projects.routes.ts',
    ],
    operations: 4,
    serve: serveDataSource,
  },
];


describe.each(CASES)('outbox-codemod all --write on $title', ({ app: appName, changed, operations, serve }) => {
  let root: string;
  let result: MigrationResult;

  beforeAll(async () => {
    root = copyApp(appName);
    result = await planMigration({ root, transform: 'all' });
    writeChanges(root, result.changes);
  }, 300_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('migrates everything, reports nothing left, and a second run changes nothing', async () => {
    expect(result.skipped).toEqual([]);
    expect(result.typeCheck.unavailable).toBeUndefined();
    expect(result.changes.map((c) => c.path).sort()).toEqual(changed);
    const again = await planMigration({ root, transform: 'all' });
    expect(again.changes).toEqual([]);
  }, 300_000);

  it('the dry run is the patch: applied with git apply to a fresh copy, it gives the tree --write gave', async () => {
    const fresh = copyApp(appName);
    try {
      const planned = await cli('all', fresh);
      expect(planned.code).toBe(1);
      const patch = `${fresh}.diff`;
      writeFileSync(patch, planned.stdout);
      execFileSync('git', ['apply', '--check', patch], { cwd: fresh });
      execFileSync('git', ['apply', patch], { cwd: fresh });
      rmSync(patch);
      expect(treeDifferences(treeOf(fresh), treeOf(root))).toEqual([]);
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  }, 300_000);

  it('type-checks with its own tsconfig', () => {
    const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    expect(() => execFileSync(process.execPath, [tsc, '-p', root, '--noEmit'], { encoding: 'utf8' })).not.toThrow();
  }, 300_000);

  it('is 100% compliant by the audit', async () => {
    const report = await runAudit({ root });
    expect(report.summary).toMatchObject({ operations, compliant: operations, percent: 100, routerDbCommit: 0, routerDbExecute: 0 });
  }, 300_000);

  describe.skipIf(!databaseUrl)('on PostgreSQL', () => {
    let admin: pg.Client;
    beforeAll(async () => {
      admin = new pg.Client({ connectionString: databaseUrl });
      await admin.connect();
    });
    afterAll(async () => admin?.end());
    const name = () => `codemods_app_${randomBytes(6).toString('hex')}`;

    it('the app as written passes its own HTTP tests (the baseline)', async () => {
      const original = copyApp(appName);
      const app = await start(original, admin, name(), serve);
      try {
        const { appBehaviour } = await importFrom<HttpModule>(original, 'test/http.ts');
        await appBehaviour(app.base);
      } finally {
        await app.close();
        rmSync(original, { recursive: true, force: true });
      }
    }, 120_000);

    it('the migrated app passes the same HTTP tests', async () => {
      const app = await start(root, admin, name(), serve);
      try {
        const { appBehaviour } = await importFrom<HttpModule>(root, 'test/http.ts');
        await appBehaviour(app.base);
      } finally {
        await app.close();
      }
    }, 120_000);

    it('retry probe: every mutating route twice with one key replays the first answer, and writes one event naming the row', async () => {
      const app = await start(root, admin, name(), serve);
      try {
        const { call, mutatingRequests } = await importFrom<HttpModule>(root, 'test/http.ts');
        const events = async () => (await app.pool.query<{ event_type: string; aggregate_id: string }>('SELECT event_type, aggregate_id FROM outbox ORDER BY id')).rows;
        // The id of each resource's row (a request without `resource` is on the app's main one, ''), from its create.
        const ids: Record<string, string> = {};
        const bodyOf = (body: unknown): unknown => (typeof body === 'function' ? (body as (ids: Record<string, string>) => unknown)(ids) : body);
        for (const request of mutatingRequests()) {
          const resource = request.resource ?? '';
          const key = `probe-${request.name}-${randomBytes(4).toString('hex')}`;
          const before = await events();
          const body = bodyOf(request.body);
          const first = await call(app.base, request.method, request.path(ids[resource] ?? ''), body, { 'idempotency-key': key });
          const second = await call(app.base, request.method, request.path(ids[resource] ?? ''), body, { 'idempotency-key': key });
          expect(first.status, `${request.name}: ${first.text}`).toBe(request.expect);
          expect(second, `${request.name}: the retry replays the first answer`).toEqual(first);
          if (request.name === 'create' || request.creates) ids[resource] = (JSON.parse(first.text) as { id: string }).id;
          const id = ids[resource] ?? '';
          const added = (await events()).slice(before.length);
          expect(added.map((e) => e.aggregate_id), `${request.name}: one event, naming the changed row`).toEqual([id]);
          // The same key with another request is refused, and writes nothing.
          if (request.otherBody !== undefined) {
            const other = await call(app.base, request.method, request.path(id), bodyOf(request.otherBody), { 'idempotency-key': key });
            expect(other.status, `${request.name}: ${other.text}`).toBe(422);
            expect((await events()).length).toBe(before.length + 1);
          }
        }
        // The scaffolded relay publishes every committed event once, in order, and marks it published.
        const { relayOutboxBatch } = await importFrom<{ relayOutboxBatch(source: unknown, publish: (m: { eventId: string; aggregateId: string; eventType: string }) => Promise<void>, batchSize?: number): Promise<number> }>(root, 'src/outbox/outbox-relay.ts');
        const published: { aggregateId: string; eventType: string }[] = [];
        const all = await events();
        expect(await relayOutboxBatch(app.relaySource, async (m) => void published.push({ aggregateId: m.aggregateId, eventType: m.eventType }), 100)).toBe(all.length);
        expect(published).toEqual(all.map((e) => ({ aggregateId: e.aggregate_id, eventType: e.event_type })));
        expect(await relayOutboxBatch(app.relaySource, async () => undefined, 100)).toBe(0);
      } finally {
        await app.close();
      }
    }, 120_000);

    it('concurrent duplicates: five creates at once with one key make one change (one event: the event commits with the row), and all get the same answer', async () => {
      const app = await start(root, admin, name(), serve);
      try {
        const { call, mutatingRequests } = await importFrom<HttpModule>(root, 'test/http.ts');
        const create = mutatingRequests()[0]!;
        const answers = await Promise.all(Array.from({ length: 5 }, () => call(app.base, create.method, create.path(''), create.body, { 'idempotency-key': 'concurrent-create' })));
        expect(answers[0]!.status).toBe(create.expect);
        for (const answer of answers) expect(answer).toEqual(answers[0]);
        const id = (JSON.parse(answers[0]!.text) as { id: string }).id;
        const { rows } = await app.pool.query<{ aggregate_id: string }>('SELECT aggregate_id FROM outbox');
        expect(rows.map((r) => r.aggregate_id)).toEqual([id]);
      } finally {
        await app.close();
      }
    }, 120_000);
  });
});
