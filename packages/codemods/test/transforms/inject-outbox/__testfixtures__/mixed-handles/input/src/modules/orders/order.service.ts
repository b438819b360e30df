import type { DbSession } from '../../db/session.js';

interface Sessions {
  open(): Promise<DbSession>;
}

export class OrderService {
  constructor(
    private readonly db: DbSession,
    private readonly sessions: Sessions,
  ) {}

  async createOrder(item: string): Promise<void> {
    await this.db.execute('INSERT INTO orders (item) VALUES ($1)', [item]);
    await this.db.commit();
  }

  async archiveOrders(): Promise<void> {
    const session = await this.sessions.open();
    await session.execute("UPDATE orders SET archived = true WHERE created_at < now() - interval '1 year'");
    await session.commit();
  }
}
