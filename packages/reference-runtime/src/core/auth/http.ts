import type { FastifyInstance } from 'fastify';
import { HttpError } from '../http/errors.js';
import { hashPassword } from '../../modules/settings/auth/credentials.js';

interface NewAccount {
  email: string;
  password: string;
  fullName: string;
  organizationId?: string | null;
  roles?: string[];
}

/**
 * Accounts made by an administrator: the way staff and organisation members get a login once the first administrator
 * exists (the admin seed works only on an empty system, phone sign-up makes accounts of no organisation).
 *
 * Part of the auth layer, like the webhook endpoints are part of the webhook layer — not one of the seed's business
 * operations, so it lives here rather than in a module. Its policy (`tenant` with `settings.manage` on the body's
 * `organizationId`) lets an organisation's administrators add members to their own organisation only (theirs is filled
 * in when left out), and only an administrator of no organisation make accounts of no organisation — which is what a
 * platform administrator is.
 */
export function registerAccountRoutes(app: FastifyInstance): void {
  app.post<{ Body: NewAccount }>(
    '/auth/users',
    {
      schema: {
        headers: { type: 'object', properties: { 'idempotency-key': { type: 'string', minLength: 1, maxLength: 255 } } },
        body: {
          type: 'object',
          required: ['email', 'password', 'fullName'],
          additionalProperties: false,
          properties: {
            email: { type: 'string', format: 'email', maxLength: 254 },
            password: { type: 'string', minLength: 10, maxLength: 128 },
            fullName: { type: 'string', minLength: 1, maxLength: 120, pattern: '\\S' },
            organizationId: { type: ['string', 'null'], format: 'uuid' },
            roles: {
              type: 'array',
              maxItems: 10,
              uniqueItems: true,
              items: { type: 'string', pattern: '^[a-z][a-z0-9_]{1,49}$' },
            },
          },
        },
      },
    },
    async (request, reply) => {
      const { email, password, fullName, organizationId = null, roles = ['viewer'] } = request.body;
      const passwordHash = await hashPassword(password);
      const session = request.db;
      const { rows: known } = await session.execute<{ id: string; name: string }>(
        `SELECT id, name FROM roles WHERE name = ANY($1::text[])`,
        [roles],
      );
      const missing = roles.filter((name) => !known.some((role) => role.name === name));
      if (missing.length > 0) throw new HttpError(422, `roles: unknown role ${missing.join(', ')}`, 'unknown_reference');

      const { rows } = await session.execute<{ id: string; createdAt: Date }>(
        `INSERT INTO users (full_name, email, password_hash, status, password_changed_at, organization_id)
         VALUES ($1, $2, $3, 'active', now(), $4) RETURNING id, created_at AS "createdAt"`,
        [fullName.trim(), email, passwordHash, organizationId],
      );
      const account = rows[0]!;
      for (const role of known) {
        await session.execute(`INSERT INTO user_roles (user_id, role_id, assigned_by) VALUES ($1, $2, $3)`, [
          account.id,
          role.id,
          request.principal?.userId ?? null,
        ]);
      }
      await session.execute(
        `INSERT INTO rbac_audit_log (action, entity_type, entity_id, actor_id, details) VALUES ('user.created', 'user', $1, $2, $3)`,
        [account.id, request.principal?.userId ?? null, JSON.stringify({ organizationId, roles })],
      );
      await session.commit();
      return reply.status(201).send({ id: account.id, email, fullName: fullName.trim(), organizationId, roles, createdAt: account.createdAt });
    },
  );
}
