import type { DbSession } from '../../db/session.js';

export class OrderService {
  constructor(private readonly db: DbSession) {}

  async placeOrder(sku: string) {
    const { rows } = await this.db.execute('INSERT INTO orders (sku) VALUES ($1) RETURNING *', [sku]);
    await this.db.commit();
    return rows[0];
  }
}
