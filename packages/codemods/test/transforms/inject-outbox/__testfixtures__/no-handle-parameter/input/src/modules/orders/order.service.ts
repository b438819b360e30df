import type { DbSession } from '../../db/session.js';

export class OrderService {
  private readonly db: DbSession;

  constructor(connection: DbSession) {
    this.db = connection;
  }

  async createOrder(item: string): Promise<void> {
    await this.db.execute('INSERT INTO orders (item) VALUES ($1)', [item]);
    await this.db.commit();
  }
}
