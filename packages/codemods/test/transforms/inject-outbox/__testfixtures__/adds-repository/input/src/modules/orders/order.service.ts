import type { DbSession } from '../../db/session.js';

export class OrderService {
  constructor(private readonly db: DbSession) {}

  async createOrder(input: { item: string }): Promise<{ id: string }> {
    const { rows } = await this.db.execute<{ id: string }>('INSERT INTO orders (item) VALUES ($1) RETURNING id', [input.item]);
    // Committed with its event, or not at all.
    await this.db.commit();
    return rows[0]!;
  }

  async shipOrder(orderId: string, organizationId: string | null): Promise<void> {
    await this.db.execute("UPDATE orders SET status = 'shipped' WHERE id = $1", [orderId, organizationId]);
    await this.db.commit(); // shipped
  }

  async countOrders(): Promise<number> {
    const { rows } = await this.db.execute<{ n: number }>('SELECT count(*) AS n FROM orders');
    return rows[0]!.n;
  }
}
