import type { DbSession } from '../../db/session.js';

declare function openSession(): DbSession;

export class OrderService {
  private readonly db = openSession();

  async createOrder(item: string): Promise<void> {
    await this.db.execute('INSERT INTO orders (item) VALUES ($1)', [item]);
    await this.db.commit();
  }
}
