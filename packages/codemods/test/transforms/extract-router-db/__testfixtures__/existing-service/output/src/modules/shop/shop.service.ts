import type { DbSession } from '../../db/session.js';

export class OrderService {
  constructor(private readonly db: DbSession) {}

  async placeOrder(sku: string) {
    const { rows } = await this.db.execute('INSERT INTO orders (sku) VALUES ($1) RETURNING *', [sku]);
    await this.db.commit();
    return rows[0];
  }

  async getOrder(params: { id: string }) {
    const db = this.db;
    // Read straight from the table.
    const { rows } = await db.execute('SELECT * FROM orders WHERE id = $1', [params.id]);
    return rows[0] ?? null;
  }
}
