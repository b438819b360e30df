import type { DbSession } from '../../db/session.js';
import { OutboxRepository } from '../../core/outbox/outbox.repository.js';

export class OrderService {
  private readonly outboxRepo: OutboxRepository;

  constructor(private readonly db: DbSession) {
    this.outboxRepo = new OutboxRepository(db);
  }

  async cancelOrder(orderId: string): Promise<void> {
    await this.db.execute("UPDATE orders SET status = 'cancelled' WHERE id = $1", [orderId]);
    await this.db.commit();
    await this.outboxRepo.addEvent({
      eventType: 'order.cancelled',
      aggregateType: 'order',
      aggregateId: orderId,
      payload: { orderId },
    });
  }
}
