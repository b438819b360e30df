import type { DbSession } from '../../db/session.js';

export class OrderService {
  constructor(private readonly db: DbSession) {}

  async createOrder(input: { item: string }): Promise<{ id: string }> {
    const { rows } = await this.db.execute<{ id: string }>('INSERT INTO orders (item) VALUES ($1) RETURNING id', [input.item]);
    return rows[0]!;
  }
}
