import type { DbSession } from '../../db/session.js';
import { OutboxRepository } from '../../core/outbox/outbox.repository.js';

export class OrderService {
  constructor(
    private readonly db: DbSession,
    private readonly outboxRepo: OutboxRepository = new OutboxRepository(db),
  ) {}

  async cancelOrder(orderId: string): Promise<void> {
    await this.db.execute("UPDATE orders SET status = 'cancelled' WHERE id = $1", [orderId]);
    await this.outboxRepo.addEvent({ eventType: 'orders.cancel_order', aggregateType: 'order', aggregateId: orderId, payload: { orderId } });
    await this.db.commit();
  }
}
