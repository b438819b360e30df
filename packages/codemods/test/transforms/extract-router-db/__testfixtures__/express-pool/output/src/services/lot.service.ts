import type { Pool } from 'pg';

type LotStatus = 'open' | 'sold';

export interface LotInput {
  sku: string;
  quantity: number;
}

function badRequest(message: string): Error & { status: number } {
  return Object.assign(new Error(message), { status: 400 });
}

/**
 * The service of Lot records: the work its router did on the database, one method per route.
 * Built by the router with the pool it was given; the methods that write commit themselves.
 */
export class LotService {
  constructor(private readonly pool: Pool) {}

  async listLots(query: import('express').Request['query']) {
    const { rows } = await this.pool.query('SELECT id, sku, quantity, status FROM lots WHERE status = $1 ORDER BY sku', [query.status ?? 'open']);
    return { lots: rows };
  }

  async createLot(body: LotInput) {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      if (body.quantity <= 0) throw badRequest('quantity must be positive');
      const { rows } = await client.query(
        'INSERT INTO lots (sku, quantity) VALUES ($1, $2) RETURNING id, sku, quantity, status',
        [body.sku, body.quantity],
      );
      await client.query('COMMIT');
      return rows[0];
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }

  async updateQuantity(params: { lotId: string }, body: any) {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('UPDATE lots SET quantity = $2 WHERE id = $1', [params.lotId, body.quantity]);
      await client.query('COMMIT');
      return;
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }

  async sellLot(params: { lotId: string }) {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const status: LotStatus = 'sold';
      const { rows } = await client.query('UPDATE lots SET status = $2 WHERE id = $1 RETURNING id, status', [params.lotId, status]);
      if (rows.length === 0) {
        await client.query('ROLLBACK');
        return { statusCode: 404, payload: { error: 'no such lot' } };
      }
      await client.query('INSERT INTO lot_sales (lot_id) VALUES ($1)', [params.lotId]);
      await client.query('COMMIT');
      return { statusCode: 200, payload: rows[0] };
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }

  async deleteLot(params: { lotId: string }) {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('DELETE FROM lots WHERE id = $1', [params.lotId]);
      await client.query('COMMIT');
      return;
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }
}
