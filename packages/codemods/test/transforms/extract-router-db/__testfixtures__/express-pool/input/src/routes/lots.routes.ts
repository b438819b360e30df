import { Router, type Request } from 'express';
import type { Pool } from 'pg';

type LotStatus = 'open' | 'sold';

interface LotInput {
  sku: string;
  quantity: number;
}

function badRequest(message: string): Error & { status: number } {
  return Object.assign(new Error(message), { status: 400 });
}

export default function lotsRouter(pool: Pool) {
  const router = Router();

  router.get('/', async (req, res) => {
    const { rows } = await pool.query('SELECT id, sku, quantity, status FROM lots WHERE status = $1 ORDER BY sku', [req.query.status ?? 'open']);
    res.json({ lots: rows });
  });

  router.post('/', async (req: Request<{}, unknown, LotInput>, res) => {
    if (req.body.quantity <= 0) throw badRequest('quantity must be positive');
    const { rows } = await pool.query(
      'INSERT INTO lots (sku, quantity) VALUES ($1, $2) RETURNING id, sku, quantity, status',
      [req.body.sku, req.body.quantity],
    );
    return res.status(201).json(rows[0]);
  });

  router.put('/:lotId/quantity', async (req, res) => {
    await pool.query('UPDATE lots SET quantity = $2 WHERE id = $1', [req.params.lotId, req.body.quantity]);
    res.status(204).end();
  });

  router.post('/:lotId/sell', async (req, res) => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const status: LotStatus = 'sold';
      const { rows } = await client.query('UPDATE lots SET status = $2 WHERE id = $1 RETURNING id, status', [req.params.lotId, status]);
      if (rows.length === 0) {
        await client.query('ROLLBACK');
        res.status(404).json({ error: 'no such lot' });
        return;
      }
      await client.query('INSERT INTO lot_sales (lot_id) VALUES ($1)', [req.params.lotId]);
      await client.query('COMMIT');
      res.status(200).json(rows[0]);
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  });

  router.delete('/:lotId', async (req, res) => {
    await pool.query('DELETE FROM lots WHERE id = $1', [req.params.lotId]);
    res.sendStatus(204);
  });

  return router;
}
