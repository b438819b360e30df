import type { DbSession } from '../../db/session.js';

export class OrderService {
  constructor(private readonly db: DbSession) {}

  /** Each expired order is closed in its own transaction. */
  async closeExpired(ids: string[]): Promise<number> {
    for (const id of ids) {
      await this.db.execute("UPDATE orders SET status = 'closed' WHERE id = $1", [id]);
      await this.db.commit();
    }
    return ids.length;
  }
}
