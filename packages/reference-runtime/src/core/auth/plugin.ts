import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Database } from '../../db/database.js';
import { HttpError } from '../http/errors.js';
import { policyFor, type OwnedTable, type RoutePolicy, type TenantSource } from './policy.js';
import { hasNoAdministrator, hasPermission, isPlatformAdmin, principalOf, type Principal } from './principal.js';
import { bearerTokenOf } from './tokens.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in caller; null on public routes and during first-run setup. */
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** Who may call the route; routes without one take theirs from `ROUTE_POLICIES`. */
    policy?: RoutePolicy;
  }
}

export interface AuthOptions {
  database: Database;
  /**
   * The first-run secret (`x-setup-token`) that the setup routes accept while no administrator exists. Absent: the
   * setup routes cannot be used over HTTP at all until an administrator exists.
   */
  setupToken?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const unauthorized = (message: string) => new HttpError(401, message, 'unauthorized');
const forbidden = (message: string) => new HttpError(403, message, 'forbidden');
const hidden = (what: string, id: unknown) => new HttpError(404, `${what} ${String(id)} not found`, 'not_found');

/**
 * Authentication and authorisation as hooks, so that no handler has to remember them:
 *   - every route gets its policy when it is registered, and one without a policy is an error at start-up;
 *   - `onRequest` (before the body is even read) turns away a request without a valid session with 401;
 *   - `preValidation` (before the schema reports anything about the input) checks the permission and the tenant, and
 *     answers 403 — or 404 for a row of another organisation, whose existence is not the caller's business.
 * The principal is `request.principal`; handlers take the acting user and the tenant from it, never from headers.
 */
export function installAuth(app: FastifyInstance, options: AuthOptions): void {
  const { database } = options;
  const setupToken = options.setupToken ? Buffer.from(options.setupToken, 'utf8') : undefined;

  app.decorateRequest('principal', null);

  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      const policy = route.config?.policy ?? policyFor(method, route.url);
      if (!policy) {
        throw new Error(`route ${method} ${route.url} has no access policy: add it to src/core/auth/policy.ts`);
      }
      route.config = { ...route.config, policy };
    }
  });

  app.addHook('onRequest', async (request) => {
    const policy = request.routeOptions.config.policy;
    // No route matched: the not-found handler answers, and tells nothing.
    if (!policy || policy.access === 'public') return;
    if (policy.access === 'setup' && (await allowedToSetUp(request))) return;

    const token = bearerTokenOf(request.headers.authorization);
    if (!token) throw unauthorized('authentication required: send Authorization: Bearer <accessToken> from POST /auth/login');
    const principal = await principalOf(database, token);
    if (!principal) throw unauthorized('the access token is invalid or expired');
    request.principal = principal;
  });

  app.addHook('preValidation', async (request) => {
    const policy = request.routeOptions.config.policy;
    if (!policy) return;
    await authorize(request, policy);
  });

  /**
   * The first-run seeds: with the setup token, and only while nobody administers the system. Once an administrator
   * exists the setup token is void and the seeds take a session like every other route (see `authorize`).
   */
  async function allowedToSetUp(request: FastifyRequest): Promise<boolean> {
    if (!(await hasNoAdministrator(database))) return false;
    const presented = request.headers['x-setup-token'];
    if (typeof presented !== 'string' || !setupToken) {
      throw unauthorized('first-run setup needs the x-setup-token header (the token the runtime printed at start-up)');
    }
    const given = Buffer.from(presented, 'utf8');
    if (given.length !== setupToken.length || !timingSafeEqual(given, setupToken)) {
      throw unauthorized("the x-setup-token is not this runtime's setup token");
    }
    return true;
  }

  async function authorize(request: FastifyRequest, policy: RoutePolicy): Promise<void> {
    const principal = request.principal;
    if (policy.access === 'public') return;
    if (policy.access === 'setup') {
      // During first-run setup there is no principal. Afterwards deploy scripts may re-run the role and permission
      // seeds as an administrator of no organisation; the admin seed is closed for good.
      if (!principal) return;
      platformOnly(principal, 'settings.manage');
      if (request.routeOptions.url === '/settings/seed/admin-user') {
        throw new HttpError(409, 'the system is already set up: administrators add accounts with POST /auth/users', 'already_set_up');
      }
      return;
    }
    if (!principal) throw unauthorized('authentication required');

    switch (policy.access) {
      case 'any':
        if (policy.permission) requirePermission(principal, policy.permission);
        return;
      case 'platform':
        platformOnly(principal, policy.permission);
        return;
      case 'member':
        requirePermission(principal, policy.permission);
        if (principal.organizationId === null) throw forbidden('this belongs to an organisation: sign in as one of its members');
        return;
      case 'tenant':
        await tenantCheck(request, principal, policy.permission, policy.sources, policy.self);
        return;
    }
  }

  async function tenantCheck(
    request: FastifyRequest,
    principal: Principal,
    permission: string | undefined,
    sources: readonly TenantSource[],
    self: string | undefined,
  ): Promise<void> {
    const params = (request.params ?? {}) as Record<string, unknown>;
    if (self && params[self] === principal.userId) return;
    if (permission) requirePermission(principal, permission);
    if (isPlatformAdmin(principal)) return;
    const tenant = principal.organizationId;
    if (tenant === null) throw forbidden('you are not a member of any organisation');

    const body = isRecord(request.body) ? request.body : undefined;
    const query = isRecord(request.query) ? request.query : undefined;
    for (const source of sources) {
      switch (source.kind) {
        case 'organizationParam': {
          const id = params[source.param];
          if (id !== tenant) throw hidden('organization', id);
          break;
        }
        case 'param': {
          const id = params[source.param];
          const owner = await ownerOf(source.table, id);
          // A row that does not exist is the handler's 404; one of another organisation is hidden the same way.
          if (owner !== undefined && owner !== tenant) throw hidden(source.what, id);
          break;
        }
        case 'bodyOrganization':
        case 'queryOrganization': {
          const target = source.kind === 'bodyOrganization' ? body : query;
          const where = source.kind === 'bodyOrganization' ? 'body' : 'querystring';
          if (!target) break;
          const value = target[source.field];
          if (value === undefined) {
            target[source.field] = tenant; // a member's data is their organisation's
          } else if (value !== tenant) {
            throw forbidden(`${where}/${source.field} must be your own organisation`);
          }
          break;
        }
        case 'bodyRef': {
          if (!body) break;
          const id = body[source.field];
          const table = typeof source.table === 'function' ? source.table(body) : source.table;
          if (!table) break;
          const owner = await ownerOf(table, id);
          if (owner !== undefined && owner !== tenant) throw hidden(source.what, id);
          break;
        }
      }
    }
  }

  /** The organisation a row belongs to: undefined when there is no such row, null when it belongs to none. */
  async function ownerOf(table: OwnedTable, id: unknown): Promise<string | null | undefined> {
    if (typeof id !== 'string' || !UUID.test(id)) return undefined;
    const { rows } = await database.query<{ owner: string | null }>(
      `SELECT organization_id::text AS owner FROM ${OWNED_TABLES[table]} WHERE id = $1`,
      [id],
    );
    return rows.length === 0 ? undefined : rows[0]!.owner;
  }
}

/** Table names for `ownerOf`, spelled out so that nothing but these constants is ever put into its SQL. */
const OWNED_TABLES: Readonly<Record<OwnedTable, string>> = {
  partners: 'partners',
  availabilities: 'availabilities',
  requirements: 'requirements',
  risk_assessments: 'risk_assessments',
  risk_alerts: 'risk_alerts',
  risk_overrides: 'risk_overrides',
  matches: 'matches',
  document_series: 'document_series',
  users: 'users',
};

function requirePermission(principal: Principal, permission: string): void {
  if (!hasPermission(principal, permission)) throw forbidden(`this needs the permission ${permission}`);
}

function platformOnly(principal: Principal, permission: string): void {
  requirePermission(principal, permission);
  if (principal.organizationId !== null) {
    throw forbidden('shared data and the organisations themselves are maintained by the platform, not by a member organisation');
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
