import type { DbSession } from '../../db/session.js';
import { OutboxRepository } from '../../core/outbox/outbox.repository.js';

export type SessionFactory = () => DbSession;

/** Built once; each method asks the factory for the session it works in. */
export class OrderService {
  constructor(
    private readonly sessionFactory: SessionFactory,
    private readonly label = 'orders',
    private readonly outboxRepoFor = (session: ConstructorParameters<typeof OutboxRepository>[0]) => new OutboxRepository(session),
  ) {}

  async closeOrder(orderId: string): Promise<void> {
    const db = this.sessionFactory();
    await db.execute("UPDATE orders SET status = 'closed' WHERE id = $1", [orderId]);
    await this.outboxRepoFor(db).addEvent({
      eventType: 'orders.close_order',
      aggregateType: 'order',
      aggregateId: orderId,
      payload: { orderId, status: 'closed' },
    });
    await db.commit();
  }
}
