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
 * How long a test waits for an asynchronous effect before calling it stuck. Not a measure of speed: a wait returns as
 * soon as its condition holds, so the deadline only has to outlast a busy, shared machine, and stays below the
 * runtime's test timeout (vitest.config.ts) so that a stuck wait fails with what it was waiting for.
 */
export const PATIENCE_MS = 60_000;

/**
 * Polls `check` until it returns something other than undefined/false, at most `timeoutMs`. Bounded by design: a
 * test waiting for an asynchronous effect fails with `message` rather than hanging.
 */
export async function waitFor<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  message: string,
  { timeoutMs = PATIENCE_MS, intervalMs = 10 }: { timeoutMs?: number; intervalMs?: number } = {},
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

/**
 * For a test that needs something of the machine it runs on (not a server: those are describeWithRedis and
 * describeWithPostgres): skips with `reason` where it is missing, and fails under CI=true, where every test must run.
 */
export function requireOfMachine(context: { skip: (note?: string) => void }, reason: string): void {
  if (process.env.CI === 'true') throw new Error(`${reason}; under CI=true this test must run, not skip`);
  context.skip(reason);
}
