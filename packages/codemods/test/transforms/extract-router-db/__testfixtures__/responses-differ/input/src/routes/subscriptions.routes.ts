import { Router } from 'express';
import type { Pool } from 'pg';

export function subscriptionsRouter(pool: Pool): Router {
  const router = Router();

  // Unsubscribing twice is fine: the second time there is nothing to say.
  router.delete('/:id', async (req, res) => {
    const { rows } = await pool.query('DELETE FROM subscriptions WHERE id = $1 RETURNING id, email', [req.params.id]);
    if (rows.length === 0) {
      res.sendStatus(204);
      return;
    }
    res.json({ removed: rows[0] });
  });

  return router;
}
