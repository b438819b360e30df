import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../app.js';
import { RBACService, type PermissionInput, type RoleChanges, type RoleInput } from './auth/rbac.service.js';
import { SeedService } from './auth/seed.service.js';
import { AuthService } from './auth/auth.service.js';

const uuid = { type: 'string', format: 'uuid' } as const;
const password = { type: 'string', minLength: 10, maxLength: 128 } as const;
const roleName = { type: 'string', pattern: '^[a-z][a-z0-9_]{1,49}$' } as const;
const description = { type: 'string', maxLength: 500 } as const;

/** Every mutating route accepts an Idempotency-Key (none of these operations acts on it yet). */
const mutationHeaders = {
  type: 'object',
  properties: { 'idempotency-key': { type: 'string', minLength: 1, maxLength: 255 }, 'x-user-id': uuid },
} as const;

/** Routes that act on the caller's own session. */
const bearerHeaders = {
  type: 'object',
  required: ['authorization'],
  properties: {
    ...mutationHeaders.properties,
    authorization: { type: 'string', pattern: '^Bearer [A-Za-z0-9_-]{20,200}$' },
  },
} as const;

const roleParams = { type: 'object', required: ['roleId'], properties: { roleId: uuid } } as const;
const grantParams = {
  type: 'object',
  required: ['roleId', 'permissionId'],
  properties: { roleId: uuid, permissionId: uuid },
} as const;

interface RoleParams {
  roleId: string;
}

interface GrantParams {
  roleId: string;
  permissionId: string;
}

/** Who is acting: the signed-in user, from the session (never from a header the client fills in). */
function actorOf(request: FastifyRequest): string | null {
  return request.principal?.userId ?? null;
}

/** The token of `Authorization: Bearer <token>` (the header's shape is checked by the route schema). */
function bearerToken(request: FastifyRequest): string {
  return (request.headers.authorization ?? '').slice('Bearer '.length);
}

export function registerSettingsRoutes(app: FastifyInstance, deps: AppDeps): void {
  void deps; // settings needs nothing beyond the request's session

  // ── Roles and permissions ────────────────────────────────────────────────────────────────────────────────────
  app.get('/settings/roles', async (request) => ({ roles: await new RBACService(request.db).listRoles() }));

  app.get<{ Params: RoleParams }>('/settings/roles/:roleId', { schema: { params: roleParams } }, async (request) =>
    new RBACService(request.db).getRole(request.params.roleId),
  );

  app.post<{ Body: RoleInput }>(
    '/settings/roles',
    {
      schema: {
        headers: mutationHeaders,
        body: { type: 'object', required: ['name'], properties: { name: roleName, description } },
      },
    },
    async (request, reply) => {
      const role = await new RBACService(request.db).createRole(request.body, actorOf(request));
      return reply.status(201).send(role);
    },
  );

  app.patch<{ Params: RoleParams; Body: RoleChanges }>(
    '/settings/roles/:roleId',
    {
      schema: {
        headers: mutationHeaders,
        params: roleParams,
        body: { type: 'object', minProperties: 1, properties: { name: roleName, description } },
      },
    },
    async (request) => new RBACService(request.db).updateRole(request.params.roleId, request.body, actorOf(request)),
  );

  app.delete<{ Params: RoleParams }>(
    '/settings/roles/:roleId',
    { schema: { headers: mutationHeaders, params: roleParams } },
    async (request, reply) => {
      await new RBACService(request.db).deleteRole(request.params.roleId, actorOf(request));
      return reply.status(204).send();
    },
  );

  app.get('/settings/permissions', async (request) => ({
    permissions: await new RBACService(request.db).listPermissions(),
  }));

  app.post<{ Body: PermissionInput }>(
    '/settings/permissions',
    {
      schema: {
        headers: mutationHeaders,
        body: {
          type: 'object',
          required: ['code'],
          properties: { code: { type: 'string', maxLength: 100, pattern: '^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+$' }, description },
        },
      },
    },
    async (request, reply) => {
      const permission = await new RBACService(request.db).createPermission(request.body, actorOf(request));
      return reply.status(201).send(permission);
    },
  );

  app.delete<{ Params: { permissionId: string } }>(
    '/settings/permissions/:permissionId',
    {
      schema: {
        headers: mutationHeaders,
        params: { type: 'object', required: ['permissionId'], properties: { permissionId: uuid } },
      },
    },
    async (request, reply) => {
      await new RBACService(request.db).deletePermission(request.params.permissionId, actorOf(request));
      return reply.status(204).send();
    },
  );

  app.put<{ Params: GrantParams }>(
    '/settings/roles/:roleId/permissions/:permissionId',
    { schema: { headers: mutationHeaders, params: grantParams } },
    async (request) => {
      const { roleId, permissionId } = request.params;
      return new RBACService(request.db).assignPermissionToRole(roleId, permissionId, actorOf(request));
    },
  );

  app.delete<{ Params: GrantParams }>(
    '/settings/roles/:roleId/permissions/:permissionId',
    { schema: { headers: mutationHeaders, params: grantParams } },
    async (request, reply) => {
      const { roleId, permissionId } = request.params;
      await new RBACService(request.db).revokePermissionFromRole(roleId, permissionId, actorOf(request));
      return reply.status(204).send();
    },
  );

  app.get<{ Params: { userId: string } }>(
    '/settings/users/:userId/access',
    { schema: { params: { type: 'object', required: ['userId'], properties: { userId: uuid } } } },
    async (request) => new RBACService(request.db).getUserAccess(request.params.userId),
  );

  app.put<{ Params: { userId: string; roleId: string } }>(
    '/settings/users/:userId/roles/:roleId',
    {
      schema: {
        headers: mutationHeaders,
        params: { type: 'object', required: ['userId', 'roleId'], properties: { userId: uuid, roleId: uuid } },
      },
    },
    async (request) =>
      new RBACService(request.db).assignRoleToUser(request.params.userId, request.params.roleId, actorOf(request)),
  );

  // ── Seeding a fresh installation (run by the deploy script; safe to repeat) ───────────────────────────────────
  app.post('/settings/seed/roles', { schema: { headers: mutationHeaders } }, async (request) =>
    new SeedService(request.db).seedDefaultRoles(),
  );

  app.post('/settings/seed/permissions', { schema: { headers: mutationHeaders } }, async (request) =>
    new SeedService(request.db).seedDefaultPermissions(),
  );

  app.post<{ Body: { email: string; password: string; fullName: string } }>(
    '/settings/seed/admin-user',
    {
      schema: {
        headers: mutationHeaders,
        body: {
          type: 'object',
          required: ['email', 'password', 'fullName'],
          properties: {
            email: { type: 'string', format: 'email', maxLength: 254 },
            password,
            fullName: { type: 'string', minLength: 1, maxLength: 120 },
          },
        },
      },
    },
    async (request, reply) => {
      const outcome = await new SeedService(request.db).seedAdminUser(request.body);
      return reply.status(outcome.created ? 201 : 200).send(outcome);
    },
  );

  // ── Authentication ───────────────────────────────────────────────────────────────────────────────────────────
  app.get('/auth/me', { schema: { headers: bearerHeaders } }, async (request) =>
    new AuthService(request.db).currentUser(bearerToken(request)),
  );

  app.post<{ Body: { login: string; password: string } }>(
    '/auth/login',
    {
      schema: {
        headers: mutationHeaders,
        body: {
          type: 'object',
          required: ['login', 'password'],
          properties: { login: { type: 'string', minLength: 3, maxLength: 254 }, password: { type: 'string', minLength: 1, maxLength: 128 } },
        },
      },
    },
    async (request) => {
      const userAgent = request.headers['user-agent'] ?? null;
      return new AuthService(request.db).login(request.body.login, request.body.password, userAgent);
    },
  );

  app.post('/auth/logout', { schema: { headers: bearerHeaders } }, async (request, reply) => {
    await new AuthService(request.db).logout(bearerToken(request));
    return reply.status(204).send();
  });

  app.post<{ Body: { refreshToken: string } }>(
    '/auth/refresh',
    {
      schema: {
        headers: mutationHeaders,
        body: {
          type: 'object',
          required: ['refreshToken'],
          properties: { refreshToken: { type: 'string', minLength: 20, maxLength: 200 } },
        },
      },
    },
    async (request) => new AuthService(request.db).refreshToken(request.body.refreshToken),
  );

  app.post<{ Body: { currentPassword: string; newPassword: string } }>(
    '/auth/change-password',
    {
      schema: {
        headers: bearerHeaders,
        body: {
          type: 'object',
          required: ['currentPassword', 'newPassword'],
          properties: { currentPassword: { type: 'string', minLength: 1, maxLength: 128 }, newPassword: password },
        },
      },
    },
    async (request, reply) => {
      const { currentPassword, newPassword } = request.body;
      await new AuthService(request.db).changePassword(bearerToken(request), currentPassword, newPassword);
      return reply.status(204).send();
    },
  );

  app.post<{ Body: { email: string } }>(
    '/auth/password-reset',
    {
      schema: {
        headers: mutationHeaders,
        body: { type: 'object', required: ['email'], properties: { email: { type: 'string', format: 'email', maxLength: 254 } } },
      },
    },
    async (request, reply) => {
      await new AuthService(request.db).requestPasswordReset(request.body.email);
      // Accepted whether or not the address has an account.
      return reply.status(202).send({ accepted: true });
    },
  );

  app.post<{ Body: { token: string; newPassword: string } }>(
    '/auth/password-reset/confirm',
    {
      schema: {
        headers: mutationHeaders,
        body: {
          type: 'object',
          required: ['token', 'newPassword'],
          properties: { token: { type: 'string', minLength: 20, maxLength: 200 }, newPassword: password },
        },
      },
    },
    async (request, reply) => {
      await new AuthService(request.db).resetPassword(request.body.token, request.body.newPassword);
      return reply.status(204).send();
    },
  );
}
