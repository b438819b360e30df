import { RuleTester } from '@typescript-eslint/rule-tester';
import { afterAll, describe, it } from 'vitest';

// typescript-eslint's RuleTester runs on whatever test framework is wired in here.
RuleTester.afterAll = afterAll;
RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

export const ruleTester = new RuleTester();

/** Paths that decide a file's role. */
export const ROUTER = 'src/modules/organization/router.ts';
export const SERVICE = 'src/modules/partners/partner.service.ts';
export const UNRELATED = 'src/modules/partners/schemas.ts';

/** A service class with a handle, an outbox repository, Redis and an idempotency store around `members`. */
export function service(members: string, constructor = 'constructor(private db: DbSession, private outboxRepo: OutboxRepository, private redis: RedisClient, private idempotency: IdempotencyStore) {}'): string {
  return `export class PartnerService {\n  ${constructor}\n${members}\n}\n`;
}
