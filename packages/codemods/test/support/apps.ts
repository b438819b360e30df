import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';

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
