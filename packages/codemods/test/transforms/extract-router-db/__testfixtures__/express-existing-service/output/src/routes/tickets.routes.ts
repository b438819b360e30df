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
    res.json(await tickets.getHistory(req.params));
  });

  router.post('/:id/reopen', async (req, res) => {
    res.json(await tickets.reopenTicket(req.params));
  });

  return router;
}
