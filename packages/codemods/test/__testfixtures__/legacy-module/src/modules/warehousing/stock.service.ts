import type { DbSession } from '../../db/session.js';
import { badRequest, conflict, notFound } from '../../core/http/errors.js';

export type LotStatus = 'active' | 'blocked' | 'archived';

export interface StockLot {
  id: string;
  organizationId: string;
  warehouseId: string;
  commodityCode: string;
  quantity: number;
  pricePerUnit: number;
  status: LotStatus;
}

export interface Receipt {
  warehouseId: string;
  commodityCode: string;
  quantity: number;
  pricePerUnit: number;
  reference: string;
}

export interface Reservation {
  lotId: string;
  quantity: number;
}

export interface Valuation {
  lotId: string;
  quantity: number;
  value: number;
}

/**
 * Stock held in warehouses, per lot. Written as the rest of the legacy runtime: each method runs its SQL on the
 * request's session and commits it itself; no outbox, no idempotency.
 */
export class StockService {
  constructor(private readonly db: DbSession) {}

  async getLot(lotId: string): Promise<StockLot> {
    const { rows } = await this.db.execute<StockLot>('SELECT * FROM stock_lots WHERE id = $1', [lotId]);
    if (rows.length === 0) throw notFound('lot', lotId);
    return rows[0]!;
  }

  /** A receipt seen before (same reference) is answered with the lot it created. */
  async receiveStock(organizationId: string, receipt: Receipt): Promise<StockLot> {
    if (receipt.quantity <= 0) throw badRequest('quantity must be positive');
    const { rows: seen } = await this.db.execute<StockLot>(
      'SELECT * FROM stock_lots WHERE organization_id = $1 AND reference = $2',
      [organizationId, receipt.reference],
    );
    if (seen.length > 0) return seen[0]!;
    const { rows } = await this.db.execute<StockLot>(
      `INSERT INTO stock_lots (organization_id, warehouse_id, commodity_code, quantity, price_per_unit, reference, status)
       VALUES ($1, $2, $3, $4, $5, $6, 'active') RETURNING *`,
      [organizationId, receipt.warehouseId, receipt.commodityCode, receipt.quantity, receipt.pricePerUnit, receipt.reference],
    );
    await this.db.commit();
    return rows[0]!;
  }

  /** Blocks a lot for inspection, or releases it. */
  async setLotBlocked(lotId: string, blocked: boolean, reason: string | null): Promise<StockLot> {
    const lot = await this.getLot(lotId);
    if (lot.status === 'archived') throw conflict(`lot ${lotId} is archived`);
    if (blocked) {
      const { rows } = await this.db.execute<StockLot>(
        "UPDATE stock_lots SET status = 'blocked', block_reason = $2 WHERE id = $1 RETURNING *",
        [lotId, reason],
      );
      await this.db.commit();
      return rows[0]!;
    } else {
      const { rows } = await this.db.execute<StockLot>(
        "UPDATE stock_lots SET status = 'active', block_reason = NULL WHERE id = $1 RETURNING *",
        [lotId],
      );
      await this.db.commit();
      return rows[0]!;
    }
  }

  /** Moves quantity between two lots; both change or neither does. */
  async transferStock(fromLotId: string, toLotId: string, quantity: number): Promise<{ from: StockLot; to: StockLot }> {
    try {
      const { rows: from } = await this.db.execute<StockLot>(
        'UPDATE stock_lots SET quantity = quantity - $2 WHERE id = $1 AND quantity >= $2 RETURNING *',
        [fromLotId, quantity],
      );
      if (from.length === 0) throw conflict(`lot ${fromLotId} holds less than ${quantity}`);
      const { rows: to } = await this.db.execute<StockLot>(
        'UPDATE stock_lots SET quantity = quantity + $2 WHERE id = $1 RETURNING *',
        [toLotId, quantity],
      );
      if (to.length === 0) throw notFound('lot', toLotId);
      await this.db.commit();
      return { from: from[0]!, to: to[0]! };
    } catch (error) {
      await this.db.rollback();
      throw error;
    }
  }

  /** Reserves several lots at once: one transaction for all of them. */
  async reserveLots(organizationId: string, reservations: Reservation[]): Promise<number> {
    let reserved = 0;
    for (const reservation of reservations) {
      const { rowCount } = await this.db.execute(
        'UPDATE stock_lots SET reserved = reserved + $3 WHERE id = $1 AND organization_id = $2',
        [reservation.lotId, organizationId, reservation.quantity],
      );
      reserved += rowCount;
    }
    await this.db.commit();
    return reserved;
  }

  /** Releases expired holds lot by lot: each release is its own transaction, so one failure keeps the others. */
  async releaseExpiredHolds(organizationId: string): Promise<number> {
    const { rows } = await this.db.execute<{ id: string }>(
      'SELECT id FROM stock_lots WHERE organization_id = $1 AND hold_until < now()',
      [organizationId],
    );
    for (const row of rows) {
      await this.db.execute('UPDATE stock_lots SET reserved = 0, hold_until = NULL WHERE id = $1', [row.id]);
      await this.db.commit();
    }
    return rows.length;
  }

  async archiveLot(lotId: string): Promise<void> {
    await this.markArchived(lotId);
    await this.db.commit();
  }

  /** Counted stock replaces the book quantity. */
  async recountLot(lotId: string, counted: number): Promise<StockLot> {
    const lot = await this.getLot(lotId);
    if (lot.status === 'archived') throw conflict(`lot ${lotId} is archived`);
    const { rows } = await this.db.execute<StockLot>('UPDATE stock_lots SET quantity = $2 WHERE id = $1 RETURNING *', [lotId, counted]);
    await this.db.commit();
    return rows[0]!;
  }

  /** Re-prices a lot and answers with its value at the new price. */
  async repriceLot(lotId: string, pricePerUnit: number): Promise<Valuation> {
    const { rows } = await this.db.execute<StockLot>('UPDATE stock_lots SET price_per_unit = $2 WHERE id = $1 RETURNING *', [lotId, pricePerUnit]);
    if (rows.length === 0) throw notFound('lot', lotId);
    await this.db.commit();
    return { lotId, quantity: rows[0]!.quantity, value: rows[0]!.quantity * pricePerUnit };
  }

  private async markArchived(lotId: string): Promise<void> {
    await this.db.execute("UPDATE stock_lots SET status = 'archived' WHERE id = $1", [lotId]);
  }
}
