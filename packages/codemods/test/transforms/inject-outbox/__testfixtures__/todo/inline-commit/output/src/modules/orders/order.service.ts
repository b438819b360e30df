import type { DbSession } from '../../db/session.js';
import { OutboxRepository } from '../../core/outbox/outbox.repository.js';

export class OrderService {
  constructor(
    private readonly db: DbSession,
    private readonly outboxRepo: OutboxRepository = new OutboxRepository(db),
  ) {}

  // TODO(outbox-codemod): a commit is part of an expression, not a statement of its own, so nothing can go right before it; add the event before it by hand
  async closeOrder(orderId: string): Promise<boolean> {
    await this.db.execute("UPDATE orders SET status = 'closed' WHERE id = $1", [orderId]);
    return this.db.commit().then(() => true);
  }
}
