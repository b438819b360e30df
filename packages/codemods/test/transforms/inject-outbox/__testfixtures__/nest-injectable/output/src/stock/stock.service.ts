import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { DataSource, Repository } from './typeorm.js';
import { OutboxRepository } from '../outbox/outbox-repository.js';

export class Lot {
  id!: string;
  sku!: string;
  quantity!: number;
}

/**
 * A provider NestJS constructs: each constructor parameter is a dependency it resolves, so the outbox cannot come in
 * through one. `rename` saves through the injected repository outside any transaction (reported, left as it is); its
 * handle does not keep the transactional operations from their events.
 */
@Injectable()
export class StockService {
  private readonly outboxRepoFor = (session: ConstructorParameters<typeof OutboxRepository>[0]) => new OutboxRepository(session);

  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(Lot) private readonly lots: Repository<Lot>,
  ) {}

  async receive(sku: string, quantity: number): Promise<Lot> {
    return this.dataSource.transaction(async (manager) => {
      const lot = await manager.save(Object.assign(new Lot(), { id: `${sku}-${quantity}`, sku, quantity }));
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
      await manager.update(Lot, { id: lotId }, { quantity });
      await this.outboxRepoFor(manager).addEvent({
        eventType: 'stock.adjust',
        aggregateType: 'stock',
        aggregateId: lotId,
        payload: { lotId },
      });
    });
  }

  async rename(lotId: string, sku: string): Promise<Lot> {
    const lot = await this.lots.findOneBy({ id: lotId });
    if (!lot) throw new NotFoundException(`no lot ${lotId}`);
    return this.lots.save({ ...lot, sku });
  }
}
