import { randomBytes, randomUUID } from 'node:crypto';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';

/** `app.inject` of any app of the runtime (a test runtime's, or a full runtime's `runtime.app`). */
export type Inject = (request: InjectOptions) => Promise<LightMyRequestResponse>;

/** A signed-in account, made through HTTP the way an operator makes one. */
export interface Account {
  userId: string;
  email: string;
  password: string;
  /** The access token of a live session: `Authorization: Bearer <token>`. */
  token: string;
  organizationId: string | null;
  roles: string[];
}

let serial = 0;
const uniqueEmail = (prefix: string) => `${prefix}-${process.pid}-${Date.now().toString(36)}-${serial++}@accounts.example`;
const randomPassword = () => `pw-${randomBytes(12).toString('base64url')}`;

function expectStatus(res: LightMyRequestResponse, status: number, what: string): void {
  if (res.statusCode !== status) throw new Error(`${what} answered ${res.statusCode}, not ${status}: ${res.body}`);
}

async function send(inject: Inject, method: 'GET' | 'POST', url: string, body: unknown, headers: Record<string, string>) {
  return inject({
    method,
    url,
    headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID(), ...headers },
    payload: JSON.stringify(body ?? {}),
  });
}

export async function login(inject: Inject, email: string, password: string): Promise<{ userId: string; token: string }> {
  const res = await send(inject, 'POST', '/auth/login', { login: email, password }, {});
  expectStatus(res, 200, `POST /auth/login as ${email}`);
  const body = res.json();
  return { userId: body.user.id, token: body.accessToken };
}

/**
 * First-run setup as an operator does it: the role and permission seeds and the first administrator with the
 * setup token, then a login. The administrator belongs to no organisation: a platform administrator.
 */
export async function bootstrapAdministrator(inject: Inject, setupToken: string): Promise<Account> {
  const setup = { 'x-setup-token': setupToken };
  expectStatus(await send(inject, 'POST', '/settings/seed/roles', {}, setup), 200, 'POST /settings/seed/roles');
  expectStatus(await send(inject, 'POST', '/settings/seed/permissions', {}, setup), 200, 'POST /settings/seed/permissions');
  const email = uniqueEmail('platform-admin');
  const password = randomPassword();
  const seeded = await send(inject, 'POST', '/settings/seed/admin-user', { email, password, fullName: 'Platform Admin' }, setup);
  expectStatus(seeded, 201, 'POST /settings/seed/admin-user');
  const { userId, token } = await login(inject, email, password);
  return { userId, email, password, token, organizationId: null, roles: ['admin'] };
}

/** An account made by an administrator (POST /auth/users), signed in. */
export async function createAccount(
  inject: Inject,
  adminToken: string,
  { organizationId = null, roles = ['viewer'] }: { organizationId?: string | null; roles?: string[] } = {},
): Promise<Account> {
  const email = uniqueEmail(roles.join('-') || 'member');
  const password = randomPassword();
  const res = await send(inject, 'POST', '/auth/users', { email, password, fullName: 'Test Account', organizationId, roles }, {
    authorization: `Bearer ${adminToken}`,
  });
  expectStatus(res, 201, 'POST /auth/users');
  const { userId, token } = await login(inject, email, password);
  return { userId, email, password, token, organizationId, roles };
}

/** A new organisation, made by a platform administrator; its id. */
export async function createOrganization(inject: Inject, adminToken: string, name = `Org ${randomUUID().slice(0, 8)}`): Promise<string> {
  const res = await send(inject, 'POST', '/organizations', { name, orgType: 'trader' }, { authorization: `Bearer ${adminToken}` });
  expectStatus(res, 201, 'POST /organizations');
  return res.json().id as string;
}
