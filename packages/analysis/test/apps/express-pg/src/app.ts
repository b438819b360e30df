import express, { type ErrorRequestHandler } from 'express';
import { customersRouter } from './customers/customers.routes.js';
import { pool } from './db.js';
import { HttpError } from './http.js';
import { logger } from './logger.js';
import { ordersRouter } from './orders/orders.routes.js';

export const app = express();

app.use(express.json({ limit: '100kb' }));

app.get('/health', (_req, res) => {
  res.json({ status: 'ok' });
});

// Every path of these routers starts with its mount point: POST / in ordersRouter is POST /orders.
app.use('/orders', ordersRouter);
app.use('/customers', customersRouter);

const errorHandler: ErrorRequestHandler = (error, req, res, _next) => {
  if (error instanceof HttpError) {
    res.status(error.status).json({ error: error.message, details: error.details });
    return;
  }
  logger.error({ err: error, method: req.method, path: req.originalUrl }, 'unhandled error');
  res.status(500).json({ error: 'internal error' });
};
app.use(errorHandler);

if (process.env.NODE_ENV !== 'test') {
  const port = Number(process.env.PORT ?? 3000);
  const server = app.listen(port, () => logger.info({ port }, 'orders-api listening'));
  process.on('SIGTERM', () => {
    server.close(() => {
      void pool.end().then(() => process.exit(0));
    });
  });
}
