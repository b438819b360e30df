import Fastify, { type FastifyError, type FastifyInstance, type RouteOptions } from 'fastify';
import type { Database } from './db/database.js';
import { DbSession } from './db/session.js';
import { HttpError, fromDatabaseError } from './core/http/errors.js';
import type { RedisClient } from './core/redis/client.js';
import type { ConnectionManager } from './core/websocket/manager.js';
import type { WebhookManager } from './core/webhooks/manager.js';
import type { EventBroker } from './core/broker/broker.js';
import { registerWebhookRoutes } from './core/webhooks/http.js';
import { installAuth } from './core/auth/plugin.js';
import { registerAccountRoutes } from './core/auth/http.js';
import { installInputHygiene } from './core/http/hygiene.js';
import { registerPartnerRoutes } from './modules/partners/router.js';
import { registerSettingsRoutes } from './modules/settings/router.js';
import { registerUserOnboardingRoutes } from './modules/user_onboarding/router.js';
import { registerTradeDeskRoutes } from './modules/trade_desk/router.js';
import { registerRiskRoutes } from './modules/risk/router.js';
import { registerMatchingRoutes } from './modules/matching/router.js';
import { registerOrganizationRoutes } from './modules/organization/router.js';
import { registerCommodityRoutes } from './modules/commodity/router.js';
import { registerLocationRoutes } from './modules/locations/router.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** This request's unit of work; rolled back when the request ends without a commit. */
    db: DbSession;
  }
}

/** What the routers and services are built from. */
export interface AppDeps {
  database: Database;
  redis: RedisClient;
  broker: EventBroker;
  ws: ConnectionManager;
  webhooks: WebhookManager;
}

export interface AppOptions {
  logger?: boolean;
  /** Largest request body accepted, in bytes (413 above it). */
  bodyLimit?: number;
  /**
   * The first-run setup token: while no administrator exists, the seed routes accept it as `x-setup-token`. Without
   * one the first administrator cannot be made over HTTP (`createRuntime` always passes one).
   */
  setupToken?: string;
  /** Told of every route as it is registered (method, URL, schema, policy): for route inventories and API docs. */
  onRoute?: (route: RouteOptions) => void;
}

export async function buildApp(deps: AppDeps, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimit ?? 256 * 1024,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
  });

  app.decorateRequest('db', null as unknown as DbSession);
  app.addHook('onRequest', async (request) => {
    request.db = new DbSession(deps.database);
  });
  // Whatever a handler left uncommitted is rolled back: a failed or half-done request writes nothing.
  app.addHook('onResponse', async (request) => {
    await request.db?.close();
  });
  app.addHook('onRequestAbort', async (request) => {
    await request.db?.close();
  });

  // Input hygiene: strings no database can store are a 400 naming the field, before validation and before any handler
  // runs. Who is calling, and may they (core/auth): every route has a policy; 401 before the body is even read,
  // 403/404 before the input is validated.
  installInputHygiene(app);
  installAuth(app, { database: deps.database, setupToken: options.setupToken });
  if (options.onRoute) {
    const observe = options.onRoute;
    app.addHook('onRoute', (route) => observe(route));
  }

  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    await request.db?.rollback().catch(() => undefined);
    if (error instanceof HttpError) {
      if (error.statusCode === 401) reply.header('www-authenticate', 'Bearer');
      return reply.status(error.statusCode).send({ error: error.code, message: error.message });
    }
    if (error.validation) {
      return reply.status(400).send({ error: 'validation_failed', message: validationMessage(error) });
    }
    const fromDb = fromDatabaseError(error);
    if (fromDb) return reply.status(fromDb.statusCode).send({ error: fromDb.code, message: fromDb.message });
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return reply.status(status).send({ error: error.code ?? 'bad_request', message: error.message });
    }
    request.log.error(error);
    return reply.status(500).send({ error: 'internal_error', message: 'internal server error' });
  });

  app.setNotFoundHandler(async (request, reply) =>
    reply.status(404).send({ error: 'not_found', message: `no route for ${request.method} ${request.url}` }),
  );

  app.get('/health', async () => ({ status: 'ok', database: deps.database.kind }));

  registerPartnerRoutes(app, deps);
  registerSettingsRoutes(app, deps);
  registerUserOnboardingRoutes(app, deps);
  registerTradeDeskRoutes(app, deps);
  registerRiskRoutes(app, deps);
  registerMatchingRoutes(app, deps);
  registerOrganizationRoutes(app, deps);
  registerCommodityRoutes(app, deps);
  registerLocationRoutes(app, deps);

  // Infrastructure endpoints (not business operations): webhook subscriptions and deliveries, accounts made by an
  // administrator.
  registerWebhookRoutes(app, deps);
  registerAccountRoutes(app);

  return app;
}

/** Names the field: `body/quantity must be number`, `body has unknown property 'colour'`. */
function validationMessage(error: FastifyError): string {
  const where = error.validationContext ?? 'request';
  const first = error.validation?.[0];
  if (first?.keyword === 'additionalProperties') {
    const path = `${where}${first.instancePath ?? ''}`;
    return `${path} has unknown property '${String((first.params as { additionalProperty?: unknown }).additionalProperty)}'`;
  }
  return error.message.startsWith(where) ? error.message : `${where}: ${error.message}`;
}
