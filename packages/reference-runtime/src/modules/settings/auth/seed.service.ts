import type { DbSession } from '../../../db/session.js';
import { conflict } from '../../../core/http/errors.js';
import { hashPassword } from './credentials.js';

interface DefaultRole {
  name: string;
  description: string;
  /** Roles the platform's own code refers to by name. */
  system: boolean;
}

interface DefaultPermission {
  code: string;
  description: string;
  /** The default roles that hold it. */
  roles: string[];
}

const DEFAULT_ROLES: readonly DefaultRole[] = [
  { name: 'admin', description: 'Full access, including users, roles and organisation settings', system: true },
  { name: 'trader', description: 'Posts availabilities and requirements and accepts matches', system: false },
  { name: 'risk_officer', description: 'Sets credit limits, reviews alerts and approves overrides', system: false },
  { name: 'back_office', description: 'Onboards partners and maintains masters', system: false },
  { name: 'viewer', description: 'Read-only access; given to every new sign-up', system: true },
];

const EVERYONE = DEFAULT_ROLES.map((role) => role.name);

const DEFAULT_PERMISSIONS: readonly DefaultPermission[] = [
  { code: 'partners.read', description: 'See partners and their KYC status', roles: EVERYONE },
  { code: 'partners.write', description: 'Create and edit partners and upload KYC documents', roles: ['admin', 'back_office'] },
  { code: 'partners.approve', description: 'Approve or reject partners', roles: ['admin', 'back_office'] },
  { code: 'trade_desk.availability.write', description: 'Post and edit availabilities', roles: ['admin', 'trader'] },
  { code: 'trade_desk.availability.approve', description: 'Approve availabilities', roles: ['admin'] },
  { code: 'trade_desk.requirement.write', description: 'Post and edit requirements', roles: ['admin', 'trader'] },
  { code: 'trade_desk.requirement.publish', description: 'Publish and cancel requirements', roles: ['admin', 'trader'] },
  { code: 'matching.accept', description: 'Accept a match', roles: ['admin', 'trader'] },
  { code: 'risk.read', description: 'See risk scores, limits and alerts', roles: ['admin', 'risk_officer', 'trader'] },
  { code: 'risk.credit_limit.write', description: 'Set and change credit limits', roles: ['admin', 'risk_officer'] },
  { code: 'risk.override', description: 'Create and revoke risk overrides', roles: ['admin', 'risk_officer'] },
  { code: 'masters.write', description: 'Maintain commodities and locations', roles: ['admin', 'back_office'] },
  { code: 'organization.manage', description: 'Maintain the organisation, branches and bank accounts', roles: ['admin'] },
  { code: 'settings.manage', description: 'Manage users, roles and permissions', roles: ['admin'] },
];

export interface SeedResult {
  created: number;
  existing: number;
}

/**
 * Seeds a fresh installation. Every insert is ON CONFLICT DO NOTHING, so running a seed again (deploy scripts do,
 * on every release) adds what is missing and leaves what is there — including descriptions an admin has edited.
 */
export class SeedService {
  constructor(private readonly db: DbSession) {}

  async seedDefaultRoles(): Promise<SeedResult> {
    let created = 0;
    for (const role of DEFAULT_ROLES) {
      const { rows } = await this.db.execute(
        `INSERT INTO roles (name, description, is_system) VALUES ($1, $2, $3)
         ON CONFLICT (name) DO NOTHING RETURNING id`,
        [role.name, role.description, role.system],
      );
      created += rows.length;
    }
    await this.db.commit();
    return { created, existing: DEFAULT_ROLES.length - created };
  }

  /** Creates the default permissions and grants them to those default roles that exist. */
  async seedDefaultPermissions(): Promise<SeedResult & { grants: number }> {
    let created = 0;
    let grants = 0;
    for (const permission of DEFAULT_PERMISSIONS) {
      const { rows } = await this.db.execute(
        `INSERT INTO permissions (code, description) VALUES ($1, $2) ON CONFLICT (code) DO NOTHING RETURNING id`,
        [permission.code, permission.description],
      );
      created += rows.length;
      const granted = await this.db.execute(
        `INSERT INTO role_permissions (role_id, permission_id)
         SELECT r.id, p.id FROM roles r CROSS JOIN permissions p WHERE r.name = ANY($1::text[]) AND p.code = $2
         ON CONFLICT (role_id, permission_id) DO NOTHING RETURNING role_id`,
        [permission.roles, permission.code],
      );
      grants += granted.rows.length;
    }
    await this.db.commit();
    return { created, existing: DEFAULT_PERMISSIONS.length - created, grants };
  }

  /**
   * The first administrator. Seeding again with the same e-mail finds the existing administrator and changes
   * nothing (in particular not the password); an e-mail that belongs to a non-administrator is refused rather than
   * silently promoted.
   */
  async seedAdminUser(admin: { email: string; password: string; fullName: string }): Promise<{ userId: string; created: boolean }> {
    const { rows: roles } = await this.db.execute<{ id: string }>(`SELECT id FROM roles WHERE name = 'admin'`);
    const adminRole = roles[0];
    if (!adminRole) throw conflict('the admin role does not exist yet: seed the default roles first');

    const passwordHash = await hashPassword(admin.password);
    const { rows: inserted } = await this.db.execute<{ id: string }>(
      `INSERT INTO users (full_name, email, password_hash, status, password_changed_at)
       VALUES ($1, $2, $3, 'active', now()) ON CONFLICT DO NOTHING RETURNING id`,
      [admin.fullName, admin.email, passwordHash],
    );
    if (inserted[0]) {
      await this.db.execute(`INSERT INTO user_roles (user_id, role_id) VALUES ($1, $2)`, [inserted[0].id, adminRole.id]);
      await this.db.commit();
      return { userId: inserted[0].id, created: true };
    }

    const { rows: existing } = await this.db.execute<{ id: string; isAdmin: boolean }>(
      `SELECT u.id, EXISTS (SELECT 1 FROM user_roles ur WHERE ur.user_id = u.id AND ur.role_id = $2) AS "isAdmin"
       FROM users u WHERE lower(u.email) = lower($1)`,
      [admin.email, adminRole.id],
    );
    const user = existing[0];
    if (!user?.isAdmin) throw conflict(`a user with email ${admin.email} already exists and is not an administrator`);
    await this.db.commit();
    return { userId: user.id, created: false };
  }
}
