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

  async ship(orderId: string): Promise<Order> {
    return this.prisma.$transaction(async (tx) => {
      const order = await tx.order.update({ where: { id: orderId }, data: { status: 'shipped' } });
      await this.outboxRepoFor(tx).addEvent({
        eventType: 'orders.ship',
        aggregateType: 'order',
        aggregateId: orderId,
        payload: { orderId, status: 'shipped', result: order },
      });
      return order;
    });
  }

  async cancel(orderId: string): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      await tx.order.update({ where: { id: orderId }, data: { status: 'cancelled' } });
      await this.outboxRepoFor(tx).addEvent({
        eventType: 'orders.cancel',
        aggregateType: 'order',
        aggregateId: orderId,
        payload: { orderId },
      });
    });
  }
}
