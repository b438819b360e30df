import type { DbSession } from '../../db/session.js';

export class OrderService {
  constructor(private readonly db: DbSession) {}

  /** Closes expired orders a batch at a time, each batch in its own transaction. */
  async closeExpired(batches: number): Promise<number> {
    for (let batch = 0; batch < batches; batch++) {
      await this.db.execute("UPDATE orders SET status = 'closed' WHERE id IN (SELECT id FROM orders WHERE expires_at < now() LIMIT 100)");
      await this.db.commit();
    }
    return batches;
  }
}
