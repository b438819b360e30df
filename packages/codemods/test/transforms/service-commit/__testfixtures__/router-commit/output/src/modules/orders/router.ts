import type { FastifyInstance } from 'fastify';
import { OrderService } from './order.service.js';

export function registerOrderRoutes(app: FastifyInstance): void {
  app.post('/orders', async (request) => {
    const db = request.db;
    const order = await new OrderService(db).createOrder(request.body as { item: string });
    // the service used to leave this to us
    return order;
  });

  app.post('/orders/:id/cancel', async (request) => {
    const service = new OrderService(request.db);
    await service.cancelOrder((request.params as { id: string }).id);
    return { ok: true };
  });

  app.post('/orders/:id/archive', async (request) => {
    const archived = await new OrderService(request.db).archive((request.params as { id: string }).id);
    return archived;
  });
}
