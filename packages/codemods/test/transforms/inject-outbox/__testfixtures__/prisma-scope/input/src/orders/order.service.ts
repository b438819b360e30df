import type { Order, PrismaService } from './prisma.js';

export class OrderService {
  constructor(private readonly prisma: PrismaService) {}

  async place(customerId: string): Promise<Order> {
    return this.prisma.$transaction(async (tx) => {
      return tx.order.create({ data: { customerId, status: 'placed' } });
    });
  }

  async ship(orderId: string): Promise<Order> {
    return this.prisma.$transaction(async (tx) => {
      const order = await tx.order.update({ where: { id: orderId }, data: { status: 'shipped' } });
      return order;
    });
  }

  async cancel(orderId: string): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      await tx.order.update({ where: { id: orderId }, data: { status: 'cancelled' } });
    });
  }
}
