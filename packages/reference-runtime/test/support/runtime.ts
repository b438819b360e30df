import { randomUUID } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp, type AppDeps } from '../../src/app.js';
import type { Database, Row } from '../../src/db/database.js';
import { MemoryRedis } from '../../src/core/redis/client.js';
import { InProcessBroker } from '../../src/core/broker/broker.js';
import { ConnectionManager } from '../../src/core/websocket/manager.js';
import { WebhookManager } from '../../src/core/webhooks/manager.js';
import { openTestDatabase } from './database.js';

/**
 * A runtime for one test file: its own database (PGlite in memory, or a fresh schema on the PostgreSQL server of
 * DATABASE_URL), migrated, behind the real Fastify app. Tests talk to it only through HTTP and read rows back with
 * `rows()`, so they keep passing when the codemods rewrite services and routers.
 */
export interface TestRuntime {
  app: FastifyInstance;
  database: Database;
  /** What the app was built from (in-process Redis stand-in and bus, bare ConnectionManager, DB-backed webhooks). */
  deps: AppDeps;
  /** GET/DELETE/POST/PUT/PATCH through the app; mutating requests carry a fresh Idempotency-Key. */
  request(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  get(url: string, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  post(url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  put(url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  patch(url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  delete(url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  /** Reads rows straight from the database (outside any request). */
  rows<R = Row>(sql: string, params?: unknown[]): Promise<R[]>;
  /** Counts rows of a table, optionally filtered: `count('outbox', 'event_type = $1', ['x'])`. */
  count(table: string, where?: string, params?: unknown[]): Promise<number>;
  close(): Promise<void>;
}

export async function startTestRuntime(): Promise<TestRuntime> {
  const testDatabase = await openTestDatabase({ poolSize: 20 });
  const { database } = testDatabase;
  const deps: AppDeps = {
    database,
    redis: new MemoryRedis(),
    broker: new InProcessBroker(),
    ws: new ConnectionManager(),
    webhooks: new WebhookManager({ database }),
  };
  const app = await buildApp(deps);
  await app.ready();

  const request: TestRuntime['request'] = async (method, url, body, headers = {}) => {
    const mutating = method !== 'GET' && method !== 'HEAD';
    return app.inject({
      method: method as 'GET',
      url,
      headers: {
        ...(mutating ? { 'idempotency-key': randomUUID() } : {}),
        ...(body !== undefined && typeof body !== 'string' ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { payload: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
  };

  return {
    app,
    database,
    deps,
    request,
    get: (url, headers) => request('GET', url, undefined, headers),
    post: (url, body, headers) => request('POST', url, body ?? {}, headers),
    put: (url, body, headers) => request('PUT', url, body ?? {}, headers),
    patch: (url, body, headers) => request('PATCH', url, body ?? {}, headers),
    delete: (url, body, headers) => request('DELETE', url, body, headers),
    rows: async (sql, params) => (await database.query(sql, params)).rows as never,
    count: async (table, where, params) => {
      const { rows } = await database.query<{ n: string }>(
        `SELECT count(*)::text AS n FROM ${table}${where ? ` WHERE ${where}` : ''}`,
        params,
      );
      return Number(rows[0]!.n);
    },
    close: async () => {
      await app.close();
      await deps.ws.close();
      await deps.broker.close();
      await testDatabase.close();
    },
  };
}
