import type { DbSession } from '../../db/session.js';
import { OutboxRepository } from '../../core/outbox/outbox.repository.js';

interface LineRow {
  id: string;
  qty: number;
}

const view = (row: LineRow) => ({ id: row.id, quantity: row.qty });

export class OrderService {
  constructor(private readonly db: DbSession, private readonly outboxRepo: OutboxRepository = new OutboxRepository(db)) {}

  // Route parameters arrive as one object (as extract-router-db writes them); the ids are destructured first.
  async updateLine(params: { orderId: string; lineId: string }, qty: number) {
    const { orderId, lineId } = params;
    const { rows } = await this.db.execute<LineRow>('UPDATE order_lines SET qty = $3 WHERE order_id = $1 AND id = $2 RETURNING *', [orderId, lineId, qty]);
    const result = view(rows[0]!);
    await this.outboxRepo.addEvent({
      eventType: 'orders.update_line',
      aggregateType: 'order',
      aggregateId: String(orderId),
      payload: { orderId, lineId, result },
    });
    await this.db.commit();
    return result;
  }

  // A result that may carry a credential never goes into the payload, computed or not.
  async rotateApiToken(orderId: string) {
    const { rows } = await this.db.execute<{ token: string }>('UPDATE orders SET api_token = gen_random_uuid() WHERE id = $1 RETURNING api_token AS token', [orderId]);
    await this.outboxRepo.addEvent({
      eventType: 'orders.rotate_api_token',
      aggregateType: 'order',
      aggregateId: orderId,
      payload: { orderId },
    });
    await this.db.commit();
    return { token: rows[0]!.token.slice(0) };
  }

  // Reads the database again after the commit: nothing to move.
  async closeOrder(orderId: string) {
    await this.db.execute("UPDATE orders SET status = 'closed' WHERE id = $1", [orderId]);
    await this.outboxRepo.addEvent({
      eventType: 'orders.close_order',
      aggregateType: 'order',
      aggregateId: orderId,
      payload: { orderId, status: 'closed' },
    });
    await this.db.commit();
    return view((await this.db.execute<LineRow>('SELECT * FROM order_lines WHERE order_id = $1 LIMIT 1', [orderId])).rows[0]!);
  }
}
