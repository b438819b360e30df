import type { FastifyInstance } from 'fastify';
import { OrderService } from './order.service.js';

export function registerOrderRoutes(app: FastifyInstance): void {
  app.post('/organizations/:organizationId/orders', async (request, reply) => {
    const { organizationId } = request.params as { organizationId: string };
    const order = await new OrderService(request.db).createOrder(
      organizationId,
      (request.body as { item: string }).item,
    );
    return reply.status(201).send(order);
  });

  app.post('/orders/bulk', async (request) => {
    const service = new OrderService(request.db);
    const created = [];
    // Each item is its own operation: one request key cannot cover them all.
    for (const item of request.body as string[]) created.push(await service.createOrder('bulk', item));
    return created;
  });
}
