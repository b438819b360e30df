import type { Order, PrismaService } from './prisma.js';
import { IdempotencyStore, hashRequest, idempotencyError, idempotencyScope, IdempotencyReplay, withReplay, IdempotencyError } from '../outbox/idempotency-store.js';

export type Outcome = { ok: true; order: Order } | { ok: false; reason: string };

export class OrderService {
  constructor(private readonly prisma: PrismaService) {}

  // The transaction is awaited in a try whose catch answers: a key conflict must not become 'no such order'.
  async ship(orderId: string, idempotencyKey?: string): Promise<Outcome> {
    try {
      return await withReplay(this.prisma.$transaction(async (tx) => {
        // Claimed in this transaction: a concurrent duplicate waits, then replays the stored response.
        const idempotency = new IdempotencyStore(tx);
        if (idempotencyKey) {
          const claim = await idempotency.begin(idempotencyScope('global', 'orders.ship'), idempotencyKey, hashRequest('CALL', 'orders.ship', [orderId]));
          if (claim.state === 'replay') throw new IdempotencyReplay(claim.body);
          if (claim.state !== 'claimed') throw idempotencyError(claim);
        }
        const order = await tx.order.update({ where: { id: orderId }, data: { status: 'shipped' } });
        if (idempotencyKey) await idempotency.complete(idempotencyScope('global', 'orders.ship'), idempotencyKey, 200, { ok: true, order });
        return { ok: true, order };
      }));
    } catch (error) {
      if (error instanceof IdempotencyError) throw error;
      return { ok: false, reason: 'no such order' };
    }
  }
}
