import type { DbSession } from '../../db/session.js';
import { OutboxRepository } from '../../core/outbox/outbox.repository.js';

export interface Lot {
  id: string;
  status: string;
}

export class LotService {
  constructor(private readonly db: DbSession, private readonly outboxRepo: OutboxRepository = new OutboxRepository(db)) {}

  /** The lot inserted is the aggregate, not the warehouse it goes in. */
  async createLot(warehouseId: string, code: string): Promise<Lot> {
    const { rows } = await this.db.execute<Lot>('INSERT INTO lots (warehouse_id, code) VALUES ($1, $2) RETURNING *', [warehouseId, code]);
    await this.outboxRepo.addEvent({
      eventType: 'lots.create_lot',
      aggregateType: 'lot',
      aggregateId: String(Object(rows[0]!).id ?? ''),
      payload: { warehouseId, result: rows[0]! },
    });
    await this.db.commit();
    return rows[0]!;
  }

  /** Each branch says what it changed. */
  async setBlocked(organizationId: string, lotId: string, blocked: boolean): Promise<void> {
    if (blocked) {
      await this.db.execute("UPDATE lots SET status = 'blocked' WHERE id = $1 AND organization_id = $2", [lotId, organizationId]);
      await this.outboxRepo.addEvent({
        eventType: 'lots.set_blocked',
        aggregateType: 'lot',
        aggregateId: lotId,
        organizationId,
        payload: { organizationId, lotId, status: 'blocked' },
      });
      await this.db.commit();
    } else {
      await this.db.execute("UPDATE lots SET status = 'active' WHERE id = $1 AND organization_id = $2", [lotId, organizationId]);
      await this.outboxRepo.addEvent({
        eventType: 'lots.set_blocked',
        aggregateType: 'lot',
        aggregateId: lotId,
        organizationId,
        payload: { organizationId, lotId, status: 'active' },
      });
      await this.db.commit();
    }
  }

  /** One transaction per row: one event per row, naming it. */
  async releaseHolds(organizationId: string): Promise<number> {
    const { rows } = await this.db.execute<{ id: string }>('SELECT id FROM lots WHERE organization_id = $1 AND hold_until < now()', [organizationId]);
    for (const row of rows) {
      await this.db.execute('UPDATE lots SET hold_until = NULL WHERE id = $1', [row.id]);
      await this.outboxRepo.addEvent({
        eventType: 'lots.release_holds',
        aggregateType: 'lot',
        aggregateId: String(row.id),
        organizationId,
        payload: { organizationId, id: row.id },
      });
      await this.db.commit();
    }
    return rows.length;
  }
}
