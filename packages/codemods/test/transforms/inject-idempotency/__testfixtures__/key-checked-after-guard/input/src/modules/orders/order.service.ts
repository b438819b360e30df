import type { DbSession } from '../../db/session.js';

interface Redis {
  get(key: string): Promise<string | null>;
}

export class OrderService {
  constructor(
    private readonly db: DbSession,
    private readonly redis: Redis,
  ) {}

  async shipOrder(orderId: string, idempotencyKey?: string): Promise<void> {
    const { rows } = await this.db.execute<{ status: string }>('SELECT status FROM orders WHERE id = $1 FOR UPDATE', [orderId]);
    if (rows[0]?.status !== 'paid') throw new Error(`order ${orderId} cannot be shipped`);
    if (idempotencyKey && (await this.redis.get(`idempotency:${idempotencyKey}`))) return;
    await this.db.execute("UPDATE orders SET status = 'shipped' WHERE id = $1", [orderId]);
    await this.db.commit();
  }
}
