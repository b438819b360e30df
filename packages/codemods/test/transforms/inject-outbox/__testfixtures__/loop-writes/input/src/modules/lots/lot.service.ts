import type { DbSession } from '../../db/session.js';

export interface Reservation {
  lotId: string;
  quantity: number;
}

export class LotService {
  constructor(private readonly db: DbSession) {}

  /** Reserves several lots in one transaction. */
  async reserveLots(organizationId: string, reservations: Reservation[]): Promise<number> {
    let reserved = 0;
    for (const reservation of reservations) {
      const { rowCount } = await this.db.execute(
        'UPDATE lots SET reserved = reserved + $3 WHERE id = $1 AND organization_id = $2',
        [reservation.lotId, organizationId, reservation.quantity],
      );
      reserved += rowCount;
    }
    await this.db.commit();
    return reserved;
  }

  /** Writes in a loop, then one more write after it: the event names the last write's row, before the commit. */
  async settle(batchId: string, lotIds: string[]): Promise<void> {
    for (const lotId of lotIds) {
      await this.db.execute("UPDATE lots SET status = 'settled' WHERE id = $1", [lotId]);
    }
    await this.db.execute("UPDATE batches SET status = 'settled' WHERE id = $1", [batchId]);
    await this.db.commit();
  }
}
