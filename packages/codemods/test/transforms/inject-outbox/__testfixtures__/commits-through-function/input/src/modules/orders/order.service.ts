import type { DbSession } from '../../db/session.js';

/** Commits and logs how long the transaction took (shared by the module's services). */
async function commitAndLog(db: DbSession): Promise<void> {
  const started = Date.now();
  await db.commit();
  console.log(`committed in ${Date.now() - started} ms`);
}

export class OrderService {
  constructor(private readonly db: DbSession) {}

  async createOrder(item: string): Promise<void> {
    await this.db.execute('INSERT INTO orders (item) VALUES ($1)', [item]);
    await commitAndLog(this.db);
  }
}
