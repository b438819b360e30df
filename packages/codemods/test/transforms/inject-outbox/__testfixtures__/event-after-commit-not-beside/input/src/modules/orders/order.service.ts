import type { DbSession } from '../../db/session.js';
import { OutboxRepository } from '../../core/outbox/outbox.repository.js';

export class OrderService {
  constructor(
    private readonly db: DbSession,
    private readonly outboxRepo: OutboxRepository = new OutboxRepository(db),
  ) {}

  async createOrder(item: string, notify: boolean): Promise<void> {
    await this.db.execute('INSERT INTO orders (item) VALUES ($1)', [item]);
    await this.db.commit();
    if (notify) {
      await this.outboxRepo.addEvent({ eventType: 'orders.created', aggregateType: 'order', aggregateId: item, payload: {} });
    }
  }
}
