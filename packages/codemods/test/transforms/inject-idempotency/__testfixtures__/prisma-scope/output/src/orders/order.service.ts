import type { Order, PrismaService } from './prisma.js';
import { OutboxRepository } from '../outbox/outbox-repository.js';
import { IdempotencyStore, hashRequest, idempotencyError, idempotencyScope, IdempotencyReplay, withReplay } from '../outbox/idempotency-store.js';

export class OrderService {
  constructor(private readonly prisma: PrismaService, private readonly outboxRepoFor = (session: ConstructorParameters<typeof OutboxRepository>[0]) => new OutboxRepository(session)) {}

  async place(customerId: string, idempotencyKey?: string): Promise<Order> {
    return withReplay(this.prisma.$transaction(async (tx) => {
      // Claimed in this transaction: a concurrent duplicate waits, then replays the stored response.
      const idempotency = new IdempotencyStore(tx);
      if (idempotencyKey) {
        const claim = await idempotency.begin(idempotencyScope('global', 'orders.place'), idempotencyKey, hashRequest('CALL', 'orders.place', [customerId]));
        if (claim.state === 'replay') throw new IdempotencyReplay(claim.body);
        if (claim.state !== 'claimed') throw idempotencyError(claim);
      }
      const result = await tx.order.create({ data: { customerId, status: 'placed' } });
      await this.outboxRepoFor(tx).addEvent({
        eventType: 'orders.place',
        aggregateType: 'order',
        aggregateId: String(Object(result).id ?? ''),
        payload: { customerId, result },
      });
      if (idempotencyKey) await idempotency.complete(idempotencyScope('global', 'orders.place'), idempotencyKey, 200, result);
      return result;
    }));
  }

  async ship(orderId: string, idempotencyKey?: string): Promise<Order> {
    return withReplay(this.prisma.$transaction(async (tx) => {
      // Claimed in this transaction: a concurrent duplicate waits, then replays the stored response.
      const idempotency = new IdempotencyStore(tx);
      if (idempotencyKey) {
        const claim = await idempotency.begin(idempotencyScope('global', 'orders.ship'), idempotencyKey, hashRequest('CALL', 'orders.ship', [orderId]));
        if (claim.state === 'replay') throw new IdempotencyReplay(claim.body);
        if (claim.state !== 'claimed') throw idempotencyError(claim);
      }
      const order = await tx.order.update({ where: { id: orderId }, data: { status: 'shipped' } });
      await this.outboxRepoFor(tx).addEvent({
        eventType: 'orders.ship',
        aggregateType: 'order',
        aggregateId: orderId,
        payload: { orderId, result: order },
      });
      if (idempotencyKey) await idempotency.complete(idempotencyScope('global', 'orders.ship'), idempotencyKey, 200, order);
      return order;
    }));
  }

  async cancel(orderId: string, idempotencyKey?: string): Promise<void> {
    await withReplay(this.prisma.$transaction(async (tx) => {
      // Claimed in this transaction: a concurrent duplicate waits, then replays the stored response.
      const idempotency = new IdempotencyStore(tx);
      if (idempotencyKey) {
        const claim = await idempotency.begin(idempotencyScope('global', 'orders.cancel'), idempotencyKey, hashRequest('CALL', 'orders.cancel', [orderId]));
        if (claim.state === 'replay') throw new IdempotencyReplay(claim.body);
        if (claim.state !== 'claimed') throw idempotencyError(claim);
      }
      await tx.order.update({ where: { id: orderId }, data: { status: 'cancelled' } });
      await this.outboxRepoFor(tx).addEvent({
        eventType: 'orders.cancel',
        aggregateType: 'order',
        aggregateId: orderId,
        payload: { orderId },
      });
      if (idempotencyKey) await idempotency.complete(idempotencyScope('global', 'orders.cancel'), idempotencyKey, 200, null);
    }));
  }
}
