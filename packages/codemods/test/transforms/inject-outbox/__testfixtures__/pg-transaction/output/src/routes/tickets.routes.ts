import express from 'express';
import type { Pool } from 'pg';
import { HttpError } from '../http-errors.js';
import { TicketService } from '../tickets/ticket.service.js';

function titleOf(body: unknown): string {
  const title = (body as { title?: unknown } | undefined)?.title;
  if (typeof title !== 'string' || title.trim() === '') throw new HttpError(400, 'title is required');
  return title;
}

export function ticketsRouter(pool: Pool): express.Router {
  const router = express.Router();
  const tickets = new TicketService(pool);

  router.get('/:id', async (req, res) => {
    res.json(await tickets.get(req.params.id));
  });

  router.post('/', async (req, res) => {
    const ticket = await tickets.open(titleOf(req.body));
    res.status(201).json(ticket);
  });

  router.patch('/:id', async (req, res) => {
    res.json(await tickets.retitle(req.params.id, titleOf(req.body)));
  });

  router.post('/:id/close', async (req, res) => {
    res.json(await tickets.close(req.params.id));
  });

  router.delete('/:id', async (req, res) => {
    await tickets.remove(req.params.id);
    res.status(204).end();
  });

  return router;
}
