import type { DbSession } from '../../db/session.js';

export class OrderService {
  constructor(private readonly db: DbSession) {}

  async replaceOrder(id: string, item: string): Promise<void> {
    await this.db.commit(); // whatever the request did before starts clean
    await this.db.execute('UPDATE orders SET item = $2 WHERE id = $1', [id, item]);
    await this.db.commit();
  }
}
