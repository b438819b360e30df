// Only what the transform looks for: a store named after `idempotency.storeNames`, with begin and complete.
export class IdempotencyStore {
  async begin(scope: string, key: string, requestHash: string): Promise<{ state: 'claimed' }> {
    void [scope, key, requestHash];
    return { state: 'claimed' };
  }
  async complete(scope: string, key: string, status: number, body: unknown): Promise<void> {
    void [scope, key, status, body];
  }
}
