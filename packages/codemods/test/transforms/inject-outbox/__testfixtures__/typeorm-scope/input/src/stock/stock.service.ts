import type { DataSource } from './typeorm.js';

export interface Lot {
  id: string;
  sku: string;
  quantity: number;
}

export class StockService {
  constructor(private readonly dataSource: DataSource) {}

  async receive(sku: string, quantity: number): Promise<Lot> {
    return this.dataSource.transaction(async (manager) => {
      const lot = await manager.save('lot', { id: `${sku}-${quantity}`, sku, quantity });
      return lot;
    });
  }

  async adjust(lotId: string, quantity: number): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.update('lot', { id: lotId }, { quantity });
    });
  }
}
