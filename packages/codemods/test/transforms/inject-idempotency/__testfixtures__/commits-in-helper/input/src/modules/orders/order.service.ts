import type { DbSession } from '../../db/session.js';

export class OrderService {
  constructor(private readonly db: DbSession) {}

  async createOrder(item: string): Promise<void> {
    await this.insertOrder(item);
  }

  /** Writes the order and commits it: its own transaction, whoever calls it. */
  private async insertOrder(item: string): Promise<void> {
    await this.db.execute('INSERT INTO orders (item) VALUES ($1)', [item]);
    await this.db.commit();
  }
}
