import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../support/runtime.js';

let rt: TestRuntime;
/** A second runtime on which nobody has run the first-run setup yet: the seeds' own tests. */
let fresh: TestRuntime;
/** The platform administrator every request of `rt` is sent as (the actor the audit log records). */
let ADMIN: string;
beforeAll(async () => {
  rt = await startTestRuntime();
  fresh = await startTestRuntime({ setUp: false });
  ADMIN = rt.admin.userId;
});
afterAll(async () => {
  await rt?.close();
  await fresh?.close();
});

const PASSWORD = 'monsoon-kharif-2025';
const asAdmin = {};
/** The first-run setup token, which the seeds accept while no administrator exists. */
const setup = () => ({ 'x-setup-token': fresh.setupToken });

let serial = 0;
const unique = (prefix: string) => `${prefix}_${Date.now().toString(36)}_${serial++}`;

async function createRole(): Promise<{ id: string; name: string }> {
  const res = await rt.post('/settings/roles', { name: unique('desk'), description: 'Desk staff' }, asAdmin);
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

async function createPermission(): Promise<{ id: string; code: string }> {
  const res = await rt.post('/settings/permissions', { code: `reports.${unique('export')}` }, asAdmin);
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

/** An active administrator with a password, made by the platform administrator (POST /auth/users). */
async function createAccount(): Promise<{ userId: string; email: string }> {
  const email = `${unique('ops')}@tradeco.example`;
  const res = await rt.post('/auth/users', { email, password: PASSWORD, fullName: 'Anita Deshmukh', roles: ['admin'] });
  expect(res.statusCode, res.body).toBe(201);
  return { userId: res.json().id, email };
}

async function login(email: string, password = PASSWORD) {
  const res = await rt.post('/auth/login', { login: email, password });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { sessionId: string; accessToken: string; refreshToken: string };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function passwordHashOf(userId: string): Promise<string> {
  const [row] = await rt.rows<{ password_hash: string }>('SELECT password_hash FROM users WHERE id = $1', [userId]);
  return row!.password_hash;
}

async function auditCount(action: string, entityId: string): Promise<number> {
  return rt.count('rbac_audit_log', 'action = $1 AND entity_id = $2', [action, entityId]);
}

// ── Every operation: status code and its effect on the rows ──────────────────────────────────────────────────────

interface OperationCase {
  operation: string;
  status: number;
  /** Arranges what the operation needs, sends it, and returns whatever `effect` needs to check the rows. */
  run: () => Promise<{ res: LightMyRequestResponse; effect: () => Promise<void> }>;
}

const operations: OperationCase[] = [
  {
    operation: 'RBACService.createRole',
    status: 201,
    run: async () => {
      const name = unique('warehouse_manager');
      const res = await rt.post('/settings/roles', { name, description: 'Runs the godown' }, asAdmin);
      return {
        res,
        effect: async () => {
          const rows = await rt.rows('SELECT description, is_system FROM roles WHERE name = $1', [name]);
          expect(rows).toEqual([{ description: 'Runs the godown', is_system: false }]);
          expect(await rt.count('rbac_audit_log', "action = 'role.created' AND actor_id = $1 AND details->>'name' = $2", [ADMIN, name])).toBe(1);
        },
      };
    },
  },
  {
    operation: 'RBACService.updateRole',
    status: 200,
    run: async () => {
      const role = await createRole();
      const res = await rt.patch(`/settings/roles/${role.id}`, { description: 'Desk staff, Indore branch' }, asAdmin);
      return {
        res,
        effect: async () => {
          const [row] = await rt.rows('SELECT name, description FROM roles WHERE id = $1', [role.id]);
          expect(row).toEqual({ name: role.name, description: 'Desk staff, Indore branch' });
          expect(await auditCount('role.updated', role.id)).toBe(1);
        },
      };
    },
  },
  {
    operation: 'RBACService.deleteRole',
    status: 204,
    run: async () => {
      const role = await createRole();
      const res = await rt.delete(`/settings/roles/${role.id}`, undefined, asAdmin);
      return {
        res,
        effect: async () => {
          expect(await rt.count('roles', 'id = $1', [role.id])).toBe(0);
          expect(await auditCount('role.deleted', role.id)).toBe(1);
        },
      };
    },
  },
  {
    operation: 'RBACService.createPermission',
    status: 201,
    run: async () => {
      const code = `reports.${unique('download')}`;
      const res = await rt.post('/settings/permissions', { code, description: 'Download reports' });
      return {
        res,
        effect: async () => {
          expect(await rt.rows('SELECT description FROM permissions WHERE code = $1', [code])).toEqual([{ description: 'Download reports' }]);
          expect(await rt.count('rbac_audit_log', "action = 'permission.created' AND details->>'code' = $1", [code])).toBe(1);
        },
      };
    },
  },
  {
    operation: 'RBACService.deletePermission',
    status: 204,
    run: async () => {
      const permission = await createPermission();
      const role = await createRole();
      await rt.put(`/settings/roles/${role.id}/permissions/${permission.id}`);
      const res = await rt.delete(`/settings/permissions/${permission.id}`);
      return {
        res,
        effect: async () => {
          expect(await rt.count('permissions', 'id = $1', [permission.id])).toBe(0);
          expect(await rt.count('role_permissions', 'permission_id = $1', [permission.id])).toBe(0);
          expect(await auditCount('permission.deleted', permission.id)).toBe(1);
        },
      };
    },
  },
  {
    operation: 'RBACService.assignPermissionToRole',
    status: 200,
    run: async () => {
      const [role, permission] = [await createRole(), await createPermission()];
      const res = await rt.put(`/settings/roles/${role.id}/permissions/${permission.id}`, undefined, asAdmin);
      return {
        res,
        effect: async () => {
          expect(res.json()).toMatchObject({ roleId: role.id, permission: permission.code, newlyGranted: true });
          expect(await rt.count('role_permissions', 'role_id = $1 AND permission_id = $2', [role.id, permission.id])).toBe(1);
          expect(await auditCount('role.permission_granted', role.id)).toBe(1);
        },
      };
    },
  },
  {
    operation: 'RBACService.revokePermissionFromRole',
    status: 204,
    run: async () => {
      const [role, permission] = [await createRole(), await createPermission()];
      await rt.put(`/settings/roles/${role.id}/permissions/${permission.id}`);
      const res = await rt.delete(`/settings/roles/${role.id}/permissions/${permission.id}`);
      return {
        res,
        effect: async () => {
          expect(await rt.count('role_permissions', 'role_id = $1', [role.id])).toBe(0);
          expect(await rt.count('permissions', 'id = $1', [permission.id])).toBe(1);
          expect(await auditCount('role.permission_revoked', role.id)).toBe(1);
        },
      };
    },
  },
  {
    operation: 'RBACService.assignRoleToUser',
    status: 200,
    run: async () => {
      const [role, account] = [await createRole(), await createAccount()];
      const res = await rt.put(`/settings/users/${account.userId}/roles/${role.id}`, undefined, asAdmin);
      return {
        res,
        effect: async () => {
          expect(await rt.rows('SELECT assigned_by FROM user_roles WHERE user_id = $1 AND role_id = $2', [account.userId, role.id])).toEqual([
            { assigned_by: ADMIN },
          ]);
          expect(await auditCount('user.role_assigned', account.userId)).toBe(1);
        },
      };
    },
  },
  {
    operation: 'SeedService.seedDefaultRoles',
    status: 200,
    run: async () => {
      const res = await fresh.post('/settings/seed/roles', {}, setup());
      return {
        res,
        effect: async () => {
          const rows = await fresh.rows<{ name: string; is_system: boolean }>(
            "SELECT name, is_system FROM roles WHERE name IN ('admin', 'trader', 'risk_officer', 'back_office', 'viewer') ORDER BY name",
          );
          expect(rows).toEqual([
            { name: 'admin', is_system: true },
            { name: 'back_office', is_system: false },
            { name: 'risk_officer', is_system: false },
            { name: 'trader', is_system: false },
            { name: 'viewer', is_system: true },
          ]);
        },
      };
    },
  },
  {
    operation: 'SeedService.seedDefaultPermissions',
    status: 200,
    run: async () => {
      const res = await fresh.post('/settings/seed/permissions', {}, setup());
      return {
        res,
        effect: async () => {
          expect(await fresh.count('permissions', "code IN ('partners.approve', 'risk.override', 'settings.manage')")).toBe(3);
          const granted = await fresh.rows<{ code: string }>(
            `SELECT p.code FROM role_permissions rp JOIN roles r ON r.id = rp.role_id JOIN permissions p ON p.id = rp.permission_id
             WHERE r.name = 'risk_officer'`,
          );
          expect(granted.map((g) => g.code).sort()).toEqual(['partners.read', 'risk.credit_limit.write', 'risk.override', 'risk.read']);
        },
      };
    },
  },
  {
    operation: 'SeedService.seedAdminUser',
    status: 201,
    run: async () => {
      const email = `${unique('root')}@tradeco.example`;
      const res = await fresh.post('/settings/seed/admin-user', { email, password: PASSWORD, fullName: 'Platform Admin' }, setup());
      return {
        res,
        effect: async () => {
          const [user] = await fresh.rows<{ id: string; status: string; password_hash: string }>(
            'SELECT id, status, password_hash FROM users WHERE email = $1',
            [email],
          );
          expect(user).toMatchObject({ status: 'active' });
          expect(user!.password_hash).toMatch(/^scrypt\$/);
          expect(user!.password_hash).not.toContain(PASSWORD);
          const roles = await fresh.rows('SELECT r.name FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE ur.user_id = $1', [user!.id]);
          expect(roles).toEqual([{ name: 'admin' }]);
        },
      };
    },
  },
  {
    operation: 'AuthService.login',
    status: 200,
    run: async () => {
      const account = await createAccount();
      const res = await rt.post('/auth/login', { login: account.email.toUpperCase(), password: PASSWORD }, { 'user-agent': 'desk-app/3.2' });
      return {
        res,
        effect: async () => {
          const body = res.json();
          expect(body).toMatchObject({ user: { id: account.userId, email: account.email } });
          expect(body.user.passwordHash).toBeUndefined();
          const sessions = await rt.rows<{ id: string; user_agent: string; access_token_hash: string }>(
            'SELECT id, user_agent, access_token_hash FROM user_sessions WHERE user_id = $1',
            [account.userId],
          );
          expect(sessions).toHaveLength(1);
          expect(sessions[0]).toMatchObject({ id: body.sessionId, user_agent: 'desk-app/3.2' });
          expect(sessions[0]!.access_token_hash).not.toBe(body.accessToken);
          expect(await rt.count('users', 'id = $1 AND last_login_at IS NOT NULL', [account.userId])).toBe(1);
        },
      };
    },
  },
  {
    operation: 'AuthService.logout',
    status: 204,
    run: async () => {
      const account = await createAccount();
      const session = await login(account.email);
      const res = await rt.post('/auth/logout', {}, bearer(session.accessToken));
      return {
        res,
        effect: async () => {
          expect(await rt.count('user_sessions', 'id = $1 AND revoked_at IS NOT NULL', [session.sessionId])).toBe(1);
          expect((await rt.get('/auth/me', bearer(session.accessToken))).statusCode).toBe(401);
        },
      };
    },
  },
  {
    operation: 'AuthService.refreshToken',
    status: 200,
    run: async () => {
      const account = await createAccount();
      const session = await login(account.email);
      const [before] = await rt.rows<{ refresh_token_hash: string }>('SELECT refresh_token_hash FROM user_sessions WHERE id = $1', [session.sessionId]);
      const res = await rt.post('/auth/refresh', { refreshToken: session.refreshToken });
      return {
        res,
        effect: async () => {
          const rotated = res.json();
          expect(rotated.sessionId).toBe(session.sessionId);
          expect(rotated.refreshToken).not.toBe(session.refreshToken);
          const [after] = await rt.rows<{ refresh_token_hash: string; rotated_at: Date | null }>(
            'SELECT refresh_token_hash, rotated_at FROM user_sessions WHERE id = $1',
            [session.sessionId],
          );
          expect(after!.refresh_token_hash).not.toBe(before!.refresh_token_hash);
          expect(after!.rotated_at).not.toBeNull();
          // The old pair is spent: the refresh token cannot be used twice, the old access token no longer works.
          expect((await rt.post('/auth/refresh', { refreshToken: session.refreshToken })).statusCode).toBe(401);
          expect((await rt.get('/auth/me', bearer(session.accessToken))).statusCode).toBe(401);
          expect((await rt.get('/auth/me', bearer(rotated.accessToken))).json()).toMatchObject({ id: account.userId });
        },
      };
    },
  },
  {
    operation: 'AuthService.changePassword',
    status: 204,
    run: async () => {
      const account = await createAccount();
      const laptop = await login(account.email);
      const phone = await login(account.email);
      const hashBefore = await passwordHashOf(account.userId);
      const res = await rt.post(
        '/auth/change-password',
        { currentPassword: PASSWORD, newPassword: 'rabi-season-wheat-2026' },
        bearer(laptop.accessToken),
      );
      return {
        res,
        effect: async () => {
          expect(await passwordHashOf(account.userId)).not.toBe(hashBefore);
          expect(await rt.count('user_sessions', 'id = $1 AND revoked_at IS NULL', [laptop.sessionId])).toBe(1);
          expect(await rt.count('user_sessions', 'id = $1 AND revoked_at IS NOT NULL', [phone.sessionId])).toBe(1);
          await login(account.email, 'rabi-season-wheat-2026');
        },
      };
    },
  },
  {
    operation: 'AuthService.requestPasswordReset',
    status: 202,
    run: async () => {
      const account = await createAccount();
      const res = await rt.post('/auth/password-reset', { email: account.email });
      return {
        res,
        effect: async () => {
          expect(await rt.count('password_reset_tokens', 'user_id = $1 AND used_at IS NULL', [account.userId])).toBe(1);
          const mails = await rt.rows<{ template: string; body: string }>('SELECT template, body FROM email_messages WHERE recipient = $1', [account.email]);
          expect(mails).toHaveLength(1);
          expect(mails[0]!.template).toBe('password_reset');
          expect(mails[0]!.body).toMatch(/reset-password\?token=[A-Za-z0-9_-]{40,}/);
        },
      };
    },
  },
  {
    operation: 'AuthService.resetPassword',
    status: 204,
    run: async () => {
      const account = await createAccount();
      const session = await login(account.email);
      await rt.post('/auth/password-reset', { email: account.email });
      const token = await resetTokenMailedTo(account.email);
      const hashBefore = await passwordHashOf(account.userId);
      const res = await rt.post('/auth/password-reset/confirm', { token, newPassword: 'zaid-crop-moong-2027' });
      return {
        res,
        effect: async () => {
          expect(await passwordHashOf(account.userId)).not.toBe(hashBefore);
          expect(await rt.count('password_reset_tokens', 'user_id = $1 AND used_at IS NOT NULL', [account.userId])).toBe(1);
          expect(await rt.count('user_sessions', 'id = $1 AND revoked_at IS NOT NULL', [session.sessionId])).toBe(1);
          await login(account.email, 'zaid-crop-moong-2027');
        },
      };
    },
  },
];

/** The token in the newest reset mail to `email`, as the user would click it. */
async function resetTokenMailedTo(email: string): Promise<string> {
  const [mail] = await rt.rows<{ body: string }>(
    'SELECT body FROM email_messages WHERE recipient = $1 ORDER BY created_at DESC LIMIT 1',
    [email],
  );
  return decodeURIComponent(/token=([^\s]+)/.exec(mail!.body)![1]!);
}

describe('the first-run seeds refuse bad input (on an empty system, with the setup token)', () => {
  it.each([
    { name: 'without a password', body: { email: 'x@tradeco.example', fullName: 'X' } },
    { name: 'with a short password', body: { email: 'x@tradeco.example', password: 'short', fullName: 'X' } },
  ])('an admin seed $name → 400 naming password, and no account', async ({ body }) => {
    const res = await fresh.post('/settings/seed/admin-user', body, setup());
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().message).toContain('password');
    expect(await fresh.count('users', 'email = $1', [body.email])).toBe(0);
  });
});

describe('settings operations', () => {
  it.each(operations)('$operation answers $status and writes its rows', async ({ run, status }) => {
    const { res, effect } = await run();
    expect(res.statusCode, res.body).toBe(status);
    await effect();
  });
});

describe('settings operations, the second time', () => {
  it('seeding again adds nothing and keeps edited descriptions', async () => {
    await rt.post('/settings/seed/permissions');
    const [trader] = await rt.rows<{ id: string }>("SELECT id FROM roles WHERE name = 'trader'");
    await rt.patch(`/settings/roles/${trader!.id}`, { description: 'Traders of the Rajkot desk' });
    const counts = async () => [await rt.count('roles'), await rt.count('permissions'), await rt.count('role_permissions')];
    const before = await counts();

    expect((await rt.post('/settings/seed/roles')).json()).toEqual({ created: 0, existing: 5 });
    expect((await rt.post('/settings/seed/permissions')).json()).toMatchObject({ created: 0, grants: 0 });
    expect(await counts()).toEqual(before);
    expect(await rt.rows("SELECT description FROM roles WHERE name = 'trader'")).toEqual([{ description: 'Traders of the Rajkot desk' }]);
  });

  it('once an administrator exists the admin seed is closed: 409 to an administrator, 401 to the setup token', async () => {
    const account = await createAccount();
    const hash = await passwordHashOf(account.userId);
    const users = await rt.count('users');
    const body = { email: account.email, password: 'another-password-1', fullName: 'X' };
    const asAdministrator = await rt.post('/settings/seed/admin-user', body);
    expect(asAdministrator.statusCode).toBe(409);
    expect(asAdministrator.json().message).toContain('already set up');
    expect((await rt.as(null).post('/settings/seed/admin-user', body, { 'x-setup-token': rt.setupToken })).statusCode).toBe(401);
    expect(await passwordHashOf(account.userId)).toBe(hash);
    expect(await rt.count('users')).toBe(users);
    expect(await rt.count('user_roles', 'user_id = $1', [account.userId])).toBe(1);
  });

  it('granting a permission a role already holds changes nothing', async () => {
    const [role, permission] = [await createRole(), await createPermission()];
    await rt.put(`/settings/roles/${role.id}/permissions/${permission.id}`);
    const res = await rt.put(`/settings/roles/${role.id}/permissions/${permission.id}`);
    expect(res.statusCode).toBe(200);
    expect(res.json().newlyGranted).toBe(false);
    expect(await rt.count('role_permissions', 'role_id = $1', [role.id])).toBe(1);
    expect(await auditCount('role.permission_granted', role.id)).toBe(1);
  });

  it('a reset token works once', async () => {
    const account = await createAccount();
    await rt.post('/auth/password-reset', { email: account.email });
    const token = await resetTokenMailedTo(account.email);
    expect((await rt.post('/auth/password-reset/confirm', { token, newPassword: 'first-new-password' })).statusCode).toBe(204);
    const hash = await passwordHashOf(account.userId);
    const again = await rt.post('/auth/password-reset/confirm', { token, newPassword: 'second-new-password' });
    expect(again.statusCode).toBe(400);
    expect(again.json().message).toContain('token');
    expect(await passwordHashOf(account.userId)).toBe(hash);
  });

  it('asking for a second reset link retires the first', async () => {
    const account = await createAccount();
    await rt.post('/auth/password-reset', { email: account.email });
    const first = await resetTokenMailedTo(account.email);
    await rt.post('/auth/password-reset', { email: account.email });
    expect((await rt.post('/auth/password-reset/confirm', { token: first, newPassword: 'too-late-password' })).statusCode).toBe(400);
  });
});

describe('settings reads', () => {
  it('lists roles with their permissions and reads one role', async () => {
    const [role, permission] = [await createRole(), await createPermission()];
    await rt.put(`/settings/roles/${role.id}/permissions/${permission.id}`);
    const list = await rt.get('/settings/roles');
    expect(list.statusCode).toBe(200);
    expect(list.json().roles.find((r: { id: string }) => r.id === role.id)).toMatchObject({ name: role.name, permissions: [permission.code] });
    expect((await rt.get(`/settings/roles/${role.id}`)).json()).toMatchObject({ id: role.id, permissions: [permission.code] });
    expect((await rt.get('/settings/permissions')).json().permissions.map((p: { code: string }) => p.code)).toContain(permission.code);
  });

  it("reads a user's roles and effective permissions, and the caller's own account", async () => {
    await rt.post('/settings/seed/permissions');
    const account = await createAccount();
    const access = await rt.get(`/settings/users/${account.userId}/access`);
    expect(access.json()).toMatchObject({ userId: account.userId, roles: ['admin'] });
    expect(access.json().permissions).toContain('settings.manage');

    const session = await login(account.email);
    expect((await rt.get('/auth/me', bearer(session.accessToken))).json()).toMatchObject({ id: account.userId, email: account.email });
  });
});

describe('settings refuse bad input and write nothing', () => {
  const unknown = randomUUID();
  const tables = ['roles', 'permissions', 'role_permissions', 'user_roles', 'users', 'user_sessions', 'password_reset_tokens', 'email_messages', 'rbac_audit_log'];
  const snapshot = async () => Object.fromEntries(await Promise.all(tables.map(async (t) => [t, await rt.count(t)] as const)));

  const badRequests: { name: string; send: () => Promise<LightMyRequestResponse>; status: number; message: string }[] = [
    { name: 'malformed JSON', send: () => rt.post('/settings/roles', '{"name": ', { 'content-type': 'application/json' }), status: 400, message: 'JSON' },
    { name: 'a role without a name', send: () => rt.post('/settings/roles', { description: 'nameless' }), status: 400, message: 'name' },
    { name: 'a role name with capitals', send: () => rt.post('/settings/roles', { name: 'Trader' }), status: 400, message: 'name' },
    { name: 'a duplicate role', send: () => rt.post('/settings/roles', { name: 'trader' }), status: 409, message: 'trader' },
    { name: 'an update of an unknown role', send: () => rt.patch(`/settings/roles/${unknown}`, { description: 'x' }), status: 404, message: unknown },
    { name: 'a malformed roleId', send: () => rt.patch('/settings/roles/trader', { description: 'x' }), status: 400, message: 'roleId' },
    { name: 'renaming a system role', send: async () => rt.patch(`/settings/roles/${await roleId('admin')}`, { name: 'superuser' }), status: 409, message: 'system role' },
    { name: 'deleting a system role', send: async () => rt.delete(`/settings/roles/${await roleId('viewer')}`), status: 409, message: 'system role' },
    { name: 'deleting an unknown role', send: () => rt.delete(`/settings/roles/${unknown}`), status: 404, message: unknown },
    { name: 'a permission code without an area', send: () => rt.post('/settings/permissions', { code: 'approve' }), status: 400, message: 'code' },
    { name: 'deleting an unknown permission', send: () => rt.delete(`/settings/permissions/${unknown}`), status: 404, message: unknown },
    { name: 'granting an unknown permission', send: async () => rt.put(`/settings/roles/${await roleId('trader')}/permissions/${unknown}`), status: 404, message: unknown },
    { name: 'revoking a permission the role lacks', send: async () => rt.delete(`/settings/roles/${await roleId('trader')}/permissions/${unknown}`), status: 404, message: unknown },
    { name: 'a role for an unknown user', send: async () => rt.put(`/settings/users/${unknown}/roles/${await roleId('trader')}`), status: 404, message: unknown },
    { name: 'a login without a password', send: () => rt.post('/auth/login', { login: 'x@tradeco.example' }), status: 400, message: 'password' },
    { name: 'a login for an unknown account', send: () => rt.post('/auth/login', { login: 'nobody@tradeco.example', password: PASSWORD }), status: 401, message: 'invalid login or password' },
    { name: 'a logout without a token', send: () => rt.as(null).post('/auth/logout'), status: 401, message: 'authentication required' },
    { name: 'a logout with an unknown token', send: () => rt.post('/auth/logout', {}, bearer('x'.repeat(43))), status: 401, message: 'token' },
    { name: 'a refresh with an unknown token', send: () => rt.post('/auth/refresh', { refreshToken: 'y'.repeat(43) }), status: 401, message: 'refreshToken' },
    { name: 'a refresh without a token', send: () => rt.post('/auth/refresh', {}), status: 400, message: 'refreshToken' },
    { name: 'a password change without a session', send: () => rt.as(null).post('/auth/change-password', { currentPassword: PASSWORD, newPassword: 'whatever-it-is' }), status: 401, message: 'authentication required' },
    { name: 'a reset request with a malformed email', send: () => rt.post('/auth/password-reset', { email: 'not-an-email' }), status: 400, message: 'email' },
    { name: 'a reset with an unknown token', send: () => rt.post('/auth/password-reset/confirm', { token: 'z'.repeat(43), newPassword: 'a-new-password' }), status: 400, message: 'token' },
  ];

  it.each(badRequests)('$name → $status', async ({ send, status, message }) => {
    const before = await snapshot();
    const res = await send();
    expect(res.statusCode, res.body).toBe(status);
    expect(res.json().message).toContain(message);
    expect(await snapshot()).toEqual(before);
  });

  it('a wrong password → 401, no session and no last login', async () => {
    const account = await createAccount();
    const before = await snapshot();
    const res = await rt.post('/auth/login', { login: account.email, password: 'not-the-password' });
    expect(res.statusCode).toBe(401);
    expect(await snapshot()).toEqual(before);
    expect(await rt.count('users', 'id = $1 AND last_login_at IS NULL', [account.userId])).toBe(1);
  });

  it('a wrong current password → 403 and the password stays', async () => {
    const account = await createAccount();
    const session = await login(account.email);
    const hash = await passwordHashOf(account.userId);
    const res = await rt.post('/auth/change-password', { currentPassword: 'guessing-wrong', newPassword: 'a-new-password' }, bearer(session.accessToken));
    expect(res.statusCode).toBe(403);
    expect(res.json().message).toContain('currentPassword');
    expect(await passwordHashOf(account.userId)).toBe(hash);
  });

  it('a reset request for an unknown address → 202 and nothing written', async () => {
    const before = await snapshot();
    const res = await rt.post('/auth/password-reset', { email: 'stranger@elsewhere.example' });
    expect(res.statusCode).toBe(202);
    expect(await snapshot()).toEqual(before);
  });
});

async function roleId(name: string): Promise<string> {
  const [row] = await rt.rows<{ id: string }>('SELECT id FROM roles WHERE name = $1', [name]);
  return row!.id;
}
