import { Router } from 'express';
import type { Pool } from 'pg';

export function invoicesRouter(pool: Pool): Router {
  const router = Router();

  // Answers first, then records who asked: the audit row is written after the response went out.
  router.post('/:id/void', async (req, res) => {
    const { rows } = await pool.query("UPDATE invoices SET status = 'void' WHERE id = $1 RETURNING id, status", [req.params.id]);
    res.json(rows[0]);
    await pool.query('INSERT INTO invoice_audit (invoice_id, action) VALUES ($1, $2)', [req.params.id, 'void']);
  });

  return router;
}
