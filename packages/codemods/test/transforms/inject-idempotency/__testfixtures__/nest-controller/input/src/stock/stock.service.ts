import { Injectable } from '@nestjs/common';
import type { DataSource } from './typeorm.js';
import { OutboxRepository } from '../outbox/outbox-repository.js';

export interface Lot {
  id: string;
  sku: string;
  quantity: number;
}

@Injectable()
export class StockService {
  private readonly outboxRepoFor = (session: ConstructorParameters<typeof OutboxRepository>[0]) => new OutboxRepository(session);

  constructor(private readonly dataSource: DataSource) {}

  async receive(sku: string, quantity: number): Promise<Lot> {
    return this.dataSource.transaction(async (manager) => {
      const lot = await manager.save('lot', { id: `${sku}-${quantity}`, sku, quantity });
      await this.outboxRepoFor(manager).addEvent({
        eventType: 'stock.receive',
        aggregateType: 'stock',
        aggregateId: String(Object(lot).id ?? ''),
        payload: { result: lot },
      });
      return lot;
    });
  }

  async adjust(lotId: string, quantity: number): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.update('lot', { id: lotId }, { quantity });
      await this.outboxRepoFor(manager).addEvent({
        eventType: 'stock.adjust',
        aggregateType: 'stock',
        aggregateId: lotId,
        payload: { lotId, quantity },
      });
    });
  }
}
