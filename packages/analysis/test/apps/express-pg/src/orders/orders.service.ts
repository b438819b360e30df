import type { PoolClient } from 'pg';
import { pool } from '../db.js';
import { bus, type OrderCancelled } from '../events.js';
import { ConflictError, NotFoundError } from '../http.js';
import type { NewOrder } from '../schemas.js';

export interface Order {
  id: string;
  customerId: string;
  status: 'placed' | 'shipped' | 'cancelled';
  totalCents: number;
  createdAt: Date;
}

const ORDER_COLUMNS = 'id, customer_id AS "customerId", status, total_cents AS "totalCents", created_at AS "createdAt"';

// expect: none — a read: a SELECT is not an operation
export async function listOrders(customerId: string): Promise<Order[]> {
  const { rows } = await pool.query<Order>(
    `SELECT ${ORDER_COLUMNS} FROM orders WHERE customer_id = $1 ORDER BY created_at DESC LIMIT 100`,
    [customerId],
  );
  return rows;
}

export async function getOrder(id: string): Promise<Order> {
  const { rows } = await pool.query<Order>(`SELECT ${ORDER_COLUMNS} FROM orders WHERE id = $1`, [id]);
  if (rows.length === 0) throw new NotFoundError('order', id);
  return rows[0]!;
}

// expect: operation idempotency=no event=yes commit=yes — the outbox row is written in the order's own transaction
export async function placeOrder(input: NewOrder): Promise<Order> {
  const totalCents = input.lines.reduce((sum, line) => sum + line.quantity * line.unitPriceCents, 0);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<Order>(
      `INSERT INTO orders (customer_id, status, total_cents) VALUES ($1, 'placed', $2) RETURNING ${ORDER_COLUMNS}`,
      [input.customerId, totalCents],
    );
    const order = rows[0]!;
    for (const line of input.lines) {
      await client.query(
        'INSERT INTO order_lines (order_id, sku, quantity, unit_price_cents) VALUES ($1, $2, $3, $4)',
        [order.id, line.sku, line.quantity, line.unitPriceCents],
      );
      const reserved = await client.query(
        'UPDATE stock SET reserved = reserved + $2 WHERE sku = $1 AND on_hand - reserved >= $2',
        [line.sku, line.quantity],
      );
      if (reserved.rowCount === 0) throw new ConflictError(`not enough stock for ${line.sku}`);
    }
    await client.query(
      'INSERT INTO outbox (aggregate_type, aggregate_id, event_type, payload) VALUES ($1, $2, $3, $4)',
      ['order', order.id, 'order.placed', JSON.stringify({ ...order, lines: input.lines })],
    );
    await client.query('COMMIT');
    return order;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

// expect: operation idempotency=no event=no commit=yes — the bus publish after the commit is a dual write
export async function cancelOrder(id: string, reason: string): Promise<Order> {
  const client = await pool.connect();
  let order: Order;
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<Order>(
      `UPDATE orders SET status = 'cancelled' WHERE id = $1 AND status = 'placed' RETURNING ${ORDER_COLUMNS}`,
      [id],
    );
    if (rows.length === 0) throw new ConflictError(`order ${id} cannot be cancelled`);
    order = rows[0]!;
    await releaseStock(client, id);
    await recordStatusChange(client, id, 'cancelled', reason);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
  const event: OrderCancelled = { orderId: id, reason };
  // expect: none — an in-process bus publish after the commit: a dual write, never an outbox event
  bus.emit('order.cancelled', event);
  return order;
}

// expect: operation event=no
export const markShipped = async (id: string, trackingNumber: string): Promise<void> => {
  const result = await pool.query(
    "UPDATE orders SET status = 'shipped', tracking_number = $2, shipped_at = now() WHERE id = $1 AND status = 'placed'",
    [id, trackingNumber],
  );
  if (result.rowCount === 0) throw new ConflictError(`order ${id} cannot be shipped`);
};

// expect: none — a helper of this file, not exported: its writes count for the operations that call it
async function releaseStock(client: PoolClient, orderId: string): Promise<void> {
  await client.query(
    'UPDATE stock s SET reserved = s.reserved - l.quantity FROM order_lines l WHERE l.order_id = $1 AND s.sku = l.sku',
    [orderId],
  );
}

async function recordStatusChange(client: PoolClient, orderId: string, status: Order['status'], note: string): Promise<void> {
  await client.query('INSERT INTO order_status_history (order_id, status, note) VALUES ($1, $2, $3)', [orderId, status, note]);
}
