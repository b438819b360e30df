import type { DbSession } from '../../db/session.js';
import { OutboxRepository } from '../../core/outbox/outbox.repository.js';
import { IdempotencyStore, hashRequest, idempotencyError, idempotencyScope } from '../../core/idempotency/idempotency-store.js';

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
  async renameOrder(orderId: string, item: string, idempotencyKey?: string) {
    // Claimed in this transaction: a concurrent duplicate waits, then replays the stored response.
    const idempotency = new IdempotencyStore(this.db);
    if (idempotencyKey) {
      const claim = await idempotency.begin(idempotencyScope('global', 'orders.renameOrder'), idempotencyKey, hashRequest('CALL', 'orders.renameOrder', [orderId, item]));
      if (claim.state === 'replay') return claim.body as never;
      if (claim.state !== 'claimed') throw idempotencyError(claim);
    }
    const { rows } = await this.db.execute<Order>('UPDATE orders SET item = $2 WHERE id = $1 RETURNING *', [orderId, item]);
    await this.outboxRepo.addEvent({ eventType: 'orders.rename_order', aggregateType: 'order', aggregateId: orderId, payload: { item } });
    const result = {
      order: view(rows[0]!),
      renamedAt: `${new Date(0).toISOString()}`,
    };
    if (idempotencyKey) await idempotency.complete(idempotencyScope('global', 'orders.renameOrder'), idempotencyKey, 200, result);
    await this.db.commit();
    return result;
  }

  // Computed from the database after the commit: it cannot move, so it is reported, not guessed.
  async closeOrder(orderId: string) {
    await this.db.execute("UPDATE orders SET status = 'closed' WHERE id = $1", [orderId]);
    await this.outboxRepo.addEvent({ eventType: 'orders.close_order', aggregateType: 'order', aggregateId: orderId, payload: {} });
    await this.db.commit();
    return view((await this.db.execute<Order>('SELECT * FROM orders WHERE id = $1', [orderId])).rows[0]!);
  }
}
