import { Transactional } from 'typeorm-transactional';
import type { Repository } from 'typeorm';
import { OutboxRepository } from '../outbox/outbox-repository.js';

export interface Lot {
  id: string;
  quantity: number;
}

export class StockService {
  constructor(
    private readonly lotRepository: Repository<Lot>,
    private readonly outboxRepo: OutboxRepository = new OutboxRepository(lotRepository),
  ) {}

  /** The decorator opens a transaction around the call and commits it when the method returns. */
  @Transactional()
  async adjust(lotId: string, quantity: number): Promise<void> {
    await this.lotRepository.update({ id: lotId }, { quantity });
  }
}
