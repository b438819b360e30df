import type { DbSession } from '../../../db/session.js';
import { HttpError, conflict, notFound } from '../../../core/http/errors.js';

export interface Role {
  id: string;
  name: string;
  description: string;
  isSystem: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface RoleWithPermissions extends Role {
  permissions: string[];
}

export interface Permission {
  id: string;
  code: string;
  description: string;
  createdAt: Date;
}

export interface RoleInput {
  name: string;
  description?: string;
}

export type RoleChanges = Partial<RoleInput>;

export interface PermissionInput {
  code: string;
  description?: string;
}

export interface UserAccess {
  userId: string;
  fullName: string;
  status: string;
  roles: string[];
  permissions: string[];
}

const ROLE_COLUMNS = `id, name, description, is_system AS "isSystem", created_at AS "createdAt", updated_at AS "updatedAt"`;
const PERMISSION_COLUMNS = `id, code, description, created_at AS "createdAt"`;

/**
 * Roles, permissions and who holds them. Every change is written to the RBAC audit log in the same transaction, so
 * the log never claims a change that did not happen, nor misses one that did.
 */
export class RBACService {
  constructor(private readonly db: DbSession) {}

  listRoles = async (): Promise<RoleWithPermissions[]> => {
    const { rows } = await this.db.execute<RoleWithPermissions>(
      `SELECT r.id, r.name, r.description, r.is_system AS "isSystem", r.created_at AS "createdAt",
              r.updated_at AS "updatedAt",
              coalesce(array_agg(p.code ORDER BY p.code) FILTER (WHERE p.code IS NOT NULL), '{}') AS permissions
       FROM roles r
       LEFT JOIN role_permissions rp ON rp.role_id = r.id
       LEFT JOIN permissions p ON p.id = rp.permission_id
       GROUP BY r.id ORDER BY r.name`,
    );
    return rows;
  };

  getRole = async (roleId: string): Promise<RoleWithPermissions> => {
    const role = await this.findRole(roleId);
    const { rows } = await this.db.execute<{ code: string }>(
      `SELECT p.code FROM role_permissions rp JOIN permissions p ON p.id = rp.permission_id
       WHERE rp.role_id = $1 ORDER BY p.code`,
      [roleId],
    );
    return { ...role, permissions: rows.map((row) => row.code) };
  };

  listPermissions = async (): Promise<Permission[]> => {
    const { rows } = await this.db.execute<Permission>(`SELECT ${PERMISSION_COLUMNS} FROM permissions ORDER BY code`);
    return rows;
  };

  /** The roles a user holds and the permissions those roles grant. */
  getUserAccess = async (userId: string): Promise<UserAccess> => {
    const { rows } = await this.db.execute<UserAccess>(
      `SELECT u.id AS "userId", u.full_name AS "fullName", u.status,
              coalesce((SELECT array_agg(r.name ORDER BY r.name) FROM user_roles ur JOIN roles r ON r.id = ur.role_id
                        WHERE ur.user_id = u.id), '{}') AS roles,
              coalesce((SELECT array_agg(DISTINCT p.code ORDER BY p.code)
                        FROM user_roles ur
                        JOIN role_permissions rp ON rp.role_id = ur.role_id
                        JOIN permissions p ON p.id = rp.permission_id
                        WHERE ur.user_id = u.id), '{}') AS permissions
       FROM users u WHERE u.id = $1`,
      [userId],
    );
    if (!rows[0]) throw notFound('user', userId);
    return rows[0];
  };

  createRole = async (input: RoleInput, actorId: string | null): Promise<Role> => {
    const { rows } = await this.db.execute<Role>(
      `INSERT INTO roles (name, description) VALUES ($1, $2) RETURNING ${ROLE_COLUMNS}`,
      [input.name, input.description ?? ''],
    );
    const role = rows[0]!;
    await this.audit('role.created', 'role', role.id, actorId, { name: role.name });
    await this.db.commit();
    return role;
  };

  updateRole = async (roleId: string, changes: RoleChanges, actorId: string | null): Promise<Role> => {
    const before = await this.findRole(roleId, { forUpdate: true });
    // Code and other services look system roles up by name: renaming one would silently strip access.
    if (before.isSystem && changes.name !== undefined && changes.name !== before.name) {
      throw conflict(`role ${before.name} is a system role and cannot be renamed`);
    }
    const { rows } = await this.db.execute<Role>(
      `UPDATE roles SET name = coalesce($2, name), description = coalesce($3, description), updated_at = now()
       WHERE id = $1 RETURNING ${ROLE_COLUMNS}`,
      [roleId, changes.name ?? null, changes.description ?? null],
    );
    const after = rows[0]!;
    await this.audit('role.updated', 'role', roleId, actorId, {
      before: { name: before.name, description: before.description },
      after: { name: after.name, description: after.description },
    });
    await this.db.commit();
    return after;
  };

  deleteRole = async (roleId: string, actorId: string | null): Promise<void> => {
    const role = await this.findRole(roleId, { forUpdate: true });
    if (role.isSystem) throw conflict(`role ${role.name} is a system role and cannot be deleted`);
    // Holders lose the role through the cascade; the audit entry records how many were affected.
    const { rows } = await this.db.execute<{ holders: number }>(
      `SELECT count(*)::int AS holders FROM user_roles WHERE role_id = $1`,
      [roleId],
    );
    await this.db.execute(`DELETE FROM roles WHERE id = $1`, [roleId]);
    await this.audit('role.deleted', 'role', roleId, actorId, { name: role.name, holders: rows[0]!.holders });
    await this.db.commit();
  };

  createPermission = async (input: PermissionInput, actorId: string | null): Promise<Permission> => {
    const { rows } = await this.db.execute<Permission>(
      `INSERT INTO permissions (code, description) VALUES ($1, $2) RETURNING ${PERMISSION_COLUMNS}`,
      [input.code, input.description ?? ''],
    );
    const permission = rows[0]!;
    await this.audit('permission.created', 'permission', permission.id, actorId, { code: permission.code });
    await this.db.commit();
    return permission;
  };

  deletePermission = async (permissionId: string, actorId: string | null): Promise<void> => {
    const { rows } = await this.db.execute<{ code: string }>(
      `DELETE FROM permissions WHERE id = $1 RETURNING code`,
      [permissionId],
    );
    if (!rows[0]) throw notFound('permission', permissionId);
    await this.audit('permission.deleted', 'permission', permissionId, actorId, { code: rows[0].code });
    await this.db.commit();
  };

  /** Grants a permission to a role; granting one the role already has changes nothing and logs nothing. */
  assignPermissionToRole = async (roleId: string, permissionId: string, actorId: string | null) => {
    const role = await this.findRole(roleId);
    const permission = await this.findPermission(permissionId);
    const { rows } = await this.db.execute(
      `INSERT INTO role_permissions (role_id, permission_id) VALUES ($1, $2)
       ON CONFLICT (role_id, permission_id) DO NOTHING RETURNING role_id`,
      [roleId, permissionId],
    );
    const granted = rows.length > 0;
    if (granted) {
      await this.audit('role.permission_granted', 'role', roleId, actorId, { role: role.name, permission: permission.code });
    }
    await this.db.commit();
    return { roleId, permissionId, role: role.name, permission: permission.code, newlyGranted: granted };
  };

  revokePermissionFromRole = async (roleId: string, permissionId: string, actorId: string | null): Promise<void> => {
    const { rows } = await this.db.execute<{ role: string; permission: string }>(
      `DELETE FROM role_permissions rp USING roles r, permissions p
       WHERE rp.role_id = $1 AND rp.permission_id = $2 AND r.id = rp.role_id AND p.id = rp.permission_id
       RETURNING r.name AS role, p.code AS permission`,
      [roleId, permissionId],
    );
    if (!rows[0]) throw new HttpError(404, `role ${roleId} does not hold permission ${permissionId}`);
    await this.audit('role.permission_revoked', 'role', roleId, actorId, rows[0]);
    await this.db.commit();
  };

  assignRoleToUser = async (userId: string, roleId: string, actorId: string | null) => {
    const { rows: users } = await this.db.execute<{ status: string }>(`SELECT status FROM users WHERE id = $1`, [userId]);
    if (!users[0]) throw notFound('user', userId);
    const role = await this.findRole(roleId);
    const { rows } = await this.db.execute(
      `INSERT INTO user_roles (user_id, role_id, assigned_by) VALUES ($1, $2, $3)
       ON CONFLICT (user_id, role_id) DO NOTHING RETURNING role_id`,
      [userId, roleId, actorId],
    );
    const assigned = rows.length > 0;
    if (assigned) await this.audit('user.role_assigned', 'user', userId, actorId, { role: role.name });
    await this.db.commit();
    return { userId, roleId, role: role.name, newlyAssigned: assigned };
  };

  private async findRole(roleId: string, options: { forUpdate?: boolean } = {}): Promise<Role> {
    const { rows } = await this.db.execute<Role>(
      `SELECT ${ROLE_COLUMNS} FROM roles WHERE id = $1${options.forUpdate ? ' FOR UPDATE' : ''}`,
      [roleId],
    );
    if (!rows[0]) throw notFound('role', roleId);
    return rows[0];
  }

  private async findPermission(permissionId: string): Promise<Permission> {
    const { rows } = await this.db.execute<Permission>(
      `SELECT ${PERMISSION_COLUMNS} FROM permissions WHERE id = $1`,
      [permissionId],
    );
    if (!rows[0]) throw notFound('permission', permissionId);
    return rows[0];
  }

  private async audit(
    action: string,
    entityType: 'role' | 'permission' | 'user',
    entityId: string,
    actorId: string | null,
    details: Record<string, unknown>,
  ): Promise<void> {
    await this.db.execute(
      `INSERT INTO rbac_audit_log (action, entity_type, entity_id, actor_id, details) VALUES ($1, $2, $3, $4, $5)`,
      [action, entityType, entityId, actorId, JSON.stringify(details)],
    );
  }
}
