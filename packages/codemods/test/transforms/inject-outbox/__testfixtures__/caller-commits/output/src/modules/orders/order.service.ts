import type { DbSession } from '../../db/session.js';
import { OutboxRepository } from '../../core/outbox/outbox.repository.js';

export class OrderService {
  constructor(private readonly db: DbSession, private readonly outboxRepo: OutboxRepository = new OutboxRepository(db)) {}

  async createOrder(item: string): Promise<void> {
    await this.db.execute('INSERT INTO orders (item) VALUES ($1)', [item]);
  }
}
