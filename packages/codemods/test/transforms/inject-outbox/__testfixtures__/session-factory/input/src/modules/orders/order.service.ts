import type { DbSession } from '../../db/session.js';

export type SessionFactory = () => DbSession;

/** Built once; each method asks the factory for the session it works in. */
export class OrderService {
  constructor(
    private readonly sessionFactory: SessionFactory,
    private readonly label = 'orders',
  ) {}

  async closeOrder(orderId: string): Promise<void> {
    const db = this.sessionFactory();
    await db.execute("UPDATE orders SET status = 'closed' WHERE id = $1", [orderId]);
    await db.commit();
  }
}
