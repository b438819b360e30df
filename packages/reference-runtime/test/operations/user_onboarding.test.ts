import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../support/runtime.js';
import type { MemoryRedis } from '../../src/core/redis/client.js';
import { SMS_CHANNEL } from '../../src/modules/user_onboarding/otp.service.js';

let rt: TestRuntime;
/** The SMS gateway's view: every text handed to it, as the phone would receive it. */
const sms: { to: string; text: string }[] = [];
beforeAll(async () => {
  rt = await startTestRuntime();
  (rt.deps.redis as MemoryRedis).subscribe(SMS_CHANNEL, (message) => sms.push(JSON.parse(message)));
  // Sign-ups get the viewer role when it exists.
  expect((await rt.post('/settings/seed/roles')).statusCode).toBe(200);
});
afterAll(async () => rt.close());

const PASSWORD = 'groundnut-oil-2025';

let serial = 10_000_000;
/** A different valid Indian mobile number on every call (send limits are per phone). */
const nextPhone = () => `+9198${serial++}`;

function signUpBody(overrides: Record<string, unknown> = {}) {
  return { fullName: 'Sunita Jadhav', phone: nextPhone(), password: PASSWORD, ...overrides };
}

async function signUp(overrides: Record<string, unknown> = {}): Promise<{ id: string; phone: string }> {
  const res = await rt.post('/onboarding/sign-up', signUpBody(overrides));
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

/** The code in the latest SMS to `phone`. */
function codeTextedTo(phone: string): string {
  const text = sms.filter((message) => message.to === phone).at(-1)?.text;
  const code = /^(\d{6}) is your verification code/.exec(text ?? '')?.[1];
  if (!code) throw new Error(`no verification code was texted to ${phone}`);
  return code;
}

/** Sends a code and returns it, as the phone would receive it. */
async function sendCode(phone: string): Promise<{ otpId: string; code: string }> {
  const res = await rt.post('/onboarding/otp/send', { phone });
  expect(res.statusCode, res.body).toBe(201);
  return { otpId: res.json().otpId, code: codeTextedTo(phone) };
}

/** Any six digits other than `code`. */
const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

interface UserRow {
  status: string;
  phone_verified_at: Date | null;
  password_hash: string;
  email: string | null;
}

async function userRow(id: string): Promise<UserRow> {
  const [row] = await rt.rows<UserRow>('SELECT status, phone_verified_at, password_hash, email FROM users WHERE id = $1', [id]);
  return row!;
}

// ── Every operation: status code and its effect on the rows ──────────────────────────────────────────────────────

interface OperationCase {
  operation: string;
  status: number;
  run: () => Promise<{ res: LightMyRequestResponse; effect: () => Promise<void> }>;
}

const operations: OperationCase[] = [
  {
    operation: 'UserAuthService.signUp',
    status: 201,
    run: async () => {
      const body = signUpBody({ email: 'sunita.jadhav@example.in' });
      const res = await rt.post('/onboarding/sign-up', body);
      return {
        res,
        effect: async () => {
          const { id } = res.json();
          expect(res.json()).toMatchObject({ phone: body.phone, status: 'pending_verification', phoneVerifiedAt: null });
          expect(res.json().passwordHash).toBeUndefined();
          const row = await userRow(id);
          expect(row).toMatchObject({ status: 'pending_verification', phone_verified_at: null, email: 'sunita.jadhav@example.in' });
          expect(row.password_hash).toMatch(/^scrypt\$/);
          const roles = await rt.rows('SELECT r.name FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE ur.user_id = $1', [id]);
          expect(roles).toEqual([{ name: 'viewer' }]);
        },
      };
    },
  },
  {
    operation: 'OTPService.sendOtp',
    status: 201,
    run: async () => {
      const phone = nextPhone();
      const res = await rt.post('/onboarding/otp/send', { phone });
      return {
        res,
        effect: async () => {
          const { otpId, expiresAt } = res.json();
          const rows = await rt.rows<{ id: string; code_hash: string; verified_at: Date | null }>(
            'SELECT id, code_hash, verified_at FROM otp_codes WHERE phone = $1',
            [phone],
          );
          expect(rows).toHaveLength(1);
          expect(rows[0]).toMatchObject({ id: otpId, verified_at: null });
          // Only a hash is stored, never the code.
          expect(rows[0]!.code_hash).toMatch(/^[0-9a-f]{64}$/);
          expect(rows[0]!.code_hash).not.toContain(codeTextedTo(phone));
          expect(new Date(expiresAt).getTime()).toBeGreaterThan(Date.now());
        },
      };
    },
  },
  {
    operation: 'OTPService.verifyOtp',
    status: 200,
    run: async () => {
      const user = await signUp();
      const { otpId, code } = await sendCode(user.phone);
      const res = await rt.post('/onboarding/otp/verify', { phone: user.phone, code });
      return {
        res,
        effect: async () => {
          expect(res.json()).toEqual({ verified: true, phone: user.phone, userId: user.id, userStatus: 'active' });
          expect(await rt.count('otp_codes', 'id = $1 AND verified_at IS NOT NULL', [otpId])).toBe(1);
          const row = await userRow(user.id);
          expect(row.status).toBe('active');
          expect(row.phone_verified_at).not.toBeNull();
        },
      };
    },
  },
];

describe('user onboarding operations', () => {
  it.each(operations)('$operation answers $status and writes its rows', async ({ run, status }) => {
    const { res, effect } = await run();
    expect(res.statusCode, res.body).toBe(status);
    await effect();
  });

  it('a new code supersedes the one sent before, which then no longer verifies', async () => {
    const user = await signUp();
    const first = await sendCode(user.phone);
    const second = await sendCode(user.phone);
    expect(await rt.count('otp_codes', 'id = $1 AND superseded_at IS NOT NULL', [first.otpId])).toBe(1);
    expect(await rt.count('otp_codes', 'id = $1 AND superseded_at IS NULL', [second.otpId])).toBe(1);

    // Two codes coincide once in a million sends; only then is the old code indistinguishable from the new one.
    if (first.code !== second.code) {
      expect((await rt.post('/onboarding/otp/verify', { phone: user.phone, code: first.code })).statusCode).toBe(400);
    }
    expect((await rt.post('/onboarding/otp/verify', { phone: user.phone, code: second.code })).statusCode).toBe(200);
  });

  it('a verified phone can log in with the password chosen at sign-up', async () => {
    const user = await signUp();
    expect((await rt.post('/auth/login', { login: user.phone, password: PASSWORD })).statusCode).toBe(403);
    const { code } = await sendCode(user.phone);
    await rt.post('/onboarding/otp/verify', { phone: user.phone, code });
    const res = await rt.post('/auth/login', { login: user.phone, password: PASSWORD });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().user).toMatchObject({ id: user.id, status: 'active' });
  });

  it('verifies a phone that has no account yet without touching any user', async () => {
    const phone = nextPhone();
    const { code } = await sendCode(phone);
    const users = await rt.count('users');
    const res = await rt.post('/onboarding/otp/verify', { phone, code });
    expect(res.json()).toEqual({ verified: true, phone, userId: null, userStatus: null });
    expect(await rt.count('users')).toBe(users);
  });
});

describe('user onboarding reads', () => {
  it('reads a signed-up user', async () => {
    const user = await signUp();
    const res = await rt.get(`/onboarding/users/${user.id}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: user.id, phone: user.phone, status: 'pending_verification' });
    expect((await rt.get(`/onboarding/users/${randomUUID()}`)).statusCode).toBe(404);
  });
});

describe('user onboarding refuses bad input and abuse, and writes nothing', () => {
  const snapshot = async () => ({
    users: await rt.count('users'),
    userRoles: await rt.count('user_roles'),
    otpCodes: await rt.count('otp_codes'),
    verified: await rt.count('otp_codes', 'verified_at IS NOT NULL'),
    superseded: await rt.count('otp_codes', 'superseded_at IS NOT NULL'),
    activeUsers: await rt.count('users', "status = 'active'"),
  });

  interface BadRequest {
    name: string;
    /** What the request needs to exist first (written before the snapshot). */
    arrange?: () => Promise<Record<string, string>>;
    send: (arranged: Record<string, string>) => Promise<LightMyRequestResponse>;
    status: number;
    message: string;
  }

  const badRequests: BadRequest[] = [
    { name: 'malformed JSON', send: () => rt.post('/onboarding/sign-up', '{"phone": "+91', { 'content-type': 'application/json' }), status: 400, message: 'JSON' },
    { name: 'a sign-up without a phone', send: () => rt.post('/onboarding/sign-up', { ...signUpBody(), phone: undefined }), status: 400, message: 'phone' },
    { name: 'a sign-up with a landline', send: () => rt.post('/onboarding/sign-up', signUpBody({ phone: '+912024561234' })), status: 400, message: 'phone' },
    { name: 'a sign-up with a short password', send: () => rt.post('/onboarding/sign-up', signUpBody({ password: 'tur-dal' })), status: 400, message: 'password' },
    { name: 'a sign-up with a blank name', send: () => rt.post('/onboarding/sign-up', signUpBody({ fullName: '   ' })), status: 400, message: 'fullName' },
    { name: 'a sign-up with a malformed email', send: () => rt.post('/onboarding/sign-up', signUpBody({ email: 'sunita@' })), status: 400, message: 'email' },
    {
      name: 'a sign-up with a phone already registered',
      arrange: async () => ({ phone: (await signUp()).phone }),
      send: ({ phone }) => rt.post('/onboarding/sign-up', signUpBody({ phone })),
      status: 409,
      message: 'phone',
    },
    { name: 'a code for a malformed phone', send: () => rt.post('/onboarding/otp/send', { phone: '9822012345' }), status: 400, message: 'phone' },
    { name: 'a code request without a phone', send: () => rt.post('/onboarding/otp/send', {}), status: 400, message: 'phone' },
    { name: 'a verification without a code', send: () => rt.post('/onboarding/otp/verify', { phone: nextPhone() }), status: 400, message: 'code' },
    { name: 'a verification with a five-digit code', send: () => rt.post('/onboarding/otp/verify', { phone: nextPhone(), code: '12345' }), status: 400, message: 'code' },
    { name: 'a verification for a phone with no code', send: () => rt.post('/onboarding/otp/verify', { phone: nextPhone(), code: '123456' }), status: 404, message: 'no pending code' },
    {
      name: 'a wrong code',
      arrange: async () => {
        const user = await signUp();
        return { phone: user.phone, ...(await sendCode(user.phone)) };
      },
      send: ({ phone, code }) => rt.post('/onboarding/otp/verify', { phone, code: wrong(code!) }),
      status: 400,
      message: 'code',
    },
  ];

  it.each(badRequests)('$name → $status', async ({ arrange, send, status, message }) => {
    const arranged = (await arrange?.()) ?? {};
    const before = await snapshot();
    const res = await send(arranged);
    expect(res.statusCode, res.body).toBe(status);
    expect(res.json().message).toContain(message);
    expect(await snapshot()).toEqual(before);
  });

  it('a wrong code leaves the code pending and the account unverified', async () => {
    const user = await signUp();
    const { otpId, code } = await sendCode(user.phone);
    const before = await snapshot();
    expect((await rt.post('/onboarding/otp/verify', { phone: user.phone, code: wrong(code) })).statusCode).toBe(400);
    expect(await snapshot()).toEqual(before);
    expect(await rt.count('otp_codes', 'id = $1 AND verified_at IS NULL', [otpId])).toBe(1);
    expect((await userRow(user.id)).status).toBe('pending_verification');
  });

  it('sending codes to one phone is limited to five per window', async () => {
    const phone = nextPhone();
    for (let i = 0; i < 5; i++) expect((await rt.post('/onboarding/otp/send', { phone })).statusCode).toBe(201);
    const before = await snapshot();
    const res = await rt.post('/onboarding/otp/send', { phone });
    expect(res.statusCode).toBe(429);
    expect(res.json().message).toContain(phone);
    expect(await snapshot()).toEqual(before);
    expect(await rt.count('otp_codes', 'phone = $1', [phone])).toBe(5);
  });

  it('after five wrong guesses even the right code is refused', async () => {
    const user = await signUp();
    const { code } = await sendCode(user.phone);
    for (let i = 0; i < 5; i++) {
      expect((await rt.post('/onboarding/otp/verify', { phone: user.phone, code: wrong(code) })).statusCode).toBe(400);
    }
    const res = await rt.post('/onboarding/otp/verify', { phone: user.phone, code });
    expect(res.statusCode).toBe(429);
    expect((await userRow(user.id)).status).toBe('pending_verification');
  });
});
