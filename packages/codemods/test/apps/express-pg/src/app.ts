import express, { type ErrorRequestHandler } from 'express';
import type { Pool } from 'pg';
import { commentsRouter } from './routes/comments.routes.js';
import { ticketsRouter } from './routes/tickets.routes.js';

export function createApp(pool: Pool): express.Express {
  const app = express();
  app.use(express.json());
  app.use('/tickets', ticketsRouter(pool));
  app.use('/comments', commentsRouter(pool));
  const errors: ErrorRequestHandler = (error, _req, res, _next) => {
    const status = typeof error?.status === 'number' ? (error.status as number) : 500;
    res.status(status).json({ error: status === 500 ? 'internal error' : String(error.message) });
  };
  app.use(errors);
  return app;
}
