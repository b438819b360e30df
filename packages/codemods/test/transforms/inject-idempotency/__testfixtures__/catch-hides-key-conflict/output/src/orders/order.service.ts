import type { Order, PrismaService } from './prisma.js';

export type Outcome = { ok: true; order: Order } | { ok: false; reason: string };

export class OrderService {
  constructor(private readonly prisma: PrismaService) {}

  // The catch answers with the error's message, destructured: no name to let a key conflict through by.
  async ship(orderId: string): Promise<Outcome> {
    try {
      return await this.prisma.$transaction(async (tx) => {
        const order = await tx.order.update({ where: { id: orderId }, data: { status: 'shipped' } });
        return { ok: true, order };
      });
    } catch ({ message }) {
      return { ok: false, reason: String(message) };
    }
  }
}
