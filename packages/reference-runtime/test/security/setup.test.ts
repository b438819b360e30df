import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../support/runtime.js';
import { watchWrites, type WriteLog } from '../support/writes.js';
import type { MemoryRedis } from '../../src/core/redis/client.js';
import { SMS_CHANNEL } from '../../src/modules/user_onboarding/otp.service.js';
import { openDatabase } from '../../src/db/database.js';
import { describeWithPostgres } from '../support/servers.js';
import { createRuntime } from '../../src/runtime.js';

/**
 * First-run setup, secrets and one-time codes: the seed makes the first administrator only on an empty system and
 * only with the setup token; a deployment does not start without its secrets; `npm start` makes its demo administrator
 * with a random password; an OTP cannot be worked out from anything the caller sees.
 */

const runtimeRoot = fileURLToPath(new URL('../../', import.meta.url));

describe('first-run setup', () => {
  let rt: TestRuntime;
  let writes: WriteLog;
  beforeAll(async () => {
    rt = await startTestRuntime({ setUp: false });
    writes = await watchWrites(rt.database);
  });
  afterAll(async () => rt?.close());

  const admin = { email: 'first@setup.example', password: 'a-long-first-password', fullName: 'First Admin' };

  it('on an empty system, the seeds want the setup token: none or a wrong one is 401, and nothing is written', async () => {
    const mark = await writes.mark();
    for (const url of ['/settings/seed/roles', '/settings/seed/permissions', '/settings/seed/admin-user']) {
      const body = url.endsWith('admin-user') ? admin : {};
      expect((await rt.post(url, body)).statusCode, url).toBe(401);
      expect((await rt.post(url, body, { 'x-setup-token': `${rt.setupToken}x` })).statusCode, url).toBe(401);
      expect((await rt.post(url, body, { 'x-setup-token': 'short' })).statusCode, url).toBe(401);
    }
    expect(await writes.since(mark)).toEqual([]);
  });

  it('with the setup token it makes the first administrator, after which the token is worth nothing', async () => {
    const setup = { 'x-setup-token': rt.setupToken };
    expect((await rt.post('/settings/seed/roles', {}, setup)).statusCode).toBe(200);
    expect((await rt.post('/settings/seed/permissions', {}, setup)).statusCode).toBe(200);
    expect((await rt.post('/settings/seed/admin-user', admin, setup)).statusCode).toBe(201);

    const mark = await writes.mark();
    const again = await rt.post('/settings/seed/admin-user', { ...admin, email: 'second@setup.example' }, setup);
    expect(again.statusCode).toBe(401);
    expect((await rt.post('/settings/seed/roles', {}, setup)).statusCode).toBe(401);
    const login = await rt.post('/auth/login', { login: admin.email, password: admin.password });
    expect(login.statusCode).toBe(200);
    const asAdmin = rt.as(login.json().accessToken);
    const closed = await asAdmin.post('/settings/seed/admin-user', { ...admin, email: 'third@setup.example' });
    expect(closed.statusCode).toBe(409);
    expect(closed.json().message).toMatch(/already set up/);
    expect(await rt.count('users')).toBe(1);
    // Only the login wrote (its session and last-login time, and where the login records them, its outbox event and
    // idempotency key); the refused seed wrote nothing.
    expect((await writes.since(mark)).filter((w) => !/^(user_sessions|users|outbox|idempotency_keys) /.test(w))).toEqual([]);

    // The role and permission seeds stay an administrator's to re-run (deploy scripts do).
    expect((await asAdmin.post('/settings/seed/roles', {})).json()).toEqual({ created: 0, existing: 5 });
  });
});

describe('one-time codes', () => {
  let rt: TestRuntime;
  const texts: { to: string; text: string }[] = [];
  beforeAll(async () => {
    rt = await startTestRuntime();
    (rt.deps.redis as MemoryRedis).subscribe(SMS_CHANNEL, (message) => texts.push(JSON.parse(message)));
  });
  afterAll(async () => rt?.close());

  it('cannot be worked out from the phone and the id the send endpoint answers (the old fixed-secret HMAC fails)', async () => {
    const phone = '+919811122233';
    const sent = await rt.as(null).post('/onboarding/otp/send', { phone });
    expect(sent.statusCode).toBe(201);
    const { otpId } = sent.json();
    // What the code used to be: HMAC-SHA256 of phone and id under a secret in the source code.
    const mac = createHmac('sha256', 'development-otp-secret').update(`${phone}:${otpId}`).digest();
    const offset = mac[mac.length - 1]! & 0x0f;
    const derived = String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
    const texted = /^(\d{6}) /.exec(texts.at(-1)!.text)![1]!;
    expect(sent.body).not.toContain(texted);
    if (derived !== texted) {
      expect((await rt.as(null).post('/onboarding/otp/verify', { phone, code: derived })).statusCode).toBe(400);
    }
    expect((await rt.as(null).post('/onboarding/otp/verify', { phone, code: texted })).statusCode).toBe(200);
  });
});

/**
 * Runs `server.ts` in a child process until `done(output)` says so (then kills it) or it exits; returns its output and
 * exit code. One process (node with tsx's loader, not the tsx CLI, which would run the server in a grandchild that a
 * kill does not reach).
 */
function runServer(
  args: string[],
  env: Record<string, string | undefined>,
  done: (output: string) => boolean,
  /** What to do with the running server before it is killed. */
  whileUp: (output: string) => Promise<void> = async () => undefined,
) {
  return new Promise<{ output: string; code: number | null; error?: unknown }>((resolve, reject) => {
    let failure: unknown;
    let finishing = false;
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts', ...args], {
      cwd: runtimeRoot,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: '0', HOST: '127.0.0.1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    // Only against a hang: under the project's test timeout.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server.ts did not finish: ${output}`));
    }, 110_000);
    const check = (chunk: Buffer) => {
      output += chunk.toString();
      if (finishing || !done(output)) return;
      finishing = true;
      whileUp(output)
        .catch((error: unknown) => (failure = error))
        .finally(() => child.kill('SIGKILL'));
    };
    child.stdout.on('data', check);
    child.stderr.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ output, code, error: failure });
    });
  });
}

describe('secrets and the demo administrator', () => {
  const secret = 'x'.repeat(48);

  it('a deployment does not start without AUTH_SECRET and OTP_SECRET, nor with a short one', async () => {
    // createRuntime is what server.ts starts; outside development it checks the secrets before opening anything.
    const saved = { NODE_ENV: process.env.NODE_ENV, AUTH_SECRET: process.env.AUTH_SECRET, OTP_SECRET: process.env.OTP_SECRET };
    const start = async (env: Record<string, string | undefined>) => {
      Object.assign(process.env, { NODE_ENV: 'production' });
      for (const name of ['AUTH_SECRET', 'OTP_SECRET'] as const) {
        if (env[name] === undefined) delete process.env[name];
        else process.env[name] = env[name];
      }
      const runtime = await createRuntime({ env: {}, port: 0 });
      await runtime.stop();
    };
    try {
      await expect(start({})).rejects.toThrow(/AUTH_SECRET must be set outside development/);
      await expect(start({ AUTH_SECRET: secret })).rejects.toThrow(/OTP_SECRET must be set outside development/);
      await expect(start({ AUTH_SECRET: 'short', OTP_SECRET: secret })).rejects.toThrow(/AUTH_SECRET must be at least 32 characters/);
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it('`npm start` (--dev, embedded database) makes its demo administrator with a random password, shown once', async () => {
    const logins: number[] = [];
    const { output, error } = await runServer(
      ['--dev'],
      {},
      (out) => /demo admin .*\n/.test(out),
      async (out) => {
        const [, url, email, password] = /listening on (\S+)[\s\S]*demo admin (\S+) \/ (\S+)/.exec(out) ?? [];
        for (const attempt of [password, 'demo-admin-password']) {
          const res = await fetch(`${url}/auth/login`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ login: email, password: attempt }),
          });
          logins.push(res.status);
        }
      },
    );
    expect(error).toBeUndefined();
    const [, email, password] = /demo admin (\S+) \/ (\S+)/.exec(output) ?? [];
    expect(email).toBe('admin@demo.example');
    expect(password).toMatch(/^[A-Za-z0-9_-]{16,}$/);
    // The printed password logs in; the one that used to be in the code does not.
    expect(logins).toEqual([200, 401]);
    expect(output).toMatch(/AUTH_SECRET, OTP_SECRET not set: random for this process/);
  });
});

describeWithPostgres('on a PostgreSQL server `npm start` seeds no one', () => {
  it('no demo data and no administrator: it prints how to make the first one with its setup token', async () => {
    const schema = `t_setup_${process.pid}_${Date.now().toString(36)}`;
    const { output } = await runServer(['--dev'], { DATABASE_URL: process.env.DATABASE_URL, DATABASE_SCHEMA: schema }, (out) =>
      /seed\/admin-user .*\n/.test(out),
    );
    const database = await openDatabase({ url: process.env.DATABASE_URL, schema });
    try {
      expect(output).toMatch(/no administrator yet/);
      expect(output).not.toMatch(/demo admin/);
      const [, token] = /x-setup-token: ([A-Za-z0-9_-]+)'/.exec(output) ?? [];
      expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect((await database.query('SELECT count(*)::int AS n FROM users')).rows[0]).toEqual({ n: 0 });
    } finally {
      await database.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await database.close();
    }
  });
});
