// fixture: src/modules/orders/order.service.ts
import type { DbSession } from '../../db/session.js';

export class OrderService {
  constructor(private readonly db: DbSession) {}

  /** Nobody commits this one: a job commits its batch. */
  async touch(orderId: string): Promise<void> {
    await this.db.execute('UPDATE orders SET touched_at = now() WHERE id = $1', [orderId]);
  }
}
