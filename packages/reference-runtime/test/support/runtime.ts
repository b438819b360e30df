import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp, type AppDeps } from '../../src/app.js';
import type { Database, Row } from '../../src/db/database.js';
import { MemoryRedis } from '../../src/core/redis/client.js';
import { InProcessBroker } from '../../src/core/broker/broker.js';
import { ConnectionManager } from '../../src/core/websocket/manager.js';
import { WebhookManager } from '../../src/core/webhooks/manager.js';
import { openTestDatabase } from './database.js';
import { bootstrapAdministrator, createAccount, createOrganization, type Account, type Inject } from './auth.js';
import type { JsonSchema } from './examples.js';

export type { Account } from './auth.js';

/** A route as the app registered it (from its own onRoute hook): what the attacker tests and the fuzz aim at. */
export interface RouteInfo {
  method: string;
  url: string;
  schema: {
    params?: JsonSchema;
    querystring?: JsonSchema;
    body?: JsonSchema;
    headers?: JsonSchema;
  };
}

/** Sends requests through the app with one set of credentials. */
export interface Client {
  /** GET/DELETE/POST/PUT/PATCH through the app; mutating requests carry a fresh Idempotency-Key. */
  request(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  get(url: string, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  post(url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  put(url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  patch(url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  delete(url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
}

/**
 * A runtime for one test file: its own database (PGlite in memory, or a fresh schema on the PostgreSQL server of
 * DATABASE_URL), migrated, behind the real Fastify app, set up as an operator would (the first-run seeds with the
 * setup token, then a platform administrator). Tests talk to it only through HTTP — as that administrator unless they
 * say otherwise — and read rows back with `rows()`, so they keep passing when the codemods rewrite services and routers.
 */
export interface TestRuntime extends Client {
  app: FastifyInstance;
  database: Database;
  /** What the app was built from (in-process Redis stand-in and bus, bare ConnectionManager, DB-backed webhooks). */
  deps: AppDeps;
  /** The first-run token the seed routes accept while no administrator exists. */
  setupToken: string;
  /** Every route of the app (HEAD twins left out), as registered. */
  routes: RouteInfo[];
  /** The platform administrator (no organisation, admin role) the default requests are sent as. */
  readonly admin: Account;
  /** Requests with `token` as the bearer, or with no credentials at all (`null`). */
  as(token: string | null): Client;
  /** A new organisation, made by the platform administrator; its id. */
  organization(name?: string): Promise<string>;
  /** A new signed-in account, made by the platform administrator (POST /auth/users) — a member of `organizationId`, if given. */
  account(options?: { organizationId?: string | null; roles?: string[] }): Promise<Account>;
  /** Reads rows straight from the database (outside any request). */
  rows<R = Row>(sql: string, params?: unknown[]): Promise<R[]>;
  /** Counts rows of a table, optionally filtered: `count('outbox', 'event_type = $1', ['x'])`. */
  count(table: string, where?: string, params?: unknown[]): Promise<number>;
  close(): Promise<void>;
}

export interface TestRuntimeOptions {
  /** Run the first-run setup and sign the administrator in (default). `false`: an empty system, anonymous requests. */
  setUp?: boolean;
}

export async function startTestRuntime(options: TestRuntimeOptions = {}): Promise<TestRuntime> {
  const testDatabase = await openTestDatabase({ poolSize: 20 });
  const { database } = testDatabase;
  const deps: AppDeps = {
    database,
    redis: new MemoryRedis(),
    broker: new InProcessBroker(),
    ws: new ConnectionManager(),
    webhooks: new WebhookManager({ database }),
  };
  const setupToken = randomBytes(24).toString('base64url');
  const routes: RouteInfo[] = [];
  const app = await buildApp(deps, {
    setupToken,
    onRoute: (route) => {
      for (const method of Array.isArray(route.method) ? route.method : [route.method]) {
        if (method !== 'HEAD') routes.push({ method, url: route.url, schema: (route.schema ?? {}) as RouteInfo['schema'] });
      }
    },
  });
  await app.ready();

  const inject: Inject = (request) => app.inject(request);
  const admin = options.setUp === false ? undefined : await bootstrapAdministrator(inject, setupToken);

  const clientFor = (token: () => string | undefined): Client => {
    const request: Client['request'] = async (method, url, body, headers = {}) => {
      const mutating = method !== 'GET' && method !== 'HEAD';
      const bearer = token();
      return app.inject({
        method: method as 'GET',
        url,
        headers: {
          ...(mutating ? { 'idempotency-key': randomUUID() } : {}),
          ...(body !== undefined && typeof body !== 'string' ? { 'content-type': 'application/json' } : {}),
          ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
          ...headers,
        },
        ...(body !== undefined ? { payload: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      });
    };
    return {
      request,
      get: (url, headers) => request('GET', url, undefined, headers),
      post: (url, body, headers) => request('POST', url, body ?? {}, headers),
      put: (url, body, headers) => request('PUT', url, body ?? {}, headers),
      patch: (url, body, headers) => request('PATCH', url, body ?? {}, headers),
      delete: (url, body, headers) => request('DELETE', url, body, headers),
    };
  };
  const asAdmin = clientFor(() => admin?.token);

  return {
    ...asAdmin,
    app,
    database,
    deps,
    setupToken,
    routes,
    get admin(): Account {
      if (!admin) throw new Error('this test runtime was started with setUp: false: it has no administrator');
      return admin;
    },
    as: (token) => clientFor(() => token ?? undefined),
    organization: async (name) => createOrganization(inject, admin!.token, name),
    account: async ({ organizationId = null, roles } = {}) =>
      createAccount(inject, admin!.token, { organizationId, ...(roles ? { roles } : {}) }),
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
