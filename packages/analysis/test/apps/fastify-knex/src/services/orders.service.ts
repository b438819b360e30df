import type { Channel } from 'amqplib';
import type { Knex } from 'knex';
import { ConflictError, NotFoundError } from '../errors.js';

export interface OrderView {
  id: number;
  status: string;
  lines: Array<{ item_id: number; quantity: number }>;
}

export class OrdersService {
  constructor(
    private readonly db: Knex,
    private readonly channel: Channel,
  ) {}

  // expect: operation idempotency=no event=no commit=yes
  async ship(orderId: number, carrier: string): Promise<void> {
    const trx = await this.db.transaction();
    try {
      const order = await trx('orders').where({ id: orderId }).forUpdate().first();
      if (!order) throw new NotFoundError(`order ${orderId}`);
      if (order.status !== 'paid') throw new ConflictError(`order ${orderId} is ${order.status}, not paid`);
      await trx('orders').where({ id: orderId }).update({ status: 'shipped', carrier, shipped_at: trx.fn.now() });
      await trx('shipments').insert({ order_id: orderId, carrier });
      await trx.commit();
    } catch (err) {
      await trx.rollback();
      throw err;
    }
    // expect: none — an AMQP publish after the commit: a dual write, not an outbox event
    this.channel.publish('orders', 'order.shipped', Buffer.from(JSON.stringify({ orderId, carrier })), { persistent: true });
  }

  // expect: operation event=yes commit=yes
  async cancel(orderId: number, reason: string): Promise<void> {
    await this.db.transaction(async (trx) => {
      const count = await trx('orders').where({ id: orderId }).whereIn('status', ['placed', 'paid']).update({ status: 'cancelled' });
      if (count === 0) throw new ConflictError(`order ${orderId} cannot be cancelled`);
      await trx('outbox').insert({
        aggregate_type: 'order',
        aggregate_id: String(orderId),
        event_type: 'order.cancelled',
        payload: JSON.stringify({ orderId, reason }),
      });
    });
  }

  // expect: none — two reads, no write
  async findWithLines(orderId: number): Promise<OrderView> {
    const order = await this.db('orders').where({ id: orderId }).first('id', 'status');
    if (!order) throw new NotFoundError(`order ${orderId}`);
    const lines = await this.db('order_lines').where({ order_id: orderId }).select('item_id', 'quantity');
    return { ...order, lines };
  }
}
