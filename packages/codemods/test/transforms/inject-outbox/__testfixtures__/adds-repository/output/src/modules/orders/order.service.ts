import type { DbSession } from '../../db/session.js';
import { OutboxRepository } from '../../core/outbox/outbox.repository.js';

export class OrderService {
  constructor(private readonly db: DbSession, private readonly outboxRepo: OutboxRepository = new OutboxRepository(db)) {}

  async createOrder(input: { item: string }): Promise<{ id: string }> {
    const { rows } = await this.db.execute<{ id: string }>('INSERT INTO orders (item) VALUES ($1) RETURNING id', [input.item]);
    await this.outboxRepo.addEvent({
      eventType: 'orders.create_order',
      aggregateType: 'order',
      aggregateId: String(Object(rows[0]!).id ?? ''),
      payload: { result: rows[0]! },
    });
    // Committed with its event, or not at all.
    await this.db.commit();
    return rows[0]!;
  }

  async shipOrder(orderId: string, organizationId: string | null): Promise<void> {
    await this.db.execute("UPDATE orders SET status = 'shipped' WHERE id = $1", [orderId, organizationId]);
    await this.outboxRepo.addEvent({
      eventType: 'orders.ship_order',
      aggregateType: 'order',
      aggregateId: orderId,
      organizationId,
      payload: { orderId, organizationId, status: 'shipped' },
    });
    await this.db.commit(); // shipped
  }

  async countOrders(): Promise<number> {
    const { rows } = await this.db.execute<{ n: number }>('SELECT count(*) AS n FROM orders');
    return rows[0]!.n;
  }
}
