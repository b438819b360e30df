import { Router } from 'express';
import type { Pool } from 'pg';

/** Reads go to the replica, writes to the primary. */
export function reportsRouter(primary: Pool, replica: Pool): Router {
  const router = Router();

  router.post('/:id/refresh', async (req, res) => {
    const { rows } = await replica.query('SELECT total FROM report_totals WHERE report_id = $1', [req.params.id]);
    await primary.query('UPDATE reports SET total = $2, refreshed_at = now() WHERE id = $1', [req.params.id, rows[0]?.total ?? 0]);
    res.sendStatus(204);
  });

  return router;
}
