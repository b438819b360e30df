import type { DbSession } from '../../db/session.js';

export class OrderService {
  constructor(private readonly db: DbSession) {}

  async getOrder(orderId: string) {
    const { rows } = await this.db.execute('SELECT * FROM orders WHERE id = $1', [orderId]);
    return rows[0];
  }

  async createOrder(input: { item: string }): Promise<{ id: string }> {
    const { rows } = await this.db.execute<{ id: string }>('INSERT INTO orders (item) VALUES ($1) RETURNING id', [input.item]);
    await this.db.commit();
    // The id is what the caller needs.
    return rows[0]!;
  }

  async cancelOrder(orderId: string): Promise<void> {
    const order = await this.getOrder(orderId);
    if (!order) return;
    await this.db.execute("UPDATE orders SET status = 'cancelled' WHERE id = $1", [orderId]);
    await this.db.commit();
  }

  async archive(orderId: string) {
    const result = await this.markArchived(orderId);
    await this.db.commit();
    return result;
  }

  private async markArchived(orderId: string) {
    const { rows } = await this.db.execute('UPDATE orders SET archived = true WHERE id = $1 RETURNING id', [orderId]);
    return rows[0];
  }
}
