import type { Channel } from 'amqplib';
import type { FastifyPluginAsync } from 'fastify';
import { idParamsSchema, shipBodySchema, type IdParams } from '../schemas.js';
import { OrdersService } from '../services/orders.service.js';

const orderRoutes: FastifyPluginAsync<{ channel: Channel }> = async (fastify, opts) => {
  const db = fastify.knex;
  const orders = new OrdersService(db, opts.channel);

  fastify.get<{ Params: IdParams }>('/orders/:id', { schema: { params: idParamsSchema } }, async (request) => {
    return orders.findWithLines(request.params.id);
  });

  fastify.get('/orders/stats', async () => {
    // expect: router-db-call
    const [rows] = await db.raw('SELECT status, COUNT(*) AS n FROM orders GROUP BY status');
    return rows;
  });

  fastify.post<{ Params: IdParams; Body: { carrier: string } }>(
    '/orders/:id/ship',
    { schema: { params: idParamsSchema, body: shipBodySchema } },
    async (request, reply) => {
      await orders.ship(request.params.id, request.body.carrier);
      return reply.code(202).send();
    },
  );

  fastify.post<{ Params: IdParams; Body: { reason: string } }>('/orders/:id/cancel', async (request, reply) => {
    await orders.cancel(request.params.id, request.body.reason);
    return reply.code(204).send();
  });

  // expect: operation
  fastify.patch<{ Params: IdParams; Body: { note: string } }>('/orders/:id/note', async (request, reply) => {
    // expect: router-db-call
    await db('orders').where({ id: request.params.id }).update({ note: request.body.note.slice(0, 500) });
    // expect: none — SQL words in a log message are text
    request.log.info({ orderId: request.params.id }, 'note saved; UPDATE orders done');
    return reply.code(204).send();
  });
};

export default orderRoutes;
