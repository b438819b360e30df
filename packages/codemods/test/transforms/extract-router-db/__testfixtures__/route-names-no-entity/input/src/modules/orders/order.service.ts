import type { DbSession } from '../../db/session.js';

export class OrderService {
  constructor(private readonly db: DbSession) {}

  async countOrders(): Promise<number> {
    const { rows } = await this.db.execute<{ n: number }>('SELECT count(*) AS n FROM orders');
    return rows[0]!.n;
  }
}
