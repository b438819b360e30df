import type { DbSession } from '../../db/session.js';

// Another package's OrderService, with a method of the same name: its caller batches several calls, then commits.
export class OrderService {
  constructor(private readonly db: DbSession) {}

  async createOrder(input: { item: string }): Promise<{ id: string }> {
    const { rows } = await this.db.execute<{ id: string }>('INSERT INTO admin_orders (item) VALUES ($1) RETURNING id', [input.item]);
    return rows[0]!;
  }
}
