import type { Order, PrismaService } from './prisma.js';
import { OutboxRepository } from '../outbox/outbox-repository.js';

export class OrderService {
  constructor(private readonly prisma: PrismaService) {}

  // Two transactions: a key claimed in the first would be completed before the second ran.
  async placeTwice(customerId: string): Promise<Order> {
    await this.prisma.$transaction(async (tx) => {
      await tx.order.create({ data: { customerId, status: 'draft' } });
      await new OutboxRepository(tx).addEvent({ eventType: 'orders.draft', aggregateType: 'order', aggregateId: customerId, payload: {} });
    });
    return this.prisma.$transaction(async (tx) => {
      const order = await tx.order.create({ data: { customerId, status: 'placed' } });
      await new OutboxRepository(tx).addEvent({ eventType: 'orders.place', aggregateType: 'order', aggregateId: order.id, payload: {} });
      return order;
    });
  }
}
