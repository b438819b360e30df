import type { DbSession } from '../../db/session.js';
import { IdempotencyStore, hashRequest, idempotencyError, idempotencyScope } from '../../core/idempotency/idempotency-store.js';

export class OrderService {
  constructor(private readonly db: DbSession) {}

  /** Each expired order is closed in its own transaction. */
  async closeExpired(ids: string[], idempotencyKey?: string): Promise<number> {
    // One transaction per iteration: the key is checked here and let go again; each iteration claims the key and its
    // row in its own transaction, and the answer is stored after the loop. A retry after a partial failure does the
    // rows left; a retry after success replays.
    const idempotency = new IdempotencyStore(this.db);
    const idempotencyRequest = hashRequest('CALL', 'orders.closeExpired', [ids]);
    if (idempotencyKey) {
      const claim = await idempotency.begin(idempotencyScope('global', 'orders.closeExpired'), idempotencyKey, idempotencyRequest);
      if (claim.state === 'replay') return claim.body as number;
      if (claim.state !== 'claimed') throw idempotencyError(claim);
      await this.db.rollback();
    }
    for (const id of ids) {
      if (idempotencyKey) {
        const step = await idempotency.begin(idempotencyScope('global', 'orders.closeExpired'), `${idempotencyKey}:${id}`, idempotencyRequest);
        if (step.state === 'replay') continue;
        if (step.state !== 'claimed') throw idempotencyError(step);
      }
      await this.db.execute("UPDATE orders SET status = 'closed' WHERE id = $1", [id]);
      if (idempotencyKey) await idempotency.complete(idempotencyScope('global', 'orders.closeExpired'), `${idempotencyKey}:${id}`, 200, null);
      await this.db.commit();
    }
    if (idempotencyKey) {
      const claim = await idempotency.begin(idempotencyScope('global', 'orders.closeExpired'), idempotencyKey, idempotencyRequest);
      if (claim.state === 'replay') return claim.body as number;
      if (claim.state !== 'claimed') throw idempotencyError(claim);
      await idempotency.complete(idempotencyScope('global', 'orders.closeExpired'), idempotencyKey, 200, ids.length);
      await this.db.commit();
    }
    return ids.length;
  }
}
