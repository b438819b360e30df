import { analyzeFile, DEFAULT_SETTINGS, resolveSettings, type FileAnalysis, type Operation, type PartialSettings } from '../../src/index.js';

export const SERVICE_PATH = 'src/modules/partners/partner.service.ts';
export const ROUTER_PATH = 'src/modules/organization/router.ts';

export function analyze(code: string, path = SERVICE_PATH, settings?: PartialSettings): FileAnalysis {
  return analyzeFile(path, code, settings ? resolveSettings(settings) : DEFAULT_SETTINGS);
}

/**
 * A service class with a DB handle, an outbox repository and Redis, around the given members, so a case only
 * writes the method under test (and its helpers). Line 1 of `members` is line 3 of the file.
 */
export function serviceWith(members: string, header = 'constructor(private readonly db: DbSession, private readonly outboxRepo: OutboxRepository, private readonly redis: RedisClient, private readonly idempotency: IdempotencyStore) {}'): string {
  return `export class PartnerService {\n  ${header}\n${members}\n}\n`;
}

/** The one operation named `method` in `code`; fails when it is not an operation. */
export function operation(code: string, method: string, path = SERVICE_PATH, settings?: PartialSettings): Operation {
  const found = analyze(code, path, settings).operations.find((op) => op.method === method);
  if (!found) throw new Error(`${method} is not an operation`);
  return found;
}

/** The flag's MissingFlag, if any: reason, line of `at`, message. */
export function missingOf(op: Operation, flag: Operation['missing'][number]['flag']) {
  const missing = op.missing.find((entry) => entry.flag === flag);
  return missing ? { reason: missing.reason, line: missing.at.line, message: missing.message } : undefined;
}

/** 1-based line of the first line of `code` containing `marker`. */
export function lineWith(code: string, marker: string): number {
  const index = code.split('\n').findIndex((line) => line.includes(marker));
  if (index < 0) throw new Error(`no line contains ${marker}`);
  return index + 1;
}
