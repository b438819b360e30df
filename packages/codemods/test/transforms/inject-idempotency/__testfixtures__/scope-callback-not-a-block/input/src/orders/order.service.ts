import type { Order, PrismaService } from './prisma.js';
import { OutboxRepository } from '../outbox/outbox-repository.js';

export class OrderService {
  constructor(private readonly prisma: PrismaService) {}

  // The event is there (written through the transaction client), the key is not: the callback is one expression.
  async place(customerId: string): Promise<Order> {
    return this.prisma.$transaction(async (tx) => new OutboxRepository(tx).addEvent({ eventType: 'orders.place', aggregateType: 'order', aggregateId: customerId, payload: {} }).then(() => tx.order.create({ data: { customerId, status: 'placed' } })));
  }
}
