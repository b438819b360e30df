import type { FastifyInstance } from 'fastify';
import { OrderService } from './order.service.js';

export function registerOrderRoutes(app: FastifyInstance): void {
  app.post('/orders', async (request) => {
    const order = await new OrderService(request.db).createOrder(request.body as { item: string });
    await request.db.commit();
    return order;
  });
}
