import type { DbSession } from '../../db/session.js';
import { OutboxRepository } from '../../core/outbox/outbox.repository.js';

export interface Order {
  id: string;
  item: string;
}

const view = (order: Order) => ({ ...order, label: order.item.toUpperCase() });

export class OrderService {
  constructor(
    private readonly db: DbSession,
    private readonly outboxRepo: OutboxRepository = new OutboxRepository(db),
  ) {}

  // The response is computed after the commit: it moves into a local just before it.
  async renameOrder(orderId: string, item: string) {
    const { rows } = await this.db.execute<Order>('UPDATE orders SET item = $2 WHERE id = $1 RETURNING *', [orderId, item]);
    await this.outboxRepo.addEvent({ eventType: 'orders.rename_order', aggregateType: 'order', aggregateId: orderId, payload: { item } });
    await this.db.commit();
    return {
      order: view(rows[0]!),
      renamedAt: `${new Date(0).toISOString()}`,
    };
  }

  // Computed from the database after the commit: it cannot move, so it is reported, not guessed.
  async closeOrder(orderId: string) {
    await this.db.execute("UPDATE orders SET status = 'closed' WHERE id = $1", [orderId]);
    await this.outboxRepo.addEvent({ eventType: 'orders.close_order', aggregateType: 'order', aggregateId: orderId, payload: {} });
    await this.db.commit();
    return view((await this.db.execute<Order>('SELECT * FROM orders WHERE id = $1', [orderId])).rows[0]!);
  }
}
