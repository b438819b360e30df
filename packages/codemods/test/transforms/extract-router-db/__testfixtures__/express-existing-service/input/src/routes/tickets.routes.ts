import express from 'express';
import type { Pool } from 'pg';
import { TicketService } from '../tickets/ticket.service.js';

export function ticketsRouter(pool: Pool): express.Router {
  const router = express.Router();
  const tickets = new TicketService(pool);

  router.get('/:id', async (req, res) => {
    const ticket = await tickets.get(req.params.id);
    if (!ticket) {
      res.sendStatus(404);
      return;
    }
    res.json(ticket);
  });

  // Added later, straight on the pool.
  router.get('/:id/history', async (req, res) => {
    const { rows } = await pool.query('SELECT change, at FROM ticket_history WHERE ticket_id = $1 ORDER BY at', [req.params.id]);
    res.json(rows);
  });

  router.post('/:id/reopen', async (req, res) => {
    const { rows } = await pool.query("UPDATE tickets SET status = 'open' WHERE id = $1 RETURNING id, title, status", [req.params.id]);
    res.json(rows[0]);
  });

  return router;
}
