import { Injectable } from '@nestjs/common';
import type { DataSource } from './typeorm.js';
import { OutboxRepository } from '../outbox/outbox-repository.js';
import { IdempotencyStore, hashRequest, idempotencyError, idempotencyScope, IdempotencyReplay, withReplay } from '../outbox/idempotency-store.js';

export interface Lot {
  id: string;
  sku: string;
  quantity: number;
}

@Injectable()
export class StockService {
  private readonly outboxRepoFor = (session: ConstructorParameters<typeof OutboxRepository>[0]) => new OutboxRepository(session);

  constructor(private readonly dataSource: DataSource) {}

  async receive(sku: string, quantity: number, idempotencyKey?: string): Promise<Lot> {
    return withReplay(this.dataSource.transaction(async (manager) => {
      // Claimed in this transaction: a concurrent duplicate waits, then replays the stored response.
      const idempotency = new IdempotencyStore(manager);
      if (idempotencyKey) {
        const claim = await idempotency.begin(idempotencyScope('global', 'stock.receive'), idempotencyKey, hashRequest('CALL', 'stock.receive', [sku, quantity]));
        if (claim.state === 'replay') throw new IdempotencyReplay(claim.body);
        if (claim.state !== 'claimed') throw idempotencyError(claim);
      }
      const lot = await manager.save('lot', { id: `${sku}-${quantity}`, sku, quantity });
      await this.outboxRepoFor(manager).addEvent({
        eventType: 'stock.receive',
        aggregateType: 'stock',
        aggregateId: String(Object(lot).id ?? ''),
        payload: { result: lot },
      });
      if (idempotencyKey) await idempotency.complete(idempotencyScope('global', 'stock.receive'), idempotencyKey, 200, lot);
      return lot;
    }));
  }

  async adjust(lotId: string, quantity: number, idempotencyKey?: string): Promise<void> {
    await withReplay(this.dataSource.transaction(async (manager) => {
      // Claimed in this transaction: a concurrent duplicate waits, then replays the stored response.
      const idempotency = new IdempotencyStore(manager);
      if (idempotencyKey) {
        const claim = await idempotency.begin(idempotencyScope('global', 'stock.adjust'), idempotencyKey, hashRequest('CALL', 'stock.adjust', [lotId, quantity]));
        if (claim.state === 'replay') throw new IdempotencyReplay(claim.body);
        if (claim.state !== 'claimed') throw idempotencyError(claim);
      }
      await manager.update('lot', { id: lotId }, { quantity });
      await this.outboxRepoFor(manager).addEvent({
        eventType: 'stock.adjust',
        aggregateType: 'stock',
        aggregateId: lotId,
        payload: { lotId, quantity },
      });
      if (idempotencyKey) await idempotency.complete(idempotencyScope('global', 'stock.adjust'), idempotencyKey, 200, null);
    }));
  }
}
