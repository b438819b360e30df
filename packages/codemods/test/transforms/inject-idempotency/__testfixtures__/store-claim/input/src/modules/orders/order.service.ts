import type { DbSession } from '../../db/session.js';
import { OutboxRepository } from '../../core/outbox/outbox.repository.js';

export interface Order {
  id: string;
  item: string;
}

export class OrderService {
  constructor(
    private readonly db: DbSession,
    private readonly outboxRepo: OutboxRepository = new OutboxRepository(db),
  ) {}

  async createOrder(organizationId: string, item: string): Promise<Order> {
    // One row per order.
    const { rows } = await this.db.execute<Order>('INSERT INTO orders (organization_id, item) VALUES ($1, $2) RETURNING *', [organizationId, item]);
    const order = rows[0]!;
    await this.outboxRepo.addEvent({ eventType: 'orders.create_order', aggregateType: 'order', aggregateId: order.id, payload: { order } });
    await this.db.commit();
    return order;
  }

  async getOrder(orderId: string): Promise<Order | undefined> {
    const { rows } = await this.db.execute<Order>('SELECT * FROM orders WHERE id = $1', [orderId]);
    return rows[0];
  }
}
