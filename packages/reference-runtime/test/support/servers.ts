import { randomUUID } from 'node:crypto';
import { describe } from 'vitest';

/**
 * Suites that need a real server. The runtime's tests run twice (vitest.config.ts): project `runtime` on the embedded
 * defaults, where these skip, and project `runtime-servers` (OUTBOX_REAL_SERVERS=1) with DATABASE_URL / REDIS_URL,
 * where they run. Under CI=true they must never skip there, so a missing URL fails the suite instead.
 */
function serverSuite(variable: 'REDIS_URL' | 'DATABASE_URL') {
  return (name: string, body: () => void): void => {
    if (process.env[variable]) {
      describe(name, body);
    } else if (process.env.CI === 'true' && process.env.OUTBOX_REAL_SERVERS === '1') {
      describe(name, () => {
        throw new Error(`${variable} must be set when CI=true: "${name}" runs against the real server in CI`);
      });
    } else {
      describe.skip(`${name} (set ${variable} to run)`, body);
    }
  };
}

export const describeWithRedis = serverSuite('REDIS_URL');
export const describeWithPostgres = serverSuite('DATABASE_URL');

export const redisUrl = (): string => process.env.REDIS_URL!;

/** A key/stream/channel prefix no other test (or test run) uses. */
export const uniquePrefix = (what: string): string => `test:${what}:${process.pid}:${randomUUID().slice(0, 8)}`;

/**
 * Polls `check` until it returns something other than undefined/false, at most `timeoutMs`. Bounded by design: a
 * test waiting for an asynchronous effect fails with `message` rather than hanging.
 */
export async function waitFor<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  message: string,
  { timeoutMs = 5000, intervalMs = 10 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${message}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
