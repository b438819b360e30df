import { idParamsSchema, shipBodySchema } from '../schemas.js';
import { OrdersService } from '../services/orders.service.js';
const orderRoutes = async (fastify, opts) => {
    const db = fastify.knex;
    const orders = new OrdersService(db, opts.channel);
    fastify.get('/orders/:id', { schema: { params: idParamsSchema } }, async (request) => {
        return orders.findWithLines(request.params.id);
    });
    fastify.get('/orders/stats', async () => {
        const [rows] = await db.raw('SELECT status, COUNT(*) AS n FROM orders GROUP BY status');
        return rows;
    });
    fastify.post('/orders/:id/ship', { schema: { params: idParamsSchema, body: shipBodySchema } }, async (request, reply) => {
        await orders.ship(request.params.id, request.body.carrier);
        return reply.code(202).send();
    });
    fastify.post('/orders/:id/cancel', async (request, reply) => {
        await orders.cancel(request.params.id, request.body.reason);
        return reply.code(204).send();
    });
    fastify.patch('/orders/:id/note', async (request, reply) => {
        await db('orders').where({ id: request.params.id }).update({ note: request.body.note.slice(0, 500) });
        request.log.info({ orderId: request.params.id }, 'note saved; UPDATE orders done');
        return reply.code(204).send();
    });
};
export default orderRoutes;
//# sourceMappingURL=orders.routes.js.map
