import express from 'express';
import { pool } from '../db.js';
import { validateBody } from '../http.js';
import { logger } from '../logger.js';
import { CancelOrderSchema, NewOrderSchema, OrderNoteSchema, ShipOrderSchema } from '../schemas.js';
import { cancelOrder, getOrder, listOrders, markShipped, placeOrder } from './orders.service.js';

export const ordersRouter = express.Router();

// Cancellations running on this instance, so a double click does not start a second transaction.
const cancelling = new Map<string, Promise<unknown>>();

ordersRouter.get('/', async (req, res) => {
  const customerId = String(req.query.customerId ?? '');
  res.json(await listOrders(customerId));
});

ordersRouter.get('/:id', async (req, res) => {
  res.json(await getOrder(req.params.id));
});

ordersRouter.post('/', validateBody(NewOrderSchema), async (req, res) => {
  const order = await placeOrder(req.body);
  res.status(201).location(`/orders/${order.id}`).json(order);
});

ordersRouter.post('/:id/cancel', validateBody(CancelOrderSchema), async (req, res) => {
  const { id } = req.params;
  const running = cancelling.get(id) ?? cancelOrder(id, req.body.reason);
  cancelling.set(id, running);
  try {
    res.json(await running);
  } finally {
    // expect: none — Map.delete on an in-memory map, not a DB delete
    cancelling.delete(id);
  }
});

ordersRouter.post('/:id/ship', validateBody(ShipOrderSchema), async (req, res) => {
  await markShipped(req.params.id, req.body.trackingNumber);
  // expect: none — SQL words in a log message are text
  logger.info({ orderId: req.params.id }, 'order shipped (UPDATE orders committed by the service)');
  // expect: none — a trailing comment that mentions pool.query() is not a call
  res.sendStatus(202); // no pool.query() here: markShipped owns the write
});

ordersRouter.get('/:id/lines', async (req, res) => {
  // expect: router-db-call
  const { rows } = await pool.query('SELECT sku, quantity, unit_price_cents AS "unitPriceCents" FROM order_lines WHERE order_id = $1 ORDER BY sku', [req.params.id]);
  // expect: none — Array.find over rows already read
  const giftWrap = rows.find((line) => line.sku === 'GIFT-WRAP');
  res.json({ lines: rows, giftWrapped: giftWrap !== undefined });
});

// expect: operation idempotency=no event=no — the handler writes directly, there is no service for notes
ordersRouter.post('/:id/notes', validateBody(OrderNoteSchema), async (req, res) => {
  // expect: none — req.get reads a request header, not the database
  const author = req.get('x-user-id') ?? 'anonymous';
  // expect: router-db-call
  const { rows } = await pool.query('INSERT INTO order_notes (order_id, author, body) VALUES ($1, $2, $3) RETURNING id, created_at AS "createdAt"', [req.params.id, author, req.body.body]);
  res.status(201).json(rows[0]);
});
