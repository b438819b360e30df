import type { DbSession } from '../../db/session.js';

export class OrderService {
  constructor(private readonly db: DbSession) {}

  async createOrders(...items: string[]): Promise<void> {
    await this.db.execute('INSERT INTO orders (item) SELECT unnest($1::text[])', [items]);
    await this.db.commit();
  }
}
