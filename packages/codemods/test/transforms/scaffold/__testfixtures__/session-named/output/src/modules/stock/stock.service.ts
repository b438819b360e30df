import type { Session } from '../../session.js';

export class StockService {
  constructor(private readonly db: Session) {}

  async reprice(lotId: string, priceCents: number): Promise<void> {
    await this.db.run('UPDATE lots SET price_cents = $2 WHERE id = $1', [lotId, priceCents]);
    await this.db.commit();
  }
}
