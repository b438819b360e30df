import { createHash } from 'node:crypto';
import type { Database } from '../../db/database.js';
import { hasValidSignature } from './tokens.js';

/** Who is calling: the user behind a live session, their organisation (tenant) and what their roles allow. */
export interface Principal {
  userId: string;
  sessionId: string;
  /** The tenant. `null`: the user belongs to no organisation (platform administrators, platform staff, new sign-ups). */
  organizationId: string | null;
  roles: readonly string[];
  permissions: ReadonlySet<string>;
}

/** The role that holds every permission (within its holder's organisation, or everywhere for a user of none). */
export const ADMIN_ROLE = 'admin';

export const isAdmin = (principal: Principal): boolean => principal.roles.includes(ADMIN_ROLE);

/** An administrator of no organisation: may act in every organisation and on shared data. */
export const isPlatformAdmin = (principal: Principal): boolean => principal.organizationId === null && isAdmin(principal);

export const hasPermission = (principal: Principal, permission: string): boolean =>
  isAdmin(principal) || principal.permissions.has(permission);

const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * The principal of a bearer token: it must carry this deployment's signature and be the access token of a live
 * session (not revoked, not expired) of an active user. Roles, permissions and organisation are read now, so a
 * change to them takes effect on the next request.
 */
export async function principalOf(database: Database, token: string): Promise<Principal | undefined> {
  if (!hasValidSignature(token)) return undefined;
  const { rows } = await database.query<{
    userId: string;
    sessionId: string;
    organizationId: string | null;
    roles: string[];
    permissions: string[];
  }>(
    `SELECT u.id AS "userId", s.id AS "sessionId", u.organization_id::text AS "organizationId",
            coalesce((SELECT array_agg(r.name ORDER BY r.name) FROM user_roles ur JOIN roles r ON r.id = ur.role_id
                      WHERE ur.user_id = u.id), '{}') AS roles,
            coalesce((SELECT array_agg(DISTINCT p.code) FROM user_roles ur
                      JOIN role_permissions rp ON rp.role_id = ur.role_id JOIN permissions p ON p.id = rp.permission_id
                      WHERE ur.user_id = u.id), '{}') AS permissions
     FROM user_sessions s JOIN users u ON u.id = s.user_id
     WHERE s.access_token_hash = $1 AND s.revoked_at IS NULL AND s.access_expires_at > now() AND u.status = 'active'`,
    [sha256(token)],
  );
  const row = rows[0];
  if (!row) return undefined;
  return {
    userId: row.userId,
    sessionId: row.sessionId,
    organizationId: row.organizationId,
    roles: row.roles,
    permissions: new Set(row.permissions),
  };
}

/** True while no user holds the admin role: the only time the setup endpoints accept the setup token. */
export async function hasNoAdministrator(database: Database): Promise<boolean> {
  const { rows } = await database.query<{ present: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE r.name = '${ADMIN_ROLE}') AS present`,
  );
  return !rows[0]!.present;
}
