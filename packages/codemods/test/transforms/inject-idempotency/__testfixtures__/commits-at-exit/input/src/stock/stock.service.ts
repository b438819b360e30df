import { Transactional } from 'typeorm-transactional';
import type { Repository } from 'typeorm';

export interface Lot {
  id: string;
  quantity: number;
}

export class StockService {
  constructor(private readonly lotRepository: Repository<Lot>) {}

  /** The decorator opens a transaction around the call and commits it when the method returns. */
  @Transactional()
  async adjust(lotId: string, quantity: number): Promise<void> {
    await this.lotRepository.update({ id: lotId }, { quantity });
  }
}
