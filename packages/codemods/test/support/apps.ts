import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import { expect } from 'vitest';
import { cli, treeDifferences, treeOf } from './projects.js';

/**
 * The fixture apps of test/apps/ on disk and on PostgreSQL: a copy of an app in a temporary folder, a database of its
 * own with the app's migrations, the app listening on an ephemeral port (apps.test.ts, nest-app.test.ts).
 */
const databaseUrl = process.env.DATABASE_URL;
export const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

export function copyApp(app: string): string {
  const root = mkdtempSync(path.join(tmpdir(), `outbox-codemod-${app}-`));
  cpSync(fileURLToPath(new URL(`../apps/${app}/`, import.meta.url)), root, { recursive: true });
  symlinkSync(path.join(repoRoot, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  return root;
}

export interface Running {
  base: string;
  /** What the scaffolded relay takes on this stack: the app's Pool or DataSource. */
  relaySource: unknown;
  /** For the test's own reads (the outbox). */
  pool: pg.Pool;
  close(): Promise<void>;
}

export interface Listening {
  listen(port: number, host: string, ready: () => void): Server;
}

/** How an app is served: from its database URL, the app and what to close after it. */
export type Serve = (root: string, url: string) => Promise<{ app: Listening; close(): Promise<void>; relaySource: unknown }>;

/** A database of its own with the app's migrations, and the app listening on an ephemeral port. */
export async function start(root: string, admin: pg.Client, database: string, serve: Serve): Promise<Running> {
  await admin.query(`CREATE DATABASE ${database}`);
  const url = new URL(databaseUrl!);
  url.pathname = `/${database}`;
  const pool = quiet(new pg.Pool({ connectionString: url.toString(), max: 2 }));
  for (const file of migrationFiles(root)) await pool.query(readFileSync(file, 'utf8'));
  const served = await serve(root, url.toString());
  const server = await new Promise<Server>((resolve) => {
    const s = served.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    relaySource: served.relaySource,
    pool,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await served.close();
      await pool.end();
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    },
  };
}

/**
 * An app's SQL migrations in the order they run: `migrations/*.sql`, or, for an app on `prisma migrate`,
 * `prisma/migrations/<name>/migration.sql` by folder name (what `prisma migrate deploy` applies; the test applies the
 * same SQL itself, as Prisma's migration engine is a binary CI cannot download).
 */
export function migrationFiles(root: string): string[] {
  const plain = path.join(root, 'migrations');
  if (existsSync(plain)) return readdirSync(plain).filter((f) => f.endsWith('.sql')).sort().map((f) => path.join(plain, f));
  const prisma = path.join(root, 'prisma', 'migrations');
  return readdirSync(prisma, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(prisma, entry.name, 'migration.sql')))
    .map((entry) => entry.name)
    .sort()
    .map((name) => path.join(prisma, name, 'migration.sql'));
}

/**
 * `prisma generate` in an app, offline: Prisma 7's client has no query engine binary (queries are compiled in
 * WebAssembly and run on the node-postgres driver adapter), but its CLI still resolves the schema engine binary at
 * start, which it would download from binaries.prisma.sh; generating never runs it, so it is pointed at /bin/true.
 * The client goes where the app's schema says (its generator `output`), inside the app's copy.
 */
export function prismaGenerate(root: string): void {
  execFileSync(process.execPath, [path.join(repoRoot, 'node_modules', 'prisma', 'build', 'index.js'), 'generate'], {
    cwd: root,
    encoding: 'utf8',
    stdio: 'pipe',
    env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: '/bin/true', CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1' },
  });
}

/**
 * The database is dropped WITH (FORCE) once the app and its pools are closed; a connection still closing then ends
 * with 57P01, an expected error on a pool nobody uses any more, not a failure of the app.
 */
export function quiet<T extends { on(event: 'error', listener: (error: Error) => void): unknown }>(pool: T): T {
  pool.on('error', () => undefined);
  return pool;
}

export const importFrom = async <T>(root: string, file: string): Promise<T> => (await import(pathToFileURL(path.join(root, file)).href)) as T;
export type HttpModule = typeof import('../apps/express-pg/test/http.js');

/** node-postgres: the app takes a Pool. */
export const servePool: Serve = async (root, url) => {
  const pool = quiet(new pg.Pool({ connectionString: url, max: 4 }));
  const { createApp } = await importFrom<{ createApp(pool: pg.Pool): Listening }>(root, 'src/app.ts');
  return { app: createApp(pool), close: () => pool.end(), relaySource: pool };
};

/** TypeORM: the app takes an initialised DataSource. */
export const serveDataSource: Serve = async (root, url) => {
  const { createApp, createDataSource } = await importFrom<{ createApp(dataSource: unknown): Listening; createDataSource(url: string): { initialize(): Promise<unknown>; destroy(): Promise<void>; driver?: unknown } }>(root, 'src/app.ts');
  const dataSource = createDataSource(url);
  await dataSource.initialize();
  const driverPool = (dataSource as { driver?: { master?: { on(event: 'error', listener: (error: Error) => void): unknown } } }).driver?.master;
  if (driverPool) quiet(driverPool);
  return { app: createApp(dataSource), close: () => dataSource.destroy(), relaySource: dataSource };
};

/** One HTTP exchange of an app's own tests (test/apps/<app>/test/http.ts): status and the exact body text. */
export interface Answer {
  status: number;
  text: string;
}

type Body = unknown | ((ids: Record<string, string>) => unknown);

/** A mutating route as an app's `mutatingRequests()` lists it for the retry probe. */
export interface ProbeRequest {
  name: string;
  method: string;
  path: (id: string) => string;
  /** The request's body, or a function of the ids made so far (a comment names its ticket). */
  body?: Body;
  /** Another body under the same key: a 422. */
  otherBody?: Body;
  expect: number;
  /** The row it changes is of this resource (`''`: the app's main one), whose id the last create of it gave. */
  resource?: string;
  /** It creates its resource's row (besides a request named `create`). */
  creates?: boolean;
  /** It needs a row of its own, made first without a key (`freshRow`): a delete of a row other steps still need. */
  fresh?: boolean;
}

export interface ProbeModule {
  call(base: string, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer>;
  mutatingRequests(): ProbeRequest[];
}

/**
 * The retry probe on a running migrated app: every mutating route twice with one Idempotency-Key. The second answer is
 * the first, byte for byte; each change has exactly one outbox event, naming the changed row; another body under the
 * same key is a 422 and writes nothing. Then the scaffolded relay publishes every committed event once, in order, and
 * marks it published. `freshRow` makes the row of a `fresh` request (without a key: its create's event counts too).
 */
export async function retryProbe(app: Running, root: string, freshRow?: (probe: ProbeModule, base: string) => Promise<string>): Promise<void> {
  const probe = await importFrom<ProbeModule>(root, 'test/http.ts');
  const events = async () => (await app.pool.query<{ event_type: string; aggregate_id: string }>('SELECT event_type, aggregate_id FROM outbox ORDER BY id')).rows;
  const ids: Record<string, string> = {};
  const bodyOf = (body: Body): unknown => (typeof body === 'function' ? (body as (ids: Record<string, string>) => unknown)(ids) : body);
  const requests = probe.mutatingRequests();
  for (const request of requests) {
    const resource = request.resource ?? '';
    const id = request.fresh && freshRow ? await freshRow(probe, app.base) : (ids[resource] ?? '');
    const key = `probe-${request.name}-${randomBytes(4).toString('hex')}`;
    const before = await events();
    const body = bodyOf(request.body);
    const first = await probe.call(app.base, request.method, request.path(id), body, { 'idempotency-key': key });
    const second = await probe.call(app.base, request.method, request.path(id), body, { 'idempotency-key': key });
    expect(first.status, `${request.name}: ${first.text}`).toBe(request.expect);
    expect(second, `${request.name}: the retry replays the first answer`).toEqual(first);
    const changed = request.name === 'create' || request.creates ? (ids[resource] = (JSON.parse(first.text) as { id: string }).id) : id;
    const added = (await events()).slice(before.length);
    expect(added.map((e) => e.aggregate_id), `${request.name}: one event, naming the changed row`).toEqual([changed]);
    if (request.otherBody !== undefined) {
      const other = await probe.call(app.base, request.method, request.path(changed), bodyOf(request.otherBody), { 'idempotency-key': key });
      expect(other.status, `${request.name}: ${other.text}`).toBe(422);
      expect((await events()).length).toBe(before.length + 1);
    }
  }
  const all = await events();
  expect(all.length, 'one event per keyed change, and one for each row made for a fresh request').toBe(requests.length + (freshRow ? requests.filter((r) => r.fresh).length : 0));
  const { relayOutboxBatch } = await importFrom<{ relayOutboxBatch(source: unknown, publish: (m: { eventId: string; aggregateId: string; eventType: string }) => Promise<void>, batchSize?: number): Promise<number> }>(root, 'src/outbox/outbox-relay.ts');
  const published: { aggregateId: string; eventType: string }[] = [];
  expect(await relayOutboxBatch(app.relaySource, async (m) => void published.push({ aggregateId: m.aggregateId, eventType: m.eventType }), 100)).toBe(all.length);
  expect(published).toEqual(all.map((e) => ({ aggregateId: e.aggregate_id, eventType: e.event_type })));
  expect(await relayOutboxBatch(app.relaySource, async () => undefined, 100)).toBe(0);
}

/** The app's own HTTP tests (`appBehaviour`) against it, served from `root` on a database of its own. */
export async function appBehaviourPasses(root: string, admin: pg.Client, database: string, serve: Serve): Promise<void> {
  const app = await start(root, admin, database, serve);
  try {
    const { appBehaviour } = await importFrom<{ appBehaviour(base: string): Promise<void> }>(root, 'test/http.ts');
    await appBehaviour(app.base);
  } finally {
    await app.close();
  }
}

/**
 * The dry run is the patch: `outbox-codemod all` on `fresh` (a copy of the app as written) exits with `code`, and its
 * output applied with `git apply` gives the tree `--write` gave in `root`. `settle` runs on both trees before they are
 * compared (what is not the codemod's, as a generated client).
 */
export async function dryRunIsThePatch(fresh: string, root: string, code: number, settle?: (tree: string) => void): Promise<void> {
  const planned = await cli('all', fresh);
  expect(planned.code, `exit ${code}\n${planned.stderr}`).toBe(code);
  const patch = `${fresh}.diff`;
  writeFileSync(patch, planned.stdout);
  try {
    execFileSync('git', ['apply', '--check', patch], { cwd: fresh });
    execFileSync('git', ['apply', patch], { cwd: fresh });
  } finally {
    rmSync(patch, { force: true });
  }
  settle?.(fresh);
  settle?.(root);
  expect(treeDifferences(treeOf(fresh), treeOf(root))).toEqual([]);
}
