import type { DbSession } from '../../db/session.js';
import { OutboxRepository } from '../../core/outbox/outbox.repository.js';
import { IdempotencyStore, hashRequest, idempotencyError, idempotencyScope } from '../../core/idempotency/idempotency-store.js';

export class OrderService {
  constructor(
    private readonly db: DbSession,
    private readonly outboxRepo: OutboxRepository = new OutboxRepository(db),
  ) {}

  async cancelOrder(orderId: string, idempotencyKey?: string): Promise<void> {
    const idempotency = new IdempotencyStore(this.db);
    if (idempotencyKey) {
      const claim = await idempotency.begin(idempotencyScope('global', 'orders.cancelOrder'), idempotencyKey, hashRequest('CALL', 'orders.cancelOrder', [orderId]));
      if (claim.state === 'replay') return;
      if (claim.state !== 'claimed') throw idempotencyError(claim);
    }
    await this.db.execute("UPDATE orders SET status = 'cancelled' WHERE id = $1", [orderId]);
    await this.outboxRepo.addEvent({ eventType: 'orders.cancel_order', aggregateType: 'order', aggregateId: orderId, payload: { orderId } });
    if (idempotencyKey) await idempotency.complete(idempotencyScope('global', 'orders.cancelOrder'), idempotencyKey, 200, null);
    await this.db.commit();
  }
}
