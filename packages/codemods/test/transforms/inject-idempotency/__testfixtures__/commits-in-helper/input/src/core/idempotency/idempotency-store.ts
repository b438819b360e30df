import type { DbSession } from '../../db/session.js';

export type IdempotencyOutcome = { state: 'claimed' } | { state: 'replay'; status: number; body: unknown } | { state: 'in_flight' } | { state: 'mismatch' };

export class IdempotencyStore {
  constructor(private readonly db: DbSession) {}
  async begin(scope: string, key: string, requestHash: string): Promise<IdempotencyOutcome> {
    await this.db.execute('SELECT 1', [scope, key, requestHash]);
    return { state: 'claimed' };
  }
  async complete(scope: string, key: string, status: number, body: unknown): Promise<void> {
    await this.db.execute('SELECT 1', [scope, key, status, body]);
  }
}
export function idempotencyScope(tenant: string, operation: string): string {
  return tenant + ':' + operation;
}
export function idempotencyError(outcome: { state: 'in_flight' } | { state: 'mismatch' }): Error {
  return new Error(outcome.state);
}
export function hashRequest(method: string, path: string, body: unknown): string {
  return method + path + JSON.stringify(body);
}
