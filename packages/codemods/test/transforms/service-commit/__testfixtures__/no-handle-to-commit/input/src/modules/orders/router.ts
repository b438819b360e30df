import type { FastifyInstance } from 'fastify';
import { OrderService } from './order.service.js';

export function registerOrderRoutes(app: FastifyInstance): void {
  app.post<{ Body: { item: string } }>('/orders', async (request) => {
    await new OrderService({ open: async () => request.db }).createOrder(request.body.item);
    await request.db.commit();
    return { ok: true };
  });
}
