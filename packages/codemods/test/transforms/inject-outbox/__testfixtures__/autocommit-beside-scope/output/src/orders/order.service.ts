import type { Order, PrismaService } from './prisma.js';
import { OutboxRepository } from '../outbox/outbox-repository.js';

export class OrderService {
  constructor(private readonly prisma: PrismaService, private readonly outboxRepoFor = (session: ConstructorParameters<typeof OutboxRepository>[0]) => new OutboxRepository(session)) {}

  async place(customerId: string): Promise<Order> {
    return this.prisma.$transaction(async (tx) => {
      const result = await tx.order.create({ data: { customerId, status: 'placed' } });
      await this.outboxRepoFor(tx).addEvent({
        eventType: 'orders.place',
        aggregateType: 'order',
        aggregateId: String(Object(result).id ?? ''),
        payload: { customerId, result },
      });
      return result;
    });
  }

  async archive(orderId: string): Promise<void> {
    try {
      await this.prisma.order.update({ where: { id: orderId }, data: { status: 'archived' } });
    } catch {
      // Archiving an order that is gone is not an error.
    }
  }
}
