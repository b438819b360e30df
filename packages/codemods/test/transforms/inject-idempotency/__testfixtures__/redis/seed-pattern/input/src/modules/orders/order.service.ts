import type { DbSession } from '../../db/session.js';
import type { RedisClient } from '../../core/redis/client.js';
import { OutboxRepository } from '../../core/outbox/outbox.repository.js';

export class OrderService {
  private readonly outboxRepo: OutboxRepository;

  constructor(
    private readonly db: DbSession,
    private readonly redis?: RedisClient,
  ) {
    this.outboxRepo = new OutboxRepository(db);
  }

  async shipOrder(orderId: string): Promise<{ orderId: string; shipped: boolean }> {
    await this.db.execute("UPDATE orders SET status = 'shipped' WHERE id = $1", [orderId]);
    const result = { orderId, shipped: true };
    await this.outboxRepo.addEvent({ eventType: 'orders.ship_order', aggregateType: 'order', aggregateId: orderId, payload: result });
    await this.db.commit();
    return result;
  }
}
