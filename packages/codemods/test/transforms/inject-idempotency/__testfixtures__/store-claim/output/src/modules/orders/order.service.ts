import type { DbSession } from '../../db/session.js';
import { OutboxRepository } from '../../core/outbox/outbox.repository.js';
import { IdempotencyStore, hashRequest, idempotencyError, idempotencyScope } from '../../core/idempotency/idempotency-store.js';

export interface Order {
  id: string;
  item: string;
}

export class OrderService {
  constructor(
    private readonly db: DbSession,
    private readonly outboxRepo: OutboxRepository = new OutboxRepository(db),
  ) {}

  async createOrder(organizationId: string, item: string, idempotencyKey?: string): Promise<Order> {
    // Claimed in this transaction: a concurrent duplicate waits, then replays the stored response.
    const idempotency = new IdempotencyStore(this.db);
    if (idempotencyKey) {
      const claim = await idempotency.begin(idempotencyScope(organizationId, 'orders.createOrder'), idempotencyKey, hashRequest('CALL', 'orders.createOrder', [organizationId, item]));
      if (claim.state === 'replay') return claim.body as Order;
      if (claim.state !== 'claimed') throw idempotencyError(claim);
    }
    // One row per order.
    const { rows } = await this.db.execute<Order>('INSERT INTO orders (organization_id, item) VALUES ($1, $2) RETURNING *', [organizationId, item]);
    const order = rows[0]!;
    await this.outboxRepo.addEvent({ eventType: 'orders.create_order', aggregateType: 'order', aggregateId: order.id, payload: { order } });
    if (idempotencyKey) await idempotency.complete(idempotencyScope(organizationId, 'orders.createOrder'), idempotencyKey, 200, order);
    await this.db.commit();
    return order;
  }

  async getOrder(orderId: string): Promise<Order | undefined> {
    const { rows } = await this.db.execute<Order>('SELECT * FROM orders WHERE id = $1', [orderId]);
    return rows[0];
  }
}
