import type { DbSession } from '../../db/session.js';
import { OutboxRepository } from '../../core/outbox/outbox.repository.js';

export class OrderService {
  private readonly outboxRepo: OutboxRepository;

  constructor(private readonly db: DbSession) {
    this.outboxRepo = new OutboxRepository(db);
  }

  async deliver(orderId: string, quantity: number): Promise<{ done: boolean }> {
    const { rows } = await this.db.execute<{ done: boolean }>('UPDATE orders SET delivered = delivered + $2 WHERE id = $1 RETURNING delivered >= quantity AS done', [orderId, quantity]);
    const state = rows[0]!;
    if (state.done) {
      await this.outboxRepo.addEvent({ eventType: 'order.delivered', aggregateType: 'order', aggregateId: orderId, payload: { orderId } });
    }
    await this.db.commit();
    return state;
  }
}
